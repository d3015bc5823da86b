"""Reference data for editors: what each instruction, flag, directive and build argument is.

Data only, written for layerwise (hover, signature help and completion read it). Which
flags and ``--mount`` keys *exist* is decided by :mod:`layerwise.syntax.flags`, the list
the parser and the rules check against; this module documents exactly those, so the
editor never offers a flag the linter would reject.

API:

- ``INSTRUCTIONS``: keyword -> :class:`InstructionDoc` (description, syntax forms).
- :func:`instruction` (any casing), :func:`flags_of`, :func:`flag_doc`,
  :func:`signatures` (one per syntax form, flags included).
- :func:`mount_keys` (the keys one mount type uses), :func:`mount_key`, ``MOUNT_TYPES``
  (type -> :class:`ValueDoc`).
- ``DIRECTIVES``, ``CHECK_KEYS`` (the ``# check=`` keys), ``BUILDKIT_CHECKS`` (rule
  names ``# check=skip=`` takes), ``PREDEFINED_ARGS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..syntax.flags import (
    BOOLEAN_FLAGS,
    FLAG_CHOICES,
    INSTRUCTION_FLAGS,
    MOUNT_KEY_CHOICES,
    MOUNT_KEYS,
    REPEATABLE_FLAGS,
)
from ..syntax.flags import MOUNT_TYPES as _MOUNT_TYPE_NAMES

DOCKERFILE_REFERENCE = "https://docs.docker.com/reference/dockerfile/"


@dataclass(frozen=True, slots=True)
class ValueDoc:
    """One allowed value of a flag, mount key or directive."""

    value: str
    summary: str


@dataclass(frozen=True, slots=True)
class FlagDoc:
    name: str  # without the leading ``--``
    summary: str
    #: What the value looks like (``<stage>``); ``None`` for a boolean flag.
    placeholder: str | None
    #: The closed set of values, when there is one.
    values: tuple[ValueDoc, ...] = ()
    repeatable: bool = False
    #: Longer notes: defaults, interactions, the frontend version that brought it.
    details: str = ""

    @property
    def boolean(self) -> bool:
        return self.placeholder is None

    @property
    def usage(self) -> str:
        """``--from=<stage>`` or ``--link``."""
        return f"--{self.name}" if self.placeholder is None else f"--{self.name}={self.placeholder}"


@dataclass(frozen=True, slots=True)
class MountKeyDoc:
    name: str
    summary: str
    #: The mount types this key has an effect on.
    used_by: tuple[str, ...]
    placeholder: str | None  # ``None``: written bare (``ro``) or as ``key=true``
    values: tuple[ValueDoc, ...] = ()
    #: Other spellings of the same key (``src`` for ``source``).
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Parameter:
    """A part of a signature: ``label`` appears verbatim in the signature's label."""

    label: str
    doc: str


@dataclass(frozen=True, slots=True)
class SyntaxForm:
    #: ``shell``, ``exec``, ``heredoc``, ``pairs``, ``legacy``, ``params``, ``none`` or ``plain``.
    kind: str
    summary: str
    #: The arguments after the flags, in order.
    params: tuple[Parameter, ...]
    example: str
    #: The arguments are a JSON array: the label wraps the parameters (after a leading
    #: keyword parameter such as HEALTHCHECK's ``CMD``) in ``[...]``.
    json: bool = False


@dataclass(frozen=True, slots=True)
class Signature:
    keyword: str
    form: SyntaxForm
    label: str
    #: Flag parameters first, then the form's arguments; each label is in ``label``.
    parameters: tuple[Parameter, ...]
    #: How many of ``parameters`` are flags.
    flag_count: int
    #: ``[start, end)`` of each parameter in ``label``.
    offsets: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class InstructionDoc:
    keyword: str
    summary: str
    description: str
    forms: tuple[SyntaxForm, ...]
    #: Flags in the order signatures show them (the parser's table says which exist).
    flag_order: tuple[str, ...] = ()
    deprecated: bool = False
    url: str = field(default="")

    @property
    def flags(self) -> tuple[FlagDoc, ...]:
        return flags_of(self.keyword)


@dataclass(frozen=True, slots=True)
class DirectiveDoc:
    name: str
    summary: str
    placeholder: str
    values: tuple[ValueDoc, ...] = ()
    details: str = ""


@dataclass(frozen=True, slots=True)
class CheckDoc:
    """A BuildKit build check, by the name ``# check=skip=`` takes."""

    name: str
    summary: str
    experimental: bool = False


@dataclass(frozen=True, slots=True)
class ArgDoc:
    name: str
    summary: str
    #: ``platform``: set by BuildKit for every build, in the global scope (FROM) and in a
    #: stage once declared with ``ARG``; ``proxy``: passed to RUN without a declaration;
    #: ``setting``: read by BuildKit itself to change how it builds.
    group: str
    example: str = ""


# -- flags ---------------------------------------------------------------------------------

_BOOL = (
    ValueDoc("true", "turn it on (the same as the bare flag)"),
    ValueDoc("false", "turn it off"),
)

_FLAGS: dict[str, FlagDoc] = {
    f.name: f
    for f in (
        FlagDoc(
            "platform",
            "The platform to pull the base image for, such as linux/amd64 or linux/arm64/v8.",
            "<platform>",
            details="Without it the image matches the target platform of the build. Use "
            "$BUILDPLATFORM for stages that only run tools on the build machine (cross "
            "compilation); a constant value ties the Dockerfile to one architecture.",
        ),
        FlagDoc(
            "mount",
            "Give this RUN a mount that exists only while the command runs and is not part "
            "of the layer: a cache directory, a secret, the SSH agent, files from another "
            "stage or the build context, or an in-memory directory.",
            "type=<type>[,<key>=<value>...]",
            values=(),
            repeatable=True,
            details="Comma-separated key=value pairs; type defaults to bind. "
            "Can be given several times.",
        ),
        FlagDoc(
            "network",
            "Which network the command may use.",
            "<mode>",
            values=(
                ValueDoc("default", "the build's usual network"),
                ValueDoc("none", "no network at all: only loopback"),
                ValueDoc(
                    "host",
                    "the host's network stack; needs the network.host entitlement",
                ),
            ),
        ),
        FlagDoc(
            "security",
            "Run the command with extra privileges, or in the default sandbox.",
            "<mode>",
            values=(
                ValueDoc(
                    "insecure",
                    "privileged, like docker run --privileged; needs the security.insecure "
                    "entitlement",
                ),
                ValueDoc("sandbox", "the default confinement"),
            ),
        ),
        FlagDoc(
            "device",
            "Expose a device (CDI name, e.g. vendor.com/gpu=all) to the command.",
            "<device>[,required=<bool>]",
            repeatable=True,
            details="Dockerfile labs frontend and BuildKit with CDI support only.",
        ),
        FlagDoc(
            "from",
            "Copy from an earlier stage (by name or index), an image or a named build "
            "context instead of the build context.",
            "<stage|image|context>",
        ),
        FlagDoc(
            "chown",
            "Owner of the copied files, as user, user:group, uid or uid:gid; names are "
            "looked up in the image's /etc/passwd and /etc/group.",
            "<user>[:<group>]",
            details="Without it files belong to root (0:0) whatever USER says.",
        ),
        FlagDoc(
            "chmod",
            "Permissions of the copied files: octal (0755) or, with newer frontends, "
            "symbolic (u=rwx,go=rx).",
            "<perms>",
        ),
        FlagDoc(
            "link",
            "Put the files in a layer of their own that does not depend on the layers "
            "below, so it can be reused when the base changes.",
            None,
            values=_BOOL,
            details="The destination's parent directories are not inspected: symlinks in "
            "the destination path of the base are not followed.",
        ),
        FlagDoc(
            "parents",
            "Keep the source paths' parent directories under the destination "
            "(a/b/c.txt lands in <dest>/a/b/c.txt); a /./ in a source marks where the "
            "kept part starts.",
            None,
            values=_BOOL,
            details="Dockerfile frontend 1.20 and later (labs earlier).",
        ),
        FlagDoc(
            "exclude",
            "Leave out the source paths matching this pattern (same syntax as .dockerignore).",
            "<pattern>",
            repeatable=True,
            details="Dockerfile frontend 1.19 and later. Can be given several times.",
        ),
        FlagDoc(
            "checksum",
            "The expected digest of a remote source (sha256:<hex>); the build fails when "
            "the download does not match. For a Git source, the commit it must resolve to.",
            "<digest>",
        ),
        FlagDoc(
            "keep-git-dir",
            "When adding a Git repository, keep its .git directory in the destination.",
            None,
            values=_BOOL,
        ),
        FlagDoc(
            "unpack",
            "Whether ADD extracts an archive source: by default local archives are "
            "extracted and remote ones copied as they are.",
            None,
            values=_BOOL,
        ),
        FlagDoc(
            "interval",
            "Time between two checks.",
            "<duration>",
            details="A duration such as 30s, 1m30s or 500ms; the default is 30s.",
        ),
        FlagDoc(
            "timeout",
            "How long a single check may run before it counts as failed.",
            "<duration>",
            details="Default 30s.",
        ),
        FlagDoc(
            "start-period",
            "Grace time after the container starts: failures during it do not count "
            "towards --retries (a success ends it early).",
            "<duration>",
            details="Default 0s.",
        ),
        FlagDoc(
            "start-interval",
            "Time between checks during the start period.",
            "<duration>",
            details="Default 5s; needs Docker Engine 25 or later.",
        ),
        FlagDoc(
            "retries",
            "How many failed checks in a row make the container unhealthy.",
            "<n>",
            details="Default 3.",
        ),
    )
}


def flags_of(keyword: str) -> tuple[FlagDoc, ...]:
    """The flags ``keyword`` accepts, documented, in signature order."""
    keyword = keyword.upper()
    names = INSTRUCTION_FLAGS.get(keyword, frozenset())
    if not names:
        return ()
    doc = INSTRUCTIONS.get(keyword)
    order = doc.flag_order if doc is not None else ()
    ordered = sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))
    return tuple(_flag(keyword, name) for name in ordered)


def flag_doc(keyword: str, name: str) -> FlagDoc | None:
    """The flag ``--name`` of ``keyword``; ``None`` when the instruction has no such flag."""
    keyword = keyword.upper()
    if name not in INSTRUCTION_FLAGS.get(keyword, frozenset()):
        return None
    return _flag(keyword, name)


def _flag(keyword: str, name: str) -> FlagDoc:
    doc = _FLAGS.get(name) or FlagDoc(name, "", "<value>")
    boolean = name in BOOLEAN_FLAGS.get(keyword, frozenset())
    if boolean and doc.placeholder is not None:
        doc = FlagDoc(doc.name, doc.summary, None, _BOOL, doc.repeatable, doc.details)
    if name in FLAG_CHOICES and not doc.values:
        doc = FlagDoc(
            doc.name,
            doc.summary,
            doc.placeholder,
            tuple(ValueDoc(v, "") for v in FLAG_CHOICES[name]),
            doc.repeatable,
            doc.details,
        )
    if name in REPEATABLE_FLAGS and not doc.repeatable:
        doc = FlagDoc(doc.name, doc.summary, doc.placeholder, doc.values, True, doc.details)
    return doc


# -- RUN --mount ---------------------------------------------------------------------------

MOUNT_TYPES: dict[str, ValueDoc] = {
    v.value: v
    for v in (
        ValueDoc(
            "bind",
            "Files from the build context, a stage or an image, visible to the command only "
            "(read-only unless rw). The default type.",
        ),
        ValueDoc(
            "cache",
            "A directory kept between builds for compilers and package managers (downloads, "
            "build caches); never part of the image.",
        ),
        ValueDoc("tmpfs", "An empty in-memory directory, gone when the command ends."),
        ValueDoc(
            "secret",
            "A secret passed with --secret to the build, as a file (default "
            "/run/secrets/<id>) or an environment variable; never stored in the image.",
        ),
        ValueDoc(
            "ssh",
            "The SSH agent socket passed with --ssh, so git or ssh can authenticate without "
            "keys in the image.",
        ),
    )
}
assert tuple(MOUNT_TYPES) == _MOUNT_TYPE_NAMES

_ALL_TYPES = _MOUNT_TYPE_NAMES
_MOUNT_KEY_DOCS: tuple[MountKeyDoc, ...] = (
    MountKeyDoc(
        "type",
        "The kind of mount.",
        _ALL_TYPES,
        "<type>",
        values=tuple(MOUNT_TYPES.values()),
    ),
    MountKeyDoc(
        "target",
        "Where the mount appears in the command's file system. For a secret, the file "
        "(default /run/secrets/<id>); for ssh, the socket path.",
        _ALL_TYPES,
        "<path>",
        aliases=("dst", "destination"),
    ),
    MountKeyDoc(
        "source",
        "The path to mount from the source (the build context, or --from's stage or image); "
        "for a cache, a subdirectory of it; for a secret, the secret's id.",
        ("bind", "cache", "secret"),
        "<path>",
        aliases=("src",),
    ),
    MountKeyDoc(
        "from",
        "A stage, image or named context to take the files from instead of the build "
        "context (for a cache: its initial contents).",
        ("bind", "cache"),
        "<stage|image>",
    ),
    MountKeyDoc(
        "id",
        "Which cache, secret or SSH agent socket: caches with the same id share their "
        "contents (default: the target path); a secret's id is the name given to --secret.",
        ("cache", "secret", "ssh"),
        "<id>",
    ),
    MountKeyDoc(
        "sharing",
        "What happens when builds use the same cache at once.",
        ("cache",),
        "<mode>",
        values=(
            ValueDoc("shared", "all writers use it together (the default)"),
            ValueDoc("private", "a second writer gets a new, empty cache"),
            ValueDoc("locked", "a second writer waits until the first is done"),
        ),
    ),
    MountKeyDoc(
        "readonly",
        "Mount read-only: the default for bind mounts.",
        ("bind", "cache"),
        None,
        values=_BOOL,
        aliases=("ro",),
    ),
    MountKeyDoc(
        "readwrite",
        "Let the command write to a bind mount; the writes are thrown away afterwards.",
        ("bind",),
        None,
        values=_BOOL,
        aliases=("rw",),
    ),
    MountKeyDoc(
        "required",
        "Fail the build when the secret or SSH agent was not provided (otherwise the "
        "command runs without it).",
        ("secret", "ssh"),
        None,
        values=_BOOL,
    ),
    MountKeyDoc(
        "mode",
        "File mode of the secret file, socket or cache directory, in octal (secrets: "
        "0400, ssh: 0600, cache: 0755 by default).",
        ("cache", "secret", "ssh"),
        "<octal>",
    ),
    MountKeyDoc(
        "uid",
        "Numeric owner of the mounted secret, socket or cache directory (default 0).",
        ("cache", "secret", "ssh"),
        "<uid>",
    ),
    MountKeyDoc(
        "gid",
        "Numeric group of the mounted secret, socket or cache directory (default 0).",
        ("cache", "secret", "ssh"),
        "<gid>",
    ),
    MountKeyDoc(
        "size",
        "Upper limit of a tmpfs mount's size, such as 512m or 1g.",
        ("tmpfs",),
        "<size>",
    ),
    MountKeyDoc(
        "env",
        "Expose the secret as this environment variable instead of (or besides, with "
        "target) a file.",
        ("secret",),
        "<VARIABLE>",
    ),
)
_MOUNT_KEY_BY_NAME: dict[str, MountKeyDoc] = {
    name: doc for doc in _MOUNT_KEY_DOCS for name in (doc.name, *doc.aliases)
}
assert set(_MOUNT_KEY_BY_NAME) == set(MOUNT_KEYS)
assert all(set(MOUNT_KEY_CHOICES[k]) == {v.value for v in _MOUNT_KEY_BY_NAME[k].values}
           for k in MOUNT_KEY_CHOICES)  # fmt: skip


def mount_keys(mount_type: str | None = None) -> tuple[MountKeyDoc, ...]:
    """The ``--mount`` keys ``mount_type`` uses (all keys for ``None``), canonical names."""
    if mount_type is None:
        return _MOUNT_KEY_DOCS
    kind = mount_type.lower()
    return tuple(doc for doc in _MOUNT_KEY_DOCS if kind in doc.used_by)


def mount_key(name: str) -> MountKeyDoc | None:
    """The documentation of a ``--mount`` key, by its name or an alias (``src``, ``ro``)."""
    return _MOUNT_KEY_BY_NAME.get(name.lower())


# -- instructions --------------------------------------------------------------------------

_P = Parameter
_COMMAND = _P(
    "<command>", "A command line run by the shell (/bin/sh -c unless SHELL says otherwise)."
)
_EXECUTABLE = _P('"<executable>"', "The program to start, as a JSON string: no shell is involved.")
_EXEC_PARAMS = _P('"<param>", ...', "Its arguments, each a JSON string; no variable expansion.")
_HEREDOC_SCRIPT = _P(
    "<<EOF",
    "A here-document: the lines up to the EOF line form the script (or file). Quote the "
    "delimiter (<<'EOF') to stop variable expansion; <<- strips leading tabs.",
)
_SRC = _P(
    "<src>...",
    "One or more sources: paths in the build context (wildcards allowed), or with --from "
    "paths in that stage or image.",
)
_DEST = _P(
    "<dest>",
    "Where to put them in the image: an absolute path, or relative to WORKDIR. End it with "
    "/ when it is a directory.",
)
_JSON_SRC_DEST = (
    _P('"<src>", ...', "The sources, each a JSON string (paths with spaces in them)."),
    _P('"<dest>"', "The destination, the last string of the array."),
)


def _exec_form(summary: str, example: str) -> SyntaxForm:
    return SyntaxForm("exec", summary, (_EXECUTABLE, _EXEC_PARAMS), example, json=True)


_INSTRUCTION_DOCS: tuple[InstructionDoc, ...] = (
    InstructionDoc(
        "FROM",
        "Start a build stage from a base image (or an earlier stage).",
        "Every stage begins with FROM; the last stage (or --target) is the image the build "
        "produces. `AS name` names the stage for COPY --from, RUN --mount from= and later "
        "FROM lines. Only ARGs declared before the first FROM can be used in FROM. "
        "`scratch` is the empty image.",
        (
            SyntaxForm(
                "plain",
                "A base image, optionally pinned by tag or digest, and an optional stage name.",
                (
                    _P(
                        "<image>[:<tag>|@<digest>]",
                        "The base: an image reference (registry/name:tag@sha256:...), an "
                        "earlier stage's name, or scratch.",
                    ),
                    _P("[AS <name>]", "Name this stage: lower case letters, digits, -, _ and ."),
                ),
                "FROM --platform=$BUILDPLATFORM golang:1.23 AS build",
            ),
        ),
        flag_order=("platform",),
    ),
    InstructionDoc(
        "RUN",
        "Run a command while building, and keep what it changes as a new layer.",
        "Use it to install packages and build software. Each RUN is one layer: clean up "
        "in the same RUN that made the mess. The shell form runs through SHELL "
        "(/bin/sh -c by default); the exec form runs the program directly; a heredoc "
        "runs a whole script.",
        (
            SyntaxForm(
                "shell",
                "Shell form: the command runs through the shell.",
                (_COMMAND,),
                "RUN apt-get update && apt-get install -y curl",
            ),
            _exec_form(
                "Exec form: the program runs directly, without a shell.",
                'RUN ["/usr/bin/make", "install"]',
            ),
            SyntaxForm(
                "heredoc",
                "Heredoc form: a multi-line script, run with the shell (or the #! line).",
                (_HEREDOC_SCRIPT,),
                "RUN <<EOF\nset -e\napt-get update\nEOF",
            ),
        ),
        flag_order=("mount", "network", "security", "device"),
    ),
    InstructionDoc(
        "CMD",
        "The default command of a container started from the image.",
        "Only the last CMD of the final stage counts. With an ENTRYPOINT in exec form, CMD "
        "supplies its default arguments instead. `docker run image args` replaces it. Prefer "
        "the exec form: in the shell form the program runs under /bin/sh and does not get "
        "signals such as SIGTERM.",
        (
            _exec_form(
                "Exec form: the program and its arguments (preferred).",
                'CMD ["nginx", "-g", "daemon off;"]',
            ),
            SyntaxForm(
                "params",
                "Default arguments for the ENTRYPOINT (exec form).",
                (_P('"<param>", ...', "Arguments appended to ENTRYPOINT, each a JSON string."),),
                'CMD ["--port", "8080"]',
                json=True,
            ),
            SyntaxForm(
                "shell",
                "Shell form: the command runs under /bin/sh -c.",
                (_COMMAND,),
                "CMD node server.js",
            ),
        ),
    ),
    InstructionDoc(
        "LABEL",
        "Attach key=value metadata to the image.",
        "Labels land in the image configuration (docker inspect shows them), not in a "
        "layer. Use the org.opencontainers.image.* keys for source, version, licenses and "
        "so on. Quote values with spaces.",
        (
            SyntaxForm(
                "pairs",
                "One or more key=value pairs.",
                (
                    _P(
                        "<key>=<value>",
                        "A label: the key (quote it if it has spaces) and its value.",
                    ),
                    _P("[<key>=<value>...]", "More labels in the same instruction."),
                ),
                'LABEL org.opencontainers.image.source="https://github.com/me/app"',
            ),
        ),
    ),
    InstructionDoc(
        "MAINTAINER",
        "Deprecated: the image's author. Use a label instead.",
        'Write `LABEL org.opencontainers.image.authors="name <mail>"`: labels are '
        "queryable and the MAINTAINER field is kept only for compatibility.",
        (
            SyntaxForm(
                "plain",
                "The author's name.",
                (_P("<name>", "Who maintains the image."),),
                "MAINTAINER Jane Doe <jane@example.com>",
            ),
        ),
        deprecated=True,
    ),
    InstructionDoc(
        "EXPOSE",
        "Document the ports the container listens on.",
        "EXPOSE does not publish anything: it records the ports in the image so that "
        "`docker run -P` and tooling know them. The protocol is tcp unless /udp is given.",
        (
            SyntaxForm(
                "plain",
                "One or more ports, each optionally with /tcp or /udp.",
                (
                    _P(
                        "<port>[/<protocol>]",
                        "A port number or range (8000-8010), and tcp (default) or udp.",
                    ),
                    _P("[<port>[/<protocol>]...]", "More ports."),
                ),
                "EXPOSE 8080 53/udp",
            ),
        ),
    ),
    InstructionDoc(
        "ENV",
        "Set environment variables for the rest of the build and for containers.",
        "The variables apply to the following instructions of this stage, to stages built "
        "FROM it, and to every container run from the image. For values only the build "
        "needs, use ARG (or `RUN VAR=x cmd`), which does not persist.",
        (
            SyntaxForm(
                "pairs",
                "One or more key=value pairs.",
                (
                    _P("<key>=<value>", "A variable and its value; quote values with spaces."),
                    _P(
                        "[<key>=<value>...]",
                        "More variables; they all see the values from before this line.",
                    ),
                ),
                "ENV PATH=/app/bin:$PATH LANG=C.UTF-8",
            ),
            SyntaxForm(
                "legacy",
                "Legacy form: one variable, the value is the rest of the line (avoid it).",
                (_P("<key>", "The variable."), _P("<value>", "Everything after the first space.")),
                "ENV LANG C.UTF-8",
            ),
        ),
    ),
    InstructionDoc(
        "ADD",
        "Add files from the build context, URLs or Git repositories; extract local archives.",
        "Like COPY, and also: a URL source is downloaded, a Git URL is cloned, and a local "
        "tar archive is extracted into the destination. Prefer COPY for plain files, so "
        "that nothing is extracted or fetched by surprise.",
        (
            SyntaxForm(
                "plain",
                "Sources and a destination.",
                (_SRC, _DEST),
                "ADD --checksum=sha256:… https://example.com/tool.tgz /opt/",
            ),
            SyntaxForm(
                "exec",
                "JSON form: for paths that contain spaces.",
                _JSON_SRC_DEST,
                'ADD ["my file.txt", "/data/"]',
                json=True,
            ),
            SyntaxForm(
                "heredoc",
                "Heredoc form: write the file's contents inline.",
                (_P("<<EOF", "The lines up to EOF become the file."), _DEST),
                "ADD <<EOF /etc/motd\nhello\nEOF",
            ),
        ),
        flag_order=("checksum", "keep-git-dir", "chown", "chmod", "link", "exclude", "unpack"),
    ),
    InstructionDoc(
        "COPY",
        "Copy files from the build context, another stage or an image into the image.",
        "Sources are relative to the build context (files excluded by .dockerignore are not "
        "there) or, with --from, to that stage or image. Several sources need a directory "
        "destination ending in /. Copy only what the next steps need, so the cache holds.",
        (
            SyntaxForm(
                "plain",
                "Sources and a destination.",
                (_SRC, _DEST),
                "COPY --from=build /app/bin/server /usr/local/bin/",
            ),
            SyntaxForm(
                "exec",
                "JSON form: for paths that contain spaces.",
                _JSON_SRC_DEST,
                'COPY ["my file.txt", "/data/"]',
                json=True,
            ),
            SyntaxForm(
                "heredoc",
                "Heredoc form: write the file's contents inline.",
                (_P("<<EOF", "The lines up to EOF become the file."), _DEST),
                "COPY <<EOF /app/config.ini\n[main]\nEOF",
            ),
        ),
        flag_order=("from", "chown", "chmod", "link", "parents", "exclude"),
    ),
    InstructionDoc(
        "ENTRYPOINT",
        "The program a container runs; CMD or `docker run` arguments are passed to it.",
        "Use the exec form so the program is PID 1 and receives signals; CMD then holds its "
        "default arguments. In the shell form CMD and run arguments are ignored.",
        (
            _exec_form(
                "Exec form: the program and its fixed arguments (preferred).",
                'ENTRYPOINT ["/usr/bin/tini", "--"]',
            ),
            SyntaxForm(
                "shell",
                "Shell form: runs under /bin/sh -c and ignores CMD.",
                (_COMMAND,),
                "ENTRYPOINT exec java -jar /app.jar",
            ),
        ),
    ),
    InstructionDoc(
        "VOLUME",
        "Declare directories whose data lives outside the container's layer.",
        "Containers get an anonymous volume at each path unless one is mounted there. Changes "
        "a later RUN makes inside the path are discarded, so fill it before VOLUME.",
        (
            SyntaxForm(
                "plain",
                "One or more paths.",
                (_P("<path>", "A directory in the image."), _P("[<path>...]", "More directories.")),
                "VOLUME /var/lib/data",
            ),
            SyntaxForm(
                "exec",
                "JSON form.",
                (_P('"<path>", ...', "The directories, each a JSON string."),),
                'VOLUME ["/var/lib/data"]',
                json=True,
            ),
        ),
    ),
    InstructionDoc(
        "USER",
        "The user (and group) for the following RUN, CMD and ENTRYPOINT.",
        "Applies to the rest of the stage and to containers started from the image. The user "
        "must exist in the image (or be given as a number). Run the final image as a "
        "non-root user.",
        (
            SyntaxForm(
                "plain",
                "A user name or uid, optionally with a group.",
                (
                    _P(
                        "<user>[:<group>]",
                        "Name or numeric id of the user, and optionally of the group.",
                    ),
                ),
                "USER app:app",
            ),
        ),
    ),
    InstructionDoc(
        "WORKDIR",
        "The working directory for the following instructions and for containers.",
        "Created if missing (owned by root). A relative path is taken from the previous "
        "WORKDIR, so use absolute paths.",
        (
            SyntaxForm(
                "plain",
                "A directory.",
                (_P("<path>", "Absolute, or relative to the previous WORKDIR."),),
                "WORKDIR /app",
            ),
        ),
    ),
    InstructionDoc(
        "ARG",
        "Declare a build argument, optionally with a default (set with --build-arg).",
        "Before the first FROM, an ARG is global: only FROM lines can use it, unless a stage "
        "declares it again with `ARG NAME` (which takes the global default). Inside a stage "
        "it is visible to the following instructions of that stage only, and is not in the "
        "image's environment. Never pass secrets as build arguments: they stay in the image "
        "history.",
        (
            SyntaxForm(
                "pairs",
                "One or more names, each with an optional default.",
                (
                    _P(
                        "<name>[=<default>]",
                        "The argument, and the value used when no --build-arg sets it.",
                    ),
                    _P("[<name>[=<default>]...]", "More arguments."),
                ),
                "ARG VERSION=1.2.3",
            ),
        ),
    ),
    InstructionDoc(
        "ONBUILD",
        "An instruction to run later, when another Dockerfile builds FROM this image.",
        "The trigger is stored in the image and runs at the start of the child build, right "
        "after its FROM. FROM, MAINTAINER and ONBUILD cannot be triggers.",
        (
            SyntaxForm(
                "plain",
                "Any other instruction.",
                (_P("<instruction>", "The instruction the child build runs, e.g. COPY . /app."),),
                "ONBUILD COPY . /app/src",
            ),
        ),
    ),
    InstructionDoc(
        "STOPSIGNAL",
        "The signal `docker stop` sends to end the container.",
        "SIGTERM unless set. Set it when the program shuts down cleanly on another signal "
        "(nginx: SIGQUIT).",
        (
            SyntaxForm(
                "plain",
                "A signal name or number.",
                (_P("<signal>", "SIGTERM, SIGQUIT, SIGINT, 9..."),),
                "STOPSIGNAL SIGQUIT",
            ),
        ),
    ),
    InstructionDoc(
        "HEALTHCHECK",
        "How to test that a running container still works, or NONE to turn off the check.",
        "The command runs inside the container at every interval; exit code 0 means "
        "healthy, 1 unhealthy. Only the last HEALTHCHECK of the stage counts. The image "
        "needs the tool the command uses (curl, wget, or its own binary).",
        (
            SyntaxForm(
                "shell",
                "CMD and a command run by the shell.",
                (_P("CMD", "Introduces the check command."), _COMMAND),
                "HEALTHCHECK --interval=30s CMD curl -fsS http://localhost/ || exit 1",
            ),
            SyntaxForm(
                "exec",
                "CMD and a JSON array: the program runs without a shell.",
                (_P("CMD", "Introduces the check command."), _EXECUTABLE, _EXEC_PARAMS),
                'HEALTHCHECK CMD ["/app/healthcheck"]',
                json=True,
            ),
            SyntaxForm(
                "none",
                "Turn off a check inherited from the base image.",
                (_P("NONE", "No health check."),),
                "HEALTHCHECK NONE",
            ),
        ),
        flag_order=("interval", "timeout", "start-period", "start-interval", "retries"),
    ),
    InstructionDoc(
        "SHELL",
        "The shell used by the shell form of RUN, CMD and ENTRYPOINT that follow.",
        "Given as a JSON array: the program and the options before the command, e.g. "
        '["/bin/bash", "-o", "pipefail", "-c"]. Applies to the rest of the stage.',
        (
            _exec_form(
                "The shell and its options, as a JSON array.",
                'SHELL ["/bin/bash", "-euo", "pipefail", "-c"]',
            ),
        ),
    ),
)

INSTRUCTIONS: dict[str, InstructionDoc] = {
    doc.keyword: InstructionDoc(
        doc.keyword,
        doc.summary,
        doc.description,
        doc.forms,
        doc.flag_order,
        doc.deprecated,
        f"{DOCKERFILE_REFERENCE}#{doc.keyword.lower()}",
    )
    for doc in _INSTRUCTION_DOCS
}


def instruction(keyword: str) -> InstructionDoc | None:
    """The documentation of an instruction, in any casing."""
    return INSTRUCTIONS.get(keyword.upper())


def flag_parameter(flag: FlagDoc) -> Parameter:
    doc = flag.summary + (" Repeatable." if flag.repeatable else "")
    return Parameter(f"[{flag.usage}]", doc)


def signatures(keyword: str) -> tuple[Signature, ...]:
    """One signature per syntax form of ``keyword``: its flags, then the form's arguments."""
    doc = instruction(keyword)
    if doc is None:
        return ()
    flag_params = tuple(flag_parameter(f) for f in flags_of(doc.keyword))
    found = []
    for form in doc.forms:
        pieces: list[tuple[str, str | None]] = [(doc.keyword, None)]  # (text, separator)
        pieces += [(p.label, " ") for p in flag_params]
        args = form.params
        if form.json:
            lead = tuple(p for p in args if not p.label.startswith('"'))
            pieces += [(p.label, " ") for p in lead]
            array = args[len(lead) :]
            pieces += [(p.label, ", " if i else " [") for i, p in enumerate(array)]
        else:
            pieces += [(p.label, " ") for p in args]
        label = ""
        offsets: list[tuple[int, int]] = []
        for text, separator in pieces:
            if separator is not None:
                label += separator
                offsets.append((len(label), len(label) + len(text)))
            label += text
        if form.json:
            label += "]"
        found.append(
            Signature(
                doc.keyword, form, label, flag_params + args, len(flag_params), tuple(offsets)
            )
        )
    return tuple(found)


# -- parser directives ---------------------------------------------------------------------

DIRECTIVES: dict[str, DirectiveDoc] = {
    d.name: d
    for d in (
        DirectiveDoc(
            "syntax",
            "The Dockerfile frontend (an image) BuildKit uses to read this file.",
            "<image>",
            values=(
                ValueDoc("docker/dockerfile:1", "the newest stable 1.x frontend (recommended)"),
                ValueDoc("docker/dockerfile:1-labs", "1.x with experimental features"),
            ),
            details="Pin a minor version (docker/dockerfile:1.7) to freeze the syntax. The "
            "frontend is pulled at build time, so newer syntax works with an older BuildKit.",
        ),
        DirectiveDoc(
            "escape",
            "The character that escapes characters and continues lines.",
            "<char>",
            values=(
                ValueDoc("\\", "backslash: the default"),
                ValueDoc("`", "backtick: for Windows images, where \\ separates paths"),
            ),
        ),
        DirectiveDoc(
            "check",
            "Configure BuildKit's build checks for this file.",
            "skip=<checks>;error=<bool>",
            details="Keys separated by ';': skip= lists the checks not to run (or all), "
            "error=true turns check warnings into build errors.",
        ),
    )
}

CHECK_KEYS: dict[str, DirectiveDoc] = {
    d.name: d
    for d in (
        DirectiveDoc(
            "skip",
            "Build checks not to run, by name, separated by commas; `all` skips every check.",
            "<check>[,<check>...]|all",
        ),
        DirectiveDoc(
            "error",
            "Make the build fail when a check reports a problem.",
            "<bool>",
            values=_BOOL,
        ),
        DirectiveDoc(
            "experimental",
            "Also run these experimental checks (comma-separated names, or all).",
            "<check>[,<check>...]|all",
        ),
    )
}

BUILDKIT_CHECKS: dict[str, CheckDoc] = {
    c.name: c
    for c in (
        CheckDoc("StageNameCasing", "A stage name with upper-case letters."),
        CheckDoc("FromAsCasing", "FROM and AS written in different casing."),
        CheckDoc("NoEmptyContinuation", "An empty line in the middle of a continued instruction."),
        CheckDoc("ConsistentInstructionCasing", "Instructions written in mixed casing."),
        CheckDoc("DuplicateStageName", "Two stages with the same name."),
        CheckDoc("ReservedStageName", "A stage named like a reserved word (scratch, context)."),
        CheckDoc(
            "JSONArgsRecommended",
            "CMD or ENTRYPOINT in shell form, which keeps signals from the program.",
        ),
        CheckDoc("MaintainerDeprecated", "The MAINTAINER instruction, replaced by a label."),
        CheckDoc(
            "UndefinedArgInFrom", "A FROM line using a build argument no global ARG declares."
        ),
        CheckDoc("WorkdirRelativePath", "A relative WORKDIR with no absolute one before it."),
        CheckDoc("UndefinedVar", "A variable used before (or without) being declared."),
        CheckDoc(
            "MultipleInstructionsDisallowed",
            "Several CMD, ENTRYPOINT or HEALTHCHECK in a stage: only the last counts.",
        ),
        CheckDoc(
            "LegacyKeyValueFormat", "ENV or LABEL written as `key value` instead of key=value."
        ),
        CheckDoc(
            "InvalidBaseImagePlatform", "A base image pulled for another platform than the build's."
        ),
        CheckDoc(
            "RedundantTargetPlatform",
            "FROM --platform=$TARGETPLATFORM, which is the default anyway.",
        ),
        CheckDoc("SecretsUsedInArgOrEnv", "A secret-looking name passed through ARG or ENV."),
        CheckDoc(
            "InvalidDefaultArgInFrom",
            "Global ARG defaults that leave FROM with an empty or invalid image.",
        ),
        CheckDoc("FromPlatformFlagConstDisallowed", "FROM --platform with a constant value."),
        CheckDoc(
            "CopyIgnoredFile", "COPY or ADD of a path .dockerignore excludes.", experimental=True
        ),
        CheckDoc(
            "InvalidDefinitionDescription",
            "A comment above ARG or FROM that is not in the `# NAME description` form.",
            experimental=True,
        ),
        CheckDoc("ExposeProtoCasing", "An EXPOSE protocol not in lower case."),
        CheckDoc(
            "ExposeInvalidFormat",
            "EXPOSE with an IP address or a host port, which belong to docker run.",
        ),
    )
}


# -- predefined build arguments --------------------------------------------------------------

_PLATFORM = (
    ("TARGETPLATFORM", "The platform the image is built for, os/arch[/variant].", "linux/arm64"),
    ("TARGETOS", "The OS part of TARGETPLATFORM.", "linux"),
    ("TARGETARCH", "The architecture part of TARGETPLATFORM.", "arm64"),
    ("TARGETVARIANT", "The variant part of TARGETPLATFORM (empty for most).", "v8"),
    ("BUILDPLATFORM", "The platform of the machine running the build.", "linux/amd64"),
    ("BUILDOS", "The OS part of BUILDPLATFORM.", "linux"),
    ("BUILDARCH", "The architecture part of BUILDPLATFORM.", "amd64"),
    ("BUILDVARIANT", "The variant part of BUILDPLATFORM.", ""),
    ("TARGETSTAGE", "The name of the stage being built (--target or the last one).", "runtime"),
)
_PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY")
_SETTINGS = (
    (
        "BUILDKIT_INLINE_CACHE",
        "Set to 1 to write cache metadata into the image, so it can serve as --cache-from.",
    ),
    (
        "BUILDKIT_CACHE_MOUNT_NS",
        "A namespace for the ids of cache mounts, to keep builds' caches apart.",
    ),
    (
        "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
        "Set to 1 to keep .git when the build context is a Git repository.",
    ),
    (
        "BUILDKIT_MULTI_PLATFORM",
        "Set to 1 to produce a multi-platform result even for one platform.",
    ),
    ("BUILDKIT_SANDBOX_HOSTNAME", "The host name RUN commands see."),
    ("BUILDKIT_SYNTAX", "The frontend image, like a # syntax= directive (which wins)."),
    ("BUILDKIT_DOCKERFILE_CHECK", "Build check settings, like a # check= directive."),
    (
        "SOURCE_DATE_EPOCH",
        "A Unix timestamp for the image's created dates and file times: reproducible builds.",
    ),
)

PREDEFINED_ARGS: dict[str, ArgDoc] = {
    **{name: ArgDoc(name, summary, "platform", example) for name, summary, example in _PLATFORM},
    **{
        name: ArgDoc(
            name,
            f"Proxy setting ({name.split('_')[0].lower()}) passed with --build-arg; RUN gets "
            "it without an ARG, and it is left out of the image history.",
            "proxy",
        )
        for upper in _PROXIES
        for name in (upper, upper.lower())
    },
    **{name: ArgDoc(name, summary, "setting") for name, summary in _SETTINGS},
}
