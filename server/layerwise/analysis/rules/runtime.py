"""LW8xx: runtime behaviour (PRACTICES H)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ...syntax.model import Instruction, Stage
from ..context import LintContext
from ..edits import stage_shell_is_posix
from ..rule import Edit, Fix, Rule, Severity, Violation
from ..stages import stage_facts

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
    if command.redirects or command.program_index() != 0 or command.separator is not None:
        return None
    if not all(_is_literal(word.raw) for word in command.words):
        return None
    words = [word.value for word in command.words]
    return json.dumps(words, ensure_ascii=False)


def exec_in_shell(ctx: LintContext, ins: Instruction) -> str | None:
    """``["/bin/sh", "-c", "... && exec last"]`` for a command that needs the shell.

    The shell still runs the steps before, then ``exec`` replaces it with the last
    command, which becomes PID 1 and receives SIGTERM. Only when the last command
    is a plain command that runs in the shell itself (not in a pipeline, a
    subshell, the background or a compound command).
    """
    script = ins.shell
    if script is None or script.error or script.comments or not script.commands:
        return None
    last = script.commands[-1]
    index = last.program_index()
    if (
        index is None
        or last.separator is not None
        or last.preceded_by in ("|", "|&", "&", "(", ")")
    ):
        return None
    if any(
        c.separator in ("(", ")") or c.program in ("if", "for", "while", "case")
        for c in script.commands
    ):
        return None
    if last.program in ("true", "false", ":", "cd", "export", "set"):
        return None
    if any(word.value == "exec" for word in last.words[: index + 1]):
        return None  # it already execs: the shell is not what stays PID 1
    args = ins.args
    at = last.words[index].span.start - ins.args_span.start
    if ins.args_to_span(at, at + 1).start != last.words[index].span.start:
        return None  # offsets do not line up (a continuation inside): keep it simple
    return json.dumps(["/bin/sh", "-c", args[:at] + "exec " + args[at:]], ensure_ascii=False)


def _busybox_execs(ctx: LintContext, stage: Stage, ins: Instruction) -> bool:
    """BusyBox ash (Alpine, BusyBox) runs ``sh -c`` with EV_EXIT: a single simple
    command, redirections included, is exec'd and becomes PID 1, so it does get
    SIGTERM. Debian's dash and bash keep the shell as PID 1."""
    facts = stage_facts(ctx, stage)
    if not (facts.busybox or facts.os == "alpine"):
        return False
    script = ins.shell
    if script is None or script.error or len(script.commands) != 1:
        return False
    command = script.commands[0]
    return (
        command.program_index() is not None
        and command.separator is None
        and command.preceded_by not in ("|", "|&", "&", "(", ")")
        and command.program not in ("if", "for", "while", "case", "until", "{")
    )


def _shell_form(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        if ctx.is_windows(stage):
            continue  # cmd /S /C, not /bin/sh: a different signal story
        for ins in stage.instructions:
            if ins.keyword not in ("CMD", "ENTRYPOINT") or ins.is_exec_form or not ins.args:
                continue
            if _explicit_shell(ctx, stage, ins):
                continue  # a SHELL instruction makes the shell wrapper deliberate
            if _busybox_execs(ctx, stage, ins):
                continue
            fix = None
            converted = exec_form(ctx, ins)
            posix = ctx.doc.escape == "\\" and stage_shell_is_posix(ctx, ins)
            cmd_follows = ins.keyword == "ENTRYPOINT" and any(
                other.keyword == "CMD" for other in stage.instructions
            )
            if posix and not cmd_follows and not ins.flags:
                if converted is not None:
                    fix = Fix(
                        f"Use the exec form: {ins.keyword} {converted}",
                        (Edit(ins.args_span.start, ins.args_span.end, converted),),
                    )
                elif (wrapped := exec_in_shell(ctx, ins)) is not None:
                    # Shell syntax is needed: keep the shell, but let it exec the last command.
                    fix = Fix(
                        f"Keep the shell and exec the last command: {ins.keyword} {wrapped}",
                        (Edit(ins.args_span.start, ins.args_span.end, wrapped),),
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
