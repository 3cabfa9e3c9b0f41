# GENERATED from src/restwell/_async/_stages/_timeout.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The ``timeout`` stage: the per-attempt timeout, from the deadline left.

Computed here, below every stage that may wait (rate limiter, bulkhead queue, user
middleware), as ``min(ctx.options.timeout, ctx.deadline_at - now)`` per phase, and
written to ``request.timeout`` for the transport. After a redirect to another origin
(``_redirects.HOME`` set), it also drops credential headers (``is_sensitive_name``)
from a request to an origin other than the call's first, whoever added them above.
With no time left it raises ``DeadlineExceeded`` without sending; a transport timeout
that ends at the deadline is reported as ``DeadlineExceeded`` too (the deadline, not
the server, cut it).
"""

from __future__ import annotations

from typing import Any

from ..._exceptions import DeadlineExceeded, TransportTimeout
from ..._middleware import Handler
from ..._models import Request, Response
from ..._pipeline import StageEnv
from ..._redact import is_sensitive_name, redact_url
from ..._urls import same_origin
from ._redirects import HOME

__all__ = ["TimeoutStage", "deadline_error"]

_SLACK = 0.05  # s: a timeout this close to the deadline was the deadline's


class TimeoutStage:
    """Caps ``request.timeout`` to the deadline left (see the module docstring)."""

    name = "timeout"
    EMITS = ()
    __slots__ = ("_monotonic", "_next")

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic

    def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        home = ctx.get(HOME)  # set once a redirect left the call's origin
        if home is not None and not same_origin(home, request.url):
            _drop_credentials(request)
        timeout = ctx.options.timeout
        deadline_at = ctx.deadline_at
        if deadline_at is None:
            request.timeout = timeout
            return self._next(request)
        now = self._monotonic()
        left = deadline_at - now
        if left <= 0:
            raise deadline_error(
                request, now, f"ran out before attempt {request.attempt}"
            )
        if left < timeout.longest:
            timeout = timeout.capped(left)
        request.timeout = timeout
        try:
            return self._next(request)
        except TransportTimeout as exc:
            now = self._monotonic()
            if now + _SLACK >= deadline_at:
                raise deadline_error(
                    request, now, f"cut attempt {request.attempt} short"
                ) from exc
            raise


def _drop_credentials(request: Request) -> None:
    headers = request.headers
    for name in [n for n in headers if is_sensitive_name(n)]:
        headers.pop(name, None)


def deadline_error(request: Request, now: float, what: str) -> DeadlineExceeded:
    """
    Build the ``DeadlineExceeded`` for ``request``'s call at monotonic ``now``.

    Args:
        request: The request whose ``context`` holds the deadline.
        now: Monotonic seconds.
        what: What the deadline did, in words (``"cut attempt 2 short"``).
    """
    ctx = request.context
    deadline = ctx.options.deadline or 0.0
    return DeadlineExceeded(
        f"deadline of {deadline:g} s {what} of "
        f"{request.method} {redact_url(request.url)}",
        request=request,
        deadline=deadline,
        elapsed=now - ctx.started,
    )
