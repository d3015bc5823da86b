"""User settings, structured strictly with cattrs.

cattrs' default converter coerces silently (``"no"`` becomes ``True``, a string
becomes a list of characters). Here every scalar and sequence hook is strict,
unknown keys are rejected, and errors come back as one readable line per
problem, named with the keys the user wrote (``layerwise.unsafeFixes``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from .engine import LintOptions
from .rule import Severity
from .rules import ALL_RULES


@attrs.frozen
class Settings:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = attrs.field(factory=dict)
    unsafe_fixes: bool = False

    def lint_options(self) -> LintOptions:
        return LintOptions(select=self.select, ignore=self.ignore, severity=dict(self.severity))


# attribute name -> the key users write
_KEYS = {"unsafe_fixes": "unsafeFixes"}


def _strict(expected: type) -> Any:
    def hook(value: Any, _: Any) -> Any:
        if type(value) is not expected:
            raise TypeError(f"expected {_kind(expected)}, got {_describe(value)}")
        return value

    return hook


def _kind(expected: type) -> str:
    return {str: "a string", bool: "true or false", int: "an integer", float: "a number"}.get(
        expected, expected.__name__
    )


def _describe(value: Any) -> str:
    kind = {
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        list: "list",
        dict: "object",
    }
    name = kind.get(type(value), type(value).__name__)
    return f"{name} {value!r}" if isinstance(value, (str, int, float, bool)) else name


def _strings(value: Any, _: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a list of strings, got {_describe(value)}")
    for item in value:
        if not isinstance(item, str):
            raise TypeError(f"expected a list of strings, got an item {_describe(item)}")
    return tuple(value)


def _severities(value: Any, _: Any) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object of rule: severity, got {_describe(value)}")
    out = {}
    for key, level in value.items():
        if level not in [s.value for s in Severity]:
            choices = ", ".join(s.value for s in Severity)
            raise ValueError(
                f"severity for '{key}' must be one of {choices}, got {_describe(level)}"
            )
        out[str(key)] = Severity(level)
    return out


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    for scalar in (str, bool, int, float):
        converter.register_structure_hook(scalar, _strict(scalar))
    converter.register_structure_hook(
        Settings,
        make_dict_structure_fn(
            Settings,
            converter,
            _cattrs_forbid_extra_keys=True,
            select=override(struct_hook=_strings),
            ignore=override(struct_hook=_strings),
            severity=override(struct_hook=_severities),
            unsafe_fixes=override(rename=_KEYS["unsafe_fixes"]),
        ),
    )
    return converter


_CONVERTER = _converter()


# Settings of the editor extensions (how to start the server), not of the linter:
# they arrive in the same ``layerwise`` section and are not ours to judge.
CLIENT_KEYS = frozenset({"interpreter", "serverCommand", "trace", "path"})


def parse_settings(raw: Any, prefix: str = "layerwise") -> tuple[Settings, list[str]]:
    """Structure raw JSON settings; on any error return defaults and the messages."""
    if raw is None:
        return Settings(), []
    if not isinstance(raw, dict):
        return Settings(), [f"{prefix}: expected an object, got {_describe(raw)}"]
    raw = {key: value for key, value in raw.items() if key not in CLIENT_KEYS}
    try:
        settings = _CONVERTER.structure(raw, Settings)
    except Exception as exc:  # cattrs aggregates errors in an exception group
        return Settings(), _messages(exc, prefix)
    errors = []
    for key, selectors in (
        ("select", settings.select),
        ("ignore", settings.ignore),
        ("severity", tuple(settings.severity)),
    ):
        for selector in selectors:
            if not any(rule.matches(selector) for rule in ALL_RULES):
                errors.append(f"{prefix}.{key}: unknown rule '{selector}'")
    if errors:
        return Settings(), errors
    return settings, []


def _format(exc: BaseException, _type: Any) -> str:
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return f"unknown setting(s) {', '.join(sorted(exc.extra_fields))}"
    if isinstance(exc, (TypeError, ValueError)) and exc.args:
        return str(exc.args[0])
    return str(exc)


def _messages(exc: BaseException, prefix: str) -> list[str]:
    lines = []
    for line in cattrs.transform_error(exc, path=prefix, format_exception=_format):
        message, _, path = line.rpartition(" @ ")
        for attr, key in _KEYS.items():
            path = path.replace(f".{attr}", f".{key}")
        lines.append(f"{path}: {message}" if message else line)
    return lines
