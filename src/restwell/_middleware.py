"""
Middleware protocols: ``(request, call_next) -> Response``.

The shape of aiohttp client middlewares and starlette; composed once when a client
is built, at the position in the stage pipeline the middleware names
(``restwell._pipeline``; docs/architecture.md): ``before=``/``after=`` a stage, or
the legacy ``stage="call"`` (just below the ``call`` stage, once per call) or
``stage="attempt"`` (the default: just above the ``timeout`` stage, once per attempt,
seeing the real outcome with the body read).
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

    ``call_next(request)`` sends the request on down the chain. Optional
    attributes: ``before`` / ``after`` (a stage name, see
    ``restwell.middleware.SLOTS``), or ``stage``: ``"call"`` or ``"attempt"``
    (default ``"attempt"``); ``emits``: the event classes it emits.
    """

    async def __call__(
        self,
        request: Request,
        call_next: Callable[[Request], Awaitable[Response[JSON]]],
        /,
    ) -> Response[JSON]:
        """Handle ``request``, usually by awaiting ``call_next(request)``."""
        ...


@runtime_checkable
class Middleware(Protocol):
    """The sync twin: ``def __call__(request, call_next) -> Response``."""

    def __call__(
        self, request: Request, call_next: Callable[[Request], Response[JSON]], /
    ) -> Response[JSON]:
        """Handle ``request``, usually by returning ``call_next(request)``."""
        ...
