"""Hover: what the token under the cursor is, in a few lines.

Instruction keywords, flags and their values (``--mount`` keys, ``--network`` modes),
parser directives and ``# check=`` settings, BuildKit check names, the codes of ignore
comments, variable references (their value at that point and where they were set), base
images (what the offline image table knows), stage names, and the findings under the
cursor. The result is plain data (:class:`Hover`); :func:`render` turns it into Markdown
or plain text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..analysis.facts import ImageRef, expand, stage_infos, syntax_version
from ..analysis.images import image_facts
from ..analysis.rule import Finding, Rule
from ..analysis.suppression import parse_pragma
from ..syntax.model import Dockerfile, Flag, Instruction, KeyValue, Span, Stage
from . import reference
from .variables import (
    RUNTIME,
    SHELL_EXPANDED,
    Lookup,
    Reference,
    Scopes,
    Variable,
    global_scope,
    reference_at,
)


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of hover content. ``text`` may hold `code` spans (Markdown backticks)."""

    kind: str  # "heading", "text", "code", "list", "link"
    text: str = ""
    items: tuple[str, ...] = ()
    url: str = ""


@dataclass(frozen=True, slots=True)
class Hover:
    span: Span
    blocks: tuple[Block, ...]


def _heading(text: str) -> Block:
    return Block("heading", text)


def _text(text: str) -> Block:
    return Block("text", text)


def _list(*items: str) -> Block:
    return Block("list", items=tuple(i for i in items if i))


def _link(text: str, url: str) -> Block:
    return Block("link", text, url=url)


def _code(text: str) -> Block:
    return Block("code", text)


def _line(line: int | None) -> str:
    return f"line {line + 1}" if line is not None else "?"


# -- entry point -----------------------------------------------------------------------------


def hover(doc: Dockerfile, offset: int, findings: Sequence[Finding] = ()) -> Hover | None:
    """What to show for ``offset`` (code points); ``findings``: the document's current
    diagnostics, whose rules are explained when the cursor is on one."""
    found = _directive(doc, offset) or _comment(doc, offset) or _instruction(doc, offset)
    notes = _findings(findings, offset)
    if found is None and not notes:
        return None
    if found is None:
        span = min(
            (f.span for f in findings if _covers(f.span, offset)), key=lambda s: s.end - s.start
        )
        return Hover(span, notes)
    return Hover(found.span, found.blocks + notes)


def render(result: Hover, markdown: bool) -> str:
    """The hover's content as Markdown, or as plain text for clients without it."""
    text = _markdown if markdown else _plain
    parts: list[str] = []
    for block in result.blocks:
        if block.kind == "heading":
            parts.append(f"**{text(block.text)}**" if markdown else text(block.text))
        elif block.kind == "text":
            parts.append(text(block.text))
        elif block.kind == "code":
            parts.append(f"```dockerfile\n{block.text}\n```" if markdown else block.text)
        elif block.kind == "list":
            bullet = "- " if markdown else "• "
            parts.append("\n".join(bullet + text(i) for i in block.items))
        elif block.kind == "link":
            parts.append(
                f"[{text(block.text)}]({block.url})" if markdown else f"{block.text}: {block.url}"
            )
        elif block.kind == "rule":
            parts.append("---" if markdown else "----")
    return "\n\n".join(parts).strip()


_INLINE_CODE = re.compile(r"`` (.+?) ``|`([^`]*)`")


_MARKDOWN_SPECIAL = re.compile(r"([\\<>*_\[\]])")


def _plain(text: str) -> str:
    return _INLINE_CODE.sub(lambda m: m.group(1) or m.group(2), text)


def _markdown(text: str) -> str:
    """Escape what Markdown would read as HTML or emphasis, outside `code` spans."""
    out = []
    last = 0
    for match in _INLINE_CODE.finditer(text):
        out.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[last : match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(out)


def code(value: str) -> str:
    """``value`` as inline Markdown code, whatever backticks it holds."""
    if "`" in value:
        return f"`` {value} ``"
    return f"`{value}`"


def _covers(span: Span, offset: int) -> bool:
    return span.start <= offset < span.end or span.start == span.end == offset


# -- findings --------------------------------------------------------------------------------


def _findings(findings: Sequence[Finding], offset: int) -> tuple[Block, ...]:
    blocks: list[Block] = []
    seen: set[tuple[str, str]] = set()
    for finding in sorted(findings, key=lambda f: (f.span.start, f.rule.code)):
        if not _covers(finding.span, offset):
            continue
        key = (finding.rule.code, finding.message)
        if key in seen:
            continue
        seen.add(key)
        rule = finding.rule
        blocks.append(Block("rule"))
        blocks.append(_heading(f"{rule.code} {rule.name} ({finding.severity.value})"))
        blocks.append(_text(finding.message))
        if rule.summary and rule.summary != finding.message:
            blocks.append(_text(f"Rule: {rule.summary}."))
        blocks.append(_link(f"{rule.code} documentation", rule.url))
    return tuple(blocks)


def _rules_named(selector: str) -> list[Rule]:
    from ..analysis.rules import ALL_RULES  # the registry, loaded when a pragma is hovered

    return [rule for rule in ALL_RULES if rule.matches(selector)]


def _rule_blocks(selector: str) -> tuple[Block, ...]:
    if selector.lower() == "all":
        return (_text("`all`: every rule."),)
    rules = _rules_named(selector)
    if not rules:
        return (_text(f"`{selector}`: no layerwise rule has this code, name or alias."),)
    blocks: list[Block] = []
    if len(rules) > 6:
        blocks.append(_text(f"`{selector}` names {len(rules)} rules, {rules[0].code} to "
                            f"{rules[-1].code}."))  # fmt: skip
        return tuple(blocks)
    for rule in rules:
        alias = "" if rule.names(selector) else f" (covers `{selector}`)"
        blocks.append(_heading(f"{rule.code} {rule.name}{alias}"))
        blocks.append(_text(rule.summary + "."))
        blocks.append(_link(f"{rule.code} documentation", rule.url))
    return tuple(blocks)


# -- directives and comments -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Found:
    span: Span
    blocks: tuple[Block, ...]


_WORD = re.compile(r"[A-Za-z0-9_.\-]+")


def _directive(doc: Dockerfile, offset: int) -> _Found | None:
    text = doc.text
    for directive in doc.directives:
        if not directive.span.start <= offset <= directive.span.end:
            continue
        if offset < directive.value_span.start:
            head = text[directive.span.start : directive.value_span.start]
            match = re.search(r"[A-Za-z][A-Za-z0-9]*", head)
            if match is None:
                return None
            span = Span(directive.span.start + match.start(), directive.span.start + match.end())
            return _Found(span, _directive_blocks(directive.key))
        if directive.key == "check":
            return _check_value(text, directive.value_span, offset)
        blocks = list(_directive_blocks(directive.key))
        if directive.key == "syntax":
            version = syntax_version(directive.value)
            if version is not None:
                (major, minor), labs = version
                which = "the newest 1.x" if minor >= 10_000 else f"{major}.{minor}"
                blocks.append(
                    _text(f"Selects Dockerfile frontend {which}{' (labs)' if labs else ''}.")
                )
            else:
                blocks.append(_text("A frontend other than docker/dockerfile."))
        return _Found(directive.value_span, tuple(blocks))
    return None


def _directive_blocks(key: str) -> tuple[Block, ...]:
    doc = reference.DIRECTIVES.get(key)
    if doc is None:
        return ()
    blocks = [_heading(f"# {doc.name}={doc.placeholder}"), _text(doc.summary)]
    if doc.values:
        blocks.append(_list(*(f"{code(v.value)}: {v.summary}" for v in doc.values)))
    if doc.details:
        blocks.append(_text(doc.details))
    return tuple(blocks)


def _check_value(text: str, value_span: Span, offset: int) -> _Found | None:
    """Hover inside ``skip=A,B;error=true`` (a directive or a comment above an instruction)."""
    value = text[value_span.start : value_span.end]
    position = value_span.start
    for part in value.split(";"):
        start = position
        position += len(part) + 1
        if not start <= offset <= start + len(part):
            continue
        key, eq, rest = part.partition("=")
        key_match = _WORD.search(key)
        if key_match is not None and offset <= start + len(key):
            span = Span(start + key_match.start(), start + key_match.end())
            doc = reference.CHECK_KEYS.get(key_match.group().lower())
            if doc is None:
                return _Found(span, (_text(f"`{key_match.group()}` is not a check setting: "
                                           "use skip, error or experimental."),))  # fmt: skip
            blocks = [_heading(f"check {doc.name}={doc.placeholder}"), _text(doc.summary)]
            return _Found(span, tuple(blocks))
        if not eq:
            return None
        base = start + len(key) + 1
        for match in _WORD.finditer(rest):
            if match.start() <= offset - base <= match.end():
                span = Span(base + match.start(), base + match.end())
                return _Found(span, _check_name_blocks(key.strip().lower(), match.group()))
        return None
    return None


def _check_name_blocks(key: str, name: str) -> tuple[Block, ...]:
    if key == "error":
        return (_text("`error=true`: build check findings fail the build."),)
    if name.lower() == "all":
        return (_text("`all`: every build check."),)
    check = reference.BUILDKIT_CHECKS.get(name)
    if check is None:
        return (_text(f"`{name}` is not a BuildKit build check."),)
    blocks = [
        _heading(f"{check.name} (BuildKit check{', experimental' if check.experimental else ''})"),
        _text(check.summary),
    ]
    rules = [rule for rule in _rules_named(name) if name in rule.aliases]
    for rule in rules:
        blocks.append(_text(f"layerwise reports it as {rule.code} {rule.name}."))
        blocks.append(_link(f"{rule.code} documentation", rule.url))
    return tuple(blocks)


_CHECK_COMMENT = re.compile(r"#\s*check\s*=\s*(?P<value>.*?)\s*$", re.I)
_PRAGMA_CODES = re.compile(r"ignore\s*=\s*(?P<codes>.*?)\s*$", re.I)


def _comment(doc: Dockerfile, offset: int) -> _Found | None:
    comment = doc.comment_at(offset)
    if comment is None:
        return None
    raw = doc.text[comment.span.start : comment.span.end]
    match = _CHECK_COMMENT.match(raw)
    if match is not None:
        start = comment.span.start + match.start("value")
        if offset < start:
            return _Found(
                Span(comment.span.start, start), _directive_blocks("check")
            )  # fmt: skip
        return _check_value(doc.text, Span(start, comment.span.start + match.end("value")), offset)
    pragma = parse_pragma(comment.text)
    if pragma is None:
        return None
    codes = _PRAGMA_CODES.search(raw)
    if codes is None:
        return None
    base = comment.span.start + codes.start("codes")
    for code in _WORD.finditer(codes.group("codes")):
        if code.start() <= offset - base <= code.end():
            span = Span(base + code.start(), base + code.end())
            return _Found(span, _rule_blocks(code.group()))
    where = {
        "next": "the next instruction",
        "stage": "the rest of the stage",
        "global": "the whole file",
    }[pragma.scope]
    names = ", ".join(f"`{s}`" for s in pragma.selectors)
    blocks = (
        _heading("Ignore comment"),
        _text(f"Silences {names} for {where}."),
    )
    return _Found(Span(comment.span.start, base), blocks)


# -- instructions ------------------------------------------------------------------------------


def _instruction(doc: Dockerfile, offset: int) -> _Found | None:
    outer = doc.instruction_at(offset)
    if outer is None:
        return None
    ins = outer
    if outer.trigger is not None and offset >= outer.trigger.keyword_span.start:
        ins = outer.trigger
    if ins.keyword_span.start <= offset <= ins.keyword_span.end:
        return _Found(ins.keyword_span, _keyword_blocks(ins.keyword))
    scopes: Scopes | None = None
    ref = reference_at(doc, outer, offset)
    if ref is not None:
        scopes = Scopes(doc)
        return _Found(ref.span, _variable_blocks(doc, scopes, outer, ins, ref))
    for flag in ins.flags:
        if flag.span.start <= offset <= flag.name_span.end:
            return _Found(Span(flag.span.start, flag.name_span.end), _flag_blocks(ins, flag))
        if flag.value_span is not None and flag.value_span.contains(offset):
            return _flag_value(doc, ins, flag, offset)
    if ins.keyword == "FROM":
        return _from_word(doc, ins, offset)
    if ins.keyword in ("ARG", "ENV"):
        for pair in ins.pairs:
            if pair.key.span.contains(offset):
                scopes = Scopes(doc)
                return _Found(pair.key.span, _declaration_blocks(doc, scopes, ins, pair))
    return None


def _keyword_blocks(keyword: str) -> tuple[Block, ...]:
    doc = reference.instruction(keyword)
    if doc is None:
        return (_text(f"`{keyword}` is not a Dockerfile instruction."),)
    blocks = [
        _heading(f"{doc.keyword}{' (deprecated)' if doc.deprecated else ''}"),
        _text(doc.summary),
        _code("\n".join(sig.label for sig in reference.signatures(doc.keyword))),
        _text(doc.description),
    ]
    if doc.flags:
        blocks.append(_list(*(f"`{f.usage}`: {f.summary}" for f in doc.flags)))
    blocks.append(_link("Dockerfile reference", doc.url))
    return tuple(blocks)


def _flag_blocks(ins: Instruction, flag: Flag) -> tuple[Block, ...]:
    doc = reference.flag_doc(ins.keyword, flag.name)
    if doc is None:
        accepted = ", ".join(f"--{f.name}" for f in reference.flags_of(ins.keyword))
        return (
            _text(
                f"`{ins.keyword}` has no flag `--{flag.name}`"
                + (f"; it accepts {accepted}." if accepted else ".")
            ),
        )
    blocks = [_heading(f"{ins.keyword} {doc.usage}"), _text(doc.summary)]
    if doc.values and not doc.boolean:
        blocks.append(_list(*(f"{code(v.value)}: {v.summary}" if v.summary else code(v.value)
                              for v in doc.values)))  # fmt: skip
    if flag.name == "mount":
        blocks.append(
            _list(*(f"`type={k}`: {v.summary}" for k, v in reference.MOUNT_TYPES.items()))
        )
    if doc.details:
        blocks.append(_text(doc.details))
    return tuple(blocks)


def _flag_value(doc: Dockerfile, ins: Instruction, flag: Flag, offset: int) -> _Found | None:
    span = flag.value_span
    assert span is not None
    value = flag.value or ""
    if flag.name == "mount" and ins.keyword == "RUN":
        return _mount_part(doc, flag, offset)
    if flag.name == "from":
        stage = doc.stage_named(value)
        if stage is None and value.isdigit() and int(value) < len(doc.stages):
            stage = doc.stages[int(value)]
        if stage is not None:
            return _Found(span, _stage_blocks(doc, stage))
        return _Found(span, (_text(f"{code(value)} is not a stage of this file: an image or a "
                                   "named build context (--build-context)."),))  # fmt: skip
    flag_doc = reference.flag_doc(ins.keyword, flag.name)
    if flag_doc is None:
        return _Found(span, _flag_blocks(ins, flag))
    for choice in flag_doc.values:
        if choice.value == value and choice.summary:
            return _Found(span, (_heading(f"--{flag.name}={value}"), _text(choice.summary)))
    return _Found(span, _flag_blocks(ins, flag))


def _mount_part(doc: Dockerfile, flag: Flag, offset: int) -> _Found | None:
    span = flag.value_span
    assert span is not None and flag.value is not None
    value = flag.value
    kind = "bind"
    for part in value.split(","):
        key, _, text = part.partition("=")
        if key.strip().lower() == "type" and text:
            kind = text.strip().lower()
    position = span.start
    for part in value.split(","):
        start = position
        position += len(part) + 1
        if not start <= offset <= start + len(part):
            continue
        key, eq, text = part.partition("=")
        key_doc = reference.mount_key(key.strip())
        if key_doc is None:
            return _Found(
                Span(start, start + len(part)),
                (_text(f"`{key}` is not a --mount option."),),
            )
        if eq and offset > start + len(key):
            value_span = Span(start + len(key) + 1, start + len(part))
            if key_doc.name == "type" and text.lower() in reference.MOUNT_TYPES:
                type_doc = reference.MOUNT_TYPES[text.lower()]
                keys = ", ".join(k.name for k in reference.mount_keys(type_doc.value))
                return _Found(
                    value_span,
                    (_heading(f"--mount type={type_doc.value}"), _text(type_doc.summary),
                     _text(f"Options: {keys}.")),
                )  # fmt: skip
            if key_doc.name == "from":
                stage = doc.stage_named(text)
                if stage is not None:
                    return _Found(value_span, _stage_blocks(doc, stage))
            for choice in key_doc.values:
                if choice.value == text.lower() and choice.summary:
                    return _Found(value_span, (_heading(f"{key_doc.name}={choice.value}"),
                                               _text(choice.summary)))  # fmt: skip
        blocks = [
            _heading(f"--mount {key_doc.name}" + (f"={key_doc.placeholder}" if key_doc.placeholder else "")),
            _text(key_doc.summary),
        ]  # fmt: skip
        if key_doc.aliases:
            blocks.append(
                _text("Also written " + ", ".join(f"`{a}`" for a in key_doc.aliases) + ".")
            )
        if key_doc.values and key_doc.name != "type":
            blocks.append(_list(*(f"{code(v.value)}: {v.summary}" for v in key_doc.values)))
        if kind in reference.MOUNT_TYPES and kind not in key_doc.used_by:
            blocks.append(_text(f"Has no effect on a `type={kind}` mount (used by "
                                f"{', '.join(key_doc.used_by)})."))  # fmt: skip
        return _Found(Span(start, start + len(key)), tuple(blocks))
    return None


# -- stages and images ---------------------------------------------------------------------------


def _from_word(doc: Dockerfile, ins: Instruction, offset: int) -> _Found | None:
    stage = doc.stage_of(ins)
    words = ins.words
    if stage is None or not words:
        return None
    if words[0].span.contains(offset):
        return _Found(words[0].span, _base_blocks(doc, stage))
    if len(words) >= 3 and words[2].span.contains(offset):
        return _Found(words[2].span, _stage_blocks(doc, stage))
    return None


def _stage_blocks(doc: Dockerfile, stage: Stage) -> tuple[Block, ...]:
    name = stage.name_token.value if stage.name_token else f"#{stage.index}"
    line = doc.source.line_of(stage.from_instruction.span.start)
    base = stage.base.value if stage.base else "?"
    final = stage is doc.stages[-1]
    blocks = [
        _heading(f"Stage {name}"),
        _text(f"Stage {stage.index} on {_line(line)}: `FROM {base}`"
              + (" (the last stage: what the build produces by default)." if final else ".")),
    ]  # fmt: skip
    users = _stage_users(doc, stage)
    if users:
        blocks.append(_text("Used by " + ", ".join(users) + "."))
    elif not final:
        blocks.append(_text("No other stage uses it: a default build skips it."))
    return tuple(blocks)


def _stage_users(doc: Dockerfile, stage: Stage) -> list[str]:
    names = {str(stage.index)}
    if stage.name is not None:
        names.add(stage.name)
    users = []
    for other in doc.stages:
        if other.index <= stage.index:
            continue
        if other.base is not None and other.base.value.lower() in names:
            users.append(f"FROM on {_line(doc.source.line_of(other.base.span.start))}")
        for ins in other.instructions:
            for flag in ins.flags:
                value = (flag.value or "").lower()
                hit = flag.name == "from" and value in names
                if flag.name == "mount" and "from=" in value:
                    hit = any(p.partition("=")[2] in names for p in value.split(",")
                              if p.startswith("from="))  # fmt: skip
                if hit:
                    where = _line(doc.source.line_of(flag.span.start))
                    users.append(f"{ins.keyword} --{flag.name} on {where}")
    return users


def _base_blocks(doc: Dockerfile, stage: Stage) -> tuple[Block, ...]:
    info = stage_infos(doc)[stage.index]
    if info.parent is not None:
        return _stage_blocks(doc, info.parent)
    token = stage.base
    assert token is not None
    blocks: list[Block] = []
    if info.resolved_base is None:
        return (
            _heading(token.value),
            _text("Depends on build arguments without a default: the image is chosen at "
                  "build time."),
        )  # fmt: skip
    if info.resolved_base != token.value:
        blocks.append(_text(f"With the default build arguments: {code(info.resolved_base)}."))
    image = info.image
    if image is None:
        return (_heading(token.value), *blocks, _text("Not a valid image reference."))
    return (_heading(_image_name(image)), *blocks, *_image_blocks(image))


def _image_name(image: ImageRef) -> str:
    name = image.full_name
    if image.tag:
        name += f":{image.tag}"
    if image.digest:
        name += f"@{image.digest[:19]}…"
    return name


def _image_blocks(image: ImageRef) -> tuple[Block, ...]:
    from ..analysis.rules.base_image import lighter_alternatives

    if image.is_scratch:
        return (_text("The empty image: no shell, no files, no users; for static binaries."),)
    facts = image_facts(image)
    if not facts.known and facts.os is None:
        return (_text("Nothing is known offline about this image."),)
    items = []
    if facts.os is not None:
        variant = facts.os + (" (BusyBox tools)" if facts.busybox else "")
        items.append(f"Distribution: {variant}")
    if facts.shell is not None:
        items.append("Shell: /bin/sh" if facts.shell else "No /bin/sh: RUN needs the exec form")
    if facts.package_manager is not None:
        items.append(f"Package manager: {facts.package_manager}")
    elif facts.shell is False or facts.os in ("distroless", "scratch"):
        items.append("Package manager: none")
    if facts.compilers is not None:
        items.append("Compilers: yes" if facts.compilers else "Compilers: none")
    if facts.users:
        items.append("Non-root users: " + ", ".join(sorted(facts.users)))
    if facts.runs_as_nonroot:
        items.append("Runs as a non-root user by default")
    if facts.entrypoint_drops:
        items.append("Its entrypoint starts as root and switches to the service's user")
    if facts.tools:
        items.append("Tools: " + ", ".join(sorted(facts.tools)))
    if facts.artifacts_only:
        items.append("Holds only files: copy from it, do not run it")
    blocks: list[Block] = [_list(*items)] if items else []
    if facts.slim_difference:
        blocks.append(_text(f"Compared with the slim variant it adds {facts.slim_difference}."))
    alternatives = lighter_alternatives(image)
    if alternatives:
        blocks.append(_text("Lighter for running: " + "; ".join(code(a) if ":" in a and " " not in a else a for a in alternatives) + "."))  # fmt: skip
    if facts.pin_by == "digest":
        blocks.append(_text("Has no version tags to pin: pin it by digest."))
    return tuple(blocks)


# -- variables -----------------------------------------------------------------------------------


def _variable_blocks(
    doc: Dockerfile, scopes: Scopes, outer: Instruction, ins: Instruction, ref: Reference
) -> tuple[Block, ...]:
    name = ref.name
    lookup = scopes.lookup(outer, name)
    blocks = [_heading(f"${name}")]
    if ref.literal:
        blocks.append(_text("Not expanded: the exec form passes the text to the program as is "
                            "(no shell)."))  # fmt: skip
        return tuple(blocks)
    blocks.extend(_origin_blocks(lookup))
    if ref.text not in (f"${name}", f"${{{name}}}"):
        env = {k: v.value for k, v in scopes.at(outer).items()}
        whole = expand(ref.text, env, doc.escape)
        blocks.append(_text(f"{code(ref.text)} is " + (code(whole) if whole is not None else "known only at build time") + "."))  # fmt: skip
    var = lookup.variable
    if ins.keyword in RUNTIME and var is not None and var.kind != "ENV":
        blocks.append(_text(f"{ins.keyword} runs in the container, whose environment has ENV "
                            "values only: an ARG is not there."))  # fmt: skip
    elif ins.keyword in SHELL_EXPANDED and var is not None:
        blocks.append(_text("The shell expands it when the command runs."))
    return tuple(blocks)


def _origin_blocks(lookup: Lookup) -> list[Block]:
    var = lookup.variable
    name = lookup.name
    if var is None:
        if lookup.hidden == "global" and lookup.hidden_variable is not None:
            return [_text(f"Not set here: the global ARG on {_line(lookup.hidden_variable.line)} "
                          f"is visible only to FROM lines. Add `ARG {name}` in this stage to "
                          "use it.")]  # fmt: skip
        if lookup.hidden == "platform":
            platform = reference.PREDEFINED_ARGS[name]
            return [_text(f"Predefined by BuildKit ({platform.summary}), but not declared in this "
                          f"stage: add `ARG {name}` before using it here.")]  # fmt: skip
        return [_text("Not set in this Dockerfile: empty unless the base image's environment "
                      "defines it.")]  # fmt: skip
    lines = []
    if var.kind == "predefined":
        arg = reference.PREDEFINED_ARGS.get(name)
        lines.append(_text("Predefined by BuildKit" + (f": {arg.summary}" if arg else ".")))
        if arg is not None and arg.example:
            lines.append(_text(f"For example `{arg.example}`; the value depends on the build."))
        return lines
    lines.append(_text(_value_text(var)))
    where = f"{var.kind} on {_line(var.line)}"
    if var.scope == "global":
        where = f"global {where}"
    elif var.scope == "inherited" and var.stage is not None:
        stage = var.stage.name_token.value if var.stage.name_token else f"#{var.stage.index}"
        where += f", in stage {stage} (inherited through FROM)"
    lines.append(_text(f"Set by {where}."))
    if var.global_default is not None:
        lines.append(_text(f"Default from the global ARG on {_line(var.global_default.line)}."))
    elif var.kind == "ARG" and not var.has_default and name in reference.PREDEFINED_ARGS:
        lines.append(_text(f"Predefined by BuildKit: {reference.PREDEFINED_ARGS[name].summary}"))
    return lines


def _value_text(var: Variable) -> str:
    if var.value is not None:
        return f"Value: {code(var.value)}" if var.value else "Value: empty"
    if var.kind == "ARG" and not var.has_default and var.global_default is None:
        if var.name in reference.PREDEFINED_ARGS:
            return "Value: set by BuildKit for each build"
        return "Value: empty unless the build passes --build-arg"
    return "Value: known only at build time"


def _declaration_blocks(
    doc: Dockerfile, scopes: Scopes, ins: Instruction, pair: KeyValue
) -> tuple[Block, ...]:
    name = pair.key.value
    var = _scope_after(doc, scopes, ins).get(name)
    blocks = [_heading(f"{ins.keyword} {name}")]
    if var is None:
        return tuple(blocks)
    if var.pair is not pair and var.kind == "ENV" and ins.keyword == "ARG":
        blocks.append(_text(f"No effect on `${name}`: the ENV on {_line(var.line)} wins over "
                            "an ARG of the same name."))  # fmt: skip
        return tuple(blocks)
    blocks.append(_text(_value_text(var)))
    if var.global_default is not None:
        blocks.append(_text("Takes its default from the global ARG on "
                            f"{_line(var.global_default.line)}."))  # fmt: skip
    elif var.scope == "global":
        blocks.append(_text("A global ARG: FROM lines can use it; a stage must declare "
                            f"`ARG {name}` to see it."))  # fmt: skip
    if ins.keyword == "ARG" and name in reference.PREDEFINED_ARGS:
        blocks.append(_text(f"Predefined by BuildKit: {reference.PREDEFINED_ARGS[name].summary}"))
    return tuple(blocks)


def _scope_after(doc: Dockerfile, scopes: Scopes, ins: Instruction) -> dict[str, Variable]:
    """The variables right after ``ins``."""
    stage = doc.stage_of(ins)
    if stage is None:
        return global_scope(doc, ins.span.end + 1)
    for index, other in enumerate(stage.instructions):
        if other is ins and index + 1 < len(stage.instructions):
            return scopes.at(stage.instructions[index + 1])
    return scopes.end_of(stage)
