"""
extapi seed text (no code of its own): "You can create your own executor by
inheriting from the ``Executor`` class and implementing the ``execute`` method."

restwell: what an extapi executor does to the network is a *transport*, an object
with two methods, ``async send(request) -> Response`` and ``async aclose()``
(``restwell.transports.AsyncTransport``; no base class needed). It sends exactly
once: it never retries, sleeps or follows redirects, and maps its backend's errors
to ``restwell.TransportError`` subclasses; every stage above it (retries, deadline,
hooks, middleware) works unchanged. Give the object as ``transport=``, or register a
name for it with ``restwell.transports.register_transport``.

What extapi's wrapping executors add *around* a request (limits, metrics, tracing)
is middleware or a hook in restwell, not a transport: see examples 09 and 11.

``RecordingTransport`` below wraps the aiohttp transport and keeps a log of what
went over the wire.

Usage: python examples/extapi_14_custom_executor.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` and
``/status/{code}`` routes are used); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import restwell
from restwell.testing import FakeClock, FaultServer
from restwell.transports import (
    AiohttpTransport,
    AsyncTransport,
    TransportOptions,
    register_transport,
)


class RecordingTransport:
    """Send with ``inner``, and record ``(method, url, status)`` of every send."""

    def __init__(self, inner: AsyncTransport) -> None:
        self.inner = inner
        self.sent: list[tuple[str, str, int]] = []

    async def send(self, request: restwell.Request) -> restwell.Response[Any]:
        response = await self.inner.send(request)
        self.sent.append((request.method, request.url, response.status_code))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def make_recording(options: TransportOptions) -> RecordingTransport:
    return RecordingTransport(AiohttpTransport())


async def main(base_url: str) -> None:
    # An object given as transport=.
    recorder = RecordingTransport(AiohttpTransport())
    assert isinstance(recorder, AsyncTransport)  # the protocol, checked at run time
    async with restwell.AsyncClient(transport=recorder, clock=FakeClock()) as client:
        assert (await client.get(f"{base_url}/json")).data == {"hello": "world"}
        # restwell's retry stage runs above it: 3 sends for one call.
        response = await client.get(f"{base_url}/status/503")
        assert len(response.attempts) == 3
    for line in recorder.sent:
        print("sent:", line)
    assert [status for _, _, status in recorder.sent] == [200, 503, 503, 503]

    # The same, registered by name (async only: no sync_factory).
    register_transport("recording-aiohttp", async_factory=make_recording)
    async with restwell.AsyncClient(transport="recording-aiohttp") as client:
        assert (await client.get(f"{base_url}/json")).status_code == 200
        transport = client.transport
        assert isinstance(transport, RecordingTransport)
        assert len(transport.sent) == 1
    try:
        restwell.Client(transport="recording-aiohttp")
    except restwell.ConfigurationError as exc:
        print("sync client refused:", exc)
    else:
        raise AssertionError("an async-only transport cannot serve restwell.Client")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
