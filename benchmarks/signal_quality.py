#!/usr/bin/env python3
"""Signal quality: how often each rule fires over the corpus.

Prints, per rule, the number of findings, the files flagged, and the share of the
official-image files (docker-library__*, nodejs__*, nginxinc__*) it flags. A rule
that flags more than half of the official images is marked AUDIT: either it is
right and its document says why, or it must be narrowed.

Usage: python benchmarks/signal_quality.py [--corpus DIR] [--all] [--examples CODE]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
OFFICIAL = ("docker-library__", "nodejs__", "nginxinc__")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--all", action="store_true", help="include off-by-default rules")
    parser.add_argument("--examples", help="print up to 20 findings of this rule")
    args = parser.parse_args()

    from layerwise.analysis import ALL_RULES, LintOptions, lint_text

    options = LintOptions(select=("ALL",)) if args.all else LintOptions()
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())
    official = [p for p in files if p.relative_to(args.corpus).parts[0].startswith(OFFICIAL)]
    findings: Counter[str] = Counter()
    flagged: dict[str, set[Path]] = defaultdict(set)
    examples: list[str] = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        result = lint_text(text, options=options)
        for finding in result.findings:
            findings[finding.code] += 1
            flagged[finding.code].add(path)
            if finding.code == args.examples and len(examples) < 20:
                line = result.doc.source.line_of(finding.span.start) + 1
                snippet = text[finding.span.start : finding.span.end].replace("\n", "\\n")[:60]
                examples.append(
                    f"{path.relative_to(args.corpus)}:{line}: {snippet!r} {finding.message}"
                )
    print(f"{len(files)} files, {len(official)} official-image files")
    print(f"{'rule':<6} {'name':<34} {'findings':>8} {'files':>6} {'official':>9}")
    for rule in ALL_RULES:
        if rule.code not in findings:
            continue
        share = len(flagged[rule.code] & set(official)) / len(official) if official else 0.0
        mark = "  AUDIT" if share > 0.5 else ""
        print(
            f"{rule.code:<6} {rule.name:<34} {findings[rule.code]:>8} {len(flagged[rule.code]):>6} "
            f"{share:>8.0%}{mark}"
        )
    for line in examples:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
