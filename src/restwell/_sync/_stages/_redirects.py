# GENERATED from src/restwell/_async/_stages/_redirects.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The ``redirects`` stage: follows 301/302/303/307/308 (RFC 9110 §15.4).

One rule for every transport (transports never follow redirects). In the chain only for
calls with ``follow_redirects``. Each hop goes through the ``retry`` stage on its own;
the deadline (set above) spans the chain, and every hop's attempts land in
``ctx.attempts`` (a followed hop's reason says where it went). A 303 (and a 301/302
answering a POST) becomes a GET without a body; a hop to another origin (scheme, host or
port) than the current one drops every credential header (``Authorization``, ``Proxy-
Authorization``, ``Cookie``, API keys: ``is_sensitive_name``). A hop is never moved to
another host of a multi-host client (its ``ROUTED`` mark is dropped). A ``Retry-After``
on the 3xx is waited first (RFC 9110 §10.2.3), capped by the call's
``Retry.max_retry_after`` and the deadline; a longer one returns the 3xx. A ``Location``
without a fragment inherits the request's (§10.2.2). The body of a streamed call's hop
with a small body (Content-Length up to 64 KiB) is read so its connection is reused.
Errors: ``TooManyRedirects`` past ``ctx.options.max_redirects``; ``InvalidURL`` for a
``Location`` that is not an http(s) URL; ``RedirectError`` for a 307/308 that would
resend a streamed body too large to replay. None is retried.
"""

from __future__ import annotations

import contextlib
from typing import Any

from ..._context import ContextKey
from ..._exceptions import InvalidURL, RedirectError, TooManyRedirects
from ..._middleware import Handler
from ..._models import Request, Response
from ..._pipeline import StageEnv
from ..._redact import is_sensitive_name, redact_url
from ..._urls import redirect_target, same_origin
from ...policies._failover import ROUTED
from ...policies._retry_after import parse_retry_after

__all__ = ["HOME", "RedirectStage"]

_BODY_HEADERS = ("content-type", "content-length", "transfer-encoding")
_DRAIN = 64 * 1024  # bytes of a hop's body read so its connection can be reused

HOME: ContextKey[str] = ContextKey("restwell.redirects.home")
"""The call's first URL, set once a redirect has left its origin: below the
user's attempt middleware, the ``timeout`` stage drops credential headers from any
request to another origin, so a middleware that re-adds them per attempt cannot
send them along a cross-origin redirect."""


class RedirectStage:
    """Follows redirects (see the module docstring)."""

    name = "redirects"
    EMITS = ()
    __slots__ = ("_monotonic", "_next", "_sleep", "_wall")

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic
        self._wall = env.wall
        self._sleep = env.clock.sleep

    def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        limit = ctx.options.max_redirects
        first_url = request.url
        response = self._next(request)
        hops = 0
        while response.is_redirect:
            hops += 1
            if hops > limit:
                response.close()
                ctx.reason = f"more than {limit} redirects"
                raise TooManyRedirects(
                    f"more than {limit} redirects from {redact_url(request.url)}",
                    request=request,
                )
            status = response.status_code
            try:
                target = redirect_target(response.url, response.headers["location"])
                # The hop's origin is where the 3xx came from (response.url): the
                # failover stage may have sent the request to another pool host.
                cross = not same_origin(response.url, target)
            except InvalidURL as exc:
                response.close()
                ctx.reason = "invalid redirect Location"
                raise InvalidURL(str(exc), request=request) from None
            method = request.method
            content = request.content
            headers = request.headers.copy()
            if (status == 303 and method != "HEAD") or (
                status in (301, 302) and method == "POST"
            ):
                method, content = "GET", None
                for name in _BODY_HEADERS:
                    headers.pop(name, None)
            if cross:
                for name in [n for n in headers if is_sensitive_name(n)]:
                    headers.pop(name, None)
                if ctx.get(HOME) is None:
                    ctx.set(HOME, first_url)
            if content is not None and not isinstance(content, bytes):
                response.close()
                ctx.reason = "redirect needs a body that cannot be replayed"
                raise RedirectError(
                    f"cannot follow the {status} redirect to {redact_url(target)}: "
                    "it must resend the request body, a stream larger than "
                    "max_replay_buffer that was sent once; raise max_replay_buffer, "
                    "send bytes, or follow_redirects=False to get the 3xx",
                    request=request,
                )
            if not self._wait_retry_after(response):
                return response
            if ctx.stream:
                _drain(response)
            response.close()
            if ctx.attempts:
                hop = ctx.attempts[-1]
                hop.reason = f"redirect {status} followed to {redact_url(target)}"
            extensions = dict(request.extensions)
            # A hop goes where Location says: never routed to another host.
            extensions.pop(ROUTED, None)
            request = Request(
                method,
                target,
                headers=headers,
                content=content,
                timeout=request.timeout,
                extensions=extensions,
            )
            request.context = ctx
            response = self._next(request)
        return response

    def _wait_retry_after(self, response: Response[Any]) -> bool:
        """Wait a 3xx's Retry-After; ``False`` when it is too long to wait."""
        if "retry-after" not in response.headers and (
            "retry-after-ms" not in response.headers
        ):
            return True
        ctx = response.request.context
        retry = ctx.options.retry
        if not retry.respect_retry_after:
            return True
        delay = parse_retry_after(response.headers, self._wall()).delay
        if delay is None or delay <= 0:
            return True
        left = (
            float("inf")
            if ctx.deadline_at is None
            else ctx.deadline_at - self._monotonic()
        )
        if delay > retry.max_retry_after or delay >= left:
            why = (
                f"above max_retry_after {retry.max_retry_after:g} s"
                if delay > retry.max_retry_after
                else f"beyond the {max(left, 0.0):.3g} s left before the deadline"
            )
            reason = (
                f"redirect {response.status_code} with Retry-After {delay:g} s, "
                f"{why}: not followed"
            )
            ctx.reason = reason
            ctx.gave_up = True
            if ctx.attempts:
                ctx.attempts[-1].reason = reason
            return False
        if ctx.attempts:
            ctx.attempts[-1].delay = delay
        self._sleep(delay)
        return True


def _drain(response: Response[Any]) -> None:
    """Read a hop's small body (Content-Length <= 64 KiB): its connection is reused."""
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) <= _DRAIN:
        # A broken hop body only costs its connection.
        with contextlib.suppress(Exception):
            response.read()
