"""
arrest seed example: "Using a callback":

    async def demo_callback(data: Any):
        await asyncio.sleep(1)
        logging.info("foo has been barred")
        return None

    service.add_resource(
        Resource(
            route="/user",
            handlers=[
                ResourceHandler(method=Methods.GET, route="/", callback=demo_callback)
            ],
        )
    )
    response = await service.user.get("/")
    # >>> foo has been barred
    # response == None

The callback may be sync or async; it gets the (decoded) response, its return value
becomes the result, and its exceptions are re-raised.

restwell: the same ``callback=`` (fifth tuple entry, dict key, ``ResourceHandler``
or ``H`` argument). It is called with ``resp.data`` (the body decoded into the
handler's response type), only for a 2xx response; its return value becomes
``resp.data`` (the call still returns the ``Response``, so status and headers stay
at hand); its exceptions propagate unchanged. An async callback needs an async
client: a service bound to the sync ``restwell.Client`` refuses one with a
``ConfigurationError`` (use a sync callback there).

Usage: python examples/arrest_11_callbacks.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` route is
used by the sync part); without it, the example starts its own. The ``/user`` API
runs on a second ``FaultServer`` the example scripts itself.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

from pydantic import BaseModel

import restwell
from restwell.service import GET, H, Methods
from restwell.testing import FaultServer, Step

log: list[str] = []


async def demo_callback(data: Any) -> None:
    await asyncio.sleep(0)
    logging.getLogger("example").info("foo has been barred")
    log.append(f"foo has been barred: {data}")


class User(BaseModel):
    id: int
    name: str


def first_name(user: User) -> str:
    """A sync callback, given the decoded model."""
    return user.name.split()[0]


def audit(data: Any) -> Any:
    raise PermissionError("audit log is full")


async def async_part() -> None:
    with FaultServer() as api:
        api.script("/user/", [Step(200, json={"id": 1, "name": "Ada Lovelace"})])
        api.script("/user/1", [Step(200, json={"id": 1, "name": "Ada Lovelace"})])
        api.script("/user/2", [Step(404, json={"error": "no user 2"})])
        service = restwell.Service("example", api.url)
        service.add_resource(
            restwell.Resource(
                route="/user",
                handlers=[
                    restwell.ResourceHandler(
                        method=Methods.GET, route="/", callback=demo_callback
                    ),
                    H(GET, "/{id:int}", response=User, callback=first_name),
                    H(Methods.DELETE, "/{id:int}", callback=audit),
                ],
            )
        )
        async with service:
            response = await service.user.get("/")
            print(log, response.data)
            assert log == ["foo has been barred: {'id': 1, 'name': 'Ada Lovelace'}"]
            assert response.data is None  # the callback's return value
            assert response.status_code == 200

            response = await service.user.get(id=1)
            assert response.data == "Ada"  # given a User, returned a str

            response = await service.user.get(id=2)  # not 2xx: no callback
            assert response.data == {"error": "no user 2"}

            raised: PermissionError | None = None
            try:
                await service.user.delete(id=1)
            except PermissionError as exc:  # propagates unchanged
                raised = exc
            assert raised is not None
            assert str(raised) == "audit log is full"


def main(base_url: str) -> None:
    asyncio.run(async_part())

    # Sync: a service bound to a restwell.Client.
    echo = restwell.Service(
        "echo",
        base_url,
        resources=[
            restwell.Resource(
                "/echo",
                handlers=[
                    H(GET, "", callback=lambda data: data["method"]),
                    H(Methods.POST, "", callback=demo_callback),
                ],
            )
        ],
    )
    with restwell.Client() as client:
        bound = echo.bind(client)
        assert bound.echo.get().data == "GET"
        refused: restwell.ConfigurationError | None = None
        try:
            bound.echo.post()
        except restwell.ConfigurationError as exc:
            print("sync + async callback:", exc)
            refused = exc
        assert refused is not None, "a sync client cannot await an async callback"


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1].rstrip("/"))
    else:
        with FaultServer() as server:
            main(server.url)
