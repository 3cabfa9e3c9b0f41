"""
Mapping of httpx / httpx2 exceptions to restwell's tree, with clean messages.

httpx's own ``map_httpcore_exceptions`` pattern: most specific class first, by name,
so one table serves both packages. The backend's error stays ``__cause__``; *our*
message is rebuilt so that it never carries a credential (STYLE.md §6):

- the URL is redacted (userinfo, credential query values);
- no header value appears: every value of the request's headers and of the backend
  client's defaults (and the client's cookies) is replaced by ``[REDACTED]``, in its
  plain, escaped and bytes-literal spellings, and so is each part of a credential's
  value (the token of ``Bearer <token>``, each cookie); a value shorter than 4
  characters (8 for a header that is not a credential, and for a part) is too short
  to be a secret and too common to remove;
- h11's "Illegal header value b'…'" / "Illegal header name b'…'" (a token read from
  a file keeps its newline) becomes a message naming the header and its problem,
  never its value; other quoted bytes in errors about our own request are dropped.

Errors that are not httpx's but come out of building or sending a request are mapped
too (``build_error``, ``closed_error``): a header httpx cannot encode, a URL it cannot
parse (IDNA), a port out of range, a client closed during the call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import _exceptions as e
from ._models import Request
from ._redact import REDACTED, is_sensitive_name, redact_url, url_secrets

__all__ = [
    "build_error",
    "closed_error",
    "header_error",
    "invalid_header",
    "map_httpx_error",
    "scrub",
]

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

_MIN_SECRET = 4  # characters: a credential header's value shorter than this stays
_MIN_VALUE = 8  # characters: the same for any other header's value
_PARTS = re.compile(r"[\s,;=]+")
_BYTES_LITERAL = re.compile(r"""b(['"]).*?(?<!\\)\1""")
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")  # RFC 9110 §5.6.2


def map_httpx_error(
    exc: BaseException,
    request: Request,
    *,
    defaults: Iterable[tuple[str, str]] = (),
) -> BaseException:
    """
    Return the restwell error for an httpx/httpx2 exception (raise it ``from exc``).

    Args:
        exc: The exception httpx raised.
        request: The request being sent.
        defaults: The backend client's own ``(name, value)`` header pairs (and
            cookies), which went out with the request: their values are kept out
            of the message too.

    Returns:
        A ``RequestError`` subclass instance (``ConfigurationError`` for a header
        HTTP cannot carry); or ``exc`` itself when it is not an httpx error (e.g. a
        ``TypeError`` from a bad argument, never retried).
    """
    module = type(exc).__module__.split(".")[0]
    if module not in ("httpx", "httpx2", "httpcore", "httpcore2"):
        return exc
    text = str(exc)
    if text.startswith(("Illegal header value", "Illegal header name")):
        return header_error(request, defaults)
    for cls in type(exc).__mro__:
        target = _BY_NAME.get(cls.__name__)
        if target is not None:
            break
    else:
        target = e.TransportError
    if target is e.ProtocolError and text.startswith("<StreamReset "):
        # httpcore reports an HTTP/2 RST_STREAM from the server (RFC 9113 §6.4) as
        # RemoteProtocolError; it is the server aborting this response, as a
        # connection reset is on HTTP/1.1: the same class, ReadError.
        target = e.ReadError
        text = f"the server reset the HTTP/2 stream (RST_STREAM): {text}"
    detail = scrub(text, request, defaults, local=target is e.TransportError)
    return target(
        f"{target.__name__} on {request.method} {redact_url(request.url)}: "
        f"{detail or type(exc).__name__}",
        request=request,
    )


def scrub(
    text: str,
    request: Request,
    defaults: Iterable[tuple[str, str]] = (),
    *,
    local: bool = False,
) -> str:
    """
    Return a backend's error text without the request's credentials.

    Args:
        text: The backend's message.
        request: The request it is about.
        defaults: The backend client's own header pairs.
        local: The error is about our own request (h11's ``LocalProtocolError``):
            drop every quoted bytes literal, which can only be our own bytes.
    """
    url = request.url
    text = text.replace(url, redact_url(url))
    secrets: set[str] = set()
    for name, value in (*request.headers.multi_items(), *defaults):
        sensitive = is_sensitive_name(name)
        candidates = [value]
        if sensitive:  # "Bearer <token>", "a=1; sid=<id>": each part on its own too
            candidates += [p for p in _PARTS.split(value) if len(p) >= _MIN_VALUE]
        for candidate in candidates:
            if len(candidate) >= (_MIN_SECRET if sensitive else _MIN_VALUE):
                secrets.add(candidate)
                secrets.add(repr(candidate)[1:-1])
                raw = candidate.encode("utf-8", "backslashreplace")
                secrets.add(repr(raw)[2:-1])
    secrets.update(s for s in url_secrets(url) if len(s) >= _MIN_SECRET)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    if local:
        text = _BYTES_LITERAL.sub("b'…'", text)
    return text


def invalid_header(pairs: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """
    Find the first header HTTP/1.1 cannot carry.

    Args:
        pairs: ``(name, value)`` header pairs.

    Returns:
        ``(name, problem in words)``, or ``None`` when every header is valid.
        The value is never part of the answer.
    """
    for name, value in pairs:
        if not (name.isascii() and _TOKEN.match(name)):
            return name, "its name is not an HTTP token (letters, digits, -, …)"
        if not value.isascii():
            return name, (
                "its value has a non-ASCII character, which httpx does not send: "
                "percent-encode or base64-encode it"
            )
        body = value.rstrip("\r\n")
        if body != value and "\r" not in body and "\n" not in body:
            return name, (
                "its value ends with a line break (read from a file? strip() it)"
            )
        if "\r" in value or "\n" in value:
            return name, "its value has a line break (CR or LF)"
        if any(c < " " and c != "\t" for c in value):
            return name, "its value has a control character"
        if value != value.strip(" \t"):
            return name, "its value starts or ends with a space or tab"
    return None


def header_error(
    request: Request, defaults: Iterable[tuple[str, str]] = ()
) -> e.ConfigurationError:
    """
    The error for a request whose headers cannot be sent, naming the header.

    A ``ConfigurationError``, as for any other bad value a call is given: the
    caller must fix it, and no retry would help. The value is never shown.

    Args:
        request: The request.
        defaults: The backend client's own header pairs, also checked.
    """
    found = invalid_header((*request.headers.multi_items(), *defaults))
    where = f"{request.method} {redact_url(request.url)}"
    if found is None:
        return e.ConfigurationError(
            f"a header of {where} cannot be sent over HTTP/1.1 (the value is not "
            "shown): check header names and values for line breaks, control "
            "characters and non-ASCII text"
        )
    name, problem = found
    return e.ConfigurationError(
        f"header {name!r} of {where} cannot be sent: {problem} (the value is not shown)"
    )


def build_error(
    exc: Exception, request: Request, defaults: Iterable[tuple[str, str]] = ()
) -> BaseException:
    """
    Map an error raised while httpx *built* the request (before any I/O).

    A ``UnicodeError`` from a header httpx cannot encode names the header; any
    other ``ValueError`` there comes from the URL (IDNA, a bad host) and is
    ``InvalidURL``; httpx's own errors go through ``map_httpx_error``.

    Returns:
        The restwell error, or ``exc`` itself when it is not one of these.
    """
    if isinstance(exc, UnicodeError) and invalid_header(
        (*request.headers.multi_items(), *defaults)
    ):
        return header_error(request, defaults)
    mapped = map_httpx_error(exc, request, defaults=defaults)
    if mapped is not exc or not isinstance(exc, ValueError):
        return mapped
    return e.InvalidURL(
        f"URL {redact_url(request.url)!r} cannot be sent: "
        f"{type(exc).__name__}: {scrub(str(exc), request, defaults)}",
        request=request,
    )


def closed_error(request: Request, *, owned: bool, client: str) -> e.ConfigurationError:
    """
    The error for a send on a closed backend client (httpx's ``RuntimeError``).

    A ``ConfigurationError``, like a call started on a closed restwell client:
    closing a client while its calls run is a bug in the caller's lifecycle, not
    a network fault, and nothing may retry it.

    Args:
        request: The request that could not be sent.
        owned: Whether restwell owns (and so closed) the backend client.
        client: The backend client's class, e.g. ``"httpx.AsyncClient"``.
    """
    where = f"{request.method} {redact_url(request.url)}"
    if owned:
        return e.ConfigurationError(
            f"the client was closed during the call (before attempt "
            f"{request.attempt} of {where}): close a restwell client only once "
            "its calls have finished"
        )
    return e.ConfigurationError(
        f"the {client} lent to restwell was closed during the call (before attempt "
        f"{request.attempt} of {where}): keep it open while restwell uses it"
    )
