"""textDocument/inlayHint: see :mod:`layerwise.services.inlay`."""

from __future__ import annotations

from lsprotocol import types

from ...services.inlay import value_hints
from ..guard import guarded
from ..server import LayerwiseServer


def register(server: LayerwiseServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    @guarded(default=None)
    def inlay_hint(
        ls: LayerwiseServer, params: types.InlayHintParams
    ) -> list[types.InlayHint] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        source, encoding = doc.source, ls.encoding
        start = source.from_client(params.range.start.line, params.range.start.character, encoding)
        end = source.from_client(params.range.end.line, params.range.end.character, encoding)
        hints = []
        for hint in value_hints(doc.model, start, end):
            line, character = source.to_client(hint.offset, encoding)
            hints.append(
                types.InlayHint(
                    position=types.Position(line, character),
                    label=hint.label,
                    tooltip=f"Value from the ARG defaults and ENV above: {hint.value}",
                )
            )
        return hints
