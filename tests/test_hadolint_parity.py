"""rules/hadolint.md accounts for every hadolint DL rule and agrees with the registry."""

from __future__ import annotations

import re
from pathlib import Path

from layerwise.analysis import ALL_RULES
from layerwise.analysis.peers import HADOLINT_ONLY

DOC = Path(__file__).resolve().parents[1] / "rules" / "hadolint.md"


def _rows() -> dict[str, tuple[list[str], str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| (DL\d{4}) \| (.*?) \| (.*?) \| (.*?) \|$", line)
        if match:
            rows[match.group(1)] = (
                re.findall(r"\[(LW\d{3})\]", match.group(2)),
                match.group(4).strip(),
            )
    return rows


def test_all_71_dl_rules_are_accounted_for() -> None:
    rows = _rows()
    assert len(rows) == 71
    for code, (rules, notes) in rows.items():
        assert rules or notes, f"{code} is neither implemented nor explained"


def test_table_matches_the_rule_aliases() -> None:
    rows = _rows()
    by_alias: dict[str, set[str]] = {}
    for rule in ALL_RULES:
        for alias in rule.aliases:
            if alias.startswith("DL"):
                by_alias.setdefault(alias, set()).add(rule.code)
    assert set(by_alias) <= set(rows), (
        f"aliases missing from hadolint.md: {set(by_alias) - set(rows)}"
    )
    for code, (rules, _) in rows.items():
        assert set(rules) == by_alias.get(code, set()), (
            f"{code}: table {rules}, registry {by_alias.get(code)}"
        )


def test_hadolint_only_codes_are_the_unimplemented_rows() -> None:
    """The DL codes accepted in hadolint's pragmas and config without a layerwise rule."""
    unimplemented = {code for code, (rules, _) in _rows().items() if not rules}
    assert unimplemented == HADOLINT_ONLY
