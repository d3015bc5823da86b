"""LW0xx: the file must parse the way BuildKit parses it."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..rule import Rule, Severity, Violation


def _syntax_errors(ctx: LintContext) -> Iterator[Violation]:
    for issue in ctx.doc.errors:
        yield Violation(issue.span, issue.message)


RULES = (
    Rule(
        code="LW001",
        name="syntax-error",
        summary="The Dockerfile does not parse as BuildKit would parse it",
        severity=Severity.ERROR,
        category="syntax",
        check=_syntax_errors,
    ),
)
