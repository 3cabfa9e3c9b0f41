"""
aresilient seed example: ``AsyncResilientClient``, "Scenario 1 - Two context managers
(external lifecycle management)" (wrapped here):

    import httpx
    from aresilient import AsyncResilientClient
    from aresilient.core.config import ClientConfig

    async with httpx.AsyncClient(
        headers={"Authorization": "Bearer token"}
    ) as http_client:
        async with AsyncResilientClient(
            client=http_client, config=ClientConfig(max_retries=5)
        ) as client:
            response = await client.get("https://api.example.com/data1")
    # http_client is closed here by the outer ``async with`` block

restwell: pass the open ``httpx.AsyncClient`` as ``transport=``. An httpx client that
is already open when restwell gets it is *borrowed*: its headers, auth, cookies and
TLS settings apply to every request, and restwell never closes it.

Usage: python examples/aresilient_04_async_borrowed_httpx_client.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` and
``/json`` routes are used); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import sys

import httpx

import restwell
from restwell.testing import FaultServer

# aresilient's max_retries=5 counts retries; restwell's max_attempts counts the first
# try too, so the same policy is max_attempts=6.
RETRY = restwell.Retry(max_attempts=6)


async def main(base_url: str) -> None:
    async with httpx.AsyncClient(
        headers={"Authorization": "Bearer token"}
    ) as http_client:
        async with restwell.AsyncClient(transport=http_client, retry=RETRY) as client:
            print("transport:", client.transport)
            response = await client.get(f"{base_url}/echo")
            echoed = response.data["headers"]
            print("GET /echo ->", response.status_code, "authorization sent:", end=" ")
            print("authorization" in echoed)
            assert response.status_code == 200
            # The httpx client's own headers went out with restwell's request.
            assert echoed["authorization"] == "Bearer token"
            # A borrowed client keeps its own User-Agent; restwell adds none.
            assert echoed["user-agent"].startswith("python-httpx/")

        # restwell is closed; the borrowed httpx client is not.
        assert client.is_closed
        assert not http_client.is_closed
        still_usable = await http_client.get(f"{base_url}/json")
        assert still_usable.status_code == 200

        # The same httpx client can be shared by several restwell clients.
        async with restwell.AsyncClient(transport=http_client, retry=RETRY) as second:
            assert (await second.get(f"{base_url}/json")).data == {"hello": "world"}
        assert not http_client.is_closed
        print("httpx client open after restwell exited:", not http_client.is_closed)

    # Closed here by the outer ``async with`` block, as in the seed.
    assert http_client.is_closed


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
