"""
extapi seed example "Using aiohttp":

    import asyncio
    from extapi.http.backends.aiohttp import AiohttpExecutor

    async def main():
        async with AiohttpExecutor() as executor:
            async with await executor.get('https://httpbin.org/get') as response:
                print(response.status)
                print(await response.read())

    asyncio.run(main())

restwell: ``restwell.AsyncClient(transport="aiohttp")``. The backend is a transport
chosen by name; everything above it (retries, deadline, hooks, middleware) is the
same whichever backend sends. The response comes back with its body read, so there
is no second ``async with`` around it: ``response.status_code`` is extapi's
``response.status`` and ``response.content`` its ``await response.read()``. (To
read a body as it arrives, use ``async with client.stream("GET", url) as r``.)

Unlike ``AiohttpExecutor``, which sends once, the client retries by default
(``restwell.Retry()``: 3 attempts); ``retry=None`` sends once, as extapi does.

Usage: python examples/extapi_01_aiohttp_executor.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` route
is used instead of httpbin's ``/get``); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import sys

import restwell
from restwell.testing import FaultServer
from restwell.transports import AiohttpTransport


async def main(base_url: str) -> None:
    async with restwell.AsyncClient(transport="aiohttp") as client:
        response = await client.get(f"{base_url}/echo")
        print(response.status_code)
        print(response.content)

        assert isinstance(client.transport, AiohttpTransport)
        assert response.status_code == 200
        assert response.content.startswith(b'{"method": "GET"')
        echoed = response.json()
        assert isinstance(echoed, dict)
        assert echoed["path"] == "/echo"
        # restwell's User-Agent, whichever backend sends it.
        assert echoed["headers"]["user-agent"].startswith("restwell/")
        assert len(response.attempts) == 1

    assert client.is_closed


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
