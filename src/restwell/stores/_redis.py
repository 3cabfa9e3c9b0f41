"""
``RedisStore``: rate limiter and circuit breaker state shared through Redis.

One store serves both policies: ``RateLimiter(..., store=store)`` and
``CircuitBreaker(..., store=store)``. Each decision is one Lua script run by Redis
(``EVALSHA``; on ``NOSCRIPT``, once per server, the script itself with ``EVAL``), so
each decision is one round trip and atomic across every process and machine that
shares the server. The scripts read the time from Redis (``TIME``), so the clocks of
the processes, and their skew, do not matter.

redis-py is an optional dependency (``pip install restwell[redis]``); this module
does not import it: the user passes a client (``redis.asyncio.Redis`` for an
``AsyncClient``, ``redis.Redis`` for a ``Client``, or both).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Hashable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

import anyio

from .._config import seconds
from .._exceptions import ConfigurationError, RestwellError
from ..instrumentation._events import StoreUnavailable
from ..policies._circuit import (
    Admission,
    CircuitChange,
    CircuitState,
    CircuitStatus,
    Refusal,
)
from ._scripts import CIRCUIT_SCRIPTS, RATE_SCRIPT

if TYPE_CHECKING:
    import redis
    import redis.asyncio

    from .._models import Request, Response
    from ..policies._circuit import CircuitBreaker
    from ..policies._rate import RateLimit

__all__ = [
    "DEFAULT_STORE_TIMEOUT",
    "ON_ERROR",
    "OnError",
    "RedisStore",
    "StoreUnavailableError",
]

_log = logging.getLogger("restwell.stores")

OnError = Literal["open", "closed"]
"""What a policy does when its store cannot answer: admit (``"open"``) or refuse."""
ON_ERROR: tuple[str, ...] = get_args(OnError)
"""The choices: ``("open", "closed")``."""

DEFAULT_STORE_TIMEOUT = 0.25
"""The longest wait for one Redis decision, seconds (a loopback one takes ~0.1 ms)."""

_DEADLINE_GRACE = 0.01
"""How far past the call's deadline a Redis call may run (seconds): enough to
record the outcome of an attempt that ended at the deadline."""


class StoreUnavailableError(RestwellError):
    """
    A shared store (Redis) did not answer a decision in time, or failed.

    The ``rate`` and ``circuit`` stages catch it and apply the store's ``on_error``
    (admit, or refuse), with a ``StoreUnavailable`` event and a WARNING log line;
    it reaches the caller only from a direct call (``breaker.isolate(key)``, ...).
    The message names the operation and the error's type, never the server's
    address or credentials.

    Attributes:
        operation: The decision that failed (``"reserve"``, ``"admit"``, ...).
    """

    def __init__(self, message: str, *, operation: str) -> None:
        super().__init__(message)
        self.operation = operation


def store_unavailable(
    request: Request,
    policy: str,
    store: RedisStore,
    exc: StoreUnavailableError,
    fallback: str | None = None,
) -> StoreUnavailable:
    """
    Log a WARNING for ``exc`` and return the ``StoreUnavailable`` event to emit.

    Args:
        request: The attempt's request.
        policy: ``"rate"`` or ``"circuit"``.
        store: The store that failed.
        exc: What failed (its message names no address or credential).
        fallback: What the policy did; default the store's ``on_error``.
    """
    did = store.on_error if fallback is None else fallback
    _log.warning(
        "restwell: %s store unavailable (%s); failing %s (call %d, attempt %d)",
        policy,
        exc,
        did,
        request.context.call_id,
        request.attempt,
    )
    return StoreUnavailable(
        request=request,
        attempt=request.attempt,
        call_id=request.context.call_id,
        policy=policy,
        operation=exc.operation,
        error=str(exc),
        fallback=did,
    )


def _own_pool(pool: Any, pool_class: Any, retry: object, timeout: float) -> Any:
    """A pool like ``pool`` (same connections' settings), without retries."""
    kwargs = dict(pool.connection_kwargs)
    for name in ("socket_timeout", "socket_connect_timeout"):
        given = kwargs.get(name)
        kwargs[name] = timeout if given is None else min(given, timeout)
    for name in ("orig_socket_timeout", "orig_socket_connect_timeout"):
        kwargs.pop(name, None)
    kwargs["retry"] = retry
    return pool_class(
        connection_class=pool.connection_class,
        max_connections=pool.max_connections,
        **kwargs,
    )


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class _Script:
    """A Lua script and its SHA1, as ``EVALSHA`` wants it."""

    __slots__ = ("sha", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()


_RATE = _Script(RATE_SCRIPT)
_CIRCUIT = {op: _Script(src) for op, src in CIRCUIT_SCRIPTS.items()}


class RedisStore:
    """
    Rate limiter and circuit breaker state in Redis, shared by many processes.

    ``store = RedisStore(redis.asyncio.Redis(port=6379))``, then
    ``RateLimiter(RateLimit(10), store=store)`` or ``CircuitBreaker(store=store)``:
    every process that uses the same server and ``prefix`` shares one set of
    limits and one breaker per key.

    Each decision is one Lua script, one round trip (``EVALSHA``; the first use
    on a server that does not know the script sends it with ``EVAL``), atomic on
    the server. Time comes from the Redis server (``TIME`` inside the script), so
    clock skew between the processes does not matter. The rate script is GCRA
    (ATM Forum TM 4.0 appendix A, "virtual scheduling"; Brandur Leach, "Rate
    limiting, cells, and GCRA", 2015) over every limit at once; the breaker's
    scripts apply the same rules as the in-memory breaker (admit, record, release,
    isolate, reset, status: one script each; half-open admits exactly
    ``half_open_probes`` probes across all processes). Callbacks and events fire
    in the process whose decision made the transition.

    Keys: ``{prefix}rate:{key}:{limits}`` (a hash, one field per limit; it
    expires when the last limit's theoretical arrival time has passed) and
    ``{prefix}circuit:{key}`` (a hash; it expires ``window`` seconds after the
    last outcome while closed, after the break plus ``window`` while open, after
    ``probe_lease`` plus ``window`` while half-open). An isolated breaker's key
    is the one that does not expire: isolation lasts until ``reset``.

    Args:
        client: A ``redis.asyncio.Redis`` (used by an ``AsyncClient``; asyncio
            only) or a ``redis.Redis`` (used by a ``Client``).
        sync_client: A ``redis.Redis`` as well, when ``client`` is the async one
            and a ``Client`` shares the store. The store takes each client's
            connection settings (address, TLS, credentials, database) for a pool
            of its own, without redis-py's retries and with socket timeouts of at
            most ``timeout``: a refused connection fails a decision at once.
            ``close()`` / ``aclose()`` close that pool; the clients stay yours.
        prefix: Put before every key (``str``). Default ``"restwell:"``.
        on_error: What a policy does when Redis fails or does not answer within
            the timeout: ``"open"`` (default: admit, as if there were no limit or
            breaker) or ``"closed"`` (refuse: ``RateLimitExceeded`` or
            ``CircuitOpenError`` with ``retry_in=0``). Either way the stage emits a
            ``StoreUnavailable`` event and logs a WARNING (logger
            ``restwell.stores``; no address, no credentials).
        timeout: The longest wait for one decision, in seconds (or a
            ``timedelta``), further bounded by the call's deadline (a decision may
            run at most 10 ms past it, so an outcome at the deadline is still
            recorded). Default ``DEFAULT_STORE_TIMEOUT`` (0.25 s).
        probe_lease: Seconds a half-open probe holds its slot without reporting
            (a process that died mid-probe): then the slot is free again. Default
            60 s.

    Raises:
        ConfigurationError: No client, a client of another type, an unknown
            ``on_error``, a non-positive
            ``timeout`` or ``probe_lease``, or a ``prefix`` that is not a ``str``.
    """

    __slots__ = (
        "_apool",
        "_async",
        "_caller_clock",
        "_errors",
        "_no_script",
        "_spool",
        "_sync",
        "on_error",
        "prefix",
        "probe_lease",
        "timeout",
    )

    def __init__(
        self,
        client: redis.asyncio.Redis | redis.Redis | None = None,
        *,
        sync_client: redis.Redis | None = None,
        prefix: str = "restwell:",
        on_error: OnError = "open",
        timeout: float | timedelta = DEFAULT_STORE_TIMEOUT,
        probe_lease: float | timedelta = 60.0,
    ) -> None:
        try:
            import redis as redis_sync  # optional dependency
            import redis.asyncio as redis_async
            from redis.asyncio.retry import Retry as AsyncRetry
            from redis.backoff import NoBackoff
            from redis.exceptions import NoScriptError, RedisError
            from redis.retry import Retry
        except ImportError:  # pragma: no cover - the tests install it
            raise ConfigurationError(
                "RedisStore needs redis-py: pip install 'restwell[redis]'"
            ) from None
        self._async: redis.asyncio.Redis | None = None
        self._sync: redis.Redis | None = None
        for given in (client, sync_client):
            if given is None:
                continue
            if isinstance(given, redis_async.Redis) and given is client:
                self._async = given
            elif isinstance(given, redis_sync.Redis) and self._sync is None:
                self._sync = given
            else:
                raise ConfigurationError(
                    f"RedisStore: {type(given).__name__} is not a client it takes: "
                    "pass redis.asyncio.Redis(...) (AsyncClient) and/or "
                    "sync_client=redis.Redis(...) (Client)"
                )
        if self._async is None and self._sync is None:
            raise ConfigurationError(
                "RedisStore needs a client: RedisStore(redis.asyncio.Redis(...)) for "
                "an AsyncClient, RedisStore(redis.Redis(socket_timeout=0.25)) for a "
                "Client"
            )
        if not isinstance(prefix, str):
            raise ConfigurationError(
                f"RedisStore(prefix={prefix!r}) must be a str, e.g. 'myapp:restwell:'"
            )
        if on_error not in ON_ERROR:
            raise ConfigurationError(
                f"RedisStore(on_error={on_error!r}) is not known: use 'open' (admit "
                "when Redis is down) or 'closed' (refuse)"
            )
        self.prefix = prefix
        """The key prefix (``str``)."""
        self.on_error: OnError = on_error
        """``"open"`` or ``"closed"``: see the class docstring."""
        self.timeout: float = seconds(timeout, "RedisStore(timeout)", nullable=False)  # type: ignore[assignment]  # not nullable
        """The longest wait for one decision, seconds."""
        self.probe_lease: float = seconds(  # type: ignore[assignment]  # not nullable
            probe_lease, "RedisStore(probe_lease)", nullable=False
        )
        """Seconds a half-open probe slot is held without an outcome."""
        self._errors: tuple[type[BaseException], ...] = (
            RedisError,
            OSError,
            TimeoutError,
        )
        self._no_script = NoScriptError
        # Pools of our own, built from the clients' settings (address, TLS,
        # credentials, database) but without redis-py's connection retries and
        # with the store's timeout: a dead Redis fails a decision at once, a
        # silent one within the timeout.
        self._apool: redis.asyncio.ConnectionPool | None = None
        self._spool: redis.ConnectionPool | None = None
        if self._async is not None:
            self._apool = _own_pool(
                self._async.connection_pool,
                redis_async.ConnectionPool,
                AsyncRetry(NoBackoff(), 0),
                self.timeout,
            )
        if self._sync is not None:
            self._spool = _own_pool(
                self._sync.connection_pool,
                redis_sync.ConnectionPool,
                Retry(NoBackoff(), 0),
                self.timeout,
            )
        # Tests only: pass the policy's ``now`` to the scripts instead of TIME.
        self._caller_clock = False

    def __repr__(self) -> str:
        worlds = "+".join(
            w for w, c in (("async", self._async), ("sync", self._sync)) if c
        )
        return (
            f"RedisStore({worlds}, prefix={self.prefix!r}, on_error={self.on_error!r},"
            f" timeout={self.timeout:g})"
        )

    def in_use(self) -> int:
        """Connections of the store's own pools now in use (0 between decisions)."""
        return sum(
            len(pool._in_use_connections)
            for pool in (self._apool, self._spool)
            if pool is not None
        )

    def close(self) -> None:
        """Close the store's sync connections (the clients given stay open)."""
        if self._spool is not None:
            self._spool.disconnect()

    async def aclose(self) -> None:
        """Close the store's connections, async and sync (the clients stay open)."""
        if self._apool is not None:
            await self._apool.disconnect()
        self.close()

    # -- time and running ----------------------------------------------------------
    def budget(self, now: float, deadline_at: float | None) -> float:
        """
        Seconds one decision may take: ``timeout``, bounded by the deadline.

        Args:
            now: Monotonic seconds.
            deadline_at: The call's deadline (monotonic seconds) or ``None``.
        """
        if deadline_at is None:
            return self.timeout
        left = deadline_at - now
        return min(self.timeout, left if left > _DEADLINE_GRACE else _DEADLINE_GRACE)

    def _now_arg(self, now: float) -> str:
        return repr(now) if self._caller_clock else ""

    def _fail(self, operation: str, exc: BaseException, timeout: float) -> Exception:
        if isinstance(exc, TimeoutError):
            why = f"no answer within {timeout:.3g} s"
        else:
            why = type(exc).__name__
        return StoreUnavailableError(
            f"Redis {operation} failed: {why}", operation=operation
        )

    async def _arun(
        self,
        operation: str,
        script: _Script,
        key: str,
        args: Sequence[object],
        timeout: float,
    ) -> Any:
        pool = self._apool
        if pool is None:
            raise ConfigurationError(
                "RedisStore has no redis.asyncio.Redis client, which an AsyncClient "
                "needs: RedisStore(redis.asyncio.Redis(...))"
            )
        try:
            async with asyncio.timeout(timeout):
                conn = await pool.get_connection()  # type: ignore[no-untyped-call]
                try:
                    await conn.send_command("EVALSHA", script.sha, 1, key, *args)
                    try:
                        return await conn.read_response()
                    except self._no_script:
                        await conn.send_command("EVAL", script.source, 1, key, *args)
                        return await conn.read_response()
                finally:
                    await pool.release(conn)
        except self._errors as exc:
            raise self._fail(operation, exc, timeout) from None

    def _run(
        self,
        operation: str,
        script: _Script,
        key: str,
        args: Sequence[object],
        timeout: float,
    ) -> Any:
        pool = self._spool
        if pool is None:
            raise ConfigurationError(
                "RedisStore has no redis.Redis client, which a Client needs: "
                "RedisStore(..., sync_client=redis.Redis(...))"
            )
        try:
            conn = pool.get_connection()
            try:
                conn.send_command("EVALSHA", script.sha, 1, key, *args)  # type: ignore[no-untyped-call]
                try:
                    return conn.read_response(timeout=timeout)
                except self._no_script:
                    conn.send_command("EVAL", script.source, 1, key, *args)  # type: ignore[no-untyped-call]
                    return conn.read_response(timeout=timeout)
            finally:
                pool.release(conn)
        except self._errors as exc:
            raise self._fail(operation, exc, timeout) from None

    # -- rate limiter (RateStore) --------------------------------------------------
    def _rate_call(
        self,
        key: Hashable,
        limits: Sequence[RateLimit],
        now: float,
        max_wait: float,
    ) -> tuple[str, list[object]]:
        sig = ",".join(f"{x.rate:g}/{x.per:g}b{x.burst}" for x in limits)
        args: list[object] = [
            self._now_arg(now),
            repr(max_wait) if max_wait < math.inf else "-1",
        ]
        for limit in limits:
            args += (repr(limit.interval), repr(limit._ahead))
        return f"{self.prefix}rate:{key}:{sig}", args

    def reserve(
        self,
        key: Hashable,
        limits: Sequence[RateLimit],
        now: float,
        max_wait: float,
        timeout: float | None = None,
    ) -> float:
        """
        ``RateStore.reserve`` in one round trip, with the sync client.

        Args:
            key: The limiter's key (as ``str`` in the Redis key).
            limits: The limits, all applied.
            now: Ignored (the script reads Redis ``TIME``).
            max_wait: The longest admissible wait, seconds (``inf``: none).
            timeout: Seconds to wait for Redis (default ``timeout``).

        Returns:
            The wait (admitted, reserved) or minus the wait needed (refused).

        Raises:
            StoreUnavailableError: Redis failed or did not answer in time.
            ConfigurationError: No sync client.
        """
        rkey, args = self._rate_call(key, limits, now, max_wait)
        t = self.timeout if timeout is None else timeout
        return float(_text(self._run("reserve", _RATE, rkey, args, t)))

    async def areserve(
        self,
        key: Hashable,
        limits: Sequence[RateLimit],
        now: float,
        max_wait: float,
        timeout: float | None = None,
    ) -> float:
        """``reserve`` with the async client (see ``reserve``)."""
        rkey, args = self._rate_call(key, limits, now, max_wait)
        t = self.timeout if timeout is None else timeout
        return float(_text(await self._arun("reserve", _RATE, rkey, args, t)))

    # -- circuit breaker -------------------------------------------------------------
    def circuit(self, breaker: CircuitBreaker) -> RedisCircuitStore:
        """The breaker's view of this store (``CircuitBreaker(store=...)`` calls it)."""
        return RedisCircuitStore(self, breaker)


def _change(reply: list[Any], key: str, outcome: object = None) -> CircuitChange | None:
    if not reply:
        return None
    old, new, reason, retry_in = map(_text, reply)
    return CircuitChange(
        key,
        cast(CircuitState, old),
        cast(CircuitState, new),
        reason,
        float(retry_in),
        cast("Response[object] | BaseException | None", outcome),
    )


class RedisCircuitStore:
    """
    One ``CircuitBreaker``'s state in a ``RedisStore`` (made by ``store.circuit``).

    The breaker's store interface, each method one script: ``admit``, ``record``,
    ``release``, ``isolate``, ``reset``, ``status`` (sync client), and ``aadmit``,
    ``arecord``, ``arelease``, ``aisolate``, ``areset``, ``astatus`` (async client).
    Each also remembers what it last saw per key in this process (``peek``), which
    the retry stage's ``CircuitGate`` reads without a round trip.
    """

    __slots__ = ("_args", "_seen", "store")

    def __init__(self, store: RedisStore, breaker: CircuitBreaker) -> None:
        self.store = store
        """The ``RedisStore``."""
        b = breaker
        self._args: list[object] = [
            repr(b.window),
            repr(b._bucket),
            b.min_throughput,
            repr(b.failure_ratio) if b.failure_ratio is not None else "-1",
            b.consecutive_failures if b.consecutive_failures is not None else -1,
            repr(b.break_duration),
            repr(b.break_growth),
            repr(b.max_break_duration),
            b.half_open_probes,
            repr(store.probe_lease),
        ]
        self._seen: dict[str, tuple[CircuitState, float]] = {}

    def _key(self, key: str) -> str:
        return f"{self.store.prefix}circuit:{key}"

    def _argv(self, now: float, *more: object) -> list[object]:
        return [self.store._now_arg(now), *self._args, *more]

    def _t(self, timeout: float | None) -> float:
        return self.store.timeout if timeout is None else timeout

    # -- replies ---------------------------------------------------------------------
    def _saw(self, key: str, state: CircuitState, retry_in: float, now: float) -> None:
        if state == "closed":
            self._seen.pop(key, None)
        else:
            self._seen[key] = (state, now + retry_in)

    def _verdict(self, key: str, reply: list[Any], now: float) -> Admission | Refusal:
        kind = _text(reply[0])
        if kind == "r":
            state = cast(CircuitState, _text(reply[1]))
            retry_in = float(_text(reply[2]))
            self._saw(key, state, retry_in, now)
            return Refusal(key, state, retry_in)
        change = None
        if len(reply) > 3:
            old, new, reason = (_text(x) for x in reply[3:6])
            change = CircuitChange(
                key, cast(CircuitState, old), cast(CircuitState, new), reason
            )
            self._saw(key, "half_open", 0.0, now)
        return Admission(key, _text(reply[1]) == "1", int(_text(reply[2])), change)

    def _changed(
        self, key: str, reply: list[Any], outcome: object, now: float
    ) -> CircuitChange | None:
        change = _change(reply, key, outcome)
        if change is not None:
            self._saw(key, change.new, change.retry_in, now)
        return change

    @staticmethod
    def _status(key: str, reply: list[Any]) -> CircuitStatus:
        state, retry_in, failures, total, consecutive, probes = map(_text, reply)
        return CircuitStatus(
            key,
            cast(CircuitState, state),
            float(retry_in),
            int(failures),
            int(total),
            int(consecutive),
            int(probes),
        )

    # -- sync ------------------------------------------------------------------------
    def admit(
        self, key: str, now: float, timeout: float | None = None
    ) -> Admission | Refusal:
        """Admit or refuse an attempt for ``key`` (one script; ``now`` for ``peek``)."""
        reply = self.store._run(
            "admit",
            _CIRCUIT["admit"],
            self._key(key),
            self._argv(now),
            self._t(timeout),
        )
        return self._verdict(key, reply, now)

    def record(
        self,
        admission: Admission,
        failed: bool,
        outcome: Response[object] | BaseException,
        now: float,
        timeout: float | None = None,
    ) -> CircuitChange | None:
        """Count an admitted attempt's outcome; the change it made, or ``None``."""
        key = admission.key
        reply = self.store._run(
            "record",
            _CIRCUIT["record"],
            self._key(key),
            self._argv(now, admission.epoch, int(failed)),
            self._t(timeout),
        )
        return self._changed(key, reply, outcome, now)

    def release(self, admission: Admission, timeout: float | None = None) -> None:
        """Give back a probe's slot (an attempt that ended without an outcome)."""
        if admission.probe:
            self.store._run(
                "release",
                _CIRCUIT["release"],
                self._key(admission.key),
                self._argv(time.monotonic(), admission.epoch, 1),
                self._t(timeout),
            )

    def isolate(self, key: str) -> CircuitChange | None:
        """Open ``key``'s breaker by hand, for every process, until ``reset``."""
        reply = self.store._run(
            "isolate",
            _CIRCUIT["isolate"],
            self._key(key),
            self._argv(0.0),
            self.store.timeout,
        )
        return self._changed(key, reply, None, 0.0)

    def reset(self, key: str) -> CircuitChange | None:
        """Close ``key``'s breaker for every process and forget its counts."""
        reply = self.store._run(
            "reset",
            _CIRCUIT["reset"],
            self._key(key),
            self._argv(0.0),
            self.store.timeout,
        )
        return self._changed(key, reply, None, 0.0)

    def status(self, key: str, now: float) -> CircuitStatus:
        """``key``'s state in Redis (with the sync client), else as last seen here."""
        if self.store._sync is None:
            return self.peek(key, now)
        reply = self.store._run(
            "status",
            _CIRCUIT["status"],
            self._key(key),
            self._argv(now),
            self.store.timeout,
        )
        return self._status(key, reply)

    def peek(self, key: str, now: float) -> CircuitStatus:
        """
        ``key``'s state as this process last saw it (no round trip).

        Only ``state`` and ``retry_in`` are known; the counts read 0.
        """
        state, until = self._seen.get(key, ("closed", 0.0))
        retry_in = 0.0
        if state == "open":
            if now < until:
                retry_in = until - now
            else:
                state = "half_open"
        elif state == "isolated":
            retry_in = math.inf
        return CircuitStatus(key, state, retry_in, 0, 0, 0, 0)

    def keys(self) -> list[str]:
        """Keys in Redis (``SCAN``, with the sync client), else the keys seen here."""
        client = self.store._sync
        if client is None:
            return list(self._seen)
        start = len(self._key(""))
        return sorted(
            _text(k)[start:] for k in client.scan_iter(match=self._key("*"), count=500)
        )

    # -- async -----------------------------------------------------------------------
    async def aadmit(
        self, key: str, now: float, timeout: float | None = None
    ) -> Admission | Refusal:
        """``admit`` with the async client."""
        reply = await self.store._arun(
            "admit",
            _CIRCUIT["admit"],
            self._key(key),
            self._argv(now),
            self._t(timeout),
        )
        return self._verdict(key, reply, now)

    async def arecord(
        self,
        admission: Admission,
        failed: bool,
        outcome: Response[object] | BaseException,
        now: float,
        timeout: float | None = None,
    ) -> CircuitChange | None:
        """``record`` with the async client."""
        key = admission.key
        reply = await self.store._arun(
            "record",
            _CIRCUIT["record"],
            self._key(key),
            self._argv(now, admission.epoch, int(failed)),
            self._t(timeout),
        )
        return self._changed(key, reply, outcome, now)

    async def arelease(
        self, admission: Admission, timeout: float | None = None
    ) -> None:
        """
        ``release`` with the async client, shielded from the caller's cancellation.

        Called when the attempt was cancelled: the slot is given back within the
        timeout even so (else it is freed after ``probe_lease``).
        """
        if admission.probe:
            with anyio.CancelScope(shield=True):
                await self.store._arun(
                    "release",
                    _CIRCUIT["release"],
                    self._key(admission.key),
                    self._argv(time.monotonic(), admission.epoch, 1),
                    self._t(timeout),
                )

    async def aisolate(self, key: str) -> CircuitChange | None:
        """``isolate`` with the async client."""
        reply = await self.store._arun(
            "isolate",
            _CIRCUIT["isolate"],
            self._key(key),
            self._argv(0.0),
            self.store.timeout,
        )
        return self._changed(key, reply, None, 0.0)

    async def areset(self, key: str) -> CircuitChange | None:
        """``reset`` with the async client."""
        reply = await self.store._arun(
            "reset",
            _CIRCUIT["reset"],
            self._key(key),
            self._argv(0.0),
            self.store.timeout,
        )
        return self._changed(key, reply, None, 0.0)

    async def astatus(self, key: str, now: float) -> CircuitStatus:
        """``key``'s state in Redis, with the async client (one script)."""
        reply = await self.store._arun(
            "status",
            _CIRCUIT["status"],
            self._key(key),
            self._argv(now),
            self.store.timeout,
        )
        return self._status(key, reply)
