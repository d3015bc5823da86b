"""LW2xx: running as non-root (PRACTICES B)."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from ...syntax.model import Instruction, Span, Stage
from ..context import LintContext
from ..edits import insert_lines_at_end, insert_lines_before, with_placeholders
from ..facts import ImageRef
from ..images import image_facts
from ..paths import copy_sources, copy_sources_dest
from ..rule import Fix, Related, Rule, Severity, Violation

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
        if not candidate.is_file():
            return None
        stat = candidate.stat()
        if stat.st_size > _SCRIPT_LIMIT:
            return None
        return _read_cached(str(candidate), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return None


@functools.lru_cache(maxsize=256)
def _read_cached(path: str, mtime_ns: int, size: int) -> str:
    """The file's text, cached while its modification time and size stay the same."""
    return Path(path).read_text("utf-8", "replace")


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


RULES = (
    Rule(
        code="LW201",
        name="missing-user",
        summary="The final stage never switches to a non-root USER",
        severity=Severity.WARNING,
        category="user",
        check=_missing_user,
        fixable=True,
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
    ),
)
