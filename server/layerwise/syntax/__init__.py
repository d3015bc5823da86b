"""Syntax layer: the position-exact Dockerfile model, its parser and the shell splitter."""

from .model import (
    Comment,
    Directive,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    KeyValue,
    Span,
    Stage,
    SyntaxIssue,
    Token,
)
from .parser import KNOWN_INSTRUCTIONS, parse
from .shell import ShellCommand, ShellScript, split_shell
from .source import ENCODINGS, Encoding, SourceText

__all__ = [
    "ENCODINGS",
    "KNOWN_INSTRUCTIONS",
    "Comment",
    "Directive",
    "Dockerfile",
    "Encoding",
    "Flag",
    "Heredoc",
    "Instruction",
    "KeyValue",
    "ShellCommand",
    "ShellScript",
    "SourceText",
    "Span",
    "Stage",
    "SyntaxIssue",
    "Token",
    "parse",
    "split_shell",
]
