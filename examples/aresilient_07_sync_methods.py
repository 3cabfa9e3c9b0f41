"""
aresilient seed examples: the ``ResilientClient`` method examples (``delete``,
``get``, ``head``, ``options``, ``patch``, ``post``, ``put``, ``request``), e.g.

    >>> from aresilient import ResilientClient
    >>> with ResilientClient() as client:
    ...     response = client.put("https://api.example.com/data", json={"key": "value"})

restwell: the same method names on ``restwell.Client`` (the sync twin of
``AsyncClient``), each retried under the client's policy.

Usage: python examples/aresilient_07_sync_methods.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` route
answers any method with what it received); without it, the example starts its own.
"""

from __future__ import annotations

import sys

import restwell
from restwell.testing import FaultServer


def main(base_url: str) -> None:
    url = f"{base_url}/echo"
    with restwell.Client() as client:
        got = {
            "DELETE": client.delete(url),
            "GET": client.get(url),
            "OPTIONS": client.options(url),
            "PATCH": client.patch(url, json={"key": "value"}),
            "POST": client.post(url, json={"key": "value"}),
            "PUT": client.put(url, json={"key": "value"}),
            "REQUEST GET": client.request("GET", url),
        }
        for name, response in got.items():
            print(f"{name:<12} -> {response.status_code} {response.data['method']}")
            assert response.status_code == 200
            assert response.data["method"] == name.removeprefix("REQUEST ")
        for name in ("PATCH", "POST", "PUT"):
            assert got[name].data["body"] == '{"key":"value"}'

        # HEAD: the same head as GET, no body.
        head = client.head(url)
        print(f"{'HEAD':<12} -> {head.status_code} body={head.content!r}")
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["content-type"] == "application/json"


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1].rstrip("/"))
    else:
        with FaultServer() as server:
            main(server.url)
