"""Signature help: the active form and parameter (services/signature.py)."""

from __future__ import annotations

import pytest

from layerwise.services.signature import signature_help
from layerwise.syntax.parser import parse

CURSOR = "‸"


def active(marked: str) -> tuple[str, str | None] | None:
    """(active form kind, active parameter label) at the cursor mark."""
    offset = marked.index(CURSOR)
    found = signature_help(parse(marked.replace(CURSOR, "")), offset)
    if found is None:
        return None
    signature = found.signatures[found.active_signature]
    index = found.active_parameter
    return signature.form.kind, signature.parameters[index].label if index is not None else None


@pytest.mark.parametrize(
    ("marked", "kind", "parameter"),
    [
        ("COPY ‸", "plain", "<src>..."),
        ("COPY --fr‸", "plain", "[--from=<stage|image|context>]"),
        ("COPY --from=‸", "plain", "[--from=<stage|image|context>]"),
        ("COPY --from=a --ch‸own=x src dst", "plain", "[--chown=<user>[:<group>]]"),
        ("COPY a ‸", "plain", "<dest>"),
        ("COPY a b‸", "plain", "<dest>"),
        ("COPY a ‸ b", "plain", "<src>..."),
        ("COPY a‸ b", "plain", "<src>..."),
        ('COPY ["a"‸, "b"]', "exec", '"<src>", ...'),
        ('COPY ["a", "b"‸]', "exec", '"<dest>"'),
        ("COPY <<EOF /x‸\nhi\nEOF\n", "heredoc", "<dest>"),
        ("CMD [‸", "exec", '"<executable>"'),
        ('CMD ["x", ‸', "exec", '"<param>", ...'),
        ('CMD ["a, b", ‸', "exec", '"<param>", ...'),
        ("CMD echo ‸", "shell", "<command>"),
        ("RUN --mount=type=cache,‸", "shell", "[--mount=type=<type>[,<key>=<value>...]]"),
        ("RUN --network=none ‸", "shell", "<command>"),
        ("RUN <<EOF‸\necho\nEOF\n", "heredoc", "<<EOF"),
        ("FROM ‸", "plain", "<image>[:<tag>|@<digest>]"),
        ("FROM alpine AS ‸", "plain", "[AS <name>]"),
        ("HEALTHCHECK --interval=3s CMD ‸", "shell", "<command>"),
        ("HEALTHCHECK --retr‸", "shell", "[--retries=<n>]"),
        ('HEALTHCHECK CMD ["a", ‸', "exec", '"<param>", ...'),
        ("HEALTHCHECK NONE ‸", "none", "NONE"),
        ("ENV A B‸", "legacy", "<value>"),
        ("ENV A=1 ‸", "pairs", "[<key>=<value>...]"),
        ("label ‸", "pairs", "<key>=<value>"),
        ("ARG ‸", "pairs", "<name>[=<default>]"),
        ("EXPOSE 80 ‸", "plain", "[<port>[/<protocol>]...]"),
        ('SHELL ["sh", ‸', "exec", '"<param>", ...'),
        ('VOLUME ["/a", ‸', "exec", '"<path>", ...'),
        ("ONBUILD ‸", "plain", "<instruction>"),
        ("ONBUILD COPY a ‸", "plain", "<dest>"),
    ],
)
def test_active_form_and_parameter(marked: str, kind: str, parameter: str):
    assert active("FROM alpine\n" + marked if not marked.startswith("FROM") else marked) == (
        kind,
        parameter,
    )


@pytest.mark.parametrize(
    "marked",
    [
        "COP‸",  # still typing the keyword
        "FROM alpine\nRUN <<EOF\nec‸ho\nEOF\n",  # a heredoc body is text
        "FROM alpine\n# COPY ‸\n",
        "FROM alpine\n\n‸\n",
        "FROM alpine\nFOO ‸",  # not an instruction
    ],
)
def test_no_help(marked: str):
    assert active(marked) is None


def test_continuation_lines_with_backtick_escape_and_crlf():
    text = "# escape=`\r\nFROM alpine\r\nCOPY --chown=app `\r\n\tsrc/ `\r\n\t‸"
    assert active(text) == ("plain", "<dest>")


def test_every_form_is_offered():
    found = signature_help(parse("FROM alpine\nRUN ‸".replace(CURSOR, "")), 16)
    assert found is not None
    assert [s.form.kind for s in found.signatures] == ["shell", "exec", "heredoc"]
