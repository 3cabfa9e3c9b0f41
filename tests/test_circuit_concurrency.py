"""
A half-open breaker under concurrent callers, over real sockets on 127.0.0.1.

aresilient's half-open breaker let every waiting caller through; here exactly
``half_open_probes`` of them reach the server, from async tasks (asyncio and trio)
and from threads sharing a sync ``Client``. A probe cancelled before its outcome
gives its slot back.
"""

from __future__ import annotations

import threading
from typing import Any

import anyio
import pytest

import restwell
from restwell.instrumentation import CircuitClosed, Event
from restwell.policies import CircuitBreaker
from restwell.testing import FakeClock, FaultServer, Step

pytestmark = pytest.mark.network

CALLERS = 10


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def in_use(client: Any) -> int:
    """The httpcore connections of ``client``'s pool that a request still holds."""
    pool = client.transport.client._transport._pool
    return sum(1 for c in pool.connections if not (c.is_idle() or c.is_closed()))


@pytest.mark.anyio
async def test_half_open_admits_exactly_the_probes_to_concurrent_tasks(
    fault_server: FaultServer, clock: FakeClock
) -> None:
    # The probes are slow, so every other task asks while they are under way.
    fault_server.script("/x", [Step(503), Step(200, delay=1.0)])
    breaker = CircuitBreaker(consecutive_failures=1, half_open_probes=2)
    closed: list[Event] = []
    outcomes: list[Any] = []
    async with restwell.AsyncClient(
        clock=clock,
        transport="httpx",
        circuit_breaker=breaker,
        retry=None,
        hooks=[closed.append],
    ) as client:
        await client.get(fault_server.url_for("/x"))
        clock.advance(5.0)

        async def caller() -> None:
            try:
                outcomes.append(await client.get(fault_server.url_for("/x")))
            except restwell.CircuitOpenError as exc:
                outcomes.append(exc)

        async with anyio.create_task_group() as tg:
            for _ in range(CALLERS):
                tg.start_soon(caller)
        assert in_use(client) == 0
    answered = [o for o in outcomes if isinstance(o, restwell.Response)]
    refused = [o for o in outcomes if isinstance(o, restwell.CircuitOpenError)]
    assert [r.status_code for r in answered] == [200, 200]
    assert len(refused) == CALLERS - 2
    assert {e.state for e in refused} == {"half_open"}
    assert fault_server.hits("/x") == 1 + 2
    assert len([e for e in closed if type(e) is CircuitClosed]) == 1
    assert breaker.state(fault_server.url, clock.monotonic()).state == "closed"


@pytest.mark.anyio
async def test_a_cancelled_probe_gives_its_slot_back(
    fault_server: FaultServer, clock: FakeClock
) -> None:
    fault_server.script("/x", [Step(503), Step(200, delay=5.0), Step(200)])
    breaker = CircuitBreaker(consecutive_failures=1)
    async with restwell.AsyncClient(
        clock=clock, transport="httpx", circuit_breaker=breaker, retry=None
    ) as client:
        await client.get(fault_server.url_for("/x"))
        clock.advance(5.0)
        with anyio.move_on_after(0.2):  # real time: the probe is cancelled
            await client.get(fault_server.url_for("/x"))
        assert breaker.state(fault_server.url, clock.monotonic()).probes == 0
        r = await client.get(fault_server.url_for("/x"))  # the next probe
        assert r.status_code == 200
        assert in_use(client) == 0
    assert fault_server.hits("/x") == 3
    assert breaker.state(fault_server.url, clock.monotonic()).state == "closed"


def test_half_open_admits_exactly_the_probes_to_threads(
    fault_server: FaultServer, clock: FakeClock
) -> None:
    fault_server.script("/x", [Step(503), Step(200, delay=1.0)])
    breaker = CircuitBreaker(consecutive_failures=1, half_open_probes=3)
    outcomes: list[Any] = []
    lock = threading.Lock()
    with restwell.Client(
        clock=clock, transport="httpx", circuit_breaker=breaker, retry=None
    ) as client:
        client.get(fault_server.url_for("/x"))
        clock.advance(5.0)
        start = threading.Barrier(CALLERS)

        def caller() -> None:
            start.wait()
            try:
                outcome: Any = client.get(fault_server.url_for("/x"))
            except restwell.CircuitOpenError as exc:
                outcome = exc
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=caller) for _ in range(CALLERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10.0)
        assert in_use(client) == 0
    answered = [o for o in outcomes if isinstance(o, restwell.Response)]
    assert len(outcomes) == CALLERS
    assert len(answered) == 3
    assert fault_server.hits("/x") == 1 + 3
