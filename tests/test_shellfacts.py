"""Where commands sit in a script: subshells, case patterns, compound and conditional code."""

from __future__ import annotations

from layerwise.analysis.shellfacts import place
from layerwise.syntax import split_shell


def flags(script: str, attribute: str) -> dict[str, bool]:
    """First word of each command -> the attribute of its placement."""
    return {
        " ".join(w.value for w in p.command.words[:2]): getattr(p, attribute)
        for p in place(split_shell(script))
    }


def test_branches_and_alternatives_are_conditional() -> None:
    script = "npm ci || npm install\nif [ -f x ]; then make a; else make b; fi\nmake c"
    assert flags(script, "conditional") == {
        "npm ci": False,
        "npm install": True,
        "if [": True,
        "then make": True,
        "else make": True,
        "fi": True,
        "make c": False,
    }


def test_a_brace_group_is_nested_but_runs_unconditionally() -> None:
    script = "{ make a; make b; }\nmake c"
    placed = place(split_shell(script))
    assert [p.nested for p in placed] == [True, True, True, False]  # "}" closes the group
    assert not any(p.conditional for p in placed)


def test_case_patterns_and_subshells() -> None:
    script = 'case "$arch" in\narm64|aarch64) cd /a ;;\nesac\n(cd /b && make)\nmake c'
    placed = place(split_shell(script))
    by_word = {" ".join(w.value for w in p.command.words): p for p in placed}
    assert by_word["arm64"].pattern and by_word["aarch64"].pattern
    assert by_word["cd /a"].conditional and not by_word["cd /a"].pattern
    assert by_word["cd /b"].subshell and not by_word["make c"].subshell
    assert not by_word["make c"].nested
