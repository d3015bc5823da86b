"""The files read around a Dockerfile stay inside the project (CLI) or workspace
(server): symlinks and ``..`` paths that leave it are not followed; FIFOs, binary and
huge files are skipped; odd bytes never raise, whatever the locale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from layerwise.analysis.safefs import read_text
from raw_lsp import RawServer

IGNORE = ".git\n.env*\n.npmrc\n"
SCRIPT = '#!/bin/sh\nexec gosu app "$@"\n'
DOCKERFILE = (
    'FROM debian:bookworm\nCOPY . /app\nCOPY {source} /entry.sh\nENTRYPOINT ["/entry.sh"]\n'
)
#: A strict, non-UTF-8 locale: reads must not depend on it.
C_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``proj`` (a repository: the project root) next to ``outside``."""
    (tmp_path / "proj" / ".git").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "ignore").write_text(IGNORE)
    (tmp_path / "outside" / "entry.sh").write_text(SCRIPT)
    return tmp_path


def check(dockerfile: Path, timeout: float = 60) -> tuple[set[str], str]:
    """Rule codes the CLI reports, and its stderr (under the C locale)."""
    proc = subprocess.run(
        [sys.executable, "-m", "layerwise", "check", "--format", "json", str(dockerfile)],
        capture_output=True,
        timeout=timeout,
        env={**os.environ, **C_LOCALE},
        cwd=dockerfile.parent,
    )
    assert "Traceback" not in proc.stderr.decode("utf-8", "replace")
    findings = json.loads(proc.stdout)
    codes = {f.get("code") or f.get("rule") for f in findings}
    return codes, proc.stderr.decode("utf-8", "replace")


def write_dockerfile(tree: Path, source: str = "entry.sh") -> Path:
    path = tree / "proj" / "Dockerfile"
    path.write_text(DOCKERFILE.format(source=source))
    return path


def test_regular_files_inside_the_project_are_read(tree: Path) -> None:
    (tree / "proj" / ".dockerignore").write_text(IGNORE)
    (tree / "proj" / "entry.sh").write_text(SCRIPT)
    codes, _ = check(write_dockerfile(tree))
    assert "LW401" not in codes and "LW201" not in codes  # both files were read


def test_symlinks_out_of_the_project_are_not_followed(tree: Path) -> None:
    (tree / "proj" / ".dockerignore").symlink_to(tree / "outside" / "ignore")
    (tree / "proj" / "entry.sh").symlink_to(tree / "outside" / "entry.sh")
    codes, _ = check(write_dockerfile(tree))
    assert {"LW401", "LW201"} <= codes  # as if neither file existed


def test_dot_dot_paths_out_of_the_project_are_not_read(tree: Path) -> None:
    (tree / "proj" / ".dockerignore").write_text(IGNORE)
    codes, _ = check(write_dockerfile(tree, "../outside/entry.sh"))
    assert "LW201" in codes and "LW401" not in codes


def test_a_symlink_inside_the_project_is_followed(tree: Path) -> None:
    (tree / "proj" / "real-ignore").write_text(IGNORE)
    (tree / "proj" / ".dockerignore").symlink_to(tree / "proj" / "real-ignore")
    codes, _ = check(write_dockerfile(tree))
    assert "LW401" not in codes


def test_fifo_binary_and_huge_files_are_skipped(tree: Path) -> None:
    ignore = tree / "proj" / ".dockerignore"
    os.mkfifo(ignore)  # opening it would block forever
    codes, _ = check(write_dockerfile(tree), timeout=60)
    assert "LW401" in codes
    ignore.unlink()
    # Read, an ignore file without .git and friends gets LW402; skipped, it does not.
    ignore.write_text("node_modules\n")
    assert "LW402" in check(write_dockerfile(tree))[0]
    ignore.write_bytes(b"node_modules\n\0\x01\x02binary")
    assert not {"LW401", "LW402"} & check(write_dockerfile(tree))[0]
    ignore.write_text("node_modules\n" + "# padding\n" * 200_000)  # over 1 MB
    assert not {"LW401", "LW402"} & check(write_dockerfile(tree))[0]


def test_non_utf8_bytes_under_a_strict_locale(tree: Path) -> None:
    (tree / "proj" / ".dockerignore").write_bytes(b"# caf\xe9\n" + IGNORE.encode())
    (tree / "proj" / "entry.sh").write_bytes(b"#!/bin/sh\n# \xff\xfe\n" + SCRIPT.encode())
    codes, _ = check(write_dockerfile(tree))
    assert "LW401" not in codes and "LW201" not in codes
    (tree / "proj" / "layerwise.toml").write_bytes(b'ignore = ["LW201"]\n# \xe9\n')
    proc = subprocess.run(
        [sys.executable, "-m", "layerwise", "check", str(tree / "proj" / "Dockerfile")],
        capture_output=True,
        env={**os.environ, **C_LOCALE},
        timeout=60,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr
    assert "layerwise.toml" in stderr and "not UTF-8" in stderr


def test_read_text_helper(tree: Path) -> None:
    root = tree / "proj"
    (root / "a.txt").write_bytes(b"ok \xff")
    (root / "link").symlink_to(tree / "outside" / "ignore")
    assert read_text(root / "a.txt", root) == "ok \ufffd"
    assert read_text(root / "link", root) is None
    assert read_text(root / "link") == IGNORE  # no root: no boundary
    assert read_text(root / ".." / "outside" / "ignore", root) is None
    assert read_text(root / "a.txt", root, limit=3) is None
    assert read_text(root, root) is None  # a folder


# -- the language server ---------------------------------------------------------------


@pytest.fixture
def server(tree: Path) -> Iterator[RawServer]:
    raw = RawServer(env=C_LOCALE)
    raw.initialize(root=tree / "proj")
    yield raw
    raw.kill()
    assert raw.garbage == []


def test_server_does_not_follow_links_out_of_the_workspace(tree: Path, server: RawServer) -> None:
    (tree / "proj" / ".dockerignore").symlink_to(tree / "outside" / "ignore")
    dockerfile = write_dockerfile(tree, "../outside/entry.sh")
    uri = dockerfile.as_uri()
    server.open(uri, dockerfile.read_text())
    codes = {d["code"] for d in server.diagnostics(uri, 1)}
    assert {"LW401", "LW201"} <= codes
    # The same files inside the workspace are read.
    (tree / "proj" / ".dockerignore").unlink()
    (tree / "proj" / ".dockerignore").write_bytes(b"# \xe9\n" + IGNORE.encode())
    (tree / "proj" / "entry.sh").write_bytes(b"# \xff\n" + SCRIPT.encode())
    other = tree / "proj" / "sub" / "Dockerfile"
    other.parent.mkdir()
    other.write_text(DOCKERFILE.format(source="entry.sh"))
    (tree / "proj" / "sub" / "entry.sh").write_text(SCRIPT)
    server.open(other.as_uri(), other.read_text())
    codes = {d["code"] for d in server.diagnostics(other.as_uri(), 1)}
    assert "LW401" not in codes and "LW201" not in codes
    assert "Traceback" not in server.stderr_text()
