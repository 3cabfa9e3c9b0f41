"""
The hedging policy: when to send another attempt while earlier ones are in flight.

It also decides, without I/O, which outcome ends the call.

Hedging cuts tail latency (J. Dean and L. A. Barroso, "The Tail at Scale", CACM
56(2), 2013): if the first attempt has not answered after ``delay`` seconds, send the
same request again and take whichever answers first. It is the alternative to
retrying (gRPC's ``hedgingPolicy`` and ``retryPolicy`` exclude each other, Polly's
hedging strategy replaces its retry): a call has one or the other.

State machine per call (``HedgeState``): ``start()`` → ``sent()`` (attempt 1) →
[``sent()`` when ``due()`` passes, or at once after a failed attempt; ``next()`` per
finished attempt]* → ``Return | Raise``. Like gRPC's hedging policy, an outcome that a
retry would retry (``hedge_on``, by default ``DEFAULT_RETRY_ON``) does not end the call:
the next attempt is sent at once, without waiting for ``delay``; any other response is
the answer, and any other error ends the call at once, except a ``PolicyError`` (an
attempt a breaker, rate limiter or bulkhead refused without sending it) while other
attempts are in flight: then no more are sent and those race on. Every method reads
only its arguments: no clock, no sleep, no socket (the async ``hedge`` stage drives
it).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from .._config import IDEMPOTENT_METHODS, check_int, seconds
from .._exceptions import ConfigurationError, PolicyError
from ._decision import Decision, Raise, Return, Sleep
from ._predicates import DEFAULT_RETRY_ON, Predicate

if TYPE_CHECKING:
    from .._models import Response

__all__ = [
    "DEFAULT_HEDGE_DELAY",
    "DEFAULT_HEDGE_MAX_ATTEMPTS",
    "Hedge",
    "HedgeState",
    "as_hedge",
    "as_hedge_sync",
]

DEFAULT_HEDGE_DELAY = 2.0
"""Seconds before the first hedged attempt (DESIGN.md defaults; Polly's is 2 s)."""
DEFAULT_HEDGE_MAX_ATTEMPTS = 2
"""Attempts in all, the first included: one hedge (Polly's default ``MaxHedgedAttempts``
is 1 extra attempt)."""

_SUCCESS = Return("success")


@dataclass(slots=True)
class HedgeState:
    """
    Per-call state of a ``Hedge`` policy (mutable, owned by one call's driver).

    Attributes:
        sent: Attempts sent so far (the number of the last one sent).
        in_flight: Attempts sent whose outcome has not come back.
        started: Monotonic seconds when the call started.
        deadline_at: Monotonic seconds when the call's deadline ends, or ``None``.
        next_at: Monotonic seconds when the next hedged attempt is due, or ``None``
            when none will be sent on a timer (all sent, or stopped).
        stopped: Whether no more attempts may be sent (``Hedge.stop``).
    """

    sent: int
    in_flight: int
    started: float
    deadline_at: float | None
    next_at: float | None = None
    stopped: bool = False


@dataclass(frozen=True, slots=True, init=False)
class Hedge:
    """
    Send the request again if it has not answered in ``delay`` s; first answer wins.

    Async only (``restwell.AsyncClient(hedge=...)``, or per call
    ``policies={"hedge": ...}``): it takes the ``retry`` slot, so a hedged call is
    not also retried. The losing attempts are cancelled and their connections
    released. A request whose method is not in ``methods`` (a POST) is not hedged:
    it takes the ``retry`` road as if no hedge were set.

    Args:
        delay: Seconds to wait for an answer before sending the next attempt
            (> 0; a ``timedelta`` is accepted). Default 2.0 (DESIGN.md; Polly).
            Dean and Barroso suggest the 95th-percentile latency of the endpoint.
        max_attempts: Attempts in all, the first included (>= 2). Default 2: one
            hedged attempt (Polly's default; gRPC caps ``maxAttempts`` at 5).
        methods: Methods that may be hedged. Default ``IDEMPOTENT_METHODS`` (GET,
            HEAD, OPTIONS, PUT, DELETE, TRACE; RFC 9110 §9.2.2): sending one of them
            twice has the effect of sending it once. An ``Idempotency-Key`` does not
            make a POST hedgeable: servers that honour the key refuse a second
            request with it while the first is in flight (Stripe answers 409).
        hedge_on: Which outcomes are not an answer (``Predicate``): another attempt
            is sent at once (gRPC: a "non-fatal status code"), and the call waits
            for the others. Default ``DEFAULT_RETRY_ON``, the ``Retry`` policy's:
            statuses 408/429/500/502/503/504, timeouts, network and protocol
            errors. Any other response (2xx, 3xx, other 4xx) is the answer; any
            other error ends the call at once, except a ``PolicyError`` (a
            breaker, rate limiter or bulkhead refused the attempt unsent) while
            other attempts are in flight: hedging stops and those race on.

    Raises:
        ConfigurationError: If ``delay`` is not a positive number of seconds,
            ``max_attempts`` is not an int >= 2, ``methods`` is not a collection of
            method names, or ``hedge_on`` is not a ``Predicate``.

    Sources: J. Dean and L. A. Barroso, "The Tail at Scale", CACM 56(2), 2013;
    gRPC A6 "Client Retries" (hedging policy); Polly v8 hedging strategy.

    .. versionadded:: 0.2
    """

    delay: float
    max_attempts: int
    methods: frozenset[str]
    hedge_on: Predicate

    def __init__(
        self,
        delay: float | timedelta = DEFAULT_HEDGE_DELAY,
        *,
        max_attempts: int = DEFAULT_HEDGE_MAX_ATTEMPTS,
        methods: Collection[str] = IDEMPOTENT_METHODS,
        hedge_on: Predicate = DEFAULT_RETRY_ON,
    ) -> None:
        if delay is None:
            raise ConfigurationError(
                "Hedge(delay=None): give the seconds to wait before hedging, e.g. "
                "Hedge(0.5); to turn hedging off, pass hedge=None"
            )
        wait = seconds(delay, "Hedge(delay)")
        check_int(
            max_attempts,
            "Hedge(max_attempts)",
            2,
            " (attempts in all, the first included: 2 sends one hedge)",
        )
        given: object = methods
        if (
            isinstance(given, str)
            or not isinstance(given, Collection)
            or not all(isinstance(m, str) for m in given)
        ):
            raise ConfigurationError(
                f"Hedge(methods={methods!r}) must be a collection of method names, "
                'e.g. {"GET", "HEAD"}'
            )
        if not isinstance(hedge_on, Predicate):
            raise ConfigurationError(
                f"Hedge(hedge_on={hedge_on!r}) must be a predicate: on_status(...), "
                "on_exception(...), on_response(...) or their | and & combinations"
            )
        object.__setattr__(self, "delay", wait)
        object.__setattr__(self, "max_attempts", max_attempts)
        object.__setattr__(self, "methods", frozenset(m.upper() for m in methods))
        object.__setattr__(self, "hedge_on", hedge_on)

    def start(
        self,
        method: str,
        now: float,
        deadline: float | None,
        *,
        replayable_body: bool = True,
    ) -> HedgeState | None:
        """
        Begin a call, or decline to hedge it.

        Args:
            method: The request method, upper case.
            now: Monotonic time the call started, in seconds.
            deadline: Total seconds allowed for the call, or ``None``.
            replayable_body: Whether the request body can be sent again.

        Returns:
            A fresh ``HedgeState`` (nothing sent yet), or ``None`` when the call is
            not hedged: its method is not in ``methods``, or its body cannot be
            sent twice (a streamed body larger than ``max_replay_buffer``).
        """
        if method not in self.methods or not replayable_body:
            return None
        return HedgeState(0, 0, now, None if deadline is None else now + deadline)

    def sent(self, state: HedgeState, now: float) -> int:
        """
        Record that the driver sent an attempt now; schedule the next one.

        Args:
            state: The call's state.
            now: Monotonic time, in seconds.

        Returns:
            The number of the attempt sent (1-based).
        """
        state.sent += 1
        state.in_flight += 1
        due = now + self.delay
        if (
            state.stopped
            or state.sent >= self.max_attempts
            or (state.deadline_at is not None and due >= state.deadline_at)
        ):
            state.next_at = None  # no more on a timer (one may follow a failure)
        else:
            state.next_at = due
        return state.sent

    def next(
        self, state: HedgeState, outcome: Response[object] | BaseException, now: float
    ) -> Decision | None:
        """
        Decide what follows an attempt that ended in ``outcome``.

        Args:
            state: The call's state.
            outcome: The attempt's ``Response`` (body read, or its head for a
                streamed call) or the exception it raised.
            now: Monotonic time, in seconds.

        Returns:
            ``Return(reason)``: hand this response back (the answer, or the last
            one when every attempt failed: then ``gave_up``); ``Raise(reason)``:
            re-raise this error (not hedgeable, or the last one);
            ``Sleep(0.0, reason)``: send the next attempt now; ``None``: wait for
            the attempts still in flight (and the next one due, if any).
        """
        state.in_flight -= 1
        if isinstance(outcome, BaseException):
            what = type(outcome).__name__
            if not self.hedge_on(outcome):
                state.stopped = True
                if state.in_flight and isinstance(outcome, PolicyError):
                    return None  # refused unsent (breaker, bulkhead): others race on
                return Raise(f"{what} is not hedged: the call ends")
        else:
            if not self.hedge_on(outcome):
                state.stopped = True
                code = outcome.status_code
                return _SUCCESS if code < 400 else Return(f"status {code} is final")
            what = f"status {outcome.status_code}"
        if (
            not state.stopped
            and state.sent < self.max_attempts
            and (state.deadline_at is None or now < state.deadline_at)
        ):
            return Sleep(0.0, f"{what}; hedging at once")
        return self._settle(state, outcome, f"{what}; ")

    def stop(
        self,
        state: HedgeState,
        outcome: Response[object] | BaseException | None,
        reason: str,
    ) -> Decision | None:
        """
        Send no more attempts (a retry gate vetoed one); wait for those in flight.

        Args:
            state: The call's state.
            outcome: The last finished attempt's outcome, or ``None`` if the veto
                came on the timer (then attempts are still in flight).
            reason: Why, in words.

        Returns:
            ``None`` while attempts are in flight, else the final ``Return`` or
            ``Raise`` for ``outcome`` (``gave_up``).
        """
        state.stopped = True
        state.next_at = None
        if outcome is None:
            return None
        return self._settle(state, outcome, f"{reason}; ")

    def _settle(
        self,
        state: HedgeState,
        outcome: Response[object] | BaseException,
        why: str,
    ) -> Decision | None:
        if state.in_flight:
            return None
        n = state.sent
        reason = f"{why}all {n} hedged attempt{'s' if n != 1 else ''} failed"
        if isinstance(outcome, BaseException):
            return Raise(reason, gave_up=True)
        return Return(reason, gave_up=True)

    def due(self, state: HedgeState) -> float | None:
        """
        When the next hedged attempt is due (monotonic seconds), or ``None``.

        Args:
            state: The call's state.
        """
        return None if state.stopped else state.next_at


def as_hedge(value: object, where: str) -> Hedge | None:
    """
    Check a ``hedge=`` argument for the async client.

    Args:
        value: A ``Hedge`` or ``None``.
        where: How to name the argument in the error (``"hedge"``).

    Raises:
        ConfigurationError: If ``value`` is neither.
    """
    if value is None or type(value) is Hedge:
        return value
    raise ConfigurationError(
        f"{where}={value!r} must be restwell.policies.Hedge(...), or None for no "
        "hedging"
    )


def as_hedge_sync(value: object, where: str) -> Hedge | None:
    """
    Refuse a ``hedge=`` argument on the sync client (hedging is async only).

    Args:
        value: What was given; ``None`` is accepted (no hedging).
        where: How to name the argument in the error (``"hedge"``).

    Returns:
        ``None`` (the sync client never hedges).

    Raises:
        ConfigurationError: If ``value`` is not ``None``: a sync call cannot run
            attempts concurrently (STYLE.md §3: no event loop hidden in a thread).
    """
    if value is not None:
        raise ConfigurationError(
            f"{where}={value!r}: hedging sends attempts concurrently, which the "
            "sync restwell.Client cannot do; use restwell.AsyncClient, or "
            "retry=Retry(...) with a per-attempt timeout"
        )
    return None
