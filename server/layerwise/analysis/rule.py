"""Rule metadata, findings and fixes: the data every front end reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from ..syntax.model import Span
from .ruledocs import rule_url

if TYPE_CHECKING:
    from .context import LintContext


class FixSafety(str, Enum):
    """How safe a rule's fix is (see :class:`Fix`); the rule's document explains it."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    #: Safe or not depending on the rest of the file; each fix says which it is.
    SOMETIMES = "sometimes unsafe"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1, Severity.HINT: 0}


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``new_text`` (code-point offsets)."""

    start: int
    end: int
    new_text: str
    #: ``new_text`` as an LSP snippet whose placeholders (``${1:app}``) mark the values
    #: the fix had to guess, for editors that let the user type over them; the CLI
    #: and other editors use ``new_text``, the defaults.
    snippet: str | None = None


@dataclass(frozen=True, slots=True)
class FileChange:
    """A change to another file of the project, such as the build context's ``.dockerignore``.

    ``create``: write ``text`` as a new file (nothing is done if it exists by then).
    Otherwise append ``text`` at the end of the existing file, whose end is at
    ``end`` = (line, UTF-16 character) for editors.
    """

    path: Path
    text: str
    create: bool
    end: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    #: Safe fixes keep the build's meaning except for the intended improvement;
    #: unsafe ones may change behaviour and are applied only on request.
    safe: bool = True
    #: Changes to other files of the project.
    files: tuple[FileChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Related:
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Violation:
    """What a check yields; the engine turns it into a :class:`Finding`."""

    span: Span
    message: str
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    #: Other ways to fix it, offered after ``fix`` in the editor (fix-all uses ``fix``).
    alternatives: tuple[Fix, ...] = ()
    #: The rule's aliases this finding is about, when the rule covers several other
    #: tools' checks (LW805: DL4003 for CMD, DL4004 for ENTRYPOINT); ``None``: all.
    aliases: tuple[str, ...] | None = None


Check = Callable[["LintContext"], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    code: str  # LW + three digits
    name: str  # kebab-case
    summary: str  # one line, for listings
    severity: Severity
    category: str
    check: Check = field(repr=False, compare=False)
    aliases: tuple[str, ...] = ()
    fixable: bool = False
    #: How safe the fixes of a fixable rule are (meaningless when not ``fixable``).
    fix_safety: FixSafety = FixSafety.SAFE
    #: LSP diagnostic tags: "deprecated" or "unnecessary".
    tags: tuple[str, ...] = ()
    #: Off-by-default rules run only when selected explicitly.
    default_enabled: bool = True
    #: Each finding names which of the aliases it is about (see ``Violation.aliases``):
    #: selecting or ignoring one alias selects or ignores those findings, not the rule.
    finding_aliases: bool = False

    @property
    def url(self) -> str:
        """The rule's document: published, if the project metadata says where, else the
        installed file (see ``ruledocs``)."""
        return rule_url(self.code)

    @property
    def fix_kind(self) -> str:
        """``safe``, ``unsafe``, ``sometimes unsafe`` or ``none``: the rule document's Fix column."""
        return self.fix_safety.value if self.fixable else "none"

    def matches(self, selector: str) -> bool:
        """True when ``selector`` names this rule: code, code prefix, name or alias."""
        return self.names(selector) or _alias_in(selector, self.aliases)

    def names(self, selector: str) -> bool:
        """``selector`` is the rule's code, a code prefix, its name or ``ALL``."""
        s = selector.strip()
        if not s:
            return False
        upper = s.upper()
        return upper == "ALL" or self.code.startswith(upper) or s.lower() == self.name

    def matches_whole(self, selector: str) -> bool:
        """``selector`` names every finding of the rule: by code or name, or by an alias
        when the rule's findings do not each name their own aliases."""
        if self.names(selector):
            return True
        return not self.finding_aliases and _alias_in(selector, self.aliases)


def _alias_in(selector: str, aliases: tuple[str, ...]) -> bool:
    upper = selector.strip().upper()
    return bool(upper) and any(upper == alias.upper() for alias in aliases)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    severity: Severity
    span: Span
    message: str
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    alternatives: tuple[Fix, ...] = ()
    #: The rule's aliases this finding is about (all of them unless the rule says).
    aliases: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return self.rule.code

    def matches(self, selector: str) -> bool:
        """``selector`` names this finding: the rule's code, prefix or name, or one of
        the aliases the finding is about."""
        return self.rule.names(selector) or _alias_in(selector, self.aliases)

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """The fix first, then the alternatives."""
        return ((self.fix,) if self.fix is not None else ()) + self.alternatives
