"""A raw JSON-RPC client for ``layerwise serve``: bytes in, strictly checked frames out.

Unlike pytest-lsp's client it can send anything (bad JSON, wrong lengths, invalid
parameters) and it checks that every byte the server writes to stdout is a
well-formed ``Content-Length`` frame holding a JSON-RPC 2.0 message; anything else
is collected in :attr:`RawServer.garbage`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SERVER = [sys.executable, "-m", "layerwise", "serve"]

Message = dict[str, Any]


def frame(body: bytes | str) -> bytes:
    data = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


def _valid(message: object) -> bool:
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return False
    if "method" in message:
        return isinstance(message["method"], str)
    return "id" in message and (("result" in message) != ("error" in message))


class RawServer:
    def __init__(self, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.proc = subprocess.Popen(
            SERVER,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            cwd=cwd,
            env={**os.environ, **(env or {})},
        )
        self.messages: list[Message] = []
        #: Arrival time (time.monotonic) of each message in ``messages``.
        self.times: list[float] = []
        #: Anything on stdout that is not a valid frame with a JSON-RPC message.
        self.garbage: list[str] = []
        self._cond = threading.Condition()
        self._ids = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- reading ------------------------------------------------------------------
    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        while True:
            length = None
            while True:
                line = stdout.readline()
                if not line:
                    self._eof()
                    return
                if line == b"\r\n":
                    break
                name, sep, value = line.decode("ascii", "replace").partition(":")
                if not sep or not line.endswith(b"\r\n"):
                    self._bad(f"bad header line {line[:80]!r}")
                elif name.lower() == "content-length" and value.strip().isdigit():
                    length = int(value.strip())
                elif name.lower() != "content-type":
                    self._bad(f"unexpected header {line[:80]!r}")
            if length is None:
                self._bad("frame without Content-Length")
                continue
            body = stdout.read(length)
            try:
                message = json.loads(body)
            except ValueError:
                self._bad(f"body is not JSON: {body[:80]!r}")
                continue
            if not _valid(message):
                self._bad(f"not a JSON-RPC message: {body[:80]!r}")
                continue
            with self._cond:
                self.messages.append(message)
                self.times.append(time.monotonic())
                self._cond.notify_all()

    def _bad(self, what: str) -> None:
        with self._cond:
            self.garbage.append(what)
            self._cond.notify_all()

    def _eof(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def wait_for(self, match: Callable[[Message], bool], timeout: float = 30) -> Message:
        """The first message (already received or arriving) that ``match`` accepts."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in self.messages:
                    if match(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    raise TimeoutError(
                        f"no matching message; stderr:\n{self.stderr_text()[-3000:]}"
                    )
                self._cond.wait(min(left, 0.5))

    def response(self, msg_id: int, timeout: float = 30) -> Message:
        return self.wait_for(lambda m: m.get("id") == msg_id and "method" not in m, timeout)

    def diagnostics(
        self, uri: str, version: int | None = None, timeout: float = 30, complete: bool = True
    ) -> list[Message]:
        """The diagnostics published for ``uri`` (at ``version``); ``complete``: skip a
        partial publication (one with the 'still running' note)."""

        def match(m: Message) -> bool:
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            params = m["params"]
            if params["uri"] != uri or (version is not None and params.get("version") != version):
                return False
            return not complete or not any(
                "still running" in d["message"] for d in params["diagnostics"]
            )

        return list(self.wait_for(match, timeout)["params"]["diagnostics"])

    def stderr_text(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    # -- writing ------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: Message) -> None:
        self.send_raw(frame(json.dumps(message)))

    def request(self, method: str, params: Any = None) -> int:
        self._ids += 1
        message: Message = {"jsonrpc": "2.0", "id": self._ids, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self._ids

    def call(self, method: str, params: Any = None, timeout: float = 30) -> Message:
        return self.response(self.request(method, params), timeout)

    def notify(self, method: str, params: Any = None) -> None:
        message: Message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    # -- sessions -----------------------------------------------------------------
    def initialize(self, root: Path | None = None, pull: bool = False) -> Message:
        text_document: dict[str, Any] = {"publishDiagnostics": {"versionSupport": True}}
        if pull:
            text_document["diagnostic"] = {}
        params: dict[str, Any] = {
            "processId": None,
            "rootUri": root.as_uri() if root else None,
            "capabilities": {"textDocument": text_document},
        }
        if root is not None:
            params["workspaceFolders"] = [{"uri": root.as_uri(), "name": "ws"}]
        reply = self.call("initialize", params)
        self.notify("initialized", {})
        return reply

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "dockerfile",
                    "version": version,
                    "text": text,
                }
            },
        )

    def change(self, uri: str, version: int, changes: list[Message]) -> None:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes},
        )

    def close(self, timeout: float = 10) -> int:
        """Shut down politely (if still running); the exit status."""
        if self.proc.poll() is None:
            try:
                self.call("shutdown", timeout=timeout)
                self.notify("exit")
            except (OSError, TimeoutError):
                self.proc.kill()
        try:
            return self.proc.wait(timeout)
        finally:
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()
            self.stderr.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def rss_kib(self) -> int:
        """The server's resident memory (VmRSS, KiB) from /proc."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")
