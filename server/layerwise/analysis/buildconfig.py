"""What the project's build configuration says beside the Dockerfile: the named build
contexts of a Bake file (``docker buildx bake``), which replace a ``FROM`` image with
another target, a folder or a pinned image, so nothing is pulled under that name.

Only files inside the project are read (through :class:`Project`), never executed, and
each is read once per modification time.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from .context import LintContext
from .safefs import read_text

BAKE_FILES = ("docker-bake.hcl", "docker-bake.json", "docker-bake.override.hcl")
_LIMIT = 1 << 20  # bytes; a larger file is not read
# ``contexts = { "name" = "target:x", name2 = "..." }`` in HCL.
_HCL_BLOCK = re.compile(r"\bcontexts\s*=\s*\{(?P<body>[^{}]*)\}", re.S)
_HCL_KEY = re.compile(r"(?:\"(?P<quoted>[^\"]+)\"|(?P<bare>[A-Za-z0-9_./:-]+))\s*=")


def named_contexts(ctx: LintContext) -> frozenset[str]:
    """Image names a Bake file of the project replaces with a named context, lower case
    (``tonistiigi/xx`` for ``contexts = { "tonistiigi/xx" = "target:xx" }``)."""
    if ctx.path is None or ctx.project is None:
        return frozenset()
    found = ctx.project.find_upward(ctx.path.parent, BAKE_FILES)
    if found is None:
        return frozenset()
    try:
        stat = found.stat()
    except OSError:
        return frozenset()
    if stat.st_size > _LIMIT:
        return frozenset()
    return _read(str(found), stat.st_mtime_ns, str(getattr(ctx.project, "root", None) or ""))


@functools.lru_cache(maxsize=64)
def _read(path: str, mtime_ns: int, root: str) -> frozenset[str]:
    text = read_text(Path(path), Path(root) if root else None, _LIMIT)
    if text is None:
        return frozenset()
    names: set[str] = set()
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            return frozenset()
        targets = data.get("target", {}) if isinstance(data, dict) else {}
        for target in targets.values() if isinstance(targets, dict) else ():
            contexts = target.get("contexts") if isinstance(target, dict) else None
            if isinstance(contexts, dict):
                names.update(str(k).lower() for k in contexts)
    else:
        for block in _HCL_BLOCK.finditer(text):
            for key in _HCL_KEY.finditer(block.group("body")):
                names.add((key.group("quoted") or key.group("bare")).lower())
    return frozenset(names)


def replaced_by_context(names: frozenset[str], reference: str, full_name: str) -> bool:
    """``reference`` (as written after expansion) or its image name is a named context."""
    reference = reference.lower()
    return reference in names or full_name.lower() in names
