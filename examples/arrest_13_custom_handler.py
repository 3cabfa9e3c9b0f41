"""
arrest seed example: "Adding a custom handler" (and ``add_resource``):

    res = Resource(route="/user", handlers=[("GET", "/"), ("POST", "/")])
    svc = Service(name="my_service", url="http://www.example.com")
    svc.add_resource(res)

    @svc.user.handler("/media")
    async def download_user_metadata(self, url, *, meta_id: int):
        # url == http://www.example.com/user/media
        urlnew = f"{url}/{meta_id}"
        async with httpx.AsyncClient(**self.httpx_args) as client:
            resp = await client.get(urlnew)
        # or
        resp = await self._client.get(urlnew)  # if client is specified

    metadata = await svc.user.download_user_metadata(meta_id=123)
    # or
    metadata = await download_user_metadata(meta_id=123)

restwell: the same decorator, the same two first arguments. ``self`` is the bound
resource: ``self.client`` is the service's ``restwell.AsyncClient`` (arrest's
``self._client``; there is no ``self.httpx_args``: the client already carries its
configuration, so there is no need to build another one per call), and
``self.config`` the call options of the service and resource layered (pass them to
``self.client`` calls to apply them). ``url`` is the service URL + the resource route
+ the decorator's path. A call through ``self.client`` gets the client's stages
(retries, deadline, ...); the custom function gets no request or response
validation. The function the decorator returns is bound too, so
``await download_user_metadata(meta_id=123)`` works.

Usage: python examples/arrest_13_custom_handler.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` route
is used by the sync part); without it, the example starts its own. The
``/user/media`` API runs on a second ``FaultServer`` the example scripts itself.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import restwell
from restwell.testing import FaultServer, Step


async def async_part() -> None:
    with FaultServer() as api:
        api.script("/user/media/123", [Step(503), Step(200, json={"meta_id": 123})])
        res = restwell.Resource(route="/user", handlers=[("GET", "/"), ("POST", "/")])
        svc = restwell.Service(
            name="my_service",
            url=api.url,
            retry=restwell.Retry(backoff=restwell.Constant(0.0)),
            timeout=7,
        )
        svc.add_resource(res)
        assert svc.resources["user"] is res

        seen_urls: list[str] = []

        @svc.user.handler("/media")
        async def download_user_metadata(self: Any, url: str, *, meta_id: int) -> Any:
            seen_urls.append(url)
            urlnew = f"{url}/{meta_id}"
            resp = await self.client.get(urlnew, **self.config)
            return resp.data

        async with svc:
            metadata = await svc.user.download_user_metadata(meta_id=123)
            print(metadata, seen_urls)
            assert metadata == {"meta_id": 123}
            assert seen_urls == [f"{api.url}/user/media"]
            # The service's retry applied: 503, then 200.
            assert api.hits("/user/media/123") == 2
            assert await download_user_metadata(meta_id=123) == {"meta_id": 123}
            request = api.requests("/user/media/123")[-1]
            assert request.method == "GET"


def main(base_url: str) -> None:
    asyncio.run(async_part())

    # A sync custom handler on a service bound to restwell.Client.
    svc = restwell.Service("echo", base_url)
    svc.add_resource(restwell.Resource("/echo", handlers=[("GET", "")]))
    with restwell.Client() as client:
        bound = svc.bind(client)

        @bound.echo.handler("")
        def shout(self: Any, url: str, word: str) -> str:
            resp = self.client.post(url, content=word.upper())
            return str(resp.data["body"])

        print(bound.echo.shout("hello"))
        assert bound.echo.shout("hello") == "HELLO"
        assert shout("again") == "AGAIN"


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1].rstrip("/"))
    else:
        with FaultServer() as server:
            main(server.url)
