"""Document text with LSP-conformant line indexing and position conversion.

All positions inside layerwise are code-point offsets into the document string.
Lines end only at ``\\n``, ``\\r\\n`` or ``\\r`` (the LSP definition), unlike
``str.splitlines`` which also breaks on form feeds and Unicode separators.
Conversion to and from editor positions happens here and nowhere else.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Literal

Encoding = Literal["utf-8", "utf-16", "utf-32"]
ENCODINGS: tuple[Encoding, ...] = ("utf-8", "utf-16", "utf-32")

_EOL = re.compile(r"\r\n|\r|\n")


def _units(text: str, encoding: Encoding) -> int:
    """Number of code units ``text`` takes in ``encoding``."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-16":
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


class SourceText:
    """Immutable text plus the offsets where each line starts."""

    __slots__ = ("text", "line_starts", "line_ends", "newline")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        ends = []
        newline = None
        for match in _EOL.finditer(text):
            ends.append(match.start())
            starts.append(match.end())
            if newline is None:
                newline = match.group()
        ends.append(len(text))
        self.line_starts: list[int] = starts
        #: Offset just before each line's terminator.
        self.line_ends: list[int] = ends
        #: The document's own line ending (the first one found), used by fixes.
        self.newline: str = newline or "\n"

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_start(self, line: int) -> int:
        return self.line_starts[line]

    def line_end(self, line: int) -> int:
        """Offset just before the line's terminator."""
        return self.line_ends[line]

    def line_text(self, line: int) -> str:
        return self.text[self.line_starts[line] : self.line_ends[line]]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset) - 1

    def position(self, offset: int) -> tuple[int, int]:
        """(line, code-point column) of an offset; offsets inside a CRLF clamp to line end."""
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        column = min(offset, self.line_ends[line]) - self.line_starts[line]
        return line, column

    def offset(self, line: int, column: int) -> int:
        """Offset of a (line, code-point column) position, clamped into the document."""
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[line]
        return min(start + max(column, 0), self.line_ends[line])

    def to_client(self, offset: int, encoding: Encoding = "utf-16") -> tuple[int, int]:
        """(line, character) in the client's position encoding."""
        line, column = self.position(offset)
        if encoding == "utf-32":
            return line, column
        start = self.line_starts[line]
        return line, _units(self.text[start : start + column], encoding)

    def from_client(self, line: int, character: int, encoding: Encoding = "utf-16") -> int:
        """Offset of a client position; characters past the line end clamp to it."""
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[line]
        end = self.line_ends[line]
        content = self.text[start:end]
        if encoding == "utf-32" or content.isascii():
            return start + min(max(character, 0), len(content))
        units = 0
        for index, ch in enumerate(content):
            if units >= character:
                return start + index
            if encoding == "utf-16":
                units += 2 if ord(ch) > 0xFFFF else 1
            else:
                units += len(ch.encode("utf-8", "surrogatepass"))
        return end
