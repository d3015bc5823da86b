"""Precision fixes of branch fix-i: LW805, LW924, LW609, LW301, LW107, LW203, severities."""

from __future__ import annotations

from layerwise.analysis import Finding, LintOptions, lint_text


def codes(text: str, code: str, **options: tuple[str, ...]) -> list[Finding]:
    opts = LintOptions(**options) if options else LintOptions(extend_select=(code,))
    return [f for f in lint_text(text, options=opts).findings if f.code == code]


def lines(text: str, code: str, **options: tuple[str, ...]) -> list[int]:
    return [text.count("\n", 0, f.span.start) + 1 for f in codes(text, code, **options)]


# -- LW805: each finding names the hadolint check of its own instruction -----------------

_DUPLICATES = (
    "FROM alpine:3.22\n"
    "CMD a\n"
    "CMD b\n"
    "ENTRYPOINT c\n"
    "ENTRYPOINT d\n"
    "HEALTHCHECK CMD e\n"
    "HEALTHCHECK CMD f\n"
)


def test_lw805_ignoring_dl3012_keeps_duplicate_cmd_and_entrypoint() -> None:
    assert lines(_DUPLICATES, "LW805", ignore=("DL3012",)) == [2, 4]
    assert lines(_DUPLICATES, "LW805", ignore=("DL4003",)) == [4, 6]
    assert lines(_DUPLICATES, "LW805", ignore=("MultipleInstructionsDisallowed",)) == []
    assert lines(_DUPLICATES, "LW805", select=("DL4004",)) == [4]


def test_lw805_findings_name_their_aliases() -> None:
    found = {f.span.start: f.aliases for f in codes(_DUPLICATES, "LW805")}
    assert sorted(found.values()) == [
        ("DL3012", "MultipleInstructionsDisallowed"),
        ("DL4003", "MultipleInstructionsDisallowed"),
        ("DL4004", "MultipleInstructionsDisallowed"),
    ]


def test_lw805_hadolint_pragma_above_cmd_silences_only_it() -> None:
    text = "FROM alpine:3.22\n# hadolint ignore=DL4003\nCMD a\nCMD b\nENTRYPOINT c\nENTRYPOINT d\n"
    assert lines(text, "LW805") == [5]


def test_lw805_hadolint_pragma_for_another_check_keeps_the_finding() -> None:
    text = "FROM alpine:3.22\n# hadolint ignore=DL3012\nCMD a\nCMD b\n"
    assert lines(text, "LW805") == [3]


# -- LW924: a RUN that is only a cd is hadolint's DL3003 case too ------------------------


def test_lw924_answers_to_dl3003() -> None:
    text = "FROM alpine:3.22\nRUN cd /opt\n"
    assert lines(text, "LW924") == [2]
    assert lines(text, "LW924", ignore=("DL3003",)) == []
    assert lines("FROM alpine:3.22\n# hadolint ignore=DL3003\nRUN cd /opt\n", "LW924") == []
    assert lines(text, "LW924", select=("DL3003",)) == [2]


# -- LW609: the suggested pin names the package -------------------------------------------


def test_lw609_message_names_the_package() -> None:
    text = "FROM debian:12\nRUN apt-get install -y --no-install-recommends nginx\n"
    [found] = codes(text, "LW609")
    assert "'nginx=" in found.message and "curl" not in found.message
    several = "FROM debian:12\nENV PKGS='git make'\nRUN apt-get install -y $PKGS\n"
    [found] = codes(several, "LW609")
    assert "'git=" in found.message and "'make=" in found.message and "curl" not in found.message


# -- LW301: an ENV only the container reads is a run-time setting -------------------------


def _lw301(text: str) -> list[Finding]:
    return codes(text, "LW301")


def test_lw301_placeholder_env_read_only_at_run_time() -> None:
    for value in ('"_"', "changeme", "CHANGE_ME", "xxx", "'<password>'", '""', "${DB_PASS}"):
        text = f'FROM mcr.example/db:1\nENV sa_password={value}\nCMD ["db"]\n'
        [found] = _lw301(text)
        assert "docker run -e sa_password=" in found.message, value
        assert "mount=type=secret" not in found.message, value
        assert "do not declare a default" in found.message, value


def test_lw301_real_looking_env_default_is_a_leak_with_a_run_time_remedy() -> None:
    text = 'FROM alpine:3.22\nENV API_TOKEN=8f14e45fceea167a5a36dedd4bea2543\nCMD ["app"]\n'
    [found] = _lw301(text)
    assert "stored in the image config" in found.message
    assert "docker run -e API_TOKEN=" in found.message
    assert "mount=type=secret" not in found.message
    # A build argument copied into ENV bakes whatever the build passes.
    copied = 'FROM alpine:3.22\nARG PW\nENV DB_PASSWORD=$PW\nCMD ["app"]\n'
    [found] = _lw301(copied)
    assert "stored in the image config" in found.message


def test_lw301_env_a_run_reads_still_gets_a_build_secret() -> None:
    text = "FROM node:20-slim\nENV NPM_TOKEN=_\nRUN npm ci --token=${NPM_TOKEN}\n"
    [found] = _lw301(text)
    assert "RUN --mount=type=secret,id=npm-token,env=NPM_TOKEN" in found.message
    # ... also from a stage built FROM this one.
    later = "FROM node:20-slim AS base\nENV NPM_TOKEN=_\nFROM base\nRUN npm ci $NPM_TOKEN\n"
    [found] = _lw301(later)
    assert "mount=type=secret" in found.message


def test_lw301_a_name_declared_again_in_a_stage_is_one_finding() -> None:
    text = "FROM alpine:3.22\n" + "ARG AWS_SECRET_ACCESS_KEY=fake\n" * 5
    [found] = _lw301(text)
    assert lines(text, "LW301") == [2]
    assert len(found.related) == 4
    envs = "FROM alpine:3.22\nENV DB_PASSWORD=\nRUN true\nENV DB_PASSWORD=s3cr3tValue\n"
    [found] = _lw301(envs)
    assert lines(envs, "LW301") == [4]  # the declaration that stores a value
    # Other stages are separate findings.
    stages = "FROM alpine:3.22 AS a\nARG TOKEN\nFROM alpine:3.22\nARG TOKEN\n"
    assert lines(stages, "LW301") == [2, 4]


# -- LW107: off by default (the Dockerfile cannot show whether the program uses TLS) -------

_SCRATCH = (
    "FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /bin/app .\n"
    'FROM scratch\nCOPY --from=build /bin/app /app\nENTRYPOINT ["/app"]\n'
)


def test_lw107_is_off_by_default_and_reports_when_selected() -> None:
    assert [f for f in lint_text(_SCRATCH).findings if f.code == "LW107"] == []
    assert lines(_SCRATCH, "LW107", extend_select=("LW107",)) == [3]


# -- LW203: only copies that can be big ----------------------------------------------------


def _chowned(copy: str) -> str:
    return f"FROM debian:12\nRUN useradd app\nWORKDIR /app\n{copy}\nRUN chown -R app:app /app\n"


def test_lw203_single_plain_file_is_not_reported() -> None:
    for copy in (
        "COPY app.conf /app/app.conf",
        "ADD Caddyfile /app/Caddyfile",
        "COPY settings.json .",
    ):
        assert lines(_chowned(copy), "LW203") == [], copy


def test_lw203_copies_that_can_be_big_are_reported() -> None:
    for copy in (
        "COPY . .",
        "COPY src/ /app/src/",
        "COPY *.py /app/",
        "COPY a.conf b.conf /app/",
        "COPY target/app.jar /app/app.jar",
        "COPY --from=build /out/bin /app/bin",
    ):
        text = "FROM debian:12 AS build\nRUN make\n" + _chowned(copy)
        assert lines(text, "LW203") == [6], copy


# -- severities: error only for what docker build rejects or what certainly leaks -------


def test_severity_audit() -> None:
    from layerwise.analysis import ALL_RULES

    severity = {rule.code: rule.severity.value for rule in ALL_RULES}
    # BuildKit warns and builds: a stage named scratch or context.
    assert severity["LW913"] == "warning"
    # '.env', '.npmrc' and copies into builder stages do not certainly leak a secret.
    assert severity["LW303"] == "warning"
    # Rejected by docker build, or a literal credential.
    for code in ("LW921", "LW302", "LW304"):
        assert severity[code] == "error", code


def test_lw303_builder_stage_message_does_not_claim_the_image() -> None:
    text = 'FROM node:20 AS build\nCOPY .npmrc ./\nRUN npm ci\nFROM node:20-slim\nCMD ["node"]\n'
    [found] = codes(text, "LW303")
    assert "everyone with the image" not in found.message
    assert "build stage" in found.message
