"""
extapi seed example: ``unwrap_executor``, "to get an underlying backend executor to
be sure that you may send a request in a specific format for this particular
executor":

    import asyncio
    from extapi.http.backends.aiohttp import AiohttpExecutor
    from extapi.http.executors.retry import RetryableExecutor
    from extapi.http.executors.wrapped import unwrap_executor

    async def main():
        async with AiohttpExecutor() as backend:
            executor = RetryableExecutor(backend)
            assert isinstance(unwrap_executor(executor), AiohttpExecutor)
            # ... the rest

    asyncio.run(main())

restwell: ``client.unwrap()`` returns the backend's own client (here an
``httpx.AsyncClient``), to use what restwell does not expose (cookies, the
backend's own request options). A request sent through it skips every restwell
stage: no retries, no deadline, no hooks. ``client.transport`` is one level up,
restwell's transport object (``AsyncHttpxTransport``).

This example uses httpx: the aiohttp transport on main has no ``unwrap()`` yet
(``client.unwrap()`` raises ``ConfigurationError`` for a transport without one);
once it has, ``AsyncClient(transport="aiohttp").unwrap()`` is meant to give the
``aiohttp.ClientSession``.

Usage: python examples/extapi_13_unwrap.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` and
``/status/{code}`` routes are used); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import sys

import httpx
import httpx2

import restwell
from restwell.testing import FakeClock, FaultServer
from restwell.transports import AsyncHttpxTransport


async def main(base_url: str) -> None:
    # FakeClock: the retry's backoff wait takes no real time.
    async with restwell.AsyncClient(transport="httpx", clock=FakeClock()) as client:
        backend = client.unwrap()
        print("unwrapped:", type(backend))
        assert isinstance(backend, httpx.AsyncClient)
        assert isinstance(client.transport, AsyncHttpxTransport)

        # The backend's own API, the backend's own response type ...
        raw = await backend.get(f"{base_url}/json")
        assert isinstance(raw, httpx.Response)
        assert raw.json() == {"hello": "world"}
        # ... and none of restwell's stages: a 503 is not retried through it.
        raw = await backend.get(f"{base_url}/status/503")
        assert raw.status_code == 503
        # Through restwell, the same call is retried.
        response = await client.get(f"{base_url}/status/503", retry=restwell.Retry(2))
        assert len(response.attempts) == 2
    assert backend.is_closed  # restwell owned it, and closed it

    # httpx2 unwraps to its own client class.
    async with restwell.AsyncClient(transport="httpx2") as client:
        assert isinstance(client.unwrap(), httpx2.AsyncClient)

    # A client you lend is the very object unwrap() gives back.
    async with (
        httpx.AsyncClient() as lent,
        restwell.AsyncClient(transport=lent) as client,
    ):
        assert client.unwrap() is lent


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
