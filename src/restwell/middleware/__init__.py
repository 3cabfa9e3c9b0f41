"""
Middleware: ``(request, call_next) -> Response``, composed once per client.

A middleware runs where it is placed in the stage pipeline (docs/architecture.md):
``before=`` / ``after=`` a stage name from ``SLOTS`` (as attributes, or with
``place(mw, before="transport")``); without them, its ``stage`` attribute decides:
``"call"`` runs once per call just below the ``call`` stage (outside the retry loop:
it sees the final response or error); anything else runs once per attempt just above
the ``timeout`` stage (it sees each attempt's request and real outcome, the body
already read unless streaming). ``request.context`` is the call's ``CallContext``.
"""

from .._context import CallContext, CallOptions, ContextKey
from .._middleware import AsyncHandler, AsyncMiddleware, Handler, Middleware, Stage
from .._pipeline import SLOTS, place
from .._public import set_public_module

__all__ = [
    "SLOTS",
    "AsyncHandler",
    "AsyncMiddleware",
    "CallContext",
    "CallOptions",
    "ContextKey",
    "Handler",
    "Middleware",
    "Stage",
    "place",
]

set_public_module(globals())
