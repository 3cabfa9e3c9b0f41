"""
aresilient seed examples: the ``AsyncResilientClient`` method examples
(``delete``, ``get``, ``head``, ``options``, ``patch``, ``post``, ``put``,
``request``), e.g.

    >>> async def main():
    ...     async with AsyncResilientClient() as client:
    ...         response = await client.patch(
    ...             "https://api.example.com/data", json={"key": "value"}
    ...         )
    >>> asyncio.run(main())

restwell: the same method names on ``restwell.AsyncClient``, each retried under the
client's policy (POST and PATCH only with an ``Idempotency-Key``).

Usage: python examples/aresilient_06_async_methods.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` route
answers any method with what it received); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import sys

import restwell
from restwell.testing import FaultServer


async def main(base_url: str) -> None:
    url = f"{base_url}/echo"
    async with restwell.AsyncClient() as client:
        got = {
            "DELETE": await client.delete(url),
            "GET": await client.get(url),
            "OPTIONS": await client.options(url),
            "PATCH": await client.patch(url, json={"key": "value"}),
            "POST": await client.post(url, json={"key": "value"}),
            "PUT": await client.put(url, json={"key": "value"}),
            "REQUEST GET": await client.request("GET", url),
        }
        for name, response in got.items():
            print(f"{name:<12} -> {response.status_code} {response.data['method']}")
            assert response.status_code == 200
            assert response.data["method"] == name.removeprefix("REQUEST ")
        for name in ("PATCH", "POST", "PUT"):
            assert got[name].data["body"] == '{"key":"value"}'

        # HEAD: the same head as GET, no body.
        head = await client.head(url)
        print(f"{'HEAD':<12} -> {head.status_code} body={head.content!r}")
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["content-type"] == "application/json"


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
