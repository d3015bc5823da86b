"""What is known offline about base images: one table, as data, for every rule.

Rules must not guess what an image contains: ``buildpack-deps:*-curl`` has no
compilers, ``debian:bookworm`` has no more compilers than ``-slim``, Alpine's wget is a
BusyBox applet, ``tonistiigi/xx`` holds only files. Each fact is ``None`` when the
table does not know it, and a rule that needs an unknown fact stays silent.

The table is a list of entries matched in order against the image name (a glob over
the name without ``docker.io/library/``) and optionally the tag (a regular
expression); every entry that matches adds its facts, later entries overriding
earlier ones. Tag conventions shared by many images (``-alpine``, ``-slim``) come
first, image-specific entries after them, and Windows tags (``nanoserver``,
``servercore``) last, since they decide whatever the image.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import dataclass, field, replace
from typing import Any

from .facts import ImageRef


@dataclass(frozen=True)
class ImageFacts:
    #: Distribution family: debian, ubuntu, alpine, busybox, rhel, fedora, suse, photon,
    #: azurelinux, wolfi, windows, scratch, distroless; ``None`` when unknown.
    os: str | None = None
    #: ``/bin/sh`` exists.
    shell: bool | None = None
    #: A C compiler (gcc/cc) is installed.
    compilers: bool | None = None
    #: The package manager a RUN would use: apt-get, apk, dnf, microdnf, yum, tdnf, zypper.
    package_manager: str | None = None
    #: Common tools are BusyBox applets (``wget`` that redraws one progress line).
    busybox: bool | None = None
    #: Tools known to be installed (curl, wget, git, ca-certificates, pwsh…).
    tools: frozenset[str] = frozenset()
    #: Tools known to be missing (so an install of them is not redundant).
    lacks: frozenset[str] = frozenset()
    #: Non-root users the image defines.
    users: frozenset[str] = frozenset()
    #: The image's default user is not root.
    runs_as_nonroot: bool | None = None
    #: The image's entrypoint starts as root and drops to its own user (gosu/su-exec),
    #: as the official database and server images do.
    entrypoint_drops: bool = False
    #: The image holds only files (binaries, scripts): no OS, nothing to run; copying
    #: ``/`` out of it is its normal use.
    artifacts_only: bool = False
    #: ``microdnf`` answers yes without ``-y`` (Oracle Linux slim images).
    microdnf_assumes_yes: bool = False
    #: A base for other images to build on (buildpack-deps): full on purpose.
    base_for_builds: bool = False
    #: How this variant differs from its slim one, when it has one.
    slim_difference: str | None = None
    #: Notes on pinning: "digest" when the publisher has no version tags (distroless,
    #: rolling distributions); "name" when the image name carries the major version and
    #: the untagged reference floats within it on purpose (``redhat/ubi9-minimal``).
    pin_by: str = "tag"
    #: The table matched at least one image-specific entry.
    known: bool = False


@dataclass(frozen=True)
class _Entry:
    names: tuple[str, ...]
    tag: re.Pattern[str] | None
    facts: dict[str, Any] = field(default_factory=dict)
    specific: bool = True


def _e(names: str, tag: str | None = None, specific: bool = True, **facts: Any) -> _Entry:
    for key in ("tools", "lacks", "users"):
        if key in facts:
            facts[key] = frozenset(facts[key].split())
    return _Entry(tuple(names.split()), re.compile(tag) if tag else None, facts, specific)


_FULL_DEBIAN = "docs, man pages and locales that -slim leaves out (neither variant has a compiler)"
_BUILDPACK = "compilers, -dev headers, git and hundreds of build packages (buildpack-deps)"
_DEBIAN_TOOLS = "curl wget git ca-certificates"

# Language images whose default (full) variant is built FROM buildpack-deps.
_ON_BUILDPACK = "node python ruby golang rust perl gcc haskell erlang elixir clojure"
# Official images whose entrypoint starts as root and drops to the service user.
_DROPPING = (
    "postgres mysql mariadb mongo redis rabbitmq cassandra couchdb elasticsearch memcached"
    " neo4j influxdb zookeeper solr percona"
)

#: The table. Names are globs over ``ImageRef.full_name`` without ``docker.io/``
#: and ``library/``; tags are regular expressions searched in the tag.
TABLE: tuple[_Entry, ...] = (
    # -- tag conventions ---------------------------------------------------------------
    _e("*", r"(^|-)alpine", specific=False, os="alpine", shell=True, package_manager="apk",
       busybox=True, compilers=False, tools="wget", lacks="curl git"),
    _e("*", r"(^|-)slim($|-)", specific=False, os="debian", shell=True,
       package_manager="apt-get", busybox=False, compilers=False, lacks=_DEBIAN_TOOLS),
    # -- distributions -----------------------------------------------------------------
    _e("scratch", os="scratch", shell=False, package_manager=None, compilers=False),
    _e("debian", os="debian", shell=True, package_manager="apt-get", busybox=False,
       compilers=False, lacks=_DEBIAN_TOOLS),
    _e("debian", r"^(?!.*slim)", slim_difference=_FULL_DEBIAN),
    _e("ubuntu", os="ubuntu", shell=True, package_manager="apt-get", busybox=False,
       compilers=False, lacks=_DEBIAN_TOOLS),
    _e("alpine", os="alpine", shell=True, package_manager="apk", busybox=True,
       compilers=False, tools="wget", lacks="curl git"),
    _e("busybox", os="busybox", shell=True, package_manager=None, busybox=True,
       compilers=False, tools="wget"),
    _e("fedora rockylinux almalinux centos/stream* quay.io/centos/centos", os="rhel",
       shell=True, package_manager="dnf", busybox=False),
    _e("centos", os="rhel", shell=True, package_manager="yum", busybox=False),
    _e("centos", r"^(stream|8)", package_manager="dnf"),
    _e("oraclelinux", os="rhel", shell=True, package_manager="dnf", busybox=False),
    _e("oraclelinux", r"^7", package_manager="yum"),
    _e("oraclelinux", r"-slim", package_manager="microdnf", microdnf_assumes_yes=True),
    _e("redhat/ubi* registry.access.redhat.com/ubi*", os="rhel", shell=True,
       package_manager="dnf", busybox=False),
    _e("redhat/ubi*-minimal registry.access.redhat.com/ubi*-minimal registry.access.redhat.com/ubi*/ubi-minimal",
       package_manager="microdnf"),
    _e("redhat/ubi*-micro registry.access.redhat.com/ubi*-micro registry.access.redhat.com/ubi*/ubi-micro",
       package_manager=None),
    _e("redhat/ubi[0-9]* registry.access.redhat.com/ubi[0-9]*", pin_by="name"),
    # rolling distributions: no release to name, only a digest pins them
    _e("kalilinux/kali-rolling parrotsec/* archlinux archlinux/* opensuse/tumbleweed",
       pin_by="digest"),
    _e("fedora", r"^rawhide$", pin_by="digest"),
    _e("amazonlinux", os="rhel", shell=True, package_manager="dnf"),
    _e("amazonlinux", r"^2($|\.0)", package_manager="yum"),
    _e("photon", os="photon", shell=True, package_manager="tdnf"),
    _e("mcr.microsoft.com/azurelinux/* mcr.microsoft.com/cbl-mariner/*", os="azurelinux",
       shell=True, package_manager="tdnf"),
    _e("opensuse/* registry.suse.com/*", os="suse", shell=True, package_manager="zypper"),
    _e("cgr.dev/chainguard/*", os="wolfi", shell=False, package_manager=None,
       runs_as_nonroot=True, users="nonroot", pin_by="digest"),
    _e("cgr.dev/chainguard/*", r"-dev$", shell=True, package_manager="apk",
       runs_as_nonroot=False),
    _e("gcr.io/distroless/*", os="distroless", shell=False, package_manager=None,
       compilers=False, users="nonroot", pin_by="digest", tools="ca-certificates"),
    _e("gcr.io/distroless/static*", tools=""),
    _e("gcr.io/distroless/*", r"debug", shell=True, busybox=True),
    _e("gcr.io/distroless/*", r"nonroot", runs_as_nonroot=True),
    # -- build-dependency and language images --------------------------------------------
    _e("buildpack-deps", os="debian", shell=True, package_manager="apt-get", busybox=False,
       base_for_builds=True, compilers=True, tools=_DEBIAN_TOOLS, lacks="",
       slim_difference=_BUILDPACK),
    _e("buildpack-deps", r"-curl$", compilers=False, tools="curl wget ca-certificates",
       lacks="git", slim_difference=None),
    _e("buildpack-deps", r"-scm$", compilers=False, tools=_DEBIAN_TOOLS,
       slim_difference=None),
    _e(_ON_BUILDPACK, r"^(?!.*(alpine|slim|windows|nanoserver|servercore))", os="debian",
       shell=True, package_manager="apt-get", busybox=False, compilers=True,
       tools=_DEBIAN_TOOLS, lacks="", slim_difference=_BUILDPACK),
    _e("golang", r"^(?!.*(alpine|windows|nanoserver|servercore))", tools=_DEBIAN_TOOLS),
    _e("node", users="node"),
    _e("mcr.microsoft.com/dotnet/sdk", os="debian", shell=True, package_manager="apt-get",
       tools="curl wget git pwsh ca-certificates", compilers=False),
    _e("mcr.microsoft.com/dotnet/sdk", r"alpine", package_manager="apk"),
    _e("mcr.microsoft.com/dotnet/sdk", r"azurelinux|cbl-mariner", os="azurelinux",
       package_manager="tdnf"),
    _e("mcr.microsoft.com/dotnet/sdk", r"noble|jammy", os="ubuntu"),
    _e("mcr.microsoft.com/dotnet/aspnet mcr.microsoft.com/dotnet/runtime mcr.microsoft.com/dotnet/runtime-deps",
       os="debian", shell=True, package_manager="apt-get", users="app", compilers=False),
    _e("mcr.microsoft.com/dotnet/*", r"chiseled|distroless", os="distroless", shell=False,
       package_manager=None, runs_as_nonroot=True),
    _e("mcr.microsoft.com/dotnet/*", r"azurelinux|cbl-mariner", os="azurelinux",
       package_manager="tdnf"),
    _e("mcr.microsoft.com/dotnet/*", r"noble|jammy", os="ubuntu"),
    _e("mcr.microsoft.com/powershell", tools="pwsh"),
    _e("docker", os="alpine", shell=True, package_manager="apk", busybox=True,
       tools="wget ca-certificates"),
    _e("docker", r"windowsservercore|nanoserver", os="windows", busybox=False),
    _e(_DROPPING, entrypoint_drops=True),
    # -- images that hold only files ------------------------------------------------------
    _e("tonistiigi/xx tonistiigi/bats-assert moby/moby-bin moby/buildkit-bin dockereng/cli-bin"
       " docker/buildx-bin docker/compose-bin gloursdocker/docker ghcr.io/astral-sh/uv"
       " crazymax/osxcross",
       artifacts_only=True, shell=False, package_manager=None, os="scratch"),
    _e("ghcr.io/astral-sh/uv", r"-", artifacts_only=False, shell=None, os=None),
    # -- Windows tags, whatever the image ---------------------------------------------------
    _e("*", r"nanoserver", specific=False, os="windows", shell=False, package_manager=None,
       runs_as_nonroot=True, users="ContainerUser"),
    _e("*", r"windowsservercore|servercore|ltsc20", specific=False, os="windows",
       shell=False, package_manager=None),
)  # fmt: skip


def _name(image: ImageRef) -> str:
    registry = image.registry
    path = image.path
    if registry in (None, "docker.io", "index.docker.io", "registry-1.docker.io"):
        return path[len("library/") :] if path.startswith("library/") else path
    return f"{registry}/{path}"


@functools.lru_cache(maxsize=512)
def image_facts(image: ImageRef) -> ImageFacts:
    """What the table knows about ``image`` (by name and tag; a digest alone tells nothing)."""
    name = _name(image)
    tag = (image.tag or "latest").lower()
    merged: dict[str, Any] = {}
    known = False
    for entry in TABLE:
        if entry.tag is not None and entry.tag.search(tag) is None:
            continue
        if not any(fnmatch.fnmatchcase(name, pattern) for pattern in entry.names):
            continue
        merged.update(entry.facts)
        known = known or entry.specific
    return replace(ImageFacts(), **merged, known=known)


def has_tool(facts: ImageFacts, tool: str) -> bool | None:
    """``True``/``False`` when the table knows whether ``tool`` is installed."""
    if tool in facts.tools:
        return True
    if tool in facts.lacks or facts.artifacts_only or facts.os in ("scratch",):
        return False
    return None


#: Tags commonly written for well-known images, for editor completion after ``FROM``:
#: floating tags (majors, release names, variants) that name a line of releases rather
#: than one build. Illustrations only: nothing here is checked against a registry.
COMMON_TAGS: dict[str, tuple[str, ...]] = {
    "alpine": ("3", "3.22", "3.21", "latest", "edge"),
    "debian": ("trixie", "trixie-slim", "bookworm", "bookworm-slim", "stable-slim"),
    "ubuntu": ("24.04", "22.04", "noble", "jammy", "latest"),
    "busybox": ("stable", "musl", "glibc", "latest"),
    "fedora": ("42", "latest"),
    "node": ("lts", "lts-alpine", "lts-slim", "24", "24-alpine", "24-slim", "22", "22-alpine",
             "22-slim"),
    "python": ("3.13", "3.13-slim", "3.13-alpine", "3.12", "3.12-slim", "3-slim"),
    "golang": ("1.25", "1.25-alpine", "1.24", "1.24-alpine", "1-alpine"),
    "rust": ("1", "1-slim", "1-alpine"),
    "ruby": ("3.4", "3.4-slim", "3.4-alpine"),
    "php": ("8.4-fpm", "8.4-fpm-alpine", "8.4-apache", "8.3-fpm"),
    "eclipse-temurin": ("21-jre", "21-jdk", "21-jre-alpine", "17-jre", "17-jdk"),
    "nginx": ("stable", "stable-alpine", "mainline", "alpine"),
    "httpd": ("2.4", "2.4-alpine"),
    "postgres": ("17", "17-alpine", "16", "16-alpine"),
    "redis": ("7", "7-alpine"),
    "buildpack-deps": ("bookworm", "bookworm-curl", "bookworm-scm", "noble"),
    "gcr.io/distroless/static-debian12": ("nonroot", "latest", "debug"),
    "gcr.io/distroless/base-debian12": ("nonroot", "latest", "debug"),
    "gcr.io/distroless/cc-debian12": ("nonroot", "latest"),
    "mcr.microsoft.com/dotnet/sdk": ("9.0", "8.0", "9.0-alpine"),
    "mcr.microsoft.com/dotnet/aspnet": ("9.0", "8.0", "9.0-alpine"),
    "tonistiigi/xx": ("latest",),
}  # fmt: skip
