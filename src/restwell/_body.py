"""
Request bodies: encoding (json, form, text) and buffering streamed bodies for replay.

A body that is an iterator or async generator can be sent once. restwell reads up to
``max_replay_buffer`` bytes of it before the first attempt: if it ends within that,
it becomes ``bytes`` and can be retried; if not, the prefix and the rest are sent as
one stream and the call is not retried once it has been sent (the reason is in
``Response.attempts``). It is never resent as empty.
"""

from __future__ import annotations

import json as _json
from collections.abc import AsyncIterable, AsyncIterator, Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

from ._exceptions import ConfigurationError

__all__ = ["abuffer_body", "buffer_body", "encode_body"]


def _dumps(value: Any) -> bytes:
    dump = getattr(value, "model_dump_json", None)
    if dump is not None:  # a pydantic model
        return dump().encode()  # type: ignore[no-any-return]  # pydantic returns str
    try:
        return _json.dumps(
            value,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
            default=_default,
        ).encode()
    except ValueError as exc:
        raise ValueError(
            f"json= body cannot be encoded: {exc} (NaN/Infinity are not JSON)"
        ) from exc


def _default(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(mode="json")
    raise TypeError(
        f"json= body contains a {type(value).__name__}, which JSON cannot encode: "
        "convert it (e.g. str(), .isoformat(), a pydantic model)"
    )


def encode_body(content: Any, data: Any, json: Any) -> tuple[Any, str | None]:
    """
    Turn ``content=`` / ``data=`` / ``json=`` into a body and its Content-Type.

    Returns:
        ``(body, content_type)``: body is ``bytes``, an iterable, or ``None``.

    Raises:
        ConfigurationError: If more than one of the three is given.
        TypeError, ValueError: If ``json`` cannot be encoded (never retried).
    """
    given = (content is not None) + (data is not None) + (json is not None)
    if given > 1:
        raise ConfigurationError("pass only one of content=, data= and json=")
    if json is not None:
        return _dumps(json), "application/json"
    if data is not None:
        if isinstance(data, Mapping):
            return urlencode(
                data, doseq=True
            ).encode(), "application/x-www-form-urlencoded"
        if isinstance(data, str | bytes):
            raise ConfigurationError(
                "data= takes a mapping of form fields; pass raw bodies as content="
            )
        raise ConfigurationError(
            f"data={type(data).__name__}: pass a mapping of form fields"
        )
    if isinstance(content, str):
        return content.encode(), None
    if isinstance(content, bytearray | memoryview):
        return bytes(content), None
    return content, None


def _chain(prefix: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from prefix
    yield from rest


async def _achain(
    prefix: list[bytes], rest: AsyncIterator[bytes]
) -> AsyncIterator[bytes]:
    for chunk in prefix:
        yield chunk
    async for chunk in rest:
        yield chunk


async def _to_async(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    # Async transports (httpx.AsyncClient) refuse sync iterators.
    for chunk in chunks:
        yield chunk


def buffer_body(content: Any, limit: int) -> tuple[Any, bool]:
    """
    Make a streamed body replayable if it fits in ``limit`` bytes.

    Args:
        content: ``bytes``, ``None`` or an iterable of ``bytes``.
        limit: Most bytes kept in memory for replay.

    Returns:
        ``(body, replayable)``.

    Raises:
        ConfigurationError: If ``content`` is an async iterable (use AsyncClient).
    """
    if content is None or isinstance(content, bytes):
        return content, True
    if isinstance(content, AsyncIterable):
        raise ConfigurationError(
            "content= is an async iterable, but this is a sync Client: "
            "pass bytes or a sync iterator, or use restwell.AsyncClient"
        )
    if isinstance(content, list | tuple):
        return b"".join(content), True
    iterator = iter(content)
    kept: list[bytes] = []
    size = 0
    for chunk in iterator:
        kept.append(chunk)
        size += len(chunk)
        if size > limit:
            return _chain(kept, iterator), False
    return b"".join(kept), True


async def abuffer_body(content: Any, limit: int) -> tuple[Any, bool]:
    """Like ``buffer_body``, and also for async iterables; streams come out async."""
    if not isinstance(content, AsyncIterable):
        body, replayable = buffer_body(content, limit)
        if replayable:
            return body, True
        return _to_async(body), False
    iterator = aiter(content)
    kept: list[bytes] = []
    size = 0
    async for chunk in iterator:
        kept.append(chunk)
        size += len(chunk)
        if size > limit:
            return _achain(kept, iterator), False
    return b"".join(kept), True
