"""LW3xx: secrets kept out of layers (PRACTICES C)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from ...syntax.model import Instruction
from ..context import LintContext
from ..edits import add_syntax_directive, delete_instruction
from ..facts import syntax_version
from ..rule import Edit, Fix, Rule, Severity, Violation

_SECRET_PART = re.compile(
    r"^(?:password|passwd|pword|secret|token|apikey|credentials?|privatekey|key)$", re.I
)
# A name ending like this names *where* or *which* secret, not the secret itself.
_NOT_THE_SECRET = frozenset(
    {"file", "path", "dir", "url", "uri", "id", "name", "host", "port", "user", "username",
     "type", "length", "size", "version", "algorithm", "endpoint", "server", "ttl", "env",
     "enabled", "required", "mode", "location"}
)  # fmt: skip
_PUBLIC = re.compile(r"(?:^|_)(?:gpg|pgp|public|pub|asc|keyring|keyserver|signing)(?:_|$)", re.I)


_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SEPARATORS = re.compile(r"[_\-.]+")


def _parts(name: str) -> list[str]:
    # NPM_TOKEN, npmToken, npm-token -> ["npm", "token"]
    spaced = _CAMEL.sub(r"\1_\2", name)
    return [p for p in _SEPARATORS.split(spaced) if p]


@functools.lru_cache(maxsize=4096)
def looks_secret(name: str) -> bool:
    """The variable name suggests a secret value (a pure function of the name)."""
    parts = [p.lower() for p in _parts(name)]
    if not parts or _PUBLIC.search(name.lower().replace("-", "_")):
        return False
    if parts[-1] in _NOT_THE_SECRET:
        return False
    if parts[-2:] == ["access", "key"] and len(parts) > 2 and parts[-3] == "secret":
        return True
    return any(_SECRET_PART.match(part) for part in parts)


def _secret_id(name: str) -> str:
    return name.lower().replace("_", "-")


def _references(name: str) -> re.Pattern[str]:
    """``$NAME``, ``${NAME}`` and ``${NAME:-x}``-style uses of a variable."""
    return re.compile(
        rf"\$(?:{re.escape(name)}(?![A-Za-z0-9_])|\{{{re.escape(name)}(?=[}}:#%/+?-]))"
    )


def _secret_mount_fix(ctx: LintContext, ins: Instruction, name: str) -> Fix | None:
    """Replace ``ARG NAME`` with a secret mount on the RUNs that read it.

    ``--mount=type=secret,id=name,env=NAME`` (Dockerfile syntax 1.10 and later) puts
    the secret in the RUN's environment under the same name, so the commands stay
    as written. Offered for a single-name ARG inside a stage whose value only RUNs of
    that stage read; the build then needs ``--secret id=...`` instead of
    ``--build-arg``, so the fix is unsafe.
    """
    stage = ctx.doc.stage_of(ins)
    if stage is None or len(ins.pairs) != 1 or ins.trigger is not None:
        return None
    directive = ctx.doc.directive("syntax")
    if directive is not None:
        version = syntax_version(directive.value)
        if version is None or version[0] < (1, 10):
            return None  # env= needs docker/dockerfile:1.10
    used = _references(name)
    secret_id = _secret_id(name)
    edits = [delete_instruction(ctx, ins)]
    after = stage.instructions[stage.instructions.index(ins) + 1 :]
    for other in after:
        text = ctx.text[other.span.start : other.span.end]
        if other.keyword in ("ARG", "ENV") and any(p.key.value == name for p in other.pairs):
            return None  # declared again: the later uses are not this ARG's
        if not used.search(text):
            continue
        if other.keyword != "RUN" or other.trigger is not None:
            return None  # COPY, ENV, ... read it: a secret mount cannot serve them
        at = other.keyword_span.end
        edits.append(Edit(at, at, f" --mount=type=secret,id={secret_id},env={name}"))
    if len(edits) == 1:
        return None  # no RUN reads it
    if directive is None:
        edits.append(add_syntax_directive(ctx))
    return Fix(
        f"Pass {name} as a build secret (--mount=type=secret,id={secret_id},env={name})",
        tuple(edits),
        safe=False,
    )


def _secret_names(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        if ins.keyword not in ("ARG", "ENV"):
            continue
        for pair in ins.pairs:
            name = pair.key.value
            if not looks_secret(name):
                continue
            if ins.keyword == "ARG":
                why = "build arguments are recorded in the image history"
            else:
                why = "ENV values are stored in the image and visible in every container"
            yield Violation(
                pair.key.span,
                f"{ins.keyword} '{name}' looks like a secret: {why}; pass it with "
                f"'RUN --mount=type=secret,id={_secret_id(name)}' instead",
                _secret_mount_fix(ctx, ins, name) if ins.keyword == "ARG" else None,
            )


RULES = (
    Rule(
        code="LW301",
        name="secret-in-arg-env",
        summary="A secret-looking name is passed through ARG or ENV",
        severity=Severity.WARNING,
        category="secrets",
        check=_secret_names,
        aliases=("DL3064", "SecretsUsedInArgOrEnv"),
        fixable=True,
    ),
)
