"""
Declared request models split into request parts, checked by what httpbin saw.

Written once, for ``AsyncClient``; ``scripts/unasync.py`` generates the sync twin.
"""

from __future__ import annotations

from typing import Annotated, Any

import pydantic
import pytest

import restwell
from restwell.service import GET, POST, File, Form, H, Header, Path, Query

pytestmark = [pytest.mark.network, pytest.mark.anyio]


class Upload(pydantic.BaseModel):
    kind: Annotated[str, Path()]
    page: Annotated[int, Query(alias="p")] = 1
    tags: Annotated[list[str], Query()] = []
    request_id: Annotated[str, Header()]
    title: Annotated[str, Form()]
    note: str | None = None  # unmarked, beside form fields: a form field too
    avatar: Annotated[bytes, File()]


class Mixed(pydantic.BaseModel):
    q: Annotated[str, Query()]
    token: Annotated[str, Header("X-Api-Key")]
    body_field: int = pydantic.Field(alias="bodyField")


def service(url: str) -> restwell.Service:
    return restwell.Service(
        "bin",
        url,
        resources=[
            restwell.Resource(
                "/anything",
                handlers=[
                    H(POST, "/{kind}", request=Upload),
                    H(POST, "", request=Mixed),
                    H(GET, "/{rest:path}"),
                ],
            )
        ],
        headers={"X-Service": "bin"},
    )


async def test_every_part_reaches_the_server(httpbin_url: str) -> None:
    async with restwell.AsyncClient(hooks=[]) as client:
        api = service(httpbin_url).bind(client)
        response = await api.anything.post(
            request=Upload(
                kind="photos",
                page=2,
                tags=["a", "b"],
                request_id="r-1",
                title="hello",
                note="n",
                avatar=b"\x89PNG",
            )
        )
    seen: Any = response.data
    assert response.status_code == 200
    assert seen["url"].endswith("/anything/photos?p=2&tags=a&tags=b")
    assert seen["headers"]["Request-Id"] == "r-1"
    assert seen["headers"]["X-Service"] == "bin"
    assert seen["form"] == {"title": "hello", "note": "n"}
    assert "avatar" in seen["files"]
    assert seen["headers"]["Content-Type"].startswith("multipart/form-data")


async def test_json_body_beside_query_and_header(httpbin_url: str) -> None:
    async with restwell.AsyncClient(hooks=[]) as client:
        api = service(httpbin_url).bind(client)
        response = await api.anything.post(
            request={"q": "x", "token": "k", "bodyField": 3}, headers={"X-Call": "1"}
        )
    seen: Any = response.data
    assert seen["json"] == {"bodyField": 3}
    assert seen["args"] == {"q": "x"}
    assert seen["headers"]["X-Api-Key"] == "k"
    assert seen["headers"]["X-Call"] == "1"


async def test_path_parameter_keeps_slashes(httpbin_url: str) -> None:
    async with restwell.AsyncClient(hooks=[]) as client:
        api = service(httpbin_url).bind(client)
        by_keyword = await api.anything.get(rest="a/b c/d")
        by_path = await api.anything.get("/x/y")
    assert by_keyword.data["url"].endswith("/anything/a/b%20c/d")
    assert by_path.data["url"].endswith("/anything/x/y")
