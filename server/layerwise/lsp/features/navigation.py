"""Definition, references, document highlight and rename (see :mod:`layerwise.services.navigation`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from ...services import navigation
from ...services.references import SymbolTable, symbol_table
from ..convert import to_range
from ..documents import Document
from ..guard import guarded

if TYPE_CHECKING:
    from ..server import LayerwiseServer

#: LSP's RequestFailed: the request was valid but cannot be carried out.
REQUEST_FAILED = -32803


def table_of(doc: Document) -> SymbolTable:
    """The document's symbol table, built once per version."""
    table = doc.derived.get("symbol_table")
    if not isinstance(table, SymbolTable):
        table = doc.derived["symbol_table"] = symbol_table(doc.model)
    return table


def _lookup(
    ls: LayerwiseServer, document: types.TextDocumentIdentifier, position: types.Position
) -> tuple[Document, SymbolTable, int] | None:
    doc = ls.documents.get(document.uri)
    if doc is None:
        return None
    offset = doc.source.from_client(position.line, position.character, ls.encoding)
    return doc, table_of(doc), offset


def _refused(exc: navigation.RenameRefused) -> JsonRpcException:
    return JsonRpcException(message=str(exc), code=REQUEST_FAILED)


def register(server: LayerwiseServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(default=None)
    def definition(ls: LayerwiseServer, params: types.DefinitionParams) -> list[types.Location]:
        found = _lookup(ls, params.text_document, params.position)
        if found is None:
            return []
        doc, table, offset = found
        return [
            types.Location(doc.uri, to_range(doc.source, span.start, span.end, ls.encoding))
            for span in navigation.definition(table, offset)
        ]

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(default=None)
    def references(ls: LayerwiseServer, params: types.ReferenceParams) -> list[types.Location]:
        found = _lookup(ls, params.text_document, params.position)
        if found is None:
            return []
        doc, table, offset = found
        spans = navigation.references(table, offset, params.context.include_declaration)
        return [
            types.Location(doc.uri, to_range(doc.source, span.start, span.end, ls.encoding))
            for span in spans
        ]

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    @guarded(default=None)
    def highlight(
        ls: LayerwiseServer, params: types.DocumentHighlightParams
    ) -> list[types.DocumentHighlight]:
        found = _lookup(ls, params.text_document, params.position)
        if found is None:
            return []
        doc, table, offset = found
        return [
            types.DocumentHighlight(
                to_range(doc.source, h.span.start, h.span.end, ls.encoding),
                types.DocumentHighlightKind.Write if h.write else types.DocumentHighlightKind.Read,
            )
            for h in navigation.highlights(table, offset)
        ]

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded(default=None)
    def prepare_rename(
        ls: LayerwiseServer, params: types.PrepareRenameParams
    ) -> types.PrepareRenamePlaceholder | None:
        found = _lookup(ls, params.text_document, params.position)
        if found is None:
            return None
        doc, table, offset = found
        try:
            result = navigation.prepare_rename(table, offset)
        except navigation.RenameRefused as exc:
            raise _refused(exc) from None
        if result is None:
            return None
        span, name = result
        return types.PrepareRenamePlaceholder(
            to_range(doc.source, span.start, span.end, ls.encoding), name
        )

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    @guarded(default=None)
    def rename(ls: LayerwiseServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        found = _lookup(ls, params.text_document, params.position)
        if found is None:
            return None
        doc, table, offset = found
        try:
            edits = navigation.rename(doc.model, table, offset, params.new_name)
        except navigation.RenameRefused as exc:
            raise _refused(exc) from None
        return ls.edit(doc, edits)
