"""LW601: consecutive RUN instructions that could be one layer (PRACTICES F)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ....syntax.model import Instruction
from ...context import LintContext
from ...edits import flags_key, merge_runs
from ...rule import Fix, Related, Rule, Severity, Violation
from .apt import _INSTALLING, apt_commands


def _command_count(ins: Instruction) -> int:
    return len(ins.shell.commands) if ins.shell is not None else 1


# Commands that change the machine environment for later processes only (Windows keeps
# it in the registry): the next RUN, a new process, sees it; the same RUN does not.
_PERSISTENT_ENV = re.compile(r"\bsetx(?:\.exe)?\b|SetEnvironmentVariable", re.I)


def _split_on_purpose(ctx: LintContext, previous: Instruction, ins: Instruction) -> bool:
    """The pair cannot or should not be one RUN, or another rule reports it."""
    if previous.comments and ins.comments:
        return True  # each step documented on its own: kept apart deliberately
    text = ctx.text[previous.span.start : previous.span.end]
    if _PERSISTENT_ENV.search(text):
        return True  # ins may need the new PATH: merged, it would not see it
    # RUN apt-get update + RUN apt-get install: LW602's finding, with the reason that matters.
    return bool(
        apt_commands(ctx, previous, "update")
        and not apt_commands(ctx, previous, *_INSTALLING)
        and apt_commands(ctx, ins, *_INSTALLING)
    )


def _consecutive_runs(ctx: LintContext) -> Iterator[Violation]:
    # Only the layers of the shipped stages are in the image: a builder stage's
    # layers are thrown away, merging them saves nothing the image carries.
    for stage in ctx.shipped_stages():
        previous: Instruction | None = None
        for ins in stage.instructions:
            if ins.keyword != "RUN":
                previous = None
                continue
            # Only single-command RUNs (as hadolint's DL3059): a RUN that already
            # chains commands was most likely split from its neighbour on purpose.
            if (
                previous is not None
                and flags_key(previous) == flags_key(ins)
                and _command_count(previous) == 1
                and _command_count(ins) == 1
                and not _split_on_purpose(ctx, previous, ins)
            ):
                edits = merge_runs(ctx, previous, ins)
                fix = Fix("Chain with the previous RUN", tuple(edits)) if edits else None
                yield Violation(
                    ins.keyword_span,
                    "This RUN directly follows another; chaining them saves a layer",
                    fix,
                    (Related(previous.keyword_span, "previous RUN"),),
                )
            previous = ins


RULES = (
    Rule(
        code="LW601",
        name="consecutive-run",
        summary="Consecutive RUN instructions that could be one layer",
        severity=Severity.INFO,
        category="layers",
        check=_consecutive_runs,
        aliases=("DL3059",),
        fixable=True,
    ),
)
