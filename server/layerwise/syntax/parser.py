"""Dockerfile parser following BuildKit's semantics, with exact positions.

Parser directives only at the top; the escape character (``\\`` or a backtick)
continues lines; comment and blank lines inside a continuation are skipped;
heredocs for RUN, COPY and ADD; ONBUILD triggers parsed as nested
instructions. Malformed input yields :class:`SyntaxIssue` entries, never an
exception.
"""

from __future__ import annotations

import functools
import json
import re

from .flags import BOOLEAN_FLAGS, INSTRUCTION_FLAGS
from .model import (
    Comment,
    Directive,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    KeyValue,
    OffsetMap,
    Span,
    Stage,
    SyntaxIssue,
    Token,
    make_token,
)
from .shell import SHELLS, ShellScript, split_shell
from .source import SourceText

KNOWN_INSTRUCTIONS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
        "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
        "WORKDIR",
    }
)  # fmt: skip
HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
JSON_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "ADD", "COPY", "VOLUME"})
SHELL_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT"})
KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
# strconv.ParseBool
_BOOLEAN_VALUES = frozenset(
    {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}
)
# BuildKit's stage names: a letter, then letters, digits, '-', '_' and '.'.
_STAGE_NAME = re.compile(r"^[a-z][a-z0-9_.-]*$")

# Go's unicode.IsSpace for the characters that occur in practice.
_WS = " \t\v\f\u0085\u00a0"
_DIRECTIVE = re.compile(r"#[ \t\f]*([a-zA-Z][a-zA-Z0-9]*)[ \t\f]*=[ \t\f]*(.+?)[ \t\f]*$")
_PLAIN_WORD = re.compile(f"[^{_WS}]+")
_LEADING_WS = re.compile(f"[{_WS}]*")
# A flag word without quotes or escapes: --name or --name=value.
_PLAIN_FLAG = re.compile(
    f"--(?P<name>[^{_WS}'\"\\\\=]*)(?:=(?P<value>[^{_WS}'\"\\\\]*))?(?=[{_WS}]|$)"
)
_HEREDOC_WORD = re.compile(r"(\d*)<<(-?)([^<]*)$")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NEEDS_ARGS = frozenset(
    {"FROM", "RUN", "ARG", "ENV", "LABEL", "EXPOSE", "USER", "WORKDIR", "VOLUME",
     "STOPSIGNAL", "ONBUILD", "MAINTAINER", "SHELL", "HEALTHCHECK", "ADD", "COPY"}
)  # fmt: skip


def parse(text: str) -> Dockerfile:
    """Parse Dockerfile text into the position-exact model. Never raises."""
    try:
        return _Parser(text).parse()
    except Exception as exc:  # pragma: no cover - a parser bug must not kill a server
        source = SourceText(text)
        issue = SyntaxIssue(f"internal parser error: {exc!r}", Span(0, 0))
        return Dockerfile(source, "\\", (), (), (), (), (), (issue,))


# How BuildKit's parser splits arguments: on whitespace whatever the quotes (FROM, COPY,
# ADD, EXPOSE, VOLUME: ``COPY "a b" /c`` has the words ``"a`` and ``b"``), or the whole
# rest of the line as one string (USER, WORKDIR, STOPSIGNAL, MAINTAINER); quotes and
# escapes are then processed inside each word.
_WHITESPACE_SPLIT = frozenset({"FROM", "COPY", "ADD", "EXPOSE", "VOLUME"})
_ONE_STRING = frozenset({"USER", "WORKDIR", "STOPSIGNAL", "MAINTAINER"})


def _word_value(raw: str, escape: str) -> str:
    """``raw`` (no whitespace in it) with its quotes and escapes processed, as one word."""
    if "'" not in raw and '"' not in raw and escape not in raw:
        return raw
    return _read_word(raw, 0, escape)[1]


def _open_quote(raw: str, escape: str) -> bool:
    """A quote in ``raw`` (no whitespace in it) is never closed."""
    return _read_word(raw, 0, escape)[2]


def _whitespace_words(text: str, escape: str) -> list[tuple[int, int, str]]:
    return [
        (m.start(), m.end(), _word_value(m.group(), escape)) for m in _PLAIN_WORD.finditer(text)
    ]


def _read_word(text: str, i: int, escape: str) -> tuple[int, str, bool]:
    """The word starting at ``i``: (its end, its value with quotes and escapes processed,
    whether a quote is still open at the end of the text)."""
    n = len(text)
    value: list[str] = []
    quote = ""
    while i < n:
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
            elif c == escape and quote != "'" and i + 1 < n:
                i += 1
                value.append(text[i])
            else:
                value.append(c)
            i += 1
            continue
        if c in _WS:
            break
        if c in "'\"":
            quote = c
        elif c == escape and i + 1 < n:
            i += 1
            value.append(text[i])
        elif c != escape:
            value.append(c)
        i += 1
    return i, "".join(value), bool(quote)


def split_words(text: str, escape: str) -> list[tuple[int, int, str]]:
    """Split on unquoted whitespace like BuildKit's ``parseWords``.

    Returns (start, end, unquoted value) per word; the raw text is ``text[start:end]``.
    """
    if "'" not in text and '"' not in text and escape not in text:
        # Nothing quoted or escaped (most lines): plain whitespace splitting.
        return [(m.start(), m.end(), m.group()) for m in _PLAIN_WORD.finditer(text)]
    words: list[tuple[int, int, str]] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in _WS:
            i += 1
        if i >= n:
            break
        start = i
        i, value, _ = _read_word(text, i, escape)
        words.append((start, i, value))
    return words


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.source = SourceText(text)
        self.escape = "\\"
        self.errors: list[SyntaxIssue] = []
        self.comments: list[Comment] = []

    # -- lines -----------------------------------------------------------------
    def _line_bounds(self, line: int) -> tuple[int, int]:
        start = self.source.line_start(line)
        if line == 0 and self.text.startswith("\ufeff"):
            start = 1
        return start, self.source.line_end(line)

    def _comment(self, line: int, hash_at: int, end: int, in_continuation: bool) -> Comment:
        comment = Comment(
            self.text[hash_at + 1 : end].strip(), Span(hash_at, end), line, in_continuation
        )
        self.comments.append(comment)
        return comment

    # -- top level -------------------------------------------------------------
    def parse(self) -> Dockerfile:
        line = 0
        directives: list[Directive] = []
        line_count = self.source.line_count
        while line < line_count:
            start, end = self._line_bounds(line)
            content = self.text[start:end]
            stripped = content.lstrip(_WS)
            match = _DIRECTIVE.match(stripped)
            if not match or match.group(1).lower() not in KNOWN_DIRECTIVES:
                break
            base = start + len(content) - len(stripped)
            key = match.group(1).lower()
            directive = Directive(
                key,
                match.group(2),
                Span(base, end),
                Span(base + match.start(2), base + match.end(2)),
            )
            if any(d.key == key for d in directives):
                self.errors.append(
                    SyntaxIssue(
                        f"the '{key}' parser directive may appear only once", directive.span
                    )
                )
            else:
                directives.append(directive)
                if key == "escape":
                    if directive.value in ("\\", "`"):
                        self.escape = directive.value
                    else:
                        self.errors.append(
                            SyntaxIssue(
                                f"invalid escape character {directive.value!r}: "
                                "use a backslash or a backtick",
                                directive.value_span,
                            )
                        )
            line += 1
        # As BuildKit: a trailing escape character continues the line unless it
        # is itself escaped (``C:\\dir\\`` ends the instruction).
        esc = re.escape(self.escape)
        self._continuation = re.compile(rf"(?<!{esc}){esc}[ \t]*$")

        instructions: list[Instruction] = []
        above: list[Comment] = []
        skip_ws = _LEADING_WS.match
        while line < line_count:
            start, end = self._line_bounds(line)
            first = min(skip_ws(self.text, start, end).end(), end)  # type: ignore[union-attr]
            if first == end:
                above = []
                line += 1
                continue
            if self.text[first] == "#":
                above.append(self._comment(line, first, end, False))
                line += 1
                continue
            instruction, line = self._instruction(line, first, tuple(above))
            instructions.append(instruction)
            above = []
        return self._assemble(directives, instructions)

    def _instruction(
        self, line: int, first: int, comments: tuple[Comment, ...]
    ) -> tuple[Instruction, int]:
        text = self.text
        segments: list[tuple[int, int, int]] = []
        parts: list[str] = []
        length = 0
        empty_lines: list[int] = []
        start_line = line
        last_line = line
        pos = first
        starts = self.source.line_starts
        ends = self.source.line_ends
        line_count = len(starts)
        end = ends[line]
        continued = self._continuation.search
        escape = self.escape
        skip_ws = _LEADING_WS.match
        skipped = line
        while True:
            content = text[pos:end]
            match = continued(content) if escape in content else None
            if match:
                content = content[: match.start()]
            segments.append((length, pos, len(content)))
            parts.append(content)
            length += len(content)
            last_line = line
            if not match:
                break
            # Continue past comment and blank lines until a content line.
            while True:
                line += 1
                if line >= line_count:
                    break
                pos, end = starts[line], ends[line]
                if pos == len(text):
                    line = line_count  # the "line" after a final newline is none
                    break
                lead = min(skip_ws(text, pos, end).end(), end)  # type: ignore[union-attr]
                if lead == end:
                    empty_lines.append(line)
                    skipped = line
                    continue
                if text[lead] == "#":
                    self._comment(line, lead, end, True)
                    skipped = line
                    continue
                break
            if line >= line_count:
                # The file ended inside the continuation: like BuildKit, the instruction
                # ends on the last (blank or comment) line it consumed.
                last_line = max(last_line, skipped)
                break
        logical = "".join(parts)
        offsets = OffsetMap(segments)
        end_offset = self.source.line_end(last_line)
        instruction = self._build(
            logical, offsets, 0, Span(first, end_offset), start_line, last_line, comments
        )
        # A continuation that ran to the end of the file consumed every line.
        next_line = last_line + 1 if line < self.source.line_count else self.source.line_count
        target = instruction.trigger if instruction.keyword == "ONBUILD" else instruction
        if (
            target is not None
            and target.keyword in HEREDOC_INSTRUCTIONS
            and not target.is_exec_form
        ):
            markers = self._heredoc_markers(target)
            if markers:
                heredocs, next_line = self._heredoc_bodies(markers, next_line)
                target = self._with_heredocs(target, heredocs)
                if target is not instruction:
                    instruction = _replace(
                        instruction,
                        trigger=target,
                        span=Span(instruction.span.start, target.span.end),
                        end_line=target.end_line,
                    )
        if empty_lines:
            instruction = _replace(instruction, empty_continuation_lines=tuple(empty_lines))
        return instruction, next_line

    # -- one logical line ------------------------------------------------------
    def _build(
        self,
        logical: str,
        offsets: OffsetMap,
        at: int,
        span: Span,
        start_line: int,
        end_line: int,
        comments: tuple[Comment, ...],
    ) -> Instruction:
        n = len(logical)
        i = at
        while i < n and logical[i] in _WS:
            i += 1
        kw_start = i
        while i < n and logical[i] not in " \t\v\f\r":
            i += 1
        keyword_raw = logical[kw_start:i]
        keyword = keyword_raw.upper()
        flags, args_start = self._flags(logical, i, offsets)
        args_end = n
        while args_end > args_start and logical[args_end - 1] in _WS + "\r":
            args_end -= 1
        args = logical[args_start:args_end]
        keyword_span = offsets.span(kw_start, i)
        if at:
            span = Span(keyword_span.start, span.end)
        instruction = Instruction(
            keyword=keyword,
            keyword_raw=keyword_raw,
            keyword_span=keyword_span,
            span=span,
            start_line=start_line,
            end_line=end_line,
            flags=flags,
            args=args,
            args_span=offsets.span(args_start, args_end),
            args_offset=args_start,
            offsets=offsets,
            comments=comments,
        )
        return self._specialise(instruction, logical)

    def _flags(self, logical: str, i: int, offsets: OffsetMap) -> tuple[tuple[Flag, ...], int]:
        """Leading ``--flag[=value]`` words, as BuildKit's ``extractBuilderFlags``."""
        flags: list[Flag] = []
        n = len(logical)
        while True:
            while i < n and logical[i] in _WS:
                i += 1
            if not logical.startswith("--", i):
                return tuple(flags), i
            start = i
            plain = _PLAIN_FLAG.match(logical, i)
            if plain is not None and plain.group() != "--":
                # No quotes or escapes (nearly every flag): read it in one step.
                i = plain.end()
                name = plain.group("name")
                value = plain.group("value")
                name_end = plain.end("name")
                flags.append(
                    Flag(
                        name=name,
                        value=value,
                        span=offsets.span(start, i),
                        name_span=offsets.span(start, name_end),
                        value_span=offsets.span(plain.start("value"), i)
                        if value is not None
                        else None,
                    )
                )
                continue
            word: list[str] = []
            quote = ""
            eq_index: int | None = None
            value_start: int | None = None
            while i < n:
                c = logical[i]
                if quote:
                    if c == quote:
                        quote = ""
                    else:
                        if c == "\\" and i + 1 < n:
                            i += 1
                            c = logical[i]
                        word.append(c)
                    i += 1
                    continue
                if c in _WS:
                    break
                if c in "'\"":
                    quote = c
                elif c == "\\" and i + 1 < n:
                    i += 1
                    word.append(logical[i])
                else:
                    if c == "=" and eq_index is None:
                        eq_index = len(word)
                        value_start = i + 1
                    word.append(c)
                i += 1
            raw = "".join(word)
            if raw == "--":
                while i < n and logical[i] in _WS:
                    i += 1
                return tuple(flags), i
            if eq_index is None:
                name, value, value_span = raw[2:], None, None
                name_end = i
            else:
                name, value = raw[2:eq_index], raw[eq_index + 1 :]
                assert value_start is not None
                name_end = value_start - 1
                value_span = offsets.span(value_start, i)
            flags.append(
                Flag(
                    name=name,
                    value=value,
                    span=offsets.span(start, i),
                    name_span=offsets.span(start, name_end),
                    value_span=value_span,
                )
            )

    def _specialise(self, ins: Instruction, logical: str) -> Instruction:
        keyword = ins.keyword
        args = ins.args
        if keyword in KNOWN_INSTRUCTIONS:
            allowed = INSTRUCTION_FLAGS.get(keyword, frozenset())
            booleans = BOOLEAN_FLAGS.get(keyword, frozenset())
            for flag in ins.flags:
                if flag.name not in allowed:
                    self.errors.append(
                        SyntaxIssue(
                            f"{keyword} does not accept the flag --{flag.name}", flag.name_span
                        )
                    )
                elif flag.name in booleans:
                    if flag.value is not None and flag.value not in _BOOLEAN_VALUES:
                        self.errors.append(
                            SyntaxIssue(
                                f"--{flag.name} takes true or false, not {flag.value!r}",
                                flag.span,
                            )
                        )
                elif flag.value is None:
                    self.errors.append(
                        SyntaxIssue(
                            f"--{flag.name} needs a value: write --{flag.name}=VALUE (with '=')",
                            flag.span,
                        )
                    )
        if not args and keyword in _NEEDS_ARGS:
            self.errors.append(
                SyntaxIssue(f"{keyword} requires at least one argument", ins.keyword_span)
            )
            return ins
        if keyword == "ONBUILD":
            return self._onbuild(ins, logical)
        if keyword in JSON_INSTRUCTIONS and args.startswith("["):
            exec_args = self._exec_form(ins)
            if exec_args is not None:
                return _replace(ins, exec_args=exec_args)
        if keyword == "SHELL" and not args.startswith("["):  # a broken array is LW928's
            self.errors.append(
                SyntaxIssue(
                    'SHELL takes a JSON array, e.g. SHELL ["/bin/bash", "-c"]', ins.args_span
                )
            )
        to_span = ins.offsets.mapper(ins.args_offset)
        if keyword in SHELL_INSTRUCTIONS:
            return _replace(ins, shell=split_shell(args, to_span))
        if keyword in _WHITESPACE_SPLIT:
            raw_words = _whitespace_words(args, self.escape)
            for start, end, _ in raw_words:
                if _open_quote(args[start:end], self.escape):
                    self.errors.append(
                        SyntaxIssue(
                            f"unterminated quote in {args[start:end]!r}: {keyword} splits its"
                            " arguments at spaces, even inside quotes; use the JSON form"
                            ' (["a b", "/dest/"]) for paths with spaces',
                            to_span(start, end),
                        )
                    )
                    break
        elif keyword in _ONE_STRING:
            raw_words = [(0, len(args), _word_value(args, self.escape))] if args else []
        else:
            raw_words = split_words(args, self.escape)
        words = tuple([make_token((args[s:e], v, to_span(s, e))) for s, e, v in raw_words])
        ins = _replace(ins, words=words)
        if keyword in ("ENV", "LABEL", "ARG"):
            return _replace(ins, pairs=self._pairs(ins, raw_words))
        if keyword == "FROM" and len(words) not in (1, 3):
            self.errors.append(
                SyntaxIssue("FROM takes an image and optionally 'AS name'", ins.args_span)
            )
        elif keyword == "FROM" and len(words) == 3 and words[1].value.lower() != "as":
            self.errors.append(
                SyntaxIssue(
                    f"expected 'AS' before the stage name, found {words[1].raw!r}", words[1].span
                )
            )
        elif (
            keyword == "FROM" and len(words) == 3 and not _STAGE_NAME.match(words[2].value.lower())
        ):
            self.errors.append(
                SyntaxIssue(
                    f"invalid stage name {words[2].value!r}: it must start with a letter and"
                    " hold only letters, digits, '-', '_' and '.'",
                    words[2].span,
                )
            )
        return ins

    def _exec_form(self, ins: Instruction) -> tuple[Token, ...] | None:
        args = ins.args
        try:
            parsed = json.loads(args, parse_constant=_reject_constant)
        except ValueError:
            return None
        if not isinstance(parsed, list):
            return None
        if not all(isinstance(item, str) for item in parsed):
            self.errors.append(
                SyntaxIssue(f"{ins.keyword} JSON form must be an array of strings", ins.args_span)
            )
            return None
        tokens = []
        for match, value in zip(_JSON_STRING.finditer(args), parsed, strict=False):
            tokens.append(Token(match.group(), value, ins.args_to_span(match.start(), match.end())))
        return tuple(tokens)

    def _pairs(
        self, ins: Instruction, raw_words: list[tuple[int, int, str]]
    ) -> tuple[KeyValue, ...]:
        args = ins.args
        to_span = ins.offsets.mapper(ins.args_offset)
        if (
            ins.keyword in ("ENV", "LABEL")
            and raw_words
            and "=" not in args[raw_words[0][0] : raw_words[0][1]]
        ):
            # Legacy ``ENV key value``: the value is the rest of the line.
            s, e, v = raw_words[0]
            key = Token(args[s:e], v, to_span(s, e))
            if len(raw_words) < 2:
                self.errors.append(SyntaxIssue(f"{ins.keyword} {key.raw} needs a value", key.span))
                return (KeyValue(key, None, legacy=True),)
            vs = raw_words[1][0]
            raw_value = args[vs:]
            value = Token(raw_value, _unquote(raw_value, self.escape), to_span(vs, len(args)))
            return (KeyValue(key, value, legacy=True),)
        pairs = []
        for s, e, _ in raw_words:
            raw = args[s:e]
            eq = raw.find("=")
            if eq < 0:
                key = Token(raw, _unquote(raw, self.escape), to_span(s, e))
                if ins.keyword != "ARG":
                    self.errors.append(
                        SyntaxIssue(f"{ins.keyword} expects name=value, found {raw!r}", key.span)
                    )
                pairs.append(KeyValue(key, None))
                continue
            key = Token(raw[:eq], _unquote(raw[:eq], self.escape), to_span(s, s + eq))
            raw_value = raw[eq + 1 :]
            value = Token(raw_value, _unquote(raw_value, self.escape), to_span(s + eq + 1, e))
            pairs.append(KeyValue(key, value))
        return tuple(pairs)

    def _onbuild(self, ins: Instruction, logical: str) -> Instruction:
        trigger = self._build(
            logical,
            ins.offsets,
            ins.args_offset,
            Span(ins.args_span.start, ins.span.end),
            ins.start_line,
            ins.end_line,
            (),
        )
        if trigger.keyword == "ONBUILD":
            self.errors.append(SyntaxIssue("ONBUILD cannot trigger ONBUILD", trigger.keyword_span))
        elif trigger.keyword in ("FROM", "MAINTAINER"):
            self.errors.append(
                SyntaxIssue(
                    f"{trigger.keyword} is not allowed as an ONBUILD trigger", trigger.keyword_span
                )
            )
        return _replace(ins, trigger=trigger)

    # -- heredocs --------------------------------------------------------------
    def _heredoc_markers(self, ins: Instruction) -> list[tuple[str, bool, bool, Span]]:
        if "<<" not in ins.args:
            return []
        markers = []
        for s, e, _ in split_words(ins.args, "\\"):
            word = ins.args[s:e]
            match = _HEREDOC_WORD.match(word)
            if not match or not match.group(3):
                continue
            rest = match.group(3)
            name = _unquote(rest, "\\")
            if not name or any(c in _WS for c in name):
                continue
            expand = not any(q in rest for q in "'\"")
            markers.append((name, match.group(2) == "-", expand, ins.args_to_span(s, e)))
        return markers

    def _heredoc_bodies(
        self, markers: list[tuple[str, bool, bool, Span]], line: int
    ) -> tuple[list[Heredoc], int]:
        heredocs = []
        line_count = self.source.line_count
        for name, chomp, expand, marker in markers:
            body_start = self.source.line_start(line) if line < line_count else len(self.text)
            body_end = body_start
            lines: list[str] = []
            terminator: Span | None = None
            while line < line_count:
                start, end = self.source.line_start(line), self.source.line_end(line)
                if start == len(self.text) and line > 0:
                    line = line_count  # the "line" after a final newline is none
                    break
                content = self.text[start:end]
                candidate = content.lstrip("\t") if chomp else content
                line += 1
                if candidate == name:
                    terminator = Span(end - len(candidate), end)
                    break
                lines.append(content)
                body_end = end
            if terminator is None:
                self.errors.append(SyntaxIssue(f"heredoc '{name}' is never terminated", marker))
            content_text = "".join(f"{body}\n" for body in lines)
            heredocs.append(
                Heredoc(
                    name,
                    chomp,
                    expand,
                    marker,
                    Span(body_start, body_end),
                    content_text,
                    terminator,
                )
            )
        return heredocs, line

    def _with_heredocs(self, ins: Instruction, heredocs: list[Heredoc]) -> Instruction:
        last = heredocs[-1]
        end = last.terminator.end if last.terminator else last.body.end
        end_line = self.source.line_of(end)
        shell = ins.shell
        if ins.keyword == "RUN" and shell is not None:
            shell = self._heredoc_script(ins, shell, heredocs)
        return _replace(
            ins,
            heredocs=tuple(heredocs),
            span=Span(ins.span.start, max(end, ins.span.end)),
            end_line=max(end_line, ins.end_line),
            shell=shell,
        )

    def _heredoc_script(
        self, ins: Instruction, shell: ShellScript, heredocs: list[Heredoc]
    ) -> ShellScript:
        """Add the commands of heredoc bodies that the RUN executes as its script."""
        commands = list(shell.commands)
        comments = list(shell.comments)
        nested = shell.nested
        bare = (
            len(heredocs) == 1
            and ins.args.strip() == self.text[heredocs[0].marker.start : heredocs[0].marker.end]
        )
        for heredoc in heredocs:
            # BuildKit runs the body as the script for a bare ``RUN <<EOF``; otherwise
            # the body is the command's input, which a shell reading stdin executes.
            runs_body = bare
            for command in shell.commands:
                for redirect in command.redirects:
                    if redirect.span.start == heredoc.marker.start:
                        runs_body = runs_body or command.program in SHELLS
            if not runs_body:
                continue
            body = self.text[heredoc.body.start : heredoc.body.end]
            if body.startswith("#!") and not re.match(r"#!\S*(?:/|\s)(?:ba|da|a|z)?sh\b", body):
                continue
            script = split_shell(body, functools.partial(_shifted, heredoc.body.start))
            commands.extend(script.commands)
            comments.extend(script.comments)
            nested = nested or script.nested
        return ShellScript(tuple(commands), tuple(comments), shell.error, nested)

    # -- stages ----------------------------------------------------------------
    def _assemble(self, directives: list[Directive], instructions: list[Instruction]) -> Dockerfile:
        preamble: list[Instruction] = []
        stages: list[Stage] = []
        current: list[Instruction] = []
        for ins in instructions:
            if ins.keyword == "FROM":
                if current:
                    stages.append(_stage(len(stages), current))
                current = [ins]
            elif current:
                current.append(ins)
            else:
                preamble.append(ins)
        if current:
            stages.append(_stage(len(stages), current))
        if not instructions:
            # docker build rejects both; the error sits at the start of the file.
            empty = not self.source.text.strip()
            self.errors.append(
                SyntaxIssue(
                    "the Dockerfile is empty" if empty else "the Dockerfile has no instructions",
                    Span(0, 0),
                )
            )
        return Dockerfile(
            source=self.source,
            escape=self.escape,
            directives=tuple(directives),
            instructions=tuple(instructions),
            stages=tuple(stages),
            preamble=tuple(preamble),
            comments=tuple(self.comments),
            errors=tuple(self.errors),
        )


def _stage(index: int, instructions: list[Instruction]) -> Stage:
    from_ins = instructions[0]
    words = from_ins.words
    base = words[0] if words else None
    name = words[2] if len(words) >= 3 and words[1].value.lower() == "as" else None
    return Stage(index, from_ins, tuple(instructions), base, name)


def _reject_constant(name: str) -> object:
    # Go's encoding/json, which BuildKit uses, has no NaN or Infinity.
    raise ValueError(f"not JSON: {name}")


def _shifted(base: int, start: int, end: int) -> Span:
    return Span(base + start, base + end)


def _unquote(raw: str, escape: str) -> str:
    if "'" not in raw and '"' not in raw and escape not in raw:
        return raw
    words = split_words(raw, escape)
    if len(words) == 1 and words[0][0] == 0 and words[0][1] == len(raw):
        return words[0][2]
    # Contains whitespace: unquote piecewise, keeping the separators.
    out = []
    last = 0
    for s, e, v in words:
        out.append(raw[last:s])
        out.append(v)
        last = e
    out.append(raw[last:])
    return "".join(out)


def _replace(ins: Instruction, **changes: object) -> Instruction:
    """Fill in fields of an instruction the parser is still building.

    The model is frozen for its consumers; while an instruction has not yet
    left the parser, setting fields in place avoids copying it per field.
    """
    for name, value in changes.items():
        object.__setattr__(ins, name, value)
    return ins
