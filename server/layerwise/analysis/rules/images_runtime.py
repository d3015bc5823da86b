"""LW103–LW109 base image choice and LW802–LW809 runtime behaviour (PRACTICES A and H).

Which image the final stage ships (full vs slim, toolchain vs runtime, musl vs glibc,
scratch without certificates) and how its main process runs (PID 1, package
managers as PID 1, health checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ...syntax.model import Instruction, Span, Stage, Token
from ...syntax.shell import ShellCommand, split_shell
from ..context import LintContext
from ..entrypoint import argv_of, runtime_of
from ..facts import ImageRef
from ..images import image_facts
from ..paths import copy_sources
from ..rule import Related, Rule, Severity, Violation
from ..stages import copy_from
from ..walk import chain_root_first, final_linux_stage

# -- shared ------------------------------------------------------------------------------


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


def _base_span(stage: Stage) -> Span:
    start = stage.from_instruction.keyword_span
    return Span(start.start, stage.base.span.end if stage.base else start.end)


def _program(token: Token) -> str:
    return token.value.rsplit("/", 1)[-1]


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
            for ins in member.instructions:
                if ins.keyword != "RUN":
                    continue
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


# -- LW802 / LW803: what runs as PID 1 ---------------------------------------------------------

_PID1_RUNTIMES = re.compile(r"^(?:node|nodejs|python[23]?(?:\.\d+)?|java)$")
_INITS = frozenset(
    {"tini", "tini-static", "dumb-init", "catatonit", "s6-svscan", "init", "runsvdir",
     "supervisord", "pid1", "docker-init"}
)  # fmt: skip
# Official images whose ENTRYPOINT (if any) ends with exec "$@": CMD becomes PID 1.
_TRANSPARENT_OFFICIAL = frozenset(
    {"node", "python", "pypy", "openjdk", "eclipse-temurin", "amazoncorretto", "sapmachine",
     "ibm-semeru-runtimes", "debian", "ubuntu", "alpine", "busybox", "fedora", "rockylinux",
     "almalinux", "amazonlinux", "oraclelinux", "archlinux", "maven", "gradle"}
)  # fmt: skip
_DISTROLESS_RUNTIME = re.compile(r"distroless/(?P<runtime>nodejs|python|java)")
_EXEC_SCRIPTS = frozenset({"docker-entrypoint.sh"})


@dataclass(frozen=True)
class _Main:
    """The main process as far as this Dockerfile decides it."""

    argv: list[Token]
    #: The base image's ENTRYPOINT runs first and is known to exec the CMD.
    implicit: str | None = None
    #: An init process (tini…) wraps the command.
    init: Token | None = None
    #: Written in shell form: /bin/sh -c runs it (see LW801).
    shell_form: bool = False


def _main(ctx: LintContext, stage: Stage) -> _Main | None:
    image = ctx.info(stage).image
    runtime = runtime_of(ctx, stage)
    if runtime.entrypoint is not None:
        entrypoint = argv_of(runtime.entrypoint)
        if entrypoint is None:
            return None
        shell_form = runtime.entrypoint.exec_args is None
        argv = entrypoint if shell_form else entrypoint + (argv_of(runtime.cmd) or [])
    else:
        cmd = argv_of(runtime.cmd)
        if not cmd or image is None:
            return None
        implicit = None
        if image.is_distroless:
            match = _DISTROLESS_RUNTIME.search(image.full_name)
            if match is None:
                return None
            implicit = match.group("runtime")
        elif not (image.is_official and image.name in _TRANSPARENT_OFFICIAL):
            return None  # the base image may have an ENTRYPOINT (tini, a script) we cannot see
        argv = cmd
        shell_form = runtime.cmd is not None and runtime.cmd.exec_args is None
        if implicit is not None:
            return _Main(argv, implicit, shell_form=shell_form)
    init = None
    while argv:
        program = _program(argv[0])
        if program in _INITS:
            init = init or argv[0]
            argv = argv[1:]
            while argv and argv[0].value.startswith("-"):
                argv = argv[1:]  # tini -g --, dumb-init --single-child --
            continue
        if program in _EXEC_SCRIPTS and image is not None and image.is_official:
            argv = argv[1:]
            continue
        break
    return _Main(argv, None, init, shell_form) if argv else None


def _no_init(ctx: LintContext) -> Iterator[Violation]:
    stage = final_linux_stage(ctx)
    if stage is None:
        return
    main = _main(ctx, stage)
    if main is None or main.init is not None or main.shell_form:
        return
    token = main.argv[0]
    program = main.implicit or _program(token)
    if main.implicit is None and not _PID1_RUNTIMES.match(program):
        return
    if main.implicit is None and len(main.argv) < 2:
        return  # the bare interpreter: an interactive REPL (the official images' default)
    words = [t.value for t in main.argv[1:]]
    if any(
        w.rsplit("/", 1)[-1] == "manage.py" and "runserver" in words[i + 1 :]
        for i, w in enumerate(words)
    ):
        return  # Django's autoreloader handles SIGTERM and waits for its child
    if program == "java":
        problem = (
            "the JVM handles SIGTERM itself, but nothing reaps the zombie processes of any "
            "child process the application starts"
        )
    else:
        problem = (
            "the kernel drops SIGTERM and SIGINT for PID 1 unless the process installs "
            "handlers, so 'docker stop' waits for the timeout and kills it, and nothing reaps "
            "zombie child processes"
        )
    yield Violation(
        token.span,
        f"'{program}' runs as PID 1: {problem}. Run it under an init: 'docker run --init', or "
        'tini/dumb-init as ENTRYPOINT (ENTRYPOINT ["tini", "--"])',
    )


_PACKAGE_MANAGERS = frozenset({"npm", "yarn", "pnpm", "npx"})


def _package_manager_pid1(ctx: LintContext) -> Iterator[Violation]:
    stage = final_linux_stage(ctx)
    if stage is None:
        return
    main = _main(ctx, stage)
    if main is None:
        runtime = runtime_of(ctx, stage)
        argv = argv_of(runtime.cmd) if runtime.entrypoint is None else None
        if not argv:
            return
        main = _Main(argv)  # CMD under an unknown ENTRYPOINT still starts the package manager
    if main.implicit is not None:
        return
    argv = main.argv
    program = _program(argv[0])
    token = argv[0]
    if program in ("sh", "bash", "ash") and len(argv) >= 3 and argv[1].value == "-c":
        script = split_shell(argv[2].value)
        commands = [c for c in script.commands if c.program is not None]
        if len(commands) != 1:
            return
        program = commands[0].program or ""
        token = argv[2]
    if program not in _PACKAGE_MANAGERS:
        return
    yield Violation(
        token.span,
        f"'{program}' starts the container's application as its child process: SIGTERM from "
        f"'docker stop' reaches {program}, not the application (yarn 1 and older npm do not "
        "forward it), and the package manager costs memory for nothing. Run the application "
        'directly, e.g. CMD ["node", "server.js"]',
    )


# -- LW804: EXPOSE without HEALTHCHECK -------------------------------------------------------------


def _missing_healthcheck(ctx: LintContext) -> Iterator[Violation]:
    stage = final_linux_stage(ctx)
    if stage is None:
        return
    expose: Instruction | None = None
    for member in chain_root_first(ctx, stage):
        for ins in member.instructions:
            if ins.keyword == "HEALTHCHECK":
                return
            if ins.keyword == "EXPOSE":
                expose = ins
    if expose is None:
        return
    yield Violation(
        expose.keyword_span,
        "The image exposes a port but defines no HEALTHCHECK: Docker and Swarm cannot tell a "
        "hung server from a healthy one. Add a HEALTHCHECK (or HEALTHCHECK NONE to say so)",
        related=(Related(_base_span(stage), "final stage"),),
    )


RULES = (
    Rule("LW103", "non-slim-base-image",
         "The final stage uses the full variant of an official image that has a slim one",
         Severity.INFO, "base-image", _non_slim),
    Rule("LW104", "base-image-without-digest", "A base image pinned by tag but not by digest",
         Severity.HINT, "base-image", _no_digest, default_enabled=False),
    Rule("LW105", "toolchain-final-stage",
         "The final stage runs the application on a compiler or JDK image", Severity.WARNING,
         "base-image", _toolchain_final),
    Rule("LW106", "alpine-glibc-ecosystem",
         "Alpine (musl) used with glibc shims or compiled Python/Node packages", Severity.INFO,
         "base-image", _alpine_glibc),
    Rule("LW107", "scratch-without-ca-certificates",
         "A FROM scratch final stage that copies no CA certificates", Severity.INFO,
         "base-image", _scratch_certs),
    Rule("LW802", "runtime-as-pid1",
         "Node, Python or Java runs as PID 1 without an init process", Severity.INFO,
         "runtime", _no_init, default_enabled=False),
    Rule("LW803", "package-manager-as-pid1", "npm, yarn or pnpm is the container's main process",
         Severity.WARNING, "runtime", _package_manager_pid1),
    Rule("LW804", "missing-healthcheck", "The final stage exposes a port but has no HEALTHCHECK",
         Severity.INFO, "runtime", _missing_healthcheck, aliases=("DL3057",),
         default_enabled=False),
)  # fmt: skip
