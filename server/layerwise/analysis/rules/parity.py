"""LW95x: the last of hadolint's checks worth having, with their DL aliases."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..rule import Rule, Severity, Violation
from .context import copy_sources


def _copy_whole_filesystem(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        flag = ins.flag("from")
        if ins.keyword != "COPY" or flag is None:
            continue
        for source in copy_sources(ins):
            value = ctx.resolve(ins, source.value)
            if value is not None and value.rstrip("/.") == "":
                yield Violation(
                    source.span,
                    f"COPY --from={flag.value} {source.value} copies that stage's whole filesystem "
                    "(package databases, caches, shells and all); copy the paths you need",
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


def _go_install_unpinned(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        for command in ctx.commands(ins, "go"):
            args = [w for w in command.arguments if not w.value.startswith("-")]
            if not args or args[0].value not in ("install", "get"):
                continue
            verb = args[0].value
            for package in args[1:]:
                value = ctx.resolve(ins, package.value)
                if value is None or value.startswith((".", "/")) or "@" in value:
                    continue
                yield Violation(
                    package.span,
                    f"go {verb} {value} without @version fetches whatever is newest at build "
                    "time; pin it, e.g. @v1.2.3",
                )


RULES = (
    Rule("LW950", "copy-whole-filesystem", "COPY --from a stage's whole filesystem", Severity.WARNING,
         "correctness", _copy_whole_filesystem, aliases=("DL3067",)),
    Rule("LW951", "non-numeric-user", "The final USER is a name rather than a numeric uid", Severity.INFO,
         "user", _non_numeric_user, aliases=("DL3066",), default_enabled=False),
    Rule("LW952", "go-install-unpinned", "go install or go get without a pinned @version", Severity.INFO,
         "layers", _go_install_unpinned, aliases=("DL3062",), default_enabled=False),
)  # fmt: skip
