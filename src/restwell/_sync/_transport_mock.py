# GENERATED from src/restwell/_async/_transport_mock.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
Mock transports: answer requests with a function, for unit tests of pure logic.

For behaviour that crosses the network, use ``restwell.testing.FaultServer``.
"""

from __future__ import annotations

from collections.abc import Iterator

from .._models import Request, Response
from .._transport_base import MockHandler, handler_response
from .._types import JSON

__all__ = ["MockTransport"]


class _BytesStream:
    """A body already in memory, as a response stream."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        if self._body:
            yield self._body

    def read(self) -> bytes:
        return self._body

    def close(self) -> None:
        return None


def _prepare(request: Request, response: Response[object]) -> Response[JSON]:
    body = response._content if response.is_read else b""
    mock = Response(
        response.status_code,
        headers=response.headers,
        stream=_BytesStream(body),
        request=request,
        url=response.url or request.url,
        http_version=response.http_version,
        reason_phrase=response.reason_phrase,
        raw=response,
    )
    return mock


class MockTransport:
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

    def __init__(self, handler: MockHandler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.closed = False

    def send(self, request: Request) -> Response[JSON]:
        """Record ``request`` and return ``handler(request)`` as a streamed response."""
        self.requests.append(request)
        return _prepare(request, handler_response(self.handler(request)))

    def close(self) -> None:
        """Mark the transport closed."""
        self.closed = True
