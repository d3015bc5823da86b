"""Where an instruction's pieces sit on the physical lines (shared by formatting and tokens).

The parser joins an instruction's lines into one logical line; editor features need the
opposite view: which lines hold content (a *segment* of the logical line, ending before
the continuation character), which are comment or blank lines skipped inside the
continuation, and where heredoc bodies start. The rules are the parser's: a line
continues when it ends with the escape character (optionally followed by spaces or
tabs) that is not itself escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..syntax.model import Dockerfile, Instruction

#: Spaces and tabs: the only whitespace editor features add, remove or re-indent.
BLANKS = " \t"
# The parser's whitespace (Go's unicode.IsSpace for the usual characters).
_WS = " \t\v\f\u0085\u00a0"


@lru_cache(maxsize=2)
def continuation_pattern(escape: str) -> re.Pattern[str]:
    esc = re.escape(escape)
    return re.compile(rf"(?<!{esc}){esc}[ \t]*$")


@dataclass(frozen=True, slots=True)
class Segment:
    """One physical line's share of the logical line."""

    line: int
    #: Source offset where the segment starts (the keyword on the first line, the line
    #: start on continuation lines).
    start: int
    #: Source offset where it ends: before the continuation character, or the line end.
    end: int
    #: Offset of the continuation character, ``None`` on the last content line.
    escape: int | None


@dataclass(frozen=True, slots=True)
class Layout:
    segments: tuple[Segment, ...]
    #: Comment lines inside the continuation.
    comment_lines: tuple[int, ...]
    #: Blank (or whitespace-only) lines inside the continuation.
    blank_lines: tuple[int, ...]

    @property
    def last_content_line(self) -> int:
        return self.segments[-1].line

    @property
    def multi_line(self) -> bool:
        return len(self.segments) > 1 or bool(self.comment_lines or self.blank_lines)


def line_content_start(doc: Dockerfile, line: int) -> int:
    """Start of a line's content (after a byte order mark on the first line)."""
    start = doc.source.line_starts[line]
    if line == 0 and doc.text.startswith("\ufeff"):
        return 1
    return start


def layout_of(doc: Dockerfile, ins: Instruction) -> Layout:
    """The physical layout of a top-level instruction (ONBUILD triggers share their
    parent's)."""
    text = doc.text
    source = doc.source
    continued = continuation_pattern(doc.escape).search
    segments: list[Segment] = []
    comments: list[int] = []
    blanks: list[int] = []
    line = ins.start_line
    start = ins.span.start
    count = source.line_count
    while True:
        end = source.line_ends[line]
        match = continued(text, start, end) if doc.escape in text[start:end] else None
        if match is None:
            segments.append(Segment(line, start, end, None))
            break
        segments.append(Segment(line, start, match.start(), match.start()))
        found = False
        while line + 1 < count:
            line += 1
            begin, finish = source.line_starts[line], source.line_ends[line]
            if begin == len(text):
                break  # the empty "line" after a final newline
            content = text[begin:finish].lstrip(_WS)
            if not content:
                blanks.append(line)
            elif content.startswith("#"):
                comments.append(line)
            else:
                found = True
                start = begin
                break
        if not found:
            break
    return Layout(tuple(segments), tuple(comments), tuple(blanks))
