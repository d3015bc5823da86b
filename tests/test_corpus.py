"""Every real-world Dockerfile in the shared corpus parses, lints and fixes without errors.

The corpus lives outside the project (licences vary): ``../shared/corpus/dev``, or
LAYERWISE_CORPUS. Without it these tests are skipped (failed with
LAYERWISE_REQUIRE_CORPUS=1), see conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import dockerfile as buildkit

from conftest import corpus_files
from layerwise.analysis import fix_text, lint_text
from layerwise.syntax import parse
from test_shell import careful_split

FILES: list[Path] = corpus_files()


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="surrogateescape")


def test_corpus_is_present(corpus: Path) -> None:
    assert len(FILES) > 500, f"expected the whole shared corpus at {corpus}"


def test_every_file_lints_without_rule_failures(corpus: Path) -> None:
    failures = []
    for path in FILES:
        result = lint_text(_read(path))
        if result.failures:
            failures.append((path.name, result.failures))
        for finding in result.findings:
            assert 0 <= finding.span.start <= finding.span.end <= len(result.doc.text)
    assert failures == []


def test_fix_all_keeps_files_valid_and_is_idempotent(corpus: Path) -> None:
    problems = []
    for path in FILES:
        text = _read(path)
        before = parse(text)
        result = fix_text(text, unsafe=True)
        after = parse(result.text)
        if len(after.errors) > len(before.errors):
            problems.append(f"{path}: new syntax errors {after.errors}")
        if len(after.stages) != len(before.stages):
            problems.append(f"{path}: stage count changed")
        if [s.base.value if s.base else None for s in after.stages] != [
            s.base.value if s.base else None for s in before.stages
        ]:
            problems.append(f"{path}: base images changed")
        if "\r\n" in text and "\n" in result.text.replace("\r\n", ""):
            problems.append(f"{path}: CRLF file gained LF line endings")
        again = fix_text(result.text, unsafe=True)
        if again.text != result.text:
            problems.append(f"{path}: fix-all is not idempotent")
        # BuildKit's own parser accepts every fixed file it accepted before.
        if _buildkit_accepts(text) and not _buildkit_accepts(result.text):
            problems.append(f"{path}: BuildKit's parser rejects the fixed file")
    assert problems == []


def _buildkit_accepts(text: str) -> bool:
    try:
        buildkit.parse_string(text)
    except buildkit.GoParseError:
        return False
    return True


def test_shell_fast_path_agrees_with_the_careful_scanner(corpus: Path) -> None:
    """Every RUN of the corpus splits the same with and without the one-regex fast path."""
    for path in FILES:
        for ins in parse(_read(path)).instructions:
            if ins.shell is not None and not ins.heredocs:
                assert ins.shell == careful_split(ins.args, ins.args_to_span), (path, ins.args)
