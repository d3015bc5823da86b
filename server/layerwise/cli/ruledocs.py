"""What reports that embed rule documents (SARIF) take from them.

Where the documents live is ``analysis.ruledocs``'s business; this module only
reads sections out of them.
"""

from __future__ import annotations

import re

from ..analysis.ruledocs import read_doc as rule_document

__all__ = ["rule_document", "why"]

_SECTION = re.compile(r"^## (?P<title>.+)$", re.MULTILINE)


def why(document: str) -> str | None:
    """The text of the document's ``## Why`` section, if it has one."""
    sections = list(_SECTION.finditer(document))
    for index, match in enumerate(sections):
        if match.group("title").strip().lower() == "why":
            stop = sections[index + 1].start() if index + 1 < len(sections) else len(document)
            text = document[match.end() : stop].strip()
            return text or None
    return None
