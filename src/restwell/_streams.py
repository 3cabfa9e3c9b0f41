"""
Ready-made response streams, so that a transport author writes no stream class.

``AsyncBodyStream`` is an ``AsyncResponseStream`` and ``BodyStream`` a
``ResponseStream`` over a body held in memory (``bytes``) or produced by an
iterator, with a callback that releases the connection when the body ends or is
closed early, and an optional error mapper that turns the backend's exceptions
into restwell's. Hand-kept (not generated): the two accept different bodies (an
async stream takes async and sync iterables, a sync one only sync iterables) and
call back differently (the async one awaits a callback that returns an awaitable).
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any

__all__ = ["AsyncBodyStream", "BodyStream"]

ErrorMapper = Callable[[Exception], BaseException]


class AsyncBodyStream:
    """
    A response body for an async transport: ``Response.streamed(..., stream=...)``.

    Args:
        body: The body: ``bytes`` (already in memory), or an async or sync
            iterable of ``bytes`` chunks (an async generator reading a socket;
            a sync iterable is iterated on the event loop, so it must not
            block). Empty chunks are skipped.
        on_close: Called once, when the body has been read to its end, or on the
            first ``aclose()`` (an early close, an error): release or close the
            connection here. Sync, or ``async`` (its awaitable is awaited).
            Default ``None``.
        map_error: ``(exception) -> restwell error`` for an exception the
            iterator raises (raised ``from`` the original); return the exception
            itself to let it through. Default ``None``: raised as it is (it must
            then already be a restwell error).

    Iterating yields the chunks; ``aread()`` returns them joined; ``aclose()`` is
    idempotent and closes the iterator (``aclose()``/``close()``) if it has one.
    After ``aclose()`` an iteration in progress stops at its next chunk, as
    ``AsyncResponseStream`` requires. A body read once cannot be read again.

    Example:
        >>> stream = AsyncBodyStream(b'{"ok": true}')  # doctest: +SKIP
        >>> Response.streamed(200, headers, stream, request, raw=None)  # doctest: +SKIP

    .. versionadded:: 0.2
    """

    __slots__ = ("_body", "_closed", "_map_error", "_on_close")

    def __init__(
        self,
        body: bytes | AsyncIterable[bytes] | Iterable[bytes],
        *,
        on_close: Callable[[], object] | None = None,
        map_error: ErrorMapper | None = None,
    ) -> None:
        self._body = body
        self._on_close = on_close
        self._map_error = map_error
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        body = self._body
        try:
            if isinstance(body, bytes | bytearray | memoryview):
                if body and not self._closed:
                    yield bytes(body)
            elif isinstance(body, AsyncIterable):
                async for chunk in body:
                    if self._closed:
                        break
                    if chunk:
                        yield chunk
            else:
                for chunk in body:
                    if self._closed:
                        break
                    if chunk:
                        yield chunk
        except Exception as exc:
            await self.aclose()
            mapped = exc if self._map_error is None else self._map_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        await self.aclose()

    async def aread(self) -> bytes:
        """Return the whole body; the connection is released at its end."""
        return b"".join([chunk async for chunk in self])

    async def aclose(self) -> None:
        """Stop the body and run ``on_close`` (once); idempotent."""
        if self._closed:
            return
        self._closed = True
        body: Any = self._body
        closer = getattr(body, "aclose", None) or getattr(body, "close", None)
        if closer is not None and not isinstance(body, bytes | bytearray):
            result = closer()
            if inspect.isawaitable(result):
                await result
        if self._on_close is not None:
            result = self._on_close()
            if inspect.isawaitable(result):
                await result


class BodyStream:
    """
    A response body for a sync transport: the twin of ``AsyncBodyStream``.

    Args:
        body: ``bytes``, or a sync iterable of ``bytes`` chunks.
        on_close: Called once when the body ends or on the first ``close()``
            (sync). Default ``None``.
        map_error: ``(exception) -> restwell error``, as for ``AsyncBodyStream``.
            Default ``None``.

    .. versionadded:: 0.2
    """

    __slots__ = ("_body", "_closed", "_map_error", "_on_close")

    def __init__(
        self,
        body: bytes | Iterable[bytes],
        *,
        on_close: Callable[[], object] | None = None,
        map_error: ErrorMapper | None = None,
    ) -> None:
        self._body = body
        self._on_close = on_close
        self._map_error = map_error
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        body = self._body
        try:
            if isinstance(body, bytes | bytearray | memoryview):
                if body and not self._closed:
                    yield bytes(body)
            else:
                for chunk in body:
                    if self._closed:
                        break
                    if chunk:
                        yield chunk
        except Exception as exc:
            self.close()
            mapped = exc if self._map_error is None else self._map_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        self.close()

    def read(self) -> bytes:
        """Return the whole body; the connection is released at its end."""
        return b"".join(list(self))

    def close(self) -> None:
        """Stop the body and run ``on_close`` (once); idempotent."""
        if self._closed:
            return
        self._closed = True
        body: Any = self._body
        closer = getattr(body, "close", None)
        if closer is not None and not isinstance(body, bytes | bytearray):
            closer()
        if self._on_close is not None:
            self._on_close()
