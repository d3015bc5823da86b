"""Rule behaviour beyond the doc examples: edge cases, exact ranges, fix guards."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.analysis import FileSystemProject, Finding, LintOptions, fix_text, lint_text
from layerwise.analysis.context import LintContext
from layerwise.analysis.edits import merge_runs
from layerwise.analysis.facts import expand, parse_image
from layerwise.syntax import parse


def findings(text: str, code: str, **kwargs: object) -> list[Finding]:
    result = lint_text(text, options=LintOptions(select=(code,)), **kwargs)  # type: ignore[arg-type]
    return [f for f in result.findings if f.code == code]


def spans(text: str, code: str) -> list[str]:
    return [text[f.span.start : f.span.end] for f in findings(text, code)]


def fixed(text: str, code: str, unsafe: bool = True) -> str:
    return fix_text(text, options=LintOptions(select=(code,)), unsafe=unsafe).text


# -- facts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, env, expected",
    [
        ("$A", {"A": "x"}, "x"),
        ("${A}-b", {"A": "x"}, "x-b"),
        ("${A:-d}", {}, "d"),
        ("${A:-d}", {"A": ""}, "d"),
        ("${A-d}", {"A": ""}, ""),
        ("${A:+set}", {"A": "x"}, "set"),
        ("${A:+set}", {}, ""),
        ("${A+set}", {"A": ""}, "set"),
        ("$A", {"A": None}, None),
        ("${A:-d}", {"A": None}, None),
        ("$UNDEFINED", {}, None),
        ("\\$A", {}, "$A"),
    ],
)
def test_expand(text: str, env: dict[str, str | None], expected: str | None) -> None:
    assert expand(text, env) == expected


def test_parse_image() -> None:
    ref = parse_image("gcr.io/distroless/static:nonroot")
    assert (
        ref is not None
        and ref.registry == "gcr.io"
        and ref.name == "static"
        and ref.tag == "nonroot"
    )
    ref = parse_image("localhost:5000/app@sha256:abc")
    assert (
        ref is not None
        and ref.registry == "localhost:5000"
        and ref.tag is None
        and ref.digest == "sha256:abc"
    )
    ref = parse_image("node")
    assert ref is not None and ref.is_official and ref.tag is None
    assert parse_image("$X") is None


# -- base image ----------------------------------------------------------------------


def test_untagged_exact_range_and_variables() -> None:
    assert spans("FROM ubuntu\n", "LW101") == ["ubuntu"]
    assert spans("ARG BASE=node:20-slim\nFROM $BASE\n", "LW101") == []
    text = "ARG BASE=ubuntu\nFROM ${BASE} AS build\n"
    (finding,) = findings(text, "LW101")
    assert text[finding.span.start : finding.span.end] == "${BASE}"
    assert "'ubuntu'" in finding.message
    assert findings("ARG BASE\nFROM $BASE\n", "LW101") == []
    assert findings("FROM ${REGISTRY:-docker.io}/library/node:20\n", "LW101") == []
    assert findings("FROM scratch\nFROM golang:1.22 AS b\nFROM b\n", "LW101") == []
    assert findings("FROM ubuntu@sha256:0123\n", "LW101") == []


def test_latest_tag() -> None:
    assert spans("FROM --platform=$BUILDPLATFORM ubuntu:latest AS x\n", "LW102") == [
        "ubuntu:latest"
    ]
    assert findings("FROM ubuntu:latest@sha256:0123\n", "LW102") == []


# -- user ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base, lines",
    [
        ("node:20-slim", "USER node\n"),
        ("python:3.12-alpine", "RUN addgroup -S app && adduser -S -G app app\nUSER app\n"),
        (
            "python:3.12-slim",
            "RUN groupadd --system app && useradd --system --gid app --no-create-home app\nUSER app\n",
        ),
        ("gcr.io/distroless/base-debian12", "USER nonroot:nonroot\n"),
        ("scratch", "USER 65532:65532\n"),
        ("ghcr.io/acme/runtime:1", "USER 65532:65532\n"),
    ],
)
def test_insert_user_per_base(base: str, lines: str) -> None:
    text = f'FROM {base}\nCOPY app /app\n# run it\nCMD ["/app"]\n'
    assert fixed(text, "LW201") == f'FROM {base}\nCOPY app /app\n{lines}# run it\nCMD ["/app"]\n'
    assert fixed(text, "LW201", unsafe=False) == text


def test_insert_user_reuses_a_created_user_and_appends_at_end() -> None:
    text = 'FROM debian:12\nRUN useradd -r -u 1001 appuser\nCOPY app /app\nCMD ["/app/run"]\n'
    assert fixed(text, "LW201") == (
        'FROM debian:12\nRUN useradd -r -u 1001 appuser\nCOPY app /app\nUSER appuser\nCMD ["/app/run"]\n'
    )
    server = 'FROM debian:12\nCOPY app /app\nENTRYPOINT ["/app/serve"]\n'
    assert fixed(server, "LW201").endswith('USER app\nENTRYPOINT ["/app/serve"]\n')


def test_no_user_finding_for_images_built_to_be_extended() -> None:
    assert findings("FROM debian:12\nRUN apt-get update\n", "LW201") == []  # no command
    assert findings('FROM debian:12\nCMD ["bash"]\n', "LW201") == []
    assert findings('FROM python:3.12\nCMD ["python3"]\n', "LW201") == []
    gosu = (
        'FROM debian:12\nRUN apt-get install -y gosu\nENTRYPOINT ["entry.sh"]\nCMD ["postgres"]\n'
    )
    assert findings(gosu, "LW201") == []
    assert findings('FROM debian:12\nCMD ["python3", "app.py"]\n', "LW201") != []


def test_no_user_finding_when_not_applicable() -> None:
    assert findings("FROM gcr.io/distroless/static:nonroot\n", "LW201") == []
    assert findings('FROM debian:12 AS base\nUSER app\nFROM base\nCMD ["x"]\n', "LW201") == []
    assert findings("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n", "LW201") == []
    assert findings("ARG BASE\nFROM $BASE\n", "LW201") == []
    assert findings("FROM debian:12 AS build\nRUN make\nFROM debian:12\nUSER app\n", "LW201") == []


def test_root_user_last() -> None:
    text = 'FROM debian:12\nUSER app\nRUN make\nUSER root\nCMD ["app"]\n'
    assert spans(text, "LW202") == ["root"]
    assert findings("FROM debian:12\nUSER 0:0\nUSER app\n", "LW202") == []


# -- secrets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "NPM_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "DB_PASSWORD",
        "githubToken",
        "API_KEY",
        "SSH_PRIVATE_KEY",
    ],
)
def test_secret_names(name: str) -> None:
    text = f"FROM debian:12\nARG {name}\nENV X=1 {name}=abc\n"
    assert spans(text, "LW301") == [name, name]


@pytest.mark.parametrize(
    "name", ["AWS_ACCESS_KEY_ID", "GPG_KEY", "PASSWORD_FILE", "TOKEN_URL", "PUBLIC_KEY", "KEYRING"]
)
def test_not_secret_names(name: str) -> None:
    assert findings(f"FROM debian:12\nARG {name}=x\n", "LW301") == []


def test_secret_arg_becomes_a_secret_mount_on_the_runs_that_read_it() -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "FROM node:20-slim\n"
        "ARG NPM_TOKEN\n"
        'RUN echo "//r/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc\n'
        "RUN npm run build\n"
        "RUN NPM_TOKEN=$NPM_TOKEN npm publish\n"
    )
    (finding,) = findings(text, "LW301")
    assert finding.fix is not None and not finding.fix.safe
    assert fixed(text, "LW301", unsafe=False) == text
    assert fixed(text, "LW301") == (
        "# syntax=docker/dockerfile:1\n"
        "FROM node:20-slim\n"
        'RUN --mount=type=secret,id=npm-token,env=NPM_TOKEN echo "//r/:_authToken=${NPM_TOKEN}" '
        "> .npmrc && npm ci && rm .npmrc\n"
        "RUN npm run build\n"
        "RUN --mount=type=secret,id=npm-token,env=NPM_TOKEN NPM_TOKEN=$NPM_TOKEN npm publish\n"
    )
    # Without a syntax directive the fix adds one: env= needs docker/dockerfile:1.10.
    bare = "FROM node:20-slim\nARG NPM_TOKEN\nRUN npm ci --token=$NPM_TOKEN\n"
    assert fixed(bare, "LW301") == (
        "# syntax=docker/dockerfile:1\nFROM node:20-slim\n"
        "RUN --mount=type=secret,id=npm-token,env=NPM_TOKEN npm ci --token=$NPM_TOKEN\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        # Read by something a secret mount cannot serve.
        "FROM node:20\nARG NPM_TOKEN\nENV T=$NPM_TOKEN\nRUN npm ci\n",
        # A frontend too old for env=.
        "# syntax=docker/dockerfile:1.4\nFROM node:20\nARG NPM_TOKEN\nRUN npm ci $NPM_TOKEN\n",
        # Nothing reads it ($NPM_TOKENS is another variable).
        "FROM node:20\nARG NPM_TOKEN\nRUN echo $NPM_TOKENS\n",
        # Several names in one ARG.
        "FROM node:20\nARG NPM_TOKEN OTHER\nRUN npm ci $NPM_TOKEN\n",
    ],
)
def test_secret_arg_without_a_mount_fix(text: str) -> None:
    assert all(f.fix is None for f in findings(text, "LW301") if "NPM_TOKEN" in f.message)


def test_global_secret_arg_has_no_fix_but_its_stage_declaration_does() -> None:
    text = "ARG NPM_TOKEN\nFROM node:20\nARG NPM_TOKEN\nRUN npm ci $NPM_TOKEN\n"
    first, second = findings(text, "LW301")
    assert first.fix is None  # before FROM: the stages that declare it again decide
    assert second.fix is not None


# -- build context -------------------------------------------------------------------


def test_dockerignore_lookup(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / ".env").write_text("TOKEN=x\n")  # something to keep out
    dockerfile = tmp_path / "svc" / "Dockerfile"
    text = "FROM debian:12\nCOPY . /app\nCOPY --from=build /out /out\n"
    project = FileSystemProject(tmp_path)
    assert spans_with(text, dockerfile, project) == ["."]
    (tmp_path / "svc" / "Dockerfile.dockerignore").write_text(".git\n")
    assert spans_with(text, dockerfile, project) == []
    (tmp_path / "svc" / "Dockerfile.dockerignore").unlink()
    (tmp_path / ".dockerignore").write_text(".git\n")
    assert spans_with(text, dockerfile, project) == []
    # Without a path (an unsaved editor buffer) the rule cannot know: no finding.
    assert findings(text, "LW401") == []


def spans_with(text: str, path: Path, project: FileSystemProject) -> list[str]:
    return [
        text[f.span.start : f.span.end] for f in findings(text, "LW401", path=path, project=project)
    ]


def test_dockerignore_lookup_stays_inside_the_project(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text(".git\n")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / ".git").mkdir()
    project = FileSystemProject(tmp_path / "repo")
    assert spans_with("FROM debian:12\nCOPY . .\n", tmp_path / "repo" / "Dockerfile", project) == [
        "."
    ]


# -- cache order ---------------------------------------------------------------------


def test_source_before_install() -> None:
    text = "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n"
    (finding,) = findings(text, "LW501")
    assert text[finding.span.start : finding.span.end] == "."
    assert "package.json package-lock.json" in finding.message
    assert (
        finding.related
        and text[finding.related[0].span.start : finding.related[0].span.end] == "npm ci"
    )
    good = "FROM node:20-slim\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n"
    assert findings(good, "LW501") == []
    assert findings("FROM node:20\nCOPY . .\nRUN npm install -g pm2\n", "LW501") == []
    assert (
        findings("FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n", "LW501") != []
    )


# -- RUN chaining --------------------------------------------------------------------


def test_chain_keeps_text_and_moves_comments() -> None:
    text = "FROM debian:12\nRUN make \\\n  all\n# why c\n\n# more\nRUN c\n"
    assert (
        fixed(text, "LW601") == "FROM debian:12\n# why c\n# more\nRUN make \\\n  all \\\n  && c\n"
    )


def test_chain_honours_escape_and_crlf() -> None:
    text = "# escape=`\r\nFROM debian:12\r\nRUN a\r\nRUN b\r\n"
    assert fixed(text, "LW601") == "# escape=`\r\nFROM debian:12\r\nRUN a `\r\n    && b\r\n"


@pytest.mark.parametrize(
    "first, second",
    [
        ("RUN cd /src", "RUN make"),
        ("RUN export A=1", "RUN echo $A"),
        ("RUN make", "RUN make test || true"),
        ("RUN make", "RUN a; b"),
        ("RUN make # comment", "RUN b"),
        ("RUN make;", "RUN b"),
        ('RUN ["make"]', "RUN b"),
        ("RUN <<EOF\nmake\nEOF", "RUN b"),
    ],
)
def test_chain_fix_refused_when_meaning_could_change(first: str, second: str) -> None:
    doc = parse(f"FROM debian:12\n{first}\n{second}\n")
    runs = [ins for ins in doc.instructions if ins.keyword == "RUN"]
    assert merge_runs(LintContext(doc), runs[0], runs[1]) is None


def test_chain_fix_offered_for_plain_commands() -> None:
    doc = parse("FROM debian:12\nRUN a | b\nRUN DEBIAN_FRONTEND=noninteractive c && d\n")
    runs = [ins for ins in doc.instructions if ins.keyword == "RUN"]
    assert merge_runs(LintContext(doc), runs[0], runs[1]) is not None


def test_chain_not_reported_for_different_flags_or_long_chains() -> None:
    assert findings("FROM debian:12\nRUN --mount=type=cache,target=/x a\nRUN b\n", "LW601") == []
    assert findings("FROM debian:12\nRUN a && b\nRUN d\n", "LW601") == []
    assert findings("FROM debian:12\nRUN a\nRUN c; d\n", "LW601") == []
    assert findings("FROM debian:12\nRUN a\nWORKDIR /x\nRUN b\n", "LW601") == []


def test_chain_refused_under_powershell() -> None:
    text = 'FROM debian:12\nSHELL ["pwsh", "-Command"]\nRUN a\nRUN b\n'
    (finding,) = findings(text, "LW601")
    assert finding.fix is None


# -- apt -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "opts", ["-y", "--yes", "-qq", "-qy", "-yq", "--assume-yes", "-o APT::Get::Assume-Yes=true"]
)
def test_apt_yes_variants(opts: str) -> None:
    assert findings(f"FROM debian:12\nRUN apt-get install {opts} curl\n", "LW603") == []


def test_apt_yes_fix_position_inside_multiline_and_heredoc() -> None:
    text = "FROM debian:12\nRUN apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get -q install \\\n   curl\n"
    assert fixed(text, "LW603") == text.replace("-q install", "-q install -y")
    heredoc = "FROM debian:12\nRUN <<EOF\nset -e\napt-get install curl\nEOF\n"
    assert spans(heredoc, "LW603") == ["apt-get install curl"]
    assert fixed(heredoc, "LW603") == heredoc.replace("install curl", "install -y curl")


def test_apt_recommends() -> None:
    text = "FROM debian:12\nRUN apt-get install -y curl\n"
    assert (
        fixed(text, "LW604")
        == "FROM debian:12\nRUN apt-get install --no-install-recommends -y curl\n"
    )
    assert fixed(text, "LW604", unsafe=False) == text
    assert (
        findings(
            "FROM debian:12\nRUN apt-get install -y -o APT::Install-Recommends=false curl\n",
            "LW604",
        )
        == []
    )
    configured = (
        "FROM debian:12\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/norec\n"
        "RUN apt-get install -y curl\n"
    )
    assert findings(configured, "LW604") == []


def test_apt_lists() -> None:
    one = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
    assert (
        fixed(one, "LW605")
        == "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
    )
    multi = "FROM debian:12\nRUN apt-get update \\\n\t&& apt-get install -y curl\n"
    assert fixed(multi, "LW605") == multi[:-1] + " \\\n\t&& rm -rf /var/lib/apt/lists/*\n"
    mounted = "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y x\n"
    assert findings(mounted, "LW605") == []
    builder = "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian:12\nCOPY --from=build /a /a\n"
    assert findings(builder, "LW605") == []
    # apt 2.7+ (Debian 13, Ubuntu 24.04): dist-clean removes the lists with the caches.
    dist_clean = (
        "FROM debian:13\nRUN apt-get update && apt-get install -y curl && apt-get dist-clean\n"
    )
    assert findings(dist_clean, "LW605") == []
    later = one + "RUN apt-get install -y git\n"
    (finding,) = findings(later, "LW605")
    assert finding.fix is not None and finding.fix.safe is False


def test_apt_update_alone_merges_into_next_install() -> None:
    text = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n"
    assert spans(text, "LW602") == ["apt-get update"]
    assert (
        fixed(text, "LW602")
        == "FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl\n"
    )
    assert findings("FROM debian:12\nRUN apt-get update && apt-get upgrade -y\n", "LW602") == []


# -- ADD -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "ADD https://example.com/x.txt /x",
        "ADD app.tar.gz /opt/",
        "ADD --checksum=sha256:00 data.bin /d",
        "ADD $FILE /x",
        "ADD git@github.com:acme/repo.git /src",
        "ADD build/* /x/",
    ],
)
def test_add_kept_where_add_is_needed_or_unknown(line: str) -> None:
    assert findings(f"FROM debian:12\n{line}\n", "LW701") == []


def test_add_to_copy_keeps_case_and_flags() -> None:
    text = "from debian:12\nadd --chown=app:app --link src /src\n"
    assert fixed(text, "LW701") == "from debian:12\ncopy --chown=app:app --link src /src\n"
    onbuild = "FROM debian:12\nONBUILD ADD . /app\n"
    assert fixed(onbuild, "LW701") == "FROM debian:12\nONBUILD COPY . /app\n"
    heredoc = "FROM debian:12\nADD <<EOF /etc/motd\nhello\nEOF\n"
    assert fixed(heredoc, "LW701") == heredoc.replace("ADD", "COPY")


# -- CMD / ENTRYPOINT ----------------------------------------------------------------


def test_exec_form_fix() -> None:
    text = "FROM python:3.12-slim\nCMD gunicorn -b 0.0.0.0:8000 'app:create_app()'\n"
    assert (
        fixed(text, "LW801")
        == 'FROM python:3.12-slim\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:create_app()"]\n'
    )


@pytest.mark.parametrize(
    "line, expected",
    [
        ("CMD node $APP", 'CMD ["/bin/sh", "-c", "exec node $APP"]'),
        (
            "CMD npm run migrate && node server.js",
            'CMD ["/bin/sh", "-c", "npm run migrate && exec node server.js"]',
        ),
        ("CMD cat *.log", 'CMD ["/bin/sh", "-c", "exec cat *.log"]'),
        ("CMD cat a | node x.js", None),
        ("CMD npm start &", None),
        ("CMD exec node a.js > /log", None),
        ("CMD if [ -f x ]; then node x; fi", None),
    ],
)
def test_shell_syntax_keeps_the_shell_and_execs_the_last_command(
    line: str, expected: str | None
) -> None:
    text = f"FROM node:20\n{line}\n"
    (finding,) = findings(text, "LW801")
    if expected is None:
        assert finding.fix is None
    else:
        assert fixed(text, "LW801") == f"FROM node:20\n{expected}\n"


def test_entrypoint_with_cmd_gets_no_fix_and_shell_or_windows_no_finding() -> None:
    (finding,) = findings('FROM node:20\nENTRYPOINT node a.js\nCMD ["--port", "80"]\n', "LW801")
    assert finding.fix is None
    assert findings('FROM node:20\nSHELL ["/bin/bash", "-c"]\nCMD node a.js\n', "LW801") == []
    assert (
        findings(
            "FROM mcr.microsoft.com/dotnet/framework/runtime:4.8\nENTRYPOINT app.exe\n", "LW801"
        )
        == []
    )


# -- correctness ---------------------------------------------------------------------


def test_unknown_instruction_suggests() -> None:
    (finding,) = findings("FROM debian:12\nCOPPY a b\n", "LW901")
    assert "did you mean COPY?" in finding.message


def test_missing_from_and_before_from() -> None:
    assert spans("RUN echo\n", "LW902") == ["RUN"]
    assert findings("", "LW902") == []
    assert spans("ARG V=1\nRUN echo\nFROM debian:12\n", "LW903") == ["RUN"]


def test_relative_workdir() -> None:
    assert spans("FROM debian:12\nWORKDIR app\n", "LW904") == ["app"]
    assert findings("FROM debian:12\nWORKDIR /srv\nWORKDIR app\n", "LW904") == []
    assert findings("FROM debian:12 AS a\nWORKDIR /srv\nFROM a\nWORKDIR app\n", "LW904") == []
    assert findings("FROM debian:12\nWORKDIR $HOME/app\n", "LW904") == []
    assert (
        findings("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n", "LW904")
        == []
    )


def test_copy_from_checks() -> None:
    text = "FROM debian:12 AS build\nFROM debian:12\nCOPY --from=biuld /a /a\nCOPY --from=nginx:1 /b /b\nCOPY --from=0 /c /c\n"
    (finding,) = findings(text, "LW905")
    assert text[finding.span.start : finding.span.end] == "biuld"
    assert "did you mean 'build'?" in finding.message
    assert spans("FROM debian:12 AS a\nCOPY --from=a /x /x\n", "LW906") == ["a"]
    assert spans("FROM debian:12\nCOPY --from=1 /x /x\nFROM debian:12\n", "LW905") == ["1"]


def test_duplicate_stage_names() -> None:
    text = "FROM debian:12 AS app\nFROM debian:12 AS App\n"
    assert spans(text, "LW907") == ["App"]


def test_maintainer_to_label_escapes() -> None:
    text = 'FROM debian:12\nMAINTAINER Jo "J" $HOME\n'
    assert (
        fixed(text, "LW908")
        == 'FROM debian:12\nLABEL org.opencontainers.image.authors="Jo \\"J\\" \\$HOME"\n'
    )
    quoted = 'FROM debian:12\nmaintainer "Jo <jo@x.io>"\n'
    assert (
        fixed(quoted, "LW908")
        == 'FROM debian:12\nlabel org.opencontainers.image.authors="Jo <jo@x.io>"\n'
    )


def test_syntax_errors_reported() -> None:
    text = "FROM debian:12\nRUN <<EOF\necho hi\n"
    (finding,) = findings(text, "LW001")
    assert "never terminated" in finding.message
    assert text[finding.span.start : finding.span.end] == "<<EOF"


def test_chain_fix_refused_after_bare_assignment() -> None:
    (finding,) = findings(
        'FROM debian:12\nRUN VERSION=1.2\nRUN echo "v$VERSION" > /version\n', "LW601"
    )
    assert finding.fix is None
    # An assignment prefixing a command affects only that command: merging is fine.
    (finding,) = findings(
        "FROM debian:12\nRUN DEBIAN_FRONTEND=noninteractive make\nRUN b\n", "LW601"
    )
    assert finding.fix is not None


def test_flags_on_cmd_are_a_syntax_error_and_nothing_else() -> None:
    # An instruction that does not parse gets the syntax error only: BuildKit stops there.
    text = "FROM node:20-slim\nCMD --inspect server.js\n"
    assert spans(text, "LW001") == ["--inspect"]
    assert findings(text, "LW801") == []
    assert (
        findings(
            "FROM debian:12\nCOPY --from=a --chmod=644 x y\nRUN --mount=type=cache,target=/x make\n",
            "LW001",
        )
        == []
    )


def test_flag_names_are_case_sensitive_like_buildkit() -> None:
    assert spans("FROM debian:12\nCOPY --FROM=build /a /b\n", "LW001") == ["--FROM"]


def test_untagged_hint_names_the_slim_variant_for_official_runtimes() -> None:
    (finding,) = findings("FROM python\n", "LW101")
    assert "'python:<version>-slim'" in finding.message
    (finding,) = findings("FROM ghcr.io/acme/tool\n", "LW101")
    assert "'ghcr.io/acme/tool:<version>'" in finding.message


def test_values_resolve_through_arg_and_env() -> None:
    assert spans("FROM debian:12\nARG DIR=app\nWORKDIR $DIR\n", "LW904") == ["$DIR"]
    assert findings("FROM debian:12\nARG DIR=/srv/app\nWORKDIR $DIR\n", "LW904") == []
    assert findings("FROM debian:12\nWORKDIR $UNKNOWN_FROM_BASE\n", "LW904") == []
    assert spans("FROM debian:12\nARG F=notes.txt\nADD $F /notes.txt\n", "LW701") == ["ADD"]
    assert findings("FROM debian:12\nARG F=bundle.tar.gz\nADD $F /opt/\n", "LW701") == []
    assert spans('FROM debian:12\nENV RUNAS=root\nUSER $RUNAS\nCMD ["app"]\n', "LW202") == [
        "$RUNAS"
    ]
    text = "FROM debian:12 AS build\nFROM debian:12\nARG SRC=build\nCOPY --from=$SRC /a /a\n"
    assert findings(text, "LW905") == []


def test_apt_lists_silent_for_any_mount_that_keeps_them_out() -> None:
    base = "FROM debian:12\nRUN {mount} apt-get update && apt-get install -y curl\n"
    for mount in (
        "--mount=type=cache,target=/var/lib/apt",
        "--mount=type=tmpfs,target=/var/lib/apt/lists",
        "--mount=type=cache,target=/var/lib/apt/lists/",
        "--mount=type=cache,target=$LISTS",
    ):
        assert findings(base.format(mount=mount), "LW605") == [], mount
    assert findings(base.format(mount="--mount=type=cache,target=/root/.cache"), "LW605") != []


def test_dockerfile_specific_ignore_counts_only_next_to_the_dockerfile(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "node_modules").mkdir()
    (tmp_path / "Dockerfile.dockerignore").write_text(".git\n")  # a parent's: BuildKit ignores it
    project = FileSystemProject(tmp_path)
    assert spans_with("FROM debian:12\nCOPY . .\n", tmp_path / "svc" / "Dockerfile", project) == [
        "."
    ]


# -- LW501 reorder fix --------------------------------------------------------------


@pytest.mark.parametrize(
    "before, after",
    [
        (
            "FROM node:20\nWORKDIR /app\nCOPY --chown=node . .\nRUN npm ci\nCMD x\n",
            "FROM node:20\nWORKDIR /app\nCOPY --chown=node package.json package-lock.json* ./\n"
            "RUN npm ci\nCOPY --chown=node . .\nCMD x\n",
        ),
        (
            # An absolute destination that WORKDIR then enters; the comment moves along.
            "FROM golang:1.22\n# everything\nCOPY . /src\nWORKDIR /src\nRUN go mod download\n",
            "FROM golang:1.22\nCOPY go.mod go.sum* /src/\nWORKDIR /src\nRUN go mod download\n"
            "# everything\nCOPY . /src\n",
        ),
        (
            "FROM python:3.12\r\nWORKDIR /app\r\nCOPY . .\r\nRUN pip install -r req.txt\r\n",
            "FROM python:3.12\r\nWORKDIR /app\r\nCOPY req.txt ./\r\nRUN pip install -r req.txt\r\n"
            "COPY . .\r\n",
        ),
    ],
)
def test_reorder_for_the_dependency_cache(before: str, after: str) -> None:
    (finding,) = findings(before, "LW501")
    assert finding.fix is not None and not finding.fix.safe
    assert fixed(before, "LW501") == after
    assert findings(after, "LW501") == []


@pytest.mark.parametrize(
    "text",
    [
        # The RUN also builds: it needs the source.
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n",
        # A RUN in between may read the source.
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN ls\nRUN npm ci\n",
        # The install runs elsewhere than where the source lands.
        "FROM node:20\nWORKDIR /app\nCOPY . /src\nRUN npm ci\n",
        # poetry installs the project itself, and so does pip with "-e ." or ".".
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN poetry install\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r req.txt -e .\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r req.txt .\n",
        # A variable in the flags could change meaning once moved.
        "FROM node:20\nWORKDIR /app\nCOPY --chown=$U . .\nRUN npm ci\n",
    ],
)
def test_no_reorder_fix(text: str) -> None:
    (finding,) = findings(text, "LW501")
    assert finding.fix is None


def test_placeholders_are_linked_and_the_rest_is_escaped() -> None:
    from layerwise.analysis.edits import with_placeholders
    from layerwise.analysis.rule import Edit

    edit = with_placeholders(
        Edit(0, 0, "RUN adduser app && echo ${HOME} \\ app-data app"), ("app",)
    )
    assert edit.new_text == "RUN adduser app && echo ${HOME} \\ app-data app"
    assert edit.snippet == "RUN adduser ${1:app} && echo \\${HOME\\} \\\\ app-data ${1:app}"
    assert with_placeholders(Edit(0, 0, "USER node"), ("app",)).snippet is None


def test_source_before_install_cargo_build_is_no_dependency_install() -> None:
    # cargo build compiles the crate's own sources: no dependency-only step to move up.
    assert (
        findings("FROM rust:1\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n", "LW501") == []
    )
    text = "FROM rust:1\nWORKDIR /app\nCOPY . .\nRUN cargo fetch\nRUN cargo build --release\n"
    (finding,) = findings(text, "LW501")
    assert "stub src/main.rs" in finding.message


def test_copy_from_unknown_suggests_the_stage_it_abbreviates() -> None:
    text = "FROM alpine:3 AS license-set\nRUN true\nFROM debian:12\nCOPY --from=set /x /x\n"
    (finding,) = findings(text, "LW905")
    assert "did you mean 'license-set'?" in finding.message
    # Two stages end with it: no guess.
    two = (
        "FROM alpine:3 AS license-set\nFROM alpine:3 AS notice-set\n"
        "FROM debian:12\nCOPY --from=set /x /x\n"
    )
    (finding,) = findings(two, "LW905")
    assert "did you mean" not in finding.message
