"""Folding ranges (layerwise.services.folding) on small synthetic Dockerfiles."""

from __future__ import annotations

from layerwise.services.folding import COMMENT, REGION, Fold, folding_ranges
from layerwise.syntax.parser import parse


def folds(text: str, limit: int | None = None) -> list[tuple[int, int, str | None]]:
    return [(f.start_line, f.end_line, f.kind) for f in folding_ranges(parse(text), limit)]


def test_stages_end_before_the_next_stage_and_its_header_comments():
    text = (
        "FROM golang:1.22 AS build\n"  # 0
        "WORKDIR /src\n"  # 1
        "RUN go build ./...\n"  # 2
        "\n"  # 3
        "# the runtime image\n"  # 4
        "FROM alpine:3.20\n"  # 5
        "COPY --from=build /src/app /app\n"  # 6
        "\n"  # 7
        "\n"  # 8
    )
    assert folds(text) == [(0, 2, REGION), (5, 6, REGION)]


def test_a_one_line_stage_does_not_fold():
    assert folds("FROM a\nFROM b\nRUN x\n") == [(1, 2, REGION)]


def test_continuation_lines_fold_with_their_instruction():
    text = "FROM a\nRUN apt-get update \\\n    && apt-get install -y curl \\\n    && rm -rf x\n"
    assert (1, 3, None) in folds(text)


def test_backtick_escape_continues_lines():
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN Write-Host a `\n    b `\n    c\n"
    assert (2, 4, None) in folds(text)
    # With the default escape the backtick is an ordinary character: no instruction fold.
    plain = text.replace("# escape=`\n", "")
    assert all(kind == REGION for _, _, kind in folds(plain))


def test_heredoc_bodies_fold_from_the_line_above_them():
    text = (
        "FROM a\n"  # 0
        "RUN <<ONE <<TWO\n"  # 1
        "echo one\n"  # 2
        "ONE\n"  # 3
        "echo two\n"  # 4
        "echo more\n"  # 5
        "TWO\n"  # 6
    )
    result = folds(text)
    assert (1, 6, None) in result  # the instruction, bodies included
    assert (1, 3, None) in result  # first body: hides the body and its terminator
    assert (3, 6, None) in result  # second body: its header is the first terminator


def test_unterminated_heredoc_folds_to_the_end():
    text = "FROM a\nRUN <<EOF\necho a\necho b\n"
    assert (1, 3, None) in folds(text)


def test_comment_blocks_need_two_lines():
    text = (
        "# one\n"  # 0
        "# two\n"  # 1
        "FROM a\n"  # 2
        "# alone\n"  # 3
        "RUN x\n"  # 4
        "RUN y \\\n"  # 5
        "  # inside\n"  # 6
        "  # the continuation\n"  # 7
        "  && z\n"  # 8
    )
    comments = [(s, e) for s, e, kind in folds(text) if kind == COMMENT]
    assert comments == [(0, 1), (6, 7)]


def test_parser_directives_join_the_comment_block_below_them():
    text = "# syntax=docker/dockerfile:1\n# escape=\\\n# about this file\nFROM a\n"
    assert (0, 2, COMMENT) in folds(text)


def test_global_arg_section():
    text = "# versions\nARG PY=3.12\nARG DEBIAN=bookworm\n\nFROM python:${PY}-${DEBIAN}\nRUN x\n"
    assert (0, 2, REGION) in folds(text)
    assert folds("ARG ONLY=1\nFROM a\nRUN x\n") == [(1, 2, REGION)]


def test_crlf_and_lone_cr_count_as_line_ends():
    text = "FROM a\r\nRUN a \\\r\n  b\r\n\r\nFROM b\rRUN c \\\r  d\r"
    assert folds(text) == [(0, 2, REGION), (1, 2, None), (4, 6, REGION), (5, 6, None)]


def test_onbuild_trigger_with_continuation_folds():
    text = "FROM a\nONBUILD RUN a \\\n  b\n"
    assert (1, 2, None) in folds(text)


def test_range_limit_keeps_the_outermost():
    text = "FROM a\nRUN a \\\n  b\nRUN c \\\n  d\nFROM b\nRUN e \\\n  f\n"
    everything = folds(text)
    assert len(everything) == 5
    assert folds(text, 2) == [(0, 4, REGION), (5, 7, REGION)]
    assert folds(text, 0) == []
    # The kept folds stay sorted by line.
    three = folds(text, 3)
    assert three == sorted(three, key=lambda f: (f[0], -f[1]))
    assert (0, 4, REGION) in three and (5, 7, REGION) in three


def test_duplicates_are_reported_once():
    # The instruction and its only heredoc body cover the same lines.
    result = folding_ranges(parse("FROM a\nRUN <<EOF\nx\nEOF\n"))
    assert result.count(Fold(1, 3)) == 1
