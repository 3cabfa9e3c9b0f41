"""
The aiohttp transport (async only): restwell's ``AsyncTransport`` over ``aiohttp``.

Async only: aiohttp has no sync form, so this module lives outside ``_async/`` and
has no generated twin; ``restwell.Client(transport="aiohttp")`` is refused with an
error naming ``AsyncClient``. asyncio only: aiohttp does not run on trio.

Lifecycle: a ``ClientSession`` passed in is *borrowed* and never closed by
restwell; without one, the transport creates its own (lazily, on the first send:
aiohttp refuses to create a session outside a running event loop) and *owns* it,
closing it in ``aclose()``.

- **Timeouts per attempt**: ``request.timeout`` becomes an ``aiohttp.ClientTimeout``
  (``sock_connect`` = connect, ``connect`` = pool + connect, ``sock_read`` = read;
  aiohttp has no write timeout). The call's deadline is the deadline stage's (it
  cancels the attempt); a streamed body read after the call also checks it.
- **A compressed body expands in bounded steps**: aiohttp's own decompression is
  turned off for the request (``auto_decompress=False``) and restwell decodes
  ``gzip``/``deflate`` (and ``br`` when ``brotli`` is installed) itself, at most
  ``restwell._decode.STEP`` bytes at a time. A coding restwell does not decode is
  passed through as received.
- **Every error is restwell's**, mapped at this edge; no message carries a header
  value or URL credential (``restwell._httpx_errors.scrub``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from .. import _exceptions as e
from .._async._transport_httpx import _check_deadline
from .._config import Timeout
from .._decode import ContentDecoder, DecodeFailed, _brotli, plan
from .._httpx_errors import closed_error, scrub
from .._logsafe import redact_logs
from .._models import Headers, Request, Response
from .._redact import redact_url
from .._types import JSON
from .._version import USER_AGENT

if TYPE_CHECKING:
    import aiohttp

__all__ = ["AiohttpTransport"]

_CHUNK = 65536  # bytes read from aiohttp at a time
_CONNECTOR_LIMIT = 100  # connections in all
_CONNECTOR_LIMIT_PER_HOST = 0  # no per-host cap under the total


def _codings() -> frozenset[str]:
    """The codings restwell decodes beyond gzip/deflate (``br`` with brotli)."""
    return frozenset({"br"}) if _brotli() is not None else frozenset()


def _accept_encoding() -> str:
    return "gzip, deflate, br" if _brotli() is not None else "gzip, deflate"


class _AiohttpStream:
    """An ``aiohttp.ClientResponse`` body as an ``AsyncResponseStream``."""

    __slots__ = ("_raw", "_request", "_transport")

    def __init__(
        self, raw: aiohttp.ClientResponse, request: Request, transport: AiohttpTransport
    ) -> None:
        self._raw = raw
        self._request = request
        self._transport = transport

    @redact_logs
    async def __aiter__(self) -> AsyncIterator[bytes]:
        request = self._request
        raw = self._raw
        try:
            value = raw.headers.get("Content-Encoding")
            codings = [] if value is None else plan(value, _codings())
            chunks = raw.content.iter_chunked(_CHUNK)
            if codings:
                decoder = ContentDecoder(codings)
                async for chunk in chunks:
                    for piece in decoder.feed(chunk):
                        yield piece
                        _check_deadline(request)
                for piece in decoder.end():
                    yield piece
            else:
                async for chunk in chunks:
                    yield chunk
                    _check_deadline(request)  # a streamed body outlives the call
        except e.DeadlineExceeded:
            raw.close()
            raise
        except Exception as exc:
            raw.close()
            if isinstance(exc, DecodeFailed):
                raise e.DecodingError(
                    f"DecodingError on {request.method} {redact_url(request.url)}: "
                    f"{exc}",
                    request=request,
                ) from exc
            mapped = map_aiohttp_error(exc, request, body=True)
            if mapped is exc:
                raise
            raise mapped from exc
        raw.release()

    async def aread(self) -> bytes:
        """
        Read the whole body.

        Raises:
            DecodingError: The body does not decode with its Content-Encoding.
            TransportError: A mapped aiohttp error.
        """
        chunks = [chunk async for chunk in self]
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def aclose(self) -> None:
        self._raw.release()


class AiohttpTransport:
    """
    Send requests with ``aiohttp.ClientSession`` (async only, asyncio only).

    Opt-in: ``restwell.AsyncClient(transport="aiohttp")``, or pass a session as
    ``transport=aiohttp.ClientSession()`` (borrowed).

    Args:
        session: An ``aiohttp.ClientSession`` to use: borrowed, never closed by
            restwell (close it yourself). Default: one created on the first send,
            owned, closed by ``aclose()``: a ``TCPConnector`` with ``limit=100``
            connections, no per-host cap, keep-alive on, TLS verification on.
        owns_session: Override the borrowed/owned rule. Default ``None``.

    .. versionadded:: 0.2
    """

    __slots__ = ("_closed", "_owns", "_session")

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        owns_session: bool | None = None,
    ) -> None:
        self._session = session
        self._owns = (session is None) if owns_session is None else owns_session
        self._closed = False

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The ``aiohttp.ClientSession``; ``None`` until the first send creates one."""
        return self._session

    @property
    def owns_session(self) -> bool:
        """Whether ``aclose()`` closes the session."""
        return self._owns

    def _open(self) -> aiohttp.ClientSession:
        import aiohttp

        connector = aiohttp.TCPConnector(
            limit=_CONNECTOR_LIMIT, limit_per_host=_CONNECTOR_LIMIT_PER_HOST
        )
        return aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": _accept_encoding()},
            auto_decompress=False,
            timeout=aiohttp.ClientTimeout(total=None),
        )

    @redact_logs  # no log record made while sending shows its secrets
    async def send(self, request: Request) -> Response[JSON]:
        """
        Send ``request`` once; return the response with its body unread.

        Raises:
            TransportError: A subclass matching the aiohttp error (``ConnectError``,
                ``ConnectTimeout``, ``ReadTimeout``, ``ReadError``, ``ProtocolError``,
                …); the aiohttp error is ``__cause__``.
            InvalidURL: If aiohttp cannot send to the URL.
            ConfigurationError: If the transport or a borrowed session was closed.
        """
        session = self._session
        if self._closed or (session is not None and session.closed):
            raise closed_error(
                request, owned=self._owns, client="aiohttp.ClientSession"
            )
        if session is None:
            session = self._session = self._open()
        headers = request.headers
        try:
            raw = await session.request(
                request.method,
                request.url,
                headers=headers.multi_items() if headers else None,
                data=_data(request.content),
                allow_redirects=False,
                timeout=_client_timeout(request.timeout),
                auto_decompress=False,
                skip_auto_headers=("Content-Type",),
            )
        except Exception as exc:
            mapped = map_aiohttp_error(exc, request, body=False)
            if mapped is exc:
                raise
            raise mapped from exc
        return Response.streamed(
            raw.status,
            Headers.from_raw(list(raw.raw_headers)),
            _AiohttpStream(raw, request, self),
            request,
            _Raw(raw),
        )

    async def aclose(self) -> None:
        """Close the session if restwell owns it; otherwise do nothing."""
        self._closed = True
        session = self._session
        if self._owns and session is not None and not session.closed:
            await session.close()

    def __repr__(self) -> str:
        how = "owned" if self._owns else "borrowed"
        return f"<AiohttpTransport ({how})>"


class _Raw:
    """The aiohttp response, with the ``http_version``/``reason_phrase`` names."""

    __slots__ = ("response",)

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response

    @property
    def http_version(self) -> str:
        version = self.response.version
        return "HTTP/1.1" if version is None else f"HTTP/{version[0]}.{version[1]}"

    @property
    def reason_phrase(self) -> str:
        return self.response.reason or ""


def _data(content: Any) -> Any:
    """The request body as aiohttp takes it (a sync iterable becomes async)."""
    if content is None or isinstance(content, bytes | bytearray | memoryview):
        return content
    if isinstance(content, Iterable):
        return _aiter(content)
    return content


async def _aiter(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def _client_timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
    """A restwell ``Timeout`` (seconds) as an ``aiohttp.ClientTimeout``."""
    import aiohttp

    connect, pool = timeout.connect, timeout.pool
    return aiohttp.ClientTimeout(
        total=None,
        connect=None if connect is None or pool is None else pool + connect,
        sock_connect=connect,
        sock_read=timeout.read,
    )


def _reset(exc: BaseException) -> bool:
    """
    Whether the connection broke under a ``ClientPayloadError`` (a reset).

    aiohttp 3.14 keeps the socket's error only in the message: it appends
    ``". ConnectionResetError(104, ...)"`` when the connection was not closed
    cleanly; an OS error in the exception chain counts too.
    """
    if _CONNECTION_LOST.search(str(exc)):
        return True
    inner = exc.__cause__ or exc.__context__
    return isinstance(inner, OSError)


_CONNECTION_LOST = re.compile(r"\. \w*(?:Error|Exception)\(")


def map_aiohttp_error(
    exc: BaseException, request: Request, *, body: bool
) -> BaseException:
    """
    Return the restwell error for an aiohttp exception (raise it ``from exc``).

    Args:
        exc: The exception aiohttp raised.
        request: The request being sent.
        body: Whether the error came while reading the response body (a server
            that disconnects then is a ``ReadError``; before the head, a
            ``ProtocolError``, as httpx reports it).

    Returns:
        A ``RequestError`` subclass instance, or ``exc`` itself when it is not an
        aiohttp error (never retried).
    """
    import aiohttp

    target: type[e.RequestError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        target = e.ConnectTimeout
    elif isinstance(exc, aiohttp.SocketTimeoutError):
        target = e.ReadTimeout
    elif isinstance(exc, aiohttp.ServerTimeoutError):
        target = e.ReadTimeout if body else e.TransportTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):
        target = e.ConnectError
    elif isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        target = e.InvalidURL
    elif isinstance(exc, aiohttp.ClientPayloadError):
        # A reset mid-body (BACKEND-NOTES) is a ReadError; a body that ended short
        # of its Content-Length or broke its chunking, httpx's ProtocolError.
        target = e.ReadError if _reset(exc) else e.ProtocolError
    elif isinstance(exc, aiohttp.ServerDisconnectedError):
        target = e.ReadError if body else e.ProtocolError
    elif isinstance(exc, aiohttp.ClientResponseError):
        target = e.ProtocolError  # a response aiohttp could not parse
    elif isinstance(exc, aiohttp.ClientConnectionResetError | aiohttp.ClientOSError):
        target = e.ReadError
    elif isinstance(exc, aiohttp.ClientError):
        target = e.TransportError
    else:
        return exc
    detail = scrub(str(exc), request)
    return target(
        f"{target.__name__} on {request.method} {redact_url(request.url)}: "
        f"{detail or type(exc).__name__}",
        request=request,
    )
