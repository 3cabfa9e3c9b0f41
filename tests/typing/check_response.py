"""Static checks of restwell's public types (run by mypy, never executed)."""

from typing import Any, assert_type

from pydantic import BaseModel

import restwell


class User(BaseModel):
    id: int


async def typed_async(client: restwell.AsyncClient) -> None:
    r = await client.request("GET", "/users/1", model=User)
    assert_type(r, restwell.Response[User])
    assert_type(r.data, User)
    plain = await client.get("/x")
    assert_type(plain, restwell.Response[Any])
    assert_type(plain.status_code, int)
    assert_type(plain.headers, restwell.Headers)
    assert_type(plain.attempts, tuple[restwell.Attempt, ...])


def typed_sync(client: restwell.Client) -> None:
    r = client.request("GET", "/users/1", model=list[User])
    assert_type(r, restwell.Response[list[User]])
    assert_type(r.elapsed, float)


async def typed_options(client: restwell.AsyncClient) -> None:
    r = await client.get("/x", timeout=3.0, retry=None, model=User)
    assert_type(r, restwell.Response[User])
    await client.post("/x", json={"a": 1}, idempotency_key="auto")
    await client.get("/x", retries=3)  # type: ignore[call-overload]  # misspelt option is caught
