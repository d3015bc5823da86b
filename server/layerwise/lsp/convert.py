"""Translation between layerwise's offsets/findings and lsprotocol types."""

from __future__ import annotations

import functools

from lsprotocol import types

from ..analysis.rule import Edit, Finding, Severity
from ..analysis.ruledocs import doc_uri
from ..syntax.source import Encoding, SourceText

SOURCE = "layerwise"
FIX_ALL_KIND = "source.fixAll.layerwise"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}
_TAGS = {
    "deprecated": types.DiagnosticTag.Deprecated,
    "unnecessary": types.DiagnosticTag.Unnecessary,
}


# One lookup per rule code, not per finding (the lookup stats files).
_doc_uri = functools.lru_cache(maxsize=1024)(doc_uri)


def encoding_of(kind: object) -> Encoding:
    value = getattr(kind, "value", kind)
    return value if value in ("utf-8", "utf-16", "utf-32") else "utf-16"  # type: ignore[return-value]


def to_range(source: SourceText, start: int, end: int, encoding: Encoding) -> types.Range:
    sl, sc = source.to_client(start, encoding)
    el, ec = source.to_client(end, encoding)
    return types.Range(types.Position(sl, sc), types.Position(el, ec))


def to_diagnostic(
    uri: str, source: SourceText, finding: Finding, encoding: Encoding
) -> types.Diagnostic:
    rule = finding.rule
    related = [
        types.DiagnosticRelatedInformation(
            types.Location(uri, to_range(source, r.span.start, r.span.end, encoding)), r.message
        )
        for r in finding.related
    ]
    return types.Diagnostic(
        range=to_range(source, finding.span.start, finding.span.end, encoding),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=rule.code,
        # The installed document: it matches this version and opens offline.
        code_description=types.CodeDescription(href=_doc_uri(rule.code)),
        source=SOURCE,
        tags=[_TAGS[t] for t in rule.tags if t in _TAGS] or None,
        related_information=related or None,
        data={"name": rule.name, "fixable": finding.fix is not None},
    )


def to_text_edit(source: SourceText, edit: Edit, encoding: Encoding) -> types.TextEdit:
    return types.TextEdit(to_range(source, edit.start, edit.end, encoding), edit.new_text)


def workspace_edit(
    uri: str,
    version: int | None,
    source: SourceText,
    edits: list[Edit] | tuple[Edit, ...],
    encoding: Encoding,
) -> types.WorkspaceEdit:
    text_edits = [to_text_edit(source, e, encoding) for e in sorted(edits, key=lambda e: e.start)]
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=uri, version=version
                ),
                edits=text_edits,  # type: ignore[arg-type]
            )
        ]
    )


def ranges_overlap(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)
