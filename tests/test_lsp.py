"""End-to-end tests: the real `layerwise serve` process driven over stdio by pytest-lsp."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_support import (
    CONFIG,
    apply_workspace_edit,
    capabilities,
    wait_for_version,
)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    lsp_client.set_configuration({"layerwise": {}})
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def resolving_client(lsp_client: LanguageClient, tmp_path: Path):
    """A client that fetches code action edits lazily (codeAction/resolve), as VS Code does."""
    lsp_client.set_configuration({"layerwise": {}})
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(resolve=True, snippets=True),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def pull_client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=capabilities(pull=True))
    )
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="dockerfile", version=version, text=text
            )
        )
    )


def _codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


async def _actions(
    client: LanguageClient, uri: str, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def _actions_for(
    client: LanguageClient, uri: str, code: str, version: int = 1
) -> list[types.CodeAction]:
    """The code actions offered for the ``code`` diagnostic of ``version``."""
    diagnostics = await wait_for_version(client, uri, version)
    diagnostic = next(d for d in diagnostics if d.code == code)
    return await _actions(client, uri, diagnostic)


async def _apply_quickfix(
    client: LanguageClient, uri: str, text: str, code: str, version: int
) -> str:
    actions = await _actions_for(client, uri, code, version)
    fix = next(a for a in actions if a.is_preferred or (a.title and "Ignore" not in a.title))
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.diagnostics and fix.diagnostics[0].code == code
    assert fix.edit is not None
    return apply_workspace_edit(text, uri, fix.edit)


async def _fix_all_actions(client: LanguageClient, uri: str) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(
                diagnostics=[], only=[types.CodeActionKind.SourceFixAll]
            ),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def test_open_publishes_layerwise_diagnostics(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(client, uri, "FROM ubuntu\nADD . /app\n")
    diagnostics = await wait_for_version(client, uri, 1)
    assert "LW101" in _codes(diagnostics)
    add = next(d for d in diagnostics if d.code == "LW701")
    assert add.source == "layerwise"
    assert add.range == types.Range(types.Position(1, 0), types.Position(1, 3))
    assert add.code_description is not None
    # The installed rule document, which the editor opens offline.
    href = add.code_description.href
    assert href.startswith("file:") and href.endswith("/LW701.md")
    assert Path(url2pathname(urlparse(href).path)).read_text().startswith("# LW701 ")
    assert add.severity == types.DiagnosticSeverity.Warning


async def test_change_updates_and_close_clears(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(client, uri, "FROM ubuntu\n")
    assert "LW101" in _codes(await wait_for_version(client, uri, 1))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(0, 11), types.Position(0, 11)), text=":24.04"
                )
            ],
        )
    )
    assert "LW101" not in _codes(await wait_for_version(client, uri, 2))
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri))
    )
    await asyncio.wait_for(
        client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 10
    )
    assert list(client.diagnostics[uri]) == []


async def test_maintainer_is_tagged_deprecated(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(client, uri, "FROM debian:12\nMAINTAINER me\n")
    diagnostics = await wait_for_version(client, uri, 1)
    maintainer = next(d for d in diagnostics if d.code == "LW908")
    assert list(maintainer.tags or []) == [types.DiagnosticTag.Deprecated]


async def test_quickfix_add_to_copy(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM node:20-slim\nADD . /app\nUSER node\n"
    _open(client, uri, text)
    fixed = await _apply_quickfix(client, uri, text, "LW701", 1)
    assert fixed == "FROM node:20-slim\nCOPY . /app\nUSER node\n"


async def test_quickfix_chain_runs(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM debian:12\nRUN make build\n# test\nRUN make test\nUSER nobody\n"
    _open(client, uri, text)
    fixed = await _apply_quickfix(client, uri, text, "LW601", 1)
    assert fixed == "FROM debian:12\n# test\nRUN make build \\\n    && make test\nUSER nobody\n"


async def test_quickfix_insert_user(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = 'FROM node:20-slim\nCOPY . /app\n# start\nCMD ["node", "/app/server.js"]\n'
    _open(client, uri, text)
    fixed = await _apply_quickfix(client, uri, text, "LW201", 1)
    assert (
        fixed
        == 'FROM node:20-slim\nCOPY . /app\nUSER node\n# start\nCMD ["node", "/app/server.js"]\n'
    )


async def test_ignore_action_inserts_pragma_and_silences(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM ubuntu:24.04\n    ADD . /app\nUSER nobody\n"
    _open(client, uri, text)
    actions = await _actions_for(client, uri, "LW701", 1)
    ignore = next(a for a in actions if a.title == "Ignore LW701 for this instruction")
    assert ignore.edit is not None
    new_text = apply_workspace_edit(text, uri, ignore.edit)
    assert (
        new_text
        == "FROM ubuntu:24.04\n    # layerwise: ignore=LW701\n    ADD . /app\nUSER nobody\n"
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)],
        )
    )
    assert "LW701" not in _codes(await wait_for_version(client, uri, 2))


async def test_fix_all_source_action(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM debian:12\nMAINTAINER me\nADD a.txt /a.txt\nUSER nobody\n"
    _open(client, uri, text)
    await wait_for_version(client, uri, 1)
    actions = await _fix_all_actions(client, uri)
    assert [a.kind for a in actions] == ["source.fixAll.layerwise"]
    assert actions[0].edit is not None
    fixed = apply_workspace_edit(text, uri, actions[0].edit)
    assert (
        fixed
        == 'FROM debian:12\nLABEL org.opencontainers.image.authors="me"\nCOPY a.txt /a.txt\nUSER nobody\n'
    )


async def test_settings_select_and_bad_setting_message(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(client, uri, "FROM ubuntu\nADD . /app\n")
    assert {"LW101", "LW701"} <= set(_codes(await wait_for_version(client, uri, 1)))
    client.set_configuration({"layerwise": {"select": ["LW701"]}})
    client.published.clear()  # type: ignore[attr-defined]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    diagnostics = await wait_for_version(client, uri, 1)
    assert _codes(diagnostics) == ["LW701"]

    client.set_configuration({"layerwise": {"select": "LW701", "loud": True}})
    client.published.clear()  # type: ignore[attr-defined]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    diagnostics = await wait_for_version(client, uri, 1)
    assert "LW101" in _codes(diagnostics)  # fell back to defaults
    assert len(client.messages) == 1
    message = client.messages[0]
    assert message.type == types.MessageType.Error
    assert "layerwise.select: expected a list of strings" in message.message
    assert "loud" in message.message


async def test_severity_override_from_pushed_settings(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(client, uri, "FROM ubuntu\n")
    await wait_for_version(client, uri, 1)
    client.published.clear()  # type: ignore[attr-defined]
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"layerwise": {"severity": {"LW101": "error"}}})
    )
    diagnostics = await wait_for_version(client, uri, 1)
    untagged = next(d for d in diagnostics if d.code == "LW101")
    assert untagged.severity == types.DiagnosticSeverity.Error


async def test_form_feed_does_not_shift_incremental_edits(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "# page\f break\nFROM ubuntu\n"
    _open(client, uri, text)
    assert "LW101" in _codes(await wait_for_version(client, uri, 1))
    # Line 1 is "FROM ubuntu" for LSP (a form feed does not end a line).
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(1, 11), types.Position(1, 11)), text=":24.04"
                )
            ],
        )
    )
    diagnostics = await wait_for_version(client, uri, 2)
    assert "LW101" not in _codes(diagnostics)
    assert all(d.range.start.line <= 1 for d in diagnostics)


async def test_unknown_documents_do_not_break_the_server(client: LanguageClient, tmp_path: Path):
    ghost = (tmp_path / "ghost").as_uri()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=ghost, version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="FROM x")],
        )
    )
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=ghost),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert not result
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(client, uri, "FROM ubuntu\n")
    assert "LW101" in _codes(await wait_for_version(client, uri, 1))


async def test_out_of_range_edit_is_clamped(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(client, uri, "FROM ubuntu\n")
    await wait_for_version(client, uri, 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(40, 3), types.Position(99, 0)),
                    text="ADD a /a\n",
                )
            ],
        )
    )
    assert {"LW101", "LW701"} <= set(_codes(await wait_for_version(client, uri, 2)))


async def test_pull_client_gets_no_push(pull_client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(pull_client, uri, "FROM ubuntu\n")
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert "LW101" in _codes(list(report.items))
    assert pull_client.published == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("encoding, column", [("utf-16", 10), ("utf-8", 13), ("utf-32", 9)])
async def test_columns_after_non_bmp_text(encoding: str, column: int, tmp_path: Path):
    client = await CONFIG.start()
    try:
        result = await client.initialize_session(
            types.InitializeParams(capabilities=capabilities(encodings=[encoding]))
        )
        assert result.capabilities.position_encoding == encoding
        uri = (tmp_path / "Dockerfile").as_uri()
        # "😀" is 1 code point, 2 UTF-16 units, 4 UTF-8 bytes; "é" is 1, 1, 2.
        _open(client, uri, "FROM debian:12\nARG X=😀é APP_TOKEN=1\n")
        diagnostics = await wait_for_version(client, uri, 1)
        secret = next(d for d in diagnostics if d.code == "LW301")
        assert secret.range.start == types.Position(1, column)
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_workspace_config_file_is_read_and_its_errors_shown(
    client: LanguageClient, tmp_path: Path
):
    (tmp_path / "layerwise.toml").write_text('ignore = ["LW101", "NOPE1"]\n')
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(client, uri, "FROM ubuntu\nADD . /app\n")
    found = _codes(await wait_for_version(client, uri, 1))
    assert "LW101" not in found and "LW701" in found
    assert len(client.messages) == 1
    assert "layerwise.toml.ignore: unknown rule 'NOPE1'" in client.messages[0].message


async def test_quickfix_creates_dockerignore(client: LanguageClient, tmp_path: Path):
    (tmp_path / "node_modules").mkdir()  # what the context would send
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(client, uri, 'FROM node:20-slim\nCOPY . /app\nUSER node\nCMD ["node", "/app/a.js"]\n')
    actions = await _actions_for(client, uri, "LW401", 1)
    create = next(a for a in actions if a.title == "Create .dockerignore from a template (unsafe)")
    assert create.edit is not None and create.edit.document_changes
    operation, content = create.edit.document_changes
    assert isinstance(operation, types.CreateFile)
    assert operation.uri == (tmp_path / ".dockerignore").as_uri()
    assert (
        isinstance(content, types.TextDocumentEdit) and content.text_document.uri == operation.uri
    )
    assert ".git\n" in content.edits[0].new_text and "node_modules\n" in content.edits[0].new_text


async def test_fix_all_edit_is_computed_on_resolve(
    resolving_client: LanguageClient, tmp_path: Path
):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM debian:12\nMAINTAINER me\nADD a.txt /a.txt\nUSER nobody\n"
    _open(resolving_client, uri, text)
    await wait_for_version(resolving_client, uri, 1)
    (action,) = await _fix_all_actions(resolving_client, uri)
    assert action.kind == "source.fixAll.layerwise" and action.edit is None
    resolved = await resolving_client.code_action_resolve_async(action)
    assert resolved.edit is not None
    assert apply_workspace_edit(text, uri, resolved.edit) == (
        'FROM debian:12\nLABEL org.opencontainers.image.authors="me"\nCOPY a.txt /a.txt\n'
        "USER nobody\n"
    )
    # Nothing fix-all would apply (only unsafe fixes here): no action at all, so the
    # editor does not resolve in vain.
    clean = 'FROM debian:12\nCOPY a /a\nCMD ["/a"]\n'
    other = (tmp_path / "Clean.Dockerfile").as_uri()
    _open(resolving_client, other, clean)
    await wait_for_version(resolving_client, other, 1)
    assert await _fix_all_actions(resolving_client, other) == []


async def test_alternative_fix_follows_the_preferred_one(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nRUN pip install -r req.txt\nUSER app\n"
    _open(client, uri, text)
    actions = await _actions_for(client, uri, "LW630", 1)
    fixes = [a for a in actions if a.title and not a.title.startswith("Ignore")]
    assert [(a.title, a.is_preferred) for a in fixes] == [
        ("Add --no-cache-dir", True),
        ("Mount a BuildKit cache on /root/.cache/pip instead", False),
    ]
    assert fixes[1].edit is not None
    assert apply_workspace_edit(text, uri, fixes[1].edit) == text.replace(
        "RUN pip", "RUN --mount=type=cache,target=/root/.cache/pip pip"
    )


async def test_guessed_user_name_is_a_snippet_placeholder(
    resolving_client: LanguageClient, tmp_path: Path
):
    uri = (tmp_path / "Dockerfile").as_uri()
    text = 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n'
    _open(resolving_client, uri, text)
    actions = await _actions_for(resolving_client, uri, "LW201", 1)
    fix = next(a for a in actions if a.is_preferred or (a.title or "").startswith("Run as"))
    assert fix.edit is not None and fix.edit.document_changes
    (change,) = fix.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    (snippet,) = change.edits
    assert isinstance(snippet, types.SnippetTextEdit)
    # One placeholder, linked: typing a name renames the group, the user and USER at once.
    assert snippet.snippet.value == (
        "RUN groupadd --system ${1:app} && useradd --system --gid ${1:app} "
        "--no-create-home ${1:app}\nUSER ${1:app}\n"
    )
