"""BuildKit's static checks, run natively: behaviour, exact ranges and fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.analysis import Finding, LintOptions, fix_text, lint_text


def findings(text: str, code: str) -> list[Finding]:
    return [
        f for f in lint_text(text, options=LintOptions(select=(code,))).findings if f.code == code
    ]


def spans(text: str, code: str) -> list[str]:
    return [text[f.span.start : f.span.end] for f in findings(text, code)]


def fixed(text: str, code: str) -> str:
    return fix_text(text, options=LintOptions(select=(code,)), unsafe=True).text


def test_selectable_by_buildkit_name() -> None:
    result = lint_text("FROM debian:12 as build\n", options=LintOptions(select=("FromAsCasing",)))
    assert [f.code for f in result.findings] == ["LW909"]


def test_from_as_casing() -> None:
    assert spans("FROM debian:12 as build\n", "LW909") == ["as"]
    assert fixed("from debian:12 AS build\n", "LW909") == "from debian:12 as build\n"
    assert findings("FROM debian:12 AS build\nfrom debian:12 as b\n", "LW909") == []


def test_stage_name_casing_renames_references() -> None:
    text = "FROM debian:12 AS Build\nRUN make\nFROM Build AS test\nFROM debian:12\nCOPY --from=Build /out /out\n"
    assert spans(text, "LW910") == ["Build"]
    assert fixed(text, "LW910") == (
        "FROM debian:12 AS build\nRUN make\nFROM build AS test\nFROM debian:12\nCOPY --from=build /out /out\n"
    )


def test_empty_continuation() -> None:
    text = "FROM debian:12\nRUN apt-get update && \\\n\n    apt-get install -y curl\n"
    assert [f.span.start for f in findings(text, "LW911")] == [text.index("\n\n") + 1]
    assert (
        fixed(text, "LW911")
        == "FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n"
    )


def test_consistent_casing() -> None:
    text = "FROM debian:12\nRUN make\nrun test\nCopy a b\n"
    assert spans(text, "LW912") == ["run", "Copy"]
    assert fixed(text, "LW912") == "FROM debian:12\nRUN make\nRUN test\nCOPY a b\n"
    assert spans("from debian:12\nrun make\nRUN test\n", "LW912") == ["RUN"]


def test_reserved_stage_names() -> None:
    assert spans("FROM debian:12 AS scratch\nFROM alpine:3 AS Context\n", "LW913") == [
        "scratch",
        "Context",
    ]


def test_undefined_arg_in_from() -> None:
    text = "ARG VERSION=3\nFROM python:$VERSOIN\nFROM --platform=$BUILDPLATFORM golang:${GO}\n"
    messages = [f.message for f in findings(text, "LW914")]
    assert len(messages) == 2
    assert "VERSOIN" in messages[0] and "did you mean VERSION?" in messages[0]
    assert "$GO," in messages[1] or "$GO " in messages[1]


def test_undefined_var_only_for_near_misses() -> None:
    text = "FROM debian:12\nARG APP_HOME=/srv\nWORKDIR $APP_HOM\nENV PATH=$PATH:/x\nCOPY a $UNKNOWN_DIR\n"
    assert spans(text, "LW915") == ["$APP_HOM"]
    assert findings("FROM golang:1.22\nENV GOPATH=/go\nENV PATH=$PATH:/go/bin\n", "LW915") == []


def test_legacy_key_value_fix_quotes_spaces() -> None:
    text = "FROM debian:12\nENV LANG C.UTF-8\nLABEL description some words here\nENV A=1\n"
    assert spans(text, "LW916") == ["LANG C.UTF-8", "description some words here"]
    assert fixed(text, "LW916") == (
        'FROM debian:12\nENV LANG=C.UTF-8\nLABEL description="some words here"\nENV A=1\n'
    )


def test_redundant_target_platform() -> None:
    text = "FROM --platform=$TARGETPLATFORM debian:12\nFROM --platform=$BUILDPLATFORM golang:1.22\n"
    assert spans(text, "LW917") == ["--platform=$TARGETPLATFORM"]
    assert fixed(text, "LW917") == "FROM debian:12\nFROM --platform=$BUILDPLATFORM golang:1.22\n"


def test_invalid_default_arg_in_from() -> None:
    assert spans("ARG TAG\nFROM alpine:$TAG\n", "LW918") == ["alpine:$TAG"]
    assert findings("ARG TAG=3.20\nFROM alpine:$TAG\n", "LW918") == []
    assert findings("ARG BASE=build\nFROM debian:12 AS build\nFROM $BASE\n", "LW918") == []
    # The whole image is one variable without a default: a required parameter, and BuildKit's
    # error ("base name ($IMAGE) should not be blank") names it.
    assert findings("ARG IMAGE\nFROM $IMAGE\n", "LW918") == []
    assert findings("ARG IMAGE\nFROM ${IMAGE} AS x\n", "LW918") == []
    assert spans('ARG IMAGE=""\nARG TAG\nFROM ${IMAGE}:${TAG}\n', "LW918") == ["${IMAGE}:${TAG}"]


def test_constant_platform() -> None:
    text = (
        "FROM --platform=linux/amd64 debian:12\nRUN make\n"
        "FROM --platform=linux/arm64 debian:12 AS build-arm64\nRUN make\n"
    )
    assert spans(text, "LW919") == ["linux/amd64"]


def test_constant_platform_files_only_source_stage() -> None:
    # The pinned stage only supplies files to COPY --from: nothing runs on its platform.
    text = (
        "FROM --platform=darwin/arm64 example/sdk:1 AS sdk\n"
        "FROM scratch AS out\nCOPY --from=sdk /sdk /sdk\n"
    )
    assert spans(text, "LW919") == []
    # A stage built FROM it runs something: emulated.
    ran = "FROM --platform=linux/amd64 debian:12 AS base\nFROM base AS b\nRUN make\nFROM scratch\nCOPY --from=b /x /x\n"
    assert spans(ran, "LW919") == ["linux/amd64"]
    # The final stage ships the pinned platform's files.
    assert spans("FROM --platform=linux/amd64 alpine:3.20\nCOPY a /a\n", "LW919") == ["linux/amd64"]


def test_constant_platform_per_architecture_file() -> None:
    text = "FROM --platform=linux/arm/v7 ubuntu:22.04\nRUN make\n"
    assert spans(text, "LW919") == ["linux/arm/v7"]
    result = lint_text(
        text,
        path=Path("release/ubuntu-arm32v7/docker/Dockerfile"),
        options=LintOptions(select=("LW919",)),
    )
    assert [f.code for f in result.findings] == []
    arm64 = "FROM --platform=linux/arm64 ubuntu:22.04\nRUN make\n"
    result = lint_text(
        arm64,
        path=Path("release/mariner2-arm64/Dockerfile"),
        options=LintOptions(select=("LW919",)),
    )
    assert [f.code for f in result.findings] == []
    result = lint_text(
        arm64,
        path=Path("release/mariner2-amd64/Dockerfile"),
        options=LintOptions(select=("LW919",)),
    )
    assert [f.code for f in result.findings] == ["LW919"]


@pytest.mark.parametrize(
    "word, problem",
    [
        ("80a", "is not a port"),
        ("70000", "outside the valid port range"),
        ("80/http", "unknown protocol"),
    ],
)
def test_expose_invalid(word: str, problem: str) -> None:
    (finding,) = findings(f"FROM debian:12\nEXPOSE 443 {word}\n", "LW921")
    assert problem in finding.message


@pytest.mark.parametrize("word", ["80:80", "127.0.0.1:8080:80"])
def test_expose_host_mapping_is_a_warning(word: str) -> None:
    # The build succeeds (BuildKit only warns): LW945, a warning, not the error LW921.
    text = f"FROM debian:12\nEXPOSE 443 {word}\n"
    assert findings(text, "LW921") == []
    (finding,) = findings(text, "LW945")
    assert "host port" in finding.message
    assert finding.severity.name == "WARNING"


def test_expose_valid_and_protocol_casing() -> None:
    # 80/ (no protocol) is tcp to BuildKit, which builds it
    assert findings("FROM debian:12\nEXPOSE 80 443/tcp 53/udp 8000-8010 $PORT 81/\n", "LW921") == []
    text = "FROM debian:12\nEXPOSE 80/TCP 53/Udp\n"
    assert spans(text, "LW920") == ["TCP", "Udp"]
    assert fixed(text, "LW920") == "FROM debian:12\nEXPOSE 80/tcp 53/udp\n"


def test_multiple_cmd_keeps_the_last() -> None:
    text = 'FROM debian:12\n# old\nCMD ["a"]\nRUN make\nCMD ["b"]\nFROM debian:12\nCMD ["c"]\n'
    assert spans(text, "LW805") == ["CMD"]
    # The user's comment stays (it now sits above RUN); only the instruction goes.
    assert (
        fixed(text, "LW805")
        == 'FROM debian:12\n# old\nRUN make\nCMD ["b"]\nFROM debian:12\nCMD ["c"]\n'
    )
    # A pragma above the removed instruction goes with it: it would apply to RUN.
    pragma = 'FROM debian:12\n# note\n# hadolint ignore=DL3025\nCMD a\nRUN make\nCMD ["b"]\n'
    assert fixed(pragma, "LW805") == 'FROM debian:12\n# note\nRUN make\nCMD ["b"]\n'


def test_legacy_key_value_fix_keeps_the_value() -> None:
    text = 'FROM debian:12\nENV A some "quoted" words\nENV B C:\\path to\n'
    assert fixed(text, "LW916") == 'FROM debian:12\nENV A="some quoted words"\nENV B="C:path to"\n'
    literal = "FROM debian:12\nENV A '$HOME' x\n"
    (finding,) = findings(literal, "LW916")
    assert finding.fix is None


@pytest.mark.parametrize(
    "line", ["ARG V\nFROM python:${V}-slim", "ARG REG\nFROM ${REG}/library/python:3.12"]
)
def test_invalid_default_catches_bad_references(line: str) -> None:
    assert len(findings(line + "\n", "LW918")) == 1


def test_undefined_var_ignores_single_quotes() -> None:
    assert findings("FROM debian:12\nENV APP_HOME=/srv\nENV X='$APP_HOM'\n", "LW915") == []


def test_stage_rename_covers_mounts_and_port_zero_is_valid() -> None:
    text = "FROM debian:12 AS Build\nFROM debian:12\nRUN --mount=type=bind,from=Build,target=/b ls /b\n"
    assert fixed(text, "LW910") == text.replace("Build", "build")
    assert findings("FROM debian:12\nEXPOSE 0\n", "LW921") == []
    (finding,) = findings("FROM debian:12\nEXPOSE 9001-9000\n", "LW921")
    assert "start is after its end" in finding.message


def test_no_false_positives_peers_are_known_for() -> None:
    """Substitution forms the Node Dockerfile server wrongly reports."""
    modifiers = (
        "ARG TAG=3.20\nFROM alpine:${TAG-3.19}\nARG DIR\nENV APP=${DIR-/srv}\n"
        "WORKDIR ${APP:-/srv}\nLABEL x=${DIR:+set}\nUSER nobody\n"
    )
    assert lint_text(modifiers).findings == []
    powershell = (
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        'SHELL ["powershell", "-Command"]\n'
        'RUN Write-Host ${env:PATH}; `\n    $x = "${env:TEMP}"\nWORKDIR C:\\app\n'
    )
    assert lint_text(powershell).findings == []


def test_casing_ignores_words_that_are_not_instructions() -> None:
    text = "FROM debian:12\nRUN true\nthis is not a command\nrun true\n"
    assert spans(text, "LW912") == ["run"]
