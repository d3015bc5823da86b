"""What completion offers, gathered from the reference tables in one place.

Completion reads the Dockerfile reference (instructions, flags, mount keys, directives,
check names, predefined ARGs) through these functions only; the text that completion
alone needs (keyword templates, pragma openings) lives here too.
"""

from __future__ import annotations

import functools
import re

from ..analysis.facts import AUTOMATIC_ARGS
from ..syntax.parser import BOOLEAN_FLAGS, INSTRUCTION_FLAGS, KNOWN_DIRECTIVES, KNOWN_INSTRUCTIONS

Choice = tuple[str, str | None]  # (label, Markdown documentation)

# -- instructions ---------------------------------------------------------------------------

#: The order keywords are offered in: the common ones first.
_KEYWORD_ORDER = (
    "FROM", "RUN", "COPY", "ARG", "ENV", "WORKDIR", "CMD", "ENTRYPOINT", "ADD", "EXPOSE",
    "USER", "LABEL", "VOLUME", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "ONBUILD", "MAINTAINER",
)  # fmt: skip
DEPRECATED_INSTRUCTIONS = frozenset({"MAINTAINER"})

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


def instructions() -> tuple[Choice, ...]:
    """Every instruction keyword with its one-line description, common ones first."""
    return tuple((keyword, None) for keyword in _KEYWORD_ORDER if keyword in KNOWN_INSTRUCTIONS)


def keyword_templates(keyword: str) -> tuple[tuple[str, str | None], ...]:
    return _TEMPLATES.get(keyword, ((keyword, None),))


# -- flags ---------------------------------------------------------------------------------

REPEATABLE_FLAGS = frozenset({"mount", "exclude"})
_FLAG_ORDER = (
    "from", "mount", "platform", "chown", "chmod", "link", "network", "security", "parents",
    "exclude", "checksum", "keep-git-dir", "unpack", "device", "interval", "timeout",
    "start-period", "start-interval", "retries",
)  # fmt: skip


def flags(keyword: str) -> tuple[tuple[str, str | None, bool], ...]:
    """(name, description, takes a value) for each flag of ``keyword``."""
    allowed = INSTRUCTION_FLAGS.get(keyword, frozenset())
    booleans = BOOLEAN_FLAGS.get(keyword, frozenset())
    return tuple((name, None, name not in booleans) for name in _FLAG_ORDER if name in allowed)


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
    """Values commonly given to ``--name=`` of ``keyword``."""
    if name in BOOLEAN_FLAGS.get(keyword, frozenset()):
        return BOOLEANS
    if name == "platform":
        return _PLATFORMS
    if name == "chmod":
        return _MODES
    if name == "network":
        return (
            ("default", "The build's default network."),
            ("none", "No network access."),
            ("host", "The host's network (needs the network.host entitlement)."),
        )
    if name == "security":
        return (
            ("sandbox", "The default sandbox."),
            ("insecure", "Privileged (needs the security.insecure entitlement)."),
        )
    if name == "checksum":
        return (("sha256:", "The expected SHA-256 digest of the download."),)
    if name in ("interval", "timeout", "start-period", "start-interval"):
        return _DURATIONS
    if name == "retries":
        return (("3", None), ("5", None))
    return ()


# -- RUN --mount ----------------------------------------------------------------------------

_MOUNT_TYPES: tuple[Choice, ...] = (
    ("bind", "Files of the build context or another stage, read-only by default."),
    ("cache", "A folder kept between builds (package caches, compiler caches)."),
    ("tmpfs", "An empty in-memory folder."),
    ("secret", "A secret file (or variable with `env=`), never stored in the image."),
    ("ssh", "The SSH agent socket forwarded to the build."),
)
# (key, takes a value, types it applies to)
_MOUNT_KEYS: tuple[tuple[str, bool, str], ...] = (
    ("target", True, "bind cache tmpfs secret ssh"),
    ("source", True, "bind cache"),
    ("from", True, "bind cache"),
    ("id", True, "cache secret ssh"),
    ("sharing", True, "cache"),
    ("mode", True, "cache secret ssh"),
    ("uid", True, "cache secret ssh"),
    ("gid", True, "cache secret ssh"),
    ("readonly", False, "bind cache"),
    ("ro", False, "bind cache"),
    ("rw", False, "bind"),
    ("readwrite", False, "bind"),
    ("required", True, "secret ssh"),
    ("env", True, "secret"),
    ("size", True, "tmpfs"),
)


def mount_types() -> tuple[Choice, ...]:
    return _MOUNT_TYPES


def mount_keys(mount_type: str) -> tuple[tuple[str, str | None, bool], ...]:
    return tuple(
        (key, None, value) for key, value, types in _MOUNT_KEYS if mount_type in types.split()
    )


def mount_key_doc(key: str) -> str | None:
    return None


def mount_values(mount_type: str, key: str) -> tuple[Choice, ...]:
    if key == "sharing":
        return (
            ("shared", "Several builds use the cache at once (the default)."),
            ("private", "A build that finds the cache in use gets a new one."),
            ("locked", "A build waits until the cache is free."),
        )
    if key == "required":
        return BOOLEANS
    if key == "mode":
        return (("0755", None), ("0700", None), ("0644", None), ("0600", None), ("0400", None))
    if key in ("uid", "gid"):
        return (("0", "root"), ("1000", None))
    return ()


# -- directives, checks, pragmas -----------------------------------------------------------

DIRECTIVE_KEYS = KNOWN_DIRECTIVES


def directives() -> tuple[Choice, ...]:
    return tuple((key, None) for key in ("syntax", "escape", "check") if key in KNOWN_DIRECTIVES)


SYNTAX_VALUES: tuple[Choice, ...] = (
    ("docker/dockerfile:1", "The newest 1.x Dockerfile frontend."),
    ("docker/dockerfile:1-labs", "The newest 1.x frontend with experimental features."),
)
ESCAPE_VALUES: tuple[Choice, ...] = (
    ("\\", "Backslash (the default)."),
    ("`", "Backtick, for Windows paths."),
)
CHECK_KEYS: tuple[Choice, ...] = (
    ("skip=", "Checks not to run, by name (comma-separated), or `all`."),
    ("error=", "`true`: a check's warning fails the build."),
)
_BUILDKIT_NAME = re.compile(r"^[A-Z][A-Za-z]*[a-z][A-Za-z]*$")


@functools.cache
def check_names() -> tuple[Choice, ...]:
    """BuildKit's build check names (those layerwise rules carry as aliases)."""
    from ..analysis.rules import ALL_RULES

    found: dict[str, str | None] = {}
    for rule in ALL_RULES:
        for alias in rule.aliases:
            if _BUILDKIT_NAME.match(alias):
                found.setdefault(alias, rule.summary)
    return tuple(sorted(found.items()))


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

PLATFORM_ARGS = frozenset(
    {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
     "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"}
)  # fmt: skip
OTHER_PREDEFINED = frozenset(AUTOMATIC_ARGS - PLATFORM_ARGS)


def predefined_args() -> tuple[Choice, ...]:
    return tuple((name, None) for name in sorted(AUTOMATIC_ARGS))


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
