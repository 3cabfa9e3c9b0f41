"""
Mock transports: answer requests with a function, for unit tests of pure logic.

For behaviour that crosses the network, use ``restwell.testing.FaultServer``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from .._models import Request, Response
from .._transport_base import AsyncMockHandler, ahandler_response
from .._types import JSON

__all__ = ["AsyncMockTransport"]


class _AsyncBytesStream:
    """A body already in memory, as a response stream."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._body:
            yield self._body

    async def aread(self) -> bytes:
        return self._body

    async def aclose(self) -> None:
        return None


def _prepare(request: Request, response: Response[object]) -> Response[JSON]:
    body = response._content if response.is_read else b""
    mock = Response(
        response.status_code,
        headers=response.headers,
        stream=_AsyncBytesStream(body),
        request=request,
        url=response.url or request.url,
        http_version=response.http_version,
        reason_phrase=response.reason_phrase,
        raw=response,
    )
    return mock


class AsyncMockTransport:
    """
    A transport that answers with a function: for unit tests of pure logic.

    Args:
        handler: ``(Request) -> Response``; the async transport also takes
            ``async (Request) -> Response``. Build responses as
            ``Response(503, headers={"Retry-After": "1"}, content=b"...")``. It may
            raise restwell errors to simulate transport failures.

    Attributes:
        requests: Every request received, in order (``list[Request]``).

    For behaviour that crosses the network, use ``restwell.testing.FaultServer``.
    """

    def __init__(self, handler: AsyncMockHandler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.closed = False

    async def send(self, request: Request) -> Response[JSON]:
        """Record ``request`` and return ``handler(request)`` as a streamed response."""
        self.requests.append(request)
        return _prepare(request, await ahandler_response(self.handler(request)))

    async def aclose(self) -> None:
        """Mark the transport closed."""
        self.closed = True
