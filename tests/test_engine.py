"""The rule engine: selection, severities, suppression, isolation, edits, fix-all."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from layerwise.analysis import (
    ALL_RULES,
    Edit,
    EditConflict,
    LintOptions,
    Rule,
    Severity,
    Violation,
    apply_edits,
    fix_text,
    lint_text,
)
from layerwise.analysis.actions import fix_all_edit, ignore_edit
from layerwise.analysis.config import parse_settings
from layerwise.syntax.model import Span


def codes(text: str, **options: object) -> list[str]:
    return [f.code for f in lint_text(text, options=LintOptions(**options)).findings]  # type: ignore[arg-type]


def test_registry_is_well_formed() -> None:
    seen = set()
    for rule in ALL_RULES:
        assert rule.code not in seen
        seen.add(rule.code)
        assert rule.code[:2] == "LW" and rule.code[2:].isdigit() and len(rule.code) == 5
        assert rule.name == rule.name.lower() and " " not in rule.name
        assert rule.summary and rule.category
    names = [r.name for r in ALL_RULES]
    assert len(names) == len(set(names))


def test_select_by_code_prefix_name_and_alias() -> None:
    text = "FROM ubuntu\nADD . /app\n"
    assert set(codes(text, select=("LW1",))) == {"LW101"}
    assert set(codes(text, select=("add-instead-of-copy",))) == {"LW701"}
    assert set(codes(text, select=("dl3020",))) == {"LW701"}
    assert "LW701" not in codes(text, ignore=("DL3020",))


def test_severity_override() -> None:
    result = lint_text("FROM ubuntu\n", options=LintOptions(severity={"DL3006": Severity.ERROR}))
    untagged = next(f for f in result.findings if f.code == "LW101")
    assert untagged.severity is Severity.ERROR


@pytest.mark.parametrize(
    "pragma",
    [
        "# layerwise: ignore=LW701",
        "# layerwise: ignore=LW101, add-instead-of-copy",
        "# hadolint ignore=DL3020",
        "#hadolint ignore=DL3059,DL3020",
    ],
)
def test_ignore_pragmas_apply_to_next_instruction(pragma: str) -> None:
    text = f"FROM ubuntu:24.04\n{pragma}\nADD a /a\nADD b /b\n"
    result = lint_text(text, options=LintOptions(select=("LW701",)))
    lines = [result.doc.source.line_of(f.span.start) for f in result.findings]
    assert lines == [3]


def test_pragma_separated_by_blank_line_does_not_apply() -> None:
    text = "FROM ubuntu:24.04\n# layerwise: ignore=LW701\n\nADD a /a\n"
    assert codes(text, select=("LW701",)) == ["LW701"]


def _exploding(ctx: object) -> Iterator[Violation]:
    yield Violation(Span(0, 1), "partial")
    raise RuntimeError("boom")


def test_a_rule_that_raises_is_skipped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    broken = Rule("LW998", "broken", "a broken rule", Severity.ERROR, "test", _exploding)
    rules = (*ALL_RULES, broken)
    with caplog.at_level(logging.ERROR):
        result = lint_text("FROM ubuntu\n", rules=rules)
    assert sorted(f.code for f in result.findings) == ["LW101"]
    assert [(rule.code, error) for rule, error in result.failures] == [
        ("LW998", "RuntimeError: boom")
    ]
    assert "LW998" in caplog.text


def test_apply_edits_rejects_overlap_and_out_of_range() -> None:
    assert apply_edits("abcdef", [Edit(4, 6, "X"), Edit(0, 1, "")]) == "bcdX"
    with pytest.raises(EditConflict):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])
    with pytest.raises(EditConflict):
        apply_edits("abc", [Edit(2, 9, "x")])


def test_fix_all_rounds_until_stable_and_is_idempotent() -> None:
    text = "FROM debian:12\nRUN apt-get update\nRUN apt-get install curl\nUSER nobody\n"
    first = fix_text(text)
    assert first.text == (
        "FROM debian:12\nRUN apt-get update \\\n    && apt-get install -y curl \\\n"
        "    && rm -rf /var/lib/apt/lists/*\nUSER nobody\n"
    )
    assert first.rounds >= 2
    assert fix_text(first.text).text == first.text
    assert fix_text(first.text).applied == []


def test_fix_all_skips_unsafe_unless_asked() -> None:
    text = 'FROM node:20-slim\nCMD ["node", "a.js"]\n'
    assert fix_text(text).text == text
    assert "USER node" in fix_text(text, unsafe=True).text


def test_fix_all_edit_is_minimal_and_never_splits_crlf() -> None:
    text = "FROM debian:12\r\nADD a /a\r\nUSER nobody\r\n"
    edit = fix_all_edit(text)
    assert edit is not None
    assert text[edit.start : edit.end] == "ADD"
    assert apply_edits(text, [edit]) == "FROM debian:12\r\nCOPY a /a\r\nUSER nobody\r\n"
    assert fix_all_edit("FROM debian:12\nUSER nobody\n") is None


def test_ignore_edit_extends_an_existing_pragma() -> None:
    text = "FROM ubuntu:24.04\n# layerwise: ignore=LW601\nADD a /a\n"
    result = lint_text(text, options=LintOptions(select=("LW701",)))
    edit = ignore_edit(result.doc, result.findings[0])
    assert edit is not None
    assert (
        apply_edits(text, [edit])
        == "FROM ubuntu:24.04\n# layerwise: ignore=LW601,LW701\nADD a /a\n"
    )


def test_settings_are_strict_and_keep_the_good_keys() -> None:
    settings, errors = parse_settings({"select": ["LW7"], "unsafeFixes": True})
    assert errors == [] and settings.select == ("LW7",) and settings.unsafe_fixes is True
    settings, errors = parse_settings({"unsafeFixes": "no", "ignore": ["LW601"]})
    assert errors == ["layerwise.unsafeFixes: expected true or false, got string 'no'"]
    assert settings.unsafe_fixes is None and settings.ignore == ("LW601",)
    _, errors = parse_settings({"select": "DL3008"})
    assert errors == ["layerwise.select: expected a list of strings, got string 'DL3008'"]
    _, errors = parse_settings({"colour": 1})
    assert errors == [
        "layerwise: unknown setting 'colour' (known: select, extendSelect, ignore, severity,"
        " unsafeFixes, format.keywordCase, format.multiLine)"
    ]
    _, errors = parse_settings({"severity": {"LW101": "loud"}})
    assert errors == [
        "layerwise.severity: 'LW101': expected one of error, warning, info, hint, got string 'loud'"
    ]
    settings, errors = parse_settings(
        {"interpreter": ["/usr/bin/python3"], "trace": {"server": "off"}}
    )
    assert errors == [] and settings == parse_settings({})[0]
    # Neovim sends an empty Lua table as [], for the section and for an empty object.
    assert parse_settings([]) == parse_settings({})
    settings, errors = parse_settings({"severity": [], "ignore": ["LW601"]})
    assert errors == [] and settings.severity == {} and settings.ignore == ("LW601",)
    settings, errors = parse_settings({"ignore": ["LW0000X", "LW601"]})
    assert errors == ["layerwise.ignore: unknown rule 'LW0000X'"] and settings.ignore == ("LW601",)


def test_an_instruction_that_does_not_parse_gets_only_the_syntax_error() -> None:
    from layerwise.analysis import LintOptions, lint_text

    text = "FROM alpine:3.22\nCOPY --chmod 777 a /b\n"
    codes = {f.code for f in lint_text(text, options=LintOptions(select=("ALL",))).findings}
    # BuildKit stops at the missing value; '777' is not a source, so no LW927 about it.
    assert "LW001" in codes and "LW927" not in codes
    fine = "FROM alpine:3.22\nCOPY --chmod=777 a b /c\n"
    assert "LW927" in {
        f.code for f in lint_text(fine, options=LintOptions(select=("ALL",))).findings
    }


# -- findings that name their own aliases ------------------------------------------------


def _two_kinds(ctx):  # type: ignore[no-untyped-def]
    from layerwise.analysis import Violation

    for ins in ctx.doc.instructions:
        if ins.keyword == "CMD":
            yield Violation(ins.keyword_span, "cmd", aliases=("DL4003", "Both"))
        elif ins.keyword == "ENTRYPOINT":
            yield Violation(ins.keyword_span, "entrypoint", aliases=("DL4004", "Both"))


def _split_rule():  # type: ignore[no-untyped-def]
    from layerwise.analysis import Rule, Severity

    return Rule(
        "LW999", "two-kinds", "test", Severity.WARNING, "test", _two_kinds,
        aliases=("DL4003", "DL4004", "Both"), finding_aliases=True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("", {}, ["cmd", "entrypoint"]),
        ("", {"ignore": ("DL4003",)}, ["entrypoint"]),
        ("", {"ignore": ("Both",)}, []),
        ("", {"ignore": ("LW999",)}, []),
        ("", {"select": ("DL4004",)}, ["entrypoint"]),
        ("", {"select": ("DL4004", "LW999")}, ["cmd", "entrypoint"]),
        ("# hadolint ignore=DL4003\n", {}, ["entrypoint"]),
        ("# hadolint global ignore=DL4004\n", {}, ["cmd"]),
    ],
)
def test_findings_that_name_their_own_aliases(
    text: str, options: dict[str, tuple[str, ...]], expected: list[str]
) -> None:
    from layerwise.analysis import LintOptions, lint_text

    doc = "FROM alpine:3.22\n" + text + "CMD a\nENTRYPOINT b\n"
    result = lint_text(doc, rules=(_split_rule(),), options=LintOptions(**options))
    assert [f.message for f in result.findings] == expected
    assert all(f.aliases in (("DL4003", "Both"), ("DL4004", "Both")) for f in result.findings)
