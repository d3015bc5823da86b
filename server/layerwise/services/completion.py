"""Completion: what may be typed at a position of a Dockerfile.

:func:`complete` takes the parsed document and a code-point offset and returns the
candidates for the word being typed there, each with the code-point range it replaces:
instruction keywords, flags and their values, ``--mount`` keys, stage names, variables
in scope, parser directives, rule codes in ignore comments, base images and tags from
the offline image table, and file names of the build context. Everything comes from
the model and the reference tables; the only I/O is listing the build context through
:class:`ContextFiles`, and only when a COPY/ADD source is being typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from ..analysis.context import Project
from ..analysis.dockerignore import IgnoreMatcher
from ..analysis.facts import clean_path, parse_image
from ..analysis.images import COMMON_TAGS, TABLE, image_facts
from ..analysis.safefs import read_text
from ..syntax.model import Dockerfile, Instruction, Stage
from . import completion_data as data
from .variables import Scopes, Variable, global_scope


class Kind(str, Enum):
    """What a candidate is (the LSP layer picks the icon)."""

    KEYWORD = "keyword"
    FLAG = "flag"
    VALUE = "value"
    STAGE = "stage"
    VARIABLE = "variable"
    IMAGE = "image"
    TAG = "tag"
    FILE = "file"
    FOLDER = "folder"
    DIRECTIVE = "directive"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class Completion:
    """One candidate: ``insert`` (or ``snippet``) replaces ``[start, end)``."""

    label: str
    kind: Kind
    start: int
    end: int  # the cursor
    insert: str
    #: The same text as an LSP snippet (``${1:name}`` placeholders), when it has any.
    snippet: str | None = None
    detail: str | None = None
    documentation: str | None = None  # Markdown
    #: The end of the word under the cursor, for clients that replace the whole word.
    word_end: int | None = None
    filter: str | None = None
    deprecated: bool = False
    #: Accepting it leaves the cursor where more can be completed (``--mount=``).
    retrigger: bool = False


@dataclass(frozen=True, slots=True)
class Completions:
    items: tuple[Completion, ...] = ()
    #: The list was cut short (a large folder): ask again as the user types more.
    incomplete: bool = False


#: Most entries listed from one folder of the build context.
MAX_ENTRIES = 200
#: The largest ``.dockerignore`` read (anything bigger is not a real ignore file).
_MAX_IGNORE_BYTES = 1 << 20

_WS = " \t\v\f\u0085\u00a0"
_DIRECTIVE_LINE = re.compile(r"#[ \t\f]*([a-zA-Z][a-zA-Z0-9]*)[ \t\f]*=[ \t\f]*(.+?)[ \t\f]*$")
_NAME_CHARS = re.compile(r"[A-Za-z0-9_]*$")
_PRAGMA_HEAD = re.compile(
    r"^#\s*(?P<tool>layerwise\s*:|hadolint)\s*(?:(?:global|stage)\s+)?ignore\s*=\s*"
    r"(?P<codes>[A-Za-z0-9_,\- \t]*)$",
    re.I,
)
_CHECK_HEAD = re.compile(r"^#\s*check\s*=\s*(?P<value>[^\n]*)$", re.I)


# -- build context ------------------------------------------------------------------------


class ContextFiles:
    """The build context's files for COPY/ADD sources: a folder listed through a
    :class:`Project` (so never outside the workspace), with ``.dockerignore`` applied,
    symlinks leading out of the context left out, and at most :data:`MAX_ENTRIES` names."""

    def __init__(self, project: Project, context: Path, dockerfile: Path | None = None) -> None:
        self.project = project
        self.context = context
        self.dockerfile = dockerfile
        self._ignore: IgnoreMatcher | None | bool = False  # False: not read yet

    @property
    def ignore(self) -> IgnoreMatcher | None:
        if self._ignore is False:
            self._ignore = self._load_ignore()
        return self._ignore  # type: ignore[return-value]

    def _load_ignore(self) -> IgnoreMatcher | None:
        candidates = [self.context / ".dockerignore"]
        if self.dockerfile is not None:
            candidates.insert(0, self.dockerfile.parent / f"{self.dockerfile.name}.dockerignore")
        for candidate in candidates:
            text = read_text(candidate, getattr(self.project, "root", None), _MAX_IGNORE_BYTES)
            if text is None:
                continue
            return IgnoreMatcher.parse(candidate, text)
        return None

    def entries(self, folder: str, prefix: str) -> tuple[list[tuple[str, bool]], bool]:
        """(name, is_folder) in ``folder`` (relative to the context, ``/``-separated)
        whose names start with ``prefix``, sorted; and whether the list was cut short."""
        relative = clean_path(folder) if folder else "."
        if relative == ".." or relative.startswith("../") or relative.startswith("/"):
            return [], False
        directory = self.context if relative == "." else self.context / relative
        names = self.project.list_dir(directory)
        if not names:
            return [], False
        try:
            context = self.context.resolve()
        except OSError:
            return [], False
        ignore = self.ignore
        lowered = prefix.lower()
        found: list[tuple[str, bool]] = []
        for name in sorted(names):
            if not name.lower().startswith(lowered):
                continue
            path = directory / name
            try:
                if path.is_symlink():
                    target = path.resolve()
                    if target != context and context not in target.parents:
                        continue
                is_folder = path.is_dir()
            except OSError:
                continue
            member = name if relative == "." else f"{relative}/{name}"
            excluded = ignore is not None and ignore.decide(member) is not None
            if excluded and not (is_folder and ignore.may_reinclude_below(member)):  # type: ignore[union-attr]
                continue
            found.append((name, is_folder))
            if len(found) > MAX_ENTRIES:
                return found[:MAX_ENTRIES], True
        return found, False


# -- entry point ------------------------------------------------------------------------


def complete(
    doc: Dockerfile,
    offset: int,
    *,
    snippets: bool = False,
    files: ContextFiles | None = None,
) -> Completions:
    """The candidates for the word at ``offset`` (a code-point offset into ``doc.text``).

    ``snippets``: the client accepts snippet syntax (keyword templates with
    placeholders); ``files``: the build context, for COPY/ADD sources.
    """
    text = doc.text
    offset = max(0, min(offset, len(text)))
    source = doc.source
    line = source.line_of(offset)
    line_start = source.line_start(line)
    if line == 0 and text.startswith("\ufeff"):
        line_start = min(1, offset)
    before = text[line_start:offset]
    stripped = before.lstrip(_WS)
    request = _Request(doc, offset, snippets, files)

    ins = doc.instruction_at(offset)
    if ins is not None:
        heredoc = _in_heredoc(ins, offset)
        if heredoc is not None:
            if heredoc:  # an expanding body: variables only
                return request.variables_in_word(before, ins)
            return Completions()
    if stripped.startswith("#"):
        if ins is not None:
            return Completions()  # a comment inside a continued instruction
        return request.comment(line, stripped)
    if ins is None:
        if stripped:
            return Completions()
        return request.keywords(offset, None)
    logical = _logical_prefix(doc, ins, line, offset)
    return request.instruction(ins, logical)


# -- locating the cursor ------------------------------------------------------------------


def _in_heredoc(ins: Instruction, offset: int) -> bool | None:
    """``None`` outside any heredoc body or terminator; else whether variables expand in
    the body."""
    target = ins.trigger if ins.trigger is not None else ins
    for heredoc in target.heredocs:
        end = heredoc.terminator.end if heredoc.terminator is not None else None
        if heredoc.body.start <= offset and (end is None or offset <= end):
            if heredoc.terminator is not None and offset >= heredoc.terminator.start:
                return False
            # A RUN script's own ``$NAME`` expands when the shell runs it, quoted or not.
            return heredoc.expand or target.keyword == "RUN"
    return None


def _logical_prefix(doc: Dockerfile, ins: Instruction, line: int, offset: int) -> str:
    """The instruction's text from its keyword to the cursor as one logical line:
    line continuations removed, comment and blank lines inside them skipped."""
    source = doc.source
    text = doc.text
    continuation = re.compile(rf"(?<!{re.escape(doc.escape)}){re.escape(doc.escape)}[ \t]*$")
    parts: list[str] = []
    for number in range(ins.start_line, line + 1):
        start = ins.span.start if number == ins.start_line else source.line_start(number)
        end = offset if number == line else source.line_end(number)
        content = text[start:end]
        if number != ins.start_line and number != line:
            lead = content.lstrip(_WS)
            if not lead or lead.startswith("#"):
                continue
        if number != line:
            match = continuation.search(content)
            if match:
                content = content[: match.start()]
        parts.append(content)
    return "".join(parts)


@dataclass
class _Word:
    start: int  # in the logical text
    raw: str


def _words(logical: str, escape: str) -> tuple[list[_Word], bool]:
    """Whitespace-separated words (quotes kept) and whether the last one is still being
    typed (no whitespace after it)."""
    words: list[_Word] = []
    i, n = 0, len(logical)
    while i < n:
        while i < n and logical[i] in _WS:
            i += 1
        if i >= n:
            return words, False
        start = i
        quote = ""
        while i < n:
            c = logical[i]
            if quote:
                if c == quote:
                    quote = ""
                elif c == escape and quote != "'":
                    i += 1
            elif c in _WS:
                break
            elif c in "'\"":
                quote = c
            elif c == escape:
                i += 1
            i += 1
        words.append(_Word(start, logical[start:i]))
    return words, bool(words)


def _keyword_style(doc: Dockerfile) -> bool:
    """Keywords are written in lower case in this file (upper case is the default)."""
    lower = upper = 0
    for ins in doc.instructions:
        raw = ins.keyword_raw
        if raw.islower():
            lower += 1
        elif raw.isupper():
            upper += 1
    return lower > upper


# -- the request ----------------------------------------------------------------------------


@dataclass
class _Request:
    doc: Dockerfile
    offset: int
    snippets: bool
    files: ContextFiles | None
    _lower: bool | None = field(default=None)

    @property
    def lower(self) -> bool:
        if self._lower is None:
            self._lower = _keyword_style(self.doc)
        return self._lower

    def word_end(self, stop: str = "") -> int:
        """End of the word continuing after the cursor (up to whitespace or ``stop``)."""
        text = self.doc.text
        end = self.offset
        while end < len(text) and text[end] not in _WS and text[end] not in "\r\n" + stop:
            end += 1
        return end

    def item(
        self, label: str, kind: Kind, typed: str, insert: str | None = None, **extra: object
    ) -> Completion:
        """A candidate replacing ``typed``, the text just before the cursor."""
        # A word split by a line continuation: replace only its part on this line.
        source = self.doc.source
        start = max(self.offset - len(typed), source.line_start(source.line_of(self.offset)))
        extra.setdefault("word_end", self.word_end())
        return Completion(
            label=label,
            kind=kind,
            start=start,
            end=self.offset,
            insert=label if insert is None else insert,
            **extra,  # type: ignore[arg-type]
        )

    # -- keywords -------------------------------------------------------------------------
    def keywords(
        self, start: int, ins: Instruction | None, *, trigger: bool = False
    ) -> Completions:
        """Instruction keywords replacing ``doc.text[start:offset]``."""
        typed = self.doc.text[start : self.offset]
        word_end = self.word_end()
        line_end = self.doc.source.line_end(self.doc.source.line_of(self.offset))
        # Templates with arguments only where nothing follows on the line.
        bare = not self.doc.text[word_end:line_end].strip(_WS)
        allowed = _allowed_keywords(self.doc, ins if ins is not None else self.offset, trigger)
        items: list[Completion] = []
        for keyword, summary in data.instructions():
            if keyword not in allowed:
                continue
            written = keyword.lower() if self.lower else keyword
            for label, template in data.keyword_templates(keyword):
                shown = label.lower() if self.lower else label
                plain = f"{written} "
                snippet = None
                if self.snippets and bare and template is not None:
                    snippet = _cased_template(template, self.lower)
                elif label != keyword:
                    continue  # a variant exists only as a template
                items.append(
                    self.item(
                        shown,
                        Kind.KEYWORD,
                        typed,
                        plain if bare else written,
                        snippet=snippet,
                        documentation=summary,
                        filter=written,
                        word_end=word_end,
                        deprecated=keyword in data.DEPRECATED_INSTRUCTIONS,
                    )
                )
        return Completions(tuple(items))

    # -- instructions ---------------------------------------------------------------------
    def instruction(self, ins: Instruction, logical: str) -> Completions:
        words, typing = _words(logical, self.doc.escape)
        if not words or (len(words) == 1 and typing):
            start = self.offset - (len(words[0].raw) if words else 0)
            return self.keywords(start, ins)
        keyword = words[0].raw.upper()
        args = words[1:]
        target = ins
        if keyword == "ONBUILD":
            if len(args) == 0 or (len(args) == 1 and typing):
                start = self.offset - (len(args[0].raw) if args else 0)
                return self.keywords(start, ins, trigger=True)
            keyword = args[0].raw.upper()
            args = args[1:]
            target = ins.trigger if ins.trigger is not None else ins
        partial = args[-1].raw if typing and args else ""
        done = args[:-1] if typing and args else args
        flags = []
        for word in done:
            if not word.raw.startswith("--"):
                break
            flags.append(word.raw)
        in_flags = len(flags) == len(done)
        position = len(done) - len(flags)

        variables = self.variables_in_word(partial, target, keyword=keyword)
        if variables.items:
            return variables
        if in_flags and partial.startswith("-"):
            return self.flag(keyword, partial, flags, target)
        exec_form = bool(done[len(flags) :]) and done[len(flags)].raw.startswith("[")
        if exec_form or partial.startswith("["):
            return Completions()
        return self.argument(keyword, position, partial, flags, target)

    def argument(
        self,
        keyword: str,
        position: int,
        partial: str,
        flags: list[str],
        ins: Instruction,
    ) -> Completions:
        if keyword == "FROM":
            if position == 0:
                return self.base_images(partial, ins)
            if position == 1:
                word = "as" if self.lower else "AS"
                return Completions(
                    (self.item(word, Kind.KEYWORD, partial, f"{word} ", documentation=data.AS_DOC),)
                )
            return Completions()
        if keyword in ("COPY", "ADD"):
            if any(f.startswith("--from=") for f in flags) or self.files is None:
                return Completions()
            if partial.startswith(("http://", "https://", "git@")) or "$" in partial:
                return Completions()
            if position > 0 and partial.startswith("/"):
                return Completions()  # most likely the destination, in the image
            return self.paths(partial)
        if keyword == "HEALTHCHECK" and position == 0:
            modes = [(m.lower() if self.lower else m, doc) for m, doc in data.HEALTHCHECK_MODES]
            return self.words(partial, modes)
        if keyword == "STOPSIGNAL" and position == 0:
            return self.words(partial, data.SIGNALS)
        if keyword == "ARG" and position == 0 and "=" not in partial:
            return self.arg_names(partial, ins)
        return Completions()

    def words(
        self, partial: str, choices: Iterable[tuple[str, str | None]], kind: Kind = Kind.VALUE
    ) -> Completions:
        return Completions(
            tuple(self.item(label, kind, partial, documentation=doc) for label, doc in choices)
        )

    # -- flags ----------------------------------------------------------------------------
    def flag(self, keyword: str, partial: str, used: list[str], ins: Instruction) -> Completions:
        name, equals, value = (
            partial[2:].partition("=") if partial.startswith("--") else ("", "", "")
        )
        if not equals:
            taken = {word[2:].partition("=")[0] for word in used}
            items = []
            for flag, summary, takes_value in data.flags(keyword):
                if flag in taken and not data.repeatable(keyword, flag):
                    continue
                insert = f"--{flag}=" if takes_value else f"--{flag}"
                items.append(
                    self.item(
                        f"--{flag}",
                        Kind.FLAG,
                        partial,
                        insert,
                        documentation=summary,
                        retrigger=takes_value,
                        word_end=self.word_end(),
                    )
                )
            return Completions(tuple(items))
        if keyword == "RUN" and name == "mount":
            return self.mount(value, ins)
        if name == "from" and keyword == "COPY":
            return self.stages(value, ins)
        return self.words(value, data.flag_values(keyword, name))

    def mount(self, value: str, ins: Instruction) -> Completions:
        """``--mount=type=cache,target=…``: keys for the mount's type, then their values."""
        fields = value.split(",")
        current = fields[-1]
        given = {}
        for part in fields[:-1]:
            key, _, val = part.partition("=")
            given[key.strip().lower()] = val
        mount_type = given.get("type", "bind").lower()
        key, equals, val = current.partition("=")
        key = key.lower()
        if not equals:
            items = []
            if "type" not in given:
                items.append(
                    self.item(
                        "type=",
                        Kind.FLAG,
                        current,
                        documentation=data.mount_key_doc("type"),
                        retrigger=True,
                        word_end=self.word_end(","),
                    )
                )
            for name, summary, takes_value in data.mount_keys(mount_type):
                if name in given or name == "type":
                    continue
                items.append(
                    self.item(
                        f"{name}=" if takes_value else name,
                        Kind.FLAG,
                        current,
                        documentation=summary,
                        retrigger=takes_value,
                        word_end=self.word_end(","),
                    )
                )
            return Completions(tuple(items))
        if key == "from":
            return self.stages(val, ins, stop=",")
        if key in ("source", "src") and mount_type == "bind" and "from" not in given:
            return self.paths(val, stop=",")  # a folder or file of the build context
        choices = data.mount_types() if key == "type" else data.mount_values(mount_type, key)
        return Completions(
            tuple(
                self.item(label, Kind.VALUE, val, documentation=doc, word_end=self.word_end(","))
                for label, doc in choices
            )
        )

    # -- stages and images -----------------------------------------------------------------
    def stages(self, partial: str, ins: Instruction, stop: str = "") -> Completions:
        """Named stages before the one ``ins`` belongs to (a stage can use only those)."""
        current = self.doc.stage_of(ins)
        limit = current.index if current is not None else len(self.doc.stages)
        items = []
        for stage in self.doc.stages[:limit]:
            if stage.name_token is None:
                continue
            items.append(
                self.item(
                    stage.name_token.value,
                    Kind.STAGE,
                    partial,
                    detail=_stage_detail(stage),
                    word_end=self.word_end(stop),
                )
            )
        return Completions(tuple(items))

    def base_images(self, partial: str, ins: Instruction) -> Completions:
        if "@" in partial:
            return Completions()
        name, colon, tag = partial.partition(":")
        if colon and "/" not in tag:
            return self.tags(name, tag, ins)
        stages = self.stages(partial, ins)
        used = []
        for stage in self.doc.stages:
            if stage.base is not None and stage.from_instruction is not ins:
                ref = parse_image(stage.base.value)
                if ref is not None and self.doc.stage_named(stage.base.value) is None:
                    used.append(_display_name(stage.base.value))
        items = list(stages.items)
        seen = {item.label for item in items}
        for image in [*used, *known_images()]:
            if image in seen:
                continue
            seen.add(image)
            items.append(
                self.item(image, Kind.IMAGE, partial, detail=_image_detail(image), retrigger=False)
            )
        return Completions(tuple(items))

    def tags(self, name: str, typed: str, ins: Instruction) -> Completions:
        """Tags for ``name``: those this file already uses, then the table's common ones."""
        found: list[str] = []
        for stage in self.doc.stages:
            if stage.base is None or stage.from_instruction is ins:
                continue
            ref = parse_image(stage.base.value)
            if (
                ref is not None
                and ref.tag
                and _display_name(stage.base.value).split(":")[0] == name
            ):
                found.append(ref.tag)
        found.extend(common_tags(name))
        items = []
        for tag in dict.fromkeys(found):
            items.append(
                self.item(
                    tag,
                    Kind.TAG,
                    typed,
                    detail=_image_detail(f"{name}:{tag}"),
                    word_end=self.word_end(),
                )
            )
        return Completions(tuple(items))

    # -- variables --------------------------------------------------------------------------
    def variables_in_word(
        self, partial: str, ins: Instruction, keyword: str | None = None
    ) -> Completions:
        """Variable names when the cursor follows ``$`` or ``${`` (plus a partial name)."""
        name_part = _NAME_CHARS.search(partial)
        typed = name_part.group() if name_part else ""
        head = partial[: len(partial) - len(typed)]
        braced = head.endswith("${")
        if not (braced or head.endswith("$")):
            return Completions()
        dollar = len(head) - (2 if braced else 1)
        if dollar > 0 and head[dollar - 1] in (self.doc.escape, "$"):
            return Completions()
        if typed[:1].isdigit():
            return Completions()
        closing = braced and self.doc.text[self.word_end("}") : self.word_end("}") + 1] != "}"
        items = []
        for name, detail, documentation in self.scope(ins, keyword or ins.keyword):
            items.append(
                self.item(
                    name,
                    Kind.VARIABLE,
                    typed,
                    f"{name}}}" if closing else name,
                    detail=detail,
                    documentation=documentation,
                    word_end=self.word_end("}/:-+,=$\"'"),
                )
            )
        return Completions(tuple(items))

    def scope(self, ins: Instruction, keyword: str) -> list[tuple[str, str, str | None]]:
        """(name, detail, documentation) of the variables the builder expands in ``ins``,
        as BuildKit scopes them (see :mod:`.variables`): declared ones first, then the
        predefined ones (platform ARGs in FROM, proxy settings in RUN)."""
        scope = dict(Scopes(self.doc).at(ins))
        if keyword == "RUN":  # the proxy settings reach RUN undeclared
            for name in data.PROXY_ARGS:
                if name.isupper():
                    scope.setdefault(name, Variable(name, None, "predefined", "predefined"))
        declared = sorted(
            (name, _variable_detail(var), data.predefined_doc(name))
            for name, var in scope.items()
            if var.kind != "predefined"
        )
        predefined = sorted(
            (name, "predefined ARG", data.predefined_doc(name))
            for name, var in scope.items()
            if var.kind == "predefined"
        )
        return declared + predefined

    def arg_names(self, partial: str, ins: Instruction) -> Completions:
        """``ARG |``: in a stage, the global ARGs it may declare again; then the
        predefined ARGs."""
        items = []
        seen = set()
        if ins not in self.doc.preamble:
            for name, var in global_scope(self.doc).items():
                if var.kind != "ARG":
                    continue
                seen.add(name)
                detail = _variable_detail(var)
                items.append(self.item(name, Kind.VARIABLE, partial, detail=detail))
        for name, doc_ in data.predefined_args():
            if name not in seen:
                items.append(
                    self.item(
                        name, Kind.VARIABLE, partial, detail="predefined ARG", documentation=doc_
                    )
                )
        return Completions(tuple(items))

    # -- build context ------------------------------------------------------------------
    def paths(self, partial: str, stop: str = "") -> Completions:
        if self.files is None or any(c in partial for c in "*?[\"'"):
            return Completions()
        folder, slash, name = partial.rpartition("/")
        if slash and not folder:
            folder = "."
        entries, truncated = self.files.entries(folder.lstrip("/") or ".", name)
        items = []
        for entry, is_folder in entries:
            items.append(
                self.item(
                    f"{entry}/" if is_folder else entry,
                    Kind.FOLDER if is_folder else Kind.FILE,
                    name,
                    word_end=self.word_end("/" + stop),
                    retrigger=is_folder,
                )
            )
        return Completions(tuple(items), incomplete=truncated)

    # -- comments -------------------------------------------------------------------------
    def comment(self, line: int, stripped: str) -> Completions:
        top = _in_directive_block(self.doc, line)
        if top:
            found = self.directive(stripped)
            if found is not None:
                return found
        check = _CHECK_HEAD.match(stripped)
        if check is not None:
            return self.check_value(check.group("value"))
        pragma = _PRAGMA_HEAD.match(stripped)
        if pragma is not None:
            hadolint = pragma.group("tool").lower().startswith("hadolint")
            return self.rule_codes(pragma.group("codes"), hadolint)
        body = stripped[1:].lstrip()
        if re.fullmatch(r"[A-Za-z]*", body):
            return self.pragma_openings(body, directives=top)
        scope = re.fullmatch(r"(?i:layerwise\s*:\s*|hadolint\s+)(?P<word>[a-z]*)", body)
        if scope is not None:
            return self.words(scope.group("word"), data.PRAGMA_SCOPES, Kind.DIRECTIVE)
        return Completions()

    def pragma_openings(self, typed: str, directives: bool) -> Completions:
        """``# |``: the parser directives (at the top of the file) and ignore comments."""
        items: list[Completion] = []
        if directives:
            present = {d.key for d in self.doc.directives}
            items.extend(
                self.item(f"{name}=", Kind.DIRECTIVE, typed, documentation=doc, retrigger=True)
                for name, doc in data.directives()
                if name not in present
            )
        for label, doc in data.PRAGMAS:
            if directives and label.startswith("check="):
                continue  # at the top, ``check=`` is the file-wide directive above
            items.append(self.item(label, Kind.DIRECTIVE, typed, documentation=doc, retrigger=True))
        return Completions(tuple(items))

    def directive(self, stripped: str) -> Completions | None:
        body = stripped[1:].lstrip(" \t\f")
        key, equals, value = body.partition("=")
        key = key.rstrip(" \t\f")
        if not equals:
            return None
        key = key.lower()
        value = value.lstrip(" \t\f")
        if key == "syntax":
            return self.words(value, data.directive_values("syntax"))
        if key == "escape":
            return self.words(value, data.directive_values("escape"))
        if key == "check":
            return self.check_value(value)
        return None

    def check_value(self, value: str) -> Completions:
        """``check=skip=A,B;error=true``: the two keys, check names and true/false."""
        current = value.rpartition(";")[2].lstrip()
        key, equals, rest = current.partition("=")
        if not equals:
            return self.words(key, data.check_keys(), Kind.DIRECTIVE)
        key = key.strip().lower()
        if key == "error":
            return self.words(rest, data.BOOLEANS)
        if key not in ("skip", "experimental"):
            return Completions()
        typed = rest.rpartition(",")[2].lstrip()
        chosen = {part.strip() for part in rest.split(",")[:-1]}
        end = self.word_end(",;")
        every = "Every check." if key == "skip" else "Every experimental check."
        items = [self.item("all", Kind.VALUE, typed, documentation=every, word_end=end)]
        for name, summary in data.check_names(True if key == "experimental" else None):
            if name not in chosen:
                items.append(self.item(name, Kind.RULE, typed, documentation=summary, word_end=end))
        return Completions(tuple(items))

    def rule_codes(self, codes: str, hadolint: bool) -> Completions:
        typed = re.split(r"[,\s]", codes)[-1]
        chosen = {c.upper() for c in re.split(r"[,\s]+", codes)[:-1] if c}
        items = []
        for label, detail, summary in data.rule_selectors(hadolint):
            if label.upper() in chosen:
                continue
            items.append(
                self.item(
                    label,
                    Kind.RULE,
                    typed,
                    detail=detail,
                    documentation=summary,
                    word_end=self.word_end(","),
                )
            )
        return Completions(tuple(items))


# -- helpers ----------------------------------------------------------------------------------


def _allowed_keywords(doc: Dockerfile, where: Instruction | int, trigger: bool) -> frozenset[str]:
    """Keywords valid here: ARG and FROM before the first stage, no ONBUILD/FROM after ONBUILD."""
    everything = frozenset(keyword for keyword, _ in data.instructions())
    if trigger:
        return everything - {"ONBUILD", "FROM", "MAINTAINER"}
    offset = where.span.start if isinstance(where, Instruction) else where
    first = doc.stages[0].from_instruction.span.start if doc.stages else None
    if first is None or offset <= first:
        return frozenset({"ARG", "FROM"})
    return everything


def _in_directive_block(doc: Dockerfile, line: int) -> bool:
    """Every line above ``line`` is a parser directive (so a directive may go here)."""
    source = doc.source
    for number in range(line):
        content = source.line_text(number).lstrip("\ufeff").lstrip(_WS)
        match = _DIRECTIVE_LINE.match(content)
        if match is None or match.group(1).lower() not in data.DIRECTIVE_KEYS:
            return False
    return True


def _cased_template(template: str, lower: bool) -> str:
    if not lower:
        return template
    keyword, _, rest = template.partition(" ")
    return f"{keyword.lower()} {rest.replace(' AS ', ' as ')}" if rest else keyword.lower()


def _variable_detail(var: Variable) -> str:
    """``ENV = /app``, ``global ARG = 3.12``, ``ENV from stage base``…"""
    if var.scope == "global":
        kind = "global ARG"
    elif var.scope == "inherited" and var.stage is not None:
        name = var.stage.name_token.value if var.stage.name_token else str(var.stage.index)
        kind = f"ENV from stage {name}"
    else:
        kind = var.kind
    if var.pair is not None and var.pair.value is not None:
        return f"{kind} = {var.pair.value.raw}"
    if var.global_default is not None and var.global_default.pair is not None:
        default = var.global_default.pair.value
        return f"{kind}, global default = {default.raw}" if default else f"{kind}, global"
    if var.kind == "ARG" and data.predefined_doc(var.name) is not None:
        return "ARG, predefined"
    return kind


def _stage_detail(stage: Stage) -> str:
    base = stage.base.raw if stage.base is not None else "?"
    return f"stage {stage.index}, FROM {base}"


def _display_name(reference: str) -> str:
    """``docker.io/library/node:22`` as users write it: ``node:22``."""
    for prefix in ("docker.io/library/", "index.docker.io/library/", "library/", "docker.io/"):
        if reference.startswith(prefix):
            return reference[len(prefix) :]
    return reference


def _image_detail(reference: str) -> str | None:
    ref = parse_image(reference)
    if ref is None:
        return None
    facts = image_facts(ref)
    parts = []
    if facts.artifacts_only:
        parts.append("files only")
    elif facts.os:
        parts.append(facts.os)
    if facts.package_manager:
        parts.append(facts.package_manager)
    if facts.shell is False and not facts.artifacts_only:
        parts.append("no shell")
    if facts.runs_as_nonroot:
        parts.append("non-root")
    return ", ".join(parts) or None


def known_images() -> Iterator[str]:
    """Image names the offline table names outright (no wildcards), in table order."""
    seen: set[str] = set()
    for entry in TABLE:
        for name in entry.names:
            if any(c in name for c in "*?[") or name in seen:
                continue
            seen.add(name)
            yield name
    for name in COMMON_TAGS:
        if name not in seen:
            seen.add(name)
            yield name


def common_tags(name: str) -> tuple[str, ...]:
    return COMMON_TAGS.get(name, ("latest",))
