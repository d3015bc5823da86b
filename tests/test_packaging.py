"""The package as users get it: metadata, one version, declared dependencies, and the
wheel and sdist that `python -m build` makes, installed with pipx and run with uvx.

The install tests (marker ``slow``) create fresh environments and may download the
runtime dependencies from PyPI; they run in the default test command.
"""

from __future__ import annotations

import ast
import email
import email.message
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import layerwise

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
BIN = Path(sys.executable).parent

#: Folders that are not part of the source distribution's input (and may be large).
_NOT_SOURCE = (".git", ".venv", "node_modules", "build", "dist", "*.egg-info", "__pycache__")
_NOT_SOURCE += (".hypothesis", ".pytest_cache", ".mypy_cache", ".ruff_cache", "vscode-client")


def copy_project(destination: Path) -> Path:
    """A copy of the checkout to build from, so builds leave the checkout untouched."""
    shutil.copytree(ROOT, destination, ignore=shutil.ignore_patterns(*_NOT_SOURCE))
    return destination


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'", pytrace=False)
    return found


# -- metadata ---------------------------------------------------------------------------


def test_one_version_source() -> None:
    assert "version" not in PROJECT, "the version is set in layerwise/__init__.py only"
    assert PROJECT["dynamic"] == ["version"]
    dynamic = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "layerwise.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", layerwise.__version__)
    assert importlib.metadata.version("layerwise") == layerwise.__version__


def test_licence_and_changelog() -> None:
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 the layerwise authors\n")
    # No licence classifier next to an SPDX expression (setuptools >= 77 rejects that).
    assert not [c for c in PROJECT["classifiers"] if c.startswith("License ::")]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{layerwise.__version__}]" in changelog
    assert f"[{layerwise.__version__}]: https://" in changelog


def test_build_backend_and_urls() -> None:
    requires = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    (setuptools,) = [r for r in requires if r.name == "setuptools"]
    assert not setuptools.specifier.contains("76.9") and setuptools.specifier.contains("77")
    # Documentation is left out on purpose: rule links are decided elsewhere.
    assert set(PROJECT["urls"]) == {"Homepage", "Repository", "Issues", "Changelog"}


def _imports(path: Path) -> set[str]:
    """The top-level modules a file imports (absolute imports only)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _third_party_imports(folder: Path) -> set[str]:
    names = set().union(*(_imports(path) for path in folder.rglob("*.py")))
    return {n for n in names if n not in sys.stdlib_module_names and n != "layerwise"}


def test_every_import_of_the_package_is_a_declared_dependency() -> None:
    declared = {canonicalize_name(Requirement(r).name) for r in PROJECT["dependencies"]}
    by_module = importlib.metadata.packages_distributions()
    imported = _third_party_imports(ROOT / "server" / "layerwise")
    assert imported, "the scan found no imports"
    missing = {}
    for module in sorted(imported):
        if module == "tomli":  # only on Python < 3.11, where tomllib is missing
            assert "tomli" in declared
            continue
        distributions = {canonicalize_name(d) for d in by_module.get(module, [])}
        assert distributions, f"no installed distribution provides '{module}'"
        if not distributions & declared:
            missing[module] = sorted(distributions)
    assert missing == {}, f"imported but not in [project] dependencies: {missing}"


def test_dockerfile_parse_is_a_test_oracle_only() -> None:
    runtime = {canonicalize_name(Requirement(r).name) for r in PROJECT["dependencies"]}
    test = {
        canonicalize_name(Requirement(r).name) for r in PROJECT["optional-dependencies"]["test"]
    }
    assert "dockerfile-parse" not in runtime and "dockerfile-parse" in test
    assert "dockerfile_parse" not in _third_party_imports(ROOT / "server")
    users = [p.name for p in (ROOT / "tests").glob("*.py") if "dockerfile_parse" in _imports(p)]
    assert users == ["test_oracle.py"]


# -- the built distributions ------------------------------------------------------------


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("build")
    source = copy_project(base / "src")
    out = base / "dist"
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def _wheel_metadata(dist: Path) -> email.message.Message:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(name))


def test_wheel_metadata(dist: Path) -> None:
    meta = _wheel_metadata(dist)
    assert meta["Name"] == "layerwise"
    assert meta["Version"] == layerwise.__version__
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert set(urls) == {"Homepage", "Repository", "Issues", "Changelog"}
    requirements = [Requirement(r) for r in meta.get_all("Requires-Dist") or []]
    runtime = {canonicalize_name(r.name) for r in requirements if "extra" not in str(r.marker)}
    assert "dockerfile-parse" not in runtime
    assert {"pygls", "lsprotocol", "pyyaml", "packaging"} <= runtime
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        licence = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert licence and b"the layerwise authors" in archive.read(licence[0])
        assert "layerwise/py.typed" in names
        assert any(n.endswith(".dist-info/entry_points.txt") for n in names)


def test_sdist_has_the_licence_and_the_same_version(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    top = f"layerwise-{layerwise.__version__}"
    assert sdist.name == f"{top}.tar.gz"
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
        assert f"{top}/LICENSE" in names and f"{top}/pyproject.toml" in names
        info = archive.extractfile(f"{top}/PKG-INFO")
        assert info is not None
        meta = email.message_from_bytes(info.read())
    assert meta["Version"] == layerwise.__version__


# -- installing it ----------------------------------------------------------------------


def _isolated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIPX_", "UV_"))}
    env.pop("VIRTUAL_ENV", None)
    env["HOME"] = str(tmp_path / "home")
    env.update(extra)
    return env


def _check_example(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    proc = subprocess.run(
        [*command, "check", "examples/Dockerfile"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "examples/Dockerfile:5:1: warning LW701" in proc.stdout


@pytest.mark.slow
def test_pipx_install(tmp_path: Path) -> None:
    source = copy_project(tmp_path / "src")
    env = _isolated_env(
        tmp_path, PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(tmp_path / "bin")
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pipx", "install", "."],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    executable = tmp_path / "bin" / "layerwise"
    assert executable.is_file()
    _check_example([str(executable)], source, env)
    version = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, env=env, check=True
    )
    assert version.stdout.strip() == f"layerwise {layerwise.__version__}"


@pytest.mark.slow
def test_uvx_from_the_checkout(tmp_path: Path) -> None:
    source = copy_project(tmp_path / "src")
    env = _isolated_env(
        tmp_path, UV_CACHE_DIR=str(tmp_path / "uv-cache"), UV_TOOL_DIR=str(tmp_path / "uv-tools")
    )
    _check_example([_tool("uvx"), "--from", ".", "layerwise"], source, env)
