"""
RetryBudget(store=RedisStore(...)) over real sockets: a private redis-server on
127.0.0.1 (``redis_server``) and FaultServer.

One round trip per deposit and per retry decision (counted in the server's ``INFO
commandstats``), keys namespaced and expiring, failing open or closed when Redis
is dead or silent (bounded by the call's deadline), a retry storm capped by a
Redis budget, and two OS processes sharing one budget. The budget's rules run
against both stores in tests/unit/test_budget.py.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from random import Random
from typing import Any

import pytest
import redis
import redis.asyncio

import restwell
from restwell.instrumentation import CallFailed, Event, RetryVetoed, StoreUnavailable
from restwell.policies import BudgetBalance, RetryBudget
from restwell.stores import RedisStore, StoreUnavailableError
from restwell.testing import FakeClock, FaultServer, Step

pytestmark = pytest.mark.network

CALLS = 200

# Commands the scripts run inside Redis (counted, but no round trip), and the ones
# this file's admin connections send.
INSIDE = {"hgetall", "hincrby", "hdel", "pexpire", "time"}
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


def prefix() -> str:
    return f"rb{uuid.uuid4().hex[:12]}:"


def of(events: list[Event], cls: type[Event]) -> list[Any]:
    return [e for e in events if type(e) is cls]


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


# -- configuration, round trips, keys ---------------------------------------------
def test_a_redis_store_makes_a_shared_budget(sync_redis: redis.Redis) -> None:
    store = RedisStore(sync_redis, prefix="cfg:")
    budget = RetryBudget(store=store)
    assert budget.shared is not None
    assert budget.store is budget.shared
    assert budget.shared.store is store
    assert RetryBudget().shared is None
    with pytest.raises(restwell.ConfigurationError, match="or pass a RedisStore"):
        RetryBudget(store=object())  # type: ignore[arg-type]
    store.close()


def test_each_budget_step_is_one_round_trip_sync(
    redis_port: int, sync_redis: redis.Redis
) -> None:
    store = RedisStore(sync_redis, prefix=prefix())
    budget = RetryBudget(ratio=0.5, min_retries_per_second=0.0, store=store)
    budget.balance("k", 0.0)  # loads the script
    reset_stats(redis_port)
    shared = budget.shared
    assert shared is not None
    for _ in range(4):
        shared.deposit("k", 0.0, budget)
    allowed = [shared.withdraw("k", 0.0, budget).allowed for _ in range(3)]
    assert allowed == [True, True, False]  # 50 % of 4
    assert budget.balance("k", 0.0) == BudgetBalance(False, 4, 2, 2.0)
    assert commandstats(redis_port) == {"evalsha": 4 + 3 + 1}
    assert store.in_use() == 0
    store.close()


@pytest.mark.anyio
async def test_each_call_and_retry_decision_is_one_round_trip_async(
    redis_port: int, fault_server: FaultServer
) -> None:
    """A call that succeeds at once: 1 round trip; one that retries once: 2."""
    client = redis.asyncio.Redis(port=redis_port)
    store = RedisStore(client, prefix=prefix())
    budget = RetryBudget(store=store)
    shared = budget.shared
    assert shared is not None
    await shared.abalance("warm", 0.0, budget)  # loads the script
    fault_server.script("/rt", [Step(503), Step(200)])
    async with restwell.AsyncClient(
        transport="httpx", clock=FakeClock(), retry_budget=budget
    ) as http:
        reset_stats(redis_port)
        assert (await http.get(fault_server.url_for("/rt"))).status_code == 200
        assert commandstats(redis_port) == {"evalsha": 2}  # deposit, withdraw
        reset_stats(redis_port)
        assert (await http.get(fault_server.url_for("/rt"))).status_code == 200
        assert commandstats(redis_port) == {"evalsha": 1}  # deposit only
    b = await shared.abalance(fault_server.url, 0.0, budget)
    assert (b.requests, b.retries) == (2, 1)
    assert store.in_use() == 0
    await store.aclose()
    await client.aclose()


def test_keys_are_namespaced_and_expire_after_the_window(
    sync_redis: redis.Redis,
) -> None:
    p = prefix()
    store = RedisStore(sync_redis, prefix=p)
    budget = RetryBudget(window=20.0, buckets=4, store=store)
    budget.record_request(restwell.Request("GET", "http://h:1/x"), 0.0)
    key = f"{p}budget:http://h:1:20/4"
    assert [k.decode() for k in sync_redis.keys(f"{p}*")] == [key]
    assert 19_000 < sync_redis.pttl(key) <= 20_001  # Redis TIME: the window
    assert budget.balance("http://h:1", 0.0).requests == 1
    # Slices that left the window are deleted by the next write (on a test clock).
    sync_redis.delete(key)
    store._caller_clock = True
    shared = budget.shared
    assert shared is not None
    shared.deposit("http://h:1", 1000.0, budget)
    shared.deposit("http://h:1", 1030.0, budget)
    assert sync_redis.hkeys(key) == [b"d:206"]  # 1030 s in slices of 5 s
    again = RedisStore(sync_redis, prefix=p)
    again._caller_clock = True
    other = RetryBudget(window=20.0, buckets=4, store=again)
    assert other.balance("http://h:1", 1030.0).requests == 1  # same key: shared
    store.close()


# -- a dead or silent Redis --------------------------------------------------------
@pytest.mark.parametrize("where", ["silent", "closed"])
def test_a_dead_or_silent_redis_fails_the_step_within_the_timeout(
    where: str, silent_port: int, closed_port: int
) -> None:
    port = silent_port if where == "silent" else closed_port
    client = redis.Redis(port=port, socket_timeout=0.2, socket_connect_timeout=0.2)
    store = RedisStore(client, timeout=0.1)
    budget = RetryBudget(store=store)
    start = time.monotonic()
    with pytest.raises(StoreUnavailableError) as info:
        budget.balance("k", 0.0)
    assert info.value.operation == "balance"
    assert str(port) not in str(info.value)
    assert time.monotonic() - start < 2.0
    assert store.in_use() == 0
    store.close()
    client.close()


def test_sync_client_fails_open_retries_with_events_and_warnings(
    silent_port: int, fault_server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = redis.Redis(
        port=silent_port,
        socket_timeout=0.05,
        socket_connect_timeout=0.05,
        password="s3cret-pass",
    )
    store = RedisStore(client, timeout=0.05)
    seen: list[Event] = []
    fault_server.script("/open", [Step(503), Step(200)])
    with (
        caplog.at_level(logging.WARNING, logger="restwell.stores"),
        restwell.Client(
            transport="httpx",
            clock=FakeClock(),
            hooks=[seen.append],
            retry_budget=RetryBudget(store=store),
        ) as http,
    ):
        assert http.get(fault_server.url_for("/open")).status_code == 200
    assert fault_server.hits("/open") == 2  # the retry went
    events = of(seen, StoreUnavailable)
    assert [(e.policy, e.operation, e.fallback) for e in events] == [
        ("budget", "deposit", "open"),
        ("budget", "withdraw", "open"),
    ]
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2
    assert all("budget store unavailable" in w for w in warnings)
    assert not any("s3cret" in w or str(silent_port) in w for w in warnings)
    assert store.in_use() == 0
    store.close()
    client.close()


def test_sync_client_fails_closed_and_vetoes_the_retry(
    closed_port: int, fault_server: FaultServer
) -> None:
    client = redis.Redis(port=closed_port, socket_timeout=0.05)
    store = RedisStore(client, on_error="closed")
    seen: list[Event] = []
    fault_server.script("/closed", [Step(503), Step(200)])
    with restwell.Client(
        transport="httpx",
        clock=FakeClock(),
        hooks=[seen.append],
        retry_budget=RetryBudget(store=store),
    ) as http:
        response = http.get(fault_server.url_for("/closed"))
    assert response.status_code == 503  # the retry was vetoed
    assert fault_server.hits("/closed") == 1
    assert [(e.operation, e.fallback) for e in of(seen, StoreUnavailable)] == [
        ("deposit", "open"),  # a lost deposit is only a lost count
        ("withdraw", "closed"),
    ]
    (veto,) = of(seen, RetryVetoed)
    assert veto.gate == "retry budget"
    assert "store is unavailable" in veto.reason
    assert "on_error='closed'" in veto.reason
    assert str(closed_port) not in veto.reason
    store.close()
    client.close()


@pytest.mark.anyio
@pytest.mark.parametrize("on_error", ["open", "closed"])
async def test_async_client_fails_open_or_closed_when_redis_is_silent(
    on_error: str, silent_port: int, fault_server: FaultServer
) -> None:
    """Each step waits the store's 0.1 s, then the call goes on per ``on_error``."""
    client = redis.asyncio.Redis(port=silent_port)
    store = RedisStore(client, timeout=0.1, on_error=on_error)  # type: ignore[arg-type]
    seen: list[Event] = []
    fault_server.script("/silent", [Step(503), Step(200)])
    async with restwell.AsyncClient(
        transport="httpx",
        clock=FakeClock(),
        hooks=[seen.append],
        deadline=5.0,
        retry_budget=RetryBudget(store=store),
    ) as http:
        response = await http.get(fault_server.url_for("/silent"))
    assert response.status_code == (200 if on_error == "open" else 503)
    assert fault_server.hits("/silent") == (2 if on_error == "open" else 1)
    assert [(e.operation, e.fallback) for e in of(seen, StoreUnavailable)] == [
        ("deposit", "open"),
        ("withdraw", on_error),
    ]
    assert all("no answer within 0.1 s" in e.error for e in of(seen, StoreUnavailable))
    assert store.in_use() == 0
    await store.aclose()
    await client.aclose()


@pytest.mark.anyio
async def test_async_client_is_bounded_by_the_deadline_when_redis_is_silent(
    silent_port: int, fault_server: FaultServer
) -> None:
    """A store timeout of 30 s, a deadline of 0.5 s: the call is not held past it."""
    client = redis.asyncio.Redis(port=silent_port)
    store = RedisStore(client, timeout=30.0)
    fault_server.script("/deadline", [Step(503), Step(200)])
    start = time.monotonic()
    async with restwell.AsyncClient(
        transport="httpx", deadline=0.5, retry_budget=RetryBudget(store=store)
    ) as http:
        with pytest.raises(restwell.DeadlineExceeded):
            await http.get(fault_server.url_for("/deadline"))
    assert time.monotonic() - start < 5.0  # the store's 30 s did not hold it
    assert fault_server.hits("/deadline") == 0  # the deposit took the deadline
    assert store.in_use() == 0
    await store.aclose()
    await client.aclose()


@pytest.mark.anyio
async def test_async_client_fails_closed_when_redis_is_dead(
    closed_port: int, fault_server: FaultServer
) -> None:
    client = redis.asyncio.Redis(port=closed_port)
    store = RedisStore(client, on_error="closed")
    seen: list[Event] = []
    fault_server.script("/dead", [Step(503), Step(200)])
    async with restwell.AsyncClient(
        transport="httpx",
        clock=FakeClock(),
        hooks=[seen.append],
        retry_budget=RetryBudget(store=store),
    ) as http:
        assert (await http.get(fault_server.url_for("/dead"))).status_code == 503
    assert fault_server.hits("/dead") == 1
    assert [e.fallback for e in of(seen, StoreUnavailable)] == ["open", "closed"]
    assert len(of(seen, RetryVetoed)) == 1
    await store.aclose()
    await client.aclose()


# -- a retry storm against a Redis budget ------------------------------------------
@pytest.mark.anyio
async def test_a_retry_storm_is_capped_by_a_redis_budget_async(
    redis_port: int, fault_server: FaultServer
) -> None:
    """200 calls, every answer 503, 3 attempts each: at most 1.25x reach the server."""
    client = redis.asyncio.Redis(port=redis_port)
    store = RedisStore(client, prefix=prefix())
    seen: list[Event] = []
    fault_server.script("/storm", [Step(503)])
    async with restwell.AsyncClient(
        transport="httpx",
        clock=FakeClock(),
        rng=Random(7),
        hooks=[seen.append],
        retry_budget=RetryBudget(store=store),
    ) as http:
        for _ in range(CALLS):
            assert (await http.get(fault_server.url_for("/storm"))).status_code == 503
    sent = fault_server.hits("/storm")
    assert CALLS < sent <= 1.25 * CALLS, sent
    failed = of(seen, CallFailed)
    assert sent - CALLS == sum(len(e.attempts) - 1 for e in failed)
    assert len(of(seen, RetryVetoed)) > 0
    assert of(seen, StoreUnavailable) == []
    assert store.in_use() == 0
    print(f"redis budget storm: {sent} requests for {CALLS} calls")
    await store.aclose()
    await client.aclose()


def test_a_retry_storm_is_capped_by_a_redis_budget_sync(
    sync_redis: redis.Redis, fault_server: FaultServer
) -> None:
    store = RedisStore(sync_redis, prefix=prefix())
    fault_server.script("/storm", [Step(503)])
    with restwell.Client(
        transport="httpx",
        clock=FakeClock(),
        rng=Random(7),
        retry_budget=RetryBudget(store=store),
    ) as http:
        for _ in range(CALLS):
            assert http.get(fault_server.url_for("/storm")).status_code == 503
    sent = fault_server.hits("/storm")
    assert CALLS < sent <= 1.25 * CALLS, sent
    assert store.in_use() == 0
    store.close()


# -- two processes, one budget ------------------------------------------------------
WORKER = r"""
import json, sys

import redis
import restwell
from restwell.instrumentation import RetryVetoed
from restwell.policies import RetryBudget
from restwell.stores import RedisStore
from restwell.testing import FakeClock

port, prefix, url, n = sys.argv[1:5]
client = redis.Redis(port=int(port))
store = RedisStore(client, prefix=prefix)
budget = RetryBudget(ratio=0.0, min_retries_per_second=0.1, window=60.0, key=None,
                     store=store)
vetoed = []
with restwell.Client(transport="httpx", clock=FakeClock(), retry_budget=budget,
                     hooks=[lambda e: vetoed.append(1) if type(e) is RetryVetoed
                            else None]) as http:
    codes = [http.get(url).status_code for _ in range(int(n))]
store.close()
client.close()
print(json.dumps({"codes": codes, "vetoed": len(vetoed)}))
"""


def run_worker(*args: object) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", WORKER, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def test_a_second_process_is_vetoed_once_the_shared_budget_is_spent(
    redis_port: int, fault_server: FaultServer
) -> None:
    """
    One budget of 6 retries a minute (0.1/s x 60 s, no ratio) in Redis.

    Process A's 4 failing calls (3 attempts each) spend all 6 retries; process B's
    3 failing calls then go once each: every retry vetoed, none sent.
    """
    p = prefix()
    fault_server.script("/a", [Step(503)])
    fault_server.script("/b", [Step(503)])
    a = run_worker(redis_port, p, fault_server.url_for("/a"), 4)
    assert a["codes"] == [503] * 4
    assert fault_server.hits("/a") == 4 + 6  # 3 calls retried twice each
    assert a["vetoed"] == 1  # the fourth call's first retry
    b = run_worker(redis_port, p, fault_server.url_for("/b"), 3)
    assert b["codes"] == [503] * 3
    assert fault_server.hits("/b") == 3  # no retry left for B
    assert b["vetoed"] == 3


@pytest.mark.anyio
async def test_a_hedged_call_uses_the_shared_budget_asynchronously(
    redis_port: int, fault_server: FaultServer
) -> None:
    """Hedging with a Redis budget: the deposit and the hedge's withdrawal go to Redis.

    The store has only an async client, so a sync call into Redis would fail: the
    hedge stage must await the store as the retry stage does.
    """
    client = redis.asyncio.Redis(port=redis_port)
    store = RedisStore(client, prefix=prefix())
    budget = RetryBudget(store=store)
    shared = budget.shared
    assert shared is not None
    await shared.abalance("warm", 0.0, budget)  # loads the script
    fault_server.script("/hg", [Step(503), Step(200)])
    async with restwell.AsyncClient(
        transport="httpx",
        clock=FakeClock(),
        hedge=restwell.policies.Hedge(30.0),
        retry_budget=budget,
    ) as http:
        reset_stats(redis_port)
        response = await http.get(fault_server.url_for("/hg"))
        assert response.status_code == 200  # the 503 was hedged at once
        assert commandstats(redis_port) == {"evalsha": 2}  # deposit, withdraw
    b = await shared.abalance(fault_server.url, 0.0, budget)
    assert (b.requests, b.retries) == (1, 1)
    assert fault_server.hits("/hg") == 2
    assert store.in_use() == 0
    await store.aclose()
    await client.aclose()
