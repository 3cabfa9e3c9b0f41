"""
Static checks of the module-level functions (mypy and pyright; never executed).

``restwell.get(url, model=User)`` is ``Response[User]``, as on a client; without a
model it is ``Response[Any]`` (``JSON``); per-call options are checked.
"""

from typing import Any, assert_type

import httpx
from pydantic import BaseModel

import restwell
from restwell.instrumentation import Event
from restwell.transports import MockTransport

URL = "http://127.0.0.1/users/1"


class User(BaseModel):
    id: int


def sync_functions() -> None:
    assert_type(restwell.get(URL, model=User), restwell.Response[User])
    assert_type(restwell.post(URL, model=User), restwell.Response[User])
    assert_type(restwell.put(URL, model=User), restwell.Response[User])
    assert_type(restwell.patch(URL, model=User), restwell.Response[User])
    assert_type(restwell.delete(URL, model=User), restwell.Response[User])
    assert_type(restwell.head(URL, model=User), restwell.Response[User])
    assert_type(restwell.options(URL, model=User), restwell.Response[User])
    assert_type(restwell.request("GET", URL, model=User), restwell.Response[User])
    assert_type(restwell.get(URL, model=User).data, User)
    assert_type(restwell.get(URL, model=list[User]), restwell.Response[list[User]])
    assert_type(restwell.get(URL, model=list[User]).data, list[User])


def sync_functions_without_model() -> None:
    assert_type(restwell.get(URL), restwell.Response[Any])
    assert_type(restwell.post(URL, json={"a": [1, 2]}), restwell.Response[Any])
    assert_type(restwell.put(URL, content=b"x"), restwell.Response[Any])
    assert_type(restwell.patch(URL, data={"a": "1"}), restwell.Response[Any])
    assert_type(restwell.delete(URL), restwell.Response[Any])
    assert_type(restwell.head(URL), restwell.Response[Any])
    assert_type(restwell.options(URL), restwell.Response[Any])
    assert_type(restwell.request("GET", URL), restwell.Response[Any])
    assert_type(restwell.get(URL, model=None), restwell.Response[Any])
    assert_type(restwell.get(URL).data, Any)
    assert_type(restwell.get(URL).json(), Any)


async def async_functions() -> None:
    assert_type(await restwell.aget(URL, model=User), restwell.Response[User])
    assert_type(await restwell.apost(URL, model=User), restwell.Response[User])
    assert_type(await restwell.aput(URL, model=User), restwell.Response[User])
    assert_type(await restwell.apatch(URL, model=User), restwell.Response[User])
    assert_type(await restwell.adelete(URL, model=User), restwell.Response[User])
    assert_type(await restwell.ahead(URL, model=User), restwell.Response[User])
    assert_type(await restwell.aoptions(URL, model=User), restwell.Response[User])
    r = await restwell.arequest("GET", URL, model=User)
    assert_type(r, restwell.Response[User])
    assert_type(r.data, User)
    users = await restwell.aget(URL, model=list[User])
    assert_type(users, restwell.Response[list[User]])


async def async_functions_without_model() -> None:
    assert_type(await restwell.aget(URL), restwell.Response[Any])
    assert_type(await restwell.apost(URL, json={"a": 1}), restwell.Response[Any])
    assert_type(await restwell.aput(URL), restwell.Response[Any])
    assert_type(await restwell.apatch(URL), restwell.Response[Any])
    assert_type(await restwell.adelete(URL), restwell.Response[Any])
    assert_type(await restwell.ahead(URL), restwell.Response[Any])
    assert_type(await restwell.aoptions(URL), restwell.Response[Any])
    assert_type(await restwell.arequest("GET", URL), restwell.Response[Any])


def hook(event: Event) -> None:
    return None


def every_option() -> None:
    r = restwell.post(
        URL,
        params={"page": 2, "tag": ["a", "b"]},
        headers={"X-A": "1"},
        json={"name": "a"},
        idempotency_key="auto",
        timeout=restwell.Timeout(5.0),
        deadline=10.0,
        retry=restwell.Retry(max_attempts=5),
        raise_for_status=True,
        follow_redirects=True,
        transport="httpx2",
        hooks=[hook],
        model=User,
    )
    assert_type(r, restwell.Response[User])
    restwell.get(URL, retry=None, deadline=None, timeout=None)
    restwell.get(URL, timeout=restwell.UNSET, retry=restwell.UNSET)
    restwell.get(URL, transport=MockTransport(lambda request: restwell.Response(200)))
    restwell.get(URL, transport=httpx.Client())


async def async_options() -> None:
    r = await restwell.apost(
        URL,
        data={"a": "1"},
        timeout=3.0,
        transport=httpx.AsyncClient(),
        hooks=[hook],
        model=User,
    )
    assert_type(r.data, User)


def misspelt() -> None:
    restwell.get(URL, retries=3)  # type: ignore[call-overload]  # caught: no **kwargs: Any
