"""
The event stream: one frozen dataclass per thing that happens during a call.

Hooks subscribe to it; logging, OpenTelemetry, Prometheus and user callbacks are all
hooks (DESIGN.md "Events"). A hook is a callable ``(event) -> None``; in an async
client it may also be ``async``. A hook may return a context manager from
``RetryScheduled``: it is entered before the wait and exited after (stamina). A hook
that raises is logged (logger ``restwell.hooks``) and ignored. Times are seconds.

A hook may declare the event classes it wants as ``hook.event_types`` (a collection of
classes); the client then builds only those events for it (no cost for the rest).
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
    "CallFailed",
    "CallSucceeded",
    "Event",
    "EventHook",
    "RequestSent",
    "ResponseReceived",
    "RetryAfterIgnored",
    "RetryScheduled",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """
    Base of every event.

    Attributes:
        request: The request of the attempt (or call) the event is about.
        attempt: 1-based attempt number.
    """

    request: Request
    attempt: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestSent(Event):
    """An attempt is about to be handed to the transport."""


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
class CallSucceeded(Event):
    """
    The call returned a response the retry policy accepted.

    That is any status it did not retry, 4xx included.

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
    The call gave up.

    It ran out of attempts, hit a non-retryable error, got a Retry-After beyond the
    cap or deadline, or ran into the deadline itself.

    Attributes:
        outcome: The last response (returned to the caller) or the error raised.
        attempts: All attempts, oldest first.
        elapsed: Seconds for the whole call, waits included.
        reason: Why the call gave up, in words.
    """

    outcome: Response[JSON] | BaseException
    attempts: tuple[Attempt, ...]
    elapsed: float
    reason: str


ALL_EVENTS: frozenset[type[Event]] = frozenset(
    {
        RequestSent,
        ResponseReceived,
        AttemptFailed,
        RetryScheduled,
        RetryAfterIgnored,
        CallSucceeded,
        CallFailed,
    }
)
"""Every event class a client emits."""


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
