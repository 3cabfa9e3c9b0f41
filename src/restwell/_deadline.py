"""
The hard deadline: everything below the ``deadline`` stage ends when the call's does.

``abounded`` (async) runs the rest of the chain so that, when ``ctx.deadline_at``
passes, whatever it is waiting on (a dripping server, a stalled body, a slow reader of
an upload, a hook or middleware that sleeps) is cancelled and the call raises
``DeadlineExceeded``. It has no sync twin: a sync call cannot be cancelled from
outside, so the sync ``deadline`` stage calls the chain directly (scripts/unasync.py
rewrites the call) and the transport re-caps every socket read and write to the time
left (see the httpx transport).

On asyncio, a cancel scope per call (``asyncio.timeout``) costs a timer handle pushed
on the loop's heap and cancelled again, about 3 µs; here one watchdog per event loop
keeps the calls' deadlines in FIFO queues (one per deadline length: calls with the
same deadline length end in the order they start) and keeps a single loop timer armed
for the earliest one, which cancels the task of a call whose deadline passed. The
cancellation is turned into ``DeadlineExceeded`` exactly when it was ours (the
``Task.uncancel`` protocol of ``asyncio.timeout``, Python 3.11). Other event loops
(trio, through anyio) use an anyio cancel scope.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ._clock import SystemClock

if TYPE_CHECKING:
    from ._context import CallContext
    from ._models import Request

__all__ = ["abounded"]

R = TypeVar("R")
_INF = float("inf")


class _Entry:
    """One call under watch: its deadline in loop time and its task."""

    __slots__ = ("at", "done", "fired", "task")

    def __init__(self, at: float, task: asyncio.Task[Any]) -> None:
        self.at = at
        self.task = task
        self.done = False
        self.fired = False


class _Watchdog:
    """Cancels the task of each call whose deadline passed (one per event loop)."""

    __slots__ = ("_armed_at", "_loop", "_queues")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._queues: dict[float, deque[_Entry]] = {}
        self._armed_at = _INF

    def watch(self, key: float, at: float, task: asyncio.Task[Any]) -> _Entry:
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
        entry = _Entry(at, task)
        queue.append(entry)
        if at < self._armed_at:
            self._armed_at = at
            self._loop.call_at(at, self._fire)
        return entry

    def release(self, key: float, entry: _Entry) -> None:
        entry.done = True
        queue = self._queues[key]
        while queue and queue[0].done:
            queue.popleft()

    def _fire(self) -> None:
        now = self._loop.time()
        if now < self._armed_at:  # an earlier timer, superseded
            return
        earliest = _INF
        for queue in self._queues.values():
            while queue and (queue[0].done or queue[0].at <= now):
                entry = queue.popleft()
                if not entry.done:
                    entry.fired = True
                    entry.task.cancel()
            if queue and queue[0].at < earliest:
                earliest = queue[0].at
        self._armed_at = earliest
        if earliest < _INF:
            self._loop.call_at(earliest, self._fire)


_watchdogs: dict[asyncio.AbstractEventLoop, _Watchdog] = {}


def _watchdog(loop: asyncio.AbstractEventLoop) -> _Watchdog:
    dog = _watchdogs.get(loop)
    if dog is None:
        if len(_watchdogs) > 8:  # forget loops that are closed
            for old in [lp for lp in _watchdogs if lp.is_closed()]:
                del _watchdogs[old]
        dog = _watchdogs[loop] = _Watchdog(loop)
    return dog


async def abounded(
    call_next: Callable[[Request], Awaitable[R]],
    request: Request,
    ctx: CallContext,
    on_expiry: Callable[[Request], BaseException],
) -> R:
    """
    Await ``call_next(request)``, cancelled when ``ctx.deadline_at`` passes.

    Args:
        call_next: The rest of the chain.
        request: The call's request (its ``context`` is ``ctx``).
        ctx: The call's context; ``ctx.deadline_at`` is not ``None``.
        on_expiry: Builds the error raised on expiry (``DeadlineExceeded``).

    Raises:
        DeadlineExceeded: (from ``on_expiry``) when the deadline cut the call.
    """
    deadline_at: float = ctx.deadline_at  # type: ignore[assignment]  # checked by the caller
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not asyncio (trio)
        return await _anyio_bounded(call_next, request, ctx, on_expiry)
    task = asyncio.current_task(loop)
    if task is None:  # pragma: no cover - awaited outside a task
        return await call_next(request)
    # asyncio's loops keep time with time.monotonic (uvloop: the same clock, in
    # ms), the system clock's too: then the deadline is already in loop time.
    if type(ctx.clock) is SystemClock:
        at = deadline_at
    else:
        at = loop.time() + (deadline_at - ctx.clock.monotonic())
    key = ctx.options.deadline or 0.0
    dog = _watchdog(loop)
    entry = dog.watch(key, at, task)
    try:
        return await call_next(request)
    except asyncio.CancelledError:
        if entry.fired and task.uncancel() == 0:
            raise on_expiry(request) from None
        raise
    finally:
        dog.release(key, entry)


async def _anyio_bounded(
    call_next: Callable[[Request], Awaitable[R]],
    request: Request,
    ctx: CallContext,
    on_expiry: Callable[[Request], BaseException],
) -> R:
    import anyio

    deadline_at: float = ctx.deadline_at  # type: ignore[assignment]  # checked by the caller
    left = deadline_at - ctx.clock.monotonic()
    with anyio.CancelScope(deadline=anyio.current_time() + left):
        return await call_next(request)
    raise on_expiry(request)  # the scope caught its own cancellation
