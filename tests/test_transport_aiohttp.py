"""
The aiohttp transport (async only, asyncio only) against a real server on 127.0.0.1.

Not twinned: aiohttp has no sync form, and it does not run on trio.
"""

from __future__ import annotations

import gzip
import math
import socket
from typing import Any

import aiohttp
import pytest

import restwell
from restwell.testing import FaultServer, Step
from restwell.transports import AiohttpTransport

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
