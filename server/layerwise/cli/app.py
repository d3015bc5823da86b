"""The commands and their options: ``layerwise check | fix | rules | serve``."""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

from ..analysis import (
    ALL_RULES,
    FileSystemProject,
    Severity,
    fix_text,
    lint_text,
)
from ..analysis.config import Config
from ..analysis.configfiles import ConfigLoader, read_config_file
from ..analysis.rule import FileChange
from . import output, ruleinfo
from .discovery import Finder, UsageError, project_root
from .inputs import check_target, encode, iter_inputs, read_text
from .report import Record, RunFacts
from .settings import describe_settings
from .streams import display, protect_std_streams, write_document

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_NO_FILES = 0, 1, 2, 3


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
        self.loader = ConfigLoader(isolated=args.isolated)

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
            base, errors = self.loader.for_file(path)
            self._report(errors)
        else:
            base = Config()
        return base.merged(self.cli), project

    def discovery_settings(self, folder: Path, walk_up: bool) -> Config | None:
        """The configuration whose include/exclude settings apply in ``folder``."""
        if self.explicit is not None or self.args.isolated:
            return (self.explicit or Config()) if walk_up else None
        if walk_up:
            found = self.loader.nearest_layerwise(folder)
        else:
            found = self.loader.layerwise_file_in(folder)
            if found is None:
                return None
        if found is None:
            return Config()
        config, errors = self.loader.load(found)
        self._report(errors)
        return config or Config(root=found.parent.resolve())

    def show_settings(self, raw: str) -> int:
        path = Path(raw)
        dockerfile = path / "Dockerfile" if path.is_dir() else path
        resolved = self.loader.resolve(dockerfile.parent) if self.explicit is None else None
        config, _ = self.for_path(dockerfile)
        print(describe_settings(dockerfile, config, resolved, self.args), end="")
        return EXIT_USAGE if self.config_errors else EXIT_OK


def _find(args: argparse.Namespace, setup: _Setup) -> list[str | Path] | int:
    """The inputs to lint, or the exit status when there is nothing to lint."""
    finder = Finder(setup.discovery_settings, force_exclude=args.force_exclude)
    found = finder.expand(args.paths or ["."])
    for folder in finder.empty_folders:
        print(f"layerwise: warning: no Dockerfiles found under {folder}", file=sys.stderr)
    if not found:
        return EXIT_NO_FILES if finder.searched_folder else EXIT_OK
    if args.show_files:
        for item in found:
            print(display(str(args.stdin_filename or "-") if item == "-" else str(item)))
        return EXIT_USAGE if setup.config_errors else EXIT_OK
    return found


def _fail_rank(level: str | None) -> int:
    if level == "none":
        return 99
    return Severity(level or "info").rank


def _check(args: argparse.Namespace) -> int:
    output.check_options(args)
    if args.watch:
        from .watch import watch

        if args.show_settings is not None or args.show_files:
            raise UsageError("--watch cannot be combined with --show-settings or --show-files")
        return watch(lambda: _check_once(args), args.paths)
    return _check_once(args)


def _check_once(args: argparse.Namespace) -> int:
    setup = _Setup(args)
    if args.show_settings is not None:
        return setup.show_settings(args.show_settings)
    found = _find(args, setup)
    if isinstance(found, int):
        return found
    records: list[Record] = []
    facts = RunFacts(version=_version(), fixed=0 if args.fix else None)
    failing = False
    for item in iter_inputs(found, args.stdin_filename):
        name, text, path = item.name, item.text, item.path
        config, project = setup.for_path(path)
        options = config.lint_options(path)
        if args.target:
            options = dataclasses.replace(options, target=args.target)
        fail_rank = _fail_rank(config.fail_level)
        facts.files.append(name)
        facts.unsafe_fixes = facts.unsafe_fixes or bool(config.unsafe_fixes)
        if args.fix:
            fixed = fix_text(
                text, options=options, path=path, project=project, unsafe=bool(config.unsafe_fixes)
            )
            if item.stdin:  # the fixed text goes to stdout, the report to stderr
                write_document(fixed.text)
            elif fixed.text != text and path is not None:
                path.write_bytes(encode(fixed.text))
            text = fixed.text
            if not item.stdin:
                _apply_file_changes(fixed.files, diff=False)
            if fixed.applied:
                facts.fixed = (facts.fixed or 0) + len(fixed.applied)
                facts.fixed_files += 1
        result = lint_text(text, options=options, path=path, project=project)
        if args.target:
            check_target(result.doc, name, args.target)
        for rule, error in result.failures:
            print(
                display(f"{name}: rule {rule.code} failed and was skipped: {error}"),
                file=sys.stderr,
            )
        for finding in result.findings:
            failing = failing or finding.severity.rank >= fail_rank
            records.append(Record(name, result.doc.source, finding))
    # `check --fix -` wrote the fixed text to stdout, so the report goes to stderr.
    fixed_stdin = args.fix and "-" in found
    output.write_check_report(records, facts, args, stream=sys.stderr if fixed_stdin else None)
    if setup.config_errors:
        return EXIT_USAGE
    if args.exit_non_zero_on_fix and facts.fixed_files:
        return EXIT_FINDINGS
    return EXIT_FINDINGS if failing and not args.exit_zero else EXIT_OK


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
    if args.show_settings is not None:
        return setup.show_settings(args.show_settings)
    found = _find(args, setup)
    if isinstance(found, int):
        return found
    changed = 0
    total = 0
    remaining = 0
    for item in iter_inputs(found, args.stdin_filename):
        name, text, path = item.name, item.text, item.path
        config, project = setup.for_path(path)
        options = config.lint_options(path)
        result = fix_text(
            text, options=options, path=path, project=project, unsafe=bool(config.unsafe_fixes)
        )
        if not args.quiet:
            remaining += len(
                lint_text(result.text, options=options, path=path, project=project).findings
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
    output.report_fixes(total, changed, remaining, dry=args.diff, quiet=args.quiet)
    if setup.config_errors:
        return EXIT_USAGE
    if changed and (args.diff or args.exit_non_zero_on_fix):
        return EXIT_FINDINGS
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from ..lsp.server import serve

    return serve()


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
    config = parser.add_mutually_exclusive_group()
    config.add_argument(
        "--config", help="use this layerwise.toml / .hadolint.yaml instead of searching for one"
    )
    config.add_argument(
        "--isolated", action="store_true", help="read no configuration file (project or user)"
    )
    parser.add_argument(
        "--show-settings",
        metavar="PATH",
        help="print the settings that apply to this Dockerfile and where they come from",
    )
    parser.add_argument(
        "--show-files", action="store_true", help="list the files that would be linted and exit"
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply exclude settings and .gitignore to paths named on the command line too",
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
    output.add_check_options(check)
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
    check.add_argument(
        "--watch",
        action="store_true",
        help="check again whenever a file under the given paths changes (Ctrl-C stops)",
    )
    check.set_defaults(func=_check)

    fix = sub.add_parser("fix", help="apply fixes in place")
    _add_selection(fix)
    fix.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    output.add_fix_options(fix)
    fix.set_defaults(func=_fix)

    ruleinfo.add_commands(sub)

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
