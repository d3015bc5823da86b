"""Which build arguments and environment variables an instruction sees, and where each was set.

BuildKit's scoping: an ARG before the first FROM is global and only FROM lines can use
it, unless a stage declares it again (``ARG NAME``, which takes the global default); the
platform arguments (TARGETARCH...) are in the global scope without a declaration and
need an ``ARG`` inside a stage; an ARG or ENV inside a stage is visible to the following
instructions of that stage; ENV (not ARG) carries over to stages built ``FROM`` it; an
ENV wins over an ARG of the same name. Values come from :func:`analysis.facts.expand`:
``None`` when they depend on the build (``--build-arg``, the platform).

Editor services share this: hover shows a variable's value, completion lists them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..analysis.facts import expand, stage_infos, variable_references
from ..syntax.model import Dockerfile, Instruction, KeyValue, Span, Stage
from .reference import PREDEFINED_ARGS

#: Instructions whose variables the shell expands when it runs, not BuildKit.
SHELL_EXPANDED = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})
#: Instructions that run in the container, where only ENV is in the environment.
RUNTIME = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK"})


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    #: The value at this point; ``None`` when only the build knows it.
    value: str | None
    #: ``ARG``, ``ENV`` or ``predefined`` (set by BuildKit, not declared in the file).
    kind: str
    #: ``global`` (ARG before the first FROM), ``stage``, ``inherited`` (ENV of a stage
    #: this one is built FROM) or ``predefined``.
    scope: str
    #: The declaring ``name=value`` (``None`` for predefined ones).
    pair: KeyValue | None = None
    #: Line (0-based) of the declaration.
    line: int | None = None
    #: The stage the declaration is in (for ``inherited``: the ancestor).
    stage: Stage | None = None
    #: An ``ARG NAME`` without a default: the global ARG it takes its default from.
    global_default: Variable | None = None
    #: The declaration has a default value (``ARG NAME=x``, every ENV).
    has_default: bool = True


@dataclass(frozen=True, slots=True)
class Lookup:
    """What ``$name`` means at an instruction."""

    name: str
    #: The variable in scope, or ``None``.
    variable: Variable | None
    #: Why it is not in scope although the file or BuildKit defines it: ``global`` (a
    #: global ARG the stage does not declare), ``platform`` (a platform ARG the stage does
    #: not declare); ``None`` otherwise.
    hidden: str | None = None
    #: The declaration that is out of reach (for ``hidden == "global"``).
    hidden_variable: Variable | None = None


def _values(scope: dict[str, Variable]) -> dict[str, str | None]:
    return {name: v.value for name, v in scope.items()}


def _predefined_global() -> dict[str, Variable]:
    return {
        name: Variable(name, None, "predefined", "predefined")
        for name, doc in PREDEFINED_ARGS.items()
        if doc.group == "platform"
    }


def global_scope(doc: Dockerfile, before: int | None = None) -> dict[str, Variable]:
    """The variables FROM lines see: predefined platform ARGs and the global ARGs
    (those declared before offset ``before``, when given)."""
    scope = _predefined_global()
    for ins in doc.preamble:
        if before is not None and ins.span.start >= before:
            break
        if ins.keyword != "ARG":
            continue
        for pair in ins.pairs:
            value = pair.value.value if pair.value is not None else None
            if value is not None and "$" in value:
                value = expand(value, _values(scope), doc.escape)
            scope[pair.key.value] = Variable(
                pair.key.value,
                value,
                "ARG",
                "global",
                pair,
                doc.source.line_of(pair.key.span.start),
                has_default=pair.value is not None,
            )
    return scope


class Scopes:
    """Variable scopes of one document; computed per stage on demand."""

    def __init__(self, doc: Dockerfile) -> None:
        self.doc = doc
        self._globals = global_scope(doc)
        self._parents: dict[int, Stage | None] = {}
        for info in stage_infos(doc):
            self._parents[info.stage.index] = info.parent
        self._final: dict[int, dict[str, Variable]] = {}

    @property
    def globals(self) -> dict[str, Variable]:
        return self._globals

    def parent(self, stage: Stage) -> Stage | None:
        return self._parents.get(stage.index)

    def at(self, ins: Instruction) -> dict[str, Variable]:
        """The variables ``ins`` sees (a FROM or a global ARG: the global scope)."""
        stage = self.doc.stage_of(ins)
        if stage is None or ins is stage.from_instruction:
            return global_scope(self.doc, ins.span.start) if stage is None else self._globals
        for scope, other in self._walk(stage, (stage.index,)):
            if other is None or other is ins or other.span.start >= ins.span.start:
                return scope
        return self.end_of(stage)

    def end_of(self, stage: Stage) -> dict[str, Variable]:
        """The variables after the stage's last instruction."""
        return self._end_of(stage, (stage.index,))

    def lookup(self, ins: Instruction, name: str) -> Lookup:
        scope = self.at(ins)
        found = scope.get(name)
        if found is not None:
            return Lookup(name, found)
        stage = self.doc.stage_of(ins)
        if stage is None or ins is stage.from_instruction:
            return Lookup(name, None)
        declared = self._globals.get(name)
        if declared is not None and declared.kind == "ARG":
            return Lookup(name, None, "global", declared)
        doc = PREDEFINED_ARGS.get(name)
        if doc is not None and doc.group == "platform":
            return Lookup(name, None, "platform")
        if doc is not None and doc.group == "proxy" and ins.keyword == "RUN":
            return Lookup(name, Variable(name, None, "predefined", "predefined"))
        return Lookup(name, None)

    # -- walking a stage ------------------------------------------------------------
    def _end_of(self, stage: Stage, seen: tuple[int, ...]) -> dict[str, Variable]:
        known = self._final.get(stage.index)
        if known is None:
            known = {}
            for scope, _ in self._walk(stage, seen):
                known = scope
            self._final[stage.index] = known
        return known

    def _walk(
        self, stage: Stage, seen: tuple[int, ...]
    ) -> Iterator[tuple[dict[str, Variable], Instruction | None]]:
        """(scope before it, instruction) for each instruction after FROM, then
        (scope at the end, ``None``)."""
        scope: dict[str, Variable] = {}
        parent = self.parent(stage)
        if parent is not None and parent.index not in seen:
            inherited = self._end_of(parent, (*seen, parent.index))
            for name, var in inherited.items():
                if var.kind == "ENV":
                    scope[name] = (
                        var
                        if var.scope == "inherited"
                        else Variable(
                            var.name, var.value, "ENV", "inherited", var.pair, var.line, var.stage
                        )
                    )
        line_of = self.doc.source.line_of
        escape = self.doc.escape
        for ins in stage.instructions[1:]:
            yield scope, ins
            if ins.keyword not in ("ARG", "ENV"):
                continue
            before = _values(scope)
            scope = dict(scope)
            for pair in ins.pairs:
                name = pair.key.value
                line = line_of(pair.key.span.start)
                if ins.keyword == "ENV":
                    raw = pair.value.value if pair.value is not None else ""
                    value = expand(raw, before, escape) if "$" in raw else raw
                    scope[name] = Variable(name, value, "ENV", "stage", pair, line, stage)
                    continue
                current = scope.get(name)
                if current is not None and current.kind == "ENV":
                    continue  # an ENV of the same name wins over the ARG
                if pair.value is None:
                    fallback = self._globals.get(name)
                    known = fallback if fallback is not None and fallback.kind == "ARG" else None
                    scope[name] = Variable(
                        name,
                        known.value if known is not None else None,
                        "ARG",
                        "stage",
                        pair,
                        line,
                        stage,
                        global_default=known,
                        has_default=False,
                    )
                    continue
                raw = pair.value.value
                value = expand(raw, _values(scope), escape) if "$" in raw else raw
                scope[name] = Variable(name, value, "ARG", "stage", pair, line, stage)
        yield scope, None


@dataclass(frozen=True, slots=True)
class Reference:
    """A ``$NAME`` / ``${NAME...}`` in the text, with its source span."""

    name: str
    text: str  # the whole reference as written, ``${NAME:-x}``
    span: Span
    #: The builder passes the text on without expanding it (exec form of RUN/CMD/...).
    literal: bool = False


def reference_at(doc: Dockerfile, ins: Instruction, offset: int) -> Reference | None:
    """The variable reference of ``ins`` under ``offset``, if any."""
    escape = doc.escape
    target = ins.trigger if ins.trigger is not None else ins
    for flag in target.flags:
        if flag.value_span is not None and flag.value and flag.value_span.contains(offset):
            base = flag.value_span.start
            for name, start, end in variable_references(flag.value, escape):
                span = Span(base + start, base + end)
                if span.contains(offset):
                    return Reference(name, flag.value[start:end], span)
    if ins.args_span.contains(offset) and "$" in ins.args:
        literal = target.is_exec_form and target.keyword in SHELL_EXPANDED
        for name, start, end in variable_references(ins.args, escape):
            span = ins.args_to_span(start, end)
            if span.contains(offset):
                return Reference(name, ins.args[start:end], span, literal)
    for heredoc in target.heredocs:
        if heredoc.body.start <= offset <= heredoc.body.end:
            if not heredoc.expand and target.keyword != "RUN":
                return None
            line = doc.source.line_of(offset)
            start = doc.source.line_start(line)
            text = doc.source.line_text(line)
            for name, s, e in variable_references(text, "\\"):
                span = Span(start + s, start + e)
                if span.contains(offset):
                    return Reference(name, text[s:e], span)
    return None
