"""split_shell: commands, words and redirections of POSIX shell lines, with exact spans."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layerwise.syntax import ShellCommand, ShellScript, Span, split_shell
from layerwise.syntax import shell as shell_module
from layerwise.syntax.shell import SpanMapper


def sl(text: str, span: Span) -> str:
    return text[span.start : span.end]


def programs(script: ShellScript) -> list[str | None]:
    return [c.program for c in script.commands]


def values(command: ShellCommand) -> list[str]:
    return [w.value for w in command.words]


def raw_slices(text: str, command: ShellCommand) -> list[str]:
    """Each word's span sliced from the text; must equal its raw form."""
    slices = [sl(text, w.span) for w in command.words]
    assert slices == [w.raw for w in command.words]
    return slices


# -- operators -------------------------------------------------------------------------


def test_and_or_semicolon_pipe_background() -> None:
    text = "a 1 && b 2 || c ; d | e & f"
    script = split_shell(text)
    assert programs(script) == ["a", "b", "c", "d", "e", "f"]
    assert [c.separator for c in script.commands] == ["&&", "||", ";", "|", "&", None]
    assert [c.preceded_by for c in script.commands] == [None, "&&", "||", ";", "|", "&"]
    assert [sl(text, c.span) for c in script.commands] == ["a 1", "b 2", "c", "d", "e", "f"]
    assert script.error is None


def test_operators_without_spaces() -> None:
    text = "a&&b||c;d|e"
    script = split_shell(text)
    assert programs(script) == ["a", "b", "c", "d", "e"]
    assert [sl(text, c.span) for c in script.commands] == ["a", "b", "c", "d", "e"]


def test_parentheses_split_commands() -> None:
    text = "(cd /src && make) | tee build.log"
    script = split_shell(text)
    assert programs(script) == ["cd", "make", "tee"]
    assert [c.separator for c in script.commands] == ["&&", ")", None]
    assert script.commands[0].preceded_by == "("
    assert [sl(text, c.span) for c in script.commands] == ["cd /src", "make", "tee build.log"]


def test_newlines_separate_commands() -> None:
    text = "apt-get update\napt-get install -y curl\r\necho done"
    script = split_shell(text)
    assert programs(script) == ["apt-get", "apt-get", "echo"]
    assert script.commands[0].separator == "\n"
    assert sl(text, script.commands[1].span) == "apt-get install -y curl"
    assert [sl(text, w.span) for w in script.commands[1].words] == [
        "apt-get",
        "install",
        "-y",
        "curl",
    ]


def test_blank_lines_do_not_change_preceded_by() -> None:
    script = split_shell("a &&\n\nb")
    assert programs(script) == ["a", "b"]
    assert script.commands[1].preceded_by == "&&"


def test_empty_script() -> None:
    script = split_shell("")
    assert script.commands == ()
    assert script.comments == ()
    assert script.error is None
    assert split_shell("   \t ").commands == ()


# -- words, quotes, escapes ------------------------------------------------------------


def test_quotes_and_escapes() -> None:
    text = "echo 'a b' \"c $d e\" f\\ g \"x\\\"y\" 'it'\\''s'"
    script = split_shell(text)
    assert len(script.commands) == 1
    command = script.commands[0]
    assert values(command) == ["echo", "a b", "c $d e", "f g", 'x"y', "it's"]
    assert raw_slices(text, command) == [
        "echo",
        "'a b'",
        '"c $d e"',
        "f\\ g",
        '"x\\"y"',
        "'it'\\''s'",
    ]


def test_operators_inside_quotes_do_not_split() -> None:
    text = "sh -c 'a && b; c | d' \"e || f\""
    script = split_shell(text)
    assert programs(script) == ["sh"]
    assert [w.value for w in script.commands[0].arguments] == ["-c", "a && b; c | d", "e || f"]


def test_double_quote_escapes_only_special_characters() -> None:
    script = split_shell('echo "a\\nb \\$x \\\\ \\`"')
    assert script.commands[0].words[1].value == "a\\nb $x \\ `"


def test_escaped_operator_is_part_of_the_word() -> None:
    text = "find . -exec rm {} \\; && echo ok"
    script = split_shell(text)
    assert programs(script) == ["find", "echo"]
    find = script.commands[0]
    assert values(find)[-1] == ";"
    assert sl(text, find.words[-1].span) == "\\;"


def test_line_continuation_inside_the_script() -> None:
    text = "apt-get install \\\n  curl \\\r\n  git"
    script = split_shell(text)
    assert programs(script) == ["apt-get"]
    assert [sl(text, w.span) for w in script.commands[0].words] == [
        "apt-get",
        "install",
        "curl",
        "git",
    ]


def test_continuation_inside_a_word_joins_it() -> None:
    text = "echo ab\\\ncd"
    word = split_shell(text).commands[0].words[1]
    assert word.value == "abcd"
    assert sl(text, word.span) == "ab\\\ncd"


def test_command_substitution_is_not_split() -> None:
    text = "echo $(date +%s && echo ')' ) `uname -a; id` ${A:-b c} $((1 + 2)) done"
    script = split_shell(text)
    assert programs(script) == ["echo"]
    command = script.commands[0]
    assert raw_slices(text, command) == [
        "echo",
        "$(date +%s && echo ')' )",
        "`uname -a; id`",
        "${A:-b c}",
        "$((1 + 2))",
        "done",
    ]
    assert values(command)[1] == "$(date +%s && echo ')' )"


def test_brace_inside_command_substitution_inside_parameter_expansion() -> None:
    """``${A:-$(echo })}``: the ``}`` belongs to the command substitution.

    bash and dash print ``} x`` for ``echo ${A:-$(echo })} x``: one command, two
    arguments.
    """
    text = "echo ${A:-$(echo })} x"
    script = split_shell(text)
    assert programs(script) == ["echo"]
    assert raw_slices(text, script.commands[0]) == ["echo", "${A:-$(echo })}", "x"]


def test_nested_substitution_inside_double_quotes() -> None:
    text = 'VERSION="$(curl -s "$URL" | jq -r ".v")" && echo "$VERSION"'
    script = split_shell(text)
    assert len(script.commands) == 2
    assert sl(text, script.commands[0].words[0].span) == 'VERSION="$(curl -s "$URL" | jq -r ".v")"'
    assert script.commands[0].program is None  # an assignment only
    assert script.commands[1].program == "echo"


def test_unterminated_quotes_and_substitutions_report_an_error() -> None:
    for text, message in [
        ('echo "open', "double"),
        ("echo 'open", "single"),
        ("echo $(open", "$("),
        ("echo ${open", "${"),
        ("echo `open", "backtick"),
    ]:
        script = split_shell(text)
        assert script.error is not None
        assert message in script.error, (text, script.error)
        assert script.commands[0].program == "echo"
        assert script.commands[0].words[1].span.end == len(text)


# -- comments --------------------------------------------------------------------------


def test_comments() -> None:
    text = "echo hi # trailing && not a command\n# whole line\necho a#b"
    script = split_shell(text)
    assert programs(script) == ["echo", "echo"]
    assert [sl(text, c) for c in script.comments] == [
        "# trailing && not a command",
        "# whole line",
    ]
    assert values(script.commands[1]) == ["echo", "a#b"]


def test_comment_span_excludes_carriage_return() -> None:
    text = "# note\r\necho x"
    script = split_shell(text)
    assert [sl(text, c) for c in script.comments] == ["# note"]
    assert programs(script) == ["echo"]


# -- redirects -------------------------------------------------------------------------


def test_redirects_are_not_words() -> None:
    text = "make 2>&1 >/dev/null < in >> out &> all"
    script = split_shell(text)
    command = script.commands[0]
    assert values(command) == ["make"]
    assert [sl(text, r.span) for r in command.redirects] == [
        "2>&1",
        ">/dev/null",
        "< in",
        ">> out",
        "&> all",
    ]
    assert [r.target.value for r in command.redirects if r.target] == [
        "1",
        "/dev/null",
        "in",
        "out",
        "all",
    ]
    assert [sl(text, r.target.span) for r in command.redirects if r.target] == [
        "1",
        "/dev/null",
        "in",
        "out",
        "all",
    ]
    assert [r.operator for r in command.redirects] == ["2>&", ">", "<", ">>", "&>"]
    assert sl(text, command.span) == text


def test_redirect_before_the_program() -> None:
    text = ">/dev/null 2>&1 curl -fsSL x"
    command = split_shell(text).commands[0]
    assert command.program == "curl"
    assert [sl(text, r.span) for r in command.redirects] == [">/dev/null", "2>&1"]
    assert sl(text, command.span) == text


def test_digits_alone_are_words() -> None:
    command = split_shell("sleep 10 2").commands[0]
    assert values(command) == ["sleep", "10", "2"]
    assert command.redirects == ()


def test_heredoc_body_is_skipped_when_on_following_lines() -> None:
    text = "cat <<EOF > /etc/app.conf\nrm -rf / && body\nEOF\necho after"
    script = split_shell(text)
    assert programs(script) == ["cat", "echo"]
    cat = script.commands[0]
    assert [(r.operator, r.target.value if r.target else None) for r in cat.redirects] == [
        ("<<", "EOF"),
        (">", "/etc/app.conf"),
    ]
    assert sl(text, cat.redirects[0].span) == "<<EOF"
    assert sl(text, script.commands[1].span) == "echo after"


def test_chomped_quoted_heredoc_body_is_skipped() -> None:
    text = "cat <<-'EOF'\n\trm -rf /\n\tEOF\necho after"
    script = split_shell(text)
    assert programs(script) == ["cat", "echo"]
    assert script.commands[0].redirects[0].operator == "<<-"
    assert script.commands[0].redirects[0].target.value == "EOF"  # type: ignore[union-attr]


def test_two_heredocs_on_one_line_are_both_skipped() -> None:
    text = "paste <<A <<B\na1\nA\nb1\nB\nwc -l"
    assert programs(split_shell(text)) == ["paste", "wc"]


def test_herestring_is_not_a_heredoc() -> None:
    text = 'grep x <<< "$v"\necho next'
    script = split_shell(text)
    assert programs(script) == ["grep", "echo"]
    assert script.commands[0].redirects[0].operator == "<<<"


# -- program and arguments -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, program, arguments",
    [
        ("apt-get install -y curl", "apt-get", ["install", "-y", "curl"]),
        ("/usr/bin/apt-get install x", "apt-get", ["install", "x"]),
        ("sudo apt-get install x", "apt-get", ["install", "x"]),
        ("sudo -u root -E pip install x", "pip", ["install", "x"]),
        ("env A=1 B=2 /usr/bin/pip install x", "pip", ["install", "x"]),
        ("DEBIAN_FRONTEND=noninteractive apt-get install -y x", "apt-get", ["install", "-y", "x"]),
        ("A=1 B=2 pip install x", "pip", ["install", "x"]),
        ("nohup nice make -j4", "make", ["-j4"]),
        ("exec nginx -g 'daemon off;'", "nginx", ["-g", "daemon off;"]),
        ("! grep -q x f", "grep", ["-q", "x", "f"]),
        ("time make", "make", []),
        ("sudo", "sudo", []),
        ("X=1", None, []),
        ("fi", None, []),
    ],
)
def test_program_and_arguments(text: str, program: str | None, arguments: list[str]) -> None:
    command = split_shell(text).commands[0]
    assert command.program == program
    assert [w.value for w in command.arguments] == arguments


def test_program_index_points_at_the_word() -> None:
    text = "sudo -u app env X=1 npm ci"
    command = split_shell(text).commands[0]
    index = command.program_index()
    assert index is not None
    assert sl(text, command.words[index].span) == "npm"


def test_if_then_fi() -> None:
    text = "if [ -f /x ]; then apt-get update; else apk update; fi"
    script = split_shell(text)
    assert programs(script) == ["[", "apt-get", "apk", None]
    assert [w.value for w in script.commands[1].arguments] == ["update"]
    assert sl(text, script.commands[1].span) == "then apt-get update"
    assert script.find("apt-get", "apk") == [script.commands[1], script.commands[2]]


def test_while_do_done() -> None:
    script = split_shell("while read l; do echo $l; done < f")
    assert programs(script) == ["read", "echo", None]
    assert script.commands[2].redirects[0].operator == "<"


def test_find_by_program() -> None:
    script = split_shell("apt-get update && sudo apt-get install -y x && pip install y")
    assert len(script.find("apt-get")) == 2
    assert [c.program for c in script.find("pip", "npm")] == ["pip"]
    assert script.find("yum") == []


# -- span mapping ----------------------------------------------------------------------


def test_custom_to_span_maps_every_span() -> None:
    prefix = "RUN --mount=type=cache,target=/c "
    text = "apt-get install -y curl 2>/dev/null # note\ncat <<EOF\nbody\nEOF"
    full = prefix + text
    calls: list[tuple[int, int]] = []

    def to_span(start: int, end: int) -> Span:
        calls.append((start, end))
        return Span(start + len(prefix), end + len(prefix))

    script = split_shell(text, to_span)
    assert calls  # every span went through the mapper
    install = script.commands[0]
    assert [sl(full, w.span) for w in install.words] == ["apt-get", "install", "-y", "curl"]
    assert sl(full, install.redirects[0].span) == "2>/dev/null"
    assert install.redirects[0].target is not None
    assert sl(full, install.redirects[0].target.span) == "/dev/null"
    assert sl(full, install.span) == "apt-get install -y curl 2>/dev/null"
    assert [sl(full, c) for c in script.comments] == ["# note"]
    cat = script.commands[1]
    assert sl(full, cat.redirects[0].span) == "<<EOF"
    assert sl(full, cat.span) == "cat <<EOF"


def test_non_identity_mapping_is_used_as_given() -> None:
    # A mapper that squeezes out a removed continuation, as the parser does.
    source = "echo a \\\n  b"
    logical = "echo a   b"

    def to_span(start: int, end: int) -> Span:
        def at(i: int) -> int:
            return i if i <= 7 else i + 2

        return Span(at(start), at(end - 1) + 1 if end > start else at(start))

    script = split_shell(logical, to_span)
    assert [sl(source, w.span) for w in script.commands[0].words] == ["echo", "a", "b"]


def test_unicode_spans_are_code_points() -> None:
    text = "echo 😀 && curl -o é.txt x"
    script = split_shell(text)
    assert programs(script) == ["echo", "curl"]
    assert [sl(text, w.span) for w in script.commands[1].words] == ["curl", "-o", "é.txt", "x"]


# -- the fast path agrees with the careful scanner -------------------------------------

_SHELL_ALPHABET = "ab1 2\t\n;&|()<>'\"\\$`{}#=-:/*"


def careful_split(text: str, to_span: SpanMapper | None = None) -> ShellScript:
    """``split_shell`` with the one-regex fast path switched off."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shell_module, "_FAST_TOKEN", re.compile(r"(?!)"))
        return split_shell(text, to_span)


@pytest.mark.parametrize(
    "text",
    [
        "echo \"$HOME\" '$x' ${A:-b} $1 $$ \\; a\\ b",
        'printf "%s\\n" "a\\"b" "${X}/bin" "$(id -u)" `date`',
        "x=${Y:-$(pwd)} cmd 2>&1 >/dev/null <in a>b",
        "echo $'tab\\there' \"unterminated",
        "curl -fsSL https://x/v$VERSION/f.tar.gz | tar -xz -C /opt",
        "echo a#b #comment",
    ],
)
def test_fast_path_equals_careful_scanner(text: str) -> None:
    assert split_shell(text) == careful_split(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_SHELL_ALPHABET, max_size=40))
def test_fast_path_equals_careful_scanner_on_generated_text(text: str) -> None:
    assert split_shell(text) == careful_split(text)
