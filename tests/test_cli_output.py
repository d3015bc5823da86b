"""Report formats, summary and fix feedback of ``layerwise check`` / ``layerwise fix``."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from layerwise import __version__
from layerwise.cli import main
from layerwise.cli.formats.ci import github_data, github_property
from layerwise.cli.output import use_color
from layerwise.cli.ruledocs import rule_document

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

# LW201 (unsafe fix) on line 1, LW701 (safe fix) on line 3, LW604 (unsafe fix) on line 4.
MIXED = 'FROM node:20-slim\nCMD ["node", "a.js"]\nADD a.txt /x\nRUN apt-get install -y curl\n'
MIXED_RULES = "LW201,LW701,LW604"
CLEAN = "FROM alpine:3.20\nUSER nobody\n"
# "RUN echo é😀 && " is 15 characters but 16 UTF-16 code units: apt-get starts after it.
NON_ASCII = "FROM debian:12\nRUN echo é😀 && apt-get install -y curl\nUSER nobody\n"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def mixed(tmp_path: Path) -> Path:
    return write(tmp_path, "Dockerfile", MIXED)


# -- text, full, grouped -------------------------------------------------------------------


def test_text_lines_markers_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = mixed(tmp_path)
    code, out, _ = run(["check", "--select", MIXED_RULES, str(path)], capsys)
    assert code == 1
    assert out.splitlines() == [
        f"{path}:1:1: warning LW201 The final stage never sets a non-root USER, so the "
        "container runs as root [~]",
        f"{path}:3:1: warning LW701 ADD of local files: use COPY, which does only that "
        "(ADD also fetches URLs and unpacks archives) [*]",
        f"{path}:4:5: info LW604 'apt-get install' without --no-install-recommends also "
        "installs whatever these packages recommend, usually more than the image needs [~]",
        "Found 3 problems (2 warnings, 1 info) in 1 file; [*] 1 fixable with 'layerwise fix', "
        "[~] 2 more with 'layerwise fix --unsafe-fixes'.",
    ]


def test_summary_counts_several_files_and_severities(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    write(tmp_path, "a/Dockerfile", MIXED)
    write(tmp_path, "b/Dockerfile", "FROM debian:12\nADD a.txt /x\nUSER nobody\n")
    write(tmp_path, "c/Dockerfile", CLEAN)
    code, out, _ = run(["check", "--select", MIXED_RULES, str(tmp_path)], capsys)
    assert code == 1
    assert out.splitlines()[-1] == (
        "Found 4 problems (3 warnings, 1 info) in 2 files; [*] 2 fixable with "
        "'layerwise fix', [~] 2 more with 'layerwise fix --unsafe-fixes'."
    )


def test_summary_when_unsafe_fixes_are_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = mixed(tmp_path)
    _, out, _ = run(["check", "--unsafe-fixes", "--select", MIXED_RULES, str(path)], capsys)
    assert out.splitlines()[-1].endswith(
        "; [*] 3 fixable with 'layerwise fix' ([~] 2 of them unsafe)."
    )


def test_clean_run_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write(tmp_path, "Dockerfile", CLEAN)
    write(tmp_path, "web/Containerfile", CLEAN)
    code, out, _ = run(["check", str(tmp_path)], capsys)
    assert (code, out) == (0, "All checks passed (2 files).\n")


def test_text_columns_are_characters(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = write(tmp_path, "Dockerfile", NON_ASCII)
    _, out, _ = run(["check", "-q", "--select", "LW604", str(path)], capsys)
    assert out.startswith(f"{path}:2:16: info LW604 ")


def test_full_shows_the_source_with_the_range_underlined(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = write(tmp_path, "Dockerfile", "FROM debian:12\n\tADD a.txt /x\nUSER nobody\n")
    code, out, _ = run(["check", "--format", "full", "--select", "LW701", str(path)], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}:2:2: warning LW701 ") and lines[0].endswith("[*]")
    # The tab is shown as four spaces, and the carets sit under ADD all the same.
    assert lines[1] == "    2 |     ADD a.txt /x"
    assert lines[2] == "      |     ^^^"
    assert lines[3] == "      = fix: Replace ADD with COPY"
    assert lines[-1].startswith("Found 1 problem (1 warning) in 1 file")


def test_full_underlines_each_line_of_a_multiline_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    text = "FROM debian:12\nRUN apt-get install -y curl \\\n  git\nUSER nobody\n"
    path = write(tmp_path, "Dockerfile", text)
    _, out, _ = run(["check", "-q", "--format", "full", "--select", "LW604", str(path)], capsys)
    lines = out.splitlines()
    assert lines[1:5] == [
        "    2 | RUN apt-get install -y curl \\",
        "      |     " + "^" * len("apt-get install -y curl \\"),
        "    3 |   git",
        "      | " + "^" * len("  git"),
    ]
    assert lines[5] == "      = unsafe fix (--unsafe-fixes): Add --no-install-recommends"


def test_full_aligns_carets_after_wide_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = write(tmp_path, "Dockerfile", NON_ASCII)
    _, out, _ = run(["check", "-q", "--format", "full", "--select", "LW604", str(path)], capsys)
    shown, carets = out.splitlines()[1:3]
    assert shown == "    2 | RUN echo é😀 && apt-get install -y curl"
    # 😀 takes two terminal cells, so the carets start one cell further right.
    assert carets == "      | " + " " * 16 + "^" * len("apt-get install -y curl")


def test_show_source_is_format_full(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = mixed(tmp_path)
    _, full, _ = run(["check", "--format", "full", str(path)], capsys)
    _, shown, _ = run(["check", "--show-source", str(path)], capsys)
    assert shown == full and "^^^" in shown


def test_grouped_lists_findings_under_each_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    first = write(tmp_path, "a/Dockerfile", MIXED)
    second = write(tmp_path, "b/Dockerfile", "FROM debian:12\nADD a.txt /x\nUSER nobody\n")
    write(tmp_path, "c/Dockerfile", CLEAN)
    argv = ["check", "--format", "grouped", "--select", MIXED_RULES, str(tmp_path)]
    _, out, _ = run(argv, capsys)
    blocks = out.split("\n\n")
    assert len(blocks) == 3  # two files with findings, then the summary
    header, *rows = blocks[0].splitlines()
    assert header == f"{first}:"
    assert [row.split()[:3] for row in rows] == [
        ["1:1", "warning", "LW201"],
        ["3:1", "warning", "LW701"],
        ["4:5", "info", "LW604"],
    ]
    assert all(row.startswith("  ") for row in rows)
    assert blocks[1].splitlines()[0] == f"{second}:"
    assert "c/Dockerfile" not in out
    assert blocks[2].startswith("Found 4 problems")


# -- colour --------------------------------------------------------------------------------


def _tty(monkeypatch: pytest.MonkeyPatch, value: bool) -> None:
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: value)


def test_colour_only_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    path = mixed(tmp_path)
    _, piped, _ = run(["check", str(path)], capsys)
    assert not ANSI.search(piped)
    _tty(monkeypatch, True)
    _, coloured, _ = run(["check", str(path)], capsys)
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured) == piped


def test_no_color_and_force_color(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    path = mixed(tmp_path)
    _tty(monkeypatch, True)
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(["check", str(path)], capsys)
    assert not ANSI.search(out)
    monkeypatch.setenv("FORCE_COLOR", "1")  # NO_COLOR wins
    _, out, _ = run(["check", str(path)], capsys)
    assert not ANSI.search(out)
    monkeypatch.delenv("NO_COLOR")
    _tty(monkeypatch, False)
    _, out, _ = run(["check", "--format", "grouped", str(path)], capsys)
    assert ANSI.search(out)
    _, out, _ = run(["check", "--format", "json", str(path)], capsys)
    assert not ANSI.search(out)  # never in machine formats
    json.loads(out)


def test_use_color_rules() -> None:
    class Stream:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    assert use_color(Stream(True), {}) is True  # type: ignore[arg-type]
    assert use_color(Stream(False), {}) is False  # type: ignore[arg-type]
    assert use_color(Stream(True), {"NO_COLOR": ""}) is True  # type: ignore[arg-type]
    assert use_color(Stream(True), {"TERM": "dumb"}) is False  # type: ignore[arg-type]
    assert use_color(Stream(False), {"FORCE_COLOR": "0"}) is False  # type: ignore[arg-type]
    assert use_color(Stream(False), {"FORCE_COLOR": "true"}) is True  # type: ignore[arg-type]


# -- json, json-lines ----------------------------------------------------------------------


def test_json_records_have_locations_url_and_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = write(tmp_path, "Dockerfile", NON_ASCII)
    code, out, err = run(["check", "--format", "json", "--select", "LW604", str(path)], capsys)
    assert code == 1 and err == ""
    (record,) = json.loads(out)  # no summary on stdout: it stays parseable
    assert record["path"] == str(path)
    assert record["url"].endswith("LW604.md")
    assert record["rangeEncoding"] == "utf-16"
    # UTF-16: 😀 counts twice, so apt-get starts at 0-based 16 / 1-based 17.
    assert record["range"]["start"] == {"line": 1, "character": 16}
    assert record["location"] == {"line": 2, "column": 17}
    assert record["end_location"] == {"line": 2, "column": 17 + len("apt-get install -y curl")}
    assert record["fix"]["safe"] is False


def test_json_lines_is_one_record_per_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = mixed(tmp_path)
    _, array, _ = run(["check", "--format", "json", str(path)], capsys)
    _, lines, _ = run(["check", "--format", "json-lines", str(path)], capsys)
    assert [json.loads(line) for line in lines.splitlines()] == json.loads(array)
    assert len(lines.splitlines()) >= 3


# -- SARIF ---------------------------------------------------------------------------------


def _sarif(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    code, out, _ = run(["check", "--format", "sarif", *argv], capsys)
    assert code == 1
    log = json.loads(out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(log)]
    assert errors == []
    return log


def test_sarif_is_valid_and_complete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    mixed(tmp_path)
    monkeypatch.chdir(tmp_path)
    log = _sarif(["--select", MIXED_RULES, "Dockerfile"], capsys)
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    assert run_["columnKind"] == "utf16CodeUnits"
    driver = run_["tool"]["driver"]
    assert driver["name"] == "layerwise" and driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert set(rules) == {"LW201", "LW701", "LW604"}
    add = rules["LW701"]
    assert add["name"] == "add-instead-of-copy"
    assert add["shortDescription"]["text"] == "ADD used where COPY does the job"
    assert add["fullDescription"]["text"].startswith("`ADD` does more than copy")
    assert add["help"]["markdown"].startswith("# LW701 add-instead-of-copy")
    assert "## Fix safety" in add["help"]["text"]
    assert add["helpUri"].endswith("LW701.md")
    assert add["defaultConfiguration"]["level"] == "warning"
    assert rules["LW604"]["defaultConfiguration"]["level"] == "note"

    results = {r["ruleId"]: r for r in run_["results"]}
    result = results["LW701"]
    assert driver["rules"][result["ruleIndex"]]["id"] == "LW701"
    assert result["level"] == "warning"
    (location,) = result["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"
    assert location["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 1,
        "endLine": 3,
        "endColumn": 4,
    }
    (fix,) = result["fixes"]
    assert fix["description"]["text"] == "Replace ADD with COPY"
    (change,) = fix["artifactChanges"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 4},
            "insertedContent": {"text": "COPY"},
        }
    ]
    # Unsafe fixes are not offered as SARIF fixes.
    assert "fixes" not in results["LW201"] and "fixes" not in results["LW604"]


def test_sarif_columns_are_utf16(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = write(tmp_path, "dir with space/Dockerfile", NON_ASCII)
    log = _sarif(["--select", "LW604", str(path)], capsys)
    (result,) = log["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["region"]["startColumn"] == 17
    assert location["region"]["endColumn"] == 17 + len("apt-get install -y curl")
    uri = location["artifactLocation"]["uri"]
    assert uri.startswith("file://") and uri.endswith("/dir%20with%20space/Dockerfile")


def test_rule_documents_are_found() -> None:
    document = rule_document("LW701")
    assert document is not None and document.startswith("# LW701 add-instead-of-copy")
    assert rule_document("LW000") is None


# -- CI formats ----------------------------------------------------------------------------


def test_github_escaping() -> None:
    assert github_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert github_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_github_workflow_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = write(tmp_path, "odd,name:x.Dockerfile", MIXED)
    code, out, _ = run(["check", "--format", "github", "--select", MIXED_RULES, str(path)], capsys)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3  # no summary in a machine format
    escaped = str(path).replace(",", "%2C").replace(":", "%3A")
    assert lines[1] == (
        f"::warning file={escaped},line=3,col=1,endLine=3,endColumn=4,"
        "title=LW701 add-instead-of-copy::ADD of local files: use COPY, which does only "
        "that (ADD also fetches URLs and unpacks archives)"
    )
    assert lines[2].startswith(f"::notice file={escaped},line=4,col=5,")


def test_github_multiline_finding_has_lines_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    text = "FROM debian:12\nRUN apt-get install -y curl \\\n  git\nUSER nobody\n"
    path = write(tmp_path, "Dockerfile", text)
    _, out, _ = run(["check", "--format", "github", "--select", "LW604", str(path)], capsys)
    assert out.startswith(
        f"::notice file={path},line=2,endLine=3,title=LW604 apt-install-recommends::"
    )


def test_gitlab_code_quality(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = write(tmp_path, "Dockerfile", MIXED)
    argv = ["check", "--format", "gitlab", "--select", MIXED_RULES, str(path)]
    code, out, _ = run(argv, capsys)
    assert code == 1
    issues = json.loads(out)
    assert len(issues) == 3
    for issue in issues:
        # The fields GitLab requires.
        assert isinstance(issue["description"], str) and issue["description"]
        assert issue["check_name"] in {"LW201", "LW701", "LW604"}
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == str(path)
        assert isinstance(issue["location"]["lines"]["begin"], int)
    by_rule = {i["check_name"]: i for i in issues}
    assert by_rule["LW701"]["severity"] == "major"
    assert by_rule["LW604"]["severity"] == "minor"
    assert by_rule["LW701"]["location"]["lines"] == {"begin": 3, "end": 3}
    assert len({i["fingerprint"] for i in issues}) == 3
    # Fingerprints stay put when lines above the findings move.
    path.write_text(MIXED.replace("\nADD", "\n\n# copy the file\nADD"))
    moved = {i["check_name"]: i for i in json.loads(run(argv, capsys)[1])}
    assert moved["LW701"]["location"]["lines"]["begin"] == 5
    assert {k: i["fingerprint"] for k, i in moved.items()} == {
        k: i["fingerprint"] for k, i in by_rule.items()
    }


def test_gitlab_fingerprints_differ_for_repeated_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = write(tmp_path, "Dockerfile", "FROM debian:12\nADD a /a\nADD a /a\nUSER nobody\n")
    _, out, _ = run(["check", "--format", "gitlab", "--select", "LW701", str(path)], capsys)
    first, second = json.loads(out)
    assert first["fingerprint"] != second["fingerprint"]


# -- XML -----------------------------------------------------------------------------------


def test_junit(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = write(tmp_path, "a/Dockerfile", MIXED)
    clean = write(tmp_path, "b/Dockerfile", CLEAN)
    argv = ["check", "--format", "junit", "--select", MIXED_RULES, str(tmp_path)]
    code, out, _ = run(argv, capsys)
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("4", "3")
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {str(bad), str(clean)}
    cases = suites[str(bad)].findall("testcase")
    assert suites[str(bad)].get("failures") == "3" and len(cases) == 3
    failures = [case.find("failure") for case in cases]
    assert all(f is not None and f.get("message") for f in failures)
    assert cases[1].get("name") == "LW701 add-instead-of-copy at 3:1"
    assert cases[1].get("line") == "3"
    assert failures[1] is not None and failures[1].get("type") == "LW701 warning"
    (passing,) = suites[str(clean)].findall("testcase")
    assert passing.find("failure") is None and suites[str(clean)].get("failures") == "0"


def test_checkstyle(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = write(tmp_path, "a/Dockerfile", NON_ASCII)
    clean = write(tmp_path, "b/Dockerfile", CLEAN)
    argv = ["check", "--format", "checkstyle", "--select", "LW604", str(tmp_path)]
    _, out, _ = run(argv, capsys)
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "checkstyle" and root.get("version")
    files = {f.get("name"): f for f in root.findall("file")}
    assert set(files) == {str(bad), str(clean)}
    assert files[str(clean)].findall("error") == []
    (error,) = files[str(bad)].findall("error")
    assert error.attrib == {
        "line": "2",
        "column": "16",  # characters, as in the text format
        "severity": "info",
        "message": error.get("message"),
        "source": "layerwise.LW604",
    }
    assert "--no-install-recommends" in (error.get("message") or "")


def test_xml_reports_survive_control_characters(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # The message quotes the stage name, control character included.
    path = write(tmp_path, "Dockerfile", "FROM debian:12\nCOPY --from=no\x01pe a /b\n")
    for fmt in ("junit", "checkstyle"):
        _, out, _ = run(["check", "--format", fmt, "--select", "LW905", str(path)], capsys)
        root = ET.fromstring(out.encode("utf-8"))  # raises on an invalid document
        messages = [e.get("message") or "" for e in root.iter() if e.get("message")]
        assert len(messages) == 1 and "no\ufffdpe" in messages[0]


# -- statistics, quiet, exit codes, output file --------------------------------------------


def test_statistics(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write(tmp_path, "a/Dockerfile", MIXED)
    write(tmp_path, "b/Dockerfile", "FROM debian:12\nADD a.txt /x\nUSER nobody\n")
    argv = ["check", "--statistics", "--select", MIXED_RULES, str(tmp_path)]
    code, out, _ = run(argv, capsys)
    assert code == 1
    rows = [line.split() for line in out.splitlines()[:-1]]
    assert rows == [
        ["2", "LW701", "add-instead-of-copy", "[*]"],
        ["1", "LW201", "missing-user", "[~]"],
        ["1", "LW604", "apt-install-recommends", "[~]"],
    ]
    assert out.splitlines()[-1].startswith("Found 4 problems")
    _, out, _ = run([*argv, "--format", "json"], capsys)
    assert json.loads(out)[0] == {
        "code": "LW701",
        "name": "add-instead-of-copy",
        "count": 2,
        "fixable": 2,
        "unsafe_fixable": 0,
    }
    code, _, err = run([*argv, "--format", "sarif"], capsys)
    assert code == 2 and "--statistics" in err


def test_quiet_prints_findings_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = mixed(tmp_path)
    _, out, _ = run(["check", "-q", "--select", MIXED_RULES, str(path)], capsys)
    assert len(out.splitlines()) == 3 and "Found" not in out
    path.write_text(CLEAN)
    code, out, _ = run(["check", "--quiet", str(path)], capsys)
    assert (code, out) == (0, "")


def test_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = mixed(tmp_path)
    code, out, _ = run(["check", "--exit-zero", str(path)], capsys)
    assert code == 0 and "LW701" in out
    code, _, _ = run(["check", "--exit-zero", "--exit-non-zero-on-fix", str(path)], capsys)
    assert code == 2  # contradictory


def test_check_fix_reports_what_it_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = mixed(tmp_path)
    code, out, _ = run(["check", "--fix", "--select", MIXED_RULES, str(path)], capsys)
    assert code == 1 and "COPY a.txt /x" in path.read_text()
    assert out.splitlines()[-2:] == [
        "Fixed 1 problem in 1 file.",
        "Found 2 problems (1 warning, 1 info) in 1 file; "
        "[~] 2 with 'layerwise fix --unsafe-fixes'.",
    ]
    # A machine format keeps stdout for the report: the fix line goes to stderr.
    path.write_text(MIXED)
    argv = ["check", "--fix", "--format", "json", "--select", MIXED_RULES, str(path)]
    _, out, err = run(argv, capsys)
    assert len(json.loads(out)) == 2 and err == "Fixed 1 problem in 1 file.\n"


def test_exit_non_zero_on_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    text = "FROM debian:12\nADD a.txt /x\nUSER nobody\n"
    path = write(tmp_path, "Dockerfile", text)
    argv = ["check", "--fix", "--select", "LW701", str(path)]
    code, out, _ = run(argv, capsys)
    assert code == 0 and out == "Fixed 1 problem in 1 file.\nAll checks passed (1 file).\n"
    path.write_text(text)
    code, _, _ = run([*argv, "--exit-non-zero-on-fix"], capsys)
    assert code == 1 and "COPY" in path.read_text()
    code, out, _ = run([*argv, "--exit-non-zero-on-fix"], capsys)
    assert code == 0  # nothing left to change
    assert out == "No fixes applied.\nAll checks passed (1 file).\n"

    path.write_text(text)
    code, _, err = run(["fix", "--exit-non-zero-on-fix", str(path)], capsys)
    assert code == 1 and err == "Fixed 1 problem in 1 file (0 remaining).\n"
    code, _, err = run(["fix", "--exit-non-zero-on-fix", str(path)], capsys)
    assert code == 0 and err == "Nothing to fix.\n"


def test_fix_counts_what_remains(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = mixed(tmp_path)
    code, _, err = run(["fix", "--select", MIXED_RULES, str(path)], capsys)
    assert code == 0 and err == "Fixed 1 problem in 1 file (2 remaining).\n"
    _, _, err = run(["fix", "--select", MIXED_RULES, str(path)], capsys)
    assert err == "Nothing fixed (2 remaining).\n"
    path.write_text(MIXED)
    _, _, err = run(["fix", "--diff", "--select", MIXED_RULES, str(path)], capsys)
    assert err == "Would fix 1 problem in 1 file (2 remaining).\n"
    _, _, err = run(["fix", "-q", "--select", MIXED_RULES, str(path)], capsys)
    assert err == "" and "COPY" in path.read_text()


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = mixed(tmp_path)
    report = tmp_path / "out" / "report.sarif"
    report.parent.mkdir()
    argv = ["check", "--format", "sarif", "-o", str(report), "--select", MIXED_RULES, str(path)]
    code, out, _ = run(argv, capsys)
    assert code == 1
    assert len(json.loads(report.read_text(encoding="utf-8"))["runs"][0]["results"]) == 3
    # The report is in the file; the summary is on the terminal.
    assert out.startswith("Found 3 problems")
    text_report = tmp_path / "report.txt"
    _, out, _ = run(["check", "--output-file", str(text_report), str(path)], capsys)
    assert out.startswith("Found ") and "LW701" not in out
    assert " LW701 " in text_report.read_text(encoding="utf-8")
    code, _, err = run(["check", "-o", str(tmp_path / "missing" / "r.txt"), str(path)], capsys)
    assert code == 2 and err.startswith("layerwise: error: ") and len(err.splitlines()) == 1


def test_bytes_that_are_not_utf8_are_replaced_in_json_and_escaped_in_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM debian:12\nCOPY --from=no\xffpe a /b\n")
    _, out, _ = run(["check", "--format", "json", "--select", "LW905", str(path)], capsys)
    (record,) = json.loads(out)
    assert "'no\ufffdpe'" in record["message"]
    _, out, _ = run(["check", "-q", "--select", "LW905", str(path)], capsys)
    assert "'no\\xffpe'" in out
