"""Open documents, kept with our own LSP line indexing.

pygls' TextDocument splits lines with ``str.splitlines``, which also breaks on
form feeds and Unicode separators; an incremental edit after such a character
lands on the wrong line. We apply changes ourselves with :class:`SourceText`,
which follows the LSP definition of a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..analysis.engine import LintResult
from ..syntax.model import Dockerfile
from ..syntax.parser import parse
from ..syntax.source import Encoding, SourceText


@dataclass
class Document:
    uri: str
    text: str
    version: int | None
    #: Cached lint result and the settings generation it was computed with.
    result: LintResult | None = field(default=None, repr=False)
    result_generation: int = -1
    #: ``result``'s findings as diagnostics (computed by the lint job).
    diagnostics: list[Any] | None = field(default=None, repr=False)
    #: Bumped by every change: a lint job's result applies only to its ``seq``.
    seq: int = field(default=0, init=False)
    #: The parsed text when no lint result holds it yet (see ``model``).
    _model: Dockerfile | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.source = SourceText(self.text)
        #: Values derived from this version of the text (editor features' caches).
        self.derived: dict[str, object] = {}

    @property
    def model(self) -> Dockerfile:
        """The parsed text, parsed once per version and shared with the lint result."""
        if self.result is not None:
            return self.result.doc
        if self._model is None:
            self._model = parse(self.text)
        return self._model

    def forget_lint(self) -> None:
        """Lint again next time (a file the lint read changed); the parse still holds."""
        if self.result is not None:
            self._model = self.result.doc
            self.result = None

    @property
    def parsed(self) -> bool:
        """``model`` is at hand without parsing."""
        return self.result is not None or self._model is not None

    def keep_model(self, model: Dockerfile) -> None:
        """A parse of this version made elsewhere (the lint job)."""
        if self._model is None and self.result is None:
            self._model = model

    @property
    def path(self) -> Path | None:
        return uri_to_path(self.uri)

    def apply_change(
        self,
        text: str,
        start: tuple[int, int] | None,
        end: tuple[int, int] | None,
        encoding: Encoding,
    ) -> None:
        """Apply one content change; ``start``/``end`` are client positions, ``None`` = whole."""
        if start is None or end is None:
            self.text = text
        else:
            begin = self.source.from_client(*start, encoding)
            finish = self.source.from_client(*end, encoding)
            if finish < begin:
                begin, finish = finish, begin
            self.text = self.text[:begin] + text + self.text[finish:]
        self.source = SourceText(self.text)
        self.seq += 1
        self.result = None
        self.diagnostics = None
        self._model = None
        self.derived = {}


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if parsed.netloc and parsed.netloc != "localhost":
        path = f"//{parsed.netloc}{path}"
    # file:///c%3A/x on Windows
    if len(path) >= 3 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    return Path(path)


class DocumentStore:
    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}

    def open(self, uri: str, text: str, version: int | None) -> Document:
        doc = Document(uri, text, version)
        self._docs[uri] = doc
        return doc

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def close(self, uri: str) -> None:
        self._docs.pop(uri, None)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._docs.values()))
