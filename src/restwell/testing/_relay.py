"""
Loopback relays for transport tests: a TLS terminator and a forward HTTP proxy.

Both run their own asyncio event loop in a background thread (as `FaultServer`
does), bind 127.0.0.1 port 0, relay bytes to a server on 127.0.0.1 and count the
connections they hold open, so a test can check that a client closed everything.

- `TLSTerminator`: accepts TLS connections (a certificate from a test CA, e.g.
  trustme) and relays the plain bytes to a backend such as a `FaultServer`: every
  `FaultServer` script then works over ``https://``. It may require a client
  certificate (mutual TLS).
- `ForwardProxy`: an HTTP/1.1 forward proxy: ``CONNECT host:port`` tunnels (for
  ``https://`` targets) and absolute-form requests (``GET http://host:port/path``,
  for ``http://`` targets, RFC 9112 §3.2.2), to loopback targets only.

Built after the relays in urllib3's ``dummyserver`` and proxy.py's tests; written
for restwell.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import ipaddress
import socket
import ssl
import threading
import urllib.parse
from types import TracebackType
from typing import Final, Self

__all__ = ["ForwardProxy", "ProxiedRequest", "TLSTerminator"]

_THREAD_TIMEOUT: Final = 5.0  # s: bound on start and stop
_READ_SIZE: Final = 65536
_MAX_HEAD: Final = 64 * 1024  # bytes of a proxy request head


class _LoopbackRelay:
    """A server on 127.0.0.1, port 0, with its own event loop in a thread."""

    def __init__(self) -> None:
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._failure: BaseException | None = None
        self._connections: set[asyncio.Task[object]] = set()

    # -- to override -------------------------------------------------------------

    def _server_ssl(self) -> ssl.SSLContext | None:
        return None

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        raise NotImplementedError

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        """
        Bind 127.0.0.1 port 0 and serve in a background thread.

        Raises:
            RuntimeError: If already running, or the loop did not start in 5 s.
        """
        if self._thread is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        ready = threading.Event()
        self._port = listener.getsockname()[1]
        self._thread = threading.Thread(
            target=self._run,
            args=(listener, ready),
            name=f"restwell-{type(self).__name__}-{self._port}",
            daemon=True,
        )
        self._thread.start()
        if not ready.wait(_THREAD_TIMEOUT) or self._failure is not None:
            self.stop()
            raise RuntimeError(f"{type(self).__name__} failed to start")

    def stop(self) -> None:
        """Stop serving: close the listener, abort connections, join the thread."""
        thread, loop, stop_event = self._thread, self._loop, self._stop_event
        if thread is None:
            return
        if loop is not None and stop_event is not None:
            with contextlib.suppress(RuntimeError):  # the loop already finished
                loop.call_soon_threadsafe(stop_event.set)
        thread.join(_THREAD_TIMEOUT)
        self._thread = self._loop = self._stop_event = None
        self._port = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """
        The TCP port the operating system assigned.

        Raises:
            RuntimeError: If not running.
        """
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        return self._port

    @property
    def open_connections(self) -> int:
        """Client connections held open right now (``int``), as `FaultServer`'s."""
        return len(self._connections)

    def _run(self, listener: socket.socket, ready: threading.Event) -> None:
        try:
            asyncio.run(self._main(listener, ready))
        except BaseException as exc:  # reported by start()
            self._failure = exc
            ready.set()
        finally:
            listener.close()

    async def _main(self, listener: socket.socket, ready: threading.Event) -> None:
        loop = self._loop = asyncio.get_running_loop()
        # A client that fails the TLS handshake on purpose is not an error here.
        loop.set_exception_handler(lambda _loop, _context: None)
        self._stop_event = stop = asyncio.Event()
        server = await asyncio.start_server(
            self._track, sock=listener, ssl=self._server_ssl()
        )
        ready.set()
        try:
            await stop.wait()
        finally:
            server.close()
            for task in set(self._connections):
                task.cancel()
            if self._connections:
                await asyncio.wait(set(self._connections), timeout=_THREAD_TIMEOUT / 2)

    async def _track(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None  # noqa: S101  # a stream callback runs in a task
        self._connections.add(task)
        try:
            await self._serve(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # a peer went away
        finally:
            writer.transport.abort()
            self._connections.discard(task)


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(_READ_SIZE):
        writer.write(data)
        await writer.drain()


async def _splice(
    client: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    backend: tuple[asyncio.StreamReader, asyncio.StreamWriter],
) -> None:
    """Copy both ways until either side ends; then close both."""
    up = asyncio.ensure_future(_copy(client[0], backend[1]))
    down = asyncio.ensure_future(_copy(backend[0], client[1]))
    try:
        await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (up, down):
            task.cancel()
        await asyncio.gather(up, down, return_exceptions=True)
        backend[1].transport.abort()


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


class TLSTerminator(_LoopbackRelay):
    """
    A TLS front for a plain HTTP server on 127.0.0.1: ``https://127.0.0.1:port``.

    Each accepted TLS connection opens one plain TCP connection to the backend and
    relays bytes both ways until either side closes.

    Args:
        backend_port: The plain server's port on 127.0.0.1 (a `FaultServer`'s
            ``port``).
        context: The server-side ``ssl.SSLContext`` holding the server
            certificate (e.g. ``trustme.CA().issue_cert("127.0.0.1")``'s
            ``configure_cert(context)``); for mutual TLS, with ``verify_mode``
            ``CERT_REQUIRED`` and the client CA loaded.

    Use as a context manager, or call `start` and `stop`.
    """

    def __init__(self, backend_port: int, context: ssl.SSLContext) -> None:
        super().__init__()
        self._backend_port = backend_port
        self._context = context

    @property
    def url(self) -> str:
        """Base URL, e.g. ``"https://127.0.0.1:54321"``."""
        return f"https://127.0.0.1:{self.port}"

    def url_for(self, path: str) -> str:
        """The absolute ``https`` URL of ``path`` (starting with ``/``)."""
        return self.url + path

    def _server_ssl(self) -> ssl.SSLContext:
        return self._context

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        backend = await asyncio.open_connection("127.0.0.1", self._backend_port)
        await _splice((reader, writer), backend)


@dataclasses.dataclass(frozen=True, slots=True)
class ProxiedRequest:
    """
    One request a `ForwardProxy` received.

    Attributes:
        method: ``"CONNECT"``, or the method of a forwarded request.
        target: ``"host:port"`` for CONNECT, else the absolute URL.
        headers: The request's header fields as received (name, value), Latin-1.
    """

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        """A header's value (case-insensitive name; repeats joined), or ``None``."""
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(values) if values else None


class ForwardProxy(_LoopbackRelay):
    """
    An HTTP/1.1 forward proxy on 127.0.0.1 for loopback targets only.

    ``CONNECT 127.0.0.1:port`` opens a tunnel (``200``, then raw bytes both ways);
    a request in absolute form (``GET http://127.0.0.1:port/path HTTP/1.1``) is
    forwarded in origin form with ``Connection: close`` (one request per proxy
    connection) and ``Proxy-Authorization``/``Proxy-Connection`` removed. A target
    that is not loopback gets ``403``; anything else unparseable ``400``.

    Attributes:
        requests: Every `ProxiedRequest` received, oldest first (a ``list``).

    Use as a context manager, or call `start` and `stop`.
    """

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[ProxiedRequest] = []

    @property
    def url(self) -> str:
        """The proxy URL to give a client, e.g. ``"http://127.0.0.1:3128"``."""
        return f"http://127.0.0.1:{self.port}"

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        headers = tuple(
            (name.strip(), value.strip())
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        )
        if len(parts) != 3:
            await _answer(writer, 400)
            return
        method, target, version = parts
        self.requests.append(ProxiedRequest(method, target, headers))
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            if not _loopback(host) or not port.isdigit():
                await _answer(writer, 403)
                return
            backend = await asyncio.open_connection(host.strip("[]"), int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await _splice((reader, writer), backend)
            return
        url = urllib.parse.urlsplit(target)
        if url.scheme != "http" or not url.hostname or not url.port:
            await _answer(writer, 400)
            return
        if not _loopback(url.hostname):
            await _answer(writer, 403)
            return
        backend = await asyncio.open_connection(url.hostname, url.port)
        origin_form = (url.path or "/") + (f"?{url.query}" if url.query else "")
        drop = {"proxy-authorization", "proxy-connection", "connection"}
        kept = [f"{n}: {v}" for n, v in headers if n.lower() not in drop]
        out = "\r\n".join(
            [f"{method} {origin_form} {version}", *kept, "Connection: close", "", ""]
        )
        backend[1].write(out.encode("latin-1"))
        await _splice((reader, writer), backend)


async def _answer(writer: asyncio.StreamWriter, status: int) -> None:
    writer.write(
        f"HTTP/1.1 {status} Proxy Refused\r\nContent-Length: 0\r\n"
        "Connection: close\r\n\r\n".encode("latin-1")
    )
    await writer.drain()
