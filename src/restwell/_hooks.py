"""Dispatch of events to hooks, for both worlds (not twinned: no I/O of its own)."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ._exceptions import ConfigurationError
from .instrumentation._events import ALL_EVENTS, Event

__all__ = ["Subscriptions", "aemit", "asubscribe", "emit", "subscribe"]

_log = logging.getLogger("restwell.hooks")

Subscriptions = dict[type[Event], tuple[Any, ...]]


def subscribe(hooks: Iterable[Any], *, sync: bool = True) -> Subscriptions:
    """
    Freeze hooks into a table: event class → the hooks that want it.

    Raises:
        ConfigurationError: If a hook is not callable, wants something that is not
            an event class, or is ``async`` in a sync client.
    """
    table: dict[type[Event], list[Any]] = {cls: [] for cls in ALL_EVENTS}
    for hook in hooks:
        if not callable(hook):
            raise ConfigurationError(
                f"hook {hook!r} is not callable: hooks are (event) -> None"
            )
        if sync and (
            inspect.iscoroutinefunction(hook)
            or inspect.iscoroutinefunction(getattr(hook, "__call__", None))  # noqa: B004
        ):
            raise ConfigurationError(
                f"hook {hook!r} is async, but this is a sync Client: pass a plain "
                "function, or use restwell.AsyncClient"
            )
        wanted = getattr(hook, "event_types", None)
        classes = ALL_EVENTS if wanted is None else frozenset(wanted)
        for cls in classes:
            if cls not in table:
                raise ConfigurationError(
                    f"hook {hook!r} wants {cls!r}, which is not a restwell event class"
                )
            table[cls].append(hook)
    return {cls: tuple(hs) for cls, hs in table.items() if hs}


def asubscribe(hooks: Iterable[Any]) -> Subscriptions:
    """``subscribe`` for an async client: ``async`` hooks are allowed."""
    return subscribe(hooks, sync=False)


def _failed(hook: Any, event: Event) -> None:
    _log.exception(
        "restwell: hook %r raised on %s; ignored", hook, type(event).__name__
    )


def emit(hooks: Sequence[Any], event: Event) -> list[AbstractContextManager[Any]]:
    """Call each hook with ``event``; return the context managers they returned."""
    spans: list[AbstractContextManager[Any]] = []
    for hook in hooks:
        try:
            result = hook(event)
        except Exception:
            _failed(hook, event)
            continue
        if isinstance(result, AbstractContextManager):
            spans.append(result)
    return spans


async def aemit(
    hooks: Sequence[Any], event: Event
) -> list[AbstractContextManager[Any]]:
    """Like ``emit``; awaits hooks that are ``async``."""
    spans: list[AbstractContextManager[Any]] = []
    for hook in hooks:
        try:
            result = hook(event)
            if inspect.isawaitable(result):
                result = await result
        except Exception:
            _failed(hook, event)
            continue
        if isinstance(result, AbstractContextManager):
            spans.append(result)
    return spans
