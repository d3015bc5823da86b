"""The command line's file discovery; it lives in :mod:`layerwise.analysis.discovery`
so the language server (workspace symbols) finds Dockerfiles by the same rules."""

from ..analysis.discovery import (
    DEFAULT_EXCLUDE,
    DOCKERFILE_PATTERNS,
    NOT_DOCKERFILE_SUFFIXES,
    VCS_DIRS,
    Finder,
    SettingsLookup,
    UsageError,
    is_dockerfile_name,
    project_root,
)

__all__ = [
    "DEFAULT_EXCLUDE",
    "DOCKERFILE_PATTERNS",
    "NOT_DOCKERFILE_SUFFIXES",
    "VCS_DIRS",
    "Finder",
    "SettingsLookup",
    "UsageError",
    "is_dockerfile_name",
    "project_root",
]
