"""
An HTTP/2 test server on 127.0.0.1: TLS with ALPN ``h2`` and ``http/1.1``.

`H2Server` runs its own asyncio event loop in a background thread (as
`TLSTerminator` does), binds 127.0.0.1 port 0 and speaks the protocol the client
chose by ALPN (RFC 7301): HTTP/2 (RFC 9113) framed by the ``h2`` package, or
HTTP/1.1 framed by ``h11``. It records, per request, the protocol version and the
connection it came on, and counts the connections it holds, so a test can check
that HTTP/2 was negotiated, that concurrent requests were multiplexed over one
connection, and that a client closed everything.

``h2`` comes with the ``restwell[http2]`` extra; it is imported when an
`H2Server` is made, so ``restwell.testing`` imports without it.

Routes (any method):

- ``/json``: ``{"hello": "world"}``.
- ``/echo``: the request body back, ``X-Method`` the request method.
- ``/slow?delay=S``: ``{"hello": "world"}`` after ``S`` seconds (default 0.2).
- ``/bytes?size=N``: ``N`` bytes (default 1 MiB), sent in frames of at most
  16 KiB, as the client's flow-control window allows.
- ``/reset_mid_body``: the head and 16 KiB of body, then ``RST_STREAM``
  (``INTERNAL_ERROR``) on HTTP/2, a TCP reset on HTTP/1.1.
- ``/tcp_reset_mid_body``: the head and 16 KiB of body, then a TCP reset
  (``SO_LINGER`` 0) of the whole connection.
- anything else: 404.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
import ssl
import struct
import urllib.parse
from typing import Any, Final

import h11

from ._relay import _LoopbackRelay

__all__ = ["H2Request", "H2Server"]

_READ_SIZE: Final = 65536
_FRAME: Final = 16384  # bytes per DATA frame (SETTINGS_MAX_FRAME_SIZE's minimum)
_JSON: Final = b'{"hello": "world"}'


@dataclasses.dataclass(frozen=True, slots=True)
class H2Request:
    """
    One request an `H2Server` received.

    Attributes:
        method: The request method (``"GET"``, …).
        path: The request target (path and query).
        http_version: ``"HTTP/2"`` or ``"HTTP/1.1"``.
        connection: The index of the connection it came on (0 for the first
            connection the server accepted, 1 for the next, …).
        headers: The header fields as received (name, value), Latin-1; HTTP/2
            pseudo-header fields (``:method``, …) included.
        body: The request body (``bytes``).
    """

    method: str
    path: str
    http_version: str
    connection: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def _route(path: str) -> tuple[str, dict[str, list[str]]]:
    parsed = urllib.parse.urlsplit(path)
    return parsed.path, urllib.parse.parse_qs(parsed.query)


def _rst(writer: asyncio.StreamWriter) -> None:
    """Close the connection with a TCP RST (``SO_LINGER`` 0)."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class H2Server(_LoopbackRelay):
    """
    A TLS server on 127.0.0.1 offering HTTP/2 and HTTP/1.1 by ALPN.

    Args:
        context: The server-side ``ssl.SSLContext`` holding the certificate,
            with the ALPN protocols set (``LocalCA.server_context(alpn=("h2",
            "http/1.1"))``); a client that offers no ALPN, or only
            ``http/1.1``, is served HTTP/1.1.

    Attributes:
        requests: Every request received, in order (``list[H2Request]``).
        alpn: The ALPN protocol each accepted connection negotiated, by
            connection index (``list[str | None]``; ``None``: none chosen).
        errors: What broke a connection's framing (an ``h2`` or ``h11``
            exception: the client sent something invalid), in order
            (``list[Exception]``); the connection was closed.

    Use as a context manager, or call `start` and `stop`.

    Raises:
        ConfigurationError: If ``h2`` is not installed (``pip install
            'restwell[http2]'``).
    """

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__()
        from .._http2 import require_h2

        require_h2("H2Server")
        self._context = context
        self.requests: list[H2Request] = []
        self.alpn: list[str | None] = []
        self.errors: list[Exception] = []

    @property
    def url(self) -> str:
        """Base URL, e.g. ``"https://127.0.0.1:54321"``."""
        return f"https://127.0.0.1:{self.port}"

    def url_for(self, path: str) -> str:
        """The absolute ``https`` URL of ``path`` (starting with ``/``)."""
        return self.url + path

    @property
    def connections_accepted(self) -> int:
        """How many connections the server has accepted so far (``int``)."""
        return len(self.alpn)

    def _server_ssl(self) -> ssl.SSLContext:
        return self._context

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        ssl_object: Any = writer.get_extra_info("ssl_object")
        protocol = None if ssl_object is None else ssl_object.selected_alpn_protocol()
        index = len(self.alpn)
        self.alpn.append(protocol)
        try:
            if protocol == "h2":
                await _H2Connection(self, index, reader, writer).run()
            else:
                await self._serve_http11(index, reader, writer)
        except (OSError, asyncio.CancelledError):
            raise
        except Exception as exc:  # a framing error: kept for the test to see
            self.errors.append(exc)

    # -- HTTP/1.1 (h11) ------------------------------------------------------------

    async def _serve_http11(
        self, index: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        conn = h11.Connection(h11.SERVER)
        while True:
            head = await _h11_next(conn, reader)
            if not isinstance(head, h11.Request):
                return
            body = bytearray()
            while isinstance(event := await _h11_next(conn, reader), h11.Data):
                body += event.data
            if not isinstance(event, h11.EndOfMessage):
                return
            target = head.target.decode("latin-1")
            self.requests.append(
                H2Request(
                    method=head.method.decode("latin-1"),
                    path=target,
                    http_version="HTTP/1.1",
                    connection=index,
                    headers=tuple(
                        (k.decode("latin-1"), v.decode("latin-1"))
                        for k, v in head.headers
                    ),
                    body=bytes(body),
                )
            )
            path, query = _route(target)
            if path in ("/reset_mid_body", "/tcp_reset_mid_body"):
                writer.write(_h11_head(conn, 200, len(_JSON) * 4096))
                writer.write(conn.send(h11.Data(data=b"x" * _FRAME)))
                await writer.drain()
                _rst(writer)
                return
            status, headers, payload = await _answer(
                path, query, head.method, bytes(body)
            )
            writer.write(_h11_head(conn, status, len(payload), headers))
            writer.write(conn.send(h11.Data(data=payload)))
            writer.write(conn.send(h11.EndOfMessage()))
            await writer.drain()
            if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                return
            conn.start_next_cycle()


def _h11_head(
    conn: h11.Connection,
    status: int,
    length: int,
    headers: list[tuple[str, str]] | None = None,
) -> bytes:
    fields = [*(headers or []), ("Content-Length", str(length))]
    data = conn.send(h11.Response(status_code=status, headers=fields))
    assert data is not None  # noqa: S101  # a head always has bytes
    return data


async def _h11_next(conn: h11.Connection, reader: asyncio.StreamReader) -> object:
    while (event := conn.next_event()) is h11.NEED_DATA:
        conn.receive_data(await reader.read(_READ_SIZE))
    return event


async def _answer(
    path: str, query: dict[str, list[str]], method: bytes | str, body: bytes
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, header fields and body for the plain routes."""
    method = method.decode("latin-1") if isinstance(method, bytes) else method
    json_type = [("Content-Type", "application/json")]
    if path == "/json":
        return 200, json_type, _JSON
    if path == "/echo":
        return 200, [("X-Method", method)], body
    if path == "/slow":
        await asyncio.sleep(float(query.get("delay", ["0.2"])[0]))
        return 200, json_type, _JSON
    if path == "/bytes":
        size = int(query.get("size", [str(1024 * 1024)])[0])
        return 200, [("Content-Type", "application/octet-stream")], _payload(size)
    return 404, json_type, json.dumps({"error": "no route"}).encode()


def _payload(size: int) -> bytes:
    """``size`` bytes of a repeating 0..255 pattern (a truncation shows)."""
    return (bytes(range(256)) * (size // 256 + 1))[:size]


class _H2Connection:
    """One HTTP/2 connection: the ``h2`` state machine over asyncio streams."""

    def __init__(
        self,
        server: H2Server,
        index: int,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        import h2.config
        import h2.connection

        self.server = server
        self.index = index
        self.reader = reader
        self.writer = writer
        self.conn: Any = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=False, header_encoding=None)
        )
        self.heads: dict[int, list[tuple[bytes, bytes]]] = {}
        self.bodies: dict[int, bytearray] = {}
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.window = asyncio.Event()  # set when a flow-control window may grow

    def forget(self, task: asyncio.Task[None]) -> None:
        """Drop a finished stream's task."""
        for sid, known in list(self.tasks.items()):
            if known is task:
                del self.tasks[sid]

    def flush(self) -> None:
        data = self.conn.data_to_send()
        if data:
            self.writer.write(data)

    async def run(self) -> None:
        import h2.events

        self.conn.initiate_connection()
        self.flush()
        try:
            while data := await self.reader.read(_READ_SIZE):
                for event in self.conn.receive_data(data):
                    sid = getattr(event, "stream_id", None)
                    if isinstance(event, h2.events.RequestReceived):
                        self.heads[event.stream_id] = list(event.headers)
                        self.bodies[event.stream_id] = bytearray()
                    elif isinstance(event, h2.events.DataReceived):
                        self.bodies[event.stream_id] += event.data
                        self.conn.acknowledge_received_data(
                            event.flow_controlled_length, event.stream_id
                        )
                    elif isinstance(event, h2.events.StreamEnded):
                        task = asyncio.ensure_future(self.respond(event.stream_id))
                        self.tasks[event.stream_id] = task
                        task.add_done_callback(self.forget)
                    elif isinstance(event, h2.events.StreamReset) and sid in self.tasks:
                        self.tasks[sid].cancel()
                    elif isinstance(
                        event,
                        h2.events.WindowUpdated | h2.events.RemoteSettingsChanged,
                    ):
                        self.window.set()
                    elif isinstance(event, h2.events.ConnectionTerminated):
                        self.flush()
                        return
                self.flush()
                await self.writer.drain()
        finally:
            for task in list(self.tasks.values()):
                task.cancel()
            self.window.set()

    async def respond(self, sid: int) -> None:
        head = dict(self.heads.pop(sid))
        body = bytes(self.bodies.pop(sid))
        method = head[b":method"].decode("latin-1")
        target = head[b":path"].decode("latin-1")
        self.server.requests.append(
            H2Request(
                method=method,
                path=target,
                http_version="HTTP/2",
                connection=self.index,
                headers=tuple(
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in head.items()
                ),
                body=body,
            )
        )
        path, query = _route(target)
        if path in ("/reset_mid_body", "/tcp_reset_mid_body"):
            self.conn.send_headers(sid, [(":status", "200")])
            self.conn.send_data(sid, b"x" * _FRAME)
            self.flush()
            await self.writer.drain()
            if path == "/tcp_reset_mid_body":
                _rst(self.writer)
                return
            import h2.errors

            self.conn.reset_stream(sid, h2.errors.ErrorCodes.INTERNAL_ERROR)
            self.flush()
            return
        status, headers, payload = await _answer(path, query, method, body)
        self.conn.send_headers(
            sid,
            [
                (":status", str(status)),
                *((k.lower(), v) for k, v in headers),
                ("content-length", str(len(payload))),
            ],
            end_stream=not payload,
        )
        self.flush()
        view = memoryview(payload)
        while view:
            allowed = min(
                self.conn.local_flow_control_window(sid),
                self.conn.max_outbound_frame_size,
                _FRAME,
                len(view),
            )
            if allowed <= 0:
                self.window.clear()
                await self.window.wait()
                continue
            self.conn.send_data(
                sid, bytes(view[:allowed]), end_stream=allowed == len(view)
            )
            view = view[allowed:]
            self.flush()
            await self.writer.drain()
        self.flush()
