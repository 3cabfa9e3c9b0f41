"""Static checks of a response's read and iteration methods (mypy and pyright)."""

from collections.abc import AsyncIterator, Iterator
from typing import assert_type

import restwell


async def streamed_async(client: restwell.AsyncClient) -> None:
    async with client.stream("GET", "/x", max_response_size=2**20) as r:
        assert_type(r.aiter_bytes(), AsyncIterator[bytes])
        assert_type(r.aiter_bytes(chunk_size=4096), AsyncIterator[bytes])
        assert_type(r.aiter_text(), AsyncIterator[str])
        assert_type(r.aiter_text(chunk_size=80), AsyncIterator[str])
        assert_type(r.aiter_lines(), AsyncIterator[str])
        assert_type(await r.aread(max_size=None), bytes)
        assert_type(await r.aread(max_size=10), bytes)


def streamed_sync(client: restwell.Client) -> None:
    with client.stream("GET", "/x") as r:
        assert_type(r.iter_bytes(chunk_size=4096), Iterator[bytes])
        assert_type(r.iter_text(), Iterator[str])
        assert_type(r.iter_lines(), Iterator[str])
        assert_type(r.read(max_size=2**20), bytes)


def too_large(error: restwell.ResponseTooLarge) -> int:
    assert_type(error.limit, int)
    assert_type(error.received, int)
    return error.limit - error.received
