"""LW7xx: remote content and ADD (PRACTICES G)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..context import LintContext
from ..paths import copy_sources
from ..rule import Edit, Fix, Rule, Severity, Violation

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@)", re.I)
# ADD unpacks local tar archives (optionally compressed): that is ADD's one real job.
_ARCHIVE = re.compile(r"\.(?:tar|tgz|tbz2?|txz|tzst|tlz|taz|gz|bz2|xz|zst|lz|lzma|z)$", re.I)
_ADD_ONLY_FLAGS = frozenset({"checksum", "keep-git-dir", "unpack"})


def _is_plain_local(source: str) -> bool:
    if "$" in source or _REMOTE.match(source) or _ARCHIVE.search(source):
        return False
    # A glob may match an archive unless its name part fixes a non-archive extension.
    return not (any(c in source for c in "*?[") and not re.search(r"\.[A-Za-z0-9]+$", source))


def _copy_keyword(raw: str) -> str:
    if raw.islower():
        return "copy"
    if raw[:1].isupper() and raw[1:].islower():
        return "Copy"
    return "COPY"


def _add_for_local(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger else ins
        if target.keyword != "ADD":
            continue
        if any(flag.name in _ADD_ONLY_FLAGS for flag in target.flags):
            continue
        sources = copy_sources(target)
        if not sources and not target.heredocs:
            continue
        resolved = [ctx.resolve(target, s.value) for s in sources]
        if not all(value is not None and _is_plain_local(value) for value in resolved):
            continue
        fix = Fix(
            "Replace ADD with COPY",
            (
                Edit(
                    target.keyword_span.start,
                    target.keyword_span.end,
                    _copy_keyword(target.keyword_raw),
                ),
            ),
        )
        yield Violation(
            target.keyword_span,
            "ADD of local files: use COPY, which does only that (ADD also fetches URLs "
            "and unpacks archives)",
            fix,
        )


RULES = (
    Rule(
        code="LW701",
        name="add-instead-of-copy",
        summary="ADD used where COPY does the job",
        severity=Severity.WARNING,
        category="remote-content",
        check=_add_for_local,
        aliases=("DL3020",),
        fixable=True,
    ),
)
