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


@dataclass(frozen=True, slots=True)
class _Wrapper:
    """A command that runs the command given as its arguments."""

    #: Options that take the next word as their value (``sudo -u user``).
    with_value: frozenset[str] = frozenset()
    #: Operands before the command (``timeout 5m cmd``, ``chroot /rootfs cmd``).
    operands: int = 0
    #: Options whose value is the user the command runs as.
    user_options: frozenset[str] = frozenset()
    #: The first operand is that user (``gosu app cmd``).
    user_operand: bool = False


def _w(
    with_value: str = "", operands: int = 0, user_options: str = "", user_operand: bool = False
) -> _Wrapper:
    return _Wrapper(
        frozenset(with_value.split()), operands, frozenset(user_options.split()), user_operand
    )


_DROPS = _w(operands=1, user_operand=True)
# Commands that run another command given as their arguments, and how to read them.
_WRAPPERS: dict[str, _Wrapper] = {
    "sudo": _w(
        "-u -g -C -h -p -U -r -t -T -D --user --group --close-from --host --prompt"
        " --other-user --role --type --command-timeout --chdir",
        user_options="-u --user",
    ),
    "doas": _w("-u -C", user_options="-u"),
    "env": _w("-u -C -S --unset --chdir --split-string"),
    "nice": _w("-n --adjustment"),
    "nohup": _w(),
    "exec": _w("-a"),
    "command": _w(),
    "time": _w("-f -o --format --output"),
    "stdbuf": _w("-i -o -e --input --output --error"),
    "ionice": _w("-c -n --class --classdata"),
    "timeout": _w("-k -s --kill-after --signal", operands=1),
    "chroot": _w("--groups --userspec", operands=1, user_options="--userspec"),
    "xargs": _w(
        "-a -d -E -I -L -n -P -s --arg-file --delimiter --max-args --max-procs --max-chars"
        " --process-slot-var"
    ),
    "gosu": _DROPS,
    "su-exec": _DROPS,
    "s6-setuidgid": _DROPS,
    "setpriv": _w(
        "--reuid --regid --ruid --euid --rgid --egid --groups --inh-caps --ambient-caps"
        " --bounding-set --securebits --pdeathsig --selinux-label --apparmor-profile",
        user_options="--reuid --ruid --euid",
    ),
    "runuser": _w(
        "-u -g -G -s -w --user --group --supp-group --shell --whitelist-environment",
        user_options="-u --user",
    ),
    "eatmydata": _w(),
    "fakeroot": _w("-l -s -i --lib --faked"),
}
#: Cross-compilation wrappers (tonistiigi/xx) that run the package manager or toolchain
#: they are named after for the target platform.
_ALIASES = {
    "xx-apt-get": "apt-get",
    "xx-apt": "apt",
    "xx-apk": "apk",
    "xx-go": "go",
    "xx-cargo": "cargo",
}
#: Shells whose ``-c`` operand is a script of its own.
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
#: ``su``/``runuser``: ``-c`` gives a script run as the user named by the operand.
_SWITCH_USER = frozenset({"su", "runuser"})
_SU_WITH_VALUE = frozenset({"-s", "-g", "-G", "-w", "--shell", "--group", "--supp-group"})


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

    #: Index in ``words`` of the program actually run (see :func:`unwrap`).
    program_at: int | None
    #: Base name of that program (``/usr/bin/apt-get`` → ``apt-get``), with
    #: cross-build wrappers resolved (``xx-apt-get`` → ``apt-get``).
    program: str | None
    #: The wrappers the program runs through, outermost first: ``("sudo",)``,
    #: ``("xargs",)`` (arguments also come from its input), ``("sh -c",)`` for the
    #: commands of a ``sh -c`` script, ``("xx-apt-get",)``.
    via: tuple[str, ...]
    #: The user a wrapper runs the program as (``gosu app``, ``su -c … app``,
    #: ``sudo -u app``); ``None`` when no wrapper changes it.
    as_user: str | None
    #: The script a shell runs (``sh -c '…'``, ``su -c '…'``), split like the rest.
    inner: ShellScript | None

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
        self.inner = None
        first = words[0].value if words else ""
        if first in _WRAPPERS or first in _RESERVED or "=" in first or "/" in first:
            index, via, user = unwrap(words)
        else:  # the common case: the program comes first
            index, via, user = (0 if words else None), (), None
        self.program_at = index
        self.as_user = user
        program = words[index].value.rsplit("/", 1)[-1] if index is not None else None
        alias = _ALIASES.get(program) if program is not None else None
        if alias is not None:
            via = (*via, program)  # type: ignore[arg-type]
            program = alias
        self.program = program
        self.via = via

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
    #: Some command runs a script of its own (``sh -c '…'``): see :meth:`effective`.
    nested: bool = False

    def find(self, *programs: str) -> list[ShellCommand]:
        return [c for c in self.effective() if c.program in programs]

    def effective(self) -> tuple[ShellCommand, ...]:
        """Every command the script runs: its own, and after a ``sh -c`` or ``su -c``
        the commands of that script (with ``via`` and ``as_user`` inherited), in
        source order."""
        if not self.nested:
            return self.commands
        out: list[ShellCommand] = []
        for command in self.commands:
            out.append(command)
            if command.inner is not None:
                out.extend(command.inner.effective())
        return tuple(out)


_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def _option_value(words: tuple[Token, ...], index: int, options: frozenset[str]) -> str | None:
    """The value of ``words[index]`` when it is one of ``options`` (``-u x``, ``-ux``,
    ``--user=x``); ``None`` otherwise."""
    value = words[index].value
    if value in options:
        return words[index + 1].value if index + 1 < len(words) else None
    for option in options:
        if option.startswith("--"):
            if value.startswith(option + "="):
                return value[len(option) + 1 :]
        elif value.startswith(option) and len(value) > len(option):
            return value[len(option) :]
    return None


def unwrap(words: tuple[Token, ...]) -> tuple[int | None, tuple[str, ...], str | None]:
    """(index of the program actually run, the wrappers passed, the user they switch to).

    Skips reserved words, variable assignments and wrappers with their options and
    operands: ``sudo -u app``, ``env A=1``, ``xargs -r``, ``gosu app``, ``timeout 5m``,
    ``chroot /rootfs``. ``command -v x`` runs nothing: its program is ``command``.
    """
    index = 0
    via: list[str] = []
    user: str | None = None
    n = len(words)
    while index < n:
        value = words[index].value
        if value in _RESERVED or _ASSIGNMENT.match(value):
            index += 1
            continue
        name = value.rsplit("/", 1)[-1]
        wrapper = _WRAPPERS.get(name)
        if wrapper is None or index + 1 >= n:
            return index, tuple(via), user
        if name == "command" and words[index + 1].value in ("-v", "-V"):
            return index, tuple(via), user
        via.append(name)
        index += 1
        operands = wrapper.operands
        while index < n:
            word = words[index].value
            if word == "--":
                index += 1
                break
            if word.startswith("-") and len(word) > 1:
                if wrapper.user_options:
                    named = _option_value(words, index, wrapper.user_options)
                    if named is not None:
                        user = named.split(":", 1)[0]
                index += 2 if word in wrapper.with_value else 1
                continue
            if operands:
                if wrapper.user_operand:
                    user = word.split(":", 1)[0]
                operands -= 1
                index += 1
                continue
            break
    return None, tuple(via), user


def program_index(words: tuple[Token, ...]) -> int | None:
    """Index of the program actually run (see :func:`unwrap`)."""
    return unwrap(words)[0]


def script_operand(command: ShellCommand) -> tuple[int, str | None] | None:
    """(index of the word holding the script, the user it runs as) for ``sh -c SCRIPT``,
    ``bash -ec SCRIPT``, ``su -c SCRIPT user`` and ``runuser user -c SCRIPT``; else ``None``."""
    index = command.program_at
    if index is None:
        return None
    words = command.words
    n = len(words)
    program = command.program
    if program in SHELLS:
        seen_c = False
        i = index + 1
        while i < n:
            word = words[i].value
            if word in ("-o", "+o"):
                i += 2
                continue
            if word == "--":
                i += 1
                break
            if len(word) > 1 and word[0] in "-+" and not word.startswith("--"):
                seen_c = seen_c or (word[0] == "-" and "c" in word[1:])
                i += 1 + word.count("o")  # ``-euxo pipefail``: each ``o`` takes a name
                continue
            if word.startswith("--"):
                i += 1
                continue
            break
        return (i, command.as_user) if seen_c and i < n else None
    if program in _SWITCH_USER:
        script: int | None = None
        user: str | None = None
        i = index + 1
        while i < n:
            word = words[i].value
            if word in ("-c", "--command"):
                script = i + 1
                i += 2
                continue
            if word.startswith("--command="):
                return None  # the script shares its word with the option: rare, not split
            if word in _SU_WITH_VALUE:
                i += 2
                continue
            if word.startswith("-"):
                i += 1
                continue
            if user is None:
                user = word
            i += 1
        if script is None or script >= n:
            return None
        return script, user or "root"
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


def split_shell(text: str, to_span: SpanMapper | None = None, depth: int = 0) -> ShellScript:
    """Split ``text`` into commands and words; spans go through ``to_span``.

    The script of a ``sh -c`` or ``su -c`` command is split too (see
    :attr:`ShellCommand.inner`), to a depth of :data:`_MAX_DEPTH`.
    """
    mapper: SpanMapper = to_span or Span
    scanner = _Scanner(text, mapper)
    n = len(text)
    commands: list[ShellCommand] = []
    comments: list[Span] = []
    words: list[Token] = []
    #: Where each word starts in ``text``.
    starts: list[int] = []
    nested = False
    redirects: list[Redirect] = []
    pending_heredocs: list[tuple[str, bool]] = []
    preceded_by: str | None = None
    start: int | None = None
    last_end = 0

    def finish(separator: str | None) -> None:
        nonlocal words, starts, redirects, start, preceded_by, nested
        if words or redirects:
            assert start is not None
            command = ShellCommand(
                tuple(words), tuple(redirects), mapper(start, last_end), separator, preceded_by
            )
            if (
                command.program in SHELLS or command.program in _SWITCH_USER
            ) and depth < _MAX_DEPTH:
                found = script_operand(command)
                if found is not None:
                    nested = True
                    command.inner = _inner_script(
                        command.words[found[0]], starts[found[0]], mapper, found[1], depth
                    )
            commands.append(command)
        if words or redirects or separator not in ("\n", None):
            preceded_by = separator
        words, starts, redirects, start = [], [], [], None

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
                starts.append(begin)
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
        starts.append(i)
        last_end = end
        i = end
    finish(None)
    return ShellScript(tuple(commands), tuple(comments), scanner.error, nested)


_MAX_DEPTH = 3


def _inner_script(
    word: Token, begin: int, mapper: SpanMapper, user: str | None, depth: int
) -> ShellScript:
    """The script in ``word`` (which starts at ``begin`` of the outer text), split with
    spans in the document: exact when the word is the script in one pair of quotes (or
    unquoted), else every span is the whole word."""
    raw, value = word.raw, word.value
    if raw == value:
        base = begin
    elif len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"" and raw[1:-1] == value:
        base = begin + 1
    else:
        end = begin + len(raw)

        def whole(_start: int, _end: int) -> Span:
            return mapper(begin, end)

        inner = split_shell(value, whole, depth + 1)
        _inherit(inner, user)
        return inner

    def shifted(start: int, end: int) -> Span:
        return mapper(base + start, base + end)

    inner = split_shell(value, shifted, depth + 1)
    _inherit(inner, user)
    return inner


def _inherit(script: ShellScript, user: str | None) -> None:
    """Commands of a ``sh -c`` script run through it, as the user it runs as."""
    for command in script.effective():
        command.via = ("sh -c", *command.via)
        if user is not None and command.as_user is None:
            command.as_user = user


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
