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
from ...pkgmanagers import APT, PackageCommand, covers, family_commands, invocation, rm_paths
from ...rule import Fix, FixSafety, Rule, Severity, Violation
from ...stages import stage_facts
from ...walk import run_targets, shipped_runs

# -- apt-get -------------------------------------------------------------------------

_INSTALLING = frozenset({"install", "upgrade", "dist-upgrade", "build-dep", "reinstall"})
_LISTS = "/var/lib/apt/lists"


def apt_subcommand(command: ShellCommand) -> Token | None:
    """The subcommand word of an apt-get/apt/aptitude command (``install`` in
    ``apt-get -q install x``)."""
    pc = invocation(command)
    return pc.sub if pc is not None and pc.family == "apt" else None


def apt_commands(
    ctx: LintContext, ins: Instruction, *actions: str, programs: tuple[str, ...] = APT
) -> list[PackageCommand]:
    """The apt commands of a RUN (apt-get, apt and aptitude unless ``programs`` narrows
    them), optionally only those doing one of ``actions`` (``full-upgrade`` is
    ``dist-upgrade``)."""
    return [
        pc
        for pc in family_commands(ctx, ins, "apt", *actions)
        if pc.program in programs and pc.sub is not None
    ]


def _options(pc: PackageCommand) -> list[str]:
    """Options of a command, with ``-o X`` pairs joined as ``-oX``."""
    return [
        o.name + (o.value or "") if o.name in ("-o", "--option") else o.name for o in pc.options
    ]


def _skips_recommends(pc: PackageCommand) -> bool:
    for option in _options(pc):
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
        # Stages a stage is built FROM come earlier in the file, so only the stage's own
        # position matters: where its first matching RUN starts (found once per stage).
        first = _first_run_matching(ctx, member, pattern)
        if first is not None and first < ins.span.start:
            return True
    return False


def _first_run_matching(ctx: LintContext, stage: Stage, pattern: re.Pattern[str]) -> int | None:
    key = ("first_run_matching", stage.index, pattern.pattern)
    if key not in ctx.memo:
        ctx.memo[key] = next(
            (
                other.span.start
                for other in ctx.keyword_in(stage, "RUN")
                if pattern.search(ctx.text[other.span.start : other.span.end])
            ),
            None,
        )
    return ctx.memo[key]  # type: ignore[return-value]


_NO_RECOMMENDS = re.compile(r"Install-Recommends\W+(?:\"?0|false)", re.I)


def _recommends_disabled_globally(ctx: LintContext, ins: Instruction) -> bool:
    """An earlier RUN in the stage chain configures apt to skip recommends."""
    return config_before(ctx, ins, _NO_RECOMMENDS)


def _apt_missing_yes(ctx: LintContext) -> Iterator[Violation]:
    for _, ins in run_targets(ctx):
        for pc in apt_commands(ctx, ins, *_INSTALLING, programs=("apt-get",)):
            if pc.assumes_yes or pc.simulates:
                continue
            assert pc.sub is not None
            yield Violation(
                pc.command.span,
                f"'apt-get {pc.sub.value}' without -y waits for a confirmation the build "
                "cannot give and aborts",
                Fix("Add -y", (insert_after(pc.sub, " -y"),)),
            )


def _package_name(word: str) -> str:
    """``git=1:2.39*`` → ``git``; ``curl:amd64`` → ``curl``."""
    return re.split(r"[=:]", word, maxsplit=1)[0]


def _already_in_base(ctx: LintContext, ins: Instruction, pc: PackageCommand) -> bool:
    """Every package is one the stage's base image is known to hold: nothing new comes in,
    so no recommends either."""
    stage = ctx.doc.stage_of(ins)
    if stage is None or not pc.args or pc.from_input:
        return False
    facts = stage_facts(ctx, stage)
    return all(has_tool(facts, _package_name(w.value)) is True for w in pc.args)


def _auto_removed(ctx: LintContext, ins: Instruction, pc: PackageCommand) -> bool:
    """A later command of the same RUN purges every package with ``--auto-remove`` (or
    removes them and runs ``apt-get autoremove``): their recommends leave with them."""
    if not pc.args or pc.from_input:
        return False
    removed: set[str] = set()
    auto = False
    for other in apt_commands(ctx, ins, "remove", "purge", "autoremove"):
        if other.command.span.start <= pc.command.span.start:
            continue
        if other.action == "autoremove":
            auto = True
            continue
        removed.update(w.value for w in other.args)
        if other.has("--auto-remove", "--autoremove"):
            auto = True
    return auto and all(w.value in removed for w in pc.args)


def _apt_recommends(ctx: LintContext) -> Iterator[Violation]:
    for _, ins in shipped_runs(ctx):
        for pc in apt_commands(ctx, ins, "install", programs=("apt-get",)):
            if _skips_recommends(pc) or _recommends_disabled_globally(ctx, ins):
                continue
            if pc.simulates:
                continue
            if _already_in_base(ctx, ins, pc) or _auto_removed(ctx, ins, pc):
                continue
            assert pc.sub is not None
            yield Violation(
                pc.command.span,
                "'apt-get install' without --no-install-recommends also installs whatever these "
                "packages recommend, usually more than the image needs",
                # Unsafe: the software may rely on a recommended package.
                Fix(
                    "Add --no-install-recommends",
                    (insert_after(pc.sub, " --no-install-recommends"),),
                    safe=False,
                ),
            )


def _removes_lists(ctx: LintContext, ins: Instruction) -> bool:
    for command in ctx.commands(ins, "rm"):
        if any(p is not None and covers(p, _LISTS) for p in rm_paths(ctx, ins, command)):
            return True
    # ``apt-get dist-clean`` (apt 2.7+, Debian 13, Ubuntu 24.04) removes the lists too.
    return bool(apt_commands(ctx, ins, "dist-clean"))


def _later_apt_install(ctx: LintContext, ins: Instruction) -> bool:
    key = ("last_apt_install",)
    if key not in ctx.memo:
        ctx.memo[key] = max(
            (
                other.span.start
                for other in ctx.doc.instructions
                if apt_commands(ctx, other, "install")
            ),
            default=-1,
        )
    return ctx.memo[key] > ins.span.start  # type: ignore[operator]


def _apt_lists(ctx: LintContext) -> Iterator[Violation]:
    for _, ins in shipped_runs(ctx):
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
            updates[0].command.span,
            f"{updates[0].program} update leaves its package lists in this layer; remove "
            "/var/lib/apt/lists/* in the same RUN",
            fix,
            # apt locks its lists: concurrent builds must take turns on the cache.
            alternatives=cache_mount_alternative(
                ctx, ins, ("/var/lib/apt/lists",), locked=True, safe=safe
            ),
        )


def _installs_on_own_update(ctx: LintContext, ins: Instruction) -> bool | None:
    """Whether every apt install of ``ins`` follows an update in the same RUN (``None``: it
    installs nothing)."""
    updated = False
    installs = False
    for pc in apt_commands(ctx, ins):
        if pc.action == "update":
            updated = True
        elif pc.action in _INSTALLING and not pc.simulates:
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
            # Every later install refreshes the index itself: this update is only
            # redundant, no install reads a stale index.
            if not _later_install_uses_index(ctx, stage, ins):
                continue
            program = updates[0].program
            fix = None
            nxt = instructions[index + 1] if index + 1 < len(instructions) else None
            if nxt is not None and apt_commands(ctx, nxt, "install"):
                edits = merge_runs(ctx, ins, nxt)
                if edits:
                    fix = Fix(f"Merge {program} update into the next RUN", tuple(edits))
            yield Violation(
                updates[0].command.span,
                f"{program} update in a RUN without an install: its cached layer keeps a stale "
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
        fix_safety=FixSafety.UNSAFE,
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
        fix_safety=FixSafety.SOMETIMES,
    ),
)
