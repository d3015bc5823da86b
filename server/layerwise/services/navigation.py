"""Go to definition, find references, highlight and rename, over :mod:`.references`.

Every function takes the document's :class:`SymbolTable` and a cursor offset (code
points) and returns spans or edits in code points; the LSP layer converts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..analysis.rule import Edit
from ..syntax.model import Dockerfile, Span
from .references import Occurrence, Symbol, SymbolTable, is_predefined

#: BuildKit's rule for stage names (checked as written: upper case is not accepted).
STAGE_NAME = re.compile(r"^[a-z][a-z0-9-_.]*$")
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
HEREDOC_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

NOTHING_TO_RENAME = (
    "Nothing to rename here: place the cursor on a stage name, an ARG or ENV variable, "
    "or a heredoc delimiter"
)


class RenameRefused(Exception):
    """The rename cannot be done; ``str(exc)`` says why, in one line."""


@dataclass(frozen=True, slots=True)
class Highlight:
    span: Span
    write: bool


def definition(table: SymbolTable, offset: int) -> list[Span]:
    """Where the name under the cursor is defined: the binding a use resolves to."""
    occurrence = table.at(offset)
    if occurrence is None or occurrence.target is None:
        return []
    return [occurrence.target]


def references(table: SymbolTable, offset: int, include_declaration: bool) -> list[Span]:
    """Every occurrence of the symbol under the cursor, in document order."""
    occurrence = table.at(offset)
    if occurrence is None:
        return []
    return [o.span for o in _ordered(occurrence.symbol) if include_declaration or not o.write]


def highlights(table: SymbolTable, offset: int) -> list[Highlight]:
    occurrence = table.at(offset)
    if occurrence is None:
        return []
    return [Highlight(o.span, o.write) for o in _ordered(occurrence.symbol)]


def prepare_rename(table: SymbolTable, offset: int) -> tuple[Span, str] | None:
    """The name's span and current text; ``None`` when no name is under the cursor.

    Raises :class:`RenameRefused` for names that cannot be renamed (images,
    predefined ARGs, names the file does not define, stage indexes).
    """
    occurrence = table.at(offset)
    if occurrence is None:
        return None
    _check_renamable(occurrence)
    return occurrence.span, occurrence.symbol.name


def rename(doc: Dockerfile, table: SymbolTable, offset: int, new_name: str) -> list[Edit]:
    """The edits renaming the symbol under the cursor; raises :class:`RenameRefused`."""
    occurrence = table.at(offset)
    if occurrence is None:
        raise RenameRefused(NOTHING_TO_RENAME)
    _check_renamable(occurrence)
    symbol = occurrence.symbol
    _check_new_name(doc, table, symbol, new_name)
    return [
        Edit(o.span.start, o.span.end, new_name)
        for o in _ordered(symbol)
        if o.editable and doc.text[o.span.start : o.span.end] != new_name
    ]


def _ordered(symbol: Symbol) -> list[Occurrence]:
    return sorted(symbol.occurrences, key=lambda o: o.span.start)


def _check_renamable(occurrence: Occurrence) -> None:
    symbol = occurrence.symbol
    if symbol.fixed is not None:
        raise RenameRefused(symbol.fixed)
    if not occurrence.editable:
        raise RenameRefused(
            "a stage index stays valid when the stage is renamed: rename the stage at its "
            "name (FROM ... AS name)"
        )


def _check_new_name(doc: Dockerfile, table: SymbolTable, symbol: Symbol, new_name: str) -> None:
    if symbol.kind == "stage":
        if not STAGE_NAME.match(new_name):
            raise RenameRefused(
                f"'{new_name}' is not a valid stage name: it must start with a lower-case "
                "letter and hold only lower-case letters, digits, '-', '_' and '.'"
            )
        if new_name != symbol.name and table.named("stage", new_name):
            raise RenameRefused(f"a stage named '{new_name}' already exists")
        if any(s.kind == "image" and s.name.lower() == new_name for s in table.symbols):
            raise RenameRefused(
                f"'{new_name}' is an image this Dockerfile uses: a stage of that name would "
                "replace it"
            )
    elif symbol.kind == "variable":
        if not VARIABLE_NAME.match(new_name):
            raise RenameRefused(
                f"'{new_name}' is not a valid variable name: use letters, digits and '_', "
                "not starting with a digit"
            )
        if is_predefined(new_name):
            raise RenameRefused(f"{new_name} is predefined by BuildKit: choose another name")
        if new_name != symbol.name:
            for other in table.named("variable", new_name):
                if other.scopes & symbol.scopes:
                    raise RenameRefused(
                        f"{new_name} is already used where {symbol.name} is visible: the "
                        "two would become one"
                    )
    elif symbol.kind == "heredoc":
        if not HEREDOC_NAME.match(new_name):
            raise RenameRefused(
                f"'{new_name}' is not a valid heredoc delimiter: use letters, digits and '_', "
                "not starting with a digit"
            )
        opening = symbol.definitions[0].span
        closing = [o.span for o in symbol.occurrences if not o.write]
        end = closing[0].start if closing else len(doc.text)
        source = doc.source
        first_body_line = source.line_of(opening.start) + 1
        for line in range(first_body_line, source.line_of(end)):
            if source.line_text(line).lstrip("\t") == new_name:
                raise RenameRefused(
                    f"a line of the heredoc body reads '{new_name}': it would end the heredoc"
                )
