"""
Pagination against json-server (``Link`` headers, ``_page``/``_limit``,
``_start``/``_limit``) and hostile servers (FaultServer: self links, another
origin, cursors).

Written once, for ``AsyncClient``; ``scripts/unasync.py`` generates the sync twin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pydantic
import pytest

import restwell
from restwell.pagination import Cursor, LinkHeader, Offset, PageNumber
from restwell.service import GET, H
from restwell.testing import FaultServer, Step

pytestmark = [pytest.mark.network, pytest.mark.anyio]


class User(pydantic.BaseModel):
    id: int
    name: str


async def collect(items: AsyncIterator[Any]) -> list[Any]:
    return [x async for x in items]


async def test_link_header_walks_every_page(json_server: str) -> None:
    async with restwell.AsyncClient(hooks=[]) as client:
        users = await collect(
            client.paginate(
                f"{json_server}/users", params={"_page": 1, "_limit": 10}, model=User
            )
        )
        pages = await collect(
            client.paginate(
                f"{json_server}/users", params={"_page": 1, "_limit": 10}, pages=True
            )
        )
    assert [u.id for u in users][:25] == list(range(1, 26))
    assert all(isinstance(u, User) for u in users)
    assert len(pages) >= 3
    assert all(isinstance(r.data, list) for r in pages)


async def test_limits_stop_early(json_server: str) -> None:
    async with restwell.AsyncClient(hooks=[]) as client:
        few = await collect(
            client.paginate(
                f"{json_server}/users", params={"_page": 1, "_limit": 10}, max_items=12
            )
        )
        pages = await collect(
            client.paginate(
                f"{json_server}/users",
                params={"_page": 1, "_limit": 5},
                pages=True,
                max_pages=2,
            )
        )
    assert len(few) == 12
    assert len(pages) == 2


async def test_page_number_and_offset(json_server: str) -> None:
    async with restwell.AsyncClient(hooks=[]) as client:
        by_page = [
            u["id"]
            async for u in client.paginate(
                f"{json_server}/users",
                strategy=PageNumber(param="_page", size_param="_limit", size=10),
                max_items=25,
            )
        ]
        by_offset = [
            u["id"]
            async for u in client.paginate(
                f"{json_server}/users",
                strategy=Offset(limit=7, param="_start", limit_param="_limit"),
                max_items=25,
            )
        ]
    assert by_page == list(range(1, 26))
    assert by_offset == list(range(1, 26))


async def test_declared_resource_paginates_into_its_item_type(
    json_server: str,
) -> None:
    svc = restwell.Service(
        "fake",
        json_server,
        resources=[
            restwell.Resource("/users", handlers=[H(GET, "", response=list[User])])
        ],
    )
    async with restwell.AsyncClient(hooks=[]) as client:
        users = await collect(
            svc.bind(client).users.paginate(
                "", params={"_page": 1, "_limit": 10}, max_items=15
            )
        )
    assert [u.id for u in users] == list(range(1, 16))
    assert all(isinstance(u, User) for u in users)


async def test_cursor_in_the_body(fault_server: FaultServer) -> None:
    fault_server.script(
        "/items",
        [
            Step(200, json={"data": [1, 2], "meta": {"next": "c2"}}),
            Step(200, json={"data": [3], "meta": {"next": "c3"}}),
            Step(200, json={"data": [], "meta": {"next": None}}),
        ],
    )
    async with restwell.AsyncClient(hooks=[]) as client:
        got = await collect(
            client.paginate(
                fault_server.url_for("/items"),
                strategy=Cursor(param="after", path="meta.next"),
                items="data",
            )
        )
    assert got == [1, 2, 3]
    sent = [r.path for r in fault_server.requests("/items")]
    assert sent == ["/items", "/items?after=c2", "/items?after=c3"]


async def test_a_page_linking_to_itself_does_not_loop(
    fault_server: FaultServer,
) -> None:
    self_link = {"Link": f'<{fault_server.url_for("/loop")}>; rel="next"'}
    fault_server.script("/loop", [Step(200, json=[1], headers=self_link)] * 5)
    async with restwell.AsyncClient(hooks=[]) as client:
        got = [x async for x in client.paginate(fault_server.url_for("/loop"))]
    assert got == [1]
    assert fault_server.hits("/loop") == 1


async def test_a_link_to_another_origin_is_refused(fault_server: FaultServer) -> None:
    with FaultServer() as other:
        away = {"Link": f'<{other.url_for("/steal")}>; rel="next"'}
        fault_server.script("/p", [Step(200, json=[1], headers=away)])
        async with restwell.AsyncClient(hooks=[]) as client:
            pages = client.paginate(
                fault_server.url_for("/p"), headers={"Authorization": "Bearer s"}
            )
            assert await anext(pages) == 1
            with pytest.raises(restwell.RedirectError, match="another origin"):
                await anext(pages)
        assert other.hits() == 0


async def test_error_page_raises(fault_server: FaultServer) -> None:
    nxt = {"Link": f'<{fault_server.url_for("/e2")}>; rel="next"'}
    fault_server.script("/e1", [Step(200, json=[1], headers=nxt)])
    fault_server.script("/e2", [Step(404, json={"error": "gone"})])
    async with restwell.AsyncClient(hooks=[], retry=None) as client:
        pages = client.paginate(fault_server.url_for("/e1"))
        assert await anext(pages) == 1
        with pytest.raises(restwell.HTTPStatusError):
            await anext(pages)


async def test_bad_arguments() -> None:
    async with restwell.AsyncClient(hooks=[]) as client:
        with pytest.raises(restwell.ConfigurationError, match="max_pages"):
            await anext(client.paginate("http://127.0.0.1:9/", max_pages=0))
        with pytest.raises(restwell.ConfigurationError, match="mapping"):
            client.paginate("http://127.0.0.1:9/", params="a=1")
    with pytest.raises(restwell.ConfigurationError, match="size_param"):
        PageNumber(size=3)
    assert LinkHeader().first({"a": 1}) == {"a": 1}
