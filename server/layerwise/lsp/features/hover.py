"""``textDocument/hover``: the answer comes from :mod:`layerwise.services.hover`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ...services.hover import hover as hover_at
from ...services.hover import render
from ..convert import to_range
from ..guard import guarded

if TYPE_CHECKING:
    from ..server import LayerwiseServer


def wants_markdown(server: LayerwiseServer) -> bool:
    """The client lists Markdown among its hover formats (plain text otherwise)."""
    text_document = server.caps.text_document
    hover = text_document.hover if text_document else None
    formats = hover.content_format if hover else None
    return bool(formats) and types.MarkupKind.Markdown in formats  # type: ignore[operator]


def register(server: LayerwiseServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(default=None)
    def hover(ls: LayerwiseServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        position = params.position
        offset = doc.source.from_client(position.line, position.character, ls.encoding)
        # The findings already computed for this version (no lint per hover): the
        # client shows the diagnostics only once they were published or pulled.
        fresh = doc.result is not None and doc.result_generation == ls.generation
        findings = doc.result.findings if fresh and doc.result is not None else ()
        result = hover_at(doc.model, offset, findings)
        if result is None:
            return None
        markdown = wants_markdown(ls)
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText,
                value=render(result, markdown),
            ),
            range=to_range(doc.source, result.span.start, result.span.end, ls.encoding),
        )
