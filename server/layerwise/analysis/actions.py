"""Editor actions as pure functions over text: suppress a finding, fix everything."""

from __future__ import annotations

from pathlib import Path

from ..syntax.model import Dockerfile
from .context import Project
from .engine import fix_text
from .options import LintOptions
from .rule import Edit, Finding
from .suppression import layerwise_pragma


def ignore_edit(doc: Dockerfile, finding: Finding) -> Edit | None:
    """Add the finding's code to an ignore pragma above its instruction."""
    ins = doc.instruction_at(finding.span.start)
    if ins is None:
        return None
    code = finding.rule.code
    source = doc.source
    existing = layerwise_pragma(ins)
    if existing is not None:
        index, pragma = existing
        if code in pragma.selectors:
            return None
        comment = ins.comments[index]
        return Edit(comment.span.end, comment.span.end, f",{code}")
    line = source.line_of(ins.span.start)
    start = source.line_start(line)
    text = source.line_text(line)
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    return Edit(start, start, f"{indent}# layerwise: ignore={code}{source.newline}")


def fix_all_edit(
    text: str,
    options: LintOptions | None = None,
    path: Path | None = None,
    project: Project | None = None,
    unsafe: bool = False,
) -> Edit | None:
    """One minimal edit that turns ``text`` into its fully fixed version."""
    fixed = fix_text(text, options=options, path=path, project=project, unsafe=unsafe).text
    if fixed == text:
        return None
    prefix = 0
    limit = min(len(text), len(fixed))
    while prefix < limit and text[prefix] == fixed[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix and text[len(text) - 1 - suffix] == fixed[len(fixed) - 1 - suffix]
    ):
        suffix += 1
    # Never let a boundary fall inside a CRLF pair: editors cannot address it.
    if prefix > 0 and text[prefix - 1] == "\r":
        prefix -= 1
    end = len(text) - suffix
    if suffix > 0 and text[end] == "\n" and end > prefix and text[end - 1] == "\r":
        suffix -= 1
    return Edit(prefix, len(text) - suffix, fixed[prefix : len(fixed) - suffix])
