"""Precision fixes (branch fix-a): LW201/LW202, LW101/LW102, LW103, LW105, LW107, LW801, LW802."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.analysis import Finding, LintOptions, lint_text
from layerwise.analysis.context import FileSystemProject


def findings(text: str, code: str, path: Path | None = None) -> list[Finding]:
    project = FileSystemProject(path.parent) if path is not None else None
    result = lint_text(text, options=LintOptions(select=(code,)), path=path, project=project)
    assert not result.failures, result.failures
    return [f for f in result.findings if f.code == code]


# -- LW201 missing-user / LW202 root-user ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # PowerShell images: an interactive shell as the default command
        'FROM debian:bookworm\nRUN apt-get update\nCMD [ "pwsh-preview" ]\n',
        'FROM debian:bookworm\nRUN apt-get update\nCMD ["powershell"]\n',
        # a runtime base image: only an entrypoint wrapper, no command of its own
        "FROM alpine:3.20\nRUN apk add openjdk17-jre\nCOPY entrypoint.sh /__cacert_entrypoint.sh\n"
        'ENTRYPOINT ["/__cacert_entrypoint.sh"]\n',
        # Windows nanoserver runs as ContainerUser
        "FROM mcr.microsoft.com/dotnet/runtime:10.0-nanoserver-ltsc2022\n"
        'COPY app /app\nENTRYPOINT ["dotnetapp"]\n',
        # .NET distroless images run as 'app'
        "ARG REPO=mcr.microsoft.com/dotnet/aspnet\nFROM $REPO:8.0-azurelinux3.0-distroless\n"
        'COPY app /app\nENTRYPOINT ["dotnet", "/app/a.dll"]\n',
        # servers whose workers run as an unprivileged account from their configuration
        'FROM debian:bookworm-slim\nRUN apt-get update\nCMD ["httpd-foreground"]\n',
        'FROM debian:bookworm-slim\nRUN apt-get update\nCMD ["apache2-foreground"]\n',
        'FROM debian:bookworm-slim\nRUN apt-get update\nENTRYPOINT ["/docker-entrypoint.sh"]\n'
        'CMD ["nginx", "-g", "daemon off;"]\n',
        'FROM php:8.3-fpm\nRUN docker-php-ext-install mysqli\nCMD ["php-fpm"]\n',
        # docker-in-docker needs root
        'FROM docker:27-cli\nRUN apk add iptables\nENTRYPOINT ["dockerd-entrypoint.sh"]\nCMD []\n',
        # the base image's own entrypoint drops privileges and the file keeps it
        'FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\nCMD ["postgres"]\n',
    ],
)
def test_missing_user_silent(text: str) -> None:
    assert findings(text, "LW201") == []


@pytest.mark.parametrize(
    "text",
    [
        'FROM node:20-slim\nCOPY . /app\nCMD ["node", "/app/server.js"]\n',
        # a wrapper entrypoint with the application as CMD still runs the application as root
        'FROM alpine:3.20\nCOPY entrypoint.sh /e.sh\nENTRYPOINT ["/e.sh"]\nCMD ["app"]\n',
        # an entrypoint that is the application itself
        'FROM alpine:3.20\nCOPY app /usr/bin/app\nENTRYPOINT ["/usr/bin/app"]\n',
        # the postgres image, with the entrypoint replaced
        'FROM postgres:16\nCOPY run.sh /run.sh\nENTRYPOINT ["/run.sh"]\n',
    ],
)
def test_missing_user_still_reported(text: str) -> None:
    assert len(findings(text, "LW201")) == 1


def test_missing_user_reads_the_entrypoint_script(tmp_path: Path) -> None:
    text = (
        "FROM debian:bookworm-slim\nRUN useradd app\nCOPY docker-entrypoint.sh /usr/local/bin/\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["server"]\n'
    )
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text)
    script = tmp_path / "docker-entrypoint.sh"
    script.write_text('#!/bin/sh\nset -e\nexec "$@"\n')
    assert len(findings(text, "LW201", dockerfile)) == 1
    script.write_text('#!/bin/sh\nset -e\nchown -R app /data\nexec gosu app "$@"\n')
    assert findings(text, "LW201", dockerfile) == []
    script.write_text('#!/bin/sh\nexec setpriv --reuid=app --regid=app --init-groups "$@"\n')
    assert findings(text, "LW201", dockerfile) == []


def test_entrypoint_script_outside_the_project_is_not_read(tmp_path: Path) -> None:
    text = 'FROM debian:bookworm-slim\nCOPY ../e.sh /e.sh\nENTRYPOINT ["/e.sh"]\nCMD ["server"]\n'
    (tmp_path / "e.sh").write_text('#!/bin/sh\nexec gosu app "$@"\n')
    inner = tmp_path / "project"
    inner.mkdir()
    assert len(findings(text, "LW201", inner / "Dockerfile")) == 1


@pytest.mark.parametrize(
    "text, count",
    [
        ('FROM debian:bookworm\nUSER root\nCMD ["pwsh"]\n', 0),
        ('FROM debian:bookworm\nUSER root\nCMD ["apache2-foreground"]\n', 0),
        ("FROM debian:bookworm\nUSER root\nRUN apt-get update\n", 0),
        ('FROM debian:bookworm\nUSER root\nCMD ["python3", "app.py"]\n', 1),
    ],
)
def test_root_user_exemptions(text: str, count: int) -> None:
    assert len(findings(text, "LW202")) == count


# -- LW103 non-slim-base-image ------------------------------------------------------------------


def test_non_slim_message_from_image_facts() -> None:
    (finding,) = findings('FROM python:3.12\nCMD ["python", "a.py"]\n', "LW103")
    assert "buildpack-deps" in finding.message and "compilers" in finding.message
    assert findings('FROM debian:bookworm\nRUN apt-get update\nCMD ["sockd"]\n', "LW103") == []


# -- LW101 untagged-base-image / LW102 latest-base-image ----------------------------------------


def test_untagged_message_from_a_variable_is_balanced() -> None:
    (finding,) = findings("ARG IMG=alpine\nFROM ${IMG}\nRUN true\n", "LW101")
    assert "'${IMG}' (= 'alpine') has no tag" in finding.message


def test_digest_only_images() -> None:
    # distroless has no version tags: nothing to ask for unless the file pins digests
    assert findings("FROM gcr.io/distroless/static\nCOPY app /\n", "LW101") == []
    text = "FROM golang:1.22@sha256:abcd AS build\nFROM gcr.io/distroless/static\nCOPY app /\n"
    (finding,) = findings(text, "LW101")
    assert "digest" in finding.message and ":<version>" not in finding.message
    # rolling distributions
    assert findings("FROM kalilinux/kali-rolling:latest\nRUN true\n", "LW102") == []
    assert findings("FROM archlinux\nRUN true\n", "LW101") == []
    # the name carries the major version
    assert findings("FROM redhat/ubi9-minimal\nRUN true\n", "LW101") == []
    assert findings("FROM registry.access.redhat.com/ubi9/ubi\nRUN true\n", "LW101") == []
    assert len(findings("FROM ubuntu\nRUN true\n", "LW101")) == 1
    assert len(findings("FROM centos:latest\nRUN true\n", "LW102")) == 1


def test_stage_selected_only_by_a_non_default_arg() -> None:
    text = (
        "ARG TYPE=alpine\n"
        "FROM alpine AS base-alpine\n"
        "FROM rockylinux AS base-rhel\n"
        "FROM base-${TYPE} AS base\n"
        "RUN true\n"
    )
    lines = [text[: f.span.start].count("\n") + 1 for f in findings(text, "LW101")]
    assert lines == [2]
    # a stage that is also named elsewhere is built anyway
    text += "COPY --from=base-rhel /etc/os-release /\n"
    lines = [text[: f.span.start].count("\n") + 1 for f in findings(text, "LW101")]
    assert lines == [2, 3]


# -- LW801 shell-form-cmd -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, count",
    [
        # BusyBox ash execs a single simple command of sh -c: it is PID 1
        ("FROM alpine:3.20\nCMD aria2c --conf-path=/etc/aria2.conf\n", 0),
        ('FROM python:3.12-alpine\nENTRYPOINT locust --host="http://${H}" 2>&1\n', 0),
        # two commands: ash still keeps the shell for the first
        ("FROM alpine:3.20\nCMD cd /app && ./server\n", 1),
        ("FROM alpine:3.20\nCMD server | tee /log\n", 1),
        # Debian's dash never execs
        ("FROM debian:bookworm\nCMD sockd -f /etc/sockd.conf\n", 1),
    ],
)
def test_shell_form_on_busybox(text: str, count: int) -> None:
    assert len(findings(text, "LW801")) == count


# -- LW802 runtime-as-pid1 ----------------------------------------------------------------------


def test_django_runserver_handles_sigterm() -> None:
    text = (
        'FROM python:3.12-slim\nCOPY . /app\nCMD ["python3", "manage.py", "runserver", "0:8000"]\n'
    )
    assert findings(text, "LW802") == []
    text = 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python3", "server.py"]\n'
    assert len(findings(text, "LW802")) == 1


# -- LW105 toolchain-final-stage ----------------------------------------------------------------


def test_toolchain_final_after_a_separate_build_stage() -> None:
    text = (
        "FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build\nRUN dotnet publish -o /out\n"
        "FROM mcr.microsoft.com/dotnet/sdk:9.0\nCOPY --from=build /out /app\n"
        'ENTRYPOINT ["/app/tool"]\n'
    )
    assert findings(text, "LW105") == []
    single = 'FROM golang:1.22\nCOPY . /src\nRUN go build -o /app ./...\nCMD ["/app"]\n'
    assert len(findings(single, "LW105")) == 1
