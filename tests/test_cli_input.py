"""Any bytes in, any locale, no traceback: the command line run as a real process.

The decoding policy (cli/inputs.py): files and stdin are read as bytes and decoded as
UTF-8, a BOM accepted; bytes that are not UTF-8 are kept as they are through fixes and
reported by LW006. Output never fails, whatever the terminal's encoding (cli/streams.py).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import missing

#: A Latin-1 comment, an unknown instruction whose name (and so whose message) is not
#: ASCII, a LABEL value in UTF-8, and two RUNs LW601 chains (a safe fix).
MIXED = (
    b"FROM alpine:3.20\n"
    b"# Maintainer: Jos\xe9\n"
    b"\xc3\x89CHO hello\n"
    b'LABEL description="caf\xc3\xa9 \xe2\x82\xac"\n'
    b"RUN echo one\n"
    b"RUN echo two\n"
)

#: Environments a CI runner or a terminal may give; each must work.
ENVIRONMENTS = {
    "LC_ALL=C": {"LC_ALL": "C"},
    "LANG=en_US.UTF-8": {"LANG": "en_US.UTF-8"},
    "PYTHONIOENCODING=utf-8:strict": {"PYTHONIOENCODING": "utf-8:strict"},
    "PYTHONIOENCODING=ascii:strict": {"PYTHONIOENCODING": "ascii:strict", "LC_ALL": "C"},
    "LC_ALL=en_US.UTF-8": {"LC_ALL": "en_US.UTF-8"},
}


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LC_") and key not in ("LANG", "LANGUAGE", "PYTHONIOENCODING")
    }
    env.pop("PYTHONUTF8", None)
    env.update(extra)
    return env


def layerwise(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "layerwise", *args],
        cwd=cwd,
        env=_env(env or {}),
        input=stdin,
        capture_output=True,
        timeout=120,
    )


def _no_traceback(proc: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
    assert b"Exception ignored" not in proc.stderr, proc.stderr.decode("utf-8", "replace")


def _installed_locales() -> set[str]:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {line.strip().lower().replace("utf-8", "utf8") for line in out.splitlines()}


def _require_locale(name: str) -> None:
    if name.lower().replace("utf-8", "utf8") in _installed_locales():
        return
    message = (
        f"the locale {name} is not installed (`locale -a`); generate it with "
        f"`localedef -i en_US -f UTF-8 {name}` (.ci/run does)"
    )
    missing("LAYERWISE_REQUIRE_LOCALE", message)


@pytest.mark.parametrize("label", list(ENVIRONMENTS))
def test_text_and_json_output_in_any_locale(tmp_path: Path, label: str) -> None:
    env = ENVIRONMENTS[label]
    if "LC_ALL" in env and env["LC_ALL"] != "C":
        _require_locale(env["LC_ALL"])
    (tmp_path / "Dockerfile").write_bytes(MIXED)
    proc = layerwise("check", "Dockerfile", cwd=tmp_path, env=env)
    _no_traceback(proc)
    assert proc.returncode == 1
    # ASCII-only output where the encoding is ASCII; the non-ASCII name escaped then.
    out = proc.stdout.decode("ascii" if "ascii" in label else "utf-8")
    assert "Dockerfile:2:18: warning LW006 bytes that are not UTF-8 (0xE9)" in out
    shown = "\\xc9CHO" if "ascii" in label else "\u00c9CHO"
    assert f"Dockerfile:3:1: error LW901 Unknown instruction '{shown}'" in out
    assert "Dockerfile:6:1: info LW601" in out

    proc = layerwise("check", "--format", "json", "Dockerfile", cwd=tmp_path, env=env)
    _no_traceback(proc)
    assert proc.returncode == 1
    records = json.loads(proc.stdout)
    by_code = {record["code"]: record for record in records}
    assert by_code["LW901"]["message"].startswith("Unknown instruction '\u00c9CHO'")
    assert by_code["LW006"]["range"]["start"] == {"line": 1, "character": 17}


def test_a_fix_keeps_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(MIXED)
    proc = layerwise("fix", "Dockerfile", cwd=tmp_path, env={"LC_ALL": "C"})
    _no_traceback(proc)
    assert proc.returncode == 0
    expected = MIXED.replace(b"RUN echo one\nRUN echo two\n", b"RUN echo one \\\n    && echo two\n")
    assert path.read_bytes() == expected


def test_a_file_of_random_bytes(tmp_path: Path) -> None:
    data = random.Random(20260101).randbytes(20000)
    path = tmp_path / "Dockerfile"
    path.write_bytes(data)
    for args in (
        ["check", "Dockerfile"],
        ["check", "--format", "json", "Dockerfile"],
        ["fix", "--diff", "--unsafe-fixes", "Dockerfile"],
    ):
        proc = layerwise(*args, cwd=tmp_path, env={"PYTHONIOENCODING": "utf-8:strict"})
        _no_traceback(proc)
        assert proc.returncode == 1 if args[0] == "check" else proc.returncode in (0, 1)
    proc = layerwise("check", "Dockerfile", cwd=tmp_path, env={"LC_ALL": "C"})
    out = proc.stdout.decode("utf-8")
    assert "LW006 bytes that are not UTF-8" in out
    # Control characters from the file reach the terminal escaped, never raw.
    assert not any(ord(ch) < 0x20 and ch != "\n" for ch in out)
    proc = layerwise("fix", "--unsafe-fixes", "Dockerfile", cwd=tmp_path)
    _no_traceback(proc)
    # Nothing in this file has a fix, and the file is left exactly as it was.
    assert proc.stderr.startswith(b"Nothing fixed (") and b"remaining)." in proc.stderr
    assert path.read_bytes() == data


def test_a_nul_byte_is_an_ordinary_character(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.20\nRUN printf 'a\x00b'\n")
    proc = layerwise("check", "-q", "Dockerfile", cwd=tmp_path)
    _no_traceback(proc)
    assert (proc.returncode, proc.stdout) == (0, b"")
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.20\n\x00RUN true\n")
    proc = layerwise("check", "-q", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 1
    assert b"LW901 Unknown instruction '\\x00RUN'" in proc.stdout


def test_utf16_is_reported_as_utf16(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes("FROM alpine:3.20\nRUN echo hi\n".encode("utf-16"))
    proc = layerwise("check", "-q", "--select", "LW006", "Dockerfile", cwd=tmp_path)
    _no_traceback(proc)
    assert proc.returncode == 1
    line = proc.stdout.decode("utf-8").splitlines()
    assert len(line) == 1 and line[0].startswith("Dockerfile:1:1: warning LW006 the file is UTF-16")


def test_a_utf8_bom_is_accepted_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"\xef\xbb\xbfFROM alpine:3.20\nRUN echo a\nRUN echo b\n")
    proc = layerwise("check", "-q", "Dockerfile", cwd=tmp_path)
    assert proc.stdout.decode().splitlines() == [
        "Dockerfile:3:1: info LW601 This RUN directly follows another; "
        "chaining them saves a layer [*]"
    ]
    layerwise("fix", "Dockerfile", cwd=tmp_path)
    assert path.read_bytes() == b"\xef\xbb\xbfFROM alpine:3.20\nRUN echo a \\\n    && echo b\n"


def test_broken_pipe_keeps_the_exit_status(tmp_path: Path) -> None:
    # Far more output than a pipe buffer holds, so writes fail once the reader is gone.
    for index in range(300):
        (tmp_path / f"{index}.Dockerfile").write_text(
            "FROM alpine\nADD . /app\nRUN echo a\nRUN echo b\n", encoding="utf-8"
        )
    proc = subprocess.Popen(
        [sys.executable, "-m", "layerwise", "check", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env({}),
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as `| head -1` does
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 1
    assert b"warning LW101" in first
    assert err == b""


def test_broken_pipe_in_a_shell_pipeline(tmp_path: Path) -> None:
    for index in range(300):
        (tmp_path / f"{index}.Dockerfile").write_text("FROM alpine\n", encoding="utf-8")
    script = (
        f'"{sys.executable}" -m layerwise check . | head -1; echo "status=${{PIPESTATUS[0]}}" >&2'
    )
    proc = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=_env({}), capture_output=True, timeout=120
    )
    assert proc.stdout.count(b"\n") == 1
    assert proc.stderr == b"status=1\n"


def test_check_fix_stdin_writes_the_fixed_text(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.20\n")
    proc = layerwise(
        "check",
        "--fix",
        "-",
        "--stdin-filename",
        "Dockerfile",
        cwd=tmp_path,
        env={"PYTHONIOENCODING": "utf-8:strict"},
        stdin=MIXED,
    )
    _no_traceback(proc)
    # The fixed text on stdout, byte for byte; what is left to report on stderr.
    expected = MIXED.replace(b"RUN echo one\nRUN echo two\n", b"RUN echo one \\\n    && echo two\n")
    assert proc.stdout == expected
    assert b"Dockerfile:2:18: warning LW006" in proc.stderr
    assert b"LW601" not in proc.stderr
    assert proc.returncode == 1
    # --stdin-filename names the input; the file itself is left alone.
    assert (tmp_path / "Dockerfile").read_bytes() == b"FROM alpine:3.20\n"


def test_fix_stdin_with_filename_leaves_the_file_alone(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.20\n")
    proc = layerwise("fix", "-", "--stdin-filename", "Dockerfile", cwd=tmp_path, stdin=MIXED)
    _no_traceback(proc)
    assert proc.stdout.endswith(b"RUN echo one \\\n    && echo two\n")
    assert (tmp_path / "Dockerfile").read_bytes() == b"FROM alpine:3.20\n"


def test_unknown_target_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.20 AS build\nFROM alpine:3.20 AS runtime\n", encoding="utf-8"
    )
    proc = layerwise("check", "--target", "tests", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.decode() == (
        "layerwise: error: Dockerfile: --target tests: no such stage; "
        "its stages are build, runtime\n"
    )
    proc = layerwise("check", "--target", "Build", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Dockerfile:1:1: error LW001 the Dockerfile is empty"),
        (b"# only\n# comments\n", "Dockerfile:1:1: error LW001 the Dockerfile has no instructions"),
    ],
)
def test_empty_and_comment_only_files_are_errors(
    tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "Dockerfile").write_bytes(content)
    proc = layerwise("check", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 1
    assert message in proc.stdout.decode().splitlines()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_special_files_are_refused_not_read(tmp_path: Path, kind: str) -> None:
    # A FIFO with no writer would block the read forever, /dev/zero never ends.
    if kind == "fifo":
        target = tmp_path / "pipe.Dockerfile"
        os.mkfifo(target)
        expected = "a named pipe, not a Dockerfile"
    else:
        target = Path("/dev/zero")
        expected = "a device, not a Dockerfile"
    proc = subprocess.run(
        [sys.executable, "-m", "layerwise", "check", str(target)],
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert expected in proc.stderr.decode()


def test_a_newline_in_a_file_name_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "two\nlines.Dockerfile").write_text("FROM alpine\n")
    for args in (["--show-files"], ["-q", "--select", "LW101"]):
        proc = layerwise("check", *args, ".", cwd=tmp_path)
        (line,) = proc.stdout.decode().splitlines()
        assert line.startswith("two\\x0alines.Dockerfile")
