"""
extapi seed example: ``AbstractExecutor``, "the most abstract class that all
executors inherit from", to accept any executor in your code:

    from typing import Any, TypeVar
    from extapi.http.abc import AbstractExecutor

    T = TypeVar("T")

    async def httpbin_get(executor: AbstractExecutor[T]) -> Any:
        async with await executor.get('https://httpbin.org/get') as response:
            return await response.json()

restwell: there is one client class, ``restwell.AsyncClient`` (``restwell.Client``
for sync code); what varies is its transport, not its type. So a function that
accepts "any executor" takes an ``AsyncClient``, and works the same whether the
client sends with aiohttp, httpx, httpx2, your own transport, or a test double
(``restwell.testing.AsyncMockTransport``). The responses are the same type too,
``restwell.Response``, whatever the backend.

Usage: python examples/extapi_12_accept_any_client.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` route
is used instead of httpbin's ``/get``); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import restwell
from restwell.testing import AsyncMockTransport, FaultServer


async def httpbin_get(client: restwell.AsyncClient, url: str) -> Any:
    response = await client.get(url)
    return response.json()


ANSWERED: list[str] = []


async def answer(request: restwell.Request) -> restwell.Response[Any]:
    """A test double's reply: no network at all."""
    ANSWERED.append(request.url)
    return restwell.Response(
        200,
        headers={"Content-Type": "application/json"},
        content=b'{"hello": "world"}',
        request=request,
    )


async def main(base_url: str) -> None:
    clients = {
        name: restwell.AsyncClient(transport=name)
        for name in ("aiohttp", "httpx", "httpx2")
    }
    clients["mock"] = restwell.AsyncClient(transport=AsyncMockTransport(answer))
    try:
        for name, client in clients.items():
            data = await httpbin_get(client, f"{base_url}/json")
            print(f"{name}: {data}")
            assert data == {"hello": "world"}
        assert len(ANSWERED) == 1  # the mock answered once, without a network
    finally:
        for client in clients.values():
            await client.aclose()
    assert all(client.is_closed for client in clients.values())


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
