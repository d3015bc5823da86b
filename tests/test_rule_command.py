"""Rule documents from the command line and in links: ``layerwise rule``, ``layerwise rules``,
``Rule.url``, and the documents shipped inside an installed (non-editable) package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from layerwise.analysis import ALL_RULES, rule_by_code
from layerwise.analysis.ruledocs import doc_uri, read_doc
from layerwise.cli import main

REPO = Path(__file__).resolve().parents[1]
RULES_DIR = REPO / "rules"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def file_of(uri: str) -> Path:
    parsed = urlparse(uri)
    assert parsed.scheme == "file", uri
    return Path(url2pathname(parsed.path))


def titles(text: str) -> list[str]:
    return [line.split()[1] for line in text.splitlines() if line.startswith("# LW")]


# -- layerwise rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    "word", ["LW701", "lw701", "add-instead-of-copy", "DL3020", "dl3020"], ids=str
)
def test_rule_prints_its_document(word: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["rule", word], capsys)
    assert code == 0, err
    assert out == (RULES_DIR / "LW701.md").read_text(encoding="utf-8")


def test_rule_by_buildkit_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rule", "JSONArgsRecommended"], capsys)
    assert code == 0
    assert titles(out) == ["LW801"]


def test_an_alias_two_rules_share_prints_both(capsys: pytest.CaptureFixture[str]) -> None:
    shared = sorted(r.code for r in ALL_RULES if "DL3003" in r.aliases)
    assert len(shared) == 2
    code, out, _ = run(["rule", "DL3003"], capsys)
    assert code == 0
    assert titles(out) == shared


@pytest.mark.parametrize("word", ["LW9999", "DL9999", "LW7", "no-such-rule"])
def test_unknown_rule_is_a_usage_error(word: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["rule", word], capsys)
    assert code == 2
    assert out == ""
    assert err.strip() == f"layerwise: error: unknown rule '{word}' (see 'layerwise rules')"


def test_rule_needs_a_rule_or_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["rule"], capsys)[0] == 2
    assert run(["rule", "LW701", "--all"], capsys)[0] == 2


def test_rule_all_prints_every_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rule", "--all"], capsys)
    assert code == 0
    assert titles(out) == [rule.code for rule in ALL_RULES]
    assert (RULES_DIR / "LW905.md").read_text(encoding="utf-8") in out


# -- layerwise rules ------------------------------------------------------------------


def test_rules_text_shows_default_and_fix_safety(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["CODE", "SEVERITY", "DEFAULT", "FIX", "NAME", "SUMMARY"]
    by_code = {line.split()[0]: line for line in lines[1:]}
    assert sorted(by_code) == sorted(r.code for r in ALL_RULES)
    # The columns, for rules of each kind: off by default, unsafe, sometimes unsafe, none.
    assert by_code["LW609"].split()[:4] == ["LW609", "info", "off", "none"]
    assert by_code["LW201"].split()[:4] == ["LW201", "warning", "on", "unsafe"]
    assert by_code["LW605"].split()[:5] == ["LW605", "warning", "on", "sometimes", "unsafe"]
    assert by_code["LW701"].split()[:5] == ["LW701", "warning", "on", "safe", "add-instead-of-copy"]
    for rule in ALL_RULES:
        words = by_code[rule.code].split()
        assert words[2] == ("on" if rule.default_enabled else "off")
        assert " ".join(words[3 : 3 + len(rule.fix_kind.split())]) == rule.fix_kind


def test_rules_json_has_the_same_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules", "--format", "json"], capsys)
    assert code == 0
    records = {r["code"]: r for r in json.loads(out)}
    assert records["LW609"]["default_enabled"] is False and records["LW609"]["fix"] == "none"
    assert records["LW201"]["default_enabled"] is True and records["LW201"]["fix"] == "unsafe"
    assert records["LW605"]["fix"] == "sometimes unsafe"
    assert records["LW701"]["fix"] == "safe" and records["LW701"]["fixable"] is True
    for rule in ALL_RULES:
        assert records[rule.code]["fix"] == rule.fix_kind
        assert records[rule.code]["default_enabled"] is rule.default_enabled


# -- links ----------------------------------------------------------------------------


def test_every_rule_url_is_an_existing_document() -> None:
    for rule in ALL_RULES:
        path = file_of(rule.url)
        assert path.is_file(), f"{rule.code}: {rule.url} does not exist"
        assert path.read_text(encoding="utf-8").startswith(f"# {rule.code} {rule.name}\n")
        assert file_of(doc_uri(rule.code)) == path


def test_read_doc_reads_the_source_tree_in_an_editable_install() -> None:
    assert read_doc("LW701") == (RULES_DIR / "LW701.md").read_text(encoding="utf-8")
    assert read_doc("README") == (RULES_DIR / "README.md").read_text(encoding="utf-8")
    assert read_doc("LW9999") is None
    assert read_doc("../pyproject") is None


def _python(code: str, pythonpath: list[Path], cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in pythonpath)}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_published_base_from_project_metadata(tmp_path: Path) -> None:
    """A ``Rules`` entry in [project.urls] makes rule URLs point at the published documents;
    the editor keeps the installed file."""
    info = tmp_path / "meta" / "layerwise-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: layerwise\nVersion: 0.1.0\n"
        "Project-URL: Source, https://example.org/src\n"
        "Project-URL: Rules, https://docs.example.org/layerwise/rules/\n"
    )
    out = _python(
        "from layerwise.analysis import rule_by_code\n"
        "from layerwise.analysis.ruledocs import doc_uri\n"
        "print(rule_by_code('LW701').url)\n"
        "print(doc_uri('LW701'))\n",
        [tmp_path / "meta", REPO / "server"],
        tmp_path,
    )
    url, href = out.splitlines()
    assert url == "https://docs.example.org/layerwise/rules/LW701.md"
    assert file_of(href) == RULES_DIR / "LW701.md"
    # Without that entry (this project's metadata), the link is the document itself.
    assert file_of(rule_by_code("LW701").url) == RULES_DIR / "LW701.md"  # type: ignore[union-attr]


# -- the documents inside an installed package ----------------------------------------


def _copy_project(dest: Path) -> Path:
    """The files a build reads, without the checkout's build leftovers."""
    dest.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(REPO / name, dest / name)
    shutil.copytree(REPO / "rules", dest / "rules")
    shutil.copytree(
        REPO / "server",
        dest / "server",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "rule_docs"),
    )
    return dest


def test_installed_package_carries_the_documents(tmp_path: Path) -> None:
    source = _copy_project(tmp_path / "src")
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    shipped = target / "layerwise" / "rule_docs"
    assert sorted(p.name for p in shipped.iterdir()) == sorted(
        p.name for p in RULES_DIR.glob("*.md")
    )
    # Nothing of the checkout is needed once installed: the source copy goes away.
    shutil.rmtree(source)
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run(
        [sys.executable, "-m", "layerwise", "rule", "LW701"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (RULES_DIR / "LW701.md").read_text(encoding="utf-8")
    out = _python(
        "import layerwise, json\n"
        "from layerwise.analysis import ALL_RULES\n"
        "print(json.dumps([layerwise.__file__, [r.url for r in ALL_RULES]]))\n",
        [target],
        tmp_path,
    )
    module, urls = json.loads(out)
    assert Path(module).parent == target / "layerwise"
    assert len(urls) == len(ALL_RULES)
    for url in urls:
        path = file_of(url)
        assert path.parent == shipped and path.is_file(), url
