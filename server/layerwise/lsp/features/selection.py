"""textDocument/selectionRange: see :mod:`layerwise.services.selection`."""

from __future__ import annotations

from lsprotocol import types

from ...services.selection import selection_chain
from ..convert import to_range
from ..guard import guarded
from ..server import LayerwiseServer


def register(server: LayerwiseServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    @guarded(default=None)
    def selection_range(
        ls: LayerwiseServer, params: types.SelectionRangeParams
    ) -> list[types.SelectionRange] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        model, source, encoding = doc.model, doc.source, ls.encoding
        result = []
        for position in params.positions:
            offset = source.from_client(position.line, position.character, encoding)
            parent: types.SelectionRange | None = None
            for span in reversed(selection_chain(model, offset)):  # outermost first
                parent = types.SelectionRange(
                    range=to_range(source, span.start, span.end, encoding), parent=parent
                )
            if parent is None:  # an empty document: the cursor itself
                parent = types.SelectionRange(range=types.Range(position, position))
            result.append(parent)
        return result
