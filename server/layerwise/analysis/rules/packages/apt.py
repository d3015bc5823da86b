"""LW602-LW605: the apt-get basics (PRACTICES F).

apt-get update in a RUN that installs nothing (LW602), install without -y (LW603) or
without --no-install-recommends (LW604), package lists left in the layer (LW605). The
other apt rules sit with the other system package managers in ``system.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ....syntax.model import Instruction, Stage, Token
from ....syntax.shell import ShellCommand
from ...context import LintContext
from ...edits import append_to_run, cache_mount_alternative, insert_after, merge_runs
from ...images import has_tool
from ...rule import Fix, Rule, Severity, Violation
from ...stages import stage_facts

# -- apt-get -------------------------------------------------------------------------

# apt-get options that take a separate value.
_APT_VALUE_OPTIONS = frozenset({"-o", "-c", "-t", "--option", "--config-file", "--target-release", "--default-release"})  # fmt: skip
_INSTALLING = frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "reinstall"})  # fmt: skip
_LISTS = re.compile(r"^/var/lib/apt/lists(?:/\*?|/\.?\*?)?/?$")


def apt_subcommand(command: ShellCommand) -> Token | None:
    """The subcommand word of an apt-get/apt command (``install`` in ``apt-get -q install x``)."""
    args = command.arguments
    skip = False
    for word in args:
        if skip:
            skip = False
            continue
        value = word.value
        if value in _APT_VALUE_OPTIONS:
            skip = True
            continue
        if value.startswith("-"):
            continue
        return word
    return None


def apt_commands(
    ctx: LintContext, ins: Instruction, *subcommands: str
) -> list[tuple[ShellCommand, Token]]:
    found = []
    for command in ctx.commands(ins, "apt-get"):
        sub = apt_subcommand(command)
        if sub is not None and (not subcommands or sub.value in subcommands):
            found.append((command, sub))
    return found


def _options(command: ShellCommand) -> list[str]:
    """Options of a command, with ``-o X`` pairs joined as ``-oX``."""
    out = []
    words = [w.value for w in command.arguments]
    for index, value in enumerate(words):
        if value in ("-o", "--option") and index + 1 < len(words):
            out.append("-o" + words[index + 1])
        elif value.startswith("-"):
            out.append(value)
    return out


def _assumes_yes(command: ShellCommand) -> bool:
    for option in _options(command):
        if option in ("--yes", "--assume-yes", "--force-yes", "-qq", "--quiet=2", "-q=2"):
            return True
        if re.fullmatch(r"-[a-zA-Z]+", option) and ("y" in option or "qq" in option):
            return True
        if option.startswith("-o") and re.search(r"Assume-Yes\s*=\s*(?:1|true|yes)", option, re.I):
            return True
    return False


# Options that make apt-get only print what it would do: nothing is installed, no prompt.
_SIMULATE = frozenset({"--simulate", "--just-print", "--dry-run", "--recon", "--no-act"})


# Short options that take a value: a cluster starting with one is not a set of flags.
_SHORT_VALUE = frozenset("oct")


def _simulates(command: ShellCommand) -> bool:
    """``apt-get -s install …`` (and its long spellings) installs nothing and never prompts."""
    for option in _options(command):
        if option in _SIMULATE:
            return True
        if re.fullmatch(r"-[a-zA-Z]+", option) and option[1] not in _SHORT_VALUE and "s" in option:
            return True
    return False


def _skips_recommends(command: ShellCommand) -> bool:
    for option in _options(command):
        if option == "--no-install-recommends":
            return True
        if option.startswith("-o") and re.search(
            r"Install-Recommends\s*=\s*(?:0|false|no)", option, re.I
        ):
            return True
    return False


def config_before(ctx: LintContext, ins: Instruction, pattern: re.Pattern[str]) -> bool:
    """An earlier RUN in the stage chain writes configuration matching ``pattern``."""
    stage = ctx.doc.stage_of(ins)
    if stage is None:
        return False
    for member in ctx.stage_chain(stage):
        for other in member.instructions:
            if other.span.start >= ins.span.start:
                break
            if other.keyword == "RUN" and pattern.search(
                ctx.text[other.span.start : other.span.end]
            ):
                return True
    return False


_NO_RECOMMENDS = re.compile(r"Install-Recommends\W+(?:\"?0|false)", re.I)


def _recommends_disabled_globally(ctx: LintContext, ins: Instruction) -> bool:
    """An earlier RUN in the stage chain configures apt to skip recommends."""
    return config_before(ctx, ins, _NO_RECOMMENDS)


def _apt_missing_yes(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        for command, sub in apt_commands(ctx, ins, *_INSTALLING):
            if _assumes_yes(command) or _simulates(command):
                continue
            yield Violation(
                command.span,
                f"'apt-get {sub.value}' without -y waits for a confirmation the build "
                "cannot give and aborts",
                Fix("Add -y", (insert_after(sub, " -y"),)),
            )


def _packages(command: ShellCommand, sub: Token) -> list[str]:
    """The package words after the subcommand (options and their values left out)."""
    out = []
    skip = False
    for word in command.arguments:
        if word.span.start <= sub.span.start:
            continue
        if skip:
            skip = False
            continue
        if word.value in _APT_VALUE_OPTIONS:
            skip = True
        elif not word.value.startswith("-"):
            out.append(word.value)
    return out


def _package_name(word: str) -> str:
    """``git=1:2.39*`` → ``git``; ``curl:amd64`` → ``curl``."""
    return re.split(r"[=:]", word, maxsplit=1)[0]


def _already_in_base(ctx: LintContext, ins: Instruction, packages: list[str]) -> bool:
    """Every package is one the stage's base image is known to hold: nothing new comes in,
    so no recommends either."""
    stage = ctx.doc.stage_of(ins)
    if stage is None or not packages:
        return False
    facts = stage_facts(ctx, stage)
    return all(has_tool(facts, _package_name(p)) is True for p in packages)


def _auto_removed(
    ctx: LintContext, ins: Instruction, command: ShellCommand, packages: list[str]
) -> bool:
    """A later command of the same RUN purges every package with ``--auto-remove`` (or
    removes them and runs ``apt-get autoremove``): their recommends leave with them."""
    if not packages:
        return False
    removed: set[str] = set()
    auto = False
    for other, sub in apt_commands(ctx, ins, "remove", "purge", "autoremove"):
        if other.span.start <= command.span.start:
            continue
        if sub.value == "autoremove":
            auto = True
            continue
        removed.update(_packages(other, sub))
        if "--auto-remove" in _options(other) or "--autoremove" in _options(other):
            auto = True
    return auto and all(p in removed for p in packages)


def _apt_recommends(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.shipped_stages():
        yield from _stage_recommends(ctx, stage)


def _stage_recommends(ctx: LintContext, stage: Stage) -> Iterator[Violation]:
    for ins in stage.instructions:
        for command, sub in apt_commands(ctx, ins, "install"):
            if _skips_recommends(command) or _recommends_disabled_globally(ctx, ins):
                continue
            if _simulates(command):
                continue
            packages = _packages(command, sub)
            if _already_in_base(ctx, ins, packages) or _auto_removed(ctx, ins, command, packages):
                continue
            yield Violation(
                command.span,
                "'apt-get install' without --no-install-recommends also installs recommended "
                "packages the image does not need",
                # Unsafe: the software may rely on a recommended package.
                Fix(
                    "Add --no-install-recommends",
                    (insert_after(sub, " --no-install-recommends"),),
                    safe=False,
                ),
            )


def _removes_lists(ctx: LintContext, ins: Instruction) -> bool:
    for command in ctx.commands(ins, "rm"):
        if any(_LISTS.match(w.value) for w in command.arguments):
            return True
    # ``apt-get dist-clean`` (apt 2.7+, Debian 13, Ubuntu 24.04) removes the lists too.
    return bool(apt_commands(ctx, ins, "dist-clean"))


def _later_apt_install(ctx: LintContext, ins: Instruction) -> bool:
    for other in ctx.doc.instructions:
        if other.span.start > ins.span.start and apt_commands(ctx, other, "install"):
            return True
    return False


def _apt_lists(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.shipped_stages():
        for ins in stage.instructions:
            if ins.keyword != "RUN":
                continue
            updates = apt_commands(ctx, ins, "update")
            if not updates or not apt_commands(ctx, ins, *_INSTALLING):
                continue
            if _removes_lists(ctx, ins) or ctx.mounted(ins, ("/var/lib/apt/lists",)):
                continue
            fix = None
            # Unsafe when a later RUN installs without its own update: it needs the lists.
            safe = not _later_apt_install(ctx, ins)
            edit = append_to_run(ctx, ins, "rm -rf /var/lib/apt/lists/*")
            if edit is not None:
                fix = Fix("Remove the apt lists in the same RUN", (edit,), safe=safe)
            yield Violation(
                updates[0][0].span,
                "apt-get update leaves its package lists in this layer; remove "
                "/var/lib/apt/lists/* in the same RUN",
                fix,
                # apt locks its lists: concurrent builds must take turns on the cache.
                alternatives=cache_mount_alternative(
                    ctx, ins, ("/var/lib/apt/lists",), locked=True, safe=safe
                ),
            )


_APT_PROGRAMS = ("apt-get", "apt", "aptitude")


def _installs_on_own_update(ctx: LintContext, ins: Instruction) -> bool | None:
    """Whether every apt install of ``ins`` follows an update in the same RUN (``None``: it
    installs nothing)."""
    updated = False
    installs = False
    for command in ctx.commands(ins, *_APT_PROGRAMS):
        sub = apt_subcommand(command)
        if sub is None:
            continue
        if sub.value == "update":
            updated = True
        elif sub.value in _INSTALLING:
            installs = True
            if not updated:
                return False
    return True if installs else None


def _later_install_uses_index(ctx: LintContext, stage: Stage, ins: Instruction) -> bool:
    """A later RUN of the stage (or of a stage built FROM it) installs with apt without
    running its own update first: it relies on the index this update left."""
    for other_stage in ctx.doc.stages:
        if not any(s.index == stage.index for s in ctx.stage_chain(other_stage)):
            continue
        for other in other_stage.instructions:
            if other.keyword != "RUN" or other.span.start <= ins.span.start:
                continue
            if _installs_on_own_update(ctx, other) is False:
                return True
    return False


def _apt_update_alone(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        instructions = stage.instructions
        for index, ins in enumerate(instructions):
            if ins.keyword != "RUN":
                continue
            updates = apt_commands(ctx, ins, "update")
            if not updates or apt_commands(ctx, ins, *_INSTALLING):
                continue
            if ctx.commands(ins, "apt", "aptitude"):
                continue
            # Every later install refreshes the index itself: this update is only
            # redundant, no install reads a stale index.
            if not _later_install_uses_index(ctx, stage, ins):
                continue
            fix = None
            nxt = instructions[index + 1] if index + 1 < len(instructions) else None
            if nxt is not None and apt_commands(ctx, nxt, "install"):
                edits = merge_runs(ctx, ins, nxt)
                if edits:
                    fix = Fix("Merge apt-get update into the next RUN", tuple(edits))
            yield Violation(
                updates[0][0].span,
                "apt-get update in a RUN without an install: its cached layer keeps a stale "
                "package index when the install line changes; update and install in one RUN",
                fix,
            )


RULES = (
    Rule(
        code="LW602",
        name="apt-update-alone",
        summary="apt-get update in a RUN that installs nothing",
        severity=Severity.WARNING,
        category="layers",
        check=_apt_update_alone,
        fixable=True,
    ),
    Rule(
        code="LW603",
        name="apt-missing-yes",
        summary="apt-get install without -y",
        severity=Severity.WARNING,
        category="layers",
        check=_apt_missing_yes,
        aliases=("DL3014",),
        fixable=True,
    ),
    Rule(
        code="LW604",
        name="apt-install-recommends",
        summary="apt-get install without --no-install-recommends",
        severity=Severity.INFO,
        category="layers",
        check=_apt_recommends,
        aliases=("DL3015",),
        fixable=True,
    ),
    Rule(
        code="LW605",
        name="apt-lists-not-removed",
        summary="apt-get update without removing /var/lib/apt/lists in the same RUN",
        severity=Severity.WARNING,
        category="layers",
        check=_apt_lists,
        aliases=("DL3009",),
        fixable=True,
    ),
)
