"""
Clocks: where restwell reads time and waits. Injected everywhere time matters.

Policies never read a clock (they are given ``now``); drivers read ``monotonic()``
and wait with ``sleep()`` / ``asleep()``. Tests pass a ``FakeClock`` whose sleeps
advance it instantly, so no test waits in real time.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Protocol, runtime_checkable

import anyio
import anyio.lowlevel

__all__ = ["Clock", "FakeClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """
    Time source and waiter for both worlds (STYLE.md §5: ``a``-prefixed async twin).

    Methods:
        monotonic(): Seconds from an arbitrary origin; never goes back.
        time(): Wall-clock seconds since the Unix epoch (for HTTP-date Retry-After).
        sleep(seconds): Block the thread for ``seconds``.
        asleep(seconds): Suspend the task for ``seconds`` (any anyio backend).
    """

    def monotonic(self) -> float:
        """Return monotonic time in seconds."""
        ...

    def time(self) -> float:
        """Return wall-clock time in seconds since the Unix epoch."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block the calling thread for ``seconds`` (>= 0)."""
        ...

    async def asleep(self, seconds: float) -> None:
        """Suspend the calling task for ``seconds`` (>= 0)."""
        ...


class SystemClock:
    """
    The real clock.

    Reads ``time.monotonic`` and ``time.time``; waits with ``time.sleep`` and
    ``anyio.sleep``.
    """

    __slots__ = ()

    def monotonic(self) -> float:
        """Return ``time.monotonic()`` in seconds."""
        return time.monotonic()

    def time(self) -> float:
        """Return ``time.time()``: seconds since the Unix epoch."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        """Block the thread for ``seconds`` with ``time.sleep``."""
        time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        """Suspend the task for ``seconds`` with ``anyio.sleep`` (asyncio or trio)."""
        await anyio.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"


class FakeClock:
    """
    A clock for tests: sleeping advances it instantly; nothing really waits.

    Args:
        start: Initial monotonic reading, in seconds. Default 0.0.
        wall: Initial wall-clock reading, seconds since the Unix epoch. Default
            1_700_000_000.0 (2023-11-14T22:13:20Z), so HTTP dates are stable.

    Attributes:
        sleeps: Every duration slept, in seconds, in order (a list of floats).

    Thread-safe: ``advance`` and the sleeps take a lock.
    """

    def __init__(self, start: float = 0.0, *, wall: float = 1_700_000_000.0) -> None:
        self._now = float(start)
        self._wall_offset = float(wall) - float(start)
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        """Return the fake monotonic time, in seconds."""
        return self._now

    def time(self) -> float:
        """Return the fake wall-clock time, seconds since the Unix epoch."""
        return self._now + self._wall_offset

    def advance(self, seconds: float | timedelta) -> None:
        """
        Move time forward.

        Args:
            seconds: How far, in seconds (or a ``timedelta``); must be >= 0.

        Raises:
            ValueError: If ``seconds`` is negative.
        """
        if isinstance(seconds, timedelta):
            seconds = seconds.total_seconds()
        if seconds < 0:
            raise ValueError(
                f"FakeClock cannot go back: advance({seconds}) must be >= 0"
            )
        with self._lock:
            self._now += seconds

    def sleep(self, seconds: float) -> None:
        """Record the sleep and advance by ``seconds`` at once."""
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(0.0, seconds)

    async def asleep(self, seconds: float) -> None:
        """
        Record the sleep and advance by ``seconds``, as ``sleep()`` does.

        Then yield to the event loop once.
        """
        self.sleep(seconds)
        await anyio.lowlevel.checkpoint()

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now!r})"
