"""
The one waiting primitive that differs between the two worlds: a bulkhead's waiter.

Hand-kept pair (like ``_hooks.emit``/``aemit``), outside ``_async/`` because the
primitive itself differs and cannot be generated: ``AsyncWaiter`` waits on an
``anyio.Event`` (asyncio or trio; woken from its own event loop), ``Waiter`` on a
``threading.Event`` (woken from any thread). ``scripts/unasync.py`` renames
``AsyncWaiter`` → ``Waiter`` and ``await_permit`` → ``wait_permit`` in the
generated ``bulkhead`` stage.
"""

from __future__ import annotations

import math
import threading

import anyio

__all__ = ["AsyncWaiter", "Waiter"]


class AsyncWaiter:
    """A task waiting in a bulkhead's queue (async)."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = anyio.Event()

    def wake(self) -> None:
        """Hand it the permit (call from the waiter's own event loop)."""
        self._event.set()

    async def await_permit(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s (``math.inf``: no limit); ``True`` if woken."""
        if timeout == math.inf:
            await self._event.wait()
            return True
        with anyio.move_on_after(max(timeout, 0.0)):
            await self._event.wait()
        return self._event.is_set()


class Waiter:
    """A thread waiting in a bulkhead's queue (sync)."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def wake(self) -> None:
        """Hand it the permit (from any thread)."""
        self._event.set()

    def wait_permit(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s (``math.inf``: no limit); ``True`` if woken."""
        return self._event.wait(None if timeout == math.inf else max(timeout, 0.0))
