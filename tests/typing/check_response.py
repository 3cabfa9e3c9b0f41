"""
Static checks of ``Response[T]`` and the clients' ``request()`` (mypy and pyright).

Never executed (pytest collects ``test_*.py`` only). The verb methods
(``client.get(url, model=User)``, …) are in ``check_client_methods.py``.
"""

from typing import Any, assert_type

from pydantic import BaseModel

import restwell


class User(BaseModel):
    id: int


async def typed_async(client: restwell.AsyncClient) -> None:
    r = await client.request("GET", "/users/1", model=User)
    assert_type(r, restwell.Response[User])
    assert_type(r.data, User)
    assert_type(r.raise_for_status(), restwell.Response[User])
    users = await client.request("GET", "/users", model=list[User])
    assert_type(users, restwell.Response[list[User]])
    assert_type(users.data, list[User])
    plain = await client.request("GET", "/x")
    assert_type(plain, restwell.Response[Any])
    assert_type(plain.status_code, int)
    assert_type(plain.headers, restwell.Headers)
    assert_type(plain.attempts, tuple[restwell.Attempt, ...])
    assert_type(plain.content, bytes)
    assert_type(plain.text, str)
    assert_type(await plain.aread(), bytes)


def typed_sync(client: restwell.Client) -> None:
    r = client.request("GET", "/users/1", model=list[User])
    assert_type(r, restwell.Response[list[User]])
    assert_type(r.data, list[User])
    assert_type(r.elapsed, float)
    plain = client.request("POST", "/x", json={"a": 1}, model=None)
    assert_type(plain, restwell.Response[Any])
    assert_type(plain.read(), bytes)


async def typed_options(client: restwell.AsyncClient) -> None:
    r = await client.request("GET", "/x", timeout=3.0, retry=None, model=User)
    assert_type(r, restwell.Response[User])
    g = await client.get("/x", timeout=3.0, retry=None, model=User)
    assert_type(g, restwell.Response[User])
    await client.post("/x", json={"a": 1}, idempotency_key="auto")
    await client.request("GET", "/x", retries=3)  # type: ignore[call-overload]  # caught


def built(status: int) -> None:
    r = restwell.Response(status, content=b"{}")
    assert_type(r, restwell.Response[Any])
    assert_type(r.data, Any)


def any_response(r: restwell.Response[object]) -> int:
    return r.status_code


def covariant(r: restwell.Response[User], request: restwell.Request) -> None:
    # data is read-only: a Response[User] is a Response[object].
    any_response(r)
    restwell.HTTPStatusError("x", request=request, response=r)
    assert_type(r.json(), Any)
