"""LW002–LW003: flag values and HEALTHCHECK options that ``docker build`` rejects."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...syntax.model import Flag, Instruction, Span
from ..context import LintContext
from ..rule import Rule, Severity, Violation

_MOUNT_KEYS = {
    "bind": {"target", "dst", "destination", "source", "src", "from", "rw", "readwrite", "ro", "readonly"},
    "cache": {"target", "dst", "destination", "id", "ro", "readonly", "rw", "readwrite", "sharing",
              "from", "source", "src", "mode", "uid", "gid"},
    "tmpfs": {"target", "dst", "destination", "size"},
    "secret": {"id", "target", "dst", "destination", "env", "required", "mode", "uid", "gid"},
    "ssh": {"id", "target", "dst", "destination", "required", "mode", "uid", "gid"},
}  # fmt: skip
_REPEATABLE = frozenset({"mount", "exclude"})
_CHOICES = {"network": ("default", "none", "host"), "security": ("insecure", "sandbox")}
_DURATION = re.compile(
    r"^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h)(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))*$"
)
_UNIT = {"ns": 1e-6, "us": 1e-3, "µs": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6}


def _targets(ctx: LintContext) -> Iterator[Instruction]:
    for ins in ctx.doc.instructions:
        yield ins
        if ins.trigger is not None:
            yield ins.trigger


def _value_span(flag: Flag) -> Span:
    return flag.value_span or flag.span


def _mount_problems(ctx: LintContext, ins: Instruction, flag: Flag) -> Iterator[Violation]:
    value = flag.value or ""
    if "$" in value:
        return  # expanded at build time
    fields: dict[str, str | None] = {}
    for part in value.split(","):
        key, eq, raw = part.partition("=")
        fields[key.strip().lower()] = raw if eq else None
    kind = fields.get("type") or "bind"
    if kind not in _MOUNT_KEYS:
        yield Violation(
            _value_span(flag),
            f"--mount type '{kind}' is not one of {', '.join(sorted(_MOUNT_KEYS))}",
        )
        return
    unknown = [k for k in fields if k and k != "type" and k not in _MOUNT_KEYS[kind]]
    for key in unknown:
        yield Violation(_value_span(flag), f"--mount type={kind} does not take '{key}'")
    sharing = fields.get("sharing")
    if kind == "cache" and sharing is not None and sharing not in ("shared", "private", "locked"):
        yield Violation(
            _value_span(flag), f"--mount sharing={sharing}: use shared, private or locked"
        )


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
    for ins in _targets(ctx):
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
    for ins in _targets(ctx):
        if ins.keyword == "HEALTHCHECK" and ins.args:
            yield from _healthcheck_problems(ins)


RULES: tuple[Rule, ...] = (
    Rule("LW002", "invalid-flag-value", "A flag value or --mount option docker build rejects",
         Severity.ERROR, "syntax", _invalid_flags),
    Rule("LW003", "invalid-healthcheck", "A HEALTHCHECK that docker build rejects", Severity.ERROR,
         "syntax", _invalid_healthcheck),
)  # fmt: skip


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
    for ins in _targets(ctx):
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


RULES = (
    *RULES,
    Rule("LW004", "unsupported-substitution", "A ${...} form the builder does not support",
         Severity.ERROR, "syntax", _unsupported_substitution),
)  # fmt: skip
