"""
Observability: the event classes, the hook protocol, the logging hook, redaction.

Hooks are ``(event) -> None`` callables given to a client (``hooks=[...]``); logging,
OpenTelemetry and Prometheus are hooks too.
"""

from .._public import set_public_module
from .._redact import REDACTED, is_sensitive_name, redact_headers, redact_url
from ._events import (
    ALL_EVENTS,
    AttemptFailed,
    BulkheadRejected,
    CallFailed,
    CallStarted,
    CallSucceeded,
    CircuitClosed,
    CircuitHalfOpened,
    CircuitOpened,
    Event,
    EventHook,
    HedgeSent,
    HedgeWon,
    HostMarkedDown,
    HostRecovered,
    RateAdjusted,
    RateLimited,
    RequestSent,
    ResponseReceived,
    RetryAfterIgnored,
    RetryScheduled,
    RetryVetoed,
    StoreUnavailable,
)
from ._logging import LoggingHook

__all__ = [
    "ALL_EVENTS",
    "REDACTED",
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
    "LoggingHook",
    "RateAdjusted",
    "RateLimited",
    "RequestSent",
    "ResponseReceived",
    "RetryAfterIgnored",
    "RetryScheduled",
    "RetryVetoed",
    "StoreUnavailable",
    "is_sensitive_name",
    "redact_headers",
    "redact_url",
]

set_public_module(globals())
