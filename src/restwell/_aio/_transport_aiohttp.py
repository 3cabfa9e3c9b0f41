"""
The aiohttp transport (async only): restwell's ``AsyncTransport`` over ``aiohttp``.

``AsyncClient``'s default transport (``ASYNC_DEFAULT_TRANSPORT``). Async only:
aiohttp has no sync form, so this module lives outside ``_async/`` and has no
generated twin; ``restwell.Client(transport="aiohttp")`` is refused with an error
naming ``AsyncClient``. asyncio only: under trio, a transport that owns its session
sends with an owned ``AsyncHttpxTransport`` built from the same options instead
(decided once, on the first send; see ``AiohttpTransport``).

Lifecycle: a ``ClientSession`` passed in is *borrowed* and never closed by
restwell; without one, the transport creates its own (lazily, on the first send:
aiohttp refuses to create a session outside a running event loop) and *owns* it,
closing it in ``aclose()``.

What the transport guarantees, whoever configured the session (as the httpx
transport does):

- **Credentials stay with their origin.** A request to another origin than the
  call's first request (a redirect hop: scheme, host and port, RFC 6454) is sent
  through a second session that shares the first one's connector (its pool, TLS
  and proxy settings) but has none of its credentials: no default header
  ``is_sensitive_name`` flags (``Authorization``, ``Cookie``, API keys), no
  ``auth=``, no cookie jar (cookies the other origin sets are still stored in the
  session's jar), no middlewares. The session's other default
  headers (``User-Agent``, …) go along.
- **The deadline is a total.** A buffered call (``get()``, ``request()``, …) is
  sent and its body read inside the deadline stage's watchdog, which cancels it at
  the deadline. A streamed call's body is read after that watchdog has ended, so
  each of its attempts gets an ``aiohttp.ClientTimeout`` with ``total`` = the time
  left to the call's deadline (``ctx.deadline_at``), next to the per-phase values
  of ``request.timeout``; aiohttp counts ``total`` from the start of the request to
  the end of the body, so a server that drips its head or its body cannot hold it
  past the deadline. A timeout there is ``DeadlineExceeded``. ``total`` is not
  rounded up to a whole second (aiohttp's ``ceil_threshold`` is lifted). The
  per-phase ``ClientTimeout`` of a buffered call is built once per ``Timeout``
  value: a timer per request costs ~30k instructions (``docs/benchmarks.md``).
- **Timeouts per attempt**: ``request.timeout`` becomes ``sock_connect`` = connect,
  ``connect`` = pool + connect, ``sock_read`` = read; aiohttp has no write timeout
  (the deadline bounds a slow upload).
- **A compressed body expands in bounded steps**: aiohttp's own decompression is
  turned off for the request (``auto_decompress=False``) and restwell decodes
  ``gzip``/``deflate`` (and ``br`` when ``brotli`` is installed) itself, at most
  ``restwell._decode.STEP`` bytes at a time. A coding restwell does not decode is
  passed through as received.
- **One request per send**: a session restwell owns does not resend a request on
  a pooled connection the server closed (aiohttp's default for idempotent
  methods); the error reaches restwell's ``retry`` stage like any other.
- **Every error is restwell's**, mapped at this edge; no message carries a header
  value or URL credential (``restwell._httpx_errors.scrub``).
"""

from __future__ import annotations

import base64
import functools
import io
import math
import re
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

import sniffio

from .. import _exceptions as e
from .._async._transport_httpx import _check_deadline, _cross_origin, _late
from .._config import Timeout
from .._decode import (
    ContentDecoder,
    DecodeFailed,
    accept_encoding,
    plan,
    restwell_codings,
)
from .._httpx_errors import closed_error, header_error, invalid_header, scrub
from .._logsafe import redact_logs
from .._models import Headers, Request, Response
from .._redact import is_sensitive_name, redact_url
from .._types import JSON
from .._version import USER_AGENT
from ..transports._options import (
    CertTypes,
    Limits,
    TransportOptions,
    VerifyTypes,
    ssl_context,
)

if TYPE_CHECKING:
    import ssl

    import aiohttp

    from .._async._transport_httpx import AsyncHttpxTransport
    from .._context import CallContext

__all__ = ["AiohttpTransport"]

_CHUNK = 65536  # bytes read from aiohttp at a time
_SLACK = 0.05  # s: a timeout this close to the deadline was the deadline's
# Default pool (see AiohttpTransport): Limits() itself, so limits=None and
# limits=Limits() mean the same here.
_DEFAULT_LIMITS = Limits()
_SKIP_AUTO = ("Content-Type",)  # restwell sets Content-Type itself, or sends none


class _AiohttpStream:
    """An ``aiohttp.ClientResponse`` body as an ``AsyncResponseStream``."""

    __slots__ = ("_raw", "_request")

    def __init__(self, raw: aiohttp.ClientResponse, request: Request) -> None:
        self._raw = raw
        self._request = request

    @redact_logs
    async def __aiter__(self) -> AsyncIterator[bytes]:
        request = self._request
        raw = self._raw
        try:
            value = raw.headers.get("Content-Encoding")
            codings = [] if value is None else plan(value, restwell_codings())
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
            mapped = _body_error(exc, request)
            if mapped is exc:
                raise
            raise mapped from mapped.__cause__ or exc
        except BaseException:  # cancelled: the connection is not reusable
            raw.close()
            raise
        raw.release()

    async def aread(self) -> bytes:
        """
        Read the whole body; stop once the call's deadline has passed.

        Raises:
            DeadlineExceeded: The deadline passed while the body was arriving.
            DecodingError: The body does not decode with its Content-Encoding.
            TransportError: A mapped aiohttp error.
        """
        raw = self._raw
        content = raw.content
        # All of it has arrived (a small body comes with the head) and there is
        # nothing to decode: take it at once, no chunk loop (about 34,000 fewer
        # instructions per 200-byte response; docs/benchmarks.md).
        if (
            content.is_eof()
            and content.exception() is None
            and "Content-Encoding" not in raw.headers
        ):
            data = content.read_nowait()
            raw.release()
            _check_deadline(self._request)  # a streamed body outlives the call
            return data
        chunks = [chunk async for chunk in self]
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def aclose(self) -> None:
        raw = self._raw
        if raw.content.is_eof():
            raw.release()  # read to its end: the connection goes back to the pool
        else:
            raw.close()  # unread bytes: the connection cannot be reused


def _body_error(exc: Exception, request: Request) -> BaseException:
    """Map an error from reading the body; a timeout at the deadline is its."""
    if isinstance(exc, DecodeFailed):
        return e.DecodingError(
            f"DecodingError on {request.method} {redact_url(request.url)}: {exc}",
            request=request,
        )
    mapped = map_aiohttp_error(exc, request, body=True)
    ctx: CallContext | None = request.context
    if (
        isinstance(mapped, e.TransportTimeout)
        and ctx is not None
        and ctx.deadline_at is not None
        and ctx.clock.monotonic() + _SLACK >= ctx.deadline_at
    ):
        mapped.__cause__ = exc
        late = _late(request, ctx)
        late.__cause__ = mapped  # DeadlineExceeded <- ReadTimeout <- aiohttp's
        return late
    return mapped


class AiohttpTransport:
    """
    Send requests with ``aiohttp.ClientSession`` (async only, asyncio only).

    ``restwell.AsyncClient()``'s default; also ``AsyncClient(transport="aiohttp")``,
    or pass a session as ``transport=aiohttp.ClientSession()`` (borrowed).

    Args:
        session: An ``aiohttp.ClientSession`` to use: borrowed, never closed by
            restwell (close it yourself). Its default headers, ``auth`` and
            cookies go with every request to the call's own origin, never to
            another (see the module docstring); its own ``timeout``,
            ``raise_for_status`` and ``auto_decompress`` are overridden per
            request (restwell's ``timeout=`` applies). It must have no
            ``base_url``: give that to restwell's client. Default: one created on
            the first send, owned, closed by ``aclose()``.
        owns_session: Override the borrowed/owned rule. Default ``None``.
        verify: TLS verification of an owned session: ``True`` (the system's
            CAs), ``False`` (none), a CA bundle path, or an ``ssl.SSLContext``.
            Default ``True``. With ``cert``, one ``ssl.SSLContext``
            (``restwell.transports.ssl_context``) given to the connector.
        cert: A client certificate for mutual TLS (``CertTypes``). Default
            ``None``.
        proxy: An ``http://`` (or ``https://``) proxy URL for an owned session;
            userinfo in it becomes ``Proxy-Authorization``. Default ``None``: no
            proxy, and proxy environment variables are not read.
        limits: ``restwell.transports.Limits`` of an owned session's
            ``TCPConnector``: ``max_connections`` is its ``limit`` (``None``: no
            limit), ``keepalive_expiry`` its ``keepalive_timeout`` (``None``:
            aiohttp's 15 s). aiohttp keeps every idle connection up to its
            total, so ``max_keepalive_connections`` must be ``None`` or equal to
            ``max_connections``. Default ``None``: ``Limits()`` — 100
            connections, no per-host cap, idle ones kept 5 s. aiohttp's idle pool
            is the whole pool, so every connection the concurrency of the calls
            reached (at most 100) stays open for reuse: unlike httpx's 20
            keep-alive connections, a burst of 100 concurrent calls does not
            close and reopen connections (keep-alive pool >= concurrency). The 5 s
            expiry is below common servers' idle timeouts (uvicorn's 5 s,
            nginx's 75 s) to avoid reusing a connection the server is closing.

    Under trio (detected with ``sniffio`` on the first send, or by ``unwrap()``),
    a transport that owns its session cannot run aiohttp: it sends with an owned
    ``AsyncHttpxTransport`` built from the same ``verify``/``cert``/``proxy``/
    ``limits`` instead (httpx's pool limits when ``limits`` is not given), so
    ``AsyncClient()`` works on both; ``unwrap()`` then returns that
    ``httpx.AsyncClient``. Measured cost on asyncio: one ``is None`` test per
    send (the library is looked up once).

    Raises:
        ConfigurationError: If a ``session`` comes with ``verify``/``cert``/
            ``proxy``/``limits`` (configure the session instead), the session has
            a ``base_url``, ``limits`` asks for fewer keep-alive connections than
            connections, the proxy is not ``http(s)://``, or the TLS files cannot
            be loaded.

    .. versionadded:: 0.2
    .. versionchanged:: 0.2
       The default transport of ``AsyncClient``; ``verify``, ``cert``, ``proxy``,
       ``limits``; the deadline as ``ClientTimeout.total``; credentials kept to
       their origin.
    """

    __slots__ = (
        "_accept",
        "_closed",
        "_delegate",
        "_limits",
        "_options",
        "_owns",
        "_proxy",
        "_session",
        "_ssl",
        "_stranger",
    )

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        owns_session: bool | None = None,
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
        proxy: str | None = None,
        limits: Limits | None = None,
    ) -> None:
        options = TransportOptions(verify=verify, cert=cert, proxy=proxy, limits=limits)
        given = options.given()
        if session is not None:
            if given:
                names = ", ".join(f"{n}=" for n in given)
                raise e.ConfigurationError(
                    f"AiohttpTransport got a session and {names}: configure the "
                    "aiohttp.ClientSession you pass (its connector's ssl=, limit=; "
                    "proxy= per session), or pass only keyword arguments"
                )
            base_url = getattr(session, "_base_url", None)
            if base_url is not None:
                shown = redact_url(str(base_url))
                raise e.ConfigurationError(
                    f"base_url={shown!r} of the aiohttp.ClientSession would break "
                    f"absolute URLs: pass it to restwell.AsyncClient(base_url="
                    f"{shown!r}) instead, and create the session without it "
                    "(restwell resolves every URL itself)"
                )
        if limits is not None:
            keep = limits.max_keepalive_connections
            if keep is not None and keep != limits.max_connections:
                raise e.ConfigurationError(
                    f"Limits(max_keepalive_connections={keep}) with "
                    f"max_connections={limits.max_connections}: aiohttp keeps "
                    "every idle connection up to its total and has no separate "
                    "keep-alive count; drop max_keepalive_connections (or make it "
                    "equal to max_connections), or use transport='httpx'"
                )
        if proxy is not None and not proxy.lower().startswith(("http://", "https://")):
            raise e.ConfigurationError(
                f"proxy={redact_url(proxy)!r}: aiohttp supports http:// and "
                "https:// proxies only; use transport='httpx' for a SOCKS proxy "
                "(with the httpx[socks] extra)"
            )
        self._options = options
        # Built now, so that a bad CA bundle or certificate fails at construction.
        # Untouched: aiohttp's own verified context (True), created once per process.
        self._ssl: ssl.SSLContext | bool = (
            ssl_context(options) if ("verify" in given or "cert" in given) else True
        )
        self._proxy = proxy
        self._limits = _DEFAULT_LIMITS if limits is None else limits
        self._session = session
        self._owns = (session is None) if owns_session is None else owns_session
        self._closed = False
        self._delegate: AsyncHttpxTransport | None = None
        self._stranger: aiohttp.ClientSession | None = None
        self._accept: str | None = None
        if session is not None:
            self._adopt(session)

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The ``aiohttp.ClientSession``; ``None`` until the first send creates one."""
        return self._session

    @property
    def owns_session(self) -> bool:
        """Whether ``aclose()`` closes the session."""
        return self._owns

    def _adopt(self, session: aiohttp.ClientSession) -> None:
        """
        Learn what a borrowed session would advertise on its own.

        Without a default ``Accept-Encoding``, aiohttp offers every coding it
        decodes (``zstd`` included when its package is installed); with its
        decoding off, restwell would pass such a body through undecoded. So,
        then, restwell's own list is sent instead.
        """
        if "Accept-Encoding" in session.headers:
            return
        from aiohttp.client_reqrep import _gen_default_accept_encoding

        offered = {c.strip() for c in _gen_default_accept_encoding().split(",")}
        if offered - {"gzip", "deflate"} - restwell_codings():
            self._accept = accept_encoding()

    def _open(self) -> None:
        """
        Create the owned session (or, under trio, the httpx transport used instead).

        Raises:
            ConfigurationError: Outside a running event loop, or on an async
                library that is neither asyncio nor trio.
        """
        try:
            library = sniffio.current_async_library()
        except sniffio.AsyncLibraryNotFoundError:
            raise e.ConfigurationError(
                "the aiohttp session is created inside a running event loop "
                "(aiohttp refuses to create one outside): call unwrap() from async "
                "code, or after the client's first request"
            ) from None
        if library == "trio":
            from .._async._transport_httpx import AsyncHttpxTransport
            from ..transports._registry import httpx_kwargs

            self._delegate = AsyncHttpxTransport(
                backend="httpx", **httpx_kwargs(self._options, "httpx")
            )
            return
        if library != "asyncio":
            raise e.ConfigurationError(
                f"aiohttp runs on asyncio only, not on {library}: pass "
                "transport='httpx' to restwell.AsyncClient"
            )
        import aiohttp

        limits = self._limits
        connector_kwargs: dict[str, Any] = {
            "limit": limits.max_connections or 0,  # aiohttp: 0 is no limit
            "limit_per_host": 0,
            "ssl": self._ssl,
        }
        if limits.keepalive_expiry is not None:
            connector_kwargs["keepalive_timeout"] = limits.keepalive_expiry
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(**connector_kwargs),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": accept_encoding()},
            auto_decompress=False,
            timeout=aiohttp.ClientTimeout(total=None),
        )
        session._retry_connection = False  # one request per send (module docstring)
        self._session = session

    def _stranger_session(
        self, session: aiohttp.ClientSession
    ) -> aiohttp.ClientSession:
        """
        The session for requests to another origin than the call's.

        It has ``session``'s connector, settings and trace configs, none of its
        credentials (see the module docstring).
        """
        stranger = self._stranger
        if stranger is not None and not stranger.closed:
            return stranger
        import aiohttp

        stranger = aiohttp.ClientSession(
            connector=session.connector,
            connector_owner=False,
            headers=[
                (name, value)
                for name, value in session.headers.items()
                if not is_sensitive_name(name)
            ],
            skip_auto_headers=session.skip_auto_headers,
            cookie_jar=aiohttp.DummyCookieJar(),
            version=session.version,  # type: ignore[arg-type]  # an HttpVersion
            trust_env=session.trust_env,
            auto_decompress=False,
            timeout=aiohttp.ClientTimeout(total=None),
        )
        # The proxy is the same one: its settings (not the origin's) go along.
        for name in (
            "_default_proxy",
            "_default_proxy_auth",
            "_read_bufsize",
            "_max_line_size",
            "_max_field_size",
            "_trace_configs",  # the owner's tracing sees every request it sends
        ):
            if hasattr(session, name):
                setattr(stranger, name, getattr(session, name))
        stranger._retry_connection = False
        self._stranger = stranger
        return stranger

    @redact_logs  # no log record made while sending shows its secrets
    async def send(self, request: Request) -> Response[JSON]:
        """
        Send ``request`` once; return the response with its body unread.

        Raises:
            TransportError: A subclass matching the aiohttp error (``ConnectError``,
                ``ConnectTimeout``, ``ReadTimeout``, ``ReadError``, ``ProtocolError``,
                …); the aiohttp error is ``__cause__``.
            InvalidURL: If aiohttp cannot send to the URL.
            ConfigurationError: If a header cannot be sent (it is named, its value
                is not shown), or the transport or a borrowed session was closed.
        """
        session: Any = self._session
        if session is None or self._closed:
            if self._closed:
                raise closed_error(
                    request, owned=self._owns, client="aiohttp.ClientSession"
                )
            if self._delegate is None:
                self._open()
            if self._delegate is not None:
                return await self._delegate.send(request)
            session = self._session
        ctx: CallContext | None = request.context  # None: sent without a client
        timeout = request.timeout
        origin = session
        if ctx is not None:
            deadline_at = ctx.deadline_at
            if deadline_at is not None and ctx.stream:
                # A streamed body is read after the call, past the deadline stage's
                # watchdog: aiohttp's own total timer bounds it. A buffered call's
                # body is read inside the watchdog, which cancels at the deadline.
                left = deadline_at - ctx.clock.monotonic()
                client_timeout = _client_timeout(timeout, left if left > 0 else 0.001)
            else:
                client_timeout = _phases(timeout)
            if _cross_origin(request, ctx):
                session = self._stranger_session(session)
        else:
            client_timeout = _phases(timeout)
        url = request.url
        headers: Any = request.headers
        if headers:
            headers = headers.multi_items()
            for name, value in headers:  # what httpx (h11) refuses, aiohttp would send
                if not (
                    name in _GOOD_NAMES
                    and value.isascii()
                    and value.isprintable()
                    and value[:1] != " "
                    and value[-1:] != " "
                ) and _bad_header(name, value):
                    raise header_error(request)
            if self._accept is not None and not any(
                name.lower() == "accept-encoding" for name, _ in headers
            ):
                headers.append(("Accept-Encoding", self._accept))
        elif self._accept is not None:
            headers = [("Accept-Encoding", self._accept)]
        else:
            headers = None
        if "@" in url:  # userinfo: Basic auth, as httpx sends it
            url, headers = _userinfo_auth(url, headers)
        try:
            raw = await session.request(
                request.method,
                url,
                headers=headers,
                data=_data(request.content),
                allow_redirects=False,
                timeout=client_timeout,
                auto_decompress=False,
                raise_for_status=False,
                skip_auto_headers=_SKIP_AUTO,
                proxy=self._proxy,
            )
        except Exception as exc:
            mapped = self._send_error(exc, request, session)
            if mapped is exc:
                raise
            raise mapped from exc
        if session is not origin:  # cookies the other origin set: kept, as httpx
            origin.cookie_jar.update_cookies(raw.cookies, raw.url)
        return Response.streamed(
            raw.status,
            Headers.from_raw(list(raw.raw_headers)),
            _AiohttpStream(raw, request),
            request,
            raw,
        )

    def _send_error(
        self, exc: Exception, request: Request, session: aiohttp.ClientSession
    ) -> BaseException:
        if isinstance(exc, RuntimeError) and "closed" in str(exc):
            return closed_error(
                request, owned=self._owns, client="aiohttp.ClientSession"
            )
        if (
            isinstance(exc, ValueError)
            and type(exc).__module__ == "builtins"
            and invalid_header(
                (*request.headers.multi_items(), *session.headers.items())
            )
        ):
            return header_error(request, session.headers.items())
        return map_aiohttp_error(exc, request, body=False)

    def unwrap(self) -> aiohttp.ClientSession | object:
        """
        The ``aiohttp.ClientSession`` this transport sends with.

        Created on first use when restwell owns it (inside a running event loop;
        under trio, the ``httpx.AsyncClient`` of the httpx transport used instead).

        Raises:
            ConfigurationError: If called outside a running event loop before the
                session exists (aiohttp cannot create one there).
        """
        if self._session is None and self._delegate is None:
            self._open()
        if self._delegate is not None:
            return self._delegate.unwrap()
        return self._session

    async def aclose(self) -> None:
        """
        Close what restwell owns; a borrowed session stays open.

        That is: the owned session, the session used for other origins (not its
        connector, which is the first session's), and the httpx transport used
        under trio.
        """
        self._closed = True
        stranger, self._stranger = self._stranger, None
        if stranger is not None:
            await stranger.close()  # not the connector: that is the session's
        if self._delegate is not None:
            await self._delegate.aclose()
        session = self._session
        if self._owns and session is not None and not session.closed:
            await session.close()

    def __repr__(self) -> str:
        how = "owned" if self._owns else "borrowed"
        if self._delegate is not None:
            return f"<AiohttpTransport ({how}, on trio: httpx)>"
        return f"<AiohttpTransport ({how})>"


_GOOD_NAMES: set[str] = set()  # header names found valid (bounded: _MAX_NAMES)
_MAX_NAMES = 4096


def _bad_header(name: str, value: str) -> bool:
    """
    Whether HTTP/1.1 cannot carry this header (``invalid_header``'s rules).

    aiohttp refuses only line breaks; it sends a non-ASCII value as UTF-8, a name
    with a space, a value with a control character or surrounding spaces. httpx
    refuses all of them, and so does restwell, on every transport.
    """
    if invalid_header(((name, value),)) is not None:
        return True
    if len(_GOOD_NAMES) < _MAX_NAMES:
        _GOOD_NAMES.add(name)
    return False


def _userinfo_auth(
    url: str, headers: list[tuple[str, str]] | None
) -> tuple[str, list[tuple[str, str]] | None]:
    """
    Move a URL's ``user:password@`` into an ``Authorization: Basic`` header.

    As httpx does (RFC 7617, UTF-8): the userinfo replaces an ``Authorization``
    header of the request. aiohttp itself would refuse the pair with a
    ``ValueError``.
    """
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" not in netloc:
        return url, headers  # an "@" in the path or query
    userinfo, _, host = netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
    kept = [(n, v) for n, v in headers or () if n.lower() != "authorization"]
    kept.append(("Authorization", f"Basic {token}"))
    return urlunsplit(parts._replace(netloc=host)), kept


_LARGE_BODY = 1 << 20  # aiohttp warns (ResourceWarning) for bytes above 1 MiB


def _data(content: Any) -> Any:
    """
    The request body as aiohttp takes it (a sync iterable becomes async).

    ``bytes`` above 1 MiB go as an ``io.BytesIO``: aiohttp sends it in pieces with
    its Content-Length, instead of warning that a large ``bytes`` body may block
    the event loop.
    """
    if content is None or isinstance(content, bytes | bytearray | memoryview):
        if content is not None and len(content) > _LARGE_BODY:
            return io.BytesIO(content)
        return content
    if isinstance(content, Iterable):
        return _aiter(content)
    return content


async def _aiter(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


@functools.lru_cache(maxsize=64)
def _phases(timeout: Timeout) -> aiohttp.ClientTimeout:
    """``_client_timeout(timeout, None)``, built once per ``Timeout`` value."""
    return _client_timeout(timeout, None)


def _client_timeout(timeout: Timeout, total: float | None) -> aiohttp.ClientTimeout:
    """
    A restwell ``Timeout`` (seconds) as an ``aiohttp.ClientTimeout``.

    Args:
        timeout: The attempt's per-phase timeout.
        total: Seconds left to the call's deadline, or ``None`` (no deadline).
    """
    import aiohttp

    connect, pool = timeout.connect, timeout.pool
    return aiohttp.ClientTimeout(
        total=total,
        connect=None if connect is None or pool is None else pool + connect,
        sock_connect=connect,
        sock_read=timeout.read,
        ceil_threshold=math.inf,  # never round the deadline up to a whole second
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
        aiohttp error (never retried). A bare ``TimeoutError`` is aiohttp's
        ``total`` (the deadline): a ``ReadTimeout``, which the ``timeout`` stage
        (or the body's reader) reports as ``DeadlineExceeded``.
    """
    import aiohttp

    target: type[e.RequestError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        target = e.ConnectTimeout
    elif isinstance(exc, aiohttp.SocketTimeoutError):
        target = e.ReadTimeout
    elif isinstance(exc, aiohttp.ServerTimeoutError):
        target = e.ReadTimeout if body else e.TransportTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ClientHttpProxyError):
        target = e.ConnectError  # a proxy refusing the tunnel too (httpx ProxyError)
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
    elif isinstance(exc, aiohttp.ClientConnectionError):
        target = e.NetworkError
    elif isinstance(exc, aiohttp.ClientError):
        target = e.TransportError
    elif isinstance(exc, TimeoutError):
        # aiohttp's ``total``, the deadline: the phase is unknown, so it is reported
        # as httpx's capped read timeout is, never as a connect timeout (which
        # would make a sent request look safe to retry).
        target = e.ReadTimeout
    else:
        return exc
    detail = scrub(str(exc), request)
    return target(
        f"{target.__name__} on {request.method} {redact_url(request.url)}: "
        f"{detail or type(exc).__name__}",
        request=request,
    )
