"""End-to-end: hover and signature help through a real `layerwise serve`."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_support import CONFIG, capabilities, code_points, wait_for_version


def _editor_capabilities(
    encodings: list[str] | None = None, markdown: bool = True
) -> types.ClientCapabilities:
    caps = capabilities(encodings=encodings)
    assert caps.text_document is not None
    formats = [types.MarkupKind.Markdown, types.MarkupKind.PlainText] if markdown else None
    caps.text_document.hover = types.HoverClientCapabilities(content_format=formats)
    caps.text_document.signature_help = types.SignatureHelpClientCapabilities(
        signature_information=types.ClientSignatureInformationOptions(
            documentation_format=formats,
            parameter_information=types.ClientSignatureParameterInformationOptions(
                label_offset_support=True
            ),
        )
    )
    return caps


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    lsp_client.set_configuration({"layerwise": {}})
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=_editor_capabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        )
    )
    lsp_client.server_capabilities = result.capabilities  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def plain_client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=capabilities(encodings=["utf-8"]))
    )
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, uri: str, text: str) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="dockerfile", version=1, text=text
            )
        )
    )


def _position(text: str, needle: str, encoding: str = "utf-16", shift: int = 1) -> types.Position:
    """Client position of ``needle`` (plus ``shift`` characters) in ``text``."""
    offset = text.index(needle) + shift
    lines = text[:offset].replace("\r\n", "\n").split("\n")
    column = lines[-1]
    if encoding == "utf-16":
        units = len(column.encode("utf-16-le")) // 2
    elif encoding == "utf-8":
        units = len(column.encode("utf-8"))
    else:
        units = len(column)
    return types.Position(len(lines) - 1, units)


def _slice(text: str, rng: types.Range, encoding: str = "utf-16") -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    assert rng.start.line == rng.end.line
    line = lines[rng.start.line]
    start = code_points(line, rng.start.character, encoding)
    end = code_points(line, rng.end.character, encoding)
    return line[start:end]


async def _hover(client: LanguageClient, uri: str, position: types.Position) -> types.Hover:
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert result is not None
    return result


async def test_capabilities_are_advertised(client: LanguageClient):
    caps = client.server_capabilities  # type: ignore[attr-defined]
    assert caps.hover_provider
    assert caps.signature_help_provider is not None
    assert {" ", "=", ",", "["} <= set(caps.signature_help_provider.trigger_characters)


async def test_hover_after_an_emoji_with_crlf(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = 'FROM alpine:3.20\r\nENV APP=/srv/app\r\nRUN echo "😀 héllo" $APP\r\n'
    _open(client, uri, text)
    result = await _hover(client, uri, _position(text, "$APP\r", shift=2))
    assert isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    assert "`/srv/app`" in result.contents.value and "line 2" in result.contents.value
    assert result.range is not None
    assert result.range.start == _position(text, "$APP\r", shift=0)
    assert _slice(text, result.range) == "$APP"


async def test_hover_on_a_diagnostic_names_the_rule(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM alpine:3.20\nADD app.txt /app/\n"
    _open(client, uri, text)
    diagnostics = await wait_for_version(client, uri, 1)
    diagnostic = next(d for d in diagnostics if d.code == "LW701")
    result = await _hover(client, uri, diagnostic.range.start)
    assert isinstance(result.contents, types.MarkupContent)
    assert "LW701" in result.contents.value
    assert diagnostic.code_description is not None
    assert "LW701.md" in result.contents.value


async def test_heredoc_tabs_and_backtick_escape(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = (
        "# escape=`\r\nFROM alpine:3.20\r\nARG NAME=wörld `\r\n\tOTHER=1\r\n"
        "RUN <<EOF\r\n\techo 😀 $NAME\r\nEOF\r\n"
    )
    _open(client, uri, text)
    result = await _hover(client, uri, _position(text, "$NAME\r", shift=3))
    assert isinstance(result.contents, types.MarkupContent)
    assert "`wörld`" in result.contents.value
    assert result.range is not None and _slice(text, result.range) == "$NAME"
    keyword = await _hover(client, uri, _position(text, "RUN <<"))
    assert isinstance(keyword.contents, types.MarkupContent)
    assert "RUN [--mount=" in keyword.contents.value


async def test_plain_text_and_utf8_positions(plain_client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM alpine:3.20\nENV PORT=8080\nRUN echo 😀é $PORT\n"
    _open(plain_client, uri, text)
    result = await _hover(plain_client, uri, _position(text, "$PORT", encoding="utf-8"))
    assert isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.PlainText
    assert "`" not in result.contents.value and "Value: 8080" in result.contents.value
    assert result.range is not None
    assert result.range.start == _position(text, "$PORT", encoding="utf-8", shift=0)
    assert _slice(text, result.range, "utf-8") == "$PORT"


async def test_signature_help(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM alpine:3.20 AS build\nFROM alpine:3.20\r\nCOPY --from=build 😀.txt \n"
    _open(client, uri, text)
    position = _position(text, "😀.txt ", shift=len("😀.txt "))
    result = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position,
            context=types.SignatureHelpContext(
                trigger_kind=types.SignatureHelpTriggerKind.TriggerCharacter,
                is_retrigger=False,
                trigger_character=" ",
            ),
        )
    )
    assert result is not None
    assert result.active_signature is not None and result.active_parameter is not None
    signature = result.signatures[result.active_signature]
    assert signature.label.startswith("COPY [--from=")
    label = signature.parameters[result.active_parameter].label  # type: ignore[index]
    assert isinstance(label, tuple)
    assert signature.label[label[0] : label[1]] == "<dest>"
    assert len(result.signatures) == 3  # plain, JSON and heredoc forms
