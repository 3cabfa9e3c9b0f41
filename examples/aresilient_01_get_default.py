"""
aresilient seed example 1 (module docstring), "Use default exponential backoff":

    >>> from aresilient import get
    >>> response = get("https://api.example.com/data")

restwell: ``restwell.get(url)`` sends one request through a short-lived client with
the default ``Retry()``: 3 attempts in all, exponential backoff 0.5 s x2 capped at
20 s with full jitter, retrying 408/429/500/502/503/504 and transport errors.
(aresilient's default is ``max_retries=3``, i.e. 4 attempts, without jitter.)

Unlike aresilient, which raises ``HttpRequestError`` once retries run out, restwell
returns the last response (``raise_for_status=True`` raises instead: see example 08).

Usage: python examples/aresilient_01_get_default.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` and
``/status/{code}`` routes are used); without it, the example starts its own.
"""

from __future__ import annotations

import sys

import restwell
from restwell.testing import FaultServer


def main(base_url: str) -> None:
    # The default policy, spelled out.
    default = restwell.Retry()
    print("default retry policy:", default)
    assert default.max_attempts == 3
    assert isinstance(default.backoff, restwell.Exponential)
    assert default.backoff.jitter == restwell.FullJitter()

    # A healthy endpoint: one attempt, no waiting.
    response = restwell.get(f"{base_url}/json")
    print("GET /json ->", response.status_code, response.data)
    assert response.status_code == 200
    assert response.data == {"hello": "world"}
    assert len(response.attempts) == 1

    # An endpoint that keeps failing: retried with the default backoff (at most
    # 0.5 s + 1.0 s of jittered waits here), then the last 503 is returned.
    response = restwell.get(f"{base_url}/status/503")
    for attempt in response.attempts:
        print("  ", attempt)
    assert response.status_code == 503
    assert [a.status_code for a in response.attempts] == [503, 503, 503]
    assert 0.0 <= response.attempts[0].delay <= 0.5  # full jitter: uniform(0, 0.5)
    assert 0.0 <= response.attempts[1].delay <= 1.0  # uniform(0, 0.5 * 2)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1].rstrip("/"))
    else:
        with FaultServer() as server:
            main(server.url)
