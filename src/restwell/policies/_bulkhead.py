"""
Bulkhead: a limit on concurrent requests, with an optional bounded queue, sans-IO.

``Bulkhead`` counts permits and keeps the queue of waiters; it never waits. Its
driver, the ``bulkhead`` stage, creates a waiter (an ``anyio.Event`` in async, a
``threading.Event`` in sync: ``restwell._waiters``), waits on it, and wakes the one
``release`` hands the permit to. A permit freed while someone queues goes straight to
the oldest waiter (FIFO hand-off), so a newcomer never overtakes the queue.

The name and the shape (max concurrent, max queued, the rest refused) are Polly's
and MEHR's bulkhead / concurrency limiter (Nygard, "Release It!", 2007, ch. 5);
DESIGN.md's default is 1000 concurrent, no queue.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from .._config import seconds
from .._exceptions import ConfigurationError

__all__ = ["DEFAULT_MAX_CONCURRENT", "Bulkhead", "as_bulkhead"]

DEFAULT_MAX_CONCURRENT = 1000
"""Concurrent requests a ``Bulkhead()`` admits by default (MEHR's default)."""

W = TypeVar("W")


class Bulkhead:
    """
    Bulkhead policy: at most ``max_concurrent`` requests at once, ``max_queued`` wait.

    ``AsyncClient(bulkhead=Bulkhead(10, max_queued=100, max_wait=5))``. A permit is
    taken per attempt and held until the response's body is read (in a streamed
    call, until the response head arrived). Thread-safe; share one object between
    the calls of one client, or between clients on one event loop (async) or
    between sync clients (a queued async waiter is woken on its own loop).

    Args:
        max_concurrent: Requests at once (an int >= 1). Default 1000.
        max_queued: Requests that may wait for a permit when all are taken (an
            int >= 0). Default 0: no queue, refuse at once. Beyond it:
            ``BulkheadFull``.
        max_wait: Longest wait in the queue, in seconds (or a ``timedelta``);
            ``None`` (default): bounded only by the call's deadline. A waiter that
            runs out of it gets ``BulkheadFull`` (of the deadline:
            ``DeadlineExceeded``).

    Raises:
        ConfigurationError: If a count is not an int in range or ``max_wait`` is
            negative.
    """

    __slots__ = (
        "_active",
        "_lock",
        "_queue",
        "max_concurrent",
        "max_queued",
        "max_wait",
        "wait_limit",
    )

    def __init__(
        self,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT,
        *,
        max_queued: int = 0,
        max_wait: float | timedelta | None = None,
    ) -> None:
        for name, value, low in (
            ("max_concurrent", max_concurrent, 1),
            ("max_queued", max_queued, 0),
        ):
            given: object = value
            if isinstance(given, bool) or not isinstance(given, int) or given < low:
                raise ConfigurationError(f"{name}={value!r} must be an int >= {low}")
        self.max_concurrent = max_concurrent
        self.max_queued = max_queued
        self.max_wait = seconds(max_wait, "max_wait", allow_zero=True)
        """The longest queue wait in seconds, or ``None``."""
        self.wait_limit = math.inf if self.max_wait is None else self.max_wait
        """``max_wait``, with ``math.inf`` for ``None``."""
        self._active = 0
        self._queue: deque[object] = deque()
        self._lock = threading.Lock()

    @property
    def in_use(self) -> int:
        """Permits held now (requests under way)."""
        return self._active

    @property
    def queued(self) -> int:
        """Waiters in the queue now."""
        return len(self._queue)

    def enter(self, make_waiter: Callable[[], W]) -> tuple[bool, W | None]:
        """
        Ask for a permit.

        Args:
            make_waiter: Builds a waiter for the queue (called only when the
                request must wait).

        Returns:
            ``(True, None)``: granted now; the caller must ``release()`` later.
            ``(False, waiter)``: queued; wait until the driver wakes ``waiter``
            (then it holds a permit) or give up with ``abandon(waiter)``.
            ``(False, None)``: refused, the queue is full.
        """
        with self._lock:
            if self._active < self.max_concurrent and not self._queue:
                self._active += 1
                return _GRANTED
            if len(self._queue) >= self.max_queued:
                return _FULL
            waiter = make_waiter()
            self._queue.append(waiter)
            return False, waiter

    def release(self) -> object | None:
        """
        Give back a permit.

        Returns:
            The waiter the permit is handed to (the driver must wake it), or
            ``None`` when nobody waited.
        """
        with self._lock:
            if self._queue:
                return self._queue.popleft()  # the permit passes on: count unchanged
            self._active -= 1
            return None

    def abandon(self, waiter: object) -> bool:
        """
        A queued waiter stops waiting (its wait ran out, or it was cancelled).

        Returns:
            ``True``: it was still queued and is removed; it holds nothing.
            ``False``: ``release`` had already handed it a permit, which it now
            holds (use it, or ``release()`` it).
        """
        with self._lock:
            try:
                self._queue.remove(waiter)
            except ValueError:
                return False
            return True

    def __repr__(self) -> str:
        return (
            f"Bulkhead({self.max_concurrent}, max_queued={self.max_queued}, "
            f"max_wait={self.max_wait!r})"
        )


_GRANTED: tuple[bool, Any] = (True, None)
_FULL: tuple[bool, Any] = (False, None)


def as_bulkhead(value: object, where: str = "bulkhead") -> Bulkhead | None:
    """
    Coerce a ``bulkhead=`` argument: a ``Bulkhead``, an int (max concurrent), ``None``.

    Raises:
        ConfigurationError: For anything else.
    """
    if value is None or isinstance(value, Bulkhead):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Bulkhead(value)
    raise ConfigurationError(
        f"{where}={value!r} must be restwell.policies.Bulkhead(...), an int "
        "(max concurrent requests), or None"
    )
