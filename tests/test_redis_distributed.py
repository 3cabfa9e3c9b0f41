"""
Several OS processes sharing one Redis: one rate limit, one circuit breaker.

Each worker is a fresh Python process (``sys.executable -c WORKER``) with its own
restwell client and its own ``RedisStore`` on the session's redis-server; they
share only Redis. Requests go to FaultServer on 127.0.0.1, which counts them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from restwell.testing import FaultServer, Step

pytestmark = pytest.mark.network

WORKER = r"""
import asyncio, json, sys, time

import redis, redis.asyncio
import restwell
from restwell.middleware import place
from restwell.policies import CircuitBreaker, RateLimit, RateLimiter
from restwell.stores import RedisStore

mode, port, url, n, rate = sys.argv[1:6]
port, n, rate = int(port), int(n), float(rate)
out = {"sent": [], "results": []}


def stamp(request, call_next):
    out["sent"].append(time.time())
    return call_next(request)


def breaker(store):
    return CircuitBreaker(
        consecutive_failures=3, break_duration=60.0, key=lambda r: "svc", store=store
    )


if mode == "rate":
    client = redis.Redis(port=port)
    store = RedisStore(client, prefix="dist:")
    limiter = RateLimiter(RateLimit(rate), key=lambda r: "one", store=store)
    with restwell.Client(
        transport="httpx", rate_limit=limiter,
        middleware=[place(stamp, before="transport")],
    ) as http:
        # Warm up (imports, the HTTP connection, the Redis one and its script)
        # on other keys and paths, then start together.
        http.get(url + "-warm", policies={"rate": None})
        store.reserve("warm", [RateLimit(1000)], 0.0, 0.0)
        out["sent"].clear()
        print("ready", flush=True)  # then wait for the test's "go" on stdin
        sys.stdin.readline()
        out["start"] = time.time()
        for _ in range(n):
            out["results"].append(http.get(url).status_code)
    store.close()
    client.close()
elif mode == "open":
    client = redis.Redis(port=port)
    store = RedisStore(client, prefix="dist:")
    with restwell.Client(
        transport="httpx", retry=None, circuit_breaker=breaker(store)
    ) as http:
        for _ in range(n):
            out["results"].append(http.get(url).status_code)
    store.close()
    client.close()
else:  # "refused": an AsyncClient in another process
    async def main():
        client = redis.asyncio.Redis(port=port)
        store = RedisStore(client, prefix="dist:")
        async with restwell.AsyncClient(
            transport="httpx", retry=None, circuit_breaker=breaker(store)
        ) as http:
            for _ in range(n):
                try:
                    out["results"].append((await http.get(url)).status_code)
                except restwell.CircuitOpenError as exc:
                    out["results"].append(f"{exc.state} {exc.retry_in > 50}")
        await store.aclose()
        await client.aclose()

    asyncio.run(main())
print(json.dumps(out))
"""


def spawn(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result(proc: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = proc.communicate(timeout=60)  # closes stdin
    assert proc.returncode == 0, err
    parsed: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return parsed


def test_two_processes_keep_one_combined_rate(
    redis_port: int, fault_server: FaultServer
) -> None:
    """
    40/s without burst, shared by two processes sending 10 requests each at once.

    Lower bounds only (a sleep never ends early, Redis ``TIME`` and ``time.time``
    read one machine clock): every admission is at least ``T = 1/40`` s after the
    one before it in Redis's schedule, the first no earlier than the first
    process started, and a request leaves no earlier than its admission; so the
    last of the 20 requests leaves at least ``19 * T`` after the earliest start.
    Each process alone would only space its own requests (about ``9 * T``).
    """
    rate, n = 40.0, 10
    fault_server.script("/shared", [Step(200)] * (2 * n))
    fault_server.script("/shared-warm", [Step(200)] * 2)
    procs = [
        spawn("rate", redis_port, fault_server.url_for("/shared"), n, rate)
        for _ in range(2)
    ]
    for proc in procs:  # both warmed up, then both go
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outs = [result(p) for p in procs]
    sent = sorted(t for out in outs for t in out["sent"])
    assert [out["results"] for out in outs] == [[200] * n] * 2
    assert len(sent) == 2 * n == fault_server.hits("/shared")
    first_start = min(out["start"] for out in outs)
    span = sent[-1] - first_start
    assert span >= (2 * n - 1) / rate - 0.002, span
    # Both processes sent while the other did: the limit really was shared.
    a, b = (out["sent"] for out in outs)
    assert min(a) < max(b)
    assert min(b) < max(a)
    measured = (2 * n - 1) / span
    assert measured <= rate * 1.01
    print(f"combined rate: {measured:.1f}/s for a limit of {rate:g}/s")


def test_one_process_opens_the_breaker_and_another_is_refused_without_sending(
    redis_port: int, fault_server: FaultServer
) -> None:
    """Process A's three 503s open the breaker; process B's calls never leave."""
    fault_server.script("/a", [Step(503)] * 3)
    fault_server.script("/b", [Step(200)] * 5)
    opened = result(spawn("open", redis_port, fault_server.url_for("/a"), 3, 0))
    assert opened["results"] == [503, 503, 503]
    refused = result(spawn("refused", redis_port, fault_server.url_for("/b"), 5, 0))
    assert refused["results"] == ["open True"] * 5
    assert fault_server.hits("/a") == 3
    assert fault_server.hits("/b") == 0  # refused without touching the network
