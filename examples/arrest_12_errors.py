"""
arrest seed example: "Handling exceptions": all of arrest's errors subclass
``ArrestError``:

- ``RequestError``: transport-level failures (timeout, DNS errors, connection
  refused), with a ``message`` string;
- ``ArrestHTTPException``: only with ``raise_for_status=True`` and a non-2xx
  response; ``status_code`` and ``data``;
- ``ResponseError``: the response body cannot be parsed;
- ``HandlerNotFound``: no matching handler for the request.

restwell: all subclass ``restwell.RestwellError``.

- ``ArrestError`` → ``RestwellError``;
- ``RequestError`` → ``RequestError``: ``TransportError`` (``ConnectError``,
  ``ReadTimeout``, ...) or ``DeadlineExceeded``; the text is ``str(exc)``;
- ``ArrestHTTPException`` → ``HTTPStatusError``: ``.status_code``, ``.response``
  (the body is ``exc.response.data``);
- ``ResponseError`` → ``ResponseValidationError``: ``.response``, the cause as
  ``__cause__``;
- ``HandlerNotFound`` → ``HandlerNotFound`` (a ``ConfigurationError``), whose
  message names the resource, method, path and the handlers there are; also as
  ``.resource``, ``.method``, ``.path``, ``.handlers``;
- pydantic's bare ``ValidationError`` for a bad request → ``RequestValidationError``,
  raised before anything is sent.

Usage: python examples/arrest_12_errors.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` and
``/status/{code}`` routes are used); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Awaitable

from pydantic import BaseModel

import restwell
from restwell.service import GET, POST, H
from restwell.testing import FaultServer


class Greeting(BaseModel):
    greeting: str  # /json sends {"hello": "world"}: does not fit


class NewUser(BaseModel):
    name: str


def closed_port_url() -> str:
    """Return a loopback URL on which nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def make_service(url: str) -> restwell.Service:
    return restwell.Service(
        "example",
        url,
        resources=[
            restwell.Resource("/status", handlers=[H(GET, "/{code:int}")]),
            restwell.Resource("/json", handlers=[H(GET, "", response=Greeting)]),
            restwell.Resource("/users", handlers=[H(POST, "", request=NewUser)]),
        ],
        retry=None,
    )


async def main(base_url: str) -> None:
    caught: dict[str, restwell.RestwellError] = {}

    async def attempt(name: str, call: Awaitable[object]) -> None:
        try:
            await call
        except restwell.RestwellError as exc:
            print(f"{name}: {type(exc).__name__}: {exc}")
            caught[name] = exc

    async with make_service(base_url) as svc:
        await attempt("status", svc.status.get("/404", raise_for_status=True))
        await attempt("response", svc.json.get())
        await attempt("no handler", svc.status.get("/teapot"))
        await attempt("bad request", svc.users.post(request={"nom": "x"}))
    async with make_service(closed_port_url()) as down:
        await attempt("transport", down.status.get("/200"))

    status = caught["status"]
    assert isinstance(status, restwell.HTTPStatusError)
    assert status.status_code == 404
    assert status.response.data == "404 Not Found\n"

    invalid = caught["response"]
    assert isinstance(invalid, restwell.ResponseValidationError)
    assert invalid.response.status_code == 200
    assert invalid.__cause__ is not None  # pydantic's ValidationError

    missing = caught["no handler"]
    assert isinstance(missing, restwell.HandlerNotFound)
    assert isinstance(missing, restwell.ConfigurationError)
    assert missing.resource == "status"
    assert missing.method == "GET"
    assert missing.path == "/teapot"
    assert missing.handlers == ("GET /status/{code:int}",)

    refused = caught["bad request"]
    assert isinstance(refused, restwell.RequestValidationError)
    assert refused.model is NewUser

    transport = caught["transport"]
    assert isinstance(transport, restwell.RequestError)
    assert isinstance(transport, restwell.ConnectError)
    assert "Connect" in str(transport)  # arrest's exc.message


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
