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
from dataclasses import dataclass, field

from ..syntax.model import Dockerfile, Instruction
from .rule import Finding, Rule, Severity

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


@dataclass
class Suppressions:
    file_wide: list[str] = field(default_factory=list)
    by_instruction: dict[int, list[str]] = field(default_factory=dict)
    #: (first instruction index, last instruction index, selectors)
    ranges: list[tuple[int, int, list[str]]] = field(default_factory=list)
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
        for index, ins in enumerate(doc.instructions):
            for comment in ins.comments:
                check = _CHECK.match(comment.text)
                if check:
                    result.check_by_instruction[index] = parse_check(check.group("value"))
                    continue
                pragma = parse_pragma(comment.text) if allow_pragmas else None
                if pragma is None:
                    continue
                if pragma.scope == "global":
                    result.file_wide.extend(pragma.selectors)
                elif pragma.scope == "stage":
                    result.ranges.append(
                        (index, stage_end.get(index, index), list(pragma.selectors))
                    )
                else:
                    result.by_instruction.setdefault(index, []).extend(pragma.selectors)
        if allow_pragmas:
            # A global pragma may also stand alone, not attached to an instruction.
            attached = {id(c) for ins in doc.instructions for c in ins.comments}
            for comment in doc.comments:
                if id(comment) in attached:
                    continue
                pragma = parse_pragma(comment.text)
                if pragma is not None and pragma.scope == "global":
                    result.file_wide.extend(pragma.selectors)
        return result

    def affects_whole_rules(self) -> bool:
        """File-wide pragmas or a ``check`` directive may skip rules or raise severities."""
        return bool(self.file_wide or self.check.skip or self.check.error)

    def rule_skipped(self, rule: Rule) -> bool:
        """The whole rule is off for this file."""
        return self.check.skips(rule) or any(rule.matches_whole(s) for s in self.file_wide)

    def severity(self, rule: Rule, severity: Severity) -> Severity:
        if self.check.error and is_buildkit_rule(rule):
            return Severity.ERROR
        return severity

    def filter(self, doc: Dockerfile, findings: list[Finding]) -> list[Finding]:
        if self.file_wide:
            # A file-wide alias of a rule whose findings name their own aliases drops
            # only the findings about it (the others were skipped with their rule).
            findings = [f for f in findings if not any(f.matches(s) for s in self.file_wide)]
        if not (self.by_instruction or self.ranges or self.check_by_instruction):
            return findings
        instructions = doc.instructions
        starts = [ins.span.start for ins in instructions]
        kept = []
        for finding in findings:
            index = bisect_right(starts, finding.span.start) - 1
            inside = index >= 0 and finding.span.start <= instructions[index].span.end
            if inside and self._silenced(finding, index):
                continue
            kept.append(finding)
        return kept

    def _silenced(self, finding: Finding, index: int) -> bool:
        selectors = self.by_instruction.get(index)
        if selectors and any(finding.matches(s) for s in selectors):
            return True
        check = self.check_by_instruction.get(index)
        if check is not None and check.skips(finding.rule, finding.aliases):
            return True
        return any(
            first <= index <= last and any(finding.matches(s) for s in selectors)
            for first, last, selectors in self.ranges
        )


def layerwise_pragma(ins: Instruction) -> tuple[int, Pragma] | None:
    """The ``# layerwise: ignore=`` comment above ``ins`` (index in its comments)."""
    for index, comment in enumerate(ins.comments):
        pragma = parse_pragma(comment.text)
        if pragma is not None and pragma.tool == "layerwise" and pragma.scope == "next":
            return index, pragma
    return None
