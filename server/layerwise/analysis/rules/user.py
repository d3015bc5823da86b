"""LW2xx: running as a non-root user (PRACTICES B).

The final stage's USER (LW201, LW202), and what running without root needs from the
build: files owned through COPY --chown rather than a recursive chown (LW203), no paths
every user can write (LW204), no sudo (LW205).
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...syntax.model import Instruction, Span, Stage, Token
from ...syntax.shell import ShellCommand
from ..commands import option_values
from ..context import LintContext
from ..edits import insert_lines_at_end, insert_lines_before, with_placeholders
from ..facts import ImageRef
from ..images import image_facts
from ..paths import (
    REMOTE,
    copy_paths,
    copy_sources,
    copy_sources_dest,
    glob_covers,
    has_glob,
    run_path,
)
from ..rule import Edit, Fix, FixSafety, Related, Rule, Severity, Violation
from ..safefs import read_text, regular_file
from ..walk import line_number, run_targets, shipped_indexes

# -- LW201 / LW202: the final stage's USER ---------------------------------------------

# Instructions whose effect depends on running as root at build time.
_BUILD_STEPS = frozenset({"RUN", "COPY", "ADD", "WORKDIR", "ONBUILD"})
_RHEL_FAMILY = ("centos", "fedora", "rockylinux", "almalinux", "amazonlinux", "oraclelinux")
_ROOT = frozenset({"root", "0"})


def _last_user(ctx: LintContext, stage: Stage) -> Instruction | None:
    for member in ctx.stage_chain(stage):
        for ins in reversed(member.instructions):
            if ins.keyword == "USER":
                return ins
    return None


def _user_name(ins: Instruction) -> str:
    return ins.args.split(":", 1)[0].strip().strip("\"'")


def _runs_as_non_root_already(image: ImageRef) -> bool:
    """Images documented to default to a non-root user."""
    if image_facts(image).runs_as_nonroot:
        return True  # distroless :nonroot, .NET chiseled/distroless, Chainguard, nanoserver
    tag = (image.tag or "").lower()
    if image.is_distroless and "nonroot" in tag:
        return True
    return image.registry == "cgr.dev" and not tag.endswith("-dev")


def _created_user(ctx: LintContext, stage: Stage) -> str | None:
    """A user the stage creates with useradd/adduser but never switches to."""
    name = None
    for member in reversed(ctx.stage_chain(stage)):
        for ins in member.instructions:
            for command in ctx.commands(ins, "useradd", "adduser"):
                positional = [w.value for w in command.arguments if not w.value.startswith("-")]
                if positional:
                    # adduser NAME [GROUP] / useradd [opts] NAME: the user is the last
                    # positional word for useradd, the first for adduser.
                    name = positional[-1] if command.program == "useradd" else positional[0]
    return name


def _user_lines(image: ImageRef | None) -> list[str]:
    """Lines that create (if needed) and switch to a non-root user for this base."""
    if image is None or image.is_scratch:
        return ["USER 65532:65532"]
    name, tag, path = image.name, (image.tag or "").lower(), image.path
    if image.is_distroless:
        return ["USER nonroot:nonroot"]
    if name == "node" and (image.is_official or image.registry is None):
        return ["USER node"]
    if name == "alpine" or "alpine" in tag:
        return ["RUN addgroup -S app && adduser -S -G app app", "USER app"]
    if name == "busybox":
        return ["RUN adduser -S -D -H app", "USER app"]
    if "minimal" in name or "micro" in name:
        return ["USER 65532:65532"]
    if image.is_official or name in _RHEL_FAMILY or path.startswith(("ubi", "ubi8/", "ubi9/")):
        return [
            "RUN groupadd --system app && useradd --system --gid app --no-create-home app",
            "USER app",
        ]
    return ["USER 65532:65532"]


def _insert_user_fix(ctx: LintContext, stage: Stage) -> Fix:
    """Insert the user lines after the stage's last build step (before CMD and friends)."""
    image = ctx.info(stage).image
    created = _created_user(ctx, stage)
    lines = [f"USER {created}"] if created else _user_lines(image)
    instructions = stage.instructions
    last_step = 0
    for index, ins in enumerate(instructions):
        if ins.keyword in _BUILD_STEPS or (ins.keyword == "USER" and index > 0):
            last_step = index
    if last_step + 1 < len(instructions):
        edit = insert_lines_before(ctx, instructions[last_step + 1], lines)
    else:
        edit = insert_lines_at_end(ctx, stage, lines)
    user = lines[-1].split(None, 1)[1]
    # A user the fix creates gets a name the editor lets the user type over.
    guessed = ("app",) if not created and "app" in lines[-1] else ()
    return Fix(f"Run as non-root user '{user}'", (with_placeholders(edit, guessed),), safe=False)


def _applies(ctx: LintContext) -> tuple[Stage, ImageRef | None] | None:
    stage = ctx.final_stage
    if stage is None:
        return None
    image = ctx.info(stage).image
    if ctx.is_windows(stage):
        return None
    if image is not None and image_facts(image).os == "windows":
        return None  # a Windows tag (nanoserver, servercore): not a Linux root user
    return stage, image


# Interactive shells and REPLs: the default command of an image meant to be built on.
_REPLS = frozenset(
    {"sh", "bash", "ash", "zsh", "python", "python3", "node", "irb", "jshell", "pwsh", "ghci",
     "erl", "iex", "julia", "R", "perl", "php", "lua", "scala", "groovysh", "clojure",
     "pwsh-preview", "powershell"}
)  # fmt: skip
# Tools an entrypoint uses to drop from root to a service account at start-up.
_PRIVILEGE_DROP = ("gosu", "su-exec", "setpriv", "chpst", "runuser", "s6-setuidgid")


# The same, as used in an entrypoint script read from the build context.
_SCRIPT_DROP = re.compile(
    r"\b(?:gosu|su-exec|s6-setuidgid|setuidgid)\s+\S"
    r"|\bsetpriv\b[^\n]*--reuid|\brunuser\b[^\n]*\s-u\s|\bchpst\s+-u\s"
    r"|\bchroot\b[^\n]*--userspec"
)


_EXEC_ARGS = re.compile(r"""\bexec\s+["']?\$(?:@|\{@\})""")


# Servers whose master process starts as root and runs its workers as an unprivileged
# account from their configuration (httpd/apache2 User, nginx user, php-fpm pool user,
# mysqld user=mysql, which refuses to run as root otherwise), and docker-in-docker,
# whose dockerd needs root.
_SELF_DROPPING = re.compile(
    r"^(?:httpd|httpd-foreground|apache2|apache2-foreground|apachectl|apache2ctl|nginx"
    r"|php-fpm[\d.]*|mysqld|mariadbd|dockerd|dockerd-entrypoint\.sh)$"
)


_SCRIPT_LIMIT = 256 * 1024


def _effective_command(ctx: LintContext, stage: Stage) -> list[str] | None:
    """The CMD in effect at the end of the stage chain, or ``None`` if the file sets none."""
    for member in ctx.stage_chain(stage):
        for ins in reversed(member.instructions):
            if ins.keyword == "CMD":
                if ins.exec_args is not None:
                    return [a.value for a in ins.exec_args]
                return ins.args.split()
    return None


def _effective_entrypoint(ctx: LintContext, stage: Stage) -> list[str] | None:
    """The ENTRYPOINT the file sets last in the stage chain, or ``None``."""
    for member in ctx.stage_chain(stage):
        for ins in reversed(member.instructions):
            if ins.keyword == "ENTRYPOINT":
                if ins.exec_args is not None:
                    return [a.value for a in ins.exec_args]
                return ins.args.split()
    return None


def _base_image_build(ctx: LintContext, stage: Stage) -> bool:
    """An image built to be extended: no command of its own, or an interactive one.

    Its users add the application, and the ``USER`` that goes with it, on top. An
    ENTRYPOINT that is only a wrapper script (``*entrypoint*``, which ends in
    ``exec "$@"``) without a CMD of the file's own runs whatever its users give it.
    """
    entrypoint = _effective_entrypoint(ctx, stage)
    command = _effective_command(ctx, stage)
    if command is None:
        if entrypoint is None:
            return True
        if len(entrypoint) != 1 or "entrypoint" not in entrypoint[0].rsplit("/", 1)[-1]:
            return False
        script = _script_text(ctx, stage, entrypoint[0])
        return script is None or _EXEC_ARGS.search(script) is not None
    if not command:
        return False
    program = command[0].rsplit("/", 1)[-1]
    return program in _REPLS and (len(command) == 1 or command[1:] in (["-a"], ["-i"]))


def _drops_privileges(ctx: LintContext, stage: Stage) -> bool:
    """The image installs or copies a tool its entrypoint uses to leave root, its main
    program is a server that drops privileges itself, the base image's own entrypoint
    (kept by this file) drops them, or the entrypoint script it copies from the build
    context does."""
    for member in ctx.stage_chain(stage):
        for ins in member.instructions:
            if ins.keyword in ("RUN", "COPY", "ADD") and any(
                tool in ins.args for tool in _PRIVILEGE_DROP
            ):
                return True
    entrypoint = _effective_entrypoint(ctx, stage)
    command = _effective_command(ctx, stage)
    for argv in (entrypoint, command):
        if argv and _SELF_DROPPING.match(argv[0].rsplit("/", 1)[-1]):
            return True
    root = ctx.info(ctx.stage_chain(stage)[-1]).image
    if entrypoint is None and root is not None and image_facts(root).entrypoint_drops:
        return True
    if entrypoint:
        script = _script_text(ctx, stage, entrypoint[0])
        if script is not None and _SCRIPT_DROP.search(script):
            return True
    return False


def _script_text(ctx: LintContext, stage: Stage, target: str) -> str | None:
    """The text of the file the stage copies from the build context to ``target`` (an
    ENTRYPOINT path), read from the project when the Dockerfile lives in one; ``None``
    when the file is not copied from the context or cannot be read there."""
    root = getattr(ctx.project, "root", None)
    if ctx.path is None or not isinstance(root, Path) or "$" in target:
        return None
    name = posixpath.basename(target)
    for member in ctx.stage_chain(stage):
        for ins in reversed(member.instructions):
            if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None:
                continue
            destination = copy_sources_dest(ins)
            sources = [t.value for t in copy_sources(ins)]
            if destination is None or len(sources) != 1 or "$" in sources[0]:
                continue
            into_dir = destination.endswith("/") or destination == posixpath.dirname(target)
            if destination != target and not (into_dir and posixpath.basename(sources[0]) == name):
                continue
            return _read_in_project(str(root), str(ctx.path.parent), sources[0])
    return None


def _read_in_project(root: str, context: str, source: str) -> str | None:
    """Read ``source`` (relative to the build context) if it lies inside ``root``."""
    try:
        base = Path(root).resolve()
        candidate = (Path(context) / source.lstrip("/")).resolve()
        if base != candidate and base not in candidate.parents:
            return None
        if not regular_file(candidate):
            return None
        stat = candidate.stat()
        if stat.st_size > _SCRIPT_LIMIT:
            return None
        return _read_cached(str(candidate), stat.st_mtime_ns, stat.st_size, str(base))
    except OSError:
        return None


@functools.lru_cache(maxsize=256)
def _read_cached(path: str, mtime_ns: int, size: int, root: str) -> str | None:
    """The file's text, cached while its modification time and size stay the same."""
    return read_text(Path(path), Path(root), _SCRIPT_LIMIT)


def _missing_user(ctx: LintContext) -> Iterator[Violation]:
    applies = _applies(ctx)
    if applies is None:
        return
    stage, image = applies
    if _last_user(ctx, stage) is not None:
        return
    if image is not None and _runs_as_non_root_already(image):
        return
    if image is None and ctx.info(stage).resolved_base is None:
        return  # base image unknown (an ARG without default): it may set a user
    if _base_image_build(ctx, stage) or _drops_privileges(ctx, stage):
        return
    start = stage.from_instruction.keyword_span
    yield Violation(
        Span(start.start, stage.base.span.end if stage.base else start.end),
        "The final stage never sets a non-root USER, so the container runs as root",
        _insert_user_fix(ctx, stage),
    )


def _root_user(ctx: LintContext) -> Iterator[Violation]:
    applies = _applies(ctx)
    if applies is None:
        return
    stage, _ = applies
    last = _last_user(ctx, stage)
    if last is None:
        return
    if _base_image_build(ctx, stage) or _drops_privileges(ctx, stage):
        return  # built to be extended, or its entrypoint/server leaves root itself
    user = ctx.resolve(last, _user_name(last))
    if user is None or user.lower() not in _ROOT:
        return
    fix = _insert_user_fix(ctx, stage) if last in stage.instructions else None
    if fix is not None and fix.edits[0].start <= last.span.start:
        fix = None
    yield Violation(
        last.args_span,
        f"The last USER of the final stage is '{user}', so the container runs as root",
        fix,
        (Related(stage.from_instruction.keyword_span, "final stage"),),
    )


# -- LW203 copy-without-chown ----------------------------------------------------------

_OWNER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$")
_USER_TOOLS = frozenset({"useradd", "adduser", "groupadd", "addgroup"})


@dataclass(frozen=True)
class _Chown:
    ins: Instruction
    command: ShellCommand
    owner: str | None  # resolved owner spec, None when unknown
    targets: list[str]  # absolute paths (globs allowed)
    unresolved: bool = False  # some path arguments could not be resolved


def _recursive_chowns(ctx: LintContext, stage: Stage) -> list[_Chown]:
    found = []
    for ins in stage.instructions:
        if ins.keyword != "RUN" or ins.shell is None:
            continue
        for command in ctx.commands(ins, "chown"):
            flags, values, positional = option_values(
                command, "", frozenset({"--from", "--reference"})
            )
            if not ({"-R", "--recursive"} & flags):
                continue
            if "--reference" in values:
                owner, paths = None, positional
            elif positional:
                raw = positional[0].value
                owner = ctx.resolve(ins, raw) if "$" in raw else raw
                if owner is not None and not _OWNER.match(owner):
                    owner = None  # ``$(id -u)`` and other shell-computed owners
                paths = positional[1:]
            else:
                continue
            targets = []
            for word in paths:
                path = run_path(ctx, ins, command, word.value)
                if path is not None:
                    targets.append(path)
            if targets:
                found.append(_Chown(ins, command, owner, targets, len(targets) < len(paths)))
    return found


def _created_later(ctx: LintContext, stage: Stage, after: Instruction, owner: str) -> bool:
    """A user or group named in ``owner`` is created after ``after`` in the stage."""
    names = {n for n in owner.split(":") if n and not n.isdigit()}
    for ins in stage.instructions:
        if ins.span.start <= after.span.start or ins.keyword != "RUN":
            continue
        for command in ctx.commands(ins):
            if command.program in _USER_TOOLS and names & {w.value for w in command.arguments}:
                return True
    return False


def _chown_fix(ctx: LintContext, stage: Stage, ins: Instruction, owner: str | None) -> Fix | None:
    if owner is None or not _OWNER.match(owner):
        return None
    if ":" not in owner and "." in owner:
        return None  # ``user.group`` is chown's legacy spelling; --chown has no such form
    if _created_later(ctx, stage, ins, owner):
        return None  # --chown needs the user to exist when COPY runs
    at = ins.keyword_span.end
    return Fix(
        f"Copy with --chown={owner} (unsafe)", (Edit(at, at, f" --chown={owner}"),), safe=False
    )


def _chowned_beyond_copies(ctx: LintContext, stage: Stage, chown: _Chown) -> list[str]:
    """The chown's targets that are not files COPY/ADD put in the stage before it (a
    directory made by ``mkdir`` above a copied file, another path): dropping the chown
    would leave them with their old owner. Unknown chown arguments count as more."""
    copied: list[str] = []
    for ins in stage.instructions:
        if ins.span.start >= chown.ins.span.start:
            break
        if ins.keyword in ("COPY", "ADD"):
            copied.extend(t for _, candidates in copy_paths(ctx, ins) for t in candidates)
    more = []
    for target in chown.targets:
        if not any(target == c or target.startswith(c.rstrip("/") + "/") for c in copied):
            more.append(target)
    if chown.unresolved:
        more.append("paths it cannot resolve")
    return more


# Single files that are build artifacts rather than a few KB of configuration.
_BIG_FILE = re.compile(
    r"\.(?:jar|war|ear|zip|tar|tgz|tbz2|txz|gz|bz2|xz|zst|whl|deb|rpm|so|bin|img|iso)$", re.I
)


def _can_be_big(ctx: LintContext, ins: Instruction) -> bool:
    """The COPY/ADD can add much data: the whole context, a directory, a glob, several
    sources, a build output of another stage or an archive. A single plain file from the
    context (``COPY app.conf /etc/app/``) is a few KB of configuration: stored twice, it
    is not worth a warning; a source the Dockerfile does not show (a variable, a path
    that may be a directory) is not reported either."""
    if ins.heredocs:
        return False
    sources = copy_sources(ins)
    if len(sources) != 1:
        return len(sources) > 1
    value = ctx.resolve(ins, sources[0].value)
    if value is None:
        return False
    if has_glob(value) or value in (".", "./") or value.endswith(("/", "/.")):
        return True
    base = value.rstrip("/").rsplit("/", 1)[-1]
    if _BIG_FILE.search(base):
        return True
    if ins.flag("from") is not None and not REMOTE.match(value):
        # Another stage's output: a directory or a binary when it has no extension.
        return "." not in base.lstrip(".")
    return False


def _copy_without_chown(ctx: LintContext) -> Iterator[Violation]:
    shipped = shipped_indexes(ctx)
    for stage in ctx.doc.stages:
        if stage.index not in shipped or ctx.is_windows(stage):
            continue
        chowns = _recursive_chowns(ctx, stage)
        if not chowns:
            continue
        for ins in stage.instructions:
            if ins.keyword not in ("COPY", "ADD") or ins.flag("chown") is not None:
                continue
            if not _can_be_big(ctx, ins):
                continue
            targets = [t for _, candidates in copy_paths(ctx, ins) for t in candidates]
            if not targets:
                continue
            for chown in chowns:
                if chown.ins.span.start <= ins.span.start:
                    continue
                if all(
                    any(glob_covers(t, target, recursive=True) for t in chown.targets)
                    for target in targets
                ):
                    owner = chown.owner or "<user>"
                    more = _chowned_beyond_copies(ctx, stage, chown)
                    advice = (
                        "drop the recursive chown"
                        if not more
                        else f"narrow the chown, which also re-owns {', '.join(more)}, so that "
                        "it no longer covers the copied files"
                    )
                    yield Violation(
                        ins.keyword_span,
                        f"'chown -R' on line {line_number(ctx, chown.command.span.start)} re-owns "
                        f"what this {ins.keyword} adds, which stores a second copy of every "
                        f"file in a new layer; use '{ins.keyword} --chown={owner}' and {advice}",
                        _chown_fix(ctx, stage, ins, chown.owner),
                        (Related(chown.command.span, "recursive chown of the copied files"),),
                    )
                    break


# -- LW204 world-writable --------------------------------------------------------------

_SYMBOLIC_CLAUSE = re.compile(r"^([ugoa]*)((?:[-+=][rwxXst]*)+)$")


def _mode_is_world_writable(mode: str) -> bool | None:
    """True for modes that let everyone write (sticky-bit modes excepted); None if unknown."""
    if re.fullmatch(r"[0-7]{1,5}", mode):
        value = int(mode, 8)
        return bool(value & 0o002) and not value & 0o1000
    writable = False
    sticky = False
    for clause in mode.split(","):
        match = _SYMBOLIC_CLAUSE.match(clause)
        if match is None:
            return None  # ``o=u`` style copies or not a mode at all
        who = match.group(1)
        others = "o" in who or "a" in who
        for op, perms in re.findall(r"([-+=])([rwxXst]*)", match.group(2)):
            if others:
                if op == "=":
                    writable = "w" in perms
                elif "w" in perms:
                    writable = op == "+"
            if "t" in perms and (others or not who):
                sticky = op != "-"
    return writable and not sticky


def _mode_arguments(command: ShellCommand) -> list[tuple[Token, str, list[Token]]]:
    """(mode word, mode text, target words) of chmod, mkdir -m and install -m."""
    program = command.program
    if program == "chmod":
        flags, values, positional = option_values(command, "", frozenset({"--reference"}))
        if "--reference" in values or not positional:
            return []
        # A mode that looks like an option (``chmod -w f``) only removes bits: skipping is fine.
        return [(positional[0], positional[0].value, positional[1:])]
    if program in ("mkdir", "install"):
        args = command.arguments
        out: list[tuple[Token, str, list[Token]]] = []
        for index, word in enumerate(args):
            value = word.value
            if value in ("-m", "--mode") and index + 1 < len(args):
                out.append((args[index + 1], args[index + 1].value, []))
            elif value.startswith("--mode="):
                out.append((word, value[len("--mode=") :], []))
            elif value.startswith("-m") and len(value) > 2 and not value.startswith("--"):
                out.append((word, value[2:], []))
        return out
    return []


def _removed_in_same_run(
    ctx: LintContext, ins: Instruction, after: ShellCommand, targets: list[Token]
) -> bool:
    if not targets:
        return False
    names = {t.value for t in targets}
    seen = False
    for command in ctx.commands(ins):
        if command is after:
            seen = True
            continue
        if seen and command.program == "rm":
            removed = {w.value for w in command.arguments}
            if names <= removed:
                return True
    return False


def _world_writable(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        if ctx.is_windows(stage):
            continue
        for ins in stage.instructions:
            target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger else ins
            if target.keyword in ("COPY", "ADD"):
                flag = target.flag("chmod")
                if flag is None or flag.value is None or flag.value_span is None:
                    continue
                mode = ctx.resolve(target, flag.value)
                if mode is not None and _mode_is_world_writable(mode):
                    yield Violation(
                        flag.value_span,
                        f"--chmod={mode} makes the copied files writable by every user; "
                        "drop the write bit for others (e.g. 755 or 644)",
                    )
                continue
            if target.keyword != "RUN":
                continue
            for command in ctx.commands(target, "chmod", "mkdir", "install"):
                for word, raw_mode, targets in _mode_arguments(command):
                    mode = ctx.resolve(target, raw_mode) if "$" in raw_mode else raw_mode
                    if mode is None or not _mode_is_world_writable(mode):
                        continue
                    if _removed_in_same_run(ctx, target, command, targets):
                        continue  # a scratch directory that does not outlive the RUN
                    yield Violation(
                        word.span,
                        f"Mode '{mode}' makes the path writable by every user in the "
                        "container, so any process can replace code or data there; grant "
                        "write access to the owning user or group instead (e.g. 755, 775)",
                    )


# -- LW205 sudo ------------------------------------------------------------------------


def _last_user_before(ctx: LintContext, ins: Instruction) -> Instruction | None:
    """The USER instruction in effect at ``ins`` (stage chain included)."""
    stage = ctx.doc.stage_of(ins)
    if stage is None:
        return None
    for member in ctx.stage_chain(stage):
        for other in reversed(member.instructions):
            if other.span.start < ins.span.start and other.keyword == "USER":
                return other
    return None


def _sudo_word(command: ShellCommand) -> int | None:
    end = command.program_at if command.program_at is not None else len(command.words) - 1
    for index in range(0, end + 1):
        if command.words[index].value.rsplit("/", 1)[-1] == "sudo":
            return index
    return None


def _builds_as_root(ctx: LintContext, ins: Instruction) -> bool:
    user = _last_user_before(ctx, ins)
    if user is None:
        stage = ctx.doc.stage_of(ins)
        image = ctx.info(stage).image if stage is not None else None
        return image is not None and image.is_official
    name = user.args.split(":", 1)[0].strip().strip("\"'")
    resolved = ctx.resolve(user, name)
    return resolved is not None and resolved.lower() in _ROOT


def _sudo(ctx: LintContext) -> Iterator[Violation]:
    for _, ins in run_targets(ctx):
        if "sudo" not in ctx.text[ins.span.start : ins.span.end]:
            continue  # most RUNs: nothing to look for
        for command in ctx.commands(ins):
            index = _sudo_word(command)
            if index is None:
                continue
            word = command.words[index]
            fix = None
            nxt = command.words[index + 1] if index + 1 < len(command.words) else None
            if (
                nxt is not None
                and command.program_at == index + 1
                and not ctx.text[word.span.end : nxt.span.start].strip(" \t")
                and _builds_as_root(ctx, ins)
            ):
                fix = Fix(
                    "Remove sudo (unsafe)", (Edit(word.span.start, nxt.span.start, ""),), safe=False
                )
            yield Violation(
                word.span,
                "sudo in a RUN: build steps already run as the current USER, and sudo needs a "
                "setuid binary and a sudoers entry in the image; switch with USER root for "
                "the steps that need it (or use gosu/su-exec at runtime)",
                fix,
            )


RULES = (
    Rule(
        code="LW201",
        name="missing-user",
        summary="The final stage never switches to a non-root USER",
        severity=Severity.WARNING,
        category="user",
        check=_missing_user,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW202",
        name="root-user",
        summary="The final stage's last USER is root",
        severity=Severity.WARNING,
        category="user",
        check=_root_user,
        aliases=("DL3002",),
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW203",
        name="copy-without-chown",
        summary="Copied files are re-owned by a later recursive chown instead of COPY --chown",
        severity=Severity.WARNING,
        category="user",
        check=_copy_without_chown,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW204",
        name="world-writable",
        summary="chmod or --chmod makes files writable by every user",
        severity=Severity.WARNING,
        category="user",
        check=_world_writable,
    ),
    Rule(
        code="LW205",
        name="sudo-in-run",
        summary="sudo used in a RUN instruction",
        severity=Severity.WARNING,
        category="user",
        check=_sudo,
        aliases=("DL3004",),
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
)
