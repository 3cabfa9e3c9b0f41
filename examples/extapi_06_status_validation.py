"""
extapi seed addon ``StatusValidationAddon`` (used as ``StatusValidationAddon((200,))``
in the seed's full-featured example): "This one validates the status code of the
response. If the status code is not in the list of allowed status codes, it raises
an exception."

restwell:

- the usual case, "raise for an error status", is ``raise_for_status=True``, per
  client or per call: a final 4xx/5xx raises ``restwell.HTTPStatusError`` (with
  ``.status_code``, ``.response``, ``.attempts``), after the retries it was owed;
- an exact allow-list (only 200: a 204 or a 302 is an error too) is a few lines of
  call middleware, ``ExpectStatus`` below: ``stage = "call"`` runs it once per call,
  on the final response, so a 503 is still retried before it is judged.

Usage: python examples/extapi_06_status_validation.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` and
``/status/{code}`` routes are used); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import restwell
from restwell.testing import FakeClock, FaultServer


class UnexpectedStatus(Exception):
    """The final response's status is not one the caller allowed."""

    def __init__(self, response: restwell.Response[Any], allowed: frozenset[int]):
        super().__init__(
            f"status {response.status_code} is not one of {sorted(allowed)}"
        )
        self.response = response
        self.status_code = response.status_code


class ExpectStatus:
    """Call middleware: raise ``UnexpectedStatus`` unless the status is allowed."""

    stage = "call"  # once per call, on the final response (after retries)

    def __init__(self, *allowed: int) -> None:
        self.allowed = frozenset(allowed)

    async def __call__(
        self,
        request: restwell.Request,
        call_next: Callable[[restwell.Request], Awaitable[restwell.Response[Any]]],
    ) -> restwell.Response[Any]:
        response = await call_next(request)
        if response.status_code not in self.allowed:
            raise UnexpectedStatus(response, self.allowed)
        return response


async def main(base_url: str) -> None:
    # raise_for_status=True: any final 4xx/5xx raises HTTPStatusError.
    async with restwell.AsyncClient(
        transport="aiohttp", raise_for_status=True, clock=FakeClock()
    ) as client:
        assert (await client.get(f"{base_url}/json")).status_code == 200
        assert (await client.get(f"{base_url}/status/204")).status_code == 204
        error: restwell.HTTPStatusError | None = None
        try:
            await client.get(f"{base_url}/status/503")
        except restwell.HTTPStatusError as exc:
            print("HTTPStatusError:", exc)
            error = exc
        assert error is not None, "raise_for_status=True must raise for a 503"
        assert error.status_code == 503
        assert len(error.attempts) == 3  # retried first, then judged
        # Per call, it can be turned off again.
        response = await client.get(f"{base_url}/status/404", raise_for_status=False)
        assert response.status_code == 404

    # StatusValidationAddon((200,)): only 200 passes.
    async with restwell.AsyncClient(
        transport="aiohttp", middleware=[ExpectStatus(200)], clock=FakeClock()
    ) as client:
        assert (await client.get(f"{base_url}/json")).data == {"hello": "world"}
        for code, attempts in ((204, 1), (404, 1), (503, 3)):
            unexpected: UnexpectedStatus | None = None
            try:
                await client.get(f"{base_url}/status/{code}")
            except UnexpectedStatus as exc:
                print("UnexpectedStatus:", exc)
                unexpected = exc
            assert unexpected is not None, f"ExpectStatus(200) must raise for {code}"
            assert unexpected.status_code == code
            assert len(unexpected.response.attempts) == attempts


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
