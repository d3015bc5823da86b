"""Which instructions and stages a rule visits: every instruction and the RUNs of Linux
stages (ONBUILD triggers included), the stages that ship, a stage chain from its root,
the final Linux stage; and the line numbers messages cite."""

from __future__ import annotations

from collections.abc import Iterator

from ..syntax.model import Instruction, Stage
from .context import LintContext


def line_number(ctx: LintContext, offset: int) -> int:
    return ctx.doc.source.line_of(offset) + 1


def all_instructions(ctx: LintContext) -> Iterator[Instruction]:
    """Every instruction, ONBUILD triggers included."""
    for ins in ctx.doc.instructions:
        yield ins
        if ins.trigger is not None:
            yield ins.trigger


def run_targets(ctx: LintContext) -> Iterator[tuple[Stage, Instruction]]:
    """RUN instructions (ONBUILD RUN triggers included) of non-Windows stages."""
    for stage in ctx.doc.stages:
        if ctx.is_windows(stage):
            continue
        for ins in stage.instructions:
            target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger else ins
            if target.keyword == "RUN" and target.shell is not None:
                yield stage, target


def shipped_indexes(ctx: LintContext) -> set[int]:
    return {s.index for s in ctx.shipped_stages()}


def chain_root_first(ctx: LintContext, stage: Stage) -> list[Stage]:
    return list(reversed(ctx.stage_chain(stage)))


def final_linux_stage(ctx: LintContext) -> Stage | None:
    """The final stage, unless it builds a Windows image (a different runtime story)."""
    stage = ctx.final_stage
    if stage is None or ctx.is_windows(stage):
        return None
    return stage
