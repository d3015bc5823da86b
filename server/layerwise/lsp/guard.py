"""Every handler is guarded: an exception is logged and the server keeps serving."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from pygls.exceptions import JsonRpcException

log = logging.getLogger("layerwise.lsp")
F = TypeVar("F", bound=Callable[..., Any])


def guarded(default: Any = None) -> Callable[[F], F]:
    """Log and swallow any exception from a handler, returning ``default``.

    A :class:`JsonRpcException` is a deliberate error response (a refused rename)
    and passes through to the client."""

    def wrap(func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                try:
                    return await func(*args, **kwargs)
                except JsonRpcException:
                    raise
                except Exception:
                    log.exception("handler %s failed", func.__name__)
                    return default

            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except JsonRpcException:
                raise
            except Exception:
                log.exception("handler %s failed", func.__name__)
                return default

        return run  # type: ignore[return-value]

    return wrap
