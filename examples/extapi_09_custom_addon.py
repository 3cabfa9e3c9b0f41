"""
extapi seed example: the ``Addon`` protocol, which a custom addon satisfies:

    @runtime_checkable
    class Addon(Protocol[T]):
        async def before_request(self, request: RequestData) -> None:
            return None

        async def process_response(
            self, request: RequestData, response: Response[T]
        ) -> Response[T]:
            return response

        async def process_error(self, request: RequestData, error: Exception) -> None:
            return None

restwell has two extension points where extapi has one:

- **middleware**, ``async (request, call_next) -> Response``: the three methods are
  one function; code before ``await call_next(request)`` is ``before_request``,
  code after it is ``process_response`` (it may return another response), an
  ``except`` around it is ``process_error``. By default it runs once per attempt,
  like an addon inside ``RetryableExecutor``; ``stage = "call"`` runs it once per
  call instead. ``AddonMiddleware`` below runs an extapi-shaped addon object as-is.
- **hooks**, ``(event) -> None``: to observe only (logging, metrics), subscribe to
  the events ``RequestSent`` (before_request), ``ResponseReceived``
  (process_response) and ``AttemptFailed`` (process_error). A hook cannot change
  the request or response, and a hook that raises is logged and ignored, so
  observing can never break a call.

Usage: python examples/extapi_09_custom_addon.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` route
is used); without it, the example starts its own. The failing sequence runs on a
second ``FaultServer`` the example starts itself.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import restwell
from restwell.instrumentation import (
    AttemptFailed,
    Event,
    RequestSent,
    ResponseReceived,
)
from restwell.testing import FakeClock, FaultServer, Step


class Addon(Protocol):
    """extapi's addon shape, over restwell's ``Request`` and ``Response``."""

    async def before_request(self, request: restwell.Request) -> None: ...

    async def process_response(
        self, request: restwell.Request, response: restwell.Response[Any]
    ) -> restwell.Response[Any]: ...

    async def process_error(
        self, request: restwell.Request, error: Exception
    ) -> None: ...


class AddonMiddleware:
    """Run an ``Addon`` as attempt middleware: its three methods, per attempt."""

    def __init__(self, addon: Addon) -> None:
        self.addon = addon

    async def __call__(
        self,
        request: restwell.Request,
        call_next: Callable[[restwell.Request], Awaitable[restwell.Response[Any]]],
    ) -> restwell.Response[Any]:
        await self.addon.before_request(request)
        try:
            response = await call_next(request)
        except Exception as error:
            await self.addon.process_error(request, error)
            raise  # the retry stage decides what happens next
        return await self.addon.process_response(request, response)


class Journal:
    """A custom addon: note every step, and tag each request with its attempt."""

    def __init__(self) -> None:
        self.steps: list[str] = []

    async def before_request(self, request: restwell.Request) -> None:
        request.headers["X-Attempt"] = str(request.attempt)
        self.steps.append(f"before {request.attempt}")

    async def process_response(
        self, request: restwell.Request, response: restwell.Response[Any]
    ) -> restwell.Response[Any]:
        self.steps.append(f"response {response.status_code}")
        return response

    async def process_error(self, request: restwell.Request, error: Exception) -> None:
        self.steps.append(f"error {type(error).__name__}")


class Observer:
    """The same three moments as a hook: observe only."""

    event_types = (RequestSent, ResponseReceived, AttemptFailed)

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, event: Event) -> None:
        if isinstance(event, RequestSent):
            self.seen.append(f"sent {event.attempt}")
        elif isinstance(event, ResponseReceived):
            self.seen.append(f"response {event.response.status_code}")
        elif isinstance(event, AttemptFailed):
            self.seen.append(f"error {type(event.error).__name__}")


async def main(base_url: str) -> None:
    journal, observer = Journal(), Observer()
    async with restwell.AsyncClient(
        transport="aiohttp",
        middleware=[AddonMiddleware(journal)],
        hooks=[observer],
        clock=FakeClock(),
    ) as client:
        response = await client.get(f"{base_url}/json")
        assert response.data == {"hello": "world"}
        assert journal.steps == ["before 1", "response 200"]
        assert observer.seen == ["sent 1", "response 200"]

        with FaultServer() as scripted:
            # A connection reset mid-body, a 503, then a 200: three attempts.
            scripted.script(
                "/flaky",
                [Step(200, fault="reset_mid_body"), Step(503), Step(200, json={})],
            )
            journal.steps.clear()
            observer.seen.clear()
            response = await client.get(scripted.url_for("/flaky"))
            print("addon:", journal.steps)
            print("hook: ", observer.seen)
            assert response.status_code == 200
            assert journal.steps == [
                "before 1",
                "error ReadError",
                "before 2",
                "response 503",
                "before 3",
                "response 200",
            ]
            assert observer.seen == [
                "sent 1",
                "error ReadError",
                "sent 2",
                "response 503",
                "sent 3",
                "response 200",
            ]
            tags = [r.header("x-attempt") for r in scripted.requests("/flaky")]
            assert tags == ["1", "2", "3"]


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
