"""``--show-settings``: the settings that apply to one Dockerfile, and where they come from."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..analysis.config import FILE_KEYS, Config
from ..analysis.configfiles import ResolvedConfig
from .discovery import DEFAULT_EXCLUDE, DOCKERFILE_PATTERNS

# Values used when no source sets a key, as the linter applies them.
_DEFAULTS: dict[str, Any] = {
    "unsafe_fixes": False,
    "fail_level": "info",
    "strict_labels": False,
    "allow_pragmas": True,
    "include": DOCKERFILE_PATTERNS,
    "exclude": DEFAULT_EXCLUDE,
    "stop_search": False,
}
_FLAGS = (
    ("select", "--select"),
    ("extend_select", "--extend-select"),
    ("ignore", "--ignore"),
    ("unsafe_fixes", "--unsafe-fixes"),
    ("fail_level", "--fail-level"),
)
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        items = (
            f"{k if _BARE_KEY.match(str(k)) else json.dumps(str(k))} = {_value(v)}"
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
        )
        return "{" + ", ".join(items) + "}"
    if hasattr(value, "value"):  # an enum (severity)
        return _value(value.value)
    return json.dumps(str(value), ensure_ascii=False)


def describe_settings(
    dockerfile: Path, config: Config, resolved: ResolvedConfig | None, args: argparse.Namespace
) -> str:
    """Readable text, one setting a line, in the order of the configuration file keys."""
    lines = [f"Settings for {dockerfile}", "", "Read from (later ones win):"]
    if args.isolated:
        lines.append("  no configuration file (--isolated)")
    elif resolved is None:
        lines.append(f"  {args.config} (--config)")
    else:
        for source in resolved.sources:
            lines.append(f"  {source.path} ({source.kind})")
        if not resolved.sources:
            lines.append("  no configuration file found")
        if resolved.stopped_at is not None:
            lines.append(f"  (search stopped at {resolved.stopped_at}: root = true)")
    flags = [flag for attr, flag in _FLAGS if getattr(args, attr, None)]
    if flags:
        lines.append(f"  command line: {', '.join(flags)}")
    lines += ["", "Settings:"]
    for key, attr in FILE_KEYS.items():
        value = getattr(config, attr)
        if attr == "select" and value is None:
            lines.append("  select = (default)  # the rules that are on by default")
        elif value is None:
            note = ", any letter case" if attr == "include" else ""
            lines.append(f"  {key} = {_value(_DEFAULTS[attr])}  # default{note}")
        else:
            lines.append(f"  {key} = {_value(value)}")
    applied = config.file_ignores(dockerfile) if config.per_file_ignores else []
    if applied:
        lines.append(f"  # per-file-ignores apply to this file: {_value(applied)}")
    return "\n".join(lines) + "\n"
