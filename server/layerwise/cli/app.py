"""The commands and their options: ``layerwise check | fix | rules | serve``."""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ..analysis import (
    ALL_RULES,
    FileSystemProject,
    Finding,
    Severity,
    fix_text,
    lint_text,
)
from ..analysis.config import Config
from ..analysis.configfiles import ConfigLoader, read_config_file
from ..analysis.rule import FileChange, Fix
from ..syntax.source import SourceText
from .discovery import UsageError, project_root
from .inputs import check_target, encode, iter_inputs, read_text
from .streams import display, json_ascii_only, protect_std_streams, write_document

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _selectors(values: list[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or []:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    for selector in out:
        if not any(rule.matches(selector) for rule in ALL_RULES):
            raise UsageError(f"unknown rule selector '{selector}' (see 'layerwise rules')")
    return tuple(out)


class _Setup:
    """Per-input configuration: config files near the Dockerfile, then command-line flags."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cli = Config(
            select=_selectors(args.select) or None,
            extend_select=_selectors(getattr(args, "extend_select", None)),
            ignore=_selectors(args.ignore),
            unsafe_fixes=True if args.unsafe_fixes else None,
            fail_level=getattr(args, "fail_level", None),
        )
        self.explicit: Config | None = None
        self.config_errors: list[str] = []
        if args.config:
            config, errors = read_config_file(Path(args.config))
            if config is None and not Path(args.config).is_file():
                raise UsageError(f"{args.config}: no such configuration file")
            self._report(errors)
            self.explicit = config or Config()
        self._loaders: dict[Path, ConfigLoader] = {}

    def _report(self, errors: list[str]) -> None:
        for error in errors:
            if error not in self.config_errors:
                self.config_errors.append(error)
                print(f"layerwise: config: {display(error)}", file=sys.stderr)

    def for_path(self, path: Path | None) -> tuple[Config, FileSystemProject | None]:
        project = FileSystemProject(project_root(path)) if path is not None else None
        if self.explicit is not None:
            base = self.explicit
        elif path is not None:
            root = project_root(path)
            loader = self._loaders.setdefault(root, ConfigLoader(root, user_level=True))
            base, errors = loader.for_file(path)
            self._report(errors)
        else:
            base = Config()
        return base.merged(self.cli), project


def finding_json(name: str, source: SourceText, finding: Finding) -> dict[str, object]:
    def rng(start: int, end: int) -> dict[str, dict[str, int]]:
        sl, sc = source.to_client(start)
        el, ec = source.to_client(end)
        return {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}

    def fix_json(fix: Fix) -> dict[str, object]:
        return {
            "title": fix.title,
            "safe": fix.safe,
            "edits": [{"range": rng(e.start, e.end), "newText": e.new_text} for e in fix.edits],
        }

    return {
        "path": name,
        "code": finding.rule.code,
        "name": finding.rule.name,
        "aliases": list(finding.aliases),
        "severity": finding.severity.value,
        "message": finding.message,
        "range": rng(finding.span.start, finding.span.end),
        "fix": fix_json(finding.fix) if finding.fix is not None else None,
        "alternatives": [fix_json(fix) for fix in finding.alternatives],
    }


def _fail_rank(level: str | None) -> int:
    if level == "none":
        return 99
    return Severity(level or "info").rank


def _check(args: argparse.Namespace) -> int:
    setup = _Setup(args)
    records: list[dict[str, object]] = []
    failing = False
    # `check --fix -` writes the fixed text to stdout, so the findings go to stderr.
    out = sys.stderr if args.fix and "-" in args.paths else sys.stdout
    for item in iter_inputs(args.paths, args.stdin_filename):
        name, text, path = item.name, item.text, item.path
        config, project = setup.for_path(path)
        options = config.lint_options(path)
        if args.target:
            options = dataclasses.replace(options, target=args.target)
        fail_rank = _fail_rank(config.fail_level)
        if args.fix:
            fixed = fix_text(
                text, options=options, path=path, project=project, unsafe=bool(config.unsafe_fixes)
            )
            if item.stdin:
                write_document(fixed.text)
            elif fixed.text != text and path is not None:
                path.write_bytes(encode(fixed.text))
            text = fixed.text
            if not item.stdin:
                _apply_file_changes(fixed.files, diff=False)
        result = lint_text(text, options=options, path=path, project=project)
        if args.target:
            check_target(result.doc, name, args.target)
        for rule, error in result.failures:
            print(
                display(f"{name}: rule {rule.code} failed and was skipped: {error}"),
                file=sys.stderr,
            )
        source = result.doc.source
        for finding in result.findings:
            failing = failing or finding.severity.rank >= fail_rank
            if args.format == "json":
                records.append(finding_json(name, source, finding))
            else:
                line, column = source.position(finding.span.start)
                mark = " [*]" if finding.fix is not None else ""
                print(
                    display(
                        f"{name}:{line + 1}:{column + 1}: {finding.severity.value} "
                        f"{finding.rule.code} {finding.message}{mark}"
                    ),
                    file=out,
                )
    if args.format == "json":
        json.dump(records, out, indent=2, ensure_ascii=json_ascii_only(out))
        out.write("\n")
    if setup.config_errors:
        return EXIT_USAGE
    return EXIT_FINDINGS if failing else EXIT_OK


def _apply_file_changes(changes: list[FileChange], diff: bool) -> None:
    """Create or append the other files fixes change (a build context's .dockerignore)."""
    for change in changes:
        exists = change.path.is_file()
        if change.create and exists:
            continue  # created by an earlier fix in this run, or by the user meanwhile
        before = "" if change.create else read_text(change.path) if exists else ""
        after = before + change.text
        if diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    before.splitlines(keepends=True),
                    after.splitlines(keepends=True),
                    fromfile="/dev/null" if change.create else f"a/{change.path}",
                    tofile=f"b/{change.path}",
                )
            )
        else:
            change.path.write_bytes(encode(after))


def _fix(args: argparse.Namespace) -> int:
    setup = _Setup(args)
    changed = 0
    total = 0
    for item in iter_inputs(args.paths, args.stdin_filename):
        name, text, path = item.name, item.text, item.path
        config, project = setup.for_path(path)
        result = fix_text(
            text,
            options=config.lint_options(path),
            path=path,
            project=project,
            unsafe=bool(config.unsafe_fixes),
        )
        if result.text == text and not result.files:
            if item.stdin and not args.diff:
                write_document(text)
            continue
        changed += 1
        total += len(result.applied)
        if args.diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    text.splitlines(keepends=True),
                    result.text.splitlines(keepends=True),
                    fromfile=f"a/{name}",
                    tofile=f"b/{name}",
                )
            )
        elif item.stdin:
            write_document(result.text)
            continue  # other files (a .dockerignore) are changed only for files on disk
        elif result.text != text and path is not None:
            path.write_bytes(encode(result.text))
        _apply_file_changes(result.files, args.diff)
    verb = "Would fix" if args.diff else "Fixed"
    print(f"{verb} {total} finding(s) in {changed} file(s)", file=sys.stderr)
    if setup.config_errors:
        return EXIT_USAGE
    return EXIT_FINDINGS if args.diff and changed else EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    if args.format == "json":
        data = [
            {
                "code": r.code,
                "name": r.name,
                "summary": r.summary,
                "severity": r.severity.value,
                "category": r.category,
                "aliases": list(r.aliases),
                "fixable": r.fixable,
                "url": r.url,
            }
            for r in ALL_RULES
        ]
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for r in ALL_RULES:
        fix = "*" if r.fixable else " "
        aliases = f"  ({', '.join(r.aliases)})" if r.aliases else ""
        print(f"{r.code} {fix} {r.severity.value:<7} {r.name:<28} {r.summary}{aliases}")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from ..lsp.server import serve

    serve()
    return EXIT_OK


def _add_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories (default: .); - reads stdin"
    )
    parser.add_argument(
        "--select", action="append", help="only these rules (codes, prefixes, names or aliases)"
    )
    parser.add_argument(
        "--extend-select", action="append", help="run these rules too (e.g. off-by-default ones)"
    )
    parser.add_argument("--ignore", action="append", help="skip these rules")
    parser.add_argument(
        "--config", help="use this layerwise.toml / .hadolint.yaml instead of searching for one"
    )
    parser.add_argument(
        "--stdin-filename", help="path to report (and to find .dockerignore) for stdin"
    )
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply fixes that may change behaviour"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="layerwise", description="Dockerfile linter and language server"
    )
    parser.add_argument("--version", action="version", version=f"layerwise {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="report findings")
    _add_selection(check)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument(
        "--fail-level",
        choices=[*(s.value for s in Severity), "none"],
        default=None,
        help="exit 1 when a finding has at least this severity (default: info, or the config's)",
    )
    check.add_argument(
        "--fix", action="store_true", help="apply fixes first, then report what is left"
    )
    check.add_argument(
        "--target",
        help="the stage being built (as docker build --target): final-stage rules check it",
    )
    check.set_defaults(func=_check)

    fix = sub.add_parser("fix", help="apply fixes in place")
    _add_selection(fix)
    fix.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    fix.set_defaults(func=_fix)

    rules = sub.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.set_defaults(func=_rules)

    serve = sub.add_parser("serve", help="run the language server on stdio")
    serve.add_argument("--stdio", action="store_true", help="accepted for editor compatibility")
    serve.set_defaults(func=_serve)
    return parser


def _version() -> str:
    from .. import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    if args.command != "serve":  # the language server owns stdio
        protect_std_streams()
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"layerwise: error: {display(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
