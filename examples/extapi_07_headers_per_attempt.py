"""
extapi seed example: ``AddHeadersAddon``, "adds headers to the request. It expects a
callable or an awaitable that accepts headers in order to modify them", called
"before each request in case of retries, so you can leverage that to add some keys
rotating logic":

    import asyncio
    from multidict import CIMultiDict
    from extapi.http.addons.headers import AddHeadersAddon
    from extapi.http.backends.aiohttp import AiohttpExecutor
    from extapi.http.executors.retry import RetryableExecutor

    async def headers_patch(headers: CIMultiDict):
        headers["X-Api-Key"] = "some-api-token"

    async def main():
        async with AiohttpExecutor() as backend:
            executor = RetryableExecutor(backend, max_retries=3, addons=[
                AddHeadersAddon(headers_patch)
            ])
            async with await executor.get('https://httpbin.org/get') as response:
                print(await response.read())

    asyncio.run(main())

restwell: an attempt middleware (the default position: once per attempt, inside the
retry loop). ``PatchHeaders`` below takes the same kind of function, sync or async,
and hands it ``request.headers``, a ``restwell.Headers`` (case-insensitive, with
``add()`` for repeated names, as ``CIMultiDict``). Each attempt gets its own copy of
the headers, so what one attempt sets does not leak into the next.

Headers that never change need no middleware: ``AsyncClient(headers={...})``.

Usage: python examples/extapi_07_headers_per_attempt.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` route
is used); without it, the example starts its own. The 503, 503, 200 sequence runs on
a second ``FaultServer`` the example starts itself.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import restwell
from restwell.testing import FakeClock, FaultServer, Step

HeadersPatch = Callable[[restwell.Headers], Awaitable[None] | None]


class PatchHeaders:
    """Attempt middleware: let ``patch(headers)`` change each attempt's headers."""

    def __init__(self, patch: HeadersPatch) -> None:
        self.patch = patch

    async def __call__(
        self,
        request: restwell.Request,
        call_next: Callable[[restwell.Request], Awaitable[restwell.Response[Any]]],
    ) -> restwell.Response[Any]:
        result = self.patch(request.headers)
        if inspect.isawaitable(result):
            await result
        return await call_next(request)


async def headers_patch(headers: restwell.Headers) -> None:
    headers["X-Api-Key"] = "some-api-token"


class RotatingKeys:
    """A sync patch: the next key of a pool on every attempt."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = itertools.cycle(keys)

    def __call__(self, headers: restwell.Headers) -> None:
        headers["X-Api-Key"] = next(self.keys)
        headers.add("X-Trace", "a")
        headers.add("X-Trace", "b")  # repeated names, as CIMultiDict.add


async def main(base_url: str) -> None:
    retry = restwell.Retry(max_attempts=4)  # extapi's max_retries=3
    async with restwell.AsyncClient(
        transport="aiohttp",
        retry=retry,
        middleware=[PatchHeaders(headers_patch)],
        clock=FakeClock(),
    ) as client:
        response = await client.get(f"{base_url}/echo")
        print(response.content)
        echoed = response.json()
        assert isinstance(echoed, dict)
        assert echoed["headers"]["x-api-key"] == "some-api-token"

    with FaultServer() as scripted:
        scripted.script("/flaky", [Step(503), Step(503), Step(200)])
        async with restwell.AsyncClient(
            transport="aiohttp",
            retry=retry,
            middleware=[PatchHeaders(RotatingKeys(["key-1", "key-2", "key-3"]))],
            clock=FakeClock(),
        ) as client:
            response = await client.get(scripted.url_for("/flaky"))
        assert [a.status_code for a in response.attempts] == [503, 503, 200]
        sent = [r.header("x-api-key") for r in scripted.requests("/flaky")]
        print("keys sent, one per attempt:", sent)
        assert sent == ["key-1", "key-2", "key-3"]
        # Each attempt started from the call's headers: no X-Trace piled up.
        traces = [r.headers.get_list("x-trace") for r in scripted.requests("/flaky")]
        assert traces == [["a", "b"]] * 3, traces


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
