"""``textDocument/completion``: translates to and from :mod:`layerwise.services.completion`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

from ...services.completion import Completion, ContextFiles, Kind, complete
from ...syntax.source import Encoding, SourceText
from ..convert import to_range
from ..guard import guarded

if TYPE_CHECKING:
    from ..server import LayerwiseServer

#: Typing one of these asks for completion: flags (``-``), values (``=``, ``,``),
#: variables (``$``, ``{``), the next word (space) and path segments (``/``).
TRIGGER_CHARACTERS = ["-", "=", "$", "{", ",", " ", "/"]

_KINDS = {
    Kind.KEYWORD: types.CompletionItemKind.Keyword,
    Kind.FLAG: types.CompletionItemKind.Property,
    Kind.VALUE: types.CompletionItemKind.Value,
    Kind.STAGE: types.CompletionItemKind.Reference,
    Kind.VARIABLE: types.CompletionItemKind.Variable,
    Kind.IMAGE: types.CompletionItemKind.Module,
    Kind.TAG: types.CompletionItemKind.Constant,
    Kind.FILE: types.CompletionItemKind.File,
    Kind.FOLDER: types.CompletionItemKind.Folder,
    Kind.DIRECTIVE: types.CompletionItemKind.Keyword,
    Kind.RULE: types.CompletionItemKind.EnumMember,
}


def register(server: LayerwiseServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=False),
    )
    @guarded(default=None)
    def completion(
        ls: LayerwiseServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        encoding = ls.encoding
        source = doc.source
        offset = source.from_client(params.position.line, params.position.character, encoding)
        path = doc.path
        files = None
        if path is not None:
            project = ls.project_for(path)
            if project is not None:
                files = ContextFiles(project, path.parent, path)
        caps = _item_capabilities(ls)
        result = complete(doc.model, offset, snippets=caps.snippet_support, files=files)
        convert = _Converter(source, encoding, caps)
        items = [convert.item(index, item) for index, item in enumerate(result.items)]
        return types.CompletionList(is_incomplete=result.incomplete, items=items)


def _item_capabilities(ls: LayerwiseServer) -> _Capabilities:
    text_document = ls.caps.text_document
    completion = text_document.completion if text_document else None
    item = completion.completion_item if completion else None
    tags = item.tag_support.value_set if item and item.tag_support else ()
    return _Capabilities(
        snippet_support=bool(item and item.snippet_support),
        insert_replace=bool(item and item.insert_replace_support),
        deprecated_tag=types.CompletionItemTag.Deprecated in tags,
        markdown=bool(
            item
            and item.documentation_format
            and types.MarkupKind.Markdown in item.documentation_format
        ),
    )


@dataclass(frozen=True, slots=True)
class _Capabilities:
    """What the client's completion items support."""

    snippet_support: bool
    insert_replace: bool
    deprecated_tag: bool
    markdown: bool


class _Converter:
    """Completion items with positions converted once per distinct offset."""

    def __init__(self, source: SourceText, encoding: Encoding, caps: _Capabilities) -> None:
        self.source = source
        self.encoding = encoding
        self.caps = caps
        self._ranges: dict[tuple[int, int], types.Range] = {}

    def range(self, start: int, end: int) -> types.Range:
        key = (start, end)
        found = self._ranges.get(key)
        if found is None:
            found = to_range(self.source, start, end, self.encoding)
            self._ranges[key] = found
        return found

    def item(self, index: int, item: Completion) -> types.CompletionItem:
        caps = self.caps
        snippet = item.snippet if caps.snippet_support else None
        new_text = snippet if snippet is not None else item.insert
        edit: types.TextEdit | types.InsertReplaceEdit
        word_end = item.word_end if item.word_end is not None else item.end
        if caps.insert_replace and word_end > item.end:
            edit = types.InsertReplaceEdit(
                new_text=new_text,
                insert=self.range(item.start, item.end),
                replace=self.range(item.start, word_end),
            )
        else:
            edit = types.TextEdit(range=self.range(item.start, item.end), new_text=new_text)
        documentation: str | types.MarkupContent | None = None
        if item.documentation:
            documentation = (
                types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation)
                if caps.markdown
                else item.documentation
            )
        deprecated = item.deprecated and caps.deprecated_tag
        return types.CompletionItem(
            label=item.label,
            kind=_KINDS[item.kind],
            detail=item.detail,
            documentation=documentation,
            sort_text=f"{index:04d}",
            filter_text=item.filter,
            insert_text_format=types.InsertTextFormat.Snippet
            if snippet is not None
            else types.InsertTextFormat.PlainText,
            text_edit=edit,
            tags=[types.CompletionItemTag.Deprecated] if deprecated else None,
        )
