"""LW1xx: base image choice (PRACTICES A)."""

from __future__ import annotations

from collections.abc import Iterator

from ...syntax.model import Token
from ..context import LintContext
from ..facts import ImageRef
from ..rule import Rule, Severity, Violation


def _external_bases(ctx: LintContext) -> Iterator[tuple[ImageRef, str, Token]]:
    """(image, resolved reference, FROM token) for stages built on an external image."""
    for info in ctx.stage_infos:
        token = info.stage.base
        if token is None or info.parent is not None or info.image is None:
            continue
        if info.image.is_scratch:
            continue
        yield info.image, info.resolved_base or token.value, token


def _shown(reference: str, token_value: str) -> str:
    return reference if reference == token_value else f"{token_value}' (= '{reference}"


# Official images whose slim variant is the usual runtime choice.
_SLIM = frozenset({"node", "python", "ruby", "perl", "openjdk", "debian"})


def _suggested_tag(image: ImageRef) -> str:
    if image.is_official and image.name in _SLIM:
        variant = "<release>-slim" if image.name == "debian" else "<version>-slim"
        return f"{image.full_name}:{variant}"
    return f"{image.full_name}:<version>"


def _untagged(ctx: LintContext) -> Iterator[Violation]:
    for image, reference, token in _external_bases(ctx):
        if image.tag is None and image.digest is None:
            yield Violation(
                token.span,
                f"Base image '{_shown(reference, token.value)}' has no tag, so every build "
                f"may pull a different image; pin a version, e.g. '{_suggested_tag(image)}'",
            )


def _latest(ctx: LintContext) -> Iterator[Violation]:
    for image, reference, token in _external_bases(ctx):
        if image.tag is not None and image.tag.lower() == "latest" and image.digest is None:
            yield Violation(
                token.span,
                f"Base image '{_shown(reference, token.value)}' uses the moving 'latest' tag; "
                "pin a version so builds are reproducible",
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
)
