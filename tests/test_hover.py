"""Hover content for each kind of token (services/hover.py, services/variables.py)."""

from __future__ import annotations

from layerwise.analysis.engine import lint_text
from layerwise.analysis.rules import rule_by_code
from layerwise.services.hover import Hover, hover, render
from layerwise.syntax.parser import parse

CURSOR = "‸"


def at(marked: str, findings: bool = False) -> tuple[Hover | None, str, str]:
    """Hover at the cursor mark: (result, hovered text, Markdown)."""
    offset = marked.index(CURSOR)
    text = marked.replace(CURSOR, "")
    if findings:
        result = lint_text(text)
        found = hover(result.doc, offset, result.findings)
    else:
        found = hover(parse(text), offset)
    if found is None:
        return None, "", ""
    return found, text[found.span.start : found.span.end], render(found, markdown=True)


def shown(marked: str) -> str:
    found, _, markdown = at(marked)
    assert found is not None, marked
    return markdown


# -- keywords and flags -------------------------------------------------------------------------


def test_keyword_shows_description_and_every_syntax_form():
    found, token, markdown = at("FROM alpine\nco‸py --from=a /x /y\n")
    assert token == "copy"
    assert "COPY [--from=<stage|image|context>]" in markdown
    assert '["<src>", ..., "<dest>"]' in markdown  # the JSON form too
    assert "https://docs.docker.com/reference/dockerfile/#copy" in markdown


def test_flag_name_and_value():
    _, token, markdown = at("FROM alpine\nCOPY --ch‸own=app:app a /b\n")
    assert token == "--chown"
    assert "COPY --chown=" in markdown and "root" in markdown
    _, token, markdown = at("FROM alpine\nRUN --network=no‸ne make\n")
    assert token == "none"
    assert "no network" in markdown
    _, _, markdown = at("FROM alpine\nCOPY --che‸cksum=x a /b\n")
    assert "no flag" in markdown and "--from" in markdown


def test_mount_keys_and_types():
    base = "FROM alpine\nRUN --mount=type=cache,target=/root/.cache,sharing=locked,size=1g make\n"
    _, token, markdown = at(base.replace("type=cache", "type=ca‸che"))
    assert token == "cache" and "kept between builds" in markdown and "sharing" in markdown
    _, token, markdown = at(base.replace("sharing=", "sha‸ring="))
    assert token == "sharing" and "waits" in markdown
    _, token, markdown = at(base.replace("size=", "si‸ze="))
    assert token == "size" and "no effect on a `type=cache` mount" in markdown
    _, token, markdown = at("FROM alpine\nRUN --mount=type=bind,sr‸c=x,target=/x ls\n")
    assert token == "src" and "Also written `src`" in markdown


# -- directives, check settings and ignore comments ----------------------------------------------


def test_parser_directives():
    text = "# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=StageNameCasing,Nope;error=true\nFROM alpine\n"
    _, token, markdown = at(text.replace("syntax=docker", "syntax=dock‸er"))
    assert token == "docker/dockerfile:1" and "newest 1.x" in markdown
    _, token, markdown = at(text.replace("# escape", "# esc‸ape"))
    assert token == "escape" and "Windows" in markdown
    _, token, markdown = at(text.replace("skip=", "sk‸ip="))
    assert token == "skip" and "Build checks not to run" in markdown
    _, token, markdown = at(text.replace("StageName", "Stage‸Name"))
    assert token == "StageNameCasing" and "LW910" in markdown
    _, token, markdown = at(text.replace("Nope", "No‸pe"))
    assert token == "Nope" and "not a BuildKit build check" in markdown


def test_check_comment_above_an_instruction():
    text = "FROM alpine\n# check=skip=JSONArgs‸Recommended\nCMD echo hi\n"
    _, token, markdown = at(text)
    assert token == "JSONArgsRecommended"
    rule = rule_by_code("LW801")
    assert rule is not None and rule.url in markdown


def test_ignore_comment_codes_link_to_the_rule():
    _, token, markdown = at("FROM alpine\n# layerwise: ignore=LW‸701\nADD a /b\n")
    rule = rule_by_code("LW701")
    assert rule is not None
    assert token == "LW701" and rule.summary in markdown and f"]({rule.url})" in markdown
    _, token, markdown = at("FROM alpine\n# hadolint ignore=DL3008,DL30‸20\nADD a /b\n")
    assert token == "DL3020" and "LW701" in markdown and "covers `DL3020`" in markdown
    _, _, markdown = at("FROM alpine\n# hadolint ignore=XX‸99\nADD a /b\n")
    assert "no layerwise rule" in markdown
    _, _, markdown = at("FROM alpine\n# had‸olint global ignore=DL3020\nADD a /b\n")
    assert "the whole file" in markdown


# -- variables -------------------------------------------------------------------------------------


def test_global_arg_in_from_and_hidden_in_the_stage():
    text = "ARG BASE=alpine:3.20\nFROM ${BASE}\nRUN echo $BASE\n"
    _, token, markdown = at(text.replace("${BA", "${BA‸"))
    assert token == "${BASE}"
    assert "`alpine:3.20`" in markdown and "global ARG on line 1" in markdown
    markdown = shown(text.replace("echo $BASE", "echo $BA‸SE"))
    assert "visible only to FROM" in markdown and "ARG BASE" in markdown


def test_redeclared_global_arg_takes_its_default():
    text = "ARG V=1.2\nFROM alpine\nARG V\nRUN echo $V‸\n"
    markdown = shown(text)
    assert "`1.2`" in markdown and "ARG on line 3" in markdown
    assert "global ARG on line 1" in markdown


def test_arg_without_default_is_empty_unless_passed():
    markdown = shown("FROM alpine\nARG TOKEN\nRUN echo $TOK‸EN\n")
    assert "--build-arg" in markdown


def test_env_is_inherited_through_from_but_arg_is_not():
    text = "FROM alpine AS base\nARG A=1\nENV E=$A/x\nFROM base\nRUN echo $E $A\n"
    markdown = shown(text.replace("$E", "$E‸"))
    assert "`1/x`" in markdown and "stage base (inherited through FROM)" in markdown
    assert "line 3" in markdown
    markdown = shown(text.replace("$A\n", "$A‸\n"))
    assert "Not set in this Dockerfile" in markdown


def test_env_wins_over_arg_of_the_same_name():
    text = "FROM alpine\nENV X=env\nARG X=arg\nRUN echo $X‸\n"
    assert "`env`" in shown(text)
    _, _, markdown = at(text.replace("ARG X", "ARG X‸"))
    assert "No effect" in markdown and "line 2" in markdown


def test_platform_args():
    markdown = shown("FROM --platform=$BUILD‸PLATFORM alpine\n")
    assert "Predefined by BuildKit" in markdown
    markdown = shown("FROM alpine\nRUN echo $TARGET‸ARCH\n")
    assert "not declared in this stage" in markdown and "ARG TARGETARCH" in markdown
    markdown = shown("FROM alpine\nARG TARGETARCH\nRUN echo $TARGET‸ARCH\n")
    assert "set by BuildKit for each build" in markdown


def test_default_expressions_and_runtime_instructions():
    markdown = shown("FROM alpine\nRUN echo ${MISS‸ING:-fallback}\n")
    assert "`fallback`" in markdown
    markdown = shown("FROM alpine\nARG PORT=80\nCMD serve --port $PO‸RT\n")
    assert "an ARG is not there" in markdown
    markdown = shown('FROM alpine\nENV H=/h\nCMD ["ls", "$H‸"]\n')
    assert "Not expanded" in markdown


def test_quoted_and_escaped_references_are_literal():
    assert at("FROM alpine\nENV X=1\nRUN echo '$X‸'\n")[0] is None
    assert at("FROM alpine\nENV X=1\nRUN echo \\$X‸\n")[0] is None


def test_heredoc_bodies():
    text = "FROM alpine\nENV GREETING=hi\nRUN <<EOF\necho $GREE‸TING\nEOF\n"
    _, token, markdown = at(text)
    assert token == "$GREETING" and "`hi`" in markdown
    quoted = "FROM alpine\nENV G=hi\nCOPY <<'EOF' /x\n$G‸\nEOF\n"
    assert at(quoted)[0] is None


def test_backtick_escape_crlf_and_tabs():
    text = "# escape=`\r\nFROM alpine\r\nENV APP=/srv `\r\n\tOTHER=2\r\nRUN echo `\r\n\t$OTH‸ER\r\n"
    _, token, markdown = at(text)
    assert token == "$OTHER" and "`2`" in markdown and "line 4" in markdown


def test_declaration_keys():
    _, token, markdown = at("ARG G=1\nFROM alpine\nARG G‸\n")
    assert token == "G" and "global ARG on line 1" in markdown and "`1`" in markdown


# -- images and stages -------------------------------------------------------------------------------


def test_base_images_from_the_offline_table():
    markdown = shown("FROM no‸de:20\n")
    assert "apt-get" in markdown and "Non-root users: node" in markdown
    assert "python:3.12-slim" in shown("FROM pyt‸hon:3.12\n")
    markdown = shown("FROM gcr.io/distro‸less/static-debian12\n")
    assert "No /bin/sh" in markdown and "nonroot" in markdown
    assert "empty image" in shown("FROM scr‸atch\n")
    assert "Nothing is known" in shown("FROM example.com/te‸am/app:1\n")
    markdown = shown("ARG V=3.20\nFROM alp‸ine:$V\n")
    assert "`alpine:3.20`" in markdown and "apk" in markdown


def test_stage_names():
    text = "FROM golang:1.23 AS build\nRUN go build\nFROM alpine\nCOPY --from=bu‸ild /out /out\n"
    _, token, markdown = at(text)
    assert token == "build"
    assert (
        "Stage build" in markdown and "line 1" in markdown and "COPY --from on line 4" in markdown
    )
    _, token, markdown = at(text.replace("AS build", "AS bu‸ild"))
    assert token == "build" and "Used by COPY --from" in markdown
    markdown = shown("FROM alpine AS base\nFROM ba‸se\n")
    assert "Stage base" in markdown and "FROM on line 2" in markdown


# -- findings ----------------------------------------------------------------------------------------


def test_findings_under_the_cursor_add_their_rule():
    found, token, markdown = at("FROM ubuntu:24.04\nA‸DD app.txt /app/\n", findings=True)
    rule = rule_by_code("LW701")
    assert rule is not None and found is not None
    assert token == "ADD"
    assert "**ADD**" in markdown  # the keyword's own documentation first
    assert "LW701 add-instead-of-copy" in markdown and f"]({rule.url})" in markdown
    # Outside every token, the finding alone; its range is the hover's.
    found, token, markdown = at("FROM ubuntu:24.04\nCMD ‸echo hi\n", findings=True)
    assert found is not None and "LW801" in markdown


def test_plain_text_rendering_has_no_markdown():
    found, _, _ = at("FROM alpine\nRUN --network=no‸ne make\n")
    assert found is not None
    plain = render(found, markdown=False)
    assert "`" not in plain and "**" not in plain and "no network" in plain


def test_nothing_to_say():
    assert at("FROM alpine\nRUN make ‸install\n")[0] is None
    assert at("FROM alpine\n# just a ‸note\nRUN make\n")[0] is None
