"""LW1xx: base image choice (PRACTICES A)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...syntax.model import Token
from ..context import LintContext
from ..facts import ImageRef
from ..images import image_facts
from ..rule import Rule, Severity, Violation
from ..stages import moves_files_only, shipped


def _external_bases(ctx: LintContext) -> Iterator[tuple[ImageRef, str, Token]]:
    """(image, resolved reference, FROM token) for stages built on an external image,
    except alternatives a build only reaches when a non-default ARG selects them and
    helper stages that do not ship and only arrange files (their output does not depend
    on the base's version)."""
    alternatives = _unselected_alternatives(ctx)
    for info in ctx.stage_infos:
        token = info.stage.base
        if token is None or info.parent is not None or info.image is None:
            continue
        if info.image.is_scratch or info.stage.index in alternatives:
            continue
        if not shipped(ctx, info.stage) and moves_files_only(ctx, info.stage):
            continue  # a helper stage: mkdir/cp/ln on any alpine gives the same files
        yield info.image, info.resolved_base or token.value, token


_VARIABLE = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)")


def _unselected_alternatives(ctx: LintContext) -> set[int]:
    """Stages that a ``FROM name-${ARG}`` chooses between, other than the one the ARG's
    default selects (``FROM test-base-${TYPE}`` with stages ``test-base-alpine``,
    ``-debian`` and ``-rhel``): a default build never reaches them. A stage named
    anywhere else (``COPY --from``, a plain ``FROM``) is not one."""
    out: set[int] = set()
    named: set[str] = set()
    for info in ctx.stage_infos:
        token = info.stage.base
        if token is not None and "$" not in token.value:
            named.add(token.value.lower())
        for ins in info.stage.instructions:
            flag = ins.flag("from") if ins.keyword in ("COPY", "ADD") else None
            if flag is not None and flag.value:
                named.add(flag.value.lower())
    for info in ctx.stage_infos:
        token = info.stage.base
        if token is None or info.parent is None or "$" not in token.value:
            continue
        pattern = re.compile(
            ".+".join(re.escape(part) for part in _VARIABLE.split(token.value.lower())) + "$"
        )
        for other in ctx.doc.stages:
            name = other.name
            if (
                name is not None
                and other is not info.parent
                and other.index < info.stage.index
                and name not in named
                and pattern.match(name)
            ):
                out.add(other.index)
    return out


def _shown(reference: str, token_value: str) -> str:
    if reference == token_value:
        return f"'{reference}'"
    return f"'{token_value}' (= '{reference}')"


# Official images whose slim variant is the usual runtime choice.
_SLIM = frozenset({"node", "python", "ruby", "perl", "openjdk", "debian"})


def _suggested_tag(image: ImageRef) -> str:
    if image.is_official and image.name in _SLIM:
        variant = "<release>-slim" if image.name == "debian" else "<version>-slim"
        return f"{image.full_name}:{variant}"
    return f"{image.full_name}:<version>"


def _pins_digests(ctx: LintContext) -> bool:
    """Some base image of the file is pinned by digest: the team's policy is digests."""
    return any(info.image is not None and info.image.digest for info in ctx.stage_infos)


def _digest_only(ctx: LintContext, image: ImageRef) -> bool | None:
    """``None``: report as usual. ``True``: the image has no version tags (distroless, a
    rolling distribution) and the file pins other bases by digest: report, asking for a
    digest. ``False``: such an image in a file that pins nothing by digest, or an image
    whose name carries the major version (``redhat/ubi9-minimal``): not reported."""
    pin_by = image_facts(image).pin_by
    if pin_by == "name":
        return False
    if pin_by == "digest":
        return _pins_digests(ctx)
    return None


def _untagged(ctx: LintContext) -> Iterator[Violation]:
    for image, reference, token in _external_bases(ctx):
        if image.tag is not None or image.digest is not None:
            continue
        digest_only = _digest_only(ctx, image)
        if digest_only is False:
            continue
        if digest_only:
            pin = (
                f"it has no version tags, so pin its digest like the other bases "
                f"('{image.full_name}@sha256:…', from 'docker buildx imagetools inspect "
                f"{image.full_name}')"
            )
        else:
            pin = f"pin a version, e.g. '{_suggested_tag(image)}'"
        yield Violation(
            token.span,
            f"Base image {_shown(reference, token.value)} has no tag, so every build "
            f"may pull a different image; {pin}",
        )


def _latest(ctx: LintContext) -> Iterator[Violation]:
    for image, reference, token in _external_bases(ctx):
        if image.tag is None or image.tag.lower() != "latest" or image.digest is not None:
            continue
        digest_only = _digest_only(ctx, image)
        if digest_only is False:
            continue
        if digest_only:
            pin = "it has no version tags, so pin its digest like the other bases"
        else:
            pin = "pin a version so builds are reproducible"
        yield Violation(
            token.span,
            f"Base image {_shown(reference, token.value)} uses the moving 'latest' tag; {pin}",
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
