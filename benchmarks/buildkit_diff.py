#!/usr/bin/env python3
"""layerwise against BuildKit's own checks (``docker build --check``), rule by rule.

Runs ``../shared/oracles/buildkit/buildkit-check`` (BuildKit's parser and linter,
offline) and layerwise over the corpus. Per BuildKit rule, the (file, line) findings
of both, of BuildKit only and of layerwise only (the layerwise rule that carries the
BuildKit name as an alias, run with every rule selected); then parse errors: files
BuildKit rejects, and whether layerwise reports an error on the same line, and files
layerwise reports a syntax error (LW0xx) in that BuildKit accepts.

Every disagreement must be fixed or explained in the rule's document; ``--show RULE``
lists them (``--show parse`` the parse-error ones).

Usage: python benchmarks/buildkit_diff.py [--corpus DIR] [--oracle PATH] [--show RULE,...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
DEFAULT_CORPUS = Path(
    os.environ.get("LAYERWISE_CORPUS") or ROOT.parent / "shared" / "corpus" / "dev"
)
DEFAULT_ORACLE = ROOT.parent / "shared" / "oracles" / "buildkit" / "buildkit-check"

Key = tuple[str, int]  # (corpus file, 1-based line)


def run_oracle(oracle: Path, files: list[Path], corpus: Path) -> dict[str, dict]:
    listing = "\n".join(str(f) for f in files) + "\n"
    proc = subprocess.run(
        [str(oracle), "-files-from", "-"],
        input=listing,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 3):
        raise SystemExit(f"buildkit-check failed ({proc.returncode}): {proc.stderr[:500]}")
    out: dict[str, dict] = {}
    for line in proc.stdout.splitlines():
        if line.strip():
            record = json.loads(line)
            out[Path(record["path"]).relative_to(corpus).as_posix()] = record
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--oracle", type=Path, default=DEFAULT_ORACLE)
    parser.add_argument("--show", help="comma-separated BuildKit rule names (or 'parse')")
    args = parser.parse_args()
    if not args.oracle.is_file() or not args.corpus.is_dir():
        print(f"need {args.oracle} and {args.corpus}", file=sys.stderr)
        return 2

    from layerwise.analysis import ALL_RULES, LintOptions, lint_text

    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())
    oracle = run_oracle(args.oracle, files, args.corpus)
    by_alias = {
        alias: rule
        for rule in ALL_RULES
        for alias in rule.aliases
        if not alias.startswith(("DL", "SC"))
    }
    ours: dict[str, set[Key]] = defaultdict(set)
    theirs: dict[str, set[Key]] = defaultdict(set)
    our_errors: dict[str, set[int]] = defaultdict(set)
    our_syntax: dict[str, set[int]] = defaultdict(set)
    options = LintOptions(select=("ALL",), purpose="production")
    for path in files:
        name = path.relative_to(args.corpus).as_posix()
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        result = lint_text(text, options=options)
        record = oracle.get(name, {})
        # A file BuildKit's parser rejects gets no check results at all: nothing to compare
        # rule by rule (the parse-error summary below covers it).
        unchecked = bool(record.get("parse_error")) and not record.get("warnings")
        for finding in result.findings:
            line = result.doc.source.line_of(finding.span.start) + 1
            for alias in finding.rule.aliases:
                if alias in by_alias and not unchecked:
                    ours[alias].add((name, line))
            if finding.severity.value == "error":
                our_errors[name].add(line)
                if finding.code.startswith("LW0"):
                    our_syntax[name].add(line)
        for warning in record.get("warnings") or []:
            theirs[warning["rule"]].add((name, warning["line"]))
            # BuildKit reports the whole instruction (line..end_line); a layerwise finding
            # on one of its continuation lines is the same finding.
            end = warning.get("end_line") or warning["line"]
            found = ours[warning["rule"]]
            inside = {k for k in found if k[0] == name and warning["line"] < k[1] <= end}
            if inside:
                found -= inside
                found.add((name, warning["line"]))

    show = {s.strip() for s in (args.show or "").split(",") if s.strip()}
    print(f"{len(files)} files; BuildKit's rules vs the layerwise rule with that alias\n")
    print(f"{'BuildKit rule':<34} {'code':<6} {'both':>5} {'only BK':>8} {'only LW':>8}")
    for name in sorted(set(by_alias) | set(theirs)):
        rule = by_alias.get(name)
        both = ours[name] & theirs[name]
        only_bk = theirs[name] - ours[name]
        only_lw = ours[name] - theirs[name]
        code = rule.code if rule else "-"
        print(f"{name:<34} {code:<6} {len(both):>5} {len(only_bk):>8} {len(only_lw):>8}")
        if name in show:
            for key in sorted(only_bk):
                print(f"    only BuildKit: {key[0]}:{key[1]}")
            for key in sorted(only_lw):
                print(f"    only layerwise: {key[0]}:{key[1]}")

    # A global ARG without a default used in FROM: BuildKit's check fails without
    # --build-arg ("base name ($IMAGE) should not be blank"), and its error names the
    # argument; the build passes the value. layerwise reports the partly-variable forms
    # (LW918/LW914, warnings) and not a FROM that is one variable (LW918's doc).
    needs_arg = [
        name
        for name, record in oracle.items()
        if "should not be blank" in (record.get("parse_error") or "")
        or (
            "invalid reference format" in (record.get("parse_error") or "")
            and (name, record.get("parse_error_line"))
            in ours["InvalidDefaultArgInFrom"] | ours["UndefinedArgInFrom"]
        )
    ]
    rejected = {n: r for n, r in oracle.items() if r.get("parse_error") and n not in needs_arg}
    same_line = [n for n, r in rejected.items() if r.get("parse_error_line") in our_errors[n]]
    other_line = [n for n in rejected if n not in same_line and our_errors[n]]
    missed = [n for n in rejected if not our_errors[n]]
    extra = [n for n in our_syntax if n not in rejected]
    print(
        f"\n{len(needs_arg)} files fail BuildKit's check only for a build argument without a"
        " default in FROM (the build passes it; see LW918's doc)"
    )
    print(
        f"Parse errors: BuildKit rejects {len(rejected)} more files; layerwise has an error on the"
        f" same line in {len(same_line)}, elsewhere in {len(other_line)}, none in {len(missed)};"
        f" layerwise reports a syntax error (LW0xx) in {len(extra)} files BuildKit accepts"
    )
    if "parse" in show:
        for name in sorted(rejected):
            record = rejected[name]
            mark = "same" if name in same_line else "other" if name in other_line else "MISSED"
            print(f"    {mark}: {name}:{record['parse_error_line']}: {record['parse_error']}")
        for name in sorted(extra):
            print(f"    EXTRA: {name}:{sorted(our_syntax[name])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
