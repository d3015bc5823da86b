"""Value inlay hints (layerwise.services.inlay): variables with a statically known value."""

from __future__ import annotations

from layerwise.services.inlay import MAX_LENGTH, value_hints
from layerwise.syntax.parser import parse


def hints(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, str]]:
    """(the text just before the hint, the label) per hint."""
    found = value_hints(parse(text), start, end)
    return [(text[: h.offset].split()[-1], h.label) for h in found]


def test_from_with_a_global_arg_default():
    text = "ARG BASE=python:3.12-slim\nFROM ${BASE}\n"
    assert hints(text) == [("${BASE}", ": python:3.12-slim")]


def test_from_with_several_variables_and_defaults():
    text = "ARG PY=3.12\nFROM python:${PY}-${FLAVOUR:-slim} AS app\n"
    assert hints(text) == [("python:${PY}-${FLAVOUR:-slim}", ": python:3.12-slim")]
    # Declared without a default: the build may set it, so the value is not known.
    assert hints(text.replace("FROM", "ARG FLAVOUR\nFROM")) == []


def test_no_hint_without_a_known_value():
    text = (
        "ARG BASE\n"  # no default: given at build time
        "FROM ${BASE}\n"
        "FROM --platform=$BUILDPLATFORM golang AS build\n"  # depends on the build
        "ARG TARGETARCH\n"
        "ENV ARCH=$TARGETARCH\n"
        "WORKDIR $HOME\n"  # from the base image, unknown here
        "FROM alpine\n"
        "RUN echo $PATH\n"
    )
    assert hints(text) == []


def test_stage_scoping_follows_buildkit():
    text = (
        "ARG VERSION=1.2\n"
        "FROM alpine AS one\n"
        "WORKDIR /v$VERSION\n"  # a global ARG is not visible in a stage until redeclared
        "ARG VERSION\n"
        "WORKDIR /v$VERSION\n"
        "ENV APP_HOME=/srv/app\n"
        "FROM one\n"
        "WORKDIR $APP_HOME\n"  # ENV is inherited from the stage it builds on
        "USER ${VERSION:-nobody}\n"  # ARG is not inherited
    )
    assert hints(text) == [
        ("/v$VERSION", ": /v1.2"),
        ("$APP_HOME", ": /srv/app"),
        ("${VERSION:-nobody}", ": nobody"),
    ]


def test_copy_from_flag_and_sources():
    text = (
        "FROM alpine AS builder\n"
        "FROM alpine\n"
        "ARG STAGE=builder\n"
        "ARG DEST=/opt/app\n"
        "COPY --from=$STAGE /out/app ${DEST}/bin/\n"
    )
    assert hints(text) == [("--from=$STAGE", ": builder"), ("${DEST}/bin/", ": /opt/app/bin/")]


def test_env_values_use_the_environment_before_the_instruction():
    text = "FROM a\nENV A=one\nENV A=two B=$A\n"
    assert hints(text) == [("B=$A", ": one")]


def test_escaped_dollar_and_single_quotes_are_literal():
    text = "FROM a\nARG X=1\nLABEL a=\\$X b='$X' c=\"$X\"\nWORKDIR /a/\\$X/$X\n"
    assert hints(text) == [('c="$X"', ": 1"), ("/a/\\$X/$X", ": /a/$X/1")]


def test_empty_value_is_shown_quoted_and_long_values_are_cut():
    long = "x" * (MAX_LENGTH + 10)
    text = f"FROM a\nARG EMPTY=\nARG LONG={long}\nLABEL e=$EMPTY l=$LONG\n"
    result = hints(text)
    assert result[0] == ("e=$EMPTY", ': ""')
    assert len(result[1][1]) == len(": ") + MAX_LENGTH and result[1][1].endswith("…")
    assert value_hints(parse(text))[1].value == long


def test_only_the_requested_range():
    text = "ARG A=1\nFROM a\nWORKDIR /$A\nARG A\nWORKDIR /$A\nUSER $A\n"
    second_line = text.index("WORKDIR /$A\nUSER")
    assert hints(text) == [("/$A", ": /1"), ("$A", ": 1")]
    assert hints(text, second_line, len(text)) == [("/$A", ": /1"), ("$A", ": 1")]
    assert hints(text, text.index("USER"), len(text)) == [("$A", ": 1")]
    assert hints(text, 0, text.index("USER") - 1) == [("/$A", ": /1")]


def test_backtick_escape_and_onbuild():
    text = "# escape=`\nFROM a\nARG DIR=C:\\app\nWORKDIR $DIR\nONBUILD WORKDIR $DIR\n"
    assert hints(text) == [("$DIR", ": C:\\app")]
