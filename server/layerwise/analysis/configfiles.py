"""Finding and reading configuration files for a Dockerfile.

One rule, the same for the command line and the language server:

* The search starts in the Dockerfile's folder and walks up to the filesystem
  root. It stops early at a folder whose layerwise file says ``root = true``
  (that file is still read).
* layerwise: the nearest ``layerwise.toml``, ``.layerwise.toml`` or
  ``[tool.layerwise]`` in ``pyproject.toml`` (in that order within a folder).
* hadolint: the nearest ``.hadolint.yaml`` / ``.hadolint.yml``; when the search
  finds none (and was not stopped by ``root = true``), hadolint's user-level
  file: ``$XDG_CONFIG_HOME/hadolint.yaml``, ``~/.config/hadolint.yaml``,
  ``~/.hadolint/hadolint.yaml``, ``~/hadolint/config.yaml``, ``~/.hadolint.yaml``.
* The layerwise file wins over the hadolint file. ``isolated`` reads no file.

Files are cached by modification time, so an editor re-linting on every
keystroke does not re-read them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from stat import S_ISREG
from typing import Any

import attrs

from .config import FILE_KEYS, Config, hadolint_config, structure
from .safefs import MAX_BYTES, read_bytes, read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

LAYERWISE_FILES = ("layerwise.toml", ".layerwise.toml", "pyproject.toml")
HADOLINT_FILES = (".hadolint.yaml", ".hadolint.yml")


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


@attrs.frozen
class ConfigSource:
    """One file a configuration came from."""

    path: Path
    kind: str  # "layerwise", "hadolint" or "hadolint, user level"


@attrs.frozen
class ResolvedConfig:
    config: Config
    #: The files read, lowest precedence first.
    sources: tuple[ConfigSource, ...] = ()
    errors: tuple[str, ...] = ()
    #: The folder whose ``root = true`` ended the search, if one did.
    stopped_at: Path | None = None


class ConfigLoader:
    """Finds, loads and caches the configuration that applies to a Dockerfile."""

    def __init__(self, *, isolated: bool = False) -> None:
        self.isolated = isolated
        self._cache: dict[Path, tuple[float, Config | None, list[str]]] = {}
        self._tool_tables: dict[Path, tuple[float, bool]] = {}

    def for_file(self, dockerfile: Path | None) -> tuple[Config, list[str]]:
        """The merged configuration for ``dockerfile`` and any problems found reading it."""
        if dockerfile is None:
            return Config(), []
        resolved = self.resolve(dockerfile.resolve().parent)
        return resolved.config, list(resolved.errors)

    def resolve(self, folder: Path) -> ResolvedConfig:
        """The configuration for a Dockerfile in ``folder``, with the files it came from."""
        if self.isolated:
            return ResolvedConfig(Config())
        sources, stopped_at = self.find(folder.resolve())
        errors: list[str] = []
        config = Config()
        for source in sources:
            loaded, problems = self.load(source.path)
            errors += problems
            if loaded is not None:
                config = config.merged(loaded)
        return ResolvedConfig(config, tuple(sources), tuple(errors), stopped_at)

    def find(self, start: Path) -> tuple[list[ConfigSource], Path | None]:
        """The files that apply in ``start``, lowest precedence first, and the folder
        whose ``root = true`` stopped the search (if one did)."""
        own: Path | None = None
        hadolint: Path | None = None
        stopped_at: Path | None = None
        for directory in (start, *start.parents):
            here = self.layerwise_file_in(directory)
            own = own or here
            if hadolint is None:
                hadolint = next(
                    (directory / n for n in HADOLINT_FILES if (directory / n).is_file()), None
                )
            if here is not None:
                config, _ = self.load(here)  # a farther file's problems are its own business
                if config is not None and config.stop_search:
                    stopped_at = directory
                    break
            if own is not None and hadolint is not None:
                break
        sources: list[ConfigSource] = []
        if hadolint is not None:
            sources.append(ConfigSource(hadolint, "hadolint"))
        elif stopped_at is None:
            user = next((p for p in hadolint_user_files() if p.is_file()), None)
            if user is not None:
                sources.append(ConfigSource(user, "hadolint, user level"))
        if own is not None:
            sources.append(ConfigSource(own, "layerwise"))
        return sources, stopped_at

    def nearest_layerwise(self, start: Path) -> Path | None:
        """The layerwise file for ``start`` (which holds its folder-search settings)."""
        if self.isolated:
            return None
        for directory in (start, *start.parents):
            found = self.layerwise_file_in(directory)
            if found is not None:
                return found
        return None

    def layerwise_file_in(self, directory: Path) -> Path | None:
        for name in LAYERWISE_FILES:
            candidate = directory / name
            if candidate.is_file() and (name != "pyproject.toml" or self._has_table(candidate)):
                return candidate
        return None

    def _has_table(self, pyproject: Path) -> bool:
        try:
            mtime = pyproject.stat().st_mtime
        except OSError:
            return False
        cached = self._tool_tables.get(pyproject)
        if cached is None or cached[0] != mtime:
            cached = self._tool_tables[pyproject] = (mtime, _has_tool_table(pyproject))
        return cached[1]

    def forget(self, paths: Iterable[Path] | None) -> None:
        """Drop what was cached for ``paths`` (``None``: everything), which an editor
        reported changed: the modification time alone misses a rewrite within the file
        system's time resolution, or a file put back with its old time."""
        if paths is None:
            self._cache.clear()
            self._tool_tables.clear()
            return
        for path in paths:
            self._cache.pop(path, None)
            self._tool_tables.pop(path, None)

    def load(self, path: Path) -> tuple[Config | None, list[str]]:
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
    text = read_text(path)
    if text is None:
        return False
    try:
        data = tomllib.loads(text)
    except ValueError:
        return False
    return isinstance(data.get("tool"), dict) and "layerwise" in data["tool"]


def read_config_file(path: Path) -> tuple[Config | None, list[str]]:
    """Read one configuration file; ``None`` when it cannot be parsed at all."""
    try:
        info = path.stat()
    except OSError as exc:
        return None, [f"{path}: cannot read: {exc.strerror or exc}"]
    if not S_ISREG(info.st_mode):
        return None, [f"{path}: cannot read: not a regular file"]
    if info.st_size > MAX_BYTES:
        return None, [f"{path}: cannot read: larger than {MAX_BYTES // 1000} kB"]
    content = read_bytes(path)
    if content is None:
        return None, [f"{path}: cannot read"]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [f"{path}: cannot read: not UTF-8 (byte {exc.start})"]
    if path.name in HADOLINT_FILES or path.suffix in (".yaml", ".yml"):
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
