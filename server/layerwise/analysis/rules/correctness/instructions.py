"""LW901-LW908, LW928, LW942: instructions Docker rejects or reads otherwise than meant.

An unknown instruction, no FROM or an instruction before it, a relative WORKDIR, COPY
--from a stage that does not exist or is its own, two stages with one name, MAINTAINER,
an exec form that is not JSON, and an ENV that reads a variable it sets itself.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator

from ....syntax.model import Instruction, Span, Token
from ....syntax.parser import KNOWN_INSTRUCTIONS
from ...context import LintContext
from ...edits import line_indent
from ...facts import variable_references
from ...paths import is_absolute
from ...rule import Edit, Fix, FixSafety, Related, Rule, Severity, Violation
from ...walk import all_instructions

# -- LW901-LW908: instructions and stages ----------------------------------------------


def _unknown_instruction(ctx: LintContext) -> Iterator[Violation]:
    for ins in all_instructions(ctx):
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


def _relative_workdir(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        absolute_before = False
        for member in reversed(ctx.stage_chain(stage)[1:]):
            absolute_before = absolute_before or any(
                ins.keyword == "WORKDIR" and is_absolute(ins.args.strip("\"'"))
                for ins in member.instructions
            )
        for ins in stage.instructions:
            if ins.keyword != "WORKDIR" or not ins.args:
                continue
            path = ctx.resolve(ins, ins.args.strip("\"'"))
            if path is None:
                continue  # depends on a value we cannot know
            if is_absolute(path):
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


# -- LW928: JSON form that is not JSON -------------------------------------------------

_JSON_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})


def _array_items(text: str) -> list[tuple[str, str]] | None:
    """Split ``[a, 'b', "c"]`` into (kind, text) items; None when it is not array-like."""
    inner = text[1:-1]
    items: list[tuple[str, str]] = []
    i, n = 0, len(inner)
    expect_item = True
    trailing_comma = False
    while i < n:
        c = inner[i]
        if c in " \t":
            i += 1
            continue
        if not expect_item:
            if c != ",":
                return None
            expect_item = True
            trailing_comma = True
            i += 1
            continue
        trailing_comma = False
        if c == "'":
            end = inner.find("'", i + 1)
            if end < 0:
                return None
            items.append(("single", inner[i + 1 : end]))
            i = end + 1
        elif c == '"':
            j = i + 1
            while j < n and inner[j] != '"':
                j += 2 if inner[j] == "\\" else 1
            if j >= n:
                return None
            items.append(("double", inner[i : j + 1]))
            i = j + 1
        else:
            j = i
            while j < n and inner[j] not in ", \t'\"":
                j += 1
            if j == i:
                return None
            items.append(("bare", inner[i:j]))
            i = j
        expect_item = False
    if not items:
        return None
    if trailing_comma:
        items.append(("trailing", ""))
    return items


def _invalid_json(ctx: LintContext) -> Iterator[Violation]:
    for ins in all_instructions(ctx):
        if ins.keyword not in _JSON_KEYWORDS or ins.is_exec_form:
            continue
        args = ins.args
        if not (args.startswith("[") and args.endswith("]")) or ins.heredocs:
            continue
        items = _array_items(args)
        if items is None:
            continue
        kinds = {kind for kind, _ in items}
        commas = "," in args
        if kinds == {"double"}:
            continue  # valid JSON strings but rejected otherwise (e.g. a parse error)
        if "bare" in kinds and not commas:
            continue  # ``[ -f x ]`` style shell test, not an attempted array
        values: list[str] = []
        fixable = True
        for kind, text in items:
            if kind == "trailing":
                continue
            if kind == "double":
                try:
                    values.append(json.loads(text))
                except ValueError:
                    fixable = False
            elif kind == "single":
                if "\\" in text or "$" in text:
                    fixable = False
                values.append(text)
            else:
                if "$" in text or "\\" in text:
                    fixable = False
                values.append(text)
        problem = (
            "single quotes"
            if "single" in kinds
            else "unquoted items"
            if "bare" in kinds
            else "a trailing comma"
        )
        fix = None
        advice = "write a JSON array of double-quoted strings"
        if fixable and values:
            new = json.dumps(values, ensure_ascii=False)
            advice = f"write {new}"
            fix = Fix(
                f"Write valid JSON: {new}", (Edit(ins.args_span.start, ins.args_span.end, new),)
            )
        runs_shell = ins.keyword in ("RUN", "CMD", "ENTRYPOINT")
        consequence = (
            "so Docker runs the whole text as a /bin/sh -c command, which fails"
            if runs_shell
            else "so Docker reads it as plain words, brackets and quotes included"
        )
        if ins.keyword == "SHELL":
            consequence = "and SHELL accepts only the JSON form: the build fails"
        yield Violation(
            ins.args_span,
            f"This looks like the exec (JSON) form but has {problem}, which JSON does not "
            f"allow, {consequence}; {advice}",
            fix,
        )


# -- LW942: ENV that uses a variable it defines ------------------------------------------


def _env_self_reference(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        if ins.keyword != "ENV" or len(ins.pairs) < 2:
            continue
        env = ctx.env_at(ins)
        keys = [pair.key.value for pair in ins.pairs]
        reported = False
        for index, pair in enumerate(ins.pairs):
            if pair.value is None or "$" not in pair.value.raw:
                continue
            for name, start, end in variable_references(pair.value.raw, ctx.doc.escape):
                others = [j for j, key in enumerate(keys) if key == name and j != index]
                if not others or name in env:
                    continue
                span = pair.value.span
                if span.end - span.start == len(pair.value.raw):
                    span = Span(span.start + start, span.start + end)
                earlier = [j for j in others if j < index]
                fix = _split_env_fix(ctx, ins, index) if earlier and not reported else None
                reported = reported or fix is not None
                yield Violation(
                    span,
                    f"${name} here expands to the value {name} had before this ENV, not to the "
                    f"one this ENV assigns; set {name} in an earlier ENV",
                    fix,
                    (Related(ins.pairs[others[0]].key.span, f"{name} is set here"),),
                )


def _split_env_fix(ctx: LintContext, ins: Instruction, index: int) -> Fix | None:
    before = ins.pairs[index - 1]
    end_before = (before.value or before.key).span.end
    start_next = ins.pairs[index].key.span.start
    if any(end_before <= c.span.start < start_next for c in ctx.doc.comments):
        return None
    indent = line_indent(ctx, ins.span.start)
    return Fix(
        f"Split the ENV before {ins.pairs[index].key.value}",
        (Edit(end_before, start_next, f"{ctx.newline}{indent}{ins.keyword_raw} "),),
        safe=False,
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
        severity=Severity.WARNING,
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
    Rule(
        code="LW928",
        name="invalid-json-form",
        summary="An exec-form argument list that is not valid JSON",
        severity=Severity.WARNING,
        category="correctness",
        check=_invalid_json,
        fixable=True,
    ),
    Rule(
        code="LW942",
        name="env-uses-own-variable",
        summary="ENV uses a variable defined in the same instruction",
        severity=Severity.WARNING,
        category="correctness",
        check=_env_self_reference,
        aliases=("DL3044",),
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
)
