"""Codes of the tools layerwise stands in for (hadolint, and the ShellCheck checks hadolint
embeds) that layerwise does not check itself.

They are valid in hadolint's own pragmas and configuration, which a project may share with
hadolint, so layerwise accepts them there; they silence nothing in layerwise.
"""

from __future__ import annotations

import re

#: hadolint's DL rules without a layerwise rule (rules/hadolint.md gives the reasons).
HADOLINT_ONLY = frozenset({"DL1001", "DL3010", "DL3043"})

_SHELLCHECK = re.compile(r"^SC\d{4}$")


def peer_only(code: str) -> bool:
    """``code`` is a hadolint or ShellCheck code that layerwise does not check."""
    upper = code.strip().upper()
    return upper in HADOLINT_ONLY or bool(_SHELLCHECK.match(upper))
