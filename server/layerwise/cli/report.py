"""What every output format reads: the findings of a run, their positions, counts and summary.

A report is built from :class:`Record` (one finding, with the display path and the text
it points into) and :class:`RunFacts` (what the run did besides finding things). The
formats in :mod:`layerwise.cli.formats` turn those into text; nothing here prints.

Positions: the engine works in code-point offsets. Human formats show 1-based lines and
1-based *character* (code point) columns, a tab counting as one; the JSON and SARIF
formats use UTF-16 code units, as editors and GitHub do, and say so in their output.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..analysis import Finding, Severity
from ..syntax.source import SourceText

HOMEPAGE = "https://github.com/layerwise-dev/layerwise"

#: Markers after a finding in the human formats.
SAFE_MARK = "[*]"
UNSAFE_MARK = "[~]"


class Record(NamedTuple):
    path: str  # as the user named it (or the --stdin-filename)
    source: SourceText
    finding: Finding


@dataclass
class RunFacts:
    #: Display paths of every file checked, in order (clean ones too).
    files: list[str] = field(default_factory=list)
    version: str = ""
    #: Unsafe fixes were enabled (flag or configuration) for at least one file.
    unsafe_fixes: bool = False
    #: Set by ``check --fix``: problems fixed and files changed.
    fixed: int | None = None
    fixed_files: int = 0
    #: ANSI colours in the human formats.
    color: bool = False


class Position(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based


def char_position(source: SourceText, offset: int) -> Position:
    """1-based line and 1-based code-point column."""
    line, column = source.position(offset)
    return Position(line + 1, column + 1)


def utf16_position(source: SourceText, offset: int) -> Position:
    """1-based line and 1-based UTF-16 code-unit column."""
    line, column = source.to_client(offset, "utf-16")
    return Position(line + 1, column + 1)


def start(record: Record) -> Position:
    return char_position(record.source, record.finding.span.start)


def end(record: Record) -> Position:
    """Where the finding ends (exclusive column), 1-based characters."""
    return char_position(record.source, record.finding.span.end)


def marker(finding: Finding) -> str:
    """``[*]`` for a safe fix, ``[~]`` for a fix that needs --unsafe-fixes, else ''."""
    if finding.fix is None:
        return ""
    return SAFE_MARK if finding.fix.safe else UNSAFE_MARK


def sort_key(record: Record) -> tuple[int, int, str]:
    return record.finding.span.start, record.finding.span.end, record.finding.rule.code


def by_file(records: Sequence[Record], facts: RunFacts) -> dict[str, list[Record]]:
    """Records per file, files in the order checked (clean files map to [])."""
    groups: dict[str, list[Record]] = {name: [] for name in facts.files}
    for record in records:
        groups.setdefault(record.path, []).append(record)
    return groups


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


_SEVERITY_WORDS = {
    Severity.ERROR: ("error", "errors"),
    Severity.WARNING: ("warning", "warnings"),
    Severity.INFO: ("info", "info"),
    Severity.HINT: ("hint", "hints"),
}


def summary(records: Sequence[Record], facts: RunFacts) -> str:
    """One line: what was found (or that nothing was) and what ``layerwise fix`` can do."""
    if not records:
        if not facts.files:
            return "No Dockerfiles checked."
        return f"All checks passed ({plural(len(facts.files), 'file')})."
    severities = Counter(r.finding.severity for r in records)
    counts = ", ".join(
        plural(severities[s], *_SEVERITY_WORDS[s]) for s in Severity if severities[s]
    )
    files = len({r.path for r in records})
    line = f"Found {plural(len(records), 'problem')} ({counts}) in {plural(files, 'file')}"
    safe = sum(1 for r in records if r.finding.fix is not None and r.finding.fix.safe)
    unsafe = sum(1 for r in records if r.finding.fix is not None and not r.finding.fix.safe)
    hints = []
    if facts.unsafe_fixes and unsafe:
        hints.append(
            f"{SAFE_MARK} {safe + unsafe} fixable with 'layerwise fix' "
            f"({UNSAFE_MARK} {unsafe} of them unsafe)"
        )
    else:
        if safe:
            hints.append(f"{SAFE_MARK} {safe} fixable with 'layerwise fix'")
        if unsafe:
            more = "more " if safe else ""
            hints.append(f"{UNSAFE_MARK} {unsafe} {more}with 'layerwise fix --unsafe-fixes'")
    return line + ("; " + ", ".join(hints) if hints else "") + "."


def fixed_line(fixed: int, files: int, remaining: int | None = None, *, dry: bool = False) -> str:
    """``Fixed 5 problems in 2 files (3 remaining).`` (``Would fix`` for a dry run)."""
    rest = "" if remaining is None else f" ({remaining} remaining)"
    if not fixed:
        if remaining is None:
            return "No fixes applied."
        if remaining:
            return f"Nothing {'would be ' if dry else ''}fixed{rest}."
        return "Nothing to fix."
    verb = "Would fix" if dry else "Fixed"
    return f"{verb} {plural(fixed, 'problem')} in {plural(files, 'file')}{rest}."


class RuleCount(NamedTuple):
    code: str
    name: str
    total: int
    safe: int  # findings with a safe fix
    unsafe: int  # findings whose only fix is unsafe


def rule_counts(records: Sequence[Record]) -> list[RuleCount]:
    """Counts per rule, most frequent first."""
    counts: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for record in records:
        rule, fix = record.finding.rule, record.finding.fix
        entry = counts.setdefault(rule.code, [0, 0, 0])
        names[rule.code] = rule.name
        entry[0] += 1
        if fix is not None:
            entry[1 if fix.safe else 2] += 1
    rows = [RuleCount(code, names[code], *entry) for code, entry in counts.items()]
    return sorted(rows, key=lambda row: (-row.total, row.code))
