"""Which files to lint: explicit paths, and Dockerfiles found in folders.

Shared by the command line (``layerwise check``) and the language server (workspace
symbols), so both find the same Dockerfiles.

A folder is searched recursively, hidden folders included. Never entered: version
control internals, virtual environments (a folder holding ``pyvenv.cfg`` or
``conda-meta``), folders matching the ``exclude`` / ``extend-exclude`` patterns of
the nearest layerwise configuration, and anything ``.gitignore`` (nested ones too)
or ``.git/info/exclude`` ignores. A file found there is linted when its name is a
Dockerfile name (or, when the configuration sets ``include``, when it matches one
of those patterns). Patterns are gitignore-style, relative to the configuration
file's folder.

A file named on the command line is always linted, whatever its name, unless
``force_exclude`` is set and an exclusion or ``.gitignore`` applies to it. A folder
named on the command line gets no such exception: exclusions that cover it cover
everything in it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from fnmatch import fnmatchcase
from pathlib import Path

from pathspec import GitIgnoreSpec

from .config import Config
from .safefs import read_text

#: The names docker users give Dockerfiles, matched without regard to case.
DOCKERFILE_PATTERNS = (
    "Dockerfile",
    "Dockerfile.*",
    "Dockerfile-*",
    "Dockerfile_*",
    "*.Dockerfile",
    "Containerfile",
    "Containerfile.*",
    "Containerfile-*",
    "Containerfile_*",
    "*.Containerfile",
)
#: Names that match a pattern above but are not Dockerfiles: BuildKit's per-Dockerfile
#: ignore files, notes, patch leftovers and editor backups.
NOT_DOCKERFILE_SUFFIXES = (
    ".dockerignore",
    ".md",
    ".txt",
    ".rst",
    ".orig",
    ".rej",
    ".bak",
    ".swp",
    "~",
)
#: Folders skipped whatever the configuration says.
VCS_DIRS = frozenset({".git", ".hg", ".svn", ".jj", ".bzr", "_darcs", ".pijul", "CVS"})
#: The default of the ``exclude`` setting (``extend-exclude`` adds to it).
DEFAULT_EXCLUDE = (
    "node_modules/",
    "bower_components/",
    ".venv/",
    "venv/",
    "__pycache__/",
    ".tox/",
    ".nox/",
    ".mypy_cache/",
    ".pytest_cache/",
    ".ruff_cache/",
    ".direnv/",
    ".eggs/",
    "site-packages/",
    ".terraform/",
)

_LOWER_PATTERNS = tuple(p.lower() for p in DOCKERFILE_PATTERNS)


class UsageError(Exception):
    pass


def is_dockerfile_name(name: str) -> bool:
    lowered = name.lower()
    return any(fnmatchcase(lowered, p) for p in _LOWER_PATTERNS) and not lowered.endswith(
        NOT_DOCKERFILE_SUFFIXES
    )


def project_root(path: Path) -> Path:
    """The repository root above ``path`` (a ``.git`` folder), else its own folder."""
    directory = path.resolve().parent
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return directory


#: (folder, walk_up) -> the configuration whose discovery settings apply there: with
#: ``walk_up``, the nearest one at or above the folder; without, only a file in that very
#: folder (``None`` when it has none).
SettingsLookup = Callable[[Path, bool], "Config | None"]


class _Filters:
    """The include / exclude settings of one configuration."""

    def __init__(self, config: Config) -> None:
        self.base = config.root
        self.include = (
            GitIgnoreSpec.from_lines(config.include) if config.include is not None else None
        )
        exclude = DEFAULT_EXCLUDE if config.exclude is None else config.exclude
        self.exclude = GitIgnoreSpec.from_lines([*exclude, *config.extend_exclude])

    def _relative(self, path: Path) -> str:
        if self.base is not None:
            try:
                return path.relative_to(self.base).as_posix()
            except ValueError:
                pass
        return path.name

    def includes(self, path: Path) -> bool:
        if self.include is None:
            return is_dockerfile_name(path.name)
        return self.include.match_file(self._relative(path))

    def excludes(self, path: Path, is_dir: bool) -> bool:
        return self.exclude.match_file(self._relative(path) + ("/" if is_dir else ""))

    def excludes_within(self, path: Path, top: Path) -> bool:
        """Whether ``path`` or one of its folders below ``top`` is excluded."""
        return any(self.excludes(folder, True) for folder in _folders_between(top, path)) or (
            self.excludes(path, False)
        )


def _folders_between(top: Path, path: Path) -> list[Path]:
    """The folders from ``top`` (excluded) down to ``path``'s parent."""
    try:
        parts = path.parent.relative_to(top).parts
    except ValueError:
        return []
    return [top.joinpath(*parts[: i + 1]) for i in range(len(parts))]


def _read_patterns(path: Path) -> GitIgnoreSpec | None:
    text = read_text(path)
    if text is None:
        return None
    lines = text.splitlines()
    valid = []
    for line in lines:
        try:
            GitIgnoreSpec.from_lines([line])
        except ValueError:
            continue  # git skips a pattern it cannot read; so do we
        valid.append(line)
    return GitIgnoreSpec.from_lines(valid) if valid else None


def _git_dir(top: Path) -> Path | None:
    dot_git = top / ".git"
    if dot_git.is_dir():
        return dot_git
    try:  # a worktree or submodule: "gitdir: <path>"
        text = dot_git.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("gitdir:"):
        return None
    git_dir = (top / text[len("gitdir:") :].strip()).resolve()
    try:
        common = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return git_dir
    return (git_dir / common).resolve()


class _GitIgnores:
    """The ``.gitignore`` files of one working tree (read as needed) and its info/exclude."""

    def __init__(self, top: Path) -> None:
        self.top = top
        git_dir = _git_dir(top)
        self.info = _read_patterns(git_dir / "info" / "exclude") if git_dir else None
        self._specs: dict[Path, GitIgnoreSpec | None] = {}

    @staticmethod
    def for_path(path: Path, fallback_top: Path) -> _GitIgnores:
        for candidate in (path, *path.parents):
            if (candidate / ".git").exists():
                return _GitIgnores(candidate)
        return _GitIgnores(fallback_top)

    def _spec(self, directory: Path) -> GitIgnoreSpec | None:
        if directory not in self._specs:
            self._specs[directory] = _read_patterns(directory / ".gitignore")
        return self._specs[directory]

    def ignored(self, path: Path, is_dir: bool) -> bool:
        try:
            parts = path.relative_to(self.top).parts
        except ValueError:
            return False
        if not parts:
            return False
        suffix = "/" if is_dir else ""
        decision: bool | None = None
        if self.info is not None:
            decision = self.info.check_file("/".join(parts) + suffix).include
        directory = self.top
        for index in range(len(parts)):  # deeper .gitignore files decide last
            spec = self._spec(directory)
            if spec is not None:
                result = spec.check_file("/".join(parts[index:]) + suffix).include
                if result is not None:
                    decision = result
            directory = directory / parts[index]
        return bool(decision)

    def ignored_within(self, path: Path) -> bool:
        """Whether ``path`` or one of its folders is ignored."""
        return any(self.ignored(f, True) for f in _folders_between(self.top, path)) or (
            self.ignored(path, False)
        )


def _skipped_folder(path: Path) -> bool:
    return (
        path.name in VCS_DIRS or (path / "pyvenv.cfg").is_file() or (path / "conda-meta").is_dir()
    )


class Finder:
    """Expands command-line paths into the inputs to lint."""

    def __init__(self, settings: SettingsLookup, *, force_exclude: bool = False) -> None:
        self.settings = settings
        self.force_exclude = force_exclude
        #: Folders given on the command line in which nothing was found.
        self.empty_folders: list[str] = []
        self.searched_folder = False

    def expand(self, raw_paths: Sequence[str]) -> list[str | Path]:
        """``"-"`` for stdin and paths to lint, in order, each once."""
        for raw in raw_paths:
            if raw != "-" and not os.path.lexists(raw):
                raise UsageError(f"{raw}: no such file or directory")
        out: list[str | Path] = []
        seen: set[Path] = set()
        for raw in raw_paths:
            if raw == "-":
                out.append(raw)
                continue
            path = Path(raw)
            if path.is_dir():
                self.searched_folder = True
                found = sorted(self._search(path))
                if not found:
                    self.empty_folders.append(raw)
            elif self._explicit_file_kept(path):
                found = [path]
            else:
                found = []
            for item in found:
                key = item.resolve()
                if key not in seen:
                    seen.add(key)
                    out.append(item)
        return out

    def _filters(self, real: Path, walk_up: bool) -> _Filters | None:
        config = self.settings(real, walk_up)
        return _Filters(config) if config is not None else None

    def _explicit_file_kept(self, path: Path) -> bool:
        if not self.force_exclude:
            return True
        real = path.resolve()
        filters = self._filters(real.parent, True)
        assert filters is not None
        ignores = _GitIgnores.for_path(real.parent, real.parent)
        top = filters.base if filters.base is not None else ignores.top
        return not (
            any(_skipped_folder(folder) for folder in _folders_between(ignores.top, real))
            or filters.excludes_within(real, top)
            or ignores.ignored_within(real)
        )

    def _search(self, folder: Path) -> Iterator[Path]:
        real = folder.resolve()
        filters = self._filters(real, True)
        assert filters is not None
        # Patterns see paths from their own folder, so an excluded or ignored folder keeps
        # everything in it out even when the search starts inside it.
        yield from self._walk(folder, real, filters, _GitIgnores.for_path(real, real))

    def _walk(
        self, shown: Path, real: Path, filters: _Filters, ignores: _GitIgnores
    ) -> Iterator[Path]:
        try:
            entries = sorted(os.scandir(real), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            real_entry = real / entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if is_dir:
                if (
                    _skipped_folder(real_entry)
                    or filters.excludes(real_entry, True)
                    or ignores.ignored(real_entry, True)
                ):
                    continue
                nested = self._filters(real_entry, False) or filters
                inner = _GitIgnores(real_entry) if (real_entry / ".git").exists() else ignores
                yield from self._walk(shown / entry.name, real_entry, nested, inner)
            elif (
                is_file
                and filters.includes(real_entry)
                and not filters.excludes(real_entry, False)
                and not ignores.ignored(real_entry, False)
            ):
                yield shown / entry.name
