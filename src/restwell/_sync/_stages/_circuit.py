# GENERATED from src/restwell/_async/_stages/_circuit.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
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

With a breaker on a ``RedisStore`` (``breaker.shared``) the stage awaits each
decision (one round trip each, bounded by the store's timeout and the deadline)
and runs ``on_state_change`` itself (``breaker.notify``). When Redis fails it emits
``StoreUnavailable`` and logs a WARNING: an admission then goes ahead unguarded
(``on_error="open"``, nothing recorded after it) or raises ``CircuitOpenError``
with ``retry_in=0`` (``"closed"``); a failed ``record`` or ``release`` loses that
outcome only.

Reads ``ctx.options.policies["circuit"]``; writes ``CIRCUIT_ATTEMPT``. Emits
``CircuitOpened``, ``CircuitHalfOpened``, ``CircuitClosed`` and
``StoreUnavailable``.
"""

from __future__ import annotations

from typing import Any, cast

from ..._exceptions import CircuitOpenError
from ..._hooks import emit
from ..._middleware import Handler
from ..._models import Request, Response
from ..._pipeline import StageEnv
from ...instrumentation._events import (
    CircuitClosed,
    CircuitHalfOpened,
    CircuitOpened,
    StoreUnavailable,
)
from ...policies._circuit import (
    CIRCUIT_ATTEMPT,
    Admission,
    CircuitBreaker,
    CircuitChange,
    Refusal,
)
from ...stores._redis import (
    RedisCircuitStore,
    StoreUnavailableError,
    store_unavailable,
)

__all__ = ["CircuitStage"]


class CircuitStage:
    """Admits or refuses each attempt per the call's breaker (see the module doc)."""

    name = "circuit"
    EMITS = (CircuitOpened, CircuitHalfOpened, CircuitClosed, StoreUnavailable)
    __slots__ = ("_closed", "_down", "_half", "_monotonic", "_next", "_opened")

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic
        self._opened = env.events.hooks(CircuitOpened)
        self._half = env.events.hooks(CircuitHalfOpened)
        self._closed = env.events.hooks(CircuitClosed)
        self._down = env.events.hooks(StoreUnavailable)

    def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        breaker = cast("CircuitBreaker | None", ctx.options.policies.get("circuit"))
        if breaker is None:
            return self._next(request)  # off for this call
        key = breaker.key(request)
        shared = breaker.shared
        if shared is None:
            verdict = breaker.allow(key, self._monotonic())
        else:
            admitted = self._admit(request, breaker, shared, key)
            if admitted is None:  # the store failed, on_error="open": unguarded
                return self._next(request)
            verdict = admitted
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
            self._emit(request, verdict.change)
        try:
            response = self._next(request)
        except Exception as exc:
            ctx.set(CIRCUIT_ATTEMPT, (breaker, key))
            if shared is None:
                change = breaker.record(verdict, exc, self._monotonic())
            else:
                change = self._record(request, breaker, shared, verdict, exc)
            if change is not None:
                self._emit(request, change)
            raise
        except BaseException:  # cancelled: no outcome, give a probe slot back
            if shared is None:
                breaker.release(verdict)
            else:
                self._release(request, shared, verdict)
            raise
        if shared is None:
            change = breaker.record(verdict, response, self._monotonic())
        else:
            change = self._record(request, breaker, shared, verdict, response)
        if response.status_code >= 400:  # may be retried: the gate needs the key
            ctx.set(CIRCUIT_ATTEMPT, (breaker, key))
        if change is not None:
            self._emit(request, change)
        return response

    def _admit(
        self,
        request: Request,
        breaker: CircuitBreaker,
        shared: RedisCircuitStore,
        key: str,
    ) -> Admission | Refusal | None:
        """Ask Redis; ``None`` when it failed and the store fails open."""
        now = self._monotonic()
        store = shared.store
        try:
            verdict = shared.admit(
                key, now, store.budget(now, request.context.deadline_at)
            )
        except StoreUnavailableError as exc:
            event = store_unavailable(request, "circuit", store, exc)
            if self._down:
                emit(self._down, event)
            if store.on_error == "open":
                return None
            raise CircuitOpenError(
                f"circuit breaker for {key}: its store is unavailable ({exc}) and "
                "on_error='closed': the request was not sent",
                request=request,
                key=key,
                state="open",
                retry_in=0.0,
            ) from None
        if type(verdict) is Admission and verdict.change is not None:
            breaker.notify(verdict.change)
        return verdict

    def _record(
        self,
        request: Request,
        breaker: CircuitBreaker,
        shared: RedisCircuitStore,
        admission: Admission,
        outcome: Response[Any] | BaseException,
    ) -> CircuitChange | None:
        """Count ``outcome`` in Redis; a failure loses it (event and log line)."""
        now = self._monotonic()
        store = shared.store
        try:
            change = shared.record(
                admission,
                breaker.is_failure(outcome),
                outcome,
                now,
                store.budget(now, request.context.deadline_at),
            )
        except StoreUnavailableError as exc:
            event = store_unavailable(request, "circuit", store, exc, "open")
            if self._down:
                emit(self._down, event)
            return None
        return breaker.notify(change)

    def _release(
        self, request: Request, shared: RedisCircuitStore, admission: Admission
    ) -> None:
        """Give a probe slot back in Redis; a failure is logged (the lease frees it)."""
        try:
            shared.release(admission)
        except StoreUnavailableError as exc:
            store_unavailable(request, "circuit", shared.store, exc, "open")

    def _emit(self, request: Request, change: CircuitChange) -> None:
        """Send ``change`` to the hooks of its event, if any."""
        ctx = request.context
        new = change.new
        if new == "open":
            if self._opened:
                emit(
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
                emit(
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
            emit(
                self._closed,
                CircuitClosed(
                    request=request,
                    attempt=request.attempt,
                    call_id=ctx.call_id,
                    key=change.key,
                    reason=change.reason,
                ),
            )
