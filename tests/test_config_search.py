"""Which configuration files apply to a Dockerfile: the same search for the CLI and the server."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from layerwise.analysis.configfiles import ConfigLoader
from layerwise.cli import main
from layerwise.cli.app import _Setup, build_parser
from layerwise.lsp.server import LayerwiseServer
from lsp_support import CONFIG, capabilities, wait_for_version

pytestmark = pytest.mark.usefixtures("fake_home")

UNTAGGED = "FROM ubuntu\nUSER nobody\n"  # LW101 (hadolint's DL3006) only


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def codes(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, set[str]]:
    code = main(["check", "-q", *argv])
    out = capsys.readouterr().out
    return code, {line.split()[2] for line in out.splitlines()}


def test_search_walks_past_git_to_a_parent_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "layerwise.toml", 'ignore = ["LW101"]\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    dockerfile = write(tmp_path / "repo" / "svc" / "Dockerfile", UNTAGGED)
    assert codes([str(dockerfile)], capsys) == (0, set())
    resolved = ConfigLoader().resolve(dockerfile.parent)
    assert [s.path for s in resolved.sources] == [(tmp_path / "layerwise.toml").resolve()]


def test_root_true_stops_the_search_and_keeps_user_files_out(
    tmp_path: Path, fake_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "layerwise.toml", 'ignore = ["LW101"]\n')
    write(tmp_path / ".hadolint.yaml", "ignored: [DL3006]\n")
    write(fake_home / ".config" / "hadolint.yaml", "ignored: [DL3006]\n")
    project = tmp_path / "project"
    dockerfile = write(project / "images" / "Dockerfile", UNTAGGED)
    write(project / "pyproject.toml", "[tool.layerwise]\nroot = true\n")
    assert codes([str(dockerfile)], capsys) == (1, {"LW101"})
    resolved = ConfigLoader().resolve(dockerfile.parent)
    assert [s.path for s in resolved.sources] == [(project / "pyproject.toml").resolve()]
    assert resolved.stopped_at == project.resolve()
    # Without root = true the files above apply again (the hadolint one under the layerwise one).
    write(project / "pyproject.toml", "[tool.layerwise]\nroot = false\n")
    assert codes([str(dockerfile)], capsys) == (0, set())
    resolved = ConfigLoader().resolve(dockerfile.parent)
    assert [(s.path.name, s.kind) for s in resolved.sources] == [
        (".hadolint.yaml", "hadolint"),
        ("pyproject.toml", "layerwise"),
    ]


def test_root_true_in_a_farther_file_bounds_the_hadolint_search(tmp_path: Path) -> None:
    write(tmp_path / ".hadolint.yaml", "ignored: [DL3006]\n")
    write(tmp_path / "repo" / "layerwise.toml", "root = true\n")
    write(tmp_path / "repo" / "svc" / "layerwise.toml", 'ignore = ["LW102"]\n')
    config, errors = ConfigLoader().for_file(tmp_path / "repo" / "svc" / "Dockerfile")
    assert errors == [] and config.ignore == ("LW102",)
    (tmp_path / "repo" / "layerwise.toml").write_text("")
    config, _ = ConfigLoader().for_file(tmp_path / "repo" / "svc" / "Dockerfile")
    assert set(config.ignore) == {"LW102", "DL3006"}


def test_root_must_be_a_boolean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "layerwise.toml", 'root = "yes"\n')
    dockerfile = write(tmp_path / "Dockerfile", UNTAGGED)
    assert main(["check", str(dockerfile)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'layerwise.toml'}.root: expected true or false, got string 'yes'" in err


def test_user_level_hadolint_config_and_isolated(
    tmp_path: Path, fake_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = write(tmp_path / "Dockerfile", UNTAGGED)
    write(fake_home / ".hadolint.yaml", "ignored: [DL3006]\n")
    assert codes([str(dockerfile)], capsys) == (0, set())
    # $XDG_CONFIG_HOME comes first in hadolint's order.
    write(fake_home / ".config" / "hadolint.yaml", "ignored: [DL3007]\n")
    assert codes([str(dockerfile)], capsys) == (1, {"LW101"})
    (fake_home / ".config" / "hadolint.yaml").unlink()
    # A project .hadolint.yaml replaces the user-level one, as in hadolint.
    write(tmp_path / ".hadolint.yaml", "ignored: [DL3007]\n")
    assert codes([str(dockerfile)], capsys) == (1, {"LW101"})
    (tmp_path / ".hadolint.yaml").unlink()
    # --isolated reads neither the project's files nor the user's.
    write(tmp_path / "layerwise.toml", 'fail-level = "none"\n')
    assert codes([str(dockerfile)], capsys) == (0, set())
    assert codes(["--isolated", str(dockerfile)], capsys) == (1, {"LW101"})


def test_isolated_with_config_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = write(tmp_path / "Dockerfile", UNTAGGED)
    assert main(["check", "--isolated", "--config", str(dockerfile), str(dockerfile)]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_show_settings(tmp_path: Path, fake_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    user = write(fake_home / ".config" / "hadolint.yaml", "ignored: [DL3006]\n")
    write(
        tmp_path / "layerwise.toml",
        'root = true\nfail-level = "warning"\nextend-exclude = ["legacy/"]\n'
        '[severity]\nLW604 = "hint"\n[per-file-ignores]\n"dev/*" = ["LW201"]\n',
    )
    dockerfile = write(tmp_path / "dev" / "Dockerfile", UNTAGGED)
    code = main(["check", "--show-settings", str(dockerfile), "--ignore", "LW701"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[:6] == [
        f"Settings for {dockerfile}",
        "",
        "Read from (later ones win):",
        f"  {(tmp_path / 'layerwise.toml').resolve()} (layerwise)",
        f"  (search stopped at {tmp_path.resolve()}: root = true)",
        "  command line: --ignore",
    ]
    assert str(user) not in out  # root = true keeps user-level files out
    assert '  ignore = ["LW701"]\n' in out
    assert '  fail-level = "warning"\n' in out
    assert '  severity = {LW604 = "hint"}\n' in out
    assert '  per-file-ignores = {"dev/*" = ["LW201"]}\n' in out
    assert '  extend-exclude = ["legacy/"]\n' in out
    assert '  exclude = ["node_modules/", ' in out and "]  # default\n" in out
    assert "  select = (default)" in out and "  root = true\n" in out
    assert '  # per-file-ignores apply to this file: ["LW201"]' in out
    settings = out.split("Settings:\n")[1].splitlines()
    keys = [line.split(" = ")[0].strip() for line in settings if not line.startswith("  #")]
    assert keys[:4] == ["select", "extend-select", "ignore", "severity"]
    assert keys[-4:] == ["include", "exclude", "extend-exclude", "root"]
    # The same output twice (stable order), and a folder means "a Dockerfile in it".
    main(["check", "--show-settings", str(dockerfile)])
    first = capsys.readouterr().out
    main(["fix", "--show-settings", str(dockerfile.parent)])
    assert capsys.readouterr().out == first
    # Without root = true the user-level hadolint file is listed first.
    (tmp_path / "layerwise.toml").write_text('fail-level = "warning"\n')
    main(["check", "--show-settings", str(dockerfile)])
    out = capsys.readouterr().out
    assert out.splitlines()[3:5] == [
        f"  {user} (hadolint, user level)",
        f"  {(tmp_path / 'layerwise.toml').resolve()} (layerwise)",
    ]
    assert '  ignore = ["DL3006"]\n' in out
    main(["check", "--isolated", "--show-settings", str(dockerfile)])
    out = capsys.readouterr().out
    assert "  no configuration file (--isolated)" in out
    assert '  fail-level = "info"  # default\n' in out


# -- both front ends -------------------------------------------------------------------


def _cli_config(path: Path, *flags: str):  # noqa: ANN202 - Config
    args = build_parser().parse_args(["check", *flags, str(path)])
    return _Setup(args).for_path(path)[0]


def test_server_and_cli_resolve_the_same_configuration(tmp_path: Path, fake_home: Path) -> None:
    write(
        fake_home / ".hadolint" / "hadolint.yaml", "ignored: [DL3006]\nfailure-threshold: error\n"
    )
    write(tmp_path / "layerwise.toml", 'ignore = ["LW701"]\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    write(tmp_path / "repo" / "b" / ".hadolint.yml", "ignored: [DL3007]\n")
    write(tmp_path / "repo" / "c" / ".layerwise.toml", 'root = true\nignore = ["LW601"]\n')
    server = LayerwiseServer()
    server.roots = [(tmp_path / "repo").resolve()]  # the workspace does not bound the search
    expected = {
        "a": ({"DL3006", "LW701"}, "error"),
        "b": ({"DL3007", "LW701"}, None),
        "c": ({"LW601"}, None),
    }
    for folder, (ignore, fail_level) in expected.items():
        dockerfile = tmp_path / "repo" / folder / "Dockerfile"
        from_server = server.config_for(dockerfile)
        assert from_server == _cli_config(dockerfile)
        assert (set(from_server.ignore), from_server.fail_level) == (ignore, fail_level)
    isolated = _cli_config(tmp_path / "repo" / "a" / "Dockerfile", "--isolated")
    assert isolated.ignore == () and isolated.fail_level is None


@pytest_lsp.fixture(config=CONFIG)
async def home_client(lsp_client: LanguageClient, tmp_path: Path, fake_home: Path):
    # fake_home is set up before this fixture starts the server, which inherits HOME.
    write(fake_home / ".config" / "hadolint.yaml", "ignored: [DL3020]\n")
    lsp_client.set_configuration({"layerwise": {}})
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_server_reads_the_user_level_hadolint_file(
    home_client: LanguageClient, tmp_path: Path
) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    home_client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="dockerfile", version=1, text="FROM ubuntu\nADD a /a\n"
            )
        )
    )
    found = {str(d.code) for d in await wait_for_version(home_client, uri, 1)}
    assert "LW101" in found and "LW701" not in found
