"""
extapi seed example: ``RetryableExecutor`` over the aiohttp backend:

    import asyncio
    from extapi.http.backends.aiohttp import AiohttpExecutor
    from extapi.http.executors.retry import RetryableExecutor

    async def main():
        async with AiohttpExecutor() as backend:
            executor = RetryableExecutor(backend, max_retries=3)
            async with await executor.get('https://httpbin.org/get') as response:
                print(response.status)
                print(await response.read())

    asyncio.run(main())

restwell: retrying is not a wrapper around the backend but a stage of every client:
``restwell.AsyncClient(transport="aiohttp", retry=restwell.Retry(max_attempts=4))``.
extapi's ``max_retries=3`` counts retries; restwell's ``max_attempts`` counts the
first try too, so the same policy is ``max_attempts=4``.

What is retried (``restwell.policies.DEFAULT_RETRY_ON``): statuses 408, 429, 500,
502, 503, 504, timeouts, network errors (a reset connection) and protocol errors,
with exponential backoff and full jitter between attempts. extapi's "any other
exception" is narrower here on purpose: a bug in your code (a ``TypeError``) is not
retried. And a request that may have reached the server is resent only when that is
safe: an idempotent method, or one carrying an ``Idempotency-Key``
(``idempotency_key="auto"``). The 401-with-a-new-token case is example 08.

Usage: python examples/extapi_03_retryable_executor.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` and
``/status/{code}`` routes are used); without it, the example starts its own. The
scripted sequences (503, 503, 200 ...) run on a second ``FaultServer`` the example
starts itself.
"""

from __future__ import annotations

import asyncio
import sys

import restwell
from restwell.testing import FakeClock, FaultServer, Step

# extapi's max_retries=3: 4 attempts in all.
RETRY = restwell.Retry(max_attempts=4)


async def main(base_url: str) -> None:
    # FakeClock: the backoff waits between attempts take no real time (and are
    # recorded in clock.sleeps), the requests still cross a real socket.
    clock = FakeClock()
    with FaultServer() as scripted:
        scripted.script("/flaky", [Step(503), Step(503), Step(200, json={"ok": True})])
        scripted.script("/slow", [Step(200, delay=2.0), Step(200, json={"ok": True})])
        scripted.script(
            "/cut", [Step(200, fault="reset_mid_body"), Step(200, json={"ok": True})]
        )
        async with restwell.AsyncClient(
            transport="aiohttp", retry=RETRY, clock=clock
        ) as client:
            # The seed's call: a healthy endpoint, one attempt.
            response = await client.get(f"{base_url}/json")
            print(response.status_code)
            print(response.content)
            assert response.status_code == 200
            assert len(response.attempts) == 1

            # 503, 503, then 200: two retries, and the 200 is returned.
            response = await client.get(scripted.url_for("/flaky"))
            for attempt in response.attempts:
                print("  ", attempt)
            assert response.status_code == 200
            assert [a.status_code for a in response.attempts] == [503, 503, 200]
            assert scripted.hits("/flaky") == 3
            assert len(clock.sleeps) == 2  # one backoff wait before each retry

            # Always 500: 4 attempts (3 retries), then the last response is returned.
            response = await client.get(f"{base_url}/status/500")
            assert response.status_code == 500
            assert [a.status_code for a in response.attempts] == [500] * 4

            # A timeout (the server answers after 2 s; the attempt allows 0.2 s) and
            # a connection reset in the middle of the body are retried like a 5xx.
            response = await client.get(scripted.url_for("/slow"), timeout=0.2)
            assert isinstance(response.attempts[0].error, restwell.ReadTimeout)
            assert response.status_code == 200
            response = await client.get(scripted.url_for("/cut"))
            print("after a reset mid-body:", [str(a) for a in response.attempts])
            assert isinstance(response.attempts[0].error, restwell.ReadError)
            assert response.status_code == 200
            assert scripted.hits("/cut") == 2

            # A POST that got a 503 may have been processed: not resent ...
            response = await client.post(f"{base_url}/status/503", json={"n": 1})
            assert len(response.attempts) == 1
            # ... unless it carries an idempotency key (the same key every attempt).
            response = await client.post(
                f"{base_url}/status/503", json={"n": 1}, idempotency_key="auto"
            )
            assert len(response.attempts) == 4


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
