# GENERATED from src/restwell/_async/_stages/_body.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The ``body`` stage: reads the response body inside the attempt.

Just above the transport, so every attempt-level stage sees the real outcome: a body
that breaks off is a ``ReadError`` (retried like any other), not a 200. Not in the
chain of a streamed call (``client.stream()``), whose body the caller reads. A
response that is already read (a middleware's or a mock's ``Response(200,
content=...)``) passes through unchanged.
"""

from __future__ import annotations

from typing import Any

from ..._middleware import Handler
from ..._models import Request, Response
from ..._pipeline import StageEnv

__all__ = ["BodyStage"]


class BodyStage:
    """Reads the body before the attempt counts as answered."""

    name = "body"
    EMITS = ()
    __slots__ = ("_next",)

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next

    def __call__(self, request: Request) -> Response[Any]:
        response = self._next(request)
        response.read()
        return response
