"""LW927, LW940: where COPY and ADD put files.

Several sources copied to a destination that is not a directory, and a relative
destination before any WORKDIR.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ....syntax.model import Instruction, Stage, Token
from ... import stages as stage_facts
from ...context import LintContext
from ...paths import copy_dest, copy_sources, is_absolute
from ...rule import Edit, Fix, Related, Rule, Severity, Violation
from ...walk import all_instructions

# -- LW927: multi-source COPY destination ----------------------------------------------


def _multi_source_destination(ctx: LintContext) -> Iterator[Violation]:
    for ins in all_instructions(ctx):
        if ins.keyword not in ("COPY", "ADD"):
            continue
        dest = copy_dest(ins)
        if dest is None:
            continue
        count = len(copy_sources(ins)) + len(ins.heredocs)
        if count < 2:
            continue
        value = ctx.resolve(ins, dest.value)
        if value is None or value.endswith("/"):
            continue
        stage = ctx.doc.stage_of(ins)
        windows = stage is not None and ctx.is_windows(stage)
        if windows and value.endswith("\\"):
            continue
        insert = dest.span.end - 1 if dest.raw[-1:] in ("'", '"') else dest.span.end
        yield Violation(
            dest.span,
            f"{ins.keyword} with {count} sources needs a destination directory ending in '/': "
            f"the classic builder rejects '{dest.value}', and BuildKit writes every source to "
            "the same path when it does not exist yet",
            Fix(f"Write '{dest.value}/'", (Edit(insert, insert, "/"),)),
        )


# -- LW940: COPY to a relative destination without WORKDIR -----------------------------


def _cwd_matters_elsewhere(ctx: LintContext, stage: Stage) -> bool:
    """A builder stage's working directory matters to other stages: one copies out of it
    (or out of a stage built FROM it) a relative path, the root, or a top-level path
    (``/app.wasm``) that no RUN of the stage writes by its absolute name, which is where
    relative writes land when the base's directory is ``/``."""
    run_text = " ".join(
        ctx.text[ins.span.start : ins.span.end]
        for member in ctx.stage_chain(stage)
        for ins in member.instructions
        if ins.keyword == "RUN"
    )
    for other in ctx.doc.stages:
        for ins in other.instructions:
            origin = stage_facts.copy_from(ctx, ins)
            if ins.keyword != "COPY" or not isinstance(origin, Stage):
                continue
            if stage not in ctx.stage_chain(origin):
                continue
            for source in copy_sources(ins):
                value = ctx.resolve(ins, source.value)
                if value is None:
                    return True
                cleaned = value.rstrip("/")
                if not value.startswith("/") or cleaned == "":
                    return True
                if cleaned.count("/") == 1 and not re.search(
                    rf"(?<![\w./-]){re.escape(cleaned)}(?![\w-])", run_text
                ):
                    return True
    return False


def _relative_copy_destination(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        image = ctx.info(stage).image
        chain = ctx.stage_chain(stage)
        workdir = any(
            ins.keyword == "WORKDIR" for member in chain[1:] for ins in member.instructions
        )
        if not workdir and image is not None and image.is_scratch:
            continue  # scratch has no WORKDIR: a relative path means '/' and cannot change
        found: list[tuple[Instruction, Token]] = []
        for ins in stage.instructions:
            if ins.keyword == "WORKDIR":
                workdir = True
                continue
            if workdir or ins.keyword not in ("COPY", "ADD"):
                continue
            dest = copy_dest(ins)
            if dest is None or (not copy_sources(ins) and not ins.heredocs):
                continue
            value = ctx.resolve(ins, dest.value)
            if value is None or is_absolute(value):
                continue
            found.append((ins, dest))
        if not found:
            continue
        if not stage_facts.shipped(ctx, stage) and not _cwd_matters_elsewhere(ctx, stage):
            continue  # a builder whose files are used where they are, by relative paths
        ins, dest = found[0]
        yield Violation(
            dest.span,
            f"{ins.keyword} to the relative path '{dest.value}' with no WORKDIR set in this "
            "stage: where the files land depends on the base image's working directory. Set "
            "WORKDIR first or use an absolute path",
            related=tuple(Related(d.span, "another relative destination") for _, d in found[1:6]),
        )


RULES = (
    Rule("LW927", "copy-multiple-sources-to-file",
         "COPY or ADD with several sources and a destination not ending in '/'", Severity.WARNING,
         "correctness", _multi_source_destination, aliases=("DL3021",), fixable=True),
    Rule("LW940", "relative-copy-without-workdir",
         "COPY or ADD to a relative destination before any WORKDIR", Severity.WARNING,
         "correctness", _relative_copy_destination, aliases=("DL3045",)),
)  # fmt: skip
