"""
Running a handler's callback: the one difference between the async and sync roads.

``acall_callback`` awaits an async callback's result; ``call_callback`` (for the
sync ``ServiceBinding``) refuses one, since a sync call cannot await it. The
bindings are generated from one source and call one or the other.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from .._exceptions import ConfigurationError

__all__ = ["acall_callback", "call_callback"]


async def acall_callback(callback: Callable[[Any], Any], data: Any) -> Any:
    """``callback(data)``, awaited if it returns an awaitable; exceptions propagate."""
    result = callback(data)
    if inspect.isawaitable(result):
        return await result
    return result


def call_callback(callback: Callable[[Any], Any], data: Any) -> Any:
    """
    ``callback(data)`` for a sync call; exceptions propagate.

    Raises:
        ConfigurationError: If the callback is async (a sync call cannot await
            it): use the service with an ``AsyncClient``, or a sync callback.
    """
    result = callback(data)
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # a coroutine never awaited would warn
        raise ConfigurationError(
            f"callback {getattr(callback, '__name__', callback)!r} is async: a "
            "service bound to restwell.Client needs a sync callback (or bind an "
            "AsyncClient)"
        )
    return result
