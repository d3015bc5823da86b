"""LW922-LW923: the ``# syntax=`` directive.

BuildKit-only syntax (RUN --mount, COPY --link, heredocs, ...) used without a directive,
or with one that pins a Dockerfile frontend too old for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ....syntax.model import Span, Stage
from ...context import LintContext
from ...edits import add_syntax_directive
from ...facts import syntax_version
from ...rule import Edit, Fix, FixSafety, Related, Rule, Severity, Violation
from ...walk import all_instructions

# -- LW922 / LW923: BuildKit features and the syntax directive -------------------------


@dataclass(frozen=True, slots=True)
class _Feature:
    label: str
    span: Span
    #: Oldest docker/dockerfile release (stable channel) that has it; None: unknown.
    stable: tuple[int, int] | None
    #: Oldest -labs release that has it.
    labs: tuple[int, int] | None


# Flag -> (what it is, stable since, labs since). Versions from the Dockerfile
# frontend release notes; None where we are not sure, so no version is enforced.
_RUN_FLAGS = {
    "mount": ("RUN --mount", (1, 2), (1, 0)),
    "network": ("RUN --network", (1, 3), (1, 0)),
    "security": ("RUN --security", (1, 20), (1, 0)),
    "device": ("RUN --device", None, None),
}
_COPY_FLAGS = {
    "link": ("--link", (1, 4), (1, 0)),
    "chmod": ("--chmod", None, None),
    "exclude": ("--exclude", (1, 19), (1, 7)),
    "parents": ("--parents", (1, 20), (1, 7)),
    "checksum": ("ADD --checksum", None, None),
    "keep-git-dir": ("ADD --keep-git-dir", None, None),
    "unpack": ("ADD --unpack", None, None),
}


def _features(ctx: LintContext) -> list[_Feature]:
    found = []
    for ins in all_instructions(ctx):
        table = _RUN_FLAGS if ins.keyword == "RUN" else None
        if ins.keyword in ("COPY", "ADD"):
            table = _COPY_FLAGS
        if table is None:
            continue
        for flag in ins.flags:
            entry = table.get(flag.name)
            if entry is None:
                continue
            label, stable, labs = entry
            if ins.keyword == "COPY" and flag.name in ("checksum", "keep-git-dir", "unpack"):
                continue
            if not label.startswith(("RUN", "ADD")):
                label = f"{ins.keyword} {label}"
            found.append(_Feature(label, flag.span, stable, labs))
        for heredoc in ins.heredocs:
            found.append(_Feature(f"{ins.keyword} heredoc", heredoc.marker, (1, 4), (1, 3)))
    found.sort(key=lambda f: f.span.start)
    return found


_WINDOWS_TAG = re.compile(r"nanoserver|servercore|windows|ltsc20\d\d", re.IGNORECASE)


def _windows_stage(ctx: LintContext, stage: Stage) -> bool:
    """A Windows stage: by its base image's name or tag (``sdk:8.0-nanoserver-ltsc2022``),
    or, with the backtick escape, whatever its base."""
    if ctx.is_windows(stage) or ctx.doc.escape == "`":
        return True
    image = ctx.info(stage).image
    return image is not None and _WINDOWS_TAG.search(image.tag or "") is not None


def _missing_syntax(ctx: LintContext) -> Iterator[Violation]:
    if ctx.doc.directive("syntax") is not None:
        return
    # Windows images are built by the classic builder, which ignores the directive (and
    # the docker/dockerfile frontend has no Windows image): the advice cannot be followed.
    windows = [s.span for s in ctx.doc.stages if _windows_stage(ctx, s)]
    features = [
        f for f in _features(ctx) if not any(w.start <= f.span.start <= w.end for w in windows)
    ]
    if not features:
        return
    first = features[0]
    names = sorted({f.label for f in features})
    fix = Fix(
        "Add '# syntax=docker/dockerfile:1' at the top", (add_syntax_directive(ctx),), safe=False
    )
    yield Violation(
        first.span,
        f"{', '.join(names)} need{'s' if len(names) == 1 else ''} a recent Dockerfile frontend, "
        "but there is no '# syntax=' directive, so the build depends on the frontend built into "
        "whichever BuildKit runs it; add '# syntax=docker/dockerfile:1' as the first line",
        fix,
        tuple(Related(f.span, f.label) for f in features[1:6]),
    )


def _old_syntax(ctx: LintContext) -> Iterator[Violation]:
    directive = ctx.doc.directive("syntax")
    if directive is None:
        return
    parsed = syntax_version(directive.value)
    if parsed is None:
        return
    version, labs = parsed
    too_new = []
    for feature in _features(ctx):
        needed = feature.labs if labs else feature.stable
        if needed is not None and needed > version:
            too_new.append((feature, needed))
    if not too_new:
        return
    needed = max(n for _, n in too_new)
    wanted = f"{needed[0]}.{needed[1]}" + ("-labs" if labs else "")
    value = directive.value
    match = re.search(r":\d+(?:\.\d+){0,2}(?:-labs)?", value)
    fix = None
    if match is not None and "@" not in value:
        start = directive.value_span.start + match.start() + 1
        end = directive.value_span.start + match.end()
        fix = Fix(f"Require docker/dockerfile:{wanted}", (Edit(start, end, wanted),), safe=False)
    names = sorted({f.label for f, _ in too_new})
    shown = f"{version[0]}.{version[1]}" + ("-labs" if labs else "")
    yield Violation(
        directive.value_span,
        f"The directive selects Dockerfile frontend {shown}, which does not know "
        f"{', '.join(names)} (needs {wanted} or newer): the build fails to parse",
        fix,
        tuple(Related(f.span, f"{f.label} needs {n[0]}.{n[1]}") for f, n in too_new[:5]),
    )


RULES = (
    Rule("LW922", "missing-syntax-directive",
         "BuildKit-only syntax used without a '# syntax=' directive", Severity.INFO,
         "buildkit", _missing_syntax, fixable=True, fix_safety=FixSafety.UNSAFE,
         default_enabled=False),
    Rule("LW923", "syntax-directive-too-old",
         "The '# syntax=' directive pins a frontend older than the features used", Severity.WARNING,
         "buildkit", _old_syntax, fixable=True, fix_safety=FixSafety.UNSAFE),
)  # fmt: skip
