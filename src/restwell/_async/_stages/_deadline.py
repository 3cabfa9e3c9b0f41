"""
The ``deadline`` stage: the call's deadline, a hard bound on everything below.

Writes ``ctx.deadline_at`` = ``ctx.started`` + ``ctx.options.deadline`` (absolute
monotonic seconds, counted from the start of the call; ``None`` when the call has no
deadline). It sits below ``cache`` (a cache hit needs no deadline) and above
``redirects``, so one deadline spans every hop, attempt, wait, hook and middleware
below it. Async: everything below runs cancelled at the deadline (a
per-loop watchdog on asyncio, an anyio cancel scope elsewhere), which raises
``DeadlineExceeded`` with the attempts noted. Sync: the transport re-caps every
socket read and write to the time left. The stages below also honour it: ``retry``
never sleeps past it, ``timeout`` caps each attempt's timeout to the time left.
"""

from __future__ import annotations

from typing import Any

from ..._deadline import abounded
from ..._exceptions import DeadlineExceeded
from ..._middleware import AsyncHandler
from ..._models import Request, Response
from ..._pipeline import StageEnv
from ._retry import give_up_note
from ._timeout import deadline_error

__all__ = ["DeadlineStage"]


class DeadlineStage:
    """Sets ``ctx.deadline_at`` and bounds the rest of the call by it."""

    name = "deadline"
    EMITS = ()
    __slots__ = ("_monotonic", "_next")

    def __init__(self, call_next: AsyncHandler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic

    async def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        deadline = ctx.options.deadline
        if deadline is None:
            return await self._next(request)
        ctx.deadline_at = ctx.started + deadline
        return await abounded(self._next, request, ctx, self._expired)

    def _expired(self, request: Request) -> DeadlineExceeded:
        """The error for a call the deadline cut short, with its attempts noted."""
        ctx = request.context
        now = self._monotonic()
        attempts = ctx.attempts
        n = len(attempts)
        err = deadline_error(request, now, f"cut the call short during attempt {n}")
        if attempts:
            last = attempts[-1]
            if last.error is not None and not isinstance(last.error, Exception):
                last.error = err  # the attempt was cancelled by the deadline
            if not last.reason:
                last.reason = "deadline exceeded"
        ctx.reason = "deadline exceeded"
        ctx.gave_up = True
        give_up_note(err, attempts, now - ctx.started, "deadline exceeded")
        return err
