"""LW924-LW926, LW941, LW943, LW944: the commands of RUN instructions.

``cd`` that changes nothing or stands in for WORKDIR, pipes whose failures the shell
ignores, useradd with a high UID and without -l, /bin/sh relinked instead of SHELL, and
commands that make no sense in a build.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ....syntax.model import Instruction, Span, Token
from ....syntax.shell import ShellCommand
from ...context import LintContext
from ...edits import block_start, line_indent, stage_shell_is_posix
from ...rule import Edit, Fix, FixSafety, Rule, Severity, Violation
from ...shellfacts import Placed, placed_commands
from ...walk import all_instructions

# -- shell structure -------------------------------------------------------------------


def _posix_run(ctx: LintContext, ins: Instruction) -> bool:
    """A shell-form RUN that a POSIX shell executes (not Windows, not PowerShell)."""
    if ins.keyword != "RUN" or ins.is_exec_form or ins.shell is None:
        return False
    key = ("posix_run", id(ins))
    known = ctx.memo.get(key)
    if known is None:
        known = ctx.memo[key] = _runs_posix_shell(ctx, ins)
    return known  # type: ignore[return-value]


def _runs_posix_shell(ctx: LintContext, ins: Instruction) -> bool:
    stage = ctx.doc.stage_of(ins)
    if stage is not None and ctx.is_windows(stage):
        return False
    return ctx.doc.escape == "\\" and stage_shell_is_posix(ctx, ins)


# -- LW924 / LW925: cd in RUN ----------------------------------------------------------

_TEMP_DIRS = frozenset({"/tmp", "/var/tmp", "/tmp/", "/var/tmp/"})


def _useless_cd(ctx: LintContext) -> Iterator[Violation]:
    for ins in all_instructions(ctx):
        if not _posix_run(ctx, ins) or ins.heredocs:
            continue
        assert ins.shell is not None
        placed = placed_commands(ctx, ins.shell)
        if not placed:
            continue
        last = placed[-1]
        command = last.command
        if command.program != "cd" or last.subshell or last.nested or command.redirects:
            continue
        if command.words[0].value != "cd" or command.separator not in (None, ";", "&"):
            continue
        target = command.arguments[0].raw if command.arguments else "~"
        yield Violation(
            command.span,
            f"'cd {target}' is the last command of this RUN, so it changes nothing: each "
            "instruction starts again in the WORKDIR. Use WORKDIR to change directory for "
            "later instructions",
        )


def _literal_dir(word: Token) -> str | None:
    raw = word.raw
    if not raw or raw != word.value or raw.startswith(("-", "~")) or raw in (".", ".."):
        return None
    if any(c in raw for c in "$`*?[]{}'\"\\ \t"):
        return None
    return raw


def _leaves_dir(ctx: LintContext, placed: list[Placed], index: int, target: str) -> bool:
    """Later commands cd elsewhere or delete the directory: it is a scratch directory."""
    norm = target.rstrip("/") or "/"
    for item in placed[index + 1 :]:
        command = item.command
        if command.program == "cd":
            return True
        if command.program == "rm":
            for word in command.arguments:
                value = word.value.rstrip("/")
                if value and (norm == value or norm.startswith(value + "/")):
                    return True
    return False


def _under_mount(ins: Instruction, path: str) -> bool:
    """``path`` is (inside) a ``RUN --mount`` target: it exists only during this RUN."""
    norm = path.rstrip("/")
    for flag in ins.flags:
        if flag.name != "mount" or not flag.value:
            continue
        for part in flag.value.split(","):
            key, _, target = part.partition("=")
            target = target.strip("\"'").rstrip("/")
            if (
                key in ("target", "dst", "destination")
                and target
                and (norm == target or norm.startswith(target + "/"))
            ):
                return True
    return False


def _cd_instead_of_workdir(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        if not _posix_run(ctx, ins):
            continue
        assert ins.shell is not None
        placed = placed_commands(ctx, ins.shell)
        index = 0
        while index < len(placed) and placed[index].command.program == "set":
            index += 1
        if index >= len(placed) - 1:
            continue  # nothing after the cd: LW924 reports that
        item = placed[index]
        command = item.command
        if (
            command.program != "cd"
            or command.words[0].value != "cd"
            or item.subshell
            or item.nested
            or command.redirects
            or len(command.arguments) != 1
            or command.separator not in ("&&", ";", "\n")
        ):
            continue
        word = command.arguments[0]
        value = ctx.resolve(ins, word.value) if "$" in word.raw else word.value
        if value is None or value.startswith("-") or value in _TEMP_DIRS:
            continue
        if any(c in value for c in "*?[") or value.startswith(("/tmp/", "/var/tmp/")):
            continue  # WORKDIR does not expand globs; under /tmp: a scratch build directory
        if _leaves_dir(ctx, placed, index, value) or _under_mount(ins, value):
            continue
        if not _own_directory(ctx, ins, value):
            continue
        fix = _workdir_fix(ctx, ins, placed, index, word)
        yield Violation(
            command.span,
            f"'cd {word.raw}' opens this RUN: set the directory with 'WORKDIR {word.raw}' "
            "instead, so it applies to the following instructions too and reads as one step",
            fix,
        )


def _copy_destination(ins: Instruction) -> Token | None:
    """The last argument of a COPY/ADD, even its only one (``paths.copy_dest`` then says
    ``None``): kept apart from it so LW925 reads ``COPY /dir`` as it did."""
    if ins.exec_args is not None:
        return ins.exec_args[-1] if len(ins.exec_args) >= 2 else None
    markers = {h.marker.start for h in ins.heredocs}
    words = [w for w in ins.words if w.span.start not in markers]
    return words[-1] if words else None


def _own_directory(ctx: LintContext, ins: Instruction, directory: str) -> bool:
    """The file works in ``directory`` beyond this one RUN: an earlier COPY/ADD puts files
    there, an earlier RUN creates it (mkdir), or another RUN of the stage cd's there too.
    A one-off cd into a directory of the base image (the web root of nginx) is left alone:
    a WORKDIR there would also change the container's working directory."""
    stage = ctx.doc.stage_of(ins)
    if stage is None:
        return False
    target = directory.rstrip("/") or "/"
    mentioned = re.compile(rf"(?<![\w./-]){re.escape(target)}/?(?![\w.-])")
    for member in reversed(ctx.stage_chain(stage)):
        for other in member.instructions:
            if other is ins:
                continue
            text = ctx.text[other.span.start : other.span.end]
            if other.keyword in ("COPY", "ADD"):
                dest = _copy_destination(other)
                value = ctx.resolve(other, dest.value) if dest is not None else None
                if value is not None and value.startswith("/"):
                    cleaned = value.rstrip("/") or "/"
                    inside = cleaned == target or cleaned.startswith(target + "/")
                    if inside and other.span.start < ins.span.start:
                        return True
            elif other.keyword == "RUN" and mentioned.search(text):
                cd_there = re.search(rf"\bcd\s+{re.escape(target)}/?(?![\w.-])", text)
                if cd_there and member is stage:
                    return True  # the same cd in another RUN of the stage
                if "mkdir" in text and other.span.start < ins.span.start:
                    return True
    return False


def _workdir_fix(
    ctx: LintContext, ins: Instruction, placed: list[Placed], index: int, word: Token
) -> Fix | None:
    directory = _literal_dir(word)
    if directory is None or ins.heredocs or ins.shell is None or ins.shell.error:
        return None
    command = placed[index].command
    following = placed[index + 1].command
    start = command.span.start
    end = following.span.start
    if any(start <= c.span.start < end for c in ctx.doc.comments):
        return None
    keyword = "workdir" if ins.keyword_raw.islower() else "WORKDIR"
    at = block_start(ctx, ins)
    indent = line_indent(ctx, ins.span.start)
    return Fix(
        f"Use 'WORKDIR {directory}' before the RUN",
        (
            Edit(at, at, f"{indent}{keyword} {directory}{ctx.newline}"),
            Edit(start, end, ""),
        ),
        safe=False,
    )


# -- LW926: pipes without pipefail -----------------------------------------------------

# Producers whose failure a pipe cannot hide: they do not fail in practice.
_TRIVIAL_PRODUCERS = frozenset({"echo", "printf", "yes", "true", ":"})


# Producers that only read the local filesystem or the environment (and the text filters
# below): they fail on a missing path or a bad option, which the next steps of the build
# notice anyway; `find "$JAVA_HOME/lib" | sort -u > ld.conf` right after extracting the JDK
# is not worth a SHELL change. Network fetches and real tools are what pipefail is for.
_LOCAL_PRODUCERS = frozenset(
    {"find", "ls", "cat", "du", "stat", "dirname", "basename", "env", "printenv", "seq",
     "date", "uname", "id", "whoami", "hostname", "nproc", "getconf", "pwd", "readlink",
     "realpath", "wc", "grep", "egrep", "fgrep", "xargs"}
)  # fmt: skip


_PIPEFAIL_SHELLS = frozenset({"bash", "zsh", "ash", "ksh", "mksh"})
# Consumers that succeed on empty or truncated input: a failed producer goes unnoticed.
# Consumers that fail on empty input (tar, gpg --import, sha256sum -c, grep) are left
# alone: the pipe fails anyway when the producer does.
_INTERPRETERS = frozenset(
    {"sh", "bash", "ash", "dash", "zsh", "ksh", "python", "python2", "python3", "perl", "ruby",
     "node", "php"}
)  # fmt: skip
# Text filters: they succeed on empty input, so when one writes a file a failed producer
# leaves that file empty (or ``0`` for ``wc -l``) and the build goes on. Filters that fail
# on empty input (``grep`` without matches, ``sha256sum -c``) are not among them.
_FILTERS = frozenset(
    {"sort", "uniq", "awk", "gawk", "mawk", "nawk", "sed", "cut", "tr", "head", "tail", "cat",
     "jq", "column", "paste", "rev", "base64", "xxd", "tac", "nl", "wc", "fold", "fmt", "od",
     "expand", "unexpand", "envsubst", "iconv", "md5sum", "sha1sum", "sha224sum", "sha256sum",
     "sha384sum", "sha512sum", "b2sum", "cksum"}
)  # fmt: skip
# Checksum tools: with -c they verify a list and fail on an empty one.
_CHECKSUMS = frozenset(
    {"md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum"}
)  # fmt: skip


def _masking_consumer(command: ShellCommand) -> str | None:
    """How the last command of a pipe hides a failed producer, or None when it does not."""
    program = command.program or ""
    if program in _INTERPRETERS or re.fullmatch(r"python3\.\d+", program):
        return f"'{program}' runs whatever it receives, so an empty or cut-off download runs as is"
    if program == "tee":
        return "'tee' writes whatever it receives, so a failed producer leaves an empty file"
    if program == "read" and any(w.value in ("while", "until") for w in command.words[:1]):
        return "the loop simply runs zero times when the producer fails"
    if program not in _FILTERS:
        return None
    if program in _CHECKSUMS and any(
        w.value == "--check" or re.fullmatch(r"-[a-z]*c[a-z]*", w.value) for w in command.arguments
    ):
        return None  # ``sha256sum -c`` fails on an empty list
    writes = any(
        r.operator.lstrip("0123456789") in (">", ">>", ">|")
        and r.target is not None
        and r.target.value != "/dev/null"
        for r in command.redirects
    )
    if not writes and program == "sort":
        writes = any(
            w.value in ("-o", "--output") or w.value.startswith("--output=")
            for w in command.arguments
        )
    if writes:
        return f"'{program}' writes its (possibly empty) input to a file and succeeds"
    return None


def _failing_producer(producers: list[ShellCommand]) -> ShellCommand | None:
    """The first command feeding the pipe that can fail in a way that matters (a download,
    a build tool...); None when all only read local files or filter text."""
    for command in producers:
        program = command.program
        if program is None:
            return None  # a variable or an unknown command: cannot tell
        if program in _TRIVIAL_PRODUCERS or program in _LOCAL_PRODUCERS or program in _FILTERS:
            continue
        return command
    return None


def _pipefail_option(words: list[str]) -> bool:
    """``-o pipefail``, ``-euo pipefail``, ``-Eeuxo pipefail``... among ``words``."""
    return any(
        re.fullmatch(r"-[A-Za-z]*o", value) is not None and words[index + 1] == "pipefail"
        for index, value in enumerate(words[:-1])
    )


def _sets_pipefail(command: ShellCommand) -> bool:
    return command.program == "set" and _pipefail_option([w.value for w in command.arguments])


def _shell_has_pipefail(ctx: LintContext, ins: Instruction) -> bool | None:
    """True/False for the SHELL in effect; None when it is not a POSIX-like shell."""
    stage = ctx.doc.stage_of(ins)
    if stage is None:
        return False
    shell: Instruction | None = None
    for member in reversed(ctx.stage_chain(stage)):
        for other in member.instructions:
            if member is stage and other.span.start >= ins.span.start:
                break
            if other.keyword == "SHELL" and other.exec_args:
                shell = other
    if shell is None or not shell.exec_args:
        return False
    args = [t.value for t in shell.exec_args]
    program = args[0].rsplit("/", 1)[-1].lower()
    if program not in _PIPEFAIL_SHELLS and program not in ("sh", "dash"):
        return None  # PowerShell, cmd or something else: not our concern
    return _pipefail_option(args[1:])


def _pipelines(placed: list[Placed]) -> Iterator[list[Placed]]:
    """Real pipelines (two or more commands joined by ``|``), case patterns excluded."""
    current: list[Placed] = []
    for item in placed:
        if item.pattern:
            current = []
            continue
        current.append(item)
        if item.command.separator not in ("|", "|&"):
            if len(current) > 1:
                yield current
            current = []


def _pipefail_fix(ctx: LintContext, ins: Instruction) -> Fix | None:
    stage = ctx.doc.stage_of(ins)
    if stage is None:
        return None
    image = ctx.info(stage).image
    if image is None or image.is_scratch or image.is_distroless:
        return None
    if any(h.content.startswith("#!") for h in ins.heredocs):
        return None  # the script names its own interpreter; SHELL does not apply to it
    tag = (image.tag or "").lower()
    if image.name == "alpine" or "alpine" in tag or image.name == "busybox":
        return None  # no bash; BusyBox ash would need SHELL ["/bin/ash", ...]
    if not image.is_official:
        return None  # we cannot know whether the image has bash
    if any(other.keyword == "SHELL" for m in ctx.stage_chain(stage) for other in m.instructions):
        return None
    at = block_start(ctx, ins)
    keyword = "shell" if ins.keyword_raw.islower() else "SHELL"
    indent = line_indent(ctx, ins.span.start)
    line = f'{indent}{keyword} ["/bin/bash", "-o", "pipefail", "-c"]{ctx.newline}'
    return Fix(
        "Run with bash -o pipefail (SHELL before this RUN)", (Edit(at, at, line),), safe=False
    )


def _missing_pipefail(ctx: LintContext) -> Iterator[Violation]:
    """Pipes whose last command hides a failed producer (see ``_masking_consumer``)."""
    fixed_stages: set[int] = set()
    text = ctx.text
    mentions_pipefail = "pipefail" in text
    for ins in all_instructions(ctx):  # an ONBUILD RUN is checked as the RUN it becomes
        if "|" not in text[ins.span.start : ins.span.end] or not _posix_run(ctx, ins):
            continue  # no pipe in this RUN (or not a POSIX shell's)
        shell_state = _shell_has_pipefail(ctx, ins)
        if shell_state is None or shell_state:
            continue
        assert ins.shell is not None
        # The RUN's own pipes: a ``sh -c`` script has its shell's options, not SHELL's.
        placed = [p for p in placed_commands(ctx, ins.shell) if "sh -c" not in p.command.via]
        pipefail_at = (
            min(
                (p.command.span.start for p in placed if _sets_pipefail(p.command)),
                default=None,
            )
            if mentions_pipefail
            else None
        )
        for pipeline in _pipelines(placed):
            first = pipeline[0].command
            if pipefail_at is not None and pipefail_at < first.span.start:
                continue
            if first.program in _TRIVIAL_PRODUCERS or first.program is None:
                continue
            failing = _failing_producer([p.command for p in pipeline[:-1]])
            if failing is None:
                continue  # only local reads and filters feed the pipe
            last = pipeline[-1].command
            how = _masking_consumer(last)
            if how is None:
                continue
            stage = ctx.doc.stage_of(ins)
            fix = None
            if stage is not None and stage.index not in fixed_stages:
                # One SHELL per stage: later RUNs are covered once it is in place.
                fix = _pipefail_fix(ctx, ins)
                if fix is not None:
                    fixed_stages.add(stage.index)
            yield Violation(
                Span(first.span.start, last.span.end),
                f"If '{failing.program}' fails, this pipe still succeeds: {how}. Run with a shell "
                "that has '-o pipefail' "
                '(SHELL ["/bin/bash", "-o", "pipefail", "-c"]) or start the RUN with '
                "'set -o pipefail' where /bin/sh supports it (not dash)",
                fix,
            )
            break  # one finding per RUN: the fix is per RUN too


# -- LW941: useradd with a high UID and no -l ---------------------------------------------

_USERADD_VALUE_SHORT = frozenset("bcdefgGkKpsuZRP")
_USERADD_VALUE_LONG = frozenset(
    {"--base-dir", "--comment", "--home-dir", "--expiredate", "--inactive", "--gid", "--groups",
     "--skel", "--key", "--password", "--shell", "--uid", "--selinux-user", "--root", "--prefix",
     "--selinux-range"}
)  # fmt: skip
_HIGH_UID = 100_000


def _useradd_options(command: ShellCommand) -> tuple[bool, Token | None, str | None]:
    """(has -l/--no-log-init, the UID word, its value) of a useradd command."""
    no_log = False
    uid_word: Token | None = None
    uid: str | None = None
    args = command.arguments
    index = 0
    while index < len(args):
        word = args[index]
        value = word.value
        index += 1
        if value in ("-l", "--no-log-init"):
            no_log = True
        elif value.startswith("--uid="):
            uid_word, uid = word, value.split("=", 1)[1]
        elif value.startswith("--"):
            if value in _USERADD_VALUE_LONG and index < len(args):
                if value == "--uid":
                    uid_word, uid = args[index], args[index].value
                index += 1
        elif value.startswith("-") and len(value) > 1:
            letters = value[1:]
            for pos, letter in enumerate(letters):
                if letter == "l":
                    no_log = True
                if letter in _USERADD_VALUE_SHORT:
                    rest = letters[pos + 1 :]
                    if rest:
                        if letter == "u":
                            uid_word, uid = word, rest
                    elif index < len(args):
                        if letter == "u":
                            uid_word, uid = args[index], args[index].value
                        index += 1
                    break
    return no_log, uid_word, uid


def _useradd_high_uid(ctx: LintContext) -> Iterator[Violation]:
    for ins in all_instructions(ctx):
        for command in ctx.commands(ins, "useradd"):
            no_log, uid_word, uid = _useradd_options(command)
            if no_log or uid_word is None or uid is None:
                continue
            value = ctx.resolve(ins, uid) if "$" in uid else uid
            if value is None or not value.isdigit() or int(value) < _HIGH_UID:
                continue
            index = command.program_index()
            assert index is not None
            program = command.words[index]
            yield Violation(
                uid_word.span,
                f"useradd with UID {value} and without -l writes lastlog/faillog entries at an "
                "offset proportional to the UID: a sparse file that the image layer stores in "
                "full (tens of megabytes). Add -l (--no-log-init)",
                Fix("Add -l", (Edit(program.span.end, program.span.end, " -l"),)),
            )


# -- LW943: ln -s over /bin/sh -------------------------------------------------------------


def _relink_sh(ctx: LintContext) -> Iterator[Violation]:
    for ins in all_instructions(ctx):
        for command in ctx.commands(ins, "ln"):
            options = "".join(
                w.value[1:]
                for w in command.arguments
                if w.value.startswith("-") and not w.value.startswith("--")
            )
            long_options = {w.value for w in command.arguments if w.value.startswith("--")}
            if "s" not in options and "--symbolic" not in long_options:
                continue
            positional = [w for w in command.arguments if not w.value.startswith("-")]
            if len(positional) >= 2 and positional[-1].value in ("/bin/sh", "/usr/bin/sh"):
                yield Violation(
                    command.span,
                    "Relinking /bin/sh changes the shell of every script in the image, not just "
                    "of the build; use SHELL to choose the shell RUN uses",
                )


# -- LW944: commands that make no sense in a build ------------------------------------------

_POINTLESS = {
    "ssh": "opens an interactive remote session",
    "vim": "is an interactive editor",
    "shutdown": "cannot shut down a container build",
    "service": "starts a daemon that dies when the RUN ends",
    "ps": "lists the processes of a build container that exists only for this RUN",
    "free": "reports the memory of the build host, not of the image",
    "top": "is an interactive process viewer",
    "kill": "signals processes that do not outlive this RUN",
    "mount": "needs privileges a build does not have, and mounts do not persist into the image",
    "ifconfig": "shows the network of a temporary build container",
}


# Starting a daemon for the length of the RUN (to seed a database, render with Xvfb...).
_STARTS_DAEMON = frozenset({"nohup", "setsid", "start-stop-daemon", "daemonize"})


def _stops_own_job(ctx: LintContext, ins: Instruction, kill: ShellCommand) -> bool:
    """``kill`` of something the same RUN started before it: a background job (``&``,
    then ``kill $pid``, ``kill %1``, ``kill $(jobs -p)``), ``service x start`` or a
    daemon launcher. Stopping it cleanly (a database flushing its files) has a purpose.
    The target must name such a process: a job (``%1``) or a value found at build time
    (``$pid``, ``$!``, ``$(jobs -p)``, ``$(cat /run/x.pid)``), not a fixed PID."""
    targets = [w.value for w in kill.arguments if not w.value.startswith("-")]
    if not any(t.startswith("%") or "$" in t or "`" in t for t in targets):
        return False
    for command in ctx.commands(ins):
        if command is kill:
            return False
        if command.separator == "&" or command.program in _STARTS_DAEMON:
            return True
        if command.program == "service" and any(w.value == "start" for w in command.arguments):
            return True
    return False


def _pointless_commands(ctx: LintContext) -> Iterator[Violation]:
    for ins in all_instructions(ctx):
        if ins.keyword != "RUN":
            continue
        for command in ctx.commands(ins, *_POINTLESS):
            index = command.program_index()
            assert index is not None
            before = [w.value for w in command.words[:index]]
            if "command" in before:
                continue  # ``command -v ps`` only looks the program up
            program = command.program or ""
            if program == "kill" and _stops_own_job(ctx, ins, command):
                continue
            yield Violation(
                command.words[index].span,
                f"'{program}' in a RUN {_POINTLESS[program]}; it does nothing useful for the image",
            )


RULES = (
    Rule("LW924", "useless-cd", "A RUN that ends with cd, which has no effect", Severity.WARNING,
         "correctness", _useless_cd, aliases=("DL3003",)),
    Rule("LW925", "cd-instead-of-workdir", "A RUN that starts by changing directory with cd",
         Severity.INFO, "correctness", _cd_instead_of_workdir, aliases=("DL3003",), fixable=True, fix_safety=FixSafety.UNSAFE),
    Rule("LW926", "missing-pipefail", "A pipe in RUN whose failures the shell ignores",
         Severity.WARNING, "correctness", _missing_pipefail, aliases=("DL4006",), fixable=True, fix_safety=FixSafety.UNSAFE),
    Rule("LW941", "useradd-high-uid-without-l", "useradd with a high UID and without -l",
         Severity.WARNING, "layers", _useradd_high_uid, aliases=("DL3046",), fixable=True),
    Rule("LW943", "relink-bin-sh", "RUN replaces /bin/sh with a symlink instead of using SHELL",
         Severity.WARNING, "correctness", _relink_sh, aliases=("DL4005",)),
    Rule("LW944", "pointless-command", "A command that makes no sense in an image build",
         Severity.INFO, "correctness", _pointless_commands, aliases=("DL3001",)),
)  # fmt: skip
