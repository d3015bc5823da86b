"""Which open Dockerfiles a change on disk can affect.

A lint reads more than the Dockerfile: configuration files found by walking up from
its folder (:mod:`.configfiles`), the ``.dockerignore`` BuildKit would use
(:mod:`.dockerignore`), a Bake file, and files of the build context (the folder
listing, an entrypoint script it copies, package manifests and lock files). An
editor reports files created, changed or deleted; :func:`affected_documents` decides,
without touching the disk, which open documents must be linted again.

The decision errs on the side of re-linting: a lint costs milliseconds, a stale
diagnostic costs the user's trust.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import PurePath

from .buildconfig import BAKE_FILES
from .configfiles import HADOLINT_FILES, LAYERWISE_FILES


class Change(enum.Enum):
    CREATED = 1
    CHANGED = 2
    DELETED = 3


#: Files found by walking up from the Dockerfile's folder: a change to one affects
#: every Dockerfile in its folder and below.
UPWARD_NAMES = frozenset(
    (*LAYERWISE_FILES, *HADOLINT_FILES, ".dockerignore", ".gitignore", *BAKE_FILES)
)

#: What an editor should watch for us (``workspace/didChangeWatchedFiles``). Everything:
#: besides the configuration and ignore files, a lint reads build-context files of any
#: name (scripts, manifests, lock files) and folder listings; :func:`affects` filters.
WATCH_GLOBS = ("**/*",)


@dataclass(frozen=True)
class OpenDockerfile:
    """An open document as the decision needs it: absolute, normalised paths."""

    key: str
    path: PurePath
    #: The project the lint may read files from (the workspace folder holding it).
    root: PurePath
    text: str


#: What separates the names a Dockerfile mentions: ``COPY ./bin/entrypoint.sh /``,
#: ``ENTRYPOINT ["/entrypoint.sh"]``, ``--from=x``.
_NAME_SEPARATORS = re.compile(r"[\s/\\\"'\[\],=:;&|<>()]+")


class _Doc:
    """A document prepared for many questions: paths as part tuples (cheap prefix
    tests) and the set of names its text mentions."""

    def __init__(self, doc: OpenDockerfile) -> None:
        self.key = doc.key
        self.name = doc.path.name
        self.parts = doc.path.parts
        self.folder = self.parts[:-1]
        self.root = doc.root.parts
        self.names = frozenset(_NAME_SEPARATORS.split(doc.text))


class _Changed:
    def __init__(self, path: PurePath, change: Change, users: Collection[PurePath]) -> None:
        self.parts = path.parts
        self.parent = self.parts[:-1]
        self.name = path.name
        self.change = change
        self.user_level = path in users


def _within(path: tuple[str, ...], folder: tuple[str, ...]) -> bool:
    return path[: len(folder)] == folder


def _affects(changed: _Changed, doc: _Doc) -> bool:
    if changed.parts == doc.parts:
        return False  # the editor's copy is what gets linted, not the file on disk
    if changed.user_level:
        return True  # hadolint's user-level file applies wherever no project file does
    name = changed.name
    if name in UPWARD_NAMES:
        return _within(doc.folder, changed.parent)
    if name.endswith(".dockerignore"):
        # <Dockerfile name>.dockerignore beside the Dockerfile it belongs to
        return changed.parent == doc.folder and name == f"{doc.name}.dockerignore"
    if not _within(changed.parts, doc.root):
        return False  # never read: lookups in the build context stay inside the project
    if changed.change is not Change.CHANGED and _within(doc.folder, changed.parent):
        return True  # a folder listing that lookups (upward) or LW401 read has changed
    # a file the Dockerfile names (an entrypoint script, a manifest, a lock file)
    return name in doc.names


def affects(
    changed: PurePath,
    change: Change,
    doc: OpenDockerfile,
    user_config_files: Collection[PurePath] = (),
) -> bool:
    """Whether ``change`` to the file ``changed`` can alter the findings of ``doc``."""
    return _affects(_Changed(changed, change, user_config_files), _Doc(doc))


def affected_documents(
    changes: Iterable[tuple[PurePath, Change]],
    documents: Iterable[OpenDockerfile],
    user_config_files: Collection[PurePath] = (),
) -> list[str]:
    """The keys of the ``documents`` whose findings ``changes`` can alter, in their order."""
    users = frozenset(user_config_files)
    changed = [_Changed(path, kind, users) for path, kind in changes]
    found = []
    for doc in documents:
        prepared = _Doc(doc)
        if any(_affects(c, prepared) for c in changed):
            found.append(doc.key)
    return found
