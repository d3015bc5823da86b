"""ONBUILD triggers are linted as the instruction they become: every rule whose Bad
example reports a one-line RUN reports it as an ``ONBUILD RUN`` too, except the rules
rules/README.md ("ONBUILD triggers") names as leaving triggers to the child image."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from layerwise.analysis import ALL_RULES, LintOptions, lint_text

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
_BAD = re.compile(r"## Bad\n```dockerfile\n(.*?)```", re.S)
# About the order of instructions in a stage, or the child's build context.
LEFT_TO_THE_CHILD = {"LW304", "LW601", "LW602", "LW640", "LW643", "LW925"}


def _cases() -> list[tuple[str, str, list[int]]]:
    cases = []
    for rule in ALL_RULES:
        match = _BAD.search((RULES_DIR / f"{rule.code}.md").read_text(encoding="utf-8"))
        if match is None:
            continue
        text = match.group(1)
        options = LintOptions(select=(rule.code,), purpose="production")
        lines = text.split("\n")
        hit = {text.count("\n", 0, f.span.start) for f in lint_text(text, options=options).findings}
        runs = [
            i for i in sorted(hit) if lines[i].startswith("RUN ") and not lines[i].endswith("\\")
        ]
        if runs:
            cases.append((rule.code, text, runs))
    return cases


CASES = _cases()


def test_there_are_cases() -> None:
    assert len(CASES) > 30


@pytest.mark.parametrize(("code", "text", "runs"), CASES, ids=[c[0] for c in CASES])
def test_a_trigger_is_linted_as_the_run_it_becomes(code: str, text: str, runs: list[int]) -> None:
    options = LintOptions(select=(code,), purpose="production")
    before = len(lint_text(text, options=options).findings)
    lines = text.split("\n")
    for index in runs:
        lines[index] = "ONBUILD " + lines[index]
    after = len(lint_text("\n".join(lines), options=options).findings)
    if code in LEFT_TO_THE_CHILD:
        assert after < before  # documented: the child's Dockerfile decides
    else:
        assert after == before
