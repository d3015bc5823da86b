"""Finding and reading configuration files for a Dockerfile.

* layerwise: ``layerwise.toml``, ``.layerwise.toml`` or ``[tool.layerwise]`` in
  ``pyproject.toml`` — the nearest one from the Dockerfile's folder up to the
  project root.
* hadolint: ``.hadolint.yaml`` / ``.hadolint.yml`` searched the same way; on the
  command line, hadolint's user-level locations follow when none is found
  (``$XDG_CONFIG_HOME/hadolint.yaml``, ``~/.config/hadolint.yaml``,
  ``~/.hadolint/hadolint.yaml``, ``~/hadolint/config.yaml``, ``~/.hadolint.yaml``).

The layerwise file wins over the hadolint file. Files are cached by modification
time, so an editor re-linting on every keystroke does not re-read them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from .config import FILE_KEYS, Config, hadolint_config, structure

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_LAYERWISE_FILES = ("layerwise.toml", ".layerwise.toml", "pyproject.toml")
_HADOLINT_FILES = (".hadolint.yaml", ".hadolint.yml")


def hadolint_user_files() -> list[Path]:
    home = Path.home()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    candidates = [Path(xdg) / "hadolint.yaml", Path(xdg) / "hadolint.yml"] if xdg else []
    candidates += [
        home / ".config" / "hadolint.yaml",
        home / ".config" / "hadolint.yml",
        home / ".hadolint" / "hadolint.yaml",
        home / ".hadolint" / "hadolint.yml",
        home / "hadolint" / "config.yaml",
        home / ".hadolint.yaml",
        home / ".hadolint.yml",
    ]
    return candidates


class ConfigLoader:
    """Loads and caches the configuration that applies to a Dockerfile."""

    def __init__(self, root: Path | None = None, user_level: bool = False) -> None:
        self.root = root.resolve() if root is not None else None
        self.user_level = user_level
        self._cache: dict[Path, tuple[float, Config | None, list[str]]] = {}

    def for_file(self, dockerfile: Path | None) -> tuple[Config, list[str]]:
        """The merged configuration for ``dockerfile`` and any problems found reading it."""
        if dockerfile is None:
            return Config(), []
        start = dockerfile.resolve().parent
        errors: list[str] = []
        config = Config()
        hadolint = self._nearest(start, _HADOLINT_FILES)
        if hadolint is None and self.user_level:
            hadolint = next((p for p in hadolint_user_files() if p.is_file()), None)
        if hadolint is not None:
            loaded, problems = self._load(hadolint)
            errors += problems
            if loaded is not None:
                config = config.merged(loaded)
        own = self._nearest(start, _LAYERWISE_FILES)
        if own is not None:
            loaded, problems = self._load(own)
            errors += problems
            if loaded is not None:
                config = config.merged(loaded)
        return config, errors

    def _nearest(self, start: Path, names: tuple[str, ...]) -> Path | None:
        directory = start
        while True:
            for name in names:
                candidate = directory / name
                if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                    return candidate
            if self.root is not None and (
                directory == self.root or self.root not in directory.parents
            ):
                return None
            if directory.parent == directory:
                return None
            directory = directory.parent

    def _load(self, path: Path) -> tuple[Config | None, list[str]]:
        try:
            mtime = path.stat().st_mtime
        except OSError as exc:
            return None, [f"{path}: cannot read: {exc.strerror or exc}"]
        cached = self._cache.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1], cached[2]
        config, errors = read_config_file(path)
        self._cache[path] = (mtime, config, errors)
        return config, errors


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data.get("tool"), dict) and "layerwise" in data["tool"]


def read_config_file(path: Path) -> tuple[Config | None, list[str]]:
    """Read one configuration file; ``None`` when it cannot be parsed at all."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path}: cannot read: {exc}"]
    if path.name in _HADOLINT_FILES or path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            raw: Any = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            return None, [f"{path}: not valid YAML: {_first_line(exc)}"]
        config, errors = hadolint_config(raw, str(path))
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            return None, [f"{path}: not valid TOML: {exc}"]
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("layerwise", {})
            where = f"{path} [tool.layerwise]"
        else:
            where = str(path)
        config, errors = structure(data, FILE_KEYS, where)
    root = path.parent.resolve()
    return Config(**{**_fields(config), "root": root}), errors


def _fields(config: Config) -> dict[str, Any]:
    import attrs

    return attrs.asdict(config, recurse=False)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
