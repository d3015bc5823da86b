"""Helpers for end-to-end LSP tests: a recording client and an independent edit applier."""

from __future__ import annotations

import asyncio
import re
import sys
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "layerwise", "serve"]


def _record_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)  # type: ignore[attr-defined]


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record_diagnostics
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(server_command=SERVER, client_factory=make_client)


def capabilities(
    *,
    pull: bool = False,
    encodings: list[str] | None = None,
    configuration: bool = True,
    resolve: bool = False,
    snippets: bool = False,
) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=encodings  # type: ignore[arg-type]
        )
        if encodings
        else None,
        workspace=types.WorkspaceClientCapabilities(
            configuration=configuration,
            workspace_edit=types.WorkspaceEditClientCapabilities(
                document_changes=True,
                resource_operations=[types.ResourceOperationKind.Create],
                snippet_edit_support=snippets or None,
            ),
            diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True),
        ),
        text_document=types.TextDocumentClientCapabilities(
            diagnostic=types.DiagnosticClientCapabilities() if pull else None,
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=["quickfix", "source"]
                    )
                ),
                data_support=resolve,
                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
                if resolve
                else None,
            ),
        ),
    )


async def wait_for_version(
    client: LanguageClient, uri: str, version: int, timeout: float = 10
) -> list[Any]:
    """Wait until diagnostics for ``uri`` at ``version`` are published."""

    async def wait() -> list[Any]:
        while True:
            for params in reversed(client.published):  # type: ignore[attr-defined]
                if params.uri == uri and params.version == version:
                    return list(params.diagnostics)
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(wait(), timeout)


def _offset(text: str, position: types.Position, encoding: str) -> int:
    """Independent LSP position -> string offset (lines end at \\n, \\r\\n, \\r)."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    match = re.compile(r"\r\n|\r|\n").search(text, start)
    end = match.start() if match else len(text)
    return start + code_points(text[start:end], position.character, encoding)


def code_points(line: str, character: int, encoding: str) -> int:
    """Independent conversion of an LSP column in ``encoding`` to a code-point index."""
    units = index = 0
    while index < len(line) and units < character:
        ch = line[index]
        if encoding == "utf-16":
            units += 2 if ord(ch) > 0xFFFF else 1
        elif encoding == "utf-8":
            units += len(ch.encode("utf-8"))
        else:
            units += 1
        index += 1
    return index


def apply_text_edits(text: str, edits: list[types.TextEdit], encoding: str = "utf-16") -> str:
    spans = sorted(
        (
            (
                _offset(text, e.range.start, encoding),
                _offset(text, e.range.end, encoding),
                e.new_text,
            )
            for e in edits
        ),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def apply_workspace_edit(
    text: str, uri: str, edit: types.WorkspaceEdit, encoding: str = "utf-16"
) -> str:
    edits: list[types.TextEdit] = []
    if edit.document_changes:
        for change in edit.document_changes:
            assert isinstance(change, types.TextDocumentEdit)
            assert change.text_document.uri == uri
            edits.extend(change.edits)  # type: ignore[arg-type]
    if edit.changes:
        edits.extend(edit.changes.get(uri, []))
    return apply_text_edits(text, edits, encoding)
