"""LW606-LW629: system package managers and layer cleanup (PRACTICES F, items 22-24, 26).

apt, apk, yum/dnf/microdnf/tdnf and zypper: non-interactive switches, caches cleaned
in the layer that creates them (or kept out of it by a BuildKit cache mount),
cleanup that comes a layer too late, in-place distribution upgrades and version pins.
The apt-get basics (update alone, -y, recommends, lists) live in ``apt.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ....syntax.model import Instruction, Span, Stage, Token
from ....syntax.shell import ShellCommand
from ...context import LintContext
from ...edits import (
    and_chain_only,
    append_to_run,
    cache_mount_alternative,
    delete_instruction,
    flags_key,
    insert_after,
    stage_shell_is_posix,
)
from ...pkgmanagers import APT as _APT
from ...pkgmanagers import DNF as _DNF
from ...pkgmanagers import RPM as _RPM
from ...pkgmanagers import PackageCommand, covers, invocation, package_commands, rm_paths
from ...rule import Edit, Fix, FixSafety, Related, Rule, Severity, Violation
from ...walk import line_number, run_targets, shipped_runs
from .apt import apt_subcommand, config_before

# -- shared helpers -------------------------------------------------------------------


# Options that take their value as the next word (so the value is not the subcommand).
def _words(command: ShellCommand) -> list[Token]:
    """A package manager's subcommand and positional arguments (shared reading)."""
    pc = invocation(command)
    return [] if pc is None or pc.sub is None else [pc.sub, *pc.args]


def _subword(command: ShellCommand) -> Token | None:
    pc = invocation(command)
    return pc.sub if pc is not None else None


def _options(command: ShellCommand) -> list[str]:
    return [w.value for w in command.arguments if w.value.startswith("-") and w.value != "-"]


def _has_short(options: Iterable[str], letter: str) -> bool:
    """``-y`` or a cluster of short options holding it (``-qy``)."""
    return any(re.fullmatch(r"-[a-zA-Z]+", o) and letter in o[1:] for o in options)


def _has_option(options: Iterable[str], *names: str) -> bool:
    """Any of ``names``, alone or as ``--name=value``."""
    return any(o in names or o.split("=", 1)[0] in names for o in options)


def _all_runs(ctx: LintContext) -> Iterator[tuple[Stage, Instruction]]:
    return run_targets(ctx)


def _shipped_runs(ctx: LintContext) -> Iterable[tuple[Stage, Instruction]]:
    return shipped_runs(ctx)


def _later_runs(ctx: LintContext, ins: Instruction) -> Iterator[Instruction]:
    for other in ctx.doc.instructions:
        if other.keyword == "RUN" and other.span.start > ins.span.start:
            yield other


# -- users, homes and cache mounts ----------------------------------------------------


# -- caches: who fills them, who empties them ------------------------------------------


@dataclass(frozen=True)
class _Cache:
    key: str
    what: str  # "the apt package lists"
    dirs: tuple[str, ...]  # "~" is the RUN user's home
    managers: tuple[str, ...]  # programs that read the cache
    #: The command writes the cache into the layer.
    fills: Callable[[LintContext, Instruction, ShellCommand], bool]
    #: The command empties the cache (``rm`` is handled from ``dirs``).
    empties: Callable[[ShellCommand], bool]

    def paths(self, home: str) -> tuple[str, ...]:
        return tuple(home + d[1:] if d.startswith("~") else d for d in self.dirs)


def _apt_fills(ctx: LintContext, ins: Instruction, command: ShellCommand) -> bool:
    pc = invocation(command)
    return pc is not None and pc.family == "apt" and pc.action == "update" and not pc.simulates


def _apk_fills(ctx: LintContext, ins: Instruction, command: ShellCommand) -> bool:
    if command.program != "apk":
        return False
    options = _options(command)
    if _has_option(options, "--no-cache", "--root", "-p", "--cache-dir"):
        return False
    sub = _subword(command)
    if sub is None:
        return False
    if sub.value == "update":
        return True
    return sub.value in ("add", "upgrade", "fix") and (
        _has_option(options, "--update", "--update-cache") or _has_short(options, "U")
    )


_RPM_FILLING = frozenset({"install", "groupinstall", "reinstall", "upgrade", "makecache", "distro-sync", "downgrade", "group", "groups", "module", "builddep", "swap", "upgrade-minimal", "check-update", "groupupdate"})  # fmt: skip


def _rpm_fills_with(
    programs: tuple[str, ...],
) -> Callable[[LintContext, Instruction, ShellCommand], bool]:
    def fills(ctx: LintContext, ins: Instruction, command: ShellCommand) -> bool:
        if command.program not in programs:
            return False
        options = _options(command)
        if _has_option(options, "--installroot", "--cacheonly", "--cachedir") or _has_short(
            options, "C"
        ):
            return False
        pc = invocation(command)
        return pc is not None and pc.action in _RPM_FILLING

    return fills


_ZYPPER_FILLING = frozenset({"install", "update", "dist-upgrade", "patch", "source-install", "refresh", "install-new-recommends"})  # fmt: skip


def _zypper_fills(ctx: LintContext, ins: Instruction, command: ShellCommand) -> bool:
    if command.program != "zypper":
        return False
    pc = invocation(command)
    if pc is None or pc.action not in _ZYPPER_FILLING:
        return False
    return not pc.has("--root", "-R", "--cache-dir", "-C", "--installroot", before=True)


def _env_declared(ctx: LintContext, ins: Instruction, *names: str) -> bool:
    env = ctx.env_at(ins)
    return any(name in env for name in names)


def _pip_install(command: ShellCommand) -> bool:
    if command.program in ("pip", "pip3"):
        args = command.arguments
        return bool(args) and args[0].value == "install"
    if command.program is not None and _PYTHON.fullmatch(command.program):
        return [w.value for w in command.arguments[:3]] == ["-m", "pip", "install"]
    return False


_PYTHON = re.compile(r"python[0-9.]*")


def _pip_fills(ctx: LintContext, ins: Instruction, command: ShellCommand) -> bool:
    if not _pip_install(command):
        return False
    if _has_option(_options(command), "--no-cache-dir", "--cache-dir"):
        return False
    return not _env_declared(ctx, ins, "PIP_NO_CACHE_DIR", "PIP_CACHE_DIR", "XDG_CACHE_HOME")


def _npm_fills(ctx: LintContext, ins: Instruction, command: ShellCommand) -> bool:
    if command.program != "npm":
        return False
    args = [w.value for w in command.arguments if not w.value.startswith("-")]
    if not args or args[0] not in ("install", "i", "ci", "add", "update", "install-ci-test"):
        return False
    if _has_option(_options(command), "--cache"):
        return False
    return not _env_declared(ctx, ins, "npm_config_cache", "NPM_CONFIG_CACHE")


def _yarn_fills(ctx: LintContext, ins: Instruction, command: ShellCommand) -> bool:
    if command.program != "yarn":
        return False
    args = [w.value for w in command.arguments if not w.value.startswith("-")]
    if args and not (args[0] in ("install", "add") or args[:2] == ["global", "add"]):
        return False
    if _has_option(_options(command), "--cache-folder"):
        return False
    return not _env_declared(ctx, ins, "YARN_CACHE_FOLDER", "YARN_GLOBAL_FOLDER")


def _args(command: ShellCommand) -> list[str]:
    return [w.value for w in command.arguments]


def _rpm_clean(command: ShellCommand) -> bool:
    if command.program not in _RPM:
        return False
    words = [w.value for w in _words(command)]
    return bool(words) and words[0] == "clean" and bool({"all", "metadata"} & set(words[1:]))


def _zypper_clean(command: ShellCommand) -> bool:
    pc = invocation(command) if command.program == "zypper" else None
    return pc is not None and pc.action == "clean"


def _apk_clean(command: ShellCommand) -> bool:
    sub = _subword(command) if command.program == "apk" else None
    if sub is None or sub.value != "cache":
        return False
    words = [w.value for w in _words(command)]
    return len(words) > 1 and words[1] in ("clean", "purge")


def _pip_clean(command: ShellCommand) -> bool:
    if command.program in ("pip", "pip3"):
        args = _args(command)
    elif command.program is not None and _PYTHON.fullmatch(command.program):
        args = _args(command)
        args = args[2:] if args[:2] == ["-m", "pip"] else []
    else:
        return False
    return args[:2] in (["cache", "purge"], ["cache", "remove"])


def _npm_clean(command: ShellCommand) -> bool:
    if command.program != "npm":
        return False
    args = [a for a in _args(command) if not a.startswith("-")]
    return args[:1] == ["cache"] and args[1:2] in (["clean"], ["clear"], ["rm"])


def _yarn_clean(command: ShellCommand) -> bool:
    if command.program != "yarn":
        return False
    args = [a for a in _args(command) if not a.startswith("-")]
    return args[:2] == ["cache", "clean"]


def _apt_dist_clean(command: ShellCommand) -> bool:
    """``apt-get dist-clean`` (apt 2.7+) removes the package lists with the caches."""
    if command.program not in ("apt-get", "apt"):
        return False
    pc = invocation(command)
    return pc is not None and pc.action == "dist-clean"


_CACHES = (
    _Cache("apt", "the apt package lists (/var/lib/apt/lists)", ("/var/lib/apt/lists",),
           _APT + ("apt-cache", "add-apt-repository"), _apt_fills, _apt_dist_clean),
    _Cache("apk", "the apk package index (/var/cache/apk)", ("/var/cache/apk",),
           ("apk",), _apk_fills, _apk_clean),
    _Cache("rpm", "the yum/dnf cache (/var/cache/yum, /var/cache/dnf)",
           ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/tdnf"),
           _RPM, _rpm_fills_with(_RPM), _rpm_clean),
    _Cache("zypper", "the zypper cache (/var/cache/zypp)", ("/var/cache/zypp",),
           ("zypper",), _zypper_fills, _zypper_clean),
    _Cache("pip", "pip's download cache (~/.cache/pip)", ("~/.cache/pip",),
           ("pip", "pip3"), _pip_fills, _pip_clean),
    _Cache("npm", "npm's cache (~/.npm)", ("~/.npm",), ("npm", "npx"), _npm_fills, _npm_clean),
    _Cache("yarn", "yarn's cache",
           ("/usr/local/share/.cache/yarn", "~/.cache/yarn", "~/.yarn/berry/cache"),
           ("yarn",), _yarn_fills, _yarn_clean),
)  # fmt: skip
_CACHE = {cache.key: cache for cache in _CACHES}
# Programs any cache's ``fills`` or ``empties`` recognises (and python*, see _PYTHON).
_CACHE_PROGRAMS = frozenset({*_APT, "apk", *_RPM, "zypper", "pip", "pip3", "npm", "yarn"})


def _may_touch_caches(command: ShellCommand) -> bool:
    program = command.program
    return program is not None and (program in _CACHE_PROGRAMS or bool(_PYTHON.match(program)))


_rm_paths = rm_paths
_covers = covers


def _empties(ctx: LintContext, ins: Instruction, command: ShellCommand) -> set[str]:
    """Keys of the caches a command empties."""
    key = ("empties", id(command))
    cached = ctx.memo.get(key)
    if cached is None:
        cached = ctx.memo[key] = _compute_empties(ctx, ins, command)
    return cached  # type: ignore[return-value]


def _compute_empties(ctx: LintContext, ins: Instruction, command: ShellCommand) -> set[str]:
    found = (
        {cache.key for cache in _CACHES if cache.empties(command)}
        if _may_touch_caches(command)
        else set()
    )
    paths = [p for p in _rm_paths(ctx, ins, command) if p is not None]
    if paths:
        home = ctx.home_of(ins)
        for cache in _CACHES:
            if any(_covers(p, d) for p in paths for d in cache.paths(home)):
                found.add(cache.key)
    return found


def _fills(ctx: LintContext, ins: Instruction, command: ShellCommand) -> set[str]:
    if not _may_touch_caches(command):
        return set()
    return {cache.key for cache in _CACHES if cache.fills(ctx, ins, command)}


def _left_behind(ctx: LintContext, ins: Instruction) -> dict[str, ShellCommand]:
    """Caches a RUN writes and leaves in its layer, with the command that wrote them."""
    key = ("left_behind", id(ins))
    cached = ctx.memo.get(key)
    if cached is None:
        cached = ctx.memo[key] = _compute_left_behind(ctx, ins)
    return cached  # type: ignore[return-value]


def _compute_left_behind(ctx: LintContext, ins: Instruction) -> dict[str, ShellCommand]:
    commands = ctx.commands(ins)
    home = ctx.home_of(ins)
    left: dict[str, ShellCommand] = {}
    candidates = [c for c in commands if _may_touch_caches(c)]
    for cache in _CACHES:
        fillers = [c for c in candidates if cache.fills(ctx, ins, c)]
        if not fillers or ctx.mounted(ins, cache.paths(home)):
            continue
        last = fillers[-1].span.start
        cleaned = [
            c.span.start
            for c in commands
            if c.span.start < last and cache.key in _empties(ctx, ins, c)
        ]
        after = [c for c in commands if c.span.start > last and cache.key in _empties(ctx, ins, c)]
        if after:
            continue
        floor = max(cleaned, default=-1)
        left[cache.key] = next(c for c in fillers if c.span.start > floor)
    return left


def _cleaned_after(ctx: LintContext, ins: Instruction, command: ShellCommand, key: str) -> bool:
    return any(
        c.span.start > command.span.start and key in _empties(ctx, ins, c)
        for c in ctx.commands(ins)
    )


# -- LW606 cleanup-in-later-layer -----------------------------------------------------

_CLEANING_PROGRAMS = frozenset({*_RPM, "zypper", "apk", "pip", "pip3", "npm", "yarn"})
_PURE_CLEANERS = (_rpm_clean, _zypper_clean, _apk_clean, _pip_clean, _npm_clean, _yarn_clean)


def _is_cleanup(ctx: LintContext, ins: Instruction, command: ShellCommand) -> bool:
    """A command that only deletes files or caches (what may move to another RUN)."""
    if command.redirects:
        return False
    if command.program == "rm":
        paths = _rm_paths(ctx, ins, command)
        return bool(paths) and all(p is not None for p in paths)
    if command.program in ("apt-get", "apt"):
        sub = apt_subcommand(command)
        return sub is not None and sub.value in ("clean", "autoclean", "dist-clean")
    program = command.program or ""
    if program not in _CLEANING_PROGRAMS and not program.startswith("python"):
        return False
    return any(cleaner(command) for cleaner in _PURE_CLEANERS)


_NEUTRAL = frozenset({"ENV", "ARG", "LABEL", "EXPOSE", "WORKDIR", "CMD", "ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "MAINTAINER"})  # fmt: skip


def _move_fix(
    ctx: LintContext,
    stage: Stage,
    source: Instruction,
    target: Instruction,
    keys: set[str],
) -> Fix | None:
    """Move the cleanup RUN ``source`` to the end of ``target`` and delete it."""
    if source.heredocs or source.is_exec_form or source.shell is None or source.shell.error:
        return None
    if source.shell.comments or not and_chain_only(source.shell):
        return None
    if flags_key(source) != flags_key(target) or not stage_shell_is_posix(ctx, target):
        return None
    if not all(_is_cleanup(ctx, source, c) for c in ctx.commands(source)):
        return None
    body = ctx.text[source.args_span.start : source.args_span.end]
    if "$" in body or "`" in body or "~" in body:
        return None  # expansions could differ where the commands move to
    if ctx.home_of(source) != ctx.home_of(target):
        return None
    managers = {m for key in keys for m in _CACHE[key].managers}
    safe = True
    for other in stage.instructions:
        if not target.span.start < other.span.start < source.span.start:
            continue
        if other.keyword == "SHELL":
            return None
        if other.keyword == "RUN" and ctx.commands(other, *managers):
            return None  # it needs what the cleanup would now remove before it
        if other.keyword not in _NEUTRAL:
            safe = False
    append = append_to_run(ctx, target, body)
    if append is None:
        return None
    return Fix(
        f"Move the cleanup into the RUN on line {line_number(ctx, target.span.start)}",
        (append, delete_instruction(ctx, source)),
        safe=safe,
    )


def _leaving_run(
    ctx: LintContext, stage: Stage, ins: Instruction, key: str
) -> tuple[Instruction, ShellCommand] | None:
    """The nearest earlier RUN (this stage, then the stages it builds on) leaving ``key``."""
    for member in ctx.stage_chain(stage):
        for other in reversed(member.instructions):
            if other.keyword != "RUN" or other.span.start >= ins.span.start:
                continue
            left = _left_behind(ctx, other).get(key)
            if left is not None:
                return other, left
    return None


def _cleanup_in_later_layer(ctx: LintContext) -> Iterator[Violation]:
    for stage, ins in _shipped_runs(ctx):
        commands = ctx.commands(ins)
        cleanups = [c for c in commands if c.program == "rm" or _is_cleanup(ctx, ins, c)]
        if not cleanups:
            continue
        filled_here = set().union(*(_fills(ctx, ins, c) for c in commands))
        reports: list[tuple[ShellCommand, list[tuple[str, Instruction, ShellCommand]]]] = []
        for command in cleanups:
            found = []
            for key in sorted(_empties(ctx, ins, command) - filled_here):
                leaving = _leaving_run(ctx, stage, ins, key)
                if leaving is not None:
                    found.append((key, *leaving))
            if found:
                reports.append((command, found))
        if not reports:
            continue
        targets = {id(run) for _, found in reports for _, run, _ in found}
        fix = None
        first_target = reports[0][1][0][1]
        if len(targets) == 1 and first_target in stage.instructions:
            keys = {key for _, found in reports for key, _, _ in found}
            fix = _move_fix(ctx, stage, ins, first_target, keys)
        for command, found in reports:
            whats = " and ".join(dict.fromkeys(_CACHE[key].what for key, _, _ in found))
            lines = ", ".join(
                dict.fromkeys(str(line_number(ctx, run.span.start)) for _, run, _ in found)
            )
            yield Violation(
                command.span,
                f"Too late to shrink the image: the RUN on line {lines} already stored "
                f"{whats} in its layer, and deleting files later only hides them; clean up "
                "in the RUN that creates them",
                fix,
                tuple(
                    Related(writer.span, f"writes {_CACHE[key].what} into this layer")
                    for key, _, writer in found
                ),
            )


# -- LW607 apt-instead-of-apt-get -----------------------------------------------------

# apt subcommand -> the apt-get one that does the same.
_APT_TO_APT_GET = {
    "update": "update", "install": "install", "remove": "remove", "purge": "purge",
    "autoremove": "autoremove", "clean": "clean", "autoclean": "autoclean",
    "build-dep": "build-dep", "source": "source", "download": "download",
    "changelog": "changelog", "satisfy": "satisfy", "upgrade": "upgrade",
    "full-upgrade": "dist-upgrade", "dist-upgrade": "dist-upgrade",
}  # fmt: skip
# Subcommands that download packages: apt deletes the .debs afterwards, apt-get keeps them.
_APT_DOWNLOADING = frozenset({"install", "build-dep", "satisfy", "upgrade", "full-upgrade", "dist-upgrade"})  # fmt: skip
_APT_QUERIES = {
    "search": "apt-cache search", "show": "apt-cache show", "policy": "apt-cache policy",
    "depends": "apt-cache depends", "rdepends": "apt-cache rdepends",
    "showsrc": "apt-cache showsrc", "list": "dpkg-query -W",
}  # fmt: skip


def _debs_removed(ctx: LintContext, stage: Stage, ins: Instruction) -> bool:
    """Downloaded .debs do not stay: official Debian/Ubuntu-based image, or cleaned here."""
    image = ctx.info(stage).image
    if image is not None and image.is_official:
        return True  # their /etc/apt/apt.conf.d/docker-clean deletes them
    if ctx.mounted(ins, ("/var/cache/apt/archives",)):
        return True
    for command in ctx.commands(ins):
        if command.program in ("apt-get", "apt"):
            sub = apt_subcommand(command)
            if sub is not None and sub.value == "clean":
                return True
        if any(
            p is not None and _covers(p, "/var/cache/apt/archives")
            for p in _rm_paths(ctx, ins, command)
        ):
            return True
    return False


# Configuration only the apt binary reads: a RUN (or an earlier one) that writes it uses
# apt on purpose, and apt-get would ignore it.
_APT_BINARY_CONFIG = re.compile(r"Binary::apt::")


def _apt_on_purpose(ctx: LintContext, ins: Instruction) -> bool:
    text = ctx.text[ins.span.start : ins.span.end]
    return bool(_APT_BINARY_CONFIG.search(text)) or config_before(ctx, ins, _APT_BINARY_CONFIG)


def _apt_not_apt_get(ctx: LintContext) -> Iterator[Violation]:
    for stage, ins in _all_runs(ctx):
        if ctx.commands(ins, "apt") and _apt_on_purpose(ctx, ins):
            continue
        for command in ctx.commands(ins, "apt"):
            assert command.program_at is not None
            program = command.words[command.program_at]
            sub = apt_subcommand(command)
            name = sub.value if sub is not None else None
            if name in _APT_QUERIES:
                yield Violation(
                    program.span,
                    f"'apt {name}' is meant for people at a terminal and its output format may "
                    f"change; in a build use {_APT_QUERIES[name]}",
                )
                continue
            fix = None
            replacement = _APT_TO_APT_GET.get(name or "")
            if sub is not None and replacement is not None and program.raw == program.value:
                edits = [Edit(program.span.end, program.span.end, "-get")]
                if replacement != name:
                    edits.append(Edit(sub.span.start, sub.span.end, replacement))
                # apt upgrade also installs new dependencies, apt-get upgrade holds those
                # packages back; and apt-get keeps downloaded .debs where apt deletes them.
                safe = name != "upgrade" and (
                    name not in _APT_DOWNLOADING or _debs_removed(ctx, stage, ins)
                )
                fix = Fix(f"Use apt-get {replacement}", tuple(edits), safe=safe)
            yield Violation(
                program.span,
                "apt is the interactive front end and warns that its command line is not "
                "stable for scripts; use apt-get in a Dockerfile",
                fix,
            )


# -- LW608 distribution-upgrade -------------------------------------------------------

# What upgrades every installed package, by family (actions, aliases resolved).
_UPGRADES = {
    "apt": frozenset({"upgrade", "dist-upgrade"}),
    "apk": frozenset({"upgrade"}),
    "dnf": frozenset({"upgrade", "distro-sync", "upgrade-minimal"}),
    "zypper": frozenset({"update", "patch"}),
}
# What may share the upgrade's RUN while the layer still holds only the upgrade: index
# refreshes and cleanups.
_UPGRADE_COMPANIONS = frozenset({"update", "makecache", "refresh", "clean", "autoclean", "dist-clean", "autoremove", "check-update", "cache"})  # fmt: skip
# A comment that gives the reason for the upgrade (security fixes): a deliberate choice,
# not an oversight. A comment that only says what the command does ("# upgrade
# packages") gives no reason and does not count.
_UPGRADE_REASON = re.compile(r"securit|\bcves?\b|\bcve-|\bpatch|vulnerab", re.I)


def _upgrade(pc: PackageCommand) -> bool:
    """An in-place upgrade of every installed package."""
    if pc.action not in _UPGRADES[pc.family] or pc.simulates:
        return False
    # apt-get upgrade upgrades everything whatever it is given; the others only what
    # they name (and xargs may name packages this file does not show).
    return pc.family == "apt" or pc.names_no_packages


def _upgrade_alone(ctx: LintContext, ins: Instruction) -> bool:
    """The RUN does nothing but the upgrade, index refreshes and cleanups."""
    for command in ctx.commands(ins):
        if command.program in ("rm", "true", ":") or _is_cleanup(ctx, ins, command):
            continue
        pc = invocation(command)
        if pc is None or not (_upgrade(pc) or pc.action in _UPGRADE_COMPANIONS):
            return False
    return True


def _upgrade_explained(ctx: LintContext, ins: Instruction, pc: PackageCommand) -> bool:
    """A comment says why the RUN upgrades: directly above the RUN, or inside it between
    the previous command and this one."""
    if any(_UPGRADE_REASON.search(c.text) for c in ins.comments):
        return True
    start = pc.command.span.start
    floor = max(
        (c.span.end for c in ctx.commands(ins) if c.span.end <= start), default=ins.span.start
    )
    inside = [
        ctx.text[span.start : span.end]
        for span in (ins.shell.comments if ins.shell is not None else ())
        if floor <= span.start < start
    ]
    inside += [
        c.text for c in ctx.doc.comments if c.in_continuation and floor <= c.span.start < start
    ]
    return any(_UPGRADE_REASON.search(text) for text in inside)


def _from_program(command: ShellCommand, end: Token) -> Span:
    assert command.program_at is not None
    return Span(command.words[command.program_at].span.start, end.span.end)


def _distribution_upgrade(ctx: LintContext) -> Iterator[Violation]:
    for _, ins in _shipped_runs(ctx):
        upgrades = [pc for pc in package_commands(ctx, ins) if _upgrade(pc)]
        if not upgrades:
            continue
        where = "in a layer of its own" if _upgrade_alone(ctx, ins) else "in this RUN's layer"
        for pc in upgrades:
            if _upgrade_explained(ctx, ins, pc):
                continue
            assert pc.sub is not None
            yield Violation(
                _from_program(pc.command, pc.sub),
                f"'{pc.program} {pc.name}' upgrades the base image's packages {where}: the "
                "result depends on the day of the build and every upgraded file is stored "
                "twice; use an up-to-date base image tag instead",
            )


# -- version pins (off by default) ------------------------------------------------------


def _package_words(
    ctx: LintContext, ins: Instruction, words: Iterable[Token]
) -> Iterator[tuple[Token, str]]:
    """Package arguments with their values; skips anything computed or a glob."""
    for word in words:
        value = word.value
        if "$(" in value or "`" in value or any(ch in value for ch in "*?["):
            continue
        resolved = ctx.resolve(ins, value) if "$" in value else value
        if resolved is None:
            continue
        for part in resolved.split():
            yield word, part


def _after(words: list[Token], sub: Token) -> list[Token]:
    return [w for w in words if w.span.start > sub.span.start]


def _apt_packages(ctx: LintContext, ins: Instruction) -> Iterator[tuple[Token, str]]:
    for command in ctx.commands(ins, "apt-get", "apt"):
        sub = apt_subcommand(command)
        if sub is not None and sub.value == "install":
            yield from _package_words(ctx, ins, _after(_words(command), sub))


def _apt_pinned(package: str) -> bool:
    return "=" in package or "/" in package or package.endswith(".deb")


def _pin_example(form: str, listing: str) -> Callable[[list[str]], str]:
    """The pin for these very packages (``form`` with ``{name}``); the version is the
    user's to choose, and ``listing`` (with ``{names}``) is how to see the versions."""

    def example(names: list[str]) -> str:
        pins = ", ".join(f"'{form.format(name=name)}'" for name in names)
        return f"{pins}; '{listing.format(names=' '.join(names))}' in the base image lists them"

    return example


_apt_pin_example = _pin_example("{name}=<version>", "apt-cache policy {names}")


def _apk_packages(ctx: LintContext, ins: Instruction) -> Iterator[tuple[Token, str]]:
    for command in ctx.commands(ins, "apk"):
        words = _words(command)
        if words and words[0].value == "add":
            yield from _package_words(ctx, ins, words[1:])


def _apk_pinned(package: str) -> bool:
    return any(ch in package for ch in "=~<>") or package.endswith(".apk") or "/" in package


_RPM_VERSION = re.compile(r"[0-9][0-9A-Za-z.~^_:+]*")


def _rpm_pinned(package: str) -> bool:
    if package.endswith(".rpm") or "/" in package or "(" in package or package.startswith("@"):
        return True  # files, URLs, capabilities and groups: nothing to pin here
    if any(ch in package for ch in "=<>"):
        return True
    name, dash, version = package.rpartition("-")
    return bool(dash and name and _RPM_VERSION.fullmatch(version))


def _rpm_packages(
    ctx: LintContext, ins: Instruction, programs: tuple[str, ...]
) -> Iterator[tuple[Token, str]]:
    for command in ctx.commands(ins, *programs):
        pc = invocation(command)
        words = _words(command)
        if pc is None or not words:
            continue
        if pc.action in ("install", "reinstall"):
            yield from _package_words(ctx, ins, words[1:])
        elif words[0].value == "module" and len(words) > 1 and words[1].value == "install":
            for word, value in _package_words(ctx, ins, words[2:]):
                if ":" not in value:  # module:stream pins the stream
                    yield word, value


def _zypper_packages(ctx: LintContext, ins: Instruction) -> Iterator[tuple[Token, str]]:
    for command in ctx.commands(ins, "zypper"):
        words = _words(command)
        if not words or words[0].value not in ("install", "in"):
            continue
        pc = invocation(command)
        if pc is not None and any(t != "package" for t in pc.values("-t", "--type")):
            continue  # patterns, patches, products: not versioned packages
        yield from _package_words(ctx, ins, words[1:])


def _zypper_pinned(package: str) -> bool:
    return any(ch in package for ch in "=<>") or _rpm_pinned(package)


def _pins(
    packages: Callable[[LintContext, Instruction], Iterator[tuple[Token, str]]],
    pinned: Callable[[str], bool],
    example: Callable[[list[str]], str],
) -> Callable[[LintContext], Iterator[Violation]]:
    def check(ctx: LintContext) -> Iterator[Violation]:
        for _, ins in _all_runs(ctx):
            # A variable can hold several packages: one finding per word.
            unpinned: dict[int, tuple[Token, list[str]]] = {}
            for word, package in packages(ctx, ins):
                if not pinned(package):
                    unpinned.setdefault(id(word), (word, []))[1].append(package)
            for word, names in unpinned.values():
                listed = ", ".join(f"'{name}'" for name in names)
                verb, it = ("has", "it") if len(names) == 1 else ("have", "them")
                pin = example(names)
                yield Violation(
                    word.span,
                    f"{listed} {verb} no version: each build installs whatever the mirror "
                    f"serves that day; pin {it} ({pin}) if the image must be reproducible",
                )

    return check


# -- LW610 apk-no-cache ----------------------------------------------------------------


def _apk_no_cache(ctx: LintContext) -> Iterator[Violation]:
    for _, ins in _shipped_runs(ctx):
        if ctx.mounted(ins, ("/var/cache/apk", "/etc/apk/cache")):
            continue
        update_reported = False
        for command in ctx.commands(ins, "apk"):
            options = _options(command)
            sub = _subword(command)
            if sub is None or sub.value not in ("add", "update"):
                continue
            if update_reported and sub.value == "add":
                continue  # one problem: the update's finding says to use 'apk add --no-cache'
            if _has_option(options, "--no-cache", "--no-network", "--root", "-p", "--cache-dir"):
                continue  # --no-network: only installed or local packages, no index
            if _cleaned_after(ctx, ins, command, "apk"):
                continue
            packages = _words(command)[1:]
            if packages and all(w.value.endswith(".apk") for w in packages):
                continue  # local package files need no index
            if sub.value == "update":
                update_reported = True
                yield Violation(
                    _from_program(command, sub),
                    "apk update stores the package index in /var/cache/apk and this layer "
                    "keeps it; drop it and use 'apk add --no-cache', which fetches a fresh "
                    "index without storing it",
                )
                continue
            later_needs_index = any(
                _apk_relies_on_index(ctx, other) for other in _later_runs(ctx, ins)
            )
            updates = _has_option(options, "--update", "--update-cache") or _has_short(options, "U")
            # --no-cache fetches a fresh index itself: it replaces --update rather than joins it.
            update_word = next(
                (w for w in command.arguments if w.value in ("--update", "--update-cache", "-U")),
                None,
            )
            edit = (
                Edit(update_word.span.start, update_word.span.end, "--no-cache")
                if update_word is not None and update_word.raw == update_word.value
                else insert_after(sub, " --no-cache")
            )
            yield Violation(
                _from_program(command, sub),
                "apk add without --no-cache keeps the package index in /var/cache/apk (or "
                "relies on a stale one from an earlier layer); add --no-cache",
                Fix(
                    "Use --no-cache",
                    (edit,),
                    # A later plain 'apk add' may rely on the index this one saves.
                    safe=not (updates and later_needs_index),
                ),
            )


def _apk_relies_on_index(ctx: LintContext, ins: Instruction) -> bool:
    commands = ctx.commands(ins, "apk")
    if any((s := _subword(c)) is not None and s.value == "update" for c in commands):
        return False
    for command in commands:
        sub = _subword(command)
        options = _options(command)
        if sub is None or sub.value not in ("add", "upgrade"):
            continue
        if not _has_option(options, "--no-cache", "--update", "--update-cache") and not _has_short(
            options, "U"
        ):
            return True
    return False


# -- yum / dnf / microdnf / tdnf ------------------------------------------------------

_RPM_PROMPTING = frozenset({"install", "groupinstall", "reinstall", "upgrade", "upgrade-minimal", "remove", "autoremove", "downgrade", "distro-sync", "group", "groups", "module", "swap", "builddep", "groupremove", "groupupdate"})  # fmt: skip
_ASSUMEYES_CONFIG = re.compile(r"assumeyes\s*=\s*(?:1|true|yes)", re.I)


def _rpm_missing_yes(programs: tuple[str, ...]) -> Callable[[LintContext], Iterator[Violation]]:
    def check(ctx: LintContext) -> Iterator[Violation]:
        for _, ins in _all_runs(ctx):
            for pc in package_commands(ctx, ins, *programs):
                if pc.action not in _RPM_PROMPTING or pc.assumes_yes:
                    continue
                if config_before(ctx, ins, _ASSUMEYES_CONFIG):
                    continue
                assert pc.sub is not None
                sub = pc.sub
                if pc.action in ("group", "groups", "module") and pc.args:
                    sub = pc.args[0]
                    if sub.value in ("list", "info", "summary", "provides"):
                        continue
                yield Violation(
                    _from_program(pc.command, sub),
                    f"'{pc.program} {pc.sub.value}' without -y asks for a confirmation "
                    "the build cannot give, and the RUN fails",
                    Fix("Add -y", (insert_after(sub, " -y"),)),
                )

    return check


def _cache_not_cleaned(
    key: str,
    programs: tuple[str, ...],
    clean: Callable[[ShellCommand], str],
    message: Callable[[ShellCommand], str],
) -> Callable[[LintContext], Iterator[Violation]]:
    cache = _CACHE[key]

    def check(ctx: LintContext) -> Iterator[Violation]:
        for _, ins in _shipped_runs(ctx):
            writer = _left_behind(ctx, ins).get(key)
            if writer is None or writer.program not in programs:
                continue
            # A later RUN that insists on the cached metadata would fail after either fix.
            cache_only = any(
                _has_option(_options(c), "--cacheonly", "--no-refresh")
                or (c.program in _RPM and _has_short(_options(c), "C"))
                for other in _later_runs(ctx, ins)
                for c in ctx.commands(other, *cache.managers)
            )
            fix = None
            edit = (
                append_to_run(ctx, ins, clean(writer)) if stage_shell_is_posix(ctx, ins) else None
            )
            if edit is not None:
                fix = Fix(f"Append {clean(writer)}", (edit,), safe=not cache_only)
            yield Violation(
                writer.span,
                message(writer),
                fix,
                alternatives=cache_mount_alternative(
                    ctx, ins, _MOUNT_TARGETS.get(writer.program or "", ()), safe=not cache_only
                ),
            )

    return check


# Where each manager keeps what ``clean all`` removes, for the cache-mount alternative.
# yum is dnf on current distributions (/var/cache/dnf), the old yum elsewhere.
_MOUNT_TARGETS = {
    "yum": ("/var/cache/yum", "/var/cache/dnf"),
    "dnf": ("/var/cache/dnf",),
    "dnf5": ("/var/cache/libdnf5",),
    "microdnf": ("/var/cache/yum",),
    "tdnf": ("/var/cache/tdnf",),
    "zypper": ("/var/cache/zypp",),
}


def _rpm_clean_command(command: ShellCommand) -> str:
    return f"{command.program} clean all"


def _rpm_message(command: ShellCommand) -> str:
    return (
        f"{command.program} leaves its metadata and package cache under /var/cache in this "
        f"layer; end the RUN with '{command.program} clean all'"
    )


def _zypper_message(command: ShellCommand) -> str:
    return (
        "zypper leaves its repository metadata and package cache in /var/cache/zypp in this "
        "layer; end the RUN with 'zypper clean --all'"
    )


# -- zypper ---------------------------------------------------------------------------

_ZYPPER_PROMPTING = frozenset({"install", "remove", "update", "dist-upgrade", "patch", "source-install", "install-new-recommends"})  # fmt: skip


def _zypper_missing_yes(ctx: LintContext) -> Iterator[Violation]:
    for _, ins in _all_runs(ctx):
        for pc in package_commands(ctx, ins, "zypper"):
            if pc.action not in _ZYPPER_PROMPTING or pc.assumes_yes or pc.simulates:
                continue
            assert pc.sub is not None and pc.command.program_at is not None
            program = pc.command.words[pc.command.program_at]
            yield Violation(
                _from_program(pc.command, pc.sub),
                f"'zypper {pc.sub.value}' without --non-interactive waits for an answer the "
                "build cannot give, and the RUN fails",
                Fix("Add --non-interactive", (insert_after(program, " --non-interactive"),)),
            )


def _zypper_dist_upgrade(ctx: LintContext) -> Iterator[Violation]:
    for _, ins in _all_runs(ctx):
        for pc in package_commands(ctx, ins, "zypper"):
            if pc.action != "dist-upgrade" or pc.simulates:
                continue
            assert pc.sub is not None
            yield Violation(
                _from_program(pc.command, pc.sub),
                f"'zypper {pc.sub.value}' may move the image to another distribution release "
                "at build time; use a base image of the release you want instead",
            )


RULES = (
    Rule(
        code="LW606",
        name="cleanup-in-later-layer",
        summary="Package cache cleaned in a later RUN than the one that created it",
        severity=Severity.WARNING,
        category="layers",
        check=_cleanup_in_later_layer,
        fixable=True,
        fix_safety=FixSafety.SOMETIMES,
    ),
    Rule(
        code="LW607",
        name="apt-instead-of-apt-get",
        summary="apt used in a build instead of apt-get",
        severity=Severity.WARNING,
        category="layers",
        check=_apt_not_apt_get,
        aliases=("DL3027",),
        fixable=True,
        fix_safety=FixSafety.SOMETIMES,
    ),
    Rule(
        code="LW608",
        name="distribution-upgrade",
        summary="Upgrade of all installed packages instead of a newer base image",
        severity=Severity.INFO,
        category="layers",
        check=_distribution_upgrade,
    ),
    Rule(
        code="LW609",
        name="apt-unpinned",
        summary="apt-get install of a package without a version",
        severity=Severity.INFO,
        category="layers",
        check=_pins(_apt_packages, _apt_pinned, _apt_pin_example),
        aliases=("DL3008",),
        default_enabled=False,
    ),
    Rule(
        code="LW610",
        name="apk-missing-no-cache",
        summary="apk add without --no-cache",
        severity=Severity.WARNING,
        category="layers",
        check=_apk_no_cache,
        aliases=("DL3019",),
        fixable=True,
        fix_safety=FixSafety.SOMETIMES,
    ),
    Rule(
        code="LW611",
        name="apk-unpinned",
        summary="apk add of a package without a version",
        severity=Severity.INFO,
        category="layers",
        check=_pins(
            _apk_packages, _apk_pinned, _pin_example("{name}=<version>", "apk policy {names}")
        ),
        aliases=("DL3018",),
        default_enabled=False,
    ),
    Rule(
        code="LW612",
        name="yum-missing-yes",
        summary="yum install without -y",
        severity=Severity.WARNING,
        category="layers",
        check=_rpm_missing_yes(("yum",)),
        aliases=("DL3030",),
        fixable=True,
    ),
    Rule(
        code="LW613",
        name="yum-cache-not-cleaned",
        summary="yum install without yum clean all in the same RUN",
        severity=Severity.WARNING,
        category="layers",
        check=_cache_not_cleaned("rpm", ("yum",), _rpm_clean_command, _rpm_message),
        aliases=("DL3032",),
        fixable=True,
    ),
    Rule(
        code="LW614",
        name="yum-unpinned",
        summary="yum install of a package without a version",
        severity=Severity.INFO,
        category="layers",
        check=_pins(
            lambda ctx, ins: _rpm_packages(ctx, ins, ("yum",)),
            _rpm_pinned,
            _pin_example("{name}-<version>", "yum list --showduplicates {names}"),
        ),
        aliases=("DL3033",),
        default_enabled=False,
    ),
    Rule(
        code="LW615",
        name="dnf-missing-yes",
        summary="dnf, microdnf or tdnf install without -y",
        severity=Severity.WARNING,
        category="layers",
        check=_rpm_missing_yes(_DNF),
        aliases=("DL3038",),
        fixable=True,
    ),
    Rule(
        code="LW616",
        name="dnf-cache-not-cleaned",
        summary="dnf, microdnf or tdnf install without clean all in the same RUN",
        severity=Severity.WARNING,
        category="layers",
        check=_cache_not_cleaned("rpm", _DNF, _rpm_clean_command, _rpm_message),
        aliases=("DL3040",),
        fixable=True,
    ),
    Rule(
        code="LW617",
        name="dnf-unpinned",
        summary="dnf, microdnf or tdnf install of a package without a version",
        severity=Severity.INFO,
        category="layers",
        check=_pins(
            lambda ctx, ins: _rpm_packages(ctx, ins, _DNF),
            _rpm_pinned,
            _pin_example("{name}-<version>", "dnf list --showduplicates {names}"),
        ),
        aliases=("DL3041",),
        default_enabled=False,
    ),
    Rule(
        code="LW618",
        name="zypper-missing-non-interactive",
        summary="zypper install without --non-interactive",
        severity=Severity.WARNING,
        category="layers",
        check=_zypper_missing_yes,
        aliases=("DL3034",),
        fixable=True,
    ),
    Rule(
        code="LW619",
        name="zypper-cache-not-cleaned",
        summary="zypper install without zypper clean in the same RUN",
        severity=Severity.WARNING,
        category="layers",
        check=_cache_not_cleaned(
            "zypper", ("zypper",), lambda command: "zypper clean --all", _zypper_message
        ),
        aliases=("DL3036",),
        fixable=True,
    ),
    Rule(
        code="LW620",
        name="zypper-dist-upgrade",
        summary="zypper dist-upgrade in a build",
        severity=Severity.INFO,
        category="layers",
        check=_zypper_dist_upgrade,
        aliases=("DL3035",),
    ),
    Rule(
        code="LW621",
        name="zypper-unpinned",
        summary="zypper install of a package without a version",
        severity=Severity.INFO,
        category="layers",
        check=_pins(
            _zypper_packages,
            _zypper_pinned,
            _pin_example("{name}=<version>", "zypper search -s {names}"),
        ),
        aliases=("DL3037",),
        default_enabled=False,
    ),
)
