"""What a "fix all" would do, from the findings already computed (no new lint)."""

from __future__ import annotations

from collections.abc import Iterable

from ..analysis.rule import Finding


def fixable_count(findings: Iterable[Finding], unsafe: bool = False) -> int:
    """Findings whose own fix "fix all" applies: the safe ones, and the unsafe ones
    too when the configuration allows unsafe fixes."""
    return sum(1 for f in findings if f.fix is not None and (f.fix.safe or unsafe))


def fix_all_title(count: int) -> str:
    return f"Fix {count} problem{'' if count == 1 else 's'}"
