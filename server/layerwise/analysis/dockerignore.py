"""``.dockerignore``: where BuildKit finds it, and its patterns matched as BuildKit matches them.

Shared by the rules about the build context (LW401) and about what the ignore file
keeps out of it (LW402, LW403).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from .context import LintContext
from .facts import clean_path as _clean
from .safefs import read_text, regular_file, within


def find_dockerignore(ctx: LintContext) -> Path | None:
    """The ignore file BuildKit would read for this Dockerfile, if there is one.

    ``<Dockerfile name>.dockerignore`` next to the Dockerfile wins; otherwise
    ``.dockerignore`` in its folder or a parent (the build context root may be any
    of them). ``None`` without a file path or project, or when there is none.
    """
    if ctx.path is None or ctx.project is None:
        return None
    key = ("dockerignore_path",)
    if key not in ctx.memo:
        specific = ctx.path.parent / f"{ctx.path.name}.dockerignore"
        root = getattr(ctx.project, "root", None)
        found = (
            specific
            if regular_file(specific) and (root is None or within(specific, root))
            else ctx.project.find_upward(ctx.path.parent, (".dockerignore",))
        )
        ctx.memo[key] = found
    return ctx.memo[key]  # type: ignore[return-value]


def load_dockerignore(ctx: LintContext) -> IgnoreMatcher | None:
    """The patterns of :func:`find_dockerignore`'s file; ``None`` if absent, unreadable
    or invalid (BuildKit fails the build on an invalid one)."""
    found = find_dockerignore(ctx)
    if found is None:
        return None
    text = read_text(found, getattr(ctx.project, "root", None))
    if text is None:
        return None
    return IgnoreMatcher.parse(found, text)


_REGEX_ESCAPE = frozenset(".+()|{}$")


@dataclass(frozen=True)
class IgnorePattern:
    text: str  # the cleaned pattern, without ``!``
    exclusion: bool  # a ``!`` re-inclusion
    line: int
    kind: str  # exact, prefix, suffix, regexp
    regex: re.Pattern[str] | None

    @property
    def dirs(self) -> list[str]:
        return self.text.split("/")

    def match(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            if path.endswith(suffix):
                return True
            return suffix[:1] == "/" and path == suffix[1:]
        assert self.regex is not None
        return self.regex.match(path) is not None


def _class_char(text: str, i: int) -> int | None:
    """Index after one character of a ``[...]`` class, or ``None`` where Go's Match errs."""
    if i >= len(text) or text[i] in "-]":
        return None
    if text[i] == "\\":
        i += 1
        if i >= len(text):
            return None
    return i + 1


def valid_glob(text: str) -> bool:
    """The syntax check of Go's ``filepath.Match``, which BuildKit runs on every pattern."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 >= n:
                return False
            i += 2
            continue
        if ch != "[":
            i += 1
            continue
        i += 1
        if i < n and text[i] == "^":
            i += 1
        ranges = 0
        while True:
            if i < n and text[i] == "]" and ranges > 0:
                i += 1
                break
            after = _class_char(text, i)
            if after is None:
                return False
            i = after
            if i < n and text[i] == "-":
                after = _class_char(text, i + 1)
                if after is None:
                    return False
                i = after
            ranges += 1
    return True


def _compile_pattern(text: str) -> tuple[str, re.Pattern[str] | None]:
    """moby/patternmatcher's ``Pattern.compile`` for the ``/`` separator."""
    regex = "^"
    kind = "exact"
    i = 0  # counts loop iterations, as the Go scanner loop does
    pos = 0
    n = len(text)
    while pos < n:
        ch = text[pos]
        pos += 1
        if ch == "*":
            if pos < n and text[pos] == "*":
                pos += 1
                if pos < n and text[pos] == "/":
                    pos += 1
                if pos >= n:
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        regex += ".*"
                        kind = "regexp"
                else:
                    regex += "(.*/)?"
                    kind = "regexp"
                if i == 0:
                    kind = "suffix"
            else:
                regex += "[^/]*"
                kind = "regexp"
        elif ch == "?":
            regex += "[^/]"
            kind = "regexp"
        elif ch in _REGEX_ESCAPE:
            regex += "\\" + ch
        elif ch == "\\":
            if pos < n:
                regex += "\\" + text[pos]
                pos += 1
                kind = "regexp"
            else:
                regex += "\\\\"
        elif ch in "[]":
            regex += ch
            kind = "regexp"
        else:
            regex += ch
        i += 1
    if kind == "regexp":
        return kind, re.compile(regex + "$", re.S)
    return kind, None


class IgnoreMatcher:
    """The patterns of a ``.dockerignore`` file, matched as BuildKit matches them."""

    def __init__(self, path: Path, patterns: list[IgnorePattern]) -> None:
        self.path = path
        self.patterns = patterns

    @property
    def exclusions(self) -> bool:
        return any(p.exclusion for p in self.patterns)

    @classmethod
    def parse(cls, path: Path, text: str) -> IgnoreMatcher | None:
        """Parse like ``ignorefile.ReadAll`` + ``patternmatcher.New``; ``None`` if invalid."""
        patterns = []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.lstrip("\ufeff") if number == 1 else raw
            if line.startswith("#"):
                continue
            line = line.strip()
            if not line:
                continue
            exclusion = line.startswith("!")
            if exclusion:
                line = line[1:].strip()
            if line:
                line = _clean(line)
                if len(line) > 1 and line.startswith("/"):
                    line = line[1:]
            if not line:
                return None  # BuildKit rejects a bare "!"
            if not valid_glob(line):
                return None  # BuildKit fails the build on a malformed pattern
            try:
                kind, regex = _compile_pattern(line)
            except re.error:
                return None
            patterns.append(IgnorePattern(line, exclusion, number, kind, regex))
        return cls(path, patterns)

    def decide(self, path: str) -> IgnorePattern | None:
        """``MatchesOrParentMatches``: the pattern that excludes ``path``, or ``None``."""
        matched: IgnorePattern | None = None
        parent = posixpath.dirname(path) or "."
        parent_dirs = parent.split("/")
        for pattern in self.patterns:
            if pattern.exclusion != (matched is not None):
                continue
            hit = pattern.match(path)
            if not hit and parent != ".":
                for end in range(1, len(parent_dirs) + 1):
                    if pattern.match("/".join(parent_dirs[:end])):
                        hit = True
                        break
            if hit:
                matched = None if pattern.exclusion else pattern
        return matched

    def may_reinclude_below(self, path: str) -> bool:
        """Some ``!`` pattern could bring back a file below ``path``."""
        segs = path.split("/")
        for pattern in self.patterns:
            if not pattern.exclusion:
                continue
            dirs = pattern.dirs
            if "**" in pattern.text:
                return True
            if len(dirs) > len(segs) and all(
                _segment_match(glob, name) for glob, name in zip(dirs, segs, strict=False)
            ):
                return True
        return False


def _segment_match(glob: str, name: str) -> bool:
    try:
        kind, regex = _compile_pattern(glob)
    except re.error:
        return True
    if regex is None:
        return glob == name
    return regex.match(name) is not None
