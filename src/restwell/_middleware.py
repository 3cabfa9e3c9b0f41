"""
Middleware protocols: ``(request, call_next) -> Response``.

The shape of aiohttp client middlewares and starlette; composed once when a client
is built.

Two stacks (DESIGN.md): a middleware whose ``stage`` attribute is ``"call"`` runs once
per call, outside the retry loop (it sees the final response or error); any other runs
once per attempt, inside the retry loop, just before the transport (it sees each
attempt's request, with its per-attempt ``timeout``). The default order of a call:

1. events ``CallSucceeded`` / ``CallFailed`` and ``raise_for_status``;
2. user ``"call"`` middleware, outermost first;
3. redirects (when ``follow_redirects``), each hop a call of its own to the retry loop;
4. the retry loop: deadline, per-attempt timeout, ``Retry`` decisions, waits;
5. user ``"attempt"`` middleware, outermost first;
6. the transport; the body is read here (unless streaming), so read errors retry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, Protocol, runtime_checkable

from ._models import Request, Response
from ._types import JSON

__all__ = ["AsyncHandler", "AsyncMiddleware", "Handler", "Middleware", "Stage"]

Stage = Literal["call", "attempt"]
AsyncHandler = Callable[[Request], Awaitable[Response[JSON]]]
"""What ``call_next`` is in an async stack: ``async (Request) -> Response``."""
Handler = Callable[[Request], Response[JSON]]
"""What ``call_next`` is in a sync stack: ``(Request) -> Response``."""


@runtime_checkable
class AsyncMiddleware(Protocol):
    """
    ``async def __call__(request, call_next) -> Response``.

    ``call_next(request)`` sends the request on down the stack. Optional attribute
    ``stage``: ``"call"`` or ``"attempt"`` (default ``"attempt"``).
    """

    async def __call__(
        self,
        request: Request,
        call_next: Callable[[Request], Awaitable[Response[JSON]]],
    ) -> Response[JSON]:
        """Handle ``request``, usually by awaiting ``call_next(request)``."""
        ...


@runtime_checkable
class Middleware(Protocol):
    """The sync twin: ``def __call__(request, call_next) -> Response``."""

    def __call__(
        self, request: Request, call_next: Callable[[Request], Response[JSON]]
    ) -> Response[JSON]:
        """Handle ``request``, usually by returning ``call_next(request)``."""
        ...
