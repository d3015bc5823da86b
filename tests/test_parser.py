"""The Dockerfile parser against BuildKit's parser semantics, with exact spans.

Every span is checked by slicing the original text. The BuildKit behaviour each test
pins down is named in its docstring or comments (see /work/shared/TECH-NOTES.md).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layerwise.syntax import Dockerfile, Instruction, Span, parse
from layerwise.syntax import parser as parser_module
from layerwise.syntax.model import OffsetMap


def sl(text: str, span: Span | None) -> str | None:
    """The source text a span covers."""
    return None if span is None else text[span.start : span.end]


def keywords(df: Dockerfile) -> list[str]:
    return [i.keyword for i in df.instructions]


def only(df: Dockerfile, keyword: str) -> Instruction:
    found = [i for i in df.instructions if i.keyword == keyword]
    assert len(found) == 1, keywords(df)
    return found[0]


def error_texts(df: Dockerfile) -> list[str | None]:
    return [sl(df.text, e.span) for e in df.errors]


# -- directives ------------------------------------------------------------------------


def test_directives_in_any_order_with_exact_spans() -> None:
    text = "# check=skip=all\n# escape=`\n# syntax=docker/dockerfile:1.7\nFROM x\n"
    df = parse(text)
    assert [(d.key, d.value) for d in df.directives] == [
        ("check", "skip=all"),
        ("escape", "`"),
        ("syntax", "docker/dockerfile:1.7"),
    ]
    assert [sl(text, d.span) for d in df.directives] == [
        "# check=skip=all",
        "# escape=`",
        "# syntax=docker/dockerfile:1.7",
    ]
    assert [sl(text, d.value_span) for d in df.directives] == [
        "skip=all",
        "`",
        "docker/dockerfile:1.7",
    ]
    assert df.escape == "`"
    assert df.directive("syntax") is not None
    assert df.directive("syntax").value == "docker/dockerfile:1.7"  # type: ignore[union-attr]
    assert df.directive("nope") is None
    assert df.errors == ()
    assert keywords(df) == ["FROM"]
    assert df.comments == ()  # directives are not comments


def test_directive_key_is_case_insensitive_and_whitespace_tolerant() -> None:
    text = "  #   ESCAPE =  `   \nFROM x\n"
    df = parse(text)
    assert [(d.key, d.value) for d in df.directives] == [("escape", "`")]
    assert sl(text, df.directives[0].value_span) == "`"
    assert sl(text, df.directives[0].span) == "#   ESCAPE =  `   "
    assert df.escape == "`"


def test_duplicate_directive_is_a_syntax_issue() -> None:
    text = "# syntax=one\n# escape=`\n# SYNTAX=two\nFROM x\n"
    df = parse(text)
    assert [(d.key, d.value) for d in df.directives] == [("syntax", "one"), ("escape", "`")]
    assert len(df.errors) == 1
    assert "syntax" in df.errors[0].message
    assert sl(text, df.errors[0].span) == "# SYNTAX=two"
    assert keywords(df) == ["FROM"]


def test_invalid_escape_value_is_a_syntax_issue_and_keeps_backslash() -> None:
    text = "# escape=x\nFROM a\nRUN echo \\\n  hi\n"
    df = parse(text)
    assert df.escape == "\\"
    assert len(df.errors) == 1
    assert sl(text, df.errors[0].span) == "x"
    run = only(df, "RUN")
    assert run.args == "echo   hi"  # the backslash still continues lines


def test_two_character_escape_value_is_invalid() -> None:
    df = parse("# escape=\\\\\nFROM a\n")
    assert df.escape == "\\"
    assert [sl(df.text, e.span) for e in df.errors] == ["\\\\"]


def test_blank_line_ends_the_directive_block() -> None:
    text = "# syntax=docker/dockerfile:1\n\n# escape=`\nFROM a\nRUN echo `\n  next\n"
    df = parse(text)
    assert [d.key for d in df.directives] == ["syntax"]
    assert df.escape == "\\"
    # The would-be directive is an ordinary comment.
    assert [(c.text, c.line) for c in df.comments] == [("escape=`", 2)]
    # With a backslash escape, a trailing backtick does not continue the line.
    assert keywords(df) == ["FROM", "RUN", "NEXT"]


def test_directive_without_value_is_a_comment_and_ends_the_block() -> None:
    # BuildKit's directive regex needs at least one value character.
    df = parse("# escape=\n# syntax=x\nFROM a\n")
    assert df.directives == ()
    assert [c.text for c in df.comments] == ["escape=", "syntax=x"]


def test_whitespace_only_line_ends_the_directive_block() -> None:
    df = parse("# syntax=a\n   \t\n# escape=`\nFROM a\n")
    assert [d.key for d in df.directives] == ["syntax"]
    assert df.escape == "\\"


def test_unknown_key_comment_ends_the_directive_block() -> None:
    text = "# foo=bar\n# escape=`\nFROM a\n"
    df = parse(text)
    assert df.directives == ()
    assert df.escape == "\\"
    assert [c.text for c in df.comments] == ["foo=bar", "escape=`"]


def test_plain_comment_ends_the_directive_block() -> None:
    df = parse("# syntax=a\n# just a comment\n# escape=`\nFROM a\n")
    assert [d.key for d in df.directives] == ["syntax"]
    assert df.escape == "\\"


def test_check_directive_keeps_the_block_open() -> None:
    """BuildKit knows ``check``: an escape directive after it still applies."""
    df = parse("# check=error=true\n# escape=`\nFROM a\nRUN echo `\n  hi\n")
    assert [d.key for d in df.directives] == ["check", "escape"]
    assert df.escape == "`"
    assert only(df, "RUN").args == "echo   hi"


def test_directive_after_an_instruction_is_a_comment() -> None:
    text = "FROM a\n# escape=`\nRUN echo \\\n  hi\n"
    df = parse(text)
    assert df.directives == ()
    assert df.escape == "\\"
    assert [(c.text, c.line, sl(text, c.span)) for c in df.comments] == [
        ("escape=`", 1, "# escape=`")
    ]
    run = only(df, "RUN")
    assert run.args == "echo   hi"
    assert [c.text for c in run.comments] == ["escape=`"]


def test_directive_after_bom() -> None:
    text = "\ufeff# escape=`\nFROM a\n"
    df = parse(text)
    assert df.escape == "`"
    assert sl(text, df.directives[0].span) == "# escape=`"


# -- escape character ------------------------------------------------------------------


def test_backtick_escape_continues_lines() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN powershell -Command `\n    Write-Host hi\nCMD x\n"
    df = parse(text)
    assert df.escape == "`"
    run = only(df, "RUN")
    assert (run.start_line, run.end_line) == (2, 3)
    assert run.args == "powershell -Command     Write-Host hi"
    assert sl(text, run.span) == "RUN powershell -Command `\n    Write-Host hi"
    assert keywords(df) == ["FROM", "RUN", "CMD"]


def test_backtick_escape_windows_paths_with_trailing_backslash_do_not_continue() -> None:
    text = (
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/nanoserver\n"
        "COPY app.exe C:\\app\\\n"
        "WORKDIR C:\\app\n"
        "RUN dir C:\\\n"
    )
    df = parse(text)
    assert keywords(df) == ["FROM", "COPY", "WORKDIR", "RUN"]
    copy = only(df, "COPY")
    assert (copy.start_line, copy.end_line) == (2, 2)
    assert [w.value for w in copy.words] == ["app.exe", "C:\\app\\"]
    assert sl(text, copy.words[1].span) == "C:\\app\\"
    workdir = only(df, "WORKDIR")
    assert workdir.words[0].value == "C:\\app"  # a backslash is not an escape here
    assert sl(text, workdir.words[0].span) == "C:\\app"


def test_backtick_escape_in_words() -> None:
    text = '# escape=`\nFROM a\nLABEL key=a`"b\n'
    df = parse(text)
    pair = only(df, "LABEL").pairs[0]
    assert pair.value is not None
    assert pair.value.value == 'a"b'
    assert sl(text, pair.value.span) == 'a`"b'


def test_escaped_backtick_at_line_end_does_not_continue() -> None:
    df = parse("# escape=`\nFROM w\nRUN echo ``\nRUN next\n")
    assert keywords(df) == ["FROM", "RUN", "RUN"]
    assert df.instructions[1].end_line == 2


# -- continuation lines ----------------------------------------------------------------


def test_continuation_skips_comment_and_blank_lines() -> None:
    text = (
        "FROM a\n"
        "RUN apt-get update \\\n"
        "    # install curl\n"
        "\n"
        "   \t\n"
        "    && apt-get install -y curl\n"
        "CMD x\n"
    )
    df = parse(text)
    assert keywords(df) == ["FROM", "RUN", "CMD"]
    run = df.instructions[1]
    assert (run.start_line, run.end_line) == (1, 5)
    assert run.args == "apt-get update     && apt-get install -y curl"
    assert run.empty_continuation_lines == (3, 4)
    assert sl(text, run.span) == text[text.index("RUN") : text.rindex("curl") + 4]
    assert sl(text, run.args_span) == text[text.index("apt-get") : text.rindex("curl") + 4]
    assert [(c.text, c.line, c.in_continuation) for c in df.comments] == [("install curl", 2, True)]
    assert sl(text, df.comments[0].span) == "# install curl"
    # Logical offsets map back to the source across the skipped lines.
    curl = run.args.index("curl")
    assert sl(text, run.args_to_span(curl, curl + 4)) == "curl"
    assert run.args_to_span(curl, curl + 4).start == text.rindex("curl")


def test_comment_lines_in_continuation_only_do_not_count_as_empty() -> None:
    df = parse("FROM a\nRUN a \\\n# c1\n  # c2\n  b\n")
    run = df.instructions[1]
    assert run.empty_continuation_lines == ()
    assert run.args == "a   b"
    assert [c.in_continuation for c in df.comments] == [True, True]


def test_whitespace_after_the_escape_still_continues() -> None:
    text = "FROM a\nRUN echo a\\   \t\n b\n"
    df = parse(text)
    assert keywords(df) == ["FROM", "RUN"]
    assert df.instructions[1].args == "echo a b"


def test_escaped_backslash_at_line_end_does_not_continue() -> None:
    """BuildKit: ``([^\\\\])\\\\[ \\t]*$|^\\\\[ \\t]*$`` does not match ``\\\\\\\\``."""
    text = "FROM a\nRUN echo C:\\\\\nRUN next\n"
    df = parse(text)
    assert keywords(df) == ["FROM", "RUN", "RUN"]
    first = df.instructions[1]
    assert first.end_line == 1
    assert first.args == "echo C:\\\\"
    assert sl(text, first.span) == "RUN echo C:\\\\"


def test_three_backslashes_at_line_end_do_not_continue() -> None:
    # The last backslash is preceded by a backslash, so BuildKit's regex does not match.
    df = parse("FROM a\nRUN echo \\\\\\\nRUN next\n")
    assert keywords(df) == ["FROM", "RUN", "RUN"]


def test_lone_escape_line_inside_continuation() -> None:
    text = "FROM a\nRUN a \\\n\\\n b\n"
    df = parse(text)
    run = df.instructions[1]
    assert (run.start_line, run.end_line) == (1, 3)
    assert run.args == "a  b"


def test_continuation_joins_without_inserting_space() -> None:
    """BuildKit concatenates continuation lines as they are: ``RUN\\`` + ``echo``."""
    text = "FROM a\nRUN\\\necho hi\n"
    df = parse(text)
    ins = df.instructions[1]
    assert ins.keyword == "RUNECHO"
    assert ins.keyword_raw == "RUNecho"
    assert ins.args == "hi"


def test_continuation_at_end_of_file() -> None:
    text = "FROM a\nRUN echo x \\"
    df = parse(text)
    run = df.instructions[1]
    assert run.args == "echo x"
    assert sl(text, run.span) == "RUN echo x \\"
    assert run.empty_continuation_lines == ()


def test_continuation_before_final_newline_has_no_empty_continuation_line() -> None:
    """BuildKit's line scanner yields no line after the file's final newline.

    ``RUN x \\`` followed only by the final ``\\n`` has no empty continuation line
    (BuildKit would not warn NoEmptyContinuation); the empty "line" after the last
    newline is an LSP artefact, not a Dockerfile line.
    """
    df = parse("FROM a\nRUN echo x \\\n")
    assert df.instructions[1].empty_continuation_lines == ()


def test_real_blank_line_before_eof_is_an_empty_continuation_line() -> None:
    df = parse("FROM a\nRUN echo x \\\n\n")
    assert df.instructions[1].empty_continuation_lines == (2,)


def test_comment_in_trailing_continuation_is_reported_once() -> None:
    """A continuation that runs into EOF through a comment line consumes that line."""
    text = "FROM a\nRUN x \\\n# c\n"
    df = parse(text)
    assert keywords(df) == ["FROM", "RUN"]
    assert [(c.text, c.line, c.in_continuation) for c in df.comments] == [("c", 2, True)]


def test_comments_directly_above_an_instruction() -> None:
    text = "FROM a\n# not attached\n\n# about run\n#   second  \nRUN x\nCMD y\n"
    df = parse(text)
    run = only(df, "RUN")
    assert [c.text for c in run.comments] == ["about run", "second"]
    assert [sl(text, c.span) for c in run.comments] == ["# about run", "#   second  "]
    assert only(df, "CMD").comments == ()
    assert [c.text for c in df.comments] == ["not attached", "about run", "second"]


# -- keywords --------------------------------------------------------------------------


def test_keywords_are_case_insensitive() -> None:
    text = "from alpine\nRuN echo hi\nworkdir /x\ncopy a b\n"
    df = parse(text)
    assert keywords(df) == ["FROM", "RUN", "WORKDIR", "COPY"]
    assert [i.keyword_raw for i in df.instructions] == ["from", "RuN", "workdir", "copy"]
    assert [sl(text, i.keyword_span) for i in df.instructions] == ["from", "RuN", "workdir", "copy"]
    assert len(df.stages) == 1
    assert df.stages[0].base is not None
    assert df.stages[0].base.value == "alpine"


def test_indented_instruction_spans() -> None:
    text = "FROM a\n   \tRUN   echo hi   \n"
    df = parse(text)
    run = df.instructions[1]
    assert sl(text, run.keyword_span) == "RUN"
    assert run.keyword_span.start == text.index("RUN")
    assert run.args == "echo hi"
    assert sl(text, run.args_span) == "echo hi"
    assert sl(text, run.span) == "RUN   echo hi   "
    assert (run.start_line, run.end_line) == (1, 1)


def test_unknown_instruction_is_kept() -> None:
    text = "FROM a\nFOO bar baz\n"
    df = parse(text)
    ins = df.instructions[1]
    assert (ins.keyword, ins.args) == ("FOO", "bar baz")
    assert [sl(text, w.span) for w in ins.words] == ["bar", "baz"]


# -- flags -----------------------------------------------------------------------------


def test_flags_with_exact_name_and_value_spans() -> None:
    text = (
        "FROM a\n"
        "RUN --mount=type=cache,target=/root/.cache --network=none pip install x\n"
        "COPY --link --chown=1000:1000 --from=builder /a /b\n"
    )
    df = parse(text)
    run = df.instructions[1]
    assert [(f.name, f.value) for f in run.flags] == [
        ("mount", "type=cache,target=/root/.cache"),
        ("network", "none"),
    ]
    mount = run.flags[0]
    assert sl(text, mount.span) == "--mount=type=cache,target=/root/.cache"
    assert sl(text, mount.name_span) == "--mount"
    assert sl(text, mount.value_span) == "type=cache,target=/root/.cache"
    assert sl(text, run.flags[1].value_span) == "none"
    assert run.args == "pip install x"
    assert sl(text, run.args_span) == "pip install x"
    assert run.flag("network") is run.flags[1]
    assert run.flag("nope") is None

    copy = df.instructions[2]
    assert [(f.name, f.value) for f in copy.flags] == [
        ("link", None),
        ("chown", "1000:1000"),
        ("from", "builder"),
    ]
    link = copy.flags[0]
    assert sl(text, link.span) == "--link"
    assert sl(text, link.name_span) == "--link"
    assert link.value_span is None
    assert sl(text, copy.flags[2].value_span) == "builder"
    assert [w.value for w in copy.words] == ["/a", "/b"]


def test_flag_with_empty_value() -> None:
    text = "FROM a\nCOPY --chown= a b\n"
    flag = parse(text).instructions[1].flags[0]
    assert (flag.name, flag.value) == ("chown", "")
    assert sl(text, flag.span) == "--chown="
    assert flag.value_span is not None
    assert flag.value_span.start == flag.value_span.end == text.index("=") + 1


def test_quoted_flag_value_is_unquoted() -> None:
    text = 'FROM a\nCOPY --chmod="755" a b\n'
    flag = parse(text).instructions[1].flags[0]
    assert (flag.name, flag.value) == ("chmod", "755")
    assert sl(text, flag.value_span) == '"755"'
    assert sl(text, flag.span) == '--chmod="755"'


def test_double_dash_ends_flags() -> None:
    text = "FROM a\nCOPY --link -- --weird /x\n"
    copy = parse(text).instructions[1]
    assert [f.name for f in copy.flags] == ["link"]
    assert copy.args == "--weird /x"
    assert sl(text, copy.args_span) == "--weird /x"
    assert [w.value for w in copy.words] == ["--weird", "/x"]


def test_flags_only_before_arguments() -> None:
    text = "FROM a\nRUN echo --not-a-flag\nCOPY a --from=x b\n"
    df = parse(text)
    assert df.instructions[1].flags == ()
    assert df.instructions[1].args == "echo --not-a-flag"
    assert df.instructions[2].flags == ()
    assert df.instructions[2].args == "a --from=x b"


def test_flags_across_continuation_lines() -> None:
    text = (
        "FROM a\nRUN --mount=type=secret,id=x \\\n    --mount=type=cache,target=/c \\\n    make\n"
    )
    run = parse(text).instructions[1]
    assert [f.value for f in run.flags] == ["type=secret,id=x", "type=cache,target=/c"]
    assert [sl(text, f.span) for f in run.flags] == [
        "--mount=type=secret,id=x",
        "--mount=type=cache,target=/c",
    ]
    assert run.args == "make"
    assert sl(text, run.args_span) == "make"


def test_continuation_inside_a_flag_value_follows_buildkit() -> None:
    # BuildKit joins the lines as they are: the flag value ends at the first space,
    # so "target=/x" is the first argument and the second --mount is not a flag.
    text = "FROM a\nRUN --mount=type=cache,\\\n  target=/x \\\n  --network=host echo hi\n"
    run = parse(text).instructions[1]
    assert [(f.name, f.value) for f in run.flags] == [("mount", "type=cache,")]
    assert run.args == "target=/x   --network=host echo hi"


def test_flag_name_case_is_preserved_like_buildkit() -> None:
    """BuildKit's BFlags look flag names up as written: ``--FROM`` is "unknown flag: FROM".

    Lower-casing the name would make ``COPY --FROM=build`` look like a valid
    ``--from`` to rules although BuildKit rejects it.
    """
    text = "FROM a\nCOPY --FROM=build /a /b\n"
    flag = parse(text).instructions[1].flags[0]
    assert sl(text, flag.name_span) == "--FROM"
    assert flag.name == "FROM"


# -- exec (JSON) form ------------------------------------------------------------------


def test_exec_form_tokens_with_spans_and_decoded_values() -> None:
    text = 'FROM a\nCMD ["echo", "a\\"b", "\\u00e9\\n", "😀x", "C:\\\\dir"]\n'
    cmd = parse(text).instructions[1]
    assert cmd.is_exec_form
    assert cmd.exec_args is not None
    assert [t.value for t in cmd.exec_args] == ["echo", 'a"b', "é\n", "😀x", "C:\\dir"]
    assert [t.raw for t in cmd.exec_args] == [sl(text, t.span) for t in cmd.exec_args]
    assert [sl(text, t.span) for t in cmd.exec_args] == [
        '"echo"',
        '"a\\"b"',
        '"\\u00e9\\n"',
        '"😀x"',
        '"C:\\\\dir"',
    ]
    assert cmd.shell is None
    assert cmd.words == ()


def test_exec_form_surrogate_pair_escape_decodes() -> None:
    text = 'FROM a\nENTRYPOINT [ "\\ud83d\\ude00" , "\\t" ]\n'
    ep = parse(text).instructions[1]
    assert ep.exec_args is not None
    assert [t.value for t in ep.exec_args] == ["😀", "\t"]
    assert [sl(text, t.span) for t in ep.exec_args] == ['"\\ud83d\\ude00"', '"\\t"']


@pytest.mark.parametrize("keyword", ["RUN", "CMD", "ENTRYPOINT", "SHELL", "ADD", "COPY", "VOLUME"])
def test_exec_form_instructions(keyword: str) -> None:
    text = f'FROM a\n{keyword} ["one", "two words"]\n'
    ins = parse(text).instructions[1]
    assert ins.exec_args is not None
    assert [t.value for t in ins.exec_args] == ["one", "two words"]
    assert [sl(text, t.span) for t in ins.exec_args] == ['"one"', '"two words"']


@pytest.mark.parametrize("keyword", ["ENV", "LABEL", "EXPOSE", "WORKDIR", "USER", "ARG"])
def test_json_looking_arguments_of_other_instructions_are_not_exec_form(keyword: str) -> None:
    ins = parse(f'FROM a\n{keyword} ["x"]\n').instructions[1]
    assert ins.exec_args is None


def test_exec_form_across_continuation_lines() -> None:
    text = 'FROM a\nCMD ["a", \\\n  "b"]\n'
    cmd = parse(text).instructions[1]
    assert cmd.exec_args is not None
    assert [t.value for t in cmd.exec_args] == ["a", "b"]
    assert [sl(text, t.span) for t in cmd.exec_args] == ['"a"', '"b"']
    assert cmd.exec_args[1].span.start == text.index('"b"')


def test_empty_exec_form() -> None:
    cmd = parse("FROM a\nCMD []\n").instructions[1]
    assert cmd.exec_args == ()
    assert cmd.is_exec_form


def test_json_array_with_non_string_is_a_syntax_error() -> None:
    text = 'FROM a\nCMD ["echo", 1]\n'
    df = parse(text)
    cmd = df.instructions[1]
    assert cmd.exec_args is None
    assert len(df.errors) == 1
    assert sl(text, df.errors[0].span) == '["echo", 1]'


@pytest.mark.parametrize(
    "args",
    [
        '[ "broken"',
        "['single', 'quotes']",
        '["a"] extra',
        "[",
        "[echo hi]",
        '["a",]',
    ],
)
def test_invalid_json_falls_back_to_shell_form(args: str) -> None:
    text = f"FROM a\nRUN {args}\n"
    df = parse(text)
    run = df.instructions[1]
    assert run.exec_args is None
    assert run.args == args
    assert df.errors == ()
    assert run.shell is not None
    assert run.shell.commands  # split as a shell command line


def test_json_that_only_python_accepts_falls_back_to_shell_form() -> None:
    """BuildKit decodes with Go's encoding/json, which rejects ``NaN``/``Infinity``.

    ``CMD ["a", NaN]`` is therefore not JSON for BuildKit: shell form, no error
    (Python's json module accepts NaN and would make it a non-string element).
    """
    text = 'FROM a\nCMD ["a", NaN]\nRUN ["b", Infinity]\n'
    df = parse(text)
    assert [i.exec_args for i in df.instructions[1:]] == [None, None]
    assert df.errors == ()


def test_exec_form_trailing_whitespace_is_not_part_of_args() -> None:
    text = 'FROM a\nRUN ["sh", "-c", "echo $HOME"]  \n'
    run = parse(text).instructions[1]
    assert run.exec_args is not None
    assert sl(text, run.args_span) == '["sh", "-c", "echo $HOME"]'


def test_unclosed_json_on_two_physical_lines_is_two_instructions() -> None:
    # Without an escape character the next physical line is a new instruction.
    df = parse('FROM a\nCMD ["a",\n"b"]\n')
    assert len(df.instructions) == 3
    assert df.instructions[1].exec_args is None


# -- heredocs --------------------------------------------------------------------------


def test_run_heredoc_body_and_terminator_spans() -> None:
    text = "FROM a\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nCMD x\n"
    df = parse(text)
    assert keywords(df) == ["FROM", "RUN", "CMD"]
    run = df.instructions[1]
    assert len(run.heredocs) == 1
    heredoc = run.heredocs[0]
    assert (heredoc.name, heredoc.chomp, heredoc.expand) == ("EOF", False, True)
    assert sl(text, heredoc.marker) == "<<EOF"
    assert sl(text, heredoc.body) == "apt-get update\napt-get install -y curl"
    assert heredoc.content == "apt-get update\napt-get install -y curl\n"
    assert sl(text, heredoc.terminator) == "EOF"
    assert heredoc.terminator is not None
    assert heredoc.terminator.start == text.index("\nEOF\n") + 1
    assert (run.start_line, run.end_line) == (1, 4)
    assert sl(text, run.span) == "RUN <<EOF\napt-get update\napt-get install -y curl\nEOF"
    assert run.args == "<<EOF"
    assert df.instructions[2].start_line == 5
    assert df.errors == ()


def test_run_heredoc_commands_appear_in_shell() -> None:
    text = "FROM a\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n"
    run = parse(text).instructions[1]
    assert run.shell is not None
    installs = run.shell.find("apt-get")
    assert len(installs) == 2
    assert [w.value for w in installs[1].arguments] == ["install", "-y", "curl"]
    curl = installs[1].words[-1]
    assert sl(text, curl.span) == "curl"
    assert curl.span.start == text.index("curl")
    assert sl(text, installs[0].span) == "apt-get update"


def test_heredoc_fed_to_a_shell_program_is_its_script() -> None:
    text = "FROM a\nRUN bash <<EOF\nset -e\npip install x\nEOF\n"
    run = parse(text).instructions[1]
    assert run.shell is not None
    pips = run.shell.find("pip")
    assert len(pips) == 1
    assert sl(text, pips[0].words[0].span) == "pip"


def test_heredoc_fed_to_another_program_is_not_shell() -> None:
    text = "FROM a\nRUN python3 <<EOF\nimport os\nprint(1)\nEOF\nRUN cat <<EOF > /etc/x.conf\nrm -rf /\nEOF\n"
    df = parse(text)
    for run in df.instructions[1:]:
        assert run.shell is not None
        assert [c.program for c in run.shell.commands] in (["python3"], ["cat"])


def test_heredoc_with_non_shell_shebang_is_not_shell() -> None:
    text = "FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n"
    run = parse(text).instructions[1]
    assert run.shell is not None
    assert [c.program for c in run.shell.commands] == [None]  # only the `<<EOF` itself


def test_heredoc_with_shell_shebang_is_shell() -> None:
    text = "FROM a\nRUN <<EOF\n#!/bin/bash\napt-get update\nEOF\n"
    run = parse(text).instructions[1]
    assert run.shell is not None
    assert len(run.shell.find("apt-get")) == 1


def test_heredoc_redirect_only_command_does_not_run_its_body() -> None:
    """``RUN <<EOF && echo after``: the body is stdin of an empty command, never run.

    BuildKit only runs a heredoc body as the script when the whole command is the
    heredoc word (``RUN <<EOF``); otherwise the line goes to the shell, for which a
    redirect-only command just discards its input.
    """
    text = "FROM a\nRUN <<EOF \\\n  && echo after\napt-get install x\nEOF\n"
    run = parse(text).instructions[1]
    assert run.heredocs[0].content == "apt-get install x\n"
    assert run.shell is not None
    assert run.shell.find("apt-get") == []
    assert len(run.shell.find("echo")) == 1


def test_chomp_heredoc_strips_tabs_on_the_terminator() -> None:
    text = "FROM a\nRUN <<-EOT bash\n\techo $HOME\n\tEOT\nCMD x\n"
    df = parse(text)
    run = df.instructions[1]
    heredoc = run.heredocs[0]
    assert (heredoc.name, heredoc.chomp, heredoc.expand) == ("EOT", True, True)
    assert sl(text, heredoc.marker) == "<<-EOT"
    assert sl(text, heredoc.terminator) == "EOT"
    assert heredoc.terminator is not None
    assert text[heredoc.terminator.start - 1] == "\t"
    assert heredoc.content == "\techo $HOME\n"
    assert keywords(df) == ["FROM", "RUN", "CMD"]


def test_chomp_does_not_strip_spaces_before_the_terminator() -> None:
    text = "FROM a\nRUN <<-EOT\n  EOT\n\tEOT\n"
    heredoc = parse(text).instructions[1].heredocs[0]
    assert heredoc.content == "  EOT\n"
    assert heredoc.terminator is not None
    assert heredoc.terminator.start == text.rindex("EOT")


def test_unchomped_heredoc_terminator_must_match_exactly() -> None:
    text = "FROM a\nRUN <<EOF\n\tEOF\nEOF \nEOF\nCMD x\n"
    df = parse(text)
    heredoc = df.instructions[1].heredocs[0]
    assert heredoc.content == "\tEOF\nEOF \n"
    assert keywords(df) == ["FROM", "RUN", "CMD"]


@pytest.mark.parametrize("marker", ['<<"EOF"', "<<'EOF'", '<<E"O"F'])
def test_quoted_heredoc_delimiter_does_not_expand(marker: str) -> None:
    text = f"FROM a\nRUN cat {marker}\n$HOME\nEOF\n"
    heredoc = parse(text).instructions[1].heredocs[0]
    assert heredoc.name == "EOF"
    assert heredoc.expand is False
    assert sl(text, heredoc.marker) == marker
    assert heredoc.content == "$HOME\n"


def test_two_heredocs_on_one_line() -> None:
    text = "FROM a\nCOPY <<\"EOF\" <<'EOT' /dst/\n$A\nEOF\n$B\nEOT\nRUN x\n"
    df = parse(text)
    assert keywords(df) == ["FROM", "COPY", "RUN"]
    copy = df.instructions[1]
    assert [(h.name, h.expand) for h in copy.heredocs] == [("EOF", False), ("EOT", False)]
    assert [sl(text, h.marker) for h in copy.heredocs] == ['<<"EOF"', "<<'EOT'"]
    assert [h.content for h in copy.heredocs] == ["$A\n", "$B\n"]
    assert [sl(text, h.body) for h in copy.heredocs] == ["$A", "$B"]
    assert [sl(text, h.terminator) for h in copy.heredocs] == ["EOF", "EOT"]
    assert (copy.start_line, copy.end_line) == (1, 5)
    assert copy.words[-1].value == "/dst/"
    assert df.instructions[2].start_line == 6


def test_heredoc_body_follows_the_whole_logical_line() -> None:
    text = "FROM a\nRUN cat <<EOF \\\n  > /out\nbody\nEOF\n"
    run = parse(text).instructions[1]
    heredoc = run.heredocs[0]
    assert sl(text, heredoc.body) == "body"
    assert (run.start_line, run.end_line) == (1, 4)


def test_empty_heredoc() -> None:
    text = "FROM a\nRUN <<EOF\nEOF\nCMD x\n"
    df = parse(text)
    heredoc = df.instructions[1].heredocs[0]
    assert heredoc.content == ""
    assert heredoc.body.start == heredoc.body.end
    assert sl(text, heredoc.terminator) == "EOF"
    assert keywords(df) == ["FROM", "RUN", "CMD"]


def test_unterminated_heredoc_is_a_syntax_issue() -> None:
    text = "FROM a\nRUN cat <<EOF\nnever ends\n"
    df = parse(text)
    assert keywords(df) == ["FROM", "RUN"]
    heredoc = df.instructions[1].heredocs[0]
    assert heredoc.terminator is None
    assert len(df.errors) == 1
    assert sl(text, df.errors[0].span) == "<<EOF"
    assert heredoc.body.start == text.index("never")
    # BuildKit's scanner sees one body line: the empty LSP line after the final
    # newline is not part of the body.
    assert heredoc.content == "never ends\n"


def test_unterminated_heredoc_without_final_newline() -> None:
    text = "FROM a\nRUN <<EOF\nline one\nline two"
    df = parse(text)
    heredoc = df.instructions[1].heredocs[0]
    assert heredoc.terminator is None
    assert heredoc.content == "line one\nline two\n"
    assert sl(text, heredoc.body) == "line one\nline two"
    assert len(df.errors) == 1


def test_crlf_heredoc() -> None:
    text = "FROM a\r\nRUN <<EOF\r\necho hi\r\nEOF\r\nCMD x\r\n"
    df = parse(text)
    assert keywords(df) == ["FROM", "RUN", "CMD"]
    heredoc = df.instructions[1].heredocs[0]
    assert sl(text, heredoc.body) == "echo hi"
    assert heredoc.content == "echo hi\n"
    assert sl(text, heredoc.terminator) == "EOF"
    run = df.instructions[1]
    assert sl(text, run.span) == "RUN <<EOF\r\necho hi\r\nEOF"
    assert run.shell is not None
    echo = run.shell.find("echo")[0]
    assert [sl(text, w.span) for w in echo.words] == ["echo", "hi"]


def test_heredocs_only_for_run_copy_add() -> None:
    text = "FROM a\nENV X <<EOF\nCMD cat <<EOF\nEOF\n"
    df = parse(text)
    assert all(i.heredocs == () for i in df.instructions)
    assert keywords(df) == ["FROM", "ENV", "CMD", "EOF"]


def test_no_heredoc_in_exec_form() -> None:
    df = parse('FROM a\nRUN ["cat", "<<EOF"]\nEOF\n')
    assert df.instructions[1].heredocs == ()
    assert keywords(df) == ["FROM", "RUN", "EOF"]


def test_quoted_heredoc_marker_is_not_a_heredoc() -> None:
    df = parse("FROM a\nRUN echo \"<<EOF\" '<<EOT'\nCMD x\n")
    assert df.instructions[1].heredocs == ()
    assert keywords(df) == ["FROM", "RUN", "CMD"]


def test_onbuild_trigger_heredoc() -> None:
    """BuildKit's canContainHeredoc looks through ONBUILD at its trigger."""
    text = "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\nCMD x\n"
    df = parse(text)
    assert keywords(df) == ["FROM", "ONBUILD", "CMD"]
    onbuild = df.instructions[1]
    assert onbuild.trigger is not None
    heredocs = onbuild.heredocs or onbuild.trigger.heredocs
    assert [h.content for h in heredocs] == ["echo hi\n"]
    assert [sl(text, h.body) for h in heredocs] == ["echo hi"]


# -- ONBUILD ---------------------------------------------------------------------------


def test_onbuild_trigger_is_a_nested_instruction() -> None:
    text = 'FROM a\nONBUILD ADD . /app/src\nonbuild RUN ["make", "x"]\n'
    df = parse(text)
    add = df.instructions[1].trigger
    assert add is not None
    assert add.keyword == "ADD"
    assert sl(text, add.keyword_span) == "ADD"
    assert sl(text, add.span) == "ADD . /app/src"
    assert [sl(text, w.span) for w in add.words] == [".", "/app/src"]
    run = df.instructions[2].trigger
    assert df.instructions[2].keyword_raw == "onbuild"
    assert run is not None
    assert run.exec_args is not None
    assert [t.value for t in run.exec_args] == ["make", "x"]
    assert [sl(text, t.span) for t in run.exec_args] == ['"make"', '"x"']
    assert df.errors == ()


def test_onbuild_trigger_with_flags_and_shell() -> None:
    text = "FROM a\nONBUILD RUN --mount=type=cache,target=/c apt-get install -y curl\n"
    trigger = parse(text).instructions[1].trigger
    assert trigger is not None
    assert sl(text, trigger.flags[0].value_span) == "type=cache,target=/c"
    assert trigger.shell is not None
    curl = trigger.shell.find("apt-get")[0].words[-1]
    assert sl(text, curl.span) == "curl"


def test_onbuild_errors() -> None:
    text = "FROM a\nONBUILD ONBUILD RUN x\nONBUILD FROM x\nONBUILD MAINTAINER me\n"
    df = parse(text)
    assert error_texts(df) == ["ONBUILD", "FROM", "MAINTAINER"]
    assert df.errors[0].span.start == text.index("ONBUILD RUN")


# -- stages ----------------------------------------------------------------------------


def test_stages_and_names() -> None:
    text = (
        "FROM golang:1.22 AS Build\n"
        "RUN go build\n"
        "from --platform=$BUILDPLATFORM alpine as final\n"
        "COPY --from=build /a /b\n"
        "FROM scratch\n"
    )
    df = parse(text)
    assert len(df.stages) == 3
    build, final, last = df.stages
    assert build.name == "build"  # BuildKit compares stage names lower-cased
    assert build.name_token is not None
    assert sl(text, build.name_token.span) == "Build"
    assert build.base is not None
    assert sl(text, build.base.span) == "golang:1.22"
    assert [i.keyword for i in build.instructions] == ["FROM", "RUN"]
    assert final.name == "final"
    assert final.base is not None
    assert final.base.value == "alpine"
    assert final.from_instruction.flags[0].name == "platform"
    assert last.name is None
    assert last.index == 2
    assert df.stage_named("BUILD") is build
    assert df.stage_named("missing") is None
    assert df.stage_of(df.instructions[3]) is final
    assert sl(text, build.span) == "FROM golang:1.22 AS Build\nRUN go build"


def test_preamble_global_args() -> None:
    text = "ARG BASE=alpine\nARG V\nFROM ${BASE}:${V}\nARG V\n"
    df = parse(text)
    assert [i.keyword for i in df.preamble] == ["ARG", "ARG"]
    assert [p.key.value for i in df.preamble for p in i.pairs] == ["BASE", "V"]
    assert len(df.stages) == 1
    assert df.stages[0].base is not None
    assert df.stages[0].base.value == "${BASE}:${V}"
    assert [i.keyword for i in df.stages[0].instructions] == ["FROM", "ARG"]
    assert df.stage_of(df.preamble[0]) is None


def test_from_argument_errors() -> None:
    text = "FROM a b\nFROM a AS\nFROM a FOO b\n"
    df = parse(text)
    assert error_texts(df) == ["a b", "a AS", "FOO"]
    assert all(s.name is None for s in df.stages)


# -- ARG / ENV / LABEL pairs -----------------------------------------------------------


def test_env_pairs_with_quoted_values() -> None:
    text = "FROM a\nENV A=1 B=\"two words\" C='x y' D=a\\ b E=\n"
    env = parse(text).instructions[1]
    assert [(p.key.value, p.value.value if p.value else None) for p in env.pairs] == [
        ("A", "1"),
        ("B", "two words"),
        ("C", "x y"),
        ("D", "a b"),
        ("E", ""),
    ]
    assert [sl(text, p.key.span) for p in env.pairs] == ["A", "B", "C", "D", "E"]
    assert [sl(text, p.value.span) for p in env.pairs if p.value] == [
        "1",
        '"two words"',
        "'x y'",
        "a\\ b",
        "",
    ]
    assert [p.value.raw for p in env.pairs if p.value] == ["1", '"two words"', "'x y'", "a\\ b", ""]
    assert not any(p.legacy for p in env.pairs)


def test_legacy_env_value_is_the_rest_of_the_line() -> None:
    text = "FROM a\nENV PATH /usr/local/bin:$PATH  extra words\n"
    df = parse(text)
    env = df.instructions[1]
    assert len(env.pairs) == 1
    pair = env.pairs[0]
    assert pair.legacy
    assert sl(text, pair.key.span) == "PATH"
    assert pair.value is not None
    assert pair.value.value == "/usr/local/bin:$PATH  extra words"
    assert sl(text, pair.value.span) == "/usr/local/bin:$PATH  extra words"
    assert df.errors == ()


def test_legacy_env_with_quoted_value() -> None:
    text = 'FROM a\nENV GREETING "hello world"\n'
    pair = parse(text).instructions[1].pairs[0]
    assert pair.legacy
    assert pair.value is not None
    assert pair.value.value == "hello world"
    assert sl(text, pair.value.span) == '"hello world"'


def test_env_and_label_without_value_are_errors() -> None:
    text = "FROM a\nENV ONLYKEY\nLABEL novalue\nENV A=1 B\n"
    df = parse(text)
    assert error_texts(df) == ["ONLYKEY", "novalue", "B"]


def test_label_with_quoted_key() -> None:
    text = 'FROM a\nLABEL "org.opencontainers.image.title"="My App" k=v\n'
    label = parse(text).instructions[1]
    assert [(p.key.value, p.value.value if p.value else None) for p in label.pairs] == [
        ("org.opencontainers.image.title", "My App"),
        ("k", "v"),
    ]
    assert sl(text, label.pairs[0].key.span) == '"org.opencontainers.image.title"'
    assert sl(text, label.pairs[0].value.span) == '"My App"'  # type: ignore[union-attr]


def test_arg_with_and_without_default() -> None:
    text = 'FROM a\nARG X\nARG Y="q" Z=1\n'
    df = parse(text)
    assert df.errors == ()
    x = df.instructions[1].pairs
    assert [(p.key.value, p.value) for p in x] == [("X", None)]
    y = df.instructions[2].pairs
    assert [(p.key.value, p.value.value if p.value else None) for p in y] == [
        ("Y", "q"),
        ("Z", "1"),
    ]
    assert sl(text, y[0].value.span) == '"q"'  # type: ignore[union-attr]


def test_pairs_across_continuation_lines() -> None:
    text = "FROM a\nENV A=1 \\\n    B=2 \\\n    C=3\n"
    env = parse(text).instructions[1]
    assert [sl(text, p.value.span) for p in env.pairs if p.value] == ["1", "2", "3"]
    assert env.pairs[2].key.span.start == text.index("C=3")


# -- line endings, tabs, BOM -----------------------------------------------------------


def test_crlf_file_spans_exclude_carriage_returns() -> None:
    text = (
        "# syntax=docker/dockerfile:1\r\n"
        "FROM alpine AS base\r\n"
        "# comment\r\n"
        "RUN --mount=type=cache,target=/c apk add \\\r\n"
        "    curl\r\n"
        "ENV K=v\r\n"
        'CMD ["sh"]\r\n'
    )
    df = parse(text)
    assert keywords(df) == ["FROM", "RUN", "ENV", "CMD"]
    assert sl(text, df.directives[0].span) == "# syntax=docker/dockerfile:1"
    assert sl(text, df.comments[0].span) == "# comment"
    run = df.instructions[1]
    assert (run.start_line, run.end_line) == (3, 4)
    assert sl(text, run.span) == "RUN --mount=type=cache,target=/c apk add \\\r\n    curl"
    assert run.args == "apk add     curl"
    assert sl(text, run.flags[0].value_span) == "type=cache,target=/c"
    assert run.shell is not None
    assert [sl(text, w.span) for c in run.shell.commands for w in c.words] == [
        "apk",
        "add",
        "curl",
    ]
    assert sl(text, df.instructions[2].pairs[0].value.span) == "v"  # type: ignore[union-attr]
    assert sl(text, df.instructions[3].span) == 'CMD ["sh"]'
    spans = [i.span for i in df.instructions] + [i.args_span for i in df.instructions]
    spans += [w.span for i in df.instructions for w in i.words]
    for span in spans:
        piece = text[span.start : span.end]
        assert not piece.endswith("\r"), piece
        assert not piece.startswith("\n"), piece


def test_tabs_separate_words() -> None:
    text = "FROM\talpine\tAS\tbuild\n\tRUN\techo\t1\n"
    df = parse(text)
    assert df.stages[0].name == "build"
    assert df.stages[0].base is not None
    assert sl(text, df.stages[0].base.span) == "alpine"
    run = df.instructions[1]
    assert sl(text, run.keyword_span) == "RUN"
    assert run.args == "echo\t1"
    assert run.shell is not None
    assert [sl(text, w.span) for w in run.shell.commands[0].words] == ["echo", "1"]


def test_bom_is_not_part_of_the_first_keyword() -> None:
    text = "\ufeffFROM alpine\nRUN x\n"
    df = parse(text)
    assert keywords(df) == ["FROM", "RUN"]
    first = df.instructions[0]
    assert first.keyword_raw == "FROM"
    assert first.keyword_span == Span(1, 5)
    assert sl(text, first.span) == "FROM alpine"


def test_non_bmp_text_spans_are_code_points() -> None:
    text = "FROM a\nLABEL emoji=😀😀 next=x\nRUN echo 🐳 && curl x\n"
    df = parse(text)
    label = df.instructions[1]
    assert [sl(text, p.value.span) for p in label.pairs if p.value] == ["😀😀", "x"]
    run = df.instructions[2]
    assert run.shell is not None
    curl = run.shell.find("curl")[0]
    assert sl(text, curl.words[0].span) == "curl"


# -- malformed input -------------------------------------------------------------------


def test_from_without_arguments() -> None:
    text = "FROM\nRUN\n"
    df = parse(text)
    assert error_texts(df) == ["FROM", "RUN"]
    assert len(df.stages) == 1
    assert df.stages[0].base is None
    assert df.stages[0].name is None


def test_stray_bracket_lines() -> None:
    text = "FROM a\n[\nCMD [\n]\n"
    df = parse(text)
    assert keywords(df) == ["FROM", "[", "CMD", "]"]
    cmd = df.instructions[2]
    assert cmd.exec_args is None
    assert cmd.args == "["


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only a comment", "   ", "\\", "`", "\ufeff", "\r\n\r", "RUN <<", "COPY <<-"],
)
def test_degenerate_documents(text: str) -> None:
    df = parse(text)
    assert df.stages == ()
    for ins in df.instructions:
        assert 0 <= ins.span.start <= ins.span.end <= len(text)


def test_instruction_without_from_is_preamble() -> None:
    df = parse("RUN echo hi\nCMD x\n")
    assert [i.keyword for i in df.preamble] == ["RUN", "CMD"]
    assert df.stages == ()


# -- property: never raises, spans in range --------------------------------------------

FRAGMENTS = [
    "FROM", "from", "RUN", "run", "CMD", "ENTRYPOINT", "COPY", "ADD", "ENV", "ARG", "LABEL",
    "ONBUILD", "SHELL", "VOLUME", "HEALTHCHECK", "EXPOSE", "WORKDIR", "USER", "MAINTAINER",
    " AS ", " as ", "alpine", "x", "--mount=type=cache,target=/c", "--from=build", "--link",
    "--", "-", "=", "a=b", "\"", "'", "\\", "`", "\\\\", "``", "[", "]", '["a", "b"]',
    '["x", 1]', ", ", "<<EOF", "<<-EOF", "<<'EOF'", '<<"EOT"', "EOF", "EOT", "\tEOF",
    "# escape=`", "# syntax=x", "# check=skip=all", "#", "# comment", "&&", "||", ";", "|",
    "$(", ")", "${", "}", "$HOME", " ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", "\\\n",
    "`\n", "\\\r\n", "\f", "\x85", "\u2028", "\ufeff", "é", "😀", "🐳x", "\\u00e9",
]  # fmt: skip


def _check_span(text: str, span: Span | None, what: str) -> None:
    if span is None:
        return
    assert 0 <= span.start <= span.end <= len(text), (what, span, len(text))


def _check_instruction(text: str, ins: Instruction) -> None:
    _check_span(text, ins.span, "span")
    _check_span(text, ins.keyword_span, "keyword_span")
    _check_span(text, ins.args_span, "args_span")
    for flag in ins.flags:
        _check_span(text, flag.span, "flag")
        _check_span(text, flag.name_span, "flag name")
        _check_span(text, flag.value_span, "flag value")
    for token in ins.words + (ins.exec_args or ()):
        _check_span(text, token.span, "token")
    for pair in ins.pairs:
        _check_span(text, pair.key.span, "pair key")
        _check_span(text, pair.value.span if pair.value else None, "pair value")
    for heredoc in ins.heredocs:
        _check_span(text, heredoc.marker, "heredoc marker")
        _check_span(text, heredoc.body, "heredoc body")
        _check_span(text, heredoc.terminator, "heredoc terminator")
    for comment in ins.comments:
        _check_span(text, comment.span, "comment")
    if ins.shell is not None:
        for command in ins.shell.commands:
            _check_span(text, command.span, "shell command")
            for word in command.words:
                _check_span(text, word.span, "shell word")
            for redirect in command.redirects:
                _check_span(text, redirect.span, "redirect")
                _check_span(text, redirect.target.span if redirect.target else None, "target")
        for span in ins.shell.comments:
            _check_span(text, span, "shell comment")
    assert 0 <= ins.start_line <= ins.end_line
    if ins.trigger is not None:
        _check_instruction(text, ins.trigger)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=40).map("".join))
def test_parse_never_raises_and_spans_are_in_range(text: str) -> None:
    df = parse(text)
    assert not any("internal parser error" in e.message for e in df.errors), df.errors
    for ins in df.instructions:
        _check_instruction(text, ins)
    for directive in df.directives:
        _check_span(text, directive.span, "directive")
        _check_span(text, directive.value_span, "directive value")
    for comment in df.comments:
        _check_span(text, comment.span, "comment")
    for issue in df.errors:
        _check_span(text, issue.span, "issue")
    for stage in df.stages:
        _check_span(text, stage.span, "stage")
        assert stage.instructions[0] is stage.from_instruction
    # Instructions are in document order and do not overlap.
    for before, after in zip(df.instructions, df.instructions[1:], strict=False):
        assert before.span.end <= after.span.start, (before.span, after.span)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=40).map("".join))
def test_single_line_instruction_spans_slice_to_their_raw_text(text: str) -> None:
    """Without continuations, each token's span covers exactly its raw text."""
    df = parse(text)
    for ins in df.instructions:
        if ins.start_line != ins.end_line or ins.heredocs:
            continue
        assert text[ins.keyword_span.start : ins.keyword_span.end] == ins.keyword_raw
        assert text[ins.args_span.start : ins.args_span.end] == ins.args
        for token in ins.words + (ins.exec_args or ()):
            assert text[token.span.start : token.span.end] == token.raw
        for pair in ins.pairs:
            assert text[pair.key.span.start : pair.key.span.end] == pair.key.raw
            if pair.value is not None:
                assert text[pair.value.span.start : pair.value.span.end] == pair.value.raw
        if ins.shell is not None:
            for command in ins.shell.commands:
                for word in command.words:
                    assert text[word.span.start : word.span.end] == word.raw


# -- offset maps -----------------------------------------------------------------------


@st.composite
def _segments_and_span(draw: st.DrawFn) -> tuple[list[tuple[int, int, int]], int, int, int]:
    lengths = draw(st.lists(st.integers(0, 6), min_size=1, max_size=5))
    segments = []
    logical = source = 0
    for length in lengths:
        source += draw(st.integers(0, 4))  # the continuation and skipped lines
        segments.append((logical, source, length))
        logical += length
        source += length
    base = draw(st.integers(0, logical))
    start = draw(st.integers(0, logical - base + 1))
    end = draw(st.integers(0, logical - base + 1))
    return segments, base, start, end


@given(_segments_and_span())
def test_fast_span_mapper_agrees_with_the_segment_search(
    case: tuple[list[tuple[int, int, int]], int, int, int],
) -> None:
    segments, base, start, end = case
    offsets = OffsetMap(segments)
    expected_start = offsets.start(base + start)
    if end <= start:
        assert offsets.mapper(base)(start, end) == Span(expected_start, expected_start)
    else:
        assert offsets.mapper(base)(start, end) == Span(expected_start, offsets.end(base + end))
    # Every logical character maps to the source character it came from.
    text_at = {src + i: lo + i for lo, src, length in segments for i in range(length)}
    for index in range(start, end):
        if base + index < sum(length for *_, length in segments):
            assert text_at[offsets.mapper(base)(index, index + 1).start] == base + index


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="-=ab '\"\\\t", max_size=24))
def test_flag_fast_path_equals_the_character_scanner(flags: str) -> None:
    text = f"FROM scratch\nCOPY --{flags} a b\nRUN --{flags} make\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parser_module, "_PLAIN_FLAG", re.compile(r"(?!)"))
        careful = parse(text)
    fast = parse(text)
    assert [i.flags for i in fast.instructions] == [i.flags for i in careful.instructions]
    assert [i.args for i in fast.instructions] == [i.args for i in careful.instructions]


# -- what BuildKit's parser rejects ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "at"),
    [
        ("FROM alpine\nCOPY --chmod 777 a /b\n", "--chmod needs a value", "--chmod"),
        ("FROM alpine\nCOPY --from build /a /b\n", "--from needs a value", "--from"),
        ("FROM alpine\nCOPY --link=maybe a /b\n", "--link takes true or false", "--link=maybe"),
        ("FROM alpine AS 1bad\n", "invalid stage name '1bad'", "1bad"),
        ("FROM alpine AS a$b\n", "invalid stage name", "a$b"),
        ("FROM alpine\nSHELL /bin/bash -c\n", "SHELL takes a JSON array", "/bin/bash -c"),
        ("# only a comment\n", "has no instructions", ""),
        ("", "is empty", ""),
        ("\n\n  \n", "is empty", ""),
    ],
)
def test_buildkit_parse_errors(text: str, message: str, at: str) -> None:
    doc = parse(text)
    (error,) = doc.errors
    assert message in error.message
    assert text[error.span.start : error.span.end] == at


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nCOPY --link a /b\n",
        "FROM alpine\nCOPY --link=false --parents a /b/\n",
        "FROM alpine\nADD --keep-git-dir=1 https://x/y.git /src\n",
        "FROM alpine AS build.stage_1-x\n",
        "FROM alpine AS Build\n",  # upper case is lowered (LW910 says so)
        'FROM alpine\nSHELL ["/bin/sh", "-c"]\n',
    ],
)
def test_what_buildkit_accepts(text: str) -> None:
    assert parse(text).errors == ()
