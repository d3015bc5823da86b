"""The rule documents in rules/ match the registry, and every example does what it says.

Each ``rules/LWxxx.md`` is parsed strictly (see rules/README.md for the format). Its
Bad example must be reported by the rule, its Good example must not, and for rules
with a fix the Fixed example must be exactly what ``fix_text`` makes of Bad.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import attrs
import pytest

from layerwise.analysis import (
    ALL_RULES,
    FileSystemProject,
    Finding,
    LintOptions,
    Rule,
    fix_text,
    lint_text,
    rule_by_code,
)
from layerwise.analysis.configfiles import read_config_file
from layerwise.analysis.rule import FixSafety
from layerwise.cli.inputs import decode

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
README = RULES_DIR / "README.md"

CODES = sorted(rule.code for rule in ALL_RULES)
FIXABLE = sorted(rule.code for rule in ALL_RULES if rule.fixable)
FIX_VALUES = ("safe", "unsafe", "sometimes unsafe", "none")

_TITLE = re.compile(r"^# (?P<code>LW\d{3}) (?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)$")
_ROW = re.compile(r"^\| (?P<cells>.+) \|$")
_FENCE_OPEN = re.compile(r"^```(?P<info>[a-z]+)$")
_TABLE_HEADER = "| Severity | Category | Fix | Aliases |"
_TABLE_RULE = "|---|---|---|---|"

#: Bad examples that stand for bytes a UTF-8 document cannot hold: the test saves the
#: example in this encoding and lints what the command line reads from that file. The
#: document's Bad section must name the encoding.
BAD_EXAMPLE_ENCODING = {"LW006": "Latin-1"}


@dataclass
class Block:
    info: str
    text: str  # fence content, each line ending in "\n"


@dataclass
class Section:
    title: str
    prose: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def only(self, info: str) -> Block:
        found = [b for b in self.blocks if b.info == info]
        assert len(found) == 1, f"'## {self.title}' needs exactly one ```{info} block"
        return found[0]

    def optional(self, info: str) -> Block | None:
        found = [b for b in self.blocks if b.info == info]
        assert len(found) <= 1, f"'## {self.title}' has more than one ```{info} block"
        return found[0] if found else None


@dataclass
class RuleDoc:
    code: str
    name: str
    summary: str
    severity: str
    category: str
    fix: str
    aliases: tuple[str, ...]
    sections: dict[str, Section]
    order: list[str]


def _cells(line: str) -> list[str]:
    match = _ROW.match(line)
    assert match, f"not a table row: {line!r}"
    return [cell.strip() for cell in match.group("cells").split(" | ")]


def parse_sections(lines: list[str], where: str) -> tuple[list[str], list[Section]]:
    """Split Markdown lines into the prose before any section and ``## `` sections."""
    lead: list[str] = []
    sections: list[Section] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE_OPEN.match(line)
        if fence:
            content: list[str] = []
            index += 1
            while index < len(lines) and lines[index] != "```":
                content.append(lines[index])
                index += 1
            assert index < len(lines), f"{where}: unterminated ``` block"
            assert sections, f"{where}: code block outside any section"
            text = "".join(f"{c}\n" for c in content)
            sections[-1].blocks.append(Block(fence.group("info"), text))
        elif line.startswith("```"):
            raise AssertionError(f"{where}: fence without an info string: {line!r}")
        elif line.startswith("## "):
            sections.append(Section(line[3:].strip()))
        elif line.startswith("#"):
            raise AssertionError(f"{where}: unexpected heading {line!r}")
        elif sections:
            sections[-1].prose.append(line)
        else:
            lead.append(line)
        index += 1
    return lead, sections


def parse_rule_doc(path: Path) -> RuleDoc:
    raw = path.read_bytes().decode("utf-8")
    where = path.name
    assert "\r" not in raw, f"{where}: use LF line endings"
    assert raw.endswith("\n") and not raw.endswith("\n\n"), f"{where}: end with one newline"
    lines = raw[:-1].split("\n")
    assert len(lines) > 8, f"{where}: too short"
    title = _TITLE.match(lines[0])
    assert title, f"{where}: first line must be '# LWxxx rule-name', got {lines[0]!r}"
    assert lines[1] == "", f"{where}: blank line expected after the title"
    summary = lines[2]
    assert summary.strip() == summary and summary, f"{where}: summary line expected"
    assert not summary.startswith(("#", "|")), f"{where}: summary line expected"
    assert lines[3] == "", f"{where}: blank line expected after the summary"
    assert lines[4] == _TABLE_HEADER, f"{where}: table header expected, got {lines[4]!r}"
    assert lines[5] == _TABLE_RULE, f"{where}: table rule expected, got {lines[5]!r}"
    cells = _cells(lines[6])
    assert len(cells) == 4, f"{where}: the table row needs 4 cells, got {cells}"
    severity, category, fix, aliases = cells
    assert lines[7] == "", f"{where}: blank line expected after the table"
    lead, sections = parse_sections(lines[8:], where)
    assert not any(line.strip() for line in lead), f"{where}: text before the first section"
    by_title: dict[str, Section] = {}
    for section in sections:
        assert section.title not in by_title, f"{where}: '## {section.title}' appears twice"
        by_title[section.title] = section
    return RuleDoc(
        code=title.group("code"),
        name=title.group("name"),
        summary=summary,
        severity=severity,
        category=category,
        fix=fix,
        aliases=() if aliases == "-" else tuple(a.strip() for a in aliases.split(",")),
        sections=by_title,
        order=[s.title for s in sections],
    )


def rule_of(code: str) -> Rule:
    rule = rule_by_code(code)
    assert rule is not None, f"{code} is not a registered rule"
    return rule


def load(code: str) -> RuleDoc:
    path = RULES_DIR / f"{code}.md"
    assert path.is_file(), f"{code} has no document: {path} is missing"
    return parse_rule_doc(path)


def _workspace(
    tmp_path: Path,
    dockerfile: str,
    dockerignore: str | None = None,
    config: str | None = None,
    package_json: str | None = None,
) -> Path:
    """A fresh build context holding the example; returns the Dockerfile path."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    # A checkout, as real projects are: the .git folder is what LW401 says the context
    # would send (a folder holding only the Dockerfile has nothing to ignore).
    (tmp_path / ".git").mkdir(exist_ok=True)
    path = tmp_path / "Dockerfile"
    # surrogateescape: bytes that are not UTF-8 (see BAD_EXAMPLE_ENCODING) are written as such.
    path.write_text(dockerfile, encoding="utf-8", errors="surrogateescape", newline="")
    if package_json is not None:  # a ```json block: the project's package.json
        (tmp_path / "package.json").write_text(package_json, encoding="utf-8", newline="")
    if dockerignore is not None:
        (tmp_path / ".dockerignore").write_text(dockerignore, encoding="utf-8", newline="")
    if config is not None:
        (tmp_path / "layerwise.toml").write_text(config, encoding="utf-8", newline="")
    return path


def _options(code: str, path: Path) -> LintOptions:
    """``select=(code,)`` plus the example's own layerwise.toml, if it has one."""
    config_file = path.parent / "layerwise.toml"
    if not config_file.is_file():
        return LintOptions(select=(code,))
    config, errors = read_config_file(config_file)
    assert config is not None and not errors, (
        f"{code}: the example's toml block is invalid: {errors}"
    )
    return attrs.evolve(config, select=(code,)).lint_options(path)


def _extras(section: Section | None) -> dict[str, str | None]:
    if section is None:
        return {"dockerignore": None, "config": None, "package_json": None}
    ignore = section.optional("dockerignore")
    config = section.optional("toml")
    package = section.optional("json")
    return {
        "dockerignore": ignore.text if ignore else None,
        "config": config.text if config else None,
        "package_json": package.text if package else None,
    }


def lint_example(
    code: str,
    tmp_path: Path,
    dockerfile: str,
    dockerignore: str | None = None,
    config: str | None = None,
    package_json: str | None = None,
) -> list[Finding]:
    path = _workspace(tmp_path, dockerfile, dockerignore, config, package_json)
    result = lint_text(
        dockerfile,
        options=_options(code, path),
        path=path,
        project=FileSystemProject(tmp_path),
    )
    assert not result.failures, f"{code} raised on the example: {result.failures}"
    return [f for f in result.findings if f.rule.matches(code)]


def _describe(findings: list[Finding]) -> str:
    return "; ".join(f"{f.code} {f.message}" for f in findings) or "no findings"


# -- the set of documents -------------------------------------------------------------


def test_every_rule_has_exactly_one_document() -> None:
    documented = sorted(p.stem for p in RULES_DIR.glob("LW*.md"))
    missing = sorted(set(CODES) - set(documented))
    extra = sorted(set(documented) - set(CODES))
    assert not missing, f"rules without a document: {missing}"
    assert not extra, f"documents for unknown rules: {extra}"
    assert documented == CODES


def test_fixable_rules_exist() -> None:
    # Guards the parametrisation below against silently testing nothing.
    assert FIXABLE and len(CODES) >= len(FIXABLE)


# -- header, table and structure ------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_header_matches_rule(code: str) -> None:
    doc, rule = load(code), rule_of(code)
    assert doc.code == code
    assert doc.name == rule.name
    assert doc.summary == rule.summary
    assert doc.severity == rule.severity.value
    assert doc.category == rule.category
    assert doc.aliases == rule.aliases
    assert doc.fix in FIX_VALUES, f"Fix column must be one of {FIX_VALUES}, got {doc.fix!r}"
    assert doc.fix == rule.fix_kind, (
        f"Fix column says {doc.fix!r} but the rule's definition says {rule.fix_kind!r}"
    )


@pytest.mark.parametrize("code", CODES)
def test_sections(code: str) -> None:
    doc, rule = load(code), rule_of(code)
    expected = ["Why", "Bad", "Good"] + (["Fixed", "Fix safety"] if rule.fixable else [])
    assert doc.order == expected
    for title in ("Why", "Fix safety"):
        section = doc.sections.get(title)
        if section is None:
            continue
        assert not section.blocks, f"'## {title}' is prose only"
        assert " ".join(section.prose).strip(), f"'## {title}' is empty"
    for title in ("Bad", "Good", "Fixed"):
        section = doc.sections.get(title)
        if section is None:
            continue
        # Bad and Good may carry the build context's .dockerignore, package.json (json)
        # and a layerwise.toml. Fixed may show the .dockerignore a fix creates or completes.
        allowed = (
            {"dockerfile", "dockerignore", "toml", "json"}
            if title != "Fixed"
            else {"dockerfile", "dockerignore"}
        )
        infos = {b.info for b in section.blocks}
        assert infos <= allowed, f"'## {title}' has blocks {infos - allowed}"
        assert section.only("dockerfile").text.strip(), f"'## {title}' example is empty"
        if title != "Fixed":
            _extras(section)


# -- the examples ---------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_bad_example_is_reported(code: str, tmp_path: Path) -> None:
    section = load(code).sections["Bad"]
    text = section.only("dockerfile").text
    encoding = BAD_EXAMPLE_ENCODING.get(code)
    if encoding is not None:
        assert encoding in " ".join(section.prose), f"{code}: say the Bad example is {encoding}"
        # What cli/inputs.py makes of the file saved in that encoding.
        text = decode(text.encode(encoding))
        assert text != section.only("dockerfile").text
    findings = lint_example(code, tmp_path, text, **_extras(section))
    assert findings, f"{code} does not report its Bad example"


@pytest.mark.parametrize("code", CODES)
def test_good_example_is_accepted(code: str, tmp_path: Path) -> None:
    good = load(code).sections["Good"]
    findings = lint_example(code, tmp_path, good.only("dockerfile").text, **_extras(good))
    assert not findings, f"{code} reports its Good example: {_describe(findings)}"


@pytest.mark.parametrize("code", FIXABLE)
def test_fixed_example_is_the_fix_of_bad(code: str, tmp_path: Path) -> None:
    doc = load(code)
    bad = doc.sections["Bad"].only("dockerfile").text
    expected = doc.sections["Fixed"].only("dockerfile").text
    path = _workspace(tmp_path, bad, **_extras(doc.sections["Bad"]))
    result = fix_text(
        bad,
        options=_options(code, path),
        path=path,
        project=FileSystemProject(tmp_path),
        unsafe=True,
    )
    assert result.applied, f"{code}: no fix was applied to the Bad example"
    assert result.text == expected
    shown = doc.sections["Fixed"].optional("dockerignore")
    ignore_files = [c for c in result.files if c.path.name.endswith(".dockerignore")]
    if shown is None:
        assert not ignore_files, f"{code}: the fix changes a .dockerignore the doc does not show"
        return
    assert len(ignore_files) == 1, f"{code}: expected one .dockerignore change"
    change = ignore_files[0]
    before = "" if change.create else change.path.read_text(encoding="utf-8")
    assert before + change.text == shown.text


@pytest.mark.parametrize("code", FIXABLE)
def test_fixed_example_is_clean(code: str, tmp_path: Path) -> None:
    doc = load(code)
    fixed = doc.sections["Fixed"].only("dockerfile").text
    extras = _extras(doc.sections["Bad"])
    shown = doc.sections["Fixed"].optional("dockerignore")
    if shown is not None:
        extras["dockerignore"] = shown.text
    findings = lint_example(code, tmp_path, fixed, **extras)
    assert not findings, f"{code} still reports its Fixed example: {_describe(findings)}"


@pytest.mark.parametrize("code", FIXABLE)
def test_rule_fix_safety_matches_its_fixes(code: str, tmp_path: Path) -> None:
    """The rule's ``fix_safety`` (shown by ``layerwise rules`` and in the Fix column)
    agrees with the fixes it offers for its Bad example."""
    doc, rule = load(code), rule_of(code)
    bad = doc.sections["Bad"].only("dockerfile").text
    found = lint_example(code, tmp_path, bad, **_extras(doc.sections["Bad"]))
    fixes = [f.fix for f in found if f.fix is not None]
    assert fixes, f"{code} is fixable but offers no fix for its Bad example"
    safety = {fix.safe for fix in fixes}
    if rule.fix_safety is FixSafety.SAFE:
        assert safety == {True}, f"{code}: the rule says its fix is safe, the fix is not"
    elif rule.fix_safety is FixSafety.UNSAFE:
        assert safety == {False}, f"{code}: the rule says its fix is unsafe, the fix is safe"
    else:
        assert rule.fix_safety is FixSafety.SOMETIMES


def test_fix_safety_is_set_only_on_fixable_rules() -> None:
    odd = [r.code for r in ALL_RULES if not r.fixable and r.fix_safety is not FixSafety.SAFE]
    assert not odd, f"rules without a fix that declare a fix safety: {odd}"


# -- rules/README.md ------------------------------------------------------------------


def _readme_rows() -> dict[str, list[str]]:
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| \[(LW\d{3})\]\((LW\d{3})\.md\) \|", line)
        if match:
            assert match.group(1) == match.group(2), f"README links the wrong doc: {line!r}"
            assert match.group(1) not in rows, f"README lists {match.group(1)} twice"
            rows[match.group(1)] = _cells(line)
    return rows


def test_readme_lists_every_rule() -> None:
    assert sorted(_readme_rows()) == CODES


@pytest.mark.parametrize("code", CODES)
def test_readme_row_matches_document(code: str) -> None:
    row = _readme_rows().get(code)
    assert row is not None, f"README's rule table has no row for {code}"
    doc = load(code)
    aliases = ", ".join(doc.aliases) or "-"
    assert row == [f"[{code}]({code}.md)", doc.name, doc.severity, doc.fix, aliases]


def _readme_suppression_examples() -> list[str]:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# layerwise rules"
    _, sections = parse_sections(lines[1:], README.name)
    section = next(s for s in sections if s.title == "Suppressing a finding")
    return [b.text for b in section.blocks if b.info == "dockerfile"]


def test_readme_suppression_examples_work(tmp_path: Path) -> None:
    examples = _readme_suppression_examples()
    spellings = set()
    for number, text in enumerate(examples):
        pragma = re.search(r"^# (layerwise: ignore=|hadolint ignore=)(.+)$", text, re.M)
        assert pragma, f"suppression example {number} has no pragma"
        spellings.add(pragma.group(1))
        selectors = tuple(s for s in re.split(r"[,\s]+", pragma.group(2)) if s)
        without = text.replace(pragma.group(0) + "\n", "")
        for selector in selectors:
            reported = lint_example(selector, tmp_path / f"{number}-{selector}-off", without)
            assert reported, f"example {number}: nothing to suppress for {selector}"
            kept = lint_example(selector, tmp_path / f"{number}-{selector}-on", text)
            assert not kept, f"example {number}: {selector} not suppressed: {_describe(kept)}"
    assert spellings == {"layerwise: ignore=", "hadolint ignore="}
