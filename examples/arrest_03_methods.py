"""
arrest seed example: "Using Methods": a resource's handlers are called with
``.get``, ``.post``, ``.put``, ``.patch``, ``.delete``, ``.head``, ``.options`` (the
``arrest.http.Methods`` enum), or with ``.request()`` and the method given.

restwell: the same names. ``restwell.service.Methods`` is a ``StrEnum`` (its
members are the strings ``"GET"``, ...), also importable one by one as ``GET``,
``POST``, ...; a handler's method may be a member or a name in any case.
``svc.<resource>.request(method, path, ...)`` takes either. A call finds the handler
of its method whose route fits the path; with no path, the one whose route
parameters are the keywords given.

Usage: python examples/arrest_03_methods.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` route
answers every method with what it received); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import sys

import restwell
from restwell.service import PATCH, Methods
from restwell.testing import FaultServer


async def main(base_url: str) -> None:
    echo = restwell.Resource(
        name="user",
        route="/echo",
        handlers=[(method, "") for method in Methods],  # one handler per method
    )
    async with restwell.Service("example", base_url, resources=[echo]) as svc:
        user = svc.user
        for call, method in (
            (user.get, "GET"),
            (user.post, "POST"),
            (user.put, "PUT"),
            (user.patch, "PATCH"),
            (user.delete, "DELETE"),
            (user.options, "OPTIONS"),
        ):
            resp = await call()
            print(method, resp.status_code, resp.data["method"])
            assert resp.data["method"] == method
        resp = await user.head()
        assert resp.status_code == 200
        assert resp.data is None  # a HEAD response has no body

        # .request(): the method as a string (any case) or a Methods member.
        for method in ("post", Methods.PUT, PATCH):
            resp = await user.request(method, "", request={"sent": str(method)})
            print("request", method, "->", resp.data["method"], resp.data["body"])
            assert resp.data["method"] == str(method).upper()
            assert resp.data["body"] == f'{{"sent":"{method}"}}'

    assert [m.value for m in Methods] == [
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
        "OPTIONS",
    ]
    assert Methods.GET == "GET"  # a StrEnum: members are strings


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
