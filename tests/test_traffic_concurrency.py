"""
The bulkhead under real concurrency, per world (tasks in async, threads in sync).

Hand-written for both worlds (task groups and threads do not translate): the limit
seen by the server, the FIFO queue, BulkheadFull, and permits never leaked after a
cancellation or a queue wait that ran out. FaultServer on 127.0.0.1 answers slowly
(``delay``), so requests overlap for real.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import anyio
import pytest

import restwell
from restwell import BulkheadFull, Request, Response
from restwell.middleware import AsyncHandler, place
from restwell.policies import Bulkhead
from restwell.testing import FaultServer, Step

pytestmark = pytest.mark.network

DELAY = 0.15  # s the server takes per request


def most_at_once(server: FaultServer, path: str) -> int:
    """The most requests the server had under way at once (arrival + DELAY)."""
    times = sorted(r.time for r in server.requests(path))
    slack = 0.02
    return max(sum(1 for u in times if t <= u < t + DELAY - slack) for t in times)


async def until(condition: Callable[[], bool]) -> None:
    """Wait (polling, at most 10 s) until ``condition()`` holds: no timing guess."""
    with anyio.fail_after(10):
        while not condition():  # noqa: ASYNC110 - polls a plain attribute
            await anyio.sleep(0.001)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.anyio
async def test_async_bulkhead_limits_concurrency_seen_by_the_server(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/slow", [Step(200, delay=DELAY)])
    bulkhead = Bulkhead(2, max_queued=10)
    in_flight = [0, 0]  # now, most

    async def count(request: Request, call_next: AsyncHandler) -> Response:
        in_flight[0] += 1
        in_flight[1] = max(in_flight)
        try:
            return await call_next(request)
        finally:
            in_flight[0] -= 1

    async def one(client: restwell.AsyncClient) -> None:
        assert (await client.get(fault_server.url_for("/slow"))).status_code == 200

    async with (
        restwell.AsyncClient(
            transport="httpx",
            bulkhead=bulkhead,
            middleware=[place(count, before="transport")],
        ) as client,
        anyio.create_task_group() as tg,
    ):
        for _ in range(6):
            tg.start_soon(one, client)
    assert fault_server.hits("/slow") == 6
    assert in_flight[1] == 2  # the limit was reached and never passed
    assert most_at_once(fault_server, "/slow") <= 2
    assert (bulkhead.in_use, bulkhead.queued) == (0, 0)


@pytest.mark.anyio
async def test_async_full_bulkhead_refuses_and_cancellation_leaks_nothing(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/slow", [Step(200, delay=DELAY)])
    bulkhead = Bulkhead(1, max_queued=1)
    url = fault_server.url_for("/slow")
    async with restwell.AsyncClient(transport="httpx", bulkhead=bulkhead) as client:
        async with anyio.create_task_group() as tg:
            tg.start_soon(client.get, url)  # holds the permit
            await until(lambda: bulkhead.in_use == 1)
            tg.start_soon(client.get, url)  # queues
            await until(lambda: bulkhead.queued == 1)
            assert (bulkhead.in_use, bulkhead.queued) == (1, 1)
            with pytest.raises(BulkheadFull, match="queue full"):
                await client.get(url)
            tg.cancel_scope.cancel()  # cancel the holder and the waiter
        assert (bulkhead.in_use, bulkhead.queued) == (0, 0)
        # the bulkhead still works after the cancellation
        assert (await client.get(url)).status_code == 200
    assert (bulkhead.in_use, bulkhead.queued) == (0, 0)


@pytest.mark.anyio
async def test_async_queue_wait_bounded_by_max_wait(fault_server: FaultServer) -> None:
    fault_server.script("/slow", [Step(200, delay=DELAY)])
    bulkhead = Bulkhead(1, max_queued=1, max_wait=0.02)
    url = fault_server.url_for("/slow")
    async with (
        restwell.AsyncClient(transport="httpx", bulkhead=bulkhead) as client,
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(client.get, url)
        await until(lambda: bulkhead.in_use == 1)
        with pytest.raises(BulkheadFull, match=r"max_wait=0\.02"):
            await client.get(url)
    assert fault_server.hits("/slow") == 1
    assert (bulkhead.in_use, bulkhead.queued) == (0, 0)


def test_sync_bulkhead_limits_concurrency_across_threads(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/slow", [Step(200, delay=DELAY)])
    bulkhead = Bulkhead(2, max_queued=10)
    errors: list[BaseException] = []

    def one(client: restwell.Client) -> None:
        try:
            client.get(fault_server.url_for("/slow"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with restwell.Client(transport="httpx", bulkhead=bulkhead) as client:
        threads = [threading.Thread(target=one, args=(client,)) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert fault_server.hits("/slow") == 6
    assert most_at_once(fault_server, "/slow") <= 2
    assert (bulkhead.in_use, bulkhead.queued) == (0, 0)


def test_sync_full_bulkhead_and_max_wait(fault_server: FaultServer) -> None:
    fault_server.script("/slow", [Step(200, delay=DELAY)])
    bulkhead = Bulkhead(1, max_queued=1, max_wait=0.02)
    url = fault_server.url_for("/slow")
    with restwell.Client(transport="httpx", bulkhead=bulkhead) as client:
        holder = threading.Thread(target=client.get, args=(url,))
        holder.start()
        while bulkhead.in_use == 0:  # the holder takes the permit at once
            threading.Event().wait(0.001)
        with pytest.raises(BulkheadFull, match=r"max_wait=0\.02"):
            client.get(url)
        holder.join()
    assert fault_server.hits("/slow") == 1
    assert (bulkhead.in_use, bulkhead.queued) == (0, 0)
