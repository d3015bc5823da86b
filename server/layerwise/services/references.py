"""Names and their uses in a Dockerfile: stages, ARG/ENV variables, heredoc delimiters.

:func:`symbol_table` reads a parsed :class:`Dockerfile` once and records every
occurrence of a name with its exact span (code points, the name only: no ``$``,
braces, quotes or ``<<``). Navigation, highlighting and rename read the table.

Stages
    ``FROM image AS name`` defines ``name``. ``FROM name`` refers to it when an
    earlier stage has that name; ``COPY --from=name``, ``ADD --from=name`` and
    ``RUN --mount=...,from=name`` refer to a stage of any position. Names compare
    without regard to case, as BuildKit compares them. A ``--from`` or base that
    names no stage names an image: an ``image`` occurrence, never renamed. A stage
    index (``--from=0``) refers to the stage but is not a name: it stays as it is
    on rename. ``ONBUILD COPY --from=x`` names a stage of the build that uses this
    image, not of this file: it is not a reference.

Variables
    Scoped as BuildKit scopes them. ARGs before the first FROM are global: visible
    in FROM lines and, inside a stage, only after an ``ARG NAME`` without a value
    re-declares them (``ARG NAME=x`` in a stage declares a new variable). An ARG or
    ENV is visible from the instruction after it to the end of its stage; ENV also
    in the stages built ``FROM`` that stage. Redefining a name that is visible
    (``ENV PATH=...`` again, ``ARG V`` then ``ENV V=$V``) continues the same
    variable: one symbol per chain of definitions, so renaming one renames all of
    them and every reference keeps pointing where it pointed.

    BuildKit expands ``$X``, ``${X}``, ``${X:-d}``, ``${X:+a}`` ... (the default
    word included) in ADD, ARG, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER,
    VOLUME and WORKDIR, and in instruction flags. In RUN the shell expands them
    while building: a ``$X`` there refers to the ARG or ENV in scope, and to
    nothing when none is (a shell variable). CMD, ENTRYPOINT and HEALTHCHECK
    commands run in the container, where ARGs are gone: they refer to ENV only,
    and so do ONBUILD triggers, which run in a later build on this image. Exec
    form RUN/CMD/ENTRYPOINT arguments have no shell and expand nothing. A name
    the file never defines in a BuildKit-expanded place is ``predefined``
    (BuildKit's automatic ARGs such as TARGETARCH) or ``external`` (the base
    image's environment, a build argument): findable, never renamed.

Heredocs
    The opening ``<<EOF`` and its terminating line are one symbol per heredoc.
    Bodies: the variables of an unquoted heredoc (``<<EOF``) are references; a
    quoted one (``<<'EOF'``) is literal, except a bare ``RUN <<'EOF'`` whose body
    is the shell script.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

from ..analysis.facts import AUTOMATIC_ARGS, stage_infos, variable_references
from ..syntax.model import Dockerfile, Flag, Heredoc, Instruction, KeyValue, Span, Stage

SymbolKind = Literal["stage", "variable", "heredoc", "image"]

#: Build arguments BuildKit defines itself; their names are part of its interface.
PREDEFINED_ARGS = AUTOMATIC_ARGS | frozenset(
    {"http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "all_proxy", "SOURCE_DATE_EPOCH"}
)
#: Stage-independent scope: the global ARGs and the FROM lines that see them.
GLOBAL_SCOPE = -1

# Instructions whose arguments BuildKit expands itself (ARG and ENV handled apart).
_BUILD_EXPANDED = frozenset(
    {"ADD", "COPY", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)
_RUNTIME_SHELL = frozenset({"CMD", "ENTRYPOINT"})
_FLAG_EXPANDED = frozenset({"ADD", "COPY", "RUN"})
_HEALTHCHECK_EXEC = re.compile(r"\s*CMD\s*\[", re.IGNORECASE)
_NON_SHELL_SCRIPT = re.compile(r"#!(?!\S*(?:/|\s)(?:ba|da|a|z)?sh\b)")


def is_predefined(name: str) -> bool:
    return name in PREDEFINED_ARGS or name.startswith("BUILDKIT_")


@dataclass(eq=False)
class Symbol:
    """One name: a stage, a variable (a chain of ARG/ENV definitions), a heredoc, an image."""

    kind: SymbolKind
    #: As the file writes it at its first occurrence; stages lower-cased.
    name: str
    occurrences: list[Occurrence] = field(default_factory=list)
    #: Why the name cannot be renamed; ``None`` when it can.
    fixed: str | None = None
    #: Scopes it occurs in: stage indexes, :data:`GLOBAL_SCOPE` for global ARGs.
    scopes: set[int] = field(default_factory=set)
    #: Variables: the keywords that define it ("ARG", "ENV").
    declared_by: set[str] = field(default_factory=set)

    @property
    def definitions(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.write]


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A name in the text: its definition (``write``) or a use."""

    span: Span
    symbol: Symbol
    write: bool
    #: The definition this occurrence resolves to: for a use, the binding in effect;
    #: for a redefinition, the one it continues; a first definition, itself.
    #: ``None`` when the file has none (images, predefined and external names).
    target: Span | None
    #: The text at ``span`` is the name (a stage index like ``--from=0`` is not).
    editable: bool = True
    #: Where the cursor starts to select it: the ``$`` or ``${`` before a variable's name.
    lead: int | None = None

    @property
    def reach(self) -> Span:
        return Span(self.span.start if self.lead is None else self.lead, self.span.end)


@dataclass(frozen=True)
class SymbolTable:
    symbols: tuple[Symbol, ...]
    #: Every occurrence, ordered by position.
    occurrences: tuple[Occurrence, ...]
    _starts: tuple[int, ...]

    def at(self, offset: int) -> Occurrence | None:
        """The occurrence under (or just before) the cursor at ``offset``."""
        index = bisect_right(self._starts, offset) - 1
        if index >= 0 and self.occurrences[index].reach.contains(offset):
            return self.occurrences[index]
        return None

    def named(self, kind: SymbolKind, name: str) -> list[Symbol]:
        wanted = name.lower() if kind == "stage" else name
        return [s for s in self.symbols if s.kind == kind and s.name == wanted]


def symbol_table(doc: Dockerfile) -> SymbolTable:
    """Every stage, variable and heredoc name of ``doc`` with its uses (pure)."""
    return _Builder(doc).build()


@dataclass
class _Scope:
    """What a stage sees while its instructions are read in order."""

    index: int
    symbols: dict[str, Symbol] = field(default_factory=dict)
    #: The definition in effect for build steps (ENV wins over a later ARG of a name).
    binding: dict[str, Span] = field(default_factory=dict)
    #: The ENV definition in effect: what the container (and ONBUILD) sees.
    env_binding: dict[str, Span] = field(default_factory=dict)

    def inherited(self, index: int) -> _Scope:
        """The scope of a stage built FROM this one: its ENV only."""
        return _Scope(
            index,
            {n: self.symbols[n] for n in self.env_binding},
            dict(self.env_binding),
            dict(self.env_binding),
        )


class _Builder:
    def __init__(self, doc: Dockerfile) -> None:
        self.doc = doc
        self.text = doc.text
        self.escape = doc.escape
        self.symbols: list[Symbol] = []
        self.occurrences: list[Occurrence] = []
        self.globals = _Scope(GLOBAL_SCOPE)
        self._unknown: dict[tuple[int, str], Symbol] = {}
        self._images: dict[str, Symbol] = {}
        self._stages: dict[int, Symbol] = {}

    def build(self) -> SymbolTable:
        self._stage_names()
        self._global_args()
        self._stage_references()
        scopes: dict[int, _Scope] = {}
        for info in stage_infos(self.doc):
            stage = info.stage
            self._from_line(stage)
            parent = scopes.get(info.parent.index) if info.parent is not None else None
            scope = parent.inherited(stage.index) if parent is not None else _Scope(stage.index)
            for ins in stage.instructions[1:]:
                self._instruction(ins, scope)
            scopes[stage.index] = scope
        for ins in self.doc.instructions:
            target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger else ins
            for heredoc in target.heredocs:
                self._heredoc(heredoc)
        occurrences = sorted(self.occurrences, key=lambda o: (o.reach.start, o.span.end))
        return SymbolTable(
            tuple(self.symbols), tuple(occurrences), tuple(o.reach.start for o in occurrences)
        )

    # -- recording ---------------------------------------------------------------
    def _symbol(self, kind: SymbolKind, name: str, fixed: str | None = None) -> Symbol:
        symbol = Symbol(kind, name, fixed=fixed)
        self.symbols.append(symbol)
        return symbol

    def _add(
        self,
        symbol: Symbol,
        span: Span,
        write: bool,
        target: Span | None,
        editable: bool = True,
        lead: int | None = None,
    ) -> None:
        occurrence = Occurrence(span, symbol, write, target, editable, lead)
        symbol.occurrences.append(occurrence)
        self.occurrences.append(occurrence)

    def _name_span(self, raw: str, value: str, span: Span) -> Span | None:
        """The span of ``value`` inside a token written as ``raw`` (plain or quoted)."""
        if span.end - span.start != len(raw):
            return None  # the token crosses a line continuation
        if raw == value:
            return span
        if len(raw) == len(value) + 2 and raw[0] == raw[-1] and raw[0] in "'\"":
            return Span(span.start + 1, span.end - 1)
        return None

    # -- stages ------------------------------------------------------------------
    def _stage_names(self) -> None:
        by_name: dict[str, Symbol] = {}
        for stage in self.doc.stages:
            token = stage.name_token
            name = stage.name
            if token is None or name is None:
                continue
            symbol = by_name.get(name)
            if symbol is None:
                symbol = by_name[name] = self._symbol("stage", name)
            symbol.scopes.add(stage.index)
            self._stages[stage.index] = symbol
            span = self._name_span(token.raw, token.value, token.span)
            if span is not None:
                self._add(symbol, span, True, span)

    def _stage_target(self, stage: Stage) -> Span:
        token = stage.name_token or stage.base
        return token.span if token is not None else stage.from_instruction.keyword_span

    def _stage_use(self, value: str, raw_span: Span, raw: str, before: int | None) -> None:
        """A word naming a stage or an image (``before``: only stages before that index)."""
        if not value or "$" in value:
            return
        span = self._name_span(raw, value, raw_span)
        if span is None:
            return
        stages = self.doc.stages if before is None else self.doc.stages[:before]
        if value.isdigit() and before is None:
            index = int(value)
            if index < len(stages):
                stage = stages[index]
                symbol = self._stages.get(index)
                if symbol is None:
                    symbol = self._stages[index] = self._symbol(
                        "stage",
                        value,
                        fixed=f"stage {index} has no name: name it with FROM ... AS name first",
                    )
                self._add(symbol, span, False, self._stage_target(stage), editable=False)
            return
        lowered = value.lower()
        for stage in stages:
            if stage.name == lowered:
                self._add(self._stages[stage.index], span, False, self._stage_target(stage))
                return
        image = self._images.get(value)
        if image is None:
            image = self._images[value] = self._symbol(
                "image",
                value,
                fixed=f"'{value}' is an image, not a stage of this Dockerfile: "
                "only stage names can be renamed",
            )
        self._add(image, span, False, None)

    def _stage_references(self) -> None:
        for stage in self.doc.stages:
            base = stage.base
            if base is not None:
                self._stage_use(base.value, base.span, base.raw, stage.index)
            for ins in stage.instructions[1:]:
                for flag in ins.flags:
                    if flag.name == "from" and ins.keyword in ("COPY", "ADD"):
                        self._flag_stage(flag)
                    elif flag.name == "mount" and ins.keyword == "RUN":
                        self._mount_stage(flag)

    def _flag_stage(self, flag: Flag) -> None:
        if flag.value is None or flag.value_span is None:
            return
        raw = self.text[flag.value_span.start : flag.value_span.end]
        self._stage_use(flag.value, flag.value_span, raw, None)

    def _mount_stage(self, flag: Flag) -> None:
        if not flag.value or flag.value_span is None:
            return
        span = flag.value_span
        raw = self.text[span.start : span.end]
        if len(raw) == len(flag.value) + 2 and raw[0] in "'\"":
            raw, span = raw[1:-1], Span(span.start + 1, span.end - 1)
        if raw != flag.value:
            return  # escapes or a continuation inside the flag: offsets unknown
        position = 0
        for part in raw.split(","):
            key, sep, value = part.partition("=")
            if sep and key.strip().lower() == "from":
                start = span.start + position + len(key) + 1
                self._stage_use(value, Span(start, start + len(value)), value, None)
            position += len(part) + 1

    # -- heredocs ----------------------------------------------------------------
    def _heredoc(self, heredoc: Heredoc) -> None:
        marker = self.text[heredoc.marker.start : heredoc.marker.end]
        at = marker.find(heredoc.name, marker.find("<<") + 2)
        if at < 0:
            return
        opening = Span(heredoc.marker.start + at, heredoc.marker.start + at + len(heredoc.name))
        symbol = self._symbol("heredoc", heredoc.name)
        self._add(symbol, opening, True, opening)
        if heredoc.terminator is not None:
            self._add(symbol, heredoc.terminator, False, opening)

    # -- variables ---------------------------------------------------------------
    def _unknown_symbol(self, scope: int, name: str) -> Symbol:
        key = (scope, name)
        symbol = self._unknown.get(key)
        if symbol is None:
            if is_predefined(name):
                fixed = f"{name} is predefined by BuildKit: its name cannot change"
            else:
                fixed = (
                    f"{name} is not defined in this Dockerfile (it comes from the base image"
                    " or the build): there is no definition to rename"
                )
            symbol = self._unknown[key] = self._symbol("variable", name, fixed=fixed)
            symbol.scopes.add(scope)
        return symbol

    def _global_args(self) -> None:
        scope = self.globals
        for ins in self.doc.preamble:
            if ins.keyword == "ARG":
                self._definitions(ins, scope, "ARG")

    def _from_line(self, stage: Stage) -> None:
        ins = stage.from_instruction
        refs = self._flag_refs(ins)
        if "$" in ins.args:
            refs += self._refs(ins, ins.args, self.escape)
        for name, span in refs:
            self._use(name, span, self.globals, "build", shell=False)

    def _instruction(self, ins: Instruction, scope: _Scope, trigger: bool = False) -> None:
        keyword = ins.keyword
        if keyword == "ONBUILD":
            if ins.trigger is not None:
                self._instruction(ins.trigger, scope, trigger=True)
            return
        # Build steps see ARG and ENV; an ONBUILD trigger runs later, on this image's ENV.
        mode = "runtime" if trigger else "build"
        if keyword in ("ARG", "ENV"):
            if trigger:
                for name, span in self._refs(ins, ins.args, self.escape):
                    self._use(name, span, scope, mode, shell=False)
            else:
                self._definitions(ins, scope, keyword)
            return
        refs: list[tuple[str, Span]] = []
        if keyword in _FLAG_EXPANDED:
            refs += self._flag_refs(ins)
        if keyword in _BUILD_EXPANDED and "$" in ins.args:
            refs += self._refs(ins, ins.args, self.escape)
        for name, span in refs:
            self._use(name, span, scope, mode, shell=False)
        shell_refs: list[tuple[str, Span]] = []
        if keyword == "RUN" or keyword in _RUNTIME_SHELL or keyword == "HEALTHCHECK":
            if keyword in _RUNTIME_SHELL:
                mode = "runtime"
            if keyword == "HEALTHCHECK":
                mode = "runtime"
                exec_form = _HEALTHCHECK_EXEC.match(ins.args) is not None
            else:
                exec_form = ins.is_exec_form
            if not exec_form and "$" in ins.args:
                shell_refs += self._refs(ins, ins.args, "\\")
        for name, span in shell_refs:
            self._use(name, span, scope, mode, shell=True)
        for heredoc in ins.heredocs:
            # A COPY/ADD body is BuildKit's to expand; RUN's, the shell's.
            for name, span in self._heredoc_refs(ins, heredoc):
                self._use(name, span, scope, mode, shell=keyword == "RUN")

    def _heredoc_refs(self, ins: Instruction, heredoc: Heredoc) -> list[tuple[str, Span]]:
        body = self.text[heredoc.body.start : heredoc.body.end]
        if "$" not in body:
            return []
        marker = self.text[heredoc.marker.start : heredoc.marker.end]
        script = ins.keyword == "RUN" and ins.args.strip() == marker
        if script and _NON_SHELL_SCRIPT.match(body):
            return []
        if not script and not heredoc.expand:
            return []
        escape = "\\" if ins.keyword == "RUN" else self.escape
        base = heredoc.body.start
        refs = []
        for name, start, _ in variable_references(body, escape, quotes=script, nested=True):
            begin = start + (2 if body[start + 1] == "{" else 1)
            refs.append((name, Span(base + begin, base + begin + len(name))))
        return refs

    def _refs(self, ins: Instruction, text: str, escape: str) -> list[tuple[str, Span]]:
        """Variable names in ``ins.args`` with their source spans."""
        refs = []
        for name, start, _ in variable_references(text, escape, nested=True):
            begin = start + (2 if text[start + 1] == "{" else 1)
            refs.append((name, ins.args_to_span(begin, begin + len(name))))
        return refs

    def _flag_refs(self, ins: Instruction) -> list[tuple[str, Span]]:
        refs = []
        for flag in ins.flags:
            span = flag.value_span
            if span is None or not flag.value or "$" not in flag.value:
                continue
            raw = self.text[span.start : span.end]
            if "\n" in raw or "\r" in raw:
                continue  # a continuation inside the flag: offsets unknown
            for name, start, _ in variable_references(raw, self.escape, nested=True):
                begin = span.start + start + (2 if raw[start + 1] == "{" else 1)
                refs.append((name, Span(begin, begin + len(name))))
        return refs

    def _use(
        self,
        name: str,
        span: Span,
        scope: _Scope,
        mode: str,
        *,
        shell: bool,
    ) -> None:
        bindings = scope.env_binding if mode == "runtime" else scope.binding
        target = bindings.get(name)
        if target is not None:
            symbol = scope.symbols[name]
        elif shell:
            return  # a shell variable of the script, not the Dockerfile's
        else:
            symbol = self._unknown_symbol(scope.index, name)
        symbol.scopes.add(scope.index)
        dollar = span.start - (2 if self.text[span.start - 1] == "{" else 1)
        self._add(symbol, span, False, target, lead=dollar)

    def _definitions(self, ins: Instruction, scope: _Scope, keyword: str) -> None:
        pending: list[tuple[str, Span]] = []
        refs = self._refs(ins, ins.args, self.escape) if "$" in ins.args else []
        for pair in ins.pairs:
            value_span = pair.value.span if pair.value is not None else None
            inside = (
                [r for r in refs if value_span.start <= r[1].start < value_span.end]
                if value_span is not None
                else []
            )
            if keyword == "ARG":  # each default sees the ARGs before it
                for name, span in inside:
                    self._use(name, span, scope, "build", shell=False)
                self._define(pair, scope, keyword)
            else:  # an ENV's values all see the variables as they were before it
                pending += inside
        if keyword == "ENV":
            for name, span in pending:
                self._use(name, span, scope, "build", shell=False)
            for pair in ins.pairs:
                self._define(pair, scope, keyword)

    def _define(self, pair: KeyValue, scope: _Scope, keyword: str) -> None:
        name, key_span = pair.key.value, pair.key.span
        span = self._name_span(pair.key.raw, name, key_span)
        symbol = scope.symbols.get(name)
        previous = scope.binding.get(name)
        if symbol is None and keyword == "ARG" and pair.value is None:
            imported = self.globals.symbols.get(name)
            if imported is not None and scope is not self.globals:
                symbol, previous = imported, self.globals.binding.get(name)
        if symbol is None:
            if is_predefined(name):
                symbol = self._unknown_symbol(scope.index, name)
            else:
                symbol = self._symbol("variable", name)
        symbol.scopes.add(scope.index)
        symbol.declared_by.add(keyword)
        scope.symbols[name] = symbol
        if span is not None:
            self._add(symbol, span, True, previous if previous is not None else span)
        here = span if span is not None else key_span
        if keyword == "ENV":
            scope.env_binding[name] = here
            scope.binding[name] = here
        elif name not in scope.env_binding:  # an ENV of the same name wins over the ARG
            scope.binding[name] = here
