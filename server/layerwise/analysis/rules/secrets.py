"""LW3xx: secrets kept out of layers (PRACTICES C).

Secret-looking ARG and ENV names (LW301), credentials written in the Dockerfile (LW302),
credential and key files copied into the image (LW303), and secrets deleted in a later
layer than the one that stored them (LW304).
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ...syntax.model import Instruction, KeyValue, Span, Stage, Token
from ...syntax.shell import ShellCommand
from ..commands import option_values
from ..context import LintContext
from ..edits import add_syntax_directive, delete_instruction
from ..facts import syntax_version
from ..paths import (
    REMOTE,
    copy_dest,
    copy_paths,
    copy_sources,
    glob_covers,
    has_glob,
    path_segments,
    run_path,
)
from ..rule import Edit, Fix, FixSafety, Related, Rule, Severity, Violation
from ..walk import line_number, shipped_indexes

# -- LW301 secret-in-arg-env -----------------------------------------------------------

_SECRET_PART = re.compile(
    r"^(?:password|passwd|pword|secret|token|apikey|credentials?|privatekey|key)$", re.I
)
# A name ending like this names *where* or *which* secret, not the secret itself.
_NOT_THE_SECRET = frozenset(
    {"file", "path", "dir", "url", "uri", "id", "name", "host", "port", "user", "username",
     "type", "length", "size", "version", "algorithm", "endpoint", "server", "ttl", "env",
     "enabled", "required", "mode", "location"}
)  # fmt: skip
_PUBLIC = re.compile(r"(?:^|_)(?:gpg|pgp|public|pub|asc|keyring|keyserver|signing)(?:_|$)", re.I)


_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SEPARATORS = re.compile(r"[_\-.]+")


def _parts(name: str) -> list[str]:
    # NPM_TOKEN, npmToken, npm-token -> ["npm", "token"]
    spaced = _CAMEL.sub(r"\1_\2", name)
    return [p for p in _SEPARATORS.split(spaced) if p]


@functools.lru_cache(maxsize=4096)
def looks_secret(name: str) -> bool:
    """The variable name suggests a secret value (a pure function of the name)."""
    parts = [p.lower() for p in _parts(name)]
    if not parts or _PUBLIC.search(name.lower().replace("-", "_")):
        return False
    if parts[-1] in _NOT_THE_SECRET:
        return False
    if parts[-2:] == ["access", "key"] and len(parts) > 2 and parts[-3] == "secret":
        return True
    return any(_SECRET_PART.match(part) for part in parts)


def _secret_id(name: str) -> str:
    return name.lower().replace("_", "-")


def _references(name: str) -> re.Pattern[str]:
    """``$NAME``, ``${NAME}`` and ``${NAME:-x}``-style uses of a variable."""
    return re.compile(
        rf"\$(?:{re.escape(name)}(?![A-Za-z0-9_])|\{{{re.escape(name)}(?=[}}:#%/+?-]))"
    )


def _secret_mount_fix(ctx: LintContext, ins: Instruction, name: str) -> Fix | None:
    """Replace ``ARG NAME`` with a secret mount on the RUNs that read it.

    ``--mount=type=secret,id=name,env=NAME`` (Dockerfile syntax 1.10 and later) puts
    the secret in the RUN's environment under the same name, so the commands stay
    as written. Offered for a single-name ARG inside a stage whose value only RUNs of
    that stage read; the build then needs ``--secret id=...`` instead of
    ``--build-arg``, so the fix is unsafe.
    """
    stage = ctx.doc.stage_of(ins)
    if stage is None or len(ins.pairs) != 1 or ins.trigger is not None:
        return None
    directive = ctx.doc.directive("syntax")
    if directive is not None:
        version = syntax_version(directive.value)
        if version is None or version[0] < (1, 10):
            return None  # env= needs docker/dockerfile:1.10
    used = _references(name)
    secret_id = _secret_id(name)
    edits = [delete_instruction(ctx, ins)]
    after = stage.instructions[stage.instructions.index(ins) + 1 :]
    for other in after:
        text = ctx.text[other.span.start : other.span.end]
        if other.keyword in ("ARG", "ENV") and any(p.key.value == name for p in other.pairs):
            return None  # declared again: the later uses are not this ARG's
        if not used.search(text):
            continue
        if other.keyword != "RUN" or other.trigger is not None:
            return None  # COPY, ENV, ... read it: a secret mount cannot serve them
        at = other.keyword_span.end
        edits.append(Edit(at, at, f" --mount=type=secret,id={secret_id},env={name}"))
    if len(edits) == 1:
        return None  # no RUN reads it
    if directive is None:
        edits.append(add_syntax_directive(ctx))
    return Fix(
        f"Pass {name} as a build secret (--mount=type=secret,id={secret_id},env={name})",
        tuple(edits),
        safe=False,
    )


# A value that only stands for the secret: the real one comes when the container starts.
_VALUE_PLACEHOLDER = re.compile(
    r"^(?:[xX*._-]*|<[^>]*>|\{+[^}]*\}+|\.\.\.|(?:change|replace)[_-]?me|changeme[_-]?please|"
    r"todo|tbd|none|null|nil|dummy|placeholder|your[_-].*|unset)$",
    re.I,
)
_WHOLE_VARIABLE = re.compile(
    r"^\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))$"
)


def _placeholder_value(ctx: LintContext, ins: Instruction, value: Token | None) -> bool:
    """The ENV value is empty, a placeholder (``_``, ``changeme``, ``<password>``) or a
    variable the file never declares (it expands to nothing at build time)."""
    if value is None:
        return True
    text = value.value.strip()
    variable = _WHOLE_VARIABLE.match(text)
    if variable is not None:
        name = variable.group("braced") or variable.group("plain")
        env = ctx.env_at(ins)
        if name not in env:
            return True  # not declared here: no value reaches the image
        resolved = env[name]
        if resolved is None:
            return False  # a build argument: whatever the build passes is baked in
        text = resolved
    elif "$" in text:
        resolved = ctx.resolve(ins, text)
        if resolved is None:
            return False  # holds a build argument's value
        text = resolved
    return bool(_VALUE_PLACEHOLDER.match(text))


def _read_by_a_run(ctx: LintContext, stage: Stage, ins: Instruction, name: str) -> bool:
    """A RUN after ``ins`` in its stage, or in a stage built FROM it, names the variable."""
    used = _references(name)
    for other_stage in ctx.doc.stages:
        if stage not in ctx.stage_chain(other_stage):
            continue
        for other in other_stage.instructions:
            if other_stage is stage and other.span.start <= ins.span.start:
                continue
            if other.keyword == "RUN" and used.search(ctx.text[other.span.start : other.span.end]):
                return True
    return False


def _env_message(ctx: LintContext, ins: Instruction, pair: KeyValue) -> str:
    name = pair.key.value
    stage = ctx.doc.stage_of(ins)
    if stage is not None and _read_by_a_run(ctx, stage, ins, name):
        return (
            f"ENV '{name}' looks like a secret: ENV values are stored in the image config "
            "and visible in every container; pass it to the RUNs that read it with "
            f"'RUN --mount=type=secret,id={_secret_id(name)},env={name}' instead"
        )
    run_time = (
        f"pass it when the container starts (docker run -e {name}=... or an orchestrator secret)"
    )
    if _placeholder_value(ctx, ins, pair.value):
        return (
            f"ENV '{name}' looks like a secret that only the running container reads: "
            f"{run_time} and do not declare a default in the image"
        )
    return (
        f"ENV '{name}' looks like a secret and this value is stored in the image config, "
        f"visible to everyone who pulls the image; remove the default and {run_time}"
    )


def _secret_names(ctx: LintContext) -> Iterator[Violation]:
    # A name declared several times in one stage (or before the first FROM) is one
    # finding, on its first declaration (for ENV: the first that stores a real value).
    groups: dict[tuple[int, str, str], list[tuple[Instruction, KeyValue]]] = {}
    for ins in ctx.doc.instructions:
        if ins.keyword not in ("ARG", "ENV"):
            continue
        stage = ctx.doc.stage_of(ins)
        where = -1 if stage is None else ctx.doc.stages.index(stage)
        for pair in ins.pairs:
            name = pair.key.value
            if looks_secret(name):
                groups.setdefault((where, ins.keyword, name), []).append((ins, pair))
    for (_, keyword, name), declared in groups.items():
        ins, pair = declared[0]
        if keyword == "ENV":
            ins, pair = next(
                ((i, p) for i, p in declared if not _placeholder_value(ctx, i, p.value)),
                declared[0],
            )
            message = _env_message(ctx, ins, pair)
            fix = None
        else:
            message = (
                f"ARG '{name}' looks like a secret: build arguments are recorded in the image "
                f"history; pass it with 'RUN --mount=type=secret,id={_secret_id(name)}' instead"
            )
            fix = _secret_mount_fix(ctx, ins, name)
        yield Violation(
            pair.key.span,
            message,
            fix,
            tuple(
                Related(p.key.span, f"'{name}' declared again")
                for i, p in declared
                if p is not pair
            ),
        )


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


def _layer(ctx: LintContext, stage: Stage, shipped: set[int]) -> str:
    if stage.index in shipped:
        return "a layer that everyone with the image can read"
    return (
        "a layer of this build stage, kept in the build cache and in any image built "
        "with --target for it"
    )


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
                    f"'{value}' is {kind}: {ins.keyword} stores it in {_layer(ctx, stage, shipped)}; "
                    "exclude it in .dockerignore and pass secrets with "
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
                    f"'{value}' is {kind}: {ins.keyword} stores it in {_layer(ctx, stage, shipped)}; "
                    "mount it with 'RUN --mount=type=secret' (or "
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


RULES = (
    Rule(
        code="LW301",
        name="secret-in-arg-env",
        summary="A secret-looking name is passed through ARG or ENV",
        severity=Severity.WARNING,
        category="secrets",
        check=_secret_names,
        aliases=("DL3064", "SecretsUsedInArgOrEnv"),
        fixable=True,
        fix_safety=FixSafety.UNSAFE,
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
        severity=Severity.WARNING,
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
)
