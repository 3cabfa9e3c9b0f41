"""
arrest seed example: "Using the H() helper for type-safe handler definitions":

    from arrest import H, Resource, GET, POST
    user_resource = Resource(
        name="users",
        route="/users",
        handlers=[
            H(GET, "/"),
            H(POST, "/", request=NewUserRequest, response=UserResponse),
            H(GET, "/{user_id:str}", response=UserResponse),
            H(PATCH, "/{user_id:str}", request=UpdateUserRequest),
            H(GET, "/{user_id:str}/posts", response=List[PostResponse],
              headers={"x-custom": "value"}),
        ],
    )

restwell: the same ``H(method, route, *, request=, response=, callback=,
headers=)`` returning a ``restwell.ResourceHandler`` (``from restwell.service
import H, GET, POST, PATCH``, or ``restwell.H``). Any other keyword is a call option
for that handler (``timeout=``, ``retry=``, ``raise_for_status=``, ...). Route
parameters are typed (``{user_id:str}``, ``{id:int}``, ``{id:uuid}``,
``{rest:path}``) and given as a path (``"/u1"``) or as keywords (``user_id="u1"``).
Tuples and dicts still work beside ``H()``.

Usage: python examples/arrest_06_h_helper.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` route
shows the headers a handler sends); without it, the example starts its own. The
``/users`` API runs on a second ``FaultServer`` the example scripts itself.
"""

from __future__ import annotations

import asyncio
import sys

from pydantic import BaseModel

import restwell
from restwell.service import GET, PATCH, POST, H
from restwell.testing import FaultServer, Step


class NewUserRequest(BaseModel):
    name: str
    email: str


class UpdateUserRequest(BaseModel):
    name: str


class UserResponse(BaseModel):
    id: str
    name: str
    email: str


class PostResponse(BaseModel):
    id: int
    title: str


USER = {"id": "u1", "name": "ada", "email": "ada@example.test"}


async def main(base_url: str) -> None:
    user_resource = restwell.Resource(
        name="users",
        route="/users",
        handlers=[
            H(GET, "/"),
            H(POST, "/", request=NewUserRequest, response=UserResponse),
            H(GET, "/{user_id:str}", response=UserResponse),
            H(PATCH, "/{user_id:str}", request=UpdateUserRequest),
            H(
                GET,
                "/{user_id:str}/posts",
                response=list[PostResponse],
                headers={"x-custom": "value"},
            ),
        ],
    )
    assert isinstance(user_resource.handlers[0], restwell.ResourceHandler)
    print(user_resource.describe())

    with FaultServer() as api:
        api.script("/users/", [Step(200, json=[USER])])
        api.script("/users/u1", [Step(200, json=USER)])
        api.script("/users/u1/posts", [Step(200, json=[{"id": 1, "title": "hi"}])])
        svc = restwell.Service("example", api.url, resources=[user_resource])
        async with svc:
            everyone = await svc.users.get("/")
            assert everyone.data == [USER]  # no response type: parsed JSON

            api.script("/users/", [Step(201, json=USER)])
            created = await svc.users.post(
                "/", request=NewUserRequest(name="ada", email="ada@example.test")
            )
            assert created.data == UserResponse(**USER)

            one = await svc.users.get("/u1")  # by path ...
            same = await svc.users.get(user_id="u1")  # ... or by keyword
            assert one.data == same.data == UserResponse(**USER)

            patched = await svc.users.patch(user_id="u1", request={"name": "ada l."})
            assert api.requests("/users/u1")[-1].body == b'{"name":"ada l."}'
            assert patched.request.method == "PATCH"

            posts = await svc.users.get("/u1/posts")
            print(posts.data)
            assert posts.data == [PostResponse(id=1, title="hi")]
            # The handler's default headers were sent.
            assert api.requests("/users/u1/posts")[0].header("x-custom") == "value"

    # Per-call headers go over the handler's; call options as H() keywords.
    echo = restwell.Resource(
        name="echo",
        route="/echo",
        handlers=[H(GET, "", headers={"x-custom": "value", "x-other": "1"}, timeout=5)],
    )
    async with restwell.Service("example", base_url, resources=[echo]) as svc:
        resp = await svc.echo.get(headers={"x-other": "2"})
        seen = resp.data["headers"]
        print({k: v for k, v in seen.items() if k.startswith("x-")})
        assert (seen["x-custom"], seen["x-other"]) == ("value", "2")
        assert resp.request.context.options.timeout.read == 5.0


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
