"""LW8xx: runtime behaviour (PRACTICES H).

How the container's main process runs: a shell-form CMD or ENTRYPOINT that does not
forward signals (LW801), a runtime or a package manager as PID 1 (LW802, LW803), a port
without a HEALTHCHECK (LW804), and CMD, ENTRYPOINT or HEALTHCHECK given twice in a stage,
where only the last counts (LW805).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ...syntax.model import Instruction, Span, Stage, Token
from ...syntax.shell import split_shell
from ..context import LintContext
from ..edits import delete_instruction, stage_shell_is_posix
from ..entrypoint import argv_of, runtime_of
from ..rule import Edit, Fix, Related, Rule, Severity, Violation
from ..stages import stage_facts
from ..walk import chain_root_first, final_linux_stage

# -- LW801: shell-form CMD and ENTRYPOINT ----------------------------------------------

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


# -- shared by LW802-LW804 ------------------------------------------------------------


def _base_span(stage: Stage) -> Span:
    start = stage.from_instruction.keyword_span
    return Span(start.start, stage.base.span.end if stage.base else start.end)


def _program(token: Token) -> str:
    return token.value.rsplit("/", 1)[-1]


# -- LW802 / LW803: what runs as PID 1 ---------------------------------------------------------

_PID1_RUNTIMES = re.compile(r"^(?:node|nodejs|python[23]?(?:\.\d+)?|java)$")
_INITS = frozenset(
    {"tini", "tini-static", "dumb-init", "catatonit", "s6-svscan", "init", "runsvdir",
     "supervisord", "pid1", "docker-init"}
)  # fmt: skip
# Official images whose ENTRYPOINT (if any) ends with exec "$@": CMD becomes PID 1.
_TRANSPARENT_OFFICIAL = frozenset(
    {"node", "python", "pypy", "openjdk", "eclipse-temurin", "amazoncorretto", "sapmachine",
     "ibm-semeru-runtimes", "debian", "ubuntu", "alpine", "busybox", "fedora", "rockylinux",
     "almalinux", "amazonlinux", "oraclelinux", "archlinux", "maven", "gradle"}
)  # fmt: skip
_DISTROLESS_RUNTIME = re.compile(r"distroless/(?P<runtime>nodejs|python|java)")
_EXEC_SCRIPTS = frozenset({"docker-entrypoint.sh"})


@dataclass(frozen=True)
class _Main:
    """The main process as far as this Dockerfile decides it."""

    argv: list[Token]
    #: The base image's ENTRYPOINT runs first and is known to exec the CMD.
    implicit: str | None = None
    #: An init process (tini…) wraps the command.
    init: Token | None = None
    #: Written in shell form: /bin/sh -c runs it (see LW801).
    shell_form: bool = False


def _main(ctx: LintContext, stage: Stage) -> _Main | None:
    image = ctx.info(stage).image
    runtime = runtime_of(ctx, stage)
    if runtime.entrypoint is not None:
        entrypoint = argv_of(runtime.entrypoint)
        if entrypoint is None:
            return None
        shell_form = runtime.entrypoint.exec_args is None
        argv = entrypoint if shell_form else entrypoint + (argv_of(runtime.cmd) or [])
    else:
        cmd = argv_of(runtime.cmd)
        if not cmd or image is None:
            return None
        implicit = None
        if image.is_distroless:
            match = _DISTROLESS_RUNTIME.search(image.full_name)
            if match is None:
                return None
            implicit = match.group("runtime")
        elif not (image.is_official and image.name in _TRANSPARENT_OFFICIAL):
            return None  # the base image may have an ENTRYPOINT (tini, a script) we cannot see
        argv = cmd
        shell_form = runtime.cmd is not None and runtime.cmd.exec_args is None
        if implicit is not None:
            return _Main(argv, implicit, shell_form=shell_form)
    init = None
    while argv:
        program = _program(argv[0])
        if program in _INITS:
            init = init or argv[0]
            argv = argv[1:]
            while argv and argv[0].value.startswith("-"):
                argv = argv[1:]  # tini -g --, dumb-init --single-child --
            continue
        if program in _EXEC_SCRIPTS and image is not None and image.is_official:
            argv = argv[1:]
            continue
        break
    return _Main(argv, None, init, shell_form) if argv else None


def _no_init(ctx: LintContext) -> Iterator[Violation]:
    stage = final_linux_stage(ctx)
    if stage is None:
        return
    main = _main(ctx, stage)
    if main is None or main.init is not None or main.shell_form:
        return
    token = main.argv[0]
    program = main.implicit or _program(token)
    if main.implicit is None and not _PID1_RUNTIMES.match(program):
        return
    if main.implicit is None and len(main.argv) < 2:
        return  # the bare interpreter: an interactive REPL (the official images' default)
    words = [t.value for t in main.argv[1:]]
    if any(
        w.rsplit("/", 1)[-1] == "manage.py" and "runserver" in words[i + 1 :]
        for i, w in enumerate(words)
    ):
        return  # Django's autoreloader handles SIGTERM and waits for its child
    if program == "java":
        problem = (
            "the JVM handles SIGTERM itself, but nothing reaps the zombie processes of any "
            "child process the application starts"
        )
    else:
        problem = (
            "the kernel drops SIGTERM and SIGINT for PID 1 unless the process installs "
            "handlers, so 'docker stop' waits for the timeout and kills it, and nothing reaps "
            "zombie child processes"
        )
    yield Violation(
        token.span,
        f"'{program}' runs as PID 1: {problem}. Run it under an init: 'docker run --init', or "
        'tini/dumb-init as ENTRYPOINT (ENTRYPOINT ["tini", "--"])',
    )


_PACKAGE_MANAGERS = frozenset({"npm", "yarn", "pnpm", "npx"})


def _package_manager_pid1(ctx: LintContext) -> Iterator[Violation]:
    stage = final_linux_stage(ctx)
    if stage is None:
        return
    main = _main(ctx, stage)
    if main is None:
        runtime = runtime_of(ctx, stage)
        argv = argv_of(runtime.cmd) if runtime.entrypoint is None else None
        if not argv:
            return
        main = _Main(argv)  # CMD under an unknown ENTRYPOINT still starts the package manager
    if main.implicit is not None:
        return
    argv = main.argv
    program = _program(argv[0])
    token = argv[0]
    if program in ("sh", "bash", "ash") and len(argv) >= 3 and argv[1].value == "-c":
        script = split_shell(argv[2].value)
        commands = [c for c in script.commands if c.program is not None]
        if len(commands) != 1:
            return
        program = commands[0].program or ""
        token = argv[2]
    if program not in _PACKAGE_MANAGERS:
        return
    yield Violation(
        token.span,
        f"'{program}' starts the container's application as its child process: SIGTERM from "
        f"'docker stop' reaches {program}, not the application (yarn 1 and older npm do not "
        "forward it), and the package manager costs memory for nothing. Run the application "
        'directly, e.g. CMD ["node", "server.js"]',
    )


# -- LW804: EXPOSE without HEALTHCHECK -------------------------------------------------------------


def _missing_healthcheck(ctx: LintContext) -> Iterator[Violation]:
    stage = final_linux_stage(ctx)
    if stage is None:
        return
    expose: Instruction | None = None
    for member in chain_root_first(ctx, stage):
        for ins in member.instructions:
            if ins.keyword == "HEALTHCHECK":
                return
            if ins.keyword == "EXPOSE":
                expose = ins
    if expose is None:
        return
    yield Violation(
        expose.keyword_span,
        "The image exposes a port but defines no HEALTHCHECK: Docker and Swarm cannot tell a "
        "hung server from a healthy one. Add a HEALTHCHECK (or HEALTHCHECK NONE to say so)",
        related=(Related(_base_span(stage), "final stage"),),
    )


# -- LW805: CMD, ENTRYPOINT or HEALTHCHECK given twice in a stage ----------------------


# Each finding names only the hadolint check of its own instruction, so that ignoring
# DL3012 (HEALTHCHECK) does not also hide a duplicate ENTRYPOINT; BuildKit's one check
# covers all three.
_MULTIPLE_ALIASES = {
    "CMD": ("DL4003", "MultipleInstructionsDisallowed"),
    "ENTRYPOINT": ("DL4004", "MultipleInstructionsDisallowed"),
    "HEALTHCHECK": ("DL3012", "MultipleInstructionsDisallowed"),
}


def _multiple_instructions(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        for keyword, aliases in _MULTIPLE_ALIASES.items():
            found = [ins for ins in stage.instructions if ins.keyword == keyword]
            if len(found) < 2:
                continue
            last = found[-1]
            for ins in found[:-1]:
                yield Violation(
                    ins.keyword_span,
                    f"Only the last {keyword} of a stage takes effect; this one is overridden "
                    f"on line {ctx.doc.source.line_of(last.span.start) + 1}",
                    Fix(f"Remove the overridden {keyword}", (delete_instruction(ctx, ins),)),
                    (Related(last.keyword_span, f"the {keyword} that takes effect"),),
                    aliases=aliases,
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
    Rule(
        code="LW802",
        name="runtime-as-pid1",
        summary="Node, Python or Java runs as PID 1 without an init process",
        severity=Severity.INFO,
        category="runtime",
        check=_no_init,
        default_enabled=False,
    ),
    Rule(
        code="LW803",
        name="package-manager-as-pid1",
        summary="npm, yarn or pnpm is the container's main process",
        severity=Severity.WARNING,
        category="runtime",
        check=_package_manager_pid1,
    ),
    Rule(
        code="LW804",
        name="missing-healthcheck",
        summary="The final stage exposes a port but has no HEALTHCHECK",
        severity=Severity.INFO,
        category="runtime",
        check=_missing_healthcheck,
        aliases=("DL3057",),
        default_enabled=False,
    ),
    Rule(
        code="LW805",
        name="multiple-cmd",
        summary="More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage",
        severity=Severity.WARNING,
        category="runtime",
        check=_multiple_instructions,
        aliases=("MultipleInstructionsDisallowed", "DL4003", "DL4004", "DL3012"),
        fixable=True,
        tags=("unnecessary",),
        finding_aliases=True,
    ),
)
