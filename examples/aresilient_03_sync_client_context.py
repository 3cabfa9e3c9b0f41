"""
aresilient seed examples: the module docstring's "Use context manager for multiple
requests" and the identical ``ResilientClient`` class example (wrapped here):

    >>> from aresilient import ResilientClient
    >>> from aresilient.core.config import ClientConfig
    >>> with ResilientClient(config=ClientConfig(max_retries=5)) as client:
    ...     response1 = client.get("https://api.example.com/data1")
    ...     response2 = client.post(
    ...         "https://api.example.com/data2", json={"key": "value"}
    ...     )

restwell: ``with restwell.Client(retry=restwell.Retry(max_attempts=6)) as client:``.
The client's retry policy applies to every call; the connection pool is shared.

Usage: python examples/aresilient_03_sync_client_context.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json``,
``/echo`` and ``/status/503`` routes are used); without it, the example starts its own.
"""

from __future__ import annotations

import sys

import restwell
from restwell.testing import FaultServer

# aresilient's max_retries counts the retries after the first try; restwell's
# max_attempts counts every attempt, the first try included: max_retries=5 -> 6.
# The backoff is shortened from the default (0.5 s x2, full jitter) so that the
# example runs in well under a second.
RETRY = restwell.Retry(
    max_attempts=6, backoff=restwell.Exponential(0.005, max_delay=0.02)
)


def main(base_url: str) -> None:
    with restwell.Client(retry=RETRY) as client:
        response1 = client.get(f"{base_url}/json")
        response2 = client.post(f"{base_url}/echo", json={"key": "value"})
        print("GET /json ->", response1.status_code, response1.data)
        print("POST /echo ->", response2.status_code, response2.data["body"])
        assert response1.status_code == 200
        assert response1.data == {"hello": "world"}
        assert response2.status_code == 200
        assert response2.data["method"] == "POST"
        assert response2.data["body"] == '{"key":"value"}'
        assert response2.data["headers"]["content-type"] == "application/json"

        # max_attempts=6 really is 6 attempts: 1 try + 5 retries, as in the seed.
        response3 = client.get(f"{base_url}/status/503")
        print("GET /status/503 ->", response3.status_code, "after", end=" ")
        print(len(response3.attempts), "attempts")
        assert response3.status_code == 503
        assert len(response3.attempts) == 6

        # A POST is not idempotent: restwell does not resend it after a 503 (the
        # server may have acted) unless it carries an Idempotency-Key.
        response4 = client.post(f"{base_url}/status/503", json={"key": "value"})
        assert len(response4.attempts) == 1
        response5 = client.post(
            f"{base_url}/status/503", json={"key": "value"}, idempotency_key="auto"
        )
        assert len(response5.attempts) == 6
    assert client.is_closed


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1].rstrip("/"))
    else:
        with FaultServer() as server:
            main(server.url)
