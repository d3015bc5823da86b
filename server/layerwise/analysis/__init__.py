"""Analysis layer: rules over the syntax model, findings, fixes and their application."""

from .context import FileSystemProject, LintContext, Project
from .engine import (
    EditConflict,
    FixResult,
    LintResult,
    apply_edits,
    fix_text,
    lint_document,
    lint_text,
)
from .options import LintOptions
from .rule import Edit, Finding, Fix, Related, Rule, Severity, Violation
from .rules import ALL_RULES, rule_by_code

__all__ = [
    "ALL_RULES",
    "Edit",
    "EditConflict",
    "FileSystemProject",
    "Finding",
    "Fix",
    "FixResult",
    "LintContext",
    "LintOptions",
    "LintResult",
    "Project",
    "Related",
    "Rule",
    "Severity",
    "Violation",
    "apply_edits",
    "fix_text",
    "lint_document",
    "lint_text",
    "rule_by_code",
]
