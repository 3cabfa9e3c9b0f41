"""
The httpx transport (async): restwell's ``AsyncTransport`` over ``httpx.AsyncClient``.

Also drives ``httpx2`` (same API): the module is taken from the client passed in,
or chosen by ``backend="httpx2"``. Lifecycle follows aresilient: a client passed in
that is already open is *borrowed* and never closed by restwell; one passed in unopened
(or created here) is *owned* and closed by ``aclose()``.

What the transport guarantees, whoever configured the backend client:

- **Credentials stay with their origin.** A request to another origin than the
  call's first request (a redirect hop: scheme, host and port, RFC 6454) is built
  without the client's default headers that carry credentials (``Authorization``,
  ``Proxy-Authorization``, ``Cookie`` and any name ``is_sensitive_name`` flags),
  without its ``auth`` and without its cookie jar, as httpx, urllib3 and requests do
  when they follow a redirect themselves. Its other defaults (``User-Agent``, …)
  stay; its default query ``params`` are not added (nor are they by httpx on a
  redirect).
- **The deadline holds at the socket** for a client restwell owns: its pools run
  over ``restwell._net``'s network backends, which cap every connect, read and
  write to the time left (``ctx.deadline_at``). A borrowed client's pool is not
  modified: there, each phase is capped when the attempt starts, the body's read
  timeout again when the head has arrived, and the deadline is checked between
  body chunks.
- **The client's own timeout** is the per-attempt timeout when the caller did not
  give restwell ``timeout=`` (``default_timeout``).
- **Every error is restwell's** (``restwell._httpx_errors``); no message carries a
  header value.
- **A compressed body expands in bounded steps**: restwell decodes
  ``Content-Encoding`` itself (``restwell._decode``), at most 64 KiB at a time, so
  ``max_response_size`` stops a gzip bomb in little memory.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections.abc import AsyncIterator
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .._clock import SystemClock
from .._config import Timeout
from .._context import ContextKey
from .._decode import ContentDecoder, DecodeFailed, backend_codings, plan
from .._exceptions import (
    ConfigurationError,
    DeadlineExceeded,
    DecodingError,
    ReadError,
    TransportTimeout,
    WriteError,
)
from .._http2 import require_h2
from .._httpx_errors import (
    build_error,
    closed_error,
    invalid_header,
    map_httpx_error,
)
from .._logsafe import redact_logs
from .._models import Headers, Request, Response
from .._net import (
    ASYNC_CANCELLED_AT_DEADLINE,
    DEADLINE,
    Deadline,
    install_deadline_backend,
    scope_body,
)
from .._redact import is_sensitive_name, redact_url
from .._types import JSON
from .._urls import same_origin
from .._version import USER_AGENT

if TYPE_CHECKING:
    import httpx
    import httpx2

    from .._context import CallContext

__all__ = ["AsyncHttpxTransport"]

POOL_MAX_CONNECTIONS = 100
"""Connections (all kept alive when idle) of an httpx pool restwell creates."""
POOL_KEEPALIVE_EXPIRY = 5.0
"""Seconds an idle connection of an httpx pool restwell creates is kept."""
_SLACK = 0.05  # s: a timeout this close to the deadline was the deadline's
_MAX_DRAIN_STEPS = 64  # chunks a closed body's iterator may still yield, dropped
# The URL of the first request of the call this transport saw, and whether a hop of
# the call has left its origin (see _cross_origin).
_FIRST_URL: ContextKey[str] = ContextKey("restwell.transport.first_url")
_LEFT_ORIGIN: ContextKey[bool] = ContextKey("restwell.transport.left_origin")


class _AsyncHttpxStream:
    """
    An ``httpx.Response`` body as an ``AsyncResponseStream``, errors mapped.

    The body is decoded here, not by httpx: the raw bytes (``aiter_raw()``) go
    through a ``restwell._decode.ContentDecoder``, which yields at most
    ``_decode.STEP`` bytes at a time, so that a reader counting against
    ``max_response_size`` stops a gzip bomb before it has expanded (httpx decodes
    each network read at once). A body without ``Content-Encoding`` is passed
    through as it arrives; one with a coding restwell leaves to httpx (``zstd``) is
    decoded by httpx (``aiter_bytes()``), see ``restwell._decode``.
    """

    __slots__ = ("_raw", "_request", "_transport")

    def __init__(
        self, raw: Any, request: Request, transport: AsyncHttpxTransport
    ) -> None:
        self._raw = raw
        self._request = request
        self._transport = transport

    @redact_logs
    async def __aiter__(self) -> AsyncIterator[bytes]:
        request = self._request
        raw = self._raw
        chunks: Any = None  # httpx's iterator, run out here if this one stops early
        try:
            value = raw.headers.get("content-encoding")
            codings = [] if value is None else plan(value, self._transport._codings)
            if codings:
                decoder = ContentDecoder(codings)
                chunks = raw.aiter_raw()
                async for chunk in chunks:
                    if raw.is_closed:  # by aclose(): run out what httpx holds, unread
                        continue
                    for piece in decoder.feed(chunk):
                        yield piece
                        if raw.is_closed:
                            break
                        _check_deadline(request)
                for piece in decoder.end():
                    yield piece
            else:
                chunks = raw.aiter_bytes() if codings is None else raw.aiter_raw()
                async for chunk in chunks:
                    yield chunk
                    _check_deadline(request)  # a streamed body outlives the call
        except DeadlineExceeded:
            await self._abort(chunks)
            raise
        except Exception as exc:
            await self._abort(chunks)
            mapped = self._transport._body_error(exc, request)
            if mapped is exc:
                raise
            raise mapped from exc

    async def _abort(self, chunks: Any) -> None:
        """
        Close the response, then run out httpx's iterator over it, if one started.

        After the close, the iterator yields what httpx had already read, then
        raises on the closed connection: run to its end, no generator inside httpx
        is left suspended (trio warns of one garbage collected so).
        """
        await self._raw.aclose()
        if chunks is not None:
            with contextlib.suppress(Exception):
                for _ in range(_MAX_DRAIN_STEPS):
                    await chunks.__anext__()
            await chunks.aclose()

    async def aread(self) -> bytes:
        """
        Read the whole body; stop once the call's deadline has passed.

        The deadline is ``request.context.deadline_at`` (monotonic seconds): for a
        client restwell owns, each socket read is capped to it; for any client, one
        loop over the chunks checks it, so a body trickling in under each read
        timeout still ends.

        Raises:
            DeadlineExceeded: The deadline passed while the body was arriving.
            DecodingError: The body does not decode with its Content-Encoding.
            TransportError: A mapped httpx error.
        """
        chunks = [chunk async for chunk in self]
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def aclose(self) -> None:
        await self._raw.aclose()


class AsyncHttpxTransport:
    """
    Send requests with ``httpx.AsyncClient`` (or ``httpx2.AsyncClient``).

    Args:
        client: An ``httpx.AsyncClient`` / ``httpx2.AsyncClient`` to use. Already
            open (inside its own ``async with``): borrowed, never closed by restwell.
            Not yet open: owned, closed by ``aclose()``. Default: a new one, owned.
            Its headers, cookies, auth and TLS settings apply to every request to
            the call's own origin; a redirect to another origin gets none of its
            credentials (see the module docstring). Its ``timeout`` is the
            per-attempt timeout unless restwell's ``timeout=`` is given
            (``default_timeout``); its redirect following is bypassed (restwell
            follows redirects itself). It must have no ``base_url``: give that to
            restwell's client, which resolves every URL.
        backend: ``"httpx"`` or ``"httpx2"``, when ``client`` is not given.
            Default ``"httpx"``.
        owns_client: Override the open/unopened rule above. Default ``None``.
        **client_kwargs: Passed to the new client when ``client`` is not given
            (``verify``, ``limits``, ``http2``, ``proxy``, ``timeout``, …). TLS
            verification stays on unless you turn it off.

    Pool limits: a client restwell creates without ``limits`` gets
    ``Limits(max_connections=100, max_keepalive_connections=100,
    keepalive_expiry=5.0)`` (``restwell.transports.Limits()``'s defaults), not
    httpx's ``Limits(100, 20)``. Measured with ``bench/bench_transports.py`` (GET
    of 200 bytes from nginx on 127.0.0.1, 2 CPUs): at 256 requests in flight,
    httpx 0.29 (httpcore 1.0) under ``Limits(100, 20)`` closes a connection as a
    response ends and opens another for the next request, about one new TCP
    connection per request; under ``Limits(100, 100)`` it reuses them. httpx2's
    pool does not churn, and ``(100, 100)`` served it as well as ``(100, 20)``,
    while a pool sized to the concurrency (``Limits(256, 256)``, or no cap) cost
    httpx2 1.4-1.8x the CPU per request at 256: the cap stays 100. At 16 in
    flight the limits made no difference. Give restwell's client ``limits=`` (or
    ``limits=httpx.Limits(...)`` here) to choose; a client lent to restwell is
    never changed. Numbers: ``docs/benchmarks.md``, "httpx pool limits".

    The deadline is enforced at the socket (every read and write capped to the time
    left) for a client restwell owns. A borrowed client's connection pool belongs
    to its owner and is not modified: the deadline then caps each timeout when an
    attempt starts, the body's read timeout again once the head has arrived, and
    is checked between body chunks, so a sync call to a server that drips its
    response head, or reads a streamed upload slowly, can outlast it. Hand the
    client over unopened, or let restwell create it, for the hard bound.

    Raises:
        ConfigurationError: If ``backend`` is unknown or its package is missing,
            both ``client`` and ``client_kwargs`` are given, the client has a
            ``base_url``, the client cannot be created from ``client_kwargs``, or
            ``http2=True`` is given without ``h2`` installed (the message names
            ``pip install "restwell[http2]"``).
    """

    __slots__ = (
        "_build",
        "_client",
        "_codings",
        "_deadline_aware",
        "_default_timeout",
        "_owns",
        "_send",
        "module",
    )

    def __init__(
        self,
        client: httpx.AsyncClient | httpx2.AsyncClient | None = None,
        *,
        backend: str = "httpx",
        owns_client: bool | None = None,
        **client_kwargs: object,
    ) -> None:
        given: Any = client  # an httpx or httpx2 client; their types differ
        if given is not None:
            if client_kwargs:
                raise ConfigurationError(
                    f"AsyncHttpxTransport got a client and {sorted(client_kwargs)}: "
                    "configure the client you pass, or pass only keyword arguments"
                )
            self.module = importlib.import_module(type(given).__module__.split(".")[0])
            opened = getattr(getattr(given, "_state", None), "name", "") == "OPENED"
            self._owns = (not opened) if owns_client is None else owns_client
            given_timeout = True
        else:
            if backend not in ("httpx", "httpx2"):
                raise ConfigurationError(
                    f"backend={backend!r} is not an httpx backend: "
                    "use 'httpx' or 'httpx2'"
                )
            self.module = _import_backend(backend)
            given_timeout = "timeout" in client_kwargs
            _refuse_base_url(client_kwargs, self.module.__name__, "AsyncClient")
            given = _create(self.module, "AsyncClient", client_kwargs)
            self._owns = True if owns_client is None else owns_client
        _refuse_base_url(given, self.module.__name__, "AsyncClient")
        self._codings = backend_codings(self.module)  # what it would decode itself
        self._client: httpx.AsyncClient | httpx2.AsyncClient = given
        self._build = given.build_request
        self._send = given.send
        self._default_timeout = _timeout_of(given.timeout) if given_timeout else None
        # Only a pool restwell owns is changed (see the class docstring).
        self._deadline_aware = (
            not ASYNC_CANCELLED_AT_DEADLINE
            and self._owns
            and install_deadline_backend(given)
        )
        # httpx builds the next request of any 3xx, followed or not, and raises on a
        # Location it cannot parse: keep such a Location away from it (restwell's
        # redirects stage judges Location itself).
        given.event_hooks["response"].append(_set_aside_bad_location)

    @property
    def client(self) -> httpx.AsyncClient | httpx2.AsyncClient:
        """The underlying ``httpx.AsyncClient`` (for what restwell does not wrap)."""
        return self._client

    @property
    def owns_client(self) -> bool:
        """Whether ``aclose()`` closes the underlying client."""
        return self._owns

    @property
    def default_timeout(self) -> Timeout | None:
        """
        The backend client's own timeout, as a restwell ``Timeout`` (seconds).

        ``None`` for a client restwell created without ``timeout=``. Otherwise it
        is the per-attempt timeout of every call that gives restwell no
        ``timeout=`` (on the client or the call), capped to the deadline left.
        """
        return self._default_timeout

    @redact_logs  # no log record made while sending shows its secrets
    async def send(self, request: Request) -> Response[JSON]:
        """
        Send ``request`` once; return the response with its body unread.

        Raises:
            TransportError: A subclass matching the httpx error (``ConnectError``,
                ``ReadTimeout``, ``ProtocolError``, …); the httpx error is
                ``__cause__``.
            InvalidURL: If httpx cannot send to the URL.
            ConfigurationError: If a header cannot be sent (it is named, its value
                is not shown), or the client was closed during the call.
        """
        ctx: CallContext | None = request.context  # None: sent without a client
        timeout = request.timeout
        deadline = None
        cross = False
        if ctx is not None:
            deadline_at = ctx.deadline_at
            if deadline_at is not None and not ASYNC_CANCELLED_AT_DEADLINE:
                clock = ctx.clock
                deadline = Deadline(
                    deadline_at,
                    time.monotonic if type(clock) is SystemClock else clock.monotonic,
                )
            cross = _cross_origin(request, ctx)
        extensions = {"timeout": timeout.as_dict()}
        try:
            if cross:
                raw_request = self._cross_origin_request(request, extensions)
            else:
                headers = request.headers
                raw_request = self._build(
                    request.method,
                    request.url,
                    headers=headers.multi_items() if headers else None,
                    content=request.content,
                    extensions=extensions,
                )
            port = raw_request.url.port
            if port is not None and port > 65535:  # TCP's limit
                raise ValueError(f"port {port} is out of range 0-65535")  # noqa: TRY301 - mapped below
        except Exception as exc:
            mapped = build_error(exc, request, self._defaults())
            if mapped is exc:
                raise
            raise mapped from exc
        try:
            if deadline is None or not self._deadline_aware:
                raw = await self._transmit(raw_request, cross)
            else:
                token = DEADLINE.set(deadline)
                try:
                    raw = await self._transmit(raw_request, cross)
                finally:
                    DEADLINE.reset(token)
        except Exception as exc:
            mapped = self._send_error(exc, request)
            if mapped is exc:
                raise
            raise mapped from exc
        if deadline is not None:
            if self._deadline_aware:
                scope_body(raw, deadline)
            else:
                _recap_read(raw_request, deadline)
        bad_location = raw.extensions.get(_BAD_LOCATION)
        return Response.streamed(
            raw.status_code,
            Headers.from_raw(raw.headers)
            if bad_location is None
            else Headers.from_raw([*raw.headers.raw, (b"Location", bad_location)]),
            _AsyncHttpxStream(raw, request, self),
            request,
            raw,
        )

    async def _transmit(self, raw_request: Any, cross: bool) -> Any:
        if cross:  # no client auth on another origin
            return await self._send(
                raw_request, stream=True, follow_redirects=False, auth=None
            )
        return await self._send(raw_request, stream=True, follow_redirects=False)

    def _cross_origin_request(
        self, request: Request, extensions: dict[str, Any]
    ) -> Any:
        """
        The httpx request for ``request`` to another origin than the call's.

        Built with ``httpx.Request`` directly: ``build_request`` would merge the
        client's headers, cookies and params. The client's default headers are
        kept except those carrying credentials; the request's own headers win.
        """
        own = request.headers.multi_items()
        names = {name.lower() for name, _ in own}
        headers = [
            (name, value)
            for name, value in self._client.headers.multi_items()
            if not is_sensitive_name(name) and name.lower() not in names
        ]
        return self.module.Request(
            request.method,
            request.url,
            headers=headers + own,
            content=request.content,
            extensions=extensions,
        )

    def _defaults(self) -> list[tuple[str, str]]:
        """The client's own header pairs and cookies (kept out of messages)."""
        client = self._client
        pairs: list[tuple[str, str]] = list(client.headers.multi_items())
        jar = getattr(getattr(client, "cookies", None), "jar", ())
        pairs += [("cookie", cookie.value or "") for cookie in jar]
        return pairs

    def _send_error(self, exc: Exception, request: Request) -> BaseException:
        if isinstance(exc, RuntimeError) and "has been closed" in str(exc):
            return closed_error(
                request,
                owned=self._owns,
                client=f"{self.module.__name__}.{type(self._client).__name__}",
            )
        return map_httpx_error(exc, request, defaults=self._defaults())

    def _body_error(self, exc: Exception, request: Request) -> BaseException:
        """Map an error from reading the body; a timeout at the deadline is its."""
        if isinstance(exc, DecodeFailed):
            return DecodingError(
                f"DecodingError on {request.method} {redact_url(request.url)}: {exc}",
                request=request,
            )
        mapped = map_httpx_error(exc, request, defaults=self._defaults())
        if type(mapped) is WriteError:
            # Only HTTP/2 writes while a body arrives (WINDOW_UPDATE frames, RFC 9113
            # §6.9): a connection lost then lost the response, as a reset does
            # mid-body on HTTP/1.1: the same class, ReadError.
            text = str(mapped).replace("WriteError", "ReadError", 1)
            mapped = ReadError(text, request=request)
        ctx: CallContext | None = request.context
        if (
            isinstance(mapped, TransportTimeout)
            and ctx is not None
            and ctx.deadline_at is not None
            and ctx.clock.monotonic() + _SLACK >= ctx.deadline_at
        ):
            late = _late(request, ctx)
            late.__cause__ = mapped
            return late
        return mapped

    def unwrap(self) -> httpx.AsyncClient | httpx2.AsyncClient:
        """The httpx (or httpx2) client this transport sends with."""
        return self._client

    async def aclose(self) -> None:
        """Close the underlying client if restwell owns it; otherwise do nothing."""
        if self._owns:
            await self._client.aclose()

    def __repr__(self) -> str:
        how = "owned" if self._owns else "borrowed"
        return f"<AsyncHttpxTransport {self.module.__name__} ({how})>"


def _check_deadline(request: Request) -> None:
    """Raise ``DeadlineExceeded`` if the call's deadline has passed."""
    ctx: CallContext | None = request.context
    if ctx is not None:
        deadline_at = ctx.deadline_at
        if deadline_at is not None and ctx.clock.monotonic() >= deadline_at:
            raise _late(request, ctx)


def _late(request: Request, ctx: CallContext) -> DeadlineExceeded:
    deadline = ctx.options.deadline or 0.0
    return DeadlineExceeded(
        f"deadline of {deadline:g} s passed while the response body of "
        f"{request.method} {redact_url(request.url)} was arriving",
        request=request,
        deadline=deadline,
        elapsed=ctx.clock.monotonic() - ctx.started,
    )


def _cross_origin(request: Request, ctx: CallContext) -> bool:
    """
    Whether ``request`` must go without the backend client's credentials.

    Only a call that follows redirects has hops. Its origin is ``ctx.origin`` when
    the client sets it, else the URL of the call's first request this transport
    saw (kept in the context). Once a hop has left that origin, every later
    request of the call goes without them, even one back to the origin: the other
    origin chose where it goes (httpx does not restore ``Authorization`` either).
    """
    if not ctx.options.follow_redirects:
        return False
    url = request.url
    origin: str | None = getattr(ctx, "origin", None)
    if origin is None:
        origin = ctx.get(_FIRST_URL)
        if origin is None:
            ctx.set(_FIRST_URL, url)
            return False
    if _LEFT_ORIGIN in ctx:
        return True
    if url == origin:
        return False
    n = len(origin)
    if url.startswith(origin) and url[n : n + 1] in ("/", "?", "#", ""):
        return False
    if same_origin(origin, url):
        return False
    ctx.set(_LEFT_ORIGIN, True)
    return True


def _recap_read(raw_request: Any, deadline: Deadline) -> None:
    """
    Lower the body's read timeout to the deadline left, for a borrowed client.

    httpcore reads a request's ``timeout`` extension when the body starts, so the
    read timeout of a body that stalls after a late head is what is left of the
    deadline then, not what was left when the attempt started. The extensions
    dict is this request's own (httpx copies it; httpcore shares httpx's).
    """
    timeouts = raw_request.extensions.get("timeout")
    if timeouts is None:
        return
    left = max(deadline.at - deadline.monotonic(), 0.001)
    read = timeouts.get("read")
    if read is None or left < read:
        raw_request.extensions["timeout"] = {**timeouts, "read": left}


_BAD_LOCATION = "restwell.bad_location"


async def _set_aside_bad_location(raw: Any) -> None:
    """
    An httpx response hook: move aside a ``Location`` httpx cannot parse.

    httpx builds the redirect request of every 3xx with a Location, even when not
    following it, and raises on one it cannot parse: the response would be lost and
    the GET retried. The raw value goes to ``raw.extensions`` and back into the
    restwell ``Response``'s headers, for the ``redirects`` stage (or the caller) to
    judge.
    """
    if raw.status_code not in (301, 302, 303, 307, 308):
        return
    location = raw.headers.get("location")
    if location is None:
        return
    module = importlib.import_module(type(raw).__module__.split(".")[0])
    try:
        url = module.URL(location)
        if url.is_relative_url:
            raw.request.url.join(url)
    except Exception:  # httpx would raise building the redirect: keep it from that
        raw.extensions[_BAD_LOCATION] = raw.headers.raw[
            [k.lower() for k, _ in raw.headers.raw].index(b"location")
        ][1]
        del raw.headers["location"]


def _timeout_of(timeout: Any) -> Timeout:
    """An ``httpx.Timeout`` as a restwell ``Timeout`` (``None``: no limit)."""
    return Timeout(
        connect=timeout.connect,
        read=timeout.read,
        write=timeout.write,
        pool=timeout.pool,
    )


def _refuse_base_url(client: Any, package: str, cls: str) -> None:
    """Refuse a client (or the keyword arguments of one) that has a base_url."""
    if isinstance(client, dict):
        base_url = str(client.get("base_url") or "")
    else:
        base_url = str(getattr(client, "base_url", "") or "")
    if base_url:
        shown = redact_url(base_url)
        raise ConfigurationError(
            f"base_url={shown!r} of the {package}.{cls} would not be used: pass "
            f"it to restwell.{cls}(base_url={shown!r}) instead, and create the "
            f"{package}.{cls} without it (restwell resolves every URL itself, so "
            "that redirects, events and the origin checks see the URL sent)"
        )


def _create(module: ModuleType, cls: str, kwargs: dict[str, Any]) -> Any:
    given = ", ".join(f"{name}=..." for name in sorted(kwargs))
    if kwargs.get("http2"):  # httpx's own ImportError names httpx's extra
        require_h2(f"http2=True on {module.__name__}.{cls}")
    kwargs.setdefault("follow_redirects", False)
    if "limits" not in kwargs:  # see AsyncHttpxTransport: "Pool limits"
        kwargs["limits"] = module.Limits(
            max_connections=POOL_MAX_CONNECTIONS,
            max_keepalive_connections=POOL_MAX_CONNECTIONS,
            keepalive_expiry=POOL_KEEPALIVE_EXPIRY,
        )
    try:
        headers = Headers({"User-Agent": USER_AGENT}).merged(kwargs.get("headers"))
        kwargs["headers"] = headers.multi_items()
        return getattr(module, cls)(**kwargs)
    except Exception as exc:
        pairs = kwargs.get("headers") or []
        bad = (
            isinstance(exc, UnicodeError)
            and isinstance(pairs, list)
            and invalid_header(pairs)
        )
        if bad:
            name, problem = bad
            message = f"header {name!r} cannot be sent: {problem} (value not shown)"
        else:
            message = f"{type(exc).__name__}: {exc}"
        raise ConfigurationError(
            f"cannot create {module.__name__}.{cls}({given}): {message}"
        ) from exc


def _import_backend(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ConfigurationError(
            f"transport backend {name!r} is not installed: "
            f"pip install 'restwell[{name}]'"
        ) from exc
