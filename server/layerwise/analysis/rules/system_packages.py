"""Rules module: system_packages (see rules/README.md for the code scheme)."""

from __future__ import annotations

from ..rule import Rule

RULES: tuple[Rule, ...] = ()
