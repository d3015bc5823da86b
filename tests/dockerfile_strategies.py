"""Hypothesis strategies for untidy Dockerfiles: odd spacing and case, continuations with
comment and blank lines, heredocs, exec form, both escape characters and line endings,
tabs and characters outside the Basic Multilingual Plane."""

from __future__ import annotations

from hypothesis import strategies as st

_SPACE = st.sampled_from([" ", "  ", "\t", " \t "])
_WORDS = [
    "echo", "a", "'quoted  text'", '"double  $X"', "$HOME", "${A:-b}", "&&", "||", "|", ";",
    "x\\ y", "😀", "-y", "--opt=1", "2>&1", "> /tmp/f", "$(id -u)", "(cd /x)", "'😀 é'", "#not",
]  # fmt: skip
_FLAGS = ["--mount=type=cache,target=/root/.cache", '--network="none"', "--link", "--chmod=755"]


@st.composite
def _heredoc(draw: st.DrawFn, keyword: str, newline: str) -> str:
    name = draw(st.sampled_from(["EOF", "END", "x"]))
    dash = draw(st.sampled_from(["", "-"]))
    quote = draw(st.sampled_from(["", "'", '"']))
    body = draw(
        st.lists(
            st.sampled_from(["echo hi  ", "\tindented", "", "x=1 && y", "# not a comment", "😀"]),
            max_size=3,
        )
    )
    head = f"{keyword} <<{dash}{quote}{name}{quote}"
    if keyword != "RUN":
        head += " /dst"
    elif draw(st.booleans()):
        head = f"RUN cat <<{dash}{quote}{name}{quote} > /x"
    return newline.join([head, *body, ("\t" if dash else "") + name])


@st.composite
def instruction(draw: st.DrawFn, escape: str, newline: str) -> str:
    kind = draw(st.integers(0, 10))
    space = draw(_SPACE)
    if kind == 0:
        return draw(_heredoc(draw(st.sampled_from(["RUN", "COPY"])), newline))
    if kind == 1:
        items = draw(st.lists(st.sampled_from(["sh", "-c", "echo  hi", "a b", "😀"]), max_size=4))
        keyword = draw(st.sampled_from(["CMD", "ENTRYPOINT", "RUN", "cmd"]))
        sep = draw(st.sampled_from([", ", ",  ", ","]))
        return f"{keyword}{space}[" + sep.join(f'"{item}"' for item in items) + "]"
    if kind == 2:
        pairs = draw(
            st.lists(
                st.sampled_from(["A=1", 'B="two  words"', "C=${A}", "D=''", "E=😀"]),
                min_size=1,
                max_size=3,
            )
        )
        keyword = draw(st.sampled_from(["ENV", "LABEL", "ARG", "env"]))
        joiner = draw(st.sampled_from([" ", "  ", f" {escape}{newline}  "]))
        return keyword + space + joiner.join(pairs)
    if kind == 3:
        keyword = draw(st.sampled_from(["ENV", "WORKDIR", "USER", "MAINTAINER"]))
        return f"{keyword}{space}name   value  with 😀"
    if kind == 4:
        return draw(
            st.sampled_from(
                [
                    "FROM   alpine:3.20   as   base",
                    "from alpine",
                    "HEALTHCHECK  --interval=5s   cmd  curl -f http://x || exit 1",
                    "EXPOSE 80/tcp   443",
                    "ONBUILD   run  echo  hi",
                    "STOPSIGNAL SIGTERM",
                    'SHELL ["/bin/sh", "-c"]',
                ]
            )
        )
    keyword = draw(st.sampled_from(["RUN", "run", "CMD", "COPY", "ADD", "VOLUME", "  RUN"]))
    flags = draw(st.lists(st.sampled_from(_FLAGS), max_size=2)) if "RUN" in keyword else []
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=7))
    parts = [keyword, *flags]
    for word in words:
        parts.append(word)
        if draw(st.integers(0, 4)) == 0:  # a continuation, sometimes with a comment or blank line
            before = draw(st.sampled_from(["", " ", "   "]))
            extra = draw(st.sampled_from(["", "  # inside", "   ", f"  {escape}"]))
            indent = draw(st.sampled_from(["", " ", "    ", "\t", "        "]))
            parts.append(before + escape + newline + (extra + newline if extra else "") + indent)
        else:
            parts.append(draw(_SPACE))
    return "".join(parts) + draw(st.sampled_from(["", " ", "\t "]))


@st.composite
def dockerfiles(draw: st.DrawFn) -> str:
    escape = draw(st.sampled_from(["\\", "`"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["# escape=`"] if escape == "`" else []
    lines.append(draw(st.sampled_from(["FROM alpine:3.22 AS base", "FROM  debian  as b"])))
    for _ in range(draw(st.integers(1, 6))):
        lines.append(draw(instruction(escape, newline)))
        if draw(st.integers(0, 3)) == 0:
            lines.append(draw(st.sampled_from(["", "# comment  ", "   ", "", "\t# 😀"])))
    return newline.join(lines) + draw(st.sampled_from([newline, "", newline * 3]))
