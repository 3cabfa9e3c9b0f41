"""
Mapping of httpx / httpx2 exceptions to restwell's tree.

httpx's own ``map_httpcore_exceptions`` pattern: most specific class first, by name,
so one table serves both packages. Messages are rebuilt without the URL's
credentials.
"""

from __future__ import annotations

from . import _exceptions as e
from ._models import Request
from ._redact import redact_url

__all__ = ["map_httpx_error"]

_BY_NAME: dict[str, type[e.RequestError]] = {
    "ConnectTimeout": e.ConnectTimeout,
    "ReadTimeout": e.ReadTimeout,
    "WriteTimeout": e.WriteTimeout,
    "PoolTimeout": e.PoolTimeout,
    "TimeoutException": e.TransportTimeout,
    "ConnectError": e.ConnectError,
    "ProxyError": e.ConnectError,
    "ReadError": e.ReadError,
    "WriteError": e.WriteError,
    "CloseError": e.NetworkError,
    "NetworkError": e.NetworkError,
    "RemoteProtocolError": e.ProtocolError,
    # Our own request broke HTTP: a bug to fix, not a fault to retry.
    "LocalProtocolError": e.TransportError,
    "ProtocolError": e.ProtocolError,
    "DecodingError": e.DecodingError,
    "UnsupportedProtocol": e.InvalidURL,
    "InvalidURL": e.InvalidURL,
    "TooManyRedirects": e.TooManyRedirects,
    "StreamConsumed": e.StreamConsumed,
    "StreamClosed": e.StreamConsumed,
    "ResponseNotRead": e.StreamConsumed,
    "TransportError": e.TransportError,
}


def map_httpx_error(exc: BaseException, request: Request) -> BaseException:
    """
    Return the restwell error for an httpx/httpx2 exception (raise it ``from exc``).

    Args:
        exc: The exception httpx raised.
        request: The request being sent.

    Returns:
        A ``RequestError`` subclass instance; or ``exc`` itself when it is not an
        httpx error (e.g. a ``TypeError`` from a bad argument, never retried).
    """
    module = type(exc).__module__.split(".")[0]
    if module not in ("httpx", "httpx2", "httpcore", "httpcore2"):
        return exc
    for cls in type(exc).__mro__:
        target = _BY_NAME.get(cls.__name__)
        if target is not None:
            break
    else:
        target = e.TransportError
    detail = (
        str(exc).replace(request.url, redact_url(request.url)) or type(exc).__name__
    )
    return target(
        f"{target.__name__} on {request.method} {redact_url(request.url)}: {detail}",
        request=request,
    )
