"""The report formats of ``layerwise check --format``.

Each is a function ``(records, facts) -> str``: the findings of a run (see
:mod:`layerwise.cli.report`) in, the whole report out. Nothing here writes anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..report import Record, RunFacts
from .ci import github, gitlab
from .records import json_array, json_lines
from .sarif import sarif
from .text import full, grouped, text
from .xml_reports import checkstyle, junit

Formatter = Callable[[Sequence[Record], RunFacts], str]

FORMATS: dict[str, Formatter] = {
    "text": text,
    "full": full,
    "grouped": grouped,
    "json": json_array,
    "json-lines": json_lines,
    "sarif": sarif,
    "github": github,
    "gitlab": gitlab,
    "junit": junit,
    "checkstyle": checkstyle,
}

#: Formats for people: a summary line follows them, and they may be coloured.
HUMAN_FORMATS = frozenset({"text", "full", "grouped"})

__all__ = ["FORMATS", "HUMAN_FORMATS", "Formatter"]
