"""Which files a command line names: explicit paths, and Dockerfiles found in folders."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".hg"})


class UsageError(Exception):
    pass


def is_dockerfile_name(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered == "dockerfile"
        or lowered.endswith(".dockerfile")
        or lowered.startswith("dockerfile.")
        or lowered.startswith("containerfile")
    ) and not lowered.endswith(".dockerignore")


def discover(paths: Sequence[str]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(_walk(path))
        else:
            raise UsageError(f"{raw}: no such file or directory")


def _walk(directory: Path) -> Iterator[Path]:
    try:
        entries = list(directory.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.is_dir():
            if entry.name not in _SKIP_DIRS and not entry.name.startswith("."):
                yield from _walk(entry)
        elif entry.is_file() and is_dockerfile_name(entry.name):
            yield entry


def project_root(path: Path) -> Path:
    """The repository root above ``path`` (a ``.git`` folder), else its own folder."""
    directory = path.resolve().parent
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return directory
