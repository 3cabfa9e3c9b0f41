"""
Rate limiting: the Generic Cell Rate Algorithm (GCRA), sans-IO.

``RateLimiter`` answers "admit now, or wait t seconds" for one request at monotonic
``now``, given one or more ``RateLimit`` values (e.g. 10 per second *and* 1000 per
hour) and a key (per host by default). It never reads a clock and never sleeps: its
driver, the ``rate`` stage, gives it ``now`` and does the waiting.

The algorithm is GCRA in its "virtual scheduling" form (ATM Forum Traffic
Management Specification 4.0, 1996, appendix A; Brandur Leach, "Rate limiting,
cells, and GCRA", 2015). Per key and limit it keeps one number, the theoretical
arrival time ``tat``. With the emission interval ``T = per / rate`` and the burst
``b``, a request at ``now`` is admitted at

    ``at = max(tat, now) + T - b * T``  (never before ``now``)

and then ``tat`` becomes ``max(tat, at) + T``. With several limits the request is
admitted at the latest of their ``at`` and every limit's ``tat`` advances. So in any
interval of ``t`` seconds at most ``b + rate * t / per`` requests pass (``b - 1 +
rate`` in any window of ``per`` seconds): a fresh key gets ``burst`` requests at
once and no more, the start-up burst is the configured burst. GCRA is a token bucket
of ``burst`` tokens refilled at ``rate / per`` per second, kept as one timestamp.

A waiting request *reserves* its slot: ``tat`` advances when the wait is decided,
so many waiters queue one behind the other instead of all waking at once (the
"reservation" of Go's ``golang.org/x/time/rate``). A request refused (fail fast, or
a wait beyond ``max_wait`` or the deadline) reserves nothing.

State lives behind ``RateStore`` (``reserve`` is one atomic decision), so a store
shared between processes (Redis, a Lua script doing the same arithmetic) can replace
the in-memory one without changing the policy.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Literal, Protocol, cast, get_args

from .._config import seconds
from .._exceptions import ConfigurationError
from ._adaptive import Adaptive

if TYPE_CHECKING:
    from .._models import Request
    from ..stores._redis import RedisStore
    from ._adaptive import RateAdjustment

__all__ = [
    "RATE_MODES",
    "MemoryRateStore",
    "RateDecision",
    "RateLimit",
    "RateLimiter",
    "RateMode",
    "RateStore",
    "per_host",
]

RateMode = Literal["wait", "fail"]
"""What a ``RateLimiter`` does with a request it cannot admit now."""
RATE_MODES: tuple[str, ...] = get_args(RateMode)
"""The modes: ``("wait", "fail")``."""


class RateLimit:
    """
    One limit: ``rate`` requests per ``per`` seconds, with a burst of ``burst``.

    ``RateLimit(10)`` is 10 per second, evenly spaced (one every 0.1 s);
    ``RateLimit(1000, per=3600, burst=50)`` is 1000 per hour, 50 at once at most.

    Args:
        rate: Requests per ``per`` seconds (> 0; a float is fine: ``0.5``).
        per: The period, in seconds (or a ``timedelta``), > 0. Default 1.0.
        burst: Requests that may go at once after a quiet spell (an int >= 1).
            Default 1: strict pacing, one request every ``per / rate`` seconds, so
            no window of ``per`` seconds ever sees more than ``rate`` requests. In
            general a window of ``per`` seconds sees at most ``burst - 1 + rate``.

    Attributes:
        interval: The emission interval ``per / rate``, in seconds.

    Raises:
        ConfigurationError: If ``rate`` or ``per`` is not a positive finite
            number, or ``burst`` is not an int >= 1.
    """

    __slots__ = ("_ahead", "burst", "interval", "per", "rate")

    def __init__(
        self, rate: float, per: float | timedelta = 1.0, *, burst: int = 1
    ) -> None:
        given: object = rate  # checked for callers without a type checker
        if (
            isinstance(given, bool)
            or not isinstance(given, int | float)
            or not math.isfinite(given)
            or given <= 0
        ):
            raise ConfigurationError(
                f"rate={rate!r} must be a positive number of requests per period, "
                "e.g. RateLimit(10) for 10 per second"
            )
        period = cast(float, seconds(per, "per", nullable=False))
        count: object = burst
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ConfigurationError(
                f"burst={burst!r} must be an int >= 1 (1: no burst, evenly spaced)"
            )
        self.rate = float(rate)
        self.per = period
        self.burst = burst
        self.interval = period / rate
        # How far tat may run ahead of now while still admitting: (burst - 1) * T.
        self._ahead = (burst - 1) * self.interval

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RateLimit):
            return NotImplemented
        return (self.rate, self.per, self.burst) == (other.rate, other.per, other.burst)

    def __hash__(self) -> int:
        return hash((self.rate, self.per, self.burst))

    def __repr__(self) -> str:
        return f"RateLimit({self.rate:g}, per={self.per:g}, burst={self.burst})"


class RateDecision:
    """
    What ``RateLimiter.decide`` answers.

    Attributes:
        admitted: ``True``: go, after ``wait`` seconds (the slot is reserved).
            ``False``: refused, nothing reserved.
        wait: Admitted: seconds to wait first (``0.0``: go now). Refused: seconds
            until a request for this key would be admitted (``retry_in``).
        key: The request's key, as ``str`` (for events and errors).
    """

    __slots__ = ("admitted", "key", "wait")

    def __init__(self, admitted: bool, wait: float, key: str) -> None:
        self.admitted = admitted
        self.wait = wait
        self.key = key

    def __repr__(self) -> str:
        return (
            f"RateDecision(admitted={self.admitted}, wait={self.wait:g}, "
            f"key={self.key!r})"
        )


class RateStore(Protocol):
    """
    Where a ``RateLimiter`` keeps each key's theoretical arrival times.

    One method, one atomic decision, so a shared store (one Lua script on Redis)
    can implement it in one round trip.
    """

    def reserve(
        self,
        key: Hashable,
        limits: Sequence[RateLimit],
        now: float,
        max_wait: float,
    ) -> float:
        """
        Decide one request for ``key`` at ``now`` (seconds) under every limit.

        Returns:
            The wait ``w >= 0`` (seconds) when the request is admitted within
            ``max_wait`` (its slot reserved: the state updated), else ``-w``
            with ``w > 0`` the wait it would need (nothing changed).
        """
        ...


class MemoryRateStore:
    """
    The in-process ``RateStore``: a dict of key → list of ``tat`` (one per limit).

    Thread-safe (one ``threading.Lock``, held for the arithmetic only). A key whose
    every ``tat`` is in the past is the same as an absent one, and such keys are
    swept when the dict has doubled since the last sweep (so a key function with
    many values does not grow memory without bound).
    """

    __slots__ = ("_lock", "_sweep_at", "_tats")

    def __init__(self) -> None:
        self._tats: dict[Hashable, list[float]] = {}
        self._lock = threading.Lock()
        self._sweep_at = 1024

    def reserve(
        self,
        key: Hashable,
        limits: Sequence[RateLimit],
        now: float,
        max_wait: float,
    ) -> float:
        """See ``RateStore.reserve``."""
        with self._lock:
            tats = self._tats.get(key)
            if tats is None:
                if len(self._tats) >= self._sweep_at:
                    self._sweep(now)
                tats = self._tats[key] = [now] * len(limits)
            if len(limits) == 1:  # the common case, without the loops
                limit = limits[0]
                tat = tats[0]
                at = tat - limit._ahead  # admitted no earlier than this
                if at < now:
                    at = now
                wait = at - now
                if wait > max_wait:
                    return -wait
                tats[0] = (tat if tat > at else at) + limit.interval
                return wait
            at = now
            for limit, tat in zip(limits, tats, strict=True):
                start = tat - limit._ahead  # admitted no earlier than this
                if start > at:
                    at = start
            wait = at - now
            if wait > max_wait:
                return -wait
            for i, limit in enumerate(limits):
                tat = tats[i]
                tats[i] = (tat if tat > at else at) + limit.interval
            return wait

    def _sweep(self, now: float) -> None:
        """Drop keys whose every ``tat`` has passed (caller holds the lock)."""
        tats = self._tats
        for key in [k for k, v in tats.items() if max(v) <= now]:
            del tats[key]
        self._sweep_at = max(1024, 2 * len(tats))

    def __len__(self) -> int:
        return len(self._tats)


_GO = RateDecision(True, 0.0, "")


def per_host(request: Request) -> str:
    """
    The default key: the request's origin, ``scheme://host[:port]``.

    Each host gets its own limits (below ``failover``, so the chosen host).
    """
    url = request.url
    start = url.find("//") + 2
    end = url.find("/", start)
    q = url.find("?", start)
    if q != -1 and (end == -1 or q < end):
        end = q
    return url if end == -1 else url[:end]


class RateLimiter:
    """
    Rate limiter policy: one or more ``RateLimit``, per key, wait or fail fast.

    ``AsyncClient(rate_limit=RateLimiter([RateLimit(10), RateLimit(1000, per=3600)]))``
    admits a request only when every limit does (GCRA, see the module docstring).

    Args:
        limits: A ``RateLimit`` or a non-empty sequence of them, all applied.
        key: ``(request) -> Hashable``: which requests share limits. Default
            ``per_host``: one set of limits per ``scheme://host:port``. Use
            ``lambda request: "all"`` for one limit over every host.
        mode: ``"wait"`` (default): wait for the slot, within the call's deadline
            (a wait that would pass it raises ``DeadlineExceeded`` at once,
            without sleeping) and ``max_wait``. ``"fail"``: never wait; raise
            ``RateLimitExceeded(retry_in=...)`` instead.
        max_wait: In ``"wait"`` mode, the longest wait in seconds (or a
            ``timedelta``); a longer one raises ``RateLimitExceeded``. Default
            ``None``: bounded only by the deadline.
        store: Where the state lives. Default a new ``MemoryRateStore`` (this
            process). The limiter is meant to be shared by every call of a client
            (or of many clients: pass the same object). A
            ``restwell.stores.RedisStore`` shares the limits between processes:
            the ``rate`` stage then awaits it (one round trip per decision).
        adaptive: An ``Adaptive`` policy (``restwell.policies.Adaptive``) or
            ``None`` (default). With it the limiter also follows the server: the
            ``rate`` stage tells it every attempt's response (``observe``) and it
            lowers the rate per key on 429s and rate-limit headers, then recovers.
            ``limits`` stay the ceiling; with ``limits`` empty the adaptive limit is
            the only one. The adaptive wait comes first, then ``limits`` are
            reserved at the time the request will go. The adaptive state is in
            this process only, whatever ``store`` is.

    Raises:
        ConfigurationError: If ``limits`` is empty without ``adaptive`` or holds
            something else than ``RateLimit``, ``key`` is not callable, ``mode`` is
            unknown, ``max_wait`` is negative, or ``adaptive`` is not an
            ``Adaptive``.
    """

    __slots__ = (
        "_limits",
        "_max_wait",
        "adaptive",
        "key",
        "limits",
        "max_wait",
        "mode",
        "shared",
        "store",
    )

    def __init__(
        self,
        limits: RateLimit | Sequence[RateLimit] = (),
        *,
        key: Callable[[Request], Hashable] = per_host,
        mode: RateMode = "wait",
        max_wait: float | timedelta | None = None,
        store: RateStore | None = None,
        adaptive: Adaptive | None = None,
    ) -> None:
        given: tuple[object, ...] = (
            (limits,) if isinstance(limits, RateLimit) else tuple(limits)
        )
        if adaptive is not None and not isinstance(adaptive, Adaptive):
            raise ConfigurationError(
                f"adaptive={adaptive!r} must be restwell.policies.Adaptive(...) or None"
            )
        if (not given and adaptive is None) or not all(
            isinstance(x, RateLimit) for x in given
        ):
            raise ConfigurationError(
                f"limits={limits!r} must be a RateLimit or a non-empty list of them, "
                "e.g. [RateLimit(10), RateLimit(1000, per=3600)] (or give "
                "adaptive=Adaptive() alone)"
            )
        if not callable(key):
            raise ConfigurationError(
                f"key={key!r} is not callable: pass (request) -> key, e.g. per_host"
            )
        if mode not in RATE_MODES:
            raise ConfigurationError(
                f"mode={mode!r} is not known: use 'wait' or 'fail'"
            )
        wait = seconds(max_wait, "max_wait", allow_zero=True)
        self.limits: tuple[RateLimit, ...] = given  # type: ignore[assignment]  # checked above
        """The limits, all applied (``tuple[RateLimit, ...]``)."""
        self.key = key
        self.mode: RateMode = mode
        self.max_wait = wait
        """The longest wait in seconds, or ``None``."""
        self.store: RateStore = MemoryRateStore() if store is None else store
        self.shared: RedisStore | None = (
            cast("RedisStore", store) if hasattr(store, "areserve") else None
        )
        """The store when it is shared (Redis): the stage awaits it; else ``None``."""
        self.adaptive = adaptive
        """The ``Adaptive`` policy, or ``None``."""
        self._limits = self.limits
        self._max_wait = math.inf if wait is None else wait

    def decide(
        self, request: Request, now: float, deadline_at: float | None = None
    ) -> RateDecision:
        """
        Decide ``request`` at monotonic ``now`` (seconds).

        Args:
            request: The request (its key comes from ``key``).
            now: Monotonic seconds.
            deadline_at: The call's deadline (monotonic seconds) or ``None``: in
                ``"wait"`` mode a wait that ends after it is refused.

        Returns:
            A ``RateDecision``: admitted after ``wait`` seconds (reserved), or
            refused with ``wait`` the time until it would be admitted.
        """
        return self.decide_key(self.key(request), now, deadline_at)

    def decide_key(
        self, key: Hashable, now: float, deadline_at: float | None = None
    ) -> RateDecision:
        """
        ``decide`` for a key already computed (``key(request)``).

        For a driver that also passes the key to ``adaptive.observe`` (the ``rate``
        stage), so the key function runs once per attempt. Arguments and result
        as ``decide``.
        """
        if self.mode == "fail":
            bound = 0.0
        else:
            bound = self._max_wait
            if deadline_at is not None and deadline_at - now < bound:
                bound = deadline_at - now
        adaptive = self.adaptive
        if adaptive is None:
            wait = self.store.reserve(key, self._limits, now, bound)
        else:
            wait = self._adapt(adaptive, key, now, bound)
        if wait == 0.0:
            return _GO
        if wait < 0:
            return RateDecision(False, -wait, str(key))
        return RateDecision(True, wait, str(key))

    def bound(
        self, request: Request, now: float, deadline_at: float | None = None
    ) -> tuple[Hashable, float]:
        """
        ``decide``'s first half, for a store the stage awaits: the key and wait bound.

        Returns:
            ``(key, max_wait)``: the request's key and the longest wait (seconds)
            it may be given (0.0 in ``"fail"`` mode).
        """
        key = self.key(request)
        if self.mode == "fail":
            return key, 0.0
        bound = self._max_wait
        if deadline_at is not None and deadline_at - now < bound:
            bound = deadline_at - now
        return key, bound

    @staticmethod
    def conclude(key: Hashable, wait: float) -> RateDecision:
        """``decide``'s second half: the store's answer ``wait`` as a decision."""
        if wait == 0.0:
            return _GO
        if wait < 0:
            return RateDecision(False, -wait, str(key))
        return RateDecision(True, wait, str(key))

    def _adapt(
        self, adaptive: Adaptive, key: Hashable, now: float, bound: float
    ) -> float:
        """The adaptive wait first, then ``limits`` reserved at that time."""
        if adaptive.idle(key, now):
            if self._limits:
                return self.store.reserve(key, self._limits, now, bound)
            return 0.0
        first = adaptive.earliest(key, now)
        if first > bound:
            return -first
        wait = first
        if self._limits:
            more = self.store.reserve(key, self._limits, now + first, bound - first)
            if more < 0:
                return more - first
            wait += more
        adaptive.commit(key, now + wait)
        return wait

    def observe(
        self,
        request: Request,
        status: int,
        headers: Mapping[str, str],
        now: float,
        wall: float,
    ) -> RateAdjustment | None:
        """
        Tell the ``adaptive`` policy one response to ``request`` (no-op without it).

        Args:
            request: The attempt's request (its key comes from ``key``).
            status: The response's status code.
            headers: The response's headers.
            now: Monotonic seconds.
            wall: Wall-clock Unix seconds.

        Returns:
            The ``RateAdjustment`` to report, or ``None``.
        """
        adaptive = self.adaptive
        if adaptive is None:
            return None
        return adaptive.observe(self.key(request), status, headers, now, wall)

    def __repr__(self) -> str:
        limits = ", ".join(map(repr, self.limits))
        if self.adaptive is not None:
            return (
                f"RateLimiter([{limits}], mode={self.mode!r}, "
                f"adaptive={self.adaptive!r})"
            )
        return f"RateLimiter([{limits}], mode={self.mode!r})"


def as_rate_limiter(value: object, where: str = "rate_limit") -> RateLimiter | None:
    """
    Coerce a ``rate_limit=`` argument: a limiter, limit(s), ``Adaptive`` or ``None``.

    A ``RateLimit`` (or a list of them) gives ``RateLimiter(value)`` (per host,
    waiting); an ``Adaptive`` gives ``RateLimiter(adaptive=value)``.

    Raises:
        ConfigurationError: For anything else.
    """
    if value is None or isinstance(value, RateLimiter):
        return value
    if isinstance(value, Adaptive):
        return RateLimiter(adaptive=value)
    if isinstance(value, RateLimit) or (
        isinstance(value, list | tuple)
        and value
        and all(isinstance(x, RateLimit) for x in value)
    ):
        return RateLimiter(value)
    raise ConfigurationError(
        f"{where}={value!r} must be restwell.policies.RateLimiter(...), a RateLimit "
        "(or a list of them), an Adaptive, or None"
    )
