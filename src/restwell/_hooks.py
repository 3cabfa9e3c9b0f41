"""
Dispatch of events to hooks, for both worlds.

``subscribe`` freezes a client's hooks into a table (event class → hooks) once, when
the pipeline is built (aiohttp ``TraceConfig.freeze``); ``Emitter`` is that table as
``CallContext.events``. ``emit`` / ``aemit`` are hand-kept twins rather than generated
(scripts/unasync.py says why): the async one awaits a hook's awaitable result, a branch
the sync one cannot have, because a sync client refuses async hooks at subscription.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ._exceptions import ConfigurationError
from .instrumentation._events import Event

__all__ = [
    "Emitter",
    "Subscriptions",
    "aemit",
    "asubscribe",
    "emit",
    "enter_spans",
    "exit_spans",
    "subscribe",
]

_log = logging.getLogger("restwell.hooks")

Subscriptions = dict[type[Event], tuple[Any, ...]]


def subscribe(
    hooks: Iterable[Any], emitted: Collection[type[Event]], *, sync: bool = True
) -> Subscriptions:
    """
    Freeze hooks into a table: event class → the hooks that want it.

    Args:
        hooks: Callables ``(event) -> None``; an ``event_types`` attribute (a
            collection of event classes) limits what a hook receives, and an
            ``optional_event_types`` attribute adds classes it takes only where
            the client emits them (``LoggingHook`` uses it for the events of
            stages a client may not have, such as ``failover``).
        emitted: The event classes the client's stages emit.
        sync: Whether the client is sync (then ``async`` hooks are refused).

    Raises:
        ConfigurationError: If a hook is not callable, is ``async`` in a sync
            client, or wants something that is not an event class or that no
            stage of this client emits.
    """
    if isinstance(hooks, str | bytes) or not isinstance(hooks, Iterable):
        raise ConfigurationError(
            f"hooks={hooks!r} must be a list of callables (event) -> None, "
            "e.g. hooks=[print]"
        )
    table: dict[type[Event], list[Any]] = {cls: [] for cls in emitted}
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
        classes = emitted if wanted is None else frozenset(wanted)
        for cls in classes:
            if not (isinstance(cls, type) and issubclass(cls, Event)):
                raise ConfigurationError(
                    f"hook {hook!r} wants {cls!r}, which is not a restwell event class"
                )
            if cls not in table:
                raise ConfigurationError(
                    f"hook {hook!r} wants {cls.__name__}, which no stage of this "
                    "client emits: add the stage that emits it, or drop it from the "
                    "hook's event_types"
                )
            table[cls].append(hook)
        for cls in getattr(hook, "optional_event_types", ()):
            if cls in table and hook not in table[cls]:
                table[cls].append(hook)
    return {cls: tuple(hs) for cls, hs in table.items() if hs}


def asubscribe(hooks: Iterable[Any], emitted: Collection[type[Event]]) -> Subscriptions:
    """``subscribe`` for an async client: ``async`` hooks are allowed."""
    return subscribe(hooks, emitted, sync=False)


class Emitter:
    """
    A client's frozen hook table, shared by every call (``CallContext.events``).

    ``hooks(EventClass)`` gives the subscribers of one event class (an empty tuple
    when none: build the event only if it is not empty); ``await aemit(event)``
    (async client) or ``emit(event)`` (sync client) sends an event to them and
    returns the context managers they returned.

    Args:
        table: Event class → hooks, from ``subscribe``.
    """

    __slots__ = ("_table", "emitted")

    def __init__(self, table: Subscriptions, emitted: Collection[type[Event]]) -> None:
        self._table = table
        self.emitted = frozenset(emitted)

    def hooks(self, event_type: type[Event]) -> tuple[Any, ...]:
        """Return the hooks subscribed to ``event_type`` (``()`` for none)."""
        return self._table.get(event_type, ())

    def emit(self, event: Event) -> list[AbstractContextManager[Any]]:
        """Call each subscriber of ``type(event)`` (sync client)."""
        return emit(self._table.get(type(event), ()), event)

    async def aemit(self, event: Event) -> list[AbstractContextManager[Any]]:
        """Call each subscriber of ``type(event)``, awaiting async ones."""
        return await aemit(self._table.get(type(event), ()), event)

    def __repr__(self) -> str:
        return f"<Emitter {sorted(c.__name__ for c in self._table)}>"


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


def enter_spans(
    spans: Sequence[AbstractContextManager[Any]],
) -> list[AbstractContextManager[Any]]:
    """
    Enter the context managers hooks returned (they span a wait); return those entered.

    One whose ``__enter__`` raises is logged (logger ``restwell.hooks``) and skipped,
    as a raising hook is.
    """
    entered: list[AbstractContextManager[Any]] = []
    for span in spans:
        try:
            span.__enter__()
        except Exception:
            _log.exception("restwell: hook context %r raised on enter; ignored", span)
            continue
        entered.append(span)
    return entered


def exit_spans(entered: Sequence[AbstractContextManager[Any]]) -> None:
    """Exit what ``enter_spans`` entered, innermost first; errors logged, ignored."""
    for span in reversed(entered):
        try:
            span.__exit__(None, None, None)
        except Exception:
            _log.exception("restwell: hook context %r raised on exit; ignored", span)
