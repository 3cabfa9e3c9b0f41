"""
What the pyreqwest transports share, async and sync: settings, errors, headers.

pyreqwest (PyPI ``pyreqwest``, the ``restwell[pyreqwest]`` extra) is a Python binding
of Rust's reqwest. Its async and sync clients have the same shape
(``ClientBuilder``/``SyncClientBuilder``, ``async with``/``with`` a streamed request),
so ``_async/_transport_pyreqwest.py`` is the one source and its sync twin is
generated; what differs by world (which builder to start from) is here, with the
pieces that are not I/O:

- ``configure(builder, options, timeout)``: a native client builder set up the way
  restwell needs it (no redirects, no decompression, no cookie store, no proxy from
  the environment, restwell's ``User-Agent`` and ``Accept-Encoding``), then the
  client-level ``TransportOptions`` and the per-attempt ``Timeout`` phases pyreqwest
  fixes per client (connect, read, pool).
- ``map_pyreqwest_error``: pyreqwest's exceptions as restwell's, corrected for two
  of its reports (measured with pyreqwest 0.15, ../shared/BACKEND-NOTES.md):
  a timeout while *waiting for the response head* is a ``ConnectTimeoutError``
  there, and a connection reset or closed *after the request was written* is a
  ``ConnectError``. Both mean the request may have reached the server, so both
  become errors that are not safe to retry for a POST (``ReadTimeout``,
  ``ReadError`` / ``ProtocolError``): only an error whose causes show reqwest's
  connect step (``client error (Connect)``) is a ``ConnectTimeout`` /
  ``ConnectError``. When in doubt, the error says "sent".
- Messages are rebuilt: reqwest's causes without the URL it prints (which keeps a
  query's secrets), scrubbed of every header value (``_httpx_errors.scrub``).
"""

from __future__ import annotations

import importlib
import os
from datetime import timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Any

from . import _exceptions as e
from ._config import Timeout
from ._decode import accept_encoding
from ._httpx_errors import header_error, invalid_header, scrub
from ._models import Headers, Request
from ._redact import is_sensitive_name, redact_url
from ._version import USER_AGENT

if TYPE_CHECKING:
    from pyreqwest.client import ClientBuilder as AsyncReqwestBuilder
    from pyreqwest.client import SyncClientBuilder as ReqwestBuilder

    from .transports._options import TransportOptions

__all__ = [
    "READ_BUFFER_LIMIT",
    "AsyncReqwestBuilder",
    "ReqwestBuilder",
    "async_builder",
    "configure",
    "headers_of",
    "import_pyreqwest",
    "is_async_client",
    "is_sync_client",
    "map_pyreqwest_error",
    "native_module",
    "strip_credentials",
    "strip_credentials_sync",
    "sync_builder",
]

READ_BUFFER_LIMIT = 0
"""
Bytes pyreqwest may buffer of a streamed body before handing any over.

pyreqwest's default (64 KiB) holds a slowly dripped body back until 64 KiB have
arrived or the body ends (BACKEND-NOTES): 0 hands each chunk over as it arrives,
as httpx and aiohttp do.
"""


def import_pyreqwest() -> ModuleType:
    """
    Import ``pyreqwest.client``.

    Raises:
        ConfigurationError: If pyreqwest is not installed (naming the extra).
    """
    try:
        return importlib.import_module("pyreqwest.client")
    except ImportError as exc:
        raise e.ConfigurationError(
            "transport 'pyreqwest' needs the pyreqwest package: "
            "pip install 'restwell[pyreqwest]'"
        ) from exc


def async_builder() -> AsyncReqwestBuilder:
    """A new ``pyreqwest.client.ClientBuilder`` (the async client's)."""
    builder: AsyncReqwestBuilder = import_pyreqwest().ClientBuilder()
    return builder


def sync_builder() -> ReqwestBuilder:
    """A new ``pyreqwest.client.SyncClientBuilder``."""
    builder: ReqwestBuilder = import_pyreqwest().SyncClientBuilder()
    return builder


def is_async_client(obj: object) -> bool:
    """Whether ``obj`` is a ``pyreqwest.client.Client`` (the async client)."""
    return isinstance(obj, import_pyreqwest().Client)


def is_sync_client(obj: object) -> bool:
    """Whether ``obj`` is a ``pyreqwest.client.SyncClient``."""
    return isinstance(obj, import_pyreqwest().SyncClient)


def native_module(obj: object) -> str | None:
    """``"pyreqwest"`` when ``obj`` is one of pyreqwest's objects, else ``None``."""
    top = type(obj).__module__.split(".")[0]
    return top if top == "pyreqwest" else None


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def configure(builder: Any, options: TransportOptions | None, timeout: Timeout) -> Any:
    """
    Set up a pyreqwest client builder as restwell's transports need it.

    Args:
        builder: A ``ClientBuilder`` or ``SyncClientBuilder``.
        options: The client-level settings, or ``None`` for the defaults.
        timeout: The per-attempt ``Timeout`` whose ``connect``, ``read`` and
            ``pool`` phases this client enforces (pyreqwest fixes them per
            client); ``write`` has no pyreqwest setting.

    Returns:
        The builder.

    Raises:
        ConfigurationError: For a setting pyreqwest cannot take (see
            ``AsyncPyreqwestTransport``), naming it.
    """
    builder = (
        builder.follow_redirects(False)
        .gzip(False)
        .brotli(False)
        .zstd(False)
        .deflate(False)
        .referer(False)
        .default_cookie_store(False)
        .no_proxy()
        .user_agent(USER_AGENT)
        .default_headers({"Accept-Encoding": accept_encoding()})
    )
    if timeout.connect is not None:
        builder = builder.connect_timeout(_seconds(timeout.connect))
    if timeout.read is not None:
        builder = builder.read_timeout(_seconds(timeout.read))
    if timeout.pool is not None:
        builder = builder.pool_timeout(_seconds(timeout.pool))
    if options is None:
        return builder
    return _apply_options(builder, options)


def _read_pem(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as exc:
        raise e.ConfigurationError(
            f"{what}: cannot read {path!r} ({exc.strerror or type(exc).__name__}); "
            "give a PEM file"
        ) from None
    if b"-----BEGIN" not in data:
        raise e.ConfigurationError(
            f"{what}: {path!r} holds no PEM block; give a PEM file"
        )
    return data


def _apply_options(builder: Any, options: TransportOptions) -> Any:
    import ssl

    verify = options.verify
    if isinstance(verify, ssl.SSLContext):
        raise e.ConfigurationError(
            "verify=<ssl.SSLContext> is not supported by transport='pyreqwest' "
            "(it verifies with rustls, not Python's ssl): give a CA bundle path, "
            "True or False, or use transport='httpx'"
        )
    if verify is False:
        builder = builder.danger_accept_invalid_certs(True)
    elif verify is not True:
        path = os.fspath(verify)
        if os.path.isdir(path):
            raise e.ConfigurationError(
                f"verify={path!r} is a directory: transport='pyreqwest' takes a CA "
                "bundle file (PEM); concatenate the certificates into one file"
            )
        builder = builder.add_root_certificate_pem(_read_pem(path, "verify="))
    cert = options.cert
    if cert is not None:
        if isinstance(cert, tuple) and len(cert) == 3:
            raise e.ConfigurationError(
                "cert=(certfile, keyfile, password): transport='pyreqwest' cannot "
                "load an encrypted key; decrypt it into a PEM file, or use "
                "transport='httpx'"
            )
        parts = [cert] if isinstance(cert, str) else list(cert)
        pem = b"\n".join(_read_pem(part, "cert=") for part in parts)
        try:
            builder = builder.identity_pem(pem)
        except Exception as exc:
            raise e.ConfigurationError(
                f"cert=: cannot load the client certificate {parts[0]!r} "
                f"({type(exc).__name__}); give the certificate and its unencrypted "
                "key in PEM"
            ) from None
    if options.proxy is not None:
        proxy_module = importlib.import_module("pyreqwest.proxy")
        try:
            builder = builder.proxy(proxy_module.ProxyBuilder.all(options.proxy))
        except Exception as exc:
            raise e.ConfigurationError(
                f"proxy={redact_url(options.proxy)!r} cannot be used "
                f"({type(exc).__name__}): give a URL such as 'http://127.0.0.1:3128'"
            ) from None
    if options.http2:
        builder = builder.http2(True)
    limits = options.limits
    if limits is not None:
        idle = limits.max_keepalive_connections
        if idle is not None and idle != limits.max_connections:
            raise e.ConfigurationError(
                f"Limits(max_keepalive_connections={idle}) is not supported by "
                "transport='pyreqwest': it keeps every idle connection up to "
                "max_connections; leave max_keepalive_connections=None"
            )
        builder = builder.max_connections(limits.max_connections)
        if limits.keepalive_expiry is not None:
            builder = builder.pool_idle_timeout(_seconds(limits.keepalive_expiry))
    return builder


def headers_of(pairs: list[tuple[str, str]]) -> Headers:
    """
    A ``Headers`` over pyreqwest's decoded ``(name, value)`` pairs, not copied.

    pyreqwest hands the header map over as ``str`` pairs (names lower-case, as
    HTTP/2 sends them), so there is nothing to decode lazily.
    """
    headers = Headers.__new__(Headers)
    headers._raw = None
    headers._items = pairs
    return headers


async def strip_credentials(request: Any, call_next: Any) -> Any:
    """
    A pyreqwest request middleware: drop credential headers before sending.

    For a hop to another origin through a borrowed client: its default headers
    (and what its own middleware added) are in ``request.headers`` here; those
    ``is_sensitive_name`` flags go. A ``Cookie`` header is set empty, which keeps
    a cookie store the client may have from adding the jar's cookies (reqwest
    adds them only to a request without one).
    """
    _strip(request)
    return await call_next.run(request)


def strip_credentials_sync(request: Any, call_next: Any) -> Any:
    """The sync twin of ``strip_credentials``."""
    _strip(request)
    return call_next.run(request)


def _strip(request: Any) -> None:
    headers = request.headers
    for name in {name for name in headers if is_sensitive_name(name)}:
        headers.popall(name)
    headers["Cookie"] = ""


# Causes whose text is reqwest's own framing, not news: dropped from messages.
_FRAMING = ("error sending request for url", "builder error for url")


_STREAM_RESET = "stream error received"  # the h2 crate's words for a peer's RST_STREAM


def _causes(exc: BaseException) -> list[str]:
    details = getattr(exc, "details", None)
    causes = details.get("causes") if isinstance(details, dict) else None
    if not causes:
        return []
    return [str(c.get("message", "")) for c in causes if isinstance(c, dict)]


def _connect_step(causes: list[str]) -> bool:
    """Whether reqwest failed in its connect step (nothing of the request was sent)."""
    return any("client error (Connect)" in cause for cause in causes)


def map_pyreqwest_error(
    exc: BaseException,
    request: Request,
    *,
    body: bool,
    defaults: list[tuple[str, str]] | None = None,
) -> BaseException:
    """
    Return the restwell error for a pyreqwest exception (raise it ``from exc``).

    Args:
        exc: What pyreqwest raised.
        request: The request being sent.
        body: Whether it came while the response body was read.
        defaults: Header pairs the client added (kept out of the message).

    Returns:
        A ``RequestError`` (``ConfigurationError`` for a header HTTP cannot carry),
        or ``exc`` itself when it is none of pyreqwest's.
    """
    module = type(exc).__module__
    name = type(exc).__name__
    if not module.startswith("pyreqwest"):
        if isinstance(exc, ValueError) and not body:
            return _value_error(exc, request, defaults or [])
        return exc
    causes = _causes(exc)
    target: type[e.RequestError]
    if any(cause.startswith(_STREAM_RESET) for cause in causes):
        # An HTTP/2 RST_STREAM from the server (RFC 9113 §6.4; hyper reports it
        # as a body decode error): the server aborted this response, as a
        # connection reset does on HTTP/1.1, so the same class.
        target = e.ReadError
    elif name == "ConnectTimeoutError":
        target = e.ConnectTimeout if _connect_step(causes) else e.ReadTimeout
    elif name == "ConnectError":
        if _connect_step(causes):
            target = e.ConnectError
        elif any("reset" in cause.lower() for cause in causes):
            target = e.ReadError
        else:  # the server closed before its response: httpx's RemoteProtocolError
            target = e.ProtocolError
    elif name == "ReadTimeoutError":
        target = e.ReadTimeout
    elif name == "WriteTimeoutError":
        target = e.WriteTimeout
    elif name == "PoolTimeoutError":
        target = e.PoolTimeout
    elif name == "RequestTimeoutError":
        target = e.ReadTimeout if body else e.TransportTimeout
    elif name == "ReadError":
        target = e.ReadError
    elif name == "WriteError":
        target = e.WriteError
    elif name in ("BodyDecodeError", "DecodeError"):
        # A body cut short or badly framed (decompression is off): httpx's
        # RemoteProtocolError, a ProtocolError.
        target = e.ProtocolError
    elif name == "BuilderError":
        target = e.InvalidURL
    elif name == "ClientClosedError":
        return exc  # the transport turns it into its closed_error
    elif name == "NetworkError":
        target = e.NetworkError
    else:  # RequestError, TransportError: what went wrong is in the causes
        target = _by_causes(causes, body=body)
    text = "; ".join(c for c in causes if not c.startswith(_FRAMING)) or str(
        getattr(exc, "message", "") or name
    )
    detail = scrub(text, request, defaults or [])
    return target(
        f"{target.__name__} on {request.method} {redact_url(request.url)}: {detail}",
        request=request,
    )


def _by_causes(causes: list[str], *, body: bool) -> type[e.RequestError]:
    """
    The class for pyreqwest's generic ``RequestError``, from its causes.

    A streamed body read with no read-ahead reports a body cut short or badly
    framed so (measured on 0.15): "error reading a body from connection" and then
    the reason.
    """
    text = " ".join(causes).lower()
    if "timed out" in text:
        return e.ReadTimeout if body else e.TransportTimeout
    if "reset" in text:
        return e.ReadError
    if "error reading a body" in text or "body error" in text:
        return e.ProtocolError
    return e.TransportError


def _value_error(
    exc: ValueError, request: Request, defaults: list[tuple[str, str]]
) -> BaseException:
    """A ``ValueError`` from building the request: a bad header, else the URL."""
    text = str(exc)
    if text.startswith(("Invalid header value", "Invalid header key")) or (
        invalid_header(request.headers.multi_items())
    ):
        return header_error(request, defaults)
    return e.InvalidURL(
        f"URL {redact_url(request.url)!r} cannot be sent: {scrub(text, request)}",
        request=request,
    )
