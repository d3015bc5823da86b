"""LW8xx: runtime behaviour (PRACTICES H)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ...syntax.model import Instruction, Stage
from ..context import LintContext
from ..edits import stage_shell_is_posix
from ..rule import Edit, Fix, Rule, Severity, Violation

# Characters whose meaning depends on a shell (expansion, globbing, grouping).
_SHELL_CHARS = set("$`*?[]{}~<>|&;()#!\\\n")


def _is_literal(raw: str) -> bool:
    """The word means the same with or without a shell: no expansion, globbing or escapes."""
    quote = ""
    for ch in raw:
        if quote == "'":
            quote = "" if ch == "'" else quote
        elif quote == '"':
            if ch in "$`\\":
                return False
            quote = "" if ch == '"' else quote
        elif ch in "'\"":
            quote = ch
        elif ch in _SHELL_CHARS:
            return False
    return not quote


def _explicit_shell(ctx: LintContext, stage: Stage, before: Instruction) -> bool:
    for member in ctx.stage_chain(stage):
        for ins in member.instructions:
            if member is stage and ins.span.start >= before.span.start:
                break
            if ins.keyword == "SHELL":
                return True
    return False


def exec_form(ctx: LintContext, ins: Instruction) -> str | None:
    """The JSON exec form of a shell-form CMD/ENTRYPOINT, when no shell feature is used."""
    script = ins.shell
    if script is None or script.error or script.comments or len(script.commands) != 1:
        return None
    command = script.commands[0]
    if command.redirects or command.program_index() != 0:
        return None
    if not all(_is_literal(word.raw) for word in command.words):
        return None
    words = [word.value for word in command.words]
    return json.dumps(words, ensure_ascii=False)


def _shell_form(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        if ctx.is_windows(stage):
            continue  # cmd /S /C, not /bin/sh: a different signal story
        for ins in stage.instructions:
            if ins.keyword not in ("CMD", "ENTRYPOINT") or ins.is_exec_form or not ins.args:
                continue
            if _explicit_shell(ctx, stage, ins):
                continue  # a SHELL instruction makes the shell wrapper deliberate
            fix = None
            converted = exec_form(ctx, ins)
            posix = ctx.doc.escape == "\\" and stage_shell_is_posix(ctx, ins)
            cmd_follows = ins.keyword == "ENTRYPOINT" and any(
                other.keyword == "CMD" for other in stage.instructions
            )
            if converted is not None and posix and not cmd_follows and not ins.flags:
                fix = Fix(
                    f"Use the exec form: {ins.keyword} {converted}",
                    (Edit(ins.args_span.start, ins.args_span.end, converted),),
                )
            yield Violation(
                ins.args_span,
                f"Shell-form {ins.keyword} runs under /bin/sh -c, which does not forward "
                "SIGTERM: the process is killed after the stop timeout. Use the JSON exec form",
                fix,
            )


RULES = (
    Rule(
        code="LW801",
        name="shell-form-cmd",
        summary="CMD or ENTRYPOINT in shell form",
        severity=Severity.WARNING,
        category="runtime",
        check=_shell_form,
        aliases=("DL3025", "JSONArgsRecommended"),
        fixable=True,
    ),
)
