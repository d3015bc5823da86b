"""End to end through a real `layerwise serve`: formatting (document, range, on-type) and
semantic tokens (full, range, delta), with UTF-16 and UTF-8 positions after an emoji,
CRLF line endings, tabs, the backtick escape and heredocs."""

from __future__ import annotations

from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from layerwise.services.tokens import TOKEN_MODIFIERS, TOKEN_TYPES
from lsp_support import CONFIG, apply_text_edits, capabilities, code_points, wait_for_version


async def _start(lsp_client: LanguageClient, tmp_path: Path, **init: object) -> None:
    # The same settings both ways: at initialize, and when the server asks afterwards.
    lsp_client.set_configuration({"layerwise": init.get("settings", {})})
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(encodings=init.pop("encodings", None)),  # type: ignore[arg-type]
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
            initialization_options=init or None,
        )
    )
    lsp_client.init_result = result  # type: ignore[attr-defined]


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    await _start(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def utf8_client(lsp_client: LanguageClient, tmp_path: Path):
    await _start(lsp_client, tmp_path, encodings=["utf-8"])
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def keep_case_client(lsp_client: LanguageClient, tmp_path: Path):
    await _start(lsp_client, tmp_path, settings={"format": {"keywordCase": "keep"}})
    yield
    await lsp_client.shutdown_session()


async def _open(client: LanguageClient, tmp_path: Path, text: str) -> str:
    uri = (tmp_path / "Dockerfile").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="dockerfile", version=1, text=text
            )
        )
    )
    await wait_for_version(client, uri, 1)
    return uri


async def _format(
    client: LanguageClient, uri: str, tab_size: int = 4, spaces: bool = True
) -> list[types.TextEdit]:
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=tab_size, insert_spaces=spaces),
        )
    )
    return list(edits or [])


# -- formatting ------------------------------------------------------------------------------

MESSY = (
    "# escape=`\r\n"
    "from  alpine:3.20\r\n"
    'LABEL emoji="😀  x"   other=1\r\n'
    "run  echo 😀 && `\r\n"
    "\t\techo   two\r\n"
    "COPY <<EOF /x\r\n"
    "  body   \r\n"
    "EOF\r\n"
    "\r\n"
    "\r\n"
)


async def test_formatting_edits_in_utf16_keep_crlf_heredoc_and_backtick(
    client: LanguageClient, tmp_path: Path
):
    uri = await _open(client, tmp_path, MESSY)
    edits = await _format(client, uri)
    assert apply_text_edits(MESSY, edits, "utf-16") == (
        "# escape=`\r\n"
        "FROM alpine:3.20\r\n"
        'LABEL emoji="😀  x" other=1\r\n'
        "RUN echo 😀 && `\r\n"
        "    echo   two\r\n"
        "COPY <<EOF /x\r\n"
        "  body   \r\n"
        "EOF\r\n"
    )
    # Minimal edits: the space after the label value sits after the emoji (UTF-16: 2 units).
    label = next(e for e in edits if e.range.start.line == 2)
    assert (label.range.start.character, label.range.end.character) == (19, 22)
    assert all(e.range.start.line == e.range.end.line for e in edits if e.new_text)


async def test_formatting_with_tabs(client: LanguageClient, tmp_path: Path):
    text = "FROM a\nRUN a \\\n  b \\\n      c\n"
    uri = await _open(client, tmp_path, text)
    edits = await _format(client, uri, tab_size=2, spaces=False)
    assert apply_text_edits(text, edits) == "FROM a\nRUN a \\\n\tb \\\n\t\t\tc\n"


async def test_keyword_case_setting(keep_case_client: LanguageClient, tmp_path: Path):
    text = "from  a\nrun true\n"
    uri = await _open(keep_case_client, tmp_path, text)
    edits = await _format(keep_case_client, uri)
    assert apply_text_edits(text, edits) == "from a\nrun true\n"


async def test_range_formatting_only_the_touched_instruction(
    client: LanguageClient, tmp_path: Path
):
    text = "from a\nrun  😀 \\\n b\ncopy  x  y\n"
    uri = await _open(client, tmp_path, text)
    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(2, 0), types.Position(2, 1)),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert apply_text_edits(text, list(edits or [])) == "from a\nRUN 😀 \\\n    b\ncopy  x  y\n"


async def test_on_type_formatting_indents_after_a_continuation(
    client: LanguageClient, tmp_path: Path
):
    text = "FROM a\nRUN echo 😀 \\\n"
    uri = await _open(client, tmp_path, text)
    capability = client.init_result.capabilities.document_on_type_formatting_provider  # type: ignore[attr-defined]
    assert capability is not None and capability.first_trigger_character == "\n"
    edits = await client.text_document_on_type_formatting_async(
        types.DocumentOnTypeFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(2, 0),
            ch="\n",
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert apply_text_edits(text, list(edits or [])) == "FROM a\nRUN echo 😀 \\\n  "


# -- semantic tokens -------------------------------------------------------------------------


def _decode(text: str, data: list[int], encoding: str) -> list[tuple[str, str]]:
    """(token text, type) from the LSP integers, converting columns independently."""
    lines = text.replace("\r\n", "\n").split("\n")
    out = []
    line = char = 0
    for i in range(0, len(data), 5):
        d_line, d_char, length, kind, mods = data[i : i + 5]
        line += d_line
        char = d_char if d_line else char + d_char
        start = code_points(lines[line], char, encoding)
        end = code_points(lines[line], char + length, encoding)
        assert kind < len(TOKEN_TYPES) and mods < 1 << len(TOKEN_MODIFIERS)
        out.append((lines[line][start:end], TOKEN_TYPES[kind]))
    return out


TOKENS_TEXT = (
    "FROM alpine AS base\r\nRUN echo 😀 $HOME \\\r\n\t&& ls -l\r\nCOPY <<EOF /x\r\n😀 $Y\r\nEOF\r\n"
)
EXPECTED_TOKENS = [
    ("FROM", "keyword"), ("alpine", "type"), ("AS", "keyword"), ("base", "namespace"),
    ("RUN", "keyword"), ("echo", "function"), ("$HOME", "variable"), ("&&", "operator"),
    ("ls", "function"), ("-l", "parameter"),
    ("COPY", "keyword"), ("<<", "operator"), ("EOF", "keyword"), ("/x", "string"),
    ("😀 ", "string"), ("$Y", "variable"), ("EOF", "keyword"),
]  # fmt: skip


async def test_semantic_tokens_legend_and_full_in_utf16(client: LanguageClient, tmp_path: Path):
    provider = client.init_result.capabilities.semantic_tokens_provider  # type: ignore[attr-defined]
    assert list(provider.legend.token_types) == list(TOKEN_TYPES)
    assert list(provider.legend.token_modifiers) == list(TOKEN_MODIFIERS)
    assert provider.range is True and provider.full.delta is True
    uri = await _open(client, tmp_path, TOKENS_TEXT)
    result = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert result is not None and result.result_id
    assert _decode(TOKENS_TEXT, list(result.data), "utf-16") == EXPECTED_TOKENS
    # $HOME after the emoji: code-point column 11, UTF-16 column 12; "echo" is at 4.
    assert list(result.data[30:32]) == [0, 8]


async def test_semantic_tokens_in_utf8(utf8_client: LanguageClient, tmp_path: Path):
    uri = await _open(utf8_client, tmp_path, TOKENS_TEXT)
    result = await utf8_client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert result is not None
    assert _decode(TOKENS_TEXT, list(result.data), "utf-8") == EXPECTED_TOKENS


async def test_semantic_tokens_range(client: LanguageClient, tmp_path: Path):
    uri = await _open(client, tmp_path, TOKENS_TEXT)
    result = await client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(1, 0), types.Position(2, 4)),
        )
    )
    assert result is not None
    data = list(result.data)
    assert data[:2] == [1, 0]  # positions stay absolute: the first token is on line 1
    assert _decode(TOKENS_TEXT, data, "utf-16") == EXPECTED_TOKENS[4:8]


async def test_semantic_tokens_delta_after_an_edit(client: LanguageClient, tmp_path: Path):
    uri = await _open(client, tmp_path, TOKENS_TEXT)
    identifier = types.TextDocumentIdentifier(uri=uri)
    first = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=identifier)
    )
    assert first is not None and first.result_id
    # Insert " $TWO" after "echo" on line 1 (UTF-16 column 8).
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(1, 8), types.Position(1, 8)), text=" $TWO"
                )
            ],
        )
    )
    await wait_for_version(client, uri, 2)
    delta = await client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(
            text_document=identifier, previous_result_id=first.result_id
        )
    )
    assert isinstance(delta, types.SemanticTokensDelta)
    assert delta.result_id and delta.result_id != first.result_id
    data = list(first.data)
    for edit in sorted(delta.edits, key=lambda e: e.start, reverse=True):
        data[edit.start : edit.start + edit.delete_count] = list(edit.data or [])
    assert sum(len(e.data or []) for e in delta.edits) < len(data)  # not everything again
    changed = TOKENS_TEXT.replace("echo 😀", "echo $TWO 😀")
    expected = EXPECTED_TOKENS[:6] + [("$TWO", "variable")] + EXPECTED_TOKENS[6:]
    assert _decode(changed, data, "utf-16") == expected
    # A result id the server no longer knows: the full tokens come back.
    stale = await client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(text_document=identifier, previous_result_id="nope")
    )
    assert isinstance(stale, types.SemanticTokens)
    assert _decode(changed, list(stale.data), "utf-16") == expected
