"""Reading a shell command's arguments: the options given, their values and the
positional words."""

from __future__ import annotations

from ..syntax.model import Token
from ..syntax.shell import ShellCommand


def option_values(
    command: ShellCommand, valued_short: str, valued_long: frozenset[str]
) -> tuple[set[str], dict[str, str | None], list[Token]]:
    """Parse a command's options: flags seen, option values, positional words.

    Short options in ``valued_short`` take a value (rest of the cluster or the next
    word); long options in ``valued_long`` take ``=value`` or the next word. Flags
    are recorded as ``-x`` / ``--long``; a value of ``None`` means "not given".
    """
    flags: set[str] = set()
    values: dict[str, str | None] = {}
    positional: list[Token] = []
    args = command.arguments
    index = 0
    only_positional = False
    while index < len(args):
        word = args[index]
        value = word.value
        index += 1
        if only_positional or value == "-" or not value.startswith("-"):
            positional.append(word)
            continue
        if value == "--":
            only_positional = True
            continue
        if value.startswith("--"):
            name, eq, inline = value.partition("=")
            flags.add(name)
            if name in valued_long:
                if eq:
                    values[name] = inline
                elif index < len(args):
                    values[name] = args[index].value
                    index += 1
                else:
                    values[name] = None
            continue
        letters = value[1:]
        for at, letter in enumerate(letters):
            flags.add("-" + letter)
            if letter in valued_short:
                rest = letters[at + 1 :]
                if rest:
                    values["-" + letter] = rest
                elif index < len(args):
                    values["-" + letter] = args[index].value
                    index += 1
                else:
                    values["-" + letter] = None
                break
    return flags, values, positional
