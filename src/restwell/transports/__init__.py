"""
Transports: the one seam to the network.

Implement ``AsyncTransport`` / ``Transport`` (``send(request) -> Response`` and
``aclose()`` / ``close()``) to plug in any backend (``docs/transports.md``;
``AsyncBodyStream`` / ``BodyStream`` carry the body, and
``restwell.testing.conformance`` checks the result); restwell ships httpx/httpx2
(sync and async), pyreqwest (sync and async, the ``restwell[pyreqwest]`` extra,
imported only when used), aiohttp (async only, the ``AsyncClient`` default) and mock
transports. Mark your
transport's ``send`` with ``@redact_logs``: no log record made while it sends then
shows the request's credentials.
"""

from .._aio._transport_aiohttp import AiohttpTransport
from .._async._transport_httpx import AsyncHttpxTransport
from .._async._transport_mock import AsyncMockTransport
from .._async._transport_pyreqwest import AsyncPyreqwestTransport
from .._logsafe import redact_logs
from .._models import AsyncResponseStream, ResponseStream
from .._public import set_public_module
from .._streams import AsyncBodyStream, BodyStream
from .._sync._transport_httpx import HttpxTransport
from .._sync._transport_mock import MockTransport
from .._sync._transport_pyreqwest import PyreqwestTransport
from .._transport_base import AsyncTransport, Transport
from ._options import CertTypes, Limits, TransportOptions, VerifyTypes, ssl_context
from ._registry import (
    ASYNC_DEFAULT_TRANSPORT,
    SYNC_DEFAULT_TRANSPORT,
    TransportEntry,
    register_transport,
    transport_names,
)

__all__ = [
    "ASYNC_DEFAULT_TRANSPORT",
    "SYNC_DEFAULT_TRANSPORT",
    "AiohttpTransport",
    "AsyncBodyStream",
    "AsyncHttpxTransport",
    "AsyncMockTransport",
    "AsyncPyreqwestTransport",
    "AsyncResponseStream",
    "AsyncTransport",
    "BodyStream",
    "CertTypes",
    "HttpxTransport",
    "Limits",
    "MockTransport",
    "PyreqwestTransport",
    "ResponseStream",
    "Transport",
    "TransportEntry",
    "TransportOptions",
    "VerifyTypes",
    "redact_logs",
    "register_transport",
    "ssl_context",
    "transport_names",
]

set_public_module(globals())
