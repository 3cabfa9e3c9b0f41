"""
The ``circuit`` stage: asks the call's ``CircuitBreaker`` before each attempt.

In the chain only when the call has a breaker: the client's (``circuit_breaker=``)
or its own (``policies={"circuit": breaker}``, also from a service, resource or
handler; ``None`` turns the client's off for a call). Per attempt, below
``failover`` (so it keys by the host the attempt really goes to) and above ``rate``:
the breaker's ``allow`` admits the attempt or refuses it, and a refusal raises
``CircuitOpenError`` before anything below runs (no rate token, no connection, no
bytes). The outcome of an admitted attempt goes back to ``record``; an attempt
cancelled before its outcome gives a half-open probe slot back (``release``).

An attempt that may be retried (refused, raised, or answered 4xx/5xx) leaves its
breaker and key in the context (``CIRCUIT_ATTEMPT``), where the retry stage's
``CircuitGate`` reads them: a breaker that opened during the call vetoes the call's
remaining retries. (A success costs no write to the context.)

Reads ``ctx.options.policies["circuit"]``; writes ``CIRCUIT_ATTEMPT``. Emits
``CircuitOpened``, ``CircuitHalfOpened`` and ``CircuitClosed``.
"""

from __future__ import annotations

from typing import Any, cast

from ..._exceptions import CircuitOpenError
from ..._hooks import aemit
from ..._middleware import AsyncHandler
from ..._models import Request, Response
from ..._pipeline import StageEnv
from ...instrumentation._events import (
    CircuitClosed,
    CircuitHalfOpened,
    CircuitOpened,
)
from ...policies._circuit import (
    CIRCUIT_ATTEMPT,
    CircuitBreaker,
    CircuitChange,
    Refusal,
)

__all__ = ["CircuitStage"]


class CircuitStage:
    """Admits or refuses each attempt per the call's breaker (see the module doc)."""

    name = "circuit"
    EMITS = (CircuitOpened, CircuitHalfOpened, CircuitClosed)
    __slots__ = ("_closed", "_half", "_monotonic", "_next", "_opened")

    def __init__(self, call_next: AsyncHandler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic
        self._opened = env.events.hooks(CircuitOpened)
        self._half = env.events.hooks(CircuitHalfOpened)
        self._closed = env.events.hooks(CircuitClosed)

    async def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        breaker = cast("CircuitBreaker | None", ctx.options.policies.get("circuit"))
        if breaker is None:
            return await self._next(request)  # off for this call
        key = breaker.key(request)
        verdict = breaker.allow(key, self._monotonic())
        if isinstance(verdict, Refusal):
            ctx.set(CIRCUIT_ATTEMPT, (breaker, key))
            raise CircuitOpenError(
                f"circuit breaker for {key} is {verdict.state}"
                + (
                    f"; retry in {verdict.retry_in:.3g} s"
                    if verdict.state == "open"
                    else ""
                )
                + ": the request was not sent",
                request=request,
                key=key,
                state=verdict.state,
                retry_in=verdict.retry_in,
            )
        if verdict.change is not None:
            await self._emit(request, verdict.change)
        try:
            response = await self._next(request)
        except Exception as exc:
            ctx.set(CIRCUIT_ATTEMPT, (breaker, key))
            change = breaker.record(verdict, exc, self._monotonic())
            if change is not None:
                await self._emit(request, change)
            raise
        except BaseException:  # cancelled: no outcome, give a probe slot back
            breaker.release(verdict)
            raise
        change = breaker.record(verdict, response, self._monotonic())
        if response.status_code >= 400:  # may be retried: the gate needs the key
            ctx.set(CIRCUIT_ATTEMPT, (breaker, key))
        if change is not None:
            await self._emit(request, change)
        return response

    async def _emit(self, request: Request, change: CircuitChange) -> None:
        """Send ``change`` to the hooks of its event, if any."""
        ctx = request.context
        new = change.new
        if new == "open":
            if self._opened:
                await aemit(
                    self._opened,
                    CircuitOpened(
                        request=request,
                        attempt=request.attempt,
                        call_id=ctx.call_id,
                        key=change.key,
                        previous=change.old,
                        reason=change.reason,
                        outcome=cast("Response[Any] | BaseException", change.outcome),
                        retry_in=change.retry_in,
                    ),
                )
        elif new == "half_open":
            if self._half:
                await aemit(
                    self._half,
                    CircuitHalfOpened(
                        request=request,
                        attempt=request.attempt,
                        call_id=ctx.call_id,
                        key=change.key,
                        reason=change.reason,
                    ),
                )
        elif self._closed:
            await aemit(
                self._closed,
                CircuitClosed(
                    request=request,
                    attempt=request.attempt,
                    call_id=ctx.call_id,
                    key=change.key,
                    reason=change.reason,
                ),
            )
