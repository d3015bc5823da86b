"""What each stage contains and whether its files reach the image that ships.

Built on the image table (:mod:`.images`): a stage starts with what its base image
holds, a ``FROM scratch`` stage that only receives files holds only files, a stage
that receives a whole root filesystem (``COPY --from=rootfs / /``, ``ADD rootfs.tar.xz
/``) holds what that filesystem holds. Builder stages whose files are not copied into
the shipped image do not ship: rules about image size and contents look past them.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from ..syntax.model import Instruction, Stage
from .context import LintContext
from .facts import ImageRef, clean_path, parse_image
from .images import ImageFacts, image_facts

_ARCHIVE = re.compile(r"\.(?:tar|tar\.(?:gz|bz2|xz|zst)|tgz|tbz2?|txz)$")
# Instructions that add no executable content: a stage with only these (and COPY/ADD)
# on top of scratch holds only files.
_NO_PROGRAMS = frozenset(
    {"FROM", "COPY", "ADD", "ENV", "ARG", "LABEL", "WORKDIR", "USER", "EXPOSE", "VOLUME",
     "ENTRYPOINT", "CMD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER", "ONBUILD"}
)  # fmt: skip
_SCRATCH = ImageFacts(os="scratch", shell=False, compilers=False, known=True)


#: Commands that only arrange files: what they produce does not depend on the base image
#: beyond a shell and coreutils.
_FILE_COMMANDS = frozenset(
    {"mkdir", "ln", "cp", "mv", "chmod", "chown", "chgrp", "rm", "rmdir", "touch", "echo",
     "printf", "true", ":", "set", "export", "test", "[", "ls", "cat", "tee", "install",
     "basename", "dirname", "exit"}
)  # fmt: skip


_SYSTEM_DIRS = frozenset(
    {"/", "/etc", "/usr", "/usr/local", "/usr/bin", "/usr/lib", "/var", "/lib", "/bin",
     "/sbin", "/opt", "/root", "/home", "/tmp"}
)  # fmt: skip


def moves_files_only(ctx: LintContext, stage: Stage) -> bool:
    """The stage, and every stage built FROM it, only copies and arranges files (COPY,
    ADD, and RUNs of mkdir/cp/ln/chmod…), and what other stages copy out of it are
    those files, not the base image's: which version of its base image it gets cannot
    change what it produces."""
    key = ("moves_files_only", stage.index)
    known = ctx.memo.get(key)
    if known is None:
        known = ctx.memo[key] = _moves_files_only(ctx, stage)
    return known  # type: ignore[return-value]


def _moves_files_only(ctx: LintContext, stage: Stage) -> bool:
    own: set[str] = set()  # directories the stage fills or creates itself
    for member in ctx.doc.stages:
        if not any(s.index == stage.index for s in ctx.stage_chain(member)):
            continue
        for ins in member.instructions[1:]:
            if ins.keyword == "ONBUILD":
                return False
            if ins.keyword in ("COPY", "ADD"):
                destination = _destination(ctx, ins)
                if destination is None:
                    return False
                own.add(destination)
            if ins.keyword != "RUN":
                continue
            if ins.exec_args is not None or ins.shell is None:
                return False
            for command in ctx.commands(ins):
                if command.program is not None and command.program not in _FILE_COMMANDS:
                    return False
                if command.program == "mkdir":
                    own.update(
                        _literal_dir(w.value) for w in command.arguments if w.value.startswith("/")
                    )
    for other in ctx.doc.stages:
        for ins in other.instructions:
            if ins.keyword != "COPY" or copy_from(ctx, ins) is not stage:
                continue
            for source in _sources(ins):
                value = ctx.resolve(ins, source)
                path = _literal_dir("/" + source.lstrip("/")) if value is None else value
                if not _inside_own(clean_path("/" + path.lstrip("/")), own):
                    return False
    return True


def _literal_dir(path: str) -> str:
    """``path`` up to its first variable (``/out/$TARGETOS/x`` → ``/out``)."""
    if "$" not in path:
        return clean_path(path)
    return clean_path(path.split("$", 1)[0].rsplit("/", 1)[0] or "/")


def _inside_own(path: str, own: set[str]) -> bool:
    """``path`` holds only what the stage put there: inside a directory it filled, or a
    non-system parent of one (``/out`` for ``mkdir /out/a``)."""
    for directory in own:
        if path == directory or path.startswith(directory.rstrip("/") + "/"):
            return True
        if path not in _SYSTEM_DIRS and directory.startswith(path.rstrip("/") + "/"):
            return True
    return False


def copy_from(ctx: LintContext, ins: Instruction) -> Stage | ImageRef | None:
    """What ``COPY --from=…`` names: an earlier stage (by name or index) or an image;
    ``None`` without ``--from`` or when it cannot be resolved."""
    flag = ins.flag("from")
    if flag is None or flag.value is None:
        return None
    value = ctx.resolve(ins, flag.value)
    if value is None:
        return None
    if value.isdigit():
        index = int(value)
        return ctx.doc.stages[index] if index < len(ctx.doc.stages) else None
    named = ctx.doc.stage_named(value)
    if named is not None:
        return named
    return parse_image(value)


def _sources(ins: Instruction) -> list[str]:
    if ins.exec_args is not None:
        return [t.value for t in ins.exec_args[:-1]]
    markers = {h.marker.start for h in ins.heredocs}
    return [w.value for w in ins.words[:-1] if w.span.start not in markers]


def _destination(ctx: LintContext, ins: Instruction) -> str | None:
    last = ins.exec_args[-1] if ins.exec_args else (ins.words[-1] if ins.words else None)
    if last is None:
        return None
    value = ctx.resolve(ins, last.value)
    if value is None:
        return None
    if not value.startswith("/"):
        workdir = ctx.workdir_at(ins)
        if workdir is None:
            return None
        value = posixpath.join(workdir, value)
    return clean_path(value)


def whole_rootfs(ctx: LintContext, ins: Instruction) -> Stage | ImageRef | str | None:
    """The root filesystem a COPY/ADD puts at ``/``: the stage or image of
    ``COPY --from=x / /``, or the archive of ``ADD rootfs.tar.xz /``; else ``None``."""
    if ins.keyword not in ("COPY", "ADD") or _destination(ctx, ins) != "/":
        return None
    sources = _sources(ins)
    if len(sources) != 1:
        return None
    source = ctx.resolve(ins, sources[0])
    if source is None:
        return None
    origin = copy_from(ctx, ins)
    if origin is not None:
        return origin if source.rstrip("/.") == "" else None
    if ins.keyword == "ADD" and ins.flag("from") is None and _ARCHIVE.search(source):
        return source
    return None


def facts_of(ctx: LintContext, origin: Stage | ImageRef | str | None) -> ImageFacts:
    if isinstance(origin, Stage):
        return stage_facts(ctx, origin)
    if isinstance(origin, ImageRef):
        return _SCRATCH if origin.is_scratch else image_facts(origin)
    return ImageFacts()  # an archive or something unknown


def stage_facts(ctx: LintContext, stage: Stage) -> ImageFacts:
    """What the stage's filesystem holds at its end, as far as known: its base image's
    facts, replaced by those of a whole root filesystem copied in, and ``files only``
    for a scratch stage that runs nothing."""
    key = ("stage_facts", stage.index)
    found = ctx.memo.get(key)
    if isinstance(found, ImageFacts):
        return found
    ctx.memo[key] = ImageFacts()  # a cycle (a stage copying from itself) learns nothing
    info = ctx.info(stage)
    if info.parent is not None:
        facts = stage_facts(ctx, info.parent)
    elif info.image is None:
        facts = ImageFacts()
    else:
        facts = _SCRATCH if info.image.is_scratch else image_facts(info.image)
    runs = False
    for ins in stage.instructions[1:]:
        runs = runs or ins.keyword not in _NO_PROGRAMS
        origin = whole_rootfs(ctx, ins)
        if origin is not None:
            facts = facts_of(ctx, origin)
    if facts.os == "scratch" and not runs and not facts.artifacts_only:
        facts = replace(facts, artifacts_only=True)
    ctx.memo[key] = facts
    return facts


def files_only(ctx: LintContext, origin: Stage | ImageRef | str | None) -> bool:
    """The stage or image holds only files (binaries, scripts, a rootfs being assembled):
    a scratch stage that runs nothing, or an image the table knows as artifacts only."""
    return facts_of(ctx, origin).artifacts_only


def shipped(ctx: LintContext, stage: Stage) -> bool:
    """The stage's layers are part of the image the build produces (the final stage
    and the stages it is built FROM)."""
    key = ("shipped",)
    found = ctx.memo.get(key)
    if not isinstance(found, frozenset):
        found = ctx.memo[key] = frozenset(s.index for s in ctx.shipped_stages())
    return stage.index in found


def reaches_image(ctx: LintContext, ins: Instruction) -> bool:
    """What ``ins`` (a COPY/ADD) puts at its destination ends up in the shipped image as a
    whole: its stage ships, or a shipped stage copies that directory (or a parent) out of
    it, directly or through other stages. Copying out a subdirectory (``/app/dist``) or
    some files (``/app/bin/server``, ``/app/*.jar``) leaves the rest (a context's ``.git``
    and ``.env``) behind. Unknown paths count as reaching."""
    stage = ctx.doc.stage_of(ins)
    if stage is None:
        return False
    return _reaches(ctx, stage, _destination(ctx, ins), set())


def _reaches(ctx: LintContext, stage: Stage, path: str | None, seen: set[int]) -> bool:
    if shipped(ctx, stage):
        return True
    if stage.index in seen:
        return False
    seen.add(stage.index)
    for other in ctx.doc.stages:
        if other.index == stage.index:
            continue
        in_chain = any(s.index == stage.index for s in ctx.stage_chain(other)[1:])
        if in_chain and _reaches(ctx, other, path, seen):
            return True  # a stage built FROM this one carries its files
        for ins in other.instructions:
            if ins.keyword != "COPY" or copy_from(ctx, ins) is not stage:
                continue
            destination = _destination(ctx, ins)
            for source in _sources(ins):
                covered = _covered_by(ctx, ins, source)
                if covered is None:
                    continue
                if path is None or covered == "":
                    moved = None
                elif covered in (path, "/") or path.startswith(covered + "/"):
                    rest = posixpath.relpath(path, covered)
                    moved = (
                        None
                        if destination is None
                        else clean_path(posixpath.join(destination, rest))
                    )
                else:
                    continue
                if _reaches(ctx, other, moved, seen):
                    return True
    return False


def _covered_by(ctx: LintContext, ins: Instruction, source: str) -> str | None:
    """The directory a ``COPY --from`` source copies as a whole (``""`` when unknown), or
    ``None`` when it names only some files (``/app/bin/server``, ``/app/*.jar``)."""
    value = ctx.resolve(ins, source)
    if value is None:
        return ""
    value = clean_path("/" + value.lstrip("/"))
    parts = value.split("/")
    for index, part in enumerate(parts):
        if any(c in part for c in "*?["):
            if index == len(parts) - 1 and part != "*":
                return None  # a pattern over file names: some files of the directory
            return "/".join(parts[:index]) or "/"
    return value
