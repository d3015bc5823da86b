"""Semantic tokens: what each piece of a Dockerfile is, for editors to colour.

The legend is fixed (:data:`TOKEN_TYPES`, :data:`TOKEN_MODIFIERS`) and every token uses
an index into it. Tokens come out sorted, never overlapping and never crossing a line
end: a word continued over several lines is cut into one piece per line, without the
continuation characters and the comment lines in between.

What is marked: instruction keywords (MAINTAINER deprecated), flags and their values
(``--mount`` keys as properties, ``--from`` naming a stage as a namespace), images as
types, stage names as namespaces, ARG/ENV names as declared variables (the build
arguments BuildKit predefines as default library), LABEL keys as properties, variable
references, strings, numbers, comments, parser directives as macros, heredoc
delimiters; inside shell-form commands and the heredoc scripts RUN executes: commands as
functions, options as parameters, assignments, strings, variables, redirections and the
operators between commands.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..analysis.facts import AUTOMATIC_ARGS
from ..syntax.model import Dockerfile, Flag, Heredoc, Instruction, Span, Token
from ..syntax.parser import KNOWN_INSTRUCTIONS
from ..syntax.shell import ShellScript, split_shell
from ..syntax.source import Encoding, SourceText
from .layout import Segment, layout_of

TOKEN_TYPES: tuple[str, ...] = (
    "keyword", "parameter", "property", "string", "number", "variable", "comment",
    "operator", "function", "macro", "namespace", "type",
)  # fmt: skip
TOKEN_MODIFIERS: tuple[str, ...] = ("declaration", "readonly", "deprecated", "defaultLibrary")

KEYWORD, PARAMETER, PROPERTY, STRING, NUMBER, VARIABLE, COMMENT = range(7)
OPERATOR, FUNCTION, MACRO, NAMESPACE, TYPE = range(7, 12)
DECLARATION, READONLY, DEPRECATED, DEFAULT_LIBRARY = (1 << i for i in range(4))

# Words that start or shape shell compound commands.
_SHELL_KEYWORDS = frozenset(
    {
        "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until",
        "case", "esac", "function", "select", "time", "!", "{", "}", "[[", "]]",
    }
)  # fmt: skip
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?=\+?=)")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_OPERATORS = re.compile(r"&&|\|\||;;|\|&|[;&|()]")
_HEREDOC_MARKER = re.compile(r"([0-9]*<<-?)(.+)")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_PORT = re.compile(r"[0-9]+(?:-[0-9]+)?")
_REFERENCE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])[^}]*\}?"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]))"
)
_PLAIN_REFERENCE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}?|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


@dataclass(frozen=True, slots=True)
class SemanticToken:
    """``[start, end)`` in code points, on one line; ``type`` indexes :data:`TOKEN_TYPES`,
    ``modifiers`` is a bit set over :data:`TOKEN_MODIFIERS`."""

    start: int
    end: int
    type: int
    modifiers: int = 0


def semantic_tokens(doc: Dockerfile) -> list[SemanticToken]:
    """Every token of the document, sorted, one line each, none overlapping."""
    return _Collector(doc).run()


def tokens_in_range(tokens: list[SemanticToken], start: int, end: int) -> list[SemanticToken]:
    """The tokens that overlap ``[start, end]``."""
    return [t for t in tokens if t.end > start and t.start < end]


def encode(tokens: list[SemanticToken], source: SourceText, encoding: Encoding) -> list[int]:
    """The LSP integer encoding: (line delta, start delta, length, type, modifiers) per
    token, with positions and lengths in the client's encoding."""
    text = source.text
    data: list[int] = []
    last_line = 0
    last_char = 0
    line = -1
    line_start = 0
    next_start = 0  # where the line after ``line`` starts
    ascii_line = True
    starts = source.line_starts
    for token in tokens:
        if token.start >= next_start or token.start < line_start:
            line = bisect_right(starts, token.start) - 1
            line_start = starts[line]
            next_start = starts[line + 1] if line + 1 < len(starts) else len(text) + 1
            ascii_line = encoding == "utf-32" or text[line_start : source.line_ends[line]].isascii()
        if ascii_line:
            char = token.start - line_start
            length = token.end - token.start
        else:
            char = _units(text[line_start : token.start], encoding)
            length = _units(text[token.start : token.end], encoding)
        if line != last_line:
            data += (line - last_line, char, length, token.type, token.modifiers)
        else:
            data += (0, char - last_char, length, token.type, token.modifiers)
        last_line, last_char = line, char
    return data


def _units(text: str, encoding: Encoding) -> int:
    if encoding == "utf-16":
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text)


def delta_edits(old: list[int], new: list[int]) -> list[tuple[int, int, list[int]]]:
    """Edits (start, delete count, inserted data) that turn ``old`` into ``new``: the one
    changed stretch between the common start and the common end, cut at token
    boundaries (five integers each); ``[]`` when nothing changed."""
    if old == new:
        return []
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    prefix -= prefix % 5
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    suffix -= suffix % 5
    return [(prefix, len(old) - prefix - suffix, new[prefix : len(new) - suffix])]


class _Collector:
    def __init__(self, doc: Dockerfile) -> None:
        self.doc = doc
        self.text = doc.text
        self.source = doc.source
        self.escape = doc.escape
        self.raw: list[tuple[int, int, int, int]] = []
        #: The current instruction's content segments: tokens before ``content_end`` are
        #: clipped to them (continuation characters and comment lines fall out).
        self.segments: tuple[Segment, ...] = ()
        self.segment_starts: list[int] = []
        self.content_end = -1
        self.stages = {stage.name for stage in doc.stages if stage.name}

    # -- output -----------------------------------------------------------------------
    def run(self) -> list[SemanticToken]:
        for directive in self.doc.directives:
            self.directive(directive.span, directive.value_span)
        for comment in self.doc.comments:
            self.line_token(comment.span.start, comment.span.end, COMMENT)
        for ins in self.doc.instructions:
            layout = layout_of(self.doc, ins)
            self.segments = layout.segments
            self.segment_starts = [s.start for s in layout.segments]
            self.content_end = layout.segments[-1].end
            self.instruction(ins)
        self.segments = ()
        self.content_end = -1
        return self.finish()

    def finish(self) -> list[SemanticToken]:
        self.raw.sort()
        out: list[SemanticToken] = []
        cursor = 0
        for start, end, kind, modifiers in self.raw:
            start = max(start, cursor)
            if start >= end:
                continue
            out.append(SemanticToken(start, end, kind, modifiers))
            cursor = end
        return out

    def add(self, start: int, end: int, kind: int, modifiers: int = 0) -> None:
        if end <= start:
            return
        if start < self.content_end:
            segments = self.segments
            index = max(0, bisect_right(self.segment_starts, start) - 1)
            while index < len(segments) and segments[index].start < end:
                segment = segments[index]
                piece_start = max(start, segment.start)
                piece_end = min(end, segment.end)
                if piece_start < piece_end:
                    self.raw.append((piece_start, piece_end, kind, modifiers))
                index += 1
            return
        self.line_token(start, end, kind, modifiers)

    def line_token(self, start: int, end: int, kind: int, modifiers: int = 0) -> None:
        """Add ``[start, end)`` cut at line ends (line terminators left out)."""
        source = self.source
        line = source.line_of(start)
        while start < end:
            stop = min(end, source.line_ends[line])
            if start < stop:
                self.raw.append((start, stop, kind, modifiers))
            line += 1
            if line >= source.line_count:
                break
            start = max(start, source.line_starts[line])

    def advance(self, start: int, count: int) -> int:
        """The source offset ``count`` characters of logical text after ``start``."""
        if start >= self.content_end or not self.segments:
            return start + count
        segments = self.segments
        index = max(0, bisect_right(self.segment_starts, start) - 1)
        position = start
        while True:
            room = segments[index].end - position
            if count <= room or index + 1 >= len(segments):
                return position + count
            count -= room
            index += 1
            position = segments[index].start

    # -- pieces -----------------------------------------------------------------------
    def word(
        self,
        start: int,
        raw: str,
        kind: int | None,
        modifiers: int = 0,
        escape: str | None = None,
        shell: bool = False,
    ) -> None:
        """``raw`` (written at ``start``) as ``kind`` (``None``: unmarked), with its
        variable references marked as variables."""
        pieces = _references(raw, escape or self.escape, shell) if "$" in raw else []
        position = 0
        for ref_start, ref_end, name in pieces:
            if kind is not None and ref_start > position:
                self.add(
                    self.advance(start, position), self.advance(start, ref_start), kind, modifiers
                )
            flags = DEFAULT_LIBRARY if name in AUTOMATIC_ARGS else 0
            self.add(self.advance(start, ref_start), self.advance(start, ref_end), VARIABLE, flags)
            position = ref_end
        if kind is not None and position < len(raw):
            self.add(self.advance(start, position), self.advance(start, len(raw)), kind, modifiers)

    def token(self, token: Token, kind: int | None, modifiers: int = 0) -> None:
        self.word(token.span.start, token.raw, kind, modifiers)

    def directive(self, span: Span, value_span: Span) -> None:
        text = self.text
        equals = text.rfind("=", span.start, value_span.start)
        key_end = equals
        while key_end > span.start and text[key_end - 1] in " \t\f":
            key_end -= 1
        self.line_token(span.start, key_end, MACRO)
        if equals >= 0:
            self.line_token(equals, equals + 1, OPERATOR)
        self.line_token(value_span.start, value_span.end, STRING)

    # -- instructions -----------------------------------------------------------------
    def instruction(self, ins: Instruction) -> None:
        keyword = ins.keyword
        if keyword not in KNOWN_INSTRUCTIONS:
            return
        self.add(
            ins.keyword_span.start,
            ins.keyword_span.end,
            KEYWORD,
            DEPRECATED if keyword == "MAINTAINER" else 0,
        )
        for flag in ins.flags:
            self.flag(flag)
        if ins.trigger is not None:
            self.instruction(ins.trigger)
            return
        if ins.exec_args is not None:
            self.exec_form(ins)
        elif keyword in ("RUN", "CMD", "ENTRYPOINT"):
            if ins.shell is not None:
                self.shell(ins.shell, ins.args_span)
        elif keyword == "FROM":
            self.from_(ins)
        elif keyword in ("ENV", "ARG", "LABEL"):
            self.pairs(ins)
        elif keyword in ("COPY", "ADD"):
            for word in ins.words:
                if not self.heredoc_marker(word):
                    self.token(word, STRING)
        elif keyword == "EXPOSE":
            for word in ins.words:
                self.port(word)
        elif keyword == "HEALTHCHECK":
            self.healthcheck(ins)
        elif keyword == "STOPSIGNAL":
            for word in ins.words:
                self.token(word, NUMBER if word.raw.isdigit() else STRING)
        else:  # USER, WORKDIR, VOLUME, MAINTAINER, SHELL written without JSON
            for word in ins.words:
                self.token(word, STRING)
        for heredoc in ins.heredocs:
            self.heredoc(ins, heredoc)

    def flag(self, flag: Flag) -> None:
        self.add(flag.name_span.start, flag.name_span.end, PARAMETER)
        if flag.value_span is None or flag.value is None:
            return
        equals = flag.name_span.end
        self.add(equals, min(equals + 1, flag.value_span.start), OPERATOR)
        start = flag.value_span.start
        raw = self.logical(flag.value_span)
        if flag.name == "mount":
            position = 0
            for item in raw.split(","):
                key, sep, value = item.partition("=")
                if sep:
                    self.add(
                        self.advance(start, position),
                        self.advance(start, position + len(key)),
                        PROPERTY,
                    )
                    at = position + len(key) + 1
                    self.word(self.advance(start, at), value, _value_kind(value))
                else:
                    self.word(self.advance(start, position), item, PROPERTY)
                position += len(item) + 1
        elif flag.name == "from":
            named = flag.value.lower() in self.stages
            self.word(start, raw, NAMESPACE if named else TYPE)
        else:
            self.word(start, raw, _value_kind(flag.value))

    def logical(self, span: Span) -> str:
        """The text of ``span`` without continuation characters and skipped lines."""
        if span.start >= self.content_end or not self.segments:
            return self.text[span.start : span.end]
        parts = []
        for segment in self.segments:
            start, end = max(span.start, segment.start), min(span.end, segment.end)
            if start < end:
                parts.append(self.text[start:end])
        return "".join(parts)

    def exec_form(self, ins: Instruction) -> None:
        args = ins.exec_args or ()
        runs = ins.keyword in ("RUN", "CMD", "ENTRYPOINT", "SHELL")
        for index, token in enumerate(args):
            if runs and index == 0:
                kind = FUNCTION
            elif runs and token.value.startswith("-"):
                kind = PARAMETER
            else:
                kind = STRING
            self.add(token.span.start, token.span.end, kind)

    def from_(self, ins: Instruction) -> None:
        words = ins.words
        if not words:
            return
        base = words[0]
        if base.value.lower() in self.stages:
            self.token(base, NAMESPACE)
        else:
            self.token(base, TYPE)
        if len(words) >= 2 and words[1].value.lower() == "as":
            self.token(words[1], KEYWORD)
            if len(words) >= 3:
                self.token(words[2], NAMESPACE, DECLARATION)

    def pairs(self, ins: Instruction) -> None:
        keyword = ins.keyword
        for pair in ins.pairs:
            key = pair.key
            if keyword == "LABEL":
                self.token(key, PROPERTY, DECLARATION)
            else:
                modifiers = DECLARATION
                if keyword == "ARG" and key.value in AUTOMATIC_ARGS:
                    modifiers |= DEFAULT_LIBRARY
                self.token(key, VARIABLE, modifiers)
            if pair.value is None:
                continue
            value = pair.value
            if not pair.legacy and value.span.start > key.span.end:
                self.add(key.span.end, key.span.end + 1, OPERATOR)
            self.token(value, STRING)

    def port(self, word: Token) -> None:
        raw = word.raw
        match = _PORT.match(raw)
        if "$" in raw or match is None:
            self.token(word, STRING)
            return
        start = word.span.start
        self.add(start, self.advance(start, match.end()), NUMBER)
        if match.end() < len(raw):
            self.add(self.advance(start, match.end()), self.advance(start, len(raw)), STRING)

    def healthcheck(self, ins: Instruction) -> None:
        words = ins.words
        if not words:
            return
        head = words[0]
        if head.raw.upper() not in ("CMD", "NONE"):
            return
        self.token(head, KEYWORD)
        rest_at = ins.args.find(head.raw) + len(head.raw)
        while rest_at < len(ins.args) and ins.args[rest_at] in " \t":
            rest_at += 1
        rest = ins.args[rest_at:]
        if not rest:
            return
        if rest.startswith("["):
            for index, match in enumerate(_JSON_STRING.finditer(rest)):
                span = ins.args_to_span(rest_at + match.start(), rest_at + match.end())
                self.add(span.start, span.end, FUNCTION if index == 0 else STRING)
            return
        to_span = ins.offsets.mapper(ins.args_offset + rest_at)
        region = Span(ins.args_to_span(rest_at, rest_at).start, ins.args_span.end)
        self.shell(split_shell(rest, to_span), region)

    def heredoc_marker(self, word: Token) -> bool:
        match = _HEREDOC_MARKER.fullmatch(word.raw)
        if match is None:
            return False
        start = word.span.start
        self.add(start, start + len(match.group(1)), OPERATOR)
        self.add(start + len(match.group(1)), word.span.end, KEYWORD)
        return True

    def heredoc(self, ins: Instruction, heredoc: Heredoc) -> None:
        body = heredoc.body
        shell = ins.shell
        runs = shell is not None and (
            any(body.start <= c.span.start < body.end for c in shell.commands)
            or any(body.start <= c.start < body.end for c in shell.comments)
        )
        if not runs and body.end > body.start:
            kind = STRING
            if heredoc.expand:
                self.word(body.start, self.text[body.start : body.end], kind)
            else:
                self.add(body.start, body.end, kind)
        if heredoc.terminator is not None:
            self.add(heredoc.terminator.start, heredoc.terminator.end, KEYWORD)

    # -- shell ------------------------------------------------------------------------
    def shell(self, script: ShellScript, region: Span) -> None:
        """Tokens of a shell script: words, redirections, comments, and the operators
        between them. ``region`` is the script's text on the instruction's lines; the
        commands of heredoc bodies the RUN executes come after it."""
        occupied: list[tuple[int, int]] = []
        for command in script.commands:
            words = command.words
            program = command.program_at if command.program_at is not None else len(words)
            for index, word in enumerate(words):
                occupied.append(word.span)
                self.shell_word(words, index, program)
            for redirect in command.redirects:
                occupied.append(redirect.span)
                operator = redirect.operator
                start = redirect.span.start
                self.add(start, self.advance(start, len(operator)), OPERATOR)
                target = redirect.target
                if target is None:
                    continue
                if operator.lstrip("0123456789") in ("<<", "<<-"):
                    self.add(target.span.start, target.span.end, KEYWORD)
                elif target.raw.isdigit() or target.raw == "-":  # 2>&1, >&-
                    self.add(target.span.start, target.span.end, NUMBER)
                else:
                    self.shell_text(target.span.start, target.raw, STRING)
        for comment in script.comments:
            occupied.append(comment)
            self.add(comment.start, comment.end, COMMENT)
        occupied.sort()
        # Operators sit in the gaps between words (with whitespace, continuation
        # characters and comment lines, which clipping drops). A gap is scanned within
        # the instruction's lines or within a heredoc body, never from one into the other.
        text = self.text
        previous = region.start
        for start, end in occupied:
            if start > previous:
                stop = region.end if previous < region.end < start else start
                for match in _OPERATORS.finditer(text, previous, stop):
                    self.add(match.start(), match.end(), OPERATOR)
            previous = max(previous, end)
        if previous < region.end:
            for match in _OPERATORS.finditer(text, previous, region.end):
                self.add(match.start(), match.end(), OPERATOR)

    def shell_word(self, words: tuple[Token, ...], index: int, program: int) -> None:
        word = words[index]
        raw = word.raw
        start = word.span.start
        end = word.span.end
        quoted = "'" in raw or '"' in raw
        if index < program:  # reserved words, assignments and wrappers before the program
            assignment = _ASSIGNMENT.match(raw)
            if assignment is not None:
                name_end = assignment.end()
                equals = raw.index("=", name_end)
                self.add(start, self.advance(start, name_end), VARIABLE, DECLARATION)
                self.add(self.advance(start, equals), self.advance(start, equals + 1), OPERATOR)
                value = raw[equals + 1 :]
                self.shell_text(self.advance(start, equals + 1), value, STRING)
            elif raw in _SHELL_KEYWORDS:
                self.add(start, end, KEYWORD)
            elif raw.startswith("-") and not quoted:
                self.add(start, end, PARAMETER)
            elif _NUMBER.fullmatch(raw):
                self.add(start, end, NUMBER)
            else:
                self.shell_text(start, raw, FUNCTION if not quoted else STRING)
            return
        if index == program:
            if raw in _SHELL_KEYWORDS:
                self.add(start, end, KEYWORD)
            else:
                self.shell_text(start, raw, FUNCTION)
            return
        if raw == "in" and index == program + 2 and words[program].raw in ("for", "select", "case"):
            self.add(start, end, KEYWORD)
        elif raw.startswith("-") and len(raw) > 1 and not quoted:
            name_end = raw.find("=")
            if name_end < 0:
                self.shell_text(start, raw, PARAMETER)
            else:
                self.add(start, self.advance(start, name_end), PARAMETER)
                self.shell_text(self.advance(start, name_end + 1), raw[name_end + 1 :], None)
        elif quoted:
            self.shell_text(start, raw, STRING)
        elif _NUMBER.fullmatch(raw):
            self.add(start, end, NUMBER)
        else:
            self.shell_text(start, raw, None)

    def shell_text(self, start: int, raw: str, kind: int | None) -> None:
        self.word(start, raw, kind, escape="\\", shell=True)


def _value_kind(value: str) -> int:
    return NUMBER if _NUMBER.fullmatch(value) else STRING


def _references(raw: str, escape: str, shell: bool) -> list[tuple[int, int, str]]:
    """Variable references in ``raw``: (start, end, name); single-quoted text and
    escaped dollars are literal."""
    pattern = _REFERENCE if shell else _PLAIN_REFERENCE
    out: list[tuple[int, int, str]] = []
    quote = ""
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if c == escape and quote != "'":
            i += 2
            continue
        if quote == "'":
            if c == "'":
                quote = ""
            i += 1
            continue
        if c == "'" and not quote:
            quote = "'"
        elif c == '"':
            quote = "" if quote == '"' else '"'
        elif c == "$":
            match = pattern.match(raw, i)
            if match is not None:
                out.append((i, match.end(), match.group("braced") or match.group("plain")))
                i = match.end()
                continue
        i += 1
    return out
