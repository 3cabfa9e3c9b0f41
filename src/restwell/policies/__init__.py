"""
Sans-IO resilience policies: pure values and decision code, no I/O, no clock reads.

A ``CircuitBreaker`` (per host by default) is driven by the ``circuit`` stage, once
per attempt; an open breaker is also a retry gate.

Failover across several base URLs (``Failover`` deciding over a ``HostPool``) is
driven by the ``failover`` stage, once per attempt; so are rate limiting
(``RateLimiter``: GCRA over one or more ``RateLimit``, optionally following the
server with ``Adaptive``, by the ``rate`` stage) and the
concurrency limit (``Bulkhead``, by the ``bulkhead`` stage). A ``RetryBudget``
(retries within a share of the requests plus a floor per second, per host) is a
retry gate of the ``retry`` stage, which also tells it of every call.

``Hedge`` (async only) is driven by the ``hedge`` stage, which takes the ``retry``
slot of a call that has one: after ``delay`` seconds without an answer it sends the
request again, and the first answer wins ("The Tail at Scale", Dean & Barroso 2013).

A driver (the client's retry loop) asks ``Retry.next(state, outcome, now, wall, rng)``
and acts on the ``Sleep | Return | Raise`` it gets. Everything here is tested with a
fake clock and seeded randomness (``tests/unit``), and shared by the async and sync
clients as it is.

The library's defaults live here too: ``DEFAULT_MAX_ATTEMPTS`` (3),
``DEFAULT_RETRY_ON`` and ``DEFAULT_RETRY_STATUSES`` (408, 429, 500, 502, 503, 504),
``IDEMPOTENT_METHODS``, ``DEFAULT_MAX_RETRY_AFTER`` (120 s), ``DEFAULT_DEADLINE``
(30 s), ``DEFAULT_TIMEOUT`` (connect 5 s, read 10 s, write 10 s, pool 5 s),
``DEFAULT_MAX_REDIRECTS`` (20) and ``DEFAULT_MAX_REPLAY_BUFFER`` (1 MiB). Each
value's source is tabled in ``restwell._config``.

.. versionchanged:: 0.1
    The ``DEFAULT_*`` constants and ``IDEMPOTENT_METHODS`` are exported from here;
    ``restwell.DEFAULT_*`` is deprecated.
"""

from .._config import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_REPLAY_BUFFER,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_RETRY_STATUSES,
    DEFAULT_TIMEOUT,
    IDEMPOTENT_METHODS,
)
from .._public import set_public_module
from ._adaptive import Adaptive, RateAdjustment, RateQuota, parse_rate_quota
from ._backoff import (
    Backoff,
    BackoffStrategy,
    Constant,
    Custom,
    Exponential,
    Fibonacci,
    Linear,
)
from ._budget import (
    GLOBAL_BUDGET_KEY,
    BudgetBalance,
    BudgetStore,
    MemoryBudgetStore,
    RetryBudget,
)
from ._bulkhead import DEFAULT_MAX_CONCURRENT, Bulkhead
from ._circuit import (
    DEFAULT_CIRCUIT_FAILURE,
    Admission,
    CircuitBreaker,
    CircuitChange,
    CircuitGate,
    CircuitState,
    CircuitStatus,
    Refusal,
    origin_key,
)
from ._decision import Decision, Raise, Return, Sleep
from ._failover import (
    DEFAULT_COOL_DOWN,
    DEFAULT_MARK_DOWN,
    FAILOVER_STRATEGIES,
    Failover,
    FailoverStrategy,
    HostChange,
    HostHealth,
    HostPool,
)
from ._gate import RetryGate, Veto
from ._hedge import DEFAULT_HEDGE_DELAY, DEFAULT_HEDGE_MAX_ATTEMPTS, Hedge, HedgeState
from ._jitter import DecorrelatedJitter, EqualJitter, FullJitter, Jitter, NoJitter
from ._predicates import (
    DEFAULT_RETRY_ON,
    Predicate,
    on_exception,
    on_response,
    on_status,
)
from ._rate import (
    RATE_MODES,
    MemoryRateStore,
    RateDecision,
    RateLimit,
    RateLimiter,
    RateMode,
    RateStore,
    per_host,
)
from ._retry import NEVER_SENT_ERRORS, Retry, RetryState
from ._retry_after import RetryAfter, parse_http_date, parse_retry_after

__all__ = [
    "DEFAULT_CIRCUIT_FAILURE",
    "DEFAULT_COOL_DOWN",
    "DEFAULT_DEADLINE",
    "DEFAULT_HEDGE_DELAY",
    "DEFAULT_HEDGE_MAX_ATTEMPTS",
    "DEFAULT_MARK_DOWN",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_CONCURRENT",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_REPLAY_BUFFER",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_RETRY_ON",
    "DEFAULT_RETRY_STATUSES",
    "DEFAULT_TIMEOUT",
    "FAILOVER_STRATEGIES",
    "GLOBAL_BUDGET_KEY",
    "IDEMPOTENT_METHODS",
    "NEVER_SENT_ERRORS",
    "RATE_MODES",
    "Adaptive",
    "Admission",
    "Backoff",
    "BackoffStrategy",
    "BudgetBalance",
    "BudgetStore",
    "Bulkhead",
    "CircuitBreaker",
    "CircuitChange",
    "CircuitGate",
    "CircuitState",
    "CircuitStatus",
    "Constant",
    "Custom",
    "Decision",
    "DecorrelatedJitter",
    "EqualJitter",
    "Exponential",
    "Failover",
    "FailoverStrategy",
    "Fibonacci",
    "FullJitter",
    "Hedge",
    "HedgeState",
    "HostChange",
    "HostHealth",
    "HostPool",
    "Jitter",
    "Linear",
    "MemoryBudgetStore",
    "MemoryRateStore",
    "NoJitter",
    "Predicate",
    "Raise",
    "RateAdjustment",
    "RateDecision",
    "RateLimit",
    "RateLimiter",
    "RateMode",
    "RateQuota",
    "RateStore",
    "Refusal",
    "Retry",
    "RetryAfter",
    "RetryBudget",
    "RetryGate",
    "RetryState",
    "Return",
    "Sleep",
    "Veto",
    "on_exception",
    "on_response",
    "on_status",
    "origin_key",
    "parse_http_date",
    "parse_rate_quota",
    "parse_retry_after",
    "per_host",
]

set_public_module(globals())
