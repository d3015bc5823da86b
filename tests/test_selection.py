"""Selection ranges (layerwise.services.selection): nested spans around a cursor."""

from __future__ import annotations

from layerwise.services.selection import selection_chain
from layerwise.syntax.parser import parse


def chain(text: str, needle: str, delta: int = 1, occurrence: int = 0) -> list[str]:
    """The selected texts around the cursor placed ``delta`` characters into ``needle``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    spans = selection_chain(parse(text), start + delta)
    for inner, outer in zip(spans, spans[1:], strict=False):
        assert outer.start <= inner.start and inner.end <= outer.end and inner != outer
    assert spans[-1] == (0, len(text))
    return [text[s.start : s.end] for s in spans]


def test_run_word_to_command_instruction_stage_file():
    text = "FROM a AS b\nRUN apt-get update && \\\n    apt-get install -y curl\nUSER app\n"
    result = chain(text, "install")
    assert result == [
        "install",
        "apt-get install -y curl",
        "RUN apt-get update && \\\n    apt-get install -y curl",
        text.rstrip("\n"),
        text,
    ]


def test_flag_value_item_then_flag():
    text = "FROM a\nRUN --mount=type=cache,target=/root/.cache pip install x\n"
    result = chain(text, "root")
    assert result[:5] == [
        "root",
        "/root/.cache",
        "target=/root/.cache",
        "type=cache,target=/root/.cache",
        "--mount=type=cache,target=/root/.cache",
    ]
    assert result[5].startswith("RUN --mount")


def test_copy_from_flag_and_arguments():
    text = "FROM a AS build\nFROM b\nCOPY --from=build /src/app /app\n"
    assert chain(text, "build /src", 2)[:3] == ["build", "--from=build", text.splitlines()[2]]
    assert chain(text, "/src/app", 2)[:2] == ["src", "/src/app"]


def test_exec_form_argument_inside_and_with_its_quotes():
    text = 'FROM a\nCMD ["python", "-m", "http.server"]\n'
    result = chain(text, "http.server", 2)
    assert result[:4] == [
        "http.server",
        '"http.server"',
        '["python", "-m", "http.server"]',
        text.splitlines()[1],
    ]


def test_key_value_pair_of_env():
    text = "FROM a\nENV PATH=/opt/bin:$PATH LANG=C.UTF-8\n"
    assert chain(text, "UTF", 1)[:3] == ["C.UTF-8", "LANG=C.UTF-8", text.splitlines()[1]]


def test_heredoc_body():
    text = "FROM a\nRUN <<EOF\nset -e\necho hello\nEOF\n"
    result = chain(text, "hello", 1)
    assert result[0] == "hello"
    assert "set -e\necho hello" in result
    assert "RUN <<EOF\nset -e\necho hello\nEOF" in result


def test_comment_and_pragma_code():
    text = "FROM a\n# layerwise: ignore=LW601,LW604\nRUN x\n"
    assert chain(text, "LW604", 1)[:2] == ["LW604", "# layerwise: ignore=LW601,LW604"]


def test_keyword():
    text = "FROM a\nWORKDIR /srv\n"
    assert chain(text, "WORKDIR", 2)[:2] == ["WORKDIR", "WORKDIR /srv"]


def test_crlf_words_stop_before_the_line_end():
    text = "FROM a\r\nRUN make \\\r\n  install\r\n"
    result = chain(text, "install", 7)  # cursor at the end of the word
    assert result[0] == "install"
    assert "RUN make \\\r\n  install" in result


def test_tabs_and_backtick_escape():
    text = "# escape=`\nFROM a\nRUN\tWrite-Host `\n\tdone\n"
    result = chain(text, "done", 1)
    assert result[0] == "done"
    assert "RUN\tWrite-Host `\n\tdone" in result


def test_blank_line_gives_the_stage_then_the_file():
    text = "FROM a\nRUN x\n\nRUN y\n"
    assert chain(text, "\n\n", 1) == ["FROM a\nRUN x\n\nRUN y", text]


def test_global_arg_outside_every_stage():
    text = "ARG V=1\nFROM a:${V}\n"
    assert chain(text, "V=1", 0) == ["V", "V=1", "ARG V=1", text]


def test_empty_document():
    assert selection_chain(parse(""), 0) == [(0, 0)]
