"""
Request bodies: encoding (json, form, text), and iterating a streamed one.

No I/O here. Buffering a streamed body for replay reads it, so it lives in
``_async/_body.py`` (``abuffer_body``) and its generated twin ``_sync/_body.py``
(``buffer_body``). The one thing the two worlds do differently, which iterables a
client takes, is ``aiter_chunks`` / ``iter_chunks`` below: the buffering calls one
or the other and is otherwise the same code.
"""

from __future__ import annotations

import json as _json
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

from ._exceptions import ConfigurationError

__all__ = ["aiter_chunks", "encode_body", "iter_chunks"]


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
    if isinstance(content, Mapping):
        raise ConfigurationError(
            f"content= got a {type(content).__name__}: content= takes bytes, str or "
            "an iterable of bytes; send a mapping as JSON with json=, or as form "
            "fields with data="
        )
    if isinstance(content, bytes) or (
        isinstance(content, Iterable | AsyncIterable)
        and not isinstance(content, str | bytes)
    ):
        return content, None
    raise ConfigurationError(
        f"content= got a {type(content).__name__}: content= takes bytes, str or an "
        "iterable of bytes (json= for JSON, data= for form fields)"
    )


def aiter_chunks(
    content: Iterable[bytes] | AsyncIterable[bytes],
) -> AsyncIterator[bytes]:
    """
    Iterate a streamed body for an async client: async iterables, and sync ones.

    A sync iterable is wrapped, since async transports (``httpx.AsyncClient``)
    refuse sync iterators. ``iter(content)`` is called here, so a non-iterable
    raises ``TypeError`` at once.
    """
    if isinstance(content, AsyncIterable):
        return aiter(content)
    return _to_async(iter(content))


async def _to_async(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def iter_chunks(content: Iterable[bytes] | AsyncIterable[bytes]) -> Iterator[bytes]:
    """
    Iterate a streamed body for a sync client: sync iterables only.

    Raises:
        ConfigurationError: If ``content`` is an async iterable (use AsyncClient).
    """
    if isinstance(content, AsyncIterable):
        raise ConfigurationError(
            "content= is an async iterable, but this is a sync Client: "
            "pass bytes or a sync iterator, or use restwell.AsyncClient"
        )
    return iter(content)
