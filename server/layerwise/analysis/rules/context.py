"""LW4xx: build context and .dockerignore (PRACTICES D)."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..dockerignore import find_dockerignore
from ..paths import whole_context_source
from ..rule import FileChange, Fix, Rule, Severity, Violation
from ..stages import reaches_image

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
        litter = ".git, local .env files" + (", node_modules" if _node_project(ctx) else "")
        yield Violation(
            token.span,
            f"{ins.keyword} sends the whole build context but there is no .dockerignore: "
            f"whatever lies in it ({litter}) ends up in the image, and any changed file "
            "busts the cache",
            Fix(
                "Create .dockerignore from a template",
                (),
                safe=False,
                files=(FileChange(target, DOCKERIGNORE_TEMPLATE.replace("\n", ctx.newline), True),),
            ),
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
    ),
)
