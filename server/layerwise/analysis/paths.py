"""Paths in the image: the sources and destination of a COPY or ADD, where its files
land, the path arguments of RUN commands made absolute, and shell globs that cover a
path. Shared by the rules about users, secrets, the build context and the cache order.
"""

from __future__ import annotations

import posixpath
import re
from fnmatch import fnmatchcase

from ..syntax.model import Instruction, Token
from ..syntax.shell import ShellCommand
from .context import LintContext
from .facts import clean_path

#: A source that is not in the build context: a URL or a Git address.
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@)", re.I)
_GLOB_CHARS = frozenset("*?[")
_WHOLE_CONTEXT = frozenset({".", "./", "./.", "*", "./*", ".//"})


def copy_sources(ins: Instruction) -> list[Token]:
    """Source arguments of a COPY/ADD (heredoc markers excluded)."""
    if ins.exec_args is not None:
        return list(ins.exec_args[:-1])
    markers = {h.marker.start for h in ins.heredocs}
    words = [w for w in ins.words if w.span.start not in markers]
    return words[:-1]


def copy_sources_dest(ins: Instruction) -> str | None:
    """The destination of a COPY/ADD as written (unquoted), ``None`` if it has none."""
    if ins.exec_args is not None:
        return ins.exec_args[-1].value if len(ins.exec_args) >= 2 else None
    markers = {h.marker.start for h in ins.heredocs}
    words = [w for w in ins.words if w.span.start not in markers]
    return words[-1].value if len(words) >= 2 else None


def whole_context_source(ins: Instruction) -> Token | None:
    """The source token that copies the whole build context, if any."""
    if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None:
        return None
    for token in copy_sources(ins):
        if token.value in _WHOLE_CONTEXT:
            return token
    return None


def copy_dest(ins: Instruction) -> Token | None:
    """The destination argument of a COPY/ADD."""
    if ins.exec_args is not None:
        return ins.exec_args[-1] if len(ins.exec_args) >= 2 else None
    markers = {h.marker.start for h in ins.heredocs}
    words = [w for w in ins.words if w.span.start not in markers]
    return words[-1] if words and (len(words) >= 2 or ins.heredocs) else None


def has_glob(path: str) -> bool:
    return any(c in _GLOB_CHARS for c in path)


def is_absolute(path: str) -> bool:
    """An absolute path, POSIX or Windows (``C:\\``, ``\\``)."""
    return path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", path) is not None


def absolute_path(path: str, workdir: str | None) -> str | None:
    """``path`` made absolute against ``workdir``; ``~`` is kept as a pseudo-root."""
    if path.startswith("~/") or path == "~":
        return clean_path("/~" + path[1:])
    if path.startswith("/"):
        return clean_path(path)
    if workdir is None:
        return None
    return clean_path(posixpath.join(workdir, path))


def path_segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def glob_covers(pattern: str, path: str, recursive: bool) -> bool:
    """A shell path ``pattern`` (globs allowed) names ``path`` or, if ``recursive``, an ancestor."""
    pat, segs = path_segments(pattern), path_segments(path)
    if len(pat) > len(segs) or (len(pat) < len(segs) and not recursive):
        return False
    if not pat and not recursive:
        return False
    for glob, name in zip(pat, segs, strict=False):
        if has_glob(glob):
            if name.startswith(".") and not glob.startswith("."):
                return False  # shell globs skip dot files
            if not fnmatchcase(name, glob):
                return False
        elif glob != name:
            return False
    return True


def cd_before(ctx: LintContext, ins: Instruction, command: ShellCommand) -> bool:
    for other in ctx.commands(ins):
        if other is command:
            return False
        if other.program in ("cd", "pushd", "popd"):
            return True
    return False


def run_path(ctx: LintContext, ins: Instruction, command: ShellCommand, value: str) -> str | None:
    """A path argument of a RUN command, absolute, or ``None`` when unknown."""
    resolved = ctx.resolve(ins, value) if "$" in value else value
    if resolved is None or not resolved:
        return None
    if not resolved.startswith(("/", "~")) and cd_before(ctx, ins, command):
        return None
    return absolute_path(resolved, ctx.workdir_at(ins))


def copy_paths(ctx: LintContext, ins: Instruction) -> list[tuple[str, list[str]]]:
    """Where a COPY/ADD puts each source: (source path, absolute target candidates).

    A directory source lands in the destination itself, a file in the destination
    directory or at the destination path; when the Dockerfile does not say which
    (``COPY id_rsa /root/.ssh``), both candidates are returned. ``[]`` when the
    destination cannot be resolved. Shared by several rules: do not mutate.
    """
    key = ("copy_paths", id(ins))
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = _find_copy_paths(ctx, ins)
    return found  # type: ignore[return-value]


def _find_copy_paths(ctx: LintContext, ins: Instruction) -> list[tuple[str, list[str]]]:
    dest_token = copy_dest(ins)
    if dest_token is None:
        return []
    dest = ctx.resolve(ins, dest_token.value)
    if dest is None:
        return []
    base = absolute_path(dest, ctx.workdir_at(ins))
    if base is None:
        return []
    tokens = copy_sources(ins)
    sources = [ctx.resolve(ins, token.value) for token in tokens]
    sources.extend(heredoc.name for heredoc in ins.heredocs)
    into_dir = (
        dest.endswith(("/", "/.")) or dest in (".", "..") or len(sources) > 1
    ) and not ins.heredocs
    out = []
    for source in sources:
        if source is None:
            continue
        name = posixpath.basename(source.rstrip("/"))
        inside = clean_path(posixpath.join(base, name))
        if source.endswith("/") or name in ("", ".", "..") or has_glob(name):
            out.append((source, [base]))
        elif into_dir:
            out.append((source, [inside]))
        elif ins.heredocs:
            out.append((source, [base]))
        else:
            out.append((source, [base, inside]))
    return out
