# GENERATED from src/restwell/_async/_stages/_body.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The ``body`` stage: reads the response body inside the attempt, within a size limit.

Just above the transport, so every attempt-level stage sees the real outcome: a body
that breaks off is a ``ReadError`` (retried like any other), not a 200. Not in the
chain of a streamed call (``client.stream()``), whose body the caller reads. A
response that is already read (a middleware's or a mock's ``Response(200,
content=...)``) passes through unchanged.

The body is read under ``ctx.options.max_response_size``: ``UNSET`` means
``DEFAULT_MAX_RESPONSE_SIZE`` (64 MiB) here, ``None`` no limit. ``Response.read``
refuses a ``Content-Length`` above the limit before reading, and otherwise counts the
decoded bytes as they arrive, so a gzip bomb or an endless chunked body ends with
``ResponseTooLarge`` and a closed connection. That error is not retried by the
default ``Retry`` policy (it is not a ``TransportError``).
"""

from __future__ import annotations

from typing import Any

from ..._config import DEFAULT_MAX_RESPONSE_SIZE, UNSET
from ..._middleware import Handler
from ..._models import Request, Response
from ..._pipeline import StageEnv

__all__ = ["BodyStage"]


class BodyStage:
    """Reads the body, at most ``max_response_size`` bytes, before the attempt ends."""

    name = "body"
    EMITS = ()
    __slots__ = ("_next",)

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next

    def __call__(self, request: Request) -> Response[Any]:
        response = self._next(request)
        limit = request.context.options.max_response_size
        response.read(max_size=DEFAULT_MAX_RESPONSE_SIZE if limit is UNSET else limit)
        return response
