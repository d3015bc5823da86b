"""Inlay hints: the value a word with variables takes, where the file fixes it.

``FROM ${BASE}`` shows ``: python:3.12-slim`` when ``ARG BASE=python:3.12-slim`` is
above it. Values come from ARG defaults and ENV as BuildKit scopes them (see
:meth:`layerwise.analysis.context.LintContext.resolve`); a word whose value depends on
the build (an ARG without a default, a platform ARG, the base image's environment)
gets no hint. Shell instructions (RUN, CMD, ENTRYPOINT, HEALTHCHECK) get none either:
their variables are expanded by the shell when the command runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..analysis.context import LintContext
from ..analysis.facts import AUTOMATIC_ARGS, arg_env, expand, variable_references
from ..syntax.model import Dockerfile, Instruction, Token

#: Longer values are cut, keeping the start, so a hint never takes over the line.
MAX_LENGTH = 60

# Instructions whose arguments the builder expands itself.
_EXPANDED = frozenset(
    {"FROM", "COPY", "ADD", "WORKDIR", "USER", "ENV", "ARG", "LABEL", "EXPOSE", "VOLUME",
     "STOPSIGNAL"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ValueHint:
    offset: int  # where the hint goes: just after the word
    label: str  # ``": value"``
    value: str  # the whole value, for a tooltip


def value_hints(doc: Dockerfile, start: int = 0, end: int | None = None) -> list[ValueHint]:
    """Hints for the words in ``[start, end]`` (code-point offsets)."""
    if end is None:
        end = len(doc.text)
    ctx = LintContext(doc)
    global_env: dict[str, str | None] | None = None
    hints: list[ValueHint] = []
    for ins in doc.instructions:
        if ins.span.end < start:
            continue
        if ins.span.start > end:
            break
        if ins.keyword not in _EXPANDED:
            continue
        if ins.keyword == "FROM":
            if global_env is None:
                global_env = arg_env(doc.preamble)
            env = global_env
        else:
            env = ctx.env_at(ins)
        for token in _expanded_tokens(ins):
            if not start <= token.span.end <= end:
                continue
            value = _resolve(token, env, doc.escape)
            if value is not None:
                hints.append(ValueHint(token.span.end, ": " + _shorten(value), value))
    return hints


def _expanded_tokens(ins: Instruction) -> Iterator[Token]:
    for flag in ins.flags:
        if flag.value is not None and flag.value_span is not None and "$" in flag.value:
            raw = flag.value  # flag values are unquoted already
            yield Token(raw, flag.value, flag.value_span)
    if ins.keyword in ("ARG", "ENV", "LABEL"):
        for pair in ins.pairs:
            if pair.value is not None:
                yield pair.value
        return
    args = ins.exec_args if ins.exec_args is not None else ins.words
    if ins.keyword == "FROM":
        args = args[:1]  # the image; "AS name" is never expanded
    heredocs = {h.marker for h in ins.heredocs}
    for token in args:
        if token.span not in heredocs:
            yield token


def _resolve(token: Token, env: dict[str, str | None], escape: str) -> str | None:
    """The token's value, when it has variables and the file fixes all of them."""
    raw = token.raw
    if "$" not in raw:
        return None
    names = [name for name, _, _ in variable_references(raw, escape)]
    if not names or any(name in AUTOMATIC_ARGS for name in names):
        return None
    if "'" in raw:
        return None  # single quotes keep "$" literal: rare enough not to model
    if escape + "$" in raw:
        if '"' in raw:
            return None
        return expand(raw, env, escape)  # an escaped "$" stays literal
    return expand(token.value, env, escape)


def _shorten(value: str) -> str:
    if not value:
        return '""'
    value = value.replace("\n", " ")
    return value if len(value) <= MAX_LENGTH else value[: MAX_LENGTH - 1] + "…"
