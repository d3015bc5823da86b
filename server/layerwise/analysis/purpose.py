"""What a Dockerfile is for: a production image, a development environment, or a test
fixture. Production practices do not all fit the other two (a dev container runs as
root by convention, a linter's test fixture is wrong on purpose), so one policy here
(:func:`applies`) says which rules apply to which purpose (see ``rules/README.md``,
"Purpose of the file").

Decided from the path (never from the network): ``.devcontainer/``, a
``devcontainer.json`` beside the file, ``.gitpod.Dockerfile`` and ``Dockerfile.dev`` /
``.debug`` are development images; files under ``testdata/`` or ``fixtures/`` (or a
test folder's ``examples/``, ``cases/`` or ``projects/``) are fixtures. A comment
``# layerwise: purpose=production`` (or ``dev``, ``fixture``) anywhere before the first
instruction overrides the guess.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path, PurePath

from ..syntax.model import Dockerfile, Stage

PRODUCTION = "production"
DEV = "dev"
FIXTURE = "fixture"
PURPOSES = (PRODUCTION, DEV, FIXTURE)

_FIXTURE_DIRS = frozenset(
    {"testdata", "test-data", "test_data", "fixtures", "fixture", "__fixtures__",
     "test-fixtures", "test_fixtures"}
)  # fmt: skip
_TEST_DIRS = frozenset({"test", "tests", "e2e", "integration-tests"})
_TEST_CONTENT_DIRS = frozenset({"examples", "cases", "projects", "samples", "data", "integration"})
_DEV_DIRS = frozenset({".devcontainer", ".gitpod", "hack"})
_DEV_NAME = re.compile(
    r"^(?:\.?gitpod\.dockerfile|(?:docker|container)file[._-](?:dev|devel|development|debug|devcontainer)"
    r"|(?:dev|devel|development|debug|devcontainer)\.(?:docker|container)file)$",
    re.IGNORECASE,
)
_OVERRIDE = re.compile(r"layerwise:\s*purpose\s*=\s*(\w+)", re.IGNORECASE)
#: Stage names that mark a development, debugging or test image (Docker Dev
#: Environments' ``dev-envs``, a ``test`` stage CI builds with ``--target``).
DEV_STAGE = re.compile(
    r"^(?:dev|devel|develop|development|dev-envs?|debug|devcontainer)(?:$|[-_])"
    r"|(?:^|[-_])(?:test|tests|testing|e2e|docs?|lint|linter|validate|validation|fmt)(?:$|[-_])"
)


def path_purpose(path: PurePath | None, siblings: frozenset[str] = frozenset()) -> str:
    """The purpose the path suggests; ``siblings`` are the names of the files beside it
    (for ``devcontainer.json``)."""
    if path is None:
        return PRODUCTION
    parts = [p.lower() for p in path.parts[:-1]]
    if any(p in _DEV_DIRS for p in parts) or _DEV_NAME.match(path.name):
        return DEV
    if "devcontainer.json" in siblings or ".devcontainer.json" in siblings:
        return DEV
    if any(p in _FIXTURE_DIRS for p in parts):
        return FIXTURE
    for index, part in enumerate(parts):
        if part in _TEST_DIRS and any(p in _TEST_CONTENT_DIRS for p in parts[index + 1 :]):
            return FIXTURE
    return PRODUCTION


def declared_purpose(doc: Dockerfile) -> str | None:
    """``# layerwise: purpose=…`` before the first instruction."""
    first = doc.instructions[0].span.start if doc.instructions else len(doc.text)
    for comment in doc.comments:
        if comment.span.start > first:
            break
        match = _OVERRIDE.search(comment.text)
        if match is not None and match.group(1).lower() in PURPOSES:
            return match.group(1).lower()
    return None


# Which rules apply to which purpose. Production: all. Test fixtures: none (a fixture is
# odd or broken on purpose; ``purpose=production`` turns the rules back on). Development
# images (dev containers, Dockerfile.dev, stages named dev/debug/dev-envs): secrets,
# remote content, correctness and BuildKit's checks, and the package-manager rules whose
# finding is a build that fails or goes stale; not base-image choice, the user, the
# context, cache order, image size or runtime signal handling, which do not matter for
# an image that is never deployed.
_DEV_FAMILIES = ("LW0", "LW3", "LW7", "LW9")
_DEV_ALSO = frozenset({"LW602", "LW603", "LW612", "LW615", "LW617"})
_DEV_NOT = frozenset({"LW704", "LW705", "LW922"})


def applies(code: str, purpose: str) -> bool:
    """The rule ``code`` reports on files (or stages) of this purpose."""
    if purpose == PRODUCTION:
        return True
    if purpose == FIXTURE:
        return False
    if code in _DEV_NOT:
        return False
    return code.startswith(_DEV_FAMILIES) or code in _DEV_ALSO


def file_purpose(doc: Dockerfile, path: Path | None, root: Path | None) -> str:
    """The purpose of the file: declared in a comment, else guessed from its path inside
    the project (``root``; without one, from its nearest folders only)."""
    declared = declared_purpose(doc)
    if declared is not None:
        return declared
    if path is None:
        return PRODUCTION
    relative: PurePath | None = None
    if root is not None:
        try:
            relative = path.resolve().relative_to(root)
        except (OSError, ValueError):
            relative = None
    if relative is None:
        relative = PurePath(*path.parts[-4:])
    return path_purpose(relative, _devcontainer_beside(path.parent))


@functools.lru_cache(maxsize=256)
def _devcontainer_beside(folder: Path) -> frozenset[str]:
    """``devcontainer.json`` names found beside the Dockerfile (a stat each, cached)."""
    names = ("devcontainer.json", ".devcontainer.json")
    try:
        return frozenset(n for n in names if (folder / n).is_file())
    except OSError:
        return frozenset()


def dev_stages(doc: Dockerfile) -> list[Stage]:
    """Stages of development, debugging, test or CI tooling images: named so (``dev``,
    ``debug``, ``dev-envs``, ``test``, ``docs``, ``lint``…), or used only by such stages
    (built FROM or copied from only there), neither the last stage nor a runnable one (a
    CMD or ENTRYPOINT makes it a likely ``--target`` of its own)."""
    dev = {s.index for s in doc.stages if s.name is not None and DEV_STAGE.search(s.name)}
    users = _stage_users(doc)
    last = doc.stages[-1].index if doc.stages else -1
    changed = True
    while changed:
        changed = False
        for stage in doc.stages:
            used_by = users.get(stage.index, set())
            if stage.index in dev or stage.index == last or not used_by:
                continue
            if any(i.keyword in ("CMD", "ENTRYPOINT") for i in stage.instructions):
                continue  # a runnable image, likely a --target of its own
            if used_by <= dev:
                dev.add(stage.index)
                changed = True
    return [s for s in doc.stages if s.index in dev]


def _stage_users(doc: Dockerfile) -> dict[int, set[int]]:
    """For each stage, the stages that build FROM it or copy or mount from it (by name or
    index, as written; references through variables are not followed)."""
    by_name = {s.name: s.index for s in doc.stages if s.name is not None}
    users: dict[int, set[int]] = {}

    def refer(value: str | None, user: Stage) -> None:
        if value is None:
            return
        value = value.lower()
        index = by_name.get(value)
        if index is None and value.isdigit() and int(value) < len(doc.stages):
            index = int(value)
        if index is not None and index != user.index:
            users.setdefault(index, set()).add(user.index)

    for stage in doc.stages:
        refer(stage.base.value if stage.base is not None else None, stage)
        for ins in stage.instructions[1:]:
            for flag in ins.flags:
                if flag.name == "from":
                    refer(flag.value, stage)
                elif flag.name == "mount" and flag.value:
                    for part in flag.value.split(","):
                        key, _, value = part.partition("=")
                        if key.strip() == "from":
                            refer(value.strip(), stage)
    return users
