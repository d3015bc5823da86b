#!/usr/bin/env python3
"""Fix-all over the corpus: how many files change, and how many fixes each rule applies.

Usage: python benchmarks/fix_report.py [--corpus DIR] [--unsafe]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--unsafe", action="store_true", help="apply unsafe fixes too")
    args = parser.parse_args()

    from layerwise.analysis import fix_text
    from layerwise.syntax import parse

    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())
    changed = 0
    per_rule: Counter[str] = Counter()
    new_errors = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        result = fix_text(text, unsafe=args.unsafe)
        if result.text != text:
            changed += 1
        per_rule.update(f.code for f in result.applied)
        if len(parse(result.text).errors) > len(parse(text).errors):
            new_errors += 1
    mode = "safe and unsafe" if args.unsafe else "safe"
    print(
        f"{changed} of {len(files)} files changed by fix-all ({mode} fixes); {new_errors} gained a syntax error"
    )
    for code, count in sorted(per_rule.items()):
        print(f"  {code} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
