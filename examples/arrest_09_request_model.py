"""
arrest seed example: "Using a Pydantic model for request":

    class UserRequest(BaseModel):
        name: str
        email: str
        password: str
        role: str

    Resource(
        route="/abc",
        handlers=[
            ("POST", "/", UserRequest)
            # or ResourceHandler(method="POST", route="/", request=UserRequest)
            # or {"method": "POST", "route": "/", "request": UserRequest}
        ],
    )

The resource's name is inferred from its route (``abc``); the model's fields are the
JSON body; other request parts are configured separately.

restwell: all four forms (tuple, ``ResourceHandler``, dict, ``H``), the same name
inference (``/user-accounts`` becomes ``user_accounts``). ``request=`` takes an
instance of the model or a dict of its fields; it is validated before anything is
sent (``restwell.RequestValidationError``, pydantic's error as ``__cause__``). A
field marked ``Annotated[..., Query()]``, ``Header()``, ``Path()``, ``Form()`` or
``File()`` (``restwell.service``) goes to that part of the request instead of the
JSON body.

Usage: python examples/arrest_09_request_model.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` route
shows what was sent); without it, the example starts its own. The ``/abc`` API runs on
a second ``FaultServer`` the example scripts itself.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Annotated

from pydantic import BaseModel

import restwell
from restwell.service import POST, H, Header, Methods, Query
from restwell.testing import FaultServer, Step


class UserRequest(BaseModel):
    name: str
    email: str
    password: str
    role: str


class Search(BaseModel):
    """Fields marked Query/Header leave the body; the rest stay in it."""

    q: Annotated[str, Query()]
    page: Annotated[int, Query(alias="p")] = 1
    trace_id: Annotated[str, Header("X-Trace")]
    filters: dict[str, str] = {}


ADA = UserRequest(name="ada", email="ada@example.test", password="pw", role="admin")


async def main(base_url: str) -> None:
    forms = [
        ("POST", "/", UserRequest),
        restwell.ResourceHandler(method=Methods.POST, route="/", request=UserRequest),
        {"method": "POST", "route": "/", "request": UserRequest},
        H(POST, "/", request=UserRequest),
    ]
    with FaultServer() as api:
        api.script("/abc/", [Step(201, json={"ok": True})])
        for form in forms:
            resource = restwell.Resource(route="/abc", handlers=[form])
            assert resource.name == "abc"  # inferred from the route
            async with restwell.Service("s", api.url, resources=[resource]) as svc:
                resp = await svc.abc.post("/", request=ADA)  # an instance ...
                assert resp.status_code == 201
                resp = await svc.abc.post(request=ADA.model_dump())  # ... or a dict
                assert resp.status_code == 201
                # Refused before sending: role is missing.
                refused: restwell.RequestValidationError | None = None
                try:
                    await svc.abc.post(
                        request={"name": "x", "email": "y", "password": "z"}
                    )
                except restwell.RequestValidationError as exc:
                    refused = exc
                assert refused is not None
                assert "role" in str(refused)
        print("refused:", refused)
        sent = [json.loads(r.body) for r in api.requests("/abc/")]
        assert sent == [ADA.model_dump()] * 8  # 4 forms x 2 calls, nothing else
        assert restwell.Resource("/user-accounts").name == "user_accounts"

    # Query and header fields, against the given server's /echo.
    echo = restwell.Resource("/echo", handlers=[H(POST, "", request=Search)])
    async with restwell.Service("s", base_url, resources=[echo]) as svc:
        resp = await svc.echo.post(
            request=Search(q="tea", page=2, trace_id="t-1", filters={"a": "b"})
        )
        seen = resp.data
        print(seen["path"], seen["headers"]["x-trace"], seen["body"])
        assert seen["path"] == "/echo?q=tea&p=2"
        assert seen["headers"]["x-trace"] == "t-1"
        assert json.loads(seen["body"]) == {"filters": {"a": "b"}}


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
