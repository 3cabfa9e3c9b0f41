"""
Failover across several base URLs: which host each attempt goes to, and host health.

Sans-IO: ``Failover`` (an immutable value: strategy, cool-down, what marks a host
down) decides over a ``HostPool`` (the mutable state: each host's health and the
round-robin cursor), fed the monotonic time by its driver, the ``failover`` stage.
Nothing here reads a clock, sleeps or sends.

Per host, two states:

- **up**: eligible. Start state.
- **down**: skipped until its cool-down ends (``until = failed_at + cool_down``).

Transitions:

- up → down: an attempt's outcome matches ``mark_down`` (default: ``ConnectError``
  or ``ConnectTimeout``, the request never reached the host). Another matching
  outcome while down restarts the cool-down, without a second transition.
- down → up: the host answered (any response, or a transport error that is not a
  mark-down one: it was reached), or a pick finds its cool-down over.

When every host is down, a pick takes the one that failed longest ago rather than
failing without trying (python-arango's resolvers also never refuse to pick).

Sources: the strategies are python-arango's host resolvers (``"fallback"`` is
``"ordered"`` here, ``"roundrobin"`` is ``"round_robin"``); skip-for-a-cool-down,
then back in rotation, is Envoy's outlier ejection (``base_ejection_time``, 30 s by
default, is our default cool-down).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal, get_args

from .._config import seconds
from .._exceptions import (
    ConfigurationError,
    ConnectError,
    ConnectTimeout,
    TransportError,
)
from .._redact import redact_url
from .._urls import check_base_url
from ._predicates import Predicate, on_exception

if TYPE_CHECKING:
    from .._models import Response

__all__ = [
    "DEFAULT_COOL_DOWN",
    "DEFAULT_MARK_DOWN",
    "FAILOVER_STRATEGIES",
    "ROUTED",
    "Failover",
    "FailoverStrategy",
    "HostChange",
    "HostHealth",
    "HostPool",
    "as_failover",
]

FailoverStrategy = Literal["ordered", "round_robin"]
"""How a ``Failover`` picks among the hosts that are up (see ``Failover``)."""
FAILOVER_STRATEGIES: tuple[str, ...] = get_args(FailoverStrategy)
"""The strategy names: ``("ordered", "round_robin")``."""

DEFAULT_COOL_DOWN = 30.0
"""Seconds a host stays down after a mark-down (Envoy's ``base_ejection_time``)."""
DEFAULT_MARK_DOWN: Predicate = on_exception(ConnectError, ConnectTimeout)
"""Outcomes that mark a host down: the connection could not be made."""

ROUTED = "restwell.failover"
"""
The ``Request.extensions`` key that marks a request for routing.

A multi-host client sets it on a request it builds from a relative URL; the
``redirects`` stage drops it from a hop. Only marked requests are routed.
"""
_EDGES = "/?#"  # what may follow a base URL's path in a URL under it


@dataclass(frozen=True, slots=True)
class HostHealth:
    """
    One host's health, as ``HostPool.health(now)`` reads it (a snapshot).

    Attributes:
        url: The host's base URL, userinfo and secret query parameters redacted.
        up: Whether the host is eligible now (``False`` during its cool-down).
        retry_in: Seconds until its cool-down ends; ``0.0`` when up.
        failures: Mark-down outcomes in a row since the host last answered.
    """

    url: str
    up: bool
    retry_in: float
    failures: int


@dataclass(frozen=True, slots=True)
class HostChange:
    """
    A host's health changed: what ``Failover.pick`` and ``Failover.record`` report.

    The driver turns each into an event (``HostMarkedDown`` / ``HostRecovered``).

    Attributes:
        index: The host's position in ``HostPool.base_urls``.
        url: Its base URL, redacted (as in ``HostHealth``).
        up: ``True``: it recovered; ``False``: it was marked down.
        reason: Why, in words (``"ConnectError"``, ``"cool-down of 30 s over"``,
            ``"answered with 200"``).
        seconds: Marked down: the cool-down, in seconds. Recovered: how long it
            was down, in seconds.
        outcome: Marked down or recovered by an answer: the outcome that did it (a
            ``Response`` or an exception); ``None`` for a cool-down that ended.
    """

    index: int
    url: str
    up: bool
    reason: str
    seconds: float
    outcome: Response[object] | BaseException | None = None


class _Host:
    __slots__ = ("down_until", "failed_at", "failures", "label", "marked_at", "root")

    def __init__(self, root: str) -> None:
        self.root = root
        self.label = redact_url(root)
        self.down_until: float | None = None
        self.marked_at = 0.0
        self.failed_at = float("-inf")
        self.failures = 0


class HostPool:
    """
    Several base URLs of one service and each one's health (mutable, thread-safe).

    Shared by every call of a client. Its state changes only inside ``Failover``'s
    short ``pick`` and ``record`` calls, under a ``threading.Lock`` never held across
    I/O: safe from threads (sync ``Client``) and tasks.

    Args:
        base_urls: Absolute http(s) base URLs, in order of preference (the first
            is the primary for ``"ordered"``); a sequence of ``str``. Each may have
            a path prefix (``"http://10.0.0.1:8529/_db/app"``); a call's URL keeps
            its part after the base (path, query, fragment) on whichever host it
            goes to.

    Raises:
        ConfigurationError: If ``base_urls`` is a string or empty, a URL is not an
            absolute http(s) URL, or one lies under another (the same URL twice, or
            ``http://h/api`` and ``http://h/api/v2``: a URL under both would be
            ambiguous).
    """

    __slots__ = (
        "_cursor",
        "_down",
        "_hosts",
        "_lock",
        "_next_expiry",
        "_roots",
        "base_urls",
    )

    def __init__(self, base_urls: Sequence[str]) -> None:
        given: object = base_urls
        if isinstance(given, str | bytes) or not isinstance(given, Sequence):
            raise ConfigurationError(
                f"base_urls={base_urls!r} must be a list of base URLs, "
                "e.g. ['http://10.0.0.1:8529', 'http://10.0.0.2:8529']"
            )
        if not base_urls:
            raise ConfigurationError(
                "base_urls=[] is empty: give at least one http(s) base URL"
            )
        checked = tuple(check_base_url(url) for url in base_urls)
        for i, url in enumerate(checked):
            for other in checked[i + 1 :]:
                if url.startswith(other) or other.startswith(url):
                    raise ConfigurationError(
                        f"base URL {redact_url(max(url, other, key=len))!r} lies "
                        f"under {redact_url(min(url, other, key=len))!r} (or is "
                        "the same): list each host once, with base URLs that do "
                        "not nest"
                    )
        self.base_urls = checked
        """The base URLs, each with one trailing slash (``tuple[str, ...]``)."""
        self._hosts = tuple(_Host(url[:-1]) for url in checked)
        self._roots = tuple(host.root for host in self._hosts)
        self._cursor = 0
        self._down = 0  # how many hosts are down
        self._next_expiry = float("inf")  # earliest cool-down end among down hosts
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._hosts)

    def route(self, url: str) -> tuple[int, str] | None:
        """
        Find the base URL ``url`` lies under.

        Args:
            url: An absolute URL.

        Returns:
            ``(index, rest)``: the host's index and the part of ``url`` after its
            base (``"/users?id=7"``, or ``""``); ``None`` when ``url`` is under
            none of the base URLs (base URLs do not nest, so at most one matches).
        """
        for i, root in enumerate(self._roots):
            if url.startswith(root):
                n = len(root)
                if len(url) == n or url[n] in _EDGES:
                    return i, url[n:]
        return None

    def url(self, index: int, rest: str) -> str:
        """Return ``rest`` (from ``route``) under host ``index``'s base URL."""
        return self._hosts[index].root + rest

    def health(self, now: float) -> tuple[HostHealth, ...]:
        """
        Each host's health at monotonic ``now`` (seconds), in ``base_urls`` order.

        Read-only: a host whose cool-down is over reads as up even before a pick
        moves it back (and reports ``HostRecovered``).
        """
        with self._lock:
            out = []
            for host in self._hosts:
                until = host.down_until
                up = until is None or until <= now
                out.append(
                    HostHealth(
                        host.label,
                        up,
                        0.0 if up else until - now,  # type: ignore[operator]  # not up: a float
                        host.failures,
                    )
                )
            return tuple(out)

    def __repr__(self) -> str:
        labels = ", ".join(host.label for host in self._hosts)
        return f"<HostPool [{labels}]>"


@dataclass(frozen=True, slots=True, init=False)
class Failover:
    """
    Failover policy: pick the host of each attempt; mark hosts down and up.

    ``restwell.AsyncClient(base_url=[a, b], failover=Failover("round_robin"))``.

    Args:
        strategy: How to pick among the hosts that are up. ``"ordered"`` (the
            default): the first one, in ``base_urls`` order, so traffic goes to the
            primary and falls back in order (python-arango's ``"fallback"``).
            ``"round_robin"``: the next one after the host the previous pick took,
            spreading calls evenly.
        cool_down: Seconds (or a ``timedelta``) a host stays down after a mark-down
            outcome; it then goes back into rotation. Default 30.0 (Envoy's
            ``base_ejection_time``).
        mark_down: Which outcomes mark a host down: a ``Predicate`` or any callable
            ``(outcome) -> bool`` given a ``Response`` or an exception. Default
            ``DEFAULT_MARK_DOWN``: ``ConnectError`` or ``ConnectTimeout``. A 502 or
            503 is the host's answer, so it does not count unless you add it:
            ``DEFAULT_MARK_DOWN | on_status(502, 503)``.

    Raises:
        ConfigurationError: If ``strategy`` is not one of ``FAILOVER_STRATEGIES``,
            ``cool_down`` is not a positive duration, or ``mark_down`` is not
            callable.
    """

    strategy: FailoverStrategy
    cool_down: float
    mark_down: Callable[[Response[object] | BaseException], bool]

    def __init__(
        self,
        strategy: FailoverStrategy = "ordered",
        *,
        cool_down: float | timedelta = DEFAULT_COOL_DOWN,
        mark_down: Callable[[Response[object] | BaseException], bool] = (
            DEFAULT_MARK_DOWN
        ),
    ) -> None:
        if strategy not in FAILOVER_STRATEGIES:
            raise ConfigurationError(
                f"failover strategy {strategy!r} is not known: use one of "
                f"{', '.join(map(repr, FAILOVER_STRATEGIES))}"
            )
        if not callable(mark_down):
            raise ConfigurationError(
                f"mark_down={mark_down!r} is not callable: pass a predicate "
                "(outcome) -> bool, e.g. DEFAULT_MARK_DOWN | on_status(503)"
            )
        object.__setattr__(self, "strategy", strategy)
        object.__setattr__(
            self, "cool_down", seconds(cool_down, "cool_down", nullable=False)
        )
        object.__setattr__(self, "mark_down", mark_down)

    def pick(self, pool: HostPool, now: float) -> tuple[int, tuple[HostChange, ...]]:
        """
        Pick the host for the next attempt at monotonic ``now`` (seconds).

        First, every host whose cool-down is over comes back up. Then
        ``"ordered"`` takes the first host that is up, ``"round_robin"`` the first
        one from the cursor on (and moves the cursor past it). With none up, it
        takes the host that failed longest ago.

        Returns:
            ``(index, changes)``: the host's index in ``pool.base_urls``, and the
            hosts that came back up in this pick (``HostChange`` with ``up=True``).
        """
        hosts = pool._hosts
        n = len(hosts)
        round_robin = self.strategy == "round_robin"
        if not pool._down:  # every host is up: nothing to expire or skip
            if not round_robin:
                return _FIRST
            with pool._lock:
                chosen = pool._cursor
                pool._cursor = (chosen + 1) % n
            return chosen, ()
        changes: tuple[HostChange, ...] = ()
        with pool._lock:
            if now >= pool._next_expiry:
                changes = _expire(pool, now)
            start = pool._cursor if round_robin else 0
            chosen = -1
            for k in range(n):
                i = (start + k) % n
                if hosts[i].down_until is None:
                    chosen = i
                    break
            else:  # every host is down: the one that failed longest ago
                chosen = min(range(n), key=lambda i: hosts[i].failed_at)
            pool._cursor = (chosen + 1) % n
        return chosen, changes

    def record(
        self,
        pool: HostPool,
        index: int,
        outcome: Response[object] | BaseException,
        now: float,
    ) -> HostChange | None:
        """
        Feed the outcome of an attempt sent to host ``index`` at monotonic ``now``.

        A mark-down outcome marks the host down for ``cool_down`` seconds (or
        restarts a running cool-down); a response, or another transport error (the
        host was reached), brings it back up and resets its failure count. Any other
        exception (a deadline, a programming error) says nothing about the host.

        Returns:
            The change (up → down, down → up), or ``None`` when the host's state
            stayed the same.
        """
        host = pool._hosts[index]
        if self.mark_down(outcome):
            with pool._lock:
                host.failures += 1
                host.failed_at = now
                was_up = host.down_until is None
                until = host.down_until = now + self.cool_down
                pool._next_expiry = min(pool._next_expiry, until)
                if not was_up:
                    return None
                pool._down += 1
                host.marked_at = now
            return HostChange(
                index,
                host.label,
                False,
                _describe(outcome),
                self.cool_down,
                outcome,
            )
        if host.down_until is None and not host.failures:  # up, nothing to reset
            return None
        if isinstance(outcome, BaseException) and not isinstance(
            outcome, TransportError
        ):
            return None
        with pool._lock:
            host.failures = 0
            if host.down_until is None:
                return None
            host.down_until = None
            pool._down -= 1
            down_for = now - host.marked_at
        return HostChange(
            index,
            host.label,
            True,
            f"answered with {_describe(outcome)}",
            down_for,
            outcome,
        )

    def __repr__(self) -> str:
        return f"Failover({self.strategy!r}, cool_down={self.cool_down:g})"


def _expire(pool: HostPool, now: float) -> tuple[HostChange, ...]:
    """Bring back every host whose cool-down is over (caller holds the lock)."""
    changes = []
    nearest = float("inf")
    for i, host in enumerate(pool._hosts):
        until = host.down_until
        if until is None:
            continue
        if until <= now:
            host.down_until = None
            pool._down -= 1
            changes.append(
                HostChange(
                    i,
                    host.label,
                    True,
                    f"cool-down of {until - host.marked_at:g} s over",
                    now - host.marked_at,
                )
            )
        else:
            nearest = min(nearest, until)
    pool._next_expiry = nearest
    return tuple(changes)


_FIRST: tuple[int, tuple[HostChange, ...]] = (0, ())


def _describe(outcome: Response[object] | BaseException) -> str:
    if isinstance(outcome, BaseException):
        return type(outcome).__name__
    return str(outcome.status_code)


_BY_NAME = {name: Failover(name) for name in FAILOVER_STRATEGIES}  # type: ignore[arg-type]  # the names


def as_failover(value: object, where: str = "failover") -> Failover | None:
    """
    Coerce a ``failover=`` argument: a ``Failover``, a strategy name, or ``None``.

    Args:
        value: ``Failover(...)``, ``"ordered"``, ``"round_robin"`` or ``None``.
        where: The argument's name, for the error message.

    Returns:
        The ``Failover`` (a strategy name gives ``Failover(name)``), or ``None``.

    Raises:
        ConfigurationError: For anything else.
    """
    if value is None or isinstance(value, Failover):
        return value
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    raise ConfigurationError(
        f"{where}={value!r} must be restwell.policies.Failover(...), a strategy "
        f"name ({', '.join(map(repr, FAILOVER_STRATEGIES))}), or None"
    )
