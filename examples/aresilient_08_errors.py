"""
aresilient seed example: ``HttpRequestError`` (and the ``request()`` methods'
"Raises: HttpRequestError: If the request fails after all retries"):

    >>> from aresilient import HttpRequestError
    >>> raise HttpRequestError(
    ...     method="GET",
    ...     url="https://api.example.com/data",
    ...     message="Request failed with status 404",
    ...     status_code=404,
    ... )

restwell splits aresilient's one error in two (none of them is a ``RuntimeError``;
catch ``restwell.RestwellError`` for everything):

- a final 4xx/5xx *response* is returned; ``raise_for_status=True`` (per client or
  per call) or ``response.raise_for_status()`` turns it into ``HTTPStatusError``:
  ``.status_code``, ``.response``, ``.request`` (``.method``, ``.url``), ``.attempts``;
- a failure with no response raises a ``TransportError`` subclass (``ConnectError``,
  ``ReadTimeout``, ...): the last attempt's error, with ``.request``, ``.attempts``, a
  note saying how many attempts were made, and httpx's error as ``__cause__`` (what
  aresilient's ``cause=`` carried).

Usage: python examples/aresilient_08_errors.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/status/{code}``
route is used); without it, the example starts its own.
"""

from __future__ import annotations

import socket
import sys

import httpx

import restwell
from restwell.testing import FaultServer

# Short waits so the example runs fast (the default backoff starts at 0.5 s).
FAST = restwell.Retry(backoff=restwell.Exponential(0.005, max_delay=0.02))


def closed_port_url() -> str:
    """Return a loopback URL on which nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/data"


def main(base_url: str) -> None:
    with restwell.Client(retry=FAST) as client:
        # 404: not retryable, so one attempt, then HTTPStatusError.
        not_found: restwell.HTTPStatusError | None = None
        try:
            client.get(f"{base_url}/status/404", raise_for_status=True)
        except restwell.HTTPStatusError as exc:
            print("HTTPStatusError:", exc)
            not_found = exc
        assert not_found is not None, "a 404 under raise_for_status must raise"
        assert not_found.status_code == 404
        assert not_found.response.status_code == 404
        assert not_found.request.method == "GET"
        assert not_found.request.url == f"{base_url}/status/404"
        assert len(not_found.attempts) == 1

        # 503: retryable, so retried until out of attempts; the last response is
        # returned as it is (no raise_for_status) ...
        response = client.get(f"{base_url}/status/503")
        assert response.status_code == 503
        assert len(response.attempts) == 3
        # ... and raise_for_status() raises from it, attempts included.
        unavailable: restwell.HTTPStatusError | None = None
        try:
            response.raise_for_status()
        except restwell.HTTPStatusError as exc:
            print("HTTPStatusError:", exc)
            unavailable = exc
        assert unavailable is not None, "raise_for_status() on a 503 must raise"
        assert unavailable.status_code == 503
        assert [a.status_code for a in unavailable.attempts] == [503, 503, 503]

    # No response at all: the connection is refused on every attempt.
    url = closed_port_url()
    refused: restwell.TransportError | None = None
    try:
        restwell.get(url, retry=FAST)
    except restwell.TransportError as exc:
        print(f"{type(exc).__name__}: {exc}")
        for note in exc.__notes__:
            print("   note:", note)
        refused = exc
    assert refused is not None, "a refused connection must raise"
    assert isinstance(refused, restwell.ConnectError)
    assert refused.request is not None
    assert refused.request.url == url
    # A refused connection never sent the request: retried for any method.
    assert len(refused.attempts) == 3
    assert all(a.error is not None for a in refused.attempts)
    assert isinstance(refused.__cause__, httpx.ConnectError)
    assert refused.__notes__[0].startswith("restwell: gave up after 3 attempts")

    # Both are restwell errors, so one handler can catch either.
    caught = []
    for target in (f"{base_url}/status/500", url):
        try:
            restwell.get(target, raise_for_status=True, retry=None)
        except restwell.RestwellError as exc:
            print("caught as RestwellError:", type(exc).__name__)
            caught.append(type(exc))
    assert caught == [restwell.HTTPStatusError, restwell.ConnectError]


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1].rstrip("/"))
    else:
        with FaultServer() as server:
            main(server.url)
