"""Document links: COPY/ADD sources to the files they name, FROM images to their
registry page, and rule codes in ignore pragmas to the rule's document.

Pure: the caller says which context paths exist (``exists``); nothing here touches the
network or the file system.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..analysis.facts import clean_path, parse_image
from ..analysis.rule import Rule
from ..syntax.model import Dockerfile, Instruction, Span, Token

#: ``exists(relative_path)`` -> a URI for the context path when it is there, else None.
ContextLookup = Callable[[str], str | None]
#: ``rule_for(selector)`` -> the rule a pragma's selector names, if exactly one.
RuleLookup = Callable[[str], Rule | None]


@dataclass(frozen=True, slots=True)
class Link:
    span: Span
    target: str
    tooltip: str


# A pragma comment's codes: ``layerwise: [stage|global] ignore=`` or ``hadolint ignore=``.
_PRAGMA_CODES = re.compile(
    r"^#\s*(?:layerwise\s*:|hadolint)\s*(?:(?:global|stage)\s+)?ignore\s*=\s*", re.I
)
_SELECTOR = re.compile(r"[A-Za-z0-9_-]+")
# Sources that are not context paths: URLs, git remotes, variables, wildcards.
_NOT_A_PATH = re.compile(r"^[a-z][a-z0-9+.-]*://|^git@|[$*?\[]", re.I)


def document_links(
    doc: Dockerfile, exists: ContextLookup | None, rule_for: RuleLookup
) -> list[Link]:
    """Every link in ``doc``; context files only when ``exists`` is given."""
    links: list[Link] = []
    stage_names: set[str] = set()
    for stage in doc.stages:
        base = stage.base
        if base is not None and base.value.lower() not in stage_names:
            link = _image_link(base)
            if link is not None:
                links.append(link)
        if stage.name:
            stage_names.add(stage.name)
    if exists is not None:
        for ins in doc.instructions:
            links.extend(_source_links(ins, exists))
    for comment in doc.comments:
        links.extend(_rule_links(doc.text, comment.span, rule_for))
    links.sort(key=lambda link: link.span.start)
    return links


def _sources(ins: Instruction) -> tuple[Token, ...]:
    if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None:
        return ()  # --from: the sources are in another stage or image
    args = ins.exec_args if ins.exec_args is not None else ins.words
    heredocs = {h.marker for h in ins.heredocs}
    return tuple(t for t in args[:-1] if t.span not in heredocs)


def _source_links(ins: Instruction, exists: ContextLookup) -> Iterator[Link]:
    if ins.trigger is not None:
        yield from _source_links(ins.trigger, exists)
        return
    for token in _sources(ins):
        value = token.value
        if not value or _NOT_A_PATH.search(value):
            continue
        # The builder resolves every source inside the context: a leading "/" or "../"
        # cannot leave it.
        relative = clean_path("/" + value).lstrip("/")
        if not relative:
            continue  # the whole context ("."): not worth a link
        target = exists(relative)
        if target is not None:
            yield Link(_inner(token), target, f"Open {relative}")


def _inner(token: Token) -> Span:
    """The token without surrounding quotes."""
    raw, span = token.raw, token.span
    if (
        len(raw) >= 2
        and raw[0] == raw[-1]
        and raw[0] in "\"'"
        and len(raw) == span.end - span.start
    ):
        return Span(span.start + 1, span.end - 1)
    return span


# Registries whose web page for a repository follows a known pattern.
_DOCKER_HUB = frozenset({None, "docker.io", "index.docker.io", "registry-1.docker.io"})
_GCR_REGIONS = {"gcr.io": "GLOBAL", "us.gcr.io": "US", "eu.gcr.io": "EU", "asia.gcr.io": "ASIA"}


def image_page(reference: str) -> str | None:
    """The web page of an image repository, for the registries with a known page scheme."""
    image = parse_image(reference)
    if image is None or image.is_scratch:
        return None
    registry = image.registry.lower() if image.registry else None
    path = image.path
    parts = path.split("/")
    if registry in _DOCKER_HUB:
        if len(parts) == 1 or (len(parts) == 2 and parts[0] == "library"):
            return f"https://hub.docker.com/_/{parts[-1]}"
        if len(parts) == 2:
            return f"https://hub.docker.com/r/{path}"
        return None
    if registry == "ghcr.io" and len(parts) >= 2:
        return f"https://ghcr.io/{path}"  # redirects to the package's GitHub page
    if registry == "quay.io" and len(parts) == 2:
        return f"https://quay.io/repository/{path}"
    if registry in _GCR_REGIONS and len(parts) >= 2:
        project, rest = parts[0], "/".join(parts[1:])
        return (
            f"https://console.cloud.google.com/gcr/images/{project}/{_GCR_REGIONS[registry]}/{rest}"
        )
    if registry == "mcr.microsoft.com":
        return f"https://mcr.microsoft.com/en-us/artifact/mar/{path}"
    return None


def _image_link(base: Token) -> Link | None:
    page = image_page(base.value)
    if page is None:
        return None
    image = parse_image(base.value)
    name = image.full_name if image is not None else base.value
    return Link(_inner(base), page, f"Open the registry page of {name}")


def _rule_links(text: str, span: Span, rule_for: RuleLookup) -> Iterator[Link]:
    comment = text[span.start : span.end]
    head = _PRAGMA_CODES.match(comment)
    if head is None:
        return
    for match in _SELECTOR.finditer(comment, head.end()):
        rule = rule_for(match.group())
        if rule is not None:
            yield Link(
                Span(span.start + match.start(), span.start + match.end()),
                rule.url,
                f"{rule.code} {rule.name}: {rule.summary}",
            )


def rule_lookup(rules: tuple[Rule, ...]) -> RuleLookup:
    """Selectors that name one rule: its code, its name, or an alias only it carries."""
    table: dict[str, Rule | None] = {}
    for rule in rules:
        for key in (rule.code, rule.name, *rule.aliases):
            key = key.upper()
            table[key] = None if key in table and table[key] is not rule else rule

    def find(selector: str) -> Rule | None:
        return table.get(selector.upper())

    return find
