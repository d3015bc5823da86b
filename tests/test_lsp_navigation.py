"""End-to-end: definition, references, highlight, rename and symbols through `layerwise serve`."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_support import CONFIG, apply_workspace_edit, code_points


def _capabilities(encoding: str, hierarchical: bool = True) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=[encoding]  # type: ignore[list-item]
        ),
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            symbol=types.WorkspaceSymbolClientCapabilities(),
        ),
        text_document=types.TextDocumentClientCapabilities(
            rename=types.RenameClientCapabilities(prepare_support=True),
            document_symbol=types.DocumentSymbolClientCapabilities(
                hierarchical_document_symbol_support=hierarchical
            ),
        ),
    )


async def _start(
    tmp_path: Path, encoding: str = "utf-16", hierarchical: bool = True
) -> LanguageClient:
    client = await CONFIG.start()
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=_capabilities(encoding, hierarchical),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        )
    )
    assert result.capabilities.position_encoding == encoding
    return client


async def _stop(client: LanguageClient) -> None:
    await client.shutdown_session()
    await client.stop()


def _open(client: LanguageClient, uri: str, text: str) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="dockerfile", version=1, text=text
            )
        )
    )


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text)


def _position(text: str, needle: str, encoding: str, nth: int = 0) -> types.Position:
    """Client position of the ``nth`` ``needle`` in ``text``, computed independently."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return types.Position(line, _units(text[line_start:offset], encoding))


def _text(text: str, rng: types.Range, encoding: str) -> str:
    lines = text.split("\n")
    assert rng.start.line == rng.end.line
    line = lines[rng.start.line].rstrip("\r")
    start = code_points(line, rng.start.character, encoding)
    end = code_points(line, rng.end.character, encoding)
    return line[start:end]


EMOJI = (
    "ARG BASE=alpine\n"
    "FROM $BASE AS build\n"
    'ENV GREETING="😀 hi" NAME=app\n'
    'RUN echo "😀😀" $NAME > /n\n'
    "FROM build\n"
    'LABEL x="é😀" y=$NAME\n'
)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
async def test_definition_and_references_after_non_bmp_text(encoding: str, tmp_path: Path):
    client = await _start(tmp_path, encoding)
    try:
        uri = (tmp_path / "Dockerfile").as_uri()
        _open(client, uri, EMOJI)
        use = _position(EMOJI, "NAME >", encoding)
        found = await client.text_document_definition_async(
            types.DefinitionParams(types.TextDocumentIdentifier(uri), use)
        )
        assert isinstance(found, list) and len(found) == 1
        assert found[0].range.start == _position(EMOJI, "NAME=", encoding)
        assert _text(EMOJI, found[0].range, encoding) == "NAME"
        refs = await client.text_document_references_async(
            types.ReferenceParams(
                text_document=types.TextDocumentIdentifier(uri),
                position=_position(EMOJI, "NAME\n", encoding),
                context=types.ReferenceContext(include_declaration=False),
            )
        )
        assert refs is not None
        assert [r.range.start for r in refs] == [
            _position(EMOJI, "NAME >", encoding),
            _position(EMOJI, "NAME\n", encoding),
        ]
    finally:
        await _stop(client)


CRLF = (
    "FROM alpine AS base\r\n"
    "ARG\tDIR=/srv\r\n"
    "RUN echo \\\r\n"
    "\t$DIR \\\r\n"
    "\t&& ls\r\n"
    "FROM base\r\n"
    "COPY --from=base $DIR /x\r\n"
)


async def test_rename_with_crlf_tabs_and_continuations(tmp_path: Path):
    client = await _start(tmp_path)
    try:
        uri = (tmp_path / "Dockerfile").as_uri()
        _open(client, uri, CRLF)
        position = _position(CRLF, "$DIR", "utf-16")
        position = types.Position(position.line, position.character + 2)
        prepared = await client.text_document_prepare_rename_async(
            types.PrepareRenameParams(types.TextDocumentIdentifier(uri), position)
        )
        assert isinstance(prepared, types.PrepareRenamePlaceholder)
        assert prepared.placeholder == "DIR"
        assert prepared.range.start == types.Position(3, 2)
        edit = await client.text_document_rename_async(
            types.RenameParams(types.TextDocumentIdentifier(uri), position, "ROOT")
        )
        assert edit is not None
        # $DIR in the second stage is not the first stage's ARG: it stays.
        assert apply_workspace_edit(CRLF, uri, edit) == CRLF.replace("DIR", "ROOT", 2)
        stage = await client.text_document_rename_async(
            types.RenameParams(
                types.TextDocumentIdentifier(uri), _position(CRLF, "base\r\nCOPY", "utf-16"), "os"
            )
        )
        assert stage is not None
        assert apply_workspace_edit(CRLF, uri, stage) == CRLF.replace("base", "os")
    finally:
        await _stop(client)


async def test_refused_renames_explain_why(tmp_path: Path):
    text = "FROM --platform=$BUILDPLATFORM golang AS build\nFROM build\nRUN true\n"
    client = await _start(tmp_path)
    try:
        uri = (tmp_path / "Dockerfile").as_uri()
        _open(client, uri, text)
        document = types.TextDocumentIdentifier(uri)
        with pytest.raises(Exception, match="is an image, not a stage"):
            await client.text_document_prepare_rename_async(
                types.PrepareRenameParams(document, _position(text, "golang", "utf-16"))
            )
        with pytest.raises(Exception, match="BUILDPLATFORM is predefined"):
            await client.text_document_prepare_rename_async(
                types.PrepareRenameParams(document, _position(text, "BUILDPLATFORM", "utf-16"))
            )
        with pytest.raises(Exception, match="not a valid stage name"):
            await client.text_document_rename_async(
                types.RenameParams(document, _position(text, "build\n", "utf-16"), "Bad Name")
            )
        nothing = await client.text_document_prepare_rename_async(
            types.PrepareRenameParams(document, _position(text, "true", "utf-16"))
        )
        assert nothing is None
    finally:
        await _stop(client)


BACKTICK = (
    "# escape=`\n"
    "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\n"
    "ARG TOOLS=C:\\tools\n"
    "COPY x `\n"
    "    ${TOOLS}\\x\n"
    "RUN <<EOF\n"
    "echo $TOOLS\n"
    "EOF\n"
    "ONBUILD RUN echo $TOOLS\n"
)


async def test_highlight_with_backtick_escape_heredoc_and_onbuild(tmp_path: Path):
    client = await _start(tmp_path)
    try:
        uri = (tmp_path / "Dockerfile").as_uri()
        _open(client, uri, BACKTICK)
        document = types.TextDocumentIdentifier(uri)
        found = await client.text_document_document_highlight_async(
            types.DocumentHighlightParams(document, _position(BACKTICK, "TOOLS=", "utf-16"))
        )
        assert found is not None
        # The ONBUILD trigger runs in a later build, where ARGs are gone.
        assert [(h.range.start.line, h.range.start.character, h.kind) for h in found] == [
            (2, 4, types.DocumentHighlightKind.Write),
            (4, 6, types.DocumentHighlightKind.Read),
            (6, 6, types.DocumentHighlightKind.Read),
        ]
        eof = await client.text_document_document_highlight_async(
            types.DocumentHighlightParams(document, _position(BACKTICK, "EOF\nONBUILD", "utf-16"))
        )
        assert eof is not None
        assert [(h.range.start.line, h.range.start.character, h.kind) for h in eof] == [
            (5, 6, types.DocumentHighlightKind.Write),
            (7, 0, types.DocumentHighlightKind.Read),
        ]
    finally:
        await _stop(client)


async def test_document_symbols_are_a_tree(tmp_path: Path):
    text = 'ARG V=1\nFROM alpine AS build\nENV E="😀" A=1\nRUN <<EOF\nls\nEOF\n'
    client = await _start(tmp_path)
    try:
        uri = (tmp_path / "Dockerfile").as_uri()
        _open(client, uri, text)
        symbols = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
        )
        assert symbols is not None
        tree = [
            (s.name, s.kind, [(c.name, c.kind) for c in s.children or []])
            for s in symbols
            if isinstance(s, types.DocumentSymbol)
        ]
        assert tree == [
            ("global ARGs", types.SymbolKind.Namespace, [("V", types.SymbolKind.Variable)]),
            (
                "build",
                types.SymbolKind.Class,
                [
                    ("E", types.SymbolKind.Variable),
                    ("A", types.SymbolKind.Variable),
                    ("RUN", types.SymbolKind.Method),
                ],
            ),
        ]
        stage = symbols[1]
        assert isinstance(stage, types.DocumentSymbol) and stage.children
        assert _text(text, stage.selection_range, "utf-16") == "build"
        variable, run = stage.children[1], stage.children[2]
        assert variable.selection_range.start == _position(text, "A=1", "utf-16")
        assert _text(text, variable.selection_range, "utf-16") == "A"
        assert [(h.name, h.kind) for h in run.children or []] == [
            ("<<EOF", types.SymbolKind.String)
        ]
        assert run.range.end == types.Position(5, 3)
    finally:
        await _stop(client)


async def test_flat_document_symbols_for_older_clients(tmp_path: Path):
    text = "ARG V=1\nFROM alpine AS build\nRUN true\n"
    client = await _start(tmp_path, hierarchical=False)
    try:
        uri = (tmp_path / "Dockerfile").as_uri()
        _open(client, uri, text)
        symbols = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
        )
        assert symbols is not None
        assert [
            (s.name, s.container_name, s.location.range.start.line)
            for s in symbols
            if isinstance(s, types.SymbolInformation)
        ] == [
            ("global ARGs", None, 0),
            ("V", "global ARGs", 0),
            ("build", None, 1),
            ("RUN", "build", 2),
        ]
    finally:
        await _stop(client)


async def test_workspace_symbols_from_disk_and_open_documents(tmp_path: Path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text("ARG PYTHON=3.12\nFROM python AS svc-build\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "Dockerfile").write_text("FROM node AS vendored\n")
    open_path = tmp_path / "Dockerfile"
    open_path.write_text("FROM alpine AS on-disk\n")
    client = await _start(tmp_path)
    try:
        uri = open_path.as_uri()
        # The editor's unsaved text wins over the file on disk.
        _open(client, uri, 'LABEL a="😀"\nFROM alpine AS edited\n')
        found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
        assert found is not None
        names = sorted(
            (s.name, s.kind, s.container_name, Path(s.location.uri).name)
            for s in found
            if isinstance(s.location, types.Location)
        )
        assert names == [
            ("PYTHON", types.SymbolKind.Variable, "global ARGs", "Dockerfile"),
            ("edited", types.SymbolKind.Class, None, "Dockerfile"),
            ("svc-build", types.SymbolKind.Class, None, "Dockerfile"),
        ]
        svc = next(s for s in found if s.name == "svc-build")
        assert isinstance(svc.location, types.Location)
        assert svc.location.uri == (tmp_path / "svc" / "Dockerfile").resolve().as_uri()
        assert svc.location.range.start == types.Position(1, 15)
        filtered = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="SVB"))
        assert [s.name for s in filtered or []] == ["svc-build"]
    finally:
        await _stop(client)
