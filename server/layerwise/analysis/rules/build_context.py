"""LW4xx: the build context and .dockerignore (PRACTICES D).

A whole-context COPY without a .dockerignore (LW401), a .dockerignore that lets .git,
.env or .npmrc in (LW402), and a COPY of a path the .dockerignore excludes (LW403).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ...syntax.model import Instruction, Stage, Token
from ...syntax.source import SourceText
from ..context import LintContext
from ..dockerignore import IgnoreMatcher, IgnorePattern, find_dockerignore, load_dockerignore
from ..facts import clean_path
from ..paths import REMOTE, copy_sources, has_glob, whole_context_source
from ..rule import FileChange, Fix, FixSafety, Rule, Severity, Violation
from ..safefs import read_text
from ..stages import reaches_image

# -- LW401 missing-dockerignore --------------------------------------------------------

# What no image needs and no build step should read: version control, local secrets,
# dependencies installed on the host, editor and OS litter, logs. Deliberately not
# docs or tests, which some builds use.
DOCKERIGNORE_TEMPLATE = """\
# Created by layerwise: keep these out of the build context.
.git
.gitignore
.env
.env.*
!.env.example
.npmrc
.pypirc
.aws
.ssh
*.pem
*.key
node_modules
__pycache__
*.pyc
.venv
venv
.pytest_cache
.mypy_cache
coverage
.coverage
*.log
.vscode
.idea
.DS_Store
Thumbs.db
docker-compose*.yml
compose*.yaml
"""


def has_dockerignore(ctx: LintContext) -> bool:
    """An ignore file BuildKit would read exists (see :func:`find_dockerignore`)."""
    return find_dockerignore(ctx) is not None


# Names in a build context that a .dockerignore keeps out: version control, local
# environment and credential files, dependency and virtualenv folders, caches, editor
# settings.
_LITTER = re.compile(
    r"^(?:\.git|\.hg|\.svn|\.env(?:\..*)?|\.npmrc|\.pypirc|\.netrc|\.aws|\.ssh|id_rsa.*"
    r"|.*\.(?:pem|key|p12|pfx)|node_modules|\.venv|venv|__pycache__|\.pytest_cache|\.mypy_cache"
    r"|\.tox|\.idea|\.vscode|\.DS_Store|npm-debug\.log.*|yarn-error\.log|coverage|\.terraform)$"
)

# Dependency manifests: a project whose local builds and installs leave node_modules,
# virtualenvs, target/ or bin/obj beside the sources.
_MANIFEST = re.compile(
    r"^(?:package\.json|requirements.*\.txt|pyproject\.toml|Pipfile|setup\.py|go\.mod|Cargo\.toml"
    r"|pom\.xml|build\.gradle(?:\.kts)?|Gemfile|composer\.json|mix\.exs|.*\.(?:csproj|fsproj|sln))$"
)

_NODE_HINT = ("package.json", "npm ", "yarn ", "pnpm ", "node_modules")


def _node_project(ctx: LintContext) -> bool:
    """The build is a Node.js one: a node base image or npm/yarn/package.json named."""
    for stage in ctx.doc.stages:
        image = ctx.info(stage).image
        if image is not None and image.name.rsplit("/", 1)[-1] in ("node", "bun", "deno"):
            return True
    return any(hint in ctx.text for hint in _NODE_HINT)


def _no_dockerignore(ctx: LintContext) -> Iterator[Violation]:
    if ctx.path is None or ctx.project is None:
        return
    found: bool | None = None
    for ins in ctx.doc.instructions:
        token = whole_context_source(ins)
        if token is None:
            continue
        # A builder stage whose copied files never reach the shipped image: only the
        # context upload and the cache are at stake there, not what the image holds.
        if not reaches_image(ctx, ins):
            continue
        if found is None:
            found = has_dockerignore(ctx)
        if found:
            return
        target = ctx.path.parent / ".dockerignore"
        names = ctx.project.list_dir(ctx.path.parent) if hasattr(ctx.project, "list_dir") else None
        present = sorted(n for n in names if _LITTER.match(n)) if names is not None else []
        if names is not None and not present and not any(_MANIFEST.match(n) for n in names):
            # Nothing a .dockerignore would keep out, and no project whose builds leave
            # dependencies or outputs beside the sources (node_modules, venv, target):
            # a folder with the Dockerfile and a script or two.
            return
        if present:
            litter = ", ".join(present[:4]) + (" and more" if len(present) > 4 else "")
            what = f"it holds {litter}, which end up in the image"
        else:
            litter = ".git, local .env files" + (", node_modules" if _node_project(ctx) else "")
            what = f"whatever lies in it ({litter}) ends up in the image"
        yield Violation(
            token.span,
            f"{ins.keyword} sends the whole build context but there is no .dockerignore: "
            f"{what}, and any changed file busts the cache",
            Fix(
                "Create .dockerignore from a template",
                (),
                safe=False,
                files=(FileChange(target, DOCKERIGNORE_TEMPLATE.replace("\n", ctx.newline), True),),
            ),
        )


# -- .dockerignore (LW402, LW403) --------------------------------------------------------


def _context_path(ctx: LintContext, stage: Stage, ins: Instruction, token: Token) -> str | None:
    """A COPY source as a cleaned path relative to the context root; ``None`` if unknown."""
    value = ctx.resolve(ins, token.value)
    if value is None or not value or REMOTE.match(value):
        return None
    if ctx.is_windows(stage):
        value = value.replace("\\", "/")
    path = clean_path(value).lstrip("/") or "."
    if path == "." or path == ".." or path.startswith("../"):
        return None
    return path


# -- LW402 dockerignore-missing-essentials ----------------------------------------------

_ESSENTIALS = (".git", ".env", ".npmrc")


_ESSENTIAL_PATTERNS = {".git": ".git", ".env": ".env*", ".npmrc": ".npmrc"}


def _append_essentials(path: Path, patterns: list[str]) -> Fix | None:
    """Append the missing patterns at the end of the ignore file."""
    existing = read_text(path)
    if existing is None:
        return None
    newline = "\r\n" if "\r\n" in existing else "\n"
    lead = "" if not existing or existing.endswith(("\n", "\r")) else newline
    text = lead + newline.join(patterns) + newline
    end = SourceText(existing).to_client(len(existing))
    return Fix(
        f"Add {', '.join(patterns)} to {path.name}",
        (),
        # Unsafe: a build step may read one of them (a .env baked in on purpose).
        safe=False,
        files=(FileChange(path, text, False, end),),
    )


def _dockerignore_essentials(ctx: LintContext) -> Iterator[Violation]:
    matcher: IgnoreMatcher | None = None
    loaded = False
    for ins in ctx.doc.instructions:
        token = whole_context_source(ins)
        if token is None:
            continue
        if not loaded:
            matcher, loaded = load_dockerignore(ctx), True
        if matcher is None:
            return
        excludes = [f.value for f in ins.flags if f.name == "exclude" and f.value]
        own = IgnoreMatcher.parse(matcher.path, "\n".join(excludes)) if excludes else None
        missing = [
            name
            for name in _ESSENTIALS
            if matcher.decide(name) is None and (own is None or own.decide(name) is None)
        ]
        if not missing:
            continue
        names = ", ".join(missing)
        patterns = ["".join(_ESSENTIAL_PATTERNS[m]) for m in missing]
        yield Violation(
            token.span,
            f"{matcher.path.name} does not exclude {names}, so this {ins.keyword} puts "
            f"{'it' if len(missing) == 1 else 'them'} in the image; add "
            f"{', '.join(patterns)} to {matcher.path.name}",
            _append_essentials(matcher.path, patterns),
        )


# -- LW403 copy-ignored-file ----------------------------------------------------------


def _literal_prefix(path: str) -> str:
    segs = path.split("/")
    prefix = []
    for seg in segs:
        if has_glob(seg):
            break
        prefix.append(seg)
    return "/".join(prefix)


def _copy_ignored(ctx: LintContext) -> Iterator[Violation]:
    matcher: IgnoreMatcher | None = None
    loaded = False
    for stage in ctx.doc.stages:
        for ins in stage.instructions:
            if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None:
                continue
            for token in copy_sources(ins):
                path = _context_path(ctx, stage, ins, token)
                if path is None:
                    continue
                if not loaded:
                    matcher, loaded = load_dockerignore(ctx), True
                if matcher is None:
                    return
                pattern: IgnorePattern | None = None
                if not has_glob(path):
                    pattern = matcher.decide(path)
                    if pattern is not None and matcher.may_reinclude_below(path):
                        pattern = None
                else:
                    prefix = _literal_prefix(path)
                    if prefix and prefix != path:
                        pattern = matcher.decide(prefix)
                        if pattern is not None and matcher.may_reinclude_below(prefix):
                            pattern = None
                    if pattern is None and not matcher.exclusions:
                        pattern = next((p for p in matcher.patterns if p.text == path), None)
                if pattern is None:
                    continue
                yield Violation(
                    token.span,
                    f"'{path}' is excluded by {matcher.path.name} (pattern '{pattern.text}' on "
                    f"line {pattern.line}), so it is not in the build context and this "
                    f"{ins.keyword} fails or copies nothing; remove the pattern or the source",
                )


RULES = (
    Rule(
        code="LW401",
        name="missing-dockerignore",
        summary="The whole build context is copied but no .dockerignore exists",
        severity=Severity.WARNING,
        category="context",
        check=_no_dockerignore,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW402",
        name="dockerignore-missing-essentials",
        summary=".dockerignore does not exclude .git, .env or .npmrc",
        severity=Severity.WARNING,
        category="context",
        check=_dockerignore_essentials,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW403",
        name="copy-ignored-file",
        summary="COPY or ADD names a path that .dockerignore excludes",
        severity=Severity.WARNING,
        category="context",
        check=_copy_ignored,
        aliases=("CopyIgnoredFile",),
    ),
)
