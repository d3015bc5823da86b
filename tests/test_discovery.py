"""Which files `layerwise check/fix` lint: names, skipped folders, .gitignore, include/exclude."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from layerwise.cli import is_dockerfile_name, main
from layerwise.cli.discovery import DOCKERFILE_PATTERNS, NOT_DOCKERFILE_SUFFIXES

pytestmark = pytest.mark.usefixtures("fake_home")

DOCKERFILE = "FROM alpine:3.20\nUSER nobody\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def tree(root: Path, *files: str, text: str = DOCKERFILE) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def shown(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[str]:
    """The files --show-files lists for ``root``, relative to it."""
    code, out, err = run(["check", "-q", "--show-files", *extra, str(root)], capsys)
    assert code == 0, err
    return [Path(line).relative_to(root).as_posix() for line in out.splitlines()]


LINTED = [
    "Dockerfile",
    "dockerfile",
    "DOCKERFILE",
    "Containerfile",
    "containerfile",
    "Dockerfile.prod",
    "Dockerfile-dev",
    "Dockerfile_ci",
    "api.Dockerfile",
    "api.dockerfile",
    "web.Containerfile",
    "Containerfile.arm64",
    "dockerfile.j2",
]
NOT_LINTED = [
    ".dockerignore",
    "Dockerfile.dockerignore",
    "api.Dockerfile.dockerignore",
    "Dockerfile.md",
    "dockerfile-notes.txt",
    "Dockerfile.orig",
    "Dockerfile~",
    "Dockerfiles",
    "MyDockerfile",
    "docker-compose.yml",
    "Containerfiles",
    "README.md",
]


@pytest.mark.parametrize("name", LINTED)
def test_dockerfile_names_are_found(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert is_dockerfile_name(name)
    tree(tmp_path, f"svc/{name}")
    assert shown(tmp_path, capsys) == [f"svc/{name}"]


@pytest.mark.parametrize("name", NOT_LINTED)
def test_other_names_are_not_found(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not is_dockerfile_name(name)
    tree(tmp_path, f"svc/{name}", "Dockerfile")
    assert shown(tmp_path, capsys) == ["Dockerfile"]


def test_hidden_folders_are_searched_and_internals_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree(
        tmp_path,
        ".devcontainer/Dockerfile",
        ".github/docker/ci.Dockerfile",
        ".git/Dockerfile",
        ".hg/Dockerfile",
        ".svn/Dockerfile",
        ".jj/repo/Dockerfile",
        ".bzr/Dockerfile",
        "node_modules/pkg/Dockerfile",
        "web/node_modules/pkg/Dockerfile",
        ".venv/Dockerfile",
        "venv/Dockerfile",
        "__pycache__/Dockerfile",
        ".tox/py312/Dockerfile",
        ".mypy_cache/Dockerfile",
        "env312/lib/Dockerfile",
        "app/Dockerfile",
    )
    (tmp_path / "env312" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert shown(tmp_path, capsys) == [
        ".devcontainer/Dockerfile",
        ".github/docker/ci.Dockerfile",
        "app/Dockerfile",
    ]


def test_gitignore_root_nested_negation_and_info_exclude(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("scratch/\n")
    (tmp_path / ".gitignore").write_text("build/\n*.Dockerfile\n!keep.Dockerfile\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / ".gitignore").write_text("Dockerfile.local\n!api.Dockerfile\n")
    tree(
        tmp_path,
        "Dockerfile",
        "build/Dockerfile",
        "scratch/Dockerfile",
        "old.Dockerfile",
        "keep.Dockerfile",
        "svc/Dockerfile",
        "svc/Dockerfile.local",
        "svc/api.Dockerfile",
        "svc/worker.Dockerfile",
        "other/Dockerfile.local",
    )
    assert shown(tmp_path, capsys) == [
        "Dockerfile",
        "keep.Dockerfile",
        "other/Dockerfile.local",
        "svc/Dockerfile",
        "svc/api.Dockerfile",  # the nested file's negation wins over the root's pattern
    ]
    # Searching a subfolder still applies the .gitignore files above it.
    code, out, _ = run(["check", "-q", "--show-files", str(tmp_path / "svc")], capsys)
    assert code == 0
    assert [Path(p).name for p in out.splitlines()] == ["Dockerfile", "api.Dockerfile"]


def test_nested_repository_has_its_own_gitignore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("Dockerfile.dev\n")
    (tmp_path / "vendor" / "lib" / ".git").mkdir(parents=True)
    (tmp_path / "vendor" / "lib" / ".gitignore").write_text("Dockerfile\n")
    tree(tmp_path, "Dockerfile.dev", "vendor/lib/Dockerfile", "vendor/lib/Dockerfile.dev")
    assert shown(tmp_path, capsys) == ["vendor/lib/Dockerfile.dev"]


def test_exclude_extend_exclude_and_include(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree(
        tmp_path,
        "Dockerfile",
        "legacy/Dockerfile",
        "docs/examples/Dockerfile",
        "node_modules/x/Dockerfile",
        "images/app.df",
    )
    (tmp_path / "layerwise.toml").write_text('extend-exclude = ["legacy/", "docs/**/Dockerfile"]\n')
    assert shown(tmp_path, capsys) == ["Dockerfile"]
    # `exclude` replaces the defaults: node_modules is searched again.
    (tmp_path / "layerwise.toml").write_text('exclude = ["legacy"]\n')
    assert shown(tmp_path, capsys) == [
        "Dockerfile",
        "docs/examples/Dockerfile",
        "node_modules/x/Dockerfile",
    ]
    (tmp_path / "pyproject.toml").write_text('[tool.layerwise]\ninclude = ["*.df"]\n')
    (tmp_path / "layerwise.toml").unlink()
    assert shown(tmp_path, capsys) == ["images/app.df"]


def test_nested_config_governs_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree(tmp_path, "a/tmp/Dockerfile", "b/tmp/Dockerfile", "b/Dockerfile")
    (tmp_path / "b" / "layerwise.toml").write_text('extend-exclude = ["tmp/"]\n')
    assert shown(tmp_path, capsys) == ["a/tmp/Dockerfile", "b/Dockerfile"]


def test_bad_patterns_are_config_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree(tmp_path, "Dockerfile")
    (tmp_path / "layerwise.toml").write_text('exclude = "build"\nextend-exclude = ["!"]\n')
    code, _, err = run(["check", "-q", str(tmp_path)], capsys)
    assert code == 2
    assert "layerwise.toml.exclude: expected a list of strings, got string 'build'" in err
    assert "layerwise.toml.extend-exclude: not a valid glob pattern: '!'" in err
    assert "Traceback" not in err


def test_no_dockerfiles_warns_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree(tmp_path, "src/main.py", "node_modules/x/Dockerfile")
    for command in (["check"], ["fix"], ["check", "--show-files"]):
        code, out, err = run([*command, str(tmp_path)], capsys)
        assert code == 3
        assert out == ""
        assert f"layerwise: warning: no Dockerfiles found under {tmp_path}" in err
    # A search that finds something elsewhere in the same run is not "nothing found".
    tree(tmp_path, "other/Dockerfile")
    code, _, err = run(["check", "-q", str(tmp_path / "src"), str(tmp_path / "other")], capsys)
    assert code == 0
    assert f"no Dockerfiles found under {tmp_path / 'src'}" in err


def test_explicit_file_is_linted_whatever_its_name_unless_force_exclude(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "layerwise.toml").write_text('extend-exclude = ["legacy/"]\n')
    bad = "FROM ubuntu\nUSER nobody\n"  # LW101: no tag
    tree(tmp_path, "build.docker", "legacy/Dockerfile", "generated/Dockerfile", text=bad)
    files = [
        str(tmp_path / p) for p in ("build.docker", "legacy/Dockerfile", "generated/Dockerfile")
    ]
    code, out, _ = run(["check", "-q", "--select", "LW101", *files], capsys)
    assert code == 1
    assert sorted(line.split(":")[0] for line in out.splitlines()) == sorted(files)
    # --force-exclude (pre-commit): excluded and ignored files are dropped, the rest linted.
    code, out, err = run(["check", "-q", "--force-exclude", "--select", "LW101", *files], capsys)
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()] == [files[0]]
    # Nothing left to lint from explicit files is not an error (pre-commit passes only those).
    code, out, err = run(["check", "-q", "--force-exclude", *files[1:]], capsys)
    assert (code, out, err) == (0, "", "")
    # Without any configuration file the default exclusions and skipped folders apply too.
    (tmp_path / "layerwise.toml").unlink()
    tree(tmp_path, "web/node_modules/x/Dockerfile", "env/Dockerfile", "env/pyvenv.cfg")
    others = [str(tmp_path / p) for p in ("web/node_modules/x/Dockerfile", "env/Dockerfile")]
    assert run(["check", "-q", "--force-exclude", *others], capsys) == (0, "", "")
    assert run(["check", "-q", "--show-files", *others], capsys)[1].splitlines() == others
    # Only files are exempt: an excluded or ignored folder keeps its contents out.
    (tmp_path / "layerwise.toml").write_text('extend-exclude = ["legacy/"]\n')
    for folder in ("legacy", "generated"):
        code, _, err = run(["check", "-q", str(tmp_path / folder)], capsys)
        assert code == 3 and "no Dockerfiles found" in err


def test_fix_uses_the_same_discovery(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree(
        tmp_path, ".devcontainer/Dockerfile", "node_modules/x/Dockerfile", text="FROM a\nADD x /x\n"
    )
    code, _, _ = run(["fix", str(tmp_path)], capsys)
    assert code == 0
    assert "COPY x /x" in (tmp_path / ".devcontainer" / "Dockerfile").read_text()
    assert "ADD x /x" in (tmp_path / "node_modules" / "x" / "Dockerfile").read_text()


def test_each_file_is_linted_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree(tmp_path, "Dockerfile")
    code, out, _ = run(
        ["check", "--show-files", str(tmp_path), str(tmp_path / "Dockerfile")], capsys
    )
    assert code == 0 and out.splitlines() == [str(tmp_path / "Dockerfile")]


def _ts_strings(source: str, constant: str) -> list[str]:
    body = source.split(f"export const {constant} = [", 1)[1].split("]", 1)[0]
    return re.findall(r"'([^']*)'", body)


def test_vscode_extension_mirrors_the_names() -> None:
    """vscode-client/src/patterns.ts must list the same patterns and non-Dockerfile suffixes."""
    source = (Path(__file__).parents[1] / "vscode-client" / "src" / "patterns.ts").read_text()
    assert _ts_strings(source, "FILENAME_PATTERNS") == list(DOCKERFILE_PATTERNS)
    assert _ts_strings(source, "NOT_DOCKERFILE_SUFFIXES") == list(NOT_DOCKERFILE_SUFFIXES)
