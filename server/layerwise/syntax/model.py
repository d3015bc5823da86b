"""The position-exact Dockerfile syntax model.

Every node carries a :class:`Span` of code-point offsets into the original text,
so rules can point at the exact token and fixes can edit it in place.
The model is immutable; :func:`layerwise.syntax.parser.parse` builds it and never raises.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING, NamedTuple, cast

if TYPE_CHECKING:
    from .shell import ShellScript
    from .source import SourceText


class Span(NamedTuple):
    """``[start, end)`` in code points. A named tuple: immutable and cheap to make,
    which matters because the parser creates one per token on every keystroke."""

    start: int
    end: int

    def contains(self, offset: int) -> bool:
        return self.start <= offset <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


class Token(NamedTuple):
    """A piece of source text: ``raw`` as written (quotes kept), ``value`` unquoted."""

    raw: str
    value: str
    span: Span


# Constructors for the hot paths (one per word on every keystroke): they build the
# tuple in C, skipping the Python-level ``__new__`` that NamedTuple generates.
# ``make_span((start, end))`` == ``Span(start, end)``.
make_span = cast("Callable[[tuple[int, int]], Span]", partial(tuple.__new__, Span))
make_token = cast("Callable[[tuple[str, str, Span]], Token]", partial(tuple.__new__, Token))


@dataclass(frozen=True, slots=True)
class Flag:
    """``--name=value`` or ``--name`` before an instruction's arguments."""

    name: str
    value: str | None
    span: Span
    name_span: Span
    value_span: Span | None


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A ``<<EOF`` marker and its body lines."""

    name: str
    chomp: bool  # ``<<-``: leading tabs stripped
    expand: bool  # unquoted delimiter: variables expand in the body
    marker: Span  # the ``<<EOF`` word on the instruction line
    body: Span  # body text, from the line after the instruction to before the terminator
    content: str  # body text with line endings normalised to ``\n``
    terminator: Span | None  # ``None`` when the heredoc is unterminated


@dataclass(frozen=True, slots=True)
class KeyValue:
    """One ``key=value`` (or legacy ``key value``) pair of ARG, ENV or LABEL."""

    key: Token
    value: Token | None
    legacy: bool = False  # written as ``ENV key value``


@dataclass(frozen=True, slots=True)
class Comment:
    text: str  # without the leading ``#`` and surrounding whitespace
    span: Span  # from ``#`` to end of line
    line: int
    in_continuation: bool = False


@dataclass(frozen=True, slots=True)
class Directive:
    """A parser directive such as ``# escape=`` at the top of the file."""

    key: str  # lower-case
    value: str
    span: Span
    value_span: Span


@dataclass(frozen=True, slots=True)
class SyntaxIssue:
    message: str
    span: Span


class OffsetMap:
    """Maps offsets in an instruction's logical line back to the source text.

    A logical line joins physical lines with the continuation character and the
    skipped comment or blank lines removed; it is stored as segments of
    (logical start, source start, length).
    """

    __slots__ = ("_logical", "_source", "_length")

    def __init__(self, segments: list[tuple[int, int, int]]) -> None:
        self._logical = [s[0] for s in segments]
        self._source = [s[1] for s in segments]
        self._length = [s[2] for s in segments]

    def _segment(self, index: int) -> int:
        return bisect_right(self._logical, index) - 1 if len(self._logical) > 1 else 0

    def start(self, index: int) -> int:
        """Source offset of the character at logical ``index``."""
        seg = self._segment(index)
        delta = index - self._logical[seg]
        if delta >= self._length[seg] and seg + 1 < len(self._logical):
            return self._source[seg + 1]
        return self._source[seg] + delta

    def end(self, index: int) -> int:
        """Source offset just after the character at logical ``index - 1``."""
        if index <= 0:
            return self._source[0]
        seg = self._segment(index - 1)
        return self._source[seg] + (index - 1 - self._logical[seg]) + 1

    def span(self, start: int, end: int) -> Span:
        if end <= start:
            offset = self.start(start)
            return Span(offset, offset)
        logical = self._logical
        source = self._source
        if len(logical) == 1:  # one physical line: a plain shift
            return Span(source[0] + start, source[0] + end)
        seg = bisect_right(logical, start) - 1
        delta = start - logical[seg]
        if delta >= self._length[seg] and seg + 1 < len(logical):
            first = source[seg + 1]
        else:
            first = source[seg] + delta
        seg = bisect_right(logical, end - 1) - 1
        return Span(first, source[seg] + (end - logical[seg]))

    def mapper(self, base: int) -> Callable[[int, int], Span]:
        """``span`` for offsets relative to logical ``base``, made fast for many calls."""
        logical, source = self._logical, self._source
        if len(logical) == 1:  # one physical line: a plain shift
            shift = source[0] + base

            def shifted(start: int, end: int) -> Span:
                return make_span((shift + start, shift + (end if end > start else start)))

            return shifted
        span = self.span
        count = len(logical)

        def searched(start: int, end: int) -> Span:
            start += base
            end += base
            if end <= start or start < 0:
                return span(start, end)
            first = bisect_right(logical, start) - 1
            if first + 1 < count and end > logical[first + 1]:
                last = bisect_right(logical, end - 1) - 1
            else:
                last = first  # within one physical line: most words
            return make_span(
                (source[first] + start - logical[first], source[last] + end - logical[last])
            )

        return searched


@dataclass(frozen=True, eq=False)
class Instruction:
    """One instruction, from its keyword to the end of its last line (or heredoc)."""

    keyword: str  # upper-case, e.g. "RUN"
    keyword_raw: str  # as written, e.g. "run"
    keyword_span: Span
    span: Span
    start_line: int
    end_line: int
    flags: tuple[Flag, ...]
    #: Arguments after the flags, as one logical line (continuations removed).
    args: str
    args_span: Span
    #: Logical offset of ``args`` within the logical line mapped by ``offsets``.
    args_offset: int
    offsets: OffsetMap
    #: JSON (exec) form arguments, or ``None`` for shell form.
    exec_args: tuple[Token, ...] | None = None
    heredocs: tuple[Heredoc, ...] = ()
    #: Whitespace-separated arguments (quotes kept in ``raw``); empty for exec form.
    words: tuple[Token, ...] = ()
    #: ARG/ENV/LABEL pairs.
    pairs: tuple[KeyValue, ...] = ()
    #: ONBUILD's trigger instruction.
    trigger: Instruction | None = None
    #: Comment lines directly above the instruction (no blank line in between).
    comments: tuple[Comment, ...] = ()
    #: Blank lines inside a continuation (BuildKit's NoEmptyContinuation).
    empty_continuation_lines: tuple[int, ...] = ()
    shell: ShellScript | None = field(default=None, compare=False)

    @property
    def is_exec_form(self) -> bool:
        return self.exec_args is not None

    def flag(self, name: str) -> Flag | None:
        for flag in self.flags:
            if flag.name == name:
                return flag
        return None

    def args_to_span(self, start: int, end: int) -> Span:
        """Source span of ``args[start:end]``."""
        return self.offsets.span(self.args_offset + start, self.args_offset + end)


@dataclass(frozen=True, eq=False)
class Stage:
    index: int
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]  # including the FROM
    #: The base image reference as written (``None`` when FROM has no argument).
    base: Token | None
    #: ``AS name`` token; ``name`` is lower-cased as BuildKit compares names.
    name_token: Token | None

    @cached_property
    def name(self) -> str | None:
        return self.name_token.value.lower() if self.name_token else None

    @property
    def span(self) -> Span:
        return Span(self.from_instruction.span.start, self.instructions[-1].span.end)


@dataclass(frozen=True, eq=False)
class Dockerfile:
    source: SourceText
    escape: str
    directives: tuple[Directive, ...]
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    #: Instructions before the first FROM (global ARGs, or misplaced ones).
    preamble: tuple[Instruction, ...]
    comments: tuple[Comment, ...]
    errors: tuple[SyntaxIssue, ...]

    @property
    def text(self) -> str:
        return self.source.text

    def directive(self, key: str) -> Directive | None:
        for directive in self.directives:
            if directive.key == key:
                return directive
        return None

    @cached_property
    def _stage_by_instruction(self) -> dict[int, Stage]:
        return {id(ins): stage for stage in self.stages for ins in stage.instructions}

    def instruction_at(self, offset: int) -> Instruction | None:
        """The top-level instruction whose span holds ``offset`` (its end included)."""
        index = bisect_right(self.instructions, offset, key=lambda i: i.span.start) - 1
        if index >= 0 and offset <= self.instructions[index].span.end:
            return self.instructions[index]
        return None

    def comment_at(self, offset: int) -> Comment | None:
        """The comment whose span (from ``#`` to the end of its line) holds ``offset``."""
        index = bisect_right(self.comments, offset, key=lambda c: c.span.start) - 1
        if index >= 0 and offset <= self.comments[index].span.end:
            return self.comments[index]
        return None

    def stage_of(self, instruction: Instruction) -> Stage | None:
        found = self._stage_by_instruction.get(id(instruction))
        if found is not None:
            return found
        for stage in self.stages:  # an ONBUILD trigger: look it up by position
            if stage.span.start <= instruction.span.start <= stage.span.end:
                return stage
        return None

    def stage_named(self, name: str) -> Stage | None:
        name = name.lower()
        for stage in self.stages:
            if stage.name == name:
                return stage
        return None
