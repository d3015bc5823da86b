"""Where reports and summaries go: the report options of ``check`` and ``fix``, colour, and
writing the chosen format to stdout or ``--output-file``.

Streams: the report goes to stdout, or to ``-o FILE``. The summary line (and ``check
--fix``'s "Fixed ..." line) follows a text/full/grouped report on stdout; when the report
goes to a file, they are printed on stdout instead; when a machine-readable report is on
stdout, the summary is left out so stdout stays parseable, and the "Fixed ..." line goes
to stderr. ``-q`` drops them all. ``layerwise fix`` writes its line to stderr, since its
stdout may carry the fixed text or a diff.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from .discovery import UsageError
from .formats import FORMATS, HUMAN_FORMATS
from .formats.records import statistics_json
from .formats.text import statistics
from .report import Record, RunFacts, fixed_line, rule_counts, summary

_STATISTICS_FORMATS = HUMAN_FORMATS | {"json"}


def add_check_options(parser: argparse.ArgumentParser) -> None:
    """``check``'s report options: format, destination, summary and exit behaviour."""
    parser.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default="text",
        help="report format (default: text)",
    )
    parser.add_argument(
        "--show-source", action="store_true", help="same as --format full (source lines shown)"
    )
    parser.add_argument(
        "-o", "--output-file", metavar="PATH", help="write the report to PATH instead of stdout"
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="count findings per rule instead of listing them (text or json)",
    )
    exits = _add_feedback_options(parser)
    exits.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when findings are reported"
    )


def add_fix_options(parser: argparse.ArgumentParser) -> None:
    _add_feedback_options(parser)


def _add_feedback_options(parser: argparse.ArgumentParser) -> argparse._MutuallyExclusiveGroup:
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print no summary or 'Fixed ...' line"
    )
    exits = parser.add_mutually_exclusive_group()
    exits.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="exit 1 when fixes changed a file, even if nothing is left to report",
    )
    return exits


def check_options(args: argparse.Namespace) -> None:
    """Reject option combinations before any work is done."""
    if args.statistics and _format(args) not in _STATISTICS_FORMATS:
        raise UsageError(f"--statistics works with the text and json formats, not {args.format}")


def _format(args: argparse.Namespace) -> str:
    return "full" if args.show_source and args.format == "text" else str(args.format)


def use_color(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """ANSI colours on a terminal. ``NO_COLOR`` (set, not empty) turns them off, and wins;
    ``FORCE_COLOR`` (set, not empty or ``0``) turns them on even when piped."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    if env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _printable(text: str) -> str:
    """Bytes that were not UTF-8 in a Dockerfile (kept as surrogate escapes so fixes write
    them back unchanged) become U+FFFD in reports, which must be valid UTF-8."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def write_check_report(
    records: Sequence[Record],
    facts: RunFacts,
    args: argparse.Namespace,
    stream: TextIO | None = None,
) -> None:
    """The report to ``-o``'s file or ``stream`` (stdout), the summary after it."""
    out = stream if stream is not None else sys.stdout
    fmt = _format(args)
    human = fmt in HUMAN_FORMATS
    to_file = args.output_file is not None
    facts.color = not to_file and human and use_color(out)
    if args.statistics:
        rows = rule_counts(records)
        report = statistics(rows, facts) if human else statistics_json(rows, facts)
    else:
        report = FORMATS[fmt](records, facts)

    status = []
    if facts.fixed is not None:
        status.append(fixed_line(facts.fixed, facts.fixed_files))
    if human or to_file:
        status.append(summary(records, facts))

    if to_file:
        path = Path(args.output_file)
        try:
            path.write_text(_printable(report), encoding="utf-8", newline="")
        except OSError as exc:
            raise UsageError(f"{path}: {exc.strerror or exc}") from exc
    elif human:
        out.write(_printable(report))
    else:
        _write_utf8(out, _printable(report))
    if args.quiet or not status:
        return
    if human or to_file:
        if report and not to_file and fmt != "text":
            out.write("\n")  # full and grouped end with a block, not a line
        out.write(_printable("\n".join(status)) + "\n")
    else:
        print(_printable("\n".join(status)), file=sys.stderr)


def _write_utf8(out: TextIO, report: str) -> None:
    """Machine-readable reports (JSON, SARIF, XML) are UTF-8 whatever the locale says:
    the formats define it, and a terminal's encoding must not turn characters into
    escapes that break them."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:  # a text stream put in place of stdout (tests, embedding)
        out.write(report)
        return
    out.flush()
    buffer.write(report.encode("utf-8"))
    buffer.flush()


def report_fixes(fixed: int, files: int, remaining: int, *, dry: bool, quiet: bool) -> None:
    """``layerwise fix``'s one line on stderr."""
    if not quiet:
        print(fixed_line(fixed, files, remaining, dry=dry), file=sys.stderr)
