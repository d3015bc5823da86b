"""textDocument/foldingRange: see :mod:`layerwise.services.folding`."""

from __future__ import annotations

from lsprotocol import types

from ...services.folding import COMMENT, REGION, folding_ranges
from ..guard import guarded
from ..server import LayerwiseServer

_KINDS = {COMMENT: types.FoldingRangeKind.Comment, REGION: types.FoldingRangeKind.Region}


def register(server: LayerwiseServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    @guarded(default=None)
    def folding_range(
        ls: LayerwiseServer, params: types.FoldingRangeParams
    ) -> list[types.FoldingRange] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        text_document = ls.caps.text_document
        client = text_document.folding_range if text_document else None
        limit = client.range_limit if client else None
        # Whole lines only, which is all a lineFoldingOnly client accepts anyway:
        # no start/end characters are sent.
        return [
            types.FoldingRange(
                start_line=fold.start_line,
                end_line=fold.end_line,
                kind=_KINDS.get(fold.kind) if fold.kind else None,
            )
            for fold in folding_ranges(doc.model, limit)
        ]
