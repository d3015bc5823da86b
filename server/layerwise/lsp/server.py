"""The language server: a thin adapter from LSP to the analysis layer.

Handlers translate parameters, call the analysis functions and translate the
results back; no rule logic lives here. Every handler is guarded: an error is
logged and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..analysis.actions import fix_all_edit, ignore_edit
from ..analysis.config import Config, parse_settings
from ..analysis.configfiles import ConfigLoader
from ..analysis.context import FileSystemProject
from ..analysis.engine import LintResult, lint_text
from ..analysis.options import LintOptions
from ..analysis.rule import Edit, FileChange
from .convert import (
    FIX_ALL_KIND,
    SOURCE,
    encoding_of,
    ranges_overlap,
    to_diagnostic,
    to_range,
    to_text_edit,
)
from .documents import Document, DocumentStore, uri_to_path
from .editor import register_editor_features
from .guard import guarded
from .jobs import BIG, INLINE_PARSE, Scheduler, Snapshot
from .protocol import Protocol, serve_stream

log = logging.getLogger(__name__)


class LayerwiseServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "layerwise",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=Protocol,
        )
        #: Lint jobs, off the event loop (see ``lsp.jobs``).
        self.jobs = Scheduler(self)
        self.documents = DocumentStore()
        self.settings = Config()
        #: The same search as the command line's (configfiles: walk up, root = true, user level).
        self.config_loader = ConfigLoader()
        #: Bumped whenever settings change, invalidating cached lint results.
        self.generation = 0
        self.roots: list[Path] = []
        self._reported: dict[str, tuple[str, ...]] = {}
        #: Run (in order) once the client has sent ``initialized`` and the settings are in.
        self.after_initialized: list[Callable[[LayerwiseServer], Awaitable[None]]] = []

    # -- capabilities -------------------------------------------------------------
    @property
    def caps(self) -> types.ClientCapabilities:
        return self.client_capabilities

    @property
    def encoding(self):  # noqa: ANN201 - Encoding literal
        return encoding_of(self.workspace.position_encoding)

    @property
    def pull_diagnostics(self) -> bool:
        text_document = self.caps.text_document
        return text_document is not None and text_document.diagnostic is not None

    @property
    def supports_configuration(self) -> bool:
        workspace = self.caps.workspace
        return bool(workspace and workspace.configuration)

    @property
    def supports_document_changes(self) -> bool:
        workspace = self.caps.workspace
        edit = workspace.workspace_edit if workspace else None
        return bool(edit and edit.document_changes)

    # -- analysis -----------------------------------------------------------------
    def project_for(self, path: Path | None) -> FileSystemProject | None:
        root = self.root_for(path)
        return FileSystemProject(root) if root is not None else None

    def root_for(self, path: Path | None) -> Path | None:
        if path is None:
            return None
        resolved = path.resolve()
        for root in self.roots:
            if root == resolved.parent or root in resolved.parents:
                return root
        return resolved.parent

    def config_for(self, path: Path | None) -> Config:
        """Config files (found as the command line finds them), then editor settings."""
        file_config, errors = self.config_loader.for_file(path)
        self.report_errors("configuration", errors)
        return file_config.merged(self.settings)

    def options_for(self, path: Path | None) -> LintOptions:
        return self.config_for(path).lint_options(path)

    def fresh(self, doc: Document) -> bool:
        """The document's lint result is for its text and the current settings."""
        return doc.result is not None and doc.result_generation == self.generation

    def lint(self, doc: Document) -> LintResult:
        """The lint result of the document as it is: the job's when it is done (requests
        that need it wait for it, see :meth:`gate`), else computed here."""
        if not self.fresh(doc):
            path = doc.path
            doc.result = lint_text(
                doc.text,
                options=self.options_for(path),
                path=path,
                project=self.project_for(path),
            )
            doc.diagnostics = None
            doc.result_generation = self.generation
        assert doc.result is not None
        return doc.result

    def diagnostics(self, doc: Document) -> list[types.Diagnostic]:
        result = self.lint(doc)
        if doc.diagnostics is None:
            doc.diagnostics = [
                to_diagnostic(doc.uri, doc.source, f, self.encoding) for f in result.findings
            ]
        return doc.diagnostics

    @property
    def pushes(self) -> bool:
        return not self.pull_diagnostics

    def snapshot(self, doc: Document) -> Snapshot:
        path = doc.path
        return Snapshot(
            uri=doc.uri,
            seq=doc.seq,
            generation=self.generation,
            version=doc.version,
            text=doc.text,
            source=doc.source,
            options=self.options_for(path),
            path=path,
            project=self.project_for(path),
            encoding=self.encoding,
        )

    def publish(self, doc: Document) -> None:
        """Lint the document in the background; pushed clients get the result (the
        syntax part first for big files), pulling clients ask for it."""
        self.jobs.schedule(doc)

    def send_diagnostics(self, doc: Document, items: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=items, version=doc.version)
        )

    def gate(self, method: str, params: Any) -> asyncio.Future[Any] | None:
        """What a request on a document must wait for before its handler runs: the
        lint job's result for requests that read findings, the parse for the others on
        a big document (small ones parse on the loop). ``None``: nothing to wait for."""
        text_document = getattr(params, "text_document", None)
        uri = getattr(text_document, "uri", None)
        doc = self.documents.get(uri) if isinstance(uri, str) else None
        if doc is None:
            return None
        if method in LINT_METHODS:
            return None if self.fresh(doc) else self.jobs.schedule(doc).done
        if doc.parsed or len(doc.text) <= INLINE_PARSE:
            return None
        return self.jobs.schedule(doc).parsed

    def request_is_current(self, params: Any, seq: int | None) -> bool:
        text_document = getattr(params, "text_document", None)
        doc = self.documents.get(getattr(text_document, "uri", ""))
        return doc is not None and doc.seq == seq

    def document_seq(self, params: Any) -> int | None:
        text_document = getattr(params, "text_document", None)
        doc = self.documents.get(getattr(text_document, "uri", ""))
        return doc.seq if doc is not None else None

    def report_server_error(self, error: Exception, source: Any) -> None:
        # Logged only: a client sending garbage gets no message boxes.
        log.warning("%s: %s", getattr(source, "__name__", source), error)

    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:  # type: ignore[override]
        """Serve stdio until ``exit`` or the end of input (see ``lsp.protocol``)."""
        from pygls.io_ import StdoutWriter

        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(serve_stream(self.protocol, stdin or sys.stdin.buffer))
        except BrokenPipeError:
            log.warning("the client closed the connection")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.jobs.cancel_all()

    @property
    def exit_code(self) -> int:
        """0 after ``shutdown`` then ``exit``, 1 otherwise (LSP)."""
        code = getattr(self.protocol, "exit_code", None)
        if code is None:
            code = 0 if getattr(self.protocol, "_shutdown", False) else 1
        return code

    @property
    def snippet_edits(self) -> bool:
        """The client applies snippet text edits (LSP 3.18) in workspace edits."""
        workspace = self.caps.workspace
        edit = workspace.workspace_edit if workspace else None
        return bool(edit and edit.document_changes and edit.snippet_edit_support)

    @property
    def resolves_edits(self) -> bool:
        """The client asks for an action's edit later (``codeAction/resolve``)."""
        text_document = self.caps.text_document
        action = text_document.code_action if text_document else None
        support = action.resolve_support if action else None
        return bool(support and "edit" in support.properties)

    @property
    def can_create_files(self) -> bool:
        workspace = self.caps.workspace
        edit = workspace.workspace_edit if workspace else None
        operations = edit.resource_operations if edit else None
        return bool(edit and edit.document_changes and operations and "create" in operations)

    def edit(
        self,
        doc: Document,
        edits: list[Edit] | tuple[Edit, ...],
        files: tuple[FileChange, ...] = (),
        snippets: bool = False,
    ) -> types.WorkspaceEdit | None:
        """The workspace edit for a fix; ``None`` when the client cannot apply it.

        ``snippets``: edits with placeholders become snippet edits where the client
        supports them (a quick fix the user applies, not fix-all).
        """
        use_snippets = snippets and self.snippet_edits
        text_edits: list[types.TextEdit | types.SnippetTextEdit] = []
        for e in sorted(edits, key=lambda e: e.start):
            if use_snippets and e.snippet is not None:
                text_edits.append(
                    types.SnippetTextEdit(
                        range=to_range(doc.source, e.start, e.end, self.encoding),
                        snippet=types.StringValue(value=e.snippet),
                    )
                )
            else:
                text_edits.append(to_text_edit(doc.source, e, self.encoding))
        others: list[tuple[str, bool, types.TextEdit]] = []
        for change in files:
            if change.create and not self.can_create_files:
                return None
            position = types.Position(*change.end)
            others.append(
                (
                    change.path.as_uri(),
                    change.create,
                    types.TextEdit(types.Range(position, position), change.text),
                )
            )
        if self.supports_document_changes:
            changes: list[Any] = []
            if text_edits:
                changes.append(
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=doc.uri, version=doc.version
                        ),
                        edits=text_edits,  # type: ignore[arg-type]
                    )
                )
            for uri, create, text_edit in others:
                if create:
                    changes.append(
                        types.CreateFile(
                            uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)
                        )
                    )
                changes.append(
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=uri, version=None
                        ),
                        edits=[text_edit],
                    )
                )
            return types.WorkspaceEdit(document_changes=changes)
        # Without document changes there are no snippet edits (see ``use_snippets``).
        plain: dict[str, list[types.TextEdit]] = (
            {doc.uri: [e for e in text_edits if isinstance(e, types.TextEdit)]}
            if text_edits
            else {}
        )
        for uri, _create, text_edit in others:
            plain.setdefault(uri, []).append(text_edit)
        return types.WorkspaceEdit(changes=plain)

    # -- settings -----------------------------------------------------------------
    def report_errors(self, what: str, errors: list[str]) -> None:
        """One message per distinct set of problems, not one per keystroke."""
        key = tuple(errors)
        if key == self._reported.get(what, ()):
            return
        self._reported[what] = key
        if errors:
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Error,
                    message=f"layerwise: invalid {what}, those entries are ignored: "
                    + "; ".join(errors),
                )
            )

    def apply_settings(self, raw: Any, refresh: bool = True) -> None:
        settings, errors = parse_settings(raw)
        self.report_errors("settings", errors)
        if settings != self.settings:
            self.settings = settings
            self.generation += 1
            if refresh:
                self.refresh()

    def refresh(self, docs: Iterable[Document] | None = None) -> None:
        """Diagnostics again for ``docs`` (default: every open document), whose lint
        results are out of date: published, or (pull clients) a refresh request."""
        docs = list(self.documents if docs is None else docs)
        if not docs:
            return
        workspace = self.caps.workspace
        if self.pull_diagnostics:
            diagnostics = workspace.diagnostics if workspace else None
            if diagnostics and diagnostics.refresh_support:
                self.workspace_diagnostic_refresh(None)
        else:
            for doc in docs:
                self.publish(doc)
        lenses = workspace.code_lens if workspace else None
        if lenses and lenses.refresh_support:
            self.workspace_code_lens_refresh(None)  # the "Fix N problems" lens counts findings

    async def fetch_settings(self) -> None:
        if not self.supports_configuration:
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="layerwise")])
            )
        except Exception:
            log.warning("workspace/configuration failed; keeping current settings", exc_info=True)
            return
        self.apply_settings(result[0] if result else None)


def create_server() -> LayerwiseServer:
    server = LayerwiseServer()

    @server.feature(types.INITIALIZE)
    @guarded()
    def initialize(ls: LayerwiseServer, params: types.InitializeParams) -> None:
        roots = []
        for folder in params.workspace_folders or []:
            path = uri_to_path(folder.uri)
            if path is not None:
                roots.append(path.resolve())
        if not roots and params.root_uri:
            path = uri_to_path(params.root_uri)
            if path is not None:
                roots.append(path.resolve())
        ls.roots = roots
        options = params.initialization_options
        if isinstance(options, dict) and "settings" in options:
            # No refresh: nothing may be sent before the initialize response.
            ls.apply_settings(options["settings"], refresh=False)

    @server.feature(types.INITIALIZED)
    @guarded()
    async def initialized(ls: LayerwiseServer, params: types.InitializedParams) -> None:
        await ls.fetch_settings()
        for hook in ls.after_initialized:
            await hook(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded()
    async def did_change_configuration(
        ls: LayerwiseServer, params: types.DidChangeConfigurationParams
    ) -> None:
        settings = params.settings
        if isinstance(settings, dict) and "layerwise" in settings:
            ls.apply_settings(settings["layerwise"])
        else:
            await ls.fetch_settings()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded()
    def did_open(ls: LayerwiseServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.publish(ls.documents.open(item.uri, item.text, item.version))

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded()
    def did_change(ls: LayerwiseServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = (change.range.start.line, change.range.start.character)
                end = (change.range.end.line, change.range.end.character)
                doc.apply_change(change.text, start, end, ls.encoding)
            else:
                doc.apply_change(change.text, None, None, ls.encoding)
        doc.version = params.text_document.version
        ls.publish(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded()
    def did_close(ls: LayerwiseServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.documents.close(uri)
        ls.jobs.forget(uri)
        if not ls.pull_diagnostics:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )
    @guarded(default=types.RelatedFullDocumentDiagnosticReport(items=[]))
    def diagnostic(
        ls: LayerwiseServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        doc = ls.documents.get(params.text_document.uri)
        items = ls.diagnostics(doc) if doc is not None else []
        return types.RelatedFullDocumentDiagnosticReport(items=items)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],  # type: ignore[list-item]
            resolve_provider=True,
        ),
    )
    @guarded(default=[])
    def code_action(ls: LayerwiseServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return []
        only = params.context.only
        wants = functools.partial(_wanted, only)
        actions: list[types.CodeAction] = []
        result = ls.lint(doc)
        if wants(types.CodeActionKind.QuickFix):
            ignored: set[tuple[str, int]] = set()
            for finding in result.findings:
                diagnostic = to_diagnostic(doc.uri, doc.source, finding, ls.encoding)
                if not ranges_overlap(diagnostic.range, params.range):
                    continue
                for index, fix in enumerate(finding.fixes):
                    fix_edit = ls.edit(doc, fix.edits, fix.files, snippets=True)
                    if fix_edit is None:
                        continue
                    actions.append(
                        types.CodeAction(
                            title=fix.title + ("" if fix.safe else " (unsafe)"),
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic],
                            # The rule's own fix, when safe; alternatives come after it.
                            is_preferred=index == 0 and fix.safe,
                            edit=fix_edit,
                        )
                    )
                key = (finding.rule.code, doc.source.line_of(finding.span.start))
                if key in ignored:
                    continue
                ignored.add(key)
                edit = ignore_edit(result.doc, finding)
                if edit is not None:
                    actions.append(
                        types.CodeAction(
                            title=f"Ignore {finding.rule.code} for this instruction",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic],
                            edit=ls.edit(doc, [edit]),
                        )
                    )
        # Fix-all is computed only when asked for (source action menu, save): the
        # light bulb asks for everything on every cursor move and would discard it.
        if only and wants(FIX_ALL_KIND):
            title = "layerwise: fix all auto-fixable problems"
            if ls.resolves_edits:
                # Fix-all re-lints until nothing changes: leave that to codeAction/resolve,
                # which the client sends only for the action it runs.
                unsafe = bool(ls.config_for(doc.path).unsafe_fixes)
                if any(f.fix is not None and (f.fix.safe or unsafe) for f in result.findings):
                    actions.append(
                        types.CodeAction(
                            title=title,
                            kind=FIX_ALL_KIND,  # type: ignore[arg-type]
                            data={"uri": doc.uri, "fixAll": True},
                        )
                    )
            else:
                whole = _fix_all(ls, doc)
                if whole is not None:
                    actions.append(
                        types.CodeAction(
                            title=title,
                            kind=FIX_ALL_KIND,  # type: ignore[arg-type]
                            edit=whole,
                        )
                    )
        return actions

    @server.feature(types.CODE_ACTION_RESOLVE)
    @guarded()
    def resolve_code_action(ls: LayerwiseServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        doc = ls.documents.get(str(data.get("uri", "")))
        if doc is not None and data.get("fixAll") and action.edit is None:
            # Against the document as it is now: the edit replaces it as a whole.
            action.edit = _fix_all(ls, doc) or types.WorkspaceEdit(changes={})
        return action

    register_editor_features(server)
    return server


def _fix_all(ls: LayerwiseServer, doc: Document) -> types.WorkspaceEdit | None:
    if len(doc.text) > BIG:
        return None  # re-linting a huge file until it settles would stall the server
    path = doc.path
    edit = fix_all_edit(
        doc.text,
        ls.options_for(path),
        path,
        ls.project_for(path),
        unsafe=bool(ls.config_for(path).unsafe_fixes),
    )
    return ls.edit(doc, [edit]) if edit is not None else None


#: Requests that read lint findings: they wait for the document's lint job.
LINT_METHODS = frozenset(
    {
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.TEXT_DOCUMENT_CODE_LENS,
    }
)


def _wanted(only: Any, kind: str) -> bool:
    if not only:
        return True
    return any(kind == k or kind.startswith(f"{k}.") for k in only)


def serve() -> int:
    """Run the server on stdio; the exit status (0 after shutdown and exit, else 1)."""
    # Only JSON-RPC goes to stdout: the protocol writes to a copy of the descriptor,
    # and anything else printing to stdout (our code, a library) lands on stderr.
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.WARNING,
        format="layerwise %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("pygls", "json_rpc"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Clients cancel requests already answered (Neovim's pull diagnostics): not a problem.
    logging.getLogger("pygls.protocol.json_rpc").setLevel(logging.ERROR)
    server = create_server()
    server.start_io(sys.stdin.buffer, protocol_out)
    return server.exit_code


__all__ = ["LayerwiseServer", "create_server", "serve", "to_range"]
