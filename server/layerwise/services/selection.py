"""Selection ranges ("expand selection"): from the word under the cursor outwards to the
flag or argument, the shell command, the instruction, the stage and the whole file.

Each step strictly contains the one before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..syntax.model import Dockerfile, Instruction, Span

# A word for selection purposes: names, numbers, versions, dashed names; an option's
# leading dashes come with the next step (the whole argument).
_WORD = re.compile(r"\w[\w.-]*")


def selection_chain(doc: Dockerfile, offset: int) -> list[Span]:
    """The nested spans around ``offset``, innermost first, ending with the whole file."""
    text = doc.text
    offset = max(0, min(offset, len(text)))
    candidates = list(_candidates(doc, offset))
    word = _word_at(text, offset)
    if word is not None:
        candidates.append(word)
    candidates.append(Span(0, len(text)))
    candidates.sort(key=lambda s: (s.end - s.start, -s.start))
    chain: list[Span] = []
    for span in candidates:
        if not span.contains(offset):
            continue
        if chain:
            last = chain[-1]
            if span == last or not (span.start <= last.start and last.end <= span.end):
                continue
        chain.append(span)
    return chain


def _word_at(text: str, offset: int) -> Span | None:
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = len(text)
    for eol in ("\n", "\r"):
        found = text.find(eol, offset)
        if found != -1:
            line_end = min(line_end, found)
    for match in _WORD.finditer(text, line_start, line_end):
        if match.start() <= offset <= match.end():
            return Span(match.start(), match.end())
        if match.start() > offset:
            break
    return None


def _candidates(doc: Dockerfile, offset: int) -> Iterator[Span]:
    for stage in doc.stages:
        if stage.span.contains(offset):
            yield _lines(doc, stage.span)
    for comment in doc.comments:
        if comment.span.contains(offset):
            yield comment.span
    for directive in doc.directives:
        if directive.span.contains(offset):
            yield directive.value_span
            yield directive.span
    for ins in doc.instructions:
        if ins.span.start > offset:
            break
        if ins.span.contains(offset):
            yield from _instruction(ins, offset, doc.text)


def _lines(doc: Dockerfile, span: Span) -> Span:
    """``span`` widened to whole lines (without the last line's terminator)."""
    source = doc.source
    return Span(
        source.line_start(source.line_of(span.start)),
        source.line_end(source.line_of(span.end)),
    )


def _instruction(ins: Instruction, offset: int, text: str) -> Iterator[Span]:
    yield ins.span
    yield ins.keyword_span
    for flag in ins.flags:
        if flag.span.contains(offset):
            yield flag.span
            yield flag.name_span
            if flag.value_span is not None:
                yield flag.value_span
                yield from _list_item(text, flag.value_span, offset)
    for token in ins.words:
        if token.span.contains(offset):
            yield token.span
    for token in ins.exec_args or ():
        if token.span.contains(offset):
            yield token.span
            if token.span.end - token.span.start >= 2:
                yield Span(token.span.start + 1, token.span.end - 1)  # inside the quotes
    if ins.exec_args:
        yield ins.args_span  # the whole JSON array
    for pair in ins.pairs:
        spans = [pair.key.span] + ([pair.value.span] if pair.value is not None else [])
        whole = Span(spans[0].start, spans[-1].end)
        if whole.contains(offset):
            yield whole
            yield from spans
    for heredoc in ins.heredocs:
        if heredoc.body.contains(offset) and heredoc.body.end > heredoc.body.start:
            yield heredoc.body
            end = heredoc.terminator.end if heredoc.terminator else heredoc.body.end
            yield Span(heredoc.marker.start, end)  # marker ... terminator
        if heredoc.marker.contains(offset):
            yield heredoc.marker
    if ins.shell is not None:
        for command in ins.shell.commands:
            if command.span.start > offset:
                break
            if command.span.contains(offset):
                yield command.span
                for word in command.words:
                    if word.span.contains(offset):
                        yield word.span
    if ins.trigger is not None and ins.trigger.span.contains(offset):
        yield from _instruction(ins.trigger, offset, text)


def _list_item(text: str, value: Span, offset: int) -> Iterator[Span]:
    """The ``key=value`` item around ``offset`` in a comma-separated flag value
    (``--mount=type=cache,target=/root/.cache``), and its value after ``=``."""
    raw = text[value.start : value.end]
    if "," not in raw or "\n" in raw or "\r" in raw:
        return
    start = value.start
    for item in raw.split(","):
        end = start + len(item)
        if start <= offset <= end:
            yield Span(start, end)
            key, equals, _ = item.partition("=")
            if equals:
                yield Span(start + len(key) + 1, end)
            return
        start = end + 1
