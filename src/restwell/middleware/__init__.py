"""
Middleware: ``(request, call_next) -> Response``, composed once per client.

A middleware runs once per attempt (inside the retry loop) unless it sets
``stage = "call"`` (once per call, outside it). The default order of a call:

1. events ``CallSucceeded`` / ``CallFailed`` and ``raise_for_status``;
2. user ``"call"`` middleware, outermost first;
3. redirects (when ``follow_redirects``), each hop retried on its own;
4. the retry loop: deadline, per-attempt timeout, ``Retry`` decisions, waits;
5. user ``"attempt"`` middleware, outermost first;
6. the transport; the body is read here (unless streaming), so read errors retry.
"""

from .._middleware import AsyncHandler, AsyncMiddleware, Handler, Middleware, Stage

__all__ = ["AsyncHandler", "AsyncMiddleware", "Handler", "Middleware", "Stage"]

AsyncMiddleware.__module__ = __name__
Middleware.__module__ = __name__
