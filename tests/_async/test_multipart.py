"""
``files=``: multipart/form-data uploads (RFC 7578), checked by what httpbin parsed.

Written once, for the async client; ``scripts/unasync.py`` generates the sync twin.
"""

from __future__ import annotations

import io

import pytest

import restwell

pytestmark = pytest.mark.network


@pytest.mark.anyio
async def test_files_and_fields_reach_the_server(httpbin_url: str) -> None:
    async with restwell.AsyncClient(base_url=httpbin_url, hooks=[]) as client:
        r = await client.post(
            "/post",
            data={"name": "ada", "tags": ["x", "y"], "n": 3},
            files=[
                ("doc", ("notes.txt", b"hello\r\nworld", "text/plain")),
                ("blob", b"\x00\x01"),
                ("upload", io.BytesIO(b"from a file object")),
            ],
        )
    body = r.json()
    assert r.status_code == 200
    assert body["form"] == {"name": "ada", "tags": ["x", "y"], "n": "3"}
    assert body["files"]["doc"] == "hello\r\nworld"
    assert body["files"]["upload"] == "from a file object"
    assert "blob" in body["files"]
    assert body["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")


@pytest.mark.anyio
async def test_quotes_in_names_cannot_break_the_part_headers(httpbin_url: str) -> None:
    async with restwell.AsyncClient(base_url=httpbin_url, hooks=[]) as client:
        r = await client.post(
            "/post", files={'a"b': ('x"\r\nInjected: 1', b"v", "text/plain")}
        )
    body = r.json()
    assert r.status_code == 200
    # Escaped as WHATWG HTML says (%22, %0D, %0A); werkzeug unescapes the name.
    assert body["files"] == {'a"b': "v"}


@pytest.mark.anyio
async def test_bad_files_are_refused_before_sending() -> None:
    async with restwell.AsyncClient(hooks=[]) as client:
        with pytest.raises(restwell.ConfigurationError, match="files= goes with data"):
            await client.post("http://127.0.0.1:9/", files={"f": b"x"}, json={"a": 1})
        with pytest.raises(restwell.ConfigurationError, match="text mode"):
            await client.post("http://127.0.0.1:9/", files={"f": io.StringIO("x")})
        with pytest.raises(restwell.ConfigurationError, match="a file is bytes"):
            await client.post("http://127.0.0.1:9/", files={"f": 3})  # type: ignore[dict-item]
        with pytest.raises(restwell.ConfigurationError, match="mapping or"):
            await client.post("http://127.0.0.1:9/", files="f")  # type: ignore[arg-type]
