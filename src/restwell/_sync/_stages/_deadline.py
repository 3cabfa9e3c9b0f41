# GENERATED from src/restwell/_async/_stages/_deadline.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The ``deadline`` stage: starts the call's deadline.

Writes ``ctx.deadline_at`` = ``ctx.started`` + ``ctx.options.deadline`` (absolute
monotonic seconds, counted from the start of the call; ``None`` when the call has no
deadline). It sits below ``cache`` (a cache
hit needs no deadline) and above ``redirects``, so one deadline spans every hop,
attempt and wait. The stages below enforce it: ``retry`` never sleeps past it,
``timeout`` caps each attempt to the time left.
"""

from __future__ import annotations

from typing import Any

from ..._middleware import Handler
from ..._models import Request, Response
from ..._pipeline import StageEnv

__all__ = ["DeadlineStage"]


class DeadlineStage:
    """Sets ``ctx.deadline_at`` (see the module docstring)."""

    name = "deadline"
    EMITS = ()
    __slots__ = ("_next",)

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next

    def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        deadline = ctx.options.deadline
        if deadline is not None:
            ctx.deadline_at = ctx.started + deadline
        return self._next(request)
