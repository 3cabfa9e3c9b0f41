"""
Logging as a subscriber of the event stream, with credentials redacted.

``LoggingHook()`` (on by default in every client) logs the rare events: retries
scheduled, vetoed and ignored Retry-After values at INFO, calls that gave up (a limit
stopped a retryable outcome, or an error was raised) at WARNING; and, in a client
whose stages emit them, a host marked down (WARNING) or recovered (INFO), a circuit
breaker opened (WARNING), half-opened or closed (INFO), a rate limiter's refusal
(INFO), an adaptive rate limiter's decrease or hold (INFO; its recoveries and quota
changes at DEBUG with ``verbose``) and a bulkhead's refusal (WARNING).
``LoggingHook(verbose=True)`` adds every call started and ended and every attempt sent
and answered, at DEBUG.
Nothing it writes contains ``Authorization``, ``Cookie``, API-key headers or query
parameters, or URL userinfo (``restwell.instrumentation.redact_url``).
"""

from __future__ import annotations

import logging
from typing import Any

from .._redact import redact_headers, redact_url
from ._events import (
    AttemptFailed,
    BulkheadRejected,
    CallFailed,
    CallStarted,
    CallSucceeded,
    CircuitClosed,
    CircuitHalfOpened,
    CircuitOpened,
    Event,
    HostMarkedDown,
    HostRecovered,
    RateAdjusted,
    RateLimited,
    RequestSent,
    ResponseReceived,
    RetryAfterIgnored,
    RetryScheduled,
    RetryVetoed,
)

__all__ = ["LoggingHook"]


def _outcome(outcome: Any) -> str:
    if isinstance(outcome, BaseException):
        return type(outcome).__name__
    return str(outcome.status_code)


class LoggingHook:
    """
    Write events to a ``logging.Logger``, redacted.

    Args:
        logger: A logger or its name. Default ``"restwell"``.
        verbose: Also log each attempt sent (with redacted headers) and each
            response or failure, at DEBUG, and successful calls. Default ``False``.

    Attributes:
        event_types: The event classes this hook handles (the client skips the rest).
        optional_event_types: The classes it also handles where the client emits
            them (failover, circuit, rate and bulkhead events).
    """

    __slots__ = ("event_types", "logger", "optional_event_types", "verbose")

    def __init__(
        self, logger: logging.Logger | str = "restwell", *, verbose: bool = False
    ) -> None:
        self.logger = logging.getLogger(logger) if isinstance(logger, str) else logger
        self.verbose = verbose
        quiet: set[type[Event]] = {
            RetryScheduled,
            RetryAfterIgnored,
            RetryVetoed,
            CallFailed,
        }
        if verbose:
            quiet |= {
                CallStarted,
                RequestSent,
                ResponseReceived,
                AttemptFailed,
                CallSucceeded,
            }
        self.event_types = frozenset(quiet)
        self.optional_event_types = frozenset(
            {
                HostMarkedDown,
                HostRecovered,
                CircuitOpened,
                CircuitHalfOpened,
                CircuitClosed,
                RateLimited,
                RateAdjusted,
                BulkheadRejected,
            }
        )

    def __call__(self, event: Event) -> None:
        """Log ``event`` at its level (see the module docstring)."""
        log = self.logger
        req = event.request
        where = f"{req.method} {redact_url(req.url)}"
        if isinstance(event, RetryScheduled):
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "%s: attempt %d got %s; retrying in %.3f s (%s)",
                    where,
                    event.attempt,
                    _outcome(event.outcome),
                    event.delay,
                    event.reason,
                )
        elif isinstance(event, CallFailed):
            if event.gave_up or isinstance(event.outcome, BaseException):
                if log.isEnabledFor(logging.WARNING):
                    log.warning(
                        "%s: gave up after %d attempt(s) in %.3f s: %s",
                        where,
                        len(event.attempts),
                        event.elapsed,
                        event.reason,
                    )
            elif self.verbose and log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "%s: %s after %d attempt(s) in %.3f s (%s)",
                    where,
                    _outcome(event.outcome),
                    len(event.attempts),
                    event.elapsed,
                    event.reason,
                )
        elif isinstance(event, RetryVetoed):
            log.info(
                "%s: retry after attempt %d vetoed by %s: %s",
                where,
                event.attempt,
                event.gate,
                event.reason,
            )
        elif isinstance(event, CallStarted):
            log.debug("%s: call #%d started", where, event.call_id)
        elif isinstance(event, RetryAfterIgnored):
            log.info("%s: ignored unusable Retry-After %r", where, event.value[:64])
        elif isinstance(event, RequestSent):
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "%s: attempt %d sent, headers %s",
                    where,
                    event.attempt,
                    redact_headers(req.headers.multi_items()),
                )
        elif isinstance(event, ResponseReceived):
            log.debug(
                "%s: attempt %d got %d in %.3f s",
                where,
                event.attempt,
                event.response.status_code,
                event.duration,
            )
        elif isinstance(event, AttemptFailed):
            log.debug(
                "%s: attempt %d failed with %s in %.3f s",
                where,
                event.attempt,
                type(event.error).__name__,
                event.duration,
            )
        elif isinstance(event, CircuitOpened):
            log.warning(
                "%s: circuit breaker for %s opened (was %s) for %.3f s: %s",
                where,
                redact_url(event.key),
                event.previous,
                event.retry_in,
                event.reason,
            )
        elif isinstance(event, CircuitHalfOpened | CircuitClosed):
            log.info(
                "%s: circuit breaker for %s %s: %s",
                where,
                redact_url(event.key),
                "half-open" if isinstance(event, CircuitHalfOpened) else "closed",
                event.reason,
            )
        elif isinstance(event, HostMarkedDown):
            log.warning(
                "%s: host %s marked down for %.3f s: %s",
                where,
                event.host,
                event.cool_down,
                event.reason,
            )
        elif isinstance(event, HostRecovered):
            log.info("%s: host %s recovered: %s", where, event.host, event.reason)
        elif isinstance(event, RateLimited):
            if not event.admitted:
                log.info(
                    "%s: rate limit for %s refused attempt %d (next slot in %.3f s)",
                    where,
                    redact_url(event.key),
                    event.attempt,
                    event.wait,
                )
            elif self.verbose:
                log.debug(
                    "%s: rate limit for %s: attempt %d waits %.3f s",
                    where,
                    redact_url(event.key),
                    event.attempt,
                    event.wait,
                )
        elif isinstance(event, RateAdjusted):
            if event.reason in ("throttled", "retry-after", "exhausted"):
                log.info(
                    "%s: adaptive rate for %s now %.3g/s (%s), holding %.3f s",
                    where,
                    redact_url(event.key),
                    event.rate,
                    event.reason,
                    event.hold,
                )
            elif self.verbose:
                log.debug(
                    "%s: adaptive rate for %s now %.3g/s (%s)",
                    where,
                    redact_url(event.key),
                    event.rate,
                    event.reason,
                )
        elif isinstance(event, BulkheadRejected):
            log.warning(
                "%s: bulkhead (%d concurrent, %d queued) refused attempt %d: %s",
                where,
                event.max_concurrent,
                event.max_queued,
                event.attempt,
                event.reason,
            )
        elif isinstance(event, CallSucceeded):
            log.debug(
                "%s: %d after %d attempt(s) in %.3f s",
                where,
                event.response.status_code,
                len(event.attempts),
                event.elapsed,
            )

    def __repr__(self) -> str:
        return f"LoggingHook({self.logger.name!r}, verbose={self.verbose})"
