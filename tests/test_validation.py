"""What docker build rejects in flags and HEALTHCHECK, with exact ranges."""

from __future__ import annotations

import pytest

from layerwise.analysis import LintOptions, lint_text


def found(text: str, code: str) -> list[tuple[str, str]]:
    result = lint_text(text, options=LintOptions(select=(code,)))
    return [(text[f.span.start : f.span.end], f.message) for f in result.findings if f.code == code]


@pytest.mark.parametrize(
    "flags, snippet, problem",
    [
        (
            "--mount=type=cache,target=/c,size=1g",
            "type=cache,target=/c,size=1g",
            "does not take 'size'",
        ),
        ("--mount=type=volume,target=/x", "type=volume,target=/x", "is not one of"),
        ("--mount=type=tmpfs,target=/t,mode=0755", "type=tmpfs,target=/t,mode=0755", "take 'mode'"),
        (
            "--mount=type=bind,target=/t,sharing=locked",
            "type=bind,target=/t,sharing=locked",
            "take 'sharing'",
        ),
        ("--mount=type=cache,target=/c,size=1g", "type=cache,target=/c,size=1g", "take 'size'"),
        (
            "--mount=type=cache,target=/c,required",
            "type=cache,target=/c,required",
            "take 'required'",
        ),
        ("--mount=type=cache,target=/c,tgt=/d", "type=cache,target=/c,tgt=/d", "option 'tgt'"),
        ("--mount=type=cache,target=/c,id", "type=cache,target=/c,id", "needs a value"),
        ("--mount=type=cache,target=/c,uid=app", "type=cache,target=/c,uid=app", "numeric user id"),
        ("--mount=type=cache,target=/c,mode=755x", "type=cache,target=/c,mode=755x", "octal"),
        ("--mount=type=tmpfs,target=/t,size=lots", "type=tmpfs,target=/t,size=lots", "a size"),
        ("--mount=type=bind,target=/t,ro=yes", "type=bind,target=/t,ro=yes", "true or false"),
        ("--mount=type=secret,id=a,from=b", "type=secret,id=a,from=b", "cannot take 'from'"),
        ("--mount=type=secret,required", "type=secret,required", "needs an id"),
        ("--mount=type=secret,id=a,source=b", "type=secret,id=a,source=b", "not both"),
        ("--mount=type=cache,target=/", "type=cache,target=/", "root directory"),
        ("--mount=type=bind,dst=/.", "type=bind,dst=/.", "root directory"),
        (
            "--mount=type=cache,target=/c,sharing=global",
            "type=cache,target=/c,sharing=global",
            "sharing=global",
        ),
        ("--network=bridge", "bridge", "use default or none or host"),
        ("--security=privileged", "privileged", "use insecure or sandbox"),
        ("--network=none --network=host", "--network=host", "given twice"),
    ],
)
def test_invalid_run_flags(flags: str, snippet: str, problem: str) -> None:
    ((text, message),) = found(f"FROM debian:12\nRUN {flags} make\n", "LW002")
    assert text == snippet and problem in message


def test_valid_run_flags() -> None:
    text = (
        "FROM debian:12\n"
        "RUN --mount=type=cache,target=/root/.cache,sharing=locked --mount=type=secret,id=npm,env=NPM_TOKEN "
        "--mount=type=bind,from=build,source=/out,target=/out --mount=from=bin --network=none --mount=type=$T make\n"
        # BuildKit accepts keys a type does not use, bare booleans and
        # upper-case keys; a mount without a target covers the working directory.
        "RUN --mount=type=tmpfs,target=/t,id=x,size=64m --mount=type=bind,ro,source=a,target=b "
        "--mount=type=cache,TARGET=/c,uid=1000,mode=0700 --mount=type=ssh,required=true "
        "--mount=type=cache,id=go make\n"
        "COPY --exclude=*.md --exclude=*.txt . /src\n"
    )
    assert found(text, "LW002") == []


@pytest.mark.parametrize(
    "line, snippet, problem",
    [
        ("HEALTHCHECK --interval=30 CMD curl -f localhost", "30", "not a duration"),
        ("HEALTHCHECK --timeout=0s CMD curl -f localhost", "0s", "at least 1ms"),
        ("HEALTHCHECK --retries=-1 CMD curl -f localhost", "-1", "whole number"),
        ("HEALTHCHECK curl -f localhost", "curl -f localhost", "NONE or CMD"),
        ("HEALTHCHECK NONE CMD x", "NONE CMD x", "no command"),
        ("HEALTHCHECK CMD", "CMD", "needs a command"),
    ],
)
def test_invalid_healthcheck(line: str, snippet: str, problem: str) -> None:
    ((text, message),) = found(f"FROM debian:12\n{line}\n", "LW003")
    assert text == snippet and problem in message


def test_valid_healthcheck() -> None:
    text = (
        "FROM debian:12\nHEALTHCHECK --interval=1m30s --timeout=500ms --start-period=0s --retries=3 "
        'CMD ["curl", "-f", "http://localhost/"]\nFROM debian:12\nHEALTHCHECK NONE\n'
    )
    assert found(text, "LW003") == []


@pytest.mark.parametrize("form", ["${V^^}", "${V,,}", "${V:0:7}", "${V@Q}"])
def test_unsupported_substitutions(form: str) -> None:
    ((text, message),) = found(f"FROM debian:12\nARG V=x\nENV A={form}\n", "LW004")
    assert text == form and "the build fails" in message


def test_supported_substitutions_and_shell_instructions() -> None:
    text = (
        "FROM debian:12\nARG V=x\n"
        "ENV A=${V} B=${V:-d} C=${V-d} D=${V:+s} E=${V+s} F=${V:?need V} G=${V#x} H=${V%%.*} I=${V/a/b}\n"
        "RUN echo ${V^^} ${V:0:2}\nLABEL l=\\${V^^}\n"
    )
    assert found(text, "LW004") == []
