"""
The deadline at the socket: httpcore network backends that cap every read and write.

A call's ``deadline`` bounds the whole call (STYLE.md §3). Capping each attempt's
timeout when the attempt starts is not enough: a server that drips its response head
one line every 0.25 s, or reads a request body slowly, stays under every per-operation
timeout and holds a sync call for as long as it likes. So the httpx transports run
their httpcore pools over these backends, whose streams cap the timeout of *each*
socket operation (connect, TLS handshake, every read, every send) to the time left
before the deadline; with none left they raise httpcore's own timeout error at once.
httpcore then closes the connection as for any timeout, and the ``timeout`` stage (or
the response stream) reports it as ``DeadlineExceeded``.

How the deadline reaches the socket: the transport sets ``DEADLINE`` (a context
variable holding the call's ``deadline_at`` and its clock's ``monotonic``) around
``send`` and around each body chunk it reads (``scope_body``). A pooled connection
serves many calls; the context variable makes each operation use the deadline of the
call that is waiting on it. Outside a restwell call (no ``DEADLINE`` set) the streams
pass every timeout through unchanged.

Sync writes go to the socket directly, one ``send()`` at a time, each with the time
left: httpcore's ``SyncStream.write`` loops ``send()`` with the *same* timeout, so a
slow reader taking a little of a large buffer at a time would hold it far past the
deadline. Streams other than httpcore's plain ``SyncStream`` (TLS inside a TLS proxy
tunnel, a custom backend) are written 64 KiB at a time, each piece capped: the
overrun is then at most one piece's worth of partial sends. Async writes need no such
care: httpcore's anyio and trio streams already bound a whole ``write()`` by its
timeout.

Limits (documented in the transports): name resolution (``getaddrinfo``) in the sync
backend is not interruptible; a backend client lent to restwell already open
(*borrowed*) keeps its own pool, which restwell does not modify, so there the
deadline caps each phase when an attempt starts and is checked between body chunks
(the async client's deadline stage bounds it with a cancel scope instead).

The sync and async classes are written by hand side by side, not generated: the sync
write loop works on the socket, which the async one has no reason to do (cf. the
clocks, ``_clock.py``). ``install_deadline_backend`` and ``scope_body`` serve both
worlds (they look at the objects they are given), so the generated transport calls
the same names.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextvars import ContextVar
from types import ModuleType
from typing import Any, NamedTuple

__all__ = [
    "ASYNC_CANCELLED_AT_DEADLINE",
    "DEADLINE",
    "SYNC_CANCELLED_AT_DEADLINE",
    "AsyncDeadlineBackend",
    "Deadline",
    "DeadlineBackend",
    "install_deadline_backend",
    "scope_body",
]

_PIECE = 64 * 1024  # bytes per capped write, for streams without a plain socket


class Deadline(NamedTuple):
    """
    A call's deadline as the socket layer needs it.

    Attributes:
        at: Absolute deadline, monotonic seconds (``CallContext.deadline_at``).
        monotonic: The clock it is measured on (``CallContext.clock.monotonic``).
    """

    at: float
    monotonic: Callable[[], float]


ASYNC_CANCELLED_AT_DEADLINE = True
"""
An async call is cancelled when its deadline passes (the ``deadline`` stage's watchdog
or cancel scope), so the async transport needs no deadline handling of its own.
"""
SYNC_CANCELLED_AT_DEADLINE = False
"""A sync call cannot be cancelled: the sync transport bounds each socket operation."""

DEADLINE: ContextVar[Deadline | None] = ContextVar("restwell.deadline", default=None)
"""The deadline of the restwell call running in this context, or ``None``."""


def _cap(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` lowered to the time left; raise ``error`` if none is left."""
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline.at - deadline.monotonic()
    if left <= 0:
        raise error("the call's deadline passed")
    return left if timeout is None or left < timeout else timeout


class _DeadlineStream:
    """A sync httpcore ``NetworkStream`` whose every operation ends by the deadline."""

    __slots__ = ("_errors", "_inner", "_sock")

    def __init__(self, inner: Any, errors: ModuleType) -> None:
        self._inner = inner
        self._errors = errors
        # httpcore's plain stream (TCP, or TLS over TCP): we may send on its socket.
        plain = type(inner).__name__ == "SyncStream"
        self._sock: socket.socket | None = (
            inner.get_extra_info("socket") if plain else None
        )

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _cap(timeout, self._errors.ReadTimeout))  # type: ignore[no-any-return]  # httpcore's stream

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        deadline = DEADLINE.get()
        if deadline is None or not buffer:
            self._inner.write(buffer, timeout)
            return
        errors = self._errors
        sock = self._sock
        if sock is None:
            for start in range(0, len(buffer), _PIECE):
                piece = buffer[start : start + _PIECE]
                self._inner.write(piece, _cap(timeout, errors.WriteTimeout))
            return
        at, monotonic = deadline
        view = memoryview(buffer)
        try:
            while view:
                left = at - monotonic()
                if left <= 0:
                    raise errors.WriteTimeout("the call's deadline passed")
                sock.settimeout(left if timeout is None or left < timeout else timeout)
                view = view[sock.send(view) :]
        except TimeoutError as exc:  # socket.timeout
            raise errors.WriteTimeout(exc) from exc
        except OSError as exc:
            raise errors.WriteError(exc) from exc

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> _DeadlineStream:
        timeout = _cap(timeout, self._errors.ConnectTimeout)
        tls = self._inner.start_tls(ssl_context, server_hostname, timeout)
        return _DeadlineStream(tls, self._errors)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend:
    """
    A sync httpcore ``NetworkBackend`` that caps each operation to ``DEADLINE``.

    Args:
        inner: The backend to wrap (httpcore's ``SyncBackend``).
        errors: The httpcore module whose exceptions to raise (``httpcore`` or
            ``httpcore2``), so the pool and httpx map them as their own.
    """

    __slots__ = ("_errors", "_inner")

    def __init__(self, inner: Any, errors: ModuleType) -> None:
        self._inner = inner
        self._errors = errors

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> _DeadlineStream:
        stream = self._inner.connect_tcp(
            host,
            port,
            timeout=_cap(timeout, self._errors.ConnectTimeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _DeadlineStream(stream, self._errors)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> _DeadlineStream:
        stream = self._inner.connect_unix_socket(
            path,
            timeout=_cap(timeout, self._errors.ConnectTimeout),
            socket_options=socket_options,
        )
        return _DeadlineStream(stream, self._errors)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncDeadlineStream:
    """An async httpcore ``AsyncNetworkStream`` whose operations end by the deadline."""

    __slots__ = ("_errors", "_inner")

    def __init__(self, inner: Any, errors: ModuleType) -> None:
        self._inner = inner
        self._errors = errors

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        timeout = _cap(timeout, self._errors.ReadTimeout)
        return await self._inner.read(max_bytes, timeout)  # type: ignore[no-any-return]  # httpcore's stream

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # anyio's and trio's streams bound the whole write by its timeout.
        await self._inner.write(buffer, _cap(timeout, self._errors.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> _AsyncDeadlineStream:
        timeout = _cap(timeout, self._errors.ConnectTimeout)
        tls = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return _AsyncDeadlineStream(tls, self._errors)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class AsyncDeadlineBackend:
    """The async twin of ``DeadlineBackend`` (wraps httpcore's ``AutoBackend``)."""

    __slots__ = ("_errors", "_inner")

    def __init__(self, inner: Any, errors: ModuleType) -> None:
        self._inner = inner
        self._errors = errors

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> _AsyncDeadlineStream:
        stream = await self._inner.connect_tcp(
            host,
            port,
            timeout=_cap(timeout, self._errors.ConnectTimeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _AsyncDeadlineStream(stream, self._errors)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> _AsyncDeadlineStream:
        stream = await self._inner.connect_unix_socket(
            path,
            timeout=_cap(timeout, self._errors.ConnectTimeout),
            socket_options=socket_options,
        )
        return _AsyncDeadlineStream(stream, self._errors)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def install_deadline_backend(client: Any) -> bool:
    """
    Run every httpcore pool of an httpx client restwell owns over a deadline backend.

    Wraps the ``_network_backend`` of the pool of the client's transport and of each
    mounted transport (proxies), before any connection exists. These are private
    attributes of httpx and httpcore: restwell touches them only on a client it
    owns (created here, or handed over unopened), never on a borrowed one. A
    transport without such a pool (``httpx.MockTransport``, a custom transport) is
    left as it is.

    Args:
        client: An ``httpx``/``httpx2`` ``Client`` or ``AsyncClient``.

    Returns:
        Whether every pool found was wrapped (``False`` also when there is none).
    """
    transports = [getattr(client, "_transport", None)]
    transports += list(getattr(client, "_mounts", {}).values())
    wrapped = found = 0
    for transport in transports:
        pool: Any = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None:
            continue
        found += 1
        if isinstance(backend, DeadlineBackend | AsyncDeadlineBackend):
            wrapped += 1
            continue
        errors = sys.modules[type(pool).__module__.split(".")[0]]
        # A private attribute, of a pool restwell owns (see the docstring).
        if type(pool).__name__.startswith("Async"):
            pool._network_backend = AsyncDeadlineBackend(backend, errors)
        else:
            pool._network_backend = DeadlineBackend(backend, errors)
        wrapped += 1
    return found > 0 and wrapped == found


class _ScopedAsyncBody:
    """Mixed into ``httpx.AsyncByteStream``: each chunk is read under ``DEADLINE``."""

    def __init__(self, stream: Any, deadline: Deadline) -> None:
        self._stream = stream
        self._deadline = deadline
        self._it: AsyncIterator[bytes] | None = None

    def __aiter__(self) -> _ScopedAsyncBody:
        self._it = self._stream.__aiter__()
        return self

    async def __anext__(self) -> bytes:
        token = DEADLINE.set(self._deadline)
        try:
            return await self._it.__anext__()  # type: ignore[union-attr]  # set by __aiter__
        finally:
            DEADLINE.reset(token)

    async def aclose(self) -> None:
        await self._stream.aclose()


class _ScopedBody:
    """Mixed into ``httpx.SyncByteStream``: each chunk is read under ``DEADLINE``."""

    def __init__(self, stream: Any, deadline: Deadline) -> None:
        self._stream = stream
        self._deadline = deadline
        self._it: Iterator[bytes] | None = None

    def __iter__(self) -> _ScopedBody:
        self._it = iter(self._stream)
        return self

    def __next__(self) -> bytes:
        token = DEADLINE.set(self._deadline)
        try:
            return next(self._it)  # type: ignore[arg-type]  # set by __iter__
        finally:
            DEADLINE.reset(token)

    def close(self) -> None:
        self._stream.close()


_SCOPED: dict[tuple[str, bool], type] = {}


def scope_body(raw: Any, deadline: Deadline) -> None:
    """
    Make every chunk of an httpx response body be read under ``deadline``.

    The body is read after ``send`` returned, even after the call returned (a
    streamed response), so the transport cannot keep ``DEADLINE`` set around it;
    instead ``raw.stream`` (httpx's public response stream attribute) is wrapped so
    that each chunk sets it while it is read. The wrapper subclasses the response's
    own package's ``AsyncByteStream``/``SyncByteStream``, which httpx checks for.

    Args:
        raw: An ``httpx``/``httpx2`` ``Response`` whose body is not read yet.
        deadline: The call's deadline.
    """
    stream = raw.stream
    is_async = hasattr(stream, "__aiter__")
    key = (type(raw).__module__.split(".")[0], is_async)
    cls = _SCOPED.get(key)
    if cls is None:
        package = sys.modules[key[0]]
        mixin, base = (
            (_ScopedAsyncBody, package.AsyncByteStream)
            if is_async
            else (_ScopedBody, package.SyncByteStream)
        )
        cls = _SCOPED[key] = type(mixin.__name__, (mixin, base), {})
    raw.stream = cls(stream, deadline)
