"""Output that cannot fail: any terminal encoding, a reader that goes away early.

- stdout and stderr keep the encoding Python chose (locale or ``PYTHONIOENCODING``) but
  write what it cannot encode as backslash escapes instead of raising;
- text meant for a terminal shows control characters and undecodable bytes as ``\\xNN``
  (:func:`display`), so a Dockerfile cannot send escape sequences to the terminal;
- when the reader of a pipe exits (``layerwise check | head -1``), the rest of the output
  is dropped without a message, and the command still ends with the exit status of its
  findings;
- fixed Dockerfile text goes to stdout as the exact bytes (:func:`write_document`).
"""

from __future__ import annotations

import codecs
import io
import os
import re
import sys
from typing import Any, TextIO, cast

from .inputs import encode

_UNSAFE = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\udc80-\\udcff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00 if code >= 0xDC00 else code:02x}"


def display(text: str) -> str:
    """``text`` for a terminal line: control characters and raw bytes as ``\\xNN``."""
    return _UNSAFE.sub(_escape, text)


class _DropWhenClosed(io.RawIOBase):
    """Writes to a file descriptor until its reader has gone (EPIPE), then drops the rest."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd
        self.reader_gone = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        size = len(memoryview(data))
        if self.reader_gone:
            return size
        try:
            return os.write(self._fd, data)
        except BrokenPipeError:
            self.reader_gone = True
            return size


def _protected(stream: TextIO) -> TextIO | None:
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    stream.flush()
    return io.TextIOWrapper(
        io.BufferedWriter(cast(Any, _DropWhenClosed(fd))),
        encoding=stream.encoding,
        errors="backslashreplace",
        # stderr is line-buffered, as Python's own is; stdout only on a terminal.
        line_buffering=stream is sys.__stderr__ or getattr(stream, "line_buffering", False),
    )


def protect_std_streams() -> None:
    """Make the process's own stdout and stderr unable to fail (see the module doc).

    Streams put in place by a caller (pytest's capture, an embedding program) are left
    alone apart from the error handler.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            continue
        if stream is getattr(sys, f"__{name}__"):
            replacement = _protected(stream)
            if replacement is not None:
                setattr(sys, name, replacement)
                continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def json_ascii_only(stream: TextIO) -> bool:
    """JSON for ``stream`` must escape non-ASCII: its encoding is not UTF-8."""
    try:
        return codecs.lookup(stream.encoding or "ascii").name != "utf-8"
    except LookupError:
        return True


def write_document(text: str) -> None:
    """Dockerfile text on stdout, as the bytes it was read from (see inputs.py)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text stream put in place of stdout
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(encode(text))
    buffer.flush()
