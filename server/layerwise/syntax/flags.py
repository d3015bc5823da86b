"""Which flags each instruction accepts, and which keys ``RUN --mount`` knows.

The one list of what exists: the parser checks flags against it, the LW002 rule checks
values against it, and the editor's documentation (:mod:`layerwise.services.reference`)
documents exactly these. Dockerfile frontend 1.x, labs flags included.
"""

from __future__ import annotations

INSTRUCTION_FLAGS: dict[str, frozenset[str]] = {
    "FROM": frozenset({"platform"}),
    "RUN": frozenset({"mount", "network", "security", "device"}),
    "COPY": frozenset({"from", "chown", "chmod", "link", "parents", "exclude"}),
    "ADD": frozenset({"chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack"}),
    "HEALTHCHECK": frozenset({"interval", "timeout", "start-period", "start-interval", "retries"}),
}

# Flags BuildKit reads as booleans (``--link``, ``--link=false``); every other flag
# takes a value and ``--chmod 777`` (no ``=``) is a parse error.
BOOLEAN_FLAGS: dict[str, frozenset[str]] = {
    "COPY": frozenset({"link", "parents"}),
    "ADD": frozenset({"link", "keep-git-dir", "unpack"}),
}

#: Flags that may be given more than once.
REPEATABLE_FLAGS = frozenset({"mount", "exclude"})

#: RUN flags whose value is one of a closed set.
FLAG_CHOICES: dict[str, tuple[str, ...]] = {
    "network": ("default", "none", "host"),
    "security": ("insecure", "sandbox"),
}

MOUNT_TYPES = ("bind", "cache", "tmpfs", "secret", "ssh")

# --mount keys as BuildKit's parser knows them, and the mount types each is limited to
# (``None``: any type). A key a type does not use but BuildKit accepts (``id`` on a
# tmpfs mount) is not an error: the build goes on.
MOUNT_KEYS: dict[str, frozenset[str] | None] = {
    "type": None, "from": None, "source": None, "src": None, "target": None, "dst": None,
    "destination": None, "readonly": None, "ro": None, "readwrite": None, "rw": None,
    "id": None, "sharing": frozenset({"cache"}), "required": frozenset({"secret", "ssh"}),
    "size": frozenset({"tmpfs"}), "mode": frozenset({"secret", "ssh", "cache"}),
    "uid": frozenset({"secret", "ssh", "cache"}), "gid": frozenset({"secret", "ssh", "cache"}),
    "env": frozenset({"secret"}),
}  # fmt: skip

#: Mount keys that may be written without a value (``ro``, ``required``).
BARE_MOUNT_KEYS = frozenset({"readonly", "ro", "readwrite", "rw", "required"})

#: Mount keys whose value is one of a closed set.
MOUNT_KEY_CHOICES: dict[str, tuple[str, ...]] = {
    "type": MOUNT_TYPES,
    "sharing": ("shared", "private", "locked"),
}
