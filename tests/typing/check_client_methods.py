"""
Static checks of the clients' verb methods with ``model=`` (mypy and pyright).

Never executed. Written before the client had its ``model=`` overloads, and kept out
of both checkers until it had them; enabled since the merge of the stage pipeline.
"""

from typing import Any, assert_type

from pydantic import BaseModel

import restwell


class User(BaseModel):
    id: int


URL = "http://127.0.0.1/users/1"


async def async_verbs(client: restwell.AsyncClient) -> None:
    assert_type(await client.get(URL, model=User), restwell.Response[User])
    assert_type(await client.post(URL, model=User), restwell.Response[User])
    assert_type(await client.put(URL, model=User), restwell.Response[User])
    assert_type(await client.patch(URL, model=User), restwell.Response[User])
    assert_type(await client.delete(URL, model=User), restwell.Response[User])
    assert_type(await client.head(URL, model=User), restwell.Response[User])
    assert_type(await client.options(URL, model=User), restwell.Response[User])
    assert_type(await client.request("GET", URL, model=User), restwell.Response[User])


async def async_verbs_without_model(client: restwell.AsyncClient) -> None:
    assert_type(await client.get(URL), restwell.Response[Any])
    assert_type(await client.post(URL, json={"a": 1}), restwell.Response[Any])
    assert_type(await client.put(URL, content=b"x"), restwell.Response[Any])
    assert_type(await client.patch(URL, data={"a": "1"}), restwell.Response[Any])
    assert_type(await client.delete(URL), restwell.Response[Any])
    assert_type(await client.head(URL), restwell.Response[Any])
    assert_type(await client.options(URL), restwell.Response[Any])
    assert_type(await client.get(URL, model=None), restwell.Response[Any])


async def async_model_shapes(client: restwell.AsyncClient) -> None:
    users = await client.get(URL, model=list[User])
    assert_type(users, restwell.Response[list[User]])
    assert_type(users.data, list[User])
    one = await client.post(
        URL,
        json={"name": "a"},
        idempotency_key="auto",
        timeout=3.0,
        retry=None,
        raise_for_status=True,
        model=User,
    )
    assert_type(one, restwell.Response[User])
    assert_type(one.data, User)
    assert_type(one.data.id, int)
    # The verbs return an awaitable without awaiting it themselves.
    pending = client.get(URL, model=User)
    assert_type(await pending, restwell.Response[User])
    await client.get(URL, retries=3)  # type: ignore[call-overload]  # misspelt: caught


def sync_verbs(client: restwell.Client) -> None:
    assert_type(client.get(URL, model=User), restwell.Response[User])
    assert_type(client.post(URL, model=User), restwell.Response[User])
    assert_type(client.put(URL, model=User), restwell.Response[User])
    assert_type(client.patch(URL, model=User), restwell.Response[User])
    assert_type(client.delete(URL, model=User), restwell.Response[User])
    assert_type(client.head(URL, model=User), restwell.Response[User])
    assert_type(client.options(URL, model=User), restwell.Response[User])
    assert_type(client.request("GET", URL, model=User), restwell.Response[User])


def sync_verbs_without_model(client: restwell.Client) -> None:
    assert_type(client.get(URL), restwell.Response[Any])
    assert_type(client.post(URL, json={"a": 1}), restwell.Response[Any])
    assert_type(client.put(URL, content=b"x"), restwell.Response[Any])
    assert_type(client.patch(URL, data={"a": "1"}), restwell.Response[Any])
    assert_type(client.delete(URL), restwell.Response[Any])
    assert_type(client.head(URL), restwell.Response[Any])
    assert_type(client.options(URL), restwell.Response[Any])


def sync_model_shapes(client: restwell.Client) -> None:
    users = client.get(URL, model=list[User])
    assert_type(users, restwell.Response[list[User]])
    assert_type(users.data, list[User])
    one = client.put(URL, json={"id": 1}, deadline=5.0, model=User)
    assert_type(one.data, User)
