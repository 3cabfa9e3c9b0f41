"""
The deadline is a hard bound on an async call, whatever waits inside it.

Async only (not twinned): the async client cancels everything below the ``deadline``
stage when the deadline passes; the sync client bounds each socket operation instead
(tested with the transport). Each test measures wall time, so each stays short.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

import restwell
from restwell import Request, Response
from restwell.instrumentation import CallFailed, Event, RetryScheduled
from restwell.testing import FaultServer, Step

pytestmark = pytest.mark.network


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Both async backends."""
    return str(request.param)


@pytest.fixture
def dripping_port() -> Iterator[int]:
    """A server that sends a response head one header line every 0.25 s, forever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for i in range(400):
                if stop.wait(0.25):
                    break
                conn.sendall(b"X-Drip: %d\r\n" % i)
        except OSError:
            pass
        finally:
            conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()


def _pool_connections(client: restwell.AsyncClient) -> int:
    """Connections the client's pool holds, idle or not (httpx or aiohttp)."""
    native: Any = client.unwrap()
    connector = getattr(native, "connector", None)
    if connector is not None:  # an aiohttp.ClientSession
        idle = sum(len(conns) for conns in connector._conns.values())
        return len(connector._acquired) + idle
    return len(native._transport._pool.connections)


@pytest.mark.anyio
async def test_dripping_head_is_cut_at_the_deadline(dripping_port: int) -> None:
    """A head dripped under every read timeout still ends at deadline=1."""
    async with restwell.AsyncClient(deadline=1.0, hooks=[]) as client:
        start = time.monotonic()
        with pytest.raises(restwell.DeadlineExceeded) as info:
            await client.get(f"http://127.0.0.1:{dripping_port}/")
        took = time.monotonic() - start
        assert took < 1.5
        assert info.value.attempts[-1].error is info.value
        assert _pool_connections(client) == 0


@pytest.mark.anyio
async def test_stalled_body_is_cut_at_the_deadline(fault_server: FaultServer) -> None:
    """A head at 0.6 s then a body that stalls ends at deadline=1, not later."""
    fault_server.script(
        "/stall", [Step(200, body="x" * 1000, delay=0.6, body_delay=5.0)]
    )
    async with restwell.AsyncClient(
        base_url=fault_server.url, deadline=1.0, hooks=[]
    ) as client:
        start = time.monotonic()
        with pytest.raises(restwell.DeadlineExceeded):
            await client.get("/stall")
        assert time.monotonic() - start < 1.5
        assert _pool_connections(client) == 0


@pytest.mark.anyio
async def test_sleeping_middleware_is_cut_at_the_deadline(
    fault_server: FaultServer,
) -> None:
    """Middleware that sleeps 8 s under deadline=0.5 ends the call at 0.5 s."""

    async def slow(request: Request, call_next: Any) -> Response[Any]:
        await anyio.sleep(8)
        return await call_next(request)

    events: list[Event] = []
    async with restwell.AsyncClient(
        base_url=fault_server.url,
        deadline=0.5,
        middleware=[slow],
        hooks=[events.append],
    ) as client:
        start = time.monotonic()
        with pytest.raises(restwell.DeadlineExceeded) as info:
            await client.get("/never")
        assert time.monotonic() - start < 1.0
    assert fault_server.hits("/never") == 0
    failed = [e for e in events if isinstance(e, CallFailed)]
    assert len(failed) == 1
    assert failed[0].outcome is info.value
    assert failed[0].gave_up


@pytest.mark.anyio
async def test_sleeping_hook_is_cut_at_the_deadline(fault_server: FaultServer) -> None:
    """An async hook that sleeps during a retry cannot hold the call past it."""
    fault_server.script("/h", [Step(503), Step(200)])

    async def slow_hook(event: Event) -> None:
        if isinstance(event, RetryScheduled):
            await anyio.sleep(8)

    async with restwell.AsyncClient(
        base_url=fault_server.url,
        deadline=0.5,
        retry=restwell.Retry(backoff=restwell.Constant(0.01)),
        hooks=[slow_hook],
    ) as client:
        start = time.monotonic()
        with pytest.raises(restwell.DeadlineExceeded) as info:
            await client.get("/h")
        assert time.monotonic() - start < 1.0
    assert info.value.attempts[0].status_code == 503


@pytest.mark.anyio
async def test_outer_cancellation_is_not_a_deadline(fault_server: FaultServer) -> None:
    """A cancel from outside stays a cancellation, not a DeadlineExceeded."""
    fault_server.script("/slow", [Step(200, delay=3.0)])
    async with restwell.AsyncClient(
        base_url=fault_server.url, deadline=10.0, hooks=[]
    ) as client:
        with anyio.move_on_after(0.2) as scope:
            await client.get("/slow")
        assert scope.cancelled_caught
        fault_server.script("/fast", [Step(200, body="ok")])
        assert (await client.get("/fast")).text == "ok"


@pytest.mark.anyio
async def test_many_calls_leave_no_deadline_state(fault_server: FaultServer) -> None:
    """Calls that end before their deadline leave nothing behind in the watchdog."""
    from restwell import _deadline

    fault_server.script("/ok", [Step(200)])
    async with restwell.AsyncClient(
        base_url=fault_server.url, deadline=30.0, hooks=[]
    ) as client:
        for _ in range(50):
            await client.get("/ok")
    queues = [q for dog in _deadline._watchdogs.values() for q in dog._queues.values()]
    assert all(len(q) == 0 for q in queues)
