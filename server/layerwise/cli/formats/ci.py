"""Formats for CI services: ``github`` (Actions workflow commands, shown as annotations)
and ``gitlab`` (a Code Quality report). Columns are 1-based characters, as in ``text``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence

from ...analysis import Severity
from ..report import Record, RunFacts, end, start

_GITHUB_COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.HINT: "notice",
}


def github_data(value: str) -> str:
    """Escape a workflow command's message."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(value: str) -> str:
    """Escape a workflow command's property value (file name, title)."""
    return github_data(value).replace(":", "%3A").replace(",", "%2C")


def github(records: Sequence[Record], facts: RunFacts) -> str:
    """``::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`` per finding.

    GitHub places columns only on single-line annotations, so a finding that spans lines
    gives its lines alone.
    """
    out = []
    for record in records:
        finding = record.finding
        first, last = start(record), end(record)
        props = [("file", record.path), ("line", str(first.line))]
        if first.line == last.line:
            props.append(("col", str(first.column)))
            props.append(("endLine", str(last.line)))
            props.append(("endColumn", str(max(last.column, first.column + 1))))
        else:
            props.append(("endLine", str(_last_line(record))))
        props.append(("title", f"{finding.rule.code} {finding.rule.name}"))
        rendered = ",".join(f"{key}={github_property(value)}" for key, value in props)
        command = _GITHUB_COMMANDS[finding.severity]
        out.append(f"::{command} {rendered}::{github_data(finding.message)}\n")
    return "".join(out)


def _last_line(record: Record) -> int:
    """The last line the finding covers (a range ending at a line's start stops before it)."""
    first, last = start(record), end(record)
    return last.line - 1 if last.line > first.line and last.column == 1 else last.line


_GITLAB_SEVERITIES = {
    Severity.ERROR: "critical",
    Severity.WARNING: "major",
    Severity.INFO: "minor",
    Severity.HINT: "info",
}


def fingerprint(record: Record, occurrence: int) -> str:
    """A hash that survives lines moving: the file, rule, message and flagged text (with
    its whitespace normalised), plus which occurrence of that same finding it is."""
    finding = record.finding
    flagged = " ".join(record.source.text[finding.span.start : finding.span.end].split())
    key = "\0".join([record.path, finding.rule.code, finding.message, flagged, str(occurrence)])
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def gitlab(records: Sequence[Record], facts: RunFacts) -> str:
    """GitLab Code Quality: a JSON array of Code Climate issues."""
    seen: Counter[tuple[str, str, str, str]] = Counter()
    issues = []
    for record in records:
        finding = record.finding
        flagged = record.source.text[finding.span.start : finding.span.end]
        same = (record.path, finding.rule.code, finding.message, " ".join(flagged.split()))
        seen[same] += 1
        first = start(record)
        issues.append(
            {
                "type": "issue",
                "check_name": finding.rule.code,
                "description": f"{finding.rule.code} {finding.message}",
                "content": {"body": f"{finding.rule.summary} ({finding.rule.url})"},
                "fingerprint": fingerprint(record, seen[same]),
                "severity": _GITLAB_SEVERITIES[finding.severity],
                "location": {
                    "path": record.path,
                    "lines": {"begin": first.line, "end": _last_line(record)},
                },
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
