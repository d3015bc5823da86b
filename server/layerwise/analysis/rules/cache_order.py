"""LW5xx: layer cache order (PRACTICES E)."""

from __future__ import annotations

from collections.abc import Iterator

from ...syntax.model import Instruction
from ...syntax.shell import ShellCommand
from ..context import LintContext
from ..edits import block_start, line_indent
from ..facts import clean_path
from ..paths import copy_sources_dest, whole_context_source
from ..rule import Edit, Fix, FixSafety, Related, Rule, Severity, Violation

# ecosystem -> the manifest and lock files to copy before installing
MANIFESTS = {
    "npm": "package.json package-lock.json",
    "yarn": "package.json yarn.lock",
    "pnpm": "package.json pnpm-lock.yaml",
    "pip": "requirements*.txt",
    "pipenv": "Pipfile Pipfile.lock",
    "poetry": "pyproject.toml poetry.lock",
    "uv": "pyproject.toml uv.lock",
    "go": "go.mod go.sum",
    "bundler": "Gemfile Gemfile.lock",
    "composer": "composer.json composer.lock",
    "maven": "pom.xml",
    "gradle": "build.gradle settings.gradle (or the .kts files)",
    "cargo": "Cargo.toml Cargo.lock (and a stub src/main.rs, which cargo fetch needs)",
}


def _positional(command: ShellCommand) -> list[str]:
    return [w.value for w in command.arguments if not w.value.startswith("-")]


def _options(command: ShellCommand) -> list[str]:
    return [w.value for w in command.arguments if w.value.startswith("-")]


_INSTALLERS = frozenset({"npm", "yarn", "pnpm", "pip", "pip3", "python", "python3", "pipenv", "poetry", "uv", "go", "bundle", "composer", "mvn", "mvnw", "gradle", "gradlew", "cargo"})  # fmt: skip


def dependency_install(command: ShellCommand) -> str | None:
    """The ecosystem whose manifest-driven dependency install ``command`` runs, if any."""
    program = command.program
    if program not in _INSTALLERS:
        return None
    args = _positional(command)
    opts = _options(command)
    sub = args[0] if args else None
    if program == "npm" and sub in ("install", "i", "ci") and len(args) == 1:
        return None if {"-g", "--global"} & set(opts) else "npm"
    if program == "yarn" and (sub is None or (sub == "install" and len(args) == 1)):
        return "yarn"
    if program == "pnpm" and sub in ("install", "i") and len(args) == 1:
        return "pnpm"
    from_requirements = any(
        o in ("-r", "--requirement") or o.startswith("--requirement=") for o in opts
    )
    pip_install = (program in ("pip", "pip3") and sub == "install") or (
        program in ("python", "python3") and args[:2] == ["pip", "install"]
    )
    if pip_install and from_requirements:
        return "pip"
    if program == "pipenv" and sub in ("install", "sync"):
        return "pipenv"
    if program == "poetry" and sub == "install":
        return "poetry"
    if program == "uv" and sub == "sync":
        return "uv"
    if program == "go" and args[:2] == ["mod", "download"]:
        return "go"
    if program == "bundle" and (sub is None or sub == "install"):
        return "bundler"
    if program == "composer" and sub == "install":
        return "composer"
    if program in ("mvn", "mvnw") and any(
        a.startswith(("dependency:go-offline", "dependency:resolve")) for a in args
    ):
        return "maven"
    if program in ("gradle", "gradlew") and "dependencies" in args:
        return "gradle"
    # Only ``cargo fetch`` needs nothing but the manifests; ``cargo build`` compiles the
    # crate's own sources, so there is no dependency-only step to move it before.
    if program == "cargo" and sub == "fetch":
        return "cargo"
    return None


def _installs(ctx: LintContext, ins: Instruction) -> list[tuple[ShellCommand, str]]:
    found = []
    for command in ctx.commands(ins):
        ecosystem = dependency_install(command)
        if ecosystem is not None:
            found.append((command, ecosystem))
    return found


# ecosystem -> what to copy before the install, for the reorder fix. ``lock*`` globs
# match nothing without failing the build (BuildKit allows empty wildcards in COPY).
# Missing: installs that need the source itself (poetry/uv installing the project,
# composer scripts, gradle) and cargo fetch (it needs a src/main.rs or lib.rs stub).
_FIRST_COPY = {
    "npm": "package.json package-lock.json*",
    "yarn": "package.json yarn.lock*",
    "pnpm": "package.json pnpm-lock.yaml*",
    "pipenv": "Pipfile Pipfile.lock*",
    "go": "go.mod go.sum*",
    "bundler": "Gemfile Gemfile.lock*",
    "maven": "pom.xml",
}
# Instructions that may read the copied source: the broad COPY cannot move past them.
_READERS = frozenset({"RUN", "COPY", "ADD", "ONBUILD", "FROM"})


def _requirement_files(command: ShellCommand) -> list[str] | None:
    """The files ``pip install -r`` reads, when that is all it installs (no ``.``,
    ``-e .`` or package names beside them) and all are plain relative paths."""
    words = [w.value for w in command.arguments]
    if words[:2] == ["-m", "pip"]:
        words = words[2:]
    files = []
    index = 1  # after "install"
    while index < len(words):
        word = words[index]
        if word in ("-r", "--requirement") and index + 1 < len(words):
            files.append(words[index + 1])
            index += 2
            continue
        if word.startswith("--requirement="):
            files.append(word.split("=", 1)[1])
        elif word.startswith("-r") and len(word) > 2:
            files.append(word[2:])
        elif not word.startswith("-") or word in ("-e", "--editable", "-c", "--constraint"):
            return None  # a project, a package or a file the fix would not copy
        index += 1
    safe = all(f and not f.startswith(("/", "-")) and ".." not in f and "$" not in f for f in files)
    return files if files and safe else None


def _reorder_fix(
    ctx: LintContext, copy_ins: Instruction, run: Instruction, ecosystem: str
) -> Fix | None:
    """Copy the manifests, install, then copy the rest: the broad COPY becomes a COPY of
    just the files the install reads, and moves below the install RUN.

    Offered when the RUN only installs dependencies, nothing between the two may read
    the source, and the COPY lands in the directory the install runs in.
    """
    dest = copy_sources_dest(copy_ins)
    if dest is None or "$" in dest or copy_ins.exec_args is not None or copy_ins.heredocs:
        return None
    if any("$" in (f.value or "") for f in copy_ins.flags):
        return None  # --chown=$USER: an ENV or ARG in between could change its meaning
    stage = ctx.doc.stage_of(run)
    if stage is None or ctx.doc.stage_of(copy_ins) is not stage:
        return None
    between = stage.instructions[
        stage.instructions.index(copy_ins) + 1 : stage.instructions.index(run)
    ]
    if any(ins.keyword in _READERS for ins in between):
        return None
    # A relative destination with no WORKDIR in between is where the install runs;
    # otherwise both directories must be known and equal.
    if dest.startswith("/") or any(ins.keyword == "WORKDIR" for ins in between):
        base = ctx.workdir_at(copy_ins)
        target = clean_path(dest if dest.startswith("/") or base is None else f"{base}/{dest}")
        if not target.startswith("/") or target != ctx.workdir_at(run):
            return None
    commands = ctx.commands(run)
    if not commands or any(dependency_install(c) != ecosystem for c in commands):
        return None
    if ecosystem == "pip":
        files = [f for c in commands for f in (_requirement_files(c) or [""])]
        if "" in files:
            return None
        first = " ".join(dict.fromkeys(files))
    elif ecosystem in _FIRST_COPY:
        first = _FIRST_COPY[ecosystem]
    else:
        return None
    source = ctx.doc.source
    flags = "".join(f" {ctx.text[f.span.start : f.span.end]}" for f in copy_ins.flags)
    folder = dest if dest.endswith("/") else dest + "/"
    manifest_copy = f"{copy_ins.keyword_raw}{flags} {first} {folder}"
    copy_start = block_start(ctx, copy_ins)  # its comments go with it
    copy_end = source.line_end(source.line_of(copy_ins.span.end))
    run_end = source.line_end(source.line_of(run.span.end))
    indent = line_indent(ctx, copy_ins.span.start)
    return Fix(
        f"Copy {first} and install before copying the source",
        (
            Edit(copy_start, copy_end, indent + manifest_copy),
            Edit(run_end, run_end, ctx.newline + ctx.text[copy_start:copy_end]),
        ),
        safe=False,
    )


def _source_before_install(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        installed: set[str] = set()
        broad = None  # (instruction, token) of the first whole-context copy
        reported: set[str] = set()
        for ins in stage.instructions:
            if ins.keyword == "RUN":
                for command, ecosystem in _installs(ctx, ins):
                    if broad is None:
                        installed.add(ecosystem)
                        continue
                    if ecosystem in installed or ecosystem in reported:
                        continue
                    reported.add(ecosystem)
                    copy_ins, token = broad
                    line = ctx.doc.source.line_of(command.span.start) + 1
                    what = ctx.text[command.span.start : command.span.end]
                    if len(what) > 40:
                        what = what[:37] + "..."
                    yield Violation(
                        token.span,
                        f"{copy_ins.keyword} of the whole source comes before '{what}' "
                        f"(line {line}): every source change re-runs the install. Copy "
                        f"{MANIFESTS[ecosystem]} first, install, then copy the rest",
                        _reorder_fix(ctx, copy_ins, ins, ecosystem),
                        related=(Related(command.span, "dependency install"),),
                    )
            elif broad is None:
                source = whole_context_source(ins)
                if source is not None:
                    broad = (ins, source)


RULES = (
    Rule(
        code="LW501",
        name="source-before-dependencies",
        summary="The whole source is copied before dependencies are installed",
        severity=Severity.WARNING,
        category="cache",
        check=_source_before_install,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
)
