"""LW950-LW952: the last of hadolint's checks worth having, with their DL aliases."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ....syntax.model import Instruction, Stage, Token
from ....syntax.shell import ShellCommand
from ... import stages
from ...context import LintContext
from ...paths import copy_sources
from ...rule import Rule, Severity, Violation
from ...walk import all_instructions

_VARIABLE = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)")


def _holds_only_files(ctx: LintContext, ins: Instruction) -> bool:
    """What ``COPY --from`` names holds only files: a scratch stage or image of binaries,
    or a stage ``FROM name-${VAR}`` whose possible stages (the earlier stages the
    pattern matches) all hold only files."""
    origin = stages.copy_from(ctx, ins)
    if stages.files_only(ctx, origin):
        return True
    if not isinstance(origin, Stage):
        return False
    chain = ctx.stage_chain(origin)
    if any(other.keyword == "RUN" for stage in chain for other in stage.instructions):
        return False
    root = chain[-1]
    if ctx.info(root).resolved_base is not None or root.base is None:
        return False
    parts = _VARIABLE.split(root.base.value.lower())
    pattern = re.compile(".*".join(re.escape(part) for part in parts) + "$")
    candidates = [s for s in ctx.doc.stages[: root.index] if s.name and pattern.match(s.name)]
    return bool(candidates) and all(stages.files_only(ctx, c) for c in candidates)


def _copy_whole_filesystem(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        flag = ins.flag("from")
        if ins.keyword != "COPY" or flag is None:
            continue
        # Only a copy over the root (`/` to `/`): the stage becomes that filesystem. A root
        # copied into a directory (`/ /rootfs`, `/ /opt/bats`) places a tree on purpose.
        origin = stages.whole_rootfs(ctx, ins)
        if origin is None or isinstance(origin, str) or _holds_only_files(ctx, ins):
            continue  # a scratch stage or image of binaries: copying its root is its use
        what = "stage" if isinstance(origin, Stage) else "image"
        for source in copy_sources(ins):
            yield Violation(
                source.span,
                f"COPY --from={flag.value} {source.value} copies that {what}'s whole filesystem "
                "over this one (package databases, caches, shells and all); copy the paths "
                "you need",
            )


def _non_numeric_user(ctx: LintContext) -> Iterator[Violation]:
    stage = ctx.final_stage
    if stage is None or ctx.is_windows(stage):
        return
    users = [ins for ins in stage.instructions if ins.keyword == "USER"]
    if not users:
        return
    last = users[-1]
    user = ctx.resolve(last, last.args.split(":", 1)[0].strip())
    if user is None or not user or user.isdigit():
        return
    yield Violation(
        last.args_span,
        f"USER {user} is a name: Kubernetes' runAsNonRoot cannot verify a name without the "
        "image's /etc/passwd, and rejects the pod; use the numeric uid (and gid)",
    )


# Build flags of go install / go get that take a value as the next word (``-tags netgo``).
_GO_VALUE_FLAGS = frozenset(
    {"-C", "-p", "-o", "-asmflags", "-buildmode", "-buildvcs", "-compiler", "-gccgoflags",
     "-gcflags", "-installsuffix", "-ldflags", "-mod", "-modfile", "-overlay", "-pgo", "-pkgdir",
     "-tags", "-toolexec", "-covermode", "-coverpkg", "-exec"}
)  # fmt: skip
# Version queries that resolve to whatever is newest when the image is built: the
# module queries ``latest``/``upgrade``/``patch`` and the usual branch names.
_MOVING = frozenset({"latest", "upgrade", "patch", "master", "main", "HEAD", "head"})


def _go_packages(command: ShellCommand) -> tuple[str | None, list[Token]]:
    """(``install`` or ``get``, the package words after it) for a go command."""
    words = command.arguments
    verb: str | None = None
    packages: list[Token] = []
    index = 0
    while index < len(words):
        value = words[index].value
        index += 1
        if value.startswith("-"):
            name = "-" + value.lstrip("-")
            if name in _GO_VALUE_FLAGS and "=" not in value:
                index += 1
            continue
        if verb is None:
            if value not in ("install", "get", "run"):
                return None, []
            verb = value
        elif verb == "run" and packages:
            break  # the rest are the program's own arguments
        else:
            packages.append(words[index - 1])
    return verb, packages


def _copies_go_mod(ctx: LintContext, ins: Instruction) -> bool:
    """A COPY before ``ins`` in its stage chain brings a go.mod (or the whole context)."""
    stage = ctx.doc.stage_of(ins)
    if stage is None:
        return False
    for member in ctx.stage_chain(stage):
        for other in member.instructions:
            if other.span.start >= ins.span.start or other.keyword not in ("COPY", "ADD"):
                continue
            if any(
                s.value.rstrip("/").rsplit("/", 1)[-1] in ("go.mod", ".", "*")
                for s in copy_sources(other)
            ):
                return True
    return False


def _go_install_unpinned(ctx: LintContext) -> Iterator[Violation]:
    for ins in all_instructions(ctx):
        for command in ctx.commands(ins, "go"):
            verb, packages = _go_packages(command)
            for package in packages:
                value = ctx.resolve(ins, package.value)
                if value is None or value.startswith((".", "/")):
                    continue
                path, at, version = value.partition("@")
                if "." not in path.split("/", 1)[0]:
                    continue  # std, cmd/go, the ``tool`` and ``all`` patterns: no download
                if at and version not in _MOVING:
                    continue
                if not at and verb in ("install", "run"):
                    # Module mode (Go 1.16+): without a version go install/run build what
                    # go.mod requires, or refuse outside a module.
                    if _copies_go_mod(ctx, ins):
                        continue
                    yield Violation(
                        package.span,
                        f"go {verb} {value} without @version: with no go.mod in the working "
                        "directory Go 1.16+ refuses it, and older Go fetches whatever is "
                        f"newest; pin it, e.g. {path}@v1.2.3",
                    )
                    continue
                if at:
                    message = (
                        f"go {verb} {value} fetches whatever @{version} points to at build "
                        "time, so each build may get different code; pin a release or a commit, e.g. "
                        f"{path}@v1.2.3"
                    )
                else:
                    message = (
                        f"go {verb} {value} without @version fetches whatever is newest at "
                        "build time; pin a release or a commit, e.g. @v1.2.3"
                    )
                yield Violation(package.span, message)


RULES = (
    Rule("LW950", "copy-whole-filesystem", "COPY --from a stage's whole filesystem", Severity.WARNING,
         "correctness", _copy_whole_filesystem, aliases=("DL3067",)),
    Rule("LW951", "non-numeric-user", "The final USER is a name rather than a numeric uid", Severity.INFO,
         "user", _non_numeric_user, aliases=("DL3066",), default_enabled=False),
    Rule("LW952", "go-install-unpinned", "go install or go get without a pinned @version", Severity.INFO,
         "layers", _go_install_unpinned, aliases=("DL3062",), default_enabled=False),
)  # fmt: skip
