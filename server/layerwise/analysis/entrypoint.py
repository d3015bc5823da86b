"""What an image starts: the ENTRYPOINT and CMD in effect for a stage, and their words."""

from __future__ import annotations

from dataclasses import dataclass

from ..syntax.model import Instruction, Stage, Token
from .context import LintContext
from .walk import chain_root_first


@dataclass(frozen=True)
class Runtime:
    """CMD and ENTRYPOINT in effect for a stage, as far as this Dockerfile sets them."""

    entrypoint: Instruction | None
    cmd: Instruction | None


def runtime_of(ctx: LintContext, stage: Stage) -> Runtime:
    entrypoint: Instruction | None = None
    cmd: Instruction | None = None
    for member in chain_root_first(ctx, stage):
        cmd_here = False
        for ins in member.instructions:
            if ins.keyword == "CMD":
                cmd, cmd_here = ins, True
            elif ins.keyword == "ENTRYPOINT":
                entrypoint = ins
                if not cmd_here:
                    cmd = None  # ENTRYPOINT resets a CMD inherited from the base
    return Runtime(entrypoint, cmd)


def argv_of(ins: Instruction | None) -> list[Token] | None:
    """Exec-form arguments, or the words of a single-command shell form."""
    if ins is None or not ins.args:
        return None
    if ins.exec_args is not None:
        return list(ins.exec_args)
    script = ins.shell
    if script is None or script.error or len(script.commands) != 1:
        return None
    command = script.commands[0]
    index = command.program_index()
    return list(command.words[index:]) if index is not None else None
