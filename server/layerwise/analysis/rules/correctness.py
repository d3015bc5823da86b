"""LW9xx: correctness and BuildKit syntax checks (PRACTICES I, item 38)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from ...syntax.model import Instruction, Token
from ...syntax.parser import KNOWN_INSTRUCTIONS
from ..context import LintContext
from ..rule import Edit, Fix, Related, Rule, Severity, Violation


def _all_instructions(ctx: LintContext) -> Iterator[Instruction]:
    for ins in ctx.doc.instructions:
        yield ins
        if ins.trigger is not None:
            yield ins.trigger


def _unknown_instruction(ctx: LintContext) -> Iterator[Violation]:
    for ins in _all_instructions(ctx):
        if ins.keyword in KNOWN_INSTRUCTIONS or not ins.keyword:
            continue
        close = difflib.get_close_matches(ins.keyword, sorted(KNOWN_INSTRUCTIONS), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        yield Violation(ins.keyword_span, f"Unknown instruction '{ins.keyword_raw}'{hint}")


def _missing_from(ctx: LintContext) -> Iterator[Violation]:
    doc = ctx.doc
    if doc.stages or not doc.instructions:
        return
    yield Violation(
        doc.instructions[0].keyword_span,
        "The Dockerfile has no FROM instruction: a build needs a base image (or FROM scratch)",
    )


def _before_from(ctx: LintContext) -> Iterator[Violation]:
    if not ctx.doc.stages:
        return
    for ins in ctx.doc.preamble:
        if ins.keyword != "ARG":
            yield Violation(
                ins.keyword_span,
                f"{ins.keyword_raw} before the first FROM: only ARG may come before FROM",
            )


def _is_absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", path) is not None


def _relative_workdir(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        absolute_before = False
        for member in reversed(ctx.stage_chain(stage)[1:]):
            absolute_before = absolute_before or any(
                ins.keyword == "WORKDIR" and _is_absolute(ins.args.strip("\"'"))
                for ins in member.instructions
            )
        for ins in stage.instructions:
            if ins.keyword != "WORKDIR" or not ins.args:
                continue
            path = ctx.resolve(ins, ins.args.strip("\"'"))
            if path is None:
                continue  # depends on a value we cannot know
            if _is_absolute(path):
                absolute_before = True
                continue
            if absolute_before:
                continue
            yield Violation(
                ins.args_span,
                f"Relative WORKDIR '{path}' depends on the base image's working directory; "
                "use an absolute path",
            )


def _copy_from_checks(ctx: LintContext) -> Iterator[tuple[str, Violation]]:
    names = {stage.name: stage for stage in ctx.doc.stages if stage.name}
    for stage in ctx.doc.stages:
        for ins in stage.instructions:
            flag = ins.flag("from") if ins.keyword == "COPY" else None
            if flag is None or flag.value is None or flag.value_span is None:
                continue
            value = ctx.resolve(ins, flag.value.strip("\"'"))
            if value is None:
                continue
            lowered = value.lower()
            if lowered.isdigit():
                index = int(lowered)
                if index == stage.index:
                    yield "own", Violation(flag.value_span, "COPY --from refers to its own stage")
                elif index > stage.index:
                    yield (
                        "unknown",
                        Violation(
                            flag.value_span,
                            f"COPY --from={value}: stage {index} is not defined before this one",
                        ),
                    )
                continue
            if lowered == stage.name:
                yield (
                    "own",
                    Violation(flag.value_span, f"COPY --from={value} refers to its own stage"),
                )
                continue
            if lowered in names or any(c in value for c in "/:@."):
                continue
            close = difflib.get_close_matches(lowered, sorted(names), n=1, cutoff=0.6)
            if not close:
                # A stage whose name ends or starts with it (`set` for `license-set`).
                affixed = sorted(
                    n
                    for n in names
                    if n is not None
                    and (
                        n.endswith(("-" + lowered, "_" + lowered))
                        or n.startswith((lowered + "-", lowered + "_"))
                    )
                )
                close = affixed[:1] if len(affixed) == 1 else []
            hint = f"; did you mean '{close[0]}'?" if close else ""
            yield (
                "unknown",
                Violation(
                    flag.value_span,
                    f"'{value}' is not a stage of this Dockerfile, so it is pulled as the image "
                    f"'{value}:latest'{hint}",
                ),
            )


def _copy_from_unknown(ctx: LintContext) -> Iterator[Violation]:
    for kind, violation in _copy_from_checks(ctx):
        if kind == "unknown":
            yield violation


def _copy_from_own(ctx: LintContext) -> Iterator[Violation]:
    for kind, violation in _copy_from_checks(ctx):
        if kind == "own":
            yield violation


def _duplicate_stage(ctx: LintContext) -> Iterator[Violation]:
    seen: dict[str | None, Token] = {}
    for stage in ctx.doc.stages:
        token = stage.name_token
        if token is None:
            continue
        first = seen.get(stage.name)
        if first is None:
            seen[stage.name] = token
            continue
        line = ctx.doc.source.line_of(first.span.start) + 1
        yield Violation(
            token.span,
            f"Stage name '{token.value}' is already used on line {line}",
            related=(Related(first.span, "first definition"),),
        )


def _label_value(ctx: LintContext, ins: Instruction) -> str:
    value = ins.args.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value
    esc = ctx.doc.escape
    escaped = "".join(esc + c if c in ('"', "$", esc) else c for c in value)
    return f'"{escaped}"'


def _maintainer(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        if ins.keyword != "MAINTAINER" or not ins.args:
            continue
        label = "label" if ins.keyword_raw.islower() else "LABEL"
        new = f"{label} org.opencontainers.image.authors={_label_value(ctx, ins)}"
        yield Violation(
            ins.keyword_span,
            "MAINTAINER is deprecated; record the author in a LABEL",
            Fix(
                "Replace with LABEL org.opencontainers.image.authors",
                (Edit(ins.keyword_span.start, ins.args_span.end, new),),
            ),
        )


RULES = (
    Rule(
        code="LW901",
        name="unknown-instruction",
        summary="An instruction Docker does not know",
        severity=Severity.ERROR,
        category="correctness",
        check=_unknown_instruction,
    ),
    Rule(
        code="LW902",
        name="missing-from",
        summary="The Dockerfile has no FROM instruction",
        severity=Severity.ERROR,
        category="correctness",
        check=_missing_from,
    ),
    Rule(
        code="LW903",
        name="instruction-before-from",
        summary="An instruction other than ARG before the first FROM",
        severity=Severity.ERROR,
        category="correctness",
        check=_before_from,
        aliases=("DL3061",),
    ),
    Rule(
        code="LW904",
        name="relative-workdir",
        summary="WORKDIR with a relative path and no absolute WORKDIR before it",
        severity=Severity.WARNING,
        category="correctness",
        check=_relative_workdir,
        aliases=("DL3000", "WorkdirRelativePath"),
    ),
    Rule(
        code="LW905",
        name="copy-from-unknown-stage",
        summary="COPY --from names neither a stage nor an explicit image",
        severity=Severity.WARNING,
        category="correctness",
        check=_copy_from_unknown,
        aliases=("DL3022",),
    ),
    Rule(
        code="LW906",
        name="copy-from-own-stage",
        summary="COPY --from refers to the stage it is in",
        severity=Severity.ERROR,
        category="correctness",
        check=_copy_from_own,
        aliases=("DL3023",),
    ),
    Rule(
        code="LW907",
        name="duplicate-stage-name",
        summary="Two stages share a name",
        severity=Severity.ERROR,
        category="correctness",
        check=_duplicate_stage,
        aliases=("DL3024", "DuplicateStageName"),
    ),
    Rule(
        code="LW908",
        name="maintainer-deprecated",
        summary="MAINTAINER is deprecated",
        severity=Severity.WARNING,
        category="correctness",
        check=_maintainer,
        aliases=("DL4000", "MaintainerDeprecated"),
        fixable=True,
        tags=("deprecated",),
    ),
)
