"""Semantic tokens: full, range and delta requests over the pure token service.

The last result per document is kept (by its ``resultId``) so a delta request answers
with the changed stretch only; a request naming an older result gets the full tokens.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from lsprotocol import types

from ...services.tokens import (
    TOKEN_MODIFIERS,
    TOKEN_TYPES,
    delta_edits,
    encode,
    semantic_tokens,
    tokens_in_range,
)
from ..guard import guarded

if TYPE_CHECKING:
    from ..documents import Document
    from ..server import LayerwiseServer

LEGEND = types.SemanticTokensLegend(
    token_types=list(TOKEN_TYPES), token_modifiers=list(TOKEN_MODIFIERS)
)


def register(server: LayerwiseServer) -> None:
    #: uri -> (result id, document version, encoded data) of the last full answer.
    previous: dict[str, tuple[str, int | None, list[int]]] = {}
    ids = itertools.count(1)

    def full_data(ls: LayerwiseServer, doc: Document) -> list[int]:
        kept = previous.get(doc.uri)
        if kept is not None and kept[1] == doc.version and doc.version is not None:
            return kept[2]
        return encode(semantic_tokens(doc.model), doc.source, ls.encoding)

    def remember(ls: LayerwiseServer, doc: Document, data: list[int]) -> str:
        result_id = str(next(ids))
        for uri in [u for u in previous if ls.documents.get(u) is None]:
            del previous[uri]  # closed documents
        previous[doc.uri] = (result_id, doc.version, data)
        return result_id

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
    @guarded(default=None)
    def full(
        ls: LayerwiseServer, params: types.SemanticTokensParams
    ) -> types.SemanticTokens | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        data = full_data(ls, doc)
        return types.SemanticTokens(data=data, result_id=remember(ls, doc, data))

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, LEGEND)
    @guarded(default=None)
    def delta(
        ls: LayerwiseServer, params: types.SemanticTokensDeltaParams
    ) -> types.SemanticTokens | types.SemanticTokensDelta | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        kept = previous.get(doc.uri)
        data = full_data(ls, doc)
        result_id = remember(ls, doc, data)
        if kept is None or kept[0] != params.previous_result_id:
            return types.SemanticTokens(data=data, result_id=result_id)
        edits = [
            types.SemanticTokensEdit(start=start, delete_count=count, data=inserted)
            for start, count, inserted in delta_edits(kept[2], data)
        ]
        return types.SemanticTokensDelta(edits=edits, result_id=result_id)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, LEGEND)
    @guarded(default=None)
    def in_range(
        ls: LayerwiseServer, params: types.SemanticTokensRangeParams
    ) -> types.SemanticTokens | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        source = doc.source
        start = source.from_client(
            params.range.start.line, params.range.start.character, ls.encoding
        )
        end = source.from_client(params.range.end.line, params.range.end.character, ls.encoding)
        tokens = tokens_in_range(semantic_tokens(doc.model), start, end)
        return types.SemanticTokens(data=encode(tokens, source, ls.encoding))
