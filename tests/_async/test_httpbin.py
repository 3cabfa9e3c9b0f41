"""
restwell.AsyncClient against httpbin (served by werkzeug on 127.0.0.1): methods,
what the server echoes back, headers, statuses and retries, redirects, deadlines,
streaming, content codings and typed bodies.

Written once, for the async client: ``scripts/unasync.py`` generates the sync twin,
so these tests use no asyncio- or anyio-only API, and wait only through
``restwell.testing.FakeClock``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pydantic
import pytest

import restwell
from restwell.testing import FakeClock, FaultServer

pytestmark = pytest.mark.network

#: A retry policy that waits nothing, for tests that only count attempts.
NO_WAIT = restwell.Retry(backoff=restwell.Constant(0.0))


def make_client(base_url: str, **kwargs: Any) -> restwell.AsyncClient:
    """A client for ``base_url`` that logs nothing (tests assert, not read logs)."""
    kwargs.setdefault("hooks", [])
    return restwell.AsyncClient(base_url=base_url, **kwargs)


class Slide(pydantic.BaseModel):
    title: str
    type: str


class Slideshow(pydantic.BaseModel):
    author: str
    title: str
    slides: list[Slide]


class SlideshowDocument(pydantic.BaseModel):
    slideshow: Slideshow


class Unrelated(pydantic.BaseModel):
    user_id: int


# -- methods and what httpbin echoes ---------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
async def test_request_sends_the_method_given(httpbin_url: str, method: str) -> None:
    """client.request(method, ...) reaches the server with that method."""
    async with make_client(httpbin_url) as client:
        response = await client.request(method, "/anything")
    assert response.status_code == 200
    assert response.data["method"] == method


@pytest.mark.anyio
async def test_get_sends_query_params_merged_with_the_url_query(
    httpbin_url: str,
) -> None:
    """params= is appended to the URL's own query, repeated keys kept in order."""
    async with make_client(httpbin_url) as client:
        response = await client.get("/get?a=1", params={"b": "2", "c": ["x", "y z"]})
    assert response.status_code == 200
    assert response.data["args"] == {"a": "1", "b": "2", "c": ["x", "y z"]}
    assert response.data["url"] == f"{httpbin_url}/get?a=1&b=2&c=x&c=y+z"


@pytest.mark.anyio
async def test_post_sends_json_body(httpbin_url: str) -> None:
    """json= is sent as a JSON body with Content-Type application/json."""
    payload = {"name": "restwell", "tags": ["a", "b"], "n": 1.5, "none": None}
    async with make_client(httpbin_url) as client:
        response = await client.post("/post", json=payload)
    assert response.status_code == 200
    assert response.data["json"] == payload
    assert response.data["headers"]["Content-Type"] == "application/json"


@pytest.mark.anyio
async def test_post_sends_form_data(httpbin_url: str) -> None:
    """data= is sent url-encoded and httpbin decodes it as form fields."""
    async with make_client(httpbin_url) as client:
        response = await client.post("/post", data={"a": "1", "b": "x y&z"})
    assert response.data["form"] == {"a": "1", "b": "x y&z"}
    assert response.data["headers"]["Content-Type"] == (
        "application/x-www-form-urlencoded"
    )


@pytest.mark.anyio
async def test_put_sends_raw_content(httpbin_url: str) -> None:
    """content= bytes are sent unchanged with the Content-Type given."""
    async with make_client(httpbin_url) as client:
        response = await client.put(
            "/put",
            content=b"raw bytes",
            headers={"Content-Type": "application/octet-stream"},
        )
    assert response.status_code == 200
    assert response.data["data"] == "raw bytes"
    assert response.data["headers"]["Content-Type"] == "application/octet-stream"


@pytest.mark.anyio
async def test_patch_sends_json_body(httpbin_url: str) -> None:
    """PATCH carries its JSON body like POST."""
    async with make_client(httpbin_url) as client:
        response = await client.patch("/patch", json={"op": "replace"})
    assert response.status_code == 200
    assert response.data["json"] == {"op": "replace"}


@pytest.mark.anyio
async def test_delete_sends_query_params(httpbin_url: str) -> None:
    """DELETE reaches the server with its query parameters."""
    async with make_client(httpbin_url) as client:
        response = await client.delete("/delete", params={"id": "42"})
    assert response.status_code == 200
    assert response.data["args"] == {"id": "42"}


@pytest.mark.anyio
async def test_head_returns_the_head_without_a_body(httpbin_url: str) -> None:
    """HEAD returns GET's status and headers, with an empty body and data None."""
    async with make_client(httpbin_url) as client:
        response = await client.head("/get")
    assert response.status_code == 200
    assert response.content == b""
    assert response.data is None
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) > 0


@pytest.mark.anyio
async def test_options_returns_the_allowed_methods(httpbin_url: str) -> None:
    """OPTIONS returns the Allow header listing the route's methods."""
    async with make_client(httpbin_url) as client:
        response = await client.options("/get")
    assert response.status_code == 200
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.anyio
async def test_client_headers_are_sent_and_per_call_headers_replace_them(
    httpbin_url: str,
) -> None:
    """Client headers go with every call; a per-call one of that name replaces it."""
    async with make_client(
        httpbin_url, headers={"X-Client": "c", "X-Token": "client"}
    ) as client:
        response = await client.get("/headers", headers={"x-token": "call"})
    headers = response.data["headers"]
    assert headers["X-Client"] == "c"
    assert headers["X-Token"] == "call"
    assert headers["User-Agent"].startswith("restwell/")


@pytest.mark.anyio
async def test_per_call_repeated_header_sends_every_value(httpbin_url: str) -> None:
    """A header given twice in a call's pairs is sent with both values."""
    async with make_client(httpbin_url) as client:
        response = await client.get(
            "/headers", headers=[("X-Multi", "a"), ("X-Multi", "b")]
        )
    assert response.data["headers"]["X-Multi"] == "a,b"  # werkzeug joins with ","


@pytest.mark.anyio
async def test_client_repeated_header_sends_every_value(httpbin_url: str) -> None:
    """A header given twice in the client's pairs is sent with both values."""
    async with make_client(
        httpbin_url, headers=[("X-Multi", "a"), ("X-Multi", "b")]
    ) as client:
        response = await client.get("/headers")
    assert response.data["headers"]["X-Multi"] == "a,b"


@pytest.mark.anyio
async def test_idempotency_key_auto_sends_a_uuid(httpbin_url: str) -> None:
    """idempotency_key="auto" sends a fresh UUID4 as the Idempotency-Key header."""
    async with make_client(httpbin_url) as client:
        response = await client.post("/post", json={}, idempotency_key="auto")
    key = response.data["headers"]["Idempotency-Key"]
    assert uuid.UUID(key).version == 4


# -- response headers ------------------------------------------------------------------


@pytest.mark.anyio
async def test_response_headers_are_case_insensitive_and_multi_valued(
    httpbin_url: str,
) -> None:
    """A repeated response header keeps each value, found under any case."""
    async with make_client(httpbin_url) as client:
        response = await client.get("/response-headers?X-A=1&X-A=2")
    assert response.headers.get_list("x-a") == ["1", "2"]
    assert response.headers.get_list("X-A") == ["1", "2"]
    assert response.headers["x-A"] == "1, 2"
    assert "X-a" in response.headers
    assert response.headers.get_list("x-missing") == []
    assert response.headers["CONTENT-TYPE"] == response.headers["content-type"]


# -- statuses and retries --------------------------------------------------------------


@pytest.mark.anyio
async def test_404_is_returned_after_one_attempt(
    httpbin_url: str, clock: FakeClock
) -> None:
    """A 404 is not retryable: returned after one attempt, without waiting."""
    async with make_client(httpbin_url, clock=clock) as client:
        response = await client.get("/status/404")
    assert response.status_code == 404
    assert len(response.attempts) == 1
    assert clock.sleeps == []


@pytest.mark.anyio
async def test_503_is_retried_until_out_of_attempts(
    httpbin_url: str, clock: FakeClock
) -> None:
    """A 503 is retried: 3 attempts, 2 (fake) waits, then the last 503 is returned."""
    async with make_client(httpbin_url, clock=clock) as client:
        response = await client.get("/status/503")
    assert response.status_code == 503
    assert [a.status_code for a in response.attempts] == [503, 503, 503]
    assert len(clock.sleeps) == 2
    assert [a.delay for a in response.attempts[:2]] == clock.sleeps
    assert response.attempts[-1].reason == "status 503; out of attempts (3)"


@pytest.mark.anyio
async def test_raise_for_status_raises_for_503_after_retries(
    httpbin_url: str, clock: FakeClock
) -> None:
    """raise_for_status=True raises HTTPStatusError for the last 503, with attempts."""
    async with make_client(httpbin_url, clock=clock, raise_for_status=True) as client:
        with pytest.raises(restwell.HTTPStatusError) as caught:
            await client.get("/status/503")
    error = caught.value
    assert error.status_code == 503
    assert error.response.status_code == 503
    assert error.request.method == "GET"
    assert len(error.attempts) == 3
    assert len(clock.sleeps) == 2


@pytest.mark.anyio
async def test_raise_for_status_per_call_raises_for_404(httpbin_url: str) -> None:
    """raise_for_status=True on one call raises HTTPStatusError for a 404 at once."""
    async with make_client(httpbin_url) as client:
        with pytest.raises(restwell.HTTPStatusError) as caught:
            await client.get("/status/404", raise_for_status=True)
        ok = await client.get("/status/404")  # the client default is unchanged
    assert caught.value.status_code == 404
    assert len(caught.value.attempts) == 1
    assert ok.status_code == 404


@pytest.mark.anyio
async def test_post_503_is_retried_only_with_an_idempotency_key(
    httpbin_url: str, clock: FakeClock
) -> None:
    """A POST answered 503 is not resent, unless it carries an Idempotency-Key."""
    async with make_client(httpbin_url, clock=clock) as client:
        plain = await client.post("/status/503", json={})
        keyed = await client.post("/status/503", json={}, idempotency_key="auto")
    assert len(plain.attempts) == 1
    assert "not idempotent" in plain.attempts[0].reason
    assert len(keyed.attempts) == 3


@pytest.mark.anyio
async def test_retry_none_disables_retries(httpbin_url: str, clock: FakeClock) -> None:
    """retry=None on a call makes a 503 final after one attempt."""
    async with make_client(httpbin_url, clock=clock) as client:
        response = await client.get("/status/503", retry=None)
    assert response.status_code == 503
    assert len(response.attempts) == 1
    assert clock.sleeps == []


@pytest.mark.anyio
async def test_204_has_no_body_and_no_data(httpbin_url: str) -> None:
    """A 204 response has empty content and data None."""
    async with make_client(httpbin_url) as client:
        response = await client.get("/status/204")
    assert response.status_code == 204
    assert response.is_success
    assert response.content == b""
    assert response.data is None


# -- redirects -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_redirect_is_returned_when_not_following(httpbin_url: str) -> None:
    """By default a 302 is returned as it is, with its Location."""
    async with make_client(httpbin_url) as client:
        response = await client.get("/redirect/3")
    assert response.status_code == 302
    assert response.is_redirect
    assert response.headers["location"] == "/relative-redirect/2"
    assert len(response.attempts) == 1


@pytest.mark.anyio
async def test_relative_redirect_chain_is_followed(httpbin_url: str) -> None:
    """follow_redirects=True follows 3 relative redirects to the final 200 and URL."""
    async with make_client(httpbin_url, follow_redirects=True) as client:
        response = await client.get("/redirect/3")
    assert response.status_code == 200
    assert response.url == f"{httpbin_url}/get"
    assert response.data["url"] == f"{httpbin_url}/get"


@pytest.mark.anyio
async def test_absolute_redirect_chain_is_followed(httpbin_url: str) -> None:
    """follow_redirects=True follows absolute Location URLs to the final 200."""
    async with make_client(httpbin_url, follow_redirects=True) as client:
        response = await client.get("/absolute-redirect/2")
    assert response.status_code == 200
    assert response.url == f"{httpbin_url}/get"


@pytest.mark.anyio
async def test_max_redirects_is_inclusive(httpbin_url: str) -> None:
    """max_redirects=2 follows 2 redirects and raises TooManyRedirects at the 3rd."""
    async with make_client(
        httpbin_url, follow_redirects=True, max_redirects=2
    ) as client:
        ok = await client.get("/redirect/2")
        with pytest.raises(restwell.TooManyRedirects) as caught:
            await client.get("/redirect/3")
    assert ok.status_code == 200
    assert isinstance(caught.value, restwell.RequestError)
    assert "more than 2 redirects" in str(caught.value)


@pytest.mark.anyio
async def test_cross_origin_redirect_drops_credentials(
    httpbin_url: str, fault_server: FaultServer
) -> None:
    """A redirect to another port drops Authorization and Cookie, keeps the rest."""
    target = fault_server.url_for("/echo")
    async with make_client(httpbin_url, follow_redirects=True) as client:
        response = await client.get(
            "/redirect-to",
            params={"url": target},
            headers={
                "Authorization": "Bearer secret",
                "Cookie": "session=1",
                "X-Custom": "kept",
            },
        )
    assert response.status_code == 200
    assert response.url == target
    echoed = response.data["headers"]
    assert "authorization" not in echoed
    assert "cookie" not in echoed
    assert echoed["x-custom"] == "kept"
    assert echoed["host"] == f"127.0.0.1:{fault_server.port}"
    assert fault_server.hits("/echo") == 1


@pytest.mark.anyio
async def test_same_origin_redirect_keeps_authorization(httpbin_url: str) -> None:
    """A redirect within the same origin keeps the Authorization header."""
    async with make_client(httpbin_url, follow_redirects=True) as client:
        response = await client.get(
            "/redirect-to",
            params={"url": "/headers"},
            headers={"Authorization": "Bearer secret"},
        )
    assert response.url == f"{httpbin_url}/headers"
    assert response.data["headers"]["Authorization"] == "Bearer secret"


@pytest.mark.anyio
async def test_303_redirect_turns_post_into_get_without_body(httpbin_url: str) -> None:
    """A 303 after a POST is followed with a GET, without body or Content-Type."""
    async with make_client(httpbin_url, follow_redirects=True) as client:
        response = await client.post(
            "/redirect-to",
            params={"url": "/anything", "status_code": "303"},
            json={"x": 1},
        )
    assert response.data["method"] == "GET"
    assert response.data["data"] == ""
    assert "Content-Type" not in response.data["headers"]


@pytest.mark.anyio
async def test_307_redirect_keeps_method_and_body(httpbin_url: str) -> None:
    """A 307 after a POST is followed with the same POST and body."""
    async with make_client(httpbin_url, follow_redirects=True) as client:
        response = await client.post(
            "/redirect-to",
            params={"url": "/anything", "status_code": "307"},
            json={"x": 1},
        )
    assert response.data["method"] == "POST"
    assert response.data["json"] == {"x": 1}


# -- timeouts and deadlines ------------------------------------------------------------


@pytest.mark.anyio
async def test_deadline_cuts_a_slow_response_short(httpbin_url: str) -> None:
    """A 2 s response under deadline=0.5 raises DeadlineExceeded, a TimeoutError."""
    async with make_client(httpbin_url) as client:
        with pytest.raises(restwell.DeadlineExceeded) as caught:
            await client.get("/delay/2", deadline=0.5)
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert error.deadline == 0.5
    assert len(error.attempts) == 1
    # Whichever ends first at the deadline: the capped read timeout (then the
    # cause) or the cancellation of the whole call (async).
    assert error.__cause__ is None or isinstance(error.__cause__, restwell.ReadTimeout)


@pytest.mark.anyio
async def test_read_timeout_without_retries_raises_read_timeout(
    httpbin_url: str,
) -> None:
    """A per-attempt timeout shorter than the response raises ReadTimeout."""
    async with make_client(httpbin_url) as client:
        with pytest.raises(restwell.ReadTimeout) as caught:
            await client.get("/delay/2", timeout=0.3, retry=None)
    assert isinstance(caught.value, restwell.TransportTimeout)
    assert isinstance(caught.value, TimeoutError)
    assert len(caught.value.attempts) == 1


@pytest.mark.anyio
async def test_deadline_bounds_a_trickled_body(httpbin_url: str) -> None:
    """A body dripped over 1 s under deadline=0.3 raises DeadlineExceeded."""
    async with make_client(httpbin_url) as client:
        with pytest.raises(restwell.DeadlineExceeded):
            await client.get(
                "/drip",
                params={"duration": "1", "numbytes": "5", "delay": "0"},
                deadline=0.3,
            )


# -- streaming -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_stream_yields_the_body_in_chunks(httpbin_url: str) -> None:
    """client.stream() hands over an unread body whose chunks add up to 50000 bytes."""
    async with (
        make_client(httpbin_url) as client,
        client.stream("GET", "/stream-bytes/50000?chunk_size=1000") as response,
    ):
        assert response.status_code == 200
        assert not response.is_read
        chunks = [chunk async for chunk in response.aiter_bytes()]
    assert sum(len(chunk) for chunk in chunks) == 50000
    assert len(chunks) > 1


@pytest.mark.anyio
async def test_stream_of_json_lines(httpbin_url: str) -> None:
    """/stream/20 streams 20 newline-delimited JSON objects, ids 0 to 19."""
    async with (
        make_client(httpbin_url) as client,
        client.stream("GET", "/stream/20") as response,
    ):
        body = b"".join([chunk async for chunk in response.aiter_bytes()])
    lines = body.decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == list(range(20))


@pytest.mark.anyio
async def test_streamed_content_needs_a_read_first(httpbin_url: str) -> None:
    """An unread streamed body raises StreamConsumed on content, until read."""
    async with (
        make_client(httpbin_url) as client,
        client.stream("GET", "/bytes/100") as response,
    ):
        with pytest.raises(restwell.StreamConsumed):
            _ = response.content
        body = await response.aread()
        assert len(body) == 100
        assert response.content == body


@pytest.mark.anyio
async def test_iterating_a_consumed_stream_again_raises(httpbin_url: str) -> None:
    """Iterating a streamed body a second time raises StreamConsumed, as documented."""
    async with (
        make_client(httpbin_url) as client,
        client.stream("GET", "/bytes/100") as response,
    ):
        first = [chunk async for chunk in response.aiter_bytes()]
        assert sum(len(chunk) for chunk in first) == 100
        with pytest.raises(restwell.StreamConsumed):
            _ = [chunk async for chunk in response.aiter_bytes()]


# -- content codings, bytes and text ---------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("coding", "flag"), [("gzip", "gzipped"), ("deflate", "deflated")]
)
async def test_encoded_body_is_decoded(
    httpbin_url: str, coding: str, flag: str
) -> None:
    """A gzip or deflate body is decoded: data is httpbin's JSON with its flag true."""
    async with make_client(httpbin_url) as client:
        response = await client.get(f"/{coding}")
    assert response.headers["content-encoding"] == coding
    assert response.data[flag] is True


@pytest.mark.anyio
async def test_bytes_body_has_its_content_length(httpbin_url: str) -> None:
    """/bytes/1024 returns exactly 1024 bytes, matching Content-Length."""
    async with make_client(httpbin_url) as client:
        response = await client.get("/bytes/1024")
    assert len(response.content) == 1024
    assert response.headers["content-length"] == "1024"
    assert response.headers["content-type"] == "application/octet-stream"


@pytest.mark.anyio
async def test_utf8_text_is_decoded_with_its_charset(httpbin_url: str) -> None:
    """A text/html; charset=utf-8 body decodes to text with its non-ASCII characters."""
    async with make_client(httpbin_url) as client:
        response = await client.get("/encoding/utf8")
    assert response.encoding == "utf-8"
    assert "∮ E⋅da = Q" in response.text
    assert response.data == response.text


# -- typed bodies ----------------------------------------------------------------------


@pytest.mark.anyio
async def test_json_body_decoded_into_a_model(httpbin_url: str) -> None:
    """model= decodes /json into that pydantic model: data is a typed instance."""
    async with make_client(httpbin_url) as client:
        response = await client.get("/json", model=SlideshowDocument)
    document = response.data
    assert isinstance(document, SlideshowDocument)
    assert document.slideshow.author == "Yours Truly"
    assert [slide.title for slide in document.slideshow.slides] == [
        "Wake up to WonderWidgets!",
        "Overview",
    ]


@pytest.mark.anyio
async def test_json_body_that_does_not_fit_the_model_raises(httpbin_url: str) -> None:
    """A body that does not fit model= raises ResponseValidationError on data."""
    async with make_client(httpbin_url) as client:
        response = await client.get("/json", model=Unrelated)
    assert response.status_code == 200
    with pytest.raises(restwell.ResponseValidationError) as caught:
        _ = response.data
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value.__cause__, pydantic.ValidationError)
    assert caught.value.response is response


@pytest.mark.anyio
async def test_non_json_body_with_a_model_raises(httpbin_url: str) -> None:
    """An HTML body under model= raises ResponseValidationError."""
    async with make_client(httpbin_url) as client:
        response = await client.get("/html", model=SlideshowDocument)
    with pytest.raises(restwell.ResponseValidationError):
        _ = response.data
