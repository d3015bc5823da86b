"""Precision fixes (branch fix-d): LW401, LW203, LW702-LW705 stay silent where their claim
would be wrong, and say only what is true of the file."""

from __future__ import annotations

from pathlib import Path

from layerwise.analysis import FileSystemProject, Finding, LintOptions, lint_text


def findings(text: str, code: str, **kwargs: object) -> list[Finding]:
    result = lint_text(text, options=LintOptions(select=(code,)), **kwargs)  # type: ignore[arg-type]
    assert not result.failures, result.failures
    return [f for f in result.findings if f.code == code]


def spans(text: str, code: str, **kwargs: object) -> list[str]:
    return [text[f.span.start : f.span.end] for f in findings(text, code, **kwargs)]


# -- LW401 missing-dockerignore ----------------------------------------------------------


def _lw401(tmp_path: Path, text: str) -> list[Finding]:
    return findings(
        text, "LW401", path=tmp_path / "Dockerfile", project=FileSystemProject(tmp_path)
    )


def test_lw401_builder_whose_files_do_not_ship_is_not_reported(tmp_path: Path) -> None:
    text = (
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n"
        "FROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\n"
    )
    assert _lw401(tmp_path, text) == []


def test_lw401_subdirectory_copied_out_of_the_builder_is_not_reported(tmp_path: Path) -> None:
    # The built binary lies inside the copied context, but .git and .env stay behind.
    text = (
        "FROM rust:1 AS build\nWORKDIR /app\nCOPY . /app\nRUN cargo build --release\n"
        "FROM debian:12-slim\nCOPY --from=build /app/target/release/hello /usr/bin/hello\n"
    )
    assert _lw401(tmp_path, text) == []


def test_lw401_whole_directory_copied_out_of_the_builder_is_reported(tmp_path: Path) -> None:
    text = (
        "FROM node:22 AS build\nCOPY . /app\nWORKDIR /app\nRUN npm ci\n"
        "FROM gcr.io/distroless/nodejs22-debian12\nCOPY --from=build /app /app\n"
    )
    (tmp_path / "node_modules").mkdir()
    (finding,) = _lw401(tmp_path, text)
    assert "node_modules" in finding.message and "end up in the image" in finding.message


def test_lw401_names_node_modules_only_for_node_builds(tmp_path: Path) -> None:
    # When the context cannot be listed, the message names what usually lies there.
    text = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]\n'
    project = FileSystemProject(tmp_path)
    project.list_dir = lambda directory: None  # type: ignore[method-assign]
    (finding,) = findings(text, "LW401", path=tmp_path / "Dockerfile", project=project)
    assert "node_modules" not in finding.message
    assert ".git" in finding.message


def test_lw401_names_what_the_context_holds_and_is_silent_when_nothing(tmp_path: Path) -> None:
    text = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]\n'
    (tmp_path / "Dockerfile").write_text(text)
    (tmp_path / "app.py").write_text("print(1)\n")
    assert _lw401(tmp_path, text) == []  # nothing a .dockerignore would keep out
    (tmp_path / "requirements.txt").write_text("flask==3.0.0\n")
    # a project whose local installs leave a virtualenv or caches beside the sources
    (finding,) = _lw401(tmp_path, text)
    assert "whatever lies in it" in finding.message
    (tmp_path / ".env").write_text("TOKEN=x\n")
    (tmp_path / "__pycache__").mkdir()
    (finding,) = _lw401(tmp_path, text)
    assert "it holds .env, __pycache__" in finding.message


# -- LW704 curl-and-wget -----------------------------------------------------------------


def test_lw704_is_off_by_default() -> None:
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y curl wget\n"
    default = lint_text(text)
    assert not [f for f in default.findings if f.code == "LW704"]
    assert spans(text, "LW704") == ["wget"]


# -- LW705 wget-progress -----------------------------------------------------------------


def test_lw705_docker_cli_image_has_busybox_wget() -> None:
    text = "FROM docker:29-cli\nRUN wget -O /usr/local/bin/tool https://example.com/tool\n"
    assert findings(text, "LW705") == []
    # An unknown base that installs with apk is Alpine: BusyBox wget too.
    text = "FROM example/base:1\nRUN apk add --no-cache jq && wget -O /a https://x/a.tgz\n"
    assert findings(text, "LW705") == []
    # Unless GNU wget is installed.
    text = "FROM docker:29-cli\nRUN apk add --no-cache wget && wget -O /a https://x/a.tgz\n"
    assert spans(text, "LW705") == ["wget"]


def test_lw705_small_downloads_are_not_reported() -> None:
    text = (
        "FROM debian:12\n"
        "RUN wget -O /usr/local/bin/gosu https://x/gosu-amd64 \\\n"
        " && wget -O /usr/local/bin/gosu.asc https://x/gosu-amd64.asc \\\n"
        " && wget https://x/KEYS && wget -O - https://x/key.gpg | gpg --import \\\n"
        " && wget https://x/install.sh https://x/SHA256SUMS.sha256\n"
    )
    assert spans(text, "LW705") == ["wget"]
    (finding,) = findings(text, "LW705")
    assert "50 KB" in finding.message and "few kilobytes" not in finding.message


def test_lw705_run_that_chooses_a_progress_display_is_left_alone() -> None:
    text = (
        "FROM debian:12\n"
        "RUN wget -O go.tgz.sha https://x/go.tgz.sha256sum \\\n"
        " && wget --progress=dot:giga -O go.tgz https://x/go.tgz \\\n"
        " && wget -O notes.txt https://x/notes.txt\n"
    )
    assert findings(text, "LW705") == []


# -- LW702 / LW703: stages nothing shipped uses -------------------------------------------


def test_lw702_lw703_test_target_that_nothing_shipped_uses_is_not_reported() -> None:
    text = (
        "FROM alpine:3.20 AS build\n"
        "ADD https://example.com/tool.tar.gz /tmp/\n"
        "RUN curl -fsSL https://example.com/setup.sh | sh\n"
        "FROM alpine:3.20 AS test\n"
        "ADD https://example.com/bats /usr/bin/bats\n"
        "RUN curl -fsSL https://example.com/test-deps.sh | sh\n"
        "FROM scratch\n"
        "COPY --from=build /out /out\n"
    )
    # The builder's downloads can poison the artifact; the test target's cannot.
    assert spans(text, "LW702") == ["https://example.com/tool.tar.gz"]
    assert len(findings(text, "LW703")) == 1
    assert "setup.sh" in text[findings(text, "LW703")[0].span.start :].split("\n", 1)[0]


def test_lw702_stage_used_through_a_mount_is_reported() -> None:
    text = (
        "FROM alpine:3.20 AS tools\n"
        "ADD https://example.com/tool /tool\n"
        "FROM alpine:3.20\n"
        "RUN --mount=from=tools,source=/tool,target=/t /t --version\n"
    )
    assert spans(text, "LW702") == ["https://example.com/tool"]


def test_lw703_opt_in_path_that_exits_by_default_is_not_reported() -> None:
    template = (
        "FROM alpine:3.20\n"
        "ARG FROM_SOURCE={default}\n"
        'RUN [ "${{FROM_SOURCE}}" = "true" ] && exit 0; '
        "wget -qO- https://example.com/install.sh | sh -s v1\n"
    )
    assert findings(template.format(default="true"), "LW703") == []
    assert len(findings(template.format(default="false"), "LW703")) == 1


# -- LW203 copy-without-chown --------------------------------------------------------------


def test_lw203_does_not_advise_dropping_a_chown_that_reowns_more() -> None:
    text = (
        "FROM debian:12\n"
        "RUN mkdir -p /etc/app && useradd -u 1001 app\n"
        "COPY conf.d/ /etc/app/conf.d/\n"
        "RUN chown -R 1001:0 /etc/app\n"
    )
    (finding,) = findings(text, "LW203")
    assert "drop the recursive chown" not in finding.message
    assert "also re-owns /etc/app" in finding.message
    # When the chown covers only what was copied, dropping it is the advice.
    text = "FROM debian:12\nRUN useradd app\nCOPY conf/ /etc/app/\nRUN chown -R app:app /etc/app\n"
    (finding,) = findings(text, "LW203")
    assert finding.message.endswith("drop the recursive chown")
