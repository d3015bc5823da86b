"""Configuration files, hadolint compatibility, pragmas and BuildKit check directives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from layerwise.analysis import ALL_RULES, LintOptions, Rule, Severity, Violation, lint_text
from layerwise.analysis.configfiles import ConfigLoader, read_config_file
from layerwise.cli import main
from layerwise.syntax.model import Span

# No user-level configuration from the machine running the tests.
pytestmark = pytest.mark.usefixtures("fake_home")


def codes(text: str, options: LintOptions | None = None) -> list[str]:
    return sorted({f.code for f in lint_text(text, options=options).findings})


# -- files -------------------------------------------------------------------------------


def test_nearest_layerwise_toml_wins_and_search_walks_up(tmp_path: Path) -> None:
    (tmp_path / "layerwise.toml").write_text('ignore = ["LW101"]\n')
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "layerwise.toml").write_text('ignore = ["LW102"]\nfail-level = "error"\n')
    config, errors = ConfigLoader().for_file(tmp_path / "svc" / "Dockerfile")
    assert errors == []
    assert config.ignore == ("LW102",) and config.fail_level == "error"
    config, _ = ConfigLoader().for_file(tmp_path / "svc" / "deeper" / "Dockerfile")
    assert config.ignore == ("LW102",)
    # A sibling folder without its own file gets the parent's, past any .git on the way.
    (tmp_path / "other" / ".git").mkdir(parents=True)
    outside, _ = ConfigLoader().for_file(tmp_path / "other" / "Dockerfile")
    assert outside.ignore == ("LW101",)


def test_pyproject_tool_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.layerwise]\nselect = ["LW7"]\n[tool.layerwise.severity]\nLW701 = "error"\n'
    )
    config, errors = ConfigLoader().for_file(tmp_path / "Dockerfile")
    assert errors == []
    assert config.select == ("LW7",) and config.severity == {"LW701": Severity.ERROR}
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    config, _ = ConfigLoader().for_file(tmp_path / "Dockerfile")
    assert config.select is None


def test_bad_values_are_reported_with_file_and_key_and_the_rest_applies(tmp_path: Path) -> None:
    path = tmp_path / "layerwise.toml"
    path.write_text('ignore = "LW101"\nselect = ["LW1", "LW7"]\nunsafe-fixes = "yes"\ncolour = 1\n')
    config, errors = read_config_file(path)
    assert config is not None
    assert config.select == ("LW1", "LW7")
    assert errors == [
        f"{path}.ignore: expected a list of strings, got string 'LW101'",
        f"{path}.unsafe-fixes: expected true or false, got string 'yes'",
        f"{path}: unknown setting 'colour' (known: select, extend-select, ignore, severity, unsafe-fixes, "
        "fail-level, per-file-ignores, trusted-registries, required-labels, strict-labels, allow-ignore-pragmas, "
        "include, exclude, extend-exclude, root)",
    ]


def test_unparsable_file_is_one_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "layerwise.toml"
    path.write_text("ignore = [\n")
    config, errors = read_config_file(path)
    assert config is None and len(errors) == 1 and errors[0].startswith(f"{path}: not valid TOML")


def test_hadolint_yaml_maps_through_aliases(tmp_path: Path) -> None:
    (tmp_path / ".hadolint.yaml").write_text(
        "ignored: [DL3020, DL3010]\n"
        "override:\n  error: [DL3006]\n  style: [DL3059]\n"
        "trustedRegistries: [docker.io, ghcr.io]\n"
        "label-schema:\n  maintainer: text\n  org.opencontainers.image.source: url\n"
        "strict-labels: true\n"
        "failure-threshold: warning\n"
        "disable-ignore-pragma: true\n"
        "format: json\n"
    )
    config, errors = ConfigLoader().for_file(tmp_path / "Dockerfile")
    assert errors == []
    assert config.ignore == ("DL3020",)  # DL3010 is hadolint's alone: accepted, matches nothing
    assert config.severity == {"DL3006": Severity.ERROR, "DL3059": Severity.HINT}
    assert config.trusted_registries == ("docker.io", "ghcr.io")
    assert config.required_labels == {
        "maintainer": "text",
        "org.opencontainers.image.source": "url",
    }
    assert (
        config.strict_labels is True
        and config.fail_level == "warning"
        and config.allow_pragmas is False
    )
    options = config.lint_options(tmp_path / "Dockerfile")
    text = "FROM ubuntu\nRUN make\n# hadolint ignore=DL3006\nFROM debian\nADD a /a\n"
    result = lint_text(text, options=options)
    assert {f.code for f in result.findings} >= {"LW101"}
    assert "LW701" not in {f.code for f in result.findings}
    assert all(f.severity is Severity.ERROR for f in result.findings if f.code == "LW101")
    assert len([f for f in result.findings if f.code == "LW101"]) == 2  # pragmas disabled


def test_hadolint_yaml_errors_name_hadolint_keys(tmp_path: Path) -> None:
    path = tmp_path / ".hadolint.yml"
    path.write_text("ignored: DL3008\nfailure-threshold: loud\noverride:\n  fatal: [DL3006]\n")
    _, errors = read_config_file(path)
    assert f"{path}.ignored: expected a list of strings, got string 'DL3008'" in errors
    assert any(e.startswith(f"{path}.failure-threshold: expected one of") for e in errors)
    assert any(
        e.startswith(f"{path}.override: expected one of error, warning, info, style")
        for e in errors
    )


def test_layerwise_file_wins_over_hadolint_file(tmp_path: Path) -> None:
    (tmp_path / ".hadolint.yaml").write_text("failure-threshold: error\nignored: [DL3006]\n")
    (tmp_path / "layerwise.toml").write_text('fail-level = "hint"\nignore = ["LW701"]\n')
    config, _ = ConfigLoader().for_file(tmp_path / "Dockerfile")
    assert config.fail_level == "hint"
    assert set(config.ignore) == {"DL3006", "LW701"}


def test_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / "layerwise.toml").write_text(
        '[per-file-ignores]\n"dev/*" = ["LW201"]\n"**/test.Dockerfile" = ["LW1"]\n'
    )
    config, errors = ConfigLoader().for_file(tmp_path / "dev" / "Dockerfile")
    assert errors == []
    assert "LW201" in config.lint_options(tmp_path / "dev" / "Dockerfile").ignore
    assert "LW201" not in config.lint_options(tmp_path / "prod" / "Dockerfile").ignore
    assert "LW1" in config.lint_options(tmp_path / "a" / "b" / "test.Dockerfile").ignore


# -- command line ------------------------------------------------------------------------


def test_cli_uses_config_and_exits_2_on_config_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM ubuntu\nUSER nobody\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / "layerwise.toml").write_text('ignore = ["LW101"]\n')
    assert main(["check", str(dockerfile)]) == 0
    (tmp_path / "layerwise.toml").write_text('ignore = ["LW101", "LW9999"]\n')
    assert main(["check", str(dockerfile)]) == 2
    err = capsys.readouterr().err
    assert f"layerwise: config: {tmp_path / 'layerwise.toml'}.ignore: unknown rule 'LW9999'" in err


def test_cli_explicit_config_and_fail_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM ubuntu\nUSER nobody\n")
    config = tmp_path / "strict.toml"
    config.write_text('fail-level = "error"\n')
    assert main(["check", "--config", str(config), str(dockerfile)]) == 0  # LW101 is a warning
    assert main(["check", "--config", str(config), "--fail-level", "warning", str(dockerfile)]) == 1
    assert main(["check", "--config", str(tmp_path / "missing.toml"), str(dockerfile)]) == 2
    capsys.readouterr()


# -- selection ---------------------------------------------------------------------------


def _always(ctx: object) -> Iterator[Violation]:
    yield Violation(Span(0, 4), "always")


OFF = Rule("LW997", "off-by-default", "demo", Severity.INFO, "test", _always, default_enabled=False)


def test_off_by_default_rules_need_selection() -> None:
    rules = (*ALL_RULES, OFF)
    text = "FROM debian:12\nUSER app\n"
    assert "LW997" not in {f.code for f in lint_text(text, rules=rules).findings}
    extended = lint_text(text, rules=rules, options=LintOptions(extend_select=("LW997",)))
    assert "LW997" in {f.code for f in extended.findings}
    selected = lint_text(text, rules=rules, options=LintOptions(select=("off-by-default",)))
    assert {f.code for f in selected.findings} == {"LW997"}


# -- pragmas and BuildKit check directives -----------------------------------------------


def test_global_and_stage_pragmas() -> None:
    text = (
        "# hadolint global ignore=DL3006\n"
        "FROM ubuntu AS build\n"
        "# layerwise: stage ignore=LW701\n"
        "ADD a /a\n"
        "ADD b /b\n"
        "FROM debian:12\n"
        "ADD c /c\n"
    )
    result = lint_text(text, options=LintOptions(select=("LW101", "LW701")))
    assert [(f.code, result.doc.source.line_of(f.span.start)) for f in result.findings] == [
        ("LW701", 6)
    ]


def test_global_pragma_standing_alone() -> None:
    text = "FROM debian:12\n# layerwise: global ignore=LW701\n\nADD a /a\n"
    assert "LW701" not in codes(text)


def test_check_directive_skip_and_error() -> None:
    text = "# check=skip=JSONArgsRecommended\nFROM debian:12\nMAINTAINER me\nCMD run it\n"
    found = codes(text)
    assert "LW801" not in found and "LW908" in found
    everything = "# check=skip=all\nFROM debian:12\nMAINTAINER me\nCMD run it\nADD a /a\n"
    found = codes(everything)
    assert (
        "LW801" not in found and "LW908" not in found and "LW701" in found
    )  # not a BuildKit check
    strict = lint_text("# check=error=true\nFROM debian:12\nMAINTAINER me\nADD a /a\n")
    severities = {f.code: f.severity for f in strict.findings}
    assert severities["LW908"] is Severity.ERROR and severities["LW701"] is Severity.WARNING


def test_check_comment_above_one_instruction() -> None:
    text = "FROM debian:12\n# check=skip=JSONArgsRecommended\nCMD run it\nFROM debian:12\nCMD run again\n"
    result = lint_text(text, options=LintOptions(select=("LW801",)))
    assert [result.doc.source.line_of(f.span.start) for f in result.findings] == [4]
