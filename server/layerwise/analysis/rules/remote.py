"""LW7xx: remote content and ADD (PRACTICES G).

ADD where COPY does the job (LW701) and downloads: ADD of a URL without a checksum
(LW702), a downloaded script piped into a shell (LW703), curl and wget in one stage
(LW704), wget's progress output in the build log (LW705).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ...syntax.model import Instruction, Span, Stage, Token
from ...syntax.shell import ShellCommand, split_shell
from ..commands import option_values
from ..context import LintContext
from ..paths import REMOTE, copy_sources
from ..rule import Edit, Fix, Related, Rule, Severity, Violation
from ..stages import copy_from, stage_facts
from ..walk import line_number, run_targets

# -- LW701 add-instead-of-copy ---------------------------------------------------------

# ADD unpacks local tar archives (optionally compressed): that is ADD's one real job.
_ARCHIVE = re.compile(r"\.(?:tar|tgz|tbz2?|txz|tzst|tlz|taz|gz|bz2|xz|zst|lz|lzma|z)$", re.I)
_ADD_ONLY_FLAGS = frozenset({"checksum", "keep-git-dir", "unpack"})


def _is_plain_local(source: str) -> bool:
    if "$" in source or REMOTE.match(source) or _ARCHIVE.search(source):
        return False
    # A glob may match an archive unless its name part fixes a non-archive extension.
    return not (any(c in source for c in "*?[") and not re.search(r"\.[A-Za-z0-9]+$", source))


def _copy_keyword(raw: str) -> str:
    if raw.islower():
        return "copy"
    if raw[:1].isupper() and raw[1:].islower():
        return "Copy"
    return "COPY"


def _add_for_local(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger else ins
        if target.keyword != "ADD":
            continue
        if any(flag.name in _ADD_ONLY_FLAGS for flag in target.flags):
            continue
        sources = copy_sources(target)
        if not sources and not target.heredocs:
            continue
        resolved = [ctx.resolve(target, s.value) for s in sources]
        if not all(value is not None and _is_plain_local(value) for value in resolved):
            continue
        fix = Fix(
            "Replace ADD with COPY",
            (
                Edit(
                    target.keyword_span.start,
                    target.keyword_span.end,
                    _copy_keyword(target.keyword_raw),
                ),
            ),
        )
        yield Violation(
            target.keyword_span,
            "ADD of local files: use COPY, which does only that (ADD also fetches URLs "
            "and unpacks archives)",
            fix,
        )


# -- LW702 add-url-without-checksum ----------------------------------------------------


def _contributing(ctx: LintContext) -> frozenset[int]:
    """Stages whose work can end up in the image the build produces by default: the
    shipped stages, the stages they are built FROM, copy from (``COPY --from``) or mount
    (``RUN --mount=from=``), and so on. A test, lint or CI target that nothing shipped
    uses is not among them."""
    key = ("contributing",)
    found = ctx.memo.get(key)
    if isinstance(found, frozenset):
        return found
    stages = ctx.doc.stages
    todo = [s.index for s in ctx.shipped_stages()]
    seen: set[int] = set()
    while todo:
        index = todo.pop()
        if index in seen or index >= len(stages):
            continue
        seen.add(index)
        stage = stages[index]
        todo.extend(s.index for s in ctx.stage_chain(stage))
        for ins in stage.instructions:
            if ins.keyword == "COPY":
                origin = copy_from(ctx, ins)
                if isinstance(origin, Stage):
                    todo.append(origin.index)
                elif origin is None and ins.flag("from") is not None:
                    todo.extend(s.index for s in stages)  # unresolved: anything
            elif ins.keyword == "RUN":
                for flag in ins.flags:
                    if flag.name != "mount" or not flag.value:
                        continue
                    fields = dict(
                        part.partition("=")[::2] for part in flag.value.split(",") if "=" in part
                    )
                    name = fields.get("from")
                    if name is None:
                        continue
                    value = ctx.resolve(ins, name)
                    if value is None:
                        todo.extend(s.index for s in stages)
                        continue
                    named = (
                        stages[int(value)]
                        if value.isdigit() and int(value) < len(stages)
                        else ctx.doc.stage_named(value)
                    )
                    if named is not None:
                        todo.append(named.index)
    result = frozenset(seen) if ctx.final_stage is not None else frozenset(s.index for s in stages)
    ctx.memo[key] = result
    return result


def _in_contributing_stage(ctx: LintContext, ins: Instruction) -> bool:
    stage = ctx.doc.stage_of(ins)
    return stage is None or stage.index in _contributing(ctx)


_URL = re.compile(r"^(?:https?|ftp)://", re.I)


def _is_git_source(url: str) -> bool:
    base = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return base.endswith(".git") or url.startswith(("git@", "git://"))


def _add_url_without_checksum(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger else ins
        if target.keyword != "ADD" or target.flag("checksum") is not None:
            continue
        if not _in_contributing_stage(ctx, ins):
            continue  # a test or CI target nothing shipped uses: no artifact to poison
        for token in copy_sources(target):
            value = ctx.resolve(target, token.value)
            if value is None or not _URL.match(value) or _is_git_source(value):
                continue
            yield Violation(
                token.span,
                "ADD downloads this URL without verifying it: a changed or compromised file "
                "goes into the image unnoticed; pin its digest with "
                "'ADD --checksum=sha256:<digest>' (Dockerfile syntax 1.6+) or download with "
                "curl and check it with sha256sum -c",
            )


# -- LW703 pipe-to-shell ---------------------------------------------------------------

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "fish"})
_INTERPRETERS = frozenset(
    {"python", "python2", "python3", "perl", "ruby", "node", "php", "pwsh"}
)  # fmt: skip
_CURL_VALUED = "oudHXAeTxwmKCErbcFYyzUQt"
_WGET_VALUED = "OoaeitTwPUBlARDIXQ"
_SUBSTITUTION = re.compile(r"\$\(\s*((?:curl|wget)\b[^)]*)\)|`\s*((?:curl|wget)\b[^`]*)`")


def _downloads_to_stdout(command: ShellCommand) -> bool:
    if command.program == "curl":
        flags, values, _ = option_values(command, _CURL_VALUED, frozenset({"--output"}))
        if {"-O", "--remote-name", "--remote-name-all"} & flags:
            return False
        output = values.get("-o", values.get("--output", "-"))
        return output in ("-", "/dev/stdout")
    if command.program == "wget":
        _, values, _ = option_values(command, _WGET_VALUED, frozenset({"--output-document"}))
        output = values.get("-O", values.get("--output-document"))
        return output in ("-", "/dev/stdout")
    return False


def _executes_stdin(command: ShellCommand) -> bool:
    program = command.program
    args = list(command.arguments)
    if program == "busybox" and args and args[0].value in _SHELLS:
        program, args = args[0].value, args[1:]
    if program in _SHELLS:
        index = 0
        while index < len(args):
            value = args[index].value
            if value in ("-o", "-O", "+o", "+O"):
                index += 2
                continue
            if value == "--":
                index += 1
                break
            if value[:1] in ("-", "+") and value not in ("-", "+"):
                if "c" in value[1:] and not value.startswith("--"):
                    return False
                if "s" in value[1:] and not value.startswith("--"):
                    return True
                index += 1
                continue
            break
        return index >= len(args) or args[index].value == "-"
    if program in _INTERPRETERS:
        positional = [a.value for a in args if not a.value.startswith("-") or a.value == "-"]
        if any(a.value in ("-c", "-e", "-r", "--eval") for a in args):
            return False
        return not positional or positional[0] == "-"
    return False


def _substituted_download(raw: str) -> bool:
    for match in _SUBSTITUTION.finditer(raw):
        inner = match.group(1) or match.group(2) or ""
        script = split_shell(inner)
        if script.commands and _downloads_to_stdout(script.commands[0]):
            return True
    return False


_PIPE_MESSAGE = (
    "A downloaded script runs without being verified: whatever the server (or anyone in "
    "between) sends executes in the build; download it to a file, check its sha256, then run it"
)
_PS_EXEC = re.compile(r"(?<![\w-])(?:iex|Invoke-Expression)(?![\w-])", re.I)
_PS_DOWNLOAD = re.compile(
    r"DownloadString|Invoke-WebRequest|Invoke-RestMethod|(?<![\w-])(?:iwr|irm)(?![\w-])", re.I
)


def _pipe_to_shell(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        if ctx.is_windows(stage):
            yield from _powershell_download_exec(ctx, stage)
    for stage, ins in run_targets(ctx):
        if stage.index not in _contributing(ctx):
            continue  # a test or CI target nothing shipped uses: no artifact to poison
        commands = ctx.commands(ins)
        if _exits_by_default(ctx, ins, commands):
            continue
        for index, command in enumerate(commands):
            if command.program in ("curl", "wget") and command.separator in ("|", "|&"):
                if not _downloads_to_stdout(command):
                    continue
                for later in commands[index + 1 :]:
                    if _executes_stdin(later):
                        yield Violation(Span(command.span.start, later.span.end), _PIPE_MESSAGE)
                        break
                    if later.separator not in ("|", "|&"):
                        break
                continue
            program = command.program
            if program in _SHELLS or program in ("eval", "source", "."):
                if any(_substituted_download(w.raw) for w in command.arguments):
                    yield Violation(command.span, _PIPE_MESSAGE)
                    continue
                # ``bash <(curl -fsSL url)``: the splitter sees "<", "(" then the download.
                if (
                    command.separator == "("
                    and any(r.operator == "<" and r.target is None for r in command.redirects)
                    and index + 1 < len(commands)
                    and commands[index + 1].program in ("curl", "wget")
                    and _downloads_to_stdout(commands[index + 1])
                ):
                    end = commands[index + 1].span.end
                    end += ctx.text[end : end + 1] == ")"
                    yield Violation(Span(command.span.start, end), _PIPE_MESSAGE)


def _exits_by_default(ctx: LintContext, ins: Instruction, commands: Sequence[ShellCommand]) -> bool:
    """The RUN starts with ``[ "$ARG" = value ] && exit 0``, a test that holds with the
    build arguments' defaults: by default nothing after it runs (an opt-in path)."""
    if len(commands) < 2:
        return False
    test, leave = commands[0], commands[1]
    if test.program not in ("[", "test") or test.separator != "&&" or test.via:
        return False
    if leave.program != "exit" or leave.separator not in (";", "\n", None):
        return False
    words = [w.value for w in test.arguments]
    if test.program == "[":
        if not words or words[-1] != "]":
            return False
        words = words[:-1]
    if len(words) != 3 or words[1] not in ("=", "==", "!="):
        return False
    left, right = ctx.resolve(ins, words[0]), ctx.resolve(ins, words[2])
    if left is None or right is None:
        return False
    return (left == right) != (words[1] == "!=")


def _powershell_download_exec(ctx: LintContext, stage: Stage) -> Iterator[Violation]:
    for ins in stage.instructions:
        if ins.keyword != "RUN" or ins.is_exec_form:
            continue
        chunk = ctx.text[ins.args_span.start : ins.span.end]
        if not _PS_DOWNLOAD.search(chunk):
            continue
        match = _PS_EXEC.search(chunk)
        if match is not None:
            start = ins.args_span.start + match.start()
            yield Violation(Span(start, start + len(match.group())), _PIPE_MESSAGE)


# -- LW704 curl-and-wget ----------------------------------------------------------------

_INSTALLERS = {
    "apt-get": ("install",),
    "apt": ("install",),
    "apk": ("add",),
    "yum": ("install",),
    "dnf": ("install",),
    "microdnf": ("install",),
    "zypper": ("install", "in"),
}


_REMOVERS = frozenset({"remove", "purge", "del", "erase", "rm"})


def _package_words(command: ShellCommand) -> tuple[str | None, list[Token]]:
    """A package manager's subcommand and its package arguments (options skipped)."""
    words = [w for w in command.arguments if not w.value.startswith("-")]
    if not words:
        return None, []
    return words[0].value, words[1:]


def _temporary_packages(ctx: LintContext, ins: Instruction) -> tuple[set[str], bool]:
    """Packages the RUN removes again, and whether it drops everything apt installed.

    Recognises ``apt-get purge/remove NAME``, ``apk del NAME`` (virtual packages
    included) and the official images' ``apt-mark auto '.*'`` + ``--auto-remove``.
    """
    removed: set[str] = set()
    apt_mark_auto = auto_remove = False
    for command in ctx.commands(ins, *_INSTALLERS, "apt-mark"):
        sub, packages = _package_words(command)
        if command.program == "apt-mark":
            apt_mark_auto = apt_mark_auto or sub == "auto"
            continue
        if sub in _REMOVERS or sub == "autoremove":
            removed.update(w.value for w in packages)
            flags = {w.value for w in command.arguments}
            auto_remove = auto_remove or sub == "autoremove" or "--auto-remove" in flags
    return removed, apt_mark_auto and auto_remove


def _tool_uses(ctx: LintContext, ins: Instruction) -> Iterator[tuple[str, Span]]:
    """curl/wget run by the RUN, or installed by it and kept in the image."""
    removed, apt_dropped = _temporary_packages(ctx, ins)
    for command in ctx.commands(ins):
        program = command.program
        if program in ("curl", "wget"):
            yield program, command.words[command.program_at or 0].span
            continue
        if program not in _INSTALLERS:
            continue
        sub, packages = _package_words(command)
        if sub not in _INSTALLERS[program]:
            continue
        if program in ("apt-get", "apt") and apt_dropped:
            continue
        _, values, _ = option_values(command, "t", frozenset({"--virtual"}))
        virtual = values.get("-t") or values.get("--virtual")
        if virtual is not None and virtual in removed:
            continue
        for word in packages:
            name = re.split(r"[=<>~]", word.value, maxsplit=1)[0]
            if name in ("curl", "wget") and name not in removed and word.value != virtual:
                yield name, word.span


def _curl_and_wget(ctx: LintContext) -> Iterator[Violation]:
    if "curl" not in ctx.text or "wget" not in ctx.text:
        return  # both must be named somewhere (as programs or packages)
    for stage in ctx.doc.stages:
        if ctx.is_windows(stage):
            continue
        first: dict[str, Span] = {}
        for ins in stage.instructions:
            if ins.keyword != "RUN" or ins.shell is None:
                continue
            reported = False
            for tool, span in _tool_uses(ctx, ins):
                other = "wget" if tool == "curl" else "curl"
                if other in first and tool not in first:
                    yield Violation(
                        span,
                        f"This stage already uses {other} (line {line_number(ctx, first[other].start)}); "
                        f"installing or running {tool} as well adds a second download tool to "
                        "the image; use one of them",
                        related=(Related(first[other], f"{other} used here"),),
                    )
                    reported = True
                    break
                first.setdefault(tool, span)
            if reported:
                break


# -- LW705 wget-progress -----------------------------------------------------------------

_WGET_QUIET = frozenset(
    {"-q", "--quiet", "--no-verbose", "-o", "--output-file", "-a", "--append-output"}
)  # fmt: skip


def _wget_is_quiet(command: ShellCommand) -> bool:
    if any(w.value == "-nv" for w in command.arguments):
        return True
    flags, _, _ = option_values(
        command, _WGET_VALUED, frozenset({"--output-file", "--append-output", "--progress"})
    )
    return bool(flags & _WGET_QUIET) or "--progress" in flags


def _stderr_captured(command: ShellCommand) -> bool:
    for redirect in command.redirects:
        op = redirect.operator
        if op.startswith(("2", "&")):
            return True
    return command.separator == "|&"


def _busybox_wget(ctx: LintContext, stage: Stage, ins: Instruction) -> bool:
    """The stage's wget is BusyBox's, which redraws one status line at most once a second:
    the base image is known to use BusyBox (Alpine, busybox, docker:*-cli), or an unknown
    one installs with apk; unless the stage (up to this RUN) installs GNU wget."""
    busybox = stage_facts(ctx, stage).busybox
    if busybox is False:
        return False
    runs = [
        other
        for member in ctx.stage_chain(stage)
        for other in member.instructions
        if other.keyword == "RUN" and other.span.start <= ins.span.start
    ]
    apk = [command for other in runs for command in ctx.commands(other, "apk")]
    if busybox is None and not apk:
        return False
    for command in apk:
        words = [w.value for w in command.arguments]
        if "add" in words and "wget" in words:
            return False  # GNU wget replaces BusyBox's
    return True


# Small files: signatures, checksums, keys, scripts. Their few dot lines do not matter.
_SMALL_DOWNLOAD = (
    ".asc", ".sig", ".sign", ".sha1", ".sha256", ".sha512", ".sha256sum", ".sha512sum",
    ".md5", "KEYS", ".pl", ".sh", ".pem", ".key", ".gpg", ".pub",
)  # fmt: skip


def _small(value: str | None) -> bool:
    if not value:
        return False
    value = value.split("#", 1)[0].split("?", 1)[0].rstrip("/'\"")
    return value.endswith(_SMALL_DOWNLOAD)


def _small_download(command: ShellCommand) -> bool:
    """Every file the wget fetches is a signature, checksum, key or script."""
    _, values, positional = option_values(command, _WGET_VALUED, frozenset({"--output-document"}))
    output = values.get("-O", values.get("--output-document"))
    if output not in (None, "-", "/dev/stdout") and _small(output):
        return True
    urls = [w.value for w in positional]
    return bool(urls) and all(_small(url) for url in urls)


def _sets_progress(command: ShellCommand) -> bool:
    return any(w.value.startswith("--progress") for w in command.arguments)


def _wget_progress(ctx: LintContext) -> Iterator[Violation]:
    if "wget" not in ctx.text:
        return
    for stage, ins in run_targets(ctx):
        wgets = ctx.commands(ins, "wget")
        if not wgets or _busybox_wget(ctx, stage, ins):
            continue
        if any(_sets_progress(command) for command in wgets):
            continue  # the RUN chooses the progress display deliberately for its big files
        for command in wgets:
            if _wget_is_quiet(command) or command.program_at is None:
                continue
            if _small_download(command):
                continue
            word = command.words[command.program_at]
            fix = Fix(
                "Add -nv",
                (Edit(word.span.end, word.span.end, " -nv"),),
                safe=not _stderr_captured(command),
            )
            yield Violation(
                word.span,
                "wget without -nv, -q or --progress writes a line of progress dots for every "
                "50 KB downloaded into the build log; add -nv (errors are still reported)",
                fix,
            )


RULES = (
    Rule(
        code="LW701",
        name="add-instead-of-copy",
        summary="ADD used where COPY does the job",
        severity=Severity.WARNING,
        category="remote-content",
        check=_add_for_local,
        aliases=("DL3020",),
        fixable=True,
    ),
    Rule(
        code="LW702",
        name="add-url-without-checksum",
        summary="ADD downloads a URL without --checksum",
        severity=Severity.WARNING,
        category="remote-content",
        check=_add_url_without_checksum,
    ),
    Rule(
        code="LW703",
        name="pipe-to-shell",
        summary="A downloaded script is piped straight into a shell",
        severity=Severity.WARNING,
        category="remote-content",
        check=_pipe_to_shell,
    ),
    Rule(
        code="LW704",
        name="curl-and-wget",
        summary="A stage uses both curl and wget",
        severity=Severity.INFO,
        category="remote-content",
        check=_curl_and_wget,
        aliases=("DL4001",),
        default_enabled=False,
    ),
    Rule(
        code="LW705",
        name="wget-progress",
        summary="wget without -nv, -q or --progress",
        severity=Severity.INFO,
        category="remote-content",
        check=_wget_progress,
        aliases=("DL3047",),
        fixable=True,
    ),
)
