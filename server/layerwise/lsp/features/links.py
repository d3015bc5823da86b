"""textDocument/documentLink: see :mod:`layerwise.services.links`."""

from __future__ import annotations

import functools
from pathlib import Path

from lsprotocol import types

from ...analysis.rules import ALL_RULES
from ...services.links import ContextLookup, document_links, rule_lookup
from ..convert import to_range
from ..guard import guarded
from ..server import LayerwiseServer


def register(server: LayerwiseServer) -> None:
    rule_for = rule_lookup(ALL_RULES)

    @server.feature(
        types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False)
    )
    @guarded(default=None)
    def document_link(
        ls: LayerwiseServer, params: types.DocumentLinkParams
    ) -> list[types.DocumentLink] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        path = doc.path
        exists = _context_lookup(path.parent, ls.root_for(path)) if path is not None else None
        text_document = ls.caps.text_document
        client = text_document.document_link if text_document else None
        tooltips = bool(client and client.tooltip_support)
        return [
            types.DocumentLink(
                range=to_range(doc.source, link.span.start, link.span.end, ls.encoding),
                target=link.target,
                tooltip=link.tooltip if tooltips else None,
            )
            for link in document_links(doc.model, exists, rule_for)
        ]


def _context_lookup(context: Path, root: Path | None) -> ContextLookup:
    """Context paths that exist inside the workspace, one stat each (cached for this
    request: the same source often appears in several instructions)."""
    try:
        top = (root or context).resolve()
    except OSError:
        top = root or context

    @functools.cache
    def find(relative: str) -> str | None:
        candidate = context / relative
        try:
            candidate.stat()  # most sources are absent or plain: one stat decides
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            return None
        if resolved != top and top not in resolved.parents:
            return None  # never outside the workspace, symbolic links included
        return candidate.as_uri()

    return find
