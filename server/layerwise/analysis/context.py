"""What a check sees: the parsed document, its location and shared derived facts."""

from __future__ import annotations

import os
import posixpath
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..syntax.model import Dockerfile, Instruction, Stage
from ..syntax.shell import ShellCommand
from .facts import StageInfo, arg_env, clean_path, expand, stage_infos, stage_scopes
from .safefs import regular_file, within

if TYPE_CHECKING:
    from .options import LintOptions


def _default_options() -> LintOptions:
    from .options import LintOptions

    return LintOptions()


class Project(Protocol):
    """Read-only view of the files around a Dockerfile (the build context)."""

    def find_upward(self, start: Path, names: tuple[str, ...]) -> Path | None:
        """The first of ``names`` found in ``start`` or its ancestors within the project."""
        ...

    def list_dir(self, directory: Path) -> list[str] | None:
        """The names in ``directory`` when it lies inside the project and can be read;
        ``None`` otherwise (not there, outside the project, unreadable)."""
        ...


class FileSystemProject:
    """A project rooted at ``root``: lookups never leave it."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root.resolve() if root is not None else None

    def find_upward(self, start: Path, names: tuple[str, ...]) -> Path | None:
        """Regular files only, and with a root only those whose real path (symlinks
        and ``..`` followed) lies inside it."""
        directory = start.resolve()
        if self.root is not None and not within(directory, self.root):
            return None
        while True:
            for name in names:
                candidate = directory / name
                if regular_file(candidate) and (self.root is None or within(candidate, self.root)):
                    return candidate
            if self.root is not None and directory == self.root:
                return None
            if directory.parent == directory:
                return None
            directory = directory.parent

    def list_dir(self, directory: Path) -> list[str] | None:
        try:
            resolved = directory.resolve()
            if (
                self.root is not None
                and resolved != self.root
                and self.root not in resolved.parents
            ):
                return None
            with os.scandir(resolved) as entries:
                return [entry.name for entry in entries]
        except OSError:
            return None


class LintContext:
    def __init__(
        self,
        doc: Dockerfile,
        path: Path | None = None,
        project: Project | None = None,
        options: LintOptions | None = None,
    ) -> None:
        self.doc = doc
        self.path = path
        self.project = project
        self.options = options if options is not None else _default_options()
        self._env_cache: dict[int, dict[str, str | None]] = {}
        self._windows: dict[int, bool] = {}
        self._program_index: dict[int, dict[str | None, list[ShellCommand]]] = {}
        #: Per-document memo for facts several rules derive the same way; keys are
        #: tuples starting with the deriving function's name.
        self.memo: dict[tuple[object, ...], object] = {}
        #: What the file is for (see :mod:`.purpose`); set by the engine.
        self.purpose = "production"

    @property
    def text(self) -> str:
        return self.doc.source.text

    @property
    def newline(self) -> str:
        return self.doc.source.newline

    @cached_property
    def stage_infos(self) -> list[StageInfo]:
        return stage_infos(self.doc)

    @property
    def final_stage(self) -> Stage | None:
        """The stage the build produces: ``--target`` when given, else the last one."""
        target = self.options.target
        if target:
            named = self.doc.stage_named(target)
            if named is not None:
                return named
            if target.isdigit() and int(target) < len(self.doc.stages):
                return self.doc.stages[int(target)]
        return self.doc.stages[-1] if self.doc.stages else None

    def info(self, stage: Stage) -> StageInfo:
        return self.stage_infos[stage.index]

    def is_windows(self, stage: Stage) -> bool:
        """The stage builds a Windows image (by its base; a backtick escape when unknown)."""
        known = self._windows.get(stage.index)
        if known is None:
            image = self.info(stage).image
            # Base unknown (a variable): the backtick escape is the Windows convention.
            known = image.is_windows if image is not None else self.doc.escape == "`"
            self._windows[stage.index] = known
        return known

    def keyword_in(self, stage: Stage, keyword: str) -> tuple[Instruction, ...]:
        """The stage's instructions with this keyword, in order (computed once per stage).

        Passes that ask "the last USER/WORKDIR/SHELL before this instruction" for every
        instruction read these instead of the whole stage, so they stay linear.
        """
        key = ("keyword_in", stage.index, keyword)
        found = self.memo.get(key)
        if found is None:
            found = tuple(i for i in stage.instructions if i.keyword == keyword)
            self.memo[key] = found
        return found  # type: ignore[return-value]

    def _last_before(self, stage: Stage, keyword: str, ins: Instruction) -> Instruction | None:
        """The last ``keyword`` instruction with arguments before ``ins``, in its stage or
        the stages it is built FROM (nearest first); found by binary search."""
        for member in self.stage_chain(stage):
            found = self.keyword_in(member, keyword)
            at = bisect_left(found, ins.span.start, key=lambda i: i.span.start)
            for other in reversed(found[:at]):
                if other.words:
                    return other
        return None

    def home_of(self, ins: Instruction) -> str:
        """Home directory of the user a RUN runs as: /root unless a USER says otherwise.

        A user that cannot be resolved gets a home no real path matches.
        """
        stage = self.doc.stage_of(ins)
        if stage is None:
            return "/root"
        user: str | None = "root"
        last = self._last_before(stage, "USER", ins)
        if last is not None:
            value = self.resolve(last, last.words[0].value)
            user = value.split(":", 1)[0] if value is not None else None
        if user in ("root", "0"):
            return "/root"
        if user is None:
            return "\0unknown"
        return f"/home/{user}" if not user.isdigit() else f"\0uid{user}"

    def workdir_at(self, ins: Instruction) -> str | None:
        """The absolute working directory of ``ins``; ``None`` when the base image decides it."""
        stage = self.doc.stage_of(ins)
        if stage is None:
            return None
        chain = self.stage_chain(stage)
        root_image = self.info(chain[-1]).image
        workdir: str | None = "/" if root_image is not None and root_image.is_scratch else None
        for member in reversed(chain):
            for other in self.keyword_in(member, "WORKDIR"):
                if member is stage and other.span.start >= ins.span.start:
                    return workdir
                value = self.resolve(other, other.words[0].value) if len(other.words) == 1 else None
                if value is None:
                    workdir = None
                elif value.startswith("/"):
                    workdir = clean_path(value)
                elif workdir is not None:
                    workdir = clean_path(posixpath.join(workdir, value))
        return workdir

    def stage_chain(self, stage: Stage) -> list[Stage]:
        """The stage and the earlier stages it is built FROM, nearest first."""
        chain = [stage]
        info = self.info(stage)
        while info.parent is not None and info.parent not in chain:
            chain.append(info.parent)
            info = self.info(info.parent)
        return chain

    def env_at(self, ins: Instruction) -> dict[str, str | None]:
        """Variables visible to ``ins`` (see :func:`facts.stage_scopes`); do not mutate."""
        cached = self._env_cache.get(id(ins))
        if cached is not None:
            return cached
        stage = self.doc.stage_of(ins)
        if stage is None:
            return arg_env(self.doc.preamble)
        self._env_cache.update(stage_scopes(self.doc, self.stage_chain(stage)))
        return self._env_cache.get(id(ins), {})

    def resolve(self, ins: Instruction, text: str) -> str | None:
        """``text`` with variables expanded as ``ins`` sees them; ``None`` when unknown."""
        if "$" not in text:
            return text
        return expand(text, self.env_at(ins), self.doc.escape)

    def shipped_stages(self) -> list[Stage]:
        """The final stage and the stages it is built FROM: their layers ship.

        A builder stage's files are thrown away, so rules about image size look here only.
        """
        final = self.final_stage
        return self.stage_chain(final) if final is not None else []

    def mount_targets(self, ins: Instruction) -> list[str | None]:
        """Targets of a RUN's cache and tmpfs mounts (``None``: an unresolved variable)."""
        targets: list[str | None] = []
        for flag in ins.flags:
            if flag.name != "mount" or not flag.value:
                continue
            fields = dict(part.partition("=")[::2] for part in flag.value.split(",") if "=" in part)
            if fields.get("type") not in ("cache", "tmpfs"):
                continue
            target = fields.get("target") or fields.get("dst") or fields.get("destination")
            if target is None:
                continue
            resolved = self.resolve(ins, target)
            targets.append(resolved.rstrip("/") or "/" if resolved is not None else None)
        return targets

    def mounted(self, ins: Instruction, dirs: Iterable[str]) -> bool:
        """A cache/tmpfs mount keeps one of ``dirs`` out of the layer (or might: unresolved)."""
        for target in self.mount_targets(ins):
            if target is None:
                return True
            for directory in dirs:
                if directory == target or directory.startswith(target.rstrip("/") + "/"):
                    return True
        return False

    def commands(self, instruction: Instruction, *programs: str) -> Sequence[ShellCommand]:
        """Commands a RUN runs (heredoc and ``sh -c`` scripts included, see
        :meth:`ShellScript.effective`), optionally by program.

        The result is shared between rules: do not mutate it.
        """
        if instruction.shell is None:
            return ()
        if not programs:
            return instruction.shell.effective()
        index = self._program_index.get(id(instruction))
        if index is None:
            index = {}
            for command in instruction.shell.effective():
                index.setdefault(command.program, []).append(command)
            self._program_index[id(instruction)] = index
        if len(programs) == 1:
            return index.get(programs[0], ())
        found = [index[p] for p in dict.fromkeys(programs) if p in index]
        if len(found) <= 1:
            return found[0] if found else ()
        return sorted((c for group in found for c in group), key=lambda c: c.span.start)

    def runs(self, stage: Stage) -> list[Instruction]:
        return [ins for ins in stage.instructions if ins.keyword == "RUN"]
