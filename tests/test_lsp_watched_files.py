"""Files on disk through a real `layerwise serve`: watcher registration, re-lint on
workspace/didChangeWatchedFiles (push and pull clients) and on didSave without watchers."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from lsp_support import SERVER, capabilities, wait_for_version

# A node project copied whole with no .dockerignore: LW401.
DOCKERFILE = 'FROM node:20-slim\nCOPY . /app\nUSER node\nCMD ["node", "/app/a.js"]\n'
IGNORE = "node_modules\n.git\n.env*\n.npmrc\n"


def _record_registration(client: LanguageClient, params: types.RegistrationParams) -> None:
    client.registrations.append(params)  # type: ignore[attr-defined]


def _record_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)  # type: ignore[attr-defined]


def _make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    client.registrations = []  # type: ignore[attr-defined]
    features: dict[str, Any] = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record_diagnostics
    features[types.CLIENT_REGISTER_CAPABILITY] = _record_registration
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(server_command=SERVER, client_factory=_make_client)


def _caps(*, watch: bool, pull: bool = False) -> types.ClientCapabilities:
    caps = capabilities(pull=pull)
    assert caps.workspace is not None
    if watch:
        caps.workspace.did_change_watched_files = types.DidChangeWatchedFilesClientCapabilities(
            dynamic_registration=True
        )
    return caps


async def _start(client: LanguageClient, root: Path, caps: types.ClientCapabilities) -> None:
    client.set_configuration({"layerwise": {}})
    client.init_result = await client.initialize_session(  # type: ignore[attr-defined]
        types.InitializeParams(
            capabilities=caps,
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        )
    )


@pytest_lsp.fixture(config=CONFIG)
async def watching(lsp_client: LanguageClient, tmp_path: Path):
    """A client that lets the server register file watchers (as VS Code does)."""
    await _start(lsp_client, tmp_path, _caps(watch=True))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def plain(lsp_client: LanguageClient, tmp_path: Path):
    """A client without dynamic registration of watchers (Neovim before 0.10)."""
    await _start(lsp_client, tmp_path, _caps(watch=False))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def pulling(lsp_client: LanguageClient, tmp_path: Path):
    """Pull diagnostics with refresh support, and watchers."""
    await _start(lsp_client, tmp_path, _caps(watch=True, pull=True))
    yield
    await lsp_client.shutdown_session()


def _project(root: Path) -> str:
    (root / "package.json").write_text("{}\n")
    return (root / "Dockerfile").as_uri()


def _open(client: LanguageClient, uri: str, text: str = DOCKERFILE) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="dockerfile", version=1, text=text
            )
        )
    )


def _codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def _notify(client: LanguageClient, *events: tuple[Path, types.FileChangeType]) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=path.as_uri(), type=kind) for path, kind in events]
        )
    )


async def _next_publish(
    client: LanguageClient, uri: str, seen: int
) -> types.PublishDiagnosticsParams:
    """The first diagnostics published for ``uri`` after the first ``seen`` publishes."""

    async def wait() -> types.PublishDiagnosticsParams:
        while True:
            for params in client.published[seen:]:  # type: ignore[attr-defined]
                if params.uri == uri:
                    return params
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(wait(), 10)


async def _registered(client: LanguageClient) -> list[types.Registration]:
    async def wait() -> list[types.Registration]:
        while not client.registrations:  # type: ignore[attr-defined]
            await asyncio.sleep(0.01)
        return [r for p in client.registrations for r in p.registrations]  # type: ignore[attr-defined]

    return await asyncio.wait_for(wait(), 10)


async def test_the_server_registers_a_watcher_when_the_client_supports_it(
    watching: LanguageClient,
):
    (registration,) = await _registered(watching)
    assert registration.method == "workspace/didChangeWatchedFiles"
    options = registration.register_options
    globs = [w["globPattern"] for w in options["watchers"]]  # type: ignore[index]
    assert globs == ["**/*"]


async def test_creating_and_deleting_dockerignore_adds_and_removes_lw401(
    watching: LanguageClient, tmp_path: Path
):
    uri = _project(tmp_path)
    _open(watching, uri)
    assert "LW401" in _codes(await wait_for_version(watching, uri, 1))

    ignore = tmp_path / ".dockerignore"
    seen = len(watching.published)  # type: ignore[attr-defined]
    ignore.write_text(IGNORE)
    _notify(watching, (ignore, types.FileChangeType.Created))
    after_create = await _next_publish(watching, uri, seen)
    assert after_create.version == 1  # the same text, linted again
    assert "LW401" not in _codes(list(after_create.diagnostics))

    seen = len(watching.published)  # type: ignore[attr-defined]
    ignore.unlink()
    _notify(watching, (ignore, types.FileChangeType.Deleted))
    assert "LW401" in _codes(list((await _next_publish(watching, uri, seen)).diagnostics))


async def test_a_changed_config_file_relints_with_its_new_settings(
    watching: LanguageClient, tmp_path: Path
):
    (tmp_path / ".dockerignore").write_text(IGNORE)
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(watching, uri, "FROM debian:12\nADD a.txt /a.txt\nUSER nobody\n")
    assert "LW701" in _codes(await wait_for_version(watching, uri, 1))

    config = tmp_path / "layerwise.toml"
    seen = len(watching.published)  # type: ignore[attr-defined]
    config.write_text('ignore = ["LW701"]\n')
    _notify(watching, (config, types.FileChangeType.Created))
    assert "LW701" not in _codes(list((await _next_publish(watching, uri, seen)).diagnostics))

    seen = len(watching.published)  # type: ignore[attr-defined]
    config.write_text('[severity]\nLW701 = "error"\n')
    _notify(watching, (config, types.FileChangeType.Changed))
    again = (await _next_publish(watching, uri, seen)).diagnostics
    (add,) = [d for d in again if d.code == "LW701"]
    assert add.severity == types.DiagnosticSeverity.Error


async def test_a_change_that_affects_no_document_publishes_nothing(
    watching: LanguageClient, tmp_path: Path
):
    uri = _project(tmp_path)
    _open(watching, uri)
    await wait_for_version(watching, uri, 1)
    seen = len(watching.published)  # type: ignore[attr-defined]
    notes = tmp_path / "notes.txt"
    notes.write_text("x\n")
    _notify(watching, (notes, types.FileChangeType.Changed))  # nothing reads it
    ignore = tmp_path / ".dockerignore"
    ignore.write_text(IGNORE)
    _notify(watching, (ignore, types.FileChangeType.Created))
    await _next_publish(watching, uri, seen)
    # Notifications are handled in order: had the first one re-published, it would be here.
    published = watching.published[seen:]  # type: ignore[attr-defined]
    assert len(published) == 1 and "LW401" not in _codes(list(published[0].diagnostics))


async def test_an_entrypoint_script_the_dockerfile_copies_is_read_again(
    watching: LanguageClient, tmp_path: Path
):
    (tmp_path / ".dockerignore").write_text(IGNORE)
    script = tmp_path / "docker-entrypoint.sh"
    script.write_text('#!/bin/sh\nexec "$@"\n')
    uri = (tmp_path / "Dockerfile").as_uri()
    _open(
        watching,
        uri,
        "FROM debian:12\nCOPY docker-entrypoint.sh /usr/local/bin/\n"
        'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]\nCMD ["app"]\n',
    )
    assert "LW201" in _codes(await wait_for_version(watching, uri, 1))
    # The script now drops root itself before running the command: no missing-USER finding.
    seen = len(watching.published)  # type: ignore[attr-defined]
    script.write_text('#!/bin/sh\nexec gosu app "$@"\n')
    _notify(watching, (script, types.FileChangeType.Changed))
    assert "LW201" not in _codes(list((await _next_publish(watching, uri, seen)).diagnostics))


async def test_pull_clients_get_a_refresh_and_the_new_findings(
    pulling: LanguageClient, tmp_path: Path
):
    uri = _project(tmp_path)
    _open(pulling, uri)

    async def pull() -> list[str]:
        report = await pulling.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        return _codes(list(report.items))  # type: ignore[union-attr]

    assert "LW401" in await pull()
    refreshes = pulling.diagnostic_refresh_count
    (tmp_path / ".dockerignore").write_text(IGNORE)
    _notify(pulling, (tmp_path / ".dockerignore", types.FileChangeType.Created))

    async def refreshed() -> None:
        while pulling.diagnostic_refresh_count == refreshes:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(refreshed(), 10)
    assert "LW401" not in await pull()


async def test_without_watchers_saving_a_dockerfile_relints(plain: LanguageClient, tmp_path: Path):
    uri = _project(tmp_path)
    _open(plain, uri)
    assert "LW401" in _codes(await wait_for_version(plain, uri, 1))
    assert plain.registrations == []  # type: ignore[attr-defined]
    sync = plain.init_result.capabilities.text_document_sync  # type: ignore[attr-defined]
    assert isinstance(sync, types.TextDocumentSyncOptions) and sync.save

    (tmp_path / ".dockerignore").write_text(IGNORE)
    seen = len(plain.published)  # type: ignore[attr-defined]
    plain.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert "LW401" not in _codes(list((await _next_publish(plain, uri, seen)).diagnostics))
