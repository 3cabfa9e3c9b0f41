"""
Sans-IO resilience policies: pure values and decision code, no I/O, no clock reads.

A driver (the client's retry loop) asks ``Retry.next(state, outcome, now, wall, rng)``
and acts on the ``Sleep | Return | Raise`` it gets. Everything here is tested with a
fake clock and seeded randomness (``tests/unit``), and shared by the async and sync
clients as it is.
"""

from .._config import DEFAULT_RETRY_STATUSES, IDEMPOTENT_METHODS
from .._public import set_public_module
from ._backoff import (
    Backoff,
    BackoffStrategy,
    Constant,
    Custom,
    Exponential,
    Fibonacci,
    Linear,
)
from ._decision import Decision, Raise, Return, Sleep
from ._gate import RetryGate, Veto
from ._jitter import DecorrelatedJitter, EqualJitter, FullJitter, Jitter, NoJitter
from ._predicates import (
    DEFAULT_RETRY_ON,
    Predicate,
    on_exception,
    on_response,
    on_status,
)
from ._retry import NEVER_SENT_ERRORS, Retry, RetryState
from ._retry_after import RetryAfter, parse_http_date, parse_retry_after

__all__ = [
    "DEFAULT_RETRY_ON",
    "DEFAULT_RETRY_STATUSES",
    "IDEMPOTENT_METHODS",
    "NEVER_SENT_ERRORS",
    "Backoff",
    "BackoffStrategy",
    "Constant",
    "Custom",
    "Decision",
    "DecorrelatedJitter",
    "EqualJitter",
    "Exponential",
    "Fibonacci",
    "FullJitter",
    "Jitter",
    "Linear",
    "NoJitter",
    "Predicate",
    "Raise",
    "Retry",
    "RetryAfter",
    "RetryGate",
    "RetryState",
    "Return",
    "Sleep",
    "Veto",
    "on_exception",
    "on_response",
    "on_status",
    "parse_http_date",
    "parse_retry_after",
]

set_public_module(globals())
