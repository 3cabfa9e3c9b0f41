"""
extapi seed examples: the ``Retryable`` protocol, "``need_retry`` [...] must return a
tuple (bool, float | None) where the first element is a flag if the request should
be retried and the second is a delay in seconds before the next retry", and
``Retry5xxAddon`` as an example of it:

    @runtime_checkable
    class Retryable(Protocol[T_contr]):
        async def need_retry(
            self, response: Response[T_contr]
        ) -> tuple[bool, float | None]: ...

    class Retry5xxAddon(Retryable[T], Generic[T]):
        async def need_retry(self, response: Response[T]) -> tuple[bool, float | None]:
            if response.status >= 500:
                return True, 1.0
            return False, None

restwell splits ``need_retry``'s answer in two values of one ``restwell.Retry``:

- "should it be retried" is ``retry_on=``, a predicate: ``on_status(...)``,
  ``on_exception(...)``, ``on_response(fn)`` for any ``(response) -> bool``, and
  their ``|`` / ``&`` combinations;
- "how long to wait" is ``backoff=`` (``Constant(1.0)`` is the seed's 1 s), or,
  when the response itself says how long, its ``Retry-After`` header, which the
  policy honours for any retried status. A server that says it another way
  (``X-RateLimit-Reset-After: 0.25``) is translated by a small attempt middleware
  into ``retry-after-ms``, as ``ResetAfterAsRetryAfter`` does below.

So ``Retry5xxAddon`` is ``Retry(retry_on=on_response(lambda r: r.status_code >= 500),
backoff=Constant(1.0))``. It retries 501 and 505 too, which restwell's default
(408/429/500/502/503/504) leaves alone.

Usage: python examples/extapi_10_custom_retry_rule.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/status/{code}``
route is used); without it, the example starts its own. The scripted sequences run
on a second ``FaultServer`` the example starts itself.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import restwell
from restwell.testing import FakeClock, FaultServer, Step

# Retry5xxAddon: any 5xx, 1 s apart (extapi's max_retries=3: 4 attempts).
RETRY_5XX = restwell.Retry(
    max_attempts=4,
    retry_on=restwell.on_response(lambda r: r.status_code >= 500),
    backoff=restwell.Constant(1.0),
)


class ResetAfterAsRetryAfter:
    """
    Attempt middleware: a response's ``X-RateLimit-Reset-After`` (seconds, as some
    APIs send it) becomes ``retry-after-ms``, which the ``Retry`` policy reads.
    """

    async def __call__(
        self,
        request: restwell.Request,
        call_next: Callable[[restwell.Request], Awaitable[restwell.Response[Any]]],
    ) -> restwell.Response[Any]:
        response = await call_next(request)
        hint = response.headers.get("X-RateLimit-Reset-After")
        if hint is not None and "retry-after-ms" not in response.headers:
            try:
                seconds = float(hint)
            except ValueError:
                return response  # garbage: leave it to the backoff
            response.headers["retry-after-ms"] = str(round(seconds * 1000))
        return response


async def main(base_url: str) -> None:
    clock = FakeClock()
    async with restwell.AsyncClient(
        transport="aiohttp", retry=RETRY_5XX, clock=clock
    ) as client:
        # 501 is retried by this rule (not by restwell's default), 1 s apart.
        response = await client.get(f"{base_url}/status/501")
        for attempt in response.attempts:
            print("  ", attempt)
        assert [a.status_code for a in response.attempts] == [501] * 4
        assert clock.sleeps == [1.0, 1.0, 1.0]
        # A 4xx is not: need_retry would have answered (False, None).
        response = await client.get(f"{base_url}/status/404")
        assert len(response.attempts) == 1

    async with restwell.AsyncClient(transport="aiohttp", clock=FakeClock()) as client:
        response = await client.get(f"{base_url}/status/501")
        assert len(response.attempts) == 1  # the default does not retry 501

    # The delay taken from the response: X-RateLimit-Reset-After, translated.
    clock = FakeClock()
    with FaultServer() as scripted:
        scripted.script(
            "/limited",
            [
                Step(429, headers={"X-RateLimit-Reset-After": "0.25"}),
                Step(200, json={"ok": True}),
            ],
        )
        async with restwell.AsyncClient(
            transport="aiohttp",
            middleware=[ResetAfterAsRetryAfter()],
            clock=clock,
        ) as client:
            response = await client.get(scripted.url_for("/limited"))
        print("waited:", clock.sleeps, response.attempts[0].reason)
        assert [a.status_code for a in response.attempts] == [429, 200]
        assert clock.sleeps == [0.25]


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
