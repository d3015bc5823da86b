"""The ``layerwise.server.fixAll`` command and a "Fix N problems" code lens above line 1.

The command applies every fix that "fix all" would (the same code path as the
``source.fixAll.layerwise`` code action) through ``workspace/applyEdit``. The lens
appears only when the last lint result has fixable findings, so it costs no lint.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from ...services.fixes import fix_all_title, fixable_count
from ..guard import guarded
from ..server import LayerwiseServer, _fix_all

FIX_ALL_COMMAND = "layerwise.server.fixAll"


def register(server: LayerwiseServer) -> None:
    @server.command(FIX_ALL_COMMAND)
    @guarded(default=False)
    async def fix_all(ls: LayerwiseServer, *args: Any) -> bool:
        """Arguments: the document URI (a string, or ``{"uri": ...}``). Returns whether
        an edit was applied."""
        uri = args[0] if args else None
        if isinstance(uri, dict):
            uri = uri.get("uri")
        doc = ls.documents.get(uri) if isinstance(uri, str) else None
        if doc is None:
            return False
        edit = _fix_all(ls, doc)
        if edit is None:
            return False
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label="layerwise: fix all")
        )
        return bool(result and result.applied)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    @guarded(default=None)
    def code_lens(ls: LayerwiseServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        workspace = ls.caps.workspace
        if not (workspace and workspace.apply_edit):
            return []  # the command could not apply its edit
        unsafe = bool(ls.config_for(doc.path).unsafe_fixes)
        count = fixable_count(ls.lint(doc).findings, unsafe)
        if not count:
            return []
        top = types.Range(types.Position(0, 0), types.Position(0, 0))
        return [
            types.CodeLens(
                range=top,
                command=types.Command(
                    title=fix_all_title(count), command=FIX_ALL_COMMAND, arguments=[doc.uri]
                ),
            )
        ]
