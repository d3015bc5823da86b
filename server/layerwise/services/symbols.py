"""The outline of a Dockerfile and the names it offers to a workspace-wide search.

:func:`document_symbols` is a tree: a section for the global ARGs before the first
FROM, then one node per stage holding its instructions; ARG and ENV pairs are
variables, heredocs hang under their instruction. Every node's ``selection`` is the
name it shows (the stage name, the variable, the delimiter), inside its ``span``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..syntax.model import Dockerfile, Heredoc, Instruction, Span, Stage

OutlineKind = Literal["section", "stage", "instruction", "variable", "heredoc"]

GLOBAL_SECTION = "global ARGs"
_DETAIL_LENGTH = 60


@dataclass(frozen=True, slots=True)
class OutlineSymbol:
    name: str
    kind: OutlineKind
    detail: str
    span: Span
    selection: Span
    children: tuple[OutlineSymbol, ...] = ()


@dataclass(frozen=True, slots=True)
class NamedSymbol:
    """A stage or an ARG, for workspace symbol search."""

    name: str
    kind: Literal["stage", "variable"]
    #: The stage it belongs to (its name or ``stage N``), or :data:`GLOBAL_SECTION`.
    container: str
    span: Span


def document_symbols(doc: Dockerfile) -> list[OutlineSymbol]:
    """The outline tree of ``doc`` (pure)."""
    symbols: list[OutlineSymbol] = []
    if doc.preamble:
        first, last = doc.preamble[0], doc.preamble[-1]
        symbols.append(
            OutlineSymbol(
                GLOBAL_SECTION,
                "section",
                "before the first FROM",
                Span(first.span.start, last.span.end),
                first.keyword_span,
                tuple(_members(doc.preamble)),
            )
        )
    for stage in doc.stages:
        symbols.append(
            OutlineSymbol(
                stage_label(stage),
                "stage",
                stage.base.raw if stage.base is not None else "",
                stage.span,
                _stage_selection(stage),
                tuple(_members(stage.instructions[1:])),
            )
        )
    return symbols


def named_symbols(doc: Dockerfile) -> list[NamedSymbol]:
    """The stages and ARGs of ``doc``, for a search across files (pure)."""
    found: list[NamedSymbol] = []
    for ins in doc.preamble:
        found.extend(_args(ins, GLOBAL_SECTION))
    for stage in doc.stages:
        label = stage_label(stage)
        if stage.name_token is not None:
            found.append(NamedSymbol(stage.name_token.value, "stage", "", stage.name_token.span))
        for ins in stage.instructions[1:]:
            found.extend(_args(ins, label))
    return found


def matches(query: str, name: str) -> bool:
    """The query's characters appear in ``name`` in order, whatever their case."""
    if not query:
        return True
    position = 0
    lowered = name.lower()
    for char in query.lower():
        position = lowered.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


def stage_label(stage: Stage) -> str:
    return stage.name_token.value if stage.name_token is not None else f"stage {stage.index}"


def _args(ins: Instruction, container: str) -> list[NamedSymbol]:
    if ins.keyword != "ARG":
        return []
    return [NamedSymbol(p.key.value, "variable", container, p.key.span) for p in ins.pairs]


def _stage_selection(stage: Stage) -> Span:
    token = stage.name_token or stage.base
    return token.span if token is not None else stage.from_instruction.keyword_span


def _members(instructions: tuple[Instruction, ...]) -> list[OutlineSymbol]:
    members: list[OutlineSymbol] = []
    for ins in instructions:
        if ins.keyword in ("ARG", "ENV") and ins.pairs:
            members.extend(_variables(ins))
            continue
        shown = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger is not None else ins
        detail = _summary(ins.args)
        members.append(
            OutlineSymbol(
                ins.keyword,
                "instruction",
                detail,
                ins.span,
                ins.keyword_span,
                tuple(_heredoc(h) for h in shown.heredocs),
            )
        )
    return members


def _variables(ins: Instruction) -> list[OutlineSymbol]:
    single = len(ins.pairs) == 1
    out = []
    for pair in ins.pairs:
        value = pair.value
        end = value.span.end if value is not None else pair.key.span.end
        span = ins.span if single else Span(pair.key.span.start, end)
        detail = ins.keyword + (f" = {_summary(value.value)}" if value is not None else "")
        out.append(OutlineSymbol(pair.key.value, "variable", detail, span, pair.key.span))
    return out


def _heredoc(heredoc: Heredoc) -> OutlineSymbol:
    end = heredoc.terminator.end if heredoc.terminator is not None else heredoc.body.end
    first_line = heredoc.content.split("\n", 1)[0]
    return OutlineSymbol(
        f"<<{heredoc.name}",
        "heredoc",
        _summary(first_line),
        Span(heredoc.marker.start, max(end, heredoc.marker.end)),
        heredoc.marker,
    )


def _summary(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _DETAIL_LENGTH else flat[: _DETAIL_LENGTH - 1] + "…"
