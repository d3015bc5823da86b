"""Configuration: editor settings, ``layerwise.toml`` / ``[tool.layerwise]`` and ``.hadolint.yaml``.

Every source is structured strictly with cattrs into the same :class:`Config`.
cattrs' default converter coerces silently (``"no"`` becomes ``True``, a string
becomes a list of characters); here scalar and collection hooks are strict.
Each key is structured on its own, so one bad value produces one message naming
the file, the key (as the user wrote it), what was expected and what was found,
and the rest of the configuration still applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path, PurePath
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override
from pathspec import GitIgnoreSpec

from .options import LintOptions
from .peers import peer_only
from .rule import Severity
from .rules import ALL_RULES

FAIL_LEVELS = ("error", "warning", "info", "hint", "none")
KEYWORD_CASES = ("upper", "lower", "keep")
LABEL_TYPES = ("text", "url", "email", "semver", "hash", "rfc3339", "spdx")
# Settings of the editor extensions (how to start the server), not of the linter:
# they arrive in the same ``layerwise`` section and are not ours to judge.
CLIENT_KEYS = frozenset({"interpreter", "serverCommand", "trace", "path"})


@attrs.frozen
class Config:
    select: tuple[str, ...] | None = None  # None: the defaults
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = attrs.field(factory=dict)
    unsafe_fixes: bool | None = None
    fail_level: str | None = None
    per_file_ignores: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    trusted_registries: tuple[str, ...] = ()
    required_labels: Mapping[str, str] = attrs.field(factory=dict)
    strict_labels: bool | None = None
    allow_pragmas: bool | None = None
    # Which files a folder search lints (the command line); None: the built-in lists.
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    #: ``root = true``: configuration files above this one's folder are not read.
    stop_search: bool | None = None
    #: Folder that ``per_file_ignores`` and the discovery globs are relative to.
    root: Path | None = None
    # Editor formatting (``layerwise.format.*``); None: the defaults.
    format_keyword_case: str | None = None
    format_multi_line: bool | None = None

    def merged(self, override: Config) -> Config:
        """``override`` on top of ``self``: set values win, lists of ignores add up."""
        return Config(
            select=override.select if override.select is not None else self.select,
            extend_select=self.extend_select + override.extend_select,
            ignore=self.ignore + override.ignore,
            severity={**self.severity, **override.severity},
            unsafe_fixes=_pick(override.unsafe_fixes, self.unsafe_fixes),
            fail_level=_pick(override.fail_level, self.fail_level),
            per_file_ignores={**self.per_file_ignores, **override.per_file_ignores},
            trusted_registries=override.trusted_registries or self.trusted_registries,
            required_labels={**self.required_labels, **override.required_labels},
            strict_labels=_pick(override.strict_labels, self.strict_labels),
            allow_pragmas=_pick(override.allow_pragmas, self.allow_pragmas),
            include=_pick(override.include, self.include),
            exclude=_pick(override.exclude, self.exclude),
            extend_exclude=self.extend_exclude + override.extend_exclude,
            stop_search=_pick(override.stop_search, self.stop_search),
            root=override.root if override.per_file_ignores else self.root,
            format_keyword_case=_pick(override.format_keyword_case, self.format_keyword_case),
            format_multi_line=_pick(override.format_multi_line, self.format_multi_line),
        )

    def lint_options(self, path: Path | None = None) -> LintOptions:
        ignore = list(self.ignore)
        if path is not None and self.per_file_ignores:
            ignore.extend(self.file_ignores(path))
        return LintOptions(
            select=self.select or (),
            extend_select=self.extend_select,
            ignore=tuple(ignore),
            severity=dict(self.severity),
            allow_pragmas=self.allow_pragmas is not False,
            trusted_registries=self.trusted_registries,
            required_labels=dict(self.required_labels),
            strict_labels=bool(self.strict_labels),
        )

    def file_ignores(self, path: Path) -> list[str]:
        target = path.resolve()
        if self.root is not None:
            try:
                relative = PurePath(target.relative_to(self.root.resolve()))
            except ValueError:
                relative = PurePath(target.name)
        else:
            relative = PurePath(target.name)
        out: list[str] = []
        for pattern, selectors in self.per_file_ignores.items():
            if (
                relative.match(pattern)
                or PurePath(relative.name).match(pattern)
                or _glob(pattern, relative)
            ):
                out.extend(selectors)
        return out


def _glob(pattern: str, relative: PurePath) -> bool:
    regex = (
        re.escape(pattern)
        .replace(r"\*\*/", "(?:.*/)?")
        .replace(r"\*\*", ".*")
        .replace(r"\*", "[^/]*")
    )
    return re.fullmatch(regex.replace(r"\?", "[^/]"), relative.as_posix()) is not None


def _pick(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value


# -- strict structuring ------------------------------------------------------------------


def _describe(value: Any) -> str:
    kind = {
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        list: "list",
        dict: "table",
    }
    name = kind.get(type(value), type(value).__name__)
    return f"{name} {value!r}" if isinstance(value, (str, int, float, bool)) else name


def _strict(expected: type, label: str) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _: Any) -> Any:
        if type(value) is not expected:
            raise TypeError(f"expected {label}, got {_describe(value)}")
        return value

    return hook


def _strings(value: Any, _: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a list of strings, got {_describe(value)}")
    for item in value:
        if not isinstance(item, str):
            raise TypeError(f"expected a list of strings, got an item {_describe(item)}")
    return tuple(value)


def _choice(choices: tuple[str, ...]) -> Callable[[Any, Any], str]:
    def hook(value: Any, _: Any) -> str:
        if not isinstance(value, str) or value.lower() not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {_describe(value)}")
        return value.lower()

    return hook


def _table(
    value_hook: Callable[[Any, Any], Any], what: str
) -> Callable[[Any, Any], dict[str, Any]]:
    def hook(value: Any, _: Any) -> dict[str, Any]:
        if isinstance(value, list) and not value:
            return {}  # Lua and some JSON encoders cannot tell an empty object from []
        if not isinstance(value, dict):
            raise TypeError(f"expected a table of {what}, got {_describe(value)}")
        out = {}
        for key, item in value.items():
            try:
                out[str(key)] = value_hook(item, None)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"'{key}': {exc}") from None
        return out

    return hook


def _globs(value: Any, _: Any) -> tuple[str, ...]:
    patterns = _strings(value, None)
    for pattern in patterns:
        try:
            GitIgnoreSpec.from_lines([pattern])
        except ValueError:  # pathspec's pattern error
            raise ValueError(f"not a valid glob pattern: {pattern!r}") from None
    return patterns


def _severity(value: Any, _: Any) -> Severity:
    return Severity(_choice(tuple(s.value for s in Severity))(value, None))


_CONVERTER = cattrs.Converter(forbid_extra_keys=True)
for _scalar, _label in ((str, "a string"), (bool, "true or false"), (int, "an integer")):
    _CONVERTER.register_structure_hook(_scalar, _strict(_scalar, _label))

# attribute -> structuring hook; every source maps its own key names onto these.
_HOOKS: dict[str, Callable[[Any, Any], Any]] = {
    "select": _strings,
    "extend_select": _strings,
    "ignore": _strings,
    "severity": _table(_severity, "rule = severity"),
    "unsafe_fixes": _CONVERTER.get_structure_hook(bool),
    "fail_level": _choice(FAIL_LEVELS),
    "per_file_ignores": _table(_strings, "glob = [rules]"),
    "trusted_registries": _strings,
    "required_labels": _table(_choice(LABEL_TYPES), "label = type"),
    "strict_labels": _CONVERTER.get_structure_hook(bool),
    "allow_pragmas": _CONVERTER.get_structure_hook(bool),
    "include": _globs,
    "exclude": _globs,
    "extend_exclude": _globs,
    "stop_search": _CONVERTER.get_structure_hook(bool),
    "format_keyword_case": _choice(KEYWORD_CASES),
    "format_multi_line": _CONVERTER.get_structure_hook(bool),
}

_CONVERTER.register_structure_hook(
    Config,
    make_dict_structure_fn(
        Config,
        _CONVERTER,
        _cattrs_forbid_extra_keys=True,
        **{attr: override(struct_hook=hook) for attr, hook in _HOOKS.items()},  # type: ignore[arg-type]
    ),
)


def _leaf_message(exc: BaseException) -> str:
    """The innermost error message inside cattrs' exception groups."""
    while getattr(exc, "exceptions", None):  # ExceptionGroup (a backport on Python 3.10)
        exc = exc.exceptions[0]  # type: ignore[attr-defined]
    return str(exc.args[0]) if exc.args else str(exc)


SETTINGS_KEYS = {  # editor settings (camelCase, as VS Code shows them)
    "select": "select",
    "extendSelect": "extend_select",
    "ignore": "ignore",
    "severity": "severity",
    "unsafeFixes": "unsafe_fixes",
    "format.keywordCase": "format_keyword_case",
    "format.multiLine": "format_multi_line",
}
FILE_KEYS = {  # layerwise.toml / [tool.layerwise]
    "select": "select",
    "extend-select": "extend_select",
    "ignore": "ignore",
    "severity": "severity",
    "unsafe-fixes": "unsafe_fixes",
    "fail-level": "fail_level",
    "per-file-ignores": "per_file_ignores",
    "trusted-registries": "trusted_registries",
    "required-labels": "required_labels",
    "strict-labels": "strict_labels",
    "allow-ignore-pragmas": "allow_pragmas",
    "include": "include",
    "exclude": "exclude",
    "extend-exclude": "extend_exclude",
    "root": "stop_search",
}


def _known_selector(selector: str, peers_ok: bool) -> bool:
    # Codes of peers that layerwise does not implement: accepted in their config files.
    if peers_ok and peer_only(selector):
        return True
    return any(rule.matches(selector) for rule in ALL_RULES)


def _check_selectors(
    values: dict[str, Any], where: Callable[[str], str], peers_ok: bool
) -> list[str]:
    """Drop unknown rule selectors, one message each."""
    errors = []
    for attr in ("select", "extend_select", "ignore"):
        if attr in values:
            kept = []
            for selector in values[attr]:
                if _known_selector(selector, peers_ok):
                    kept.append(selector)
                else:
                    errors.append(f"{where(attr)}: unknown rule '{selector}'")
            values[attr] = tuple(kept)
    for attr in ("severity", "per_file_ignores"):
        if attr not in values:
            continue
        table = dict(values[attr])
        for key in list(table):
            selectors = [key] if attr == "severity" else list(table[key])
            unknown = [s for s in selectors if not _known_selector(s, peers_ok)]
            for selector in unknown:
                errors.append(f"{where(attr)}: unknown rule '{selector}'")
            if attr == "severity" and unknown:
                del table[key]
            elif unknown:
                table[key] = tuple(s for s in selectors if s not in unknown)
        values[attr] = table
    return errors


def structure(
    raw: Any,
    keys: Mapping[str, str],
    where: str,
    ignored: frozenset[str] = frozenset(),
    peers_ok: bool = False,
) -> tuple[Config, list[str]]:
    """Structure one source's table; bad keys are dropped with one message each."""
    if raw is None or (isinstance(raw, list) and not raw):
        return Config(), []
    if not isinstance(raw, dict):
        return Config(), [f"{where}: expected a table, got {_describe(raw)}"]
    values: dict[str, Any] = {}
    errors: list[str] = []
    names = {attr: key for key, attr in keys.items()}
    for key, value in raw.items():
        if key in ignored:
            continue
        attr = keys.get(key)
        if attr is None:
            errors.append(f"{where}: unknown setting '{key}' (known: {', '.join(keys)})")
            continue
        try:
            values[attr] = getattr(_CONVERTER.structure({attr: value}, Config), attr)
        except Exception as exc:  # cattrs wraps the hook's error in an exception group
            errors.append(f"{where}.{key}: {_leaf_message(exc)}")
    errors += _check_selectors(values, lambda attr: f"{where}.{names[attr]}", peers_ok)
    if values.get("select") == ():
        del values["select"]  # an empty list (an editor's default) means "not set"
    return attrs.evolve(Config(), **values), errors


def parse_settings(raw: Any, prefix: str = "layerwise") -> tuple[Config, list[str]]:
    """Editor settings (the ``layerwise`` section of workspace/configuration).

    Dotted settings arrive nested (``{"format": {"multiLine": false}}``, as VS Code
    sends them) or flat (``{"format.multiLine": false}``); both mean the same.
    """
    if isinstance(raw, dict) and isinstance(raw.get("format"), dict):
        raw = {k: v for k, v in raw.items() if k != "format"} | {
            f"format.{k}": v for k, v in raw["format"].items()
        }
    return structure(raw, SETTINGS_KEYS, prefix, ignored=CLIENT_KEYS)


# -- hadolint's configuration ----------------------------------------------------------

_HADOLINT_SEVERITY = {"error": "error", "warning": "warning", "info": "info", "style": "hint"}
_HADOLINT_IGNORED_KEYS = frozenset({"format", "no-color", "no-fail", "verbose", "notrusted"})


def hadolint_config(raw: Any, where: str) -> tuple[Config, list[str]]:
    """Map a ``.hadolint.yaml`` onto layerwise's configuration through rule aliases."""
    if raw is None:
        return Config(), []
    if not isinstance(raw, dict):
        return Config(), [f"{where}: expected a mapping, got {_describe(raw)}"]
    table: dict[str, Any] = {}
    errors: list[str] = []
    for key, value in raw.items():
        if key in _HADOLINT_IGNORED_KEYS:
            if key == "no-fail" and value is True:
                table["fail-level"] = "none"
            continue
        if key == "ignored":
            table["ignore"] = value
        elif key == "override":
            if not isinstance(value, dict):
                errors.append(
                    f"{where}.override: expected a mapping of level: [rules], got {_describe(value)}"
                )
                continue
            severity: dict[str, Any] = {}
            for level, codes in value.items():
                if level not in _HADOLINT_SEVERITY:
                    errors.append(
                        f"{where}.override: expected one of {', '.join(_HADOLINT_SEVERITY)}, got {_describe(level)}"
                    )
                    continue
                try:
                    for code in _strings(codes, None):
                        severity[code] = _HADOLINT_SEVERITY[level]
                except TypeError as exc:
                    errors.append(f"{where}.override.{level}: {exc}")
            # Only rules layerwise knows take an override; other peers' codes are fine.
            errors += [
                f"{where}.override: unknown rule '{k}'"
                for k in severity
                if not _known_selector(k, True)
            ]
            table["severity"] = {k: v for k, v in severity.items() if _known_selector(k, False)}
        elif key == "trustedRegistries":
            table["trusted-registries"] = value
        elif key == "label-schema":
            table["required-labels"] = value
        elif key == "strict-labels":
            table["strict-labels"] = value
        elif key == "disable-ignore-pragma":
            if isinstance(value, bool):
                table["allow-ignore-pragmas"] = not value
            else:
                errors.append(
                    f"{where}.disable-ignore-pragma: expected true or false, got {_describe(value)}"
                )
        elif key == "failure-threshold":
            if isinstance(value, str) and value.lower() in ("style", "ignore", "none"):
                value = {"style": "hint"}.get(value.lower(), "none")
            table["fail-level"] = value
        else:
            errors.append(f"{where}: unknown setting '{key}'")
    config, more = structure(table, FILE_KEYS, where, peers_ok=True)
    renamed = [
        m.replace(".ignore:", ".ignored:")
        .replace(".trusted-registries", ".trustedRegistries")
        .replace(".required-labels", ".label-schema")
        .replace(".fail-level", ".failure-threshold")
        for m in more
    ]
    # Peers' own codes stay out of layerwise's selectors (they would match nothing anyway).
    config = attrs.evolve(
        config, ignore=tuple(s for s in config.ignore if _known_selector(s, False))
    )
    return config, errors + renamed
