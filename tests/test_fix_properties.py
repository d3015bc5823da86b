"""Fix-all never breaks a Dockerfile: properties over generated Dockerfiles.

Generated files mix the instructions fixes touch (package managers, ADD, CMD,
legacy ENV, MAINTAINER, consecutive RUNs) with continuations, heredocs, comments,
tabs, CRLF line endings and the backtick escape.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layerwise.analysis import LintOptions, fix_text, lint_text
from layerwise.syntax import parse

BASES = ["debian:12", "ubuntu", "node:20", "python:3.12-slim", "alpine:latest", "scratch", "$BASE"]
RUNS = [
    "apt-get update",
    "apt-get install curl",
    "apt-get update && apt-get install -y git",
    "apk add curl",
    "pip install flask",
    "npm install",
    "yum install httpd",
    "dnf install -y nginx",
    "rm -rf /var/lib/apt/lists/*",
    "mkdir -p /app",
    "cd /app && make",
    "curl -fsSL https://example.com/x.sh | sh",
    "echo hi > /x; echo done",
    "wget https://example.com/a.tgz",
    "chmod 777 /data",
    "sudo make install",
]
OTHERS = [
    "ADD . /app",
    "ADD app.tar.gz /opt/",
    "COPY . .",
    "COPY a b c",
    "CMD node server.js",
    "ENTRYPOINT python app.py",
    "ENV LANG C.UTF-8",
    "ENV A=1 B=2",
    "LABEL description some words",
    "MAINTAINER Jo <jo@example.com>",
    "WORKDIR app",
    "EXPOSE 80/TCP",
    "USER root",
    "ARG NPM_TOKEN",
    "# a comment",
    "",
]


@st.composite
def dockerfiles(draw: st.DrawFn) -> str:
    escape = draw(st.sampled_from(["\\", "`"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines: list[str] = []
    if escape == "`":
        lines.append("# escape=`")
    if draw(st.booleans()):
        lines.append("ARG BASE=debian:12")
    for index in range(draw(st.integers(1, 3))):
        base = draw(st.sampled_from(BASES))
        lines.append(f"FROM {base}" + (f" AS stage{index}" if draw(st.booleans()) else ""))
        for _ in range(draw(st.integers(0, 7))):
            kind = draw(st.integers(0, 9))
            if kind <= 4:
                command = draw(st.sampled_from(RUNS))
                if draw(st.booleans()):
                    second = draw(st.sampled_from(RUNS))
                    indent = draw(st.sampled_from(["    ", "\t", "  "]))
                    command = f"{command} {escape}{newline}{indent}&& {second}"
                lines.append(f"RUN {command}")
            elif kind == 5:
                body = draw(st.sampled_from(RUNS))
                lines.append(f"RUN <<EOF{newline}{body}{newline}EOF")
            else:
                lines.append(draw(st.sampled_from(OTHERS)))
    return newline.join(lines) + newline


def _bases(text: str) -> list[str | None]:
    return [s.base.value if s.base else None for s in parse(text).stages]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles(), st.booleans())
def test_fix_all_keeps_files_valid(text: str, unsafe: bool) -> None:
    before = parse(text)
    result = fix_text(text, unsafe=unsafe)
    after = parse(result.text)
    assert len(after.errors) <= len(before.errors), (text, result.text, after.errors)
    assert _bases(result.text) == _bases(text)
    assert len(after.stages) == len(before.stages)
    # Idempotent: a second fix-all changes nothing.
    assert fix_text(result.text, unsafe=unsafe).text == result.text, (text, result.text)
    # Line endings survive: a CRLF file stays CRLF.
    if "\r\n" in text:
        assert "\n" not in result.text.replace("\r\n", ""), repr(result.text)
    # Heredoc bodies no fix targets are untouched, and comments are kept.
    for comment in before.comments:
        assert f"# {comment.text}" in result.text or comment.text in result.text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles())
def test_no_safe_fix_left_after_fix_all(text: str) -> None:
    result = fix_text(text)
    remaining = [
        f.code
        for f in lint_text(result.text, options=LintOptions()).findings
        if f.fix is not None and f.fix.safe
    ]
    assert remaining == [], (text, result.text, remaining)
