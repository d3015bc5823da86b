"""Document links (layerwise.services.links): context sources, registry pages, rule docs."""

from __future__ import annotations

import dataclasses

import pytest

from layerwise.analysis.rules import ALL_RULES, rule_by_code
from layerwise.services.links import document_links, image_page, rule_lookup
from layerwise.syntax.parser import parse

RULES = rule_lookup(ALL_RULES)


def links(text: str, present: set[str] | None = None) -> list[tuple[str, str]]:
    asked: list[str] = []

    def exists(relative: str) -> str | None:
        asked.append(relative)
        return f"file:///ctx/{relative}" if present is not None and relative in present else None

    found = document_links(parse(text), exists if present is not None else None, RULES)
    return [(text[link.span.start : link.span.end], link.target) for link in found]


@pytest.mark.parametrize(
    "reference, page",
    [
        ("python:3.12-slim", "https://hub.docker.com/_/python"),
        ("docker.io/library/node:20@sha256:" + "a" * 64, "https://hub.docker.com/_/node"),
        ("bitnami/redis:7.2", "https://hub.docker.com/r/bitnami/redis"),
        ("index.docker.io/grafana/grafana", "https://hub.docker.com/r/grafana/grafana"),
        ("ghcr.io/astral-sh/uv:0.4", "https://ghcr.io/astral-sh/uv"),
        ("quay.io/prometheus/node-exporter", "https://quay.io/repository/prometheus/node-exporter"),
        (
            "gcr.io/distroless/static-debian12:nonroot",
            "https://console.cloud.google.com/gcr/images/distroless/GLOBAL/static-debian12",
        ),
        (
            "eu.gcr.io/acme/tools/builder",
            "https://console.cloud.google.com/gcr/images/acme/EU/tools/builder",
        ),
        (
            "mcr.microsoft.com/dotnet/sdk:8.0",
            "https://mcr.microsoft.com/en-us/artifact/mar/dotnet/sdk",
        ),
        ("registry.example.com/team/app:1", None),
        ("localhost:5000/app", None),
        ("scratch", None),
        ("${BASE}", None),
        ("python:${VERSION}", None),
        ("a/b/c", None),  # Docker Hub has no nested repositories
    ],
)
def test_image_pages(reference: str, page: str | None):
    assert image_page(reference) == page


def test_from_links_images_but_not_stages_or_variables():
    text = (
        "ARG BASE=alpine\n"
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
        "FROM ${BASE} AS base\n"
        "FROM build AS again\n"
        "FROM Build\n"  # stage names compare without case
        "FROM nginx\n"
    )
    assert links(text) == [
        ("golang:1.22", "https://hub.docker.com/_/golang"),
        ("nginx", "https://hub.docker.com/_/nginx"),
    ]


def test_a_stage_name_used_before_the_stage_is_an_image():
    text = "FROM node AS node\nFROM debian AS first\nFROM first\n"
    assert [t for t, _ in links(text)] == ["node", "debian"]


def test_pragma_codes_link_to_rule_documents():
    text = (
        "FROM a\n"
        "# layerwise: ignore=LW601, apt-unpinned,LW6\n"
        "# hadolint ignore=DL3008\n"
        "# layerwise: global ignore=NOPE123\n"
        "# an ordinary comment naming LW601\n"
        "RUN x\n"
    )
    lw601 = rule_by_code("LW601")
    unpinned = next(r for r in ALL_RULES if r.name == "apt-unpinned")
    hadolint = next(r for r in ALL_RULES if "DL3008" in r.aliases)
    assert lw601 is not None
    assert [link for link in links(text) if "hub.docker.com" not in link[1]] == [
        ("LW601", lw601.url),
        ("apt-unpinned", unpinned.url),
        ("DL3008", hadolint.url),
    ]


def test_copy_sources_that_exist_in_the_context():
    text = (
        "FROM a AS build\n"
        "COPY requirements.txt ./src/ missing.txt /app/\n"
        'COPY ["/etc/conf d/x.conf", "../up.txt", "/dest"]\n'
        "ADD https://example.com/a.tgz *.py $DIR/x lib /opt/\n"
        "COPY --from=build requirements.txt /elsewhere\n"
        "COPY <<EOF requirements.txt\nhello\nEOF\n"
        "COPY . /app\n"
        "ONBUILD COPY lib /lib\n"
    )
    present = {"requirements.txt", "src", "etc/conf d/x.conf", "up.txt", "lib", "", "."}
    assert [link for link in links(text, present) if link[1].startswith("file:")] == [
        ("requirements.txt", "file:///ctx/requirements.txt"),
        ("./src/", "file:///ctx/src"),
        ("/etc/conf d/x.conf", "file:///ctx/etc/conf d/x.conf"),  # inside the quotes
        ("../up.txt", "file:///ctx/up.txt"),  # the context root is as far up as it goes
        ("lib", "file:///ctx/lib"),
        ("lib", "file:///ctx/lib"),  # the ONBUILD trigger's source
    ]


def test_without_a_file_system_only_images_and_rules():
    assert links("FROM python\nCOPY a.txt /\n") == [("python", "https://hub.docker.com/_/python")]


def test_ambiguous_alias_gets_no_link():
    first, second = ALL_RULES[0], ALL_RULES[1]
    lookup = rule_lookup(
        (
            dataclasses.replace(first, aliases=("XX1", "ONLY1")),
            dataclasses.replace(second, aliases=("xx1",)),
        )
    )
    assert lookup("XX1") is None  # two rules carry it
    assert lookup("only1") is not None and lookup("only1").code == first.code  # type: ignore[union-attr]
    assert lookup(second.name) is not None
    assert RULES("lw601") is rule_by_code("LW601")
    assert RULES("LW6") is None  # a prefix names a family, not one document
