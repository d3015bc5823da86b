"""Shared test configuration."""

from __future__ import annotations

import os
from pathlib import Path


def corpus_dir() -> Path | None:
    """The shared corpus of real Dockerfiles, or ``None`` when LAYERWISE_NO_CORPUS=1."""
    if os.environ.get("LAYERWISE_NO_CORPUS") == "1":
        return None
    configured = os.environ.get("LAYERWISE_CORPUS")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
