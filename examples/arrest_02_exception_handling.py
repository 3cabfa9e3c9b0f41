"""
arrest seed example: exception handling (quickstart):

    from arrest.exceptions import RequestError
    try:
        resp = await example_svc.user.get("/")
        if not resp.is_success:
            print(f"Error: {resp.status_code} {resp.data}")
    except RequestError as exc:
        print(f"Request failed: {exc.message}")

restwell: the same shape works.

- ``restwell.RequestError`` is raised when there is no response to return: its
  subclass ``restwell.TransportError`` (``ConnectError``, ``ReadTimeout``, ...) for a
  failed connection, ``restwell.DeadlineExceeded`` when the call's deadline ran out.
  The text is ``str(exc)`` (arrest's ``exc.message``); ``exc.request`` is the request
  and ``exc.attempts`` every attempt (restwell retried it first).
- A non-2xx response is a normal ``Response`` (``resp.is_success`` is ``False``)...
- ... unless ``raise_for_status=True`` (per service, resource, handler or call): then
  ``restwell.HTTPStatusError`` (arrest's ``ArrestHTTPException``) with
  ``.status_code`` and ``.response`` (the body is ``exc.response.data``). It is not a
  ``RequestError``; catch ``restwell.RestwellError`` for both.

Usage: python examples/arrest_02_exception_handling.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/status/{code}``
route is used); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import socket
import sys

import restwell
from restwell.testing import FaultServer

# No waits between retries, so the example runs fast (the default starts at 0.5 s).
NO_WAIT = restwell.Retry(backoff=restwell.Constant(0.0))


def closed_port_url() -> str:
    """Return a loopback URL on which nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def status_service(url: str, **options: object) -> restwell.Service:
    return restwell.Service(
        "example",
        url,
        resources=[
            restwell.Resource(
                name="user", route="/status", handlers=[("GET", "/{code:int}")]
            )
        ],
        **{"retry": NO_WAIT, **options},
    )


async def main(base_url: str) -> None:
    # A 404 is a response, not an exception.
    async with status_service(base_url) as example_svc:
        resp = await example_svc.user.get("/404")
        if not resp.is_success:
            print(f"Error: {resp.status_code} {resp.data!r}")
        assert resp.status_code == 404
        assert resp.data == "404 Not Found\n"
        # A 503 is retried (GET is idempotent), then the last response returned.
        resp = await example_svc.user.get(code=503)
        assert not resp.is_success
        assert [a.status_code for a in resp.attempts] == [503, 503, 503]

    # No response at all: RequestError (here its subclass ConnectError).
    failure: restwell.RequestError | None = None
    async with status_service(closed_port_url()) as down_svc:
        try:
            await down_svc.user.get("/200")
        except restwell.RequestError as exc:
            print(f"Request failed: {exc}")
            failure = exc
    assert failure is not None, "a refused connection must raise"
    assert isinstance(failure, restwell.TransportError)
    assert isinstance(failure, restwell.ConnectError)
    assert failure.request is not None
    assert failure.request.url.endswith("/status/200")
    assert len(failure.attempts) == 3  # nothing was sent: retried for any method

    # raise_for_status=True: a final 4xx/5xx raises HTTPStatusError.
    async with status_service(base_url, raise_for_status=True) as strict_svc:
        error: restwell.HTTPStatusError | None = None
        try:
            await strict_svc.user.get("/409")
        except restwell.HTTPStatusError as exc:
            print(f"HTTPStatusError: {exc}")
            error = exc
        assert error is not None, "raise_for_status=True must raise for a 409"
        assert error.status_code == 409
        assert error.response.data == "409 Conflict\n"
        assert not isinstance(error, restwell.RequestError)
        # Per call, the service's choice can be turned off again.
        resp = await strict_svc.user.get("/409", raise_for_status=False)
        assert resp.status_code == 409

    # One handler for both kinds: restwell.RestwellError.
    caught = []
    for url in (base_url, closed_port_url()):
        async with status_service(url, raise_for_status=True, retry=None) as svc:
            try:
                await svc.user.get("/500")
            except restwell.RestwellError as exc:
                caught.append(type(exc))
    print("caught as RestwellError:", [c.__name__ for c in caught])
    assert caught == [restwell.HTTPStatusError, restwell.ConnectError]


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
