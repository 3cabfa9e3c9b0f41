"""AsyncBodyStream / BodyStream: bytes or iterators, on_close once, errors mapped."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from restwell import ReadError, Request, Response
from restwell.transports import AsyncBodyStream, BodyStream

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _request() -> Request:
    return Request("GET", "http://127.0.0.1/x")


async def _agen(parts: list[bytes], fail: bool = False) -> AsyncIterator[bytes]:
    for part in parts:
        yield part
    if fail:
        raise ConnectionResetError("peer reset")


def _gen(parts: list[bytes], fail: bool = False) -> Iterator[bytes]:
    yield from parts
    if fail:
        raise ConnectionResetError("peer reset")


def _to_read_error(exc: Exception) -> BaseException:
    return ReadError(f"ReadError: {type(exc).__name__}", request=_request())


@pytest.mark.parametrize(
    "body", [b"abc", [b"a", b"", b"bc"], "agen"], ids=["bytes", "list", "agen"]
)
async def test_async_stream_reads_whole_body_and_releases_once(body: object) -> None:
    """The body reads whole through a Response; on_close runs once, at the end."""
    closed: list[int] = []
    given = _agen([b"a", b"", b"bc"]) if body == "agen" else body
    stream = AsyncBodyStream(given, on_close=lambda: closed.append(1))  # type: ignore[arg-type]
    response = Response.streamed(200, Response(200).headers, stream, _request(), None)
    assert await response.aread() == b"abc"
    assert closed == [1]
    await response.aclose()
    assert closed == [1]


async def test_async_stream_early_close_stops_iteration_and_awaits_callback() -> None:
    """aclose() mid-body stops the iteration and awaits an async on_close."""
    closed: list[str] = []

    async def release() -> None:
        closed.append("released")

    stream = AsyncBodyStream(_agen([b"1", b"2", b"3"]), on_close=release)
    seen = []
    async for chunk in stream:
        seen.append(chunk)
        await stream.aclose()
    assert seen == [b"1"]
    assert closed == ["released"]


async def test_async_stream_maps_errors_and_releases() -> None:
    """An iterator error is mapped (raised from the original) and on_close runs."""
    closed: list[int] = []
    stream = AsyncBodyStream(
        _agen([b"part"], fail=True),
        on_close=lambda: closed.append(1),
        map_error=_to_read_error,
    )
    with pytest.raises(ReadError) as caught:
        await stream.aread()
    assert isinstance(caught.value.__cause__, ConnectionResetError)
    assert closed == [1]


async def test_async_stream_without_mapper_raises_as_is() -> None:
    """Without map_error the iterator's exception passes through unchanged."""
    stream = AsyncBodyStream(_gen([b"x"], fail=True))
    with pytest.raises(ConnectionResetError):
        await stream.aread()


def test_sync_stream_reads_maps_and_closes() -> None:
    """BodyStream: whole body, on_close once; an error mapped, on_close run."""
    closed: list[int] = []
    stream = BodyStream(_gen([b"a", b"b"]), on_close=lambda: closed.append(1))
    assert stream.read() == b"ab"
    stream.close()
    assert closed == [1]
    failing = BodyStream(
        _gen([b"a"], fail=True),
        on_close=lambda: closed.append(2),
        map_error=_to_read_error,
    )
    with pytest.raises(ReadError):
        failing.read()
    assert closed == [1, 2]
    early = BodyStream([b"1", b"2"], on_close=lambda: closed.append(3))
    for _ in early:
        early.close()
    assert closed == [1, 2, 3]
    assert BodyStream(b"").read() == b""
