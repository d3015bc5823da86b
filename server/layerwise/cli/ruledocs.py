"""The rule documents (``rules/LWxxx.md``) for reports that embed them (SARIF).

This is the one place that knows where they live: inside the installed package
(``layerwise/rule_docs/<CODE>.md``) when it ships them, else ``rules/<CODE>.md``
beside the source tree of a development checkout.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

_SOURCE_TREE_DOCS = Path(__file__).resolve().parents[3] / "rules"


@functools.cache
def rule_document(code: str) -> str | None:
    """The Markdown document of rule ``code``, or ``None`` when it cannot be found."""
    name = f"{code}.md"
    try:
        packaged = resources.files("layerwise").joinpath("rule_docs").joinpath(name)
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError, TypeError):
        pass
    try:
        return (_SOURCE_TREE_DOCS / name).read_text(encoding="utf-8")
    except OSError:
        return None


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
