# GENERATED from src/restwell/_async/_stages/_redirects.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The ``redirects`` stage: follows 301/302/303/307/308 (RFC 9110 §15.4).

One rule for every transport (transports never follow redirects). In the chain only
for calls with ``follow_redirects``. Each hop goes through the ``retry`` stage on its
own; the deadline (set above) spans the chain, and every hop's attempts land in
``ctx.attempts``. A 303 (and a 301/302 answering a POST) becomes a GET without a
body; a hop to another origin (scheme, host or port) drops ``Authorization``,
``Proxy-Authorization`` and ``Cookie``. More than ``ctx.options.max_redirects`` hops
raise ``TooManyRedirects``.
"""

from __future__ import annotations

from typing import Any

from ..._exceptions import TooManyRedirects
from ..._middleware import Handler
from ..._models import Request, Response
from ..._pipeline import StageEnv
from ..._redact import redact_url
from ..._urls import redirect_target, same_origin

__all__ = ["RedirectStage"]

_STRIP_ON_CROSS_ORIGIN = ("authorization", "proxy-authorization", "cookie")
_BODY_HEADERS = ("content-type", "content-length", "transfer-encoding")


class RedirectStage:
    """Follows redirects (see the module docstring)."""

    name = "redirects"
    EMITS = ()
    __slots__ = ("_next",)

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next

    def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        limit = ctx.options.max_redirects
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
            target = redirect_target(response.url, response.headers["location"])
            method = request.method
            content = request.content
            headers = request.headers.copy()
            status = response.status_code
            if (status == 303 and method != "HEAD") or (
                status in (301, 302) and method == "POST"
            ):
                method, content = "GET", None
                for name in _BODY_HEADERS:
                    headers.pop(name, None)
            if not same_origin(request.url, target):
                for name in _STRIP_ON_CROSS_ORIGIN:
                    headers.pop(name, None)
            if content is not None and not isinstance(content, bytes):
                # A streamed body was sent once and cannot be replayed to the new
                # location.
                return response
            response.close()
            if ctx.attempts:
                hop = ctx.attempts[-1]
                hop.reason = f"redirect {status} followed to {redact_url(target)}"
            request = Request(
                method,
                target,
                headers=headers,
                content=content,
                timeout=request.timeout,
                extensions=dict(request.extensions),
            )
            request.context = ctx
            response = self._next(request)
        return response
