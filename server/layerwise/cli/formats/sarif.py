"""``sarif``: a SARIF 2.1.0 log, as GitHub code scanning and other SARIF viewers read it.

One run; ``tool.driver.rules`` holds the rules that reported something, each with its
document as help. Regions are 1-based with columns in UTF-16 code units
(``run.columnKind = "utf16CodeUnits"``) and an exclusive ``endColumn``. Findings with a
safe fix carry it as a SARIF ``fix``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from ...analysis import Rule, Severity
from ...analysis.rule import Fix
from ...syntax.source import SourceText
from ..report import HOMEPAGE, Record, RunFacts, utf16_position
from ..ruledocs import rule_document, why

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

_LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.HINT: "note",
}


def artifact_uri(path: str) -> str:
    """A URI reference for a displayed path: relative paths stay relative."""
    as_path = Path(path)
    if as_path.is_absolute():
        return as_path.as_uri()
    return quote(as_path.as_posix())


def region(source: SourceText, start: int, end: int) -> dict[str, int]:
    first = utf16_position(source, start)
    last = utf16_position(source, end)
    return {
        "startLine": first.line,
        "startColumn": first.column,
        "endLine": last.line,
        "endColumn": last.column,
    }


def rule_descriptor(rule: Rule) -> dict[str, object]:
    document = rule_document(rule.code)
    descriptor: dict[str, object] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": (why(document) if document else None) or rule.summary},
        "helpUri": rule.url,
        "help": {
            "text": document or f"{rule.summary}\n\nSee {rule.url}",
            "markdown": document or f"{rule.summary}\n\nSee [{rule.code}]({rule.url}).",
        },
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"tags": [rule.category]},
    }
    if rule.aliases:
        descriptor["properties"] = {"tags": [rule.category], "aliases": list(rule.aliases)}
    return descriptor


def _fix(record: Record, fix: Fix) -> dict[str, object]:
    return {
        "description": {"text": fix.title},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": artifact_uri(record.path)},
                "replacements": [
                    {
                        "deletedRegion": region(record.source, edit.start, edit.end),
                        "insertedContent": {"text": edit.new_text},
                    }
                    for edit in fix.edits
                ],
            }
        ],
    }


def sarif(records: Sequence[Record], facts: RunFacts) -> str:
    rules: dict[str, int] = {}
    descriptors: list[dict[str, object]] = []
    results = []
    for record in records:
        finding = record.finding
        rule = finding.rule
        if rule.code not in rules:
            rules[rule.code] = len(descriptors)
            descriptors.append(rule_descriptor(rule))
        result: dict[str, object] = {
            "ruleId": rule.code,
            "ruleIndex": rules[rule.code],
            "level": _LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(record.path)},
                        "region": region(record.source, finding.span.start, finding.span.end),
                    }
                }
            ],
        }
        if finding.fix is not None and finding.fix.safe and finding.fix.edits:
            result["fixes"] = [_fix(record, finding.fix)]
        results.append(result)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "layerwise",
                        "version": facts.version,
                        "semanticVersion": facts.version,
                        "informationUri": HOMEPAGE,
                        "rules": descriptors,
                    }
                },
                "columnKind": "utf16CodeUnits",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
