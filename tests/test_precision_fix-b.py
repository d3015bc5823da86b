"""Precision fixes of the apt and consecutive-RUN rules (LW601-LW604)."""

from __future__ import annotations

import pytest

from layerwise.analysis import ALL_RULES, LintOptions, lint_text
from layerwise.analysis.rule import Severity


def lines(text: str, code: str) -> list[int]:
    result = lint_text(text, options=LintOptions(select=(code,)))
    return [text.count("\n", 0, f.span.start) + 1 for f in result.findings if f.code == code]


# -- LW601 -----------------------------------------------------------------------------


def test_consecutive_runs_in_a_builder_stage_are_not_reported() -> None:
    text = (
        "FROM golang:1.22 AS build\nRUN go mod download\nRUN go build -o /app\n"
        "FROM debian:12\nCOPY --from=build /app /app\nRUN a\nRUN b\n"
    )
    assert lines(text, "LW601") == [7]


def test_consecutive_runs_in_a_base_stage_of_the_final_one_are_reported() -> None:
    text = 'FROM debian:12 AS base\nRUN a\nRUN b\nFROM base\nCMD ["x"]\n'
    assert lines(text, "LW601") == [3]


@pytest.mark.parametrize(
    "first",
    [
        'RUN setx /M PATH "%PATH%;C:\\tools"',
        "RUN [Environment]::SetEnvironmentVariable('PATH', $env:PATH + ';C:\\tools', 'Machine')",
    ],
)
def test_run_after_a_persistent_path_change_is_not_reported(first: str) -> None:
    text = f"# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n{first}\nRUN tool --init\n"
    assert lines(text, "LW601") == []


def test_update_then_install_is_left_to_lw602() -> None:
    text = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n"
    assert lines(text, "LW601") == []
    assert lines(text, "LW602") == [2]


def test_runs_each_with_their_own_comment_are_split_on_purpose() -> None:
    text = "FROM debian:12\n# enable a\nRUN enable a\n\n# enable b, see issue 12\nRUN enable b\n"
    assert lines(text, "LW601") == []
    # One comment above the pair does not explain a split.
    assert lines("FROM debian:12\n# setup\nRUN a\nRUN b\n", "LW601") == [4]


# -- LW602 -----------------------------------------------------------------------------


def test_update_alone_is_a_warning() -> None:
    (rule,) = [r for r in ALL_RULES if r.code == "LW602"]
    assert rule.severity is Severity.WARNING


def test_update_alone_is_silent_when_every_later_install_updates_itself() -> None:
    text = "FROM debian:12\nRUN apt-get update -y\nRUN apt-get update && apt-get install -y curl\n"
    assert lines(text, "LW602") == []
    # An install without its own update reads the cached index.
    stale = text + "RUN apt-get install -y git\n"
    assert lines(stale, "LW602") == [2]
    # Update after the install in the same RUN does not help the install.
    late = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y git && apt-get update\n"
    assert lines(late, "LW602") == [2]


def test_update_alone_counts_installs_of_stages_built_from_it() -> None:
    text = "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN apt-get install -y git\n"
    assert lines(text, "LW602") == [2]


# -- LW603 / LW604 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "option", ["-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act", "-qs"]
)
def test_simulated_install_never_prompts_nor_installs(option: str) -> None:
    text = f"FROM debian:12\nRUN apt-get install {option} curl\n"
    assert lines(text, "LW603") == []
    assert lines(text, "LW604") == []


def test_recommends_in_a_builder_stage_are_not_reported() -> None:
    text = (
        "FROM rust:1.80 AS build\nRUN apt-get install -y clang\n"
        "FROM scratch\nCOPY --from=build /app /app\n"
    )
    assert lines(text, "LW604") == []


def test_recommends_of_packages_the_base_already_has_are_not_reported() -> None:
    assert lines("FROM node:22\nRUN apt-get install -y git\n", "LW604") == []
    assert lines("FROM node:22\nRUN apt-get install -y git libpq5\n", "LW604") == [2]
    assert lines("FROM debian:12\nRUN apt-get install -y git\n", "LW604") == [2]


def test_recommends_of_packages_purged_with_auto_remove_are_not_reported() -> None:
    text = (
        "FROM debian:12\nRUN apt-get install -y $DEPS"
        " && make && apt-get purge -y --auto-remove $DEPS\n"
    )
    assert lines(text, "LW604") == []
    kept = (
        "FROM debian:12\nRUN apt-get install -y $DEPS gcc && apt-get purge -y --auto-remove $DEPS\n"
    )
    assert lines(kept, "LW604") == [2]


# -- LW607 / LW610 / LW615 ---------------------------------------------------------------


def test_apt_configured_for_the_apt_binary_is_used_on_purpose() -> None:
    text = (
        "FROM debian:12\nRUN echo 'Binary::apt::APT::Keep-Downloaded-Packages \"1\";'"
        " > /etc/apt/apt.conf.d/keep && apt update && apt install -y curl\n"
    )
    assert lines(text, "LW607") == []
    assert lines("FROM debian:12\nRUN apt update && apt install -y curl\n", "LW607") == [2, 2]


def test_apk_update_then_add_is_one_finding() -> None:
    text = "FROM alpine:3.20\nRUN apk update && apk add curl\n"
    result = lint_text(text, options=LintOptions(select=("LW610",)))
    spans = [text[f.span.start : f.span.end] for f in result.findings if f.code == "LW610"]
    assert spans == ["apk update"]
    assert lines("FROM alpine:3.20\nRUN apk add curl\n", "LW610") == [2]


def test_microdnf_that_assumes_yes_needs_no_y() -> None:
    assert lines("FROM oraclelinux:9-slim\nRUN microdnf install gzip\n", "LW615") == []
    text = "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install gzip\n"
    assert lines(text, "LW615") == [2]
