"""Shared knowledge: the image table, what each stage holds and ships, and the purpose
of a file."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from layerwise.analysis import LintContext
from layerwise.analysis.facts import parse_image
from layerwise.analysis.images import has_tool, image_facts
from layerwise.analysis.purpose import DEV, FIXTURE, PRODUCTION, declared_purpose, path_purpose
from layerwise.analysis.stages import copy_from, reaches_image, stage_facts, whole_rootfs
from layerwise.syntax import parse


def facts(reference: str):  # type: ignore[no-untyped-def]
    image = parse_image(reference)
    assert image is not None
    return image_facts(image)


# -- the image table -------------------------------------------------------------------


def test_buildpack_deps_variants() -> None:
    assert facts("buildpack-deps:bookworm").compilers is True
    assert facts("buildpack-deps:bookworm-curl").compilers is False
    assert facts("buildpack-deps:bookworm-scm").compilers is False
    assert has_tool(facts("buildpack-deps:bookworm-scm"), "git") is True
    assert has_tool(facts("buildpack-deps:bookworm-curl"), "git") is False


def test_debian_full_and_slim_differ_by_docs_not_compilers() -> None:
    full, slim = facts("debian:bookworm"), facts("debian:bookworm-slim")
    assert full.compilers is False and slim.compilers is False
    assert full.slim_difference is not None and full.slim_difference.startswith("docs")
    assert slim.slim_difference is None


@pytest.mark.parametrize("reference", ["node:22", "python:3.13", "golang:1.26-bookworm", "ruby:3"])
def test_language_images_on_buildpack_deps_have_compilers_and_tools(reference: str) -> None:
    known = facts(reference)
    assert known.compilers is True
    assert has_tool(known, "git") is True and has_tool(known, "curl") is True


@pytest.mark.parametrize("reference", ["node:22-slim", "python:3.13-slim-bookworm"])
def test_slim_variants_have_no_compilers(reference: str) -> None:
    assert facts(reference).compilers is False
    assert has_tool(facts(reference), "curl") is False


@pytest.mark.parametrize(
    "reference", ["alpine:3.22", "node:22-alpine", "docker:29-dind", "docker:29-cli", "busybox"]
)
def test_busybox_wget(reference: str) -> None:
    assert facts(reference).busybox is True
    assert has_tool(facts(reference), "wget") is True


def test_artifact_images_hold_only_files() -> None:
    for reference in ("tonistiigi/xx:1.6.1", "moby/moby-bin:28", "dockereng/cli-bin:28"):
        assert facts(reference).artifacts_only is True
    assert facts("debian:12").artifacts_only is False


def test_distroless_and_windows() -> None:
    static = facts("gcr.io/distroless/static-debian12:nonroot")
    assert static.shell is False and static.runs_as_nonroot is True and static.pin_by == "digest"
    assert facts("gcr.io/distroless/base:debug").shell is True
    nano = facts("mcr.microsoft.com/dotnet/runtime:10.0-nanoserver-ltsc2022")
    assert nano.os == "windows" and nano.runs_as_nonroot is True


def test_package_managers() -> None:
    assert facts("oraclelinux:9-slim").package_manager == "microdnf"
    assert facts("oraclelinux:9-slim").microdnf_assumes_yes is True
    assert facts("redhat/ubi9-minimal").package_manager == "microdnf"
    assert facts("redhat/ubi9-minimal").microdnf_assumes_yes is False
    assert facts("fedora:41").package_manager == "dnf"
    assert facts("photon:5.0").package_manager == "tdnf"


def test_unknown_images_know_nothing() -> None:
    unknown = facts("example.com/team/app:1.2")
    assert unknown.os is None and unknown.compilers is None and not unknown.known
    assert has_tool(unknown, "curl") is None


# -- stages ------------------------------------------------------------------------------


def context(text: str) -> LintContext:
    return LintContext(parse(text))


def test_scratch_stage_with_only_files() -> None:
    ctx = context(
        "FROM golang:1.26 AS build\nRUN go build -o /out/app .\n"
        "FROM scratch AS binaries\nCOPY --from=build /out/ /\n"
        "FROM alpine:3.22\nCOPY --from=binaries / /usr/local/bin/\n"
    )
    stages = ctx.doc.stages
    assert stage_facts(ctx, stages[1]).artifacts_only is True
    assert stage_facts(ctx, stages[0]).artifacts_only is False
    last = stages[2].instructions[1]
    assert copy_from(ctx, last) is stages[1]


def test_whole_rootfs_copies_bring_their_facts() -> None:
    ctx = context(
        "FROM debian:12-slim AS rootfs\nRUN apt-get update\n"
        "FROM scratch\nCOPY --from=rootfs / /\nRUN apt-get install -y ca-certificates\n"
    )
    final = ctx.doc.stages[1]
    assert whole_rootfs(ctx, final.instructions[1]) is ctx.doc.stages[0]
    assert stage_facts(ctx, final).os == "debian"
    assert stage_facts(ctx, final).shell is True


def test_add_of_a_rootfs_archive() -> None:
    ctx = context('FROM scratch\nADD rootfs.tar.xz /\nCMD ["sh"]\n')
    ins = ctx.doc.stages[0].instructions[1]
    assert whole_rootfs(ctx, ins) == "rootfs.tar.xz"
    assert stage_facts(ctx, ctx.doc.stages[0]).artifacts_only is False
    assert stage_facts(ctx, ctx.doc.stages[0]).os is None


def test_what_reaches_the_image() -> None:
    ctx = context(
        "FROM node:22 AS build\nWORKDIR /src\nCOPY . .\nRUN npm ci && npm run build\n"
        "FROM node:22 AS app\nWORKDIR /app\nCOPY . .\n"
        "FROM nginx:1.27\nCOPY --from=build /src/dist /usr/share/nginx/html\n"
    )
    build, app, final = ctx.doc.stages
    copy_in_build = build.instructions[2]
    copy_in_app = app.instructions[2]
    # only build's /src/dist is copied out: the rest of the context at /src stays behind
    assert reaches_image(ctx, copy_in_build) is False
    assert reaches_image(ctx, copy_in_app) is False
    ctx2 = context(
        "FROM golang:1.26 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app\n"
        "FROM scratch\nCOPY --from=build /bin/app /app\n"
    )
    assert reaches_image(ctx2, ctx2.doc.stages[0].instructions[2]) is False
    ctx3 = context(
        "FROM node:22 AS build\nWORKDIR /src\nCOPY . .\nRUN npm ci\n"
        "FROM node:22-slim AS app\nCOPY --from=build /src /app\n"
        'FROM app\nCMD ["node", "/app/main.js"]\n'
    )
    # the whole /src is copied into app, and the final stage is built FROM app
    assert reaches_image(ctx3, ctx3.doc.stages[0].instructions[2]) is True


# -- purpose ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "purpose"),
    [
        ("Dockerfile", PRODUCTION),
        ("services/api/Dockerfile", PRODUCTION),
        (".devcontainer/Dockerfile", DEV),
        ("tools/.gitpod.Dockerfile", DEV),
        ("hack/dockerfiles/lint.Dockerfile", DEV),  # Go projects' developer tooling
        ("dockerfiles/Dockerfile.dev", DEV),
        ("src/cart/Dockerfile.debug", DEV),
        ("cli/command/image/testdata/Dockerfile.test", FIXTURE),
        ("pkg/e2e/fixtures/build/Dockerfile", FIXTURE),
        ("test/examples/Dockerfile.misc", FIXTURE),
        ("tests/Project.Tests/projects/clickonce/Dockerfile", FIXTURE),
        ("test/integration/Dockerfile", FIXTURE),
        ("tests/Dockerfile", PRODUCTION),  # a test-runner image is a real image
        ("result/tests/Dockerfile", PRODUCTION),
    ],
)
def test_path_purpose(path: str, purpose: str) -> None:
    assert path_purpose(PurePosixPath(path)) == purpose


def test_devcontainer_json_beside_the_file() -> None:
    assert path_purpose(PurePosixPath("env/Dockerfile"), frozenset({"devcontainer.json"})) == DEV


def test_declared_purpose() -> None:
    doc = parse("# layerwise: purpose=production\nFROM alpine\n")
    assert declared_purpose(doc) == PRODUCTION
    assert declared_purpose(parse("FROM alpine\n# layerwise: purpose=dev\n")) is None
    assert declared_purpose(parse("# layerwise: purpose=nonsense\nFROM alpine\n")) is None


# -- purpose in the engine -------------------------------------------------------------

from pathlib import Path  # noqa: E402

from layerwise.analysis import lint_text  # noqa: E402
from layerwise.analysis.context import FileSystemProject  # noqa: E402
from layerwise.analysis.purpose import applies  # noqa: E402

PLAIN = (
    "FROM ubuntu\nRUN apt-get update && apt-get install -y curl\n"
    'ARG API_TOKEN=s3cr3t-value-123\nCMD ["app"]\n'
)


def codes_at(text: str, path: str, root: Path) -> set[str]:
    file = root / path
    return {f.code for f in lint_text(text, path=file, project=FileSystemProject(root)).findings}


def test_fixture_files_get_no_findings(tmp_path: Path) -> None:
    assert codes_at(PLAIN, "svc/Dockerfile", tmp_path) >= {"LW101", "LW201", "LW604"}
    assert codes_at(PLAIN, "pkg/e2e/fixtures/svc/Dockerfile", tmp_path) == set()
    declared = "# layerwise: purpose=production\n" + PLAIN
    assert "LW201" in codes_at(declared, "pkg/e2e/fixtures/svc/Dockerfile", tmp_path)


def test_dev_images_keep_secrets_and_correctness_only(tmp_path: Path) -> None:
    found = codes_at(PLAIN, ".devcontainer/Dockerfile", tmp_path)
    assert "LW201" not in found and "LW101" not in found and "LW604" not in found
    assert "LW301" in found
    # the project folder's own name does not count, only paths inside it
    assert "LW201" in codes_at(PLAIN, "Dockerfile", tmp_path / "fixtures")


def test_dev_stages_in_a_production_file() -> None:
    text = (
        "FROM debian:12-slim AS dev-envs\nRUN apt-get update && apt-get install -y git\n"
        "FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl\n"
    )
    found = lint_text(text).findings
    lines = {(f.code, text.count("\n", 0, f.span.start) + 1) for f in found}
    assert ("LW604", 4) in lines and ("LW604", 2) not in lines


def test_purpose_policy() -> None:
    assert applies("LW201", PRODUCTION) and not applies("LW201", DEV)
    assert applies("LW301", DEV) and applies("LW603", DEV) and not applies("LW604", DEV)
    assert not applies("LW001", FIXTURE)


@pytest.mark.parametrize(
    ("name", "dev"),
    [("dev", True), ("dev-envs", True), ("debug", True), ("development", True),
     ("test", True), ("unit-test", True), ("test-base-alpine", True), ("e2e", True),
     ("docs-build", True), ("lint", True), ("validate", True), ("shfmt", False),
     ("devices", False), ("latest", False), ("contest", False), ("build", False)],
)  # fmt: skip
def test_dev_and_test_stage_names(name: str, dev: bool) -> None:
    from layerwise.analysis.purpose import dev_stages

    doc = parse(f"FROM alpine:3.22 AS {name}\nRUN true\n")
    assert bool(dev_stages(doc)) is dev


def test_stages_that_only_arrange_files() -> None:
    from layerwise.analysis.stages import moves_files_only

    ctx = context(
        "FROM alpine AS layout\nRUN mkdir -p /out/a && ln -s a /out/b\n"
        "FROM alpine AS tools\nRUN apk add --no-cache git\n"
        "FROM alpine AS base\nCOPY x /x\n"
        "FROM base AS built\nRUN make\n"
        "FROM alpine\nCOPY --from=layout /out /out\n"
    )
    layout, tools, base, built, final = ctx.doc.stages
    assert moves_files_only(ctx, layout) is True
    assert moves_files_only(ctx, tools) is False
    # base runs nothing itself, but a stage built FROM it runs make on it
    assert moves_files_only(ctx, base) is False
    text = ctx.doc.text
    lines = [
        text.count("\n", 0, f.span.start) + 1 for f in lint_text(text).findings if f.code == "LW101"
    ]
    # tools, base and the final stage (it ships, so its base matters however little it
    # runs); not layout, a helper stage that only arranges files
    assert lines == [3, 5, 9]


def test_helper_stage_files_copied_out() -> None:
    from layerwise.analysis.stages import moves_files_only

    ctx = context(
        "FROM alpine AS releaser\nARG TARGETOS\nRUN mkdir -p /out/$TARGETOS && cp /x /out/$TARGETOS/\n"
        "FROM alpine AS certs\n"
        "FROM scratch\nCOPY --from=releaser /out/$TARGETOS /\nCOPY --from=certs /etc/ssl /etc/ssl\n"
    )
    releaser, certs, _ = ctx.doc.stages
    assert moves_files_only(ctx, releaser) is True
    # what is copied out of certs is the base image's own files: its version matters
    assert moves_files_only(ctx, certs) is False


def test_stages_used_only_by_dev_stages_are_dev() -> None:
    from layerwise.analysis.purpose import dev_stages

    doc = parse(
        "FROM tonistiigi/bats-assert AS bats\n"
        'FROM alpine:3.22 AS app\nCMD ["app"]\n'
        "FROM alpine:3.22 AS test\nCOPY --from=bats / /bats\nCOPY --from=app /x /x\n"
        "FROM app AS dev-envs\n"
    )
    names = [s.name for s in dev_stages(doc)]
    # bats serves the test stage only; app is runnable (a --target of its own) although
    # only dev stages use it in this file
    assert names == ["bats", "test", "dev-envs"]


def test_bake_named_contexts_replace_a_from_image(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docker-bake.hcl").write_text(
        'target "ld" {\n  context = "src/ld"\n  contexts = {\n'
        '    "tonistiigi/xx" = "target:xx"\n    base = "docker-image://alpine:3.22"\n  }\n}\n'
    )
    (tmp_path / "src" / "ld").mkdir(parents=True)
    text = (
        "FROM tonistiigi/xx AS xx\nFROM alpine AS build\nCOPY --from=xx / /\nRUN make\n"
        'FROM debian\nCMD ["x"]\n'
    )
    path = tmp_path / "src" / "ld" / "Dockerfile"
    found = lint_text(text, path=path, project=FileSystemProject(tmp_path)).findings
    lines = sorted(text.count("\n", 0, f.span.start) + 1 for f in found if f.code == "LW101")
    assert lines == [2, 5]  # xx comes from the named context; alpine and debian are pulled
    # without the Bake file, every untagged image is reported
    (tmp_path / "docker-bake.hcl").unlink()
    found = lint_text(text, path=path, project=FileSystemProject(tmp_path)).findings
    assert sum(f.code == "LW101" for f in found) == 3


def test_alpine_glibc_rule_reads_onbuild_triggers() -> None:
    text = (
        "FROM python:3.12-alpine\n"
        "ONBUILD RUN apk add --no-cache gcc musl-dev && pip install --no-cache-dir numpy==2.0.0\n"
    )
    from layerwise.analysis import LintOptions

    found = lint_text(text, options=LintOptions(select=("LW106",))).findings
    assert found, "the compilers and pip install of the trigger run in the child image"
