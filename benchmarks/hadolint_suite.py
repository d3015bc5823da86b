#!/usr/bin/env python3
"""Agreement with hadolint's own rule tests, per DL code that layerwise aliases.

hadolint's test suite holds one Haskell hspec file per rule
(``test/Hadolint/Rule/DLxxxxSpec.hs``). This script reads those files from
``--specs DIR`` (they are GPL-3.0 and never part of this repository: fetch them
yourself into a scratch directory), turns every assertion into a case (the
Dockerfile text, the DL code, and whether hadolint expects the rule to fire), lints
the text with the layerwise rules that carry that DL alias, and compares.

Assertions understood: ``ruleCatches`` / ``ruleCatchesNot`` / ``onBuildRuleCatches`` /
``onBuildRuleCatchesNot`` CODE TEXT, and ``assertChecks`` / ``assertOnBuildChecks``
TEXT ``(failsWith N CODE)``. TEXT is a string literal, a name bound by ``let``, or
``Text.unlines`` of a list of literals; CODE a literal or a bound name. The onBuild
forms wrap every RUN in ``ONBUILD``, as hadolint's helpers do. ``?config`` settings
map to LintOptions: ``allowedRegistries`` to trusted_registries, ``labelSchema`` to
required_labels, ``strictLabels`` to strict_labels. Identical cases (same code, text,
settings and expectation) are counted once. An assertion the script cannot read is
counted and listed, never dropped.

Columns: cases, agree, disagreements where hadolint fires and layerwise is silent
(``h-only``) and the reverse (``lw-only``), of those how many are ONBUILD-wrapped
cases, the agreement, and whether rules/hadolint.md has a note for the code.
``--show DL3003,DL4006`` prints the disagreeing cases, with every layerwise finding
on the text (all rules) to spot a DL code reported by another rule than its alias.

Usage: python benchmarks/hadolint_suite.py [--specs DIR] [--show DL3003,DL4006]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SPECS = Path("/tmp/hadolint-specs")

# -- reading Haskell ---------------------------------------------------------------

_ASCII_NAMES = {
    "NUL": 0, "SOH": 1, "STX": 2, "ETX": 3, "EOT": 4, "ENQ": 5, "ACK": 6, "BEL": 7,
    "BS": 8, "HT": 9, "LF": 10, "VT": 11, "FF": 12, "CR": 13, "SO": 14, "SI": 15,
    "DLE": 16, "DC1": 17, "DC2": 18, "DC3": 19, "DC4": 20, "NAK": 21, "SYN": 22,
    "ETB": 23, "CAN": 24, "EM": 25, "SUB": 26, "ESC": 27, "FS": 28, "GS": 29, "RS": 30,
    "US": 31, "SP": 32, "DEL": 127,
}  # fmt: skip
_SIMPLE_ESCAPES = {
    "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
    "\\": "\\", '"': '"', "'": "'",
}  # fmt: skip


class HaskellSyntaxError(ValueError):
    pass


def read_string(src: str, i: int) -> tuple[str, int]:
    """Decode the Haskell string literal whose opening quote is at ``src[i]``.

    Returns the text and the index after the closing quote. Handles the character
    escapes, numeric escapes (``\\65``, ``\\x41``, ``\\o101``), ``\\^A``, ASCII names
    (``\\NUL``), the empty escape ``\\&`` and string gaps (a backslash, white space
    including line breaks, a backslash).
    """
    assert src[i] == '"'
    out: list[str] = []
    i += 1
    while True:
        if i >= len(src):
            raise HaskellSyntaxError("unterminated string")
        c = src[i]
        if c == '"':
            return "".join(out), i + 1
        if c == "\n":
            raise HaskellSyntaxError("line break inside a string")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        i += 1
        e = src[i] if i < len(src) else ""
        if e in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[e])
            i += 1
        elif e == "&":
            i += 1
        elif e.isspace():  # string gap
            j = i
            while j < len(src) and src[j].isspace():
                j += 1
            if j >= len(src) or src[j] != "\\":
                raise HaskellSyntaxError("string gap not closed by a backslash")
            i = j + 1
        elif e.isdigit():
            m = re.match(r"\d+", src[i:])
            assert m
            out.append(chr(int(m.group())))
            i += m.end()
        elif e == "x" and re.match(r"x[0-9a-fA-F]", src[i : i + 2]):
            m = re.match(r"x([0-9a-fA-F]+)", src[i:])
            assert m
            out.append(chr(int(m.group(1), 16)))
            i += m.end()
        elif e == "o" and re.match(r"o[0-7]", src[i : i + 2]):
            m = re.match(r"o([0-7]+)", src[i:])
            assert m
            out.append(chr(int(m.group(1), 8)))
            i += m.end()
        elif e == "^" and i + 1 < len(src):
            out.append(chr(ord(src[i + 1]) - 64))
            i += 2
        else:
            for name in sorted(_ASCII_NAMES, key=len, reverse=True):
                if src.startswith(name, i):
                    out.append(chr(_ASCII_NAMES[name]))
                    i += len(name)
                    break
            else:
                raise HaskellSyntaxError(f"unknown escape \\{e}")


@dataclass(frozen=True)
class Tok:
    kind: str  # "str", "name", "num", "sym"
    value: str
    line: int
    col: int  # column of the token's first character (0-based)


_NAME = re.compile(r"\??[A-Za-z_][A-Za-z0-9_']*(?:\.[A-Za-z_][A-Za-z0-9_']*)*")
_SYMS = re.compile(r"==|->|<-|[\[\](){},=$]|[^\sA-Za-z0-9_\"]+")


def tokenize(src: str) -> list[Tok]:
    toks: list[Tok] = []
    i, line, line_start = 0, 1, 0
    depth = 0  # {- -} nesting
    while i < len(src):
        c = src[i]
        if depth:
            if src.startswith("{-", i):
                depth += 1
                i += 2
            elif src.startswith("-}", i):
                depth -= 1
                i += 2
            else:
                if c == "\n":
                    line, line_start = line + 1, i + 1
                i += 1
            continue
        if c == "\n":
            line, line_start = line + 1, i + 1
            i += 1
        elif c.isspace():
            i += 1
        elif src.startswith("{-", i):
            depth, i = 1, i + 2
        elif re.match(r"--+(?![!#$%&*+./<=>?@\\^|~:])", src[i:]):
            while i < len(src) and src[i] != "\n":
                i += 1
        elif c == '"':
            start_line, col = line, i - line_start
            text, j = read_string(src, i)
            line += src.count("\n", i, j)  # string gaps may span lines
            if "\n" in src[i:j]:
                line_start = src.rindex("\n", i, j) + 1
            toks.append(Tok("str", text, start_line, col))
            i = j
        elif c.isdigit():
            m = re.match(r"\d+", src[i:])
            assert m
            toks.append(Tok("num", m.group(), line, i - line_start))
            i += m.end()
        elif (m := _NAME.match(src, i)) is not None:
            toks.append(Tok("name", m.group(), line, i - line_start))
            i = m.end()
        else:
            m = _SYMS.match(src, i)
            assert m
            toks.append(Tok("sym", m.group(), line, i - line_start))
            i = m.end()
    return toks


# -- turning spec files into cases --------------------------------------------------


@dataclass(frozen=True)
class Settings:
    trusted_registries: tuple[str, ...] = ()
    required_labels: tuple[tuple[str, str], ...] = ()
    strict_labels: bool = False


@dataclass(frozen=True)
class Case:
    code: str
    text: str
    expect_fire: bool
    onbuild: bool
    settings: Settings
    #: The text had no FROM and got ``FROM_PREFIX`` in front.
    prefixed: bool
    title: str = field(compare=False)
    where: str = field(compare=False)  # file:line of the assertion


@dataclass
class Unparsed:
    where: str
    title: str
    reason: str


class Unreadable(Exception):
    pass


@dataclass(frozen=True)
class _Broken:
    """A name whose ``let`` could not be read; using it makes the assertion unparsed."""

    reason: str


_CATCH_HELPERS = {
    "ruleCatches": (True, False),
    "ruleCatchesNot": (False, False),
    "onBuildRuleCatches": (True, True),
    "onBuildRuleCatchesNot": (False, True),
}
_CHECK_HELPERS = {"assertChecks": False, "assertOnBuildChecks": True}
_UNLINES = {"Text.unlines", "T.unlines", "unlines", "Data.Text.unlines"}
# hadolint's LabelType constructors -> layerwise's label types
_LABEL_TYPES = {
    "RawText": "text", "Url": "url", "Email": "email", "SemVer": "semver",
    "GitHash": "hash", "Rfc3339": "rfc3339", "Spdx": "spdx",
}  # fmt: skip


class _Parser:
    def __init__(self, toks: list[Tok], where: str) -> None:
        self.toks = toks
        self.where = where

    # Expressions: a literal, a bound name, a list, Text.unlines X, (X), $ X.
    def expr(self, i: int, env: dict[str, object]) -> tuple[object, int]:
        if i >= len(self.toks):
            raise Unreadable("expression expected at end of file")
        t = self.toks[i]
        if t.kind == "sym" and t.value == "$":
            return self.expr(i + 1, env)
        if t.kind == "str":
            return t.value, i + 1
        if t.kind == "sym" and t.value == "(":
            value, j = self.expr(i + 1, env)
            if j >= len(self.toks) or self.toks[j].value != ")":
                raise Unreadable(f"')' expected on line {t.line}")
            return value, j + 1
        if t.kind == "sym" and t.value == "[":
            items: list[object] = []
            j = i + 1
            if self.toks[j].value == "]":
                return items, j + 1
            while True:
                value, j = self.expr(j, env)
                items.append(value)
                if self.toks[j].value == ",":
                    j += 1
                elif self.toks[j].value == "]":
                    return items, j + 1
                else:
                    raise Unreadable(f"',' or ']' expected on line {self.toks[j].line}")
        if t.kind == "name" and t.value in _UNLINES:
            value, j = self.expr(i + 1, env)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise Unreadable(f"unlines of something else than strings on line {t.line}")
            return "".join(v + "\n" for v in value), j
        if t.kind == "name" and t.value in env:
            value = env[t.value]
            if isinstance(value, _Broken):
                raise Unreadable(f"{t.value} (line {t.line}): {value.reason}")
            return value, i + 1
        raise Unreadable(f"cannot read {t.value!r} on line {t.line}")

    def config(self, i: int, base: Settings) -> tuple[Settings, int]:
        """``?config = def { ... }`` / ``mempty { ... }`` / ``def`` / ``mempty``."""
        j = i
        if j < len(self.toks) and self.toks[j].value in ("def", "mempty"):
            j += 1
        if j >= len(self.toks) or self.toks[j].value != "{":
            return Settings(), j
        depth, k = 0, j
        while k < len(self.toks):
            if self.toks[k].value == "{":
                depth += 1
            elif self.toks[k].value == "}":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        body = self.toks[j + 1 : k]
        registries: tuple[str, ...] = ()
        labels: list[tuple[str, str]] = []
        strict = False
        n = 0
        while n < len(body):
            t = body[n]
            if t.value == "allowedRegistries":
                value, _ = _Parser(body, self.where).expr(n + 2, {})
                if not isinstance(value, list):
                    raise Unreadable(f"allowedRegistries on line {t.line}")
                registries = tuple(str(v) for v in value)
            elif t.value == "labelSchema":
                m = n + 1
                while m < len(body) and body[m].value != "]":
                    if body[m].kind == "str" and m + 2 < len(body) and body[m + 1].value == ",":
                        kind = body[m + 2].value.rsplit(".", 1)[-1]
                        if kind not in _LABEL_TYPES:
                            raise Unreadable(f"label type {kind!r} on line {body[m].line}")
                        labels.append((body[m].value, _LABEL_TYPES[kind]))
                    m += 1
            elif t.value == "strictLabels":
                strict = n + 3 < len(body) and body[n + 3].value == "True"
            elif t.kind == "name" and n + 1 < len(body) and body[n + 1].value == "=":
                raise Unreadable(f"configuration field {t.value} on line {t.line}")
            n += 1
        return Settings(registries, tuple(labels), strict), k + 1

    def blocks(self) -> list[tuple[str, int, int]]:
        """(title, start, end) token ranges of the ``it`` blocks."""
        starts = [
            n
            for n, t in enumerate(self.toks)
            if t.kind == "name" and t.value in ("it", "specify")
            and n + 1 < len(self.toks) and self.toks[n + 1].kind == "str"
        ]  # fmt: skip
        ranges = []
        for k, s in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(self.toks)
            ranges.append((self.toks[s + 1].value, s + 2, end))
        return ranges

    def is_let(self, n: int) -> bool:
        return (
            self.toks[n].value == "let" and n + 2 < len(self.toks) and self.toks[n + 2].value == "="
        )

    def let(self, n: int, env: dict[str, object], settings: Settings) -> tuple[Settings, int]:
        """Apply the ``let NAME = ...`` at toks[n]; return the settings and the next index."""
        name = self.toks[n + 1].value
        if name == "?config":
            return self.config(n + 3, settings)
        try:
            env[name], j = self.expr(n + 3, env)
        except Unreadable as exc:
            env[name], j = _Broken(str(exc)), n + 3
        return settings, j

    def bindings(self, start: int, end: int) -> tuple[dict[str, object], Settings]:
        """The names and settings the ``let``s in toks[start:end] define."""
        env: dict[str, object] = {}
        settings, n = Settings(), start
        while n < end:
            if self.is_let(n):
                settings, n = self.let(n, env, settings)
            else:
                n += 1
        return env, settings


def onbuild(text: str) -> str:
    """Wrap every RUN in ONBUILD, as hadolint's ``onBuildRuleCatches`` helpers do."""
    out, continued = [], False
    for line in text.split("\n"):
        if not continued and re.match(r"\s*RUN(\s|$)", line, re.IGNORECASE):
            indent = len(line) - len(line.lstrip())
            line = line[:indent] + "ONBUILD " + line[indent:]
        stripped = line.strip()
        if not stripped.startswith("#"):  # a comment neither starts nor ends a continuation
            continued = stripped.endswith("\\")
        out.append(line)
    return "\n".join(out)


# hadolint lints instructions that have no FROM above them; layerwise (like BuildKit)
# reports the missing FROM (LW902) and its stage rules see no stage. Most specs test
# one RUN alone, so a neutral base (not scratch, no known distribution) goes first.
FROM_PREFIX = "FROM example.com/base:1.0\n"
_HAS_FROM = re.compile(r"^\s*FROM\s", re.IGNORECASE | re.MULTILINE)


def parse_spec(path: Path, add_from: bool = True) -> tuple[list[Case], list[Unparsed]]:
    src = path.read_text(encoding="utf-8")
    name = path.name
    try:
        toks = tokenize(src)
    except HaskellSyntaxError as exc:
        return [], [Unparsed(name, "(whole file)", f"tokenizer: {exc}")]
    p = _Parser(toks, name)
    blocks = p.blocks()
    first = blocks[0][1] - 2 if blocks else len(toks)
    top_env, top_settings = p.bindings(0, first)
    cases: list[Case] = []
    unparsed: list[Unparsed] = []
    for title, start, end in blocks:
        env, settings = dict(top_env), top_settings
        n = start
        while n < end:
            t = toks[n]
            if p.is_let(n):
                settings, n = p.let(n, env, settings)
                continue
            where = f"{name}:{t.line}"
            try:
                if t.kind == "name" and t.value in _CATCH_HELPERS:
                    fire, wrapped = _CATCH_HELPERS[t.value]
                    code, j = p.expr(n + 1, env)
                    text, j = p.expr(j, env)
                    n = j
                elif t.kind == "name" and t.value in _CHECK_HELPERS:
                    wrapped = _CHECK_HELPERS[t.value]
                    text, j = p.expr(n + 1, env)
                    if toks[j].value == "$":
                        j += 1
                    paren = toks[j].value == "("
                    j += paren
                    if toks[j].value != "failsWith" or toks[j + 1].kind != "num":
                        raise Unreadable(f"failsWith N CODE expected on line {toks[j].line}")
                    fire = int(toks[j + 1].value) > 0
                    code, j = p.expr(j + 2, env)
                    n = j + paren
                elif t.kind == "name" and re.match(r"(ruleCatch|onBuild|assert.*Check)", t.value):
                    raise Unreadable(f"unknown helper {t.value}")
                else:
                    n += 1
                    continue
            except (Unreadable, IndexError) as exc:
                unparsed.append(Unparsed(where, title, str(exc) or type(exc).__name__))
                n += 1
                continue
            if not isinstance(code, str) or not re.fullmatch(r"DL\d{4}", code):
                unparsed.append(Unparsed(where, title, f"rule code is {code!r}, not a DL code"))
                continue
            if not isinstance(text, str):
                unparsed.append(Unparsed(where, title, "the Dockerfile is not a string"))
                continue
            body = onbuild(text) if wrapped else text
            is_onbuild = body != text  # the onBuild form of a text without RUN is the same case
            prefixed = add_from and not _HAS_FROM.search(body)
            if prefixed:
                body = FROM_PREFIX + body
            cases.append(Case(code, body, fire, is_onbuild, settings, prefixed, title, where))
    return cases, unparsed


# -- linting -----------------------------------------------------------------------


def layerwise_fires(case: Case) -> tuple[bool, list[str]]:
    """Whether a rule aliased to case.code fires, and every finding on the text."""
    from dataclasses import replace

    from layerwise.analysis import LintOptions, lint_text

    text = case.text if case.text.endswith("\n") else case.text + "\n"
    base = LintOptions(
        purpose="production",
        trusted_registries=case.settings.trusted_registries,
        required_labels=dict(case.settings.required_labels),
        strict_labels=case.settings.strict_labels,
    )
    selected = lint_text(text, options=replace(base, select=(case.code,))).findings
    fires = any(case.code in f.rule.aliases for f in selected)
    everything = lint_text(text, options=replace(base, select=("ALL",))).findings
    seen = []
    for f in everything:
        dl = ",".join(a for a in f.rule.aliases if a.startswith("DL"))
        label = f"{f.code}({dl})" if dl else f.code
        seen.append(f"{label} line {text.count(chr(10), 0, f.span.start) + 1}")
    return fires, seen


def documented_differences() -> dict[str, str]:
    """DL code -> the note rules/hadolint.md gives for it (empty when none)."""
    notes: dict[str, str] = {}
    for line in (ROOT / "rules" / "hadolint.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and re.fullmatch(r"DL\d{4}", cells[0]):
            notes[cells[0]] = cells[3]
    return notes


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--specs", type=Path, default=DEFAULT_SPECS)
    parser.add_argument(
        "--no-from",
        action="store_true",
        help="lint the texts as they are, without a FROM in front of those that have none",
    )
    parser.add_argument(
        "--show",
        default="",
        help="print the disagreeing cases for these DL codes (comma-separated, or ALL)",
    )
    args = parser.parse_args()
    files = sorted(args.specs.glob("DL*Spec.hs"))
    if not files:
        print(f"no DL*Spec.hs files in {args.specs}", file=sys.stderr)
        return 2

    from layerwise.analysis import ALL_RULES

    aliased = {a for r in ALL_RULES for a in r.aliases if a.startswith("DL")}
    notes = documented_differences()

    assertions = 0
    cases: dict[Case, Case] = {}
    unparsed: list[Unparsed] = []
    for path in files:
        found, bad = parse_spec(path, add_from=not args.no_from)
        assertions += len(found)
        unparsed += bad
        for case in found:
            cases.setdefault(case, case)
    spec_codes = {re.match(r"(DL\d{4})", p.name).group(1) for p in files}  # type: ignore[union-attr]

    by_code: dict[str, list[tuple[Case, bool, list[str]]]] = defaultdict(list)
    for case in cases:
        if case.code not in aliased:
            continue
        fires, seen = layerwise_fires(case)
        by_code[case.code].append((case, fires, seen))

    print(
        f"{len(files)} spec files, {assertions + len(unparsed)} assertions: "
        f"{assertions} read ({len(cases)} distinct cases), {len(unparsed)} unparsed"
    )
    rows = []
    for code, results in by_code.items():
        agree = sum(fires == c.expect_fire for c, fires, _ in results)
        h_only = sum(c.expect_fire and not fires for c, fires, _ in results)
        lw_only = sum(fires and not c.expect_fire for c, fires, _ in results)
        onb = sum(c.onbuild and fires != c.expect_fire for c, fires, _ in results)
        rows.append((agree / len(results), code, len(results), agree, h_only, lw_only, onb))
    # under 95% first (worst first), then the rest by code
    rows.sort(key=lambda r: (r[0] >= 0.95, r[0] if r[0] < 0.95 else 0, r[1]))
    print(
        f"{'code':<8}{'cases':>6}{'agree':>6}{'h-only':>7}{'lw-only':>8}{'onbuild':>8}"
        f"{'agreement':>10}  hadolint.md"
    )
    totals = [0, 0, 0, 0, 0]
    for ratio, code, n, agree, h_only, lw_only, onb in rows:
        note = "explained" if notes.get(code) else "-"
        print(f"{code:<8}{n:>6}{agree:>6}{h_only:>7}{lw_only:>8}{onb:>8}{ratio:>10.0%}  {note}")
        for k, v in enumerate((n, agree, h_only, lw_only, onb)):
            totals[k] += v
    n, agree, h_only, lw_only, onb = totals
    print(
        f"{'total':<8}{n:>6}{agree:>6}{h_only:>7}{lw_only:>8}{onb:>8}"
        f"{(agree / n if n else 0):>10.0%}"
    )
    missing = sorted(aliased - spec_codes)
    if missing:
        print(f"aliased codes without a spec file: {', '.join(missing)}")
    unaliased = sorted(spec_codes - aliased)
    if unaliased:
        print(f"spec files for codes no layerwise rule aliases (skipped): {', '.join(unaliased)}")
    if unparsed:
        print(f"\nunparsed assertions ({len(unparsed)}):")
        for u in unparsed:
            print(f"  {u.where}  [{u.title}]  {u.reason}")

    wanted = {c.strip().upper() for c in args.show.split(",") if c.strip()}
    show_all = "ALL" in wanted
    for code in sorted(by_code):
        if not (show_all or code in wanted):
            continue
        wrong = [(c, f, s) for c, f, s in by_code[code] if f != c.expect_fire]
        print(f"\n== {code}: {len(wrong)} disagreement(s)")
        for case, fires, seen in wrong:
            expect = "fires" if case.expect_fire else "silent"
            got = "fires" if fires else "silent"
            extra = " (ONBUILD-wrapped)" if case.onbuild else ""
            extra += " (FROM added)" if case.prefixed else ""
            print(f"-- {case.where} [{case.title}]{extra}: hadolint {expect}, layerwise {got}")
            if case.settings != Settings():
                print(f"   settings: {case.settings}")
            for line in case.text.rstrip("\n").split("\n"):
                print(f"   | {line}")
            print(f"   layerwise findings (all rules): {', '.join(seen) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
