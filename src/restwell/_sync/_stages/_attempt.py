# GENERATED from src/restwell/_async/_stages/_attempt.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The ``attempt`` stage: the top of each attempt.

Emits ``RequestSent``, then ``ResponseReceived`` or ``AttemptFailed``, and appends the
attempt's ``Attempt`` record (number, start, duration, status or error) to
``ctx.attempts``; the ``retry`` stage completes it with the delay and the reason.
Everything below it (breaker, limiter, auth, user attempt middleware, timeout, body,
transport) is inside the attempt: its duration includes their waits, and the outcome
it records is the real one (the body is read below it).
"""

from __future__ import annotations

from typing import Any

from ..._hooks import emit
from ..._middleware import Handler
from ..._models import Attempt, Request, Response
from ..._pipeline import StageEnv
from ...instrumentation._events import AttemptFailed, RequestSent, ResponseReceived

__all__ = ["AttemptStage"]


class AttemptStage:
    """Events and the ``Attempt`` record of each attempt."""

    name = "attempt"
    EMITS = (RequestSent, ResponseReceived, AttemptFailed)
    __slots__ = ("_failed", "_monotonic", "_next", "_received", "_sent")

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic
        self._sent = env.events.hooks(RequestSent)
        self._received = env.events.hooks(ResponseReceived)
        self._failed = env.events.hooks(AttemptFailed)

    def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        n = request.attempt
        if self._sent:
            emit(
                self._sent, RequestSent(request=request, attempt=n, call_id=ctx.call_id)
            )
        t0 = self._monotonic()
        try:
            response = self._next(request)
        except BaseException as exc:  # cancelled too: the record shows it
            now = self._monotonic()
            ctx.attempts.append(
                Attempt(
                    number=n, started=t0 - ctx.started, duration=now - t0, error=exc
                )
            )
            if not isinstance(exc, Exception):
                raise
            if self._failed:
                emit(
                    self._failed,
                    AttemptFailed(
                        request=request,
                        attempt=n,
                        call_id=ctx.call_id,
                        error=exc,
                        duration=now - t0,
                    ),
                )
            raise
        now = self._monotonic()
        # Positional: number, started, duration, status_code (the hot path).
        ctx.attempts.append(
            Attempt(n, t0 - ctx.started, now - t0, response.status_code)
        )
        if self._received:
            emit(
                self._received,
                ResponseReceived(
                    request=request,
                    attempt=n,
                    call_id=ctx.call_id,
                    response=response,
                    duration=now - t0,
                ),
            )
        return response
