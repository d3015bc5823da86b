#!/usr/bin/env python3
"""Regenerate the rule table in rules/README.md from the rule documents.

Each row is read from the table at the top of ``rules/<CODE>.md`` (the document is
the source of truth for the Fix column); tests/test_rule_docs.py checks that the
README and the documents agree. Run after adding or changing a rule document:

    python tests/update_rules_table.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
_TITLE = re.compile(r"^# (LW\d{3}) (\S+)\s*$", re.M)
_ROW = re.compile(r"^\| (?!Severity|---)(.+?) \|$", re.M)


def rows() -> list[str]:
    out = []
    for doc in sorted(RULES_DIR.glob("LW*.md")):
        text = doc.read_text(encoding="utf-8")
        title = _TITLE.search(text)
        row = _ROW.search(text)
        if title is None or row is None:
            raise SystemExit(f"{doc}: no title or table")
        severity, _category, fix, aliases = [c.strip() for c in row.group(1).split("|")]
        code, name = title.groups()
        out.append(f"| [{code}]({code}.md) | {name} | {severity} | {fix} | {aliases} |")
    return out


def main() -> int:
    readme = RULES_DIR / "README.md"
    text = readme.read_text(encoding="utf-8")
    header = "| Code | Name | Severity | Fix | Aliases |\n|---|---|---|---|---|\n"
    start = text.index(header) + len(header)
    end = start
    lines = text[start:].split("\n")
    for line in lines:
        if not line.startswith("| ["):
            break
        end += len(line) + 1
    new = text[:start] + "\n".join(rows()) + "\n" + text[end:]
    readme.write_text(new, encoding="utf-8")
    print(f"{readme}: {len(rows())} rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
