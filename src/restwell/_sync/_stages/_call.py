# GENERATED from src/restwell/_async/_stages/_call.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The ``call`` stage: the outermost, once per call.

Emits ``CallStarted`` and then exactly one completion event, ``CallSucceeded`` (a
response below 400) or ``CallFailed`` (an error, or a 4xx/5xx response), whatever
happens below (redirects, a short-circuit, an error in any stage, cancellation). Sets
``Response.attempts`` and ``elapsed`` for the whole call, and applies
``raise_for_status``. Reads ``ctx.options``, ``ctx.attempts``, ``ctx.reason``,
``ctx.gave_up``, ``ctx.started``.
"""

from __future__ import annotations

from typing import Any

from ..._exceptions import HTTPStatusError
from ..._hooks import emit
from ..._middleware import Handler
from ..._models import Request, Response
from ..._pipeline import StageEnv
from ...instrumentation._events import CallFailed, CallStarted, CallSucceeded

__all__ = ["CallStage"]


class CallStage:
    """Events and accounting once per call (see the module docstring)."""

    name = "call"
    EMITS = (CallStarted, CallSucceeded, CallFailed)
    __slots__ = ("_failed", "_monotonic", "_next", "_started", "_succeeded")

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic
        self._started = env.events.hooks(CallStarted)
        self._succeeded = env.events.hooks(CallSucceeded)
        self._failed = env.events.hooks(CallFailed)

    def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        if self._started:
            emit(
                self._started,
                CallStarted(request=request, attempt=0, call_id=ctx.call_id),
            )
        try:
            response = self._next(request)
        except Exception as exc:
            if self._failed:
                reason = ctx.reason or f"{type(exc).__name__} raised"
                self._fail(request, exc, reason)
            raise
        except BaseException as exc:  # cancelled (task, KeyboardInterrupt): still once
            if self._failed:
                self._fail(request, exc, f"cancelled ({type(exc).__name__})")
            raise
        response.attempts = tuple(ctx.attempts)
        response.elapsed = self._monotonic() - ctx.started
        code = response.status_code
        if code < 400:
            if self._succeeded:
                emit(
                    self._succeeded,
                    CallSucceeded(
                        request=response.request,
                        attempt=len(ctx.attempts),
                        call_id=ctx.call_id,
                        response=response,
                        attempts=response.attempts,
                        elapsed=response.elapsed,
                        reason=ctx.reason or "success",
                    ),
                )
            return response
        reason = ctx.reason or f"status {code}"
        if ctx.options.raise_for_status:
            response.close()  # a streamed body releases its connection
            try:
                response.raise_for_status()
            except HTTPStatusError as err:
                if self._failed:
                    self._fail(response.request, err, reason)
                raise
        if self._failed:
            self._fail(response.request, response, reason)
        return response

    def _fail(
        self, request: Request, outcome: Response[Any] | BaseException, reason: str
    ) -> None:
        ctx = request.context
        emit(
            self._failed,
            CallFailed(
                request=request,
                attempt=len(ctx.attempts),
                call_id=ctx.call_id,
                outcome=outcome,
                attempts=tuple(ctx.attempts),
                elapsed=self._monotonic() - ctx.started,
                reason=reason,
                gave_up=ctx.gave_up,
            ),
        )
