"""LW909-LW921: BuildKit's static build checks, run natively (no Docker daemon).

Each rule carries the BuildKit check name as an alias, so ``# check=skip=Name``
and ``--select Name`` work as they do with ``docker build --check``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from ....syntax.model import Span, Stage
from ....syntax.parser import KNOWN_INSTRUCTIONS
from ...context import LintContext
from ...facts import AUTOMATIC_ARGS, arg_env, expand, is_valid_reference, variable_references
from ...rule import Edit, Fix, Rule, Severity, Violation

_VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)
_RESERVED_STAGE_NAMES = frozenset({"scratch", "context"})


def _from_as_token(stage: Stage) -> tuple[str, Span] | None:
    words = stage.from_instruction.words
    if len(words) >= 3 and words[1].value.lower() == "as":
        return words[1].raw, words[1].span
    return None


def _stage_name_casing(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        token = stage.name_token
        if token is None or token.value == token.value.lower():
            continue
        lowered = token.value.lower()
        edits = [Edit(token.span.start, token.span.end, lowered)]
        # Rename every reference too, so the fix keeps the build working.
        for other in ctx.doc.stages:
            if (
                other.base is not None
                and other.base.value.lower() == lowered
                and other.index > stage.index
            ):
                edits.append(Edit(other.base.span.start, other.base.span.end, lowered))
            for ins in other.instructions:
                for flag in ins.flags:
                    if flag.value is None or flag.value_span is None:
                        continue
                    if flag.name == "from" and flag.value.lower() == lowered:
                        edits.append(Edit(flag.value_span.start, flag.value_span.end, lowered))
                    elif flag.name == "mount":
                        edits += _mount_from_edits(ctx, flag.value_span.start, flag.value, lowered)
        yield Violation(
            token.span,
            f"Stage name '{token.value}' should be lowercase",
            Fix(f"Rename the stage to '{lowered}'", tuple(edits)),
        )


def _mount_from_edits(ctx: LintContext, start: int, value: str, lowered: str) -> list[Edit]:
    """Rename ``from=<stage>`` inside a ``--mount`` value (written without quotes)."""
    if ctx.text[start : start + len(value)] != value:
        return []  # quoted or escaped: offsets would not line up
    edits = []
    offset = 0
    for part in value.split(","):
        key, _, stage = part.partition("=")
        if key == "from" and stage.lower() == lowered:
            at = start + offset + len(key) + 1
            edits.append(Edit(at, at + len(stage), lowered))
        offset += len(part) + 1
    return edits


def _from_as_casing(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        found = _from_as_token(stage)
        if found is None:
            continue
        as_raw, as_span = found
        keyword = stage.from_instruction.keyword_raw
        wanted = "AS" if keyword.isupper() else "as" if keyword.islower() else None
        if wanted is None or as_raw == wanted:
            continue
        yield Violation(
            as_span,
            f"'{as_raw}' does not match the casing of '{keyword}'",
            Fix(f"Write '{wanted}'", (Edit(as_span.start, as_span.end, wanted),)),
        )


def _empty_continuation(ctx: LintContext) -> Iterator[Violation]:
    source = ctx.doc.source
    for ins in ctx.doc.instructions:
        if not ins.empty_continuation_lines:
            continue
        edits = []
        for line in ins.empty_continuation_lines:
            start = source.line_start(line)
            end = (
                source.line_start(line + 1)
                if line + 1 < source.line_count
                else source.line_end(line)
            )
            edits.append(Edit(start, end, ""))
        first = ins.empty_continuation_lines[0]
        yield Violation(
            Span(source.line_start(first), source.line_end(first)),
            f"Empty line inside the continuation of {ins.keyword_raw}: it will become an error "
            "in a future BuildKit release",
            Fix("Remove the empty continuation lines", tuple(edits)),
        )


def _consistent_casing(ctx: LintContext) -> Iterator[Violation]:
    # Only real instructions: an unknown word (`this is not a command`) is LW901's error,
    # and re-casing it would fix nothing.
    instructions = [
        i for i in ctx.doc.instructions if i.keyword_raw and i.keyword in KNOWN_INSTRUCTIONS
    ]
    upper = sum(1 for i in instructions if i.keyword_raw.isupper())
    lower = sum(1 for i in instructions if i.keyword_raw.islower())
    majority_upper = upper >= lower
    for ins in instructions:
        raw = ins.keyword_raw
        if raw.isupper() if majority_upper else raw.islower():
            continue
        wanted = raw.upper() if majority_upper else raw.lower()
        yield Violation(
            ins.keyword_span,
            f"'{raw}' should be {'uppercase' if majority_upper else 'lowercase'} like most "
            "instructions in this file",
            Fix(f"Write '{wanted}'", (Edit(ins.keyword_span.start, ins.keyword_span.end, wanted),)),
        )


def _reserved_stage_name(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        if stage.name in _RESERVED_STAGE_NAMES and stage.name_token is not None:
            yield Violation(
                stage.name_token.span,
                f"'{stage.name_token.value}' is a reserved name and cannot name a stage",
            )


def _from_variables(stage: Stage) -> list[tuple[str, Span]]:
    ins = stage.from_instruction
    found = []
    for token in ins.words[:1]:
        for match in _VARIABLE.finditer(token.raw):
            found.append((match.group("braced") or match.group("plain"), token.span))
    for flag in ins.flags:
        if flag.value and flag.value_span is not None:
            for match in _VARIABLE.finditer(flag.value):
                found.append((match.group("braced") or match.group("plain"), flag.value_span))
    return found


def _undefined_arg_in_from(ctx: LintContext) -> Iterator[Violation]:
    declared = set(arg_env(ctx.doc.preamble))
    for stage in ctx.doc.stages:
        for name, span in _from_variables(stage):
            if name in declared or name in AUTOMATIC_ARGS:
                continue
            close = difflib.get_close_matches(name, sorted(declared), n=1, cutoff=0.7)
            hint = f"; did you mean {close[0]}?" if close else ""
            yield Violation(
                span,
                f"FROM uses ${name}, which is not declared by an ARG before the first FROM{hint}",
            )


def _invalid_default_in_from(ctx: LintContext) -> Iterator[Violation]:
    defaults = {
        name: (value if value is not None else "")
        for name, value in arg_env(ctx.doc.preamble).items()
    }
    for stage in ctx.doc.stages:
        token = stage.base
        if token is None or "$" not in token.value:
            continue
        names = {m.group("braced") or m.group("plain") for m in _VARIABLE.finditer(token.value)}
        if not names or not names <= set(defaults) or names & AUTOMATIC_ARGS:
            continue
        whole = re.fullmatch(r"\$(\w+)|\$\{(\w+)\}", token.value)
        if whole is not None and not defaults.get(whole.group(1) or whole.group(2)):
            # `FROM $IMAGE` with no default: the whole image is a required parameter, and
            # BuildKit stops at once with "base name ($IMAGE) should not be blank".
            continue
        expanded = expand(token.value, dict(defaults), ctx.doc.escape)
        if expanded is None:
            continue
        if expanded.lower() in {s.name for s in ctx.doc.stages if s.name}:
            continue
        if not is_valid_reference(expanded):
            yield Violation(
                token.span,
                f"With the ARG defaults, the base image is '{expanded}', which is not a valid "
                "image reference; give the ARG a default",
            )


def _key_value_text(ctx: LintContext, raw: str, value: str) -> str | None:
    """``value`` written for ``key=...``; ``None`` when no spelling keeps its meaning."""
    if not any(c in raw for c in " \t\"'" + ctx.doc.escape):
        return raw
    if "'" in raw and "$" in raw:
        return None  # single quotes kept $ literal; double quotes would expand it
    esc = ctx.doc.escape
    return '"' + value.replace(esc, esc + esc).replace('"', esc + '"') + '"'


def _legacy_key_value(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger else ins
        if target.keyword not in ("ENV", "LABEL"):
            continue
        for pair in target.pairs:
            if not pair.legacy or pair.value is None:
                continue
            value = _key_value_text(ctx, pair.value.raw, pair.value.value)
            fix = None
            if value is not None:
                fix = Fix(
                    f"Write {pair.key.raw}={value}",
                    (Edit(pair.key.span.start, pair.value.span.end, f"{pair.key.raw}={value}"),),
                )
            yield Violation(
                Span(pair.key.span.start, pair.value.span.end),
                f"'{target.keyword_raw} {pair.key.raw} {pair.value.raw}' uses the legacy "
                "whitespace form; write key=value",
                fix,
            )


def _redundant_target_platform(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        flag = stage.from_instruction.flag("platform")
        if flag is None or flag.value not in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
            continue
        end = flag.span.end
        while end < len(ctx.text) and ctx.text[end] in " \t":
            end += 1
        yield Violation(
            flag.span,
            "--platform=$TARGETPLATFORM is the default for FROM; the flag is redundant",
            Fix("Remove the redundant --platform", (Edit(flag.span.start, end, ""),)),
        )


# Names an architecture goes by in stage names and file paths (`release/7-4/x-arm64/`,
# `ubuntu-arm32v7`), by the platform's architecture/variant.
_ARCH_NAMES = {
    "amd64": ("amd64", "x86_64", "x86-64", "x64"),
    "arm64": ("arm64", "aarch64", "arm64v8"),
    "arm/v7": ("arm32v7", "armv7", "armhf", "arm32"),
    "arm/v6": ("arm32v6", "armv6", "armel"),
    "arm/v5": ("arm32v5", "armv5", "armel"),
    "386": ("386", "i386", "i686"),
    "ppc64le": ("ppc64le",),
    "s390x": ("s390x",),
    "riscv64": ("riscv64",),
}


def _architecture_names(platform: str) -> set[str]:
    """Names of the platform's architecture (``linux/arm/v7``: arm32v7, armv7, armhf...)."""
    parts = [p.lower() for p in re.split(r"[/,]", platform) if p]
    if len(parts) < 2:
        return set()
    arch = "/".join(parts[1:3]) if parts[1] == "arm" and len(parts) > 2 else parts[1]
    return set(_ARCH_NAMES.get(arch, (arch,) if arch != "arm" else ()))


def _names_word(text: str, words: set[str]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", lowered) for w in words)


def _runs_nothing(ctx: LintContext, stage: Stage) -> bool:
    """No RUN executes on the stage's platform: neither in it nor in a stage built FROM it,
    and it does not ship (a files-only source for ``COPY --from``)."""
    if stage.index in {s.index for s in ctx.shipped_stages()}:
        return False
    return not any(
        stage in ctx.stage_chain(other) and any(ins.keyword == "RUN" for ins in other.instructions)
        for other in ctx.doc.stages
    )


def _constant_platform(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        flag = stage.from_instruction.flag("platform")
        if flag is None or not flag.value or "$" in flag.value:
            continue
        name = stage.name or ""
        parts = [p for p in re.split(r"[/,]", flag.value) if p]
        words = _architecture_names(flag.value)
        if any(part.lower() in name for part in parts[1:]) or _names_word(name, words):
            continue  # a stage deliberately pinned to a platform it is named after
        if ctx.path is not None and _names_word(ctx.path.as_posix(), words):
            continue  # a per-architecture file (`release/x-arm64/Dockerfile`)
        if _runs_nothing(ctx, stage):
            continue  # only a source of files: nothing runs under emulation
        yield Violation(
            flag.value_span or flag.span,
            f"FROM --platform={flag.value} pins a constant platform, so the image cannot be "
            "built for others; use $BUILDPLATFORM or $TARGETPLATFORM",
        )


# ``80/`` (an empty protocol) is tcp for BuildKit, as ``80`` is.
_EXPOSE = re.compile(r"^(?P<ports>\d+(?:-\d+)?)(?:/(?P<proto>[A-Za-z]*))?$")


def _expose_proto_casing(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        if ins.keyword != "EXPOSE":
            continue
        for word in ins.words:
            if "$" in word.raw or "/" not in word.raw:
                continue
            proto = word.raw.rsplit("/", 1)[1]
            if proto.lower() in ("tcp", "udp", "sctp") and proto != proto.lower():
                start = word.span.end - len(proto)
                yield Violation(
                    Span(start, word.span.end),
                    f"Protocol '{proto}' in EXPOSE should be lowercase",
                    Fix(f"Write '{proto.lower()}'", (Edit(start, word.span.end, proto.lower()),)),
                )


def _expose_invalid_format(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        if ins.keyword != "EXPOSE":
            continue
        for word in ins.words:
            raw = word.value
            if "$" in raw:
                continue
            if ":" in raw:
                continue  # a host mapping builds: LW945 reports it
            match = _EXPOSE.match(raw)
            problem = None
            if match is None:
                problem = "is not a port, a port range or port/protocol"
            else:
                ports = [int(p) for p in match.group("ports").split("-")]
                proto = (match.group("proto") or "tcp").lower()  # "80/": tcp
                if any(p > 65535 for p in ports):
                    problem = "is outside the valid port range 0-65535"
                elif len(ports) == 2 and ports[0] > ports[1]:
                    problem = "is a range whose start is after its end"
                elif proto not in ("tcp", "udp", "sctp"):
                    problem = (
                        f"uses the unknown protocol '{match.group('proto')}' (tcp, udp or sctp)"
                    )
            if problem:
                yield Violation(word.span, f"EXPOSE {raw} {problem}")


def _expose_host_mapping(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        if ins.keyword != "EXPOSE":
            continue
        for word in ins.words:
            if "$" not in word.value and ":" in word.value:
                yield Violation(
                    word.span,
                    f"EXPOSE {word.value}: an image cannot choose an IP address or host port "
                    "(the builder drops it); expose the container port only and map it with "
                    "'docker run -p'",
                )


def _one_edit_apart(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with one character inserted, deleted or replaced."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :] or (len(a) == len(b) and a[i + 1 :] == b[i + 1 :])


def _undefined_var(ctx: LintContext) -> Iterator[Violation]:
    """Only where it is certain: a name one typo away from a declared one.

    Any other undeclared name may come from the base image's environment, which
    a linter without a registry cannot see, so it is never reported.
    """
    global_names = set(arg_env(ctx.doc.preamble))
    for stage in ctx.doc.stages:
        for ins in stage.instructions[1:]:
            if ins.keyword in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK", "ONBUILD"):
                continue  # the shell expands those, at run time
            if "$" not in ins.args:
                continue
            env = ctx.env_at(ins)
            for name, start, end in variable_references(ins.args, ctx.doc.escape):
                if name in env or name in AUTOMATIC_ARGS or len(name) < 4:
                    continue
                close = [d for d in sorted(set(env) | global_names) if _one_edit_apart(name, d)]
                if not close:
                    continue
                yield Violation(
                    ins.args_to_span(start, end),
                    f"${name} is not defined here; did you mean ${close[0]}?",
                )


RULES = (
    Rule("LW909", "from-as-casing", "The AS keyword does not match the casing of FROM", Severity.WARNING,
         "buildkit", _from_as_casing, aliases=("FromAsCasing",), fixable=True),
    Rule("LW910", "stage-name-casing", "A stage name that is not lowercase", Severity.WARNING,
         "buildkit", _stage_name_casing, aliases=("StageNameCasing",), fixable=True),
    Rule("LW911", "empty-continuation-line", "An empty line inside a line continuation", Severity.WARNING,
         "buildkit", _empty_continuation, aliases=("NoEmptyContinuation",), fixable=True),
    Rule("LW912", "inconsistent-instruction-casing", "An instruction cased unlike the rest of the file",
         Severity.WARNING, "buildkit", _consistent_casing, aliases=("ConsistentInstructionCasing",),
         fixable=True),
    Rule("LW913", "reserved-stage-name", "A stage named scratch or context", Severity.WARNING,
         "buildkit", _reserved_stage_name, aliases=("ReservedStageName", "DL3063")),
    Rule("LW914", "undefined-arg-in-from", "FROM uses a variable no global ARG declares", Severity.WARNING,
         "buildkit", _undefined_arg_in_from, aliases=("UndefinedArgInFrom",)),
    Rule("LW915", "undefined-variable", "A variable that is a misspelling of a declared one", Severity.WARNING,
         "buildkit", _undefined_var, aliases=("UndefinedVar",)),
    Rule("LW916", "legacy-key-value", "ENV or LABEL in the legacy 'key value' form", Severity.WARNING,
         "buildkit", _legacy_key_value, aliases=("LegacyKeyValueFormat",), fixable=True),
    Rule("LW917", "redundant-target-platform", "FROM --platform=$TARGETPLATFORM is the default",
         Severity.INFO, "buildkit", _redundant_target_platform, aliases=("RedundantTargetPlatform", "DL3065"),
         fixable=True, tags=("unnecessary",)),
    Rule("LW918", "invalid-default-arg-in-from", "ARG defaults make the FROM image reference invalid",
         Severity.WARNING, "buildkit", _invalid_default_in_from, aliases=("InvalidDefaultArgInFrom",)),
    Rule("LW919", "constant-platform", "FROM --platform with a constant value", Severity.INFO,
         "buildkit", _constant_platform, aliases=("FromPlatformFlagConstDisallowed", "DL3029")),
    Rule("LW920", "expose-protocol-casing", "An EXPOSE protocol that is not lowercase", Severity.WARNING,
         "buildkit", _expose_proto_casing, aliases=("ExposeProtoCasing",), fixable=True),
    Rule("LW921", "expose-invalid-format", "EXPOSE with an invalid port or protocol",
         Severity.ERROR, "buildkit", _expose_invalid_format, aliases=("DL3011",)),
    Rule("LW945", "expose-host-mapping", "EXPOSE with an IP address or host port",
         Severity.WARNING, "buildkit", _expose_host_mapping, aliases=("ExposeInvalidFormat",)),
)  # fmt: skip
