"""The Dockerfiles of a workspace, found by the command line's discovery rules.

For editor features that look beyond the open documents (workspace symbols). Files
are read only when their modification time or size changed since the last look;
files above a size cap, files whose real path leaves the workspace folder (a
symlink pointing out) and anything past a file-count cap are skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Generic, TypeVar

from ..syntax.model import Dockerfile
from ..syntax.parser import parse
from ..syntax.source import SourceText
from .config import Config
from .configfiles import ConfigLoader
from .discovery import Finder, SettingsLookup, UsageError

T = TypeVar("T")

MAX_FILE_BYTES = 1_000_000
MAX_FILES = 2_000


@dataclass(frozen=True, slots=True)
class IndexedFile(Generic[T]):
    path: Path
    source: SourceText
    value: T


def discovery_settings(loader: ConfigLoader) -> SettingsLookup:
    """The include/exclude settings for a folder, as the command line reads them."""

    def lookup(folder: Path, walk_up: bool) -> Config | None:
        found = loader.nearest_layerwise(folder) if walk_up else loader.layerwise_file_in(folder)
        if found is None:
            return Config() if walk_up else None
        config, _ = loader.load(found)
        return config or Config(root=found.parent.resolve())

    return lookup


class DockerfileIndex(Generic[T]):
    """What ``derive`` makes of each Dockerfile under some folders, cached per file."""

    def __init__(
        self,
        derive: Callable[[Dockerfile], T],
        loader: ConfigLoader | None = None,
        *,
        max_bytes: int = MAX_FILE_BYTES,
        max_files: int = MAX_FILES,
    ) -> None:
        self.derive = derive
        self.loader = loader or ConfigLoader()
        self.max_bytes = max_bytes
        self.max_files = max_files
        self._cache: dict[Path, tuple[int, int, IndexedFile[T]]] = {}
        self._lock = threading.Lock()

    def files(self, roots: list[Path]) -> list[Path]:
        """The Dockerfiles under ``roots`` (real paths inside their root), at most ``max_files``."""
        finder = Finder(discovery_settings(self.loader))
        found: list[Path] = []
        for root in roots:
            real_root = root.resolve()
            try:
                candidates = finder.expand([str(real_root)])
            except UsageError:
                continue  # the folder is gone
            for candidate in candidates:
                if not isinstance(candidate, Path):
                    continue
                real = candidate.resolve()
                if real != real_root and real_root not in real.parents:
                    continue  # a symlink out of the workspace
                if real not in found:
                    found.append(real)
                if len(found) >= self.max_files:
                    return found
        return found

    def entries(self, roots: list[Path], skip: set[Path] | None = None) -> list[IndexedFile[T]]:
        """The indexed files under ``roots``, except ``skip`` (documents open in the editor)."""
        with self._lock:
            out = []
            seen = set()
            for path in self.files(roots):
                seen.add(path)
                if skip and path in skip:
                    continue
                entry = self._entry(path)
                if entry is not None:
                    out.append(entry)
            for stale in set(self._cache) - seen:
                del self._cache[stale]
            return out

    def _entry(self, path: Path) -> IndexedFile[T] | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        if stat.st_size > self.max_bytes or not S_ISREG(stat.st_mode):
            return None  # large, or a FIFO or device that would block
        cached = self._cache.get(path)
        if cached is not None and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
            return cached[2]
        try:
            with path.open("rb") as file:
                data = file.read(self.max_bytes + 1)
        except OSError:
            return None
        if len(data) > self.max_bytes:
            return None  # grew since the stat
        text = data.decode("utf-8", errors="replace")
        doc = parse(text)
        entry = IndexedFile(path, doc.source, self.derive(doc))
        self._cache[path] = (stat.st_mtime_ns, stat.st_size, entry)
        return entry
