"""
arrest seed example: the quickstart service, a resource ``/user`` with one tuple
handler ``("GET", "/")``:

    from arrest import Service, Resource
    example_svc = Service(
        name="example",
        url="http://example.com/api/v1",
        resources=[
            Resource(name="user", route="/user", handlers=[("GET", "/")])
        ],
    )

restwell: the same declaration, ``restwell.Service`` / ``restwell.Resource``, the
same tuple form. ``await example_svc.user.get("/")`` calls it; the service opens one
``restwell.AsyncClient`` on its first call (so every call gets restwell's defaults:
a 30 s deadline, retries of 5xx/429 for idempotent methods, ...) and reuses it for
every later call; ``async with example_svc`` (or ``await example_svc.aclose()``)
closes it.

Usage: python examples/arrest_01_quickstart_service.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` route is
the second service below); without it, the example starts its own. The ``/api/v1``
API runs on a second ``FaultServer`` the example scripts itself.
"""

from __future__ import annotations

import asyncio
import sys

import restwell
from restwell.testing import FaultServer, Step


async def main(base_url: str) -> None:
    with FaultServer() as api:  # stands in for http://example.com
        api.script("/api/v1/user/", [Step(200, json=[{"id": 1, "name": "ada"}])])
        example_svc = restwell.Service(
            name="example",
            url=f"{api.url}/api/v1",
            resources=[
                restwell.Resource(name="user", route="/user", handlers=[("GET", "/")])
            ],
        )
        print(example_svc)
        assert example_svc.resources["user"].describe() == ("GET /user/",)

        async with example_svc:  # closes the client the service opened
            resp = await example_svc.user.get("/")
            print(resp.status_code, resp.data)
            assert resp.status_code == 200
            assert resp.data == [{"id": 1, "name": "ada"}]
            assert resp.url == f"{api.url}/api/v1/user/"
            client = example_svc.client
            await example_svc.user.get("/")
            assert example_svc.client is client  # one client for every call
        assert client.is_closed
        assert api.hits("/api/v1/user/") == 2

    # Any base URL: here the given server's built-in /json route.
    hello = restwell.Service(
        "hello",
        base_url,
        resources=[restwell.Resource("/json", handlers=[("GET", "")])],
    )
    async with hello:
        resp = await hello.json.get()  # resource name inferred from the route
        print(resp.status_code, resp.data)
        assert resp.data == {"hello": "world"}


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
