"""LW005 unused-suppression: ignore comments that name no rule or silence nothing, and
unknown codes in configuration files."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from layerwise.analysis import Finding, LintOptions, Severity, fix_text, lint_text, rule_by_code
from layerwise.analysis.configfiles import read_config_file
from layerwise.analysis.suppression import UNUSED_SUPPRESSION
from layerwise.cli import main
from layerwise.lsp.convert import to_diagnostic

ONLY = LintOptions(select=("LW005",))


def unneeded(text: str, options: LintOptions = ONLY) -> list[Finding]:
    result = lint_text(text, options=options)
    assert not result.failures
    return [f for f in result.findings if f.code == "LW005"]


def messages(text: str, options: LintOptions = ONLY) -> list[str]:
    return [f.message for f in unneeded(text, options)]


def fixed(text: str) -> str:
    return fix_text(text, options=ONLY).text


def test_the_rule_is_registered_off_by_default_with_a_safe_fix() -> None:
    rule = rule_by_code(UNUSED_SUPPRESSION)
    assert rule is not None and rule.name == "unused-suppression"
    assert rule.default_enabled is False and rule.fix_kind == "safe"
    text = "FROM alpine:3.20\n# layerwise: ignore=LW9999\nRUN true\n"
    assert unneeded(text)
    assert not unneeded(text, LintOptions())  # not selected: nothing


def test_unknown_codes_are_reported_and_removed() -> None:
    text = "FROM ubuntu\n# layerwise: ignore=LW701, LW9999\nADD . /app\n"
    assert messages(text) == ["Unneeded suppression: 'LW9999' is not a layerwise rule"]
    assert fixed(text) == "FROM ubuntu\n# layerwise: ignore=LW701\nADD . /app\n"


def test_hadolint_codes_layerwise_lacks_are_left_to_hadolint() -> None:
    text = "FROM alpine:3.20\n# hadolint ignore=DL3010,SC2086,DL9999\nADD a.tar.gz /opt/\n"
    assert messages(text) == [
        "Unneeded suppression: 'DL9999' is not a rule layerwise or hadolint knows"
    ]
    assert fixed(text) == "FROM alpine:3.20\n# hadolint ignore=DL3010,SC2086\nADD a.tar.gz /opt/\n"
    # In layerwise's own comment, a code of hadolint's alone silences nothing anywhere.
    ours = "FROM alpine:3.20\n# layerwise: ignore=DL3010\nADD a.tar.gz /opt/\n"
    assert messages(ours) == ["Unneeded suppression: 'DL3010' is not a layerwise rule"]


def test_a_comment_that_silences_a_finding_is_kept() -> None:
    text = "FROM ubuntu:24.04\n# layerwise: ignore=add-instead-of-copy\nADD . /app\n"
    assert not unneeded(text)
    # The same comment above a COPY silences nothing: the whole line goes.
    copy = text.replace("ADD", "COPY")
    assert messages(copy) == ["Unneeded suppression: 'add-instead-of-copy' silences nothing here"]
    assert fixed(copy) == "FROM ubuntu:24.04\nCOPY . /app\n"


def test_rules_left_out_by_the_configuration_are_still_judged() -> None:
    """LW609 is off by default and LW701 is ignored: the answer is the same."""
    install = "RUN apt-get update && apt-get install -y --no-install-recommends curl"
    clean = " && rm -rf /var/lib/apt/lists/*\n"
    needed = f"FROM ubuntu:24.04\n# layerwise: ignore=LW609\n{install}{clean}"
    assert not unneeded(needed)
    pinned = needed.replace("curl", "curl=8.5.0-2ubuntu10")
    assert messages(pinned) == ["Unneeded suppression: 'LW609' silences nothing here"]
    ignoring = LintOptions(select=("LW005",), ignore=("LW701",))
    assert not unneeded("FROM ubuntu:24.04\n# layerwise: ignore=LW701\nADD . /app\n", ignoring)


def test_findings_of_rules_run_only_for_the_check_are_not_reported() -> None:
    text = "FROM ubuntu:24.04\n# layerwise: ignore=LW701\nADD . /app\nADD . /srv\n"
    result = lint_text(text, options=ONLY)
    assert result.findings == []
    # And the comment still silences the selected rule.
    both = lint_text(text, options=LintOptions(select=("LW005", "LW701")))
    assert [(f.code, f.span.start) for f in both.findings] == [("LW701", text.index("ADD . /srv"))]


def test_stage_and_global_comments() -> None:
    needed = "# layerwise: global ignore=LW101\nFROM ubuntu\nRUN true\n"
    assert not unneeded(needed)
    assert lint_text(needed, options=LintOptions(select=("LW005", "LW101"))).findings == []
    tagged = needed.replace("FROM ubuntu", "FROM ubuntu:24.04")
    assert messages(tagged) == ["Unneeded suppression: 'LW101' silences nothing here"]
    assert fixed(tagged) == "FROM ubuntu:24.04\nRUN true\n"
    stage = (
        "FROM ubuntu:24.04 AS build\n# layerwise: stage ignore=LW701\nRUN true\nADD . /src\n"
        "FROM ubuntu:24.04\nCOPY --from=build /src /src\n"
    )
    assert not unneeded(stage)
    assert messages(stage.replace("ADD . /src", "COPY . /src")) == [
        "Unneeded suppression: 'LW701' silences nothing here"
    ]


def test_a_finding_about_one_alias_keeps_only_that_alias() -> None:
    text = 'FROM alpine:3.20\n# hadolint ignore=DL4003,DL4004\nCMD ["a"]\nENTRYPOINT ["x"]\nCMD ["b"]\n'
    assert messages(text) == ["Unneeded suppression: 'DL4004' silences nothing here"]
    assert fixed(text) == text.replace("DL4003,DL4004", "DL4003")


def test_a_comment_apart_from_its_instruction_is_reported_without_a_fix() -> None:
    text = "FROM ubuntu:24.04\n# layerwise: ignore=LW701\n\nADD . /app\n"
    found = unneeded(text)
    assert len(found) == 1 and found[0].fix is None
    assert "not directly above an instruction" in found[0].message
    assert found[0].span.start == text.index("#")


def test_naming_the_rule_itself_silences_it() -> None:
    text = "FROM alpine:3.20\n# layerwise: ignore=LW9999,unused-suppression\nRUN true\n"
    assert not unneeded(text)
    file_wide = (
        "# layerwise: global ignore=LW005\nFROM alpine:3.20\n# hadolint ignore=DL9999\nRUN true\n"
    )
    assert not unneeded(file_wide)


def test_an_instruction_that_does_not_parse_keeps_its_comment() -> None:
    # The parse error hides the other findings of that instruction, so "silences
    # nothing" cannot be judged; an unknown code is still one.
    text = "FROM ubuntu:24.04\n# layerwise: ignore=LW701,LW9999\nADD --nope . /app\n"
    assert lint_text(text).doc.errors
    assert messages(text) == ["Unneeded suppression: 'LW9999' is not a layerwise rule"]


def test_fix_keeps_line_endings_and_the_last_line() -> None:
    crlf = "FROM ubuntu:24.04\r\n# layerwise: ignore=LW701\r\nCOPY . /app\r\n"
    assert fixed(crlf) == "FROM ubuntu:24.04\r\nCOPY . /app\r\n"
    last = "FROM ubuntu:24.04\nRUN true\n# layerwise: global ignore=LW101"
    assert fixed(last) == "FROM ubuntu:24.04\nRUN true"


def test_pragmas_turned_off_are_not_judged() -> None:
    text = "FROM alpine:3.20\n# layerwise: ignore=LW9999\nRUN true\n"
    assert not unneeded(text, LintOptions(select=("LW005",), allow_pragmas=False))


def test_editor_greys_out_the_comment() -> None:
    text = "FROM alpine:3.20\n# layerwise: ignore=LW9999\nRUN true\n"
    result = lint_text(text, options=ONLY)
    (finding,) = result.findings
    diagnostic = to_diagnostic("file:///x/Dockerfile", result.doc.source, finding, "utf-16")
    assert diagnostic.tags == [types.DiagnosticTag.Unnecessary]
    assert diagnostic.range.start == types.Position(1, 0)


def test_cli_check_and_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.20\n# layerwise: ignore=LW701,LW9999\nCOPY . /app\n")
    assert main(["check", "-q", "--select", "LW005", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:2:1: warning LW005 Unneeded suppression:" in out and out.rstrip().endswith(
        "[*]"
    )
    assert main(["check", str(path)]) == 0  # off by default
    capsys.readouterr()
    assert main(["fix", "--extend-select", "LW005", str(path)]) == 0
    assert path.read_text() == "FROM alpine:3.20\nCOPY . /app\n"


# -- configuration files ---------------------------------------------------------------


def test_unknown_codes_in_hadolint_config_are_errors(tmp_path: Path) -> None:
    path = tmp_path / ".hadolint.yaml"
    path.write_text(
        "ignored: [DL3020, DL3010, SC2086, DL9999]\noverride:\n  error: [DL3006, DL3043, DL3999]\n"
    )
    config, errors = read_config_file(path)
    assert config is not None and config.ignore == ("DL3020",)
    assert dict(config.severity) == {"DL3006": Severity.ERROR}
    assert sorted(errors) == [
        f"{path}.ignored: unknown rule 'DL9999'",
        f"{path}.override: unknown rule 'DL3999'",
    ]


def test_unknown_codes_in_layerwise_config_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "layerwise.toml"
    path.write_text('select = ["LW7", "LW9999"]\nextend-select = ["DL3010"]\n')
    config, errors = read_config_file(path)
    assert config is not None and config.select == ("LW7",) and config.extend_select == ()
    assert errors == [
        f"{path}.select: unknown rule 'LW9999'",
        f"{path}.extend-select: unknown rule 'DL3010'",
    ]
