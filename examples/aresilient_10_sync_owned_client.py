"""
aresilient seed example: ``ResilientClient``, "Scenario 2 - Single context manager
(ResilientClient manages lifecycle)" and its shorthand:

    with ResilientClient(
        client=httpx.Client(), config=ClientConfig(max_retries=5)
    ) as client:
        response = client.get("https://api.example.com/data1")
    # httpx.Client is closed here by ResilientClient

    # Equivalent shorthand (ResilientClient creates a default client):
    with ResilientClient(config=ClientConfig(max_retries=5)) as client:
        response = client.get("https://api.example.com/data1")

restwell: an ``httpx.Client`` that is not open yet when passed as ``transport=`` is
*owned*: ``restwell.Client`` closes it on exit. Without ``transport=``, restwell
creates (and owns) its own. ``restwell.transports.HttpxTransport(http_client,
owns_client=False)`` keeps an unopened client open.

Usage: python examples/aresilient_10_sync_owned_client.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` route is
used); without it, the example starts its own.
"""

from __future__ import annotations

import sys

import httpx

import restwell
from restwell.testing import FaultServer
from restwell.transports import HttpxTransport

# aresilient's max_retries=5 counts retries; restwell's max_attempts counts the first
# try too, so the same policy is max_attempts=6.
RETRY = restwell.Retry(max_attempts=6)


def main(base_url: str) -> None:
    # Scenario 2: the httpx client is created inline and owned by restwell.
    http_client = httpx.Client()
    with restwell.Client(transport=http_client, retry=RETRY) as client:
        print("transport:", client.transport)
        response = client.get(f"{base_url}/json")
        assert response.status_code == 200
        assert response.data == {"hello": "world"}
    assert http_client.is_closed  # closed by restwell on exit
    print("inline httpx client closed by restwell:", http_client.is_closed)

    # The shorthand: restwell creates the httpx client itself, and closes it.
    with restwell.Client(retry=RETRY) as client:
        response = client.get(f"{base_url}/json")
        assert response.data == {"hello": "world"}
        created = client.transport
        assert isinstance(created, HttpxTransport)
        assert created.owns_client
    assert created.client.is_closed

    # Opting out: an unopened client, explicitly not owned, stays open.
    kept = httpx.Client()
    with restwell.Client(transport=HttpxTransport(kept, owns_client=False)) as client:
        assert client.get(f"{base_url}/json").status_code == 200
    assert not kept.is_closed
    kept.close()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1].rstrip("/"))
    else:
        with FaultServer() as server:
            main(server.url)
