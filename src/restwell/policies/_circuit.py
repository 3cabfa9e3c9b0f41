"""
Circuit breaker: stop sending to a host that keeps failing, and probe it back in.

Sans-IO: ``CircuitBreaker`` decides (``allow(key, now)``, ``record(admission,
outcome, now)``) from the monotonic time its driver, the ``circuit`` stage, passes
in; it never reads a clock for a decision, sleeps or sends. State is kept per key
(per host by default: ``scheme://host:port`` of the attempt's URL).

States, per key (Nygard, *Release It!*, ch. 5; the ratio rule and its defaults are
Polly v8's ``CircuitBreakerStrategyOptions``):

- **closed**: every attempt goes through; outcomes are counted.
- **open**: every attempt is refused at once (``CircuitOpenError``, nothing sent)
  until the break ends.
- **half_open**: the break ended; exactly ``half_open_probes`` attempts are let
  through as probes, every other one is refused. When all probes succeed the
  breaker closes; the first probe that fails opens it again.
- **isolated**: opened by hand (``isolate(key)``); refuses until ``reset(key)``.

Transitions:

- closed → open: the failure ratio over the sliding ``window`` reaches
  ``failure_ratio`` with at least ``min_throughput`` attempts in it, or
  ``consecutive_failures`` failures in a row (either rule, when both are set).
- open → half_open: the first ``allow`` after the break ended.
- half_open → closed: every probe succeeded. half_open → open: a probe failed;
  the break grows: ``break_duration * break_growth ** (n - 1)`` for the n-th opening
  in a row, capped at ``max_break_duration`` (growth 1.0, the default, keeps it
  fixed).
- any → isolated (``isolate``), any → closed (``reset``).

An outcome is matched to the state it was admitted in (``Admission.epoch``): an
attempt admitted before the breaker opened does not count once it has, and only
probes decide a half-open breaker. A probe that ends without an outcome (the task
was cancelled) gives its slot back through ``release``.

What counts as a failure is ``failure`` (default ``DEFAULT_CIRCUIT_FAILURE``:
transport errors, timeouts included, and statuses 408, 429 and 5xx). A 4xx other
than 408 and 429 is never a failure, whatever the predicate says: it is the
caller's mistake, not the host's health.

Thread safety: one ``threading.Lock`` guards the state, held only inside these
short methods and never while ``on_state_change`` runs (a callback may call
``state()``, ``isolate()`` or ``reset()``). The state lives behind a small store
interface (``_MemoryCircuitStore``: admit, record, release, isolate, reset,
status, each one decision); a shared store (Redis, one script per decision) can
replace the in-memory one later without changing the breaker's API.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal, cast

from .._clock import SystemClock
from .._config import check_int, seconds
from .._context import ContextKey
from .._exceptions import ConfigurationError, TransportError
from ._decision import Sleep
from ._gate import Veto
from ._predicates import Predicate, on_exception, on_status

if TYPE_CHECKING:
    from .._models import Request, Response
    from ..stores._redis import RedisCircuitStore, RedisStore

__all__ = [
    "CIRCUIT_ATTEMPT",
    "DEFAULT_CIRCUIT_FAILURE",
    "Admission",
    "CircuitBreaker",
    "CircuitChange",
    "CircuitGate",
    "CircuitState",
    "CircuitStatus",
    "Refusal",
    "origin_key",
]

CircuitState = Literal["closed", "open", "half_open", "isolated"]
"""A breaker's state for one key."""

DEFAULT_CIRCUIT_FAILURE: Predicate = on_status(
    408, 429, *range(500, 600)
) | on_exception(TransportError)
"""Transport errors (connect, read, write, protocol, timeouts) and 408, 429, 5xx."""


def origin_key(request: Request) -> str:
    """
    The default key: the origin ``scheme://host[:port]`` of ``request.url``.

    One breaker state per host, so a failing host does not stop calls to others.
    Recent URLs' origins are remembered (up to ``_ORIGINS_MAX``; then forgotten at
    once): this runs per attempt, and most calls repeat a URL.
    """
    url = request.url
    origin = _ORIGINS.get(url)
    if origin is None:
        if len(_ORIGINS) >= _ORIGINS_MAX:
            _ORIGINS.clear()
        origin = _ORIGINS[url] = _origin(url)
    return origin


_ORIGINS: dict[str, str] = {}
_ORIGINS_MAX = 1024


def _origin(url: str) -> str:
    end = url.find("/", url.find("//") + 2)
    origin = url if end < 0 else url[:end]
    if "@" in origin or "?" in origin:  # rare: credentials (never key by them), query
        query = origin.find("?")
        if query >= 0:
            origin = origin[:query]
        start = origin.find("//") + 2
        at = origin.find("@", start)
        if at >= 0:
            origin = origin[:start] + origin[at + 1 :]
    return origin


@dataclass(frozen=True, slots=True)
class CircuitChange:
    """
    A key's state changed: what ``allow``, ``record``, ``isolate`` and ``reset`` report.

    Attributes:
        key: The breaker key (an origin by default).
        old: The state before.
        new: The state after.
        reason: Why, in words (``"5 failures in a row"``, ``"break of 5 s over"``).
        retry_in: Opened: the break, in seconds (``inf`` when isolated); else 0.0.
        outcome: The outcome that caused it (a ``Response`` or an exception), or
            ``None`` (a break that ended, a manual change).
    """

    key: str
    old: CircuitState
    new: CircuitState
    reason: str
    retry_in: float = 0.0
    outcome: Response[object] | BaseException | None = None


@dataclass(frozen=True, slots=True)
class Admission:
    """
    ``allow`` let an attempt through; give it back to ``record`` (or ``release``).

    Attributes:
        key: The breaker key.
        probe: Whether the attempt is a half-open probe.
        epoch: The state the attempt was admitted in (internal counter).
        change: The transition this admission made (open → half_open), or ``None``.
    """

    key: str
    probe: bool
    epoch: int
    change: CircuitChange | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """
    ``allow`` refused the attempt: send nothing.

    Attributes:
        key: The breaker key.
        state: ``"open"``, ``"half_open"`` (every probe slot taken) or
            ``"isolated"``.
        retry_in: Seconds until the breaker may admit again: the rest of the break
            when open, 0.0 when half-open (a probe is under way), ``inf`` when
            isolated.
    """

    key: str
    state: CircuitState
    retry_in: float


@dataclass(frozen=True, slots=True)
class CircuitStatus:
    """
    One key's state, as ``CircuitBreaker.state`` reads it (a snapshot).

    Attributes:
        key: The breaker key.
        state: Its state; an open breaker whose break is over reads ``"half_open"``.
        retry_in: Seconds until an open breaker's break ends (0.0 otherwise,
            ``inf`` when isolated).
        failures: Failures counted in the window (closed), or in a row.
        total: Attempts counted in the window (closed).
        consecutive: Failures in a row.
        probes: Probes under way (half-open).
    """

    key: str
    state: CircuitState
    retry_in: float
    failures: int
    total: int
    consecutive: int
    probes: int


class _Key:
    """One key's state (the in-memory store's record)."""

    __slots__ = (
        "admission",
        "buckets",
        "consecutive",
        "epoch",
        "failures",
        "opened",
        "probes",
        "state",
        "successes",
        "total",
        "until",
    )

    def __init__(self, key: str) -> None:
        self.state: CircuitState = "closed"
        self.epoch = 0
        self.admission = Admission(key, False, 0)  # reused while closed: no allocation
        self.buckets: deque[list[float]] = deque()  # [start, total, failures]
        self.total = 0
        self.failures = 0
        self.consecutive = 0
        self.opened = 0  # openings in a row (for the growing break)
        self.until = 0.0  # open: monotonic end of the break
        self.probes = 0  # half-open: probes under way
        self.successes = 0  # half-open: probes that succeeded


class _MemoryCircuitStore:
    """
    The breaker's state in this process: a dict of ``_Key`` under one lock.

    The interface a shared store implements: ``admit``, ``record``, ``release``,
    ``isolate``, ``reset``, ``status``; each is one atomic decision returning what
    changed. The breaker runs callbacks after a method returns, never inside.
    """

    __slots__ = ("_cfg", "_keys", "_lock")

    def __init__(self, cfg: CircuitBreaker) -> None:
        self._cfg = cfg
        self._keys: dict[str, _Key] = {}
        self._lock = threading.Lock()

    def _get(self, key: str) -> _Key:
        k = self._keys.get(key)
        if k is None:
            k = self._keys[key] = _Key(key)
        return k

    def admit(self, key: str, now: float) -> Admission | Refusal:
        k = self._keys.get(key)
        if k is not None and k.state == "closed":
            # The hot path, without the lock: reading two attributes is atomic, and
            # an admission that raced a transition carries an old epoch, so its
            # outcome is ignored as for any attempt admitted before a change.
            return k.admission
        with self._lock:
            k = self._get(key)
            state = k.state
            if state == "closed":
                return k.admission
            if state == "open":
                if now < k.until:
                    return Refusal(key, "open", k.until - now)
                change = CircuitChange(
                    key,
                    "open",
                    "half_open",
                    f"break of {self._break(k.opened):.3g} s over",
                )
                self._enter(k, key, "half_open")
                k.probes = 1
                return Admission(key, True, k.epoch, change)
            if state == "half_open":
                if k.probes + k.successes < self._cfg.half_open_probes:
                    k.probes += 1
                    return Admission(key, True, k.epoch)
                return Refusal(key, "half_open", 0.0)
            return Refusal(key, "isolated", math.inf)

    def record(
        self,
        admission: Admission,
        failed: bool,
        outcome: Response[object] | BaseException,
        now: float,
    ) -> CircuitChange | None:
        cfg = self._cfg
        with self._lock:
            key = admission.key
            k = self._keys[key]  # created by the ``admit`` that admitted it
            if admission.epoch != k.epoch:
                return None  # admitted in an earlier state: does not count
            if k.state == "half_open":
                k.probes -= 1
                if failed:
                    return self._open(k, key, "a half-open probe failed", outcome, now)
                k.successes += 1
                if k.successes < cfg.half_open_probes:
                    return None
                self._enter(k, key, "closed")
                n = cfg.half_open_probes
                return CircuitChange(
                    key,
                    "half_open",
                    "closed",
                    f"{n} half-open probe{'s' if n != 1 else ''} succeeded",
                    outcome=outcome,
                )
            # closed (only closed admissions share the epoch outside half-open)
            buckets = k.buckets
            if buckets and now < buckets[-1][0] + cfg._bucket:
                bucket = buckets[-1]
            else:  # a new slice of the window: the oldest ones may leave it
                self._expire(k, now)
                bucket = [now, 0, 0]
                buckets.append(bucket)
            bucket[1] += 1
            k.total += 1
            if not failed:
                k.consecutive = 0
                return None
            self._expire(k, now)  # the ratio counts only the window
            bucket[2] += 1
            k.failures += 1
            k.consecutive += 1
            limit = cfg.consecutive_failures
            if limit is not None and k.consecutive >= limit:
                return self._open(
                    k, key, f"{k.consecutive} failures in a row", outcome, now
                )
            ratio = cfg.failure_ratio
            if (
                ratio is not None
                and k.total >= cfg.min_throughput
                and k.failures >= ratio * k.total
            ):
                return self._open(
                    k,
                    key,
                    f"{k.failures} of {k.total} attempts failed in {cfg.window:.3g} s",
                    outcome,
                    now,
                )
            return None

    def release(self, admission: Admission) -> None:
        with self._lock:
            k = self._get(admission.key)
            if admission.probe and admission.epoch == k.epoch:
                k.probes -= 1

    def isolate(self, key: str) -> CircuitChange | None:
        with self._lock:
            k = self._get(key)
            old = k.state
            if old == "isolated":
                return None
            self._enter(k, key, "isolated")
            return CircuitChange(key, old, "isolated", "isolated by hand", math.inf)

    def reset(self, key: str) -> CircuitChange | None:
        with self._lock:
            k = self._get(key)
            old = k.state
            self._enter(k, key, "closed")
            k.opened = 0
            if old == "closed":
                return None
            return CircuitChange(key, old, "closed", "reset by hand")

    def status(self, key: str, now: float) -> CircuitStatus:
        with self._lock:
            k = self._keys.get(key)
            if k is None:
                return CircuitStatus(key, "closed", 0.0, 0, 0, 0, 0)
            self._expire(k, now)
            state = k.state
            retry_in = 0.0
            if state == "open":
                if now < k.until:
                    retry_in = k.until - now
                else:
                    state = "half_open"
            elif state == "isolated":
                retry_in = math.inf
            return CircuitStatus(
                key, state, retry_in, k.failures, k.total, k.consecutive, k.probes
            )

    peek = status  # what the retry gate reads: here, the state itself

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._keys)

    # -- transitions (lock held) ---------------------------------------------------
    def _expire(self, k: _Key, now: float) -> None:
        """Drop the window's slices that started ``window`` seconds or more ago."""
        buckets = k.buckets
        horizon = now - self._cfg.window
        while buckets and buckets[0][0] <= horizon:
            _, total, failures = buckets.popleft()
            k.total -= int(total)
            k.failures -= int(failures)

    def _break(self, opened: int) -> float:
        cfg = self._cfg
        return min(
            cfg.break_duration * cfg.break_growth ** (opened - 1),
            cfg.max_break_duration,
        )

    def _enter(self, k: _Key, key: str, state: CircuitState) -> None:
        k.epoch += 1
        k.probes = 0
        k.successes = 0
        k.buckets.clear()
        k.total = k.failures = k.consecutive = 0
        if state == "closed":
            k.opened = 0
            k.admission = Admission(key, False, k.epoch)
        k.state = state  # last: the lock-free read in ``admit`` sees a ready key

    def _open(
        self,
        k: _Key,
        key: str,
        reason: str,
        outcome: Response[object] | BaseException,
        now: float,
    ) -> CircuitChange:
        old = k.state
        opened = k.opened + 1
        self._enter(k, key, "open")
        k.opened = opened
        pause = self._break(opened)
        k.until = now + pause
        return CircuitChange(key, old, "open", reason, pause, outcome)


class CircuitBreaker:
    """
    A circuit breaker, one state per key (per host by default); see the module doc.

    Give it to a client (``AsyncClient(circuit_breaker=CircuitBreaker())``) or to one
    call (``policies={"circuit": breaker}``); share one instance between clients to
    share the state. Thread-safe.

    Args:
        failure_ratio: Open when at least this share (0 < r <= 1) of the attempts
            in the window failed, or ``None`` to turn the ratio rule off. Default
            0.1 (Polly).
        window: The sliding window of the ratio rule, seconds (or ``timedelta``).
            Default 30 s (Polly). Counted in ``buckets`` slices, so attempts leave
            it a slice at a time.
        min_throughput: Attempts the window must hold before the ratio rule may
            open it. Default 100 (Polly).
        consecutive_failures: Open after this many failures in a row, or ``None``
            (default) for no such rule. With both rules set, either one opens.
        break_duration: How long it stays open, seconds (or ``timedelta``).
            Default 5 s (Polly).
        break_growth: Factor by which the break grows for each reopening in a row
            (a failed probe), >= 1. Default 1.0: fixed.
        max_break_duration: Upper bound of a growing break, seconds. Default 300.
        half_open_probes: Attempts let through after a break (all must succeed
            to close). Default 1.
        failure: Which outcomes count as failures (a ``Predicate``). Default
            ``DEFAULT_CIRCUIT_FAILURE``; a 4xx other than 408/429 never counts.
        key: ``request -> str``: which state an attempt uses. Default
            ``origin_key`` (per host).
        on_state_change: ``callback(CircuitChange)``, called after each
            transition, with no lock held; exceptions from it propagate to the
            caller of the method that made the change.
        clock: Where ``state(key)`` reads the time when ``now`` is not given (an
            object with ``monotonic()``, e.g. ``restwell.testing.FakeClock``).
            Default ``SystemClock()``. Decisions use the ``now`` passed in.
        buckets: Slices of the window (>= 1). Default 10.
        store: ``None`` (default): the state lives in this process. A
            ``restwell.stores.RedisStore``: it lives in Redis, shared by every
            process using that server and prefix (one script per decision; the
            ``circuit`` stage awaits it); callbacks and events fire in the
            process whose decision made the transition.

    Raises:
        ConfigurationError: For a value out of range, or no rule at all
            (``failure_ratio=None`` without ``consecutive_failures``).
    """

    __slots__ = (
        "_bucket",
        "_default",
        "_monotonic",
        "_on_change",
        "_store",
        "break_duration",
        "break_growth",
        "consecutive_failures",
        "failure",
        "failure_ratio",
        "half_open_probes",
        "key",
        "max_break_duration",
        "min_throughput",
        "shared",
        "window",
    )

    def __init__(
        self,
        *,
        failure_ratio: float | None = 0.1,
        window: float | timedelta = 30.0,
        min_throughput: int = 100,
        consecutive_failures: int | None = None,
        break_duration: float | timedelta = 5.0,
        break_growth: float = 1.0,
        max_break_duration: float | timedelta = 300.0,
        half_open_probes: int = 1,
        failure: Predicate = DEFAULT_CIRCUIT_FAILURE,
        key: Callable[[Request], str] = origin_key,
        on_state_change: Callable[[CircuitChange], object] | None = None,
        clock: object = None,
        buckets: int = 10,
        store: RedisStore | None = None,
    ) -> None:
        where = "CircuitBreaker"
        ratio: object = failure_ratio  # checked for callers without a type checker
        if ratio is not None and not (
            isinstance(ratio, int | float) and 0 < ratio <= 1
        ):
            raise ConfigurationError(
                f"{where}(failure_ratio={failure_ratio!r}) must be a number in "
                "(0, 1], e.g. 0.1 for 10 %, or None to use consecutive_failures only"
            )
        if failure_ratio is None and consecutive_failures is None:
            raise ConfigurationError(
                f"{where}: failure_ratio=None and no consecutive_failures: it "
                "could never open; set one of them"
            )
        self.failure_ratio = failure_ratio
        self.window: float = seconds(window, f"{where}(window)", nullable=False)  # type: ignore[assignment]  # not nullable
        self.min_throughput = check_int(min_throughput, f"{where}(min_throughput)", 1)
        self.consecutive_failures = (
            None
            if consecutive_failures is None
            else check_int(consecutive_failures, f"{where}(consecutive_failures)", 1)
        )
        self.break_duration: float = seconds(  # type: ignore[assignment]  # not nullable
            break_duration, f"{where}(break_duration)", nullable=False
        )
        growth: object = break_growth  # checked for callers without a type checker
        if not (isinstance(growth, int | float) and 1 <= growth < math.inf):
            raise ConfigurationError(
                f"{where}(break_growth={break_growth!r}) must be a number >= 1 "
                "(1 keeps the break fixed, 2 doubles it at each reopening)"
            )
        self.break_growth = float(break_growth)
        self.max_break_duration: float = seconds(  # type: ignore[assignment]  # not nullable
            max_break_duration, f"{where}(max_break_duration)", nullable=False
        )
        if self.max_break_duration < self.break_duration:
            raise ConfigurationError(
                f"{where}: max_break_duration={self.max_break_duration:g} s is "
                f"below break_duration={self.break_duration:g} s; raise it"
            )
        self.half_open_probes = check_int(
            half_open_probes, f"{where}(half_open_probes)", 1
        )
        if not callable(failure):
            raise ConfigurationError(
                f"{where}(failure={failure!r}) must be a predicate, "
                "e.g. on_status(503) | on_exception(TransportError)"
            )
        if not callable(key):
            raise ConfigurationError(
                f"{where}(key={key!r}) must be a function request -> str"
            )
        if on_state_change is not None and not callable(on_state_change):
            raise ConfigurationError(
                f"{where}(on_state_change={on_state_change!r}) must be a function "
                "(CircuitChange) -> None"
            )
        n = check_int(buckets, f"{where}(buckets)", 1)
        self.failure = failure
        self._default = failure is DEFAULT_CIRCUIT_FAILURE
        self.key = key
        self._on_change = on_state_change
        self._bucket = self.window / n
        monotonic = getattr(clock, "monotonic", None)
        if clock is not None and not callable(monotonic):
            raise ConfigurationError(
                f"{where}(clock={clock!r}) has no monotonic(); pass a "
                "restwell Clock such as FakeClock()"
            )
        self._monotonic = (
            SystemClock().monotonic
            if monotonic is None
            else cast("Callable[[], float]", monotonic)
        )
        if store is not None and not callable(getattr(store, "circuit", None)):
            raise ConfigurationError(
                f"{where}(store={store!r}) must be a restwell.stores.RedisStore or None"
            )
        self.shared: RedisCircuitStore | None = (
            None if store is None else store.circuit(self)
        )
        """The Redis-backed state the stage awaits, or ``None`` (in memory)."""
        self._store: _MemoryCircuitStore | RedisCircuitStore = (
            _MemoryCircuitStore(self) if self.shared is None else self.shared
        )

    def __repr__(self) -> str:
        rules = []
        if self.failure_ratio is not None:
            rules.append(
                f"failure_ratio={self.failure_ratio:g}, window={self.window:g}, "
                f"min_throughput={self.min_throughput}"
            )
        if self.consecutive_failures is not None:
            rules.append(f"consecutive_failures={self.consecutive_failures}")
        return (
            f"CircuitBreaker({', '.join(rules)}, break_duration="
            f"{self.break_duration:g}, half_open_probes={self.half_open_probes})"
        )

    def is_failure(self, outcome: Response[object] | BaseException) -> bool:
        """Whether ``outcome`` counts as a failure (``failure``, minus most 4xx)."""
        if isinstance(outcome, BaseException):
            if self._default:
                return isinstance(outcome, TransportError)
            return bool(self.failure(outcome))
        status = outcome.status_code
        if 400 <= status < 500 and status != 408 and status != 429:
            return False
        if self._default:  # inlined: 408, 429 and 5xx (this runs per attempt)
            return 408 <= status < 600
        return bool(self.failure(outcome))

    def allow(self, key: str, now: float) -> Admission | Refusal:
        """
        Decide whether an attempt for ``key`` may be sent at monotonic ``now``.

        Returns:
            An ``Admission`` (pass it to ``record`` or ``release``), or a
            ``Refusal`` with ``retry_in`` seconds: send nothing.
        """
        verdict = self._store.admit(key, now)
        if self._on_change is not None and type(verdict) is Admission:
            change = verdict.change
            if change is not None:
                self._on_change(change)
        return verdict

    def record(
        self,
        admission: Admission,
        outcome: Response[object] | BaseException,
        now: float,
    ) -> CircuitChange | None:
        """
        Count the outcome of an admitted attempt, at monotonic ``now``.

        Returns:
            The transition it caused (to ``"open"`` or ``"closed"``), or ``None``.
        """
        if (
            self._default
            and not isinstance(outcome, BaseException)
            and outcome.status_code < 400
        ):  # the common case, without a call
            failed = False
        else:
            failed = self.is_failure(outcome)
        change = self._store.record(admission, failed, outcome, now)
        if change is not None and self._on_change is not None:
            self._on_change(change)
        return change

    def release(self, admission: Admission) -> None:
        """Give back an admission that ended without an outcome (cancelled)."""
        self._store.release(admission)

    def isolate(self, key: str) -> CircuitChange | None:
        """Open ``key``'s breaker by hand until ``reset(key)``; the change or None."""
        return self._notify(self._store.isolate(key))

    def reset(self, key: str) -> CircuitChange | None:
        """Close ``key``'s breaker and forget its counts; the change or ``None``."""
        return self._notify(self._store.reset(key))

    def state(self, key: str, now: float | None = None) -> CircuitStatus:
        """
        ``key``'s state at monotonic ``now`` (default: the ``clock``'s time).

        Read-only; safe from an ``on_state_change`` callback.
        """
        return self._store.status(key, self._monotonic() if now is None else now)

    def keys(self) -> list[str]:
        """Every key the breaker has seen (``list[str]``)."""
        return self._store.keys()

    def notify(self, change: CircuitChange | None) -> CircuitChange | None:
        """
        Run ``on_state_change`` for ``change`` (if any); return ``change``.

        The ``circuit`` stage calls it after an awaited (Redis) decision.
        """
        return self._notify(change)

    def _notify(self, change: CircuitChange | None) -> CircuitChange | None:
        if change is not None and self._on_change is not None:
            self._on_change(change)
        return change


CIRCUIT_ATTEMPT: ContextKey[tuple[CircuitBreaker, str]] = ContextKey("restwell.circuit")
"""The breaker and key of the call's last attempt (set by the ``circuit`` stage)."""


class CircuitGate:
    """
    The retry gate of an open breaker: a call whose breaker opened stops retrying.

    The retry stage consults it (before the call's own ``retry_gates``) once the
    ``circuit`` stage has left ``CIRCUIT_ATTEMPT`` in the context (an attempt that
    was refused, raised, or got a 4xx/5xx): a retry is vetoed when the breaker of the
    last attempt's key will still refuse after the retry's sleep (open past it, or
    isolated), so no attempt is made only to be refused.
    """

    __slots__ = ()
    name = "circuit breaker"

    def review(
        self, retry: Sleep, *, request: Request, attempt: int, now: float
    ) -> Sleep | Veto:
        """Veto ``retry`` when the last attempt's breaker stays open past it."""
        last = request.context.get(CIRCUIT_ATTEMPT)
        if last is None:
            return retry
        breaker, key = last
        status = breaker._store.peek(key, now)  # no round trip
        if status.retry_in > retry.delay:  # open (or isolated) past the sleep
            return Veto(
                f"the circuit for {key} is {status.state}"
                + (
                    ""
                    if math.isinf(status.retry_in)
                    else f" for {status.retry_in:.3g} s"
                )
            )
        return retry


CIRCUIT_GATE = CircuitGate()
"""The one ``CircuitGate`` the retry stage uses."""
