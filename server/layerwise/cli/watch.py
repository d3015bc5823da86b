"""``layerwise check --watch``: check, then check again whenever a watched file changes.

Any change under the watched paths counts, not only Dockerfiles: a finding can depend
on a ``.dockerignore``, a configuration file, a COPYed entrypoint script or what the
build context holds. Folders nobody lints from (``.git``, ``node_modules``, virtual
environments, caches) are not watched. The file watcher is ``watchfiles`` (a maintained
binding to the operating system's notification APIs); it is imported only here, so
other commands do not pay for it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from .discovery import UsageError


def watch(check_once: Callable[[], int], paths: Sequence[str]) -> int:
    """Run ``check_once`` now and after every batch of changes; the last run's status.

    Returns when interrupted (Ctrl-C).
    """
    out = sys.stdout
    roots = _roots(paths)
    try:
        from watchfiles import DefaultFilter
        from watchfiles import watch as changes_of
    except ImportError:  # e.g. the copy bundled in the VS Code extension leaves it out
        raise UsageError(
            "--watch needs the watchfiles package, which this installation lacks "
            "(pip install watchfiles)"
        ) from None

    status = _run(check_once, out)
    try:
        for batch in changes_of(
            *roots,
            watch_filter=DefaultFilter(),
            raise_interrupt=False,
            yield_on_timeout=False,
        ):
            changed = {Path(path) for _, path in batch}
            # A save also touches the folder: name the files, unless only folders changed.
            names = sorted({p.name for p in changed if not p.is_dir()} or {p.name for p in changed})
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            _say(out, f"\n[{time.strftime('%H:%M:%S')}] {shown} changed; checking again.")
            status = _run(check_once, out)
    except KeyboardInterrupt:  # between two waits, or during a check
        pass
    return status


def _run(check_once: Callable[[], int], out: TextIO) -> int:
    """One check; a usage error (a named file was deleted) is reported, not fatal."""
    try:
        status = check_once()
    except UsageError as exc:
        print(f"layerwise: error: {exc}", file=sys.stderr, flush=True)
        status = 2
    _say(out, "Watching for file changes; press Ctrl-C to stop.")
    return status


def _roots(paths: Sequence[str]) -> list[Path]:
    roots: list[Path] = []
    for raw in paths or ["."]:
        if raw == "-":
            raise UsageError("--watch cannot read standard input; name files or folders")
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"{raw}: no such file or directory")
        roots.append(path)
    return roots


def _say(out: TextIO, line: str) -> None:
    print(line, file=out, flush=True)
