"""
The transport seam: the one place restwell touches the network (DESIGN.md).

A transport sends exactly one request and returns its response with the body still
streaming. It never retries, never sleeps, never follows redirects and never decides
policy. It maps its backend's exceptions to restwell's tree, and honours
``request.timeout`` (a ``Timeout``, seconds per phase). Small enough to implement for
any backend (cf. python-aioarango's ``HTTPClient``): two methods.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Protocol, runtime_checkable

from ._models import Request, Response
from ._types import JSON

__all__ = ["AsyncMockTransport", "AsyncTransport", "MockTransport", "Transport"]


@runtime_checkable
class AsyncTransport(Protocol):
    """
    Sends one request, asynchronously.

    Methods:
        send(request): Return a ``Response`` whose body streams (its ``stream`` is
            an ``AsyncResponseStream``), or raise a ``restwell.TransportError``
            subclass. Must apply ``request.timeout``. Must not retry.
        aclose(): Release connections (idempotent). Must not close a backend
            client the user lent to it.

    A transport opens lazily on first ``send`` (aiohttp sessions need a running loop).
    """

    async def send(self, request: Request) -> Response[JSON]:
        """Send ``request`` once and return the response with its body unread."""
        ...

    async def aclose(self) -> None:
        """Release the transport's resources."""
        ...


@runtime_checkable
class Transport(Protocol):
    """The sync twin of ``AsyncTransport``: ``send(request)`` and ``close()``."""

    def send(self, request: Request) -> Response[JSON]:
        """Send ``request`` once and return the response with its body unread."""
        ...

    def close(self) -> None:
        """Release the transport's resources."""
        ...


class _BytesStream:
    """A body already in memory, as both a sync and an async response stream."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        if self._body:
            yield self._body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._body:
            yield self._body

    def read(self) -> bytes:
        return self._body

    async def aread(self) -> bytes:
        return self._body

    def close(self) -> None:
        return None

    async def aclose(self) -> None:
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
    A sync transport that answers with a function: for unit tests of pure logic.

    Args:
        handler: ``(Request) -> Response``; build responses as
            ``Response(503, headers={"Retry-After": "1"}, content=b"...")``. It may
            raise restwell errors to simulate transport failures.

    Attributes:
        requests: Every request received, in order (``list[Request]``).

    For behaviour that crosses the network, use ``restwell.testing.FaultServer``.
    """

    def __init__(self, handler: Callable[[Request], Response[object]]) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.closed = False

    def send(self, request: Request) -> Response[JSON]:
        """Record ``request`` and return ``handler(request)`` as a streamed response."""
        self.requests.append(request)
        return _prepare(request, self.handler(request))

    def close(self) -> None:
        """Mark the transport closed."""
        self.closed = True


class AsyncMockTransport:
    """
    The async twin of ``MockTransport``; ``handler`` may be sync or ``async``.

    Args:
        handler: ``(Request) -> Response`` or ``async (Request) -> Response``.
    """

    def __init__(
        self,
        handler: Callable[[Request], Response[object] | Awaitable[Response[object]]],
    ) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.closed = False

    async def send(self, request: Request) -> Response[JSON]:
        """Record ``request`` and return the handler's response, streamed."""
        self.requests.append(request)
        result = self.handler(request)
        if inspect.isawaitable(result):
            result = await result
        return _prepare(request, result)

    async def aclose(self) -> None:
        """Mark the transport closed."""
        self.closed = True
