"""Which open Dockerfiles a change on disk affects (analysis/filedeps.py), and that the
decision matches what a lint actually reads."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from layerwise.analysis.configfiles import ConfigLoader
from layerwise.analysis.context import FileSystemProject
from layerwise.analysis.engine import lint_text
from layerwise.analysis.filedeps import (
    UPWARD_NAMES,
    Change,
    OpenDockerfile,
    affected_documents,
    affects,
)

P = PurePosixPath
ROOT = P("/ws")
APP = OpenDockerfile("app", P("/ws/app/Dockerfile"), ROOT, "FROM node:20\nCOPY . /app\n")
WEB = OpenDockerfile(
    "web",
    P("/ws/web/web.Dockerfile"),
    ROOT,
    'FROM nginx\nCOPY docker-entrypoint.sh /\nENTRYPOINT ["/docker-entrypoint.sh"]\n',
)
TOP = OpenDockerfile("top", P("/ws/Dockerfile"), ROOT, "FROM alpine\n")
OUTSIDE = OpenDockerfile("out", P("/elsewhere/Dockerfile"), P("/elsewhere"), "FROM alpine\n")
DOCS = [APP, WEB, TOP, OUTSIDE]


def _affected(path: str, change: Change = Change.CHANGED, users=()) -> list[str]:
    return affected_documents([(P(path), change)], DOCS, users)


@pytest.mark.parametrize("name", sorted(UPWARD_NAMES))
def test_a_file_found_upward_affects_its_folder_and_below(name: str):
    assert _affected(f"/ws/{name}") == ["app", "web", "top"]
    assert _affected(f"/ws/app/{name}", Change.CREATED) == ["app"]
    assert _affected(f"/ws/app/sub/{name}", Change.DELETED) == []
    # Configuration files are searched above the workspace folder too.
    assert _affected(f"/{name}") == ["app", "web", "top", "out"]


def test_a_dockerfile_specific_ignore_file_affects_only_that_dockerfile():
    assert _affected("/ws/web/web.Dockerfile.dockerignore", Change.CREATED) == ["web"]
    assert _affected("/ws/web/other.Dockerfile.dockerignore", Change.CREATED) == []
    assert _affected("/ws/Dockerfile.dockerignore", Change.DELETED) == ["top"]


def test_a_copied_file_affects_the_dockerfiles_that_name_it():
    assert _affected("/ws/web/docker-entrypoint.sh") == ["web"]
    # by whole name: "entrypoint.sh" is not "docker-entrypoint.sh"
    assert _affected("/ws/web/entrypoint.sh") == []
    # an edit of a file no Dockerfile names changes nothing
    assert _affected("/ws/web/notes.txt") == []


def test_creating_or_deleting_a_file_changes_the_listings_of_the_folders_below():
    # LW401 looks at what the Dockerfile's folder holds; lookups walk up inside the project
    assert _affected("/ws/app/package.json", Change.CREATED) == ["app"]
    assert _affected("/ws/package-lock.json", Change.DELETED) == ["app", "web", "top"]
    assert _affected("/ws/app/node_modules", Change.CREATED) == ["app"]
    assert _affected("/ws/app/deep/x.txt", Change.CREATED) == []


def test_nothing_outside_a_documents_project_is_read():
    assert _affected("/elsewhere2/docker-entrypoint.sh") == []
    assert _affected("/package.json", Change.CREATED) == []


def test_the_document_itself_on_disk_does_not_count():
    # the editor's buffer is what is linted, whatever happens to the saved file
    assert not affects(APP.path, Change.CHANGED, APP)
    assert not affects(APP.path, Change.DELETED, APP)


def test_a_user_level_hadolint_file_affects_every_document():
    user = P("/home/me/.config/hadolint.yaml")
    assert _affected(str(user), users=[user]) == ["app", "web", "top", "out"]
    assert _affected(str(user)) == []


def test_several_changes_and_no_change():
    changes = [
        (P("/ws/app/.dockerignore"), Change.CREATED),
        (P("/ws/web/.hadolint.yml"), Change.CHANGED),
    ]
    assert affected_documents(changes, DOCS) == ["app", "web"]
    assert affected_documents([], DOCS) == []


# -- the decision against real lints: a change it calls unaffecting leaves findings alone --


def _codes(dockerfile: Path, text: str, root: Path) -> list[str]:
    loader = ConfigLoader()
    config, _ = loader.for_file(dockerfile)
    result = lint_text(
        text,
        options=config.lint_options(dockerfile),
        path=dockerfile,
        project=FileSystemProject(root),
    )
    return sorted(f.rule.code for f in result.findings)


def test_decision_matches_what_the_lint_reads(tmp_path: Path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text("{}\n")
    dockerfile = app / "Dockerfile"
    text = 'FROM node:20-slim\nCOPY . /app\nUSER node\nCMD ["node", "/app/a.js"]\n'
    doc = OpenDockerfile("app", dockerfile.resolve(), tmp_path.resolve(), text)
    before = _codes(dockerfile, text, tmp_path)
    assert "LW401" in before

    ignore = tmp_path / ".dockerignore"
    ignore.write_text("node_modules\n.git\n.env*\n.npmrc\n")
    assert affects(ignore.resolve(), Change.CREATED, doc)
    assert "LW401" not in _codes(dockerfile, text, tmp_path)

    ignore.unlink()
    assert affects(ignore.resolve(), Change.DELETED, doc)
    assert "LW401" in _codes(dockerfile, text, tmp_path)

    (tmp_path / "layerwise.toml").write_text('ignore = ["LW401"]\n')
    assert affects((tmp_path / "layerwise.toml").resolve(), Change.CREATED, doc)
    assert "LW401" not in _codes(dockerfile, text, tmp_path)

    (tmp_path / "layerwise.toml").unlink()
    unaffected = _codes(dockerfile, text, tmp_path)
    notes = app / "deep" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("x\n")
    assert not affects(notes.resolve(), Change.CREATED, doc)
    assert _codes(dockerfile, text, tmp_path) == unaffected
