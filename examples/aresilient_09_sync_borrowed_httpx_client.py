"""
aresilient seed example: ``ResilientClient``, "Scenario 1 - Two context managers
(external lifecycle management)":

    import httpx
    from aresilient import ResilientClient
    from aresilient.core.config import ClientConfig

    with httpx.Client(headers={"Authorization": "Bearer token"}) as http_client:
        with ResilientClient(
            client=http_client, config=ClientConfig(max_retries=5)
        ) as client:
            response = client.get("https://api.example.com/data1")
    # http_client is closed here by the outer ``with`` block

restwell: pass the open ``httpx.Client`` as ``transport=`` of ``restwell.Client``.
Already open, it is *borrowed*: its settings apply, and restwell never closes it.

Usage: python examples/aresilient_09_sync_borrowed_httpx_client.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` and
``/json`` routes are used); without it, the example starts its own.
"""

from __future__ import annotations

import sys

import httpx

import restwell
from restwell.testing import FaultServer

# aresilient's max_retries=5 counts retries; restwell's max_attempts counts the first
# try too, so the same policy is max_attempts=6.
RETRY = restwell.Retry(max_attempts=6)


def main(base_url: str) -> None:
    with httpx.Client(headers={"Authorization": "Bearer token"}) as http_client:
        with restwell.Client(transport=http_client, retry=RETRY) as client:
            print("transport:", client.transport)
            response = client.get(f"{base_url}/echo")
            echoed = response.data["headers"]
            print("GET /echo ->", response.status_code, "authorization sent:", end=" ")
            print("authorization" in echoed)
            assert response.status_code == 200
            assert echoed["authorization"] == "Bearer token"

        # restwell is closed; the borrowed httpx client is not.
        assert client.is_closed
        assert not http_client.is_closed
        assert http_client.get(f"{base_url}/json").status_code == 200
        print("httpx client open after restwell exited:", not http_client.is_closed)

    # Closed here by the outer ``with`` block, as in the seed.
    assert http_client.is_closed


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1].rstrip("/"))
    else:
        with FaultServer() as server:
            main(server.url)
