"""Formats for people: ``text`` (one line a finding), ``full`` (with the source lines and
the range underlined) and ``grouped`` (findings under each file name).

Lines and columns are 1-based; a column counts characters (code points), a tab being one.
Colour is decided by the caller (``RunFacts.color``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ...analysis import Finding, Severity
from ..report import Record, RuleCount, RunFacts, by_file, marker, start
from ..streams import display

TAB_WIDTH = 4
#: The code frame of a finding spanning more lines shows this many, then a ``...`` line.
MAX_FRAME_LINES = 6

_RESET = "\x1b[0m"
_BOLD = "1"
_DIM = "2"
_SEVERITY_COLORS = {
    Severity.ERROR: "1;31",
    Severity.WARNING: "1;33",
    Severity.INFO: "1;36",
    Severity.HINT: "2",
}
_MARK_COLOR = "36"
_GUTTER_COLOR = "34"


class Painter:
    """Wraps text in ANSI colour codes, or leaves it alone."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        if not self.enabled or not text:
            return text
        return f"\x1b[{code}m{text}{_RESET}"

    def severity(self, severity: Severity, text: str | None = None) -> str:
        return self(severity.value if text is None else text, _SEVERITY_COLORS[severity])


def _headline(paint: Painter, finding: Finding) -> str:
    """``severity CODE message [*]``"""
    mark = marker(finding)
    return (
        f"{paint.severity(finding.severity)} {paint(finding.rule.code, _BOLD)} "
        f"{display(finding.message)}" + (f" {paint(mark, _MARK_COLOR)}" if mark else "")
    )


def _location(paint: Painter, record: Record) -> str:
    pos = start(record)
    return f"{paint(display(record.path), _BOLD)}:{pos.line}:{pos.column}:"


def text(records: Sequence[Record], facts: RunFacts) -> str:
    """``path:line:col: severity CODE message [*]``, one line a finding."""
    paint = Painter(facts.color)
    return "".join(f"{_location(paint, r)} {_headline(paint, r.finding)}\n" for r in records)


def grouped(records: Sequence[Record], facts: RunFacts) -> str:
    """Each file's name, then its findings indented, ``line:col  severity  CODE  message``."""
    paint = Painter(facts.color)
    blocks = []
    for path, group in by_file(records, facts).items():
        if not group:
            continue
        places = [f"{p.line}:{p.column}" for p in map(start, group)]
        place_width = max(map(len, places))
        severity_width = max(len(r.finding.severity.value) for r in group)
        code_width = max(len(r.finding.rule.code) for r in group)
        lines = [paint(display(path), _BOLD) + ":"]
        for place, record in zip(places, group, strict=True):
            finding = record.finding
            mark = marker(finding)
            lines.append(
                f"  {place.ljust(place_width)}  "
                + paint.severity(finding.severity, finding.severity.value.ljust(severity_width))
                + f"  {paint(finding.rule.code.ljust(code_width), _BOLD)}  {display(finding.message)}"
                + (f" {paint(mark, _MARK_COLOR)}" if mark else "")
            )
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def full(records: Sequence[Record], facts: RunFacts) -> str:
    """As ``text``, each finding followed by its source lines with the range underlined."""
    paint = Painter(facts.color)
    blocks = []
    for record in records:
        finding = record.finding
        lines = [f"{_location(paint, record)} {_headline(paint, finding)}"]
        frame, gutter = code_frame(record, paint)
        lines.extend(frame)
        if finding.fix is not None:
            how = "fix" if finding.fix.safe else "unsafe fix (--unsafe-fixes)"
            lines.append(f"{gutter}{paint('=', _GUTTER_COLOR)} {how}: {finding.fix.title}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def code_frame(record: Record, paint: Painter) -> tuple[list[str], str]:
    """The lines the finding covers, each with a line of carets under its part of the
    range; and the blank gutter that lines up with them.

    Tabs are expanded to the next multiple of ``TAB_WIDTH`` and wide characters take two
    cells, in the shown line and its carets alike, so the carets stay under the range.
    """
    source, span = record.source, record.finding.span
    first = source.position(span.start)[0]
    end_line, end_column = source.position(span.end)
    # A range that ends at the very start of a line does not cover that line.
    last = end_line - 1 if end_line > first and end_column == 0 else end_line
    shown = list(range(first, last + 1))
    cut = len(shown) > MAX_FRAME_LINES
    if cut:
        shown = shown[: MAX_FRAME_LINES - 1]
    width = max(len(str(last + 1)), 3)
    gutter = " " * (width + 3)
    bar = paint("|", _GUTTER_COLOR)
    out = []
    for line in shown:
        content = source.line_text(line)
        line_start = source.line_start(line)
        lo = min(span.start - line_start, len(content)) if line == first else 0
        hi = min(span.end - line_start, len(content)) if line == end_line else len(content)
        hi = max(hi, lo)
        cells, shown_text = _expand(content)
        begin, stop = cells[lo], cells[hi]
        carets = "^" * max(stop - begin, 1 if line == first else 0)
        number = paint(str(line + 1).rjust(width), _GUTTER_COLOR)
        out.append(f"  {number} {bar} {shown_text}".rstrip())
        if carets:
            underline = " " * begin + paint.severity(record.finding.severity, carets)
            out.append(f"{gutter}{bar} {underline}")
    if cut:
        out.append(f"{gutter}{bar} ...")
    return out, gutter


def _expand(content: str) -> tuple[list[int], str]:
    """(display cell where each character starts, plus one entry for the end; the line
    as shown: tabs expanded, control characters made visible)."""
    cells = [0]
    shown = []
    column = 0
    for ch in content:
        if ch == "\t":
            step = TAB_WIDTH - column % TAB_WIDTH
            shown.append(" " * step)
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            step = 1
            shown.append("\ufffd")
        elif unicodedata.combining(ch):
            step = 0
            shown.append(ch)
        else:
            step = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
            shown.append(ch)
        column += step
        cells.append(column)
    return cells, "".join(shown)


def statistics(rows: Sequence[RuleCount], facts: RunFacts) -> str:
    """``count  CODE  name  [*]`` per rule, most frequent first."""
    if not rows:
        return ""
    paint = Painter(facts.color)
    count_width = max(len(str(row.total)) for row in rows)
    name_width = max(len(row.name) for row in rows)
    lines = []
    for row in rows:
        mark = "[*]" if row.safe else "[~]" if row.unsafe else ""
        lines.append(
            f"{str(row.total).rjust(count_width)}  {paint(row.code, _BOLD)}  "
            f"{row.name.ljust(name_width)}  {paint(mark, _MARK_COLOR)}".rstrip()
        )
    return "\n".join(lines) + "\n"
