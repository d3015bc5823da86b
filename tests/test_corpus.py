"""Every real-world Dockerfile in the shared corpus parses, lints and fixes without errors.

The corpus lives outside the project (licences vary): ``../shared/corpus/dev``.
Set LAYERWISE_CORPUS to use another copy, or LAYERWISE_NO_CORPUS=1 to leave them
out where no copy is available.
"""

from __future__ import annotations

from pathlib import Path

import dockerfile as buildkit

from conftest import corpus_dir
from layerwise.analysis import fix_text, lint_text
from layerwise.syntax import parse
from test_shell import careful_split

CORPUS = corpus_dir()
FILES: list[Path] = sorted(p for p in CORPUS.rglob("*") if p.is_file()) if CORPUS else []


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="surrogateescape")


def test_corpus_is_present() -> None:
    if CORPUS is None:
        return  # explicitly opted out with LAYERWISE_NO_CORPUS=1
    assert len(FILES) > 500, (
        f"expected the shared corpus at {CORPUS}; set LAYERWISE_NO_CORPUS=1 to run without it"
    )


def test_every_file_lints_without_rule_failures() -> None:
    failures = []
    for path in FILES:
        result = lint_text(_read(path))
        if result.failures:
            failures.append((path.name, result.failures))
        for finding in result.findings:
            assert 0 <= finding.span.start <= finding.span.end <= len(result.doc.text)
    assert failures == []


def test_fix_all_keeps_files_valid_and_is_idempotent() -> None:
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


def test_shell_fast_path_agrees_with_the_careful_scanner() -> None:
    """Every RUN of the corpus splits the same with and without the one-regex fast path."""
    for path in FILES:
        for ins in parse(_read(path)).instructions:
            if ins.shell is not None and not ins.heredocs:
                assert ins.shell == careful_split(ins.args, ins.args_to_span), (path, ins.args)
