"""LW929-LW939: an organisation's policies (PRACTICES J).

Base images from registries outside ``trusted-registries``, and labels checked against
the label schema (``required-labels``, ``strict-labels``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from fnmatch import fnmatchcase

from ....syntax.model import Instruction, KeyValue, Span, Stage
from ...context import LintContext
from ...facts import ImageRef, parse_image
from ...rule import Rule, Severity, Violation
from ...walk import all_instructions

_DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "hub.docker.com"})


# -- LW929: trusted registries ---------------------------------------------------------


def _registry(image: ImageRef) -> str:
    registry = (image.registry or "docker.io").lower()
    return "docker.io" if registry in _DOCKER_HUB else registry


def _trusted(registry: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        pattern = pattern.strip().lower().rstrip("/")
        if pattern in _DOCKER_HUB:
            pattern = "docker.io"
        if registry == pattern or fnmatchcase(registry, pattern):
            return True
    return False


def _untrusted_registry(ctx: LintContext) -> Iterator[Violation]:
    trusted = tuple(r for r in ctx.options.trusted_registries if r.strip())
    if not trusted:
        return
    shown = ", ".join(trusted)
    for info in ctx.stage_infos:
        token = info.stage.base
        image = info.image
        if token is None or info.parent is not None or image is None or image.is_scratch:
            continue
        registry = _registry(image)
        if not _trusted(registry, trusted):
            yield Violation(
                token.span,
                f"'{info.resolved_base}' comes from {registry}, which is not a trusted "
                f"registry ({shown})",
            )
    stage_names = {s.name for s in ctx.doc.stages if s.name}
    for ins in all_instructions(ctx):
        flag = ins.flag("from") if ins.keyword == "COPY" else None
        if flag is None or flag.value is None or flag.value_span is None:
            continue
        value = ctx.resolve(ins, flag.value)
        if value is None or value.isdigit() or value.lower() in stage_names:
            continue
        image = parse_image(value)
        if image is None:
            continue
        registry = _registry(image)
        if not _trusted(registry, trusted):
            yield Violation(
                flag.value_span,
                f"COPY --from pulls '{value}' from {registry}, which is not a trusted "
                f"registry ({shown})",
            )


# -- LW930–LW939: labels -----------------------------------------------------------------

_LABEL_KEY = re.compile(r"^[a-z](?:[a-z0-9.-]*[a-z0-9])?$")
_RESERVED_NAMESPACES = ("com.docker.", "io.docker.", "org.dockerproject.")


# Project Atomic's labels: the `atomic` CLI reads these keys verbatim (`atomic install`
# runs the INSTALL label's command line), so they must stay uppercase.
_ATOMIC_LABELS = frozenset({"INSTALL", "UNINSTALL", "RUN", "STOP"})


def _label_pairs(ctx: LintContext) -> Iterator[tuple[Instruction, KeyValue]]:
    for ins in all_instructions(ctx):
        if ins.keyword == "LABEL":
            for pair in ins.pairs:
                yield ins, pair


def _invalid_label_key(ctx: LintContext) -> Iterator[Violation]:
    for ins, pair in _label_pairs(ctx):
        key = pair.key.value
        if "$" in pair.key.raw:
            key_value = ctx.resolve(ins, key)
            if key_value is None:
                continue
            key = key_value
        if key in _ATOMIC_LABELS:
            continue
        problem = None
        if key.startswith(_RESERVED_NAMESPACES):
            problem = (
                "uses a namespace reserved for Docker (com.docker., io.docker., org.dockerproject.)"
            )
        elif ".." in key or "--" in key:
            problem = "has consecutive separators"
        elif not _LABEL_KEY.match(key):
            if key != key.lower() and _LABEL_KEY.match(key.lower()):
                problem = "is not lowercase"
            else:
                problem = (
                    "should use only lowercase letters, digits, '.' and '-', starting with a "
                    "letter and ending with a letter or digit"
                )
        if problem:
            yield Violation(
                pair.key.span,
                f"Label key '{key}' {problem}; use reverse-DNS keys such as "
                "'org.opencontainers.image.source'",
            )


def _required(ctx: LintContext) -> dict[str, str]:
    return dict(ctx.options.required_labels)


def _final_labels(ctx: LintContext, stage: Stage) -> dict[str, tuple[Instruction, KeyValue]]:
    labels: dict[str, tuple[Instruction, KeyValue]] = {}
    for member in reversed(ctx.stage_chain(stage)):
        for ins in member.instructions:
            if ins.keyword == "LABEL":
                for pair in ins.pairs:
                    key = ctx.resolve(ins, pair.key.value) or pair.key.value
                    labels[key] = (ins, pair)
    return labels


def _missing_label(ctx: LintContext) -> Iterator[Violation]:
    required = _required(ctx)
    stage = ctx.final_stage
    if not required or stage is None:
        return
    present = _final_labels(ctx, stage)
    missing = [name for name in required if name not in present]
    if not missing:
        return
    start = stage.from_instruction.keyword_span
    span = Span(start.start, stage.base.span.end if stage.base else start.end)
    for name in missing:
        yield Violation(span, f"The image does not set the required label '{name}'")


def _superfluous_label(ctx: LintContext) -> Iterator[Violation]:
    if not ctx.options.strict_labels:
        return
    required = _required(ctx)
    for ins, pair in _label_pairs(ctx):
        key = ctx.resolve(ins, pair.key.value)
        if key is None or key in required:
            continue
        yield Violation(
            pair.key.span,
            f"Label '{key}' is not in the label schema, and strict labels are on",
        )


def _typed_values(ctx: LintContext, kind: str | None) -> Iterator[tuple[str, str, KeyValue]]:
    """(name, resolved value, pair) for required labels (of ``kind``, if given)."""
    required = _required(ctx)
    if not required:
        return
    for ins, pair in _label_pairs(ctx):
        key = ctx.resolve(ins, pair.key.value)
        if key is None or key not in required:
            continue
        if kind is not None and required[key] != kind:
            continue
        raw = pair.value.value if pair.value is not None else ""
        value = ctx.resolve(ins, raw)
        if value is None:
            continue
        yield key, value, pair


def _value_span(pair: KeyValue) -> Span:
    return pair.value.span if pair.value is not None else pair.key.span


def _empty_label(ctx: LintContext) -> Iterator[Violation]:
    for name, value, pair in _typed_values(ctx, None):
        if not value.strip():
            yield Violation(_value_span(pair), f"Required label '{name}' is empty")


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_HASH = re.compile(r"^(?:[0-9a-fA-F]{7,40}|[0-9a-fA-F]{64})$")
_SPDX_TOKEN = re.compile(r"\(|\)|[A-Za-z0-9.+:-]+")


def _is_rfc3339(value: str) -> bool:
    match = _RFC3339.match(value)
    if match is None:
        return False
    try:
        datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    hour, minute, second = (int(match.group(i)) for i in range(4, 7))
    return hour < 24 and minute < 60 and second <= 60


def _is_url(value: str) -> bool:
    if not _URL.match(value):
        return False
    scheme, _, rest = value.partition(":")
    if scheme.lower() in ("http", "https", "ftp", "git", "ssh"):
        host = rest[2:].split("/", 1)[0] if rest.startswith("//") else ""
        return bool(host)
    return True


def _spdx_syntax(value: str) -> bool:
    """SPDX license expression grammar (ids not checked against the list)."""
    tokens = _SPDX_TOKEN.findall(value)
    if "".join(tokens) != re.sub(r"\s+", "", value) or not tokens:
        return False
    depth = 0
    expect_id = True
    after_with = False
    for token in tokens:
        upper = token.upper()
        if token == "(":
            if not expect_id:
                return False
            depth += 1
        elif token == ")":
            if expect_id:
                return False
            depth -= 1
            if depth < 0:
                return False
        elif upper in ("AND", "OR", "WITH"):
            if expect_id:
                return False
            expect_id = True
            after_with = upper == "WITH"
            continue
        else:
            if not expect_id:
                return False
            expect_id = False
        after_with = False
    return depth == 0 and not expect_id and not after_with


def _is_spdx(value: str) -> bool:
    if not _spdx_syntax(value):
        return False
    try:
        from packaging.licenses import (  # type: ignore[import-not-found,unused-ignore]
            InvalidLicenseExpression,
            canonicalize_license_expression,
        )
    except ImportError:  # packaging < 24.2 or absent: the grammar is all we can check
        return True
    try:
        canonicalize_license_expression(value)
    except InvalidLicenseExpression:
        return False
    return True


_LABEL_TYPES: dict[str, tuple[str, Callable[[str], object]]] = {
    "url": ("a URL with a scheme (https://...)", _is_url),
    "rfc3339": ("an RFC 3339 timestamp (2024-05-01T12:00:00Z)", _is_rfc3339),
    "spdx": ("an SPDX license expression (MIT, Apache-2.0 OR MIT)", _is_spdx),
    "hash": ("a git commit hash (7 to 40 hex digits)", _HASH.match),
    "semver": ("a semantic version (1.4.2)", _SEMVER.match),
    "email": ("an email address (name@example.com)", _EMAIL.match),
}


def _label_type_check(kind: str) -> Callable[[LintContext], Iterator[Violation]]:
    description, valid = _LABEL_TYPES[kind]

    def check(ctx: LintContext) -> Iterator[Violation]:
        for name, value, pair in _typed_values(ctx, kind):
            if not value.strip():
                continue  # LW933 reports empty required labels
            if not valid(value):
                yield Violation(
                    _value_span(pair),
                    f"Label '{name}' must be {description}; '{value}' is not",
                )

    check.__name__ = f"_label_{kind}"
    return check


RULES = (
    Rule("LW929", "untrusted-registry", "A base image from a registry outside trusted-registries",
         Severity.WARNING, "policy", _untrusted_registry, aliases=("DL3026",)),
    Rule("LW930", "invalid-label-key", "A label key that breaks Docker's key conventions",
         Severity.INFO, "policy", _invalid_label_key, aliases=("DL3048",)),
    Rule("LW931", "missing-required-label", "The image lacks a label the label schema requires",
         Severity.INFO, "policy", _missing_label, aliases=("DL3049",)),
    Rule("LW932", "superfluous-label", "A label outside the label schema while strict-labels is on",
         Severity.INFO, "policy", _superfluous_label, aliases=("DL3050",)),
    Rule("LW933", "empty-required-label", "A required label with an empty value", Severity.WARNING,
         "policy", _empty_label, aliases=("DL3051",)),
    Rule("LW934", "label-not-url", "A label of type url whose value is not a URL", Severity.WARNING,
         "policy", _label_type_check("url"), aliases=("DL3052",)),
    Rule("LW935", "label-not-rfc3339", "A label of type rfc3339 whose value is not an RFC 3339 time",
         Severity.WARNING, "policy", _label_type_check("rfc3339"), aliases=("DL3053",)),
    Rule("LW936", "label-not-spdx", "A label of type spdx whose value is not an SPDX expression",
         Severity.WARNING, "policy", _label_type_check("spdx"), aliases=("DL3054",)),
    Rule("LW937", "label-not-hash", "A label of type hash whose value is not a git hash",
         Severity.WARNING, "policy", _label_type_check("hash"), aliases=("DL3055",)),
    Rule("LW938", "label-not-semver", "A label of type semver whose value is not a semantic version",
         Severity.WARNING, "policy", _label_type_check("semver"), aliases=("DL3056",)),
    Rule("LW939", "label-not-email", "A label of type email whose value is not an email address",
         Severity.WARNING, "policy", _label_type_check("email"), aliases=("DL3058",)),
)  # fmt: skip
