"""Base image choice (LW103–LW107) and runtime behaviour (LW802–LW804)."""

from __future__ import annotations

import pytest

from layerwise.analysis import ALL_RULES, Finding, LintOptions, lint_text


def findings(text: str, code: str) -> list[Finding]:
    result = lint_text(text, options=LintOptions(select=(code,)))
    assert not result.failures, result.failures
    return [f for f in result.findings if f.code == code]


def spans(text: str, code: str) -> list[str]:
    return [text[f.span.start : f.span.end] for f in findings(text, code)]


def test_defaults_and_no_fixes_that_change_the_base() -> None:
    rules = {r.code: r for r in ALL_RULES}
    assert not rules["LW104"].default_enabled and not rules["LW804"].default_enabled
    assert rules["LW804"].aliases == ("DL3057",)
    # fix-all must never swap a base image: these rules only name the better tag
    assert not rules["LW103"].fixable and not rules["LW105"].fixable
    codes = {
        f.code for f in lint_text('FROM python:3.12\nEXPOSE 80\nCMD ["python", "a.py"]\n').findings
    }
    assert "LW103" in codes and "LW104" not in codes and "LW804" not in codes


# -- LW103 non-slim-base-image ---------------------------------------------------------------


@pytest.mark.parametrize(
    "image, slim",
    [
        ("node:20", "node:20-slim"),
        ("node:lts", "node:lts-slim"),
        ("node:20.11.1-bookworm", "node:20.11.1-bookworm-slim"),
        ("python:3.12", "python:3.12-slim"),
        ("python:3.13.0rc1-bookworm", "python:3.13.0rc1-slim-bookworm"),
        ("ruby:3.3-bookworm", "ruby:3.3-slim-bookworm"),
        ("perl:5.40", "perl:5.40-slim"),
        ("docker.io/library/python:3.12", "docker.io/library/python:3.12-slim"),
    ],
)
def test_non_slim_suggests_the_slim_tag(image: str, slim: str) -> None:
    text = f'FROM {image}\nCMD ["run"]\n'
    (finding,) = findings(text, "LW103")
    assert text[finding.span.start : finding.span.end] == image
    assert f"'{slim}'" in finding.message
    assert finding.fix is None


@pytest.mark.parametrize(
    "image",
    [
        "node:20-slim",
        "node:20-alpine",
        "python:3.12-slim-bookworm",
        "python:latest",
        "python",
        "debian:bookworm-slim",
        # debian vs -slim: docs, man pages and locales only (no compilers in either)
        "debian:bookworm",
        "debian:12",
        "golang:1.22",
        "myorg/node:20",
        "ghcr.io/x/python:3.12",
        "ubuntu:24.04",
        "node:hydrogen",
        "python:lts",
    ],
)
def test_non_slim_silent(image: str) -> None:
    assert findings(f'FROM {image}\nCMD ["run"]\n', "LW103") == []


def test_non_slim_only_final_stage_and_only_runnable_images() -> None:
    multi = 'FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim\nCMD ["node", "a.js"]\n'
    assert findings(multi, "LW103") == []
    base_image = "FROM debian:bookworm\nRUN apt-get update\n"  # buildpack-deps style: no CMD
    assert findings(base_image, "LW103") == []
    dev = 'FROM node:20-slim AS prod\nCMD ["node", "a.js"]\nFROM node:20 AS dev\nCMD ["npm", "run", "dev"]\n'
    assert findings(dev, "LW103") == []


def test_non_slim_through_an_earlier_stage() -> None:
    text = 'FROM node:20 AS base\nRUN npm ci\nFROM base\nCMD ["node", "a.js"]\n'
    (finding,) = findings(text, "LW103")
    assert text[finding.span.start : finding.span.end] == "base"
    assert "'node:20'" in finding.message and "'node:20-slim'" in finding.message


def test_non_slim_not_on_windows_or_unknown() -> None:
    assert findings('ARG V\nFROM node:$V\nCMD ["node", "a.js"]\n', "LW103") == []
    windows = '# escape=`\nFROM python:3.12-windowsservercore\nCMD ["python"]\n'
    assert findings(windows, "LW103") == []


# -- LW104 base-image-without-digest --------------------------------------------------------------


def test_digest_pinning() -> None:
    text = (
        "ARG V=3.12\n"
        "FROM python:$V AS a\n"
        "FROM a\n"
        "FROM scratch\n"
        "FROM python:3.12@sha256:0123\n"
        "FROM $UNKNOWN\n"
        "FROM python\n"
        "FROM python:latest\n"
    )
    assert spans(text, "LW104") == ["python:$V"]
    (finding,) = findings(text, "LW104")
    assert "python:3.12@sha256:" in finding.message


# -- LW105 toolchain-final-stage --------------------------------------------------------------------


@pytest.mark.parametrize(
    "image, copy, command, hint",
    [
        ("golang:1.22", "COPY . .", 'CMD ["/app"]', "distroless/static"),
        ("maven:3.9-eclipse-temurin-21", "COPY . .", "CMD mvn spring-boot:run", "-jre"),
        (
            "eclipse-temurin:21-jdk-jammy",
            "COPY app.jar /",
            'ENTRYPOINT ["java", "-jar", "/app.jar"]',
            "eclipse-temurin:21-jre-jammy",
        ),
        (
            "eclipse-temurin:21",
            "COPY app.jar /",
            'ENTRYPOINT ["java", "-jar", "/app.jar"]',
            "eclipse-temurin:21-jre'",
        ),
        ("rust:1.78", "COPY . .", 'CMD ["sh", "-c", "./target/release/app"]', "distroless/cc"),
        (
            "mcr.microsoft.com/dotnet/sdk:8.0",
            "COPY . .",
            'ENTRYPOINT ["dotnet", "App.dll"]',
            "dotnet/aspnet",
        ),
        ("openjdk:21", "COPY app.jar /", 'CMD ["java", "-jar", "/app.jar"]', "-jre"),
    ],
)
def test_toolchain_final_stage(image: str, copy: str, command: str, hint: str) -> None:
    text = f"FROM {image}\nWORKDIR /src\n{copy}\n{command}\n"
    (finding,) = findings(text, "LW105")
    assert text[finding.span.start : finding.span.end] == image
    assert hint in finding.message
    assert [text[r.span.start : r.span.end] for r in finding.related] == ["COPY"]


@pytest.mark.parametrize(
    "text",
    [
        # the toolchain image itself: nothing of an application, no command or the tool
        "FROM buildpack-deps:bookworm-scm\nRUN set -eux; curl -fsSL https://go.dev/dl | tar -xz\n",
        'FROM golang:1.22\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\n',
        'FROM maven:3.9\nCOPY . .\nCMD ["mvn", "test"]\n',
        'FROM golang:1.22\nCOPY . .\nCMD ["go", "test", "./..."]\n',
        'FROM eclipse-temurin:21-jre\nCOPY app.jar /\nCMD ["java", "-jar", "/app.jar"]\n',
        'FROM rust:1.78-slim\nCOPY . .\nCMD ["/app"]\n',
        'FROM golang:1.22 AS build\nCOPY . .\nRUN go build -o /app\nFROM gcr.io/distroless/static\nCOPY --from=build /app /\nCMD ["/app"]\n',
        'FROM golang:1.22 AS dev\nCOPY . .\nCMD ["go", "run", "."]\n',
        'FROM tomcat:10-jdk21\nCMD ["catalina.sh", "run"]\n',
    ],
)
def test_toolchain_final_stage_silent(text: str) -> None:
    assert findings(text, "LW105") == []


# -- LW106 alpine-glibc-ecosystem ----------------------------------------------------------------------


def test_alpine_pip_with_compiler() -> None:
    text = (
        "FROM python:3.12-alpine\n"
        "RUN apk add --no-cache --virtual .build gcc musl-dev\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
    )
    (finding,) = findings(text, "LW106")
    assert (
        text[finding.span.start : finding.span.end]
        == "pip install --no-cache-dir -r requirements.txt"
    )
    assert [text[r.span.start : r.span.end] for r in finding.related] == ["gcc"]


def test_alpine_node_gyp_and_glibc_shims() -> None:
    text = "FROM node:20-alpine\nRUN apk add --no-cache libc6-compat python3 make g++\nRUN npm ci\n"
    assert spans(text, "LW106") == ["libc6-compat", "npm ci"]


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.12-alpine\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "FROM python:3.12-alpine\nRUN apk add gcc && pip install --upgrade pip setuptools wheel\n",
        "FROM python:3.12-slim\nRUN apt-get install -y gcc && pip install -r r.txt\n",
        "FROM node:20-alpine\nRUN apk add --no-cache python3 make g++ && yarn --version\n",
        "FROM node:20-alpine\nRUN npm ci\n",
        "FROM debian:12\nRUN apk add gcompat\n",
    ],
)
def test_alpine_silent(text: str) -> None:
    assert findings(text, "LW106") == []


# -- LW107 scratch-without-ca-certificates ----------------------------------------------------------------

BUILD = "FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n"


def test_scratch_without_certificates() -> None:
    text = BUILD + 'FROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n'
    (finding,) = findings(text, "LW107")
    assert text[finding.span.start : finding.span.end] == "scratch"


@pytest.mark.parametrize(
    "final",
    [
        'FROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
        'FROM scratch\nCOPY --from=build /app /app\nCOPY certs/ca.pem /ca.pem\nENV SSL_CERT_FILE=/ca.pem\nENTRYPOINT ["/app"]\n',
        'FROM scratch\nCOPY --from=build / /\nENTRYPOINT ["/app"]\n',
        "FROM scratch\nCOPY --from=build /app /app\n",
        'FROM scratch\nCOPY --from=build /x.wasm /x.wasm\nENTRYPOINT ["x.wasm"]\n',
        'FROM gcr.io/distroless/static\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n',
    ],
)
def test_scratch_silent(final: str) -> None:
    assert findings(BUILD + final, "LW107") == []


# -- LW802 runtime-as-pid1 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, span",
    [
        ('FROM node:20-slim\nCMD ["node", "server.js"]\n', '"node"'),
        ('FROM python:3.12-slim\nENTRYPOINT ["python3", "-m", "app"]\n', '"python3"'),
        (
            'FROM node:20-slim\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["node", "a.js"]\n',
            '"node"',
        ),
        ('FROM myorg/base:1\nENTRYPOINT ["/usr/bin/java", "-jar", "a.jar"]\n', '"/usr/bin/java"'),
        (
            'FROM gcr.io/distroless/nodejs20-debian12\nCOPY . /app\nCMD ["/app/server.js"]\n',
            '"/app/server.js"',
        ),
    ],
)
def test_runtime_as_pid1(text: str, span: str) -> None:
    assert spans(text, "LW802") == [span]


def test_runtime_as_pid1_java_message() -> None:
    (finding,) = findings('FROM eclipse-temurin:21-jre\nCMD ["java", "-jar", "a.jar"]\n', "LW802")
    assert "JVM handles SIGTERM" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        'FROM node:20-slim\nENTRYPOINT ["tini", "--"]\nCMD ["node", "server.js"]\n',
        'FROM node:20-slim\nENTRYPOINT ["/usr/bin/dumb-init", "--single-child", "--", "node", "a.js"]\n',
        'FROM myorg/base:1\nCMD ["node", "server.js"]\n',  # the base may bring tini
        "FROM node:20-slim\nCMD node server.js\n",  # shell form: LW801
        'FROM python:3.12-slim\nCMD ["python3"]\n',  # the REPL default of the official image
        'FROM node:20-slim\nCMD ["/app/server"]\n',
        'FROM node:20-slim AS app\nCMD ["node", "a.js"]\nFROM nginx:1\nCMD ["nginx", "-g", "daemon off;"]\n',
    ],
)
def test_runtime_as_pid1_silent(text: str) -> None:
    assert findings(text, "LW802") == []


# -- LW803 package-manager-as-pid1 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, span",
    [
        ('FROM node:20-slim\nCMD ["npm", "start"]\n', '"npm"'),
        ("FROM node:20-slim\nCMD yarn start\n", "yarn"),
        (
            'FROM node:20-slim\nENTRYPOINT ["dumb-init", "--"]\nCMD ["pnpm", "run", "serve"]\n',
            '"pnpm"',
        ),
        ('FROM node:20-slim\nCMD ["sh", "-c", "npm run start"]\n', '"npm run start"'),
        ('FROM myorg/node:20\nCMD ["npm", "start"]\n', '"npm"'),
        ('FROM node:20-slim\nENTRYPOINT ["npm"]\nCMD ["start"]\n', '"npm"'),
    ],
)
def test_package_manager_as_pid1(text: str, span: str) -> None:
    assert spans(text, "LW803") == [span]


@pytest.mark.parametrize(
    "text",
    [
        'FROM node:20-slim\nCMD ["node", "server.js"]\n',
        'FROM node:20-slim AS dev\nCMD ["npm", "run", "dev"]\nFROM node:20-slim\nCMD ["node", "a.js"]\n',
        'FROM node:20-slim\nCMD ["sh", "-c", "npm run migrate && node a.js"]\n',
        'FROM node:20-slim\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["npm", "start"]\n',
    ],
)
def test_package_manager_as_pid1_silent(text: str) -> None:
    assert findings(text, "LW803") == []


# -- LW804 missing-healthcheck ---------------------------------------------------------------------------------------


def test_missing_healthcheck() -> None:
    text = "FROM nginx:1\nEXPOSE 80\nEXPOSE 443\n"
    assert spans(text, "LW804") == ["EXPOSE"]
    assert findings(text, "LW804")[0].span.start == text.index("EXPOSE 443")
    assert findings(text + "HEALTHCHECK NONE\n", "LW804") == []
    inherited = (
        "FROM nginx:1 AS base\nHEALTHCHECK CMD curl -f http://localhost/\nFROM base\nEXPOSE 80\n"
    )
    assert findings(inherited, "LW804") == []
    assert findings('FROM nginx:1 AS a\nEXPOSE 80\nFROM alpine:3\nCMD ["x"]\n', "LW804") == []
