"""Shared test configuration.

The corpus tests read real-world Dockerfiles kept outside the project (their licences
vary): ``../shared/corpus/dev`` next to the checkout, or ``$LAYERWISE_CORPUS``. Where that
folder does not exist (a fresh clone), they are skipped with the reason shown by ``-rs``;
``LAYERWISE_REQUIRE_CORPUS=1`` (set by ``.ci/run``) makes a missing corpus a failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

#: Register the marker of the tests that install the package (pipx, uvx, pre-commit,
#: the GitHub Action): they take a minute or so and may download from PyPI, but they are
#: part of the default run.
SLOW_MARKER = "slow: installs the package into a fresh environment (pip/pipx/uvx/pre-commit)"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", SLOW_MARKER)


def corpus_location() -> Path:
    """Where the corpus is expected (it may not exist)."""
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


def corpus_files() -> list[Path]:
    """The corpus files, or ``[]`` when the corpus is missing (for parametrisation)."""
    root = corpus_location()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def corpus_dir() -> Path:
    """The corpus folder; call it inside a test.

    Skips the test when the corpus is missing, or fails it when LAYERWISE_REQUIRE_CORPUS=1.
    """
    root = corpus_location()
    if root.is_dir() and any(p.is_file() for p in root.rglob("*")):
        return root
    reason = (
        f"the shared corpus of real Dockerfiles is not at {root} "
        "(point LAYERWISE_CORPUS at a copy to run the corpus tests)"
    )
    missing("LAYERWISE_REQUIRE_CORPUS", reason)


@pytest.fixture
def corpus() -> Path:
    return corpus_dir()


def missing(require_var: str, reason: str) -> NoReturn:
    """A prerequisite outside the project is missing (the corpus, a locale, Neovim).

    The test is skipped with ``reason`` on a developer's machine, so the README's test
    command passes on a fresh clone; with ``require_var=1`` (set by .ci/run) it fails.
    """
    if os.environ.get(require_var) == "1":
        pytest.fail(f"{require_var}=1: {reason}", pytrace=False)
    pytest.skip(reason)
