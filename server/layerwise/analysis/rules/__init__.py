"""The rule registry: every rule, as data, in code order.

Codes are grouped by the sections of PRACTICES.md (see rules/README.md):
LW0xx syntax, LW1xx base image, LW2xx user, LW3xx secrets, LW4xx build context,
LW5xx cache order, LW6xx layers and package managers, LW7xx remote content,
LW8xx runtime, LW9xx correctness.
"""

from __future__ import annotations

from ..rule import Rule
from . import (
    base_image,
    build_context,
    cache_order,
    correctness,
    packages,
    remote,
    runtime,
    secrets,
    syntax,
    user,
)

ALL_RULES: tuple[Rule, ...] = tuple(
    sorted(
        (
            *syntax.RULES,
            *base_image.RULES,
            *user.RULES,
            *secrets.RULES,
            *build_context.RULES,
            *cache_order.RULES,
            *packages.RULES,
            *remote.RULES,
            *runtime.RULES,
            *correctness.RULES,
        ),
        key=lambda rule: rule.code,
    )
)


def rule_by_code(code: str) -> Rule | None:
    for rule in ALL_RULES:
        if rule.code == code.upper():
            return rule
    return None
