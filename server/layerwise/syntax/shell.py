"""A position-exact splitter for POSIX shell command lines.

It does not execute or fully parse shell: it splits a script into simple
commands (at ``&&``, ``||``, ``;``, ``|``, ``&``, parentheses and newlines) and
each command into words and redirections, respecting quotes, escapes, ``$( )``,
``${ }``, backticks, comments and here-documents. That is what rules need to
point at an exact word and what fixes need to insert a flag in the right place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .model import Span, Token, make_token

SpanMapper = Callable[[int, int], Span]

_OPERATOR_CHARS = frozenset(";&|()")
# A run of characters with no quoting, expansion or word-ending meaning.
_SPACES = re.compile(r"[ \t\r]+")
# The pieces of a word the fast path understands: unquoted text, '...', "..." with
# escapes and simple expansions, ${NAME...} without nesting, $NAME, and \\x. Command
# substitution, backticks and line continuations take the careful path. Every piece
# but plain text starts with its own character, and plain runs alternate with the
# others, so a word splits into pieces one way only: no backtracking blow-up.
_PLAIN_RUN = r"[^ \t\r\n;&|()<>'\"\\$`]+"
_BRACED = r"\$\{[^{}$`'\"\\\s]*\}"
_IN_DOUBLE = r"[^\"\\$`]*"
_DOUBLE = rf"\"{_IN_DOUBLE}(?:(?:\\[^\r\n]|{_BRACED}|\$(?![({{])){_IN_DOUBLE})*\""
_SPECIAL = rf"'[^']*'|{_DOUBLE}|{_BRACED}|\$(?![({{])|\\[^\r\n]"
_PIECES = re.compile(rf"{_PLAIN_RUN}|{_SPECIAL}")
# Spaces, a word made of those pieces (not starting a comment, and not followed by a
# redirection, whose file-descriptor number it could be), or a control operator.
_FAST_TOKEN = re.compile(
    r"[ \t\r]*(?:"
    rf"(?P<word>(?=[^ \t\r\n;&|()<>#])(?:{_PLAIN_RUN})?(?:(?:{_SPECIAL})(?:{_PLAIN_RUN})?)*"
    r"(?=[ \t\r\n;&|()]|$))"
    r"|(?P<op>&&|\|\||;;|\|&|;&|;|\||&(?!>)|\(|\))"
    r"|(?P<space>(?<=[ \t\r])))"
)
_PLAIN = re.compile(r"[^ \t\r\n;&|()<>'\"\\$`]+")
_WORD_END = frozenset(" \t\r\n;&|()<>")
# Words that introduce or close compound commands; skipped to find the program.
_RESERVED = frozenset(
    {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time"}
)
# Commands that run another command given as their arguments.
_WRAPPERS = frozenset({"sudo", "env", "nice", "nohup", "exec", "command", "time", "doas"})
# Wrapper options that take a separate value (``sudo -u user cmd``).
_WRAPPER_OPTIONS_WITH_VALUE = frozenset({"-u", "-g", "-n", "-C", "-h", "-p", "-U", "-S"})


@dataclass(frozen=True, slots=True)
class Redirect:
    operator: str
    target: Token | None
    span: Span


@dataclass(slots=True, eq=True, init=False)
class ShellCommand:
    """A simple command: its words (assignments included) and redirections.

    Treat it as immutable, like the rest of the model. It is not a frozen dataclass
    only because frozen ones initialise slowly and the parser makes one per command
    on every keystroke.
    """

    words: tuple[Token, ...]
    redirects: tuple[Redirect, ...]
    span: Span
    #: The operator that ends this command (``&&``, ``||``, ``;``, ``|``, ``&``,
    #: ``(``, ``)``, ``\n``) or ``None`` at the end of the script.
    separator: str | None
    #: The operator that precedes it, ``None`` for the first command.
    preceded_by: str | None

    #: Index in ``words`` of the program actually run (see :func:`program_index`).
    program_at: int | None
    #: Base name of that program (``/usr/bin/apt-get`` → ``apt-get``).
    program: str | None

    def __init__(
        self,
        words: tuple[Token, ...],
        redirects: tuple[Redirect, ...],
        span: Span,
        separator: str | None,
        preceded_by: str | None,
    ) -> None:
        self.words = words
        self.redirects = redirects
        self.span = span
        self.separator = separator
        self.preceded_by = preceded_by
        index = self.program_at = program_index(words)
        self.program = words[index].value.rsplit("/", 1)[-1] if index is not None else None

    def program_index(self) -> int | None:
        return self.program_at

    @property
    def arguments(self) -> tuple[Token, ...]:
        """Words after the program."""
        index = self.program_at
        return () if index is None else self.words[index + 1 :]


@dataclass(frozen=True, slots=True)
class ShellScript:
    commands: tuple[ShellCommand, ...]
    comments: tuple[Span, ...]
    #: Unterminated quote or substitution; the words up to it are still reported.
    error: str | None = None

    def find(self, *programs: str) -> list[ShellCommand]:
        return [c for c in self.commands if c.program in programs]


_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def program_index(words: tuple[Token, ...]) -> int | None:
    """Index of the program actually run, past reserved words, variable
    assignments and wrappers such as ``sudo`` or ``env``."""
    index = 0
    wrapped = False
    while index < len(words):
        value = words[index].value
        if value in _RESERVED or _ASSIGNMENT.match(value):
            index += 1
            continue
        if wrapped and value.startswith("-"):
            index += 2 if value in _WRAPPER_OPTIONS_WITH_VALUE else 1
            continue
        if value in _WRAPPERS and index + 1 < len(words):
            wrapped = True
            index += 1
            continue
        return index
    return None


# The characters the group and double-quote scanners act on; the rest is skipped at once.
_GROUP_SPECIAL = re.compile(r"[\\'\"`$(){}]")
_DOUBLE_SPECIAL = re.compile(r"[\\\"$`]")


class _Scanner:
    def __init__(self, text: str, to_span: SpanMapper) -> None:
        self.text = text
        self.n = len(text)
        self.to_span = to_span
        self.error: str | None = None

    def skip_group(self, i: int, closer: str) -> int:
        """Index after the ``closer`` that ends a group opened just before ``i``."""
        text, n = self.text, self.n
        depth = 1
        opener = "(" if closer == ")" else "{"
        special = _GROUP_SPECIAL.search
        while i < n:
            found = special(text, i)  # jump over ordinary characters
            if found is None:
                break
            i = found.start()
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == "'":
                if closer != ")":
                    i += 1
                    continue
                end = text.find("'", i + 1)
                if end < 0:
                    break
                i = end + 1
                continue
            if c == '"':
                i = self.skip_double(i + 1)
                continue
            if c == "`":
                i = self.skip_backtick(i + 1)
                continue
            if c == "$" and i + 1 < n and text[i + 1] in "({":
                i = self.skip_group(i + 2, ")" if text[i + 1] == "(" else "}")
                continue
            if c == opener:
                depth += 1
            elif c == closer:
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        self.error = self.error or f"unterminated '{'$(' if closer == ')' else '${'}'"
        return n

    def skip_double(self, i: int) -> int:
        """Index after the ``"`` that closes a string opened just before ``i``."""
        text, n = self.text, self.n
        special = _DOUBLE_SPECIAL.search
        while i < n:
            found = special(text, i)  # jump over ordinary characters
            if found is None:
                break
            i = found.start()
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == '"':
                return i + 1
            if c == "$" and i + 1 < n and text[i + 1] in "({":
                i = self.skip_group(i + 2, ")" if text[i + 1] == "(" else "}")
                continue
            if c == "`":
                i = self.skip_backtick(i + 1)
                continue
            i += 1
        self.error = self.error or "unterminated double quote"
        return n

    def skip_backtick(self, i: int) -> int:
        text, n = self.text, self.n
        while i < n:
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == "`":
                return i + 1
            i += 1
        self.error = self.error or "unterminated backtick"
        return n

    def read_word(self, i: int) -> tuple[int, str]:
        """Scan a word starting at ``i``; return its end and unquoted value."""
        text, n = self.text, self.n
        value: list[str] = []
        plain = _PLAIN.match
        while i < n:
            match = plain(text, i)
            if match:
                value.append(match.group())
                i = match.end()
                continue
            c = text[i]
            if c in _WORD_END:
                break
            if c == "\\":
                if i + 1 < n:
                    nxt = text[i + 1]
                    if nxt == "\n":
                        i += 2
                        continue
                    if nxt == "\r":
                        i += 3 if text.startswith("\r\n", i + 1) else 2
                        continue
                    value.append(nxt)
                    i += 2
                    continue
                i += 1
                continue
            if c == "'":
                end = text.find("'", i + 1)
                if end < 0:
                    self.error = self.error or "unterminated single quote"
                    value.append(text[i + 1 :])
                    i = n
                    break
                value.append(text[i + 1 : end])
                i = end + 1
                continue
            if c == '"':
                end = self.skip_double(i + 1)
                inner = text[i + 1 : end - 1 if end <= n and text[end - 1] == '"' else end]
                value.append(_unescape_double(inner))
                i = end
                continue
            if c == "$" and i + 1 < n and text[i + 1] in "({":
                end = self.skip_group(i + 2, ")" if text[i + 1] == "(" else "}")
                value.append(text[i:end])
                i = end
                continue
            if c == "`":
                end = self.skip_backtick(i + 1)
                value.append(text[i:end])
                i = end
                continue
            value.append(c)
            i += 1
        return i, "".join(value)


def _unquote(raw: str) -> str:
    """The value of a word the fast path matched: quotes removed, escapes applied."""
    if raw[0] == '"' and raw[-1] == '"' and len(raw) > 1 and "\\" not in raw:
        inner = raw[1:-1]
        if '"' not in inner:
            return inner  # the common "$VAR" or "text": one quoted piece, nothing escaped
    out = []
    for piece in _PIECES.findall(raw):
        first = piece[0]
        if first == "'":
            out.append(piece[1:-1])
        elif first == '"':
            out.append(_unescape_double(piece[1:-1]))
        elif first == "\\":
            out.append(piece[1])
        else:
            out.append(piece)
    return "".join(out)


def _unescape_double(inner: str) -> str:
    if "\\" not in inner:
        return inner
    out: list[str] = []
    i = 0
    while i < len(inner):
        c = inner[i]
        if c == "\\" and i + 1 < len(inner) and inner[i + 1] in '$`"\\\n':
            if inner[i + 1] != "\n":
                out.append(inner[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _redirect_operator(text: str, i: int) -> str | None:
    """The redirection operator starting at ``i`` (with an optional fd number)."""
    j = i
    while j < len(text) and text[j].isdigit():
        j += 1
    rest = text[j : j + 3]
    for op in ("<<<", "<<-", "&>>", "<<", ">>", ">&", "<&", ">|", "<>", "&>", "<", ">"):
        if rest.startswith(op):
            if op[0] == "&" and j != i:
                return None
            return text[i:j] + op
    return None


def split_shell(text: str, to_span: SpanMapper | None = None) -> ShellScript:
    """Split ``text`` into commands and words; spans go through ``to_span``."""
    mapper: SpanMapper = to_span or Span
    scanner = _Scanner(text, mapper)
    n = len(text)
    commands: list[ShellCommand] = []
    comments: list[Span] = []
    words: list[Token] = []
    redirects: list[Redirect] = []
    pending_heredocs: list[tuple[str, bool]] = []
    preceded_by: str | None = None
    start: int | None = None
    last_end = 0

    def finish(separator: str | None) -> None:
        nonlocal words, redirects, start, preceded_by
        if words or redirects:
            assert start is not None
            commands.append(
                ShellCommand(
                    tuple(words), tuple(redirects), mapper(start, last_end), separator, preceded_by
                )
            )
        if words or redirects or separator not in ("\n", None):
            preceded_by = separator
        words, redirects, start = [], [], None

    i = 0
    spaces = _SPACES.match
    plain_match = _PLAIN.match
    fast = _FAST_TOKEN.match
    while i < n:
        token = fast(text, i)
        if token is not None and token.end() > i:
            # The common tokens in one regex step: spaces, a plain word, an operator.
            kind = token.lastgroup
            end = token.end()
            if kind == "word":
                begin = token.start(kind)
                if start is None:
                    start = begin
                raw = token.group(kind)
                quoted = '"' in raw or "'" in raw or "\\" in raw
                value = _unquote(raw) if quoted else raw
                words.append(make_token((raw, value, mapper(begin, end))))
                last_end = end
            elif kind == "op":
                finish(token.group(kind))
            i = end
            continue
        c = text[i]
        if c in " \t\r":
            i = spaces(text, i).end()  # type: ignore[union-attr]  # c is a space
            continue
        if c == "\\" and i + 1 < n and text[i + 1] in "\r\n":
            i += 3 if text.startswith("\r\n", i + 1) else 2
            continue
        if c == "\n":
            finish("\n")
            i += 1
            if pending_heredocs:
                i = _skip_heredoc_bodies(text, i, pending_heredocs)
                pending_heredocs = []
            continue
        if c == "#":  # at a token start, so a comment
            end = text.find("\n", i)
            end = n if end < 0 else end
            stop = end - 1 if end > i and text[end - 1] == "\r" else end
            comments.append(mapper(i, stop))
            i = end
            continue
        redirect = _redirect_operator(text, i) if c in "<>&0123456789" else None
        if redirect is not None:
            if start is None:
                start = i
            op_end = i + len(redirect)
            j = op_end
            while j < n and text[j] in " \t":
                j += 1
            target = None
            if j < n and text[j] not in _WORD_END:
                end, value = scanner.read_word(j)
                target = Token(text[j:end], value, mapper(j, end))
                if redirect.lstrip("0123456789") in ("<<", "<<-"):
                    pending_heredocs.append((value, redirect.endswith("-")))
                op_end = end
            redirects.append(Redirect(redirect, target, mapper(i, op_end)))
            last_end = op_end
            i = op_end
            continue
        if c in _OPERATOR_CHARS:
            two = text[i : i + 2]
            op = two if two in ("&&", "||", ";;", "|&", ";&") else c
            finish(op)
            i += len(op)
            continue
        plain = plain_match(text, i)
        if plain is not None and (plain.end() == n or text[plain.end()] in _WORD_END):
            end, value = plain.end(), plain.group()  # the common case: nothing to unquote
        else:
            end, value = scanner.read_word(i)
        if end == i:  # a lone character the word scanner refuses; never loop forever
            end = i + 1
            value = c
        if start is None:
            start = i
        words.append(make_token((text[i:end], value, mapper(i, end))))
        last_end = end
        i = end
    finish(None)
    return ShellScript(tuple(commands), tuple(comments), scanner.error)


def _skip_heredoc_bodies(text: str, i: int, heredocs: list[tuple[str, bool]]) -> int:
    """Skip the bodies of here-documents opened on the previous line."""
    n = len(text)
    for delimiter, chomp in heredocs:
        while i < n:
            end = text.find("\n", i)
            end = n if end < 0 else end
            line = text[i:end].rstrip("\r")
            i = end + 1
            if (line.lstrip("\t") if chomp else line) == delimiter:
                break
    return min(i, n)
