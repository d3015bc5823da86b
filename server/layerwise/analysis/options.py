"""Options of a lint run: rule selection, severities and the settings rules read."""

from __future__ import annotations

from dataclasses import dataclass, field

from .rule import Severity


@dataclass(frozen=True)
class LintOptions:
    #: Rules to run; empty means every rule that is on by default.
    select: tuple[str, ...] = ()
    #: Rules to run in addition to ``select`` (or to the defaults).
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)  # selector -> severity
    #: Honour ``# layerwise: ignore=`` and ``# hadolint ignore=`` comments.
    allow_pragmas: bool = True
    #: Registries base images may come from (empty: any).
    trusted_registries: tuple[str, ...] = ()
    #: Labels every image must set: name -> expected type (text, url, semver, ...).
    required_labels: dict[str, str] = field(default_factory=dict)
    #: Labels outside ``required_labels`` are reported.
    strict_labels: bool = False
    #: The stage being built (``docker build --target``); rules about the final
    #: stage look at this one. Empty: the last stage.
    target: str = ""
    #: What the file is for (production, dev, fixture); empty: decided by
    #: :func:`purpose.file_purpose` from the path or a ``purpose=`` comment.
    purpose: str = ""
