"""Open documents, kept with our own LSP line indexing.

pygls' TextDocument splits lines with ``str.splitlines``, which also breaks on
form feeds and Unicode separators; an incremental edit after such a character
lands on the wrong line. We apply changes ourselves with :class:`SourceText`,
which follows the LSP definition of a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
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
    _model: Dockerfile | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.source = SourceText(self.text)

    @property
    def model(self) -> Dockerfile:
        """The parsed text for editor features: the lint result's when there is one,
        else parsed once per change (no lint needed for a hover or a token)."""
        if self.result is not None and self.result.doc.text == self.text:
            return self.result.doc
        if self._model is None:
            self._model = parse(self.text)
        return self._model

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
        self.result = None
        self._model = None


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
