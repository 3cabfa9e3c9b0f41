"""
Retry budget: retries limited to a share of the requests, plus a floor, sans-IO.

A retry storm turns an outage into an overload: with 3 attempts per call, every
client of a failing service sends 3 times its usual traffic exactly when the service
can least take it. A retry budget caps retries at a share of the requests a client
sends (Finagle's ``RetryBudget``; Envoy's ``retry_budget``; Google's *Site Reliability
Engineering*, 2016, ch. 22 "Addressing Cascading Failures", which keeps retries
under 10 % of requests per client).

The rule, per key (per host by default), over a sliding ``window`` of seconds:

    a retry is allowed when ``retries + 1 <= min_retries_per_second * window +
    ratio * requests``

where ``requests`` are the calls sent in the window (each call counts once, when it
starts: a *deposit*) and ``retries`` the retries the budget allowed in it (each a
*withdrawal*). The floor lets a client with little traffic still retry; the ratio
bounds a busy one. The shape is Finagle's (``RetryBudget.apply()``, where the floor
is likewise a reserve of ``minRetriesPerSec * ttl`` retries and deposits expire after
the ttl); the defaults are tighter than Finagle's (20 %, 10 per second, 10 s): a ratio
of 10 % (the SRE book's per-client budget) and a floor of 1 retry per second over
10 s. Finagle's floor is sized for busy RPC servers; a client of a third-party API
making fewer than 10 calls a second would retry every failure under it, so a storm
of 100 % errors would still triple its traffic. With these defaults 200 calls
against a server answering only 503 send 230 requests (1.15x; 600 without a
budget), and a quiet client still has 10 retries per 10 s.

The window is kept in ``buckets`` slices of ``window / buckets`` seconds (a ring):
a request or retry counts for between ``window * (1 - 1 / buckets)`` and ``window``
seconds, and each decision costs O(1) (at most ``buckets`` slices are cleared when
time moves on, whatever the traffic).

``RetryBudget`` is a ``RetryGate``: the retry stage asks it (after the circuit
breaker's gate and the call's ``retry_gates``) before each retry, and tells it of
each call it starts (``record_request``). When the budget is spent the retry is
vetoed: the call ends with its last response or error, a ``RetryVetoed`` event and
the reason (``"retry budget exhausted for http://h: ..."``) in the call's last
``Attempt`` and completion event. State lives behind ``BudgetStore``; the in-process
``MemoryBudgetStore`` is the default.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable
from datetime import timedelta
from typing import TYPE_CHECKING, NamedTuple, Protocol, cast

from .._config import check_int, seconds
from .._exceptions import ConfigurationError
from ._circuit import origin_key
from ._gate import Veto

if TYPE_CHECKING:
    from .._models import Request
    from ._decision import Sleep

__all__ = [
    "GLOBAL_BUDGET_KEY",
    "BudgetBalance",
    "BudgetStore",
    "MemoryBudgetStore",
    "RetryBudget",
    "as_retry_budget",
]

GLOBAL_BUDGET_KEY = "all hosts"
"""The one key of a ``RetryBudget(key=None)``: one budget for every host."""

# Slack for the float product ``ratio * requests`` (0.29 * 100 == 28.999999999999996).
_EPSILON = 1e-9


class BudgetBalance(NamedTuple):
    """
    One key's budget over the window: what ``withdraw`` and ``balance`` answer.

    Attributes:
        allowed: ``withdraw``: whether the retry was allowed (and counted).
            ``balance``: whether a retry would be allowed now.
        requests: Requests (deposits) in the window (``int``).
        retries: Retries (withdrawals) in the window, the allowed one included
            (``int``).
        allowance: Retries the window allows: ``min_retries_per_second * window
            + ratio * requests`` (``float``).
    """

    allowed: bool
    requests: int
    retries: int
    allowance: float


class BudgetStore(Protocol):
    """
    Where a ``RetryBudget`` keeps each key's requests and retries over the window.

    Each method is one atomic step, so a store shared between processes can do each
    in one round trip. ``budget`` gives the arithmetic: ``window`` (seconds),
    ``buckets`` (slices of the window), ``ratio``, ``reserve``
    (``min_retries_per_second * window``). ``now`` is monotonic seconds of this
    process; a shared store must ignore it and read one clock for all processes
    (monotonic clocks of two processes are not comparable).

    A Redis store, one Lua script per method (``EVALSHA``, one round trip), keeps
    per key one hash ``{prefix}:{key}`` with fields ``d:<i>`` and ``w:<i>`` (requests
    and retries of slice ``i``), and in the script:

    1. reads the server's clock (``TIME``; scripts may since Redis 5, effects
       replication) and computes the current slice ``i = floor(t * buckets /
       window)``;
    2. ``deposit``: ``HINCRBY d:<i> 1``;
    3. ``withdraw``: ``HGETALL``, sums ``d:<j>`` and ``w:<j>`` over ``i - buckets <
       j <= i``, and when ``w + 1 <= reserve + ratio * d`` does ``HINCRBY w:<i> 1``;
       returns ``{allowed, d, w}``;
    4. ``HDEL``s the fields of slices ``j <= i - buckets`` it saw, and ``PEXPIRE``s
       the key ``window`` seconds ahead (a quiet key disappears).

    Deposits are not decisions: such a store may also add them up in the process
    and send them with the next ``withdraw`` (or every few milliseconds), so a call
    that does not retry costs no round trip.
    """

    def deposit(self, key: Hashable, now: float, budget: RetryBudget) -> None:
        """Count one request for ``key`` at ``now`` (seconds)."""
        ...

    def withdraw(self, key: Hashable, now: float, budget: RetryBudget) -> BudgetBalance:
        """
        Decide one retry for ``key`` at ``now`` (seconds) and count it if allowed.

        Returns:
            The balance: ``allowed`` and the window's counts after the decision.
        """
        ...

    def balance(self, key: Hashable, now: float, budget: RetryBudget) -> BudgetBalance:
        """``key``'s counts at ``now``, changing nothing (``allowed``: would be)."""
        ...


class _Window:
    """One key's ring of slices (the memory store's record)."""

    __slots__ = ("head", "requests", "retries", "slot", "slot_requests", "slot_retries")

    def __init__(self, head: int, n: int) -> None:
        self.head = head  # index of the newest slice: floor(now / width)
        self.slot = head % n  # its position in the ring
        self.slot_requests = [0] * n
        self.slot_retries = [0] * n
        self.requests = 0  # sums over the ring
        self.retries = 0


class MemoryBudgetStore:
    """
    The in-process ``BudgetStore``: a dict of key → ring of ``buckets`` slices.

    Thread-safe: one ``threading.Lock``, held for the arithmetic of one method only.
    A key whose newest slice left the window is the same as an absent one, and such
    keys are swept when the dict has doubled since the last sweep (a key function
    with many values does not grow memory without bound). Meant for one budget (the
    ``RetryBudget`` creates its own): budgets with different windows must not share
    one.
    """

    __slots__ = ("_lock", "_sweep_at", "_windows")

    def __init__(self) -> None:
        self._windows: dict[Hashable, _Window] = {}
        self._lock = threading.Lock()
        self._sweep_at = 1024

    def _window(self, key: Hashable, index: int, n: int) -> _Window:
        """``key``'s ring moved on to slice ``index`` (caller holds the lock)."""
        w = self._windows.get(key)
        if w is None:
            if len(self._windows) >= self._sweep_at:
                self._sweep(index, n)
            w = self._windows[key] = _Window(index, n)
            return w
        steps = index - w.head
        if steps <= 0:  # same slice, or a thread that read the clock a bit earlier
            return w
        requests = w.slot_requests
        retries = w.slot_retries
        if steps >= n:  # every slice left the window
            for i in range(n):
                requests[i] = retries[i] = 0
            w.requests = w.retries = 0
            slot = index % n
        else:
            slot = w.slot
            for _ in range(steps):
                slot += 1
                if slot == n:
                    slot = 0
                w.requests -= requests[slot]
                w.retries -= retries[slot]
                requests[slot] = retries[slot] = 0
        w.head = index
        w.slot = slot
        return w

    def deposit(self, key: Hashable, now: float, budget: RetryBudget) -> None:
        """See ``BudgetStore.deposit``."""
        index = math.floor(now * budget._per_second)
        with self._lock:
            w = self._windows.get(key)
            if w is None or w.head != index:  # the common case skips a call
                w = self._window(key, index, budget.buckets)
            w.slot_requests[w.slot] += 1
            w.requests += 1

    def withdraw(self, key: Hashable, now: float, budget: RetryBudget) -> BudgetBalance:
        """See ``BudgetStore.withdraw``."""
        index = math.floor(now * budget._per_second)
        with self._lock:
            w = self._window(key, index, budget.buckets)
            allowance = budget.reserve + budget.ratio * w.requests
            if w.retries + 1 <= allowance + _EPSILON:
                w.slot_retries[w.slot] += 1
                w.retries += 1
                return BudgetBalance(True, w.requests, w.retries, allowance)
            return BudgetBalance(False, w.requests, w.retries, allowance)

    def balance(self, key: Hashable, now: float, budget: RetryBudget) -> BudgetBalance:
        """See ``BudgetStore.balance``."""
        index = math.floor(now * budget._per_second)
        n = budget.buckets
        with self._lock:
            w = self._windows.get(key)
            requests = retries = 0
            if w is not None and index - w.head < n:
                # The slices still in the window at ``index``: read, not cleared.
                gone = max(index - w.head, 0)
                slot = w.slot
                requests, retries = w.requests, w.retries
                for _ in range(gone):
                    slot = 0 if slot + 1 == n else slot + 1
                    requests -= w.slot_requests[slot]
                    retries -= w.slot_retries[slot]
        allowance = budget.reserve + budget.ratio * requests
        return BudgetBalance(
            retries + 1 <= allowance + _EPSILON, requests, retries, allowance
        )

    def _sweep(self, index: int, n: int) -> None:
        """Drop keys whose newest slice left the window (caller holds the lock)."""
        windows = self._windows
        for key in [k for k, w in windows.items() if index - w.head >= n]:
            del windows[key]
        self._sweep_at = max(1024, 2 * len(windows))

    def __len__(self) -> int:
        return len(self._windows)


def _ratio(value: object, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ConfigurationError(
            f"RetryBudget({name}={value!r}) must be a finite number >= 0"
            + (
                ", e.g. 0.2 for retries up to 20 % of requests"
                if name == "ratio"
                else ", e.g. 10.0 retries per second"
            )
        )
    return float(value)


class RetryBudget:
    """
    A retry budget, per key (per host by default): a ``RetryGate`` (module docstring).

    ``AsyncClient(retry_budget=RetryBudget())`` lets the client's calls retry only
    while retries stay within 10 % of the requests plus 1 per second over the last
    10 seconds, per host. Share one instance between clients to
    share the budget. Thread-safe. Sans-IO: it is given ``now`` (monotonic seconds)
    and never reads a clock or sleeps.

    Args:
        ratio: Retries allowed per request in the window (``float`` >= 0; may exceed
            1). Default 0.1 (the SRE book's per-client budget; Finagle's
            ``percentCanRetry`` is 0.2).
        min_retries_per_second: The floor: retries allowed per second whatever the
            traffic (``float`` >= 0), so a client with few requests can still retry.
            The window holds ``min_retries_per_second * window`` of them. Default
            1.0 (Finagle's ``minRetriesPerSec`` is 10, sized for RPC servers).
        window: How long a request or retry counts, in seconds (or a
            ``timedelta``), > 0. Default 10.0 (Finagle's ``ttl``).
        key: ``(request) -> Hashable``: which calls share a budget. Default
            ``origin_key``: one budget per ``scheme://host:port`` (credentials in
            the URL are left out: the key appears in reasons). ``None``: one budget
            for every host (key ``GLOBAL_BUDGET_KEY``). The key is taken above the
            ``failover`` stage: with several base URLs, a call to a relative URL is
            keyed by the first base URL's origin (one budget for the service).
        buckets: Slices the window is counted in (``int`` >= 1). Default 10.
        store: Where the counts live (a ``BudgetStore``). Default a new
            ``MemoryBudgetStore`` (this process).

    Attributes:
        reserve: ``min_retries_per_second * window``: the retries the floor allows
            in a window (``float``).
        name: ``"retry budget"``: how ``RetryVetoed`` and reasons name the gate.

    Raises:
        ConfigurationError: If ``ratio`` or ``min_retries_per_second`` is negative
            or not a finite number, both are 0 (no retry could ever go: use
            ``retry=None``), ``window`` is not a positive duration, ``buckets`` is
            not an int >= 1, ``key`` is neither callable nor ``None``, or ``store``
            lacks ``deposit``/``withdraw``/``balance``.
    """

    __slots__ = (
        "_key",
        "_per_second",
        "buckets",
        "key",
        "min_retries_per_second",
        "ratio",
        "reserve",
        "store",
        "window",
    )
    name = "retry budget"

    def __init__(
        self,
        ratio: float = 0.1,
        min_retries_per_second: float = 1.0,
        window: float | timedelta = 10.0,
        *,
        key: Callable[[Request], Hashable] | None = origin_key,
        buckets: int = 10,
        store: BudgetStore | None = None,
    ) -> None:
        self.ratio = _ratio(ratio, "ratio")
        self.min_retries_per_second = _ratio(
            min_retries_per_second, "min_retries_per_second"
        )
        if self.ratio == 0 and self.min_retries_per_second == 0:
            raise ConfigurationError(
                "RetryBudget(ratio=0, min_retries_per_second=0) allows no retry at "
                "all: raise one of them, or pass retry=None to turn retries off"
            )
        self.window = cast(
            float, seconds(window, "RetryBudget(window)", nullable=False)
        )
        self.buckets = check_int(
            buckets, "RetryBudget(buckets)", 1, " (slices of the window, e.g. 10)"
        )
        if key is not None and not callable(key):
            raise ConfigurationError(
                f"RetryBudget(key={key!r}) must be a function request -> key "
                "(default origin_key: per host), or None for one budget"
            )
        if store is not None and not all(
            callable(getattr(store, m, None))
            for m in ("deposit", "withdraw", "balance")
        ):
            raise ConfigurationError(
                f"RetryBudget(store={store!r}) is not a BudgetStore: it needs "
                "deposit(), withdraw() and balance() (see MemoryBudgetStore)"
            )
        self.key = key
        """Which calls share a budget (``None``: all of them)."""
        self._key = key
        self.reserve = self.min_retries_per_second * self.window
        self.store: BudgetStore = MemoryBudgetStore() if store is None else store
        self._per_second = self.buckets / self.window  # slices per second

    def key_of(self, request: Request) -> Hashable:
        """``request``'s budget key (``GLOBAL_BUDGET_KEY`` with ``key=None``)."""
        key = self._key
        return GLOBAL_BUDGET_KEY if key is None else key(request)

    def record_request(self, request: Request, now: float) -> None:
        """
        Count one call (a deposit) at monotonic ``now`` (seconds).

        The retry stage calls it once per call (per redirect hop), before the first
        attempt, whether or not the call will retry.
        """
        key = self._key
        self.store.deposit(
            GLOBAL_BUDGET_KEY if key is None else key(request), now, self
        )

    def review(
        self, retry: Sleep, *, request: Request, attempt: int, now: float
    ) -> Sleep | Veto:
        """
        Allow ``retry`` (and count it: a withdrawal) or veto it (``RetryGate``).

        Returns:
            ``retry`` when the budget allows it; else ``Veto`` whose reason gives
            the key, the retries and requests in the window and the allowance.
        """
        key = self.key_of(request)
        b = self.store.withdraw(key, now, self)
        if b.allowed:
            return retry
        return Veto(
            f"retry budget exhausted for {key}: {b.retries} retr"
            f"{'y' if b.retries == 1 else 'ies'} in the last {self.window:g} s, "
            f"allowance {b.allowance:g} = {self.min_retries_per_second:g}/s × "
            f"{self.window:g} s + {self.ratio:.0%} of {b.requests} "
            f"request{'' if b.requests == 1 else 's'}"
        )

    def balance(self, key: Hashable, now: float) -> BudgetBalance:
        """
        ``key``'s budget at monotonic ``now`` (seconds), changing nothing.

        Args:
            key: A budget key (what ``key_of(request)`` gives: an origin by
                default, ``GLOBAL_BUDGET_KEY`` with ``key=None``).
            now: Monotonic seconds (``clock.monotonic()`` of the client's clock).
        """
        return self.store.balance(key, now, self)

    def __repr__(self) -> str:
        return (
            f"RetryBudget(ratio={self.ratio:g}, min_retries_per_second="
            f"{self.min_retries_per_second:g}, window={self.window:g})"
        )


def as_retry_budget(value: object, where: str = "retry_budget") -> RetryBudget | None:
    """
    Check a ``retry_budget=`` (or ``policies={"budget": ...}``) argument.

    Raises:
        ConfigurationError: Unless it is a ``RetryBudget`` or ``None``.
    """
    if value is None or isinstance(value, RetryBudget):
        return value
    raise ConfigurationError(
        f"{where}={value!r} must be restwell.policies.RetryBudget(...), or None "
        "for no retry budget"
    )
