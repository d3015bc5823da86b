"""Folding ranges: stages, multi-line instructions, heredoc bodies, comment blocks and
the global ARG section. Whole lines only: a range folds the lines after ``start_line``
up to and including ``end_line``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..syntax.model import Dockerfile, Instruction

COMMENT = "comment"
REGION = "region"


@dataclass(frozen=True, slots=True)
class Fold:
    start_line: int
    end_line: int
    #: ``"comment"`` for comment blocks, ``"region"`` for stages and the ARG section,
    #: ``None`` for an instruction or a heredoc body.
    kind: str | None = None


def folding_ranges(doc: Dockerfile, limit: int | None = None) -> list[Fold]:
    """Every foldable region of ``doc``, ordered by start line (outer ranges first).

    ``limit``: the most ranges to return; the outermost are kept, as a client that
    caps the count would rather lose the innermost folds.
    """
    source = doc.source
    folds: dict[tuple[int, int], Fold] = {}

    def add(start: int, end: int, kind: str | None = None) -> None:
        if end > start and (start, end) not in folds:
            folds[(start, end)] = Fold(start, end, kind)

    # The global ARG section: everything before the first FROM, if it spans lines.
    if doc.preamble:
        first = doc.preamble[0]
        start = first.comments[0].line if first.comments else first.start_line
        add(start, doc.preamble[-1].end_line, REGION)

    # Stages: from the FROM to the last non-blank line before the next stage's header
    # (its FROM and the comments directly above it), or to the end of the file.
    for index, stage in enumerate(doc.stages):
        start = stage.from_instruction.start_line
        if index + 1 < len(doc.stages):
            following = doc.stages[index + 1].from_instruction
            limit_line = following.comments[0].line if following.comments else following.start_line
            end = limit_line - 1
        else:
            end = source.line_count - 1
        while end > start and not source.line_text(end).strip():
            end -= 1
        add(start, end, REGION)

    for ins in doc.instructions:
        _instruction_folds(ins, add, source.line_of)

    # Comment blocks: two or more consecutive comment lines (a comment always has its
    # line to itself; parser directives at the top count as comments here).
    lines = sorted(
        {source.line_of(d.span.start) for d in doc.directives} | {c.line for c in doc.comments}
    )
    block_start = previous = None
    for line in lines:
        if previous is None or line != previous + 1:
            if block_start is not None and previous is not None:
                add(block_start, previous, COMMENT)
            block_start = line
        previous = line
    if block_start is not None and previous is not None:
        add(block_start, previous, COMMENT)

    result = sorted(folds.values(), key=lambda f: (f.start_line, -f.end_line))
    if limit is not None and len(result) > limit:
        result = _outermost(result, max(limit, 0))
    return result


def _instruction_folds(
    ins: Instruction, add: Callable[[int, int], None], line_of: Callable[[int], int]
) -> None:
    add(ins.start_line, ins.end_line)
    previous_end = None
    for heredoc in ins.heredocs:
        if heredoc.terminator is not None and heredoc.body.end <= heredoc.body.start:
            previous_end = line_of(heredoc.terminator.start)
            continue  # an empty body: nothing to fold
        body_line = line_of(heredoc.body.start)
        # The line above the body stays visible: the instruction line (with the
        # ``<<EOF`` marker) for the first body, the previous terminator for the next.
        header = body_line - 1 if previous_end is None else previous_end
        end = line_of(heredoc.terminator.start) if heredoc.terminator else ins.end_line
        add(header, end)
        previous_end = end
    if ins.trigger is not None:
        _instruction_folds(ins.trigger, add, line_of)


def _outermost(folds: list[Fold], limit: int) -> list[Fold]:
    """The ``limit`` least nested folds, in their original order."""
    depth: list[int] = []
    open_ends: list[int] = []
    for fold in folds:  # sorted by start, outer first
        while open_ends and open_ends[-1] < fold.start_line:
            open_ends.pop()
        depth.append(len(open_ends))
        open_ends.append(fold.end_line)
    ranked = sorted(range(len(folds)), key=lambda i: (depth[i], i))[:limit]
    return [folds[i] for i in sorted(ranked)]
