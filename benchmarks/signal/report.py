#!/usr/bin/env python3
"""Signal quality: how many of each rule's findings on the DEV corpus are right.

Every judged finding is a row of ``benchmarks/signal/verdicts/*.tsv``::

    file  code  line  key  verdict  reason

``file`` is the corpus path (``repo__path__Dockerfile`` under the corpus folder), ``line``
the 1-based line of the finding when it was judged, ``key`` a short hash of the
instruction's text and of the text the finding points at (so a verdict survives edits
elsewhere in the file), ``verdict`` one of ``tp`` (a reviewer wants it, at that severity),
``fp`` (the claim is wrong for this file) or ``noise`` (true, but a reasonable team would
suppress it: a deliberate, often commented choice), and ``reason`` one line.

A ``fp`` whose reason starts with ``context:`` says the real repository has a file the
corpus leaves out (a ``.dockerignore``): in that repository the rule is silent. Those are
shown in the ``ctx`` column and left out of the precision, which measures what the rule
concludes from what it can see.

Each file is linted under its real repository path (from ``MANIFEST.tsv``), so that
what the path says about the file (a ``.devcontainer/`` image, a ``testdata/`` fixture)
counts as it does in the real repository; the build context itself is not there.

The report lints every corpus file with the default rules (``--all``: every rule),
matches findings to verdicts by (file, code, key) and prints, per rule: findings, files,
judged, precision (tp / judged), the verdicts whose finding is gone (``gone-fp`` are
fixed false positives, ``gone-tp`` are lost true positives: look at them), and a status:

- ``ok``      precision >= 95% (100% for error-level rules) with enough judged
  (every finding when a rule has at most 30, else at least 30);
- ``LOW``     precision under the target;
- ``judge``   not enough findings judged yet.

Usage::

    python benchmarks/signal/report.py                   # the table
    python benchmarks/signal/report.py --unjudged LW601  # findings still to judge, with context
    python benchmarks/signal/report.py --verdicts LW601  # judged findings and their verdicts
    python benchmarks/signal/report.py --gone            # verdicts whose finding disappeared
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VERDICTS = HERE / "verdicts"
DEFAULT_CORPUS = Path(
    os.environ.get("LAYERWISE_CORPUS") or ROOT.parent / "shared" / "corpus" / "dev"
)
FIELDS = ("file", "code", "line", "key", "verdict", "reason")
KINDS = ("tp", "fp", "noise")
#: Rules with at most this many findings are judged whole; larger ones by a sample this big.
SAMPLE = 30
TARGET = 0.95


@dataclass
class Item:
    """One finding of the current code, in the shape verdicts refer to."""

    file: str
    code: str
    severity: str
    line: int  # 1-based
    column: int  # 1-based
    key: str
    message: str
    context: str  # the instruction's lines, numbered


@dataclass
class Verdict:
    file: str
    code: str
    line: int
    key: str
    verdict: str
    reason: str
    source: Path


def finding_key(instruction_text: str, target_text: str) -> str:
    """Whitespace-insensitive hash of the instruction and of the text a finding points at."""
    normal = " ".join(instruction_text.split()) + "\0" + " ".join(target_text.split())
    return hashlib.sha1(normal.encode("utf-8", "surrogateescape")).hexdigest()[:10]


def collect(corpus: Path, every_rule: bool) -> list[Item]:
    sys.path.insert(0, str(ROOT / "server"))
    from layerwise.analysis import LintOptions, lint_text
    from layerwise.analysis.context import FileSystemProject

    options = LintOptions(select=("ALL",)) if every_rule else LintOptions()
    project = FileSystemProject(corpus)
    real = real_paths(corpus)
    items: list[Item] = []
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        where = real.get(path.relative_to(corpus).as_posix(), path)
        result = lint_text(text, options=options, path=where, project=project)
        doc = result.doc
        name = path.relative_to(corpus).as_posix()
        for finding in result.findings:
            start = finding.span.start
            holder = next(
                (i for i in doc.instructions if i.span.start <= start <= i.span.end),
                None,
            )
            if holder is None:  # a finding outside instructions (a directive, a comment)
                first = doc.source.line_of(start)
                low, high = first, first
                holder_text = doc.source.line_text(first)
            else:
                low = doc.source.line_of(holder.span.start)
                high = doc.source.line_of(max(holder.span.start, holder.span.end - 1))
                holder_text = text[holder.span.start : holder.span.end]
            line, column = doc.source.position(start)
            shown = range(max(0, low - 2), min(doc.source.line_count, high + 1) + 0)
            context = "\n".join(
                f"{'>' if n == line else ' '}{n + 1:5} {doc.source.line_text(n).rstrip()}"
                for n in shown
            )
            items.append(
                Item(
                    file=name,
                    code=finding.code,
                    severity=finding.severity.value,
                    line=line + 1,
                    column=column + 1,
                    key=finding_key(holder_text, text[finding.span.start : finding.span.end]),
                    message=finding.message,
                    context=context,
                )
            )
    return items


def real_paths(corpus: Path) -> dict[str, Path]:
    """Corpus file → where it lives in its repository, under the corpus folder (a path
    that does not exist: nothing beside it is read)."""
    manifest = corpus.parent / "MANIFEST.tsv"
    if not manifest.is_file():
        return {}
    out: dict[str, Path] = {}
    with manifest.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            name = row["file"].split("/", 1)[1] if "/" in row["file"] else row["file"]
            folder = name.split("/", 1)[0]
            out[name] = corpus / folder / row["path"]
    return out


def category(verdict: Verdict) -> str:
    """``tp``, ``fp``, ``noise``, or ``ctx`` for a fp the missing build context explains."""
    if verdict.verdict == "fp" and verdict.reason.startswith("context:"):
        return "ctx"
    return verdict.verdict


def read_verdicts(folder: Path = VERDICTS) -> list[Verdict]:
    out: list[Verdict] = []
    for source in sorted(folder.glob("*.tsv")):
        with source.open(newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter="\t"), 1):
                if not row or row[0].startswith("#") or row[0] == "file":
                    continue
                if len(row) != len(FIELDS) or row[4] not in KINDS:
                    raise SystemExit(f"{source.name}:{number}: expected {FIELDS}, got {row}")
                out.append(Verdict(row[0], row[1], int(row[2]), row[3], row[4], row[5], source))
    return out


def match(items: list[Item], verdicts: list[Verdict]) -> tuple[dict[int, Verdict], list[Verdict]]:
    """Pairs findings with verdicts by (file, code, key), nearest line first."""
    pool: dict[tuple[str, str, str], list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        pool[(verdict.file, verdict.code, verdict.key)].append(verdict)
    matched: dict[int, Verdict] = {}
    for index, item in enumerate(items):
        candidates = pool.get((item.file, item.code, item.key))
        if not candidates:
            continue
        best = min(candidates, key=lambda v: abs(v.line - item.line))
        candidates.remove(best)
        matched[index] = best
    gone = [v for group in pool.values() for v in group]
    return matched, gone


def spread(items: list[Item]) -> list[Item]:
    """Round-robin over projects, then files: a sample from the top covers the corpus."""
    by_project: dict[str, list[Item]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.key, i.file, i.line)):
        by_project[item.file.split("/", 1)[0]].append(item)
    queues = [by_project[p] for p in sorted(by_project)]
    out: list[Item] = []
    while any(queues):
        for queue in queues:
            if queue:
                out.append(queue.pop(0))
    return out


def needed(findings: int) -> int:
    return findings if findings <= SAMPLE else SAMPLE


def table(items: list[Item], matched: dict[int, Verdict], gone: list[Verdict]) -> int:
    from layerwise.analysis import ALL_RULES

    severity = {rule.code: rule.severity.value for rule in ALL_RULES}
    per_rule: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        per_rule[item.code].append(index)
    gone_by: dict[str, Counter[str]] = defaultdict(Counter)
    for verdict in gone:
        gone_by[verdict.code][category(verdict)] += 1
    codes = sorted(set(per_rule) | set(gone_by))
    print(
        f"{'rule':<6} {'sev':<7} {'found':>5} {'files':>5} {'judged':>6} {'tp':>4} {'fp':>4}"
        f" {'noise':>5} {'ctx':>4} {'prec':>5} {'gone-fp':>7} {'gone-tp':>7}  status"
    )
    totals: Counter[str] = Counter()
    failing = 0
    for code in codes:
        indices = per_rule.get(code, [])
        files = len({items[i].file for i in indices})
        counts = Counter(category(matched[i]) for i in indices if i in matched)
        judged = counts["tp"] + counts["fp"] + counts["noise"]
        precision = counts["tp"] / judged if judged else None
        target = 1.0 if severity.get(code) == "error" else TARGET
        if not indices:
            status = "gone"
        elif judged + counts["ctx"] < needed(len(indices)):
            status = f"judge {needed(len(indices)) - judged - counts['ctx']}"
            failing += 1
        elif precision is not None and precision + 1e-9 < target:
            status = "LOW"
            failing += 1
        else:
            status = "ok"
        shown = f"{precision:.0%}" if precision is not None else "-"
        print(
            f"{code:<6} {severity.get(code, '?'):<7} {len(indices):>5} {files:>5} {judged:>6}"
            f" {counts['tp']:>4} {counts['fp']:>4} {counts['noise']:>5} {counts['ctx']:>4} {shown:>5}"
            f" {gone_by[code]['fp'] + gone_by[code]['noise']:>7} {gone_by[code]['tp']:>7}  {status}"
        )
        totals.update(counts)
        totals["found"] += len(indices)
    judged = totals["tp"] + totals["fp"] + totals["noise"]
    overall = f"{totals['tp'] / judged:.1%}" if judged else "-"
    print(
        f"\n{totals['found']} findings, {judged} judged: {totals['tp']} tp, {totals['fp']} fp,"
        f" {totals['noise']} noise ({totals['ctx']} more explained by the missing build context);"
        f" precision {overall}; {len(gone)} verdicts without a finding;"
        f" {failing} rules short of the target"
    )
    return 1 if failing else 0


def show(items: list[Item], indices: list[int], matched: dict[int, Verdict]) -> None:
    for index in indices:
        item = items[index]
        verdict = matched.get(index)
        head = f"{item.file}\t{item.code}\t{item.line}\t{item.key}"
        print(f"=== {head}" + (f"\t{verdict.verdict}\t{verdict.reason}" if verdict else ""))
        print(f"    {item.severity} {item.code} {item.line}:{item.column}: {item.message}")
        print(item.context)
        print()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--all", action="store_true", help="every rule, off-by-default ones too")
    parser.add_argument("--unjudged", metavar="CODE", help="findings of CODE not judged yet")
    parser.add_argument("--limit", type=int, help="with --unjudged: at most this many")
    parser.add_argument("--verdicts", metavar="CODE", help="judged findings of CODE")
    parser.add_argument("--gone", action="store_true", help="verdicts whose finding is gone")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus} (set LAYERWISE_CORPUS)", file=sys.stderr)
        return 2

    items = collect(args.corpus, args.all)
    verdicts = read_verdicts()
    matched, gone = match(items, verdicts)
    if args.unjudged:
        code = args.unjudged.upper()
        mine = [i for i in items if i.code == code]
        judged = sum(1 for index, i in enumerate(items) if i.code == code and index in matched)
        wanted = needed(len(mine)) - judged if args.limit is None else args.limit
        order = {id(item): n for n, item in enumerate(items)}
        pending = [order[id(i)] for i in spread(mine) if order[id(i)] not in matched][
            : max(wanted, 0)
        ]
        show(items, pending, matched)
        print(f"# {len(pending)} shown; {judged} of {len(mine)} judged, {needed(len(mine))} needed")
        return 0
    if args.verdicts:
        code = args.verdicts.upper()
        show(items, [n for n, i in enumerate(items) if i.code == code and n in matched], matched)
        return 0
    if args.gone:
        for verdict in gone:
            print(
                f"{verdict.source.name}\t{verdict.file}\t{verdict.code}\t{verdict.line}"
                f"\t{verdict.verdict}\t{verdict.reason}"
            )
        return 0
    return table(items, matched, gone)


if __name__ == "__main__":
    sys.exit(main())
