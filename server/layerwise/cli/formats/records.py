"""``json`` (one array) and ``json-lines`` (one object a line): a record per finding.

Positions are in UTF-16 code units, as the LSP and editors count them, and every record
says so (``"rangeEncoding": "utf-16"``): ``range`` and the fixes' edit ranges are 0-based
LSP ranges; ``location`` / ``end_location`` are the same start and end, 1-based.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ...analysis import Finding
from ...analysis.rule import Fix
from ...syntax.source import SourceText
from ..report import Record, RuleCount, RunFacts, utf16_position

RANGE_ENCODING = "utf-16"


def finding_json(name: str, source: SourceText, finding: Finding) -> dict[str, object]:
    def rng(start: int, end: int) -> dict[str, dict[str, int]]:
        sl, sc = source.to_client(start)
        el, ec = source.to_client(end)
        return {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}

    def fix_json(fix: Fix) -> dict[str, object]:
        return {
            "title": fix.title,
            "safe": fix.safe,
            "edits": [{"range": rng(e.start, e.end), "newText": e.new_text} for e in fix.edits],
        }

    start = utf16_position(source, finding.span.start)
    end = utf16_position(source, finding.span.end)
    return {
        "path": name,
        "code": finding.rule.code,
        "name": finding.rule.name,
        "aliases": list(finding.aliases),
        "severity": finding.severity.value,
        "message": finding.message,
        "url": finding.rule.url,
        "range": rng(finding.span.start, finding.span.end),
        "location": {"line": start.line, "column": start.column},
        "end_location": {"line": end.line, "column": end.column},
        "rangeEncoding": RANGE_ENCODING,
        "fix": fix_json(finding.fix) if finding.fix is not None else None,
        "alternatives": [fix_json(fix) for fix in finding.alternatives],
    }


def json_array(records: Sequence[Record], facts: RunFacts) -> str:
    data = [finding_json(*record) for record in records]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def json_lines(records: Sequence[Record], facts: RunFacts) -> str:
    return "".join(json.dumps(finding_json(*r), ensure_ascii=False) + "\n" for r in records)


def statistics_json(rows: Sequence[RuleCount], facts: RunFacts) -> str:
    data = [
        {
            "code": row.code,
            "name": row.name,
            "count": row.total,
            "fixable": row.safe,
            "unsafe_fixable": row.unsafe,
        }
        for row in rows
    ]
    return json.dumps(data, indent=2) + "\n"
