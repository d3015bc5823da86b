"""LW5xx: layer cache order (PRACTICES E)."""

from __future__ import annotations

from collections.abc import Iterator

from ...syntax.model import Instruction
from ...syntax.shell import ShellCommand
from ..context import LintContext
from ..rule import Related, Rule, Severity, Violation
from .context import whole_context_source

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
    "cargo": "Cargo.toml Cargo.lock",
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
    if program == "cargo" and sub in ("fetch", "build"):
        return "cargo"
    return None


def _installs(ctx: LintContext, ins: Instruction) -> list[tuple[ShellCommand, str]]:
    found = []
    for command in ctx.commands(ins):
        ecosystem = dependency_install(command)
        if ecosystem is not None:
            found.append((command, ecosystem))
    return found


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
    ),
)
