"""Our parser against BuildKit's own (the PyPI package ``dockerfile``, BuildKit's Go parser
as a binary wheel): instruction boundaries, start and end lines, flags, values,
heredocs and ONBUILD triggers, on every corpus file and on generated Dockerfiles."""

from __future__ import annotations

from pathlib import Path

import dockerfile as buildkit
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layerwise.syntax import Instruction, parse


def _value(ins: Instruction) -> tuple[object, ...] | None:
    """Our instruction's value in the shape BuildKit's parser gives it (``None``: not
    comparable, an unknown instruction)."""
    if ins.trigger is not None:
        return ("ONBUILD", ins.trigger.keyword, _value(ins.trigger))
    keyword = ins.keyword
    if ins.exec_args is not None:
        return tuple(t.value for t in ins.exec_args)
    if keyword in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "MAINTAINER"):
        return (ins.args,) if ins.args else ()
    if keyword == "HEALTHCHECK":
        head, _, rest = ins.args.partition(" ")
        return (head, rest.strip()) if rest.strip() else (head,)
    if keyword in ("ENV", "LABEL"):
        out: list[str] = []
        for pair in ins.pairs:
            out += [pair.key.raw, pair.value.raw if pair.value is not None else ""]
        return tuple(out)
    if keyword not in (
        "FROM", "COPY", "ADD", "ARG", "WORKDIR", "USER", "EXPOSE", "VOLUME", "STOPSIGNAL",
    ):  # fmt: skip
        return None
    return tuple(w.raw for w in ins.words)


def _theirs(command: buildkit.Command) -> tuple[object, ...]:
    if command.cmd.upper() == "ONBUILD":
        return ("ONBUILD", (command.sub_cmd or "").upper(), command.value)
    return command.value


def compare(text: str) -> list[str]:
    """Where our parse differs from BuildKit's; ``[]`` when they agree (or BuildKit
    rejects the file and we report a syntax error too)."""
    doc = parse(text)
    try:
        commands = buildkit.parse_string(text)
    except buildkit.GoParseError:
        return [] if doc.errors else ["BuildKit rejects the file, we report no error"]
    ours = doc.instructions
    problems: list[str] = []
    if len(ours) != len(commands):
        return [f"{len(ours)} instructions, BuildKit {len(commands)}"]
    for ins, command in zip(ours, commands, strict=True):
        where = f"line {command.start_line} {command.cmd}"
        if ins.keyword != command.cmd.upper():
            problems.append(f"{where}: keyword {ins.keyword}")
        if (ins.start_line + 1, ins.end_line + 1) != (command.start_line, command.end_line):
            problems.append(f"{where}: lines {ins.start_line + 1}-{ins.end_line + 1}")
        flags = tuple(
            f"--{f.name}" + (f"={f.value}" if f.value is not None else "") for f in ins.flags
        )
        if flags != command.flags:
            problems.append(f"{where}: flags {flags} != {command.flags}")
        value = _value(ins)
        if value is not None and value != _theirs(command):
            problems.append(f"{where}: value {value!r} != {_theirs(command)!r}")
        heredocs = tuple((h.name, h.content) for h in ins.heredocs)
        # Our heredoc content has its line endings normalised to \n (BuildKit keeps CRLF).
        theirs = tuple((h.name, h.content.replace("\r\n", "\n")) for h in command.heredocs)
        if heredocs != theirs:
            problems.append(f"{where}: heredocs {heredocs!r}")
    return problems


def test_agrees_with_buildkit_on_the_corpus(corpus: Path) -> None:
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    disagreements = {}
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        problems = compare(text)
        if problems:
            disagreements[path.name] = problems[:3]
    assert disagreements == {}, disagreements
    assert len(files) > 500


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nRUN echo a \\\n  # a comment inside\n\n  && echo b\n",
        "FROM alpine\nCOPY <<one <<-'two' /dst/\nbody one\none\n\tbody two\n\ttwo\n",
        'FROM alpine\nRUN ["sh", "-c", "echo \\"x\\""]\n',
        "FROM alpine\nRUN [not json\n",
        "FROM alpine\nONBUILD RUN --mount=type=cache,target=/x echo hi\n",
        "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nRUN echo a `\r\n  b\r\n",
        'FROM alpine\nENV A=1 B="two words" C=3\nLABEL "k"="v" x=\'y z\'\n',
        "FROM alpine\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1\n",
        "from alpine as build\nrun echo lower\n",
    ],
)
def test_agrees_with_buildkit_on_edge_cases(text: str) -> None:
    assert compare(text) == []


_FLAGS = ["--mount=type=cache,target=/root/.cache", '--network="none"', "--link", "--chmod=755"]
_WORDS = ["echo", "a", "'quoted text'", '"double $X"', "$HOME", "${A:-b}", "&&", "|", ";", "x\\ y"]
_KEYWORDS = ["RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "WORKDIR", "USER", "EXPOSE", "VOLUME"]


@st.composite
def _instruction(draw: st.DrawFn, escape: str, newline: str) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        name = draw(st.sampled_from(["EOF", "END", "x"]))
        dash = draw(st.sampled_from(["", "-"]))
        quote = draw(st.sampled_from(["", "'", '"']))
        body = draw(st.lists(st.sampled_from(["echo hi", "\tindented", "", "x=1"]), max_size=3))
        lines = [f"RUN <<{dash}{quote}{name}{quote}", *body, ("\t" if dash else "") + name]
        return newline.join(lines)
    if kind == 1:
        items = draw(st.lists(st.sampled_from(["sh", "-c", "echo hi", "a b"]), max_size=4))
        keyword = draw(st.sampled_from(["CMD", "ENTRYPOINT", "RUN"]))
        return f"{keyword} [" + ", ".join(f'"{item}"' for item in items) + "]"
    if kind == 2:
        pairs = draw(
            st.lists(
                st.sampled_from(["A=1", 'B="two words"', "C=${A}", "D=''"]), min_size=1, max_size=3
            )
        )
        return draw(st.sampled_from(["ENV", "LABEL", "ARG"])) + " " + " ".join(pairs)
    keyword = draw(st.sampled_from(_KEYWORDS))
    if draw(st.booleans()):
        keyword = keyword.lower()
    flags = (
        draw(st.lists(st.sampled_from(_FLAGS), max_size=2))
        if keyword.upper() in ("RUN", "COPY")
        else []
    )
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6))
    parts = [keyword, *flags]
    for word in words:
        parts.append(word)
        if draw(st.integers(0, 5)) == 0:  # a continuation, sometimes with a comment or blank line
            extra = draw(st.sampled_from(["", "# inside", "   "]))
            parts.append(escape + newline + (extra + newline if extra else "") + " ")
    return " ".join(parts)


@st.composite
def _dockerfiles(draw: st.DrawFn) -> str:
    escape = draw(st.sampled_from(["\\", "`"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["# escape=`"] if escape == "`" else []
    lines.append("FROM alpine:3.22 AS base")
    for _ in range(draw(st.integers(1, 6))):
        line = draw(_instruction(escape, newline))
        if draw(st.integers(0, 8)) == 0:
            line = "ONBUILD " + line
        lines.append(line)
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(st.sampled_from(["", "# comment", "   "])))
    return newline.join(lines) + newline


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_dockerfiles())
def test_agrees_with_buildkit_on_generated_files(text: str) -> None:
    assert compare(text) == [], text
