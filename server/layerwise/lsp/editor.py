"""Editor features beyond diagnostics and code actions (hover, completion, symbols...).

Each feature is a module in :mod:`layerwise.lsp.features` with a ``register(server)``
function that adds its handlers and capabilities. A handler only translates: the
answer comes from a pure function in :mod:`layerwise.services` (text and position in,
result out), so it can be tested without a client.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .server import LayerwiseServer

#: The feature modules under layerwise.lsp.features, registered in this order.
FEATURES: tuple[str, ...] = (
    "hover",
    "signature",
    "completion",
    "folding",
    "selection",
    "links",
    "inlay",
    "fixall",
    "navigation",
    "symbols",
    "semantic_tokens",
    "formatting",
    "watched_files",
)


def register_editor_features(server: LayerwiseServer) -> None:
    for name in FEATURES:
        import_module(f"{__package__}.features.{name}").register(server)
