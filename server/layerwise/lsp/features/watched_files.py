"""Files on disk that a lint reads: when they change, the open Dockerfiles they affect
are linted again (see :mod:`layerwise.analysis.filedeps` for which ones).

How the server hears about changes, best first:

* ``workspace/didChangeWatchedFiles`` for watchers it registers itself
  (``client/registerCapability``) when the client supports that (VS Code, Neovim 0.10+);
  a client that watches files of its own accord (the VS Code extension does, for a
  server that registered nothing) sends the same notification;
* otherwise ``textDocument/didSave``: saving a Dockerfile re-lints every open one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from ...analysis.configfiles import hadolint_user_files
from ...analysis.filedeps import WATCH_GLOBS, Change, OpenDockerfile, affected_documents
from ..documents import uri_to_path
from ..guard import guarded

if TYPE_CHECKING:
    from ..server import LayerwiseServer

log = logging.getLogger(__name__)

REGISTRATION_ID = "layerwise.watchedFiles"

_KINDS = {
    types.FileChangeType.Created: Change.CREATED,
    types.FileChangeType.Changed: Change.CHANGED,
    types.FileChangeType.Deleted: Change.DELETED,
}


def _supports_registration(ls: LayerwiseServer) -> bool:
    workspace = ls.caps.workspace
    watched = workspace.did_change_watched_files if workspace else None
    return bool(watched and watched.dynamic_registration)


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return path.absolute()


def _open_dockerfiles(ls: LayerwiseServer) -> list[OpenDockerfile]:
    found = []
    for doc in ls.documents:
        path = doc.path
        if path is None:
            continue
        path = _resolve(path)
        root = ls.root_for(path) or path.parent
        found.append(OpenDockerfile(doc.uri, path, root, doc.text))
    return found


def register(server: LayerwiseServer) -> None:
    #: True once the client accepted our watchers: didSave is then not needed.
    watching = [False]

    async def register_watchers(ls: LayerwiseServer) -> None:
        if not _supports_registration(ls):
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCH_GLOBS]
        )
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id=REGISTRATION_ID,
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=options,
                        )
                    ]
                )
            )
        except Exception as exc:  # the client refused: keep to didSave
            log.info("the client did not register file watchers: %s", exc)
            return
        watching[0] = True

    server.after_initialized.append(register_watchers)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded()
    def did_change_watched_files(
        ls: LayerwiseServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        changes = []
        reported = []
        for event in params.changes:
            path = uri_to_path(event.uri)
            kind = _KINDS.get(event.type)
            if path is not None and kind is not None:
                reported.append(path)
                changes.append((_resolve(path), kind))
        if not changes:
            return
        ls.config_loader.forget([*reported, *(path for path, _ in changes)])
        users = [_resolve(p) for p in hadolint_user_files()]
        keys = set(affected_documents(changes, _open_dockerfiles(ls), users))
        stale = [doc for doc in ls.documents if doc.uri in keys]
        for doc in stale:
            doc.forget_lint()
        ls.refresh(stale)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded()
    def did_save(ls: LayerwiseServer, params: types.DidSaveTextDocumentParams) -> None:
        if watching[0]:
            return  # the watchers report what changed, precisely
        # No word from the file system: anything beside the Dockerfiles may have changed.
        ls.config_loader.forget(None)
        for doc in ls.documents:
            doc.forget_lint()
        ls.refresh()
