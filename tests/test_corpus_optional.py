"""A fresh clone has no shared corpus: its tests are skipped with a reason, not failed,
unless LAYERWISE_REQUIRE_CORPUS=1 (CI) asks for the corpus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_corpus_test(tmp_path: Path, require: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAYERWISE_")}
    env["LAYERWISE_CORPUS"] = str(tmp_path / "no-corpus-here")
    if require is not None:
        env["LAYERWISE_REQUIRE_CORPUS"] = require
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "tests/test_corpus.py::test_corpus_is_present",
            "tests/test_oracle.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_missing_corpus_is_a_visible_skip(tmp_path: Path) -> None:
    proc = _run_corpus_test(tmp_path, require=None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # -rs comes from addopts in pyproject.toml: every skip is listed with its reason.
    skips = [line for line in proc.stdout.splitlines() if line.startswith("SKIPPED")]
    assert any("tests/test_corpus.py" in line for line in skips), proc.stdout
    assert any("tests/test_oracle.py" in line for line in skips), proc.stdout
    assert all(str(tmp_path / "no-corpus-here") in line for line in skips), proc.stdout
    assert "failed" not in proc.stdout.splitlines()[-1]


def test_required_corpus_missing_is_a_failure(tmp_path: Path) -> None:
    proc = _run_corpus_test(tmp_path, require="1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "LAYERWISE_REQUIRE_CORPUS=1" in proc.stdout
    # The corpus fixture fails, so pytest reports the test as an error at setup.
    assert "ERROR tests/test_corpus.py::test_corpus_is_present" in proc.stdout
    assert "ERROR tests/test_oracle.py::test_agrees_with_dockerfile_parse" in proc.stdout
    assert "SKIPPED" not in proc.stdout
