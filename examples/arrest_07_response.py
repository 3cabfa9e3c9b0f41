"""
arrest seed example: "Understanding Response[T]":

    resp = await svc.users.get("/")
    resp.is_success       # True if 200-299
    resp.is_client_error  # True if 400-499
    resp.is_server_error  # True if 500-599
    resp.status_code      # int
    user: UserResponse = resp.data
    print(resp.url)           # httpx.URL
    print(resp.elapsed)       # timedelta | None
    print(resp.raw.headers)   # raw httpx.Response headers

restwell: every declared call returns a ``restwell.Response[T]`` with the same names,
where ``T`` is the handler's response type. Differences: ``url`` is a ``str``;
``elapsed`` is a ``float`` in seconds for the whole call (every attempt and wait);
the headers are ``resp.headers`` (case-insensitive, on every transport);
``resp.raw`` is the backend's own response object (an ``httpx.Response`` under
``transport="httpx"``). Beyond arrest: ``resp.attempts`` (every attempt of the
call), ``resp.request`` (what was sent), ``resp.content`` / ``resp.text``.

Usage: python examples/arrest_07_response.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/status/{code}``
route is used); without it, the example starts its own. The ``/users`` API runs on a
second ``FaultServer`` the example scripts itself.
"""

from __future__ import annotations

import asyncio
import sys

import httpx
from pydantic import BaseModel

import restwell
from restwell.service import GET, H
from restwell.testing import FaultServer, Step


class UserResponse(BaseModel):
    id: int
    name: str


async def main(base_url: str) -> None:
    with FaultServer() as api:
        api.script(
            "/users/",
            [Step(200, json=[{"id": 1, "name": "ada"}], headers={"X-Total": "1"})],
        )
        svc = restwell.Service(
            "example",
            api.url,
            resources=[
                restwell.Resource(
                    "/users", handlers=[H(GET, "/", response=list[UserResponse])]
                )
            ],
            client=restwell.AsyncClient(transport="httpx"),  # borrowed: closed below
        )
        async with svc.client:
            resp = await svc.users.get("/")
            print(resp, resp.elapsed, resp.headers)
            assert resp.is_success
            assert not resp.is_client_error
            assert not resp.is_server_error
            assert resp.status_code == 200
            users: list[UserResponse] = resp.data
            assert users == [UserResponse(id=1, name="ada")]
            assert resp.url == f"{api.url}/users/"
            assert isinstance(resp.elapsed, float)
            assert resp.elapsed >= 0.0  # seconds, the whole call
            assert resp.headers["x-total"] == "1"  # any case
            assert isinstance(resp.raw, httpx.Response)  # the backend's own
            assert resp.raw.headers["X-Total"] == "1"
            assert len(resp.attempts) == 1
            assert resp.request.method == "GET"

    status = restwell.Resource("/status", handlers=[("GET", "/{code:int}")])
    async with restwell.Service("example", base_url, resources=[status]) as svc:
        resp = await svc.status.get(code=418)
        assert (resp.is_success, resp.is_client_error, resp.is_server_error) == (
            False,
            True,
            False,
        )
        resp = await svc.status.get(code=501)  # 501 is not retried
        assert (resp.is_success, resp.is_client_error, resp.is_server_error) == (
            False,
            False,
            True,
        )
        print(resp.status_code, resp.reason_phrase, repr(resp.text))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
