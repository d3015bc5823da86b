"""XML reports CI servers ingest: ``junit`` and ``checkstyle``. Columns are 1-based
characters, as in ``text``. Every file checked appears, clean ones too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ...analysis import Severity
from ..report import Record, RunFacts, by_file, start

# Characters XML 1.0 cannot hold, even escaped (and lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _serialize(root: ET.Element) -> str:
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def junit(records: Sequence[Record], facts: RunFacts) -> str:
    """One ``testsuite`` per file; a failing ``testcase`` per finding, and one passing
    ``testcase`` for a file without findings."""
    groups = by_file(records, facts)
    root = ET.Element(
        "testsuites",
        name="layerwise",
        tests=str(sum(len(group) or 1 for group in groups.values())),
        failures=str(len(records)),
        errors="0",
    )
    for path, group in groups.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_clean(path),
            tests=str(len(group) or 1),
            failures=str(len(group)),
            errors="0",
            skipped="0",
        )
        if not group:
            ET.SubElement(suite, "testcase", name="layerwise", classname=_clean(path))
            continue
        for record in group:
            finding = record.finding
            pos = start(record)
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{finding.rule.code} {finding.rule.name} at {pos.line}:{pos.column}",
                classname=_clean(path),
                file=_clean(path),
                line=str(pos.line),
            )
            failure = ET.SubElement(
                case,
                "failure",
                message=_clean(finding.message),
                type=f"{finding.rule.code} {finding.severity.value}",
            )
            failure.text = _clean(
                f"{path}:{pos.line}:{pos.column}: {finding.severity.value} "
                f"{finding.rule.code} {finding.message}\n{finding.rule.url}"
            )
    return _serialize(root)


_CHECKSTYLE_SEVERITIES = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "info",
    Severity.HINT: "info",
}


def checkstyle(records: Sequence[Record], facts: RunFacts) -> str:
    """``<checkstyle><file name=…><error line column severity message source/>``."""
    root = ET.Element("checkstyle", version="4.3")
    for path, group in by_file(records, facts).items():
        element = ET.SubElement(root, "file", name=_clean(path))
        for record in group:
            finding = record.finding
            pos = start(record)
            ET.SubElement(
                element,
                "error",
                line=str(pos.line),
                column=str(pos.column),
                severity=_CHECKSTYLE_SEVERITIES[finding.severity],
                message=_clean(finding.message),
                source=f"layerwise.{finding.rule.code}",
            )
    return _serialize(root)
