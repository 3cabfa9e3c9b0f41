"""
extapi seed example: "the full-featured example" (the OpenTelemetry and Prometheus
executors are left out here: see below):

    class TestHeaders:
        async def __call__(self, headers: CIMultiDict) -> None:
            headers.add("X-Test-Header", "test")

    class FooTokenGetter:
        def __call__(self) -> str:
            return "foo-bar"

    async def main():
        async with AiohttpExecutor() as base:
            executor = base.generalize()
            executor = OpenTelemetryExecutor(executor)
            executor = PrometheusMetricsExecutor(
                executor, metrics_container=MetricsContainer(metrics_prefix="demo")
            )
            executor = RateLimitedExecutor(
                executor,
                rate_limiter=LocalRateLimiter(
                    rate_limit=50, rate_limit_window_seconds=1
                ),
            )
            executor = ConcurrencyLimitedExecutor(
                executor,
                concurrency_limiter=LocalConcurrencyLimiter(max_concurrency=100),
            )
            executor = RetryableExecutor(
                executor,
                addons=[
                    BearerAuthAddon(FooTokenGetter()),
                    AddHeadersAddon(TestHeaders()),
                    StatusValidationAddon((200,)),
                ],
            )
            async with await executor.get('https://httpbin.org/get') as response:
                print(await response.read())

restwell: one client, each piece an argument or a middleware in a named slot of the
pipeline (``restwell.middleware.SLOTS``), per attempt as in extapi's nesting:

- ``RetryableExecutor`` → ``retry=restwell.Retry(...)`` (the default is on anyway);
- ``BearerAuthAddon`` / ``AddHeadersAddon`` → attempt middleware (examples 07, 08);
- ``StatusValidationAddon((200,))`` → a call middleware (example 06);
- ``ConcurrencyLimitedExecutor`` → ``ConcurrencyLimit`` below: an
  ``asyncio.Semaphore`` in the ``bulkhead`` slot, held until the body is read.
  This is what works today: restwell's own bulkhead stage (issue 9, traffic
  control) is not built yet;
- ``RateLimitedExecutor`` → ``SlidingWindowLimit`` below: an in-process sliding
  window in the ``rate`` slot that waits, on the client's clock, until the window
  has room. Also a stand-in until restwell's rate limiter (issue 9) exists; it is
  not shared between processes and does not refuse work that would overrun the
  deadline, it only waits (the deadline still cancels the wait);
- ``OpenTelemetryExecutor`` / ``PrometheusMetricsExecutor``: not in restwell yet
  (they wait for the observability issue, as hooks on the event stream); nothing
  here pretends to do them.

Usage: python examples/extapi_11_full_featured.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo``,
``/delay/{seconds}`` and ``/status/{code}`` routes are used); without it, the
example starts its own.
"""

from __future__ import annotations

import asyncio
import collections
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import restwell
from restwell.testing import FakeClock, FaultServer

CallNext = Callable[[restwell.Request], Awaitable[restwell.Response[Any]]]


class TestHeaders:
    async def __call__(self, headers: restwell.Headers) -> None:
        headers.add("X-Test-Header", "test")


class FooTokenGetter:
    def __call__(self) -> str:
        return "foo-bar"


class AddHeaders:
    """Attempt middleware: ``await patch(headers)`` before each attempt."""

    def __init__(self, patch: Callable[[restwell.Headers], Awaitable[None]]) -> None:
        self.patch = patch

    async def __call__(
        self, request: restwell.Request, call_next: CallNext
    ) -> restwell.Response[Any]:
        await self.patch(request.headers)
        return await call_next(request)


class BearerAuth:
    """Attempt middleware: ``Authorization: Bearer <token_getter()>`` (example 08)."""

    def __init__(self, token_getter: Callable[[], str], *, api_url: str) -> None:
        self.token_getter = token_getter
        self.api_url = api_url.rstrip("/") + "/"

    async def __call__(
        self, request: restwell.Request, call_next: CallNext
    ) -> restwell.Response[Any]:
        if request.url.startswith(self.api_url):  # only to the API's origin
            request.headers["Authorization"] = f"Bearer {self.token_getter()}"
        return await call_next(request)


class ExpectStatus:
    """Call middleware: raise ``ValueError`` unless the final status is allowed."""

    stage = "call"

    def __init__(self, *allowed: int) -> None:
        self.allowed = frozenset(allowed)

    async def __call__(
        self, request: restwell.Request, call_next: CallNext
    ) -> restwell.Response[Any]:
        response = await call_next(request)
        if response.status_code not in self.allowed:
            raise ValueError(
                f"status {response.status_code} is not one of {sorted(self.allowed)}"
            )
        return response


class ConcurrencyLimit:
    """
    At most ``max_concurrency`` attempts in flight (in this event loop), each
    holding its permit until its response body is read. Stand-in for issue 9.
    """

    after = "bulkhead"  # the bulkhead slot: below rate limiting, above timeout

    def __init__(self, max_concurrency: int) -> None:
        self.semaphore = asyncio.Semaphore(max_concurrency)
        self.in_flight = 0
        self.most_in_flight = 0

    async def __call__(
        self, request: restwell.Request, call_next: CallNext
    ) -> restwell.Response[Any]:
        async with self.semaphore:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            try:
                return await call_next(request)
            finally:
                self.in_flight -= 1


class SlidingWindowLimit:
    """
    At most ``rate_limit`` attempts per ``window`` seconds, in this process: an
    attempt over the limit waits (on the call's clock) until the oldest attempt in
    the window leaves it. Stand-in for issue 9.
    """

    after = "rate"

    def __init__(self, rate_limit: int, window: float) -> None:
        self.rate_limit = rate_limit
        self.window = window
        self.sent: collections.deque[float] = collections.deque()
        self.lock = asyncio.Lock()

    async def __call__(
        self, request: restwell.Request, call_next: CallNext
    ) -> restwell.Response[Any]:
        clock = request.context.clock
        async with self.lock:  # one waiter at a time keeps the order fair
            while True:
                now = clock.monotonic()
                while self.sent and self.sent[0] <= now - self.window:
                    self.sent.popleft()
                if len(self.sent) < self.rate_limit:
                    break
                await clock.asleep(self.sent[0] + self.window - now)
            self.sent.append(now)
        return await call_next(request)


def build(
    base_url: str, rate: SlidingWindowLimit, concurrency: ConcurrencyLimit, clock: Any
) -> restwell.AsyncClient:
    return restwell.AsyncClient(
        transport="aiohttp",
        retry=restwell.Retry(),
        middleware=[
            ExpectStatus(200),
            rate,
            concurrency,
            BearerAuth(FooTokenGetter(), api_url=base_url),
            AddHeaders(TestHeaders()),
        ],
        clock=clock,
    )


async def main(base_url: str) -> None:
    # The seed's numbers: 50 attempts a second, 100 at a time.
    rate = SlidingWindowLimit(rate_limit=50, window=1.0)
    concurrency = ConcurrencyLimit(max_concurrency=100)
    async with build(base_url, rate, concurrency, None) as client:
        response = await client.get(f"{base_url}/echo")
        print(response.content)
        echoed = response.json()
        assert isinstance(echoed, dict)
        assert echoed["headers"]["authorization"] == "Bearer foo-bar"
        assert echoed["headers"]["x-test-header"] == "test"
        try:
            await client.get(f"{base_url}/status/204")
        except ValueError as exc:
            print("status validation:", exc)
        else:
            raise AssertionError("only 200 is allowed")

    # Concurrency: 10 calls at once, 3 permits: never more than 3 in flight.
    concurrency = ConcurrencyLimit(max_concurrency=3)
    rate = SlidingWindowLimit(rate_limit=50, window=1.0)
    async with build(base_url, rate, concurrency, None) as client:
        responses = await asyncio.gather(
            *(client.get(f"{base_url}/delay/0.05") for _ in range(10))
        )
    assert all(r.status_code == 200 for r in responses)
    print("most attempts in flight:", concurrency.most_in_flight)
    assert concurrency.most_in_flight == 3
    assert concurrency.in_flight == 0  # every permit given back

    # Rate: 2 attempts per second; the third and fifth wait (on a FakeClock).
    clock = FakeClock()
    rate = SlidingWindowLimit(rate_limit=2, window=1.0)
    async with build(base_url, rate, ConcurrencyLimit(100), clock) as client:
        for _ in range(5):
            assert (await client.get(f"{base_url}/echo")).status_code == 200
    print("rate limiter waited:", clock.sleeps)
    assert clock.sleeps == [1.0, 1.0]

    # Every retry is an attempt, so it passes the limiters too. 2 per second, a 503
    # retried 0.1 s apart: attempts at 0.0 and 0.1 s, the third waits until 1.0 s.
    clock = FakeClock()
    rate = SlidingWindowLimit(rate_limit=2, window=1.0)
    fixed = restwell.Retry(backoff=restwell.Constant(0.1))
    async with build(base_url, rate, ConcurrencyLimit(100), clock) as client:
        try:
            await client.get(f"{base_url}/status/503", retry=fixed)
        except ValueError:
            pass
        else:
            raise AssertionError("a 503 is not 200")
    print("waits (backoff, backoff, rate limiter):", clock.sleeps)
    assert list(map(round, clock.sleeps, [6] * 3)) == [0.1, 0.1, 0.8]
    assert list(map(round, rate.sent, [6] * 2)) == [0.1, 1.0]


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
