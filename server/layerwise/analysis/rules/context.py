"""LW4xx: build context and .dockerignore (PRACTICES D)."""

from __future__ import annotations

from collections.abc import Iterator

from ...syntax.model import Instruction, Token
from ..context import LintContext
from ..rule import Rule, Severity, Violation

_WHOLE_CONTEXT = frozenset({".", "./", "./.", "*", "./*", ".//"})


def copy_sources(ins: Instruction) -> list[Token]:
    """Source arguments of a COPY/ADD (heredoc markers excluded)."""
    if ins.exec_args is not None:
        return list(ins.exec_args[:-1])
    markers = {h.marker.start for h in ins.heredocs}
    words = [w for w in ins.words if w.span.start not in markers]
    return words[:-1]


def whole_context_source(ins: Instruction) -> Token | None:
    """The source token that copies the whole build context, if any."""
    if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None:
        return None
    for token in copy_sources(ins):
        if token.value in _WHOLE_CONTEXT:
            return token
    return None


def _dockerignore_candidates(ctx: LintContext) -> tuple[str, ...]:
    assert ctx.path is not None
    # BuildKit also reads <Dockerfile name>.dockerignore next to the Dockerfile.
    return (".dockerignore", f"{ctx.path.name}.dockerignore")


def _no_dockerignore(ctx: LintContext) -> Iterator[Violation]:
    if ctx.path is None or ctx.project is None:
        return
    found: bool | None = None
    for ins in ctx.doc.instructions:
        token = whole_context_source(ins)
        if token is None:
            continue
        if found is None:
            found = (
                ctx.project.find_upward(ctx.path.parent, _dockerignore_candidates(ctx)) is not None
            )
        if found:
            return
        yield Violation(
            token.span,
            f"{ins.keyword} sends the whole build context but there is no .dockerignore: "
            ".git, .env, node_modules and local secrets end up in the image and bust the cache",
        )


RULES = (
    Rule(
        code="LW401",
        name="missing-dockerignore",
        summary="The whole build context is copied but no .dockerignore exists",
        severity=Severity.WARNING,
        category="context",
        check=_no_dockerignore,
    ),
)
