"""LW0xx: syntax.

The file must parse the way BuildKit parses it (LW001), and flag values, HEALTHCHECK
options and ``${...}`` substitutions must be ones ``docker build`` accepts (LW002-LW004).
Ignore comments must name rules and silence something (LW005, off by default).
The file must be UTF-8 (LW006).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from ...syntax.flags import BARE_MOUNT_KEYS as _BARE_MOUNT_KEYS
from ...syntax.flags import FLAG_CHOICES as _CHOICES
from ...syntax.flags import MOUNT_KEY_CHOICES
from ...syntax.flags import MOUNT_KEYS as _MOUNT_KEYS
from ...syntax.flags import MOUNT_TYPES as _MOUNT_TYPES
from ...syntax.flags import REPEATABLE_FLAGS as _REPEATABLE
from ...syntax.model import Flag, Instruction, Span
from ..context import LintContext
from ..facts import clean_path
from ..rule import Rule, Severity, Violation
from ..suppression import UNUSED_SUPPRESSION
from ..walk import all_instructions


def _reported_by_the_engine(ctx: LintContext) -> Iterator[Violation]:
    """LW005 needs to know what every pragma silenced: the engine reports it after the
    other rules ran (``Suppressions.unneeded``)."""
    return iter(())


def _syntax_errors(ctx: LintContext) -> Iterator[Violation]:
    for issue in ctx.doc.errors:
        yield Violation(issue.span, issue.message)


_BOOLEANS = frozenset({"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"})  # fmt: skip
_SIZE = re.compile(r"^\d+(?:\.\d+)?\s*(?:[kKmMgGtTpP][iI]?[bB]?|[bB])?$")
_MOUNT_VALUES: dict[str, tuple[re.Pattern[str] | frozenset[str], str]] = {
    "readonly": (_BOOLEANS, "true or false"), "ro": (_BOOLEANS, "true or false"),
    "readwrite": (_BOOLEANS, "true or false"), "rw": (_BOOLEANS, "true or false"),
    "required": (_BOOLEANS, "true or false"),
    "sharing": (frozenset(MOUNT_KEY_CHOICES["sharing"]), "shared, private or locked"),
    "mode": (re.compile(r"^[0-7]+$"), "an octal file mode such as 0600"),
    "uid": (re.compile(r"^\d+$"), "a numeric user id"),
    "gid": (re.compile(r"^\d+$"), "a numeric group id"),
    "size": (_SIZE, "a size such as 512m or 1g"),
}  # fmt: skip
_DURATION = re.compile(
    r"^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h)(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))*$"
)
_UNIT = {"ns": 1e-6, "us": 1e-3, "µs": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6}


def _value_span(flag: Flag) -> Span:
    return flag.value_span or flag.span


def _mount_problems(ctx: LintContext, ins: Instruction, flag: Flag) -> Iterator[Violation]:
    """What BuildKit's --mount parser and its mount setup reject."""
    value = flag.value or ""
    if "$" in value:
        return  # expanded at build time
    where = _value_span(flag)
    fields: dict[str, str | None] = {}
    for part in next(csv.reader([value]), []):
        key, eq, text = part.partition("=")
        fields[key.lower()] = text if eq else None
    kind = (fields.get("type") or "bind").lower()
    if kind not in _MOUNT_TYPES:
        yield Violation(where, f"--mount type '{kind}' is not one of {', '.join(_MOUNT_TYPES)}")
        return
    for key, raw in fields.items():
        if key not in _MOUNT_KEYS:
            yield Violation(where, f"--mount does not know the option '{key}'")
            continue
        types = _MOUNT_KEYS[key]
        if types is not None and kind not in types:
            yield Violation(where, f"--mount type={kind} does not take '{key}'")
            continue
        if raw is None:
            if key not in _BARE_MOUNT_KEYS:
                yield Violation(where, f"--mount option '{key}' needs a value: {key}=...")
            continue
        expected = _MOUNT_VALUES.get(key)
        if key == "type" or expected is None:
            continue
        allowed, what = expected
        valid = raw in allowed if isinstance(allowed, frozenset) else allowed.match(raw)
        if not valid:
            yield Violation(where, f"--mount {key}={raw}: expected {what}")
    source = fields.get("source") or fields.get("src")
    target = fields.get("target") or fields.get("dst") or fields.get("destination")
    if kind == "secret":
        if "from" in fields:
            yield Violation(where, "a secret mount cannot take 'from': secrets come from the build")
        if not (source or target or fields.get("id")):
            yield Violation(where, "a secret mount needs an id (or a target) to know which secret")
        if source and fields.get("id"):
            yield Violation(where, "a secret mount takes either 'id' or 'source', not both")
    elif kind != "ssh" and target is not None and clean_path(target) == "/":
        yield Violation(where, f"--mount target={target}: a mount cannot cover the root directory")


def _duration_ms(text: str) -> float:
    total = 0.0
    for number, unit in re.findall(r"((?:\d+(?:\.\d*)?|\.\d+))(ns|us|µs|ms|s|m|h)", text):
        total += float(number) * _UNIT[unit]
    return total


def _healthcheck_problems(ins: Instruction) -> Iterator[Violation]:
    for flag in ins.flags:
        value = flag.value
        if value is None or "$" in value:
            continue
        if flag.name in ("interval", "timeout", "start-period", "start-interval"):
            if not _DURATION.match(value):
                yield Violation(
                    _value_span(flag),
                    f"--{flag.name}={value} is not a duration such as 30s, 1m30s or 500ms",
                )
            elif 0 < _duration_ms(value) < 1 or (
                _duration_ms(value) == 0 and flag.name != "start-period"
            ):
                yield Violation(_value_span(flag), f"--{flag.name}={value} must be at least 1ms")
        elif flag.name == "retries" and not value.isdigit():
            yield Violation(
                _value_span(flag), f"--retries={value} must be a whole number of 0 or more"
            )
    words = ins.args.split(None, 1)
    if words and words[0].upper() not in ("CMD", "NONE"):
        yield Violation(ins.args_span, "HEALTHCHECK takes NONE or CMD followed by the command")
    elif words and words[0].upper() == "NONE" and (len(words) > 1 or ins.flags):
        yield Violation(ins.args_span, "HEALTHCHECK NONE takes no command and no options")
    elif words and words[0].upper() == "CMD" and len(words) == 1:
        yield Violation(ins.args_span, "HEALTHCHECK CMD needs a command")


def _invalid_flags(ctx: LintContext) -> Iterator[Violation]:
    for ins in all_instructions(ctx):
        seen: set[str] = set()
        for flag in ins.flags:
            if flag.name in seen and flag.name not in _REPEATABLE:
                yield Violation(flag.span, f"--{flag.name} is given twice")
            seen.add(flag.name)
            if ins.keyword == "RUN" and flag.name == "mount":
                yield from _mount_problems(ctx, ins, flag)
            choices = _CHOICES.get(flag.name) if ins.keyword == "RUN" else None
            if (
                choices
                and flag.value is not None
                and "$" not in flag.value
                and flag.value not in choices
            ):
                yield Violation(
                    _value_span(flag), f"--{flag.name}={flag.value}: use {' or '.join(choices)}"
                )


def _invalid_healthcheck(ctx: LintContext) -> Iterator[Violation]:
    for ins in all_instructions(ctx):
        if ins.keyword == "HEALTHCHECK" and ins.args:
            yield from _healthcheck_problems(ins)


# Instructions whose arguments BuildKit expands itself (RUN, CMD, ENTRYPOINT and SHELL
# are left to the shell in the image).
_EXPANDED = frozenset(
    {
        "ADD",
        "COPY",
        "ENV",
        "EXPOSE",
        "FROM",
        "LABEL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
        "ARG",
    }
)
_SUBSTITUTION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>[^}]*)\}")
_MODIFIER = re.compile(r"^(?::[-+?]|[-+?]|##?|%%?|//?)")


def _unsupported_substitution(ctx: LintContext) -> Iterator[Violation]:
    escape = ctx.doc.escape
    for ins in all_instructions(ctx):
        if ins.keyword not in _EXPANDED or "${" not in ins.args:
            continue
        for match in _SUBSTITUTION.finditer(ins.args):
            start = match.start()
            if start > 0 and ins.args[start - 1] == escape:
                continue  # an escaped $ is literal
            rest = match.group("rest")
            if not rest or _MODIFIER.match(rest):
                continue
            yield Violation(
                ins.args_to_span(start, match.end()),
                f"'{match.group()}': the builder supports only ${{name}}, ${{name:-word}}, "
                "${name:+word}, ${name:?message} (with or without the colon), #, ##, %, %% "
                "and / patterns; the build fails here",
            )


# Files are decoded as UTF-8 with Python's "surrogateescape" handler (cli/inputs.py): each
# byte that is not part of valid UTF-8 becomes the lone surrogate U+DC80..U+DCFF, so it
# is written back unchanged by a fix. Those code points are what LW006 looks for.
_UNDECODABLE = re.compile("[\udc80-\udcff]+")
_UTF16_BOMS = (("\udcff\udcfe", "UTF-16 little-endian"), ("\udcfe\udcff", "UTF-16 big-endian"))


def _invalid_encoding(ctx: LintContext) -> Iterator[Violation]:
    text = ctx.doc.text
    kind = next((kind for bom, kind in _UTF16_BOMS if text.startswith(bom)), None)
    if kind is not None:
        yield Violation(
            Span(0, 2),
            f"the file is {kind} (it starts with that byte order mark); docker build reads "
            "Dockerfiles as UTF-8 and cannot parse it: save it as UTF-8",
        )
        return
    line_start = -1
    for match in _UNDECODABLE.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        if start == line_start:
            continue  # one finding per line
        line_start = start
        shown = " ".join(f"0x{ord(ch) - 0xDC00:02X}" for ch in match.group()[:4])
        more = " ..." if len(match.group()) > 4 else ""
        yield Violation(
            Span(match.start(), match.end()),
            f"bytes that are not UTF-8 ({shown}{more}): BuildKit reads Dockerfiles as UTF-8 "
            "and image metadata shows such bytes as U+FFFD; save the file as UTF-8",
        )


RULES = (
    Rule(
        code="LW001",
        name="syntax-error",
        summary="The Dockerfile does not parse as BuildKit would parse it",
        severity=Severity.ERROR,
        category="syntax",
        check=_syntax_errors,
    ),
    Rule(
        code="LW002",
        name="invalid-flag-value",
        summary="A flag value or --mount option docker build rejects",
        severity=Severity.ERROR,
        category="syntax",
        check=_invalid_flags,
    ),
    Rule(
        code="LW003",
        name="invalid-healthcheck",
        summary="A HEALTHCHECK that docker build rejects",
        severity=Severity.ERROR,
        category="syntax",
        check=_invalid_healthcheck,
    ),
    Rule(
        code="LW004",
        name="unsupported-substitution",
        summary="A ${...} form the builder does not support",
        severity=Severity.ERROR,
        category="syntax",
        check=_unsupported_substitution,
    ),
    Rule(
        code=UNUSED_SUPPRESSION,
        name="unused-suppression",
        summary="An ignore comment that names no rule or silences nothing",
        severity=Severity.WARNING,
        category="syntax",
        check=_reported_by_the_engine,
        fixable=True,
        tags=("unnecessary",),
        default_enabled=False,
    ),
    Rule(
        code="LW006",
        name="invalid-encoding",
        summary="The file is not valid UTF-8",
        severity=Severity.WARNING,
        category="syntax",
        check=_invalid_encoding,
    ),
)
