"""``textDocument/signatureHelp``: the answer comes from :mod:`layerwise.services.signature`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ...services.signature import RETRIGGER_CHARACTERS, TRIGGER_CHARACTERS, signature_help
from ..guard import guarded

if TYPE_CHECKING:
    from ...services.reference import Signature
    from ..server import LayerwiseServer


def _information(server: LayerwiseServer) -> types.ClientSignatureInformationOptions | None:
    text_document = server.caps.text_document
    help_caps = text_document.signature_help if text_document else None
    return help_caps.signature_information if help_caps else None


def _documentation(text: str, markdown: bool) -> types.MarkupContent | str:
    if markdown:
        return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    return text.replace("`", "")


def _signature(signature: Signature, markdown: bool, offsets: bool) -> types.SignatureInformation:
    form = signature.form
    if markdown:
        doc = f"{form.summary}\n\n```dockerfile\n{form.example}\n```"
    else:
        doc = f"{form.summary}\n\nExample: {form.example}"
    parameters = [
        types.ParameterInformation(
            # The labels are ASCII: offsets are the same in every encoding.
            label=(start, end) if offsets else param.label,
            documentation=_documentation(param.doc, markdown),
        )
        for param, (start, end) in zip(signature.parameters, signature.offsets, strict=True)
    ]
    return types.SignatureInformation(
        label=signature.label,
        documentation=_documentation(doc, markdown) if markdown else doc,
        parameters=parameters,
    )


def register(server: LayerwiseServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_SIGNATURE_HELP,
        types.SignatureHelpOptions(
            trigger_characters=list(TRIGGER_CHARACTERS),
            retrigger_characters=list(RETRIGGER_CHARACTERS),
        ),
    )
    @guarded(default=None)
    def signature(
        ls: LayerwiseServer, params: types.SignatureHelpParams
    ) -> types.SignatureHelp | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        position = params.position
        offset = doc.source.from_client(position.line, position.character, ls.encoding)
        result = signature_help(doc.model, offset)
        if result is None:
            return None
        info = _information(ls)
        formats = info.documentation_format if info else None
        markdown = bool(formats) and types.MarkupKind.Markdown in formats  # type: ignore[operator]
        parameter_info = info.parameter_information if info else None
        offsets = bool(parameter_info and parameter_info.label_offset_support)
        return types.SignatureHelp(
            signatures=[_signature(s, markdown, offsets) for s in result.signatures],
            active_signature=result.active_signature,
            active_parameter=result.active_parameter,
        )
