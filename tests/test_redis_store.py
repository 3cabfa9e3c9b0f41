"""
RedisStore over real sockets: a private redis-server on 127.0.0.1 (``redis_server``).

One round trip per decision (counted in the server's ``INFO commandstats``), keys
namespaced and expiring, the NOSCRIPT fallback, failing open or closed when Redis
is dead or silent (bounded by the store's timeout and the call's deadline), the
policies driven through both clients against FaultServer, and no connection left
in use. The rules themselves run against both stores in tests/unit/test_rate.py and
tests/unit/test_circuit.py; several processes sharing one Redis are in
tests/test_redis_distributed.py.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import redis.asyncio

import restwell
from restwell import (
    CircuitOpenError,
    ConfigurationError,
    DeadlineExceeded,
    RateLimitExceeded,
)
from restwell.instrumentation import (
    ALL_EVENTS,
    CircuitOpened,
    Event,
    StoreUnavailable,
)
from restwell.policies import Adaptive, CircuitBreaker, RateLimit, RateLimiter
from restwell.stores import RedisStore, StoreUnavailableError
from restwell.testing import FakeClock, FaultServer, Step

pytestmark = pytest.mark.network

SHARED = "shared"


def shared_key(request: Any) -> str:
    return SHARED


# Commands the scripts run inside Redis (counted by commandstats, but no round
# trip), and the ones this file's admin connections send.
INSIDE = {"hmget", "hset", "pexpire", "persist", "time"}
ADMIN = {"info", "config|resetstat", "hello", "client|setinfo"}


def commandstats(port: int) -> dict[str, int]:
    """Commands sent by clients since the last CONFIG RESETSTAT, by name."""
    with redis.Redis(port=port, socket_timeout=5) as admin:
        stats = admin.info("commandstats")
    calls = {
        name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()
    }
    assert set(calls) - INSIDE - ADMIN <= {"evalsha", "eval"}, calls
    return {name: n for name, n in calls.items() if name in ("evalsha", "eval")}


def reset_stats(port: int) -> None:
    with redis.Redis(port=port, socket_timeout=5) as admin:
        admin.config_resetstat()


def connected_clients(port: int, expect: int = 0) -> int:
    """
    Clients connected to the server, this one left out.

    Waits (up to 5 s) for ``expect``: the server sees a close a moment after the
    client has made it.
    """
    end = time.monotonic() + 5.0
    with redis.Redis(port=port, socket_timeout=5) as admin:
        while True:
            n = int(admin.info("clients")["connected_clients"]) - 1
            if n == expect or time.monotonic() > end:
                return n
            time.sleep(0.01)


@pytest.fixture
def sync_redis(redis_port: int) -> Iterator[redis.Redis]:
    client = redis.Redis(port=redis_port, socket_timeout=5, socket_connect_timeout=5)
    yield client
    client.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield sock.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# -- configuration -----------------------------------------------------------------
def test_bad_configuration_is_refused_with_a_clear_message(redis_port: int) -> None:
    with pytest.raises(ConfigurationError, match="needs a client"):
        RedisStore()
    with pytest.raises(ConfigurationError, match="not a client"):
        RedisStore(object())  # type: ignore[arg-type]
    ok = redis.Redis(port=redis_port, socket_timeout=1)
    with pytest.raises(ConfigurationError, match="on_error"):
        RedisStore(ok, on_error="maybe")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="prefix"):
        RedisStore(ok, prefix=3)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="timeout"):
        RedisStore(ok, timeout=0)
    with pytest.raises(ConfigurationError, match="store="):
        CircuitBreaker(store=object())  # type: ignore[arg-type]
    store = RedisStore(ok, prefix="p:", timeout=0.5)
    assert repr(store) == "RedisStore(sync, prefix='p:', on_error='open', timeout=0.5)"
    assert store.budget(10.0, None) == 0.5
    assert store.budget(10.0, 10.2) == pytest.approx(0.2)
    assert store.budget(10.0, 9.0) == 0.01  # past the deadline: a short grace
    assert StoreUnavailable in ALL_EVENTS
    ok.close()


@pytest.mark.anyio
async def test_a_store_without_the_world_s_client_says_so(redis_port: int) -> None:
    sync_only = RedisStore(redis.Redis(port=redis_port, socket_timeout=1))
    with pytest.raises(ConfigurationError, match=r"redis\.asyncio\.Redis"):
        await sync_only.areserve("k", [RateLimit(1)], 0.0, 0.0)
    sync_only.close()
    client = redis.asyncio.Redis(port=redis_port)
    async_only = RedisStore(client)
    with pytest.raises(ConfigurationError, match=r"redis\.Redis client"):
        async_only.reserve("k", [RateLimit(1)], 0.0, 0.0)
    await async_only.aclose()
    await client.aclose()


# -- one round trip per decision -------------------------------------------------
def test_each_decision_is_one_round_trip_sync(
    redis_port: int, sync_redis: redis.Redis
) -> None:
    store = RedisStore(sync_redis, prefix="rt:")
    limiter = RateLimiter([RateLimit(100), RateLimit(1000, per=60)], store=store)
    breaker = CircuitBreaker(consecutive_failures=3, store=store)
    limiter.decide(restwell.Request("GET", "http://127.0.0.1:1/"), 0.0)  # loads
    breaker.record(breaker.allow("k", 0.0), restwell.Response(200), 0.0)  # scripts
    reset_stats(redis_port)
    verdicts = []
    for _ in range(5):
        limiter.decide(restwell.Request("GET", "http://127.0.0.1:1/"), 0.0)
        verdict = breaker.allow("k", 0.0)
        verdicts.append(type(verdict).__name__)
        if isinstance(verdict, restwell.policies.Admission):
            breaker.record(verdict, restwell.Response(503), 0.0)
    assert verdicts == ["Admission"] * 3 + ["Refusal"] * 2
    # 5 rate decisions, 5 admits, 3 records (the third failure opens it): one
    # round trip each, nothing else sent.
    assert commandstats(redis_port) == {"evalsha": 13}
    assert store.in_use() == 0
    store.close()


@pytest.mark.anyio
async def test_each_decision_is_one_round_trip_async(redis_port: int) -> None:
    client = redis.asyncio.Redis(port=redis_port)
    store = RedisStore(client, prefix="rta:")
    shared = CircuitBreaker(consecutive_failures=3, store=store).shared
    assert shared is not None
    await store.areserve("k", [RateLimit(100)], 0.0, 10.0)
    await shared.aadmit("k", 0.0)
    reset_stats(redis_port)
    for _ in range(4):
        await store.areserve("k", [RateLimit(100)], 0.0, 10.0)
        await shared.aadmit("k", 0.0)
    assert commandstats(redis_port) == {"evalsha": 8}
    assert store.in_use() == 0
    await store.aclose()
    await client.aclose()


def test_a_server_that_lost_the_scripts_gets_them_with_eval(
    redis_port: int, sync_redis: redis.Redis
) -> None:
    store = RedisStore(sync_redis, prefix="ns:")
    assert store.reserve("k", [RateLimit(1)], 0.0, 10.0) == 0.0
    sync_redis.script_flush()
    reset_stats(redis_port)
    assert store.reserve("k", [RateLimit(1)], 0.0, 10.0) > 0.0  # state kept
    assert commandstats(redis_port) == {"evalsha": 1, "eval": 1}
    reset_stats(redis_port)
    store.reserve("k", [RateLimit(1)], 0.0, 10.0)
    assert commandstats(redis_port) == {"evalsha": 1}  # EVAL cached it
    store.close()


# -- keys: namespaced and expiring -------------------------------------------------
def test_keys_are_namespaced_and_expire(sync_redis: redis.Redis) -> None:
    store = RedisStore(sync_redis, prefix="app1:")
    store.reserve("http://h:1", [RateLimit(10, burst=5), RateLimit(2)], 0.0, 10.0)
    breaker = CircuitBreaker(consecutive_failures=1, window=20.0, store=store)
    breaker.record(breaker.allow("http://h:1", 0.0), restwell.Response(200), 0.0)
    keys = sorted(k.decode() for k in sync_redis.keys("*"))
    assert keys == ["app1:circuit:http://h:1", "app1:rate:http://h:1:10/1b5,2/1b1"]
    rate_ttl = sync_redis.pttl(keys[1])
    assert 0 < rate_ttl <= 501  # the last tat: 1 / 2 per second
    assert 0 < sync_redis.pttl(keys[0]) <= 20_001  # closed: the window
    breaker.record(breaker.allow("http://h:1", 0.0), restwell.Response(503), 0.0)
    assert 20_001 < sync_redis.pttl(keys[0]) <= 25_001  # open: break + window
    breaker.isolate("http://h:1")
    assert sync_redis.pttl(keys[0]) == -1  # isolated until reset: no expiry
    breaker.reset("http://h:1")
    assert 0 < sync_redis.pttl(keys[0]) <= 20_001
    assert breaker.keys() == ["http://h:1"]
    other = RedisStore(sync_redis, prefix="app2:")
    assert (
        other.reserve("http://h:1", [RateLimit(10, burst=5), RateLimit(2)], 0, 0) == 0
    )
    assert store.in_use() == other.in_use() == 0
    store.close()
    other.close()


# -- a dead or silent Redis --------------------------------------------------------
@pytest.mark.parametrize("where", ["silent", "closed"])
def test_a_dead_or_silent_redis_fails_the_decision_within_the_timeout(
    where: str, silent_port: int, closed_port: int
) -> None:
    port = silent_port if where == "silent" else closed_port
    client = redis.Redis(port=port, socket_timeout=0.2, socket_connect_timeout=0.2)
    store = RedisStore(client, timeout=0.2)
    start = time.monotonic()
    with pytest.raises(StoreUnavailableError) as info:
        store.reserve("k", [RateLimit(1)], 0.0, 1.0)
    assert time.monotonic() - start < 2.0
    assert info.value.operation == "reserve"
    assert str(port) not in str(info.value)  # no address in the message
    assert store.in_use() == 0
    store.close()
    client.close()


@pytest.mark.anyio
@pytest.mark.parametrize("where", ["silent", "closed"])
async def test_a_dead_or_silent_redis_fails_the_async_decision_within_the_timeout(
    where: str, silent_port: int, closed_port: int
) -> None:
    port = silent_port if where == "silent" else closed_port
    client = redis.asyncio.Redis(port=port)
    store = RedisStore(client, timeout=0.1)
    shared = CircuitBreaker(store=store).shared
    assert shared is not None
    start = time.monotonic()
    with pytest.raises(StoreUnavailableError, match="admit"):
        await shared.aadmit("k", 0.0)
    with pytest.raises(StoreUnavailableError, match="reserve"):
        await store.areserve("k", [RateLimit(1)], 0.0, 1.0, timeout=0.05)
    assert time.monotonic() - start < 2.0
    assert store.in_use() == 0
    await store.aclose()
    await client.aclose()


def _calls_through(
    client: restwell.Client, url: str, n: int
) -> list[restwell.Response[Any] | Exception]:
    out: list[restwell.Response[Any] | Exception] = []
    for _ in range(n):
        try:
            out.append(client.get(url))
        except restwell.RestwellError as exc:
            out.append(exc)
    return out


@pytest.mark.parametrize("policy", ["rate", "circuit"])
def test_sync_client_fails_open_with_an_event_and_a_warning(
    policy: str,
    silent_port: int,
    fault_server: FaultServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = redis.Redis(
        port=silent_port,
        socket_timeout=0.05,
        socket_connect_timeout=0.05,
        password="s3cret-pass",
    )
    store = RedisStore(client, timeout=0.05)
    seen: list[Event] = []
    kwargs: dict[str, Any] = (
        {"rate_limit": RateLimiter(RateLimit(1), mode="fail", store=store)}
        if policy == "rate"
        else {"circuit_breaker": CircuitBreaker(consecutive_failures=1, store=store)}
    )
    fault_server.script("/open", [Step(200)])
    with (
        caplog.at_level(logging.WARNING, logger="restwell.stores"),
        restwell.Client(transport="httpx", hooks=[seen.append], **kwargs) as http,
    ):
        out = _calls_through(http, fault_server.url_for("/open"), 3)
    assert [getattr(r, "status_code", r) for r in out] == [200, 200, 200]
    assert fault_server.hits("/open") == 3
    events = [e for e in seen if isinstance(e, StoreUnavailable)]
    assert [(e.policy, e.operation, e.fallback) for e in events] == [
        (policy, "reserve" if policy == "rate" else "admit", "open")
    ] * 3
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 3
    assert all("store unavailable" in w and "failing open" in w for w in warnings)
    assert not any("s3cret" in w or str(silent_port) in w for w in warnings)
    assert store.in_use() == 0
    store.close()
    client.close()


@pytest.mark.parametrize("policy", ["rate", "circuit"])
def test_sync_client_fails_closed_when_told_without_sending(
    policy: str, closed_port: int, fault_server: FaultServer
) -> None:
    client = redis.Redis(port=closed_port, socket_timeout=0.05)
    store = RedisStore(client, on_error="closed")
    kwargs: dict[str, Any] = (
        {"rate_limit": RateLimiter(RateLimit(1), store=store)}
        if policy == "rate"
        else {"circuit_breaker": CircuitBreaker(store=store)}
    )
    error = RateLimitExceeded if policy == "rate" else CircuitOpenError
    with (
        restwell.Client(transport="httpx", retry=None, **kwargs) as http,
        pytest.raises(error, match="store is unavailable") as info,
    ):
        http.get(fault_server.url_for("/closed"))
    assert info.value.retry_in == 0.0
    assert fault_server.hits("/closed") == 0
    store.close()
    client.close()


@pytest.mark.anyio
@pytest.mark.parametrize("policy", ["rate", "circuit"])
async def test_async_client_fails_open_within_the_call_s_deadline(
    policy: str, silent_port: int, fault_server: FaultServer
) -> None:
    """A store timeout of 30 s, a deadline of 0.3 s: the call is not held past it."""
    client = redis.asyncio.Redis(port=silent_port)
    store = RedisStore(client, timeout=30.0)
    seen: list[Event] = []
    kwargs: dict[str, Any] = (
        {"rate_limit": RateLimiter(RateLimit(1), store=store)}
        if policy == "rate"
        else {"circuit_breaker": CircuitBreaker(store=store)}
    )
    fault_server.script("/deadline", [Step(200)])
    start = time.monotonic()
    async with restwell.AsyncClient(
        transport="httpx", hooks=[seen.append], deadline=0.3, retry=None, **kwargs
    ) as http:
        try:
            response = await http.get(fault_server.url_for("/deadline"))
            assert response.status_code == 200
        except DeadlineExceeded:
            pass  # the store took the whole deadline: the call ends, not hangs
    elapsed = time.monotonic() - start
    assert elapsed < 5.0  # the store's 30 s timeout did not hold the call
    assert len([e for e in seen if isinstance(e, StoreUnavailable)]) <= 1
    assert store.in_use() == 0
    await store.aclose()
    await client.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("policy", ["rate", "circuit"])
async def test_async_client_fails_closed_when_told(
    policy: str, closed_port: int, fault_server: FaultServer
) -> None:
    client = redis.asyncio.Redis(port=closed_port)
    store = RedisStore(client, on_error="closed")
    kwargs: dict[str, Any] = (
        {"rate_limit": RateLimiter(RateLimit(1), store=store)}
        if policy == "rate"
        else {"circuit_breaker": CircuitBreaker(store=store)}
    )
    error = RateLimitExceeded if policy == "rate" else CircuitOpenError
    async with restwell.AsyncClient(transport="httpx", retry=None, **kwargs) as http:
        with pytest.raises(error, match="store is unavailable"):
            await http.get(fault_server.url_for("/closed"))
    assert fault_server.hits("/closed") == 0
    await store.aclose()
    await client.aclose()


# -- the policies through the clients, on a live Redis -----------------------------
@pytest.mark.anyio
async def test_async_breakers_on_one_store_open_for_both(
    redis_port: int, fault_server: FaultServer
) -> None:
    """Two clients (two breaker objects) on one Redis: A's failures open B's too."""
    client = redis.asyncio.Redis(port=redis_port)
    store = RedisStore(client, prefix="two:")
    seen_a: list[Event] = []
    changes: list[str] = []
    fault_server.script("/down", [Step(503)] * 10)

    def breaker() -> CircuitBreaker:
        return CircuitBreaker(
            consecutive_failures=2,
            break_duration=30.0,
            store=store,
            on_state_change=lambda c: changes.append(f"{c.old}->{c.new}"),
        )

    url = fault_server.url_for("/down")
    async with (
        restwell.AsyncClient(
            transport="httpx",
            retry=None,
            circuit_breaker=breaker(),
            hooks=[seen_a.append],
        ) as a,
        restwell.AsyncClient(
            transport="httpx", retry=None, circuit_breaker=breaker()
        ) as b,
    ):
        for _ in range(2):
            assert (await a.get(url)).status_code == 503
        with pytest.raises(CircuitOpenError) as info:
            await b.get(url)
    assert info.value.state == "open"
    assert 29.0 < info.value.retry_in <= 30.0
    assert fault_server.hits("/down") == 2  # B sent nothing
    assert [type(e) for e in seen_a if isinstance(e, CircuitOpened)] == [CircuitOpened]
    assert changes == ["closed->open"]  # the callback fired once, in A
    assert store.in_use() == 0
    await store.aclose()
    await client.aclose()
    assert connected_clients(redis_port) == 0


@pytest.mark.anyio
async def test_async_rate_limit_on_one_store_is_shared_by_two_clients(
    redis_port: int, fault_server: FaultServer
) -> None:
    client = redis.asyncio.Redis(port=redis_port)
    store = RedisStore(client, prefix="rl:")
    fault_server.script("/limited", [Step(200)] * 5)
    url = fault_server.url_for("/limited")

    def limiter() -> RateLimiter:
        return RateLimiter(RateLimit(1, per=60), mode="fail", store=store)

    async with (
        restwell.AsyncClient(transport="httpx", rate_limit=limiter()) as a,
        restwell.AsyncClient(transport="httpx", rate_limit=limiter()) as b,
    ):
        assert (await a.get(url)).status_code == 200
        with pytest.raises(RateLimitExceeded) as info:
            await b.get(url)
    assert 59.0 < info.value.retry_in <= 60.0
    assert fault_server.hits("/limited") == 1
    await store.aclose()
    await client.aclose()


def test_sync_client_waits_for_the_shared_slot(
    sync_redis: redis.Redis, fault_server: FaultServer
) -> None:
    """10/s without burst: the third request leaves >= 0.2 s after the first."""
    store = RedisStore(sync_redis, prefix="wait:")
    fault_server.script("/paced", [Step(200)] * 3)
    with restwell.Client(
        transport="httpx", rate_limit=RateLimiter(RateLimit(10), store=store)
    ) as http:
        start = time.monotonic()
        for _ in range(3):
            assert http.get(fault_server.url_for("/paced")).status_code == 200
        assert time.monotonic() - start >= 0.2
    assert fault_server.hits("/paced") == 3
    store.close()


def test_sync_breaker_half_open_probe_and_close_through_the_client(
    sync_redis: redis.Redis, fault_server: FaultServer
) -> None:
    store = RedisStore(sync_redis, prefix="probe:")
    store._caller_clock = True  # the breaker's break runs on the client's clock
    clock = restwell.testing.FakeClock()
    changes: list[str] = []
    breaker = CircuitBreaker(
        consecutive_failures=1,
        break_duration=5.0,
        store=store,
        on_state_change=lambda c: changes.append(c.new),
    )
    fault_server.script("/flaky", [Step(503), Step(200)])
    url = fault_server.url_for("/flaky")
    with restwell.Client(
        transport="httpx", clock=clock, retry=None, circuit_breaker=breaker
    ) as http:
        assert http.get(url).status_code == 503
        with pytest.raises(CircuitOpenError):
            http.get(url)
        clock.advance(5.0)
        assert http.get(url).status_code == 200  # the probe
    assert changes == ["open", "half_open", "closed"]
    assert fault_server.hits("/flaky") == 2
    store.close()


@pytest.mark.anyio
@pytest.mark.parametrize("policy", ["rate", "circuit"])
async def test_async_client_fails_open_with_an_event_when_redis_is_silent(
    policy: str, silent_port: int, fault_server: FaultServer
) -> None:
    client = redis.asyncio.Redis(port=silent_port)
    store = RedisStore(client, timeout=0.05)
    seen: list[Event] = []
    kwargs: dict[str, Any] = (
        {"rate_limit": RateLimiter(RateLimit(1), mode="fail", store=store)}
        if policy == "rate"
        else {"circuit_breaker": CircuitBreaker(consecutive_failures=1, store=store)}
    )
    fault_server.script("/silent", [Step(503), Step(200)])
    async with restwell.AsyncClient(
        transport="httpx", hooks=[seen.append], **kwargs
    ) as http:
        response = await http.get(fault_server.url_for("/silent"))
    assert response.status_code == 200  # retried: the 503 was never recorded
    assert fault_server.hits("/silent") == 2
    events = [e for e in seen if isinstance(e, StoreUnavailable)]
    assert [(e.policy, e.fallback) for e in events] == [(policy, "open")] * 2
    assert all("no answer within 0.05 s" in e.error for e in events)
    assert store.in_use() == 0
    await store.aclose()
    await client.aclose()


@pytest.mark.anyio
async def test_an_adaptive_limiter_on_a_redis_store_holds_after_a_429(
    redis_port: int, fault_server: FaultServer
) -> None:
    """Adaptive + Redis: a 429's Retry-After holds the key; Redis keeps the ceiling.

    The adaptive wait is decided in this process, the fixed limit in Redis (one
    round trip per attempt); the waits add up, on the client's FakeClock.
    """
    client = redis.asyncio.Redis(port=redis_port)
    store = RedisStore(client, prefix=f"ad{uuid.uuid4().hex[:8]}:")
    limiter = RateLimiter(RateLimit(100), store=store, adaptive=Adaptive())
    fault_server.script(
        "/ad", [Step(429, headers={"Retry-After": "2"}), Step(200), Step(200)]
    )
    clock = FakeClock()
    async with restwell.AsyncClient(
        transport="httpx", clock=clock, rate_limit=limiter, retry=None
    ) as http:
        assert (await http.get(fault_server.url_for("/ad"))).status_code == 429
        reset_stats(redis_port)
        assert (await http.get(fault_server.url_for("/ad"))).status_code == 200
        assert clock.monotonic() >= 2.0  # held by the Retry-After
        assert commandstats(redis_port) == {"evalsha": 1}
    assert fault_server.hits("/ad") == 2
    assert store.in_use() == 0
    await store.aclose()
    await client.aclose()
