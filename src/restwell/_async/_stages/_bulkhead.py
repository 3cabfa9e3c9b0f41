"""
The ``bulkhead`` stage: holds a concurrency permit for each attempt.

In the chain only when the call has a bulkhead (``AsyncClient(bulkhead=...)`` or
``policies={"bulkhead": ...}``). Per attempt, below ``rate`` (a rate wait holds no
permit) and above ``auth``, ``timeout`` and ``body``: the permit is taken before the
request is sent and given back once the stages below returned, that is, after the
body was read (in a streamed call, once the head arrived), or after any error or
cancellation. Without a free permit the attempt waits in the ``Bulkhead``'s queue
(FIFO) for at most ``max_wait`` and the deadline left; with the queue full, or the
wait over, it raises ``BulkheadFull`` (the deadline's end: ``DeadlineExceeded``)
and sends nothing. The waiting primitive is ``restwell._waiters`` (``anyio.Event``
here, ``threading.Event`` in the sync twin).

Reads ``ctx.options.policies``, ``ctx.deadline_at``; emits ``BulkheadRejected``.
"""

from __future__ import annotations

from typing import Any, cast

from ..._exceptions import BulkheadFull
from ..._hooks import aemit
from ..._middleware import AsyncHandler
from ..._models import Request, Response
from ..._pipeline import StageEnv
from ..._redact import redact_url
from ..._waiters import AsyncWaiter
from ...instrumentation._events import BulkheadRejected
from ...policies._bulkhead import Bulkhead
from ._timeout import deadline_error

__all__ = ["BulkheadStage"]


class BulkheadStage:
    """Runs each attempt under a ``Bulkhead`` permit (see the module docstring)."""

    name = "bulkhead"
    EMITS = (BulkheadRejected,)
    __slots__ = ("_hooks", "_monotonic", "_next")

    def __init__(self, call_next: AsyncHandler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic
        self._hooks = env.events.hooks(BulkheadRejected)

    async def __call__(self, request: Request) -> Response[Any]:
        bulkhead = cast(
            "Bulkhead | None", request.context.options.policies.get("bulkhead")
        )
        if bulkhead is None:
            return await self._next(request)
        granted, waiter = bulkhead.enter(AsyncWaiter)
        if not granted:
            await self._queue(request, bulkhead, waiter)
        try:
            return await self._next(request)
        finally:
            handed = bulkhead.release()
            if handed is not None:
                cast("AsyncWaiter", handed).wake()

    async def _queue(
        self, request: Request, bulkhead: Bulkhead, waiter: AsyncWaiter | None
    ) -> None:
        """Wait in the queue for a permit, or raise (nothing held on raising)."""
        if waiter is None:
            raise await self._reject(request, bulkhead, "queue full", None)
        deadline_at = request.context.deadline_at
        limit = bulkhead.wait_limit
        by_deadline = False
        if deadline_at is not None:
            left = deadline_at - self._monotonic()
            if left <= limit:
                limit, by_deadline = left, True
        try:
            woken = await waiter.await_permit(limit)
        except BaseException:  # cancelled: give back a permit handed over meanwhile
            if not bulkhead.abandon(waiter):
                handed = bulkhead.release()
                if handed is not None:
                    cast("AsyncWaiter", handed).wake()
            raise
        if woken or not bulkhead.abandon(waiter):
            return  # holds a permit
        what = (
            "deadline"
            if by_deadline
            else f"waited max_wait={bulkhead.max_wait:g} s in the queue"
        )
        raise await self._reject(
            request, bulkhead, what, limit if by_deadline else None
        )

    async def _reject(
        self, request: Request, bulkhead: Bulkhead, reason: str, waited: float | None
    ) -> Exception:
        if self._hooks:
            await aemit(
                self._hooks,
                BulkheadRejected(
                    request=request,
                    attempt=request.attempt,
                    call_id=request.context.call_id,
                    max_concurrent=bulkhead.max_concurrent,
                    max_queued=bulkhead.max_queued,
                    reason=reason,
                ),
            )
        if waited is not None:
            return deadline_error(
                request,
                self._monotonic(),
                f"passed in a bulkhead's queue before attempt {request.attempt}",
            )
        return BulkheadFull(
            f"bulkhead full ({bulkhead.max_concurrent} concurrent, "
            f"{bulkhead.max_queued} queued): {reason}; "
            f"{request.method} {redact_url(request.url)} not sent",
            request=request,
            max_concurrent=bulkhead.max_concurrent,
            max_queued=bulkhead.max_queued,
        )
