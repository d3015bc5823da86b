"""Which findings the Dockerfile itself asks to silence.

Comment pragmas, each naming rules by code, prefix, name or alias:

* ``# layerwise: ignore=LW601,LW604`` / ``# hadolint ignore=DL3059`` — the next instruction;
* ``# layerwise: stage ignore=…`` / ``# hadolint stage ignore=…`` — the rest of the stage;
* ``# layerwise: global ignore=…`` / ``# hadolint global ignore=…`` — the whole file.

BuildKit's ``check`` directive at the top of the file (``# check=skip=A,B``,
``# check=skip=all``, ``# check=error=true``) applies to the rules that carry a
BuildKit check name as an alias; a ``# check=skip=…`` comment directly above one
instruction applies to that instruction only.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from ..syntax.model import Comment, Dockerfile, Instruction
from .peers import peer_only
from .rule import Edit, Finding, Fix, Rule, Severity, Violation

#: The rule that reports ignore comments silencing nothing (the engine runs it).
UNUSED_SUPPRESSION = "LW005"

_PRAGMA = re.compile(
    r"^(?P<tool>layerwise\s*:|hadolint)\s*(?P<scope>global\s+|stage\s+)?ignore\s*=\s*"
    r"(?P<codes>[A-Za-z0-9_,\- \t]+?)\s*$",
    re.I,
)
_CHECK = re.compile(r"^check\s*=\s*(?P<value>.+?)\s*$", re.I)

# BuildKit check names are CamelCase words; hadolint and layerwise codes are not.
_BUILDKIT_NAME = re.compile(r"^[A-Z][A-Za-z]*[a-z][A-Za-z]*$")


@functools.cache
def is_buildkit_rule(rule: Rule) -> bool:
    return any(_BUILDKIT_NAME.match(alias) for alias in rule.aliases)


@dataclass(frozen=True)
class Pragma:
    scope: str  # "next", "stage" or "global"
    selectors: tuple[str, ...]
    tool: str  # "layerwise" or "hadolint"


def parse_pragma(text: str) -> Pragma | None:
    """The ignore pragma in a comment's text (without ``#``), if any."""
    match = _PRAGMA.match(text.strip())
    if not match:
        return None
    codes = tuple(c for c in re.split(r"[,\s]+", match.group("codes")) if c)
    if not codes:
        return None
    scope = (match.group("scope") or "next").strip().lower()
    tool = "hadolint" if match.group("tool").lower().startswith("hadolint") else "layerwise"
    return Pragma(scope, codes, tool)


@dataclass(frozen=True)
class CheckDirective:
    skip: tuple[str, ...] = ()  # BuildKit check names, or ("all",)
    error: bool = False

    def skips(self, rule: Rule, aliases: tuple[str, ...] | None = None) -> bool:
        """The directive skips ``rule`` (or its finding about ``aliases``)."""
        if not self.skip or not is_buildkit_rule(rule):
            return False
        if any(s.lower() == "all" for s in self.skip):
            return True
        return any(alias in self.skip for alias in (rule.aliases if aliases is None else aliases))


def parse_check(value: str) -> CheckDirective:
    """BuildKit's ``check`` value: ``skip=A,B;error=true``."""
    skip: tuple[str, ...] = ()
    error = False
    for part in value.split(";"):
        key, _, raw = part.partition("=")
        key = key.strip().lower()
        if key == "skip":
            skip = tuple(s.strip() for s in raw.split(",") if s.strip())
        elif key == "error":
            error = raw.strip().lower() == "true"
    return CheckDirective(skip, error)


@dataclass(eq=False)
class PragmaUse:
    """One ignore comment: what it names, where it is, which of its selectors silenced
    a finding (recorded when the engine checks for unneeded suppressions)."""

    pragma: Pragma
    comment: Comment
    #: The instruction the comment sits directly above; None for a comment on its own.
    instruction: int | None
    #: The instructions it covers (a stage pragma: to the end of the stage).
    first: int = 0
    last: int = -1
    used: set[str] = field(default_factory=set)

    @property
    def effective(self) -> bool:
        """A global pragma works anywhere; the others only directly above an instruction."""
        return self.pragma.scope == "global" or self.instruction is not None


def _silences(pragmas: Iterable[PragmaUse], finding: Finding, record: bool) -> bool:
    hit = False
    for use in pragmas:
        for selector in use.pragma.selectors:
            if finding.matches(selector):
                if not record:
                    return True
                use.used.add(selector)
                hit = True
    return hit


@dataclass
class Suppressions:
    #: Every ignore comment of the file, in order, including ones that apply to nothing.
    pragmas: list[PragmaUse] = field(default_factory=list)
    file_wide: list[PragmaUse] = field(default_factory=list)
    by_instruction: dict[int, list[PragmaUse]] = field(default_factory=dict)
    #: Stage pragmas, each with the instructions it covers.
    ranges: list[PragmaUse] = field(default_factory=list)
    check: CheckDirective = field(default_factory=CheckDirective)
    check_by_instruction: dict[int, CheckDirective] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Dockerfile, allow_pragmas: bool = True) -> Suppressions:
        result = cls()
        directive = doc.directive("check")
        if directive is not None:
            result.check = parse_check(directive.value)
        index_of = {id(ins): i for i, ins in enumerate(doc.instructions)}
        stage_end: dict[int, int] = {}
        for stage in doc.stages:
            last = index_of[id(stage.instructions[-1])]
            for ins in stage.instructions:
                stage_end[index_of[id(ins)]] = last
        attached: dict[int, int] = {}  # id(comment) -> instruction index
        for index, ins in enumerate(doc.instructions):
            for comment in ins.comments:
                attached[id(comment)] = index
                check = _CHECK.match(comment.text)
                if check:
                    result.check_by_instruction[index] = parse_check(check.group("value"))
        if not allow_pragmas:
            return result
        last_index = len(doc.instructions) - 1
        for comment in doc.comments:
            pragma = parse_pragma(comment.text)
            if pragma is None:
                continue
            at = attached.get(id(comment))
            use = PragmaUse(pragma, comment, at)
            result.pragmas.append(use)
            if pragma.scope == "global":
                use.first, use.last = 0, last_index
                result.file_wide.append(use)
            elif at is None:
                continue  # not directly above an instruction: it applies to nothing
            elif pragma.scope == "stage":
                use.first, use.last = at, stage_end.get(at, at)
                result.ranges.append(use)
            else:
                use.first = use.last = at
                result.by_instruction.setdefault(at, []).append(use)
        return result

    def affects_whole_rules(self) -> bool:
        """File-wide pragmas or a ``check`` directive may skip rules or raise severities."""
        return bool(self.file_wide or self.check.skip or self.check.error)

    def rule_skipped(self, rule: Rule, pragmas: bool = True) -> bool:
        """The whole rule is off for this file (``pragmas=False``: by the ``check``
        directive; file-wide pragmas then drop its findings in :meth:`filter`)."""
        if self.check.skips(rule):
            return True
        return pragmas and any(
            rule.matches_whole(s) for use in self.file_wide for s in use.pragma.selectors
        )

    def severity(self, rule: Rule, severity: Severity) -> Severity:
        if self.check.error and is_buildkit_rule(rule):
            return Severity.ERROR
        return severity

    def filter(
        self, doc: Dockerfile, findings: list[Finding], record: bool = False
    ) -> list[Finding]:
        """The findings no pragma or ``check`` comment silences; ``record``: note in each
        pragma which of its selectors silenced something."""
        if self.file_wide:
            # A file-wide alias of a rule whose findings name their own aliases drops
            # only the findings about it (the others were skipped with their rule).
            findings = [f for f in findings if not _silences(self.file_wide, f, record)]
        if not (self.by_instruction or self.ranges or self.check_by_instruction):
            return findings
        instructions = doc.instructions
        starts = [ins.span.start for ins in instructions]
        kept = []
        for finding in findings:
            index = bisect_right(starts, finding.span.start) - 1
            inside = index >= 0 and finding.span.start <= instructions[index].span.end
            if inside and self._silenced(finding, index, record):
                continue
            kept.append(finding)
        return kept

    def _silenced(self, finding: Finding, index: int, record: bool) -> bool:
        hit = _silences(self.by_instruction.get(index, ()), finding, record)
        if hit and not record:
            return True
        check = self.check_by_instruction.get(index)
        if check is not None and check.skips(finding.rule, finding.aliases):
            return True
        covering = (use for use in self.ranges if use.first <= index <= use.last)
        return _silences(covering, finding, record) or hit

    def covering(self, index: int) -> list[PragmaUse]:
        """The pragmas that apply to instruction ``index``."""
        return [
            *self.file_wide,
            *self.by_instruction.get(index, ()),
            *(use for use in self.ranges if use.first <= index <= use.last),
        ]

    def named_rules(self, rules: Iterable[Rule]) -> list[Rule]:
        """The rules some pragma of the file names."""
        selectors = {s for use in self.pragmas for s in use.pragma.selectors}
        return [rule for rule in rules if any(rule.matches(s) for s in selectors)]

    def unneeded(
        self,
        doc: Dockerfile,
        known: Sequence[Rule],
        judged: Collection[Rule],
        broken: Collection[int],
        judge: Rule,
    ) -> Iterator[Violation]:
        """Pragmas that silence nothing: selectors naming no rule, selectors whose rules
        (all in ``judged``: they ran on the whole file, pragmas aside, or do not apply to
        it) reported nothing there, and pragmas not directly above an instruction.

        Call after :meth:`filter` with ``record=True``. ``broken``: instructions that do
        not parse (their findings were dropped, so their pragmas are not judged).
        ``judge``: the rule reporting this; a pragma that names it keeps its neighbours.
        """
        for use in self.pragmas:
            if use.instruction is not None and any(
                judge.matches(s)
                for other in self.covering(use.instruction)
                for s in other.pragma.selectors
            ):
                continue
            if not use.effective:
                yield Violation(
                    use.comment.span,
                    "This ignore comment is not directly above an instruction (a blank line "
                    "or a line continuation is in between), so it silences nothing",
                )
                continue
            unknown = [s for s in use.pragma.selectors if not _known(s, known, use.pragma.tool)]
            unused = []
            if use.instruction not in broken:
                for selector in use.pragma.selectors:
                    if selector in unknown or selector in use.used:
                        continue
                    named = [r for r in known if r.matches(selector) and r is not judge]
                    if named and all(r in judged for r in named):
                        unused.append(selector)
            if not unknown and not unused:
                continue
            reasons = [
                f"'{s}' is not a rule layerwise or hadolint knows"
                if use.pragma.tool == "hadolint"
                else f"'{s}' is not a layerwise rule"
                for s in unknown
            ]
            reasons += [f"'{s}' silences nothing here" for s in unused]
            drop = set(unknown) | set(unused)
            yield Violation(
                use.comment.span,
                "Unneeded suppression: " + "; ".join(reasons),
                _removal(doc, use, drop),
            )


def _known(selector: str, known: Sequence[Rule], tool: str) -> bool:
    if tool == "hadolint" and peer_only(selector):
        return True  # hadolint's (or ShellCheck's) own code: the pragma may be for hadolint
    return any(rule.matches(selector) for rule in known)


def _removal(doc: Dockerfile, use: PragmaUse, drop: set[str]) -> Fix:
    """Take ``drop`` out of the pragma's list, or delete the comment's line when nothing
    is left."""
    kept = [s for s in use.pragma.selectors if s not in drop]
    comment = use.comment
    source = doc.source
    if not kept:
        line = source.line_of(comment.span.start)
        start = source.line_start(line)
        if line + 1 < source.line_count:
            end = source.line_start(line + 1)
        else:  # the last line, without a line break: take the one before it instead
            end = len(doc.text)
            if start > 0:
                start = source.line_end(line - 1)
        return Fix("Remove the unneeded suppression comment", (Edit(start, end, ""),))
    raw = doc.text[comment.span.start : comment.span.end]
    body = comment.span.start + raw.index(comment.text)
    match = _PRAGMA.match(comment.text)
    assert match is not None  # the comment parsed as this pragma
    codes = match.group("codes")
    separator = ", " if ", " in codes else "," if "," in codes else " "
    return Fix(
        f"Remove {', '.join(s for s in use.pragma.selectors if s in drop)} from the suppression",
        (Edit(body + match.start("codes"), body + match.end("codes"), separator.join(kept)),),
    )


def layerwise_pragma(ins: Instruction) -> tuple[int, Pragma] | None:
    """The ``# layerwise: ignore=`` comment above ``ins`` (index in its comments)."""
    for index, comment in enumerate(ins.comments):
        pragma = parse_pragma(comment.text)
        if pragma is not None and pragma.tool == "layerwise" and pragma.scope == "next":
            return index, pragma
    return None
