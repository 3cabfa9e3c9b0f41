"""
extapi seed example "Using httpx":

    import asyncio
    from extapi.http.backends.httpx import HttpxExecutor

    async def main():
        async with HttpxExecutor() as executor:
            async with await executor.get('https://httpbin.org/get') as response:
                print(response.status)
                print(await response.read())

    asyncio.run(main())

restwell: ``restwell.AsyncClient(transport="httpx")``: the same client as with
aiohttp (example 01), another backend name. ``"httpx2"`` (the httpx 2 fork, extra
``restwell[httpx2]``) is a third; ``restwell.transports.transport_names()`` lists
them all. With httpx the sync ``restwell.Client`` works too, with the same names.

Usage: python examples/extapi_02_httpx_executor.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` route
is used instead of httpbin's ``/get``); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import sys

import restwell
from restwell.testing import FaultServer
from restwell.transports import AsyncHttpxTransport, HttpxTransport, transport_names


async def main(base_url: str) -> None:
    async with restwell.AsyncClient(transport="httpx") as client:
        response = await client.get(f"{base_url}/echo")
        print(response.status_code)
        print(response.content)

        assert isinstance(client.transport, AsyncHttpxTransport)
        assert response.status_code == 200
        echoed = response.json()
        assert isinstance(echoed, dict)
        assert echoed["method"] == "GET"
        assert echoed["path"] == "/echo"
        assert len(response.attempts) == 1
    assert client.is_closed

    # Every registered backend answers the same call the same way.
    print("registered transports:", sorted(transport_names()))
    assert {"httpx", "httpx2", "aiohttp"} <= set(transport_names())
    for name in ("httpx", "httpx2", "aiohttp"):
        async with restwell.AsyncClient(transport=name) as client:
            response = await client.get(f"{base_url}/json")
            print(f"{name}: GET /json ->", response.status_code, response.data)
            assert response.data == {"hello": "world"}

    # httpx also sends synchronously, through restwell.Client.
    with restwell.Client(transport="httpx") as sync_client:
        assert isinstance(sync_client.transport, HttpxTransport)
        assert sync_client.get(f"{base_url}/json").data == {"hello": "world"}


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
