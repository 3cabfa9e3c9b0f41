"""
The transport seam: the one place restwell touches the network (DESIGN.md).

A transport sends exactly one request and returns its response with the body still
streaming. It never retries, never sleeps, never follows redirects and never decides
policy. It maps its backend's exceptions to restwell's tree, and honours
``request.timeout`` (a ``Timeout``, seconds per phase). Small enough to implement for
any backend (cf. python-aioarango's ``HTTPClient``): two methods.

Here: the two protocols, and the one difference between the mock transports (which
handlers each takes). The mock transports themselves are ``_async/_transport_mock.py``
and its generated twin. The protocols are written twice by hand: they are
declarations, with no I/O path to drift, the sync one's docstring points to the async
one's instead of repeating it, and mypy checks every transport against them.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeAlias, runtime_checkable

from ._exceptions import ConfigurationError
from ._models import Request, Response
from ._types import JSON

__all__ = [
    "AsyncMockHandler",
    "AsyncTransport",
    "MockHandler",
    "Transport",
    "ahandler_response",
    "handler_response",
]

AsyncMockHandler: TypeAlias = Callable[
    [Request], Response[object] | Awaitable[Response[object]]
]
"""What ``AsyncMockTransport`` calls: ``(Request) -> Response``, sync or ``async``."""

MockHandler: TypeAlias = Callable[[Request], Response[object]]
"""What ``MockTransport`` calls: ``(Request) -> Response``, sync only."""


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


async def ahandler_response(
    result: Response[object] | Awaitable[Response[object]],
) -> Response[object]:
    """Return the response an ``AsyncMockHandler`` gave, awaited if it was awaitable."""
    if inspect.isawaitable(result):
        return await result
    return result


def handler_response(
    result: Response[object] | Awaitable[Response[object]],
) -> Response[object]:
    """
    Return the response a ``MockHandler`` gave.

    Raises:
        ConfigurationError: If the handler returned an awaitable (it is ``async``).
    """
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # a coroutine never awaited would warn
        raise ConfigurationError(
            "MockTransport's handler returned an awaitable: MockTransport takes sync "
            "handlers; use restwell.testing.AsyncMockTransport with an AsyncClient"
        )
    return result
