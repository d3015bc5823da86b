"""The rule registry: every rule, as data, in code order.

One module (a package for a large family) per code family, named as rules/README.md
names the families, the sections of PRACTICES.md:

- LW0xx syntax: ``syntax.py``
- LW1xx base image: ``base_image.py``
- LW2xx non-root user: ``user.py``
- LW3xx secrets: ``secrets.py``
- LW4xx build context: ``build_context.py``
- LW5xx layer cache order: ``cache_order.py``
- LW6xx layers and package managers: ``packages/``
- LW7xx remote content: ``remote.py``
- LW8xx runtime: ``runtime.py``
- LW9xx correctness: ``correctness/``

A rule's check, its fixes and its private helpers sit in its family's module. Helpers
several families share sit one level down, in the analysis layer (``paths.py``,
``walk.py``, ``commands.py``, ``entrypoint.py``, ``stages.py``, ``images.py``,
``purpose.py``, ``facts.py``, ``shellfacts.py``, ``edits.py``), not in one family's
module.
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
