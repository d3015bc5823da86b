"""Document outline, workspace symbol names (services/symbols.py) and the workspace index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from layerwise.analysis.workspace import DockerfileIndex
from layerwise.services.symbols import (
    GLOBAL_SECTION,
    OutlineSymbol,
    document_symbols,
    matches,
    named_symbols,
)
from layerwise.syntax.parser import parse

TEXT = """\
# syntax=docker/dockerfile:1
ARG GO=1.22
ARG DEBIAN
FROM golang:${GO} AS build
ENV CGO_ENABLED=0 GOOS=linux
RUN <<EOF
go build -o /app .
EOF
FROM debian:${DEBIAN}
COPY --from=build /app /app
ONBUILD RUN echo hi
"""


def shown(text: str, symbol: OutlineSymbol) -> str:
    return text[symbol.selection.start : symbol.selection.end]


def walk(symbols: tuple[OutlineSymbol, ...] | list[OutlineSymbol]):
    for symbol in symbols:
        yield symbol
        yield from walk(symbol.children)


def test_outline_tree() -> None:
    outline = document_symbols(parse(TEXT))
    assert [(s.name, s.kind) for s in outline] == [
        (GLOBAL_SECTION, "section"),
        ("build", "stage"),
        ("stage 1", "stage"),
    ]
    section, build, final = outline
    assert [(c.name, c.kind, c.detail) for c in section.children] == [
        ("GO", "variable", "ARG = 1.22"),
        ("DEBIAN", "variable", "ARG"),
    ]
    assert build.detail == "golang:${GO}"
    assert [(c.name, c.kind) for c in build.children] == [
        ("CGO_ENABLED", "variable"),
        ("GOOS", "variable"),
        ("RUN", "instruction"),
    ]
    run = build.children[2]
    assert [(h.name, h.kind, h.detail) for h in run.children] == [
        ("<<EOF", "heredoc", "go build -o /app .")
    ]
    assert [(c.name, c.detail) for c in final.children] == [
        ("COPY", "/app /app"),
        ("ONBUILD", "RUN echo hi"),
    ]
    assert shown(TEXT, build) == "build"
    assert shown(TEXT, final) == "debian:${DEBIAN}"  # an unnamed stage shows its base


def test_selection_is_inside_range_and_children_inside_parents() -> None:
    outline = document_symbols(parse(TEXT))

    def check(symbols, parent=None):
        for s in symbols:
            assert s.span.start <= s.selection.start <= s.selection.end <= s.span.end
            if parent is not None:
                assert parent.span.start <= s.span.start and s.span.end <= parent.span.end
            check(s.children, s)

    check(outline)
    names = {s.name: shown(TEXT, s) for s in walk(outline)}
    assert names["GOOS"] == "GOOS"
    assert names["<<EOF"] == "<<EOF"
    assert names["RUN"] == "RUN"


def test_no_preamble_no_section() -> None:
    outline = document_symbols(parse("FROM alpine\nRUN true\n"))
    assert [s.kind for s in outline] == ["stage"]


def test_named_symbols_are_stages_and_args() -> None:
    text = "ARG A=1\nFROM alpine AS one\nARG B\nENV C=1\nFROM one\nARG A\n"
    found = [(s.name, s.kind, s.container) for s in named_symbols(parse(text))]
    assert found == [
        ("A", "variable", GLOBAL_SECTION),
        ("one", "stage", ""),
        ("B", "variable", "one"),
        ("A", "variable", "stage 1"),
    ]


@pytest.mark.parametrize(
    ("query", "name", "expected"),
    [("", "x", True), ("bld", "build", True), ("BLD", "build", True), ("dlb", "build", False)],
)
def test_query_matching(query: str, name: str, expected: bool) -> None:
    assert matches(query, name) is expected


# -- the workspace index -----------------------------------------------------------


def test_index_finds_dockerfiles_by_the_command_line_rules(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text("FROM alpine AS app\n")
    (tmp_path / "api.Dockerfile").write_text("FROM alpine AS api\n")
    (tmp_path / "notes.md").write_text("FROM alpine AS nope\n")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "Dockerfile").write_text("FROM alpine AS dep\n")
    (tmp_path / "ignored").mkdir()
    (tmp_path / "ignored" / "Dockerfile").write_text("FROM alpine AS ign\n")
    (tmp_path / ".gitignore").write_text("ignored/\n")
    index = DockerfileIndex(named_symbols)
    names = sorted(s.name for entry in index.entries([tmp_path]) for s in entry.value)
    assert names == ["api", "app"]


def test_index_skips_big_files_and_symlinks_out_of_the_workspace(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    outside = tmp_path / "outside"
    workspace.mkdir()
    outside.mkdir()
    (outside / "Dockerfile").write_text("FROM alpine AS secret\n")
    (workspace / "Dockerfile.big").write_text("FROM alpine AS big\n" + "# pad\n" * 100)
    (workspace / "Dockerfile").write_text("FROM alpine AS mine\n")
    try:
        (workspace / "Dockerfile.link").symlink_to(outside / "Dockerfile")
        (workspace / "linked").symlink_to(outside, target_is_directory=True)
    except OSError:
        pytest.skip("symbolic links cannot be created here")
    index = DockerfileIndex(named_symbols, max_bytes=200)
    names = sorted(s.name for entry in index.entries([workspace]) for s in entry.value)
    assert names == ["mine"]


def test_index_reparses_only_changed_files(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine AS first\n")
    parsed: list[str] = []

    def derive(doc):
        parsed.append(doc.text)
        return [s.name for s in named_symbols(doc)]

    index = DockerfileIndex(derive)
    first = index.entries([tmp_path])
    again = index.entries([tmp_path])
    assert again[0] is first[0]
    assert len(parsed) == 1
    dockerfile.write_text("FROM alpine AS second\n")
    stat = dockerfile.stat()
    os.utime(dockerfile, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert index.entries([tmp_path])[0].value == ["second"]
    assert len(parsed) == 2
    assert index.entries([tmp_path], skip={dockerfile.resolve()}) == []
