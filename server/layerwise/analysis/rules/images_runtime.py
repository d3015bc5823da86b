"""Rules module: images_runtime (see rules/README.md for the code scheme)."""

from __future__ import annotations

from ..rule import Rule

RULES: tuple[Rule, ...] = ()
