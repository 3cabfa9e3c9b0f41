"""
Static checks of declared services (mypy and pyright; never executed).

A handler declared with ``H(...)`` as an attribute of a ``Resource`` subclass, in a
``Service`` subclass, types its call: ``await api.users.get(id=7)`` is
``Response[User]``. Handlers given as a list are untyped (``Response[Any]``).
"""

from typing import Any, assert_type

from pydantic import BaseModel

import restwell
from restwell.service import GET, POST, H


class User(BaseModel):
    id: int


class NewUser(BaseModel):
    name: str


class Users(restwell.Resource, route="/users"):
    get = H(GET, "/{id:int}", response=User)
    everyone = H(GET, "", response=list[User])
    create = H(POST, "", request=NewUser, response=User)
    untyped = H(GET, "/raw")


class Api(restwell.Service):
    users = Users()


async def typed_calls() -> None:
    api = Api("api", "http://127.0.0.1")
    assert_type(await api.users.get(id=7), restwell.Response[User])
    assert_type(await api.users.get("/7"), restwell.Response[User])
    assert_type(await api.users.everyone(), restwell.Response[list[User]])
    assert_type(
        await api.users.create(request=NewUser(name="a")), restwell.Response[User]
    )
    assert_type(await api.users.untyped(), restwell.Response[Any])


async def list_form() -> None:
    svc = restwell.Service(
        "s",
        "http://127.0.0.1",
        resources=[restwell.Resource("/x", handlers=[("GET", "/")])],
    )
    assert_type(await svc.x.get("/"), restwell.Response[Any])
