"""Semantic tokens (layerwise.services.tokens): what each piece is, and the invariants
clients rely on (legend indices, order, no overlap, one line each, positions in the
negotiated encoding) on the corpus, generated files and arbitrary text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockerfile_strategies import dockerfiles
from layerwise.services.layout import layout_of
from layerwise.services.tokens import (
    TOKEN_MODIFIERS,
    TOKEN_TYPES,
    SemanticToken,
    delta_edits,
    encode,
    semantic_tokens,
    tokens_in_range,
)
from layerwise.syntax import parse
from layerwise.syntax.source import SourceText


def kinds(text: str) -> list[tuple[str, str]]:
    """(token text, type[+modifiers]) in order."""
    out = []
    for token in semantic_tokens(parse(text)):
        name = TOKEN_TYPES[token.type]
        mods = [m for i, m in enumerate(TOKEN_MODIFIERS) if token.modifiers >> i & 1]
        out.append((text[token.start : token.end], "+".join([name, *mods])))
    return out


def test_instructions_flags_images_and_stages() -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "ARG BASE=alpine\n"
        "FROM --platform=$BUILDPLATFORM ${BASE}:3 AS build\n"
        "COPY --from=build /a /b\n"
        "COPY --from=nginx:1 /c /d\n"
        "MAINTAINER me\n"
    )
    assert kinds(text) == [
        ("# syntax", "macro"), ("=", "operator"), ("docker/dockerfile:1", "string"),
        ("ARG", "keyword"), ("BASE", "variable+declaration"), ("=", "operator"),
        ("alpine", "string"),
        ("FROM", "keyword"), ("--platform", "parameter"), ("=", "operator"),
        ("$BUILDPLATFORM", "variable+defaultLibrary"), ("${BASE}", "variable"), (":3", "type"),
        ("AS", "keyword"), ("build", "namespace+declaration"),
        ("COPY", "keyword"), ("--from", "parameter"), ("=", "operator"),
        ("build", "namespace"), ("/a", "string"), ("/b", "string"),
        ("COPY", "keyword"), ("--from", "parameter"), ("=", "operator"), ("nginx:1", "type"),
        ("/c", "string"), ("/d", "string"),
        ("MAINTAINER", "keyword+deprecated"), ("me", "string"),
    ]  # fmt: skip


def test_mount_keys_env_label_expose_and_predefined_args() -> None:
    text = (
        "FROM a\n"
        "RUN --mount=type=cache,target=/x true\n"
        'ENV A=1 B="x $A"\n'
        "LABEL org.key=v\n"
        "EXPOSE 8080/udp\n"
        "ARG TARGETARCH\n"
    )
    assert kinds(text)[2:] == [
        ("RUN", "keyword"), ("--mount", "parameter"), ("=", "operator"), ("type", "property"),
        ("cache", "string"), ("target", "property"), ("/x", "string"), ("true", "function"),
        ("ENV", "keyword"), ("A", "variable+declaration"), ("=", "operator"), ("1", "string"),
        ("B", "variable+declaration"), ("=", "operator"), ('"x ', "string"),
        ("$A", "variable"), ('"', "string"),
        ("LABEL", "keyword"), ("org.key", "property+declaration"), ("=", "operator"),
        ("v", "string"),
        ("EXPOSE", "keyword"), ("8080", "number"), ("/udp", "string"),
        ("ARG", "keyword"), ("TARGETARCH", "variable+declaration+defaultLibrary"),
    ]  # fmt: skip


def test_shell_commands_options_strings_variables_and_operators() -> None:
    text = "FROM a\nRUN A=1 apt-get install -y 'x y' \"$HOME\" 2>&1 && cd /x; ls | wc -l > $OUT\n"
    assert kinds(text)[2:] == [
        ("RUN", "keyword"), ("A", "variable+declaration"), ("=", "operator"), ("1", "string"),
        ("apt-get", "function"), ("-y", "parameter"), ("'x y'", "string"),
        ('"', "string"), ("$HOME", "variable"), ('"', "string"),
        ("2>&", "operator"), ("1", "number"), ("&&", "operator"),
        ("cd", "function"), (";", "operator"), ("ls", "function"), ("|", "operator"),
        ("wc", "function"), ("-l", "parameter"), (">", "operator"), ("$OUT", "variable"),
    ]  # fmt: skip


def test_shell_keywords_and_heredoc_scripts() -> None:
    text = "FROM a\nRUN <<EOF\nfor i in 1 2; do echo $i; done\nEOF\nCOPY <<X /f\nhello $Y\nX\n"
    assert kinds(text)[2:] == [
        ("RUN", "keyword"), ("<<", "operator"), ("EOF", "keyword"),
        ("for", "keyword"), ("in", "keyword"), ("1", "number"), ("2", "number"),
        (";", "operator"), ("do", "keyword"), ("echo", "function"), ("$i", "variable"),
        (";", "operator"), ("done", "keyword"), ("EOF", "keyword"),
        ("COPY", "keyword"), ("<<", "operator"), ("X", "keyword"), ("/f", "string"),
        ("hello ", "string"), ("$Y", "variable"), ("X", "keyword"),
    ]  # fmt: skip


def test_exec_form_onbuild_and_healthcheck() -> None:
    text = (
        'FROM a\nCMD ["nginx", "-g", "daemon off;"]\nONBUILD RUN make\n'
        "HEALTHCHECK --retries=3 CMD curl -f x || exit 1\n"
    )
    assert kinds(text)[2:] == [
        ("CMD", "keyword"), ('"nginx"', "function"), ('"-g"', "parameter"),
        ('"daemon off;"', "string"),
        ("ONBUILD", "keyword"), ("RUN", "keyword"), ("make", "function"),
        ("HEALTHCHECK", "keyword"), ("--retries", "parameter"), ("=", "operator"),
        ("3", "number"), ("CMD", "keyword"), ("curl", "function"), ("-f", "parameter"),
        ("||", "operator"), ("exit", "function"), ("1", "number"),
    ]  # fmt: skip


def test_a_string_over_a_continuation_is_cut_per_line_around_the_comment() -> None:
    text = 'FROM a\nRUN echo "a \\\n# note && x\n  b" && \\\n  true\n'
    assert kinds(text)[2:] == [
        ("RUN", "keyword"), ("echo", "function"), ('"a ', "string"), ("# note && x", "comment"),
        ('  b"', "string"), ("&&", "operator"), ("true", "function"),
    ]  # fmt: skip


def test_backtick_escape_is_not_part_of_any_token() -> None:
    text = "# escape=`\nFROM a\nRUN echo a `\n  b`\n"
    tokens = kinds(text)
    assert ("# escape", "macro") in tokens and ("`", "string") in tokens
    assert [t for t, _ in tokens if "`" in t] == ["`"]  # only the directive's value


def test_encoding_utf16_utf8_utf32_after_an_emoji() -> None:
    text = "FROM a\nRUN echo 😀 $X\n"
    doc = parse(text)
    tokens = semantic_tokens(doc)
    variable = next(t for t in tokens if t.type == TOKEN_TYPES.index("variable"))
    assert text[variable.start : variable.end] == "$X"
    # echo (line 1, column 4) then $X: code points 11, UTF-16 12, UTF-8 14.
    for encoding, column in (("utf-32", 11), ("utf-16", 12), ("utf-8", 14)):
        data = encode(tokens, doc.source, encoding)
        assert data[-5:] == [0, column - 4, 2, TOKEN_TYPES.index("variable"), 0]
    emoji_line = "FROM a\nLABEL k=😀😀\n"
    data = encode(semantic_tokens(parse(emoji_line)), SourceText(emoji_line), "utf-16")
    assert data[-5:] == [0, 1, 4, TOKEN_TYPES.index("string"), 0]  # two surrogate pairs


def test_range_keeps_the_overlapping_tokens() -> None:
    text = "FROM a\nRUN echo hi\nUSER u\n"
    tokens = semantic_tokens(parse(text))
    start = text.index("RUN")
    chosen = tokens_in_range(tokens, start, start + len("RUN echo hi"))
    assert [text[t.start : t.end] for t in chosen] == ["RUN", "echo"]


# -- delta ----------------------------------------------------------------------------------


def _apply_delta(old: list[int], edits: list[tuple[int, int, list[int]]]) -> list[int]:
    out = list(old)
    for start, count, data in sorted(edits, reverse=True):
        out[start : start + count] = data
    return out


@given(
    st.lists(st.integers(0, 3), max_size=40).map(lambda xs: xs[: len(xs) - len(xs) % 5]),
    st.lists(st.integers(0, 3), max_size=40).map(lambda xs: xs[: len(xs) - len(xs) % 5]),
)
def test_delta_edits_turn_the_old_data_into_the_new(old: list[int], new: list[int]) -> None:
    edits = delta_edits(old, new)
    assert _apply_delta(old, edits) == new
    for start, count, data in edits:
        assert start % 5 == 0 and count % 5 == 0 and len(data) % 5 == 0


def test_delta_of_one_changed_token_is_small() -> None:
    before = "FROM a\nRUN echo one\nRUN echo two\nRUN echo three\n"
    after = before.replace("two", "$TWO")
    old = encode(semantic_tokens(parse(before)), SourceText(before), "utf-16")
    new = encode(semantic_tokens(parse(after)), SourceText(after), "utf-16")
    ((start, count, data),) = delta_edits(old, new)
    assert (count, len(data)) == (0, 5)  # one token (the variable) inserted
    assert _apply_delta(old, [(start, count, data)]) == new
    assert delta_edits(new, new) == []


# -- invariants -----------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def check_invariants(text: str) -> None:
    doc = parse(text)
    tokens = semantic_tokens(doc)
    source = doc.source
    previous_end = 0
    for token in tokens:
        assert isinstance(token, SemanticToken)
        assert 0 <= token.type < len(TOKEN_TYPES), token
        assert 0 <= token.modifiers < 1 << len(TOKEN_MODIFIERS), token
        assert previous_end <= token.start < token.end <= len(text), token
        piece = text[token.start : token.end]
        assert "\n" not in piece and "\r" not in piece, (token, piece)
        previous_end = token.end
    # Continuation characters belong to no token (the pieces of a continued word stop
    # before them).
    escapes = {
        segment.escape
        for ins in doc.instructions
        for segment in layout_of(doc, ins).segments
        if segment.escape is not None
    }
    assert not [t for t in tokens if any(t.start <= e < t.end for e in escapes)]
    # Independent check of the LSP encoding: decode, then compare with positions found
    # by splitting the text ourselves.
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    for encoding, width in (("utf-16", _utf16), ("utf-8", _utf8), ("utf-32", len)):
        data = encode(tokens, source, encoding)
        assert len(data) == 5 * len(tokens)
        line = char = 0
        for index, token in enumerate(tokens):
            d_line, d_char, length, kind, mods = data[5 * index : 5 * index + 5]
            assert d_line >= 0 and length > 0
            line += d_line
            char = d_char if d_line else char + d_char
            expected_line = max(i for i, s in enumerate(starts) if s <= token.start)
            line_start = starts[expected_line]
            assert line == expected_line
            assert char == width(text[line_start : token.start])
            assert length == width(text[token.start : token.end])
            assert (kind, mods) == (token.type, token.modifiers)
            assert kind < len(TOKEN_TYPES) and mods < 1 << len(TOKEN_MODIFIERS)


def _utf16(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _utf8(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles())
def test_invariants_on_generated_files(text: str) -> None:
    check_invariants(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["RUN ", "FROM ", "COPY ", "ENV ", "<<EOF", "EOF", "\\", "`", "\n", "\r\n", "\r",
             '"', "'", "$", "${", "}", "#", "# escape=`", "--mount=", "=", ",", " ", "\t",
             "😀", "é", "&&", "|", ";", "[", "]", "(", ")", "\f", "\u2028", "x"]
        )
        | st.text(max_size=3)
    ).map("".join)
)  # fmt: skip
def test_invariants_on_arbitrary_text(text: str) -> None:
    check_invariants(text)


def test_invariants_on_the_corpus(corpus: Path) -> None:
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    total = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        try:
            check_invariants(text)
        except AssertionError as exc:
            raise AssertionError(f"{path}: {exc}") from None
        total += len(semantic_tokens(parse(text)))
    assert len(files) > 500 and total > 50 * len(files)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_crlf_and_tabs(newline: str) -> None:
    text = newline.join(["FROM a", "RUN\techo\t$A \\", "\t&& true", ""])
    tokens = kinds(text)
    assert tokens[2:] == [
        ("RUN", "keyword"), ("echo", "function"), ("$A", "variable"), ("&&", "operator"),
        ("true", "function"),
    ]  # fmt: skip
    check_invariants(text)
