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
    buildkit,
    cache,
    context,
    conventions,
    correctness,
    images_runtime,
    language_packages,
    packages,
    parity,
    remote,
    runtime,
    secrets,
    security,
    syntax,
    system_packages,
    user,
    validation,
)

ALL_RULES: tuple[Rule, ...] = tuple(
    sorted(
        (
            *syntax.RULES,
            *validation.RULES,
            *base_image.RULES,
            *user.RULES,
            *secrets.RULES,
            *context.RULES,
            *cache.RULES,
            *packages.RULES,
            *remote.RULES,
            *runtime.RULES,
            *correctness.RULES,
            *buildkit.RULES,
            *system_packages.RULES,
            *language_packages.RULES,
            *security.RULES,
            *images_runtime.RULES,
            *conventions.RULES,
            *parity.RULES,
        ),
        key=lambda rule: rule.code,
    )
)


def rule_by_code(code: str) -> Rule | None:
    for rule in ALL_RULES:
        if rule.code == code.upper():
            return rule
    return None
