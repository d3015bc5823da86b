"""Security, secrets, build context and remote content (PRACTICES B 8-10, C 12-14, D 16-17, G 28-31).

LW203-LW205: file ownership and permissions, ``sudo``.
LW302-LW304: credentials written into layers.
LW402-LW403: what ``.dockerignore`` keeps out of the build context.
LW702-LW705: downloads: unverified ``ADD <url>``, ``curl | sh``, curl and wget.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...syntax.model import Instruction, Span, Stage, Token
from ...syntax.shell import ShellCommand, split_shell
from ...syntax.source import SourceText
from ..commands import option_values
from ..context import LintContext
from ..dockerignore import IgnoreMatcher, IgnorePattern, load_dockerignore
from ..facts import clean_path as _clean
from ..paths import (
    REMOTE,
    copy_dest,
    copy_paths,
    copy_sources,
    glob_covers,
    has_glob,
    path_segments,
    run_path,
    whole_context_source,
)
from ..rule import Edit, FileChange, Fix, Related, Rule, Severity, Violation
from ..stages import copy_from, stage_facts
from ..walk import line_number, run_targets, shipped_indexes

_ROOT_USERS = frozenset({"root", "0"})


# -- shared helpers ---------------------------------------------------------------------


def _last_user_before(ctx: LintContext, ins: Instruction) -> Instruction | None:
    """The USER instruction in effect at ``ins`` (stage chain included)."""
    stage = ctx.doc.stage_of(ins)
    if stage is None:
        return None
    for member in ctx.stage_chain(stage):
        for other in reversed(member.instructions):
            if other.span.start < ins.span.start and other.keyword == "USER":
                return other
    return None


# -- sensitive file names (LW303, LW304) -----------------------------------------------

_SSH_KEYS = frozenset(
    {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"}
)
_ENV_TEMPLATES = frozenset(
    {"example", "sample", "template", "tmpl", "dist", "default", "defaults", "schema"}
)  # fmt: skip
# Repository signing keys are often named ``*.key`` too; they are public.
_PUBLIC_KEY_HINT = re.compile(r"gpg|pgp|pub|release|repo|apt|yum|signing|archive|keyring", re.I)
_PRIVATE_HINT = re.compile(r"key|priv", re.I)
_SECRET_WORD = re.compile(
    r"(?:^|[._-])(?:secrets?|credentials?|creds|tokens?|passwords?|passwd|apikey|api[_-]key|"
    r"private[_-]?key|service[_-]account)(?:[._-]|$)",
    re.I,
)
_KEYRING_DIRS = ("/etc/apt/", "/usr/share/keyrings/", "/etc/pki/rpm-gpg/", "/etc/apk/keys/")


def credential_kind(path: str) -> str | None:
    """What credential a file or directory name stands for, or ``None``."""
    segs = path_segments(path.replace("\\", "/"))
    if not segs:
        return None
    base = segs[-1]
    parent = segs[-2] if len(segs) > 1 else ""
    lower = base.lower()
    if base in _SSH_KEYS or (
        parent == ".ssh" and base.startswith("id_") and not base.endswith(".pub")
    ):
        return "a private SSH key"
    if base == ".ssh":
        return "an SSH directory with private keys"
    if base == ".aws" or (parent == ".aws" and base == "credentials"):
        return "AWS credentials"
    if base == ".npmrc":
        return "an npm configuration, which usually holds a registry token"
    if base == ".pypirc":
        return "PyPI upload credentials"
    if lower in (".netrc", "_netrc"):
        return "netrc login credentials"
    if base == ".git-credentials":
        return "stored Git credentials"
    if base == ".pgpass":
        return "PostgreSQL passwords"
    if base in (".dockercfg", ".docker") or (parent == ".docker" and base == "config.json"):
        return "Docker registry credentials"
    if base == ".kube" or (parent == ".kube" and base == "config"):
        return "a kubeconfig with cluster credentials"
    if base == ".gnupg":
        return "a GnuPG home with private keys"
    if lower == ".env":
        return "an environment file, which usually holds secrets"
    if lower.startswith(".env."):
        suffix = lower[5:].split(".")
        if not any(part in _ENV_TEMPLATES for part in suffix):
            return "an environment file, which usually holds secrets"
    return None


def key_file_kind(path: str) -> str | None:
    """Private-key files by extension (``*.key``, ``*.pem`` named like a key, PKCS#12)."""
    base = posixpath.basename(path.replace("\\", "/").rstrip("/"))
    stem, ext = posixpath.splitext(base.lower())
    if ext in (".p12", ".pfx"):
        return "a PKCS#12 bundle with a private key"
    if ext == ".key" and not _PUBLIC_KEY_HINT.search(stem):
        return "a private key"
    if ext == ".pem" and _PRIVATE_HINT.search(stem) and "pub" not in stem:
        return "a private key"  # ``key.pem``, ``ca-key.pem``; ``cert.pem``/``ca.pem`` are public
    return None


@functools.lru_cache(maxsize=4096)
def _sensitive(path: str) -> str | None:
    """Any name that suggests a secret: credentials, key files, secret-like words."""
    kind = credential_kind(path) or key_file_kind(path)
    if kind is not None:
        return kind
    base = posixpath.basename(path.rstrip("/"))
    if _SECRET_WORD.search(base):
        return "a file named like a secret"
    return None


# -- LW203 copy-without-chown ----------------------------------------------------------

_OWNER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$")
_USER_TOOLS = frozenset({"useradd", "adduser", "groupadd", "addgroup"})


@dataclass(frozen=True)
class _Chown:
    ins: Instruction
    command: ShellCommand
    owner: str | None  # resolved owner spec, None when unknown
    targets: list[str]  # absolute paths (globs allowed)
    unresolved: bool = False  # some path arguments could not be resolved


def _recursive_chowns(ctx: LintContext, stage: Stage) -> list[_Chown]:
    found = []
    for ins in stage.instructions:
        if ins.keyword != "RUN" or ins.shell is None:
            continue
        for command in ctx.commands(ins, "chown"):
            flags, values, positional = option_values(
                command, "", frozenset({"--from", "--reference"})
            )
            if not ({"-R", "--recursive"} & flags):
                continue
            if "--reference" in values:
                owner, paths = None, positional
            elif positional:
                raw = positional[0].value
                owner = ctx.resolve(ins, raw) if "$" in raw else raw
                if owner is not None and not _OWNER.match(owner):
                    owner = None  # ``$(id -u)`` and other shell-computed owners
                paths = positional[1:]
            else:
                continue
            targets = []
            for word in paths:
                path = run_path(ctx, ins, command, word.value)
                if path is not None:
                    targets.append(path)
            if targets:
                found.append(_Chown(ins, command, owner, targets, len(targets) < len(paths)))
    return found


def _created_later(ctx: LintContext, stage: Stage, after: Instruction, owner: str) -> bool:
    """A user or group named in ``owner`` is created after ``after`` in the stage."""
    names = {n for n in owner.split(":") if n and not n.isdigit()}
    for ins in stage.instructions:
        if ins.span.start <= after.span.start or ins.keyword != "RUN":
            continue
        for command in ctx.commands(ins):
            if command.program in _USER_TOOLS and names & {w.value for w in command.arguments}:
                return True
    return False


def _chown_fix(ctx: LintContext, stage: Stage, ins: Instruction, owner: str | None) -> Fix | None:
    if owner is None or not _OWNER.match(owner):
        return None
    if ":" not in owner and "." in owner:
        return None  # ``user.group`` is chown's legacy spelling; --chown has no such form
    if _created_later(ctx, stage, ins, owner):
        return None  # --chown needs the user to exist when COPY runs
    at = ins.keyword_span.end
    return Fix(
        f"Copy with --chown={owner} (unsafe)", (Edit(at, at, f" --chown={owner}"),), safe=False
    )


def _chowned_beyond_copies(ctx: LintContext, stage: Stage, chown: _Chown) -> list[str]:
    """The chown's targets that are not files COPY/ADD put in the stage before it (a
    directory made by ``mkdir`` above a copied file, another path): dropping the chown
    would leave them with their old owner. Unknown chown arguments count as more."""
    copied: list[str] = []
    for ins in stage.instructions:
        if ins.span.start >= chown.ins.span.start:
            break
        if ins.keyword in ("COPY", "ADD"):
            copied.extend(t for _, candidates in copy_paths(ctx, ins) for t in candidates)
    more = []
    for target in chown.targets:
        if not any(target == c or target.startswith(c.rstrip("/") + "/") for c in copied):
            more.append(target)
    if chown.unresolved:
        more.append("paths it cannot resolve")
    return more


def _copy_without_chown(ctx: LintContext) -> Iterator[Violation]:
    shipped = shipped_indexes(ctx)
    for stage in ctx.doc.stages:
        if stage.index not in shipped or ctx.is_windows(stage):
            continue
        chowns = _recursive_chowns(ctx, stage)
        if not chowns:
            continue
        for ins in stage.instructions:
            if ins.keyword not in ("COPY", "ADD") or ins.flag("chown") is not None:
                continue
            targets = [t for _, candidates in copy_paths(ctx, ins) for t in candidates]
            if not targets:
                continue
            for chown in chowns:
                if chown.ins.span.start <= ins.span.start:
                    continue
                if all(
                    any(glob_covers(t, target, recursive=True) for t in chown.targets)
                    for target in targets
                ):
                    owner = chown.owner or "<user>"
                    more = _chowned_beyond_copies(ctx, stage, chown)
                    advice = (
                        "drop the recursive chown"
                        if not more
                        else f"narrow the chown, which also re-owns {', '.join(more)}, so that "
                        "it no longer covers the copied files"
                    )
                    yield Violation(
                        ins.keyword_span,
                        f"'chown -R' on line {line_number(ctx, chown.command.span.start)} re-owns "
                        f"what this {ins.keyword} adds, which stores a second copy of every "
                        f"file in a new layer; use '{ins.keyword} --chown={owner}' and {advice}",
                        _chown_fix(ctx, stage, ins, chown.owner),
                        (Related(chown.command.span, "recursive chown of the copied files"),),
                    )
                    break


# -- LW204 world-writable --------------------------------------------------------------

_SYMBOLIC_CLAUSE = re.compile(r"^([ugoa]*)((?:[-+=][rwxXst]*)+)$")


def _mode_is_world_writable(mode: str) -> bool | None:
    """True for modes that let everyone write (sticky-bit modes excepted); None if unknown."""
    if re.fullmatch(r"[0-7]{1,5}", mode):
        value = int(mode, 8)
        return bool(value & 0o002) and not value & 0o1000
    writable = False
    sticky = False
    for clause in mode.split(","):
        match = _SYMBOLIC_CLAUSE.match(clause)
        if match is None:
            return None  # ``o=u`` style copies or not a mode at all
        who = match.group(1)
        others = "o" in who or "a" in who
        for op, perms in re.findall(r"([-+=])([rwxXst]*)", match.group(2)):
            if others:
                if op == "=":
                    writable = "w" in perms
                elif "w" in perms:
                    writable = op == "+"
            if "t" in perms and (others or not who):
                sticky = op != "-"
    return writable and not sticky


def _mode_arguments(command: ShellCommand) -> list[tuple[Token, str, list[Token]]]:
    """(mode word, mode text, target words) of chmod, mkdir -m and install -m."""
    program = command.program
    if program == "chmod":
        flags, values, positional = option_values(command, "", frozenset({"--reference"}))
        if "--reference" in values or not positional:
            return []
        # A mode that looks like an option (``chmod -w f``) only removes bits: skipping is fine.
        return [(positional[0], positional[0].value, positional[1:])]
    if program in ("mkdir", "install"):
        args = command.arguments
        out: list[tuple[Token, str, list[Token]]] = []
        for index, word in enumerate(args):
            value = word.value
            if value in ("-m", "--mode") and index + 1 < len(args):
                out.append((args[index + 1], args[index + 1].value, []))
            elif value.startswith("--mode="):
                out.append((word, value[len("--mode=") :], []))
            elif value.startswith("-m") and len(value) > 2 and not value.startswith("--"):
                out.append((word, value[2:], []))
        return out
    return []


def _removed_in_same_run(
    ctx: LintContext, ins: Instruction, after: ShellCommand, targets: list[Token]
) -> bool:
    if not targets:
        return False
    names = {t.value for t in targets}
    seen = False
    for command in ctx.commands(ins):
        if command is after:
            seen = True
            continue
        if seen and command.program == "rm":
            removed = {w.value for w in command.arguments}
            if names <= removed:
                return True
    return False


def _world_writable(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        if ctx.is_windows(stage):
            continue
        for ins in stage.instructions:
            target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger else ins
            if target.keyword in ("COPY", "ADD"):
                flag = target.flag("chmod")
                if flag is None or flag.value is None or flag.value_span is None:
                    continue
                mode = ctx.resolve(target, flag.value)
                if mode is not None and _mode_is_world_writable(mode):
                    yield Violation(
                        flag.value_span,
                        f"--chmod={mode} makes the copied files writable by every user; "
                        "drop the write bit for others (e.g. 755 or 644)",
                    )
                continue
            if target.keyword != "RUN":
                continue
            for command in ctx.commands(target, "chmod", "mkdir", "install"):
                for word, raw_mode, targets in _mode_arguments(command):
                    mode = ctx.resolve(target, raw_mode) if "$" in raw_mode else raw_mode
                    if mode is None or not _mode_is_world_writable(mode):
                        continue
                    if _removed_in_same_run(ctx, target, command, targets):
                        continue  # a scratch directory that does not outlive the RUN
                    yield Violation(
                        word.span,
                        f"Mode '{mode}' makes the path writable by every user in the "
                        "container, so any process can replace code or data there; grant "
                        "write access to the owning user or group instead (e.g. 755, 775)",
                    )


# -- LW205 sudo ------------------------------------------------------------------------


def _sudo_word(command: ShellCommand) -> int | None:
    end = command.program_at if command.program_at is not None else len(command.words) - 1
    for index in range(0, end + 1):
        if command.words[index].value.rsplit("/", 1)[-1] == "sudo":
            return index
    return None


def _builds_as_root(ctx: LintContext, ins: Instruction) -> bool:
    user = _last_user_before(ctx, ins)
    if user is None:
        stage = ctx.doc.stage_of(ins)
        image = ctx.info(stage).image if stage is not None else None
        return image is not None and image.is_official
    name = user.args.split(":", 1)[0].strip().strip("\"'")
    resolved = ctx.resolve(user, name)
    return resolved is not None and resolved.lower() in _ROOT_USERS


def _sudo(ctx: LintContext) -> Iterator[Violation]:
    for _, ins in run_targets(ctx):
        if "sudo" not in ctx.text[ins.span.start : ins.span.end]:
            continue  # most RUNs: nothing to look for
        for command in ctx.commands(ins):
            index = _sudo_word(command)
            if index is None:
                continue
            word = command.words[index]
            fix = None
            nxt = command.words[index + 1] if index + 1 < len(command.words) else None
            if (
                nxt is not None
                and command.program_at == index + 1
                and not ctx.text[word.span.end : nxt.span.start].strip(" \t")
                and _builds_as_root(ctx, ins)
            ):
                fix = Fix(
                    "Remove sudo (unsafe)", (Edit(word.span.start, nxt.span.start, ""),), safe=False
                )
            yield Violation(
                word.span,
                "sudo in a RUN: build steps already run as the current USER, and sudo needs a "
                "setuid binary and a sudoers entry in the image; switch with USER root for "
                "the steps that need it (or use gosu/su-exec at runtime)",
                fix,
            )


# -- LW302 literal credentials ---------------------------------------------------------

_PLACEHOLDER = re.compile(r"^(?:[xX*._-]+|<[^>]*>|\{+[^}]*\}+|%s|\.\.\.)$")


@dataclass(frozen=True)
class _SecretPattern:
    kind: str
    regex: re.Pattern[str]
    group: str | int = 0
    #: Literal text every match contains: a cheap test before running the regex.
    hints: tuple[str, ...] = ()


_SECRET_PATTERNS = (
    _SecretPattern(
        "an AWS access key ID",
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
        hints=("AKIA", "ASIA"),
    ),
    _SecretPattern(
        "a private key",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
        hints=("PRIVATE KEY",),
    ),
    _SecretPattern(
        "a GitHub token",
        re.compile(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
        hints=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    _SecretPattern(
        "a GitLab token",
        re.compile(r"(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,}"),
        hints=("glpat-",),
    ),
    _SecretPattern(
        "an npm token",
        re.compile(r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"),
        hints=("npm_",),
    ),
    _SecretPattern(
        "a Slack token",
        re.compile(r"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}"),
        hints=("xox",),
    ),
    _SecretPattern(
        "a password in a URL",
        # Starts at the literal "://" so the regex engine can skip ahead to it.
        re.compile(r"://[^\s/:@'\"$]+:(?P<secret>[^\s/@'\"]+)@[^\s/@'\"]"),
        "secret",
        hints=("://",),
    ),
    _SecretPattern(
        "an npm registry token",
        re.compile(r"(?::|\b)_(?:authToken|auth)\s*=\s*(?P<secret>[^\s'\"$]{8,})"),
        "secret",
        hints=("_auth",),
    ),
)


_TOKEN_PREFIX = re.compile(r"AKIA|ASIA|github_pat_|gh[pousr]_|glpat-|npm_|xox[abposr]-")


def _is_placeholder(pattern: _SecretPattern, secret: str) -> bool:
    if "$" in secret or _PLACEHOLDER.match(secret):
        return True
    if pattern.group != 0:
        return False  # a password or auth value: any literal counts
    if secret.endswith("EXAMPLE"):
        return True  # AWS's documented example keys
    prefix = _TOKEN_PREFIX.match(secret)
    if prefix is None:
        return False  # a private key header
    return len(set(secret[prefix.end() :])) <= 3  # ghp_xxxxxxxx..., AKIA0000000000000000


def _literal_credentials(ctx: LintContext) -> Iterator[Violation]:
    text = ctx.text
    if not ctx.doc.instructions:
        return
    comments = [c.span for c in ctx.doc.comments]
    first = ctx.doc.instructions[0].span.start  # directives above are not instructions
    found: list[tuple[Span, str]] = []
    # One pass of each pattern over the whole file (not per instruction): this runs
    # on every keystroke.
    for pattern in _SECRET_PATTERNS:
        if pattern.hints and not any(hint in text for hint in pattern.hints):
            continue
        for match in pattern.regex.finditer(text, first):
            secret = match.group(pattern.group)
            span = Span(match.start(pattern.group), match.end(pattern.group))
            if _is_placeholder(pattern, secret):
                continue
            if any(c.start <= span.start < c.end for c in comments):
                continue
            if any(span.overlaps(other) for other, _ in found):
                continue  # a token inside a URL is reported once, as the token
            found.append((span, pattern.kind))
    for span, kind in sorted(found, key=lambda item: item[0].start):
        yield Violation(
            span,
            f"This looks like {kind} written into the Dockerfile: it is stored "
            "in the image history and in version control; revoke it and pass it with "
            "'RUN --mount=type=secret' instead",
        )


# -- LW303 copy of sensitive files -----------------------------------------------------


def _is_keyring_dest(ctx: LintContext, ins: Instruction) -> bool:
    dest = copy_dest(ins)
    value = ctx.resolve(ins, dest.value) if dest is not None else None
    return value is not None and value.startswith(_KEYRING_DIRS)


def _sensitive_copy(ctx: LintContext) -> Iterator[Violation]:
    shipped = shipped_indexes(ctx)
    for stage in ctx.doc.stages:
        windows = ctx.is_windows(stage)
        for ins in stage.instructions:
            if ins.keyword not in ("COPY", "ADD"):
                continue
            from_stage = ins.flag("from") is not None
            reported = False
            for token in copy_sources(ins):
                value = ctx.resolve(ins, token.value)
                if value is None or REMOTE.match(value):
                    continue
                path = value.replace("\\", "/") if windows else value
                path = path.rstrip("/") or path
                if has_glob(path):
                    base = posixpath.basename(path)
                    kind = (
                        "environment files, which usually hold secrets"
                        if re.fullmatch(r"\.env(?:\.?\*)", base)
                        else None
                    )
                else:
                    kind = credential_kind(path)
                    if kind is None and not from_stage:
                        if not _is_keyring_dest(ctx, ins):
                            kind = key_file_kind(path)
                        if (
                            kind is None
                            and posixpath.basename(path) == ".git"
                            and stage.index in shipped
                        ):
                            kind = "the Git repository, whose history keeps every secret ever committed"
                if kind is None:
                    continue
                reported = True
                yield Violation(
                    token.span,
                    f"'{value}' is {kind}: {ins.keyword} stores it in a layer that everyone "
                    "with the image can read; exclude it in .dockerignore and pass secrets with "
                    "'RUN --mount=type=secret' (or --mount=type=ssh for SSH keys)",
                )
            dest = copy_dest(ins)
            if reported or dest is None or ins.heredocs:
                continue
            value = ctx.resolve(ins, dest.value)
            if value is None or value.endswith("/"):
                continue
            kind = credential_kind(value.replace("\\", "/") if windows else value)
            if kind is not None and not kind.startswith(("an environment", "an SSH dir")):
                yield Violation(
                    dest.span,
                    f"'{value}' is {kind}: {ins.keyword} stores it in a layer that everyone "
                    "with the image can read; mount it with 'RUN --mount=type=secret' (or "
                    "--mount=type=ssh) in the steps that need it",
                )


# -- LW304 secret removed in a later layer ---------------------------------------------


@dataclass(frozen=True)
class _Stored:
    ins: Instruction
    path: str  # absolute
    kind: str
    how: str


def _written_paths(ctx: LintContext, ins: Instruction) -> Iterator[tuple[ShellCommand, str]]:
    """Absolute paths a RUN writes files to: redirections, tee, cp/mv, curl -o, wget -O."""
    for command in ctx.commands(ins):
        words: list[str] = []
        for redirect in command.redirects:
            op = redirect.operator.lstrip("0123456789")
            if op in (">", ">>", ">|", "&>", "&>>") and redirect.target is not None:
                words.append(redirect.target.value)
        program = command.program
        if program == "tee":
            words.extend(w.value for w in command.arguments if not w.value.startswith("-"))
        elif program in ("cp", "mv", "install") and command.arguments:
            last = command.arguments[-1].value
            if not last.startswith("-"):
                words.append(last)
        elif program == "curl":
            _, values, _ = option_values(command, "o", frozenset({"--output"}))
            words.extend(v for v in (values.get("-o"), values.get("--output")) if v)
        elif program == "wget":
            _, values, _ = option_values(command, "O", frozenset({"--output-document"}))
            words.extend(v for v in (values.get("-O"), values.get("--output-document")) if v)
        elif program == "ssh-keygen":
            _, values, _ = option_values(command, "fCNtbm", frozenset())
            if values.get("-f"):
                words.append(values["-f"] or "")
        for word in words:
            if word in ("-", "/dev/null", "/dev/stdout", "/dev/stderr"):
                continue
            path = run_path(ctx, ins, command, word)
            if path is not None:
                yield command, path


def _stored_secrets(ctx: LintContext, ins: Instruction) -> list[_Stored]:
    stored = []
    if ins.keyword in ("COPY", "ADD"):
        for source, targets in copy_paths(ctx, ins):
            if REMOTE.match(source):
                continue
            for target in targets:
                kind = _sensitive(target) or _sensitive(source)
                if kind is not None:
                    stored.append(_Stored(ins, target, kind, f"the {ins.keyword} on line"))
    elif ins.keyword == "RUN" and ins.shell is not None:
        for _, path in _written_paths(ctx, ins):
            kind = _sensitive(path)
            if kind is not None:
                stored.append(_Stored(ins, path, kind, "the RUN on line"))
    return stored


def _removals(ctx: LintContext, ins: Instruction) -> Iterator[tuple[Token, str, bool]]:
    for command in ctx.commands(ins, "rm", "shred"):
        flags, _, positional = option_values(command, "", frozenset())
        recursive = bool({"-r", "-R", "--recursive"} & flags)
        for word in positional:
            path = run_path(ctx, ins, command, word.value)
            if path is not None:
                yield word, path, recursive


def _secret_removed_later(ctx: LintContext) -> Iterator[Violation]:
    final = ctx.final_stage
    if final is None or ctx.is_windows(final):
        return
    stored: list[_Stored] = []
    for stage in reversed(ctx.stage_chain(final)):
        for ins in stage.instructions[1:]:
            if ins.keyword == "RUN" and ins.shell is not None and stored:
                for word, path, recursive in _removals(ctx, ins):
                    for item in stored:
                        if item.ins is ins or not glob_covers(path, item.path, recursive):
                            continue
                        yield Violation(
                            word.span,
                            f"Removing '{word.value}' here does not take {item.kind} out of "
                            f"the image: {item.how} {line_number(ctx, item.ins.span.start)} already "
                            "stored it in a layer; use 'RUN --mount=type=secret' (or "
                            "--mount=type=ssh) so it never lands in a layer",
                            related=(Related(item.ins.keyword_span, "the file is stored here"),),
                        )
                        break
            stored.extend(_stored_secrets(ctx, ins))


# -- .dockerignore (LW402, LW403) --------------------------------------------------------


def _context_path(ctx: LintContext, stage: Stage, ins: Instruction, token: Token) -> str | None:
    """A COPY source as a cleaned path relative to the context root; ``None`` if unknown."""
    value = ctx.resolve(ins, token.value)
    if value is None or not value or REMOTE.match(value):
        return None
    if ctx.is_windows(stage):
        value = value.replace("\\", "/")
    path = _clean(value).lstrip("/") or "."
    if path == "." or path == ".." or path.startswith("../"):
        return None
    return path


# -- LW402 dockerignore-missing-essentials ----------------------------------------------

_ESSENTIALS = (".git", ".env", ".npmrc")


_ESSENTIAL_PATTERNS = {".git": ".git", ".env": ".env*", ".npmrc": ".npmrc"}


def _append_essentials(path: Path, patterns: list[str]) -> Fix | None:
    """Append the missing patterns at the end of the ignore file."""
    try:
        existing = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    newline = "\r\n" if "\r\n" in existing else "\n"
    lead = "" if not existing or existing.endswith(("\n", "\r")) else newline
    text = lead + newline.join(patterns) + newline
    end = SourceText(existing).to_client(len(existing))
    return Fix(
        f"Add {', '.join(patterns)} to {path.name}",
        (),
        # Unsafe: a build step may read one of them (a .env baked in on purpose).
        safe=False,
        files=(FileChange(path, text, False, end),),
    )


def _dockerignore_essentials(ctx: LintContext) -> Iterator[Violation]:
    matcher: IgnoreMatcher | None = None
    loaded = False
    for ins in ctx.doc.instructions:
        token = whole_context_source(ins)
        if token is None:
            continue
        if not loaded:
            matcher, loaded = load_dockerignore(ctx), True
        if matcher is None:
            return
        excludes = [f.value for f in ins.flags if f.name == "exclude" and f.value]
        own = IgnoreMatcher.parse(matcher.path, "\n".join(excludes)) if excludes else None
        missing = [
            name
            for name in _ESSENTIALS
            if matcher.decide(name) is None and (own is None or own.decide(name) is None)
        ]
        if not missing:
            continue
        names = ", ".join(missing)
        patterns = ["".join(_ESSENTIAL_PATTERNS[m]) for m in missing]
        yield Violation(
            token.span,
            f"{matcher.path.name} does not exclude {names}, so this {ins.keyword} puts "
            f"{'it' if len(missing) == 1 else 'them'} in the image; add "
            f"{', '.join(patterns)} to {matcher.path.name}",
            _append_essentials(matcher.path, patterns),
        )


# -- LW403 copy-ignored-file ----------------------------------------------------------


def _literal_prefix(path: str) -> str:
    segs = path.split("/")
    prefix = []
    for seg in segs:
        if has_glob(seg):
            break
        prefix.append(seg)
    return "/".join(prefix)


def _copy_ignored(ctx: LintContext) -> Iterator[Violation]:
    matcher: IgnoreMatcher | None = None
    loaded = False
    for stage in ctx.doc.stages:
        for ins in stage.instructions:
            if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None:
                continue
            for token in copy_sources(ins):
                path = _context_path(ctx, stage, ins, token)
                if path is None:
                    continue
                if not loaded:
                    matcher, loaded = load_dockerignore(ctx), True
                if matcher is None:
                    return
                pattern: IgnorePattern | None = None
                if not has_glob(path):
                    pattern = matcher.decide(path)
                    if pattern is not None and matcher.may_reinclude_below(path):
                        pattern = None
                else:
                    prefix = _literal_prefix(path)
                    if prefix and prefix != path:
                        pattern = matcher.decide(prefix)
                        if pattern is not None and matcher.may_reinclude_below(prefix):
                            pattern = None
                    if pattern is None and not matcher.exclusions:
                        pattern = next((p for p in matcher.patterns if p.text == path), None)
                if pattern is None:
                    continue
                yield Violation(
                    token.span,
                    f"'{path}' is excluded by {matcher.path.name} (pattern '{pattern.text}' on "
                    f"line {pattern.line}), so it is not in the build context and this "
                    f"{ins.keyword} fails or copies nothing; remove the pattern or the source",
                )


# -- LW702 add-url-without-checksum ----------------------------------------------------


def _contributing(ctx: LintContext) -> frozenset[int]:
    """Stages whose work can end up in the image the build produces by default: the
    shipped stages, the stages they are built FROM, copy from (``COPY --from``) or mount
    (``RUN --mount=from=``), and so on. A test, lint or CI target that nothing shipped
    uses is not among them."""
    key = ("contributing",)
    found = ctx.memo.get(key)
    if isinstance(found, frozenset):
        return found
    stages = ctx.doc.stages
    todo = [s.index for s in ctx.shipped_stages()]
    seen: set[int] = set()
    while todo:
        index = todo.pop()
        if index in seen or index >= len(stages):
            continue
        seen.add(index)
        stage = stages[index]
        todo.extend(s.index for s in ctx.stage_chain(stage))
        for ins in stage.instructions:
            if ins.keyword == "COPY":
                origin = copy_from(ctx, ins)
                if isinstance(origin, Stage):
                    todo.append(origin.index)
                elif origin is None and ins.flag("from") is not None:
                    todo.extend(s.index for s in stages)  # unresolved: anything
            elif ins.keyword == "RUN":
                for flag in ins.flags:
                    if flag.name != "mount" or not flag.value:
                        continue
                    fields = dict(
                        part.partition("=")[::2] for part in flag.value.split(",") if "=" in part
                    )
                    name = fields.get("from")
                    if name is None:
                        continue
                    value = ctx.resolve(ins, name)
                    if value is None:
                        todo.extend(s.index for s in stages)
                        continue
                    named = (
                        stages[int(value)]
                        if value.isdigit() and int(value) < len(stages)
                        else ctx.doc.stage_named(value)
                    )
                    if named is not None:
                        todo.append(named.index)
    result = frozenset(seen) if ctx.final_stage is not None else frozenset(s.index for s in stages)
    ctx.memo[key] = result
    return result


def _in_contributing_stage(ctx: LintContext, ins: Instruction) -> bool:
    stage = ctx.doc.stage_of(ins)
    return stage is None or stage.index in _contributing(ctx)


_URL = re.compile(r"^(?:https?|ftp)://", re.I)


def _is_git_source(url: str) -> bool:
    base = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return base.endswith(".git") or url.startswith(("git@", "git://"))


def _add_url_without_checksum(ctx: LintContext) -> Iterator[Violation]:
    for ins in ctx.doc.instructions:
        target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger else ins
        if target.keyword != "ADD" or target.flag("checksum") is not None:
            continue
        if not _in_contributing_stage(ctx, ins):
            continue  # a test or CI target nothing shipped uses: no artifact to poison
        for token in copy_sources(target):
            value = ctx.resolve(target, token.value)
            if value is None or not _URL.match(value) or _is_git_source(value):
                continue
            yield Violation(
                token.span,
                "ADD downloads this URL without verifying it: a changed or compromised file "
                "goes into the image unnoticed; pin its digest with "
                "'ADD --checksum=sha256:<digest>' (Dockerfile syntax 1.6+) or download with "
                "curl and check it with sha256sum -c",
            )


# -- LW703 pipe-to-shell ---------------------------------------------------------------

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "fish"})
_INTERPRETERS = frozenset(
    {"python", "python2", "python3", "perl", "ruby", "node", "php", "pwsh"}
)  # fmt: skip
_CURL_VALUED = "oudHXAeTxwmKCErbcFYyzUQt"
_WGET_VALUED = "OoaeitTwPUBlARDIXQ"
_SUBSTITUTION = re.compile(r"\$\(\s*((?:curl|wget)\b[^)]*)\)|`\s*((?:curl|wget)\b[^`]*)`")


def _downloads_to_stdout(command: ShellCommand) -> bool:
    if command.program == "curl":
        flags, values, _ = option_values(command, _CURL_VALUED, frozenset({"--output"}))
        if {"-O", "--remote-name", "--remote-name-all"} & flags:
            return False
        output = values.get("-o", values.get("--output", "-"))
        return output in ("-", "/dev/stdout")
    if command.program == "wget":
        _, values, _ = option_values(command, _WGET_VALUED, frozenset({"--output-document"}))
        output = values.get("-O", values.get("--output-document"))
        return output in ("-", "/dev/stdout")
    return False


def _executes_stdin(command: ShellCommand) -> bool:
    program = command.program
    args = list(command.arguments)
    if program == "busybox" and args and args[0].value in _SHELLS:
        program, args = args[0].value, args[1:]
    if program in _SHELLS:
        index = 0
        while index < len(args):
            value = args[index].value
            if value in ("-o", "-O", "+o", "+O"):
                index += 2
                continue
            if value == "--":
                index += 1
                break
            if value[:1] in ("-", "+") and value not in ("-", "+"):
                if "c" in value[1:] and not value.startswith("--"):
                    return False
                if "s" in value[1:] and not value.startswith("--"):
                    return True
                index += 1
                continue
            break
        return index >= len(args) or args[index].value == "-"
    if program in _INTERPRETERS:
        positional = [a.value for a in args if not a.value.startswith("-") or a.value == "-"]
        if any(a.value in ("-c", "-e", "-r", "--eval") for a in args):
            return False
        return not positional or positional[0] == "-"
    return False


def _substituted_download(raw: str) -> bool:
    for match in _SUBSTITUTION.finditer(raw):
        inner = match.group(1) or match.group(2) or ""
        script = split_shell(inner)
        if script.commands and _downloads_to_stdout(script.commands[0]):
            return True
    return False


_PIPE_MESSAGE = (
    "A downloaded script runs without being verified: whatever the server (or anyone in "
    "between) sends executes in the build; download it to a file, check its sha256, then run it"
)
_PS_EXEC = re.compile(r"(?<![\w-])(?:iex|Invoke-Expression)(?![\w-])", re.I)
_PS_DOWNLOAD = re.compile(
    r"DownloadString|Invoke-WebRequest|Invoke-RestMethod|(?<![\w-])(?:iwr|irm)(?![\w-])", re.I
)


def _pipe_to_shell(ctx: LintContext) -> Iterator[Violation]:
    for stage in ctx.doc.stages:
        if ctx.is_windows(stage):
            yield from _powershell_download_exec(ctx, stage)
    for stage, ins in run_targets(ctx):
        if stage.index not in _contributing(ctx):
            continue  # a test or CI target nothing shipped uses: no artifact to poison
        commands = ctx.commands(ins)
        if _exits_by_default(ctx, ins, commands):
            continue
        for index, command in enumerate(commands):
            if command.program in ("curl", "wget") and command.separator in ("|", "|&"):
                if not _downloads_to_stdout(command):
                    continue
                for later in commands[index + 1 :]:
                    if _executes_stdin(later):
                        yield Violation(Span(command.span.start, later.span.end), _PIPE_MESSAGE)
                        break
                    if later.separator not in ("|", "|&"):
                        break
                continue
            program = command.program
            if program in _SHELLS or program in ("eval", "source", "."):
                if any(_substituted_download(w.raw) for w in command.arguments):
                    yield Violation(command.span, _PIPE_MESSAGE)
                    continue
                # ``bash <(curl -fsSL url)``: the splitter sees "<", "(" then the download.
                if (
                    command.separator == "("
                    and any(r.operator == "<" and r.target is None for r in command.redirects)
                    and index + 1 < len(commands)
                    and commands[index + 1].program in ("curl", "wget")
                    and _downloads_to_stdout(commands[index + 1])
                ):
                    end = commands[index + 1].span.end
                    end += ctx.text[end : end + 1] == ")"
                    yield Violation(Span(command.span.start, end), _PIPE_MESSAGE)


def _exits_by_default(ctx: LintContext, ins: Instruction, commands: Sequence[ShellCommand]) -> bool:
    """The RUN starts with ``[ "$ARG" = value ] && exit 0``, a test that holds with the
    build arguments' defaults: by default nothing after it runs (an opt-in path)."""
    if len(commands) < 2:
        return False
    test, leave = commands[0], commands[1]
    if test.program not in ("[", "test") or test.separator != "&&" or test.via:
        return False
    if leave.program != "exit" or leave.separator not in (";", "\n", None):
        return False
    words = [w.value for w in test.arguments]
    if test.program == "[":
        if not words or words[-1] != "]":
            return False
        words = words[:-1]
    if len(words) != 3 or words[1] not in ("=", "==", "!="):
        return False
    left, right = ctx.resolve(ins, words[0]), ctx.resolve(ins, words[2])
    if left is None or right is None:
        return False
    return (left == right) != (words[1] == "!=")


def _powershell_download_exec(ctx: LintContext, stage: Stage) -> Iterator[Violation]:
    for ins in stage.instructions:
        if ins.keyword != "RUN" or ins.is_exec_form:
            continue
        chunk = ctx.text[ins.args_span.start : ins.span.end]
        if not _PS_DOWNLOAD.search(chunk):
            continue
        match = _PS_EXEC.search(chunk)
        if match is not None:
            start = ins.args_span.start + match.start()
            yield Violation(Span(start, start + len(match.group())), _PIPE_MESSAGE)


# -- LW704 curl-and-wget ----------------------------------------------------------------

_INSTALLERS = {
    "apt-get": ("install",),
    "apt": ("install",),
    "apk": ("add",),
    "yum": ("install",),
    "dnf": ("install",),
    "microdnf": ("install",),
    "zypper": ("install", "in"),
}


_REMOVERS = frozenset({"remove", "purge", "del", "erase", "rm"})


def _package_words(command: ShellCommand) -> tuple[str | None, list[Token]]:
    """A package manager's subcommand and its package arguments (options skipped)."""
    words = [w for w in command.arguments if not w.value.startswith("-")]
    if not words:
        return None, []
    return words[0].value, words[1:]


def _temporary_packages(ctx: LintContext, ins: Instruction) -> tuple[set[str], bool]:
    """Packages the RUN removes again, and whether it drops everything apt installed.

    Recognises ``apt-get purge/remove NAME``, ``apk del NAME`` (virtual packages
    included) and the official images' ``apt-mark auto '.*'`` + ``--auto-remove``.
    """
    removed: set[str] = set()
    apt_mark_auto = auto_remove = False
    for command in ctx.commands(ins, *_INSTALLERS, "apt-mark"):
        sub, packages = _package_words(command)
        if command.program == "apt-mark":
            apt_mark_auto = apt_mark_auto or sub == "auto"
            continue
        if sub in _REMOVERS or sub == "autoremove":
            removed.update(w.value for w in packages)
            flags = {w.value for w in command.arguments}
            auto_remove = auto_remove or sub == "autoremove" or "--auto-remove" in flags
    return removed, apt_mark_auto and auto_remove


def _tool_uses(ctx: LintContext, ins: Instruction) -> Iterator[tuple[str, Span]]:
    """curl/wget run by the RUN, or installed by it and kept in the image."""
    removed, apt_dropped = _temporary_packages(ctx, ins)
    for command in ctx.commands(ins):
        program = command.program
        if program in ("curl", "wget"):
            yield program, command.words[command.program_at or 0].span
            continue
        if program not in _INSTALLERS:
            continue
        sub, packages = _package_words(command)
        if sub not in _INSTALLERS[program]:
            continue
        if program in ("apt-get", "apt") and apt_dropped:
            continue
        _, values, _ = option_values(command, "t", frozenset({"--virtual"}))
        virtual = values.get("-t") or values.get("--virtual")
        if virtual is not None and virtual in removed:
            continue
        for word in packages:
            name = re.split(r"[=<>~]", word.value, maxsplit=1)[0]
            if name in ("curl", "wget") and name not in removed and word.value != virtual:
                yield name, word.span


def _curl_and_wget(ctx: LintContext) -> Iterator[Violation]:
    if "curl" not in ctx.text or "wget" not in ctx.text:
        return  # both must be named somewhere (as programs or packages)
    for stage in ctx.doc.stages:
        if ctx.is_windows(stage):
            continue
        first: dict[str, Span] = {}
        for ins in stage.instructions:
            if ins.keyword != "RUN" or ins.shell is None:
                continue
            reported = False
            for tool, span in _tool_uses(ctx, ins):
                other = "wget" if tool == "curl" else "curl"
                if other in first and tool not in first:
                    yield Violation(
                        span,
                        f"This stage already uses {other} (line {line_number(ctx, first[other].start)}); "
                        f"installing or running {tool} as well adds a second download tool to "
                        "the image; use one of them",
                        related=(Related(first[other], f"{other} used here"),),
                    )
                    reported = True
                    break
                first.setdefault(tool, span)
            if reported:
                break


# -- LW705 wget-progress -----------------------------------------------------------------

_WGET_QUIET = frozenset(
    {"-q", "--quiet", "--no-verbose", "-o", "--output-file", "-a", "--append-output"}
)  # fmt: skip


def _wget_is_quiet(command: ShellCommand) -> bool:
    if any(w.value == "-nv" for w in command.arguments):
        return True
    flags, _, _ = option_values(
        command, _WGET_VALUED, frozenset({"--output-file", "--append-output", "--progress"})
    )
    return bool(flags & _WGET_QUIET) or "--progress" in flags


def _stderr_captured(command: ShellCommand) -> bool:
    for redirect in command.redirects:
        op = redirect.operator
        if op.startswith(("2", "&")):
            return True
    return command.separator == "|&"


def _busybox_wget(ctx: LintContext, stage: Stage, ins: Instruction) -> bool:
    """The stage's wget is BusyBox's, which redraws one status line at most once a second:
    the base image is known to use BusyBox (Alpine, busybox, docker:*-cli), or an unknown
    one installs with apk; unless the stage (up to this RUN) installs GNU wget."""
    busybox = stage_facts(ctx, stage).busybox
    if busybox is False:
        return False
    runs = [
        other
        for member in ctx.stage_chain(stage)
        for other in member.instructions
        if other.keyword == "RUN" and other.span.start <= ins.span.start
    ]
    apk = [command for other in runs for command in ctx.commands(other, "apk")]
    if busybox is None and not apk:
        return False
    for command in apk:
        words = [w.value for w in command.arguments]
        if "add" in words and "wget" in words:
            return False  # GNU wget replaces BusyBox's
    return True


# Small files: signatures, checksums, keys, scripts. Their few dot lines do not matter.
_SMALL_DOWNLOAD = (
    ".asc", ".sig", ".sign", ".sha1", ".sha256", ".sha512", ".sha256sum", ".sha512sum",
    ".md5", "KEYS", ".pl", ".sh", ".pem", ".key", ".gpg", ".pub",
)  # fmt: skip


def _small(value: str | None) -> bool:
    if not value:
        return False
    value = value.split("#", 1)[0].split("?", 1)[0].rstrip("/'\"")
    return value.endswith(_SMALL_DOWNLOAD)


def _small_download(command: ShellCommand) -> bool:
    """Every file the wget fetches is a signature, checksum, key or script."""
    _, values, positional = option_values(command, _WGET_VALUED, frozenset({"--output-document"}))
    output = values.get("-O", values.get("--output-document"))
    if output not in (None, "-", "/dev/stdout") and _small(output):
        return True
    urls = [w.value for w in positional]
    return bool(urls) and all(_small(url) for url in urls)


def _sets_progress(command: ShellCommand) -> bool:
    return any(w.value.startswith("--progress") for w in command.arguments)


def _wget_progress(ctx: LintContext) -> Iterator[Violation]:
    if "wget" not in ctx.text:
        return
    for stage, ins in run_targets(ctx):
        wgets = ctx.commands(ins, "wget")
        if not wgets or _busybox_wget(ctx, stage, ins):
            continue
        if any(_sets_progress(command) for command in wgets):
            continue  # the RUN chooses the progress display deliberately for its big files
        for command in wgets:
            if _wget_is_quiet(command) or command.program_at is None:
                continue
            if _small_download(command):
                continue
            word = command.words[command.program_at]
            fix = Fix(
                "Add -nv",
                (Edit(word.span.end, word.span.end, " -nv"),),
                safe=not _stderr_captured(command),
            )
            yield Violation(
                word.span,
                "wget without -nv, -q or --progress writes a line of progress dots for every "
                "50 KB downloaded into the build log; add -nv (errors are still reported)",
                fix,
            )


RULES = (
    Rule(
        code="LW203",
        name="copy-without-chown",
        summary="Copied files are re-owned by a later recursive chown instead of COPY --chown",
        severity=Severity.WARNING,
        category="user",
        check=_copy_without_chown,
        fixable=True,
    ),
    Rule(
        code="LW204",
        name="world-writable",
        summary="chmod or --chmod makes files writable by every user",
        severity=Severity.WARNING,
        category="user",
        check=_world_writable,
    ),
    Rule(
        code="LW205",
        name="sudo-in-run",
        summary="sudo used in a RUN instruction",
        severity=Severity.WARNING,
        category="user",
        check=_sudo,
        aliases=("DL3004",),
        fixable=True,
    ),
    Rule(
        code="LW302",
        name="literal-credential",
        summary="A credential is written literally in the Dockerfile",
        severity=Severity.ERROR,
        category="secrets",
        check=_literal_credentials,
    ),
    Rule(
        code="LW303",
        name="sensitive-file-copied",
        summary="A credential or key file is copied into the image",
        severity=Severity.ERROR,
        category="secrets",
        check=_sensitive_copy,
    ),
    Rule(
        code="LW304",
        name="secret-removed-later",
        summary="A secret file is removed in a later layer than the one that stored it",
        severity=Severity.ERROR,
        category="secrets",
        check=_secret_removed_later,
    ),
    Rule(
        code="LW402",
        name="dockerignore-missing-essentials",
        summary=".dockerignore does not exclude .git, .env or .npmrc",
        severity=Severity.WARNING,
        category="context",
        check=_dockerignore_essentials,
        fixable=True,
    ),
    Rule(
        code="LW403",
        name="copy-ignored-file",
        summary="COPY or ADD names a path that .dockerignore excludes",
        severity=Severity.WARNING,
        category="context",
        check=_copy_ignored,
        aliases=("CopyIgnoredFile",),
    ),
    Rule(
        code="LW702",
        name="add-url-without-checksum",
        summary="ADD downloads a URL without --checksum",
        severity=Severity.WARNING,
        category="remote-content",
        check=_add_url_without_checksum,
    ),
    Rule(
        code="LW703",
        name="pipe-to-shell",
        summary="A downloaded script is piped straight into a shell",
        severity=Severity.WARNING,
        category="remote-content",
        check=_pipe_to_shell,
    ),
    Rule(
        code="LW704",
        name="curl-and-wget",
        summary="A stage uses both curl and wget",
        severity=Severity.INFO,
        category="remote-content",
        check=_curl_and_wget,
        aliases=("DL4001",),
        default_enabled=False,
    ),
    Rule(
        code="LW705",
        name="wget-progress",
        summary="wget without -nv, -q or --progress",
        severity=Severity.INFO,
        category="remote-content",
        check=_wget_progress,
        aliases=("DL3047",),
        fixable=True,
    ),
)
