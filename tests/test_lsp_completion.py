"""End-to-end completion through a real `layerwise serve` (pytest-lsp over stdio)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_support import CONFIG, apply_text_edits, code_points

CURSOR = "|"


def _capabilities(
    *, snippets: bool = False, insert_replace: bool = False, encodings: list[str] | None = None
) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings)  # type: ignore[arg-type]
        if encodings
        else None,
        text_document=types.TextDocumentClientCapabilities(
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(
                    snippet_support=snippets,
                    insert_replace_support=insert_replace,
                    documentation_format=[types.MarkupKind.Markdown],
                    tag_support=types.CompletionItemTagOptions(
                        value_set=[types.CompletionItemTag.Deprecated]
                    ),
                )
            )
        ),
    )


@asynccontextmanager
async def session(tmp_path: Path, **options: object) -> AsyncIterator[LanguageClient]:
    client = await CONFIG.start()
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=_capabilities(**options),  # type: ignore[arg-type]
                workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
            )
        )
        yield client
    finally:
        await client.shutdown_session()
        await client.stop()


def _position(text: str, offset: int, encoding: str) -> types.Position:
    """Independent offset -> LSP position (lines end at \\n, \\r\\n or \\r)."""
    line_start = 0
    line = 0
    index = 0
    while index < offset:
        ch = text[index]
        if ch == "\r" and text[index + 1 : index + 2] == "\n":
            index += 1
        if ch in "\r\n":
            line += 1
            line_start = index + 1
        index += 1
    prefix = text[line_start:offset]
    if encoding == "utf-16":
        units = len(prefix.encode("utf-16-le")) // 2
    elif encoding == "utf-8":
        units = len(prefix.encode("utf-8"))
    else:
        units = len(prefix)
    return types.Position(line, units)


async def _complete(
    client: LanguageClient, path: Path, marked: str, encoding: str = "utf-16"
) -> tuple[types.CompletionList, str]:
    offset = marked.index(CURSOR)
    text = marked[:offset] + marked[offset + 1 :]
    path.write_text(text, newline="")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="dockerfile", version=1, text=text
            )
        )
    )
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=_position(text, offset, encoding),
        )
    )
    assert isinstance(result, types.CompletionList)
    return result, text


def _accept(
    text: str, result: types.CompletionList, label: str, encoding: str = "utf-16"
) -> tuple[types.CompletionItem, str]:
    chosen = next((i for i in result.items if i.label == label), None)
    assert chosen is not None, [i.label for i in result.items]
    edit = chosen.text_edit
    assert isinstance(edit, types.TextEdit)
    return chosen, apply_text_edits(text, [edit], encoding)


async def test_server_advertises_completion_with_trigger_characters(tmp_path: Path):
    client = await CONFIG.start()
    try:
        result = await client.initialize_session(
            types.InitializeParams(capabilities=_capabilities())
        )
        provider = result.capabilities.completion_provider
        assert provider is not None
        assert set(provider.trigger_characters or []) == set("-=${, /")
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_keyword_plain_text_without_snippet_support(tmp_path: Path):
    async with session(tmp_path) as client:
        result, text = await _complete(client, tmp_path / "Dockerfile", "FROM alpine\nCO|\n")
        assert result.is_incomplete is False
        chosen, edited = _accept(text, result, "COPY")
        assert chosen.kind == types.CompletionItemKind.Keyword
        assert chosen.insert_text_format == types.InsertTextFormat.PlainText
        assert edited == "FROM alpine\nCOPY \n"
        assert "COPY --from" not in [i.label for i in result.items]


async def test_keyword_snippets_with_snippet_support(tmp_path: Path):
    async with session(tmp_path, snippets=True) as client:
        result, text = await _complete(client, tmp_path / "Dockerfile", "FROM alpine\nCO|\n")
        chosen, edited = _accept(text, result, "COPY --from")
        assert chosen.insert_text_format == types.InsertTextFormat.Snippet
        assert edited == "FROM alpine\nCOPY --from=${1:stage} ${2:src} ${3:dest}\n"
        maintainer = next(i for i in result.items if i.label == "MAINTAINER")
        assert list(maintainer.tags or []) == [types.CompletionItemTag.Deprecated]
        assert isinstance(maintainer.documentation, types.MarkupContent)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
async def test_range_after_an_emoji(tmp_path: Path, encoding: str):
    marked = 'FROM alpine\nENV GREETING=hi\nRUN echo "😀" $GRE|'
    async with session(tmp_path, encodings=[encoding]) as client:
        result, text = await _complete(client, tmp_path / "Dockerfile", marked, encoding)
        chosen, edited = _accept(text, result, "GREETING", encoding)
        assert edited == 'FROM alpine\nENV GREETING=hi\nRUN echo "😀" $GREETING'
        edit = chosen.text_edit
        assert isinstance(edit, types.TextEdit)
        line = text.splitlines()[2]
        start = code_points(line, edit.range.start.character, encoding)
        assert line[start:] == "GRE"


async def test_crlf_document(tmp_path: Path):
    marked = "FROM golang AS build\r\nFROM alpine\r\nCOPY --from=b| /out /out\r\n"
    async with session(tmp_path) as client:
        result, text = await _complete(client, tmp_path / "Dockerfile", marked)
        _, edited = _accept(text, result, "build")
        assert edited == "FROM golang AS build\r\nFROM alpine\r\nCOPY --from=build /out /out\r\n"


async def test_tab_indented_keyword(tmp_path: Path):
    async with session(tmp_path) as client:
        result, text = await _complete(client, tmp_path / "Dockerfile", "FROM alpine\n\tWORK|")
        _, edited = _accept(text, result, "WORKDIR")
        assert edited == "FROM alpine\n\tWORKDIR "


async def test_backtick_escape_continuation(tmp_path: Path):
    marked = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN `\n  --net|"
    async with session(tmp_path) as client:
        result, text = await _complete(client, tmp_path / "Dockerfile", marked)
        _, edited = _accept(text, result, "--network")
        assert edited.endswith("RUN `\n  --network=")


async def test_nothing_inside_a_heredoc_body(tmp_path: Path):
    marked = "FROM alpine\nRUN <<EOF\nR|\nEOF\n"
    async with session(tmp_path) as client:
        result, _ = await _complete(client, tmp_path / "Dockerfile", marked)
        assert list(result.items) == []


async def test_mount_values_and_insert_replace(tmp_path: Path):
    marked = "FROM alpine\nRUN --mount=type=cache,sharing=lo|cked,target=/x true\n"
    async with session(tmp_path, insert_replace=True) as client:
        result, text = await _complete(client, tmp_path / "Dockerfile", marked)
        chosen = next(i for i in result.items if i.label == "locked")
        edit = chosen.text_edit
        assert isinstance(edit, types.InsertReplaceEdit)
        line = text.splitlines()[1]
        typed = line.index("=lo") + 1
        assert edit.insert.start == types.Position(1, typed)
        assert edit.insert.end == types.Position(1, typed + 2)
        assert edit.replace.end == types.Position(1, line.index(",target"))  # up to the comma


async def test_build_context_paths_respect_dockerignore(tmp_path: Path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("")
    (tmp_path / "build.log").write_text("")
    (tmp_path / ".dockerignore").write_text("*.log\n")
    async with session(tmp_path) as client:
        result, text = await _complete(client, tmp_path / "Dockerfile", "FROM alpine\nCOPY |")
        found = {i.label: i.kind for i in result.items}
        assert found.get("src/") == types.CompletionItemKind.Folder
        assert "build.log" not in found
        result, text = await _complete(
            client, tmp_path / "Dockerfile", "FROM alpine\nCOPY src/a| /app/"
        )
        _, edited = _accept(text, result, "app.py")
        assert edited == "FROM alpine\nCOPY src/app.py /app/"
