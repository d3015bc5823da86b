#!/usr/bin/env python3
"""Fix-all over the corpus: how many files change, and how many fixes each rule applies.

Every changed file is also checked with BuildKit's own parser and build checks
(``../shared/oracles/buildkit/buildkit-check``, when it is there): a fixed file must not
be rejected when the original was accepted.

Usage: python benchmarks/fix_report.py [--corpus DIR] [--unsafe] [--oracle PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
DEFAULT_ORACLE = ROOT.parent / "shared" / "oracles" / "buildkit" / "buildkit-check"


def rejected(oracle: Path, texts: dict[str, str]) -> set[str]:
    """The names whose text buildkit-check rejects (a parse or check error)."""
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for index, (name, text) in enumerate(texts.items()):
            path = Path(folder) / f"{index}.Dockerfile"
            path.write_bytes(text.encode("utf-8", "surrogateescape"))
            paths[str(path)] = name
        proc = subprocess.run(
            [str(oracle), "-files-from", "-"],
            input="\n".join(paths) + "\n",
            capture_output=True,
            text=True,
            check=False,
        )
        out = set()
        for line in proc.stdout.splitlines():
            record = json.loads(line)
            if record.get("parse_error"):
                out.add(paths[record["path"]])
        return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--unsafe", action="store_true", help="apply unsafe fixes too")
    parser.add_argument("--oracle", type=Path, default=DEFAULT_ORACLE)
    args = parser.parse_args()

    from layerwise.analysis import fix_text
    from layerwise.syntax import parse

    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())
    changed = 0
    per_rule: Counter[str] = Counter()
    new_errors = 0
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        result = fix_text(text, unsafe=args.unsafe)
        if result.text != text:
            changed += 1
            name = path.relative_to(args.corpus).as_posix()
            before[name], after[name] = text, result.text
        per_rule.update(f.code for f in result.applied)
        if len(parse(result.text).errors) > len(parse(text).errors):
            new_errors += 1
    mode = "safe and unsafe" if args.unsafe else "safe"
    print(
        f"{changed} of {len(files)} files changed by fix-all ({mode} fixes); {new_errors} gained a syntax error"
    )
    if args.oracle.is_file():
        broken = sorted(rejected(args.oracle, after) - rejected(args.oracle, before))
        print(f"BuildKit (buildkit-check) rejects {len(broken)} fixed files it accepted before")
        for name in broken:
            print(f"    {name}")
    else:
        print(f"({args.oracle} not found: BuildKit's check of the fixed files skipped)")
    for code, count in sorted(per_rule.items()):
        print(f"  {code} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
