"""
A transport of your own: restwell over the standard library's ``http.client``.

The shape is the python-aioarango seed's ``HTTPClient`` (``004_*.txt``):
``create_session(origin)`` makes one backend session per host,
``send_request(session, request)`` sends one request with it and returns
restwell's ``Response``. restwell asks a transport for
just ``send(request)`` and ``aclose()``; everything else (retries, redirects,
deadlines, events) happens above it. ``docs/transports.md`` walks through it, and
``tests/conformance/test_custom_transport.py`` runs restwell's conformance suite
against this class.

What it shows:

- ``request.timeout`` applied (connect, then read), in seconds.
- The backend's errors mapped to restwell's classes (``ConnectError``,
  ``ReadTimeout``, ``ReadError``, ``ProtocolError``), ``raise ... from exc``.
- The body handed over unread with ``AsyncBodyStream``: chunks read in a worker
  thread, the connection back in the pool at the end of the body, closed on an
  early close or an error.
- TLS from the client options (``verify=``, ``cert=``) with ``ssl_context``.

Limits of this example: ``http.client`` blocks, so each call runs in a worker
thread (``anyio.to_thread``); a streamed async upload is read into memory before
it is sent; no proxy, no HTTP/2, no decoding of ``Content-Encoding``.

Run: ``python examples/custom_transport.py [http://127.0.0.1:PORT]`` (without a
URL it starts its own ``FaultServer``).
"""

from __future__ import annotations

import asyncio
import http.client
import ssl
import sys
import urllib.parse
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import anyio.to_thread

import restwell
from restwell import Request, Response
from restwell.transports import (
    AsyncBodyStream,
    TransportOptions,
    redact_logs,
    register_transport,
    ssl_context,
)

_CHUNK = 65536
Origin = tuple[str, str, int]  # scheme, host, port


class StdlibTransport:
    """An ``AsyncTransport`` over ``http.client``, one idle pool per origin."""

    def __init__(self, options: TransportOptions | None = None) -> None:
        options = options or TransportOptions()
        self._ssl: ssl.SSLContext = ssl_context(options)
        self._idle: dict[Origin, list[http.client.HTTPConnection]] = {}
        self._busy: set[http.client.HTTPConnection] = set()
        self._closed = False

    # -- python-aioarango's two methods ------------------------------------------

    def create_session(self, origin: Origin) -> http.client.HTTPConnection:
        """A new connection to ``origin`` (not yet connected)."""
        scheme, host, port = origin
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, context=self._ssl)
        return http.client.HTTPConnection(host, port)

    async def send_request(
        self, session: http.client.HTTPConnection, request: Request
    ) -> Response[Any]:
        """Send ``request`` on ``session``; the body comes back unread."""
        url = urllib.parse.urlsplit(request.url)
        target = (url.path or "/") + (f"?{url.query}" if url.query else "")
        body = request.content
        if isinstance(body, AsyncIterable):  # http.client cannot await: buffer it
            body = b"".join([chunk async for chunk in body])
        timeout = request.timeout

        def exchange() -> http.client.HTTPResponse:
            if session.sock is None:
                session.timeout = timeout.connect
                try:
                    session.connect()
                except OSError as exc:  # refused, timed out, TLS refused
                    raise _ConnectFailed(exc) from exc
            session.sock.settimeout(timeout.read)
            session.putrequest(
                request.method, target, skip_accept_encoding=True
            )  # Host is added
            chunked = body is not None and not isinstance(body, bytes)
            for name, value in request.headers.multi_items():
                session.putheader(name, value)
            if isinstance(body, bytes):
                session.putheader("Content-Length", str(len(body)))
            elif chunked:
                session.putheader("Transfer-Encoding", "chunked")
            session.endheaders()
            if isinstance(body, bytes):
                session.send(body)
            elif chunked:
                for chunk in _chunks(body):
                    session.send(b"%x\r\n%b\r\n" % (len(chunk), chunk))
                session.send(b"0\r\n\r\n")
            return session.getresponse()

        raw = await anyio.to_thread.run_sync(exchange)
        stream = AsyncBodyStream(
            _read_body(raw),
            on_close=lambda: self._release(session, raw),
            map_error=lambda exc: map_error(exc, request, body=True),
        )
        return Response.streamed(
            raw.status,
            restwell.Headers(raw.getheaders()),
            stream,
            request,
            raw,
        )

    # -- the transport protocol ------------------------------------------------------

    @redact_logs  # log records made while it sends show no credential
    async def send(self, request: Request) -> Response[Any]:
        """Send one request: no retries, no redirects (restwell does those)."""
        if self._closed:
            raise restwell.ConfigurationError(
                "StdlibTransport is closed: create a new one"
            )
        url = urllib.parse.urlsplit(request.url)
        scheme = url.scheme
        port = url.port or (443 if scheme == "https" else 80)
        origin = (scheme, url.hostname or "", port)
        idle = self._idle.setdefault(origin, [])
        session = idle.pop() if idle else self.create_session(origin)
        self._busy.add(session)
        try:
            return await self.send_request(session, request)
        except Exception as exc:
            self._busy.discard(session)
            session.close()
            mapped = map_error(exc, request, body=False)
            if mapped is exc:
                raise
            raise mapped from exc

    def _release(
        self, session: http.client.HTTPConnection, raw: http.client.HTTPResponse
    ) -> None:
        """The body ended or was closed: pool the connection if it is reusable."""
        self._busy.discard(session)
        if raw.isclosed() and not raw.will_close and not self._closed:
            origin = (
                "https" if isinstance(session, http.client.HTTPSConnection) else "http",
                session.host,
                session.port,
            )
            self._idle.setdefault(origin, []).append(session)
        else:
            raw.close()
            session.close()

    async def aclose(self) -> None:
        """Close every connection; idempotent."""
        self._closed = True
        for sessions in self._idle.values():
            for session in sessions:
                session.close()
        self._idle.clear()
        for session in list(self._busy):
            session.close()
        self._busy.clear()


def _chunks(body: Any) -> Any:
    if hasattr(body, "read"):  # a file
        return iter(lambda: body.read(_CHUNK), b"")
    return (chunk for chunk in body if chunk)


class _ConnectFailed(Exception):
    """The connection could not be opened: nothing was sent."""


async def _read_body(raw: http.client.HTTPResponse) -> AsyncIterator[bytes]:
    """The body in chunks, each read in a worker thread (http.client blocks)."""
    while chunk := await anyio.to_thread.run_sync(raw.read1, _CHUNK):
        yield chunk
    if raw.length:  # bytes of the Content-Length still missing at the end
        raise http.client.IncompleteRead(b"", raw.length)


def map_error(exc: Exception, request: Request, *, body: bool) -> BaseException:
    """The restwell error for an ``http.client``/socket error (``exc`` if none)."""
    where = f"{request.method} {request.url.split('?')[0]}"
    target: type[restwell.RequestError]
    if isinstance(exc, restwell.RestwellError):
        return exc
    if isinstance(exc, _ConnectFailed):
        cause = exc.__cause__
        timed_out = isinstance(cause, TimeoutError)
        target = restwell.ConnectTimeout if timed_out else restwell.ConnectError
    elif isinstance(exc, TimeoutError):
        target = restwell.ReadTimeout
    elif isinstance(exc, http.client.IncompleteRead | http.client.HTTPException):
        target = restwell.ProtocolError
    elif isinstance(exc, ConnectionResetError):
        target = restwell.ReadError
    elif isinstance(exc, ssl.SSLError | OSError):
        target = restwell.ReadError if body else restwell.ConnectError
    else:
        return exc
    return target(
        f"{target.__name__} on {where}: {type(exc).__name__}", request=request
    )


register_transport(
    "stdlib-example",
    async_factory=StdlibTransport,
    supports={"verify", "cert"},
    replace=True,
)


async def main(base: str) -> None:
    async with restwell.AsyncClient(transport="stdlib-example") as client:
        response = await client.get(f"{base}/json")
        assert response.json() == {"hello": "world"}
        echoed = await client.post(f"{base}/echo", json={"sent": "by http.client"})
        assert echoed.json()["body"] == '{"sent":"by http.client"}'
    print("stdlib transport:", response.status_code, response.json())


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1]))
    else:
        from restwell.testing import FaultServer

        with FaultServer() as server:
            asyncio.run(main(server.url))
