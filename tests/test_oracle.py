"""Differential test: our parser against dockerfile-parse on the shared corpus.

For every corpus file without heredocs (dockerfile-parse turns heredoc bodies into
bogus instructions), the instruction keywords, 0-based start/end lines and values
must agree. dockerfile-parse's ``value`` is the logical line after the keyword; ours
is rebuilt as the flags (``--name=value``) followed by ``instruction.args``. Values
are compared with whitespace runs collapsed.

Where dockerfile-parse is known to be wrong, the disagreement is classified by a
named predicate below; the set of classified disagreements must be exactly
``KNOWN_EXCEPTIONS``, so any new disagreement (or a known one disappearing) fails.

The corpus is ``../shared/corpus/dev`` next to the project (``LAYERWISE_CORPUS``
overrides it, see conftest.py). If it is missing, the corpus tests are skipped with the
reason (failed with ``LAYERWISE_REQUIRE_CORPUS=1``).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser  # type: ignore[import-untyped]

from conftest import corpus_files, corpus_location
from layerwise.syntax import Dockerfile, Instruction, parse

ROOT: Path = corpus_location()
FILES: list[Path] = corpus_files()


@dataclass(frozen=True)
class Entry:
    """One instruction as (keyword, 0-based start line, 0-based end line, value)."""

    keyword: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Disagreement:
    file: str
    line: int  # 1-based, for humans
    ours: Entry | None
    theirs: Entry | None

    def describe(self) -> str:
        return f"{self.file}:{self.line}: ours={self.ours} theirs={self.theirs}"


def _norm(value: str) -> str:
    return " ".join(value.split())


def _rebuilt(ins: Instruction) -> str:
    parts = [f"--{f.name}" if f.value is None else f"--{f.name}={f.value}" for f in ins.flags]
    return _norm(" ".join([*parts, ins.args]))


def ours_entries(df: Dockerfile) -> list[Entry]:
    return [Entry(i.keyword, i.start_line, i.end_line, _rebuilt(i)) for i in df.instructions]


def theirs_entries(data: bytes) -> list[Entry]:
    parser = DockerfileParser(fileobj=io.BytesIO(data))
    return [
        Entry(s["instruction"], s["startline"], s["endline"], _norm(s["value"]))
        for s in parser.structure
        if s["instruction"] != "COMMENT"
    ]


# -- known dockerfile-parse bugs -------------------------------------------------------


def escaped_escape_at_line_end(
    df: Dockerfile, lines: list[str], ours: Entry | None, theirs: Entry | None
) -> bool:
    """dockerfile-parse bug: an escaped escape character at line end continues its line.

    dockerfile-parse's continuation regex ``^.*\\\\\\s*$`` matches any line ending in
    the escape character, so ``C:\\\\Windows\\\\System32\\\\`` continues; BuildKit's
    ``([^\\\\])\\\\[ \\t]*$|^\\\\[ \\t]*$`` does not, so the instruction ends there.
    dockerfile-parse then runs on into the next line (a blank line ends it), and
    strips one escape character from the value. Seen in docker-library/mongo's
    Windows nanoserver Dockerfiles.
    """
    if ours is None or theirs is None:
        return False
    escape = df.escape
    last = lines[ours.end].rstrip(" \t\r")
    return (
        ours.keyword == theirs.keyword
        and ours.start == theirs.start
        and last.endswith(escape * 2)
        and not last.endswith(escape * 3)
        and theirs.end == ours.end + 1
        and lines[theirs.end].strip() == ""
        and ours.value.endswith(escape * 2)
        and theirs.value == ours.value[:-1]
    )


Predicate = Callable[[Dockerfile, list[str], "Entry | None", "Entry | None"], bool]

PREDICATES: dict[str, Predicate] = {
    "escaped_escape_at_line_end": escaped_escape_at_line_end,
}

#: (file relative to the corpus, 1-based line, predicate name) of every disagreement
#: that is dockerfile-parse's fault. Must match what occurs exactly.
KNOWN_EXCEPTIONS: frozenset[tuple[str, int, str]] = frozenset(
    {
        ("docker-library__mongo/7.0__windows__nanoserver-ltsc2022__Dockerfile", 17, "escaped_escape_at_line_end"),
        ("docker-library__mongo/8.0__windows__nanoserver-ltsc2022__Dockerfile", 17, "escaped_escape_at_line_end"),
        ("docker-library__mongo/8.2__windows__nanoserver-ltsc2022__Dockerfile", 17, "escaped_escape_at_line_end"),
        ("docker-library__mongo/8.3__windows__nanoserver-ltsc2022__Dockerfile", 17, "escaped_escape_at_line_end"),
    }
)  # fmt: skip


# -- comparison ------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    skipped_for_heredocs: bool
    unexplained: tuple[Disagreement, ...]
    explained: frozenset[tuple[str, int, str]]
    instructions: int


def _lines(text: str) -> list[str]:
    # dockerfile-parse reads lines split at "\n" only; so does this lookup.
    return text.split("\n")


@functools.cache
def compare(path: Path) -> Comparison:
    name = path.relative_to(ROOT).as_posix()
    data = path.read_bytes()
    text = data.decode("utf-8")
    df = parse(text)
    if any(i.heredocs for i in df.instructions):
        return Comparison(True, (), frozenset(), 0)
    ours = {e.start: e for e in ours_entries(df)}
    theirs = {e.start: e for e in theirs_entries(data)}
    lines = _lines(text)
    unexplained: list[Disagreement] = []
    explained: set[tuple[str, int, str]] = set()
    for start in sorted(set(ours) | set(theirs)):
        mine, other = ours.get(start), theirs.get(start)
        if mine == other:
            continue
        for predicate_name, predicate in PREDICATES.items():
            if predicate(df, lines, mine, other):
                explained.add((name, start + 1, predicate_name))
                break
        else:
            unexplained.append(Disagreement(name, start + 1, mine, other))
    return Comparison(False, tuple(unexplained), frozenset(explained), len(ours))


# -- tests -----------------------------------------------------------------------------

#: One case per corpus file; without the corpus a single case that the ``corpus`` fixture
#: skips (or fails, with LAYERWISE_REQUIRE_CORPUS=1), so the absence is reported.
CASES = [pytest.param(p, id=p.relative_to(ROOT).as_posix()) for p in FILES] or [
    pytest.param(None, id="no-corpus")
]


def test_corpus_is_present(corpus: Path) -> None:
    assert FILES, f"the shared corpus at {corpus} holds no files"


def test_predicates_accept_only_their_case() -> None:
    """The exception predicate must not swallow ordinary disagreements."""
    text = "FROM a\nCOPY C:\\\\x\\\\ C:\\\\y\\\\\n\nRUN b\n"
    df = parse(text)
    lines = _lines(text)
    ours = ours_entries(df)[1]
    good = Entry("COPY", 1, 2, ours.value[:-1])
    assert escaped_escape_at_line_end(df, lines, ours, good)
    assert not escaped_escape_at_line_end(df, lines, ours, Entry("COPY", 1, 2, "other"))
    assert not escaped_escape_at_line_end(df, lines, ours, Entry("COPY", 1, 1, ours.value))
    assert not escaped_escape_at_line_end(df, lines, ours, None)
    assert not escaped_escape_at_line_end(df, lines, None, good)
    plain = parse("FROM a\nCOPY x y\n\n")
    mine = ours_entries(plain)[1]
    assert not escaped_escape_at_line_end(
        plain, _lines(plain.text), mine, Entry("COPY", 1, 2, mine.value)
    )


@pytest.mark.parametrize("path", CASES)
def test_agrees_with_dockerfile_parse(corpus: Path, path: Path | None) -> None:
    assert path is not None
    result = compare(path)
    report = "\n".join(d.describe() for d in result.unexplained)
    assert not result.unexplained, f"disagreements with dockerfile-parse:\n{report}"
    name = path.relative_to(corpus).as_posix()
    expected = {e for e in KNOWN_EXCEPTIONS if e[0] == name}
    assert result.explained == expected


def test_known_exceptions_are_exactly_what_occurs(corpus: Path) -> None:
    occurred: set[tuple[str, int, str]] = set()
    unexplained: list[str] = []
    for path in FILES:
        result = compare(path)
        occurred |= result.explained
        unexplained += [d.describe() for d in result.unexplained]
    assert unexplained == [], "\n".join(unexplained)
    assert occurred == KNOWN_EXCEPTIONS, {
        "new": sorted(occurred - KNOWN_EXCEPTIONS),
        "gone": sorted(KNOWN_EXCEPTIONS - occurred),
    }


def test_most_of_the_corpus_is_compared(corpus: Path) -> None:
    results = [(path, compare(path)) for path in FILES]
    skipped = [path for path, r in results if r.skipped_for_heredocs]
    # Only files that really contain a heredoc marker are left out.
    assert all("<<" in path.read_text(encoding="utf-8") for path in skipped)
    compared = [r for _, r in results if not r.skipped_for_heredocs]
    assert len(compared) >= 0.9 * len(FILES)
    assert sum(r.instructions for r in compared) > 1000
