"""Shared test configuration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def corpus_dir() -> Path | None:
    """The shared corpus of real Dockerfiles, or ``None`` when LAYERWISE_NO_CORPUS=1."""
    if os.environ.get("LAYERWISE_NO_CORPUS") == "1":
        return None
    configured = os.environ.get("LAYERWISE_CORPUS")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"


@pytest.fixture
def fake_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home folder (and XDG_CONFIG_HOME inside it): no user-level config leaks in."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home
