"""The formatter (layerwise.services.formatting): exact results on small files, and on every
corpus file and generated files: idempotent, and BuildKit's own parser (the PyPI package
``dockerfile``) reads the same instructions, flags, values and heredocs before and after."""

from __future__ import annotations

import shlex
from pathlib import Path

import dockerfile as buildkit
import pytest
from hypothesis import HealthCheck, given, settings

from dockerfile_strategies import dockerfiles
from layerwise.analysis import fix_text
from layerwise.analysis.config import parse_settings
from layerwise.analysis.engine import apply_edits
from layerwise.services.formatting import (
    FormatOptions,
    format_edits,
    format_range_edits,
    format_text,
    on_type_edits,
)
from layerwise.syntax import parse

TABS = FormatOptions(tab_size=2, insert_spaces=False)


def fmt(text: str, **options: object) -> str:
    return format_text(text, FormatOptions(**options))  # type: ignore[arg-type]


# -- what changes -------------------------------------------------------------------------


def test_keywords_upper_and_single_spaces_on_the_first_line() -> None:
    text = "from  alpine:3.20 \tas   build\nrun   --mount=type=cache,target=/x   apt-get  update\n"
    assert fmt(text) == (
        "FROM alpine:3.20 AS build\nRUN --mount=type=cache,target=/x apt-get update\n"
    )


def test_keyword_case_lower_and_keep() -> None:
    text = "FROM alpine AS b\nHealthCheck cmd true\nOnBuild Run echo\n"
    assert fmt(text, keyword_case="lower") == (
        "from alpine as b\nhealthcheck cmd true\nonbuild run echo\n"
    )
    assert fmt(text, keyword_case="keep") == text


def test_indentation_before_the_keyword_is_removed() -> None:
    assert fmt("FROM a\n   RUN true\n\tCOPY a b\n") == "FROM a\nRUN true\nCOPY a b\n"


def test_continuations_indent_one_level_and_keep_nesting_and_operator_style() -> None:
    text = (
        "FROM a\n"
        "RUN set -eux; \\\n"
        "  if [ -f x ]; then \\\n"
        "      echo yes; \\\n"
        "  fi \\\n"
        " && apt-get update &&\\\n"
        "  apt-get install -y   curl\n"
    )
    assert fmt(text) == (
        "FROM a\n"
        "RUN set -eux; \\\n"
        "    if [ -f x ]; then \\\n"
        "        echo yes; \\\n"
        "    fi \\\n"
        "    && apt-get update && \\\n"
        "    apt-get install -y   curl\n"
    )


def test_tabs_when_the_editor_indents_with_tabs() -> None:
    text = "FROM a\nRUN a \\\n    b \\\n        c\n"
    assert format_text(text, TABS) == "FROM a\nRUN a \\\n\tb \\\n\t\t\tc\n"
    assert format_text(format_text(text, TABS), TABS) == format_text(text, TABS)


def test_comment_and_lone_continuation_lines_line_up_with_the_next_words() -> None:
    text = "FROM a\nENV A=1 \\\n  \\\n  # why B\n  B=2\n"
    assert fmt(text) == "FROM a\nENV A=1 \\\n    \\\n    # why B\n    B=2\n"


def test_trailing_whitespace_and_blank_line_runs() -> None:
    text = "FROM a  \n\n\n\n# note \t\nRUN true \\   \n  && false\t\n\n\n"
    assert fmt(text) == "FROM a\n\n# note\nRUN true \\\n    && false\n"


def test_a_leading_blank_line_stays_so_a_comment_does_not_become_a_directive() -> None:
    text = "\n\n# escape=`\nFROM a\n"
    assert fmt(text) == "\n# escape=`\nFROM a\n"
    assert parse(fmt(text)).escape == "\\"


def test_final_newline_only_when_asked() -> None:
    assert fmt("FROM a") == "FROM a"
    assert fmt("FROM a", insert_final_newline=True) == "FROM a\n"
    assert fmt("FROM a\r\nRUN x", insert_final_newline=True) == "FROM a\r\nRUN x\r\n"
    assert fmt("FROM a\n  \n", insert_final_newline=True) == "FROM a\n"


# -- what stays -------------------------------------------------------------------------


def test_quotes_json_strings_and_one_string_values_keep_their_spacing() -> None:
    text = (
        "FROM a\n"
        "RUN echo \"a   b\"  'c   d'   x\\  y\n"
        'CMD ["a  b",    "c"]\n'
        "ENV legacy value   with  spaces\n"
        'LABEL k="v   w"    other=1\n'
        "WORKDIR /my   dir\n"
        'COPY "a   b" /c\n'
    )
    assert fmt(text) == (
        "FROM a\n"
        "RUN echo \"a   b\" 'c   d' x\\  y\n"
        'CMD ["a  b", "c"]\n'
        "ENV legacy value   with  spaces\n"
        'LABEL k="v   w" other=1\n'
        "WORKDIR /my   dir\n"
        'COPY "a   b" /c\n'
    )


def test_words_and_quotes_that_run_over_a_line_break_stay() -> None:
    text = 'FROM a\nRUN echo ab\\\ncd "x \\\n   y" \\\n  z\n'
    # "ab\<newline>cd" is one word and the quote spans the break: those lines stay;
    # the last break separates two words, so that line is indented.
    assert fmt(text) == 'FROM a\nRUN echo ab\\\ncd "x \\\n   y" \\\n    z\n'


def test_heredoc_bodies_and_comments_are_kept_byte_for_byte() -> None:
    text = (
        "FROM a\n"
        "#   odd   comment   text\n"
        "run  <<EOF  \n"
        "  body   with   spaces   \n"
        "\t\n"
        "EOF\n"
        "COPY <<-END /x\n"
        "\t  keep\t\n"
        "\tEND\n"
    )
    assert fmt(text) == (
        "FROM a\n"
        "#   odd   comment   text\n"
        "RUN <<EOF\n"
        "  body   with   spaces   \n"
        "\t\n"
        "EOF\n"
        "COPY <<-END /x\n"
        "\t  keep\t\n"
        "\tEND\n"
    )


def test_line_endings_are_kept_per_line() -> None:
    text = "FROM a\r\nrun  a \\\r\n b\nCOPY  x y\r\n\r\n\r\nUSER u\n"
    assert fmt(text) == "FROM a\r\nRUN a \\\r\n    b\nCOPY x y\r\n\r\nUSER u\n"


def test_backtick_escape_windows_cmd_left_alone_powershell_formatted() -> None:
    cmd = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a   b `\n  c\n"
    assert fmt(cmd) == cmd  # cmd's echo prints the spaces: the command is not touched
    powershell = (
        "# escape=`\r\n"
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\r\n"
        'SHELL ["powershell", "-Command"]\r\n'
        "run  Write-Host   a;`\r\n"
        "  Write-Host b `\r\n"
        "      -NoNewline\r\n"
        "COPY  C:\\a\\   C:\\b\\\r\n"
    )
    assert fmt(powershell) == (
        "# escape=`\r\n"
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\r\n"
        'SHELL ["powershell", "-Command"]\r\n'
        "RUN Write-Host a; `\r\n"
        "    Write-Host b `\r\n"
        "        -NoNewline\r\n"
        "COPY C:\\a\\ C:\\b\\\r\n"
    )


def test_multi_line_false_leaves_continued_instructions_alone() -> None:
    text = "from a\nrun  a \\\n b  \ncopy  x  y\n"
    assert fmt(text, multi_line=False) == "FROM a\nrun  a \\\n b  \nCOPY x y\n"


def test_formatted_text_is_a_fixed_point() -> None:
    text = "from a\nRUN x \\\n\t\t  y \\\n   z\n\n\n"
    once = fmt(text)
    assert fmt(once) == once
    assert format_edits(parse(once), FormatOptions()) == []


# -- edits, ranges, typing ------------------------------------------------------------------


def test_edits_are_small_and_leave_the_rest_alone() -> None:
    text = "FROM a\nrun  echo hi\n"
    edits = format_edits(parse(text))
    assert [(text[e.start : e.end], e.new_text) for e in edits] == [("run", "RUN"), ("  ", " ")]


def test_range_formatting_touches_only_instructions_in_the_range() -> None:
    text = "from a\nrun  a \\\n b\ncopy  x  y\n"
    doc = parse(text)
    start = text.index(" b")  # inside the RUN's continuation line
    edits = format_range_edits(doc, start, start, FormatOptions())
    assert apply_edits(text, edits) == "from a\nRUN a \\\n    b\ncopy  x  y\n"


def _typed(text: str, options: FormatOptions | None = None) -> str:
    """``text`` has a ``|`` where the cursor is after typing a line break."""
    offset = text.index("|")
    text = text.replace("|", "")
    return apply_edits(text, on_type_edits(parse(text), offset, options))


def test_on_type_indents_the_line_after_a_continuation() -> None:
    assert _typed("FROM a\nRUN apt-get update \\\n|") == "FROM a\nRUN apt-get update \\\n    "
    assert _typed("FROM a\nRUN a \\\n      b \\\n|\nCOPY x y\n") == (
        "FROM a\nRUN a \\\n      b \\\n      \nCOPY x y\n"
    )
    assert _typed("FROM a\nRUN a \\\n|", TABS) == "FROM a\nRUN a \\\n\t"
    assert _typed("# escape=`\nFROM a\nRUN a `\n  |") == "# escape=`\nFROM a\nRUN a `\n    "


def test_on_type_does_nothing_without_a_continuation() -> None:
    for text in ("FROM a\nRUN a\n|", "FROM a\nRUN <<EOF\necho \\\n|\nEOF\n", "FROM a\n# x \\\n|"):
        assert _typed(text) == text.replace("|", "")
    assert _typed("FROM a\nRUN a \\\n|", FormatOptions(multi_line=False)) == "FROM a\nRUN a \\\n"


# -- settings -----------------------------------------------------------------------------


def test_format_settings_nested_or_flat_and_checked() -> None:
    config, errors = parse_settings({"format": {"keywordCase": "Lower", "multiLine": False}})
    assert errors == []
    assert (config.format_keyword_case, config.format_multi_line) == ("lower", False)
    config, errors = parse_settings({"format.multiLine": True})
    assert errors == [] and config.format_multi_line is True
    config, errors = parse_settings({"format": {"multiLine": "no", "tabs": 2}})
    assert config.format_multi_line is None
    assert errors == [
        "layerwise.format.multiLine: expected true or false, got string 'no'",
        "layerwise: unknown setting 'format.tabs' (known: select, extendSelect, ignore,"
        " severity, unsafeFixes, format.keywordCase, format.multiLine)",
    ]


# -- meaning preserved: BuildKit's parser before and after ----------------------------------

_SHELL_FORM = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})


def _shell_words(value: str) -> object:
    try:
        return tuple(shlex.split(value))
    except ValueError:
        return value


def buildkit_view(text: str) -> object:
    """BuildKit's parse, with only what formatting may change normalised: keyword case
    (``AS``, ``CMD`` too) and the spacing between the words of shell-form commands."""
    try:
        commands = buildkit.parse_string(text)
    except buildkit.GoParseError as exc:
        return ("rejected", type(exc).__name__)
    out = []
    for c in commands:
        cmd, sub = c.cmd.upper(), (c.sub_cmd or "").upper()
        value = c.value
        if cmd == "FROM" and len(value) == 3:
            value = (value[0], value[1].upper(), value[2])
        if "HEALTHCHECK" in (cmd, sub) and value:
            value = (value[0].upper(), *value[1:])
        if (cmd in _SHELL_FORM or sub in _SHELL_FORM) and not c.json:
            value = tuple(_shell_words(v) for v in value)
        heredocs = tuple((h.name, h.content) for h in c.heredocs)
        out.append((cmd, sub, c.json, c.flags, value, heredocs))
    return out


def _check_meaning(text: str, *all_options: FormatOptions) -> int:
    """Format ``text`` with each of ``all_options``; return how many results differ."""
    view = buildkit_view(text)
    errors = len(parse(text).errors)
    changed = 0
    for options in all_options:
        once = format_text(text, options)
        assert format_text(once, options) == once, "not idempotent"
        assert buildkit_view(once) == view
        assert len(parse(once).errors) == errors
        changed += once != text
    return changed


def test_buildkit_reads_every_corpus_file_the_same_after_formatting(corpus: Path) -> None:
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    changed = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        try:
            changed += _check_meaning(text, FormatOptions(), TABS)
        except AssertionError as exc:
            raise AssertionError(f"{path}: {exc}") from None
    assert len(files) > 500
    assert changed > len(files) // 2  # the check is not vacuous: most files do change


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles())
def test_buildkit_reads_generated_files_the_same_after_formatting(text: str) -> None:
    _check_meaning(
        text,
        FormatOptions(),
        FormatOptions(tab_size=3, insert_spaces=False, keyword_case="lower"),
    )


def test_fix_all_and_format_introduce_no_parse_errors_in_either_order(corpus: Path) -> None:
    files = sorted(p for p in corpus.rglob("*") if p.is_file())[::7]
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        before = len(parse(text).errors)
        fixed_then_formatted = format_text(fix_text(text).text)
        formatted_then_fixed = fix_text(format_text(text)).text
        for result in (fixed_then_formatted, formatted_then_fixed):
            assert len(parse(result).errors) <= before, path
            assert buildkit_view(result) != ("rejected", "GoParseError") or buildkit_view(text) == (
                "rejected",
                "GoParseError",
            ), path
        # Formatting after fixing settles: the fixes leave nothing the formatter redoes.
        assert format_text(fixed_then_formatted) == fixed_then_formatted, path


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_emoji_and_tabs_inside_words_survive(newline: str) -> None:
    text = newline.join(["FROM a", "RUN  echo 😀\t'😀  é' \\", "\t😀", ""])
    assert fmt(text) == newline.join(["FROM a", "RUN echo 😀 '😀  é' \\", "    😀", ""])
