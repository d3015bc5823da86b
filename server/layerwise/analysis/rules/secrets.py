"""LW3xx: secrets kept out of layers (PRACTICES C)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from ..context import LintContext
from ..rule import Rule, Severity, Violation

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
            secret_id = name.lower().replace("_", "-")
            yield Violation(
                pair.key.span,
                f"{ins.keyword} '{name}' looks like a secret: {why}; pass it with "
                f"'RUN --mount=type=secret,id={secret_id}' instead",
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
    ),
)
