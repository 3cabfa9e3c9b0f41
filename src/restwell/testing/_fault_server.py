"""
A scriptable, fault-injecting HTTP/1.1 server on the loopback interface, for tests.

`FaultServer` listens on 127.0.0.1 (or ::1), port 0, so the operating system picks a
free port, which is read back from the bound socket. It runs its own asyncio event loop
in a background thread, so it serves synchronous and asynchronous clients alike.
Requests are parsed with `h11`; responses are written as raw bytes, so a scripted `Step`
can send exactly what a broken or hostile server would: a reset connection, a truncated
body, invalid chunked framing, invalid JSON.

Each path has a queue of steps (`FaultServer.script`); a request consumes the next step
of its path, and the last step repeats forever. This makes sequences such as "503, 503,
then 200" deterministic, with no wall-clock window (unlike urllib3's `dummyserver`
`/retry_after`).

Connections are HTTP/1.1 persistent connections: a connection serves requests until the
client closes it, a request asks for ``Connection: close``, the request is HTTP/1.0, or
a step injects a fault; every fault closes the connection after it.

Example:
    >>> with FaultServer() as server:  # doctest: +SKIP
    ...     server.script("/flaky", [Step(503, retry_after=1), Step(json={"ok": True})])
    ...     httpx.get(server.url_for("/flaky")).status_code  # 503, then 200 forever
    ...     server.hits("/flaky")

Built after aiohttp's `test_utils` and urllib3's `dummyserver` (real sockets on
127.0.0.1:0), and urllib3's `SocketDummyServerTestCase` (raw bytes for protocol faults).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import email.utils
import enum
import functools
import http
import json as jsonlib
import logging
import math
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Final, Literal, Self, TypeAlias, overload

import h11

from restwell._models import Headers
from restwell._types import HeaderTypes

__all__ = ["FaultServer", "RecordedRequest", "RequestLog", "Step"]

_logger = logging.getLogger("restwell.testing")

_Fault: TypeAlias = Literal[
    "reset", "reset_mid_body", "truncate", "malformed_json", "close", "bad_chunked"
]
_FAULTS: Final = frozenset(
    {"reset", "reset_mid_body", "truncate", "malformed_json", "close", "bad_chunked"}
)

#: Hosts `FaultServer` may bind to: loopback only, so a test never listens on a network.
_LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "::1"})

#: Bound on `FaultServer.stop` (and on `start` waiting for the loop), in seconds.
_THREAD_TIMEOUT: Final = 5.0

#: Bound on the built-in ``/delay/{seconds}`` route, in seconds.
_MAX_BUILTIN_DELAY: Final = 60.0

#: Body cut by "truncate" and "reset_mid_body" when the step has none (136 bytes).
_FILLER_BODY: Final = b"restwell FaultServer filler body. " * 4

#: Body of the "malformed_json" fault: an object cut off after its first key.
_MALFORMED_JSON_BODY: Final = b'{"truncated": '

_READ_SIZE: Final = 65536

#: Statuses without body or Content-Length (RFC 9110 §6.4.1, §15.3.5, §15.4.5).
_NO_BODY_STATUSES: Final = frozenset({204, 304})


class _Unset(enum.Enum):
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


_UNSET: Final = _Unset.UNSET


@dataclasses.dataclass(frozen=True, slots=True)
class Step:
    """
    One scripted response: what the server sends for one request to a scripted path.

    Every field except ``status`` is keyword-only. The server acts in this order: read
    the request, wait ``delay``, apply ``fault`` if it stops the response early
    ("reset", "close"), send the head, send the first half of the body, wait
    ``body_delay``, send the rest (or apply a mid-body fault).

    Faults (each closes the connection afterwards):

    - ``"reset"``: close with a TCP RST (``SO_LINGER`` 0) before writing any response
      byte.
    - ``"reset_mid_body"``: send the head, with the Content-Length of the full body, and
      half the body, then RST.
    - ``"truncate"``: like ``"reset_mid_body"`` but close cleanly (FIN) after half the
      body.
    - ``"malformed_json"``: a complete, correctly framed response whose body is the
      invalid JSON ``{"truncated": `` with content-type ``application/json``
      (``body``/``json`` ignored).
    - ``"close"``: close the connection (FIN) without sending any response.
    - ``"bad_chunked"``: ``Transfer-Encoding: chunked`` with an invalid chunk-size line.

    "truncate" and "reset_mid_body" on a step without a body send half of a built-in
    136-byte filler body, so that there is something to cut. With ``chunked=True`` the
    half is sent as one chunk.

    Args:
        status: Response status code, 100 to 999; codes outside RFC 9110 are sent as
            given (reason phrase "Unknown"). Responses to HEAD, and 204 and 304
            responses, carry no body. Default 200.
        headers: Extra response headers, as a mapping or a sequence of ``(name, value)``
            pairs (repeat a name with the sequence form). A name given here replaces the
            header the server would generate (case-insensitive), e.g. ``Content-Type``,
            ``Date``, or ``Content-Length`` to make the framing lie; a step that sets
            ``Content-Length`` or ``Transfer-Encoding`` closes the connection after its
            response, as its framing cannot be trusted. Names and values must be Latin-1
            and contain no CR or LF. Default: none.
        body: Response body; a `str` is encoded as UTF-8. Default empty. Content-type
            ``text/plain; charset=utf-8`` unless given in ``headers``.
        json: If given, the body is ``json.dumps(json)`` with content-type
            ``application/json``; ``None`` sends JSON ``null``. Default: not given.
        retry_after: If not None, a ``Retry-After`` header whose value is
            ``str(retry_after)`` verbatim, valid or not: ``2`` -> ``2``, ``1.5`` ->
            ``1.5``, an HTTP-date string, ``"-1"``, ``"nan"``. Default None (no header).
        delay: Time to wait after reading the request and before sending anything (or
            before a "reset"/"close" fault), in seconds, >= 0. Default 0.0.
        body_delay: Time to wait after sending the head and the first half of the body
            and before the rest (or before a mid-body fault), in seconds, >= 0. Default
            0.0.
        fault: None for a well-formed response, or one of the faults above. Default
            None.
        chunked: Send the body with ``Transfer-Encoding: chunked`` (two chunks: each
            half) instead of ``Content-Length``. Default False.

    Raises:
        ValueError: If ``status`` is outside 100..999, ``delay`` or ``body_delay`` is
            negative or not finite, ``fault`` is unknown, both ``body`` and ``json`` are
            given, ``retry_after`` is given together with a ``Retry-After`` header, or a
            header name or value is not Latin-1 or contains CR or LF.
        TypeError: If ``json`` is not serialisable by `json.dumps` (checked here rather
            than in the server thread, where the error would only close the connection).
    """

    status: int = 200
    _: dataclasses.KW_ONLY
    headers: Mapping[str, str] | Sequence[tuple[str, str]] = ()
    body: bytes | str = b""
    json: object = _UNSET
    retry_after: float | str | None = None
    delay: float = 0.0
    body_delay: float = 0.0
    fault: _Fault | None = None
    chunked: bool = False

    def __post_init__(self) -> None:
        if not 100 <= self.status <= 999:
            raise ValueError(f"Step status={self.status!r} must be between 100 and 999")
        for name in ("delay", "body_delay"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(
                    f"Step {name}={value!r} must be a finite number of seconds >= 0"
                )
        if self.fault is not None and self.fault not in _FAULTS:
            raise ValueError(
                f"Step fault={self.fault!r} is unknown; use one of {sorted(_FAULTS)}"
            )
        if self.json is not _UNSET and self.body:
            raise ValueError("Step got both body= and json=; give one of them")
        if self.json is not _UNSET:
            jsonlib.dumps(self.json)
        pairs = self._header_pairs()
        if self.retry_after is not None and any(
            name.lower() == "retry-after" for name, _ in pairs
        ):
            raise ValueError(
                "Step got retry_after= and a Retry-After header; give one of them"
            )
        for name, value in self._response_headers():
            for text in (name, value):
                if "\r" in text or "\n" in text:
                    raise ValueError(f"Step header {name!r} contains CR or LF")
                try:
                    text.encode("latin-1")
                except UnicodeEncodeError:
                    raise ValueError(
                        f"Step header {name!r} is not Latin-1; encode it yourself"
                    ) from None
        # A tuple of pairs keeps the Step immutable (and hashable if its json is).
        object.__setattr__(self, "headers", tuple(pairs))

    def _header_pairs(self) -> list[tuple[str, str]]:
        if isinstance(self.headers, Mapping):
            return list(self.headers.items())
        return [(name, value) for name, value in self.headers]

    def _response_headers(self) -> list[tuple[str, str]]:
        pairs = self._header_pairs()
        if self.retry_after is not None:
            pairs.append(("Retry-After", str(self.retry_after)))
        return pairs

    def _payload(self) -> tuple[bytes, str]:
        if self.fault == "malformed_json":
            return _MALFORMED_JSON_BODY, "application/json"
        if self.json is not _UNSET:
            return jsonlib.dumps(self.json).encode(), "application/json"
        body = self.body.encode() if isinstance(self.body, str) else bytes(self.body)
        return body, "text/plain; charset=utf-8"


@dataclasses.dataclass(frozen=True, slots=True, init=False)
class RecordedRequest:
    """
    One request as the server received it, recorded once its body was fully read.

    Args:
        method: Request method, e.g. ``"GET"``.
        path: Request target as sent, including any query string, e.g. ``"/a?b=1"``.
        headers: Request header fields, as a ``restwell.Headers``: case-insensitive
            lookup (``headers["authorization"]``; repeated fields joined with
            ``", "``, RFC 9110 §5.3; ``get_list(name)`` for each value), names
            kept with their original case and order (``multi_items()``), names and
            values decoded as Latin-1. Also accepts a mapping or ``(name, value)``
            pairs, converted to ``Headers``.
        body: Request body after removing any chunked framing; empty if none.
        time: `time.monotonic` when the request head was parsed, in seconds.

    .. versionchanged:: 0.2
        ``headers`` is a case-insensitive ``Headers`` (was a list of pairs).
    """

    method: str
    path: str
    headers: Headers
    body: bytes
    time: float

    def __init__(
        self,
        *,
        method: str,
        path: str,
        headers: HeaderTypes,
        body: bytes,
        time: float,
    ) -> None:
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "path", path)
        object.__setattr__(
            self,
            "headers",
            headers if isinstance(headers, Headers) else Headers(headers),
        )
        object.__setattr__(self, "body", body)
        object.__setattr__(self, "time", time)

    def header(self, name: str) -> str | None:
        """
        Return a request header's value, matching the name case-insensitively.

        Args:
            name: Header name, any case.

        Returns:
            The value; several fields of that name are joined with ``", "`` (RFC 9110
            §5.3). None if the request has no such header.
        """
        values = self.headers.get_list(name)
        return ", ".join(values) if values else None


class RequestLog(Sequence[RecordedRequest]):
    """
    The requests a `FaultServer` received, oldest first: a live, list-like record.

    ``server.requests`` is one. Index it (``server.requests[0]``, ``[-1]``, slices
    give a ``list``), take ``len``, iterate (over a snapshot taken when iteration
    starts), compare it with a list, or read ``last``. Each read sees the requests
    recorded so far, taken under the server's lock, so it is safe while the server
    runs. Filter by path with ``for_path(path)``, or call it: ``server.requests()``
    and ``server.requests("/x")`` return a new ``list`` as they did before 0.2.

    .. versionadded:: 0.2
    """

    __slots__ = ("_server",)

    def __init__(self, server: FaultServer) -> None:
        self._server = server

    def _snapshot(self) -> list[RecordedRequest]:
        with self._server._lock:
            return [rec for _, rec in self._server._records]

    def __call__(self, path: str | None = None) -> list[RecordedRequest]:
        """
        Return the requests received on ``path``, oldest first.

        Args:
            path: Request path without a query string (the query is ignored when
                matching). Default None: requests on every path.

        Returns:
            A new list of `RecordedRequest`; later requests do not change it.

        Raises:
            ValueError: If ``path`` does not start with ``/`` or has a query string.
        """
        if path is None:
            return self._snapshot()
        return self.for_path(path)

    def for_path(self, path: str) -> list[RecordedRequest]:
        """
        Return the requests received on ``path`` (query ignored), oldest first.

        Raises:
            ValueError: If ``path`` does not start with ``/`` or has a query string.
        """
        _check_path(path)
        with self._server._lock:
            return [rec for key, rec in self._server._records if key == path]

    @property
    def last(self) -> RecordedRequest:
        """
        The most recent request.

        Raises:
            IndexError: If no request was recorded yet.
        """
        records = self._snapshot()
        if not records:
            raise IndexError("the FaultServer has recorded no request yet")
        return records[-1]

    def __len__(self) -> int:
        with self._server._lock:
            return len(self._server._records)

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...

    @overload
    def __getitem__(self, index: slice) -> list[RecordedRequest]: ...

    def __getitem__(
        self, index: int | slice
    ) -> RecordedRequest | list[RecordedRequest]:
        return self._snapshot()[index]

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self._snapshot())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RequestLog):
            return self._snapshot() == other._snapshot()
        if isinstance(other, list | tuple):
            return self._snapshot() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a changing record: unhashable

    def __repr__(self) -> str:
        return f"RequestLog({self._snapshot()!r})"


def _split_target(target: str) -> str:
    return target.split("?", 1)[0]


def _check_path(path: str) -> None:
    if not path.startswith("/") or "?" in path:
        raise ValueError(
            f"path {path!r} must start with '/' and have no query string"
            " (the query is ignored when matching)"
        )


class FaultServer:
    """
    A scriptable, fault-injecting HTTP/1.1 server on loopback, in a background thread.

    Use it as a context manager (``with`` or ``async with``), or call `start` and
    `stop`. The server binds to ``host`` on port 0 and reads the port the OS picked back
    from the socket. Connections are served concurrently, each by its own task on the
    server's own event loop, so an ``async with`` block does not need to yield to it.

    A request to a scripted path (query string ignored) consumes that path's next
    `Step`; when one step is left, it repeats forever. Paths without a script get the
    built-in routes:

    - ``/status/{code}``, any method: status ``code`` (200 to 599) with a short text
      body; ``?retry_after=X`` adds ``Retry-After: X``.
    - ``/delay/{seconds}``: waits ``seconds`` (a float, capped at 60), then 200 with
      JSON ``{"delayed": seconds}``.
    - ``/echo``: 200 with JSON ``{"method", "path", "headers", "body"}``: the request's
      method, target with query, headers as ``{lowercased name: value}`` (repeats joined
      by ``", "``), and body decoded as UTF-8 (invalid bytes replaced).
    - ``/json``: 200 with JSON ``{"hello": "world"}``.
    - anything else: 404 with JSON ``{"error": "no script for path", "path": path}``.

    Every response that is not cut short by a fault carries ``Content-Length`` (or
    chunked framing), ``Date`` and ``content-type``. Every request, scripted or not, is
    recorded (`requests`, `hits`); a malformed request gets a 400 and is not recorded.

    `script`, `requests`, `hits` and `reset` may be called from any thread at any time,
    also before `start` and after `stop` (records survive `stop`).

    Args:
        host: Loopback address to bind: ``"127.0.0.1"`` or ``"::1"``. Default
            ``"127.0.0.1"``.

    Raises:
        ValueError: If ``host`` is not a loopback address listed above.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        if host not in _LOOPBACK_HOSTS:
            raise ValueError(
                f"FaultServer host={host!r} is not allowed; it binds only to loopback:"
                f" use one of {sorted(_LOOPBACK_HOSTS)}"
            )
        self._host = host
        self._lock = threading.Lock()
        self._scripts: dict[str, collections.deque[Step]] = {}
        self._records: list[tuple[str, RecordedRequest]] = []
        self._log = RequestLog(self)
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._failure: BaseException | None = None
        # Owned by the server thread only.
        self._connections: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:
        where = (
            f"{self._url_host()}:{self._port}" if self._port is not None else "stopped"
        )
        return f"<FaultServer {where}>"

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        """
        Bind the listening socket and start serving in a background thread.

        Returns once the server accepts connections. A stopped server may be started
        again; it then gets a new port.

        Raises:
            RuntimeError: If the server is already running, or its event loop did not
                start within 5 seconds.
            OSError: If the socket cannot be bound (e.g. ``"::1"`` without IPv6).
        """
        if self._thread is not None:
            raise RuntimeError("FaultServer is already running; call stop() first")
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            listener.bind((self._host, 0))
            listener.listen(128)
            listener.setblocking(False)
        except BaseException:
            listener.close()
            raise
        port: int = listener.getsockname()[1]
        ready = threading.Event()
        self._failure = None
        thread = threading.Thread(
            target=self._run,
            args=(listener, ready),
            name=f"restwell-FaultServer-{port}",
            daemon=True,
        )
        thread.start()
        if not ready.wait(_THREAD_TIMEOUT) or self._failure is not None:
            self._thread = thread
            self._port = port
            failure, self._failure = self._failure, None
            with contextlib.suppress(RuntimeError):
                self.stop()
            raise RuntimeError("FaultServer failed to start") from failure
        self._thread = thread
        self._port = port

    def stop(self) -> None:
        """
        Stop serving: close the listening socket, abort connections, join the thread.

        Requests in flight, including those waiting in a ``delay``, are cut off (the
        client sees the connection close). Waits at most 5 seconds. Does nothing if not
        running.

        Raises:
            RuntimeError: If the server thread did not finish within 5 seconds, or the
                server's event loop failed.
        """
        thread, loop, stop_event = self._thread, self._loop, self._stop_event
        if thread is None:
            return
        if loop is not None and stop_event is not None:
            # RuntimeError: the loop has already finished.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop_event.set)
        thread.join(_THREAD_TIMEOUT)
        if thread.is_alive():
            raise RuntimeError(
                f"FaultServer thread did not stop within {_THREAD_TIMEOUT} s"
            )
        self._thread = None
        self._loop = None
        self._stop_event = None
        self._port = None
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise RuntimeError("FaultServer's event loop failed") from failure

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

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses ---------------------------------------------------------------------

    @property
    def host(self) -> str:
        """The loopback address the server binds to, e.g. ``"127.0.0.1"``."""
        return self._host

    @property
    def port(self) -> int:
        """
        The TCP port the operating system assigned.

        Raises:
            RuntimeError: If the server is not running.
        """
        if self._port is None:
            raise RuntimeError("FaultServer is not running; call start() first")
        return self._port

    @property
    def url(self) -> str:
        """
        Base URL without a trailing slash, e.g. ``"http://127.0.0.1:54321"``.

        Raises:
            RuntimeError: If the server is not running.
        """
        return f"http://{self._url_host()}:{self.port}"

    def url_for(self, path: str) -> str:
        """
        Return the absolute URL of ``path`` on this server: ``url + path``.

        Args:
            path: Path starting with ``/``, optionally with a query string.

        Raises:
            ValueError: If ``path`` does not start with ``/``.
            RuntimeError: If the server is not running.
        """
        if not path.startswith("/"):
            raise ValueError(f"path {path!r} must start with '/'")
        return self.url + path

    def _url_host(self) -> str:
        return f"[{self._host}]" if ":" in self._host else self._host

    # -- connections -------------------------------------------------------------------

    @property
    def open_connections(self) -> int:
        """
        How many client connections the server holds open right now (``int``).

        A connection counts from its accept until the server has closed it: after
        the client closed its end (the server notices at its next read), after a
        fault, or at `stop`. A client that closed its pool leaves 0 here once the
        server has seen each close, which takes a moment: poll with a bound
        (``restwell.testing.conformance`` waits up to a few seconds).
        """
        return len(self._connections)

    # -- scripting and records ---------------------------------------------------------

    def script(self, path: str, steps: Iterable[Step]) -> None:
        """
        Script the responses for ``path``, replacing any earlier script for it.

        Each request to ``path`` (any method, any query string) consumes the next step;
        when one step is left it is not consumed, so it answers every later request.

        Args:
            path: Request path, starting with ``/``, without a query string.
            steps: Steps to answer with, in order; at least one.

        Raises:
            ValueError: If ``path`` is not a path as above, or ``steps`` is empty.
            TypeError: If an item of ``steps`` is not a `Step`.
        """
        _check_path(path)
        queue = collections.deque(steps)
        if not queue:
            raise ValueError(f"script({path!r}) needs at least one Step")
        for step in queue:
            if not isinstance(step, Step):
                raise TypeError(f"script({path!r}) got {step!r}, expected Step")
        with self._lock:
            self._scripts[path] = queue

    @property
    def requests(self) -> RequestLog:
        """
        Every request received, oldest first, as a live `RequestLog`.

        ``server.requests[0].headers["authorization"]``, ``len(server.requests)``,
        ``server.requests.last``, ``server.requests.for_path("/x")``; calling it,
        ``server.requests("/x")``, returns a new list (the form before 0.2).
        Records survive `stop` and are cleared by `reset`.

        .. versionchanged:: 0.2
            A `RequestLog` (was a method returning a list; calling still works).
        """
        return self._log

    def hits(self, path: str | None = None) -> int:
        """
        Return how many requests were received on ``path``.

        Args:
            path: Request path without a query string. Default None: every path.

        Raises:
            ValueError: If ``path`` does not start with ``/`` or has a query string.
        """
        return len(self.requests(path))

    def reset(self) -> None:
        """Forget all scripts and recorded requests; built-in routes answer again."""
        with self._lock:
            self._scripts.clear()
            self._records.clear()

    def _record_and_pick(self, record: RecordedRequest) -> Step | None:
        key = _split_target(record.path)
        with self._lock:
            self._records.append((key, record))
            queue = self._scripts.get(key)
            if not queue:
                return None
            return queue[0] if len(queue) == 1 else queue.popleft()

    # -- server thread -----------------------------------------------------------------

    def _run(self, listener: socket.socket, ready: threading.Event) -> None:
        try:
            asyncio.run(self._main(listener, ready))
        except BaseException as exc:  # reported by start() or stop()
            self._failure = exc
            ready.set()
        finally:
            listener.close()

    async def _main(self, listener: socket.socket, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = stop_event = asyncio.Event()
        accept_task = asyncio.create_task(self._accept_loop(listener))
        ready.set()
        try:
            await stop_event.wait()
        finally:
            accept_task.cancel()
            await asyncio.wait([accept_task])
            listener.close()
            connections = set(self._connections)
            for task in connections:
                task.cancel()
            if connections:
                await asyncio.wait(connections, timeout=_THREAD_TIMEOUT / 2)

    async def _accept_loop(self, listener: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                conn, _ = await loop.sock_accept(listener)
            except OSError:  # e.g. EMFILE; keep serving the connections we have
                _logger.exception("FaultServer: accept() failed")
                await asyncio.sleep(0.01)
                continue
            # Without TCP_NODELAY a split write waits ~40 ms on the peer's delayed ACK.
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            task = loop.create_task(self._serve_connection(conn))
            self._connections.add(task)
            task.add_done_callback(self._connections.discard)
            # A task cancelled before its first step never runs its `finally`.
            task.add_done_callback(functools.partial(_close_socket, conn))

    async def _serve_connection(self, conn: socket.socket) -> None:
        writer: asyncio.StreamWriter | None = None
        try:
            reader, writer = await asyncio.open_connection(sock=conn)
            # drain() then waits until every byte is in the kernel, so an RST after it
            # cannot discard response bytes still queued in the transport.
            writer.transport.set_write_buffer_limits(high=0)
            pending, closed = b"", False
            while True:
                parser = h11.Connection(h11.SERVER)
                if pending:
                    parser.receive_data(pending)
                if closed:
                    parser.receive_data(b"")
                received = await self._read_request(parser, reader, writer)
                if received is None:
                    return
                request, record = received
                step = self._record_and_pick(record)
                if step is None:
                    step = self._builtin_step(record)
                keep_alive = await self._respond(writer, step, request)
                if not keep_alive:
                    return
                pending, closed = parser.trailing_data
                if closed and not pending:
                    return
        except (ConnectionError, TimeoutError):
            pass  # the client went away; nothing to answer
        except asyncio.CancelledError:
            if writer is not None:
                writer.transport.abort()
            raise
        except Exception:
            _logger.exception("FaultServer: error while serving a connection")
            if writer is not None:
                writer.transport.abort()
        finally:
            if writer is None:
                conn.close()
            elif not writer.transport.is_closing():
                writer.close()
                with contextlib.suppress(OSError):  # ConnectionError included
                    await writer.wait_closed()

    async def _read_request(
        self,
        parser: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> tuple[h11.Request, RecordedRequest] | None:
        request: h11.Request | None = None
        received_at = 0.0
        body = bytearray()
        sent_continue = False
        while True:
            try:
                event = parser.next_event()
            except h11.RemoteProtocolError as exc:
                if request is None:
                    await _write_bad_request(writer, str(exc))
                return None
            if event is h11.NEED_DATA:
                if parser.they_are_waiting_for_100_continue and not sent_continue:
                    sent_continue = True
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                    await writer.drain()
                parser.receive_data(await reader.read(_READ_SIZE))
            elif isinstance(event, h11.Request):
                request = event
                received_at = time.monotonic()
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                assert request is not None  # noqa: S101  # h11 emits Request first
                record = RecordedRequest(
                    method=request.method.decode("ascii"),
                    path=request.target.decode("latin-1"),
                    headers=Headers(
                        [
                            (name.decode("latin-1"), value.decode("latin-1"))
                            for name, value in request.headers.raw_items()
                        ]
                    ),
                    body=bytes(body),
                    time=received_at,
                )
                return request, record
            else:  # ConnectionClosed before a request started
                return None

    def _builtin_step(self, record: RecordedRequest) -> Step:
        parsed = urllib.parse.urlsplit(record.path)
        path = parsed.path
        query = urllib.parse.parse_qs(parsed.query)
        if path.startswith("/status/"):
            try:
                code = int(path.removeprefix("/status/"))
            except ValueError:
                code = 0
            if not 200 <= code <= 599:
                return _error_step(
                    400, f"/status/{{code}} needs a code 200..599: {path}"
                )
            retry_after = query.get("retry_after", [None])[-1]
            try:
                return Step(
                    code, body=f"{code} {_reason(code)}\n", retry_after=retry_after
                )
            except ValueError as exc:  # e.g. CR/LF in retry_after
                return _error_step(400, str(exc))
        if path.startswith("/delay/"):
            try:
                seconds = float(path.removeprefix("/delay/"))
            except ValueError:
                seconds = math.nan
            if not math.isfinite(seconds) or seconds < 0:
                return _error_step(
                    400, f"/delay/{{seconds}} needs seconds >= 0: {path}"
                )
            seconds = min(seconds, _MAX_BUILTIN_DELAY)
            return Step(200, json={"delayed": seconds}, delay=seconds)
        if path == "/echo":
            headers: dict[str, str] = {}
            for name, value in record.headers.multi_items():
                key = name.lower()
                headers[key] = f"{headers[key]}, {value}" if key in headers else value
            return Step(
                200,
                json={
                    "method": record.method,
                    "path": record.path,
                    "headers": headers,
                    "body": record.body.decode("utf-8", errors="replace"),
                },
            )
        if path == "/json":
            return Step(200, json={"hello": "world"})
        return Step(404, json={"error": "no script for path", "path": path})

    async def _respond(
        self, writer: asyncio.StreamWriter, step: Step, request: h11.Request
    ) -> bool:
        """Send ``step`` in response to ``request``; return whether to keep alive."""
        if step.delay:
            await asyncio.sleep(step.delay)
        if step.fault == "reset":
            _abort_with_rst(writer)
            return False
        if step.fault == "close":
            return False
        body, content_type = step._payload()
        if step.fault in ("truncate", "reset_mid_body") and not body:
            body = _FILLER_BODY
        user_headers = step._response_headers()
        overridden = {name.lower() for name, _ in user_headers}
        keep_alive = (
            step.fault is None
            and _wants_keep_alive(request)
            # Framing set by the step may lie, so the connection cannot be reused.
            and not overridden & {"content-length", "transfer-encoding"}
            and not any(
                name.lower() == "connection" and "close" in value.lower()
                for name, value in user_headers
            )
        )
        chunked = step.chunked or step.fault == "bad_chunked"
        generated = [("Date", email.utils.formatdate(usegmt=True))]
        generated.append(("content-type", content_type))
        if step.status in _NO_BODY_STATUSES or step.status < 200:
            pass  # no body, so no framing header (RFC 9110 §8.6)
        elif chunked:
            generated.append(("Transfer-Encoding", "chunked"))
        else:
            # For HEAD too: the length a GET would have got (RFC 9110 §9.3.2).
            generated.append(("Content-Length", str(len(body))))
        if not keep_alive:
            generated.append(("Connection", "close"))
        headers = [pair for pair in generated if pair[0].lower() not in overridden]
        headers += user_headers
        head = f"HTTP/1.1 {step.status} {_reason(step.status)}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
        writer.write(head.encode("latin-1"))

        if (
            request.method == b"HEAD"
            or step.status < 200
            or step.status in _NO_BODY_STATUSES
        ):
            await writer.drain()
            if step.fault == "reset_mid_body":
                _abort_with_rst(writer)
            return keep_alive
        if step.fault == "bad_chunked":
            writer.write(b"zz; not-hex\r\n" + body + b"\r\n0\r\n\r\n")
            await writer.drain()
            return False
        half = len(body) // 2
        writer.write(_frame(body[:half], chunked))
        if step.body_delay or step.fault in ("truncate", "reset_mid_body"):
            await writer.drain()
            if step.body_delay:
                await asyncio.sleep(step.body_delay)
            if step.fault == "reset_mid_body":
                _abort_with_rst(writer)
                return False
            if step.fault == "truncate":
                return False
        writer.write(_frame(body[half:], chunked))
        if chunked:
            writer.write(b"0\r\n\r\n")
        await writer.drain()
        return keep_alive


def _frame(data: bytes, chunked: bool) -> bytes:
    if not chunked:
        return data
    if not data:
        return b""  # an empty chunk would end the body
    return b"%x\r\n%b\r\n" % (len(data), data)


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _error_step(status: int, message: str) -> Step:
    return Step(status, json={"error": message})


def _wants_keep_alive(request: h11.Request) -> bool:
    if request.http_version != b"1.1":
        return False
    for name, value in request.headers:
        if name == b"connection" and b"close" in {
            token.strip().lower() for token in value.split(b",")
        }:
            return False
    return True


def _close_socket(sock: socket.socket, _task: asyncio.Task[None]) -> None:
    sock.close()


def _abort_with_rst(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _write_bad_request(writer: asyncio.StreamWriter, reason: str) -> None:
    body = jsonlib.dumps({"error": "bad request", "detail": reason}).encode()
    head = (
        "HTTP/1.1 400 Bad Request\r\n"
        f"Date: {email.utils.formatdate(usegmt=True)}\r\n"
        "content-type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + body)
    await writer.drain()
