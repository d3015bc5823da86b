"""LW922–LW949: conventions and hadolint parity (PRACTICES I, items 37 and 38; J's policies).

BuildKit syntax directive, ``cd`` and pipes in RUN, COPY destinations, exec-form
quoting, trusted registries, label policy and a few container-specific shell checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase

from ...syntax.model import Instruction, KeyValue, Span, Stage, Token
from ...syntax.shell import ShellCommand
from .. import stages as stage_facts
from ..context import LintContext
from ..edits import add_syntax_directive, block_start, line_indent, stage_shell_is_posix
from ..facts import ImageRef, parse_image, syntax_version, variable_references
from ..paths import copy_sources
from ..rule import Edit, Fix, Related, Rule, Severity, Violation
from ..shellfacts import Placed, placed_commands

_DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "hub.docker.com"})


def _instructions(ctx: LintContext) -> Iterator[Instruction]:
    """Every instruction, ONBUILD triggers included."""
    for ins in ctx.doc.instructions:
        yield ins
        if ins.trigger is not None:
            yield ins.trigger


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


# -- shell structure -----------------------------------------------------------------


# -- LW922 / LW923: BuildKit features and the syntax directive -------------------------


@dataclass(frozen=True, slots=True)
class _Feature:
    label: str
    span: Span
    #: Oldest docker/dockerfile release (stable channel) that has it; None: unknown.
    stable: tuple[int, int] | None
    #: Oldest -labs release that has it.
    labs: tuple[int, int] | None


# Flag -> (what it is, stable since, labs since). Versions from the Dockerfile
# frontend release notes; None where we are not sure, so no version is enforced.
_RUN_FLAGS = {
    "mount": ("RUN --mount", (1, 2), (1, 0)),
    "network": ("RUN --network", (1, 3), (1, 0)),
    "security": ("RUN --security", (1, 20), (1, 0)),
    "device": ("RUN --device", None, None),
}
_COPY_FLAGS = {
    "link": ("--link", (1, 4), (1, 0)),
    "chmod": ("--chmod", None, None),
    "exclude": ("--exclude", (1, 19), (1, 7)),
    "parents": ("--parents", (1, 20), (1, 7)),
    "checksum": ("ADD --checksum", None, None),
    "keep-git-dir": ("ADD --keep-git-dir", None, None),
    "unpack": ("ADD --unpack", None, None),
}


def _features(ctx: LintContext) -> list[_Feature]:
    found = []
    for ins in _instructions(ctx):
        table = _RUN_FLAGS if ins.keyword == "RUN" else None
        if ins.keyword in ("COPY", "ADD"):
            table = _COPY_FLAGS
        if table is None:
            continue
        for flag in ins.flags:
            entry = table.get(flag.name)
            if entry is None:
                continue
            label, stable, labs = entry
            if ins.keyword == "COPY" and flag.name in ("checksum", "keep-git-dir", "unpack"):
                continue
            if not label.startswith(("RUN", "ADD")):
                label = f"{ins.keyword} {label}"
            found.append(_Feature(label, flag.span, stable, labs))
        for heredoc in ins.heredocs:
            found.append(_Feature(f"{ins.keyword} heredoc", heredoc.marker, (1, 4), (1, 3)))
    found.sort(key=lambda f: f.span.start)
    return found


_WINDOWS_TAG = re.compile(r"nanoserver|servercore|windows|ltsc20\d\d", re.IGNORECASE)


def _windows_stage(ctx: LintContext, stage: Stage) -> bool:
    """A Windows stage: by its base image's name or tag (``sdk:8.0-nanoserver-ltsc2022``),
    or, with the backtick escape, whatever its base."""
    if ctx.is_windows(stage) or ctx.doc.escape == "`":
        return True
    image = ctx.info(stage).image
    return image is not None and _WINDOWS_TAG.search(image.tag or "") is not None


def _missing_syntax(ctx: LintContext) -> Iterator[Violation]:
    if ctx.doc.directive("syntax") is not None:
        return
    # Windows images are built by the classic builder, which ignores the directive (and
    # the docker/dockerfile frontend has no Windows image): the advice cannot be followed.
    windows = [s.span for s in ctx.doc.stages if _windows_stage(ctx, s)]
    features = [
        f for f in _features(ctx) if not any(w.start <= f.span.start <= w.end for w in windows)
    ]
    if not features:
        return
    first = features[0]
    names = sorted({f.label for f in features})
    fix = Fix(
        "Add '# syntax=docker/dockerfile:1' at the top", (add_syntax_directive(ctx),), safe=False
    )
    yield Violation(
        first.span,
        f"{', '.join(names)} need{'s' if len(names) == 1 else ''} a recent Dockerfile frontend, "
        "but there is no '# syntax=' directive, so the build depends on the frontend built into "
        "whichever BuildKit runs it; add '# syntax=docker/dockerfile:1' as the first line",
        fix,
        tuple(Related(f.span, f.label) for f in features[1:6]),
    )


def _old_syntax(ctx: LintContext) -> Iterator[Violation]:
    directive = ctx.doc.directive("syntax")
    if directive is None:
        return
    parsed = syntax_version(directive.value)
    if parsed is None:
        return
    version, labs = parsed
    too_new = []
    for feature in _features(ctx):
        needed = feature.labs if labs else feature.stable
        if needed is not None and needed > version:
            too_new.append((feature, needed))
    if not too_new:
        return
    needed = max(n for _, n in too_new)
    wanted = f"{needed[0]}.{needed[1]}" + ("-labs" if labs else "")
    value = directive.value
    match = re.search(r":\d+(?:\.\d+){0,2}(?:-labs)?", value)
    fix = None
    if match is not None and "@" not in value:
        start = directive.value_span.start + match.start() + 1
        end = directive.value_span.start + match.end()
        fix = Fix(f"Require docker/dockerfile:{wanted}", (Edit(start, end, wanted),), safe=False)
    names = sorted({f.label for f, _ in too_new})
    shown = f"{version[0]}.{version[1]}" + ("-labs" if labs else "")
    yield Violation(
        directive.value_span,
        f"The directive selects Dockerfile frontend {shown}, which does not know "
        f"{', '.join(names)} (needs {wanted} or newer): the build fails to parse",
        fix,
        tuple(Related(f.span, f"{f.label} needs {n[0]}.{n[1]}") for f, n in too_new[:5]),
    )


# -- LW924 / LW925: cd in RUN ----------------------------------------------------------

_TEMP_DIRS = frozenset({"/tmp", "/var/tmp", "/tmp/", "/var/tmp/"})


def _useless_cd(ctx: LintContext) -> Iterator[Violation]:
    for ins in _instructions(ctx):
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
_FILTERS = frozenset(
    {"sort", "uniq", "awk", "gawk", "mawk", "sed", "cut", "tr", "head", "tail", "cat", "jq",
     "column", "paste", "rev", "base64", "xxd", "tac", "nl"}
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
    if program in _FILTERS and any(
        r.operator.lstrip("0123456789") in (">", ">>", ">|")
        and r.target is not None
        and r.target.value != "/dev/null"
        for r in command.redirects
    ):
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
    for ins in ctx.doc.instructions:
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


# -- LW927: multi-source COPY destination ----------------------------------------------


def _copy_destination(ins: Instruction) -> Token | None:
    if ins.exec_args is not None:
        return ins.exec_args[-1] if len(ins.exec_args) >= 2 else None
    markers = {h.marker.start for h in ins.heredocs}
    words = [w for w in ins.words if w.span.start not in markers]
    return words[-1] if words else None


def _multi_source_destination(ctx: LintContext) -> Iterator[Violation]:
    for ins in _instructions(ctx):
        if ins.keyword not in ("COPY", "ADD"):
            continue
        dest = _copy_destination(ins)
        if dest is None:
            continue
        count = len(copy_sources(ins)) + len(ins.heredocs)
        if count < 2:
            continue
        value = ctx.resolve(ins, dest.value)
        if value is None or value.endswith("/"):
            continue
        stage = ctx.doc.stage_of(ins)
        windows = stage is not None and ctx.is_windows(stage)
        if windows and value.endswith("\\"):
            continue
        insert = dest.span.end - 1 if dest.raw[-1:] in ("'", '"') else dest.span.end
        yield Violation(
            dest.span,
            f"{ins.keyword} with {count} sources needs a destination directory ending in '/': "
            f"the classic builder rejects '{dest.value}', and BuildKit writes every source to "
            "the same path when it does not exist yet",
            Fix(f"Write '{dest.value}/'", (Edit(insert, insert, "/"),)),
        )


# -- LW928: JSON form that is not JSON -------------------------------------------------

_JSON_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})


def _array_items(text: str) -> list[tuple[str, str]] | None:
    """Split ``[a, 'b', "c"]`` into (kind, text) items; None when it is not array-like."""
    inner = text[1:-1]
    items: list[tuple[str, str]] = []
    i, n = 0, len(inner)
    expect_item = True
    trailing_comma = False
    while i < n:
        c = inner[i]
        if c in " \t":
            i += 1
            continue
        if not expect_item:
            if c != ",":
                return None
            expect_item = True
            trailing_comma = True
            i += 1
            continue
        trailing_comma = False
        if c == "'":
            end = inner.find("'", i + 1)
            if end < 0:
                return None
            items.append(("single", inner[i + 1 : end]))
            i = end + 1
        elif c == '"':
            j = i + 1
            while j < n and inner[j] != '"':
                j += 2 if inner[j] == "\\" else 1
            if j >= n:
                return None
            items.append(("double", inner[i : j + 1]))
            i = j + 1
        else:
            j = i
            while j < n and inner[j] not in ", \t'\"":
                j += 1
            if j == i:
                return None
            items.append(("bare", inner[i:j]))
            i = j
        expect_item = False
    if not items:
        return None
    if trailing_comma:
        items.append(("trailing", ""))
    return items


def _invalid_json(ctx: LintContext) -> Iterator[Violation]:
    for ins in _instructions(ctx):
        if ins.keyword not in _JSON_KEYWORDS or ins.is_exec_form:
            continue
        args = ins.args
        if not (args.startswith("[") and args.endswith("]")) or ins.heredocs:
            continue
        items = _array_items(args)
        if items is None:
            continue
        kinds = {kind for kind, _ in items}
        commas = "," in args
        if kinds == {"double"}:
            continue  # valid JSON strings but rejected otherwise (e.g. a parse error)
        if "bare" in kinds and not commas:
            continue  # ``[ -f x ]`` style shell test, not an attempted array
        values: list[str] = []
        fixable = True
        for kind, text in items:
            if kind == "trailing":
                continue
            if kind == "double":
                try:
                    values.append(json.loads(text))
                except ValueError:
                    fixable = False
            elif kind == "single":
                if "\\" in text or "$" in text:
                    fixable = False
                values.append(text)
            else:
                if "$" in text or "\\" in text:
                    fixable = False
                values.append(text)
        problem = (
            "single quotes"
            if "single" in kinds
            else "unquoted items"
            if "bare" in kinds
            else "a trailing comma"
        )
        fix = None
        advice = "write a JSON array of double-quoted strings"
        if fixable and values:
            new = json.dumps(values, ensure_ascii=False)
            advice = f"write {new}"
            fix = Fix(
                f"Write valid JSON: {new}", (Edit(ins.args_span.start, ins.args_span.end, new),)
            )
        runs_shell = ins.keyword in ("RUN", "CMD", "ENTRYPOINT")
        consequence = (
            "so Docker runs the whole text as a /bin/sh -c command, which fails"
            if runs_shell
            else "so Docker reads it as plain words, brackets and quotes included"
        )
        if ins.keyword == "SHELL":
            consequence = "and SHELL accepts only the JSON form: the build fails"
        yield Violation(
            ins.args_span,
            f"This looks like the exec (JSON) form but has {problem}, which JSON does not "
            f"allow, {consequence}; {advice}",
            fix,
        )


# -- LW929: trusted registries ---------------------------------------------------------


def _registry(image: ImageRef) -> str:
    registry = (image.registry or "docker.io").lower()
    return "docker.io" if registry in _DOCKER_HUB else registry


def _trusted(registry: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        pattern = pattern.strip().lower().rstrip("/")
        if pattern in _DOCKER_HUB:
            pattern = "docker.io"
        if registry == pattern or fnmatchcase(registry, pattern):
            return True
    return False


def _untrusted_registry(ctx: LintContext) -> Iterator[Violation]:
    trusted = tuple(r for r in ctx.options.trusted_registries if r.strip())
    if not trusted:
        return
    shown = ", ".join(trusted)
    for info in ctx.stage_infos:
        token = info.stage.base
        image = info.image
        if token is None or info.parent is not None or image is None or image.is_scratch:
            continue
        registry = _registry(image)
        if not _trusted(registry, trusted):
            yield Violation(
                token.span,
                f"'{info.resolved_base}' comes from {registry}, which is not a trusted "
                f"registry ({shown})",
            )
    stage_names = {s.name for s in ctx.doc.stages if s.name}
    for ins in _instructions(ctx):
        flag = ins.flag("from") if ins.keyword == "COPY" else None
        if flag is None or flag.value is None or flag.value_span is None:
            continue
        value = ctx.resolve(ins, flag.value)
        if value is None or value.isdigit() or value.lower() in stage_names:
            continue
        image = parse_image(value)
        if image is None:
            continue
        registry = _registry(image)
        if not _trusted(registry, trusted):
            yield Violation(
                flag.value_span,
                f"COPY --from pulls '{value}' from {registry}, which is not a trusted "
                f"registry ({shown})",
            )


# -- LW930–LW939: labels -----------------------------------------------------------------

_LABEL_KEY = re.compile(r"^[a-z](?:[a-z0-9.-]*[a-z0-9])?$")
_RESERVED_NAMESPACES = ("com.docker.", "io.docker.", "org.dockerproject.")


# Project Atomic's labels: the `atomic` CLI reads these keys verbatim (`atomic install`
# runs the INSTALL label's command line), so they must stay uppercase.
_ATOMIC_LABELS = frozenset({"INSTALL", "UNINSTALL", "RUN", "STOP"})


def _label_pairs(ctx: LintContext) -> Iterator[tuple[Instruction, KeyValue]]:
    for ins in _instructions(ctx):
        if ins.keyword == "LABEL":
            for pair in ins.pairs:
                yield ins, pair


def _invalid_label_key(ctx: LintContext) -> Iterator[Violation]:
    for ins, pair in _label_pairs(ctx):
        key = pair.key.value
        if "$" in pair.key.raw:
            key_value = ctx.resolve(ins, key)
            if key_value is None:
                continue
            key = key_value
        if key in _ATOMIC_LABELS:
            continue
        problem = None
        if key.startswith(_RESERVED_NAMESPACES):
            problem = (
                "uses a namespace reserved for Docker (com.docker., io.docker., org.dockerproject.)"
            )
        elif ".." in key or "--" in key:
            problem = "has consecutive separators"
        elif not _LABEL_KEY.match(key):
            if key != key.lower() and _LABEL_KEY.match(key.lower()):
                problem = "is not lowercase"
            else:
                problem = (
                    "should use only lowercase letters, digits, '.' and '-', starting with a "
                    "letter and ending with a letter or digit"
                )
        if problem:
            yield Violation(
                pair.key.span,
                f"Label key '{key}' {problem}; use reverse-DNS keys such as "
                "'org.opencontainers.image.source'",
            )


def _required(ctx: LintContext) -> dict[str, str]:
    return dict(ctx.options.required_labels)


def _final_labels(ctx: LintContext, stage: Stage) -> dict[str, tuple[Instruction, KeyValue]]:
    labels: dict[str, tuple[Instruction, KeyValue]] = {}
    for member in reversed(ctx.stage_chain(stage)):
        for ins in member.instructions:
            if ins.keyword == "LABEL":
                for pair in ins.pairs:
                    key = ctx.resolve(ins, pair.key.value) or pair.key.value
                    labels[key] = (ins, pair)
    return labels


def _missing_label(ctx: LintContext) -> Iterator[Violation]:
    required = _required(ctx)
    stage = ctx.final_stage
    if not required or stage is None:
        return
    present = _final_labels(ctx, stage)
    missing = [name for name in required if name not in present]
    if not missing:
        return
    start = stage.from_instruction.keyword_span
    span = Span(start.start, stage.base.span.end if stage.base else start.end)
    for name in missing:
        yield Violation(span, f"The image does not set the required label '{name}'")


def _superfluous_label(ctx: LintContext) -> Iterator[Violation]:
    if not ctx.options.strict_labels:
        return
    required = _required(ctx)
    for ins, pair in _label_pairs(ctx):
        key = ctx.resolve(ins, pair.key.value)
        if key is None or key in required:
            continue
        yield Violation(
            pair.key.span,
            f"Label '{key}' is not in the label schema, and strict labels are on",
        )


def _typed_values(ctx: LintContext, kind: str | None) -> Iterator[tuple[str, str, KeyValue]]:
    """(name, resolved value, pair) for required labels (of ``kind``, if given)."""
    required = _required(ctx)
    if not required:
        return
    for ins, pair in _label_pairs(ctx):
        key = ctx.resolve(ins, pair.key.value)
        if key is None or key not in required:
            continue
        if kind is not None and required[key] != kind:
            continue
        raw = pair.value.value if pair.value is not None else ""
        value = ctx.resolve(ins, raw)
        if value is None:
            continue
        yield key, value, pair


def _value_span(pair: KeyValue) -> Span:
    return pair.value.span if pair.value is not None else pair.key.span


def _empty_label(ctx: LintContext) -> Iterator[Violation]:
    for name, value, pair in _typed_values(ctx, None):
        if not value.strip():
            yield Violation(_value_span(pair), f"Required label '{name}' is empty")


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_HASH = re.compile(r"^(?:[0-9a-fA-F]{7,40}|[0-9a-fA-F]{64})$")
_SPDX_TOKEN = re.compile(r"\(|\)|[A-Za-z0-9.+:-]+")


def _is_rfc3339(value: str) -> bool:
    match = _RFC3339.match(value)
    if match is None:
        return False
    try:
        datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    hour, minute, second = (int(match.group(i)) for i in range(4, 7))
    return hour < 24 and minute < 60 and second <= 60


def _is_url(value: str) -> bool:
    if not _URL.match(value):
        return False
    scheme, _, rest = value.partition(":")
    if scheme.lower() in ("http", "https", "ftp", "git", "ssh"):
        host = rest[2:].split("/", 1)[0] if rest.startswith("//") else ""
        return bool(host)
    return True


def _spdx_syntax(value: str) -> bool:
    """SPDX license expression grammar (ids not checked against the list)."""
    tokens = _SPDX_TOKEN.findall(value)
    if "".join(tokens) != re.sub(r"\s+", "", value) or not tokens:
        return False
    depth = 0
    expect_id = True
    after_with = False
    for token in tokens:
        upper = token.upper()
        if token == "(":
            if not expect_id:
                return False
            depth += 1
        elif token == ")":
            if expect_id:
                return False
            depth -= 1
            if depth < 0:
                return False
        elif upper in ("AND", "OR", "WITH"):
            if expect_id:
                return False
            expect_id = True
            after_with = upper == "WITH"
            continue
        else:
            if not expect_id:
                return False
            expect_id = False
        after_with = False
    return depth == 0 and not expect_id and not after_with


def _is_spdx(value: str) -> bool:
    if not _spdx_syntax(value):
        return False
    try:
        from packaging.licenses import (  # type: ignore[import-not-found,unused-ignore]
            InvalidLicenseExpression,
            canonicalize_license_expression,
        )
    except ImportError:  # packaging < 24.2 or absent: the grammar is all we can check
        return True
    try:
        canonicalize_license_expression(value)
    except InvalidLicenseExpression:
        return False
    return True


_LABEL_TYPES: dict[str, tuple[str, Callable[[str], object]]] = {
    "url": ("a URL with a scheme (https://...)", _is_url),
    "rfc3339": ("an RFC 3339 timestamp (2024-05-01T12:00:00Z)", _is_rfc3339),
    "spdx": ("an SPDX license expression (MIT, Apache-2.0 OR MIT)", _is_spdx),
    "hash": ("a git commit hash (7 to 40 hex digits)", _HASH.match),
    "semver": ("a semantic version (1.4.2)", _SEMVER.match),
    "email": ("an email address (name@example.com)", _EMAIL.match),
}


def _label_type_check(kind: str) -> Callable[[LintContext], Iterator[Violation]]:
    description, valid = _LABEL_TYPES[kind]

    def check(ctx: LintContext) -> Iterator[Violation]:
        for name, value, pair in _typed_values(ctx, kind):
            if not value.strip():
                continue  # LW933 reports empty required labels
            if not valid(value):
                yield Violation(
                    _value_span(pair),
                    f"Label '{name}' must be {description}; '{value}' is not",
                )

    check.__name__ = f"_label_{kind}"
    return check


# -- LW940: COPY to a relative destination without WORKDIR -----------------------------


def _is_absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", path) is not None


def _cwd_matters_elsewhere(ctx: LintContext, stage: Stage) -> bool:
    """A builder stage's working directory matters to other stages: one copies out of it
    (or out of a stage built FROM it) a relative path, the root, or a top-level path
    (``/app.wasm``) that no RUN of the stage writes by its absolute name, which is where
    relative writes land when the base's directory is ``/``."""
    run_text = " ".join(
        ctx.text[ins.span.start : ins.span.end]
        for member in ctx.stage_chain(stage)
        for ins in member.instructions
        if ins.keyword == "RUN"
    )
    for other in ctx.doc.stages:
        for ins in other.instructions:
            origin = stage_facts.copy_from(ctx, ins)
            if ins.keyword != "COPY" or not isinstance(origin, Stage):
                continue
            if stage not in ctx.stage_chain(origin):
                continue
            for source in copy_sources(ins):
                value = ctx.resolve(ins, source.value)
                if value is None:
                    return True
                cleaned = value.rstrip("/")
                if not value.startswith("/") or cleaned == "":
                    return True
                if cleaned.count("/") == 1 and not re.search(
                    rf"(?<![\w./-]){re.escape(cleaned)}(?![\w-])", run_text
                ):
                    return True
    return False


def _relative_copy_destination(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        image = ctx.info(stage).image
        chain = ctx.stage_chain(stage)
        workdir = any(
            ins.keyword == "WORKDIR" for member in chain[1:] for ins in member.instructions
        )
        if not workdir and image is not None and image.is_scratch:
            continue  # scratch has no WORKDIR: a relative path means '/' and cannot change
        found: list[tuple[Instruction, Token]] = []
        for ins in stage.instructions:
            if ins.keyword == "WORKDIR":
                workdir = True
                continue
            if workdir or ins.keyword not in ("COPY", "ADD"):
                continue
            dest = _copy_destination(ins)
            if dest is None or (not copy_sources(ins) and not ins.heredocs):
                continue
            value = ctx.resolve(ins, dest.value)
            if value is None or _is_absolute(value):
                continue
            found.append((ins, dest))
        if not found:
            continue
        if not stage_facts.shipped(ctx, stage) and not _cwd_matters_elsewhere(ctx, stage):
            continue  # a builder whose files are used where they are, by relative paths
        ins, dest = found[0]
        yield Violation(
            dest.span,
            f"{ins.keyword} to the relative path '{dest.value}' with no WORKDIR set in this "
            "stage: where the files land depends on the base image's working directory. Set "
            "WORKDIR first or use an absolute path",
            related=tuple(Related(d.span, "another relative destination") for _, d in found[1:6]),
        )


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
    for ins in _instructions(ctx):
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


# -- LW942: ENV that uses a variable it defines ------------------------------------------


def _env_self_reference(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        if ins.keyword != "ENV" or len(ins.pairs) < 2:
            continue
        env = ctx.env_at(ins)
        keys = [pair.key.value for pair in ins.pairs]
        reported = False
        for index, pair in enumerate(ins.pairs):
            if pair.value is None or "$" not in pair.value.raw:
                continue
            for name, start, end in variable_references(pair.value.raw, ctx.doc.escape):
                others = [j for j, key in enumerate(keys) if key == name and j != index]
                if not others or name in env:
                    continue
                span = pair.value.span
                if span.end - span.start == len(pair.value.raw):
                    span = Span(span.start + start, span.start + end)
                earlier = [j for j in others if j < index]
                fix = _split_env_fix(ctx, ins, index) if earlier and not reported else None
                reported = reported or fix is not None
                yield Violation(
                    span,
                    f"${name} here expands to the value {name} had before this ENV, not to the "
                    f"one this ENV assigns; set {name} in an earlier ENV",
                    fix,
                    (Related(ins.pairs[others[0]].key.span, f"{name} is set here"),),
                )


def _split_env_fix(ctx: LintContext, ins: Instruction, index: int) -> Fix | None:
    before = ins.pairs[index - 1]
    end_before = (before.value or before.key).span.end
    start_next = ins.pairs[index].key.span.start
    if any(end_before <= c.span.start < start_next for c in ctx.doc.comments):
        return None
    indent = line_indent(ctx, ins.span.start)
    return Fix(
        f"Split the ENV before {ins.pairs[index].key.value}",
        (Edit(end_before, start_next, f"{ctx.newline}{indent}{ins.keyword_raw} "),),
        safe=False,
    )


# -- LW943: ln -s over /bin/sh -------------------------------------------------------------


def _relink_sh(ctx: LintContext) -> Iterator[Violation]:
    for ins in _instructions(ctx):
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


def _pointless_commands(ctx: LintContext) -> Iterator[Violation]:
    for ins in _instructions(ctx):
        if ins.keyword != "RUN":
            continue
        for command in ctx.commands(ins, *_POINTLESS):
            index = command.program_index()
            assert index is not None
            before = [w.value for w in command.words[:index]]
            if "command" in before:
                continue  # ``command -v ps`` only looks the program up
            program = command.program or ""
            yield Violation(
                command.words[index].span,
                f"'{program}' in a RUN {_POINTLESS[program]}; it does nothing useful for the image",
            )


RULES = (
    Rule("LW922", "missing-syntax-directive",
         "BuildKit-only syntax used without a '# syntax=' directive", Severity.INFO,
         "buildkit", _missing_syntax, fixable=True, default_enabled=False),
    Rule("LW923", "syntax-directive-too-old",
         "The '# syntax=' directive pins a frontend older than the features used", Severity.WARNING,
         "buildkit", _old_syntax, fixable=True),
    Rule("LW924", "useless-cd", "A RUN that ends with cd, which has no effect", Severity.WARNING,
         "correctness", _useless_cd),
    Rule("LW925", "cd-instead-of-workdir", "A RUN that starts by changing directory with cd",
         Severity.INFO, "correctness", _cd_instead_of_workdir, aliases=("DL3003",), fixable=True),
    Rule("LW926", "missing-pipefail", "A pipe in RUN whose failures the shell ignores",
         Severity.WARNING, "correctness", _missing_pipefail, aliases=("DL4006",), fixable=True),
    Rule("LW927", "copy-multiple-sources-to-file",
         "COPY or ADD with several sources and a destination not ending in '/'", Severity.ERROR,
         "correctness", _multi_source_destination, aliases=("DL3021",), fixable=True),
    Rule("LW928", "invalid-json-form", "An exec-form argument list that is not valid JSON",
         Severity.WARNING, "correctness", _invalid_json, fixable=True),
    Rule("LW929", "untrusted-registry", "A base image from a registry outside trusted-registries",
         Severity.ERROR, "policy", _untrusted_registry, aliases=("DL3026",)),
    Rule("LW930", "invalid-label-key", "A label key that breaks Docker's key conventions",
         Severity.INFO, "policy", _invalid_label_key, aliases=("DL3048",)),
    Rule("LW931", "missing-required-label", "The image lacks a label the label schema requires",
         Severity.INFO, "policy", _missing_label, aliases=("DL3049",)),
    Rule("LW932", "superfluous-label", "A label outside the label schema while strict-labels is on",
         Severity.INFO, "policy", _superfluous_label, aliases=("DL3050",)),
    Rule("LW933", "empty-required-label", "A required label with an empty value", Severity.WARNING,
         "policy", _empty_label, aliases=("DL3051",)),
    Rule("LW934", "label-not-url", "A label of type url whose value is not a URL", Severity.WARNING,
         "policy", _label_type_check("url"), aliases=("DL3052",)),
    Rule("LW935", "label-not-rfc3339", "A label of type rfc3339 whose value is not an RFC 3339 time",
         Severity.WARNING, "policy", _label_type_check("rfc3339"), aliases=("DL3053",)),
    Rule("LW936", "label-not-spdx", "A label of type spdx whose value is not an SPDX expression",
         Severity.WARNING, "policy", _label_type_check("spdx"), aliases=("DL3054",)),
    Rule("LW937", "label-not-hash", "A label of type hash whose value is not a git hash",
         Severity.WARNING, "policy", _label_type_check("hash"), aliases=("DL3055",)),
    Rule("LW938", "label-not-semver", "A label of type semver whose value is not a semantic version",
         Severity.WARNING, "policy", _label_type_check("semver"), aliases=("DL3056",)),
    Rule("LW939", "label-not-email", "A label of type email whose value is not an email address",
         Severity.WARNING, "policy", _label_type_check("email"), aliases=("DL3058",)),
    Rule("LW940", "relative-copy-without-workdir",
         "COPY or ADD to a relative destination before any WORKDIR", Severity.WARNING,
         "correctness", _relative_copy_destination, aliases=("DL3045",)),
    Rule("LW941", "useradd-high-uid-without-l", "useradd with a high UID and without -l",
         Severity.WARNING, "layers", _useradd_high_uid, aliases=("DL3046",), fixable=True),
    Rule("LW942", "env-uses-own-variable", "ENV uses a variable defined in the same instruction",
         Severity.WARNING, "correctness", _env_self_reference, aliases=("DL3044",), fixable=True),
    Rule("LW943", "relink-bin-sh", "RUN replaces /bin/sh with a symlink instead of using SHELL",
         Severity.WARNING, "correctness", _relink_sh, aliases=("DL4005",)),
    Rule("LW944", "pointless-command", "A command that makes no sense in an image build",
         Severity.INFO, "correctness", _pointless_commands, aliases=("DL3001",)),
)  # fmt: skip
