"""SourceText: LSP line indexing and conversion to and from client position units.

LSP lines end only at ``\\n``, ``\\r\\n`` and ``\\r``. ``str.splitlines`` (which pygls'
``TextDocument.lines`` uses) also breaks at form feeds, ``\\x1c``-``\\x1e``, ``\\x85``,
``\\u2028`` and ``\\u2029``; those must stay ordinary characters here.
"""

from __future__ import annotations

import pytest

from layerwise.syntax import ENCODINGS, SourceText

# -- line indexing ---------------------------------------------------------------------


def lines(source: SourceText) -> list[str]:
    return [source.line_text(i) for i in range(source.line_count)]


def test_lf_lines() -> None:
    source = SourceText("FROM a\nRUN b\n")
    assert source.line_count == 3  # the empty line after the final newline counts
    assert source.line_starts == [0, 7, 13]
    assert lines(source) == ["FROM a", "RUN b", ""]
    assert source.line_end(0) == 6
    assert source.line_end(1) == 12
    assert source.newline == "\n"


def test_crlf_lines_exclude_the_carriage_return() -> None:
    text = "FROM a\r\nRUN b\r\nCMD c"
    source = SourceText(text)
    assert source.line_count == 3
    assert lines(source) == ["FROM a", "RUN b", "CMD c"]
    assert source.line_starts == [0, 8, 15]
    assert text[source.line_start(1) : source.line_end(1)] == "RUN b"
    assert source.newline == "\r\n"


def test_lone_carriage_return_ends_a_line() -> None:
    source = SourceText("a\rb\r\rc")
    assert lines(source) == ["a", "b", "", "c"]
    assert source.line_starts == [0, 2, 4, 5]
    assert source.newline == "\r"


def test_mixed_line_endings() -> None:
    source = SourceText("a\nb\r\nc\rd")
    assert lines(source) == ["a", "b", "c", "d"]
    assert source.line_starts == [0, 2, 5, 7]


def test_newline_is_the_first_line_ending_found() -> None:
    assert SourceText("a\nb\r\nc").newline == "\n"
    assert SourceText("a\r\nb\nc").newline == "\r\n"
    assert SourceText("a\rb\nc").newline == "\r"


def test_newline_defaults_to_lf_without_any_line_break() -> None:
    assert SourceText("FROM a").newline == "\n"
    assert SourceText("").newline == "\n"


def test_empty_text_has_one_empty_line() -> None:
    source = SourceText("")
    assert source.line_count == 1
    assert lines(source) == [""]
    assert source.position(0) == (0, 0)
    assert source.to_client(0) == (0, 0)
    assert source.from_client(0, 5) == 0


@pytest.mark.parametrize(
    "char",
    ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"],
    ids=["ff", "vt", "x1c", "x1d", "x1e", "nel", "u2028", "u2029"],
)
def test_splitlines_separators_are_not_line_breaks(char: str) -> None:
    text = f"FROM a{char}b\nRUN c{char}\n"
    assert len(text.splitlines()) > 2  # what pygls' TextDocument.lines would do
    source = SourceText(text)
    assert source.line_count == 3
    assert lines(source) == [f"FROM a{char}b", f"RUN c{char}", ""]
    # Position after the separator is still on line 0.
    assert source.position(text.index("b")) == (0, 7)
    assert source.position(text.index("RUN")) == (1, 0)
    assert source.offset(1, 0) == text.index("RUN")


def test_form_feed_document_positions_like_an_editor() -> None:
    text = "# page one\f\nRUN x\n\fRUN y\n"
    source = SourceText(text)
    assert lines(source) == ["# page one\f", "RUN x", "\fRUN y", ""]
    y = text.index("y")
    assert source.position(y) == (2, 5)
    assert source.to_client(y) == (2, 5)
    assert source.from_client(2, 5) == y


def test_line_of_and_position() -> None:
    text = "ab\ncd\r\nef"
    source = SourceText(text)
    assert [source.line_of(i) for i in range(len(text) + 1)] == [0, 0, 0, 1, 1, 1, 1, 2, 2, 2]
    assert source.position(0) == (0, 0)
    assert source.position(2) == (0, 2)  # on the "\n": end of line 0
    assert source.position(3) == (1, 0)
    assert source.position(len(text)) == (2, 2)


def test_position_inside_crlf_clamps_to_line_end() -> None:
    text = "ab\r\ncd"
    source = SourceText(text)
    assert source.position(2) == (0, 2)  # the "\r"
    assert source.position(3) == (0, 2)  # the "\n" of the CRLF
    assert source.position(4) == (1, 0)


def test_position_clamps_offsets_outside_the_text() -> None:
    source = SourceText("ab\ncd")
    assert source.position(-5) == (0, 0)
    assert source.position(100) == (1, 2)


def test_offset_of_line_and_column() -> None:
    text = "FROM a\nRUN curl\n"
    source = SourceText(text)
    assert source.offset(1, 4) == text.index("curl")
    assert text[source.offset(1, 4) : source.offset(1, 8)] == "curl"


def test_offset_clamps() -> None:
    text = "ab\r\ncd\n"
    source = SourceText(text)
    assert source.offset(0, 99) == 2  # past the line end: before the CRLF
    assert source.offset(0, -3) == 0
    assert source.offset(-1, 4) == 0
    assert source.offset(99, 0) == len(text)
    assert source.offset(1, 99) == 6


# -- client units ----------------------------------------------------------------------

EMOJI_LINE = 'RUN echo "😀" && apt-get install'


def test_non_bmp_columns_in_each_encoding() -> None:
    # "😀" is one code point, two UTF-16 units and four UTF-8 bytes.
    text = "FROM a\n" + EMOJI_LINE + "\n"
    source = SourceText(text)
    after = text.index("😀") + 1  # the closing quote, code-point column 11 on line 1
    assert source.position(after) == (1, 11)
    assert source.to_client(after, "utf-32") == (1, 11)
    assert source.to_client(after, "utf-16") == (1, 12)
    assert source.to_client(after, "utf-8") == (1, 14)


def test_tech_note_example_column_ten() -> None:
    # From TECH-NOTES: after 😀, code-point column 10 is UTF-16 column 11, UTF-8 column 13.
    text = "RUN echo 😀x"
    source = SourceText(text)
    assert text[10] == "x"
    assert source.to_client(10, "utf-32") == (0, 10)
    assert source.to_client(10, "utf-16") == (0, 11)
    assert source.to_client(10, "utf-8") == (0, 13)
    assert source.from_client(0, 10, "utf-32") == 10
    assert source.from_client(0, 11, "utf-16") == 10
    assert source.from_client(0, 13, "utf-8") == 10


def test_default_encoding_is_utf16() -> None:
    source = SourceText("😀x")
    assert source.to_client(1) == (0, 2)
    assert source.from_client(0, 2) == 1


def test_two_byte_and_three_byte_utf8() -> None:
    text = "é€x"  # é: 2 UTF-8 bytes, €: 3 UTF-8 bytes, both one UTF-16 unit
    source = SourceText(text)
    assert source.to_client(2, "utf-8") == (0, 5)
    assert source.to_client(2, "utf-16") == (0, 2)
    assert source.from_client(0, 5, "utf-8") == 2
    assert source.from_client(0, 2, "utf-16") == 2


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nRUN apk add curl\n",
        "FROM a\r\nRUN echo 😀 && echo 🐳🐳\r\nLABEL x=é€\r\n",
        "a\rb😀c\rd\n",
        "# ünïcödé\f\nRUN x\u2028y 𝔘𝔫𝔦 \x85 z\n",
        "",
        "😀",
    ],
)
def test_round_trip_every_offset(text: str, encoding: str) -> None:
    source = SourceText(text)
    for offset in range(len(text) + 1):
        line, character = source.to_client(offset, encoding)  # type: ignore[arg-type]
        back = source.from_client(line, character, encoding)  # type: ignore[arg-type]
        if offset < len(text) and text[offset] == "\n" and offset > 0 and text[offset - 1] == "\r":
            # Inside a CRLF: positions clamp to before the "\r".
            assert back == offset - 1
        else:
            assert back == offset, (offset, line, character)


_CODEC = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}


def client_units(text: str, encoding: str) -> int:
    codec, width = _CODEC[encoding]
    return len(text.encode(codec)) // width


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_round_trip_every_client_position(encoding: str) -> None:
    text = "x😀y\r\né\n🐳"
    source = SourceText(text)
    for line in range(source.line_count):
        content = source.line_text(line)
        # Every character boundary of the line, in client units.
        boundaries = [client_units(content[:i], encoding) for i in range(len(content) + 1)]
        for column, character in enumerate(boundaries):
            offset = source.from_client(line, character, encoding)  # type: ignore[arg-type]
            assert offset == source.line_start(line) + column
            assert source.to_client(offset, encoding) == (line, character)  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_from_client_clamps_past_line_end(encoding: str) -> None:
    text = "ab😀\r\ncd\n"
    source = SourceText(text)
    assert source.from_client(0, 100, encoding) == 3  # type: ignore[arg-type]
    assert text[: source.from_client(0, 100, encoding)] == "ab😀"  # type: ignore[arg-type]
    assert source.from_client(1, 100, encoding) == text.index("cd") + 2  # type: ignore[arg-type]
    assert source.from_client(0, -1, encoding) == 0  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_from_client_clamps_lines_outside_the_document(encoding: str) -> None:
    text = "ab\ncd"
    source = SourceText(text)
    assert source.from_client(-1, 3, encoding) == 0  # type: ignore[arg-type]
    assert source.from_client(2, 0, encoding) == len(text)  # type: ignore[arg-type]
    assert source.from_client(50, 50, encoding) == len(text)  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_to_client_clamps_offsets(encoding: str) -> None:
    text = "ab\n😀"
    source = SourceText(text)
    end = {"utf-8": 4, "utf-16": 2, "utf-32": 1}[encoding]
    assert source.to_client(len(text) + 10, encoding) == (1, end)  # type: ignore[arg-type]
    assert source.to_client(-3, encoding) == (0, 0)  # type: ignore[arg-type]


def test_to_client_in_a_form_feed_line_uses_lsp_lines() -> None:
    text = "a\fb😀c\nd"
    source = SourceText(text)
    c = text.index("c")
    assert source.to_client(c, "utf-16") == (0, 5)
    assert source.to_client(c, "utf-8") == (0, 7)
    assert source.to_client(text.index("d"), "utf-16") == (1, 0)


def test_crlf_positions_never_land_between_cr_and_lf() -> None:
    text = "FROM a\r\nRUN b\r\n"
    source = SourceText(text)
    for encoding in ENCODINGS:
        assert source.to_client(text.index("\n"), encoding) == (0, 6)
        assert source.from_client(0, 7, encoding) == 6
        assert source.from_client(1, 0, encoding) == text.index("RUN")
