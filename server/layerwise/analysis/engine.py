"""Runs the rules over a document: selection, severities, suppression, isolation."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..syntax.model import Dockerfile, Span
from ..syntax.parser import parse
from .context import LintContext, Project
from .options import LintOptions
from .purpose import DEV, PRODUCTION, applies, dev_stages, file_purpose
from .rule import Edit, FileChange, Finding, Fix, Rule, Severity
from .suppression import UNUSED_SUPPRESSION, Suppressions

log = logging.getLogger(__name__)


@dataclass
class LintResult:
    doc: Dockerfile
    findings: list[Finding]
    #: Rules that raised, with the error text; they were skipped for this document.
    failures: list[tuple[Rule, str]] = field(default_factory=list)


def enabled_rules(rules: Sequence[Rule], options: LintOptions) -> list[Rule]:
    chosen = []
    for rule in rules:
        if options.select:
            wanted = any(rule.matches(s) for s in options.select)
        else:
            wanted = rule.default_enabled
        wanted = wanted or any(rule.matches(s) for s in options.extend_select)
        if wanted and not any(rule.matches_whole(s) for s in options.ignore):
            chosen.append(rule)
    return chosen


def _wanted(finding: Finding, options: LintOptions) -> bool:
    """For rules whose findings name their own aliases: an alias in ``ignore`` drops
    the findings about it, and a rule selected only by aliases keeps the findings about
    them."""
    rule = finding.rule
    if any(finding.matches(s) for s in options.ignore):
        return False
    chosen = options.select + options.extend_select
    if not chosen or any(rule.names(s) for s in chosen):
        return True
    by_alias = [s for s in chosen if rule.matches(s)]
    if not by_alias:
        return True  # on by default, not named in the selection
    return any(finding.matches(s) for s in by_alias)


def _outside(
    findings: list[Finding], spans: list[Span], keep: Callable[[Finding], bool]
) -> list[Finding]:
    """The findings ``keep`` accepts, and the others that start outside every span."""
    if not spans:
        return findings
    return [f for f in findings if keep(f) or not any(s.contains(f.span.start) for s in spans)]


def severity_for(rule: Rule, options: LintOptions) -> Severity:
    for selector, severity in options.severity.items():
        if rule.matches(selector):
            return severity
    return rule.severity


_DEFAULT_OPTIONS = LintOptions()
# The last (rules, options) selection: editors and the CLI lint many documents with
# the same rules and options, so choosing rules and severities happens once.
_selection: tuple[Sequence[Rule], LintOptions, list[tuple[Rule, Severity]]] | None = None


def _selected(rules: Sequence[Rule], options: LintOptions) -> list[tuple[Rule, Severity]]:
    global _selection
    last = _selection  # one read: another thread may replace it
    if last is not None and last[0] is rules and last[1] is options:
        return last[2]
    chosen = [(rule, severity_for(rule, options)) for rule in enabled_rules(rules, options)]
    _selection = (rules, options, chosen)
    return chosen


def lint_document(
    doc: Dockerfile,
    rules: Sequence[Rule],
    options: LintOptions | None = None,
    path: Path | None = None,
    project: Project | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> LintResult:
    """``checkpoint`` is called before each rule; it may raise to abandon the lint
    (the language server does when a newer version of the document arrives)."""
    options = options or _DEFAULT_OPTIONS
    ctx = LintContext(doc, path, project, options)
    suppressions = Suppressions.of(doc, options.allow_pragmas)
    whole_file = suppressions.affects_whole_rules()
    findings: list[Finding] = []
    failures: list[tuple[Rule, str]] = []
    purpose = ctx.purpose = options.purpose or file_purpose(
        doc, path, getattr(project, "root", None)
    )
    # Stages named dev/debug/dev-envs in a production file: only the rules that apply
    # to development images report inside them.
    dev_spans = [s.span for s in dev_stages(doc)] if purpose == PRODUCTION else []
    chosen = _selected(rules, options)
    judge = _unused_suppression_rule(chosen, suppressions, purpose)
    runs = [(rule, severity, True) for rule, severity in chosen if rule is not judge]
    if judge is not None:
        # To tell whether a pragma silences anything, the rules it names run too, even
        # when the configuration leaves them out; their findings are not reported.
        running = {rule for rule, _ in chosen}
        universe = _all_rules()
        runs += [
            (rule, rule.severity, False)
            for rule in suppressions.named_rules(universe)
            if rule not in running and rule is not judge
        ]
    #: Rules whose findings the pragmas are checked against (ran, or do not apply here).
    judged: set[Rule] = set()
    #: Findings of the rules that ran only for that check, and unwanted aliases.
    hidden: set[int] = set()
    for rule, severity, reported in runs:
        if checkpoint is not None:
            checkpoint()
        if not applies(rule.code, purpose):
            judged.add(rule)
            continue
        if whole_file:
            if suppressions.rule_skipped(rule, pragmas=judge is None):
                continue
            severity = suppressions.severity(rule, severity)
        try:
            for violation in rule.check(ctx):
                finding = Finding(
                    rule,
                    severity,
                    violation.span,
                    violation.message,
                    violation.fix,
                    violation.related,
                    violation.alternatives,
                    rule.aliases if violation.aliases is None else violation.aliases,
                )
                if not reported or (rule.finding_aliases and not _wanted(finding, options)):
                    if judge is None:
                        continue
                    hidden.add(id(finding))
                findings.append(finding)
            judged.add(rule)
        except Exception as exc:  # a broken rule must not take the others down
            log.exception("rule %s failed on %s; skipped", rule.code, path or "<document>")
            if reported:
                failures.append((rule, f"{type(exc).__name__}: {exc}"))
            findings = [f for f in findings if f.rule is not rule]
    broken_indexes: set[int] = set()
    if doc.errors:
        # An instruction that does not parse is reported once, as the syntax error: what
        # other rules would conclude from its words (``--chmod 777`` read as a source) is
        # not what BuildKit would do, since it stops there.
        broken_indexes = {
            index
            for index, ins in enumerate(doc.instructions)
            if any(ins.span.start <= e.span.start <= ins.span.end for e in doc.errors)
        }
        broken = [doc.instructions[index].span for index in sorted(broken_indexes)]
        findings = _outside(findings, broken, lambda f: f.rule.code.startswith("LW0"))
    findings = _outside(findings, dev_spans, lambda f: applies(f.rule.code, DEV))
    findings = suppressions.filter(doc, findings, record=judge is not None)
    if hidden:
        findings = [f for f in findings if id(f) not in hidden]
    if judge is not None:
        severity = suppressions.severity(judge, dict(chosen)[judge])
        unneeded = [
            Finding(judge, severity, v.span, v.message, v.fix, aliases=judge.aliases)
            for v in suppressions.unneeded(doc, _all_rules(), judged, broken_indexes, judge)
        ]
        findings += suppressions.filter(doc, unneeded)
    findings.sort(key=lambda f: (f.span.start, f.span.end, f.rule.code))
    return LintResult(doc, findings, failures)


def _all_rules() -> Sequence[Rule]:
    from .rules import ALL_RULES

    return ALL_RULES


def _unused_suppression_rule(
    chosen: list[tuple[Rule, Severity]], suppressions: Suppressions, purpose: str
) -> Rule | None:
    """The rule reporting pragmas that silence nothing, when it is on for this file."""
    if not suppressions.pragmas:
        return None
    for rule, _ in chosen:
        if rule.code == UNUSED_SUPPRESSION:
            if not applies(rule.code, purpose) or suppressions.rule_skipped(rule):
                return None
            return rule
    return None


def lint_text(
    text: str,
    rules: Sequence[Rule] | None = None,
    options: LintOptions | None = None,
    path: Path | None = None,
    project: Project | None = None,
) -> LintResult:
    if rules is None:
        rules = _all_rules()
    return lint_document(parse(text), rules, options, path, project)


# -- applying fixes -----------------------------------------------------------------


class EditConflict(ValueError):
    pass


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits; raise :class:`EditConflict` on overlap or bad range."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    pos = 0
    for edit in ordered:
        if edit.start < pos or edit.end < edit.start or edit.end > len(text):
            raise EditConflict(f"edit {edit} overlaps another or leaves the document")
        out.append(text[pos : edit.start])
        out.append(edit.new_text)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def _compatible(chosen: list[Fix], fix: Fix) -> bool:
    for other in chosen:
        for a in other.edits:
            for b in fix.edits:
                if a.start < b.end and b.start < a.end:
                    return False
                if a.start == b.start and (a.start == a.end or b.start == b.end):
                    return False  # two insertions at one point: order would be arbitrary
    return True


@dataclass
class FixResult:
    text: str
    applied: list[Finding]
    rounds: int
    #: Changes to other files (created or appended), in the order they were chosen.
    files: list[FileChange] = field(default_factory=list)


def fix_text(
    text: str,
    rules: Sequence[Rule] | None = None,
    options: LintOptions | None = None,
    path: Path | None = None,
    project: Project | None = None,
    unsafe: bool = False,
    max_rounds: int = 10,
) -> FixResult:
    """Apply every applicable fix, re-linting between rounds until nothing changes."""
    applied: list[Finding] = []
    files: list[FileChange] = []
    rounds = 0
    for rounds in range(1, max_rounds + 1):  # noqa: B007 - rounds is reported
        result = lint_text(text, rules, options, path, project)
        chosen: list[Fix] = []
        chosen_findings: list[Finding] = []
        for finding in result.findings:
            fix = finding.fix
            if fix is None or (not fix.safe and not unsafe):
                continue
            if not fix.edits:
                # Only other files change: take each such change once (the rule keeps
                # reporting until the file exists on disk).
                fresh = [c for c in fix.files if c.path not in {f.path for f in files}]
                if fresh:
                    files.extend(fresh)
                    applied.append(finding)
                continue
            if _compatible(chosen, fix):
                chosen.append(fix)
                chosen_findings.append(finding)
        if not chosen:
            rounds -= 1
            break
        new_text = apply_edits(text, [edit for fix in chosen for edit in fix.edits])
        if new_text == text:
            break
        before = len(parse(text).errors)
        if len(parse(new_text).errors) > before:
            log.error(
                "fixes would introduce a syntax error; stopped: %s",
                [f.code for f in chosen_findings],
            )
            break
        text = new_text
        applied.extend(chosen_findings)
    return FixResult(text, applied, rounds, files)
