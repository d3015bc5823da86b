"""Document outline and workspace symbols (see :mod:`layerwise.services.symbols`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ...analysis.workspace import DockerfileIndex
from ...services.symbols import (
    NamedSymbol,
    OutlineSymbol,
    document_symbols,
    matches,
    named_symbols,
)
from ...syntax.source import Encoding, SourceText
from ..convert import to_range
from ..guard import guarded

if TYPE_CHECKING:
    from ..server import LayerwiseServer

#: At most this many workspace symbols per answer (clients filter further as one types).
MAX_WORKSPACE_SYMBOLS = 1_000

_OUTLINE_KINDS = {
    "section": types.SymbolKind.Namespace,
    "stage": types.SymbolKind.Class,
    "instruction": types.SymbolKind.Method,
    "variable": types.SymbolKind.Variable,
    "heredoc": types.SymbolKind.String,
}
_NAMED_KINDS = {"stage": types.SymbolKind.Class, "variable": types.SymbolKind.Variable}


def _tree(source: SourceText, symbol: OutlineSymbol, encoding: Encoding) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name,
        kind=_OUTLINE_KINDS[symbol.kind],
        range=to_range(source, symbol.span.start, symbol.span.end, encoding),
        selection_range=to_range(source, symbol.selection.start, symbol.selection.end, encoding),
        detail=symbol.detail or None,
        children=[_tree(source, child, encoding) for child in symbol.children] or None,
    )


def _flat(
    uri: str,
    source: SourceText,
    symbols: list[OutlineSymbol] | tuple[OutlineSymbol, ...],
    encoding: Encoding,
    container: str | None = None,
) -> list[types.SymbolInformation]:
    out = []
    for symbol in symbols:
        out.append(
            types.SymbolInformation(
                location=types.Location(
                    uri, to_range(source, symbol.span.start, symbol.span.end, encoding)
                ),
                name=symbol.name,
                kind=_OUTLINE_KINDS[symbol.kind],
                container_name=container,
            )
        )
        out.extend(_flat(uri, source, symbol.children, encoding, symbol.name))
    return out


def _named(
    uri: str, source: SourceText, symbol: NamedSymbol, encoding: Encoding
) -> types.WorkspaceSymbol:
    return types.WorkspaceSymbol(
        location=types.Location(
            uri, to_range(source, symbol.span.start, symbol.span.end, encoding)
        ),
        name=symbol.name,
        kind=_NAMED_KINDS[symbol.kind],
        container_name=symbol.container or None,
    )


def register(server: LayerwiseServer) -> None:
    index: DockerfileIndex[list[NamedSymbol]] = DockerfileIndex(named_symbols, server.config_loader)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(default=None)
    def document_symbol(
        ls: LayerwiseServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        outline = doc.derived.get("outline")
        if not isinstance(outline, list):
            outline = doc.derived["outline"] = document_symbols(doc.model)
        text_document = ls.caps.text_document
        capability = text_document.document_symbol if text_document else None
        if capability and capability.hierarchical_document_symbol_support:
            return [_tree(doc.source, symbol, ls.encoding) for symbol in outline]
        return _flat(doc.uri, doc.source, outline, ls.encoding)

    @server.feature(types.WORKSPACE_SYMBOL)
    @server.thread()  # walks the workspace folders: keep the event loop free
    @guarded(default=None)
    def workspace_symbol(
        ls: LayerwiseServer, params: types.WorkspaceSymbolParams
    ) -> list[types.WorkspaceSymbol]:
        query = params.query
        found: list[types.WorkspaceSymbol] = []
        open_paths = set()
        for doc in ls.documents:
            path = doc.path
            if path is not None:
                open_paths.add(path.resolve())
            named = doc.derived.get("named_symbols")
            if not isinstance(named, list):
                named = doc.derived["named_symbols"] = named_symbols(doc.model)
            found.extend(
                _named(doc.uri, doc.source, s, ls.encoding) for s in named if matches(query, s.name)
            )
        for entry in index.entries(ls.roots, skip=open_paths):
            uri = entry.path.as_uri()
            found.extend(
                _named(uri, entry.source, s, ls.encoding)
                for s in entry.value
                if matches(query, s.name)
            )
            if len(found) >= MAX_WORKSPACE_SYMBOLS:
                break
        return found[:MAX_WORKSPACE_SYMBOLS]
