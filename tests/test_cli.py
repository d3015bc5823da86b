"""The command line: discovery, output formats, exit codes, fix and diff."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from layerwise.cli import is_dockerfile_name, main

# No user-level configuration from the machine running the tests.
pytestmark = pytest.mark.usefixtures("fake_home")

BAD = "FROM ubuntu\nADD . /app\nUSER nobody\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Dockerfile", True),
        ("api.Dockerfile", True),
        ("Dockerfile.prod", True),
        ("Containerfile", True),
        ("Containerfile.prod", True),
        ("Dockerfile.dockerignore", False),
        ("README.md", False),
        ("dockerfile-notes.txt", False),
    ],
)
def test_dockerfile_names(name: str, expected: bool) -> None:
    assert is_dockerfile_name(name) is expected


def test_text_output_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Dockerfile").write_text(BAD)
    code, out, _ = run(["check", str(tmp_path / "Dockerfile")], capsys)
    assert code == 1
    lines = out.splitlines()
    assert f"{tmp_path / 'Dockerfile'}:1:6: warning LW101 " in lines[0]
    add = next(line for line in lines if " LW701 " in line)
    assert add.startswith(f"{tmp_path / 'Dockerfile'}:2:1: warning LW701 ")
    assert add.endswith(" [*]")
    assert not lines[0].endswith("[*]")


def test_directory_discovery(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "api.Dockerfile").write_text("FROM ubuntu\n")
    (tmp_path / "Containerfile.prod").write_text("FROM alpine:latest\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "Dockerfile").write_text("FROM ubuntu\n")
    (tmp_path / "notes.txt").write_text("FROM ubuntu\n")
    code, out, _ = run(["check", "-q", "--select", "LW1", str(tmp_path)], capsys)
    assert code == 1
    paths = {line.split(":")[0] for line in out.splitlines()}
    assert paths == {str(tmp_path / "svc" / "api.Dockerfile"), str(tmp_path / "Containerfile.prod")}


def test_json_output_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text('FROM debian:12\nLABEL x="😀"\nADD a.txt /a.txt\nUSER nobody\n')
    code, out, _ = run(["check", "--format", "json", str(path)], capsys)
    assert code == 1
    records = json.loads(out)
    add = next(r for r in records if r["code"] == "LW701")
    assert add["path"] == str(path)
    assert add["name"] == "add-instead-of-copy"
    assert add["aliases"] == ["DL3020"]
    assert add["severity"] == "warning"
    assert add["range"] == {
        "start": {"line": 2, "character": 0},
        "end": {"line": 2, "character": 3},
    }
    assert add["fix"]["title"] == "Replace ADD with COPY"
    assert add["fix"]["edits"] == [{"range": add["range"], "newText": "COPY"}]
    assert all(
        set(r) >= {"path", "code", "name", "aliases", "severity", "message", "range", "fix"}
        for r in records
    )


def test_json_lists_alternative_fixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN pip install flask\n")
    _, out, _ = run(["check", "--format", "json", "--select", "LW630", str(path)], capsys)
    (record,) = json.loads(out)
    assert record["fix"]["title"] == "Add --no-cache-dir"
    (mount,) = record["alternatives"]
    assert mount["safe"] is True
    assert mount["edits"] == [
        {
            "range": {"start": {"line": 2, "character": 3}, "end": {"line": 2, "character": 3}},
            "newText": " --mount=type=cache,target=/root/.cache/pip",
        }
    ]


def test_json_ranges_are_utf16(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nARG X=😀 API_TOKEN\nUSER nobody\n")
    _, out, _ = run(["check", "--format", "json", "--select", "LW301", str(path)], capsys)
    (record,) = json.loads(out)
    # "ARG X=😀 " is 8 code points but 9 UTF-16 units.
    assert record["range"]["start"] == {"line": 1, "character": 9}


def test_select_ignore_and_fail_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(BAD)
    code, out, _ = run(["check", "-q", "--select", "DL3020", str(path)], capsys)
    assert code == 1 and {line.split()[2] for line in out.splitlines()} == {"LW701"}
    code, out, _ = run(["check", "--ignore", "LW7,LW101,LW401", str(path)], capsys)
    assert "LW701" not in out and "LW101" not in out
    code, _, _ = run(["check", "--select", "LW601", str(path)], capsys)
    assert code == 0
    code, _, _ = run(["check", "--fail-level", "error", str(path)], capsys)
    assert code == 0  # only warnings


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", str(tmp_path / "missing")], capsys)
    assert code == 2 and "no such file or directory" in err
    code, _, err = run(["check", "--select", "LW999X", str(tmp_path)], capsys)
    assert code == 2 and "unknown rule selector 'LW999X'" in err
    code, _, _ = run(["check", "--format", "xml"], capsys)
    assert code == 2


def test_stdin_with_filename(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(BAD))
    (tmp_path / ".git").mkdir()
    code, out, _ = run(["check", "-", "--stdin-filename", str(tmp_path / "Dockerfile")], capsys)
    assert code == 1
    assert out.splitlines()[0].startswith(f"{tmp_path / 'Dockerfile'}:1:6:")
    assert "LW401" in out  # .dockerignore looked up beside the given name


def test_fix_in_place_keeps_crlf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM debian:12\r\nMAINTAINER me\r\nADD a /a\r\nUSER nobody\r\n")
    code, _, err = run(["fix", str(path)], capsys)
    assert code == 0
    assert path.read_bytes() == (
        b'FROM debian:12\r\nLABEL org.opencontainers.image.authors="me"\r\nCOPY a /a\r\nUSER nobody\r\n'
    )
    assert "Fixed 2 problems in 1 file (0 remaining)." in err


def test_fix_diff_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(BAD)
    code, out, _ = run(["fix", "--diff", str(path)], capsys)
    assert code == 1
    assert path.read_text() == BAD
    assert "-ADD . /app" in out and "+COPY . /app" in out


def test_unsafe_fixes_only_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text('FROM node:20-slim\nCMD ["node", "a.js"]\n')
    run(["fix", str(path)], capsys)
    assert "USER" not in path.read_text()
    run(["fix", "--unsafe-fixes", str(path)], capsys)
    assert path.read_text() == 'FROM node:20-slim\nUSER node\nCMD ["node", "a.js"]\n'


def test_check_fix_reports_what_is_left(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(BAD)
    code, out, _ = run(["check", "--fix", str(path)], capsys)
    assert "COPY . /app" in path.read_text()
    assert "LW701" not in out and "LW101" in out
    assert code == 1


def test_rules_listing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules", "--format", "json"], capsys)
    assert code == 0
    rules = {r["code"]: r for r in json.loads(out)}
    assert rules["LW701"]["aliases"] == ["DL3020"] and rules["LW701"]["fixable"] is True
    code, out, _ = run(["rules"], capsys)
    assert any(line.split()[:4] == ["LW601", "info", "on", "safe"] for line in out.splitlines())


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(BAD)
    proc = subprocess.run(
        [sys.executable, "-m", "layerwise", "check", "--select", "LW701", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "LW701" in proc.stdout


def test_target_makes_that_stage_the_final_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(
        'FROM node:20-slim AS worker\nCMD ["node", "worker.js"]\nFROM node:20-slim AS prod\nUSER node\nCMD ["node", "a.js"]\n'
    )
    code, out, _ = run(["check", "-q", "--select", "LW201", str(path)], capsys)
    assert code == 0 and out == ""
    code, out, _ = run(["check", "--select", "LW201", "--target", "worker", str(path)], capsys)
    assert code == 1 and f"{path}:1:1: warning LW201" in out


def test_unsafe_fix_creates_and_completes_dockerignore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    path = tmp_path / "Dockerfile"
    path.write_text('FROM node:20-slim\nCOPY . /app\nUSER node\nCMD ["node", "/app/a.js"]\n')
    code, out, _ = run(["fix", "--diff", "--unsafe-fixes", "--select", "LW401", str(path)], capsys)
    assert code == 1 and "+node_modules" in out and not (tmp_path / ".dockerignore").exists()
    run(["fix", "--select", "LW401", str(path)], capsys)
    assert not (tmp_path / ".dockerignore").exists()  # unsafe: not without the flag
    run(["fix", "--unsafe-fixes", "--select", "LW401", str(path)], capsys)
    created = (tmp_path / ".dockerignore").read_text()
    assert ".git\n" in created and ".env\n" in created and "node_modules\n" in created
    (tmp_path / ".dockerignore").write_text("node_modules")
    run(["fix", "--unsafe-fixes", "--select", "LW402", str(path)], capsys)
    assert (tmp_path / ".dockerignore").read_text() == "node_modules\n.git\n.env*\n.npmrc\n"
    code, out, _ = run(["check", "-q", "--select", "LW401,LW402", str(path)], capsys)
    assert code == 0 and out == ""
