"""LW1xx: base image choice (PRACTICES A).

How base images are pinned (LW101, LW102, LW104) and which image the final stage
ships: the full variant of an image that has a slim one, a compiler or JDK image, Alpine's
musl with glibc-oriented ecosystems, scratch without CA certificates (LW103, LW105-LW107).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ...syntax.model import Instruction, Stage, Token
from ...syntax.shell import ShellCommand, split_shell
from ..buildconfig import named_contexts, replaced_by_context
from ..context import LintContext
from ..entrypoint import argv_of, runtime_of
from ..facts import ImageRef
from ..images import image_facts
from ..paths import copy_sources
from ..rule import Related, Rule, Severity, Violation
from ..stages import copy_from, moves_files_only, shipped
from ..walk import chain_root_first, final_linux_stage, runs

# -- LW101 / LW102: untagged and 'latest' base images ----------------------------------


def _external_bases(ctx: LintContext) -> Iterator[tuple[ImageRef, str, Token]]:
    """(image, resolved reference, FROM token) for stages built on an external image,
    except alternatives a build only reaches when a non-default ARG selects them and
    helper stages that do not ship and only arrange files (their output does not depend
    on the base's version), and images the project's Bake file replaces with a named
    context."""
    alternatives = _unselected_alternatives(ctx)
    contexts = named_contexts(ctx)
    for info in ctx.stage_infos:
        token = info.stage.base
        if token is None or info.parent is not None or info.image is None:
            continue
        if info.image.is_scratch or info.stage.index in alternatives:
            continue
        if not shipped(ctx, info.stage) and moves_files_only(ctx, info.stage):
            continue  # a helper stage: mkdir/cp/ln on any alpine gives the same files
        reference = info.resolved_base or token.value
        if contexts and replaced_by_context(contexts, reference, info.image.full_name):
            continue  # the project's Bake file builds it from a named context: no pull
        yield info.image, reference, token


_VARIABLE = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)")


def _unselected_alternatives(ctx: LintContext) -> set[int]:
    """Stages that a ``FROM name-${ARG}`` chooses between, other than the one the ARG's
    default selects (``FROM test-base-${TYPE}`` with stages ``test-base-alpine``,
    ``-debian`` and ``-rhel``): a default build never reaches them. A stage named
    anywhere else (``COPY --from``, a plain ``FROM``) is not one."""
    out: set[int] = set()
    named: set[str] = set()
    for info in ctx.stage_infos:
        token = info.stage.base
        if token is not None and "$" not in token.value:
            named.add(token.value.lower())
        for ins in info.stage.instructions:
            flag = ins.flag("from") if ins.keyword in ("COPY", "ADD") else None
            if flag is not None and flag.value:
                named.add(flag.value.lower())
    for info in ctx.stage_infos:
        token = info.stage.base
        if token is None or info.parent is None or "$" not in token.value:
            continue
        pattern = re.compile(
            ".+".join(re.escape(part) for part in _VARIABLE.split(token.value.lower())) + "$"
        )
        for other in ctx.doc.stages:
            name = other.name
            if (
                name is not None
                and other is not info.parent
                and other.index < info.stage.index
                and name not in named
                and pattern.match(name)
            ):
                out.add(other.index)
    return out


def _shown(reference: str, token_value: str) -> str:
    if reference == token_value:
        return f"'{reference}'"
    return f"'{token_value}' (= '{reference}')"


# Official images whose slim variant is the usual runtime choice.
_SLIM = frozenset({"node", "python", "ruby", "perl", "openjdk", "debian"})


def _suggested_tag(image: ImageRef) -> str:
    if image.is_official and image.name in _SLIM:
        variant = "<release>-slim" if image.name == "debian" else "<version>-slim"
        return f"{image.full_name}:{variant}"
    return f"{image.full_name}:<version>"


def _pins_digests(ctx: LintContext) -> bool:
    """Some base image of the file is pinned by digest: the team's policy is digests."""
    return any(info.image is not None and info.image.digest for info in ctx.stage_infos)


def _digest_only(ctx: LintContext, image: ImageRef) -> bool | None:
    """``None``: report as usual. ``True``: the image has no version tags (distroless, a
    rolling distribution) and the file pins other bases by digest: report, asking for a
    digest. ``False``: such an image in a file that pins nothing by digest, or an image
    whose name carries the major version (``redhat/ubi9-minimal``): not reported."""
    pin_by = image_facts(image).pin_by
    if pin_by == "name":
        return False
    if pin_by == "digest":
        return _pins_digests(ctx)
    return None


def _untagged(ctx: LintContext) -> Iterator[Violation]:
    for image, reference, token in _external_bases(ctx):
        if image.tag is not None or image.digest is not None:
            continue
        digest_only = _digest_only(ctx, image)
        if digest_only is False:
            continue
        if digest_only:
            pin = (
                f"it has no version tags, so pin its digest like the other bases "
                f"('{image.full_name}@sha256:…', from 'docker buildx imagetools inspect "
                f"{image.full_name}')"
            )
        else:
            pin = f"pin a version, e.g. '{_suggested_tag(image)}'"
        yield Violation(
            token.span,
            f"Base image {_shown(reference, token.value)} has no tag, so every build "
            f"may pull a different image; {pin}",
        )


def _latest(ctx: LintContext) -> Iterator[Violation]:
    for image, reference, token in _external_bases(ctx):
        if image.tag is None or image.tag.lower() != "latest" or image.digest is not None:
            continue
        digest_only = _digest_only(ctx, image)
        if digest_only is False:
            continue
        if digest_only:
            pin = "it has no version tags, so pin its digest like the other bases"
        else:
            pin = "pin a version so builds are reproducible"
        yield Violation(
            token.span,
            f"Base image {_shown(reference, token.value)} uses the moving 'latest' tag; {pin}",
        )


# -- shared by LW103-LW107 -------------------------------------------------------------


def _is_alpine(image: ImageRef) -> bool:
    return image.name == "alpine" or "alpine" in (image.tag or "").lower()


_DEVELOPMENT = re.compile(
    r"^(?:dev|devel|develop|development|debug|test|tests|testing|ci)(?:[-_].*)?$"
)


def _development_target(ctx: LintContext, stage: Stage) -> bool:
    """The final stage is (built on) a stage named for development or tests."""
    return any(
        member.name is not None and _DEVELOPMENT.match(member.name)
        for member in ctx.stage_chain(stage)
    )


def _runs_something(ctx: LintContext, stage: Stage) -> bool:
    """The Dockerfile gives the image a command: it is meant to run, not to build on."""
    runtime = runtime_of(ctx, stage)
    return runtime.entrypoint is not None or runtime.cmd is not None


# -- LW103: full variant of an official runtime image -------------------------------------

_CODENAMES = frozenset(
    {"jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky", "duke"}
)
_SUITES = frozenset({"stable", "oldstable", "oldoldstable", "testing", "unstable", "sid"})
# Where the slim variant goes in a tag with a Debian codename.
_SLIM_BEFORE_CODENAME = frozenset({"python", "ruby", "perl"})  # 3.12-slim-bookworm
_SLIM_AFTER_CODENAME = frozenset({"node"})  # 20-bookworm-slim
_VERSION = re.compile(r"^(?:\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?|lts|current)$")


def _slim_tag(image: ImageRef) -> str | None:
    """The slim tag for a full official runtime/Debian tag, or None when it is not one."""
    if not image.is_official or image.tag is None:
        return None
    tag = image.tag
    name = image.name
    if name == "debian":
        if tag in _CODENAMES or tag in _SUITES or re.fullmatch(r"\d+(?:\.\d+)?", tag):
            return f"{tag}-slim"
        return None
    if name not in _SLIM_BEFORE_CODENAME and name not in _SLIM_AFTER_CODENAME:
        return None
    version, _, codename = tag.partition("-")
    if not _VERSION.match(version) or (codename and codename not in _CODENAMES):
        return None
    if name == "node" and version not in ("lts", "current") and not version[0].isdigit():
        return None
    if version in ("lts", "current") and name != "node":
        return None
    if not codename:
        return f"{version}-slim"
    if name in _SLIM_AFTER_CODENAME:
        return f"{version}-{codename}-slim"
    return f"{version}-slim-{codename}"


def _non_slim(ctx: LintContext) -> Iterator[Violation]:
    stage = final_linux_stage(ctx)
    if stage is None or stage.base is None or _development_target(ctx, stage):
        return
    if not _runs_something(ctx, stage):
        return  # a base image for others to build on (buildpack-deps is full on purpose)
    info = ctx.info(stage)
    image = info.image
    if image is None:
        return
    slim = _slim_tag(image)
    if slim is None or image.tag is None:
        return
    difference = image_facts(image).slim_difference
    if difference is None or not image_facts(image).compilers:
        # debian:<release> vs -slim: docs, man pages and locales (tens of MB, the same
        # packages and CVEs): not worth a finding, see the rule's doc.
        return
    tag = image.tag
    full = f"{image.full_name}:{tag}"
    suggestion = f"{image.full_name}:{slim}"
    if info.parent is not None:
        yield Violation(
            stage.base.span,
            f"The final stage builds on '{full}' (through stage '{stage.base.value}'), the full "
            f"variant with {difference} that the runtime does not use; base the final stage on "
            f"'{suggestion}' and copy the build output into it",
        )
        return
    token = stage.base
    yield Violation(
        token.span,
        f"'{full}' is the full variant, with {difference} that the application does not need "
        f"at run time; '{suggestion}' leaves them out. Use the slim variant for the final stage",
    )


# -- LW104: digest pinning ----------------------------------------------------------------


def _no_digest(ctx: LintContext) -> Iterator[Violation]:
    for info in ctx.stage_infos:
        token = info.stage.base
        image = info.image
        if token is None or info.parent is not None or image is None or image.is_scratch:
            continue
        if image.digest is not None or image.tag is None or image.tag.lower() == "latest":
            continue  # untagged and 'latest' are LW101/LW102's findings
        shown = info.resolved_base or token.value
        yield Violation(
            token.span,
            f"'{shown}' is pinned by tag only: the publisher can move the tag. Pin the digest "
            f"too ('{shown}@sha256:…', from 'docker buildx imagetools inspect {shown}') for "
            "byte-for-byte reproducible builds",
        )


# -- LW105: toolchain image as the final stage ----------------------------------------------


@dataclass(frozen=True)
class _Toolchain:
    what: str
    instead: str


_TOOLCHAINS = {
    "golang": _Toolchain(
        "the Go toolchain",
        "copy the binary into gcr.io/distroless/static (CGO_ENABLED=0) or a -slim image",
    ),
    "rust": _Toolchain(
        "the Rust toolchain", "copy the binary into gcr.io/distroless/cc or debian:*-slim"
    ),
    "gcc": _Toolchain("the GCC compiler suite", "copy the binary into a slim runtime image"),
    "buildpack-deps": _Toolchain(
        "a build-dependencies image (compilers and -dev headers)",
        "copy the build output into debian:*-slim",
    ),
    "maven": _Toolchain("Maven and a full JDK", "copy the jar into eclipse-temurin:<version>-jre"),
    "gradle": _Toolchain(
        "Gradle and a full JDK", "copy the jar into eclipse-temurin:<version>-jre"
    ),
    "openjdk": _Toolchain("a full JDK", "use a JRE image such as eclipse-temurin:<version>-jre"),
    "eclipse-temurin": _Toolchain("a full JDK", "use the -jre tag of the same version"),
    "amazoncorretto": _Toolchain(
        "a full JDK", "use a JRE or a jlink-built runtime in a slim image"
    ),
    "sapmachine": _Toolchain("a full JDK", "use the -jre tag of the same version"),
    "ibm-semeru-runtimes": _Toolchain("a full JDK", "use the -jre tag of the same version"),
    "swift": _Toolchain("the Swift toolchain", "copy the binary into swift:<version>-slim"),
    "haskell": _Toolchain("GHC and Cabal/Stack", "copy the binary into debian:*-slim"),
}
_JDK_IMAGES = frozenset(
    {"openjdk", "eclipse-temurin", "amazoncorretto", "sapmachine", "ibm-semeru-runtimes"}
)
# Programs that use the toolchain itself (a REPL, a build or test driver), not an application.
_TOOL_PROGRAMS = frozenset(
    {"sh", "bash", "ash", "zsh", "jshell", "mvn", "mvnw", "gradle", "gradlew", "go", "cargo",
     "rustc", "gcc", "g++", "cc", "make", "ghci", "ghc", "cabal", "stack", "swift", "lein",
     "clj", "clojure", "sbt"}
)  # fmt: skip
# Arguments that make a build tool run the application.
_RUN_ARGUMENTS = frozenset(
    {"run", "spring-boot:run", "bootrun", "exec:java", "quarkus:dev", "quarkus:run", "watch"}
)
_DOTNET_TOOLING = frozenset(
    {"test", "build", "publish", "restore", "format", "--info", "--version"}
)
_HELPER_SCRIPT = re.compile(r"(?:entrypoint|^docker-)[^/]*$", re.I)


def _toolchain(image: ImageRef) -> _Toolchain | None:
    if image.registry == "mcr.microsoft.com" and image.path == "dotnet/sdk":
        return _Toolchain(
            "the .NET SDK", "publish, then copy the output into dotnet/aspnet or dotnet/runtime"
        )
    if not image.is_official:
        return None
    toolchain = _TOOLCHAINS.get(image.name)
    if toolchain is None:
        return None
    tag = (image.tag or "").lower()
    if image.name in _JDK_IMAGES and "jre" in tag:
        return None
    if image.name in ("swift", "rust") and "slim" in tag:
        return None
    return toolchain


def lighter_alternatives(image: ImageRef) -> list[str]:
    """Smaller images to run on instead of ``image``, as LW104 and LW105 suggest them
    (its slim tag; what to ship instead of a toolchain image); for the editor's hover."""
    found = []
    slim = _slim_tag(image)
    if slim is not None:
        found.append(f"{image.full_name}:{slim}")
    toolchain = _toolchain(image)
    if toolchain is not None:
        found.append(f"{toolchain.what} is for building: {toolchain.instead}")
    return found


def _runs_application(argv: list[str]) -> bool:
    """The command runs an application rather than the toolchain's own tools."""
    if not argv:
        return False
    program = argv[0].rsplit("/", 1)[-1]
    if program in ("sh", "bash", "ash", "zsh") and len(argv) >= 3 and argv[1] in ("-c", "-lc"):
        script = split_shell(argv[2])
        if script.error or not script.commands:
            return False
        command = script.commands[0]
        index = command.program_index()
        if index is None:
            return False
        return _runs_application([w.value for w in command.words[index:]])
    if program in _TOOL_PROGRAMS:
        return any(arg.lower() in _RUN_ARGUMENTS for arg in argv[1:])
    if program == "dotnet":
        return len(argv) > 1 and argv[1] not in _DOTNET_TOOLING
    return True


def _copies_application(ctx: LintContext, stage: Stage) -> Instruction | None:
    """A COPY/ADD in the stage chain that brings more than helper scripts."""
    for member in chain_root_first(ctx, stage):
        for ins in member.instructions:
            if ins.keyword not in ("COPY", "ADD"):
                continue
            sources = [s.value for s in copy_sources(ins)]
            if ins.heredocs and not sources:
                continue
            if sources and all(_HELPER_SCRIPT.search(s.rstrip("/")) for s in sources):
                continue
            return ins
    return None


def _jre_tag(image: ImageRef) -> str | None:
    """eclipse-temurin/ibm-semeru-runtimes: the JRE tag next to a JDK tag."""
    tag = image.tag
    if tag is None:
        return None
    if image.name == "eclipse-temurin":
        if "jdk" in tag:
            return tag.replace("jdk", "jre", 1)
        if re.fullmatch(r"\d+(?:[._]\d+)*", tag):
            return f"{tag}-jre"
    elif image.name == "ibm-semeru-runtimes" and "-jdk" in tag:
        return tag.replace("-jdk", "-jre", 1)
    return None


def _toolchain_final(ctx: LintContext) -> Iterator[Violation]:
    stage = final_linux_stage(ctx)
    if stage is None or stage.base is None or _development_target(ctx, stage):
        return
    info = ctx.info(stage)
    image = info.image
    if image is None:
        return
    toolchain = _toolchain(image)
    if toolchain is None:
        return
    runtime = runtime_of(ctx, stage)
    argv = argv_of(runtime.entrypoint) or argv_of(runtime.cmd)
    if argv is None or not _runs_application([t.value for t in argv]):
        return  # no command of its own: an image meant to build with, not to run
    copied = _copies_application(ctx, stage)
    if copied is None:
        return  # nothing of an application is copied in: a toolchain image in its own right
    if any(
        ins.keyword == "COPY" and isinstance(copy_from(ctx, ins), Stage)
        for member in chain_root_first(ctx, stage)
        for ins in member.instructions
    ):
        # Already built in a separate stage and copied onto the toolchain on purpose (a
        # tool that needs the SDK at run time, e.g. pwsh in dotnet/sdk): cannot tell.
        return
    shown = info.resolved_base or stage.base.value
    instead = toolchain.instead
    jre = _jre_tag(image)
    if jre is not None:
        instead = f"use '{image.full_name}:{jre}' for the final stage"
    yield Violation(
        stage.base.span,
        f"The final stage runs the application on '{shown}', which ships {toolchain.what}: "
        "compilers in production add hundreds of megabytes and attack surface. Build in a "
        f"separate stage and {instead}",
        related=(Related(copied.keyword_span, "the application is copied in here"),),
    )


# -- LW106: Alpine (musl) with glibc-oriented ecosystems --------------------------------------

_COMPILERS = frozenset(
    {"build-base", "gcc", "g++", "clang", "musl-dev", "cargo", "rust", "gfortran"}
)
_GLIBC_SHIMS = frozenset({"gcompat", "libc6-compat", "glibc", "glibc-bin"})
_PIP_SELF = re.compile(r"^(?:pip|setuptools|wheel)(?:[<>=!~;\[].*)?$", re.I)


def _apk_packages(command: ShellCommand) -> list[Token]:
    args = command.arguments
    if not args or args[0].value != "add":
        return []
    out = []
    skip = False
    for word in args[1:]:
        if skip:
            skip = False
            continue
        if word.value in ("-t", "--virtual", "-X", "--repository", "--root", "-p"):
            skip = True
            continue
        if not word.value.startswith("-"):
            out.append(word)
    return out


def _pip_installs_packages(command: ShellCommand) -> bool:
    words = [w.value for w in command.arguments]
    if command.program in ("python", "python3") or re.fullmatch(
        r"python3\.\d+", command.program or ""
    ):
        if words[:2] != ["-m", "pip"]:
            return False
        words = words[2:]
    if not words or words[0] != "install":
        return False
    targets = []
    skip = False
    for word in words[1:]:
        if skip:
            skip = False
            continue
        if word in ("-r", "--requirement", "-c", "--constraint", "-e", "--editable"):
            return True
        if word in ("-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--target", "-t",
                    "--prefix", "--root", "--platform", "--python-version", "--implementation",
                    "--abi", "--trusted-host", "--cache-dir", "--src", "--upgrade-strategy",
                    "--progress-bar", "--log", "--timeout", "--retries"):  # fmt: skip
            skip = True
            continue
        if word.startswith("-"):
            continue
        targets.append(word)
    return any(not _PIP_SELF.match(t) for t in targets)


def _node_installs(command: ShellCommand) -> bool:
    if command.program not in ("npm", "yarn", "pnpm"):
        return False
    args = [w.value for w in command.arguments]
    sub = next((a for a in args if not a.startswith("-")), None)
    if command.program == "npm":
        return sub in ("ci", "install", "i", "add")
    if command.program in ("yarn", "pnpm"):
        if sub is None:  # bare ``yarn`` installs; ``yarn --version`` does not
            return not any(a in ("--version", "-v", "-V", "--help", "-h") for a in args)
        return sub in ("install", "add")
    return False


def _alpine_glibc(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        image = ctx.info(stage).image
        if image is None or not _is_alpine(image):
            continue
        compilers: list[Token] = []
        packages: set[str] = set()
        shims: list[Token] = []
        pip: list[ShellCommand] = []
        node: list[ShellCommand] = []
        for member in chain_root_first(ctx, stage):
            for _, ins in runs(ctx, (member,)):  # ONBUILD RUN triggers too
                for command in ctx.commands(ins):
                    if command.program == "apk":
                        for word in _apk_packages(command):
                            name = word.value.split("=", 1)[0].split("~", 1)[0]
                            packages.add(name)
                            if name in _COMPILERS:
                                compilers.append(word)
                            if name in _GLIBC_SHIMS and member is stage:
                                shims.append(word)
                    elif member is stage and command.program in (
                        "pip", "pip3", "python", "python3"
                    ) and _pip_installs_packages(command):  # fmt: skip
                        pip.append(command)
                    elif member is stage and _node_installs(command):
                        node.append(command)
        shown = f"{image.full_name}:{image.tag}" if image.tag else image.full_name
        for word in shims:
            yield Violation(
                word.span,
                f"'{word.value}' runs glibc programs on Alpine's musl libc through a "
                "compatibility layer that misses parts of glibc; if the application needs glibc, "
                "use a glibc-based image (-slim or distroless) instead of "
                f"'{shown}'",
            )
        if pip and compilers:
            yield Violation(
                pip[0].span,
                "pip installs packages on Alpine with a C compiler at hand: packages without "
                "musllinux wheels are compiled from source here (slow builds, fragile native "
                "code). On a glibc image such as python:*-slim pip installs prebuilt manylinux "
                "wheels",
                related=(Related(compilers[0].span, "compiler installed here"),),
            )
        node_gyp = (
            ("python3" in packages or "python" in packages)
            and "make" in packages
            and bool({"g++", "build-base"} & packages)
        )
        if node and node_gyp:
            yield Violation(
                node[0].span,
                "npm/yarn installs on Alpine with node-gyp's toolchain (python3, make, g++): "
                "native modules without musl prebuilds are compiled here. On node:*-slim most "
                "of them install prebuilt glibc binaries",
                related=tuple(Related(w.span, "compiler installed here") for w in compilers[:1]),
            )


# -- LW107: scratch without CA certificates ----------------------------------------------------

_CERT_PATH = re.compile(r"ca-certificates|ca-bundle|cacert|/etc/ssl|/etc/pki|\.crt$|\.pem$", re.I)


def _scratch_certs(ctx: LintContext) -> Iterator[Violation]:
    stage = final_linux_stage(ctx)
    if stage is None or stage.base is None:
        return
    image = ctx.info(stage).image
    if image is None or not image.is_scratch:
        return
    platform = ctx.stage_chain(stage)[-1].from_instruction.flag("platform")
    if platform is not None and "wasi" in (platform.value or "").lower():
        return  # a WebAssembly module: the runtime that loads it brings its own TLS
    runtime = runtime_of(ctx, stage)
    if runtime.entrypoint is None and runtime.cmd is None:
        return  # an artifact stage (docker build --output), not something that runs
    copied = False
    for member in chain_root_first(ctx, stage):
        for ins in member.instructions:
            if ins.keyword == "ENV" and any(
                p.key.value in ("SSL_CERT_FILE", "SSL_CERT_DIR") for p in ins.pairs
            ):
                return
            if ins.keyword not in ("COPY", "ADD"):
                continue
            copied = True
            sources = [s.value for s in copy_sources(ins)]
            dest = (
                ins.exec_args[-1].value
                if ins.exec_args
                else (ins.words[-1].value if ins.words else "")
            )
            if any(_CERT_PATH.search(s) for s in sources) or _CERT_PATH.search(dest):
                return
            if dest.endswith(".wasm") or any(s.endswith(".wasm") for s in sources):
                return  # a WebAssembly module: the runtime that loads it brings its own TLS
            if any(s.rstrip("/") in ("", "/.") or s == "/" for s in sources):
                return  # a whole filesystem copied in
    if not copied:
        return
    root = ctx.stage_chain(stage)[-1]
    assert root.base is not None
    yield Violation(
        root.base.span,
        "The final stage is FROM scratch and copies no CA certificates: any TLS connection "
        "the program makes fails with 'x509: certificate signed by unknown authority'. Copy "
        "/etc/ssl/certs/ca-certificates.crt from the build stage, or use "
        "gcr.io/distroless/static, which has certificates and tzdata",
    )


RULES = (
    Rule(
        code="LW101",
        name="untagged-base-image",
        summary="Base image without a tag or digest",
        severity=Severity.WARNING,
        category="base-image",
        check=_untagged,
        aliases=("DL3006",),
    ),
    Rule(
        code="LW102",
        name="latest-base-image",
        summary="Base image pinned to the moving 'latest' tag",
        severity=Severity.WARNING,
        category="base-image",
        check=_latest,
        aliases=("DL3007",),
    ),
    Rule(
        code="LW103",
        name="non-slim-base-image",
        summary="The final stage uses the full variant of an official image that has a slim one",
        severity=Severity.INFO,
        category="base-image",
        check=_non_slim,
    ),
    Rule(
        code="LW104",
        name="base-image-without-digest",
        summary="A base image pinned by tag but not by digest",
        severity=Severity.HINT,
        category="base-image",
        check=_no_digest,
        default_enabled=False,
    ),
    Rule(
        code="LW105",
        name="toolchain-final-stage",
        summary="The final stage runs the application on a compiler or JDK image",
        severity=Severity.WARNING,
        category="base-image",
        check=_toolchain_final,
    ),
    Rule(
        code="LW106",
        name="alpine-glibc-ecosystem",
        summary="Alpine (musl) used with glibc shims or compiled Python/Node packages",
        severity=Severity.INFO,
        category="base-image",
        check=_alpine_glibc,
    ),
    Rule(
        code="LW107",
        name="scratch-without-ca-certificates",
        summary="A FROM scratch final stage that copies no CA certificates",
        severity=Severity.INFO,
        category="base-image",
        check=_scratch_certs,
        # Off: whether the program makes TLS connections is not in the Dockerfile.
        default_enabled=False,
    ),
)
