"""Conventions and hadolint parity (LW922–LW944): exact ranges, silence on unknowns, fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerwise.analysis import Finding, Fix, LintOptions, fix_text, lint_text
from layerwise.analysis.configfiles import read_config_file

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"


def findings(text: str, code: str, **options: object) -> list[Finding]:
    opts = LintOptions(select=(code,), **options)  # type: ignore[arg-type]
    result = lint_text(text, options=opts)
    assert not result.failures, result.failures
    return [f for f in result.findings if f.code == code]


def spans(text: str, code: str, **options: object) -> list[str]:
    return [text[f.span.start : f.span.end] for f in findings(text, code, **options)]


def fixed(text: str, code: str, unsafe: bool = True, **options: object) -> str:
    opts = LintOptions(select=(code,), **options)  # type: ignore[arg-type]
    return fix_text(text, options=opts, unsafe=unsafe).text


def only_fix(text: str, code: str, **options: object) -> Fix:
    (finding,) = findings(text, code, **options)
    assert finding.fix is not None
    return finding.fix


# -- LW922 missing-syntax-directive ----------------------------------------------------


def test_syntax_directive_points_at_first_feature_and_lists_the_rest() -> None:
    text = "FROM alpine:3.20\nCOPY --link a /a\nRUN --mount=type=cache,target=/x true\n"
    (finding,) = findings(text, "LW922")
    assert text[finding.span.start : finding.span.end] == "--link"
    assert [text[r.span.start : r.span.end] for r in finding.related] == [
        "--mount=type=cache,target=/x"
    ]
    assert finding.fix is not None and finding.fix.safe is False


def test_syntax_directive_heredoc_and_no_report_with_directive() -> None:
    text = "FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\n"
    assert spans(text, "LW922") == ["<<EOF"]
    assert findings("# syntax=docker/dockerfile:1\n" + text, "LW922") == []
    assert findings("FROM alpine:3.20\nCOPY --from=x --chown=1 a /a\nRUN true\n", "LW922") == []


def test_syntax_directive_fix_keeps_bom_and_other_directives() -> None:
    text = "\ufeff# escape=\\\nFROM alpine:3.20\nCOPY --chmod=755 a /a\n"
    assert fixed(text, "LW922") == (
        "\ufeff# syntax=docker/dockerfile:1\n# escape=\\\nFROM alpine:3.20\nCOPY --chmod=755 a /a\n"
    )
    crlf = "FROM alpine:3.20\r\nCOPY --link a /a\r\n"
    assert fixed(crlf, "LW922") == "# syntax=docker/dockerfile:1\r\n" + crlf
    assert findings(fixed(text, "LW922"), "LW922") == []


def test_syntax_directive_off_by_default_and_not_for_windows() -> None:
    text = "FROM alpine:3.20\nCOPY --link a /a\n"
    assert "LW922" not in {f.code for f in lint_text(text).findings}
    windows = "# escape=`\nFROM mcr.microsoft.com/dotnet/runtime:8.0-nanoserver-ltsc2022\nCOPY --link a C:/a\n"
    assert findings(windows, "LW922") == []
    mixed = "FROM alpine:3.20 AS b\nCOPY --link a /a\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n"
    assert spans(mixed, "LW922") == ["--link"]


# -- LW923 syntax-directive-too-old ------------------------------------------------------


def test_old_syntax_version() -> None:
    text = "# syntax=docker/dockerfile:1.3\nFROM alpine:3.20\nCOPY --link a /a\n"
    (finding,) = findings(text, "LW923")
    assert text[finding.span.start : finding.span.end] == "docker/dockerfile:1.3"
    assert "1.4" in finding.message
    assert fixed(text, "LW923").startswith("# syntax=docker/dockerfile:1.4\n")


@pytest.mark.parametrize(
    "directive",
    [
        "docker/dockerfile:1",
        "docker/dockerfile:1.4",
        "docker.io/docker/dockerfile:1.4.3",
        "docker/dockerfile-upstream:master",
        "tonistiigi/dockerfile:1.0",
    ],
)
def test_old_syntax_accepts_new_enough_or_unknown(directive: str) -> None:
    text = f"# syntax={directive}\nFROM alpine:3.20\nCOPY --link a /a\nRUN <<EOF\ntrue\nEOF\n"
    assert findings(text, "LW923") == []


def test_old_syntax_labs_channel_and_digest() -> None:
    labs = "# syntax=docker/dockerfile:1.6-labs\nFROM alpine:3.20\nCOPY --parents a/b /c/\n"
    assert fixed(labs, "LW923").startswith("# syntax=docker/dockerfile:1.7-labs\n")
    assert findings(labs.replace("1.6-labs", "1.7-labs"), "LW923") == []
    stable = "# syntax=docker/dockerfile:1.7\nFROM alpine:3.20\nCOPY --parents a/b /c/\n"
    assert "1.20" in findings(stable, "LW923")[0].message
    pinned = "# syntax=docker/dockerfile:1.2@sha256:abcd\nFROM alpine:3.20\nCOPY --link a /a\n"
    (finding,) = findings(pinned, "LW923")
    assert finding.fix is None


# -- LW924 useless-cd ---------------------------------------------------------------------


def test_useless_cd() -> None:
    text = "FROM alpine:3.20\nRUN cd /app\nRUN make && cd /out\nRUN cd /x && make\n"
    assert spans(text, "LW924") == ["cd /app", "cd /out"]


@pytest.mark.parametrize(
    "run",
    [
        "RUN (cd /app)",
        "RUN if [ -d /app ]; then cd /app; fi",
        "RUN make; cd /app; make install",
        "RUN <<EOF\ncd /app\nEOF",
        'RUN ["sh", "-c", "cd /app"]',
    ],
)
def test_useless_cd_silent(run: str) -> None:
    assert findings(f"FROM alpine:3.20\n{run}\n", "LW924") == []


# -- LW925 cd-instead-of-workdir ------------------------------------------------------------


def test_cd_instead_of_workdir_span_and_fix() -> None:
    text = "FROM node:20-slim\nCOPY . /app\n# install\nRUN cd /app \\\n    && npm ci\n"
    fix = only_fix(text, "LW925")
    assert spans(text, "LW925") == ["cd /app"]
    assert fix.safe is False
    assert fixed(text, "LW925") == (
        "FROM node:20-slim\nCOPY . /app\nWORKDIR /app\n# install\nRUN npm ci\n"
    )


def test_cd_after_set_options() -> None:
    text = "FROM debian:12\nRUN mkdir -p /srv\nRUN set -eux; cd /srv; make\n"
    assert fixed(text, "LW925") == (
        "FROM debian:12\nRUN mkdir -p /srv\nWORKDIR /srv\nRUN set -eux; make\n"
    )


@pytest.mark.parametrize(
    "run",
    [
        "RUN set -eux; cd /usr/src/x; make; cd /; rm -rf /usr/src/x",
        "RUN cd /usr/src/x && make && rm -rf /usr/src",
        "RUN cd /tmp && wget https://example.com/x",
        "RUN --mount=type=cache,target=/build cd /build && make",
        "RUN cd $HOME && ls",
        "RUN make && cd /app && make install",
        "RUN (cd /app && make)",
        "RUN cd /app",
        # A glob: WORKDIR does not expand it; under /tmp: a scratch build directory.
        "COPY x.tgz /tmp/\nRUN cd /tmp/x-* && ./configure && make install",
        "COPY src /tmp/build/src\nRUN cd /tmp/build && make",
        # A one-off cd into a directory of the base image, which the file never populates.
        "RUN cd /usr/share/nginx/html && rm -rf * && curl -sSL https://x/a.zip | busybox unzip -",
    ],
)
def test_cd_instead_of_workdir_silent(run: str) -> None:
    assert findings(f"FROM debian:12\n{run}\n", "LW925") == []


def test_cd_instead_of_workdir_no_fix_for_non_literal() -> None:
    text = "FROM debian:12\nARG DIR=/srv\nCOPY . /srv/\nRUN cd $DIR && make\n"
    (finding,) = findings(text, "LW925")
    assert finding.fix is None


def test_cd_instead_of_workdir_own_directories() -> None:
    # Repeated in two RUNs of the stage, or the directory an earlier ADD fills.
    repeated = "FROM debian:12\nRUN cd /var/www && unzip a.zip\nRUN cd /var/www && mv b c\n"
    assert spans(repeated, "LW925") == ["cd /var/www", "cd /var/www"]
    added = "FROM debian:12\nADD https://x/a.zip /var/www/a.zip\nRUN cd /var/www && unzip a.zip\n"
    assert spans(added, "LW925") == ["cd /var/www"]


def test_cd_instead_of_workdir_not_on_windows() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN cd C:\\app && dir\n"
    assert findings(text, "LW925") == []


# -- LW926 missing-pipefail -----------------------------------------------------------------


@pytest.mark.parametrize(
    "run, span",
    [
        ("RUN curl -fsSL https://x/install.sh | sh", "curl -fsSL https://x/install.sh | sh"),
        ("RUN wget -qO- https://x | python3 -", "wget -qO- https://x | python3 -"),
        ("RUN make 2>&1 | tee /build.log", "make 2>&1 | tee /build.log"),
        (
            "RUN curl -fsS https://x/list | grep -v '#' | sort -u > /list.txt",
            "curl -fsS https://x/list | grep -v '#' | sort -u > /list.txt",
        ),
        (
            "RUN govulncheck ./... | while read f; do echo $f; done",
            "govulncheck ./... | while read f",
        ),
        # A local read feeding a tool that can fail: the tool is the producer that matters.
        ("RUN cat /x.json | mytool | tee /out.log", "cat /x.json | mytool | tee /out.log"),
    ],
)
def test_pipefail_reports_masking_pipes(run: str, span: str) -> None:
    assert spans(f"FROM debian:12\n{run}\n", "LW926") == [span]


@pytest.mark.parametrize(
    "run",
    [
        "RUN curl -fsSL https://x/a.tgz | tar -xz",
        'RUN echo "$SHA  file" | sha256sum -c -',
        "RUN curl -fsSL https://x/key | gpg --import",
        "RUN dpkg -l | grep -q curl",
        "RUN echo hi | sh",
        "RUN find / | sort -u",
        # Only local reads and text filters feed the pipe: nothing worth a SHELL change.
        "RUN find / -name '*.so' -exec dirname '{}' ';' | sort -u > /libs.txt",
        "RUN ls /x | while read f; do echo $f; done",
        "RUN cat /etc/list | while read i; do echo $i; done",
        "RUN set -euxo pipefail; curl https://x | sh",
        'RUN case "$a" in x|y) echo a ;; *) echo b ;; esac',
        'RUN ["sh", "-c", "curl x | sh"]',
        "RUN bash -o pipefail -c 'curl x | sh'",
    ],
)
def test_pipefail_silent(run: str) -> None:
    assert findings(f"FROM debian:12\n{run}\n", "LW926") == []


def test_pipefail_shell_instruction() -> None:
    good = 'FROM debian:12\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nRUN curl x | sh\n'
    assert findings(good, "LW926") == []
    inherited = good.replace("debian:12", "debian:12 AS base") + "FROM base\nRUN curl y | sh\n"
    assert findings(inherited, "LW926") == []
    bash_without = 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN curl x | sh\n'
    assert len(findings(bash_without, "LW926")) == 1
    powershell = 'FROM debian:12\nSHELL ["pwsh", "-Command"]\nRUN curl x | sh\n'
    assert findings(powershell, "LW926") == []


def test_pipefail_fix_one_shell_per_stage_for_official_debian_images() -> None:
    text = (
        "FROM debian:12\n# get it\nRUN curl -fsSL https://x | sh\nRUN curl -fsSL https://y | bash\n"
    )
    result = findings(text, "LW926")
    assert [f.fix is not None for f in result] == [True, False]
    assert result[0].fix is not None and result[0].fix.safe is False
    assert fixed(text, "LW926") == (
        'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n# get it\n'
        "RUN curl -fsSL https://x | sh\nRUN curl -fsSL https://y | bash\n"
    )


@pytest.mark.parametrize("base", ["alpine:3.20", "node:20-alpine", "myorg/base:1", "busybox:1"])
def test_pipefail_no_fix_without_bash(base: str) -> None:
    (finding,) = findings(f"FROM {base}\nRUN curl x | sh\n", "LW926")
    assert finding.fix is None


# -- LW927 copy-multiple-sources-to-file ------------------------------------------------------


def test_multi_source_destination() -> None:
    text = (
        "FROM alpine:3.20\n"
        "COPY a b /dst\n"
        'COPY ["a", "b", "/c"]\n'
        'COPY ["a", "b", "/my dir"]\n'
        "ADD a.txt b.txt /d\n"
        "COPY <<one <<two /e\nx\none\ny\ntwo\n"
    )
    assert spans(text, "LW927") == ["/dst", '"/c"', '"/my dir"', "/d", "/e"]
    assert fixed(text, "LW927") == (
        "FROM alpine:3.20\n"
        "COPY a b /dst/\n"
        'COPY ["a", "b", "/c/"]\n'
        'COPY ["a", "b", "/my dir/"]\n'
        "ADD a.txt b.txt /d/\n"
        "COPY <<one <<two /e/\nx\none\ny\ntwo\n"
    )
    assert all(f.fix is not None and f.fix.safe for f in findings(text, "LW927"))


@pytest.mark.parametrize(
    "copy",
    ["COPY a b ./", "COPY a /x", "COPY *.json /app", "COPY a b $DEST", "COPY --from=b /a /b /c/"],
)
def test_multi_source_destination_silent(copy: str) -> None:
    assert findings(f"FROM alpine:3.20\n{copy}\n", "LW927") == []


def test_multi_source_destination_resolves_variables_and_windows() -> None:
    assert findings("FROM alpine:3.20\nARG D=/app/\nCOPY a b $D\n", "LW927") == []
    assert spans("FROM alpine:3.20\nARG D=/app\nCOPY a b $D\n", "LW927") == ["$D"]
    windows = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY a b C:\\app\\\n"
    assert findings(windows, "LW927") == []


# -- LW928 invalid-json-form -------------------------------------------------------------------


def test_invalid_json_forms_and_fixes() -> None:
    text = (
        "FROM node:20-slim\n"
        "RUN ['npm', 'ci']\n"
        "ENTRYPOINT [node, server.js]\n"
        'VOLUME ["/data",]\n'
        "CMD ['node', \"a b.js\"]\n"
    )
    assert spans(text, "LW928") == [
        "['npm', 'ci']",
        "[node, server.js]",
        '["/data",]',
        "['node', \"a b.js\"]",
    ]
    assert fixed(text, "LW928") == (
        "FROM node:20-slim\n"
        'RUN ["npm", "ci"]\n'
        'ENTRYPOINT ["node", "server.js"]\n'
        'VOLUME ["/data"]\n'
        'CMD ["node", "a b.js"]\n'
    )


def test_invalid_json_quotes_are_escaped() -> None:
    text = "FROM alpine:3.20\nCMD ['echo', 'say \"hi\"']\n"
    assert fixed(text, "LW928") == 'FROM alpine:3.20\nCMD ["echo", "say \\"hi\\""]\n'


@pytest.mark.parametrize(
    "line",
    [
        "RUN [ -f /etc/os-release ]",
        'RUN [ "$a" = "b" ] && echo',
        'CMD ["node", "a.js"]',
        "RUN [x]",
        "LABEL x=['a', 'b']",
    ],
)
def test_invalid_json_silent(line: str) -> None:
    assert findings(f"FROM alpine:3.20\n{line}\n", "LW928") == []


def test_invalid_json_no_fix_with_variables_and_shell_message() -> None:
    (finding,) = findings("FROM alpine:3.20\nCMD ['node', '$APP']\n", "LW928")
    assert finding.fix is None
    (shell,) = findings("FROM alpine:3.20\nSHELL ['/bin/bash', '-c']\n", "LW928")
    assert "SHELL accepts only" in shell.message
    onbuild = "FROM alpine:3.20\nONBUILD CMD ['x', 'y']\n"
    assert spans(onbuild, "LW928") == ["['x', 'y']"]


# -- LW929 untrusted-registry -------------------------------------------------------------------


def test_untrusted_registry() -> None:
    text = (
        "FROM node:20 AS build\n"
        "FROM gcr.io/distroless/nodejs20-debian12\n"
        "FROM build\n"
        "FROM scratch\n"
        "COPY --from=quay.io/org/tool:1 /bin/tool /tool\n"
        "COPY --from=build /app /app\n"
        "FROM $UNKNOWN\n"
    )
    trusted = ("gcr.io", "registry.example.com")
    assert spans(text, "LW929", trusted_registries=trusted) == ["node:20", "quay.io/org/tool:1"]
    assert findings(text, "LW929") == []  # no policy configured


@pytest.mark.parametrize(
    "trusted", [("docker.io",), ("hub.docker.com",), ("index.docker.io",), ("*.io",)]
)
def test_trusted_docker_hub_spellings(trusted: tuple[str, ...]) -> None:
    text = "FROM node:20\nFROM docker.io/library/python:3.12\n"
    assert findings(text, "LW929", trusted_registries=trusted) == []


def test_trusted_registry_wildcards() -> None:
    text = "FROM eu.registry.example.com/a:1\nFROM evil.com/a:1\n"
    assert spans(text, "LW929", trusted_registries=("*.example.com",)) == ["evil.com/a:1"]


# -- LW930–LW939 labels ---------------------------------------------------------------------------


def test_invalid_label_keys() -> None:
    text = (
        "FROM alpine:3.20\n"
        "ARG K=team\n"
        "LABEL Maintainer=x com.docker.x=1 a..b=1 build_date=1 org.example.ok-1=1 $K=v $NOPE=v\n"
    )
    assert spans(text, "LW930") == ["Maintainer", "com.docker.x", "a..b", "build_date"]


SCHEMA = {
    "org.opencontainers.image.source": "url",
    "org.opencontainers.image.created": "rfc3339",
    "org.opencontainers.image.licenses": "spdx",
    "org.opencontainers.image.revision": "hash",
    "org.opencontainers.image.version": "semver",
    "org.opencontainers.image.authors": "email",
    "team": "text",
}


def test_missing_required_label_on_final_stage_chain() -> None:
    text = "FROM alpine:3.20 AS base\nLABEL team=core\nFROM base\nLABEL other=1\n"
    (finding,) = findings(text, "LW931", required_labels={"team": "text", "owner": "email"})
    assert text[finding.span.start : finding.span.end] == "FROM base"
    assert "'owner'" in finding.message
    assert findings(text, "LW931") == []


def test_superfluous_label_needs_strict() -> None:
    text = "FROM alpine:3.20\nLABEL team=core extra=1\n"
    assert spans(text, "LW932", required_labels={"team": "text"}, strict_labels=True) == ["extra"]
    assert findings(text, "LW932", required_labels={"team": "text"}) == []


def test_empty_required_label() -> None:
    text = 'FROM alpine:3.20\nARG V\nLABEL team="" org.opencontainers.image.version=$V x=""\n'
    assert spans(text, "LW933", required_labels=SCHEMA) == ['""']


@pytest.mark.parametrize(
    "code, label, bad, good",
    [
        ("LW934", "org.opencontainers.image.source", "github.com/x", "https://github.com/x"),
        ("LW934", "org.opencontainers.image.source", "https://", "git+ssh://git@github.com/x"),
        (
            "LW935",
            "org.opencontainers.image.created",
            "2024-13-01T00:00:00Z",
            "2024-12-01T00:00:00.5+01:00",
        ),
        ("LW935", "org.opencontainers.image.created", "2024-05-01", "2024-05-01T23:59:60Z"),
        (
            "LW936",
            "org.opencontainers.image.licenses",
            "MIT OR",
            "(MIT OR Apache-2.0) AND BSD-3-Clause",
        ),
        (
            "LW936",
            "org.opencontainers.image.licenses",
            "Apache 2",
            "GPL-2.0-only WITH Classpath-exception-2.0",
        ),
        ("LW937", "org.opencontainers.image.revision", "main", "0123abc"),
        (
            "LW937",
            "org.opencontainers.image.revision",
            "0123ab",
            "0123456789abcdef0123456789abcdef01234567",
        ),
        ("LW938", "org.opencontainers.image.version", "1.2", "1.2.0-rc.1+build.5"),
        ("LW938", "org.opencontainers.image.version", "v1.2.3", "0.0.1"),
        (
            "LW939",
            "org.opencontainers.image.authors",
            "Jo <jo@example.com>",
            "jo.doe+ops@example.com",
        ),
    ],
)
def test_typed_labels(code: str, label: str, bad: str, good: str) -> None:
    bad_text = f'FROM alpine:3.20\nLABEL {label}="{bad}"\n'
    good_text = f'FROM alpine:3.20\nLABEL {label}="{good}"\n'
    assert spans(bad_text, code, required_labels=SCHEMA) == [f'"{bad}"']
    assert findings(good_text, code, required_labels=SCHEMA) == []
    assert findings(bad_text, code) == []  # no schema, no policy


def test_typed_labels_resolve_variables_and_skip_unknown() -> None:
    text = "FROM alpine:3.20\nARG V=1.2\nARG R\nLABEL org.opencontainers.image.version=$V\n"
    assert spans(text, "LW938", required_labels=SCHEMA) == ["$V"]
    text = "FROM alpine:3.20\nARG R\nLABEL org.opencontainers.image.revision=$R\n"
    assert findings(text, "LW937", required_labels=SCHEMA) == []


# -- LW940 relative-copy-without-workdir ---------------------------------------------------------


def test_relative_copy_without_workdir() -> None:
    text = (
        "FROM node:20\n"
        "COPY package.json ./\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        "FROM node:20 AS w\n"
        "WORKDIR /w\n"
        "FROM w\n"
        "COPY a b/\n"
        "FROM scratch\n"
        "COPY a b\n"
        "FROM node:20\n"
        "COPY a $DEST\n"
        "COPY a /abs\n"
        "ADD a.tar.gz opt/\n"
    )
    # The first stage is a builder nothing copies from: its files are used where they are.
    assert spans(text, "LW940") == ["opt/"]


def test_relative_copy_one_finding_per_stage() -> None:
    text = "FROM node:20\nCOPY package.json ./\nCOPY src ./src\n"
    (finding,) = findings(text, "LW940")
    assert text[finding.span.start : finding.span.end] == "./"
    assert [text[r.span.start : r.span.end] for r in finding.related] == ["./src"]


def test_relative_copy_in_builder_stage() -> None:
    # Read relatively by the next RUN, copied out by an absolute path the RUN writes.
    quiet = (
        "FROM python:3.12 AS builder\nCOPY requirements.txt .\n"
        "RUN pip install --prefix=/install -r requirements.txt\n"
        "FROM python:3.12-slim\nCOPY --from=builder /install /usr/local\n"
    )
    assert findings(quiet, "LW940") == []
    # Another stage copies a top-level path that only the base's directory being / puts there.
    loud = (
        "FROM rust:1.80 AS build\nCOPY Cargo.toml .\nRUN cargo build && cp target/app app\n"
        "FROM scratch\nCOPY --from=build /app /app\n"
    )
    assert spans(loud, "LW940") == ["."]


def test_relative_copy_windows_absolute() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY a C:\\app\\\n"
    assert findings(text, "LW940") == []


# -- LW941 useradd-high-uid-without-l ------------------------------------------------------------


def test_useradd_high_uid() -> None:
    text = (
        "FROM debian:12\n"
        "RUN useradd -u 123456 a && useradd -lu 200000 b && useradd --uid=150000 c "
        "&& useradd -u 1000 d && useradd -r -m -u100001 e && useradd --no-log-init -u 999999 f\n"
    )
    assert spans(text, "LW941") == ["123456", "--uid=150000", "-u100001"]
    assert fixed(text, "LW941") == (
        "FROM debian:12\n"
        "RUN useradd -l -u 123456 a && useradd -lu 200000 b && useradd -l --uid=150000 c "
        "&& useradd -u 1000 d && useradd -l -r -m -u100001 e && useradd --no-log-init -u 999999 f\n"
    )
    assert all(f.fix is not None and f.fix.safe for f in findings(text, "LW941"))


def test_useradd_uid_from_variables() -> None:
    assert spans("FROM debian:12\nARG UID=100000\nRUN useradd -u $UID app\n", "LW941") == ["$UID"]
    assert findings("FROM debian:12\nARG UID\nRUN useradd -u $UID app\n", "LW941") == []
    assert findings("FROM debian:12\nRUN useradd -g 100000 -s /bin/sh app\n", "LW941") == []


# -- LW942 env-uses-own-variable -----------------------------------------------------------------


def test_env_uses_own_variable() -> None:
    text = "FROM debian:12\nARG B=1\nENV A=1 C=$A \\\n    D=${A}/x E=$B PATH=$PATH:/x F='$A'\n"
    result = findings(text, "LW942")
    assert [text[f.span.start : f.span.end] for f in result] == ["$A", "${A}"]
    assert [r.message for r in result[0].related] == ["A is set here"]
    assert [f.fix is not None for f in result] == [True, False]
    assert fixed(text, "LW942") == (
        "FROM debian:12\nARG B=1\nENV A=1\nENV C=$A \\\n    D=${A}/x E=$B PATH=$PATH:/x F='$A'\n"
    )


def test_env_uses_own_variable_silent() -> None:
    assert findings("FROM debian:12\nENV A=0\nENV A=1 B=$A\n", "LW942") == []
    assert findings("FROM debian:12\nENV PATH=/x:$PATH\n", "LW942") == []
    assert findings("FROM debian:12\nENV A 1 $A\n", "LW942") == []


def test_env_uses_later_variable_has_no_fix_and_comment_blocks_fix() -> None:
    (later,) = findings("FROM debian:12\nENV B=$A A=1\n", "LW942")
    assert later.fix is None
    text = "FROM debian:12\nENV A=1 \\\n# note\n    B=$A\n"
    (commented,) = findings(text, "LW942")
    assert commented.fix is None


# -- LW943 relink-bin-sh, LW944 pointless-command --------------------------------------------------


def test_relink_bin_sh() -> None:
    text = (
        "FROM debian:12\n"
        "RUN ln -sf /bin/bash /bin/sh\n"
        "RUN ln --symbolic --force bash /usr/bin/sh\n"
        "RUN ln -s /bin/sh /usr/local/bin/sh\n"
        "RUN ln /bin/bash /bin/sh.bak\n"
    )
    assert spans(text, "LW943") == [
        "ln -sf /bin/bash /bin/sh",
        "ln --symbolic --force bash /usr/bin/sh",
    ]


def test_pointless_commands() -> None:
    text = (
        "FROM debian:12\n"
        "RUN command -v ps && ps aux && service nginx start && sudo kill 1 && vim -c wq x\n"
        "RUN apt-get install -y vim procps && ssh-keyscan github.com >> /k\n"
    )
    assert spans(text, "LW944") == ["ps", "service", "kill", "vim"]


# -- documents of the policy rules, linted with their configuration ------------------------------


def _doc_blocks(section: str, text: str) -> dict[str, str]:
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    blocks: dict[str, str] = {}
    for chunk in body.split("```")[1::2]:
        info, _, content = chunk.partition("\n")
        blocks[info] = content
    return blocks


@pytest.mark.parametrize(
    "code",
    ["LW929", "LW931", "LW932", "LW933", "LW934", "LW935", "LW936", "LW937", "LW938", "LW939"],
)
def test_policy_rule_documents_with_their_configuration(code: str, tmp_path: Path) -> None:
    text = (RULES_DIR / f"{code}.md").read_text(encoding="utf-8")
    for section, expect_findings in (("Bad", True), ("Good", False)):
        blocks = _doc_blocks(section, text)
        config_file = tmp_path / f"{section}.toml"
        config_file.write_text(blocks["toml"], encoding="utf-8")
        config, errors = read_config_file(config_file)
        assert config is not None and not errors, errors
        base = config.lint_options()
        options = LintOptions(
            select=(code,),
            trusted_registries=base.trusted_registries,
            required_labels=base.required_labels,
            strict_labels=base.strict_labels,
        )
        result = lint_text(blocks["dockerfile"], options=options)
        assert bool([f for f in result.findings if f.code == code]) is expect_findings, section


def test_label_key_project_atomic_labels_stay_uppercase() -> None:
    text = 'FROM centos:7\nLABEL INSTALL="docker run --rm ${IMAGE} /install.sh" RUN="docker run -d ${IMAGE}"\nLABEL UNINSTALL="x" STOP="y" Version="1"\n'
    assert spans(text, "LW930") == ["Version"]
