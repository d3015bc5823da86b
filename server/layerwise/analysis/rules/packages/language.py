"""LW63x-LW65x: language package managers (PRACTICES items 24-26).

pip, uv, poetry, npm, yarn, pnpm and gem inside RUN: download caches left in
shipped layers, installs that do not hold to the lockfile, development
dependencies in the final image and, off by default, unpinned packages.

Rules about what ships (caches, dev dependencies) look only at the final stage
and the stages it is built FROM; rules about reproducibility look at every
stage, and at ``ONBUILD RUN`` triggers too.
"""

from __future__ import annotations

import fnmatch
import json
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ....syntax.model import Instruction, Span, Stage, Token
from ....syntax.shell import ShellCommand
from ...context import LintContext
from ...edits import append_to_run, cache_mount_alternative
from ...facts import clean_path
from ...paths import copy_sources, copy_sources_dest
from ...rule import Edit, Fix, FixSafety, Rule, Severity, Violation
from ...safefs import read_text
from ...shellfacts import placed_commands

# -- RUN instructions and the tool invocations in them ------------------------------


@dataclass(frozen=True, eq=False)
class _Run:
    #: The instruction in the stage: the RUN itself, or the ONBUILD that holds it.
    owner: Instruction
    ins: Instruction
    stage: Stage
    commands: tuple[ShellCommand, ...]
    exec_form: bool
    #: ids of commands that run only on some paths (if/case/loops, after ``||``).
    conditional: frozenset[int] = field(default=frozenset())


def _run_of(ctx: LintContext, owner: Instruction, stage: Stage, ins: Instruction) -> _Run | None:
    if ins.keyword != "RUN":
        return None
    key = ("run_of", id(owner), id(ins))
    if key not in ctx.memo:
        ctx.memo[key] = _make_run(ctx, owner, stage, ins)
    return ctx.memo[key]  # type: ignore[return-value]


def _make_run(ctx: LintContext, owner: Instruction, stage: Stage, ins: Instruction) -> _Run | None:
    if ins.exec_args is not None:
        if not ins.exec_args:
            return None
        # Exec form: the argument vector is one command, no shell involved.
        command = ShellCommand(ins.exec_args, (), ins.args_span, None, None)
        return _Run(owner, ins, stage, (command,), True)
    if ins.shell is None:  # ``RUN`` without a command
        return _Run(owner, ins, stage, (), False)
    where = placed_commands(ctx, ins.shell)
    conditional = frozenset(id(p.command) for p in where if p.conditional)
    return _Run(owner, ins, stage, tuple(p.command for p in where), False, conditional)


def _runs(ctx: LintContext, stages: Iterable[Stage]) -> list[_Run]:
    """The RUNs of ``stages``, ONBUILD RUN triggers included (a trigger is linted as the
    RUN it becomes in the image built FROM this one), shared between rules."""
    stages = tuple(stages)
    key = ("runs", tuple(stage.index for stage in stages))
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = list(_find_runs(ctx, stages))
    return found  # type: ignore[return-value]


def _shipped_runs(ctx: LintContext) -> list[_Run]:
    """The RUNs whose layers ship: those of the shipped stages, and every ONBUILD RUN
    trigger (it runs in the image built FROM this one, which ships)."""
    found = ctx.memo.get(("shipped_language_runs",))
    if found is None:
        shipped = {stage.index for stage in ctx.shipped_stages()}
        found = ctx.memo[("shipped_language_runs",)] = [
            run
            for run in _runs(ctx, ctx.doc.stages)
            if run.stage.index in shipped or run.owner is not run.ins
        ]
    return found  # type: ignore[return-value]


def _find_runs(ctx: LintContext, stages: Iterable[Stage]) -> Iterator[_Run]:
    for stage in stages:
        for owner in stage.instructions:
            ins = owner
            if owner.keyword == "ONBUILD":
                if owner.trigger is None:
                    continue
                ins = owner.trigger
            run = _run_of(ctx, owner, stage, ins)
            if run is not None:
                yield run


@dataclass(frozen=True, eq=False)
class _Call:
    """One invocation of a package manager: ``npm ci``, ``python -m pip install x``…"""

    run: _Run
    command: ShellCommand
    #: First word of the invocation (``python`` in ``python -m pip install``).
    head: Token
    #: The (last) subcommand word; ``None`` for a bare ``yarn``.
    sub: Token | None
    #: The subcommand path, e.g. ``("pip", "install")`` for uv.
    path: tuple[str, ...]
    options: tuple[Token, ...]
    operands: tuple[Token, ...]
    #: Values of options given as a separate word (``--prefix dir``), by option.
    values: dict[str, list[Token]]

    @property
    def more_operands(self) -> bool:
        """``xargs`` adds operands from its input: no operands here is not "none"."""
        return "xargs" in self.command.via

    @property
    def anchor(self) -> Token:
        return self.sub or self.head

    @property
    def span(self) -> Span:
        return Span(self.head.span.start, self.anchor.span.end)

    @property
    def text(self) -> str:
        """The invocation as a reader would type it: ``python3 -m pip install``."""
        words = self.command.words
        start = words.index(self.head)
        end = words.index(self.anchor)
        return " ".join(w.value for w in words[start : end + 1])

    def has(self, *names: str) -> bool:
        return any(self.option(name) is not None for name in names)

    def option(self, name: str) -> str | None:
        """The first value of option ``name`` (``""`` for a bare flag), ``None`` when absent."""
        found = self.option_values(name)
        return found[0] if found else None

    def option_values(self, name: str) -> list[str]:
        """Every value given to option ``name`` (``""`` for a bare flag)."""
        found = []
        given = iter(self.values.get(name, ()))
        for token in self.options:
            value = token.value
            if value == name:
                following = next(given, None)
                found.append(following.value if following is not None else "")
            elif value.startswith(name + "="):
                found.append(value[len(name) + 1 :])
        return found


def _scan(words: tuple[Token, ...], value_options: frozenset[str]) -> tuple[
    list[Token], list[Token], dict[str, list[Token]]
]:  # fmt: skip
    options: list[Token] = []
    positionals: list[Token] = []
    values: dict[str, list[Token]] = {}
    index = 0
    while index < len(words):
        token = words[index]
        value = token.value
        if value == "--":
            positionals.extend(words[index + 1 :])
            break
        if value.startswith("-") and len(value) > 1:
            options.append(token)
            if value in value_options and index + 1 < len(words):
                values.setdefault(value, []).append(words[index + 1])
                index += 2
                continue
        else:
            positionals.append(token)
        index += 1
    return options, positionals, values


def _call(
    run: _Run,
    command: ShellCommand,
    head: Token,
    words: tuple[Token, ...],
    value_options: frozenset[str],
    depth: int = 1,
) -> _Call:
    options, positionals, values = _scan(words, value_options)
    subs = positionals[:depth]
    return _Call(
        run,
        command,
        head,
        subs[-1] if subs else None,
        tuple(t.value for t in subs),
        tuple(options),
        tuple(positionals[depth:]),
        values,
    )


def _program_token(command: ShellCommand) -> Token | None:
    index = command.program_at
    return None if index is None else command.words[index]


def _calls(run: _Run, programs: tuple[str, ...], value_options: frozenset[str]) -> Iterator[_Call]:
    for command in run.commands:
        if command.program in programs:
            head = _program_token(command)
            assert head is not None
            yield _call(run, command, head, command.arguments, value_options)


# -- environment, cache mounts, cleanup ------------------------------------------------

_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)


def _env(ctx: LintContext, call: _Call) -> dict[str, str | None]:
    """Variables the command sees: ARG/ENV in scope, ``export``s before it, prefixes."""
    env = dict(ctx.env_at(call.run.owner))

    def assign(word: Token) -> None:
        match = _ASSIGNMENT.match(word.value)
        if match:
            env[match.group(1)] = ctx.resolve(call.run.owner, match.group(2))

    for command in call.run.commands:
        if command is call.command:
            break
        if command.program in ("export", "declare", "typeset"):
            for word in command.arguments:
                assign(word)
    index = call.command.program_at or 0
    for word in call.command.words[:index]:
        assign(word)
    return env


def _npm_config(env: dict[str, str | None], key: str) -> tuple[bool, str | None]:
    """npm reads ``npm_config_<key>`` in any letter case; (declared, value)."""
    wanted = f"npm_config_{key}".lower()
    for name, value in env.items():
        if name.lower() == wanted:
            return True, value
    return False, None


_HOME = r"(?:~|\$HOME|\$\{HOME\}|/root|/home/[^/]+)"
_HOME_DIR = re.compile(rf"^{_HOME}$")
_HOME_CACHE = re.compile(rf"^{_HOME}/\.cache$")


@dataclass(frozen=True)
class _Cache:
    """Where a tool keeps its download cache."""

    #: A path component containing one of these names is taken for the cache.
    names: tuple[str, ...]
    #: The XDG cache directory (``~/.cache``) holds it.
    in_xdg: bool
    #: Directories given explicitly (environment variable, option); ``None`` = unknown.
    explicit: tuple[str | None, ...] = ()

    def covered_by(self, path: str | None) -> bool:
        """``path`` is the cache, holds it, or cannot be resolved."""
        if path is None:
            return True
        path = re.sub(r"/\*?$", "", path.strip()) or "/"
        for directory in self.explicit:
            if directory is None:
                return True
            directory = directory.rstrip("/")
            if path == directory or directory.startswith(path + "/"):
                return True
        if _HOME_DIR.match(path) or (self.in_xdg and _HOME_CACHE.match(path)):
            return True
        return any(name in part for part in path.split("/") for name in self.names)


def _mount_instead(ctx: LintContext, run: _Run, cache: _Cache, default: str) -> tuple[Fix, ...]:
    """The cache-mount alternative fix, on the directory the tool would use."""
    if any(directory is None for directory in cache.explicit):
        return ()  # set from a variable we cannot resolve
    targets = tuple(d.rstrip("/") for d in cache.explicit if d) or (default,)
    return cache_mount_alternative(ctx, run.ins, targets)


def _cache_mounted(ctx: LintContext, run: _Run, cache: _Cache) -> bool:
    return any(cache.covered_by(target) for target in ctx.mount_targets(run.ins))


def _removes(ctx: LintContext, run: _Run, cache: _Cache) -> bool:
    for command in run.commands:
        if command.program != "rm":
            continue
        for word in command.arguments:
            if word.value.startswith("-"):
                continue
            resolved = ctx.resolve(run.owner, word.value)
            if cache.covered_by(resolved if resolved is not None else word.value):
                return True
    return False


def _runs_subcommand(run: _Run, program: str, *path: str) -> bool:
    """Some command of the RUN is ``program <path...>`` (options ignored)."""
    for command in run.commands:
        if command.program != program:
            continue
        words = [w.value for w in command.arguments if not w.value.startswith("-")]
        if tuple(words[: len(path)]) == path:
            return True
    return False


# -- fixes ----------------------------------------------------------------------------


def _insert_flag(call: _Call, flag: str) -> Edit:
    """Insert ``flag`` right after the subcommand (or the program for a bare yarn)."""
    at = call.anchor.span.end
    if call.run.exec_form:
        return Edit(at, at, f", {json.dumps(flag)}")
    return Edit(at, at, f" {flag}")


def _replace_words(call: _Call, first: Token, last: Token, text: str) -> Edit:
    new = json.dumps(text) if call.run.exec_form else text
    return Edit(first.span.start, last.span.end, new)


def _append_command(ctx: LintContext, run: _Run, command: str) -> Edit | None:
    if run.exec_form or run.owner is not run.ins:
        return None
    return append_to_run(ctx, run.ins, command)


# -- what the build context has brought in ---------------------------------------------

_GLOB = re.compile(r"[*?\[]")
_ARCHIVE = re.compile(r"\.(?:tar|tgz|tbz2?|txz|tzst|gz|bz2|xz|zst)$", re.I)
_KNOWN_DOTFILES = frozenset(
    {".npmrc", ".nvmrc", ".node-version", ".babelrc", ".eslintrc", ".prettierrc", ".env",
     ".editorconfig", ".gitignore", ".dockerignore", ".browserslistrc", ".python-version"}
)  # fmt: skip


def _before(ctx: LintContext, stage: Stage, ins: Instruction) -> Iterator[Instruction]:
    """Instructions that run before ``ins``: the stages it builds on, then its own."""
    for member in reversed(ctx.stage_chain(stage)):
        for other in member.instructions:
            if other is ins:
                return
            yield other


def _landing(ctx: LintContext, ins: Instruction) -> str | None:
    """The absolute destination of a COPY/ADD, ``None`` when unknown."""
    dest = copy_sources_dest(ins)
    value = ctx.resolve(ins, dest) if dest is not None else None
    if value is None:
        return None
    if not value.startswith("/"):
        base = ctx.workdir_at(ins)
        if base is None:
            return None
        value = posixpath.join(base, value)
    return clean_path(value)


def _below(directory: str, ancestor: str) -> bool:
    return ancestor == "/" or directory == ancestor or directory.startswith(ancestor + "/")


@dataclass(frozen=True)
class _Copied:
    """What COPY/ADD before a RUN brought into the directory an install runs in."""

    #: ``True``: a source names one of the files (or a glob matches one); ``False``:
    #: certainly none of them; ``None``: a directory, a variable, another stage or image
    #: may have brought one.
    status: bool | None
    #: The build-context folder (relative) the files came from, when known: the folder
    #: of the named file, or the folder a directory copy took the install folder from.
    origin: str | None = None


def _copied(
    ctx: LintContext, run: _Run, names: tuple[str, ...], where: str | None = None
) -> _Copied:
    """Whether COPY/ADD before the RUN may have brought one of ``names`` into ``where``
    (the absolute directory the install runs in; ``None``: anywhere).

    A copy whose destination is known and cannot be ``where`` is left out: ``COPY lib
    /app/lib`` brings nothing into ``/app`` itself.
    """
    if run.owner is not run.ins:
        return _Copied(None)
    unknown = False
    origin: str | None = None
    for other in _before(ctx, run.stage, run.ins):
        if other.keyword not in ("COPY", "ADD"):
            continue
        land = _landing(ctx, other) if where is not None else None
        dest = copy_sources_dest(other) or ""
        sources = copy_sources(other)
        into = dest.endswith("/") or len(sources) > 1
        from_context = other.flag("from") is None and not other.heredocs
        if other.heredocs and not sources:
            if land is None or land == where or posixpath.dirname(land) == where:
                unknown = True
            continue
        for token in sources:
            value = ctx.resolve(other, token.value)
            base = value.rstrip("/").rsplit("/", 1)[-1] if value is not None else ""
            folder_like = (
                value is None
                or not from_context
                or "://" in value
                or value.endswith("/")
                or (other.keyword == "ADD" and bool(_ARCHIVE.search(value)))
                or (bool(_GLOB.search(value)) and not _GLOB.search(base))
                or ("." not in base.lstrip(".") and base not in _KNOWN_DOTFILES)
            )
            if folder_like:
                # Its content lands in the destination (a file would land there too).
                if land is None or where is None or _below(where, land):
                    unknown = True
                    if value is not None and from_context and land is not None and where:
                        rest = posixpath.relpath(where, land)
                        origin = clean_path(posixpath.join(value, rest))
                continue
            assert value is not None
            named = [base]
            if land is not None and where is not None:
                if into:
                    if land != where:
                        continue
                elif land != where and posixpath.dirname(land) != where:
                    continue
                elif land != where:
                    named = [posixpath.basename(land)]  # copied under another name
            if any(fnmatch.fnmatchcase(name, n) for name in names for n in named):
                return _Copied(True, clean_path(posixpath.dirname(value) or "."))
    return _Copied(None if unknown else False, origin)


def _maybe_copied(
    ctx: LintContext, run: _Run, names: tuple[str, ...], where: str | None = None
) -> bool | None:
    """:func:`_copied`'s status."""
    return _copied(ctx, run, names, where).status


def _install_dir(ctx: LintContext, call: _Call, *options: str) -> str | None:
    """The absolute directory the call runs in: the WORKDIR, a ``cd`` before it in the
    RUN, or one of ``options`` (``--prefix``, ``--cwd``); ``None`` when unknown."""
    run = call.run
    if run.owner is not run.ins:
        return None
    where = ctx.workdir_at(run.ins)
    for command in run.commands:
        if command is call.command:
            break
        if command.program == "cd":
            args = [w.value for w in command.arguments if not w.value.startswith("-")]
            target = ctx.resolve(run.owner, args[0]) if len(args) == 1 else None
            if target is None or target.startswith("~"):
                where = None
            elif target.startswith("/"):
                where = clean_path(target)
            elif where is not None:
                where = clean_path(posixpath.join(where, target))
        elif command.program in ("pushd", "popd"):
            where = None
    for name in options:
        given = call.option(name)
        if given is not None:
            value = ctx.resolve(run.owner, given)
            if value is None or not value.startswith("/"):
                if value is None or where is None:
                    return None
                value = posixpath.join(where, value)
            where = clean_path(value)
    return where


def _lock_missing(
    ctx: LintContext, run: _Run, manifest: str, locks: tuple[str, ...], where: str | None = None
) -> bool:
    """The manifest was copied on its own, with certainly no lock file."""
    return _maybe_copied(ctx, run, locks, where) is False and bool(
        _maybe_copied(ctx, run, (manifest,), where)
    )


# -- Python: pip, uv, poetry ----------------------------------------------------------


def _context_file(ctx: LintContext, origin: str | None, name: str) -> Path | None:
    """``origin/name`` in the build context, when the project around the Dockerfile can
    be read and has it (looked up in the Dockerfile's folder, then its parents inside
    the project: the context root may be any of them)."""
    if origin is None or ctx.path is None or ctx.project is None:
        return None
    if getattr(ctx.project, "root", None) is None:
        return None  # no project boundary: never read outside one
    relative = clean_path(posixpath.join(origin, name))
    if relative.startswith(("/", "..")):
        return None
    try:
        return ctx.project.find_upward(ctx.path.parent, (relative,))
    except OSError:
        return None


_PIP = re.compile(r"pip(?:\d+(?:\.\d+)*)?")
_PYTHON = re.compile(r"python(?:\d+(?:\.\d+)*)?")
_PIP_VALUE_OPTIONS = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-t", "--target",
     "--platform", "--python-version", "--implementation", "--abi", "--root", "--prefix",
     "-b", "--build", "--src", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
     "--no-binary", "--only-binary", "--progress-bar", "--upgrade-strategy", "--trusted-host",
     "--proxy", "--cache-dir", "--log", "--timeout", "--retries", "--exists-action", "--cert",
     "--client-cert", "--global-option", "--install-option", "--config-settings", "-C",
     "--report", "--python", "--keyring-provider", "--use-feature", "--use-deprecated",
     "--group", "--root-user-action", "--resume-retries"}
)  # fmt: skip


def _tool_arguments(
    command: ShellCommand, program: str, module: str, direct: bool
) -> tuple[Token, ...] | None:
    """The arguments of a Python tool run as its own program (``direct``) or as
    ``python -m module``; ``None`` when the command runs neither."""
    args = command.arguments
    if direct:
        return args
    if _PYTHON.fullmatch(program):
        for index in range(len(args) - 1):
            if args[index].value == "-m" and args[index + 1].value == module:
                return args[index + 2 :]
    return None


def _pip_installs(run: _Run) -> Iterator[_Call]:
    for command in run.commands:
        program = command.program
        if program is None:
            continue
        head = _program_token(command)
        assert head is not None
        words = _tool_arguments(command, program, "pip", _PIP.fullmatch(program) is not None)
        if words is None:
            continue
        call = _call(run, command, head, words, _PIP_VALUE_OPTIONS)
        if call.path == ("install",):
            yield call


# ``pip config set global.no-cache-dir …``, ``no-cache-dir = …`` in a written pip.conf.
_PIP_CONFIG = re.compile(r"(?:global|install)\.no-cache-dir|no-cache-dir\s*=|pip\.(?:conf|ini)\b")


def _pip_configured(ctx: LintContext, call: _Call) -> bool:
    """A pip configuration file or ``pip config`` may set no-cache-dir already."""
    run = call.run
    for other in _before(ctx, run.stage, run.owner):
        if other.keyword in ("COPY", "ADD", "RUN") and _PIP_CONFIG.search(other.args):
            return True
    for command in run.commands:
        if command is call.command:
            break
        if any(_PIP_CONFIG.search(w.value) for w in command.words):
            return True
    return False


def _pip_cache(ctx: LintContext) -> Iterator[Violation]:
    for run in _shipped_runs(ctx):
        if ctx.is_windows(run.stage):
            continue
        flagged: list[tuple[_Call, _Cache]] = []
        for call in _pip_installs(run):
            if call.has("--no-cache-dir"):
                continue
            env = _env(ctx, call)
            if "PIP_NO_CACHE_DIR" in env or "PIP_CONFIG_FILE" in env or _pip_configured(ctx, call):
                continue
            explicit: list[str | None] = []
            if "PIP_CACHE_DIR" in env:
                explicit.append(env["PIP_CACHE_DIR"])
            if "XDG_CACHE_HOME" in env:
                xdg = env["XDG_CACHE_HOME"]
                explicit.append(None if xdg is None else xdg.rstrip("/") + "/pip")
            cache_dir = call.option("--cache-dir")
            if cache_dir is not None:
                explicit.append(ctx.resolve(run.owner, cache_dir))
            cache = _Cache(("pip",), True, tuple(explicit))
            if _cache_mounted(ctx, run, cache) or _removes(ctx, run, cache):
                continue
            if _runs_subcommand(run, "pip", "cache") or _runs_subcommand(run, "pip3", "cache"):
                continue
            flagged.append((call, cache))
        if not flagged:
            continue
        # One finding per RUN, on its first install; the fix adds the flag to each.
        call, cache = flagged[0]
        home = ctx.home_of(run.ins)
        default = f"{home}/.cache/pip"
        known = [d.rstrip("/") for d in cache.explicit if d]
        if any(d is None for d in cache.explicit):
            where = "pip's cache directory"
        elif known:
            where = known[0]
        elif home.startswith("\0"):
            where = "the user's ~/.cache/pip"
        else:
            where = default
        if home != "/root":
            # A cache mount belongs to root unless its uid says otherwise.
            where += " with uid= set to the user's id"
        more = f" ({len(flagged)} pip installs in this RUN)" if len(flagged) > 1 else ""
        yield Violation(
            call.span,
            f"'{call.text}' keeps every downloaded package in pip's cache "
            f"(~/.cache/pip), which ships in this layer{more}; add --no-cache-dir, set "
            f"PIP_NO_CACHE_DIR=1 or mount a BuildKit cache on {where}",
            Fix("Add --no-cache-dir", tuple(_insert_flag(c, "--no-cache-dir") for c, _ in flagged)),
            alternatives=_mount_instead(ctx, run, cache, default),
        )


_VERSION_SPEC = re.compile(r"===?|>=|<=|~=|!=|<|>|\s@\s|@")
_VCS = re.compile(r"^(?:git|hg|svn|bzr)(?:\+[a-z-]+)?(?::|://)", re.I)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_LOCAL_DIST = re.compile(r"\.(?:whl|tar\.gz|tgz|tar\.bz2|zip)$", re.I)


def _pip_pinned(spec: str) -> bool:
    if _VCS.match(spec):
        return "@" in spec.split("://", 1)[-1]
    if _URL.match(spec) or _LOCAL_DIST.search(spec):
        return True
    if spec.startswith((".", "/", "~")) or "/" in spec:
        return True  # a local project directory
    return bool(_VERSION_SPEC.search(spec))


_PIPX_VALUE_OPTIONS = frozenset(
    {"--spec", "--python", "--pip-args", "--suffix", "-i", "--index-url", "--preinstall",
     "-r", "--requirement", "--backend"}
)  # fmt: skip


def _pipx_installs(run: _Run) -> Iterator[tuple[_Call, tuple[Token, ...]]]:
    """``pipx install`` and ``pipx inject`` (``python -m pipx`` too), with the words that
    name packages: ``--spec`` or the operands of install, the operands after the
    environment of inject."""
    for command in run.commands:
        program = command.program
        if program is None:
            continue
        words = _tool_arguments(command, program, "pipx", program == "pipx")
        if words is None:
            continue
        head = _program_token(command)
        assert head is not None
        call = _call(run, command, head, words, _PIPX_VALUE_OPTIONS)
        if call.path == ("install",):
            spec = call.values.get("--spec")
            if spec:
                yield call, tuple(spec)
            elif not call.has("--spec"):
                yield call, call.operands
            # ``--spec=…`` in one word: not a token of its own to point at; left alone
        elif call.path == ("inject",):
            yield call, call.operands[1:]


def _pip_unpinned(ctx: LintContext) -> Iterator[Violation]:
    for run in _runs(ctx, ctx.doc.stages):
        for call in _pip_installs(run):
            if call.has("-r", "--requirement", "-c", "--constraint"):
                continue
            for token in call.operands:
                spec = ctx.resolve(run.owner, token.value)
                if spec is None or spec == "." or _pip_pinned(spec):
                    continue
                yield Violation(
                    token.span,
                    f"'{spec}' is installed without a version, so each build may get a "
                    f"different release; pin it ({spec}==<version>) or install from a "
                    "requirements or constraints file",
                )
        for call, packages in _pipx_installs(run):
            pip_args = (call.option("--pip-args") or "").split()
            if call.has("-r", "--requirement") or {"-c", "--constraint"} & set(pip_args):
                continue
            for token in packages:
                spec = ctx.resolve(run.owner, token.value)
                if spec is None or spec == "." or _pip_pinned(spec):
                    continue
                yield Violation(
                    token.span,
                    f"'{spec}' is installed by '{call.text}' without a version, so each "
                    f"build may get a different release; pin it ({spec}==<version>)",
                )


_UV_VALUE_OPTIONS = frozenset(
    {"--cache-dir", "--directory", "--project", "--config-file", "--color", "-p", "--python",
     "--python-preference", "--allow-insecure-host", "--index", "--default-index", "-i",
     "--index-url", "--extra-index-url", "-f", "--find-links", "-r", "--requirements",
     "--requirement", "-c", "--constraint", "--constraints", "--extra", "--group", "--only-group",
     "--no-group", "--package", "--target", "--prefix", "--link-mode", "--index-strategy",
     "--resolution", "--prerelease", "--exclude-newer", "-e", "--editable", "--with"}
)  # fmt: skip
# uv subcommands that download packages into its cache.
_UV_INSTALLS = frozenset({("pip", "install"), ("pip", "sync"), ("sync",), ("tool", "install")})


def _uv_installs(run: _Run) -> Iterator[_Call]:
    for command in run.commands:
        if command.program != "uv":
            continue
        head = _program_token(command)
        assert head is not None
        _, positionals, _ = _scan(command.arguments, _UV_VALUE_OPTIONS)
        depth = 2 if positionals and positionals[0].value in ("pip", "tool") else 1
        call = _call(run, command, head, command.arguments, _UV_VALUE_OPTIONS, depth)
        if call.path in _UV_INSTALLS:
            yield call


def _uv_cache(ctx: LintContext) -> Iterator[Violation]:
    for run in _shipped_runs(ctx):
        if ctx.is_windows(run.stage):
            continue
        for call in _uv_installs(run):
            if call.has("--no-cache", "-n"):
                continue
            env = _env(ctx, call)
            if "UV_NO_CACHE" in env:
                continue
            explicit: list[str | None] = []
            if "UV_CACHE_DIR" in env:
                explicit.append(env["UV_CACHE_DIR"])
            cache_dir = call.option("--cache-dir")
            if cache_dir is not None:
                explicit.append(ctx.resolve(run.owner, cache_dir))
            cache = _Cache(("uv",), True, tuple(explicit))
            if _cache_mounted(ctx, run, cache) or _removes(ctx, run, cache):
                continue
            if _runs_subcommand(run, "uv", "cache"):
                continue
            yield Violation(
                call.span,
                f"'{call.text}' keeps every downloaded package in uv's cache (~/.cache/uv), "
                "which ships in this layer; add --no-cache, set UV_NO_CACHE=1 or mount a "
                "BuildKit cache on /root/.cache/uv",
                Fix("Add --no-cache", (_insert_flag(call, "--no-cache"),)),
                alternatives=_mount_instead(ctx, run, cache, "/root/.cache/uv"),
            )


def _uv_syncs(run: _Run) -> Iterator[_Call]:
    for call in _uv_installs(run):
        if call.path == ("sync",):
            yield call


def _uv_unlocked(ctx: LintContext) -> Iterator[Violation]:
    for run in _runs(ctx, ctx.doc.stages):
        for call in _uv_syncs(run):
            if call.has("--locked", "--frozen") or _fallback(call):
                continue
            env = _env(ctx, call)
            if "UV_LOCKED" in env or "UV_FROZEN" in env:
                continue
            message = (
                f"'{call.text}' updates uv.lock when it no longer matches pyproject.toml, so "
                "the image can get other versions than the ones you tested; add --locked to "
                "fail instead"
            )
            fix = None
            where = _install_dir(ctx, call, "--directory", "--project")
            if _lock_missing(ctx, run, "pyproject.toml", ("uv.lock",), where):
                message = _no_lock_message(call, "pyproject.toml", "uv.lock", "--locked")
            else:
                fix = Fix("Add --locked", (_insert_flag(call, "--locked"),), safe=False)
            yield Violation(call.span, message, fix)


_UV_DEV_CHOSEN = (
    "--no-dev", "--dev", "--only-dev", "--no-default-groups", "--only-group", "--all-groups",
    "--no-group",
)  # fmt: skip


def _uv_dev(ctx: LintContext) -> Iterator[Violation]:
    if _dev_image(ctx):
        return
    for run in _shipped_runs(ctx):
        for call in _uv_syncs(run):
            if call.has(*_UV_DEV_CHOSEN) or id(call.command) in run.conditional:
                continue
            env = _env(ctx, call)
            if "UV_NO_DEV" in env or "UV_NO_DEFAULT_GROUPS" in env:
                continue
            yield Violation(
                call.span,
                f"'{call.text}' also installs the dev dependency group (test runners, linters, "
                "type stubs) into the image that ships; add --no-dev",
                Fix("Add --no-dev", (_insert_flag(call, "--no-dev"),), safe=False),
            )


_POETRY_VALUE_OPTIONS = frozenset(
    {"-C", "--directory", "-P", "--project", "--with", "--without", "--only", "-E", "--extras"}
)
_POETRY_DEV_CHOSEN = ("--only", "--without", "--no-dev", "--only-root", "--all-groups", "--with")

# Signs that the final image is a development or test environment on purpose.
_DEV_STAGE = re.compile(
    r"(?:^|[-_.])(?:dev|devel|develop|development|test|tests|testing|debug|ci|local)(?:$|[-_.])"
)
_SEP = r"[\"',\s]+"  # between words, in shell or JSON form
_DEV_COMMAND = re.compile(
    rf"\b(?:nodemon|ts-node(?:-dev)?|ng{_SEP}serve|webpack-dev-server|webpack{_SEP}serve|"
    rf"react-scripts{_SEP}start|vue-cli-service{_SEP}serve|(?:next|nuxt|vite){_SEP}dev|"
    rf"(?:npm|yarn|pnpm){_SEP}(?:run{_SEP})?(?:dev|serve|watch|develop|start:dev)\b|"
    rf"runserver|pytest)\b|--reload\b"
)


def _dev_image(ctx: LintContext) -> bool:
    """The final stage is named or run like a development environment."""
    final = ctx.final_stage
    if final is None:
        return False
    if final.name and _DEV_STAGE.search(final.name):
        return True
    for keyword in ("CMD", "ENTRYPOINT"):
        last = None
        for member in reversed(ctx.stage_chain(final)):
            for ins in member.instructions:
                if ins.keyword == keyword:
                    last = ins
        if last is not None and _DEV_COMMAND.search(last.args):
            return True
    return False


def _poetry_dev(ctx: LintContext) -> Iterator[Violation]:
    if _dev_image(ctx):
        return
    for run in _shipped_runs(ctx):
        for call in _calls(run, ("poetry",), _POETRY_VALUE_OPTIONS):
            if call.path not in (("install",), ("sync",)) or call.has(*_POETRY_DEV_CHOSEN):
                continue
            if id(call.command) in run.conditional:
                continue
            yield Violation(
                call.span,
                f"'{call.text}' also installs the dev group (test runners, linters, type "
                "stubs) into the image that ships; install with --only main",
                Fix("Add --only main", (_insert_flag(call, "--only main"),), safe=False),
            )


# -- Node: npm, yarn, pnpm -------------------------------------------------------------

_NPM_VALUE_OPTIONS = frozenset(
    {"--prefix", "--cache", "--registry", "--userconfig", "--globalconfig", "--loglevel", "-w",
     "--workspace", "--omit", "--include", "--only", "--install-strategy", "--location", "--tag",
     "--before", "--script-shell", "--otp", "--scope", "--fetch-retries", "--fetch-timeout",
     "--maxsockets", "--proxy", "--https-proxy", "--cafile", "--node-options", "--save-prefix"}
)  # fmt: skip
_NPM_INSTALL = frozenset(
    {"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
     "add"}
)  # fmt: skip
_NPM_CI = frozenset({"ci", "clean-install", "ic", "install-clean", "isntall-clean"})
_NPM_NO_LOCK = ("--no-package-lock", "--package-lock-only", "--no-shrinkwrap")


def _npm_calls(run: _Run) -> Iterator[_Call]:
    return _calls(run, ("npm",), _NPM_VALUE_OPTIONS)


def _npm_global(call: _Call) -> bool:
    return call.has("-g", "--global") or call.option("--location") == "global"


def _npm_manifest_install(call: _Call) -> bool:
    """``npm install`` of the project's own dependencies (no package names, not -g)."""
    return (
        call.sub is not None
        and call.sub.value in _NPM_INSTALL
        and call.sub.value != "add"
        and not call.operands
        and not call.more_operands
        and not _npm_global(call)
    )


def _npm_installs_project(call: _Call) -> bool:
    return _npm_manifest_install(call) or (call.sub is not None and call.sub.value in _NPM_CI)


_YARN_VALUE_OPTIONS = frozenset(
    {"--cwd", "--modules-folder", "--cache-folder", "--mutex", "--network-timeout", "--registry",
     "--global-folder", "--link-folder", "--network-concurrency", "--child-concurrency", "--otp",
     "--use-yarnrc", "--mode"}
)  # fmt: skip


_INFO_FLAGS = ("--version", "-v", "-V", "--help", "-h")


def _yarn_installs(run: _Run) -> Iterator[_Call]:
    for call in _calls(run, ("yarn", "yarnpkg"), _YARN_VALUE_OPTIONS):
        if call.sub is None and call.has(*_INFO_FLAGS):
            continue  # ``yarn --version``
        if call.more_operands:
            continue  # ``xargs yarn add``: packages from its input, not the project's
        if call.sub is None or (call.path == ("install",) and not call.operands):
            yield call


_PNPM_VALUE_OPTIONS = frozenset(
    {"-C", "--dir", "--filter", "-F", "--workspace-dir", "--reporter", "--loglevel",
     "--store-dir", "--virtual-store-dir", "--modules-dir", "--network-concurrency",
     "--child-concurrency", "--registry"}
)  # fmt: skip


def _pnpm_installs(run: _Run) -> Iterator[_Call]:
    for call in _calls(run, ("pnpm",), _PNPM_VALUE_OPTIONS):
        if call.path in (("install",), ("i",)) and not call.has("-g", "--global"):
            yield call


_YARN_FROZEN = ("--frozen-lockfile", "--immutable", "--no-immutable")
_PNPM_FROZEN = (
    "--frozen-lockfile", "--no-frozen-lockfile", "--prefer-frozen-lockfile",
    "--no-prefer-frozen-lockfile", "--offline", "--lockfile-only", "--fix-lockfile",
)  # fmt: skip


def _locked_install_in(run: _Run) -> bool:
    """The RUN has an install that holds to a lockfile (a lockfile-dispatch script)."""
    if any(c.sub is not None and c.sub.value in _NPM_CI for c in _npm_calls(run)):
        return True
    if any(c.has("--frozen-lockfile", "--immutable") for c in _yarn_installs(run)):
        return True
    if any(c.has("--locked", "--frozen") for c in _uv_syncs(run)):
        return True
    return any(c.has("--frozen-lockfile") for c in _pnpm_installs(run))


def _fallback(call: _Call) -> bool:
    """A conditional branch next to a locked install: the no-lockfile fallback."""
    return id(call.command) in call.run.conditional and _locked_install_in(call.run)


_NPM_LOCKS = ("package-lock.json", "npm-shrinkwrap.json")


def _package_json(ctx: LintContext, call: _Call) -> tuple[_Copied, Path | None]:
    """What brought package.json into the folder the npm call runs in, and that
    package.json in the build context when it can be read there."""
    where = _install_dir(ctx, call, "--prefix")
    manifest = _copied(ctx, call.run, ("package.json",), where)
    if manifest.status is False:
        return manifest, None
    return manifest, _context_file(ctx, manifest.origin, "package.json")


def _npm_ci(ctx: LintContext) -> Iterator[Violation]:
    for run in _runs(ctx, ctx.doc.stages):
        for call in _npm_calls(run):
            if not _npm_manifest_install(call) or call.has(*_NPM_NO_LOCK) or _fallback(call):
                continue
            if call.option("--package-lock") == "false":
                continue
            assert call.sub is not None
            lock = _copied(ctx, run, _NPM_LOCKS, _install_dir(ctx, call, "--prefix"))
            _, package = _package_json(ctx, call)
            if package is not None:
                # The build context can be read: without a lock file beside package.json
                # 'npm ci' would fail the build.
                if not any((package.parent / name).is_file() for name in _NPM_LOCKS):
                    continue
            elif lock.status is not True:
                continue  # cannot tell whether the project has a lock file at all
            message = (
                f"'npm {call.sub.value}' may resolve newer versions than package-lock.json "
                "records and rewrites the lockfile; 'npm ci' installs exactly the locked tree "
                "and fails when it disagrees with package.json"
            )
            fix = None
            if lock.status is False:
                message += "; copy package-lock.json into the image before installing"
            else:
                fix = Fix(
                    "Use npm ci", (_replace_words(call, call.sub, call.sub, "ci"),), safe=False
                )
            yield Violation(call.sub.span, message, fix)


_NODE_CODENAMES = {
    "argon": 4, "boron": 6, "carbon": 8, "dubnium": 10, "erbium": 12, "fermium": 14,
    "gallium": 16, "hydrogen": 18, "iron": 20, "jod": 22, "krypton": 24,
}  # fmt: skip


def _node_major(ctx: LintContext, stage: Stage) -> int | None:
    """Major Node.js version of an official ``node`` base image; ``None`` when unknown."""
    image = ctx.info(stage).image
    if image is None or image.name != "node" or not image.is_official:
        return None
    tag = (image.tag or "latest").lower()
    match = re.match(r"(\d+)", tag)
    if match:
        return int(match.group(1))
    word = re.split(r"[-.]", tag)[0]
    if word in _NODE_CODENAMES:
        return _NODE_CODENAMES[word]
    if word in ("latest", "current", "lts", "alpine", "slim", "bookworm", "bullseye", "trixie"):
        return 99  # a current release line
    return None


def _production_flags(call: _Call) -> Iterator[tuple[Token, Token, str]]:
    """Deprecated npm spellings: (first word, last word, replacement)."""
    words = call.command.words
    for token in call.options:
        value = token.value
        if value in ("--production", "--production=true"):
            yield token, token, "--omit=dev"
        elif value == "--production=false":
            yield token, token, "--include=dev"
        elif value in ("--only=prod", "--only=production"):
            yield token, token, "--omit=dev"
        elif value == "--only":
            given = call.values.get("--only")
            if given and given[0].value in ("prod", "production"):
                following = [w for w in words if w.span.start > token.span.start]
                if following and following[0] is given[0]:
                    yield token, given[0], "--omit=dev"


def _npm_production_flag(ctx: LintContext) -> Iterator[Violation]:
    for run in _runs(ctx, ctx.doc.stages):
        major = _node_major(ctx, run.stage)
        if major is not None and major < 15:
            continue  # npm 6 and older only know --production / --only=prod
        for call in _npm_calls(run):
            for first, last, replacement in _production_flags(call):
                old = first.value if first is last else f"{first.value} {last.value}"
                yield Violation(
                    Span(first.span.start, last.span.end),
                    f"'{old}' is the npm 6 spelling; npm 7 and later print a deprecation "
                    f"warning for it: write {replacement}",
                    Fix(
                        f"Replace with {replacement}",
                        (_replace_words(call, first, last, replacement),),
                        safe=major is not None,
                    ),
                )


_BUILD_PROGRAMS = frozenset(
    {"npx", "tsc", "ng", "webpack", "vite", "next", "nest", "gulp", "grunt", "rollup", "esbuild",
     "nuxt", "react-scripts", "vue-cli-service", "babel", "jest", "mocha", "eslint"}
)  # fmt: skip
_NPM_SCRIPT = frozenset({"run", "run-script", "rum", "urn", "test", "t", "tst", "exec", "x"})


def _runs_build_tooling(command: ShellCommand) -> bool:
    program = command.program
    if program in _BUILD_PROGRAMS:
        return True
    words = [w.value for w in command.arguments if not w.value.startswith("-")]
    sub = words[0] if words else None
    if program == "npm":
        return sub in _NPM_SCRIPT
    if program in ("yarn", "pnpm"):
        return sub is not None and sub not in (
            "install", "i", "add", "remove", "cache", "global", "config", "set", "policies",
            "workspaces", "store", "fetch", "prune", "dedupe", "why", "info", "list",
        )  # fmt: skip
    return False


def _build_follows(ctx: LintContext, call: _Call) -> bool:
    """A later step in the shipped stages runs scripts or build tools (they may need dev deps)."""
    run = call.run
    seen = False
    for command in run.commands:
        if seen and _runs_build_tooling(command):
            return True
        seen = seen or command is call.command
    after = False
    for stage in reversed(ctx.shipped_stages()):
        for ins in stage.instructions:
            if ins is run.owner:
                after = True
                continue
            if (
                after
                and ins.keyword == "RUN"
                and any(_runs_build_tooling(c) for c in ctx.commands(ins))
            ):
                return True
    return False


def _prunes_dev(run: _Run) -> bool:
    for call in _npm_calls(run):
        if call.path == ("prune",) and (
            call.has("--production") or any("dev" in v for v in call.option_values("--omit"))
        ):
            return True
    return False


def _omits_dev(ctx: LintContext, call: _Call) -> bool:
    for name in ("--omit", "--only"):
        for value in call.option_values(name):
            if re.search(r"\b(?:dev|prod|production)\b", value):
                return True
    if call.has("--include", "--production"):
        return True  # dev deps omitted, or deliberately included
    env = _env(ctx, call)
    if "NODE_ENV" in env:
        return True  # production omits them; any other value is a deliberate choice
    return _npm_config(env, "production")[0] or _npm_config(env, "omit")[0]


def _dev_dependencies(ctx: LintContext, call: _Call) -> bool | None:
    """The package.json the call installs, read from the build context, declares
    devDependencies; ``None`` when it cannot be read."""
    _, package = _package_json(ctx, call)
    if package is None:
        return None
    text = read_text(package, getattr(ctx.project, "root", None))
    if text is None:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    return bool(data.get("devDependencies"))


def _downloads(ctx: LintContext, call: _Call) -> bool:
    """The npm call certainly downloads packages: it names them, or it installs a
    project whose package.json is copied by name or found in the build context."""
    if not _npm_installs_project(call):
        return True
    manifest, package = _package_json(ctx, call)
    return manifest.status is True or package is not None


def _npm_dev_dependencies(ctx: LintContext) -> Iterator[Violation]:
    if _dev_image(ctx):
        return
    for run in _shipped_runs(ctx):
        if _prunes_dev(run):
            continue
        for call in _npm_calls(run):
            if not _npm_installs_project(call) or id(call.command) in run.conditional:
                continue
            if _omits_dev(ctx, call):
                continue
            declared = _dev_dependencies(ctx, call)
            build = _build_follows(ctx, call)
            if declared is False or (declared is None and not build):
                continue  # none declared, or package.json unread and nothing needs them
            major = _node_major(ctx, run.stage)
            flag = "--production" if major is not None and major < 15 else "--omit=dev"
            message = (
                f"'{call.text}' also installs devDependencies (test runners, bundlers, type "
                "definitions) and they ship in the final image"
            )
            fix = None
            if build:
                message += (
                    "; the build steps after it need them, so build in an earlier stage and "
                    f"install with {flag} in the final one"
                )
            else:
                message += f"; add {flag} or set NODE_ENV=production"
                fix = Fix(f"Add {flag}", (_insert_flag(call, flag),), safe=False)
            yield Violation(call.span, message, fix)
            break


def _npm_cache(ctx: LintContext) -> Iterator[Violation]:
    if _dev_image(ctx):
        return  # the image is a development environment: its size hardly matters
    for run in _shipped_runs(ctx):
        if ctx.is_windows(run.stage):
            continue
        calls = [
            c for c in _npm_calls(run)
            if c.sub is not None and (c.sub.value in _NPM_INSTALL or c.sub.value in _NPM_CI)
            and _downloads(ctx, c)
        ]  # fmt: skip
        if not calls or _runs_subcommand(run, "npm", "cache"):
            continue
        call = calls[0]
        env = _env(ctx, call)
        explicit: list[str | None] = []
        declared, value = _npm_config(env, "cache")
        if declared:
            explicit.append(value)
        for each in calls:
            given = each.option("--cache")
            if given is not None:
                explicit.append(ctx.resolve(run.owner, given))
        cache = _Cache(("npm", "_cacache"), False, tuple(explicit))
        if _cache_mounted(ctx, run, cache) or _removes(ctx, run, cache):
            continue
        edit = _append_command(ctx, run, "npm cache clean --force")
        yield Violation(
            call.span,
            f"'{call.text}' leaves a copy of every downloaded package in npm's cache "
            "(~/.npm), which ships in this layer; run 'npm cache clean --force' in the same "
            "RUN or mount a BuildKit cache on /root/.npm",
            Fix("Clean the npm cache in the same RUN", (edit,)) if edit else None,
            alternatives=_mount_instead(ctx, run, cache, "/root/.npm"),
        )


_NPM_PACKAGE_PATH = ("/", "./", "../", "~/", "file:")


def _npm_pinned(spec: str) -> bool:
    if re.match(r"^(?:git(?:\+[a-z]+)?://|git@|github:)", spec):
        return "#" in spec
    if _URL.match(spec) or spec.endswith((".tgz", ".tar.gz", ".tar")):
        return True
    if spec.startswith(_NPM_PACKAGE_PATH):
        return True
    name = spec.split("/", 1)[1] if spec.startswith("@") and "/" in spec else spec
    if "@" in name:
        return True
    return "/" in name and "#" in name  # github shorthand with a ref


def _npm_unpinned(ctx: LintContext) -> Iterator[Violation]:
    for run in _runs(ctx, ctx.doc.stages):
        for call in _npm_calls(run):
            if call.sub is None or call.sub.value not in _NPM_INSTALL:
                continue
            for token in call.operands:
                spec = ctx.resolve(run.owner, token.value)
                if spec is None or _npm_pinned(spec):
                    continue
                yield Violation(
                    token.span,
                    f"'{spec}' is installed without a version, so each build may get a "
                    f"different release; pin it ({spec}@<version>)",
                )


_BERRY = re.compile(
    r"yarn\s+set\s+version\s+(?!classic\b|1\.)\S|yarn@(?:[2-9]|\d{2,}|berry|stable|canary)|"
    r"\.yarnrc\.yml|\.yarn/releases|\.pnp\.c?js|yarn\s+workspaces\s+focus|yarn\s+dlx|"
    r"--immutable\b|YARN_ENABLE_|YARN_NODE_LINKER"
)
_CLASSIC = re.compile(
    r"yarn\s+set\s+version\s+(?:classic\b|1\.)|yarn@1\b|yarn\s+policies\s+set-version"
)


def _yarn_flavor(ctx: LintContext) -> str | None:
    """Which Yarn the file uses: ``berry`` (2+), ``classic`` (1) or ``None`` (unknown)."""
    key = ("yarn_flavor",)
    if key not in ctx.memo:
        text = ctx.text
        flavor = None
        # Every pattern names yarn (any case), .pnp or --immutable; most files do neither.
        if "yarn" in text or "YARN" in text or ".pnp" in text or "--immutable" in text:
            flavor = (
                "berry" if _BERRY.search(text) else "classic" if _CLASSIC.search(text) else None
            )
        ctx.memo[key] = flavor
    return ctx.memo[key]  # type: ignore[return-value]


def _deliberate(value: str | None) -> bool:
    return value is None or value.lower() not in ("false", "0", "no", "off", "")


def _no_lock_message(call: _Call, manifest: str, lock: str, flag: str) -> str:
    """The message when the manifest is copied without its lock file: nothing is
    rewritten, every build resolves the versions anew."""
    return (
        f"'{call.text}' runs with {manifest} but no {lock} in the image (the COPY before it "
        f"brings {manifest} alone), so every build resolves the versions anew and may get "
        f"others than the ones you tested; copy {lock} in before installing (commit one if "
        f"the project has none) and add {flag}"
    )


def _yarn_frozen_lockfile(ctx: LintContext) -> Iterator[Violation]:
    flavor = _yarn_flavor(ctx)
    flag = "--immutable" if flavor == "berry" else "--frozen-lockfile"
    for run in _runs(ctx, ctx.doc.stages):
        for call in _yarn_installs(run):
            if call.has(*_YARN_FROZEN) or _fallback(call):
                continue
            env = _env(ctx, call)
            if any(
                name in env for name in ("YARN_ENABLE_IMMUTABLE_INSTALLS", "YARN_FROZEN_LOCKFILE")
            ) or ("CI" in env and _deliberate(env["CI"])):
                continue
            message = (
                f"'{call.text}' rewrites yarn.lock when it no longer matches package.json, "
                "so the image can get other versions than the ones you tested; add "
                "--frozen-lockfile (Yarn 1) or --immutable (Yarn 2+) to fail instead"
            )
            fix = None
            where = _install_dir(ctx, call, "--cwd")
            if _lock_missing(ctx, run, "package.json", ("yarn.lock",), where):
                message = _no_lock_message(
                    call, "package.json", "yarn.lock", "--frozen-lockfile (Yarn 1) or --immutable"
                )
            else:
                fix = Fix(f"Add {flag}", (_insert_flag(call, flag),), safe=False)
            yield Violation(call.span, message, fix)


def _yarn_cache(ctx: LintContext) -> Iterator[Violation]:
    flavor = _yarn_flavor(ctx)
    if flavor == "berry":
        return  # with Plug'n'Play the cache is the install: cleaning it breaks the app
    for run in _shipped_runs(ctx):
        if ctx.is_windows(run.stage):
            continue
        calls = list(_yarn_installs(run))
        if not calls or _runs_subcommand(run, "yarn", "cache", "clean"):
            continue
        call = calls[0]
        env = _env(ctx, call)
        explicit: list[str | None] = []
        if "YARN_CACHE_FOLDER" in env:
            explicit.append(env["YARN_CACHE_FOLDER"])
        folders = [c.option("--cache-folder") for c in calls]
        explicit.extend(ctx.resolve(run.owner, f) for f in folders if f is not None)
        cache = _Cache(("yarn",), True, tuple(explicit))
        if _cache_mounted(ctx, run, cache) or _removes(ctx, run, cache):
            continue
        fix = None
        edit = (
            None
            if any(f is not None for f in folders)
            else _append_command(ctx, run, "yarn cache clean")
        )
        if edit is not None:
            # Yarn 2+ configured by a copied .yarnrc.yml would use the cache as its install.
            yarnrc = _maybe_copied(ctx, run, (".yarnrc.yml", ".yarnrc", ".yarn"))
            fix = Fix(
                "Clean the yarn cache in the same RUN",
                (edit,),
                safe=flavor == "classic" or yarnrc is False,
            )
        yield Violation(
            call.span,
            f"'{call.text}' leaves a copy of every downloaded package in yarn's cache, "
            "which ships in this layer; run 'yarn cache clean' in the same RUN or mount a "
            "BuildKit cache on /usr/local/share/.cache/yarn",
            fix,
            # Yarn 2+ keeps its cache in the project; the global one is Yarn 1's.
            alternatives=()
            if flavor == "berry"
            else _mount_instead(ctx, run, cache, "/usr/local/share/.cache/yarn"),
        )


def _pnpm_frozen_lockfile(ctx: LintContext) -> Iterator[Violation]:
    for run in _runs(ctx, ctx.doc.stages):
        for call in _pnpm_installs(run):
            if call.has(*_PNPM_FROZEN) or _fallback(call):
                continue
            env = _env(ctx, call)
            if ("CI" in env and _deliberate(env["CI"])) or _npm_config(env, "frozen_lockfile")[0]:
                continue
            message = (
                f"'{call.text}' updates pnpm-lock.yaml when it no longer matches package.json, "
                "so the image can get other versions than the ones you tested; add "
                "--frozen-lockfile to fail instead"
            )
            fix = None
            where = _install_dir(ctx, call, "-C", "--dir")
            if _lock_missing(ctx, run, "package.json", ("pnpm-lock.yaml",), where):
                message = _no_lock_message(
                    call, "package.json", "pnpm-lock.yaml", "--frozen-lockfile"
                )
            else:
                fix = Fix(
                    "Add --frozen-lockfile",
                    (_insert_flag(call, "--frozen-lockfile"),),
                    safe=False,
                )
            yield Violation(call.span, message, fix)


# -- Ruby: gem ------------------------------------------------------------------------

_GEM_VALUE_OPTIONS = frozenset(
    {"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--platform", "-s", "--source",
     "-P", "--trust-policy", "-g", "--file", "--build-root", "--document", "--target-rbconfig"}
)  # fmt: skip


def _before_double_dash(call: _Call) -> tuple[Token, ...]:
    """The operands before ``--``: what follows it (``gem install pg -- --with-pg-config=…``)
    goes to the gem's native extension build, not to gem."""
    words = call.command.words
    at = next(i for i, w in enumerate(words) if w is call.anchor)
    dashes = next((i for i in range(at + 1, len(words)) if words[i].value == "--"), None)
    if dashes is None:
        return call.operands
    after = {id(w) for w in words[dashes:]}
    return tuple(t for t in call.operands if id(t) not in after)


def _gem_unpinned(ctx: LintContext) -> Iterator[Violation]:
    for run in _runs(ctx, ctx.doc.stages):
        for call in _calls(run, ("gem",), _GEM_VALUE_OPTIONS):
            if call.path not in (("install",), ("i",)) or call.has("-v", "--version"):
                continue
            for token in _before_double_dash(call):
                spec = ctx.resolve(run.owner, token.value)
                if spec is None or ":" in spec or spec.endswith(".gem"):
                    continue
                yield Violation(
                    token.span,
                    f"'{spec}' is installed without a version, so each build may get a "
                    f"different release; pin it ({spec}:<version> or -v <version>)",
                )


RULES = (
    Rule(
        code="LW630",
        name="pip-cache",
        summary="pip install without --no-cache-dir leaves pip's cache in the image",
        severity=Severity.WARNING,
        category="layers",
        check=_pip_cache,
        aliases=("DL3042",),
        fixable=True,
    ),
    Rule(
        code="LW631",
        name="pip-unpinned",
        summary="pip install of a package without a version",
        severity=Severity.WARNING,
        category="layers",
        check=_pip_unpinned,
        aliases=("DL3013",),
        default_enabled=False,
    ),
    Rule(
        code="LW632",
        name="uv-cache",
        summary="uv installs without --no-cache leave uv's cache in the image",
        severity=Severity.WARNING,
        category="layers",
        check=_uv_cache,
        fixable=True,
    ),
    Rule(
        code="LW633",
        name="poetry-dev-dependencies",
        summary="poetry install in the final image without --only main",
        severity=Severity.INFO,
        category="layers",
        check=_poetry_dev,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW634",
        name="uv-dev-dependencies",
        summary="uv sync in the final image without --no-dev",
        severity=Severity.INFO,
        category="layers",
        check=_uv_dev,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW635",
        name="uv-sync-unlocked",
        summary="uv sync without --locked or --frozen",
        severity=Severity.WARNING,
        category="layers",
        check=_uv_unlocked,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW640",
        name="npm-install-not-ci",
        summary="npm install where npm ci installs the locked dependency tree",
        severity=Severity.WARNING,
        category="layers",
        check=_npm_ci,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW641",
        name="npm-production-flag",
        summary="Deprecated npm --production / --only=production instead of --omit=dev",
        severity=Severity.INFO,
        category="layers",
        check=_npm_production_flag,
        fixable=True,
        fix_safety=FixSafety.SOMETIMES,
        tags=("deprecated",),
    ),
    Rule(
        code="LW642",
        name="npm-dev-dependencies",
        summary="npm installs devDependencies into the final image",
        severity=Severity.INFO,
        category="layers",
        check=_npm_dev_dependencies,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW643",
        name="npm-cache",
        summary="npm install or ci leaves npm's cache in the image",
        severity=Severity.INFO,
        category="layers",
        check=_npm_cache,
        fixable=True,
    ),
    Rule(
        code="LW644",
        name="npm-unpinned",
        summary="npm install of a package without a version",
        severity=Severity.WARNING,
        category="layers",
        check=_npm_unpinned,
        aliases=("DL3016",),
        default_enabled=False,
    ),
    Rule(
        code="LW645",
        name="yarn-frozen-lockfile",
        summary="yarn install without --frozen-lockfile or --immutable",
        severity=Severity.WARNING,
        category="layers",
        check=_yarn_frozen_lockfile,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW646",
        name="yarn-cache",
        summary="yarn install without yarn cache clean in the same RUN",
        severity=Severity.INFO,
        category="layers",
        check=_yarn_cache,
        aliases=("DL3060",),
        fixable=True,
        fix_safety=FixSafety.SOMETIMES,
    ),
    Rule(
        code="LW647",
        name="pnpm-frozen-lockfile",
        summary="pnpm install without --frozen-lockfile",
        severity=Severity.WARNING,
        category="layers",
        check=_pnpm_frozen_lockfile,
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
    ),
    Rule(
        code="LW650",
        name="gem-unpinned",
        summary="gem install of a gem without a version",
        severity=Severity.WARNING,
        category="layers",
        check=_gem_unpinned,
        aliases=("DL3028",),
        default_enabled=False,
    ),
)
