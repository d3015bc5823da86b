"""The rule documents (``rules/*.md``): where they are, what they say, how to link them.

One place answers all three. A regular install carries the documents inside the package,
in ``layerwise/rule_docs/`` (``setup.py`` copies them there at build time); an editable
install or a source checkout reads the repository's ``rules/`` folder.

Links: when the project metadata names where the documents are published (a ``Rules``
entry in ``[project.urls]``, the folder holding ``LWxxx.md``), a rule's URL is the
published page; otherwise it is the installed file, as a ``file:`` URI. The editor always
gets the installed file: it matches the installed version and opens offline.
"""

from __future__ import annotations

import functools
import re
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

#: The ``[project.urls]`` label whose URL is the folder of published rule documents.
URL_LABEL = "Rules"

_DOC_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_SOURCE_RULES = Path(__file__).resolve().parents[3] / "rules"


@functools.cache
def _installed() -> Traversable | None:
    try:
        folder = resources.files("layerwise") / "rule_docs"
    except (ModuleNotFoundError, TypeError):
        return None
    return folder if folder.is_dir() else None


@functools.cache
def _folder() -> Traversable | None:
    """The installed documents, else the source tree's ``rules/``."""
    installed = _installed()
    if installed is not None:
        return installed
    if (_SOURCE_RULES / "README.md").is_file():
        return _SOURCE_RULES
    return None


def _doc(name: str) -> Traversable | None:
    folder = _folder()
    if folder is None or not _DOC_NAME.match(name):
        return None
    doc = folder / f"{name}.md"
    return doc if doc.is_file() else None


def read_doc(code: str) -> str | None:
    """The document of rule ``code`` (or ``README``, ``hadolint``), or None if absent."""
    doc = _doc(code)
    return doc.read_text(encoding="utf-8") if doc is not None else None


def doc_path(code: str) -> Path | None:
    """The document as a file on disk (None when missing or inside an archive)."""
    doc = _doc(code)
    return doc if isinstance(doc, Path) else None


def doc_uri(code: str) -> str:
    """A ``file:`` URI of the installed document of ``code``, for editors."""
    path = doc_path(code)
    if path is None:
        # Missing (a broken install): still a well-formed link, to where it belongs.
        folder = _folder()
        base = folder if isinstance(folder, Path) else _SOURCE_RULES
        path = base / f"{code}.md"
    return path.resolve().as_uri()


@functools.cache
def published_base() -> str | None:
    """The published documents' folder URL from the project metadata, if any."""
    try:
        urls = metadata.metadata("layerwise").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == URL_LABEL.lower() and url.strip():
            return url.strip().rstrip("/")
    return None


@functools.cache
def rule_url(code: str) -> str:
    """Where to read about ``code``: the published page, else the installed file."""
    base = published_base()
    return f"{base}/{code}.md" if base else doc_uri(code)
