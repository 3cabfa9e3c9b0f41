# GENERATED from src/restwell/_async/_stages/_rate.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The ``rate`` stage: waits for a rate limiter's slot, or refuses the attempt.

In the chain only when the call has a rate limiter (``Client(rate_limit=...)``
or ``policies={"rate": ...}``). Per attempt, below ``circuit`` (an open breaker
refuses before a slot is spent) and above ``bulkhead`` and ``timeout`` (the wait
holds no concurrency permit, and the attempt's timeout is computed after it). The
call's ``RateLimiter`` (``ctx.options.policies["rate"]``) decides at ``now``: go,
wait ``t`` seconds (the slot is reserved, so waiters queue in order), or refuse.
A wait never passes the deadline: one that would raises ``DeadlineExceeded`` at
once, without sleeping. ``"fail"`` mode, or a wait beyond ``max_wait``, raises
``RateLimitExceeded(retry_in=...)``. Nothing is sent in either case.

With a shared store (``RedisStore``) the stage awaits the store's decision (one
round trip, bounded by the store's timeout and the deadline); when Redis fails it
emits ``StoreUnavailable``, logs a WARNING and admits (``on_error="open"``) or
raises ``RateLimitExceeded(retry_in=0)`` (``"closed"``).

With an adaptive limiter (``RateLimiter(adaptive=Adaptive(...))``) the stage also
tells the limiter every attempt's response on its way back (``observe``: status and
headers, the 429 the ``retry`` stage will retry included), so the next attempt's
wait follows the server; a change of the adaptive rate emits ``RateAdjusted``.
Attempts that end in an exception are not observed.

With both, the adaptive wait is decided in this process and Redis reserves the
fixed limits at its own time: the waits add up, so the fixed limits stay a
ceiling (erring on the slow side by up to the adaptive wait).

Reads ``ctx.options.policies``, ``ctx.deadline_at``; emits ``RateLimited``,
``RateAdjusted``, ``StoreUnavailable``.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, cast

from ..._exceptions import RateLimitExceeded
from ..._hooks import emit
from ..._middleware import Handler
from ..._models import Request, Response
from ..._pipeline import StageEnv
from ..._redact import redact_url
from ...instrumentation._events import RateAdjusted, RateLimited, StoreUnavailable
from ...policies._adaptive import RateAdjustment
from ...policies._rate import RateDecision, RateLimiter
from ...stores._redis import RedisStore, StoreUnavailableError, store_unavailable
from ._timeout import deadline_error

__all__ = ["RateStage"]


class RateStage:
    """Paces attempts with the call's ``RateLimiter`` (see the module docstring)."""

    name = "rate"
    EMITS = (RateLimited, RateAdjusted, StoreUnavailable)
    __slots__ = (
        "_adjusted",
        "_down",
        "_hooks",
        "_monotonic",
        "_next",
        "_sleep",
        "_wall",
    )

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic
        self._wall = env.wall
        self._sleep = env.clock.sleep
        self._hooks = env.events.hooks(RateLimited)
        self._down = env.events.hooks(StoreUnavailable)
        self._adjusted = env.events.hooks(RateAdjusted)

    def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        limiter = cast("RateLimiter | None", ctx.options.policies.get("rate"))
        if limiter is None:
            return self._next(request)
        now = self._monotonic()
        deadline_at = ctx.deadline_at
        adaptive = limiter.adaptive
        if limiter.shared is None:
            key = limiter.key(request)
            decision = limiter.decide_key(key, now, deadline_at)
        else:
            key, decision = self._shared(request, limiter, limiter.shared, now)
        if decision.wait:
            if self._hooks:
                self._emit(request, decision)
            if not decision.admitted:
                raise self._refusal(request, limiter, decision, now, deadline_at)
            self._sleep(decision.wait)
        if adaptive is None:
            return self._next(request)
        response = self._next(request)
        change = adaptive.observe(
            key,
            response.status_code,
            response.headers,
            self._monotonic(),
            self._wall(),
        )
        if change is not None and self._adjusted:
            self._emit_adjusted(request, change)
        return response

    def _shared(
        self, request: Request, limiter: RateLimiter, store: RedisStore, now: float
    ) -> tuple[Hashable, RateDecision]:
        """Decide with a store the stage awaits (Redis); apply ``on_error``."""
        deadline_at = request.context.deadline_at
        key, bound = limiter.bound(request, now, deadline_at)
        adaptive = limiter.adaptive
        if adaptive is not None and adaptive.idle(key, now):
            adaptive = None  # nothing to wait for or commit in this process
        first = 0.0 if adaptive is None else adaptive.earliest(key, now)
        if first > bound:
            return key, limiter.conclude(key, -first)
        if not limiter.limits:  # adaptive only: nothing in Redis
            wait = 0.0
        else:
            wait = self._reserve(request, limiter, store, key, now, bound - first)
        if wait < 0:
            return key, limiter.conclude(key, wait - first)
        if adaptive is not None:
            wait += first
            adaptive.commit(key, now + wait)
        return key, limiter.conclude(key, wait)

    def _reserve(
        self,
        request: Request,
        limiter: RateLimiter,
        store: RedisStore,
        key: Hashable,
        now: float,
        bound: float,
    ) -> float:
        """The store's ``reserve``; ``on_error`` applied when Redis fails."""
        deadline_at = request.context.deadline_at
        try:
            return store.reserve(
                key, limiter.limits, now, bound, store.budget(now, deadline_at)
            )
        except StoreUnavailableError as exc:
            event = store_unavailable(request, "rate", store, exc)
            if self._down:
                emit(self._down, event)
            if store.on_error == "open":
                return 0.0
            raise RateLimitExceeded(
                f"rate limit for {redact_url(str(key))}: its store is unavailable "
                f"({exc}) and on_error='closed' ({request.method} "
                f"{redact_url(request.url)} not sent)",
                request=request,
                retry_in=0.0,
                key=str(key),
            ) from None

    @staticmethod
    def _refusal(
        request: Request,
        limiter: RateLimiter,
        decision: RateDecision,
        now: float,
        deadline_at: float | None,
    ) -> Exception:
        wait = decision.wait
        if (
            limiter.mode == "wait"
            and deadline_at is not None
            and now + wait > deadline_at
            and (limiter.max_wait is None or deadline_at - now <= limiter.max_wait)
        ):
            return deadline_error(
                request,
                now,
                f"would pass during a rate limiter's wait of {wait:.3g} s before "
                f"attempt {request.attempt}",
            )
        why = (
            "no slot free now (mode='fail')"
            if limiter.mode == "fail"
            else f"the wait is longer than max_wait={limiter.max_wait:g} s"
        )
        return RateLimitExceeded(
            f"rate limit for {redact_url(decision.key)}: {why}; next slot in "
            f"{wait:.3g} s ({request.method} {redact_url(request.url)} not sent)",
            request=request,
            retry_in=wait,
            key=decision.key,
        )

    def _emit_adjusted(self, request: Request, change: RateAdjustment) -> None:
        emit(
            self._adjusted,
            RateAdjusted(
                request=request,
                attempt=request.attempt,
                call_id=request.context.call_id,
                key=change.key,
                rate=change.rate,
                reason=change.reason,
                hold=change.hold,
            ),
        )

    def _emit(self, request: Request, decision: RateDecision) -> None:
        emit(
            self._hooks,
            RateLimited(
                request=request,
                attempt=request.attempt,
                call_id=request.context.call_id,
                key=decision.key,
                wait=decision.wait,
                admitted=decision.admitted,
            ),
        )
