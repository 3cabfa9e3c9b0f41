"""
restwell._net: the deadline-capping network backends, with fake inner backends (the
real sockets are exercised in tests/_async/test_transport_httpx.py and its twin).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpcore
import httpx
import pytest

from restwell._net import (
    DEADLINE,
    AsyncDeadlineBackend,
    Deadline,
    DeadlineBackend,
    install_deadline_backend,
)
from restwell.testing import FakeClock


class FakeStream:
    """Records the timeout of every operation."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, float | None]] = []

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.calls.append(("read", max_bytes, timeout))
        return b"x"

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.calls.append(("write", len(buffer), timeout))

    def close(self) -> None:
        self.calls.append(("close", None, None))

    def start_tls(self, ctx: Any, host: Any = None, timeout: Any = None) -> FakeStream:
        self.calls.append(("start_tls", host, timeout))
        return self

    def get_extra_info(self, info: str) -> Any:
        return f"info:{info}"


class FakeAsyncStream(FakeStream):
    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # type: ignore[override]
        return super().read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # type: ignore[override]
        super().write(buffer, timeout)

    async def aclose(self) -> None:
        super().close()

    async def start_tls(  # type: ignore[override]
        self, ctx: Any, host: Any = None, timeout: Any = None
    ) -> FakeAsyncStream:
        super().start_tls(ctx, host, timeout)
        return self


class FakeBackend:
    def __init__(self, stream: FakeStream) -> None:
        self.stream = stream
        self.connects: list[float | None] = []
        self.slept: list[float] = []

    def connect_tcp(self, host: str, port: int, **kwargs: Any) -> FakeStream:
        self.connects.append(kwargs["timeout"])
        return self.stream

    def connect_unix_socket(self, path: str, **kwargs: Any) -> FakeStream:
        self.connects.append(kwargs["timeout"])
        return self.stream

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


class FakeAsyncBackend(FakeBackend):
    async def connect_tcp(self, host: str, port: int, **kwargs: Any) -> FakeStream:  # type: ignore[override]
        return super().connect_tcp(host, port, **kwargs)

    async def connect_unix_socket(self, path: str, **kwargs: Any) -> FakeStream:  # type: ignore[override]
        return super().connect_unix_socket(path, **kwargs)

    async def sleep(self, seconds: float) -> None:  # type: ignore[override]
        super().sleep(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=100.0)


@pytest.fixture
def deadline(clock: FakeClock) -> Iterator[FakeClock]:
    """A deadline 2 s ahead on ``clock``, set for the test."""
    token = DEADLINE.set(Deadline(102.0, clock.monotonic))
    yield clock
    DEADLINE.reset(token)


def test_without_a_deadline_timeouts_pass_through() -> None:
    stream = FakeStream()
    backend = DeadlineBackend(FakeBackend(stream), httpcore)
    s = backend.connect_tcp("h", 1, timeout=5.0)
    s.read(10, timeout=7.0)
    s.write(b"abc", timeout=8.0)
    assert stream.calls == [("read", 10, 7.0), ("write", 3, 8.0)]


def test_every_operation_is_capped_to_the_time_left(deadline: FakeClock) -> None:
    """connect, TLS, read and write each get min(their timeout, time left)."""
    stream = FakeStream()
    inner = FakeBackend(stream)
    backend = DeadlineBackend(inner, httpcore)
    s = backend.connect_tcp("h", 1, timeout=5.0)
    u = backend.connect_unix_socket("/p", timeout=1.0)
    tls = s.start_tls(None, "h", timeout=None)
    deadline.advance(0.5)
    tls.read(10, timeout=None)
    tls.read(10, timeout=0.25)
    backend.sleep(0.1)
    assert inner.connects == [2.0, 1.0]
    assert stream.calls == [
        ("start_tls", "h", 2.0),
        ("read", 10, 1.5),
        ("read", 10, 0.25),
    ]
    assert inner.slept == [0.1]
    assert tls.get_extra_info("x") == "info:x"
    u.close()
    assert stream.calls[-1][0] == "close"


def test_a_write_to_a_stream_without_a_socket_goes_in_capped_pieces(
    deadline: FakeClock,
) -> None:
    stream = FakeStream()
    s = DeadlineBackend(FakeBackend(stream), httpcore).connect_tcp("h", 1)
    s.write(b"x" * (64 * 1024 * 2 + 1), timeout=10.0)
    assert [c[1:] for c in stream.calls] == [(65536, 2.0), (65536, 2.0), (1, 2.0)]


def test_no_time_left_raises_the_backends_own_timeout(deadline: FakeClock) -> None:
    """httpcore's own errors, so its pool closes the connection as for any timeout."""
    s = DeadlineBackend(FakeBackend(FakeStream()), httpcore).connect_tcp("h", 1)
    deadline.advance(2.0)
    with pytest.raises(httpcore.ReadTimeout):
        s.read(1)
    with pytest.raises(httpcore.WriteTimeout):
        s.write(b"x")
    with pytest.raises(httpcore.ConnectTimeout):
        DeadlineBackend(FakeBackend(FakeStream()), httpcore).connect_tcp("h", 1)


@pytest.mark.anyio
async def test_the_async_backend_caps_too(deadline: FakeClock) -> None:
    stream = FakeAsyncStream()
    inner = FakeAsyncBackend(stream)
    backend = AsyncDeadlineBackend(inner, httpcore)
    s = await backend.connect_tcp("h", 1, timeout=5.0)
    await backend.connect_unix_socket("/p", timeout=None)
    tls = await s.start_tls(None, "h", timeout=0.5)
    assert await tls.read(10, timeout=None) == b"x"
    await tls.write(b"abc", timeout=9.0)
    await backend.sleep(0.1)
    await tls.aclose()
    assert inner.connects == [2.0, 2.0]
    assert stream.calls[:3] == [
        ("start_tls", "h", 0.5),
        ("read", 10, 2.0),
        ("write", 3, 2.0),
    ]
    assert tls.get_extra_info("y") == "info:y"
    deadline.advance(3.0)
    with pytest.raises(httpcore.ReadTimeout):
        await tls.read(1)


def test_install_wraps_each_pool_once() -> None:
    client = httpx.Client(mounts={"http://proxied": httpx.HTTPTransport()})
    assert install_deadline_backend(client)
    assert install_deadline_backend(client)  # already wrapped: still True
    for transport in (client._transport, *client._mounts.values()):
        backend = transport._pool._network_backend  # type: ignore[union-attr]
        assert type(backend) is DeadlineBackend
        assert type(backend._inner) is not DeadlineBackend
    client.close()


def test_install_leaves_a_client_without_a_pool() -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert not install_deadline_backend(client)
    client.close()
