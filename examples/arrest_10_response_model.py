"""
arrest seed example: "Using a pydantic model for response":

    class UserResponse(BaseModel):
        name: str
        email: str
        role: str
        created_at: datetime
        updated_at: datetime
        is_deleted: bool

    Resource(
        route="/user",
        handlers=[
            ("GET", "/{user_id}", None, UserResponse),  # no request type: None
        ],
    )
    response = await svc.user.get(f"/{user_id}")  # type: UserResponse

restwell: the fourth tuple entry (or ``response=``) is the type a 2xx body is decoded
into: ``resp.data`` is a ``UserResponse`` (or a ``list[UserResponse]`` for
``response=list[UserResponse]``; any type a pydantic ``TypeAdapter`` takes: a
dataclass, a ``TypedDict``, a union). The call returns the ``Response`` (arrest
returned the model itself): the model is ``resp.data``. A 2xx body that does not fit
raises ``restwell.ResponseValidationError`` (pydantic's error as ``__cause__``, the
body's start quoted with credentials redacted). Declared as a class
(``class Users(restwell.Resource, route=...)``) a handler is typed for mypy and
pyright: ``await api.user.get(user_id="u1")`` is a ``Response[UserResponse]``.

Usage: python examples/arrest_10_response_model.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` route is
used); without it, the example starts its own. The ``/user`` API runs on a second
``FaultServer`` the example scripts itself.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

from pydantic import BaseModel

import restwell
from restwell.service import GET, H
from restwell.testing import FaultServer, Step


class UserResponse(BaseModel):
    name: str
    email: str
    role: str
    created_at: datetime
    updated_at: datetime
    is_deleted: bool


ADA = {
    "name": "ada",
    "email": "ada@example.test",
    "role": "admin",
    "created_at": "2024-01-02T03:04:05Z",
    "updated_at": "2024-02-03T04:05:06Z",
    "is_deleted": False,
}


class User(restwell.Resource, route="/user"):
    """The typed form: each H() class attribute is a typed call."""

    get = H(GET, "/{user_id}", response=UserResponse)
    everyone = H(GET, "/", response=list[UserResponse])


class Api(restwell.Service):
    user = User()


class Hello(BaseModel):
    hello: str


async def main(base_url: str) -> None:
    with FaultServer() as api:
        api.script("/user/u1", [Step(200, json=ADA)])
        api.script("/user/", [Step(200, json=[ADA, ADA])])
        api.script("/user/broken", [Step(200, json={"name": "x"})])
        svc = restwell.Service(
            "example",
            api.url,
            resources=[
                restwell.Resource(
                    route="/user",
                    handlers=[
                        ("GET", "/{user_id}", None, UserResponse),
                        ("GET", "/", None, list[UserResponse]),
                    ],
                )
            ],
        )
        async with svc:
            user_id = "u1"
            response = await svc.user.get(f"/{user_id}")
            user = response.data
            print(user)
            assert isinstance(user, UserResponse)
            assert user.created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
            everyone = (await svc.user.get("/")).data
            assert everyone == [user, user]

            failure: restwell.ResponseValidationError | None = None
            try:
                await svc.user.get("/broken")
            except restwell.ResponseValidationError as exc:
                print("ResponseValidationError:", exc)
                failure = exc
            assert failure is not None, "a body that does not fit must raise"
            assert failure.response.status_code == 200
            assert "email" in str(failure)

        async with Api("api", api.url) as typed:
            resp = await typed.user.get(user_id="u1")  # Response[UserResponse]
            assert resp.data.role == "admin"
            listed = await typed.user.everyone()  # Response[list[UserResponse]]
            assert len(listed.data) == 2

    # The given server's /json, decoded into a model.
    hello = restwell.Resource("/json", handlers=[H(GET, "", response=Hello)])
    async with restwell.Service("hello", base_url, resources=[hello]) as svc:
        assert (await svc.json.get()).data == Hello(hello="world")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
