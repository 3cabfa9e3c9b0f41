"""
extapi seed example: ``BearerAuthAddon``, "adds a Authorization header with a Bearer
token. [...] you may execute some complex logic in the callable - like issuing new
token in case of 401 error":

    import asyncio
    from extapi.http.addons.auth import BearerAuthAddon
    from extapi.http.backends.aiohttp import AiohttpExecutor
    from extapi.http.executors.retry import RetryableExecutor

    async def token_getter() -> str:
        return "some-api-token"

    async def main():
        async with AiohttpExecutor() as backend:
            executor = RetryableExecutor(backend, max_retries=3, addons=[
                BearerAuthAddon(token_getter)
            ])
            async with await executor.get('https://httpbin.org/get') as response:
                print(await response.read())

    asyncio.run(main())

restwell: restwell has a slot for an ``auth`` stage (``restwell.middleware.SLOTS``)
but no auth stage in it yet; until it comes, a token getter is an attempt middleware,
``BearerAuth`` below: it asks the getter (sync or async) for a token on every
attempt, so a retry sends the current token. For "a new token after a 401", the
middleware tells the token source the token was refused, and the ``Retry`` policy is
told to retry a 401 (``DEFAULT_RETRY_ON | on_status(401)``).

One thing an auth middleware must do itself: send the token only to the API's
origin. restwell drops ``Authorization`` on a redirect to another origin, but an
attempt middleware runs again on that hop and would add it back; ``BearerAuth``
checks the origin first.

Usage: python examples/extapi_08_bearer_token_getter.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` route
is used); without it, the example starts its own. The 401 and redirect sequences run
on two more ``FaultServer`` instances the example starts itself (two ports: two
origins).
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

import restwell
from restwell.testing import FakeClock, FaultServer, Step

TokenGetter = Callable[[], Awaitable[str] | str]


def origin(url: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of ``url`` (RFC 6454), default ports filled in."""
    parts = urllib.parse.urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.scheme, parts.hostname or "", parts.port or default)


class BearerAuth:
    """
    Attempt middleware: ``Authorization: Bearer <token_getter()>`` on every attempt
    to ``api_url``'s origin; on a 401, ``on_refused()`` is called (drop the cached
    token) before the response goes up to the retry stage.
    """

    def __init__(
        self,
        token_getter: TokenGetter,
        *,
        api_url: str,
        on_refused: Callable[[], None] | None = None,
    ) -> None:
        self.token_getter = token_getter
        self.origin = origin(api_url)
        self.on_refused = on_refused

    async def __call__(
        self,
        request: restwell.Request,
        call_next: Callable[[restwell.Request], Awaitable[restwell.Response[Any]]],
    ) -> restwell.Response[Any]:
        if origin(request.url) != self.origin:
            return await call_next(request)  # never hand the token to a stranger
        token = self.token_getter()
        if inspect.isawaitable(token):
            token = await token
        request.headers["Authorization"] = f"Bearer {token}"
        response = await call_next(request)
        if response.status_code == 401 and self.on_refused is not None:
            self.on_refused()
        return response


async def token_getter() -> str:
    return "some-api-token"


class TokenSource:
    """Issues ``token-1``, ``token-2``, ...; caches one until it is refused."""

    def __init__(self) -> None:
        self.issued = 0
        self.current: str | None = None

    async def get(self) -> str:
        if self.current is None:
            self.issued += 1
            self.current = f"token-{self.issued}"
        return self.current

    def refused(self) -> None:
        self.current = None


async def main(base_url: str) -> None:
    # The seed's example: the getter's token on the request.
    async with restwell.AsyncClient(
        transport="aiohttp",
        retry=restwell.Retry(max_attempts=4),
        middleware=[BearerAuth(token_getter, api_url=base_url)],
    ) as client:
        response = await client.get(f"{base_url}/echo")
        print(response.content)
        echoed = response.json()
        assert isinstance(echoed, dict)
        assert echoed["headers"]["authorization"] == "Bearer some-api-token"

    with FaultServer() as api, FaultServer() as elsewhere:
        # A 401: the token is dropped, a new one fetched, the call retried.
        api.script("/me", [Step(401), Step(200, json={"name": "ada"})])
        tokens = TokenSource()
        retry_401 = restwell.Retry(
            max_attempts=4,
            retry_on=restwell.policies.DEFAULT_RETRY_ON | restwell.on_status(401),
        )
        auth = BearerAuth(tokens.get, api_url=api.url, on_refused=tokens.refused)
        async with restwell.AsyncClient(
            transport="aiohttp",
            base_url=api.url,
            retry=retry_401,
            middleware=[auth],
            follow_redirects=True,
            clock=FakeClock(),
        ) as client:
            response = await client.get("/me")
            assert response.data == {"name": "ada"}
            assert [a.status_code for a in response.attempts] == [401, 200]
            sent = [r.header("authorization") for r in api.requests("/me")]
            print("tokens sent:", sent)
            assert sent == ["Bearer token-1", "Bearer token-2"]

            # A redirect to another origin: the token stays home.
            api.script(
                "/away", [Step(302, headers={"Location": elsewhere.url_for("/x")})]
            )
            elsewhere.script("/x", [Step(200, json={"ok": True})])
            response = await client.get("/away")
            assert response.data == {"ok": True}
            assert api.requests("/away")[0].header("authorization") == "Bearer token-2"
            assert elsewhere.requests("/x")[0].header("authorization") is None
            print("redirected to another origin without the token")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
