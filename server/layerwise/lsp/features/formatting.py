"""Formatting requests: whole document, a range, and indentation on a line break."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ...services.formatting import FormatOptions, format_edits, format_range_edits, on_type_edits
from ..convert import to_text_edit
from ..guard import guarded

if TYPE_CHECKING:
    from ..server import LayerwiseServer


def _options(ls: LayerwiseServer, requested: types.FormattingOptions) -> FormatOptions:
    settings = ls.settings
    tab_size = requested.tab_size if isinstance(requested.tab_size, int) else 4
    return FormatOptions(
        tab_size=max(1, min(tab_size, 16)),
        insert_spaces=bool(requested.insert_spaces),
        keyword_case=settings.format_keyword_case or "upper",  # type: ignore[arg-type]
        multi_line=settings.format_multi_line is not False,
        insert_final_newline=bool(requested.insert_final_newline),
    )


def register(server: LayerwiseServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded(default=None)
    def formatting(
        ls: LayerwiseServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        edits = format_edits(doc.model, _options(ls, params.options))
        return [to_text_edit(doc.source, e, ls.encoding) for e in edits]

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    @guarded(default=None)
    def range_formatting(
        ls: LayerwiseServer, params: types.DocumentRangeFormattingParams
    ) -> list[types.TextEdit] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        start = doc.source.from_client(
            params.range.start.line, params.range.start.character, ls.encoding
        )
        end = doc.source.from_client(params.range.end.line, params.range.end.character, ls.encoding)
        edits = format_range_edits(doc.model, start, end, _options(ls, params.options))
        return [to_text_edit(doc.source, e, ls.encoding) for e in edits]

    @server.feature(
        types.TEXT_DOCUMENT_ON_TYPE_FORMATTING,
        types.DocumentOnTypeFormattingOptions(first_trigger_character="\n"),
    )
    @guarded(default=None)
    def on_type_formatting(
        ls: LayerwiseServer, params: types.DocumentOnTypeFormattingParams
    ) -> list[types.TextEdit] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or params.ch != "\n":
            return None
        offset = doc.source.from_client(
            params.position.line, params.position.character, ls.encoding
        )
        edits = on_type_edits(doc.model, offset, _options(ls, params.options))
        return [to_text_edit(doc.source, e, ls.encoding) for e in edits]
