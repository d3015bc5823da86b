"""Formatting: a small, meaning-preserving layout pass over a Dockerfile.

What changes:

- instruction keywords in one case (and ``AS`` in FROM, ``CMD``/``NONE`` after
  HEALTHCHECK), upper case unless the setting keeps them or asks for lower case;
- one space between the keyword, the flags and the arguments on an instruction's first
  line, and no indentation before the keyword;
- continuation lines: the first indented one level (the editor's tab size, spaces or a
  tab), the following ones keeping their indentation relative to it, one space before
  the continuation character; where the operators (``&&``, ``||``) stand is kept;
- trailing spaces and tabs removed; runs of blank lines between instructions cut to
  one; blank lines at the end of the file removed.

What never changes: heredoc bodies and terminators, comment text, line endings (each
line keeps its own), whitespace inside quotes, exec-form JSON strings, a word split
across a continuation, the value of ``ENV key value`` / USER / WORKDIR /
STOPSIGNAL / MAINTAINER, and the inside of shell-form commands on Windows stages whose
shell is ``cmd`` (where spacing can be part of the output). Whitespace is only ever
collapsed to one space or re-indented where it separates two words, so BuildKit parses
the result into the same instructions, flags, arguments and heredocs.

The result is a list of small edits (each run of whitespace, each keyword), not a
replacement of the whole document, so editors keep cursors and undo steps.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from ..analysis.engine import apply_edits
from ..analysis.facts import stage_infos
from ..analysis.rule import Edit
from ..syntax.model import Dockerfile, Instruction, Span
from ..syntax.parser import KNOWN_INSTRUCTIONS, SHELL_INSTRUCTIONS, parse, split_words
from .layout import BLANKS, Layout, layout_of, line_content_start

KeywordCase = Literal["upper", "lower", "keep"]
KEYWORD_CASES: tuple[KeywordCase, ...] = ("upper", "lower", "keep")

_ONE_STRING = frozenset({"USER", "WORKDIR", "STOPSIGNAL", "MAINTAINER"})
_BLANK_RUN = re.compile(r"[ \t]+")


@dataclass(frozen=True, slots=True)
class FormatOptions:
    """How to format; the first two come from the editor's request."""

    tab_size: int = 4
    insert_spaces: bool = True
    keyword_case: KeywordCase = "upper"
    #: ``False``: instructions written over several lines are left exactly as they are.
    multi_line: bool = True
    #: Add a line ending at the end of the file when it has none.
    insert_final_newline: bool = False

    @property
    def indent(self) -> str:
        return " " * self.tab_size if self.insert_spaces else "\t"

    def pad(self, width: int) -> str:
        """``width`` columns of extra indentation in the configured style."""
        if self.insert_spaces:
            return " " * width
        tabs, spaces = divmod(width, self.tab_size)
        return "\t" * tabs + " " * spaces


def format_edits(doc: Dockerfile, options: FormatOptions | None = None) -> list[Edit]:
    """The edits that format the whole document, sorted and non-overlapping."""
    return [edit for edit, _ in _Formatter(doc, options or FormatOptions()).run()]


def format_range_edits(
    doc: Dockerfile, start: int, end: int, options: FormatOptions | None = None
) -> list[Edit]:
    """The edits for instructions and lines that touch ``[start, end]``; an instruction
    is formatted as a whole when any part of it is in the range."""
    return [
        edit
        for edit, owner in _Formatter(doc, options or FormatOptions()).run()
        if owner.start <= end and start <= owner.end
    ]


def format_text(text: str, options: FormatOptions | None = None) -> str:
    """``text`` formatted."""
    return apply_edits(text, format_edits(parse(text), options))


def on_type_edits(doc: Dockerfile, offset: int, options: FormatOptions | None = None) -> list[Edit]:
    """After a line break typed at ``offset``: indent the new line when the line above
    continues an instruction (ends with the escape character).

    The first continuation line gets one level; a later one the indentation of the
    continuation line above it.
    """
    options = options or FormatOptions()
    source = doc.source
    line = source.line_of(offset)
    if line == 0 or not options.multi_line:
        return []
    above = line - 1
    indent: str | None = None
    for ins in doc.instructions:
        if not ins.start_line <= above <= ins.end_line:
            continue
        layout = layout_of(doc, ins)
        for index, segment in enumerate(layout.segments):
            if segment.line == above and segment.escape is not None:
                indent = options.indent if index == 0 else _leading(doc.text, segment.start)
        if above in layout.comment_lines and above < layout.last_content_line:
            indent = _leading(doc.text, source.line_starts[above])
        break
    if indent is None:
        return []
    start = source.line_starts[line]
    end = start + len(_leading(doc.text, start, source.line_ends[line]))
    if doc.text[start:end] == indent:
        return []
    return [Edit(start, end, indent)]


def _leading(text: str, start: int, end: int | None = None) -> str:
    """The spaces and tabs at ``start``."""
    i = start
    stop = len(text) if end is None else end
    while i < stop and text[i] in BLANKS:
        i += 1
    return text[start:i]


def _width(indent: str, tab_size: int) -> int:
    column = 0
    for ch in indent:
        column = (column // tab_size + 1) * tab_size if ch == "\t" else column + 1
    return column


class _Cover:
    """The source ranges whose whitespace must stay as written (merged, sorted)."""

    def __init__(self, spans: list[Span]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if end <= start:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def past(self, offset: int) -> int:
        """``offset``, or the end of the protected range that contains it."""
        index = bisect_right(self.starts, offset) - 1
        if index >= 0 and self.ends[index] > offset:
            return self.ends[index]
        return offset

    def touches(self, start: int, end: int) -> bool:
        """Some protected range overlaps ``[start, end)``."""
        index = bisect_right(self.starts, end - 1) - 1
        return index >= 0 and self.ends[index] > start


class _Formatter:
    def __init__(self, doc: Dockerfile, options: FormatOptions) -> None:
        self.doc = doc
        self.text = doc.text
        self.source = doc.source
        self.options = options
        self.edits: list[tuple[Edit, Span]] = []
        self.cmd_stages = _cmd_shell_stages(doc)
        #: Blank lines at the end of the file were removed.
        self.trimmed_end = False

    def add(self, start: int, end: int, new_text: str, owner: Span) -> None:
        if self.text[start:end] != new_text:
            self.edits.append((Edit(start, end, new_text), owner))

    def run(self) -> list[tuple[Edit, Span]]:
        owned: list[tuple[int, int]] = []
        for ins in self.doc.instructions:
            owned.append((ins.start_line, ins.end_line))
            layout = layout_of(self.doc, ins)
            if layout.multi_line and not self.options.multi_line:
                continue
            self.instruction(ins, layout)
        self.loose_lines(owned)
        text = self.text
        if (
            self.options.insert_final_newline
            and text.strip("\ufeff")
            and not text.endswith(("\n", "\r"))
            and not self.trimmed_end
        ):
            self.add(len(text), len(text), self.source.newline, Span(len(text), len(text)))
        self.edits.sort(key=lambda item: (item[0].start, item[0].end))
        return self.edits

    # -- lines outside instructions ---------------------------------------------------
    def loose_lines(self, owned: list[tuple[int, int]]) -> None:
        """Comments, directives and blank lines between instructions."""
        source, text = self.source, self.text
        count = source.line_count
        if count > 1 and source.line_starts[-1] == len(text):
            count -= 1  # the empty "line" after a final newline
        inside = [False] * count
        for first, last in owned:
            for line in range(first, min(last, count - 1) + 1):
                inside[line] = True
        run_start: int | None = None
        for line in range(count + 1):
            blank = (
                line < count
                and not inside[line]
                and all(
                    c in BLANKS
                    for c in text[line_content_start(self.doc, line) : source.line_ends[line]]
                )
            )
            if blank:
                if run_start is None:
                    run_start = line
                continue
            if run_start is not None:
                self.blank_run(run_start, line - 1, at_end=line == count)
                run_start = None
            if line < count and not inside[line]:
                self.trim(line, self.line_span(line))

    def blank_run(self, first: int, last: int, at_end: bool) -> None:
        source = self.source
        starts = source.line_starts
        begin = line_content_start(self.doc, first)
        if at_end:
            end = len(self.text)
            self.add(begin, end, "", Span(begin, end))
            self.trimmed_end = True
            return
        self.add(begin, source.line_ends[first], "", self.line_span(first))
        if last > first:
            self.add(
                starts[first + 1], starts[last + 1], "", Span(starts[first + 1], starts[last + 1])
            )

    def line_span(self, line: int) -> Span:
        return Span(self.source.line_starts[line], self.source.line_ends[line])

    def trim(self, line: int, owner: Span) -> None:
        """Remove trailing spaces and tabs."""
        start = line_content_start(self.doc, line)
        end = self.source.line_ends[line]
        stop = end
        while stop > start and self.text[stop - 1] in BLANKS:
            stop -= 1
        self.add(stop, end, "", owner)

    # -- instructions -----------------------------------------------------------------
    def instruction(self, ins: Instruction, layout: Layout) -> None:
        text = self.text
        owner = ins.span
        first = layout.segments[0]
        line_start = line_content_start(self.doc, ins.start_line)
        if all(c in BLANKS for c in text[line_start : first.start]):
            self.add(line_start, first.start, "", owner)
        self.keywords(ins, owner)
        cover = _Cover(self.protected(ins))
        # One space between words on the first line.
        for match in _BLANK_RUN.finditer(text, first.start, first.end):
            start, end = cover.past(match.start()), match.end()
            if end == first.end or start >= end or cover.touches(start, end):
                continue  # trailing: the continuation or trimming handles it
            self.add(start, end, " ", owner)
        self.continuations(layout, cover, owner)
        for line in range(ins.start_line, layout.last_content_line + 1):
            self.trim(line, owner)

    def continuations(self, layout: Layout, cover: _Cover, owner: Span) -> None:
        text, options = self.text, self.options
        segments = layout.segments
        # (segment index, index of the segment with the words before the break, where
        # those words end, where this line's words start)
        free: list[tuple[int, int, int, int]] = []
        for index in range(1, len(segments)):
            segment = segments[index]
            words_at = segment.start + len(_leading(text, segment.start, segment.end))
            if words_at == segment.end:
                continue  # a line holding only the continuation character
            separating = words_at - segment.start
            before = index - 1
            words_end: int | None = None
            while before >= 0:
                previous = segments[before]
                stop = previous.end
                while stop > previous.start and text[stop - 1] in BLANKS:
                    stop -= 1
                separating += previous.end - stop
                if stop > previous.start:
                    words_end = stop
                    break
                before -= 1
            # A word split over the lines (nothing separates the pieces), or quotes or a
            # value that runs across the break: the whitespace there is part of it.
            if words_end is None or separating == 0 or cover.touches(words_end, words_at):
                continue
            free.append((index, before, words_end, words_at))
        if not free:
            return
        tab = options.tab_size
        base = _width(text[segments[free[0][0]].start : free[0][3]], tab)
        comments = frozenset(layout.comment_lines)
        for index, before, words_end, words_at in free:
            segment = segments[index]
            extra = _width(text[segment.start : words_at], tab) - base
            indent = options.indent + options.pad(max(0, extra))
            self.add(segment.start, words_at, indent, owner)
            previous = segments[before]
            if previous.escape is not None:
                self.add(words_end, previous.escape, " ", owner)
            # Lines in between (comments, lone continuation characters) line up with
            # the words they precede; their own text stays as it is.
            for empty in segments[before + 1 : index]:
                if empty.escape is not None:
                    self.add(empty.start, empty.escape, indent, owner)
            for line in range(previous.line + 1, segment.line):
                if line in comments:
                    start = self.source.line_starts[line]
                    lead = _leading(text, start, self.source.line_ends[line])
                    if text[start + len(lead)] == "#":
                        self.add(start, start + len(lead), indent, owner)

    def keywords(self, ins: Instruction, owner: Span) -> None:
        case = self.options.keyword_case
        if case == "keep":
            return
        target: Instruction | None = ins
        while target is not None:
            if target.keyword in KNOWN_INSTRUCTIONS:
                self.case_word(target.keyword_span, case, owner)
                words = target.words
                if target.keyword == "FROM" and len(words) == 3 and words[1].raw.lower() == "as":
                    self.case_word(words[1].span, case, owner)
                if (
                    target.keyword == "HEALTHCHECK"
                    and words
                    and words[0].raw.upper() in ("CMD", "NONE")
                ):
                    self.case_word(words[0].span, case, owner)
            target = target.trigger

    def case_word(self, span: Span, case: KeywordCase, owner: Span) -> None:
        word = self.text[span.start : span.end]
        if not word.isalpha():
            return  # split over a continuation: leave it
        self.add(span.start, span.end, word.upper() if case == "upper" else word.lower(), owner)

    def protected(self, ins: Instruction) -> list[Span]:
        """Source ranges whose inner whitespace is part of a value."""
        spans: list[Span] = []
        target: Instruction | None = ins
        escape = self.doc.escape
        while target is not None:
            keyword = target.keyword
            spans.extend(flag.span for flag in target.flags)
            args = target.args_span
            if keyword == "ONBUILD" and target.trigger is not None:
                target = target.trigger
                continue
            if keyword not in KNOWN_INSTRUCTIONS or keyword in _ONE_STRING:
                spans.append(args)
            elif target.exec_args is not None:
                spans.extend(token.span for token in target.exec_args)
            elif keyword in SHELL_INSTRUCTIONS or keyword == "HEALTHCHECK":
                shell = target.shell
                if self.cmd_shell(target) or (shell is not None and shell.error):
                    spans.append(args)
                elif shell is not None:
                    for command in shell.commands:
                        spans.extend(w.span for w in command.words if w.span.start < args.end)
                        spans.extend(r.span for r in command.redirects if r.span.start < args.end)
                    spans.extend(c for c in shell.comments if c.start < args.end)
                else:  # HEALTHCHECK
                    spans.extend(_quoted_words(target, escape))
            else:
                spans.extend(word.span for word in target.words)
                spans.extend(_quoted_words(target, escape))
                for pair in target.pairs:
                    if pair.legacy:
                        spans.append(pair.key.span)
                        if pair.value is not None:
                            spans.append(pair.value.span)
                    else:
                        end = pair.value.span.end if pair.value is not None else pair.key.span.end
                        spans.append(Span(pair.key.span.start, end))
            target = None
        return spans

    def cmd_shell(self, ins: Instruction) -> bool:
        stage = self.doc.stage_of(ins)
        return stage is not None and stage.index in self.cmd_stages


def _quoted_words(ins: Instruction, escape: str) -> list[Span]:
    """Words as quotes group them (``"a b"`` is one), for instructions whose own
    splitting ignores quotes: a formatter should not touch what looks quoted."""
    return [ins.args_to_span(s, e) for s, e, _ in split_words(ins.args, escape)]


def _cmd_shell_stages(doc: Dockerfile) -> frozenset[int]:
    """Stages whose shell-form commands may run in ``cmd``: a Windows base (a backtick
    escape when the base is unknown) without a SHELL naming another shell."""
    infos = stage_infos(doc)
    out: set[int] = set()
    for info in infos:
        windows = info.image.is_windows if info.image is not None else doc.escape == "`"
        if not windows:
            continue
        shells: list[str] = []
        current = info
        while True:
            for ins in current.stage.instructions:
                if ins.keyword == "SHELL" and ins.exec_args:
                    shells.append(ins.exec_args[0].value)
            if current.parent is None:
                break
            current = infos[current.parent.index]
        names = {posixpath.basename(s.replace("\\", "/")).lower() for s in shells}
        if not shells or names & {"cmd", "cmd.exe"}:
            out.add(info.stage.index)
    return frozenset(out)
