"""Linting off the event loop: one job per document, the newest version wins.

The event loop only reads messages, applies edits and answers requests; parsing and
linting run in worker threads (:class:`Lane`). Each document has at most one job:
an edit replaces the job waiting for a worker and asks a running one to stop at the
next rule (``lint_document``'s checkpoint), and a result is used only while the
document is still at the version and settings it was computed for, so a stale
result is never published.

Small documents and large ones (over :data:`LARGE_LANE`) have separate workers: a
small file opened while a big one is linted does not wait for it. Threads share the
GIL, but the big job yields it every few milliseconds, which keeps the loop and the
small lane responsive (``benchmarks/stress.py`` measures it).

Budget: a file over :data:`BIG` characters, or a lint still running after
:data:`SLOW` seconds, gets its syntax errors and quick checks published first with
an information diagnostic saying the rest is still running; a file over
:data:`MAX_FULL` characters gets only those, and the note says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ..analysis.context import Project
from ..analysis.engine import LintResult, lint_document
from ..analysis.options import LintOptions
from ..syntax.model import Dockerfile
from ..syntax.parser import parse
from ..syntax.source import Encoding, SourceText
from .convert import SOURCE, to_diagnostic

if TYPE_CHECKING:
    from .documents import Document

log = logging.getLogger("layerwise.lsp.jobs")

#: Over this many characters, syntax errors and quick checks are published first.
BIG = 1_000_000
#: A lint still running after this many seconds publishes its quick part.
SLOW = 2.0
#: Over this many characters only the syntax and quick checks run.
MAX_FULL = 8_000_000
#: Documents over this size are linted by the second worker.
LARGE_LANE = 256 * 1024
#: Requests on a document smaller than this may parse it on the event loop.
INLINE_PARSE = 64 * 1024
#: Rule code prefix of the syntax checks (cheap: they read the parse errors).
QUICK_PREFIX = "LW0"


class Cancelled(Exception):
    """A newer version of the document superseded the job."""


@dataclass(frozen=True)
class Snapshot:
    """Everything a job reads: immutable, so the worker never sees a half edit."""

    uri: str
    seq: int
    generation: int
    version: int | None
    text: str
    source: SourceText
    options: LintOptions
    path: Path | None
    project: Project | None
    encoding: Encoding


@dataclass
class Outcome:
    result: LintResult
    diagnostics: list[types.Diagnostic]
    #: False: only the syntax and quick checks ran.
    complete: bool


class Job:
    def __init__(self, snapshot: Snapshot, scheduler: Scheduler) -> None:
        loop = asyncio.get_running_loop()
        self.snapshot = snapshot
        self.scheduler = scheduler
        self.loop = loop
        self.stop = threading.Event()
        self.started = time.monotonic()
        #: The parsed text (set on the loop).
        self.parsed: asyncio.Future[Dockerfile] = loop.create_future()
        #: The full (or, past MAX_FULL, the partial) outcome (set on the loop).
        self.done: asyncio.Future[Outcome] = loop.create_future()
        self.quick: Outcome | None = None
        self.quick_published = False
        self.timer: asyncio.TimerHandle | None = None

    def checkpoint(self) -> None:
        if self.stop.is_set():
            raise Cancelled

    def cancel(self) -> None:
        self.stop.set()
        for future in (self.parsed, self.done):
            if not future.done():
                future.cancel()
        if self.timer is not None:
            self.timer.cancel()

    def post(self, callback: Callable[..., None], *args: Any) -> None:
        """Run the scheduler's ``callback(job, *args)`` on the event loop (from a worker)."""
        # RuntimeError: the loop is closed, the server is exiting.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(callback, self, *args)


class Lane(threading.Thread):
    """A worker thread with one pending job per document, oldest document first."""

    def __init__(self, name: str, work: Callable[[Job], None]) -> None:
        super().__init__(name=name, daemon=True)
        self._work = work
        self._pending: dict[str, Job] = {}
        self._ready = threading.Condition()

    def submit(self, job: Job) -> None:
        with self._ready:
            # A job still waiting for this document is replaced, keeping its place.
            self._pending[job.snapshot.uri] = job
            self._ready.notify()

    def run(self) -> None:
        while True:
            with self._ready:
                while not self._pending:
                    self._ready.wait()
                uri = next(iter(self._pending))
                job = self._pending.pop(uri)
            if not job.stop.is_set():
                self._work(job)


def _quick_rules() -> list[Any]:
    from ..analysis.rules import ALL_RULES

    return [rule for rule in ALL_RULES if rule.code.startswith(QUICK_PREFIX)]


def _all_rules() -> Any:
    from ..analysis.rules import ALL_RULES

    return ALL_RULES


def note(snapshot: Snapshot, complete_later: bool) -> types.Diagnostic:
    """The information diagnostic for a file checked only in part."""
    size = f"{len(snapshot.text) / 1_000_000:.1f} MB"
    if complete_later:
        message = (
            f"layerwise: large file ({size}): syntax errors and quick checks are shown; "
            "the other rules are still running"
        )
    else:
        message = (
            f"layerwise: file too large ({size}, over {MAX_FULL / 1_000_000:.0f} MB): only "
            "syntax errors and quick checks were run; the file was only partly checked"
        )
    start = types.Position(0, 0)
    return types.Diagnostic(
        range=types.Range(start, start),
        message=message,
        severity=types.DiagnosticSeverity.Information,
        source=SOURCE,
    )


def run_job(job: Job) -> None:
    """Worker side: parse, quick checks, then every rule; results go to the loop."""
    snap = job.snapshot
    try:
        model = parse(snap.text)
        job.checkpoint()
        job.post(job.scheduler.on_parsed, model)
        quick = lint_document(
            model, _quick_rules(), snap.options, snap.path, snap.project, job.checkpoint
        )
        outcome = Outcome(quick, _diagnostics(snap, quick), complete=False)
        job.checkpoint()
        if len(snap.text) > MAX_FULL:
            outcome.diagnostics.append(note(snap, complete_later=False))
            job.post(job.scheduler.on_done, outcome)
            return
        job.post(job.scheduler.on_quick, outcome)
        full = lint_document(
            model, _all_rules(), snap.options, snap.path, snap.project, job.checkpoint
        )
        diagnostics = _diagnostics(snap, full)
        job.checkpoint()
        job.post(job.scheduler.on_done, Outcome(full, diagnostics, complete=True))
    except Cancelled:
        pass
    except Exception as exc:  # never take the worker down
        log.exception("lint of %s failed", snap.uri)
        job.post(job.scheduler.on_failed, exc)


def _diagnostics(snap: Snapshot, result: LintResult) -> list[types.Diagnostic]:
    return [to_diagnostic(snap.uri, snap.source, f, snap.encoding) for f in result.findings]


class Scheduler:
    """Loop side: starts, supersedes and completes the jobs of a server's documents."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.jobs: dict[str, Job] = {}
        self._lanes: dict[str, Lane] = {}

    def _lane(self, size: int) -> Lane:
        name = "large" if size > LARGE_LANE else "small"
        lane = self._lanes.get(name)
        if lane is None:
            lane = self._lanes[name] = Lane(f"layerwise-lint-{name}", run_job)
            lane.start()
        return lane

    def current(self, job: Job) -> Document | None:
        """The job's document, when the job is still the one for its version."""
        snap = job.snapshot
        doc = self.server.documents.get(snap.uri)
        if (
            self.jobs.get(snap.uri) is not job
            or doc is None
            or doc.seq != snap.seq
            or self.server.generation != snap.generation
        ):
            return None
        return doc

    def schedule(self, doc: Document) -> Job:
        """The job for the document as it is now (started unless already running)."""
        job = self.jobs.get(doc.uri)
        if job is not None and self.current(job) is doc and not job.stop.is_set():
            return job
        if job is not None:
            job.cancel()
        job = Job(self.server.snapshot(doc), self)
        self.jobs[doc.uri] = job
        if self.server.pushes:
            job.timer = job.loop.call_later(SLOW, self.on_slow, job)
        self._lane(len(doc.text)).submit(job)
        return job

    def forget(self, uri: str) -> None:
        job = self.jobs.pop(uri, None)
        if job is not None:
            job.cancel()

    def cancel_all(self) -> None:
        for uri in list(self.jobs):
            self.forget(uri)

    # -- results, on the loop -----------------------------------------------------
    def on_parsed(self, job: Job, model: Dockerfile) -> None:
        doc = self.current(job)
        if doc is not None:
            doc.keep_model(model)
        if not job.parsed.done():
            job.parsed.set_result(model)

    def on_quick(self, job: Job, outcome: Outcome) -> None:
        job.quick = outcome
        if len(job.snapshot.text) > BIG or time.monotonic() - job.started >= SLOW:
            self._publish_quick(job)

    def on_slow(self, job: Job) -> None:
        if job.quick is not None and not job.done.done():
            self._publish_quick(job)

    def _publish_quick(self, job: Job) -> None:
        doc = self.current(job)
        if doc is None or job.quick is None or job.quick_published or not self.server.pushes:
            return
        job.quick_published = True
        items = [*job.quick.diagnostics, note(job.snapshot, complete_later=True)]
        self.server.send_diagnostics(doc, items)

    def on_done(self, job: Job, outcome: Outcome) -> None:
        if job.timer is not None:
            job.timer.cancel()
        doc = self.current(job)
        if doc is None:
            return  # superseded: a newer job publishes
        del self.jobs[doc.uri]
        doc.result = outcome.result
        doc.diagnostics = outcome.diagnostics
        doc.result_generation = job.snapshot.generation
        if not job.parsed.done():
            job.parsed.set_result(outcome.result.doc)
        if not job.done.done():
            job.done.set_result(outcome)
        if self.server.pushes:
            self.server.send_diagnostics(doc, outcome.diagnostics)

    def on_failed(self, job: Job, exc: BaseException) -> None:
        if job.timer is not None:
            job.timer.cancel()
        if self.jobs.get(job.snapshot.uri) is job:
            del self.jobs[job.snapshot.uri]
        for future in (job.parsed, job.done):
            if not future.done():
                future.set_exception(exc)
                future.exception()  # retrieved: no "never retrieved" warning
