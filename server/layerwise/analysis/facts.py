"""Facts derived from the syntax model that several rules share.

Image references, variable expansion, and the stage structure (which stage a
stage builds on). Everything here is pure and returns ``None`` for "unknown"
rather than guessing: an unresolved value must never produce a false positive.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..syntax.model import Dockerfile, Instruction, Stage

# Build arguments BuildKit defines automatically; their values depend on the build.
AUTOMATIC_ARGS = frozenset(
    {
        "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM",
        "BUILDOS", "BUILDARCH", "BUILDVARIANT", "BUILDKIT_SYNTAX", "HTTP_PROXY",
        "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY", "TARGETSTAGE",
    }
)  # fmt: skip

_VAR = re.compile(r"\$(?:\{(?P<braced>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+])(?P<word>.*))?$", re.S)


def expand(text: str, env: dict[str, str | None], escape: str = "\\") -> str | None:
    """Expand ``$VAR``, ``${VAR}``, ``${VAR:-x}``, ``${VAR-x}``, ``${VAR:+x}``, ``${VAR+x}``.

    ``env`` maps names to values; a name mapped to ``None`` is declared without a
    value (set at build time). Returns ``None`` when the result depends on a value
    we cannot know.
    """
    if "$" not in text:
        return text
    out: list[str] = []
    pos = 0
    unknown = False
    for match in _VAR.finditer(text):
        start = match.start()
        if start > 0 and text[start - 1] == escape:
            out.append(text[pos : start - 1] + "$")
            pos = start + 1
            continue
        if start < pos:
            continue
        out.append(text[pos:start])
        pos = match.end()
        plain = match.group("plain")
        if plain is not None:
            value = env.get(plain)
            if value is None:
                unknown = True
            else:
                out.append(value)
            continue
        braced = _BRACED.match(match.group("braced") or "")
        if braced is None:
            unknown = True
            continue
        name, op, word = braced.group("name"), braced.group("op"), braced.group("word") or ""
        declared = name in env
        value = env.get(name)
        if op is None:
            if value is None:
                unknown = True
            else:
                out.append(value)
        elif op in (":-", "-"):
            if value is not None and (value or op == "-"):
                out.append(value)
            elif not declared or (value is not None and op == ":-"):
                sub = expand(word, env, escape)
                if sub is None:
                    unknown = True
                else:
                    out.append(sub)
            else:
                unknown = True
        else:  # ":+" or "+"
            if value is None and declared:
                unknown = True
            elif value is not None and (value or op == "+"):
                sub = expand(word, env, escape)
                if sub is None:
                    unknown = True
                else:
                    out.append(sub)
    out.append(text[pos:])
    return None if unknown else "".join(out)


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference such as ``gcr.io/distroless/static:nonroot``."""

    registry: str | None
    path: str  # repository path without registry, e.g. "library/node" or "distroless/static"
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """Last path component: ``node`` for ``docker.io/library/node``."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def full_name(self) -> str:
        return f"{self.registry}/{self.path}" if self.registry else self.path

    @property
    def is_scratch(self) -> bool:
        return self.registry is None and self.path == "scratch"

    @property
    def is_distroless(self) -> bool:
        return "distroless" in self.full_name

    @property
    def is_windows(self) -> bool:
        name = self.full_name
        return any(
            part in name for part in ("windows", "nanoserver", "servercore", "dotnet/framework")
        )

    @property
    def is_official(self) -> bool:
        """Docker Hub library image (``node``, ``docker.io/library/node``)."""
        if self.registry not in (None, "docker.io", "index.docker.io", "registry-1.docker.io"):
            return False
        return "/" not in self.path or self.path.startswith("library/")


_REFERENCE = re.compile(
    r"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
    r"(?::[0-9]+)?|localhost(?::[0-9]+)?)/)?"  # registry host
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"  # path
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"  # tag
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$"  # digest
)


def clean_path(path: str) -> str:
    """Go's ``path.Clean``, which BuildKit applies to paths (POSIX ``normpath`` keeps a
    leading ``//``; Go does not)."""
    cleaned = posixpath.normpath(path) if path else "."
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


_SYNTAX_VERSION = re.compile(
    r"^(?:docker\.io/)?docker/dockerfile(?:-upstream)?:"
    r"(?P<major>\d+)(?:\.(?P<minor>\d+))?(?:\.\d+)?(?P<labs>-labs)?(?:@sha256:[0-9a-f]+)?$"
)


def syntax_version(value: str) -> tuple[tuple[int, int], bool] | None:
    """The Dockerfile frontend a ``# syntax=`` value selects: ((major, minor), labs).

    ``docker/dockerfile:1`` follows the newest 1.x release (minor 10000); ``None`` for
    other frontends and versions that cannot be read.
    """
    match = _SYNTAX_VERSION.match(value.strip())
    if match is None or match.group("major") != "1":
        return None
    minor = match.group("minor")
    version = (1, int(minor)) if minor is not None else (1, 10_000)
    return version, match.group("labs") is not None


_WHITESPACE = re.compile(r"\s")


def is_valid_reference(reference: str) -> bool:
    """The distribution reference grammar docker uses for image names."""
    return _REFERENCE.match(reference) is not None


@functools.lru_cache(maxsize=1024)
def parse_image(reference: str) -> ImageRef | None:
    """An image reference split into registry, path, tag and digest (pure; cached)."""
    reference = reference.strip()
    if not reference or _WHITESPACE.search(reference) or "$" in reference:
        return None
    digest = None
    if "@" in reference:
        reference, digest = reference.split("@", 1)
    tag = None
    slash = reference.rfind("/")
    colon = reference.rfind(":")
    if colon > slash:
        reference, tag = reference[:colon], reference[colon + 1 :]
    registry = None
    first, sep, rest = reference.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, reference = first, rest
    if not reference:
        return None
    return ImageRef(registry, reference.lower(), tag, digest)


def arg_env(instructions: tuple[Instruction, ...] | list[Instruction]) -> dict[str, str | None]:
    """Names declared by ARG/ENV in ``instructions``, with their default values."""
    env: dict[str, str | None] = {}
    for ins in instructions:
        if ins.keyword in ("ARG", "ENV"):
            for pair in ins.pairs:
                value = pair.value.value if pair.value is not None else None
                if value is not None and "$" in value:
                    value = expand(value, env)
                env[pair.key.value] = value
    return env


def _apply(env: dict[str, str | None], ins: Instruction, globals_: dict[str, str | None]) -> None:
    for pair in ins.pairs:
        name = pair.key.value
        if pair.value is None:
            # ``ARG NAME`` inside a stage re-declares a global ARG with its default.
            env[name] = globals_.get(name) if ins.keyword == "ARG" else None
            continue
        value = pair.value.value
        env[name] = expand(value, env) if "$" in value else value


def stage_scopes(doc: Dockerfile, chain: list[Stage]) -> dict[int, dict[str, str | None]]:
    """Variables visible to each instruction of ``chain[0]``, by ``id(instruction)``.

    A ``None`` value means declared with an unknown value. ENV is inherited from
    the stages a stage is built FROM; ARG is not. A name absent from a scope is
    not declared in this file: it may still come from the base image, so callers
    treat it as unknown, never as empty.
    """
    globals_ = arg_env(doc.preamble)
    env: dict[str, str | None] = {}
    for parent in reversed(chain[1:]):
        for other in parent.instructions:
            if other.keyword == "ENV":
                _apply(env, other, globals_)
    scopes: dict[int, dict[str, str | None]] = {}
    current = dict(env)
    for other in chain[0].instructions[1:]:
        scopes[id(other)] = current
        if other.keyword in ("ARG", "ENV"):
            current = dict(current)
            _apply(current, other, globals_)
    return scopes


@dataclass(frozen=True)
class StageInfo:
    stage: Stage
    #: The stage this one is built ``FROM``, if it names an earlier stage.
    parent: Stage | None
    #: The external image at the root of the chain, when known.
    image: ImageRef | None
    #: The base reference after variable expansion (``None`` when unknown).
    resolved_base: str | None


def stage_infos(doc: Dockerfile) -> list[StageInfo]:
    """Resolve each stage's base: an earlier stage or an image reference."""
    global_env = arg_env(doc.preamble)
    for name in AUTOMATIC_ARGS:
        global_env.setdefault(name, None)
    infos: list[StageInfo] = []
    for stage in doc.stages:
        resolved = expand(stage.base.value, global_env, doc.escape) if stage.base else None
        parent = None
        image = None
        if resolved is not None:
            lowered = resolved.lower()
            for earlier in infos:
                if earlier.stage.name == lowered:
                    parent = earlier.stage
                    image = earlier.image
                    break
            else:
                image = parse_image(resolved)
        infos.append(StageInfo(stage, parent, image, resolved))
    return infos


_VARIABLE_REFERENCE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


def variable_references(
    raw: str, escape: str, *, quotes: bool = True, nested: bool = False
) -> Iterator[tuple[str, int, int]]:
    """Variables the builder expands in ``raw``: (name, start, end).

    Single-quoted text and escaped ``$`` are literal. ``quotes=False`` reads quotes as
    plain characters (a heredoc body the shell expands). ``nested=True`` also yields the
    variables inside a braced reference's default (``${A:-$B}`` yields A, then B).
    """
    quote = ""
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == escape and quote != "'":
            i += 2
            continue
        if quote == "'":
            if c == "'":
                quote = ""
            i += 1
            continue
        if quotes and c == "'" and not quote:
            quote = "'"
            i += 1
            continue
        if quotes and c == '"':
            quote = "" if quote == '"' else '"'
            i += 1
            continue
        if c == "$":
            match = _VARIABLE_REFERENCE.match(raw, i)
            if match:
                name = match.group("braced") or match.group("plain")
                end = match.end()
                if match.group("braced"):
                    close = raw.find("}", end)
                    end = close + 1 if close >= 0 else end
                yield name, i, end
                i = match.end() if nested else end
                continue
        i += 1
