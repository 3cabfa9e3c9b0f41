"""
arrest seed example: a 404 is a normal response ("Understanding Response[T]"), and
its "Migration" note:

    resp = await svc.users.get("/999")
    if resp.is_client_error:
        print(f"Not found: {resp.status_code}")
        print(resp.data)  # the error body, if any

    # If you were catching ArrestHTTPException for non-2xx status codes, ... enable
    # raise_for_status=True on your Service, Resource, or per-call.

restwell: the same. A non-2xx response is returned, and its ``data`` is the error
body as the server sent it (parsed JSON, text, or ``None``), never decoded into the
handler's response type, and reading it never raises.
``raise_for_status=True`` on the service, a resource, a handler or one call raises
``restwell.HTTPStatusError`` for a final 4xx/5xx (after the retries it was owed);
the innermost setting wins (call > handler > resource > service).

Usage: python examples/arrest_08_error_responses.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (a path it has no script for
answers 404 with a JSON error body); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import sys

from pydantic import BaseModel

import restwell
from restwell.service import GET, H
from restwell.testing import FaultServer


class UserResponse(BaseModel):
    id: int
    name: str


def users(**options: object) -> restwell.Resource:
    return restwell.Resource(
        "/users", handlers=[H(GET, "/{id:int}", response=UserResponse)], **options
    )


async def main(base_url: str) -> None:
    async with restwell.Service("example", base_url, resources=[users()]) as svc:
        resp = await svc.users.get("/999")
        if resp.is_client_error:
            print(f"Not found: {resp.status_code}")
            print(resp.data)  # the error body
        assert resp.status_code == 404
        assert resp.data == {"error": "no script for path", "path": "/users/999"}
        assert not isinstance(resp.data, UserResponse)

    # Service level: every call raises for a final 4xx/5xx ...
    svc = restwell.Service(
        "example", base_url, resources=[users()], raise_for_status=True
    )
    async with svc:
        error: restwell.HTTPStatusError | None = None
        try:
            await svc.users.get(id=999)
        except restwell.HTTPStatusError as exc:
            print("HTTPStatusError:", exc)
            error = exc
        assert error is not None, "raise_for_status=True must raise for a 404"
        assert error.status_code == 404
        assert error.response.data["path"] == "/users/999"
        # ... unless one call says otherwise.
        resp = await svc.users.get(id=999, raise_for_status=False)
        assert resp.status_code == 404

    # Resource level, and per call on a service that does not raise.
    lenient = restwell.Resource(
        "/users", name="lenient", handlers=[("GET", "/{id:int}")]
    )
    svc = restwell.Service(
        "example", base_url, resources=[users(raise_for_status=True), lenient]
    )
    async with svc:
        raised = []
        for call in (
            svc.users.get(id=1),
            svc.lenient.get(id=1, raise_for_status=True),
        ):
            try:
                await call
            except restwell.HTTPStatusError as exc:
                raised.append(exc.status_code)
        assert raised == [404, 404]
        assert (await svc.lenient.get(id=1)).status_code == 404  # returned


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
