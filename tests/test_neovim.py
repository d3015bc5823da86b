"""End to end in a real editor: headless Neovim runs tests/nvim/e2e.lua against `layerwise serve`.

The Lua script starts the server with Neovim's own LSP client (the 0.7 API, which later
versions still have), opens a Dockerfile, waits for layerwise's diagnostics, requests code
actions, applies two fixes through ``vim.lsp.util.apply_workspace_edit`` and writes what it
saw as JSON. Neovim is a required test dependency: CI installs it (Debian package ``neovim``,
0.7.2 on Debian 12). Set LAYERWISE_TEST_NVIM to run them with another Neovim binary.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import missing
from lsp_support import code_points

SCRIPT = Path(__file__).resolve().parent / "nvim" / "e2e.lua"
SERVER = [sys.executable, "-m", "layerwise", "serve"]
WAIT_MS = 20_000  # each wait inside Neovim
RUN_TIMEOUT = 120  # the whole Neovim run

DOCKERFILE = (
    "FROM node:20-slim\n"
    "WORKDIR /app\n"
    "ADD . /app\n"
    # "é" is 2 UTF-8 bytes, "😀" 4 bytes / 2 UTF-16 units: API_TOKEN starts at code point 23,
    # UTF-16 unit 24, byte 27. Neovim and the server must agree on the encoding.
    'ENV GREETING="héllo 😀" API_TOKEN=changeme\n'
    'CMD ["node", "server.js"]\n'
)
IGNORE = "node_modules\n.git\n.env*\n.npmrc\n"
AFTER_COPY = DOCKERFILE.replace("ADD . /app", "COPY . /app")
AFTER_USER = AFTER_COPY.replace("COPY . /app\n", "COPY . /app\nUSER node\n")

# The rules this test is about. Other rules may report on the same file as layerwise grows;
# the test checks those only through the comparison with `layerwise check` below.
FOCUS = {"LW201", "LW701", "LW301"}
# (code, start line, start column, end line, end column), 0-based, sorted by position; columns
# in UTF-8 bytes, as vim.diagnostic stores them (LSP columns depend on the negotiated encoding).
OPENED = [
    ("LW201", 0, 0, 0, 17),  # FROM node:20-slim
    ("LW701", 2, 0, 2, 3),  # ADD
    ("LW301", 3, 27, 3, 36),  # API_TOKEN
]
FIXED_ADD = [("LW201", 0, 0, 0, 17), ("LW301", 3, 27, 3, 36)]
FIXED_USER = [("LW301", 4, 27, 4, 36)]  # moved down one line by the inserted USER


def _nvim() -> str:
    # LAYERWISE_TEST_NVIM picks another Neovim binary (e.g. a newer release) for these tests.
    nvim = shutil.which(os.environ.get("LAYERWISE_TEST_NVIM") or "nvim")
    if nvim is None:
        missing(
            "LAYERWISE_REQUIRE_NVIM",
            "nvim is not on PATH: the Neovim end-to-end tests need it. Install Neovim "
            "(Debian/Ubuntu: `apt-get install -y neovim`); .ci/run installs it in CI.",
        )
    return nvim


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(none)"
    return text[-limit:] if text else "(empty)"


def run_nvim(
    tmp_path: Path,
    dockerfile: str = DOCKERFILE,
    files: dict[str, str] | None = None,
    **options: str,
) -> dict[str, Any]:
    """Run e2e.lua in a headless Neovim isolated from the user's config; return its results.

    ``files`` are written beside the Dockerfile (default: a complete .dockerignore);
    ``options`` become LAYERWISE_E2E_<NAME> environment variables (see e2e.lua).
    """
    nvim = _nvim()
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    if files is None:
        # Keeps LW401/LW402 (whole context copied, no or incomplete .dockerignore) away.
        files = {".dockerignore": IGNORE}
    for name, text in files.items():
        (workspace / name).write_text(text, encoding="utf-8")
    out = tmp_path / "result.json"
    home = tmp_path / "home"
    env = dict(os.environ)
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        env[f"XDG_{name}_HOME"] = str(home / name.lower())
    env.pop("NVIM", None)  # do not talk to a parent Neovim when run from its :terminal
    env.pop("NVIM_LISTEN_ADDRESS", None)
    env.update(
        {
            "LAYERWISE_E2E_SCRIPT": str(SCRIPT),
            "LAYERWISE_E2E_CMD": json.dumps(SERVER),
            "LAYERWISE_E2E_ROOT": str(workspace),
            "LAYERWISE_E2E_FILE": str(workspace / "Dockerfile"),
            "LAYERWISE_E2E_OUT": str(out),
            "LAYERWISE_E2E_TIMEOUT_MS": str(WAIT_MS),
        }
    )
    env.update({f"LAYERWISE_E2E_{k.upper()}": v for k, v in options.items()})
    lsp_log = home / "cache" / "nvim" / "lsp.log"
    command = [
        nvim,
        "--headless",
        "--clean",  # no user config or plugins
        "-n",  # no swap file
        "-i",
        "NONE",  # no shada
        "-c",
        "lua dofile(os.getenv('LAYERWISE_E2E_SCRIPT'))",
        # Only reached if the script failed to load (it ends with :qa! otherwise).
        "-c",
        "cquit 3",
    ]
    env["LAYERWISE_E2E_SPAWN_NS"] = str(time.monotonic_ns())
    proc = subprocess.Popen(
        command,
        cwd=workspace,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=RUN_TIMEOUT)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # nvim and the server it started
        stdout, stderr = proc.communicate()
        timed_out = True
    if timed_out:
        pytest.fail(
            f"headless Neovim did not finish within {RUN_TIMEOUT} s\n"
            f"stdout:\n{stdout}\nstderr:\n{stderr}\nLSP log ({lsp_log}):\n{_tail(lsp_log)}",
            pytrace=False,
        )

    if out.exists():
        # Neovim >= 0.11 keeps lsp.log under stdpath("state"): use the path it reports.
        with contextlib.suppress(ValueError):
            lsp_log = Path(json.loads(out.read_text(encoding="utf-8")).get("lsp_log") or lsp_log)

    def context() -> str:
        return (
            f"nvim exit code: {proc.returncode}\nstdout:\n{stdout}\nstderr:\n{stderr}\n"
            f"LSP log ({lsp_log}):\n{_tail(lsp_log)}"
        )

    if not out.exists():
        pytest.fail(f"e2e.lua wrote no results to {out}\n{context()}", pytrace=False)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    if result.get("error"):
        pytest.fail(
            f"e2e.lua failed: {result['error']}\n:messages:\n{result.get('messages')}\n"
            f"steps so far:\n{json.dumps(result.get('steps'), indent=1)}\n{context()}",
            pytrace=False,
        )
    if proc.returncode != 0:
        pytest.fail(f"nvim exited with {proc.returncode}\n{context()}", pytrace=False)
    result["workspace"] = str(workspace)
    return result


def _positions(step: dict[str, Any]) -> list[tuple[str, int, int, int, int]]:
    """The FOCUS diagnostics as Neovim stores them (vim.diagnostic.get, byte columns)."""
    return [
        (d["code"], d["lnum"], d["col"], d["end_lnum"], d["end_col"])
        for d in step["diagnostics"]
        if d["code"] in FOCUS
    ]


def _byte_column(text: str, line: int, column: int, encoding: str) -> int:
    """An LSP column in ``encoding`` on ``line`` of ``text``, as a UTF-8 byte offset."""
    content = text.split("\n")[line]
    return len(content[: code_points(content, column, encoding)].encode("utf-8"))


def _ranges_in_bytes(
    text: str, diagnostics: list[dict[str, Any]], encoding: str, codes: set[str] | None
) -> list[tuple[str, int, int, int, int]]:
    found = []
    for d in diagnostics:
        if codes is not None and d["code"] not in codes:
            continue
        start, end = d["range"]["start"], d["range"]["end"]
        found.append(
            (
                d["code"],
                start["line"],
                _byte_column(text, start["line"], start["character"], encoding),
                end["line"],
                _byte_column(text, end["line"], end["character"], encoding),
            )
        )
    return sorted(found, key=lambda f: (f[1], f[2], f[0]))


def _lsp_positions(
    step: dict[str, Any], encoding: str, codes: set[str] | None = FOCUS
) -> list[tuple[str, int, int, int, int]]:
    """The diagnostics as the server published them (only ``codes`` if given), byte columns."""
    return _ranges_in_bytes(step["text"], step["lsp_diagnostics"], encoding, codes)


def _cli_positions(workspace: str, text: str) -> list[tuple[str, int, int, int, int]]:
    """What `layerwise check` finds in ``text``: the server's copy must agree with the buffer."""
    proc = subprocess.run(
        [sys.executable, "-m", "layerwise", "check", "--format", "json", "--stdin-filename"]
        + [str(Path(workspace) / "Dockerfile"), "-"],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=workspace,
        timeout=60,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return _ranges_in_bytes(text, json.loads(proc.stdout), "utf-16", None)  # CLI: UTF-16


def _quickfixes(step: dict[str, Any], code: str) -> list[dict[str, Any]]:
    """The quick fixes offered for ``code`` at the requested range."""
    return [
        a for a in step["actions"] if a["kind"] == "quickfix" and a["diagnostic_codes"] == [code]
    ]


@pytest.mark.parametrize(
    "doc_changes, edit_shape",
    [("0", "changes"), ("1", "documentChanges")],
    ids=["changes", "documentChanges"],
)
def test_neovim_diagnostics_and_quick_fixes(tmp_path: Path, doc_changes: str, edit_shape: str):
    result = run_nvim(tmp_path, doc_changes=doc_changes)
    encoding = result["offset_encoding"]
    if result["nvim_version"].startswith("0.7."):
        assert encoding == "utf-16"  # 0.7 does not negotiate (later versions prefer UTF-8)
    assert encoding in ("utf-8", "utf-16", "utf-32")
    assert result["server_info"]["name"] == "layerwise"
    assert result["show_messages"] == []
    opened, after_add, after_user = result["steps"]

    # Opening: layerwise's diagnostics, at exact positions, as published and as stored.
    assert opened["label"] == "open"
    assert opened["text"] == DOCKERFILE
    assert _lsp_positions(opened, encoding) == OPENED
    assert _positions(opened) == OPENED
    secret = next(d for d in opened["lsp_diagnostics"] if d["code"] == "LW301")
    expected_column = {"utf-8": 27, "utf-16": 24, "utf-32": 23}[encoding]
    assert secret["range"]["start"] == {"line": 3, "character": expected_column}
    assert {d["source"] for d in opened["diagnostics"]} == {"layerwise"}

    # Quick fixes offered at ADD: the safe fix first and preferred, then the ignore action.
    add_fixes = _quickfixes(opened, "LW701")
    assert [a["title"] for a in add_fixes] == [
        "Replace ADD with COPY",
        "Ignore LW701 for this instruction",
    ]
    assert add_fixes[0]["isPreferred"] is True
    assert add_fixes[0]["diagnostic_codes"] == ["LW701"]
    assert {a["edit"] for a in opened["actions"]} == {edit_shape}

    # After applying it, Neovim sent didChange and the server re-published for that version.
    assert after_add["text"] == AFTER_COPY
    assert _lsp_positions(after_add, encoding) == FIXED_ADD
    assert _positions(after_add) == FIXED_ADD
    assert after_add["version"] > opened["version"]

    user_fixes = _quickfixes(after_add, "LW201")
    assert [a["title"] for a in user_fixes] == [
        "Run as non-root user 'node' (unsafe)",
        "Ignore LW201 for this instruction",
    ]
    assert user_fixes[0]["isPreferred"] is False
    assert user_fixes[0]["diagnostic_codes"] == ["LW201"]
    assert {a["edit"] for a in after_add["actions"]} == {edit_shape}

    assert after_user["text"] == AFTER_USER
    assert _lsp_positions(after_user, encoding) == FIXED_USER
    assert _positions(after_user) == FIXED_USER
    assert after_user["version"] > after_add["version"]

    # The server's incrementally synced copy matches the buffer at every step.
    for step in (opened, after_add, after_user):
        published = _lsp_positions(step, encoding, codes=None)
        assert _cli_positions(result["workspace"], step["text"]) == published, step["label"]
    assert result["client_stopped"] is True


def test_neovim_settings_reach_the_server(tmp_path: Path):
    """Neovim 0.7 does not advertise workspace/configuration: settings must be pushed."""
    result = run_nvim(
        tmp_path,
        mode="open",
        settings_via="push",
        settings="{ layerwise = { ignore = { 'LW301' }, severity = { LW701 = 'error' } } }",
    )
    assert result["show_messages"] == []
    (opened,) = result["steps"]
    assert _lsp_positions(opened, result["offset_encoding"]) == [
        c for c in OPENED if c[0] != "LW301"
    ]
    severities = {d["code"]: d["severity"] for d in opened["diagnostics"] if d["code"] in FOCUS}
    assert severities == {"LW201": 2, "LW701": 1}  # vim.diagnostic.severity: ERROR=1, WARN=2


def test_neovim_empty_settings_table_is_accepted(tmp_path: Path):
    """Neovim encodes an empty Lua table as a JSON array: `severity = {}` arrives as []."""
    result = run_nvim(
        tmp_path,
        mode="open",
        settings_via="push",
        settings="{ layerwise = { ignore = { 'LW301' }, severity = {} } }",
    )
    assert result["show_messages"] == []
    (opened,) = result["steps"]
    assert [c[0] for c in _lsp_positions(opened, result["offset_encoding"])] == ["LW201", "LW701"]


FEATURES = (
    "ARG NODE_VERSION=20\n"
    "FROM node:${NODE_VERSION}-slim AS build\n"
    "WORKDIR /src\n"
    "COPY package.json ./\n"
    "RUN npm install \\\n"
    "  && npm run build\n"
    "\n"
    "FROM nginx:1.27-alpine AS web\n"
    "COPY --from=build /src/dist /usr/share/nginx/html\n"
)
RENAMED = FEATURES.replace("AS build", "AS builder").replace("--from=build", "--from=builder")
FORMATTED = RENAMED.replace("\n  && npm run build", "\n    && npm run build")


def test_neovim_hover_completion_symbols_rename_and_formatting(tmp_path: Path):
    result = run_nvim(tmp_path, dockerfile=FEATURES, mode="features")
    features = result["features"]

    assert "FROM" in features["hover_from"] and "build stage" in features["hover_from"]
    # Markdown: the heading names the variable (its _ escaped), then its value
    assert features["hover_variable"].startswith("**$NODE\\_VERSION**")
    assert "Value: `20`" in features["hover_variable"]

    symbols = [(s["name"], s["children"]) for s in features["symbols"]]
    assert [name for name, _ in symbols] == ["global ARGs", "build", "web"]
    assert dict(symbols)["build"] == 3 and dict(symbols)["web"] == 1  # their instructions

    assert {"--from", "--chown", "--chmod", "--link"} <= set(features["completion_flags"])
    assert features["completion_stages"] == ["build"]
    assert features["text_after_completion"] == FEATURES  # the typed line is gone again

    assert features["text_after_rename"] == RENAMED
    assert features["formatting_edits"] >= 1
    assert features["text_after_format"] == FORMATTED
    assert result["show_messages"] == []


def test_neovim_without_watchers_a_save_relints_after_a_new_dockerignore(tmp_path: Path):
    """Neovim 0.7 cannot register file watchers: saving the Dockerfile re-lints it."""
    text = 'FROM node:20-slim\nCOPY . /app\nUSER node\nCMD ["node", "/app/a.js"]\n'
    result = run_nvim(
        tmp_path,
        dockerfile=text,
        files={"package.json": "{}\n"},
        mode="disk",
        create=str(tmp_path / "ws" / ".dockerignore"),
    )
    opened, written = result["steps"]
    assert "LW401" in {d["code"] for d in opened["diagnostics"]}
    assert "LW401" not in {d["code"] for d in written["diagnostics"]}
    assert written["text"] == text
    if result["nvim_version"].startswith("0.7."):
        assert not result["registrations"]  # it does not offer dynamic registration
