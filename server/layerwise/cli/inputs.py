"""What the command line reads: files and stdin, with one decoding policy.

Every input is read as bytes and decoded as UTF-8, whatever the locale:

- a UTF-8 byte order mark is accepted (it stays in the text, so a fix writes it back, and
  the parser skips it);
- bytes that are not valid UTF-8 are kept as lone surrogates (Python's ``surrogateescape``
  handler), so a fix writes them back byte for byte; rule LW006 reports them, and a file
  that starts with a UTF-16 byte order mark is reported as UTF-16;
- NUL and other control characters are ordinary characters; the parser reports what
  BuildKit would not accept.
"""

from __future__ import annotations

import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..syntax.model import Dockerfile
from .discovery import UsageError

ENCODING = "utf-8"
ERRORS = "surrogateescape"


def decode(data: bytes) -> str:
    return data.decode(ENCODING, ERRORS)


def encode(text: str) -> bytes:
    """The bytes ``text`` was decoded from (or its UTF-8 encoding, for new text)."""
    return text.encode(ENCODING, ERRORS)


def read_text(path: Path) -> str:
    """The file's text. Only regular files are read: a FIFO would block until something
    writes to it and a device such as /dev/zero never ends, so they are refused (the
    mode is checked before opening, since opening a FIFO blocks too)."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise UsageError(
            f"{path}: {_kind(mode)}, not a Dockerfile; pass its text on stdin with '-'"
        )
    return decode(path.read_bytes())


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_stdin() -> str:
    buffer: BinaryIO | None = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream put in place of stdin (tests, embedding)
        return sys.stdin.read()
    return decode(buffer.read())


@dataclass(frozen=True)
class Input:
    #: Shown in findings: the path, ``--stdin-filename`` or ``-``.
    name: str
    text: str
    #: Where configuration and the build context are looked up (``None``: stdin without
    #: ``--stdin-filename``).
    path: Path | None
    #: Read from stdin: a fix goes to stdout, never to ``path``.
    stdin: bool = False


def iter_inputs(found: Sequence[str | Path], stdin_filename: str | None) -> Iterator[Input]:
    """The inputs discovery found (files, and ``-`` for stdin), read and decoded."""
    for item in found:
        if item == "-":
            path = Path(stdin_filename) if stdin_filename else None
            yield Input(stdin_filename or "-", read_stdin(), path, stdin=True)
            continue
        path = Path(item)
        try:
            text = read_text(path)
        except OSError as exc:
            raise UsageError(f"{path}: {exc.strerror or exc}") from exc
        yield Input(str(path), text, path)


def check_target(doc: Dockerfile, name: str, target: str) -> None:
    """``--target`` must name a stage of the file (``AS name``), as ``docker build``
    requires; like BuildKit, names are compared without regard to case."""
    if doc.stage_named(target) is not None:
        return
    names = [stage.name for stage in doc.stages if stage.name]
    known = (
        f"its stages are {', '.join(names)}"
        if names
        else "it has no named stage (FROM image AS name)"
    )
    raise UsageError(f"{name}: --target {target}: no such stage; {known}")
