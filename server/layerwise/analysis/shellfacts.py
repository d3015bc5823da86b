"""Where each command of a shell script sits: subshells, ``case`` patterns, compound
commands and conditional branches. Shared by the rules that need more than the flat
command list (``cd`` that does not outlive a subshell, an install that runs only on
one branch)."""

from __future__ import annotations

from dataclasses import dataclass

from ..syntax.shell import ShellCommand, ShellScript
from .context import LintContext


@dataclass(frozen=True, slots=True)
class Placed:
    command: ShellCommand
    #: Inside ``( … )``: state changes such as ``cd`` do not outlive the group.
    subshell: bool
    #: A word of a ``case`` pattern (``arm64|aarch64)``), not a command.
    pattern: bool
    #: Inside ``if``/``while``/``until``/``for``/``select``/``case``/``{ }``.
    nested: bool
    #: Runs on some paths only: a branch or loop body (or its condition), or after ``||``.
    conditional: bool


_BRANCHES = frozenset({"if", "while", "until", "for", "select", "case"})
_OPENERS = _BRANCHES | {"{"}
_BRANCH_CLOSERS = frozenset({"fi", "done", "esac"})
_CLOSERS = _BRANCH_CLOSERS | {"}"}


def placed_commands(ctx: LintContext, script: ShellScript) -> list[Placed]:
    """:func:`place_effective` once per script and lint."""
    key = ("placed", id(script))
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = place_effective(script)
    return found  # type: ignore[return-value]


def place_effective(script: ShellScript) -> list[Placed]:
    """:func:`place` over :meth:`ShellScript.effective`: the commands of a ``sh -c``
    script follow their shell, in a subshell (a new process) and nested; they are
    conditional where the shell is or where their own script says so."""
    placed = place(script)
    if not script.nested:
        return placed
    out: list[Placed] = []
    for outer in placed:
        out.append(outer)
        inner = outer.command.inner
        if inner is None:
            continue
        for p in place_effective(inner):
            out.append(
                Placed(
                    p.command,
                    True,
                    p.pattern or outer.pattern,
                    True,
                    p.conditional or outer.conditional,
                )
            )
    return out


def place(script: ShellScript) -> list[Placed]:
    out: list[Placed] = []
    subshell = 0
    case_depth = 0
    compound = 0
    branch = 0
    in_pattern = False
    for command in script.commands:
        first = command.words[0].value if command.words else ""
        if first == "esac" and case_depth:
            case_depth -= 1
            in_pattern = False
        if command.preceded_by == "(" and not in_pattern:
            subshell += 1
        if first == "case":
            case_depth += 1
            in_pattern = True  # ``case $x in a|b)``: the words after ``in`` are a pattern
        if first in _OPENERS:
            compound += 1
        if first in _BRANCHES:
            branch += 1
        nested = compound > 0 or case_depth > 0
        conditional = branch > 0 or case_depth > 0 or command.preceded_by == "||"
        out.append(Placed(command, subshell > 0, in_pattern, nested, conditional))
        if first in _CLOSERS:
            compound = max(0, compound - 1)
        if first in _BRANCH_CLOSERS:
            branch = max(0, branch - 1)
        if in_pattern and command.separator == ")":
            in_pattern = False
        elif case_depth and command.separator in (";;", ";&", ";;&"):
            in_pattern = True
        elif command.separator == ")" and subshell:
            subshell -= 1
    return out
