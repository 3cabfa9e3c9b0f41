# GENERATED from tests/_async/test_pagination.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
Pagination against json-server (``Link`` headers, ``_page``/``_limit``,
``_start``/``_limit``) and hostile servers (FaultServer: self links, another
origin, cursors).

Written once, for ``Client``; ``scripts/unasync.py`` generates the sync twin.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def collect(items: Iterator[Any]) -> list[Any]:
    return list(items)


def test_link_header_walks_every_page(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        users = collect(
            client.paginate(
                f"{json_server}/users", params={"_page": 1, "_limit": 10}, model=User
            )
        )
        pages = collect(
            client.paginate(
                f"{json_server}/users", params={"_page": 1, "_limit": 10}, pages=True
            )
        )
    assert [u.id for u in users][:25] == list(range(1, 26))
    assert all(isinstance(u, User) for u in users)
    assert len(pages) >= 3
    assert all(isinstance(r.data, list) for r in pages)


def test_limits_stop_early(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        few = collect(
            client.paginate(
                f"{json_server}/users", params={"_page": 1, "_limit": 10}, max_items=12
            )
        )
        pages = collect(
            client.paginate(
                f"{json_server}/users",
                params={"_page": 1, "_limit": 5},
                pages=True,
                max_pages=2,
            )
        )
    assert len(few) == 12
    assert len(pages) == 2


def test_page_number_and_offset(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        by_page = [
            u["id"]
            for u in client.paginate(
                f"{json_server}/users",
                strategy=PageNumber(param="_page", size_param="_limit", size=10),
                max_items=25,
            )
        ]
        by_offset = [
            u["id"]
            for u in client.paginate(
                f"{json_server}/users",
                strategy=Offset(limit=7, param="_start", limit_param="_limit"),
                max_items=25,
            )
        ]
    assert by_page == list(range(1, 26))
    assert by_offset == list(range(1, 26))


def test_declared_resource_paginates_into_its_item_type(
    json_server: str,
) -> None:
    svc = restwell.Service(
        "fake",
        json_server,
        resources=[
            restwell.Resource("/users", handlers=[H(GET, "", response=list[User])])
        ],
    )
    with restwell.Client(hooks=[]) as client:
        users = collect(
            svc.bind(client).users.paginate(
                "", params={"_page": 1, "_limit": 10}, max_items=15
            )
        )
    assert [u.id for u in users] == list(range(1, 16))
    assert all(isinstance(u, User) for u in users)


def test_cursor_in_the_body(fault_server: FaultServer) -> None:
    fault_server.script(
        "/items",
        [
            Step(200, json={"data": [1, 2], "meta": {"next": "c2"}}),
            Step(200, json={"data": [3], "meta": {"next": "c3"}}),
            Step(200, json={"data": [], "meta": {"next": None}}),
        ],
    )
    with restwell.Client(hooks=[]) as client:
        got = collect(
            client.paginate(
                fault_server.url_for("/items"),
                strategy=Cursor(param="after", path="meta.next"),
                items="data",
            )
        )
    assert got == [1, 2, 3]
    sent = [r.path for r in fault_server.requests("/items")]
    assert sent == ["/items", "/items?after=c2", "/items?after=c3"]


def test_a_page_linking_to_itself_does_not_loop(
    fault_server: FaultServer,
) -> None:
    self_link = {"Link": f'<{fault_server.url_for("/loop")}>; rel="next"'}
    fault_server.script("/loop", [Step(200, json=[1], headers=self_link)] * 5)
    with restwell.Client(hooks=[]) as client:
        got = list(client.paginate(fault_server.url_for("/loop")))
    assert got == [1]
    assert fault_server.hits("/loop") == 1


def test_a_link_to_another_origin_is_refused(fault_server: FaultServer) -> None:
    with FaultServer() as other:
        away = {"Link": f'<{other.url_for("/steal")}>; rel="next"'}
        fault_server.script("/p", [Step(200, json=[1], headers=away)])
        with restwell.Client(hooks=[]) as client:
            pages = client.paginate(
                fault_server.url_for("/p"), headers={"Authorization": "Bearer s"}
            )
            assert next(pages) == 1
            with pytest.raises(restwell.RedirectError, match="another origin"):
                next(pages)
        assert other.hits() == 0


def test_error_page_raises(fault_server: FaultServer) -> None:
    nxt = {"Link": f'<{fault_server.url_for("/e2")}>; rel="next"'}
    fault_server.script("/e1", [Step(200, json=[1], headers=nxt)])
    fault_server.script("/e2", [Step(404, json={"error": "gone"})])
    with restwell.Client(hooks=[], retry=None) as client:
        pages = client.paginate(fault_server.url_for("/e1"))
        assert next(pages) == 1
        with pytest.raises(restwell.HTTPStatusError):
            next(pages)


def test_bad_arguments() -> None:
    with restwell.Client(hooks=[]) as client:
        with pytest.raises(restwell.ConfigurationError, match="max_pages"):
            next(client.paginate("http://127.0.0.1:9/", max_pages=0))
        with pytest.raises(restwell.ConfigurationError, match="mapping"):
            client.paginate("http://127.0.0.1:9/", params="a=1")
    with pytest.raises(restwell.ConfigurationError, match="size_param"):
        PageNumber(size=3)
    assert LinkHeader().first({"a": 1}) == {"a": 1}
