"""
aresilient seed examples: ``AsyncResilientClient``, "Scenario 2 - Single context
manager (AsyncResilientClient manages lifecycle)", its shorthand, and the class
example (wrapped here):

    async with AsyncResilientClient(
        client=httpx.AsyncClient(), config=ClientConfig(max_retries=5)
    ) as client:
        response = await client.get("https://api.example.com/data1")
    # httpx.AsyncClient is closed here by AsyncResilientClient

    # Equivalent shorthand (AsyncResilientClient creates a default client):
    async with AsyncResilientClient(config=ClientConfig(max_retries=5)) as client:
        response = await client.get("https://api.example.com/data1")

    >>> async def main():
    ...     async with AsyncResilientClient(
    ...         config=ClientConfig(max_retries=5)
    ...     ) as client:
    ...         response1 = await client.get("https://api.example.com/data1")
    ...         response2 = await client.post(
    ...             "https://api.example.com/data2", json={"key": "value"}
    ...         )
    >>> asyncio.run(main())

restwell: an ``httpx.AsyncClient`` that is not open yet when passed as ``transport=``
is *owned*: restwell closes it on exit. With ``transport="httpx"``, restwell creates
(and owns) its own (without ``transport=``, an aiohttp session, owned too). To lend
restwell an unopened client and keep it open, wrap it:
``restwell.transports.AsyncHttpxTransport(http_client, owns_client=False)``.

Usage: python examples/aresilient_05_async_owned_client.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` and
``/echo`` routes are used); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import sys

import httpx

import restwell
from restwell.testing import FaultServer
from restwell.transports import AsyncHttpxTransport

# aresilient's max_retries=5 counts retries; restwell's max_attempts counts the first
# try too, so the same policy is max_attempts=6.
RETRY = restwell.Retry(max_attempts=6)


async def main(base_url: str) -> None:
    # Scenario 2: the httpx client is created inline and owned by restwell.
    http_client = httpx.AsyncClient()
    async with restwell.AsyncClient(transport=http_client, retry=RETRY) as client:
        print("transport:", client.transport)
        response = await client.get(f"{base_url}/json")
        assert response.status_code == 200
        assert response.data == {"hello": "world"}
    assert http_client.is_closed  # closed by restwell on exit
    print("inline httpx client closed by restwell:", http_client.is_closed)

    # The shorthand: restwell creates the httpx client itself (and closes it), and
    # the class example: several calls sharing one client and one policy. (Without
    # transport=, restwell creates and owns an aiohttp session instead: the async
    # default.)
    async with restwell.AsyncClient(transport="httpx", retry=RETRY) as client:
        response1 = await client.get(f"{base_url}/json")
        response2 = await client.post(f"{base_url}/echo", json={"key": "value"})
        print("GET /json ->", response1.status_code, response1.data)
        print("POST /echo ->", response2.status_code, response2.data["body"])
        assert response1.data == {"hello": "world"}
        assert response2.data["method"] == "POST"
        assert response2.data["body"] == '{"key":"value"}'
        created = client.transport
        assert isinstance(created, AsyncHttpxTransport)
        assert created.owns_client
    assert created.client.is_closed

    # Opting out: an unopened client, explicitly not owned, stays open.
    kept = httpx.AsyncClient()
    transport = AsyncHttpxTransport(kept, owns_client=False)
    async with restwell.AsyncClient(transport=transport, retry=RETRY) as client:
        assert (await client.get(f"{base_url}/json")).status_code == 200
    assert not kept.is_closed
    await kept.aclose()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
