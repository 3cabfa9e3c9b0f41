"""
The aiohttp transport (async only, asyncio only) against a real server on 127.0.0.1.

Not twinned: aiohttp has no sync form, and it does not run on trio (where the
default sends with httpx instead, tested at the end).
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import math
import socket
import ssl
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import anyio
import httpx
import pytest

import restwell
from restwell._clock import SystemClock
from restwell._context import CallContext, CallOptions
from restwell._hooks import Emitter
from restwell.testing import FaultServer, Step
from restwell.transports import AiohttpTransport, Limits

pytestmark = pytest.mark.network

FAST = restwell.Retry(max_attempts=3, backoff=restwell.Constant(0.0))


@pytest.fixture
def anyio_backend() -> str:
    """aiohttp runs on asyncio only."""
    return "asyncio"


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    sock.close()
    return port


def make_client(server: FaultServer, **kwargs: Any) -> restwell.AsyncClient:
    kwargs.setdefault("retry", FAST)
    kwargs.setdefault("transport", "aiohttp")
    return restwell.AsyncClient(base_url=server.url, **kwargs)


def idle(session: aiohttp.ClientSession | None) -> None:
    """No connection of ``session`` is held: every one went back or was closed."""
    assert session is not None
    connector: Any = session.connector
    assert not connector._acquired


@pytest.mark.anyio
async def test_get_and_post_json(fault_server: FaultServer) -> None:
    """A GET and a POST of JSON round-trip through aiohttp, headers included."""
    fault_server.script("/item", [Step(200, json={"id": 1})])
    async with make_client(fault_server) as client:
        r = await client.get("/item")
        assert r.status_code == 200
        assert r.json() == {"id": 1}
        assert r.http_version == "HTTP/1.1"
        assert r.headers["content-type"].startswith("application/json")
        r = await client.post("/echo", json={"name": "x"}, headers={"X-Trace": "t1"})
    assert r.status_code == 200
    sent = fault_server.requests("/echo")[-1]
    assert sent.method == "POST"
    assert sent.header("x-trace") == "t1"
    assert sent.header("content-type") == "application/json"
    assert sent.body == b'{"name":"x"}'


@pytest.mark.anyio
async def test_retries_503_then_200(fault_server: FaultServer) -> None:
    """Two 503s then a 200 give the 200 after three attempts."""
    fault_server.script("/flaky", [Step(503), Step(503), Step(200, json={"ok": True})])
    async with make_client(fault_server) as client:
        r = await client.get("/flaky")
        assert r.json() == {"ok": True}
        assert [a.status_code for a in r.attempts] == [503, 503, 200]
        idle(client._transport.session)  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_reset_mid_body_is_read_error_and_retried(
    fault_server: FaultServer,
) -> None:
    """A reset mid-body is a ReadError (BACKEND-NOTES), retried for GET."""
    body = b"x" * 40000
    fault_server.script(
        "/reset", [Step(200, body=body, fault="reset_mid_body"), Step(200, body=body)]
    )
    async with make_client(fault_server) as client:
        r = await client.get("/reset")
        assert r.content == body
        assert isinstance(r.attempts[0].error, restwell.ReadError)
        idle(client._transport.session)  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_truncated_body_is_protocol_error(fault_server: FaultServer) -> None:
    """A body shorter than its Content-Length is a ProtocolError, as with httpx."""
    fault_server.script("/trunc", [Step(200, body=b"y" * 100, fault="truncate")])
    async with make_client(fault_server, retry=None) as client:
        with pytest.raises(restwell.ProtocolError) as info:
            await client.get("/trunc")
        idle(client._transport.session)  # type: ignore[attr-defined]
    assert isinstance(info.value.__cause__, aiohttp.ClientPayloadError)


@pytest.mark.anyio
async def test_closed_port_is_connect_error() -> None:
    """A connect to a closed port is a ConnectError; the aiohttp error is its cause."""
    url = f"http://127.0.0.1:{closed_port()}"
    async with restwell.AsyncClient(
        base_url=url, transport="aiohttp", retry=None
    ) as client:
        with pytest.raises(restwell.ConnectError) as info:
            await client.get("/x")
        idle(client._transport.session)  # type: ignore[attr-defined]
    assert isinstance(info.value.__cause__, aiohttp.ClientConnectorError)


@pytest.mark.anyio
async def test_read_timeout(fault_server: FaultServer) -> None:
    """A head slower than the read timeout is a ReadTimeout, retried."""
    fault_server.script("/slow", [Step(200, delay=3), Step(200, body=b"done")])
    async with make_client(fault_server, timeout=0.3, deadline=None) as client:
        r = await client.get("/slow")
        assert r.content == b"done"
        assert isinstance(r.attempts[0].error, restwell.ReadTimeout)
        idle(client._transport.session)  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_deadline_ends_a_slow_call(fault_server: FaultServer) -> None:
    """Under a 0.4 s deadline, a server answering in 5 s gives DeadlineExceeded."""
    fault_server.script("/slow", [Step(200, delay=5)])
    async with make_client(fault_server, deadline=0.4) as client:
        with pytest.raises(restwell.DeadlineExceeded):
            await client.get("/slow")


@pytest.mark.anyio
async def test_stream(fault_server: FaultServer) -> None:
    """client.stream gives the body in pieces; the connection goes back after."""
    body = b"".join(b"%05d\n" % n for n in range(20000))
    fault_server.script("/big", [Step(200, body=body, chunked=True)])
    async with make_client(fault_server) as client:
        async with client.stream("GET", "/big") as r:
            assert r.status_code == 200
            got = [chunk async for chunk in r.aiter_bytes()]
        assert b"".join(got) == body
        assert len(got) > 1
        idle(client._transport.session)  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_stream_closed_early_releases_the_connection(
    fault_server: FaultServer,
) -> None:
    """A stream left after its first piece does not keep its connection."""
    fault_server.script("/big", [Step(200, body=b"z" * 500_000)])
    async with make_client(fault_server) as client:
        async with client.stream("GET", "/big") as r:
            async for _ in r.aiter_bytes():
                break
        idle(client._transport.session)  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_gzip_body_is_decoded(fault_server: FaultServer) -> None:
    """A gzip body is decoded by restwell (aiohttp's own decoding is off)."""
    data = b"hello " * 1000
    fault_server.script(
        "/gz",
        [Step(200, body=gzip.compress(data), headers={"Content-Encoding": "gzip"})],
    )
    async with make_client(fault_server) as client:
        r = await client.get("/gz")
    assert r.content == data


@pytest.mark.anyio
async def test_gzip_bomb_stops_at_max_response_size(
    fault_server: FaultServer,
) -> None:
    """A 64 MiB gzip bomb stops at max_response_size, decoded in bounded steps."""
    bomb = gzip.compress(b"\0" * (64 << 20))
    fault_server.script(
        "/bomb", [Step(200, body=bomb, headers={"Content-Encoding": "gzip"})]
    )
    async with make_client(fault_server, max_response_size=1 << 20) as client:
        with pytest.raises(restwell.RestwellError):
            await client.get("/bomb")


@pytest.mark.anyio
async def test_borrowed_session_stays_open(fault_server: FaultServer) -> None:
    """A session passed in is borrowed: closing the client leaves it open."""
    fault_server.script("/a", [Step(200, body=b"a")])
    async with aiohttp.ClientSession() as session:
        async with restwell.AsyncClient(
            base_url=fault_server.url, transport=session
        ) as client:
            assert isinstance(client._transport, AiohttpTransport)  # type: ignore[attr-defined]
            r = await client.get("/a")
            assert r.content == b"a"
        assert not session.closed
        async with session.get(fault_server.url_for("/a")) as raw:
            assert raw.status == 200


@pytest.mark.anyio
async def test_owned_session_is_closed(fault_server: FaultServer) -> None:
    """A session restwell creates (on the first send) is closed with the client."""
    fault_server.script("/a", [Step(200, body=b"a")])
    transport = AiohttpTransport()
    assert transport.session is None
    assert transport.owns_session
    async with restwell.AsyncClient(
        base_url=fault_server.url, transport=transport
    ) as client:
        await client.get("/a")
        session = transport.session
        assert session is not None
        assert not session.closed
    assert session.closed


@pytest.mark.anyio
async def test_send_after_close_is_configuration_error(
    fault_server: FaultServer,
) -> None:
    """A send on a closed transport is a ConfigurationError, never retried."""
    transport = AiohttpTransport()
    await transport.aclose()
    async with restwell.AsyncClient(
        base_url=fault_server.url, transport=transport
    ) as client:
        with pytest.raises(restwell.ConfigurationError):
            await client.get("/a")


def test_sync_client_refuses_aiohttp() -> None:
    """The sync Client refuses aiohttp, naming AsyncClient."""
    with pytest.raises(restwell.ConfigurationError, match="AsyncClient"):
        restwell.Client(transport="aiohttp")


@pytest.mark.anyio
async def test_sync_client_refuses_a_session() -> None:
    """The sync Client refuses an aiohttp session, naming AsyncClient."""
    async with aiohttp.ClientSession() as session:
        with pytest.raises(restwell.ConfigurationError, match="AsyncClient"):
            restwell.Client(transport=session)


@pytest.mark.anyio
async def test_no_credential_in_messages(fault_server: FaultServer) -> None:
    """A mapped error names no header value or URL password."""
    port = closed_port()
    async with restwell.AsyncClient(transport="aiohttp", retry=None) as client:
        with pytest.raises(restwell.ConnectError) as info:
            await client.get(f"http://user:s3cretpass@127.0.0.1:{port}/x")
        assert "s3cretpass" not in str(info.value)
        with pytest.raises(restwell.ConnectError) as info:
            await client.get(
                f"http://127.0.0.1:{port}/x",
                headers={"Authorization": "Bearer tok-123456789"},
            )
        assert "tok-123456789" not in str(info.value)


def test_timeout_mapping() -> None:
    """A restwell Timeout becomes aiohttp's: connect = pool + connect; total = left."""
    from restwell._aio._transport_aiohttp import _client_timeout

    timeout = restwell.Timeout(connect=1.0, read=2.0, write=3.0, pool=4.0)
    t = _client_timeout(timeout, None)
    assert t == aiohttp.ClientTimeout(
        total=None,
        connect=5.0,
        sock_connect=1.0,
        sock_read=2.0,
        ceil_threshold=math.inf,
    )
    assert _client_timeout(timeout, 7.25).total == 7.25  # never rounded up
    t = _client_timeout(restwell.Timeout(None), None)
    assert t.connect is None
    assert t.sock_read is None


def _payload_reset() -> aiohttp.ClientPayloadError:
    return aiohttp.ClientPayloadError(
        "Response payload is not completed: <ContentLengthError: 400>. "
        "ConnectionResetError(104, 'Connection reset by peer')"
    )


@pytest.mark.parametrize(
    ("error", "body", "expected"),
    [
        (aiohttp.ConnectionTimeoutError("t"), False, restwell.ConnectTimeout),
        (aiohttp.SocketTimeoutError("t"), False, restwell.ReadTimeout),
        (aiohttp.ServerTimeoutError("t"), True, restwell.ReadTimeout),
        (aiohttp.ServerTimeoutError("t"), False, restwell.TransportTimeout),
        (aiohttp.InvalidURL("http://[x"), False, restwell.InvalidURL),
        (aiohttp.NonHttpUrlClientError("ftp://x"), False, restwell.InvalidURL),
        (_payload_reset(), True, restwell.ReadError),
        (aiohttp.ClientPayloadError("not completed"), True, restwell.ProtocolError),
        (aiohttp.ServerDisconnectedError(), False, restwell.ProtocolError),
        (aiohttp.ServerDisconnectedError(), True, restwell.ReadError),
        (aiohttp.ClientConnectionResetError("reset"), False, restwell.ReadError),
        (aiohttp.ClientOSError(32, "Broken pipe"), False, restwell.ReadError),
        (aiohttp.ClientError("other"), False, restwell.TransportError),
    ],
)
def test_error_mapping(error: Exception, body: bool, expected: type) -> None:
    """Each aiohttp error maps to the restwell class httpx's would map to."""
    from restwell._aio._transport_aiohttp import map_aiohttp_error

    request = restwell.Request("GET", "http://127.0.0.1:1/x")
    mapped = map_aiohttp_error(error, request, body=body)
    assert type(mapped) is expected
    assert isinstance(mapped, restwell.RequestError)


def test_other_errors_pass_through() -> None:
    """An error that is not aiohttp's is returned unchanged (not retried)."""
    from restwell._aio._transport_aiohttp import map_aiohttp_error

    error = TypeError("bad")
    request = restwell.Request("GET", "http://127.0.0.1:1/x")
    assert map_aiohttp_error(error, request, body=False) is error


# -- credentials stay with their origin (issue 6, for every shipped transport) -----

SECRET = "s3cret-t0ken-value"
COOKIE = "c00kie-value"


@pytest.fixture
def other_server() -> Iterator[FaultServer]:
    """A second FaultServer: another port, so another origin."""
    with FaultServer() as server:
        yield server


def redirect(server: FaultServer, path: str, target: str) -> None:
    server.script(path, [Step(302, headers={"Location": target})])


def seen(server: FaultServer, name: str) -> list[str | None]:
    """The value of header ``name`` in each request ``server`` got on /echo."""
    return [request.header(name) for request in server.requests("/echo")]


@pytest.mark.anyio
async def test_borrowed_session_defaults_stay_with_their_origin(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    """A lent session's Authorization, API key and cookies go to its origin only."""
    redirect(fault_server, "/away", other_server.url_for("/echo"))
    redirect(fault_server, "/home", fault_server.url_for("/echo"))
    async with (
        aiohttp.ClientSession(
            headers={
                "Authorization": f"Bearer {SECRET}",
                "X-Api-Key": SECRET,
                "X-Team": "payments",
            },
            cookies={"sid": COOKIE},
        ) as session,
        restwell.AsyncClient(
            transport=session, follow_redirects=True, hooks=[]
        ) as client,
    ):
        away = await client.get(fault_server.url_for("/away"))
        home = await client.get(fault_server.url_for("/home"))
        idle(session)
    assert away.status_code == home.status_code == 200
    assert seen(other_server, "authorization") == [None]
    assert seen(other_server, "x-api-key") == [None]
    assert seen(other_server, "cookie") == [None]
    # The session's other defaults still go.
    assert seen(other_server, "x-team") == ["payments"]
    # A same-origin hop keeps them all.
    assert seen(fault_server, "authorization") == [f"Bearer {SECRET}"]
    assert seen(fault_server, "x-api-key") == [SECRET]
    assert seen(fault_server, "cookie") == [f"sid={COOKIE}"]


@pytest.mark.anyio
async def test_borrowed_session_auth_stays_with_its_origin(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    """A lent session's ``auth=BasicAuth(...)`` is not sent to another origin."""
    redirect(fault_server, "/away", other_server.url_for("/echo"))
    redirect(fault_server, "/home", fault_server.url_for("/echo"))
    with warnings.catch_warnings():  # aiohttp 3.14 deprecates auth= (not before)
        warnings.simplefilter("ignore", DeprecationWarning)
        session = aiohttp.ClientSession(auth=aiohttp.BasicAuth("user", SECRET))
    async with (
        session,
        restwell.AsyncClient(
            transport=session, follow_redirects=True, hooks=[]
        ) as client,
    ):
        await client.get(fault_server.url_for("/away"))
        await client.get(fault_server.url_for("/home"))
    assert seen(other_server, "authorization") == [None]
    assert (seen(fault_server, "authorization")[0] or "").startswith("Basic ")


@pytest.mark.anyio
async def test_after_leaving_its_origin_a_call_sends_no_session_credentials(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    """A -> B -> A: the other origin chose the last hop, so it goes without them."""
    redirect(fault_server, "/away", other_server.url_for("/back"))
    redirect(other_server, "/back", fault_server.url_for("/echo"))
    async with aiohttp.ClientSession(
        headers={"Authorization": f"Bearer {SECRET}"}, cookies={"sid": COOKIE}
    ) as session:
        async with restwell.AsyncClient(
            transport=session, follow_redirects=True, hooks=[]
        ) as client:
            r = await client.get(fault_server.url_for("/away"))
            assert r.status_code == 200
            # The session used for the other origin shares the lent session's pool.
            transport: Any = client.transport
            stranger = transport._stranger
            assert stranger.connector is session.connector
            idle(session)
        assert stranger.closed  # closed with the restwell client...
        assert not session.closed  # ...the lent session and its connector are not
        async with session.get(fault_server.url_for("/echo")) as raw:
            assert raw.status == 200
    assert seen(fault_server, "authorization") == [None, f"Bearer {SECRET}"]
    assert seen(fault_server, "cookie") == [None, f"sid={COOKIE}"]
    back = other_server.requests("/back")[0]
    assert back.header("authorization") is None
    assert back.header("cookie") is None


@pytest.mark.anyio
async def test_cookies_set_by_another_origin_are_kept(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    """A cookie the other origin sets lands in the session's jar, as with httpx."""
    other_server.script(
        "/set", [Step(302, headers={"Set-Cookie": "k=v", "Location": "/echo"})]
    )
    redirect(fault_server, "/away", other_server.url_for("/set"))
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session,
        restwell.AsyncClient(
            transport=session, follow_redirects=True, hooks=[]
        ) as client,
    ):
        await client.get(fault_server.url_for("/away"))
        assert [c.key for c in session.cookie_jar] == ["k"]


@pytest.mark.anyio
async def test_url_userinfo_is_sent_as_basic_auth(fault_server: FaultServer) -> None:
    """``user:pass@`` in the URL becomes Basic auth, replacing a header, as httpx."""
    url = fault_server.url_for("/echo").replace("http://", "http://me:p%40ss@")
    async with restwell.AsyncClient(transport="aiohttp", hooks=[]) as client:
        r = await client.get(url, headers={"Authorization": "Bearer other"})
    assert r.status_code == 200
    expected = "Basic " + base64.b64encode(b"me:p@ss").decode()
    assert seen(fault_server, "authorization") == [expected]


@pytest.mark.anyio
async def test_a_header_http_cannot_carry_is_refused(fault_server: FaultServer) -> None:
    """Non-ASCII, a space in a name, a padded value: refused as httpx does."""
    async with make_client(fault_server) as client:
        for headers in ({"X-A": "café"}, {"X A": "v"}, {"X-A": " v"}, {"X-A": "v\n"}):
            with pytest.raises(restwell.ConfigurationError, match=r"X.A") as info:
                await client.get("/echo", headers=headers)
            assert "café" not in str(info.value)
        await client.get("/echo", headers={"X-A": "fine"})
    assert seen(fault_server, "x-a") == ["fine"]


# -- the deadline is a total, at the transport -------------------------------------


class RawServer:
    """A thread on 127.0.0.1 running ``handler(conn)`` for each connection."""

    def __init__(self, handler: Callable[[socket.socket], None]) -> None:
        self.handler = handler
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/"
        self.closed = threading.Event()  # a handler saw its client go
        self._stop = False
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            conn.settimeout(10)
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(65536)
                if not data:
                    return
                request += data
            self.handler(conn)
            while conn.recv(65536):  # until the client goes
                pass
        self.closed.set()

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self.listener.close()
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.close()


def drip_head(conn: socket.socket) -> None:
    """A head one line every 0.1 s, for 5 s: under every read timeout."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for n in range(50):
        time.sleep(0.1)
        conn.sendall(b"X-Drip-%d: x\r\n" % n)
    conn.sendall(b"Content-Length: 0\r\n\r\n")


def drip_body(conn: socket.socket) -> None:
    """The head at once, then one body byte every 0.1 s, for 5 s."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n")
    for _ in range(50):
        time.sleep(0.1)
        conn.sendall(b"x")


def context(deadline: float) -> CallContext:
    """
    A streamed call's context with ``deadline`` seconds left, as the deadline stage
    sets it. A streamed body is read after the deadline stage's watchdog has ended,
    so the transport bounds it itself (a buffered call's body is read under it).
    """
    ctx = CallContext(
        CallOptions(), SystemClock(), Emitter({}, ()), time.monotonic(), True
    )
    ctx.deadline_at = ctx.started + deadline
    return ctx


DEADLINE = 0.5
BOUND = DEADLINE + 0.5  # s: the deadline, and slack for a loaded machine


@pytest.mark.anyio
async def test_a_dripped_head_ends_at_the_deadline_without_the_watchdog() -> None:
    """The transport alone (no deadline stage): a dripped head stops at ``total``."""
    with RawServer(drip_head) as server:
        transport = AiohttpTransport()
        request = restwell.Request("GET", server.url)
        request.context = context(DEADLINE)
        started = time.monotonic()
        with pytest.raises(restwell.ReadTimeout):
            await transport.send(request)
        assert time.monotonic() - started < BOUND
        idle(transport.session)
        await transport.aclose()
        assert server.closed.wait(5)  # the connection was closed, not pooled


@pytest.mark.anyio
async def test_a_streamed_body_read_after_the_call_ends_at_the_deadline() -> None:
    """A body dripped a byte every 0.1 s, read after send(): DeadlineExceeded."""
    with RawServer(drip_body) as server:
        transport = AiohttpTransport()
        request = restwell.Request("GET", server.url)
        request.context = context(DEADLINE)
        started = time.monotonic()
        response = await transport.send(request)
        with pytest.raises(restwell.DeadlineExceeded) as info:
            await response.aread()
        assert time.monotonic() - started < BOUND
        assert isinstance(info.value.__cause__, restwell.ReadTimeout)
        idle(transport.session)
        await transport.aclose()


@pytest.mark.anyio
async def test_client_stream_of_a_dripped_body_ends_at_the_deadline() -> None:
    """client.stream(): the caller's reads of a dripped body end at the deadline."""
    with RawServer(drip_body) as server:
        async with restwell.AsyncClient(
            deadline=DEADLINE, retry=None, hooks=[]
        ) as client:
            started = time.monotonic()
            async with client.stream("GET", server.url) as response:
                with pytest.raises(restwell.DeadlineExceeded):
                    async for _ in response.aiter_bytes():
                        pass
            assert time.monotonic() - started < BOUND
            idle(client.transport.session)  # type: ignore[attr-defined]


# -- connections: nothing held after any error path --------------------------------


def pooled(session: aiohttp.ClientSession | None) -> int:
    """Connections ``session``'s connector holds, checked out or idle."""
    assert session is not None
    connector: Any = session.connector
    return len(connector._acquired) + sum(len(c) for c in connector._conns.values())


@pytest.mark.anyio
async def test_a_cancelled_call_leaves_no_connection(fault_server: FaultServer) -> None:
    """A call cancelled while waiting for the head gives its connection up."""
    fault_server.script("/slow", [Step(200, delay=5)])
    async with make_client(fault_server, retry=None, hooks=[]) as client:
        with anyio.move_on_after(0.3) as scope:
            await client.get("/slow")
        assert scope.cancelled_caught
        session = client.transport.session  # type: ignore[attr-defined]
        assert pooled(session) == 0


@pytest.mark.anyio
async def test_a_call_cut_by_its_deadline_leaves_no_connection(
    fault_server: FaultServer,
) -> None:
    """DeadlineExceeded while the body stalls: the connection is closed."""
    fault_server.script("/stall", [Step(200, body="x" * 1000, body_delay=5)])
    async with make_client(fault_server, deadline=0.4, hooks=[]) as client:
        with pytest.raises(restwell.DeadlineExceeded):
            await client.get("/stall")
        assert pooled(client.transport.session) == 0  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_errors_leave_no_connection_and_good_ones_are_reused(
    fault_server: FaultServer,
) -> None:
    """Reset, truncation, early close, timeout: none held; a good one stays idle."""
    fault_server.script(
        "/reset", [Step(200, body=b"r" * 40000, fault="reset_mid_body")]
    )
    fault_server.script("/trunc", [Step(200, body=b"t" * 100, fault="truncate")])
    fault_server.script("/slow", [Step(200, delay=3)])
    fault_server.script("/big", [Step(200, body=b"b" * 300_000)])
    async with make_client(fault_server, retry=None, hooks=[]) as client:
        session = client.transport.session  # type: ignore[attr-defined]
        with pytest.raises(restwell.ReadError):
            await client.get("/reset")
        with pytest.raises(restwell.ProtocolError):
            await client.get("/trunc")
        with pytest.raises(restwell.ReadTimeout):
            await client.get("/slow", timeout=0.2)
        async with client.stream("GET", "/big") as r:
            async for _ in r.aiter_bytes():
                break
        session = client.transport.session  # type: ignore[attr-defined]
        assert pooled(session) == 0
        await client.get("/echo")
        assert pooled(session) == 1  # kept alive for the next request
        connector: Any = session.connector
        assert not connector._acquired
    assert session.closed
    assert connector.closed


# -- options -----------------------------------------------------------------------


@pytest.mark.anyio
async def test_default_pool_sizing(fault_server: FaultServer) -> None:
    """An owned session: 100 connections, no per-host cap, idle ones kept 5 s."""
    async with restwell.AsyncClient(transport="aiohttp") as client:
        session: Any = client.unwrap()
        assert isinstance(session, aiohttp.ClientSession)
        assert session.connector.limit == 100
        assert session.connector.limit_per_host == 0
        assert session.connector._keepalive_timeout == 5.0
        assert client.transport.session is session  # type: ignore[attr-defined]
    assert session.closed


@pytest.mark.anyio
async def test_limits_reach_the_connector(fault_server: FaultServer) -> None:
    """limits= sets the connector's limit and keep-alive expiry; None is no limit."""
    limits = Limits(max_connections=7, keepalive_expiry=2.5)
    async with restwell.AsyncClient(transport="aiohttp", limits=limits) as client:
        connector: Any = client.unwrap().connector  # type: ignore[attr-defined]
        assert (connector.limit, connector._keepalive_timeout) == (7, 2.5)
    async with restwell.AsyncClient(
        transport="aiohttp", limits=Limits(max_connections=None)
    ) as client:
        assert client.unwrap().connector.limit == 0  # type: ignore[attr-defined]


def test_a_separate_keepalive_count_is_refused() -> None:
    """aiohttp keeps every idle connection: a smaller keep-alive count is an error."""
    limits = Limits(max_connections=10, max_keepalive_connections=2)
    with pytest.raises(restwell.ConfigurationError, match="max_keepalive_connections"):
        restwell.AsyncClient(transport="aiohttp", limits=limits)
    same = Limits(max_connections=10, max_keepalive_connections=10)
    restwell.AsyncClient(transport="aiohttp", limits=same)


def test_http2_is_refused_naming_the_transports_that_have_it() -> None:
    """aiohttp has no HTTP/2: http2=True names httpx."""
    with pytest.raises(restwell.ConfigurationError) as info:
        restwell.AsyncClient(http2=True)
    message = str(info.value)
    assert "transport='aiohttp'" in message
    assert "'httpx'" in message


@pytest.mark.anyio
async def test_verify_and_cert_become_the_connector_ssl(tmp_path: Path) -> None:
    """verify= (a context, or False) is the connector's ssl; a bad path fails early."""
    context = ssl.create_default_context()
    async with restwell.AsyncClient(transport="aiohttp", verify=context) as client:
        assert client.unwrap().connector._ssl is context  # type: ignore[attr-defined]
    async with restwell.AsyncClient(transport="aiohttp", verify=False) as client:
        off: Any = client.unwrap().connector._ssl  # type: ignore[attr-defined]
        assert off.verify_mode == ssl.CERT_NONE
        assert not off.check_hostname
    with pytest.raises(restwell.ConfigurationError, match="CA bundle"):
        restwell.AsyncClient(transport="aiohttp", verify=str(tmp_path / "none.pem"))
    with pytest.raises(restwell.ConfigurationError, match="client certificate"):
        restwell.AsyncClient(transport="aiohttp", cert=str(tmp_path / "none.pem"))


@pytest.mark.anyio
async def test_proxy_gets_the_request_with_its_credentials() -> None:
    """proxy= sends through an HTTP proxy; its userinfo becomes Proxy-Authorization."""
    heads: list[bytes] = []

    class Recording(RawServer):
        def _serve(self, conn: socket.socket) -> None:
            with contextlib.suppress(OSError):
                conn.settimeout(10)
                head = b""
                while b"\r\n\r\n" not in head:
                    head += conn.recv(65536)
                heads.append(head)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nproxied")

    with Recording(lambda conn: None) as proxy:
        proxy_url = proxy.url.replace("http://", f"http://me:{SECRET}@").rstrip("/")
        async with restwell.AsyncClient(
            transport="aiohttp", proxy=proxy_url, retry=None, hooks=[]
        ) as client:
            r = await client.get("http://127.0.0.1:9/target")
    assert r.content == b"proxied"
    line, *lines = heads[0].decode().split("\r\n")
    assert line == "GET http://127.0.0.1:9/target HTTP/1.1"
    token = base64.b64encode(f"me:{SECRET}".encode()).decode()
    assert f"Proxy-Authorization: Basic {token}" in lines


def test_a_proxy_aiohttp_cannot_use_is_refused() -> None:
    """aiohttp speaks to http(s) proxies only: socks names transport='httpx'."""
    with pytest.raises(restwell.ConfigurationError, match="transport='httpx'"):
        restwell.AsyncClient(proxy="socks5://me:pw-secret@127.0.0.1:1080")


@pytest.mark.anyio
async def test_a_session_with_options_or_base_url_is_refused() -> None:
    """Options go to a session's owner; its base_url to restwell's client."""
    async with aiohttp.ClientSession() as session:
        with pytest.raises(restwell.ConfigurationError, match="verify="):
            AiohttpTransport(session, verify=False)
        with pytest.raises(restwell.ConfigurationError, match="verify="):
            restwell.AsyncClient(transport=session, verify=False)
    async with aiohttp.ClientSession(base_url="http://127.0.0.1:1/v1/") as session:
        with pytest.raises(restwell.ConfigurationError, match="base_url"):
            restwell.AsyncClient(transport=session)


# -- unwrap() and the session's lifecycle ------------------------------------------


def test_unwrap_outside_a_loop_before_the_first_request_is_refused() -> None:
    """aiohttp cannot create a session outside a running loop: a clear error."""
    client = restwell.AsyncClient()
    with pytest.raises(restwell.ConfigurationError, match="event loop"):
        client.unwrap()


@pytest.mark.anyio
async def test_unwrap_gives_the_session_restwell_sends_with(
    fault_server: FaultServer,
) -> None:
    """Owned: created by unwrap() inside the loop, then used; borrowed: the same."""
    async with make_client(fault_server) as client:
        session = client.unwrap()
        assert isinstance(session, aiohttp.ClientSession)
        await client.get("/echo")
        assert client.unwrap() is session
    assert session.closed
    async with (
        aiohttp.ClientSession() as lent,
        restwell.AsyncClient(transport=lent) as client,
    ):
        assert client.unwrap() is lent


# -- trio: httpx instead -----------------------------------------------------------


@pytest.mark.parametrize("anyio_backend", ["trio"])
@pytest.mark.anyio
async def test_under_trio_the_default_sends_with_httpx(
    fault_server: FaultServer,
) -> None:
    """aiohttp cannot run on trio: AsyncClient() sends with an owned httpx client."""
    fault_server.script("/t", [Step(503), Step(200, json={"trio": True})])
    limits = Limits(max_connections=3)
    async with make_client(fault_server, limits=limits) as client:
        r = await client.get("/t")
        assert r.data == {"trio": True}
        native = client.unwrap()
        assert isinstance(native, httpx.AsyncClient)
        assert "on trio: httpx" in repr(client.transport)
        assert native._transport._pool._max_connections == 3  # type: ignore[attr-defined]
    assert native.is_closed


# -- a body that has all arrived is taken at once ----------------------------------


@pytest.mark.anyio
async def test_an_arrived_body_is_read_whole_and_its_connection_pooled(
    fault_server: FaultServer,
) -> None:
    """200 bytes come with the head: aread() returns them, the connection is reused."""
    body = b'{"data":"' + b"x" * 189 + b'"}'
    fault_server.script("/small", [Step(200, body=body)] * 3)
    transport = AiohttpTransport()
    for _ in range(3):
        request = restwell.Request("GET", fault_server.url_for("/small"))
        request.context = context(30)
        response = await transport.send(request)
        assert await response.aread() == body
        idle(transport.session)
    connector: Any = transport.session.connector  # type: ignore[union-attr]
    assert sum(len(c) for c in connector._conns.values()) == 1  # one, kept alive
    await transport.aclose()


@pytest.mark.anyio
async def test_an_arrived_body_read_after_the_deadline_is_deadline_exceeded(
    fault_server: FaultServer,
) -> None:
    """A streamed body read once the deadline has passed: DeadlineExceeded, all read."""
    fault_server.script("/small", [Step(200, body=b"x" * 200)])
    transport = AiohttpTransport()
    request = restwell.Request("GET", fault_server.url_for("/small"))
    ctx = context(30)
    request.context = ctx
    response = await transport.send(request)
    ctx.deadline_at = ctx.started - 1.0  # passed while the caller held the response
    with pytest.raises(restwell.DeadlineExceeded):
        await response.aread()
    idle(transport.session)
    await transport.aclose()


@pytest.mark.anyio
async def test_raw_is_the_aiohttp_response(fault_server: FaultServer) -> None:
    """``response.raw`` is aiohttp's own; version and reason come from it."""
    import aiohttp

    async with restwell.AsyncClient(transport="aiohttp", hooks=[]) as client:
        response = await client.get(fault_server.url_for("/json"))
    assert isinstance(response.raw, aiohttp.ClientResponse)
    assert response.http_version == "HTTP/1.1"
    assert response.reason_phrase == "OK"
