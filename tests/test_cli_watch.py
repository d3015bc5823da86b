"""``layerwise check --watch`` re-checks when files change, in a real process."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from layerwise.cli import main

WATCHING = "Watching for file changes"


class Lines:
    """The lines a process prints, read on a thread so waits can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=lambda: [self.queue.put(x) for x in stdout], daemon=True).start()

    def until(
        self, fragment: str, timeout: float = 60.0, poke: Callable[[], None] | None = None
    ) -> list[str]:
        """The lines up to and including the first one containing ``fragment``.

        ``poke`` is called every two seconds while waiting: the watcher may start
        watching only after it said so, and an edit made before that is not seen.
        """
        got: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            if poke is not None:
                poke()
            try:
                line = self.queue.get(timeout=2.0 if poke is not None else timeout)
            except queue.Empty:
                if poke is not None and time.monotonic() < deadline:
                    continue
                raise AssertionError(f"no {fragment!r} after {self.seen + got}") from None
            got.append(line)
            if fragment in line:
                self.seen += got
                return got


def replace(path: Path, text: str) -> None:
    """Write ``path`` in one step, as editors save: the watcher never sees it half written."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def test_watch_rechecks_after_an_edit_and_stops_on_interrupt(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text('FROM alpine:3.20\nUSER nobody\nCMD ["true"]\n')
    env = dict(os.environ, WATCHFILES_FORCE_POLLING="true", NO_COLOR="1", PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "layerwise", "check", "--watch", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = Lines(process)
        first = lines.until(WATCHING)
        assert any("All checks passed (1 file)" in line for line in first)

        edited = 'FROM alpine:3.20\nADD app.py /opt/\nUSER nobody\nCMD ["true"]\n'
        announced = lines.until("checking again", poke=lambda: replace(dockerfile, edited))
        assert "] Dockerfile changed; checking again." in announced[-1]
        second = lines.until(WATCHING)
        assert any(f"{dockerfile}:2:1:" in line and "LW" in line for line in second), second

        # A new Dockerfile in the watched folder is found by the next run.
        (tmp_path / "sub").mkdir()
        replace(tmp_path / "sub" / "Containerfile", "FROM alpine\n")
        lines.until("checking again")
        third = lines.until(WATCHING)
        assert any(str(tmp_path / "sub" / "Containerfile") in line for line in third), third

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 1  # the last run had findings
        assert "Traceback" not in (process.stderr.read() if process.stderr else "")
    finally:
        if process.poll() is None:
            process.kill()


def test_watch_refuses_stdin_and_missing_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--watch", "-"]) == 2
    assert "--watch cannot read standard input" in capsys.readouterr().err
    assert main(["check", "--watch", str(tmp_path / "nope")]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    assert main(["check", "--watch", "--show-files", str(tmp_path)]) == 2
    assert "cannot be combined" in capsys.readouterr().err


def test_watch_without_the_watcher_says_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The copy of layerwise bundled in the VS Code extension leaves watchfiles out.
    monkeypatch.setitem(sys.modules, "watchfiles", None)
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    assert main(["check", "--watch", str(tmp_path)]) == 2
    assert "--watch needs the watchfiles package" in capsys.readouterr().err
