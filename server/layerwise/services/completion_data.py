"""What completion offers, gathered from the reference tables in one place.

Completion reads the Dockerfile reference (instructions, flags, mount keys, directives,
check names, predefined ARGs) through these functions only; the text that completion
alone needs (keyword templates, pragma openings) lives here too.
"""

from __future__ import annotations

import functools

from ..syntax.flags import BARE_MOUNT_KEYS
from . import reference

Choice = tuple[str, str | None]  # (label, Markdown documentation)

# -- instructions ---------------------------------------------------------------------------

#: The order keywords are offered in: the common ones first.
_KEYWORD_ORDER = (
    "FROM", "RUN", "COPY", "ARG", "ENV", "WORKDIR", "CMD", "ENTRYPOINT", "ADD", "EXPOSE",
    "USER", "LABEL", "VOLUME", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "ONBUILD", "MAINTAINER",
)  # fmt: skip
DEPRECATED_INSTRUCTIONS = frozenset(
    keyword for keyword, doc in reference.INSTRUCTIONS.items() if doc.deprecated
)

#: Snippet templates per keyword: (label, template). A label other than the keyword is
#: a variant offered only to clients that take snippets.
_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "FROM": (("FROM", "FROM ${1:image}"), ("FROM … AS", "FROM ${1:image} AS ${2:name}")),
    "RUN": (("RUN", "RUN ${1:command}"),),
    "COPY": (
        ("COPY", "COPY ${1:src} ${2:dest}"),
        ("COPY --from", "COPY --from=${1:stage} ${2:src} ${3:dest}"),
    ),
    "ADD": (("ADD", "ADD ${1:src} ${2:dest}"),),
    "ARG": (("ARG", "ARG ${1:name}"),),
    "ENV": (("ENV", "ENV ${1:name}=${2:value}"),),
    "WORKDIR": (("WORKDIR", "WORKDIR ${1:/path}"),),
    "CMD": (("CMD", 'CMD ["${1:executable}"]'),),
    "ENTRYPOINT": (("ENTRYPOINT", 'ENTRYPOINT ["${1:executable}"]'),),
    "EXPOSE": (("EXPOSE", "EXPOSE ${1:port}"),),
    "USER": (("USER", "USER ${1:user}"),),
    "LABEL": (("LABEL", 'LABEL ${1:key}="${2:value}"'),),
    "VOLUME": (("VOLUME", 'VOLUME ["${1:/data}"]'),),
    "HEALTHCHECK": (("HEALTHCHECK", "HEALTHCHECK --interval=${1:30s} CMD ${2:command}"),),
    "SHELL": (("SHELL", 'SHELL ["${1:/bin/sh}", "-c"]'),),
    "STOPSIGNAL": (("STOPSIGNAL", "STOPSIGNAL ${1:SIGTERM}"),),
    "ONBUILD": (("ONBUILD", "ONBUILD ${1:instruction}"),),
    "MAINTAINER": (("MAINTAINER", "MAINTAINER ${1:name}"),),
}

AS_DOC = "Names the stage, so later stages can use it in `FROM` and `--from=`."


@functools.cache
def instructions() -> tuple[Choice, ...]:
    """Every instruction keyword with its description, common ones first."""
    order = {keyword: index for index, keyword in enumerate(_KEYWORD_ORDER)}
    docs = sorted(reference.INSTRUCTIONS.values(), key=lambda d: order.get(d.keyword, 99))
    return tuple((doc.keyword, _instruction_doc(doc)) for doc in docs)


def _instruction_doc(doc: reference.InstructionDoc) -> str:
    text = f"{doc.summary}\n\n{doc.description}" if doc.description else doc.summary
    return f"{text}\n\n[Reference]({doc.url})" if doc.url else text


def keyword_templates(keyword: str) -> tuple[tuple[str, str | None], ...]:
    return _TEMPLATES.get(keyword, ((keyword, None),))


# -- flags ---------------------------------------------------------------------------------


def flags(keyword: str) -> tuple[tuple[str, str | None, bool], ...]:
    """(name, documentation, takes a value) for each flag of ``keyword``."""
    return tuple(
        (flag.name, _flag_doc(flag), not flag.boolean) for flag in reference.flags_of(keyword)
    )


def repeatable(keyword: str, name: str) -> bool:
    flag = reference.flag_doc(keyword, name)
    return flag is not None and flag.repeatable


def _flag_doc(flag: reference.FlagDoc) -> str:
    text = f"`{flag.usage}`: {flag.summary}"
    return f"{text}\n\n{flag.details}" if flag.details else text


BOOLEANS: tuple[Choice, ...] = (("true", None), ("false", None))
_PLATFORMS: tuple[Choice, ...] = (
    ("$BUILDPLATFORM", "The platform of the machine running the build."),
    ("$TARGETPLATFORM", "The platform the image is built for."),
    ("linux/amd64", None),
    ("linux/arm64", None),
    ("linux/arm/v7", None),
    ("linux/arm/v6", None),
    ("linux/386", None),
    ("linux/ppc64le", None),
    ("linux/s390x", None),
    ("linux/riscv64", None),
    ("windows/amd64", None),
)
_MODES: tuple[Choice, ...] = (
    ("755", "rwxr-xr-x: programs and folders"),
    ("644", "rw-r--r--: ordinary files"),
    ("700", "rwx------: the owner only"),
    ("600", "rw-------: private files"),
    ("555", "r-xr-xr-x: read-only programs"),
    ("444", "r--r--r--: read-only files"),
    ("775", "rwxrwxr-x: shared with the group"),
    ("664", "rw-rw-r--: group-writable files"),
)
_DURATIONS: tuple[Choice, ...] = (("30s", None), ("10s", None), ("5s", None), ("1m", None))


def flag_values(keyword: str, name: str) -> tuple[Choice, ...]:
    """Values of ``--name=`` of ``keyword``: its closed set, or common examples."""
    flag = reference.flag_doc(keyword, name)
    if flag is not None and flag.values:
        return tuple((v.value, v.summary or None) for v in flag.values)
    if name == "platform":
        return _PLATFORMS
    if name == "chmod":
        return _MODES
    if name == "checksum":
        return (("sha256:", "The expected SHA-256 digest of the download."),)
    if name in ("interval", "timeout", "start-period", "start-interval"):
        return _DURATIONS
    if name == "retries":
        return (("3", None), ("5", None))
    return ()


# -- RUN --mount ----------------------------------------------------------------------------

#: Keys offered bare (``ro``): their value is true when written alone.
_BARE = frozenset({"readonly", "ro", "readwrite", "rw"})


def mount_types() -> tuple[Choice, ...]:
    return tuple((name, doc.summary) for name, doc in reference.MOUNT_TYPES.items())


def mount_keys(mount_type: str) -> tuple[tuple[str, str | None, bool], ...]:
    """(key, documentation, takes a value) for the keys ``mount_type`` uses; the short
    spellings of the bare keys (``ro``, ``rw``) are offered too."""
    found: list[tuple[str, str | None, bool]] = []
    for key in reference.mount_keys(mount_type):
        if key.name == "type":
            continue
        bare = key.name in _BARE
        found.append((key.name, key.summary, not bare))
        if bare:
            found.extend(
                (alias, key.summary, False) for alias in key.aliases if alias in BARE_MOUNT_KEYS
            )
    return tuple(found)


def mount_key_doc(key: str) -> str | None:
    doc = reference.mount_key(key)
    return doc.summary if doc is not None else None


def mount_values(mount_type: str, key: str) -> tuple[Choice, ...]:
    """Values of ``key=``: its closed set, or common examples."""
    doc = reference.mount_key(key)
    if doc is not None and doc.values:
        return tuple((v.value, v.summary or None) for v in doc.values)
    if key == "mode":
        return (("0755", None), ("0700", None), ("0644", None), ("0600", None), ("0400", None))
    if key in ("uid", "gid"):
        return (("0", "root"), ("1000", None))
    if key in ("target", "dst", "destination") and mount_type == "cache":
        return _CACHE_TARGETS
    if key == "size":
        return (("64m", None), ("512m", None), ("1g", None))
    return ()


#: Cache folders of common package managers and compilers, for ``type=cache,target=``.
_CACHE_TARGETS: tuple[Choice, ...] = (
    ("/var/cache/apt", "apt-get's downloaded packages (with sharing=locked)"),
    ("/var/lib/apt", "apt-get's package lists (with sharing=locked)"),
    ("/root/.cache/pip", "pip"),
    ("/root/.cache/uv", "uv"),
    ("/root/.npm", "npm"),
    ("/usr/local/share/.cache/yarn", "yarn 1"),
    ("/root/.local/share/pnpm/store", "pnpm"),
    ("/go/pkg/mod", "Go modules"),
    ("/root/.cache/go-build", "the Go build cache"),
    ("/usr/local/cargo/registry", "Cargo's registry"),
    ("/root/.m2", "Maven"),
    ("/root/.gradle", "Gradle"),
    ("/var/cache/apk", "apk"),
)


# -- directives, checks, pragmas -----------------------------------------------------------

DIRECTIVE_KEYS = frozenset(reference.DIRECTIVES)


def directives() -> tuple[Choice, ...]:
    return tuple((d.name, _directive_doc(d)) for d in reference.DIRECTIVES.values())


def directive_values(name: str) -> tuple[Choice, ...]:
    doc = reference.DIRECTIVES.get(name)
    return tuple((v.value, v.summary) for v in doc.values) if doc is not None else ()


def check_keys() -> tuple[Choice, ...]:
    return tuple((f"{d.name}=", _directive_doc(d)) for d in reference.CHECK_KEYS.values())


def _directive_doc(doc: reference.DirectiveDoc) -> str:
    text = f"`{doc.name}={doc.placeholder}`: {doc.summary}"
    return f"{text}\n\n{doc.details}" if doc.details else text


def check_names(experimental: bool | None = None) -> tuple[Choice, ...]:
    """BuildKit's build checks by name (only the experimental ones, or only the others,
    when ``experimental`` says so)."""
    return tuple(
        (c.name, c.summary + (" (experimental)" if c.experimental else ""))
        for c in reference.BUILDKIT_CHECKS.values()
        if experimental is None or c.experimental == experimental
    )


@functools.cache
def rule_selectors(hadolint: bool) -> tuple[tuple[str, str, str], ...]:
    """(label, detail, summary) for the names an ignore comment takes: layerwise codes
    and names, or hadolint's (and ShellCheck's) codes that layerwise rules carry."""
    from ..analysis.rules import ALL_RULES

    found: list[tuple[str, str, str]] = []
    for rule in ALL_RULES:
        if hadolint:
            for alias in rule.aliases:
                if alias.startswith(("DL", "SC")):
                    found.append((alias, f"{rule.code} {rule.name}", rule.summary))
        else:
            found.append((rule.code, rule.name, rule.summary))
    if not hadolint:
        found.extend((rule.name, rule.code, rule.summary) for rule in ALL_RULES)
    return tuple(found)


PRAGMAS: tuple[Choice, ...] = (
    ("layerwise: ignore=", "Silence rules for the next instruction."),
    ("hadolint ignore=", "Silence rules (hadolint codes) for the next instruction."),
    ("check=skip=", "Skip BuildKit checks for the next instruction."),
)
PRAGMA_SCOPES: tuple[Choice, ...] = (
    ("ignore=", "For the next instruction."),
    ("stage ignore=", "For the rest of the stage."),
    ("global ignore=", "For the whole file."),
)

# -- ARGs -------------------------------------------------------------------------------------

#: Set by BuildKit for every build: usable in FROM, and in a stage once declared.
PLATFORM_ARGS = frozenset(
    name for name, doc in reference.PREDEFINED_ARGS.items() if doc.group == "platform"
)
PREDEFINED_ARGS = frozenset(reference.PREDEFINED_ARGS)
#: Proxy settings: RUN sees them without a declaration.
PROXY_ARGS = frozenset(
    name for name, doc in reference.PREDEFINED_ARGS.items() if doc.group == "proxy"
)


def predefined_doc(name: str) -> str | None:
    doc = reference.PREDEFINED_ARGS.get(name)
    return doc.summary if doc is not None else None


def predefined_args(group: str | None = None) -> tuple[Choice, ...]:
    return tuple(
        (name, doc.summary + (f" (e.g. `{doc.example}`)" if doc.example else ""))
        for name, doc in reference.PREDEFINED_ARGS.items()
        if group is None or doc.group == group
    )


# -- other arguments ------------------------------------------------------------------------

HEALTHCHECK_MODES: tuple[Choice, ...] = (
    ("CMD", "The command that checks the container's health."),
    ("NONE", "No health check, not even the base image's."),
)
SIGNALS: tuple[Choice, ...] = tuple(
    (name, None)
    for name in (
        "SIGTERM",
        "SIGINT",
        "SIGQUIT",
        "SIGKILL",
        "SIGHUP",
        "SIGUSR1",
        "SIGUSR2",
        "SIGWINCH",
    )
)
