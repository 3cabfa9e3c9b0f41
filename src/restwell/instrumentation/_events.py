"""
The event stream: one frozen dataclass per thing that happens during a call.

Hooks subscribe to it; logging, OpenTelemetry, Prometheus and user callbacks are all
hooks (DESIGN.md "Events"). A hook is a callable ``(event) -> None``; in an async
client it may also be ``async``. A hook may return a context manager from
``RetryScheduled``: it is entered before the wait and exited after (stamina). A hook
that raises is logged (logger ``restwell.hooks``) and ignored. Times are seconds.

A hook may declare the event classes it wants as ``hook.event_types`` (a collection of
classes); the client then builds only those events for it (no cost for the rest).

The set is open: each stage declares the events it emits, and a client refuses a hook
that wants an event none of its stages emits. The built-in stages emit:

| stage | events |
|---|---|
| ``call`` | ``CallStarted``; then exactly one of ``CallSucceeded`` / ``CallFailed`` |
| ``retry`` | ``RetryScheduled``, ``RetryAfterIgnored``, ``RetryVetoed`` |
| ``hedge`` (in ``retry``'s slot) | ``HedgeSent``, ``HedgeWon`` (async only) |
| ``attempt`` | ``RequestSent``; then ``ResponseReceived`` or ``AttemptFailed`` |
| ``failover`` | ``HostMarkedDown``, ``HostRecovered`` (several base URLs only) |
| ``rate`` | ``RateLimited``, ``RateAdjusted`` (with a rate limiter only) |
| ``bulkhead`` | ``BulkheadRejected`` (with a bulkhead only) |
| ``circuit`` | ``CircuitOpened``, ``CircuitHalfOpened``, ``CircuitClosed`` |
| ``rate``, ``circuit`` | ``StoreUnavailable`` (with a ``RedisStore`` only) |

Every event carries the ``call_id`` of its call and an attempt number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .._models import Attempt, Request, Response
    from .._types import JSON

__all__ = [
    "ALL_EVENTS",
    "AttemptFailed",
    "BulkheadRejected",
    "CallFailed",
    "CallStarted",
    "CallSucceeded",
    "CircuitClosed",
    "CircuitHalfOpened",
    "CircuitOpened",
    "Event",
    "EventHook",
    "HedgeSent",
    "HedgeWon",
    "HostMarkedDown",
    "HostRecovered",
    "RateAdjusted",
    "RateLimited",
    "RequestSent",
    "ResponseReceived",
    "RetryAfterIgnored",
    "RetryScheduled",
    "RetryVetoed",
    "StoreUnavailable",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """
    Base of every event.

    Attributes:
        request: The request of the attempt (or call) the event is about.
        attempt: 1-based number of the attempt within the call, every redirect hop
            included (OTel ``http.request.resend_count`` = attempt - 1); 0 in
            ``CallStarted``, before any attempt.
        call_id: The ``CallContext.call_id`` of the call (``int``).
    """

    request: Request
    attempt: int
    call_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CallStarted(Event):
    """A call entered the pipeline (fired once per call, ``attempt`` 0)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestSent(Event):
    """
    An attempt started: fired by the ``attempt`` stage, at the top of the attempt.

    Attempt-level stages and middleware below it (failover, auth, signing) run
    after it, so ``request.headers`` may still change before the transport sends
    them, and so may ``request.url`` (``failover`` picks a host of a multi-host
    client below it).
    """


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseReceived(Event):
    """
    An attempt got a response (any status).

    Attributes:
        response: The response (body read unless streaming).
        duration: Seconds from sending to the response head (and body, if read).
    """

    response: Response[JSON]
    duration: float


@dataclass(frozen=True, slots=True, kw_only=True)
class AttemptFailed(Event):
    """
    An attempt raised instead of getting a response.

    Attributes:
        error: The exception (a restwell error for anything from the transport).
        duration: Seconds the attempt ran.
    """

    error: BaseException
    duration: float


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryScheduled(Event):
    """
    The call will retry after a wait; fired before the wait.

    Attributes:
        attempt: The attempt that just failed (the next one is ``attempt + 1``).
        delay: Seconds about to be waited.
        reason: Why, in words (``"status 503 is retryable; Retry-After 2 s"``).
        retry_after: The server's Retry-After in seconds when it set the delay.
        outcome: The failed attempt's ``Response`` or exception.
    """

    delay: float
    reason: str
    retry_after: float | None
    outcome: Response[JSON] | BaseException


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryAfterIgnored(Event):
    """
    A Retry-After header was present but unusable.

    It was negative, NaN, infinite or unparseable, so the backoff strategy chose the
    delay instead.

    Attributes:
        value: The raw header value.
    """

    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryVetoed(Event):
    """
    A retry gate stopped a retry the ``Retry`` policy would have made.

    Attributes:
        attempt: The attempt that just failed.
        gate: The gate's name (its ``name`` attribute, else its class name).
        reason: The gate's reason, in words.
        outcome: The failed attempt's ``Response`` or exception.
    """

    gate: str
    reason: str
    outcome: Response[JSON] | BaseException


@dataclass(frozen=True, slots=True, kw_only=True)
class HedgeSent(Event):
    """
    The ``hedge`` stage sent another attempt while earlier ones are in flight.

    Fired just after the attempt was started (its ``RequestSent`` may come
    before or after this event).

    Attributes:
        attempt: The new attempt's number (2 for the first hedge).
        delay: Seconds since the previous attempt was sent: the policy's
            ``delay``, or less when a failed attempt made it send at once.
        reason: Why, in words (``"no answer after 0.5 s"``,
            ``"status 503; hedging at once"``).
    """

    delay: float
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HedgeWon(Event):
    """
    A hedged call got its answer; the attempts still in flight are cancelled.

    Fired only when more than one attempt was sent, before the losers are
    cancelled.

    Attributes:
        attempt: The winning attempt's number.
        sent: Attempts sent in all.
        cancelled: Attempts still in flight, about to be cancelled.
        response: The winning response.
    """

    sent: int
    cancelled: int
    response: Response[JSON]


@dataclass(frozen=True, slots=True, kw_only=True)
class CallSucceeded(Event):
    """
    The call returned a response with a status below 400.

    Exactly one of ``CallSucceeded`` and ``CallFailed`` fires per call.

    Attributes:
        response: The final response.
        attempts: All attempts, oldest first.
        elapsed: Seconds for the whole call, waits included.
        reason: Why the call stopped (``"success"``, ``"status 404 is not retryable"``).
    """

    response: Response[JSON]
    attempts: tuple[Attempt, ...]
    elapsed: float
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CallFailed(Event):
    """
    The call ended with an error raised, or with a 4xx/5xx response.

    An error response counts as failed whether it is returned or raised as
    ``HTTPStatusError`` (OTel marks client spans with 4xx/5xx as errors). ``gave_up``
    tells a limit (out of attempts, a Retry-After beyond the cap or deadline, the
    deadline itself, a retry gate) from an outcome that was never retryable.

    Attributes:
        outcome: The last response (returned to the caller) or the error raised.
        attempts: All attempts, oldest first, every redirect hop included.
        elapsed: Seconds for the whole call, waits included.
        reason: Why the call ended, in words.
        gave_up: Whether a limit stopped a retryable outcome.
    """

    outcome: Response[JSON] | BaseException
    attempts: tuple[Attempt, ...]
    elapsed: float
    reason: str
    gave_up: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class HostMarkedDown(Event):
    """
    A host of a multi-host client was marked down: skipped until its cool-down ends.

    Fired by the ``failover`` stage once per transition (a host already down that
    fails again only restarts its cool-down). With ``HostRecovered`` it gives each
    host's health from the event stream.

    Attributes:
        host: The host's base URL (userinfo and secret query values redacted).
        reason: Why, in words: the outcome's name (``"ConnectError"``, ``"503"``).
        outcome: The attempt's outcome that marked it down (an exception, or a
            ``Response`` when ``Failover.mark_down`` counts statuses).
        cool_down: Seconds it stays down.
    """

    host: str
    reason: str
    outcome: Response[JSON] | BaseException
    cool_down: float


@dataclass(frozen=True, slots=True, kw_only=True)
class HostRecovered(Event):
    """
    A host that was down is back in rotation.

    Fired by the ``failover`` stage: when a pick finds its cool-down over (in the
    attempt that picked), or when an attempt to it got an answer while it was down
    (every host was down, or the attempt was already under way).

    Attributes:
        host: The host's base URL (redacted, as in ``HostMarkedDown``).
        reason: Why, in words (``"cool-down of 30 s over"``, ``"answered with 200"``).
        down_for: Seconds since it was marked down.
    """

    host: str
    reason: str
    down_for: float


@dataclass(frozen=True, slots=True, kw_only=True)
class CircuitOpened(Event):
    """
    A circuit breaker opened (or reopened after a failed probe) for a key.

    Fired by the ``circuit`` stage in the attempt whose outcome opened it. Until
    ``retry_in`` seconds pass, attempts for the key are refused with
    ``CircuitOpenError`` and nothing is sent.

    Attributes:
        key: The breaker key (the origin ``scheme://host:port`` by default).
        previous: The state before (``"closed"`` or ``"half_open"``).
        reason: Why, in words (``"5 failures in a row"``).
        outcome: The attempt's outcome that opened it.
        retry_in: The break, in seconds.
    """

    key: str
    previous: str
    reason: str
    outcome: Response[JSON] | BaseException
    retry_in: float


@dataclass(frozen=True, slots=True, kw_only=True)
class CircuitHalfOpened(Event):
    """
    A breaker's break ended: this attempt is its first half-open probe.

    Attributes:
        key: The breaker key.
        reason: Why, in words (``"break of 5 s over"``).
    """

    key: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CircuitClosed(Event):
    """
    A half-open breaker closed: its probes succeeded.

    Attributes:
        key: The breaker key.
        reason: Why, in words (``"1 half-open probe succeeded"``).
    """

    key: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RateLimited(Event):
    """
    A rate limiter made an attempt wait, or refused it.

    Fired by the ``rate`` stage before the wait (or the refusal); an attempt that
    goes at once fires nothing.

    Attributes:
        key: The limiter's key for the request (by default ``scheme://host:port``).
        wait: Admitted: seconds the attempt waits. Refused: seconds until it
            would have been admitted.
        admitted: ``True``: it waits, then goes. ``False``: refused
            (``RateLimitExceeded``, or ``DeadlineExceeded`` when the wait would
            pass the deadline).
    """

    key: str
    wait: float
    admitted: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreUnavailable(Event):
    """
    A policy's shared store (Redis) failed or did not answer in time.

    Fired by the ``rate``, ``circuit`` or ``retry`` stage, with a WARNING log line
    (logger ``restwell.stores``), before it applies the store's ``on_error``.

    Attributes:
        policy: ``"rate"``, ``"circuit"`` or ``"budget"`` (a ``RetryBudget``).
        operation: The decision that failed: ``"reserve"``, ``"admit"``,
            ``"record"``, ``"release"``, ``"deposit"`` or ``"withdraw"``.
        error: What went wrong, in words (the error's type, or the timeout in
            seconds; never an address or a credential).
        fallback: ``"open"``: the attempt went ahead unguarded (or, for
            ``record``/``release``, the outcome was not counted; for
            ``withdraw``, the retry was allowed). ``"closed"``:
            it was refused (``RateLimitExceeded`` or ``CircuitOpenError``; for
            ``withdraw``, the retry was vetoed). A failed ``deposit`` is always
            ``"open"``: the call goes on, uncounted.
    """

    policy: str
    operation: str
    error: str
    fallback: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RateAdjusted(Event):
    """
    An adaptive rate limiter changed its rate for a key after a response.

    Fired by the ``rate`` stage (only with ``RateLimiter(adaptive=...)``) after the
    response of the attempt that caused it: on every decrease, when a quota from
    rate-limit headers first applies or moves by more than 10%, and when CUBIC has
    recovered the rate it had before its last decrease.

    Attributes:
        key: The limiter's key for the request (by default ``scheme://host:port``).
        rate: The adaptive rate now, requests per second (``math.inf``: no adaptive
            limit, the limiter's own limits alone apply).
        reason: ``"throttled"`` (429, or 503 with Retry-After: CUBIC decrease),
            ``"retry-after"`` (the same, and its Retry-After holds the key),
            ``"quota"`` (a rate from ``RateLimit``/``X-RateLimit-*`` headers),
            ``"exhausted"`` (remaining 0: held until the reset), ``"recovered"``.
        hold: Seconds from now during which the key sends nothing (0.0: none;
            at most the policy's ``max_delay``).
    """

    key: str
    rate: float
    reason: str
    hold: float


@dataclass(frozen=True, slots=True, kw_only=True)
class BulkheadRejected(Event):
    """
    A bulkhead refused an attempt: no permit free, and no room (or time) to queue.

    Fired by the ``bulkhead`` stage just before it raises ``BulkheadFull`` (or
    ``DeadlineExceeded`` when the deadline ended the wait in the queue).

    Attributes:
        max_concurrent: The bulkhead's limit on concurrent requests.
        max_queued: Its queue's size.
        reason: Why, in words (``"queue full"``, ``"waited 5 s in the queue"``).
    """

    max_concurrent: int
    max_queued: int
    reason: str


ALL_EVENTS: frozenset[type[Event]] = frozenset(
    {
        RateLimited,
        StoreUnavailable,
        RateAdjusted,
        BulkheadRejected,
        CircuitOpened,
        CircuitHalfOpened,
        CircuitClosed,
        HostMarkedDown,
        HostRecovered,
        RequestSent,
        ResponseReceived,
        AttemptFailed,
        RetryScheduled,
        RetryAfterIgnored,
        RetryVetoed,
        HedgeSent,
        HedgeWon,
        CallStarted,
        CallSucceeded,
        CallFailed,
    }
)
"""Every event class restwell's built-in stages emit."""


class EventHook(Protocol):
    """
    A subscriber: ``hook(event)``.

    It may return ``None``, a context manager (spans the wait after
    ``RetryScheduled``) or, in an async client, an awaitable.

    Optional attribute ``event_types``: the event classes wanted (default: all).
    """

    def __call__(self, event: Event, /) -> object:
        """Handle one event."""
        ...
