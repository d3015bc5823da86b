"""Which instructions and stages a rule visits: every instruction and the RUNs of Linux
stages (ONBUILD triggers included), the stages that ship, a stage chain from its root,
the final Linux stage; and the line numbers messages cite."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

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


def _runs(ctx: LintContext, stages: Iterable[Stage]) -> Iterator[tuple[Stage, Instruction, bool]]:
    """(stage, RUN, is an ONBUILD trigger) for the shell-form RUNs of non-Windows stages."""
    for stage in stages:
        if ctx.is_windows(stage):
            continue
        for ins in stage.instructions:
            trigger = ins.keyword == "ONBUILD" and ins.trigger is not None
            target = ins.trigger if trigger and ins.trigger is not None else ins
            if target.keyword == "RUN" and target.shell is not None:
                yield stage, target, trigger


def runs(ctx: LintContext, stages: Iterable[Stage]) -> Iterator[tuple[Stage, Instruction]]:
    """Shell-form RUNs of the given non-Windows stages, ONBUILD RUN triggers included:
    a trigger is linted as the RUN it becomes in the image built FROM this one."""
    for stage, ins, _ in _runs(ctx, stages):
        yield stage, ins


def run_targets(ctx: LintContext) -> Iterator[tuple[Stage, Instruction]]:
    """RUN instructions (ONBUILD RUN triggers included) of non-Windows stages."""
    return runs(ctx, ctx.doc.stages)


def shipped_runs(ctx: LintContext) -> list[tuple[Stage, Instruction]]:
    """RUNs whose layers ship: those of the shipped stages, and every ONBUILD RUN
    trigger, which runs in the image built FROM this one (that image ships). Computed
    once per document; do not mutate."""
    found = ctx.memo.get(("shipped_runs",))
    if found is None:
        shipped = shipped_indexes(ctx)
        found = ctx.memo[("shipped_runs",)] = [
            (stage, ins)
            for stage, ins, trigger in _runs(ctx, ctx.doc.stages)
            if trigger or stage.index in shipped
        ]
    return found  # type: ignore[return-value]


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
