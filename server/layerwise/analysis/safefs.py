"""Reading the files around a Dockerfile without trusting them.

Every file the analysis reads on its own (``.dockerignore``, bake files, package.json,
COPYed entrypoint scripts, configuration files) goes through :func:`read_text`:

- the path is resolved (symlinks and ``..``) and must lie inside ``root`` when one is
  given, so a link or a relative path cannot leave the workspace or project;
- only regular files are opened (a FIFO or device would block or never end);
- files over ``limit`` bytes, and binary files (a NUL byte near the start), are skipped;
- bytes are decoded as UTF-8 with replacement, whatever the locale.

Nothing is ever executed; nothing goes to the network.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Default size cap: configuration and ignore files are small.
MAX_BYTES = 1_000_000


def within(path: Path, root: Path) -> bool:
    """``path`` (resolved) is ``root`` (resolved) or inside it."""
    try:
        real = path.resolve()
        top = root.resolve()
    except (OSError, RuntimeError):
        return False
    return real == top or top in real.parents


def read_bytes(path: Path, root: Path | None = None, limit: int = MAX_BYTES) -> bytes | None:
    """The file's bytes; ``None`` when it is outside ``root``, not a regular file, larger
    than ``limit`` or unreadable."""
    try:
        real = path.resolve()
        if root is not None and not within(real, root):
            return None
        info = os.stat(real)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with open(real, "rb") as file:
            data = file.read(limit + 1)
    except (OSError, RuntimeError, ValueError):
        return None
    return data if len(data) <= limit else None


def read_text(path: Path, root: Path | None = None, limit: int = MAX_BYTES) -> str | None:
    """:func:`read_bytes` as text (UTF-8, bad bytes replaced); ``None`` for binary files."""
    data = read_bytes(path, root, limit)
    if data is None or b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def regular_file(path: Path) -> bool:
    """``path`` is a regular file (after symlinks), without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
