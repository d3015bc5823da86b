"""System package manager commands read as what they are: one reading every LW6xx rule shares.

For an effective shell command (:class:`ShellCommand`: the program really run, through
sudo/env/xargs/``sh -c``…), :func:`invocation` gives the manager family (``apt``:
apt-get, apt, aptitude; ``apk``; ``dnf``: dnf, dnf5, microdnf, tdnf, yum; ``zypper``),
the subcommand with its aliases resolved (``dnf up`` is ``upgrade``, ``zypper dup`` is
``dist-upgrade``), whether it runs without asking (``-y``, ``-qq``, ``--non-interactive``…),
whether it only simulates, and its positional arguments (option values left out). When
the command runs through ``xargs`` part of its arguments come from its input: the
visible ones are not all of them (:attr:`PackageCommand.from_input`).

It also knows what an ``rm`` removes from the managers' cache directories
(:func:`rm_paths`, :func:`covers`), globs included (``/var/lib/apt/lists*``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ..syntax.model import Instruction, Token
from ..syntax.shell import ShellCommand
from .context import LintContext
from .stages import stage_facts

#: Program → manager family.
FAMILIES = {
    "apt-get": "apt", "apt": "apt", "aptitude": "apt",
    "apk": "apk",
    "dnf": "dnf", "dnf5": "dnf", "microdnf": "dnf", "tdnf": "dnf", "yum": "dnf",
    "zypper": "zypper",
}  # fmt: skip
PROGRAMS = tuple(FAMILIES)
APT = ("apt-get", "apt", "aptitude")
RPM = ("yum", "dnf", "dnf5", "microdnf", "tdnf")
DNF = ("dnf", "dnf5", "microdnf", "tdnf")


@dataclass(frozen=True, slots=True)
class _Syntax:
    #: Short options that take a value (the rest of the cluster or the next word).
    short: str
    #: Long options that take a value (``=value`` or the next word).
    long: frozenset[str]
    #: Short options that take a value only after the subcommand (zypper's ``-r``).
    short_after: str = ""
    long_after: frozenset[str] = frozenset()


def _longs(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SYNTAX = {
    "apt": _Syntax(
        "octaPFwSO",
        _longs("--option --config-file --target-release --default-release --host-architecture"
               " --build-profiles --display-format --width --sort --schedule-only"),
    ),
    "apk": _Syntax(
        "Xpt",
        _longs("--repository --root --keys-dir --repositories-file --cache-dir --arch --virtual"
               " --wait --cache-max-age --timeout"),
    ),
    "dnf": _Syntax(
        "cdexR",
        _longs("--config --debuglevel --errorlevel --installroot --enablerepo --disablerepo"
               " --repo --repoid --repofrompath --exclude --excludepkgs --setopt --releasever"
               " --rpmverbosity --color --downloaddir --destdir --forcearch --disableplugin"
               " --enableplugin --randomwait --comment --advisory --advisories --bz --bzs --cve"
               " --cves --sec-severity --secseverity --cachedir"),
    ),
    "zypper": _Syntax(
        "cRDCp",
        _longs("--config --root --reposd-dir --cache-dir --raw-cache-dir --solv-cache-dir"
               " --pkg-cache-dir --userdata --installroot --plus-repo --plus-content"),
        short_after="rt",
        long_after=_longs("--repo --from --type --download --name --priority"),
    ),
}  # fmt: skip

# Abbreviations → the subcommand's full name.
_ABBREVIATIONS = {
    "dnf": {"in": "install", "up": "upgrade", "rei": "reinstall", "rm": "remove",
            "dsync": "distro-sync", "mc": "makecache", "dg": "downgrade", "li": "list",
            "se": "search", "if": "info", "ch": "check"},
    "zypper": {"in": "install", "up": "update", "dup": "dist-upgrade", "rm": "remove",
               "ref": "refresh", "si": "source-install", "inr": "install-new-recommends",
               "cc": "clean", "lu": "list-updates", "se": "search", "if": "info"},
}  # fmt: skip
# Full names that do the same as another → the normalised action.
_SYNONYMS = {
    "apt": {"full-upgrade": "dist-upgrade", "safe-upgrade": "upgrade"},
    "dnf": {"update": "upgrade", "erase": "remove", "update-minimal": "upgrade-minimal",
            "localinstall": "install", "check-upgrade": "check-update"},
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Option:
    """One option as given: ``-y`` (a letter of a cluster), ``--yes``, with its value."""

    name: str
    value: str | None
    word: Token
    #: Given before the subcommand (zypper's global options).
    before: bool


@dataclass(frozen=True, slots=True)
class PackageCommand:
    command: ShellCommand
    family: str
    #: The subcommand word as written (``None``: no subcommand).
    sub: Token | None
    #: Its full name (``dnf up`` → ``upgrade``, ``yum update`` → ``update``).
    name: str | None
    #: What it does, synonyms merged (``yum update`` and ``dnf up`` → ``upgrade``,
    #: ``apt full-upgrade`` → ``dist-upgrade``, ``zypper dup`` → ``dist-upgrade``).
    action: str | None
    options: tuple[Option, ...]
    #: Positional words after the subcommand (option values left out).
    args: tuple[Token, ...]
    #: Runs without asking for a confirmation.
    assumes_yes: bool
    #: Only prints what it would do (``apt-get -s``, ``--dry-run``): changes nothing.
    simulates: bool
    #: Arguments also come from its input (``xargs``): ``args`` are not all of them.
    from_input: bool

    @property
    def program(self) -> str:
        return self.command.program or ""

    def has(self, *names: str, before: bool | None = None) -> bool:
        """One of the options is given (``before``: only before/after the subcommand)."""
        return any(o.name in names and (before is None or o.before == before) for o in self.options)

    def values(self, *names: str) -> list[str]:
        return [o.value for o in self.options if o.name in names and o.value is not None]

    @property
    def names_no_packages(self) -> bool:
        """No package is named: the command acts on every installed package."""
        return not self.args and not self.from_input


def _parse(command: ShellCommand, family: str) -> tuple[list[Option], list[Token]]:
    syntax = _SYNTAX[family]
    options: list[Option] = []
    positional: list[Token] = []
    args = command.arguments
    index = 0
    only_positional = False
    while index < len(args):
        word = args[index]
        value = word.value
        index += 1
        before = not positional
        short = syntax.short if before else syntax.short + syntax.short_after
        long = syntax.long if before else syntax.long | syntax.long_after
        if only_positional or value == "-" or not value.startswith("-"):
            positional.append(word)
            continue
        if value == "--":
            only_positional = True
            continue
        if value.startswith("--"):
            name, eq, inline = value.partition("=")
            if eq:
                options.append(Option(name, inline, word, before))
            elif name in long and index < len(args):
                options.append(Option(name, args[index].value, word, before))
                index += 1
            else:
                options.append(Option(name, None, word, before))
            continue
        letters = value[1:]
        if re.fullmatch(r"[a-zA-Z]=.*", letters):  # -q=2
            options.append(Option("-" + letters[0], letters[2:], word, before))
            continue
        for at, letter in enumerate(letters):
            if letter in short:
                rest = letters[at + 1 :]
                if rest:
                    options.append(Option("-" + letter, rest, word, before))
                elif index < len(args):
                    options.append(Option("-" + letter, args[index].value, word, before))
                    index += 1
                else:
                    options.append(Option("-" + letter, None, word, before))
                break
            options.append(Option("-" + letter, None, word, before))
    return options, positional


_TRUE = re.compile(r"\s*(?:1|true|yes|on)\s*", re.I)
_SIMULATE_APT = frozenset({"--simulate", "--just-print", "--dry-run", "--recon", "--no-act", "-s"})  # fmt: skip


def _apt_yes(options: Sequence[Option]) -> bool:
    quiet = 0
    for option in options:
        if option.name in ("-y", "--yes", "--assume-yes", "--force-yes"):
            return True
        if option.name in ("-q", "--quiet"):
            if option.value is not None and option.value.strip().isdigit():
                quiet = int(option.value)
            else:
                quiet += 1
        if option.name in ("-o", "--option") and option.value is not None:
            key, _, setting = option.value.partition("=")
            key = key.strip().lower()
            if key == "apt::get::assume-yes" and _TRUE.fullmatch(setting):
                return True
            if key == "quiet" and setting.strip().isdigit():
                quiet = int(setting)
    # apt-get(8): "quiet level 2 implies -y".
    return quiet >= 2


def _dnf_yes(options: Sequence[Option]) -> bool:
    for option in options:
        if option.name in ("-y", "--assumeyes", "--yes"):
            return True
        if option.name == "--setopt" and option.value is not None:
            key, _, setting = option.value.partition("=")
            if key.strip().lower() == "assumeyes" and _TRUE.fullmatch(setting):
                return True
    return False


# invocation() by command: several rules read the same commands. Keyed by id with the
# command kept beside its result (so a reused id never answers for another command);
# cleared when full, so it never grows past a few thousand entries.
_SEEN: dict[int, tuple[ShellCommand, PackageCommand | None]] = {}
_SEEN_LIMIT = 4096


def invocation(command: ShellCommand) -> PackageCommand | None:
    """The package manager invocation ``command`` is, or ``None`` (see :func:`_invocation`)."""
    hit = _SEEN.get(id(command))
    if hit is not None and hit[0] is command:
        return hit[1]
    result = _invocation(command)
    if len(_SEEN) >= _SEEN_LIMIT:
        _SEEN.clear()
    _SEEN[id(command)] = (command, result)
    return result


def _invocation(command: ShellCommand) -> PackageCommand | None:
    """The package manager command ``command`` runs (``None``: not a system package manager)."""
    program = command.program
    family = FAMILIES.get(program or "")
    if family is None:
        return None
    options, positional = _parse(command, family)
    sub = positional[0] if positional else None
    name = sub.value if sub is not None else None
    if name is not None:
        name = _ABBREVIATIONS.get(family, {}).get(name, name)
    action = _SYNONYMS.get(family, {}).get(name, name) if name is not None else None
    if family == "apt":
        assumes_yes = _apt_yes(options)
        simulates = any(o.name in _SIMULATE_APT for o in options)
    elif family == "dnf":
        assumes_yes = _dnf_yes(options)
        simulates = False
    elif family == "zypper":
        assumes_yes = any(
            o.name in ("-n", "--non-interactive") and o.before for o in options
        ) or any(o.name in ("-y", "--no-confirm") and not o.before for o in options)
        simulates = any((o.name == "--dry-run" or o.name == "-D") and not o.before for o in options)
    else:  # apk asks only when told to (-i)
        assumes_yes = not any(o.name in ("-i", "--interactive") for o in options)
        simulates = any(o.name in ("-s", "--simulate") for o in options)
    return PackageCommand(
        command=command,
        family=family,
        sub=sub,
        name=name,
        action=action,
        options=tuple(options),
        args=tuple(positional[1:]),
        assumes_yes=assumes_yes,
        simulates=simulates,
        from_input="xargs" in command.via,
    )


def package_commands(ctx: LintContext, ins: Instruction, *programs: str) -> list[PackageCommand]:
    """The package manager commands of a RUN (all of them, or those of ``programs``), with
    what the stage's base image says (microdnf that answers yes by itself)."""
    key = ("pkgmanagers", id(ins))
    cached = ctx.memo.get(key)
    if cached is None:
        cached = ctx.memo[key] = _read(ctx, ins)
    found: list[PackageCommand] = cached  # type: ignore[assignment]
    if not programs:
        return list(found)
    return [pc for pc in found if pc.program in programs]


def _read(ctx: LintContext, ins: Instruction) -> list[PackageCommand]:
    found: list[PackageCommand] = []
    stage = None
    for command in ctx.commands(ins, *PROGRAMS):
        pc = invocation(command)
        if pc is None:
            continue
        if pc.program == "microdnf" and not pc.assumes_yes:
            stage = stage or ctx.doc.stage_of(ins)
            if stage is not None and stage_facts(ctx, stage).microdnf_assumes_yes:
                pc = _with_yes(pc)
        found.append(pc)
    return found


def _with_yes(pc: PackageCommand) -> PackageCommand:
    return PackageCommand(
        pc.command, pc.family, pc.sub, pc.name, pc.action, pc.options, pc.args, True,
        pc.simulates, pc.from_input,
    )  # fmt: skip


def family_commands(
    ctx: LintContext, ins: Instruction, family: str, *actions: str
) -> list[PackageCommand]:
    """The commands of one family, optionally only those doing one of ``actions``."""
    return [
        pc
        for pc in package_commands(ctx, ins)
        if pc.family == family and (not actions or pc.action in actions)
    ]


# -- what rm removes ---------------------------------------------------------------------

_RM_OPTIONS = re.compile(r"-[rRfvdI]+|--recursive|--force|--verbose|--dir|--one-file-system|--")
_GLOB = re.compile(r"[*?\[]")


def rm_paths(ctx: LintContext, ins: Instruction, command: ShellCommand) -> list[str | None]:
    """Paths an ``rm`` removes, with ``~`` expanded (``None``: unknown or relative)."""
    if command.program != "rm":
        return []
    home = ctx.home_of(ins)
    paths: list[str | None] = []
    for word in command.arguments:
        value = word.value
        if value.startswith("-") and _RM_OPTIONS.fullmatch(value):
            continue
        if "$(" in value or "`" in value:
            paths.append(None)
            continue
        resolved = ctx.resolve(ins, value) if "$" in value else value
        if resolved is None:
            paths.append(None)
        elif resolved == "~" or resolved.startswith("~/"):
            paths.append(home + resolved[1:])
        elif resolved.startswith("/"):
            paths.append(resolved)
        else:
            paths.append(None)
    return paths


def _part_matches(pattern: str, name: str) -> bool:
    if not _GLOB.search(pattern):
        return pattern == name
    # A glob does not match a hidden name unless it starts with a dot itself.
    if name.startswith(".") and not pattern.startswith("."):
        return False
    return fnmatchcase(name, pattern)


def covers(path: str, directory: str) -> bool:
    """Removing ``path`` (a glob such as ``/var/lib/apt/lists*`` too) empties (part of)
    ``directory``."""
    path = path.rstrip("/") or "/"
    if path == directory or path.startswith(directory + "/"):
        return True
    parts = path.split("/")[1:]
    target = directory.split("/")[1:]
    if len(parts) > len(target):
        # Something inside the directory (``/var/lib/apt/lists/partial``, ``…/lists/*``).
        return all(_part_matches(p, t) for p, t in zip(parts, target, strict=False))
    # The directory itself or one of its parents: not a top-level one (``/var/*``).
    if len(parts) < 2 and _GLOB.search(path):
        return False
    if len(parts) < 2 or (len(parts) == 2 and parts[-1] == "*"):
        return False
    return all(_part_matches(p, t) for p, t in zip(parts, target, strict=False))
