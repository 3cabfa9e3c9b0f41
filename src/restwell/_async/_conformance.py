"""
The transport conformance suite (async): one set of checks every transport passes.

Public as ``restwell.testing.conformance.AsyncTransportConformance``; the sync
``TransportConformance`` is generated from this module. Subclass it in a test
module, say how to build your transport, and pytest runs every check against real
servers on 127.0.0.1 (a `FaultServer`, a TLS front with a throwaway CA, a forward
proxy), each started by the suite's own fixtures::

    class TestMyTransport(AsyncTransportConformance):
        supports = frozenset({"verify", "cert"})

        def make_transport(self, options: TransportOptions) -> AsyncTransport:
            return MyTransport(verify=options.verify, cert=options.cert)

What a check holds a transport to (``docs/transports.md``):

- ``send`` sends one request and returns the response with its body unread; it
  never retries and never follows a redirect (restwell's stages above it do).
- Bodies go out as given (bytes, form, JSON, multipart, files, streamed chunks)
  and come back decoded (``gzip``, ``deflate``, ``br``, ``zstd``: ``decodes``).
- Errors are restwell's, and the same class for the same fault on every
  transport (the table in ``docs/transports.md``); no message carries a header
  value.
- No connection is left open: after each check the servers count what the
  client still holds (0 once it is closed), and ``connections_in_use`` (when
  the subclass can read its backend's pool) counts what an error left acquired.

A check the transport cannot pass yet is listed in ``known_differences`` with the
reason: it then runs as a strict ``xfail`` (it fails the suite once it passes, so
the list stays true).
"""

from __future__ import annotations

import contextlib
import gc
import gzip
import importlib
import json as jsonlib
import socket
import time
import zlib
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, ClassVar

import pytest

from .._config import Timeout
from .._exceptions import (
    ConnectError,
    PoolTimeout,
    ProtocolError,
    ReadError,
    ReadTimeout,
    RestwellError,
    TooManyRedirects,
    TransportError,
)
from .._models import Request
from .._transport_base import AsyncTransport
from ..testing._concurrent import agather
from ..testing._fault_server import FaultServer, Step
from ..testing._h2_server import H2Server
from ..testing._relay import ForwardProxy, TLSTerminator
from ..testing._tls import LocalCA
from ..transports._options import Limits, TransportOptions
from ._client import AsyncClient

__all__ = ["AsyncTransportConformance"]

SECRET = "Bearer conformance-s3cret"
"""An ``Authorization`` value no error message and no other origin may see."""
_SETTLE = 5.0  # s: most time a server may take to see a closed connection
_LARGE = bytes(range(256)) * 32768  # 8 MiB
_TEXT = b"restwell conformance body " * 64  # 1664 bytes
_CODINGS = ("gzip", "deflate", "br", "zstd")


def _compress(coding: str, data: bytes) -> bytes:
    """``data`` compressed with ``coding``; skips when its package is missing."""
    if coding == "gzip":
        return gzip.compress(data)
    if coding == "deflate":
        return zlib.compress(data)
    names = ("brotli", "brotlicffi") if coding == "br" else ("zstandard",)
    for name in names:
        with contextlib.suppress(ImportError):
            module: Any = importlib.import_module(name)
            if coding == "br":
                return module.compress(data)  # type: ignore[no-any-return]  # bytes
            return module.ZstdCompressor().compress(data)  # type: ignore[no-any-return]  # bytes
    pytest.skip(f"Content-Encoding {coding}: install {' or '.join(names)}")


def wait_closed(
    server: FaultServer | TLSTerminator | ForwardProxy | H2Server, what: str
) -> None:
    """
    Wait until ``server`` holds no connection; fail naming ``what`` after 5 s.

    A server sees a client's close at its next read, a moment after the client
    closed: this polls ``open_connections`` every 5 ms, bounded, and never
    asserts a duration.
    """
    deadline = time.monotonic() + _SETTLE
    while server.open_connections and time.monotonic() < deadline:
        time.sleep(0.005)
    left = server.open_connections
    assert left == 0, f"{what} still holds {left} connection(s) after the client closed"


def _refused_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _multipart(boundary: str) -> bytes:
    return (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="field"\r\n\r\n'
            "value\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="a.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + bytes(range(256))
        + f"\r\n--{boundary}--\r\n".encode()
    )


def _open_upload(path: Path) -> IO[bytes]:
    return path.open("rb")


async def _chunks(parts: list[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


class AsyncTransportConformance:
    """
    The conformance checks for an ``AsyncTransport``: subclass to run them.

    Override `make_transport`; declare what the transport lacks with the class
    attributes below, so that a minimal transport still runs the core checks.

    Attributes:
        supports: The client options the transport honours, among ``"verify"``,
            ``"cert"``, ``"proxy"``, ``"http2"``, ``"limits"`` (as
            ``register_transport(supports=...)``); checks of the others are
            skipped. Default none.
        decodes: The ``Content-Encoding`` codings the transport decodes, among
            ``"gzip"``, ``"deflate"``, ``"br"``, ``"zstd"``. Default all four.
        known_differences: Check name (``"test_pool_timeout"``, or with its
            parameter, ``"test_content_encoding[zstd]"``) → why this transport
            differs. Such a check runs as a strict ``xfail``. Default none.
        unstable_checks: Check name → why its outcome on this transport differs
            from run to run (a backend race): such a check is skipped with that
            reason, never run as a flaky test. Default none.

    The suite's own fixtures start every server (function scope): ``server`` and
    ``other_server`` (two origins), ``tls`` (a `TLSTerminator` in front of
    ``server``, with a trustme CA), ``mtls`` (one that requires a client
    certificate), ``proxy`` (a `ForwardProxy`), ``h2_server`` (an `H2Server`:
    TLS offering ``h2`` and ``http/1.1`` by ALPN; skipped without ``h2``). Each
    waits, when its test ends, for its server to hold no connection (5 s at most),
    and fails the test otherwise.
    """

    supports: ClassVar[frozenset[str]] = frozenset()
    decodes: ClassVar[frozenset[str]] = frozenset(_CODINGS)
    known_differences: ClassVar[Mapping[str, str]] = {}
    unstable_checks: ClassVar[Mapping[str, str]] = {}

    # -- what a subclass provides -------------------------------------------------

    def make_transport(self, options: TransportOptions) -> AsyncTransport:
        """
        Build a new transport for one check, configured by ``options``.

        ``options`` holds only what ``supports`` declares (``verify``, ``cert``,
        ``proxy``, ``http2``, ``limits``); the defaults otherwise.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must define make_transport(self, options)"
        )

    def make_transport_with_headers(
        self, headers: Mapping[str, str]
    ) -> AsyncTransport | None:
        """
        A transport whose backend client adds ``headers`` to every request itself.

        For the check that credentials the backend adds (a session's default
        ``Authorization``, its cookies) are not sent to another origin on a
        redirect. Default ``None``: the check is skipped (a transport whose
        backend adds nothing has nothing to strip).
        """
        return None

    def connections_in_use(self, transport: AsyncTransport) -> int | None:
        """
        How many connections ``transport``'s pool holds acquired (not idle).

        Checked after every error and early close: it must be 0. Default
        ``None``: not checked (the servers' counts still are).
        """
        return None

    # -- fixtures -----------------------------------------------------------------

    @pytest.fixture
    def anyio_backend(self) -> str:
        """The checks run on asyncio (aiohttp runs nowhere else)."""
        return "asyncio"

    @pytest.fixture(autouse=True)
    def _known_difference(self, request: pytest.FixtureRequest) -> None:
        node: Any = request.node
        reason = self.known_differences.get(node.name) or self.known_differences.get(
            node.originalname
        )
        unstable = self.unstable_checks.get(node.name) or self.unstable_checks.get(
            node.originalname
        )
        if unstable:
            pytest.skip(f"unstable on {type(self).__name__}: {unstable}")
        if reason:
            node.add_marker(
                pytest.mark.xfail(reason=f"known difference: {reason}", strict=True)
            )

    @pytest.fixture
    def server(self) -> Iterator[FaultServer]:
        """A `FaultServer`; at the end, it must hold no connection."""
        with FaultServer() as server:
            yield server
            wait_closed(server, "the FaultServer")

    @pytest.fixture
    def other_server(self) -> Iterator[FaultServer]:
        """A second `FaultServer`: another origin (another port)."""
        with FaultServer() as server:
            yield server
            wait_closed(server, "the other-origin FaultServer")

    @pytest.fixture
    def local_ca(self, tmp_path: Path) -> LocalCA:
        """A trustme CA with certificates for 127.0.0.1 (skips without trustme)."""
        pytest.importorskip("trustme", reason="TLS checks need trustme")
        return LocalCA(tmp_path)

    @pytest.fixture
    def tls(self, server: FaultServer, local_ca: LocalCA) -> Iterator[TLSTerminator]:
        """``https://`` in front of ``server``, certificate from ``local_ca``."""
        with TLSTerminator(server.port, local_ca.server_context()) as front:
            yield front
            wait_closed(front, "the TLS front")

    @pytest.fixture
    def mtls(self, server: FaultServer, local_ca: LocalCA) -> Iterator[TLSTerminator]:
        """A TLS front that requires a client certificate from ``local_ca``."""
        context = local_ca.server_context(require_client_cert=True)
        with TLSTerminator(server.port, context) as front:
            yield front
            wait_closed(front, "the mutual-TLS front")

    @pytest.fixture
    def h2_server(self, local_ca: LocalCA) -> Iterator[H2Server]:
        """An `H2Server` (HTTP/2 and HTTP/1.1 by ALPN), certified by ``local_ca``."""
        pytest.importorskip("h2", reason='HTTP/2 checks need h2: "restwell[http2]"')
        with H2Server(local_ca.server_context(alpn=("h2", "http/1.1"))) as server:
            yield server
            # A check that caught an error left a reference cycle (the traceback)
            # holding the closed client: pyreqwest closes an HTTP/2 connection
            # that outlives a stream error only when its client is freed.
            gc.collect()
            wait_closed(server, "the HTTP/2 server")
            assert not server.errors, f"invalid HTTP/2 framing: {server.errors}"

    @pytest.fixture
    def proxy(self) -> Iterator[ForwardProxy]:
        """A `ForwardProxy` (CONNECT and absolute-form) to loopback targets."""
        with ForwardProxy() as proxy:
            yield proxy
            wait_closed(proxy, "the proxy")

    # -- helpers --------------------------------------------------------------------

    def client(
        self, options: TransportOptions | None = None, **kwargs: Any
    ) -> AsyncClient:
        """A restwell client over a new transport, retries off unless given."""
        kwargs.setdefault("retry", None)
        transport = self.make_transport(options or TransportOptions())
        return AsyncClient(transport=transport, **kwargs)

    def require(self, option: str) -> None:
        """Skip unless ``option`` is in ``supports``."""
        if option not in self.supports:
            pytest.skip(f"{type(self).__name__}.supports lacks {option!r}")

    def h2_client(self, local_ca: LocalCA, *, http2: bool = True) -> AsyncClient:
        """
        A client trusting ``local_ca``, offering HTTP/2 unless ``http2=False``.

        Skips unless ``supports`` has ``"http2"`` and ``"verify"`` (a transport
        without HTTP/2, such as aiohttp's, has no check of it to pass).
        """
        self.require("http2")
        self.require("verify")
        options = TransportOptions(verify=local_ca.ca_path, http2=http2)
        return self.client(options)

    def assert_released(self, transport: AsyncTransport) -> None:
        """Fail if the transport's pool still holds an acquired connection."""
        held = self.connections_in_use(transport)
        assert held in (None, 0), f"{held} connection(s) left acquired"

    async def raises(
        self,
        expected: type[RestwellError],
        client: AsyncClient,
        url: str,
        *,
        released: bool = True,
        **kwargs: Any,
    ) -> RestwellError:
        """
        GET ``url`` (sent with a secret ``Authorization``), expect ``expected``.

        The error must be exactly that class, name no secret, and leave no
        connection acquired (unless ``released=False``: another request holds
        one).
        """
        with pytest.raises(RestwellError) as caught:
            await client.get(url, headers={"Authorization": SECRET}, **kwargs)
        error = caught.value
        assert type(error) is expected, (
            f"expected {expected.__name__}, got {type(error).__name__}: {error}"
        )
        assert "s3cret" not in str(error)
        if released:
            self.assert_released(client.transport)
        return error

    # -- the transport contract (bare send) -----------------------------------------

    @pytest.mark.anyio
    async def test_send_returns_body_unread(self, server: FaultServer) -> None:
        """``send`` returns the status and headers with the body still unread."""
        server.script("/r", [Step(201, body=_TEXT, headers={"X-Seen": "yes"})])
        transport = self.make_transport(TransportOptions())
        try:
            response = await transport.send(Request("GET", server.url_for("/r")))
            assert response.status_code == 201
            assert response.headers["x-seen"] == "yes"
            assert not response.is_read
            assert await response.aread() == _TEXT
            await response.aclose()
        finally:
            await transport.aclose()

    @pytest.mark.anyio
    async def test_send_does_not_follow_redirects(self, server: FaultServer) -> None:
        """A 3xx comes back as it is: restwell's redirects stage follows it."""
        server.script("/from", [Step(302, headers={"Location": "/to"})])
        transport = self.make_transport(TransportOptions())
        try:
            response = await transport.send(Request("GET", server.url_for("/from")))
            assert response.status_code == 302
            assert response.headers["location"] == "/to"
            await response.aclose()
            assert server.hits("/to") == 0
        finally:
            await transport.aclose()

    @pytest.mark.anyio
    async def test_send_does_not_retry(self, server: FaultServer) -> None:
        """A connection reset is raised after one try: retries live above."""
        server.script("/reset", [Step(fault="reset")])
        transport = self.make_transport(TransportOptions())
        try:
            with pytest.raises(TransportError):
                await transport.send(Request("GET", server.url_for("/reset")))
            assert server.hits("/reset") == 1
            self.assert_released(transport)
        finally:
            await transport.aclose()

    @pytest.mark.anyio
    async def test_close_is_idempotent_and_final(self, server: FaultServer) -> None:
        """``aclose`` twice is fine; a send after it raises a restwell error."""
        transport = self.make_transport(TransportOptions())
        response = await transport.send(Request("GET", server.url_for("/json")))
        await response.aread()
        await transport.aclose()
        await transport.aclose()
        with pytest.raises(RestwellError):
            await transport.send(Request("GET", server.url_for("/json")))

    # -- requests -----------------------------------------------------------------

    @pytest.mark.anyio
    @pytest.mark.parametrize(
        "method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    )
    async def test_methods(self, server: FaultServer, method: str) -> None:
        """Each method reaches the server as given, with its body."""
        body = None if method in ("GET", "DELETE", "OPTIONS") else b"payload"
        async with self.client() as client:
            response = await client.request(
                method, server.url_for("/echo"), content=body
            )
        assert response.status_code == 200
        seen = server.requests("/echo")[-1]
        assert seen.method == method
        assert seen.body == (body or b"")

    @pytest.mark.anyio
    async def test_head_has_no_body(self, server: FaultServer) -> None:
        """HEAD: the headers of a GET (Content-Length), no body read."""
        server.script("/h", [Step(body=_TEXT)])
        async with self.client() as client:
            response = await client.head(server.url_for("/h"))
            again = await client.get(server.url_for("/h"))  # the connection is sound
        assert response.status_code == 200
        assert response.content == b""
        assert response.headers["content-length"] == str(len(_TEXT))
        assert again.content == _TEXT

    @pytest.mark.anyio
    @pytest.mark.parametrize("status", [204, 304])
    async def test_no_body_statuses(self, server: FaultServer, status: int) -> None:
        """204 and 304 carry no body, and the connection is reused after them."""
        server.script("/n", [Step(status)])
        async with self.client() as client:
            response = await client.get(server.url_for("/n"))
            again = await client.get(server.url_for("/json"))
        assert response.status_code == status
        assert response.content == b""
        assert again.json() == {"hello": "world"}

    @pytest.mark.anyio
    async def test_query_multi_values(self, server: FaultServer) -> None:
        """Repeated query parameters arrive in order, percent-encoded."""
        async with self.client() as client:
            await client.get(
                server.url_for("/echo"),
                params=[("a", "1"), ("a", "2"), ("b", "x y&z")],
            )
        assert server.requests("/echo")[-1].path == "/echo?a=1&a=2&b=x+y%26z"

    @pytest.mark.anyio
    async def test_request_header_multi_values(self, server: FaultServer) -> None:
        """A header given twice arrives as two fields, in order."""
        async with self.client() as client:
            await client.get(
                server.url_for("/echo"), headers=[("X-Multi", "1"), ("X-Multi", "2")]
            )
        assert server.requests("/echo")[-1].header("x-multi") == "1, 2"

    @pytest.mark.anyio
    async def test_response_header_multi_values(self, server: FaultServer) -> None:
        """Repeated response fields (Set-Cookie among them) all reach the caller."""
        pairs = [("X-Multi", "1"), ("X-Multi", "2"), ("Set-Cookie", "a=1")]
        pairs.append(("Set-Cookie", "b=2"))
        server.script("/m", [Step(headers=pairs)])
        async with self.client() as client:
            response = await client.get(server.url_for("/m"))
        assert response.headers.get_list("x-multi") == ["1", "2"]
        assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]

    @pytest.mark.anyio
    async def test_json_body(self, server: FaultServer) -> None:
        """``json=`` goes out as UTF-8 JSON with its Content-Type."""
        async with self.client() as client:
            await client.post(server.url_for("/echo"), json={"k": ["v", 1, "é"]})
        seen = server.requests("/echo")[-1]
        assert jsonlib.loads(seen.body) == {"k": ["v", 1, "é"]}
        assert seen.header("content-type") == "application/json"

    @pytest.mark.anyio
    async def test_form_body(self, server: FaultServer) -> None:
        """``data=`` goes out url-encoded, repeated fields kept."""
        async with self.client() as client:
            await client.post(server.url_for("/echo"), data={"a": ["1", "2"], "b": "c"})
        seen = server.requests("/echo")[-1]
        assert seen.body == b"a=1&a=2&b=c"
        assert seen.header("content-type") == "application/x-www-form-urlencoded"

    @pytest.mark.anyio
    async def test_multipart_body(self, server: FaultServer) -> None:
        """A multipart body and its boundary go out byte for byte."""
        body = _multipart("conformance-boundary")
        kind = "multipart/form-data; boundary=conformance-boundary"
        async with self.client() as client:
            await client.post(
                server.url_for("/echo"), content=body, headers={"Content-Type": kind}
            )
        seen = server.requests("/echo")[-1]
        assert seen.body == body
        assert seen.header("content-type") == kind

    @pytest.mark.anyio
    async def test_multipart_files(self, server: FaultServer) -> None:
        """``files=`` with ``data=`` goes out as multipart/form-data (RFC 7578)."""
        blob = bytes(range(256)) * 4
        async with self.client() as client:
            await client.post(
                server.url_for("/echo"),
                data={"field": "value"},
                files={"file": ("a.bin", blob, "application/octet-stream")},
            )
        seen = server.requests("/echo")[-1]
        kind = seen.header("content-type") or ""
        assert kind.startswith("multipart/form-data; boundary=")
        boundary = kind.split("boundary=", 1)[1].strip('"').encode()
        assert seen.body.startswith(b"--" + boundary)
        assert seen.body.rstrip().endswith(b"--" + boundary + b"--")
        assert blob in seen.body
        assert b'name="field"' in seen.body

    @pytest.mark.anyio
    async def test_file_upload(self, server: FaultServer, tmp_path: Path) -> None:
        """An open binary file as ``content=`` is sent whole."""
        path = tmp_path / "upload.bin"
        path.write_bytes(_LARGE[: 256 * 1024])
        async with self.client() as client:
            with _open_upload(path) as file:
                await client.put(server.url_for("/echo"), content=file)
        assert server.requests("/echo")[-1].body == _LARGE[: 256 * 1024]

    @pytest.mark.anyio
    async def test_streaming_request_body(self, server: FaultServer) -> None:
        """An iterator of chunks is sent whole, without a known length."""
        parts = [b"first,", b"", b"second,", b"x" * 70000]
        async with self.client() as client:
            await client.post(server.url_for("/echo"), content=_chunks(parts))
        assert server.requests("/echo")[-1].body == b"".join(parts)

    @pytest.mark.anyio
    async def test_large_request_body(self, server: FaultServer) -> None:
        """An 8 MiB body arrives whole."""
        async with self.client() as client:
            await client.post(server.url_for("/echo"), content=_LARGE)
        assert server.requests("/echo")[-1].body == _LARGE

    # -- responses ----------------------------------------------------------------

    @pytest.mark.anyio
    async def test_large_response_body(self, server: FaultServer) -> None:
        """An 8 MiB body is read whole."""
        server.script("/big", [Step(body=_LARGE)])
        async with self.client() as client:
            response = await client.get(server.url_for("/big"))
        assert response.content == _LARGE

    @pytest.mark.anyio
    async def test_chunked_response(self, server: FaultServer) -> None:
        """A ``Transfer-Encoding: chunked`` body is read whole, framing removed."""
        server.script("/c", [Step(body=_TEXT, chunked=True)])
        async with self.client() as client:
            response = await client.get(server.url_for("/c"))
            again = await client.get(server.url_for("/c"))
        assert response.content == _TEXT
        assert again.content == _TEXT

    @pytest.mark.anyio
    async def test_streaming_response(self, server: FaultServer) -> None:
        """``stream()`` yields the body in chunks that add up to it."""
        server.script("/s", [Step(body=_LARGE[: 1024 * 1024], chunked=True)])
        async with self.client() as client:
            async with client.stream("GET", server.url_for("/s")) as response:
                assert not response.is_read
                chunks = [chunk async for chunk in response.aiter_bytes()]
        assert b"".join(chunks) == _LARGE[: 1024 * 1024]

    @pytest.mark.anyio
    async def test_streaming_response_early_close(self, server: FaultServer) -> None:
        """A streamed body closed after one chunk releases its connection."""
        server.script("/big", [Step(body=_LARGE)])
        async with self.client() as client:
            async with client.stream("GET", server.url_for("/big")) as response:
                async for chunk in response.aiter_bytes():
                    assert chunk
                    break
            self.assert_released(client.transport)
            again = await client.get(server.url_for("/json"))
        assert again.json() == {"hello": "world"}

    @pytest.mark.anyio
    @pytest.mark.parametrize("coding", _CODINGS)
    async def test_content_encoding(self, server: FaultServer, coding: str) -> None:
        """A compressed body comes back decoded (``decodes`` lists the codings)."""
        if coding not in self.decodes:
            pytest.skip(f"{type(self).__name__}.decodes lacks {coding!r}")
        body = _TEXT * 64
        server.script(
            "/z",
            [Step(body=_compress(coding, body), headers={"Content-Encoding": coding})],
        )
        async with self.client() as client:
            response = await client.get(server.url_for("/z"))
        assert response.content == body

    # -- redirects (followed by restwell, above the transport) ----------------------

    @pytest.mark.anyio
    async def test_redirect_followed(self, server: FaultServer) -> None:
        """With ``follow_redirects``, a 302 leads to the target, one hop each."""
        server.script("/from", [Step(302, headers={"Location": "/to"})])
        server.script("/to", [Step(body=b"arrived")])
        async with self.client(follow_redirects=True) as client:
            response = await client.get(server.url_for("/from"))
        assert response.content == b"arrived"
        assert response.url == server.url_for("/to")
        assert (server.hits("/from"), server.hits("/to")) == (1, 1)

    @pytest.mark.anyio
    async def test_redirect_not_followed(self, server: FaultServer) -> None:
        """Without ``follow_redirects`` the 3xx is the answer."""
        server.script("/from", [Step(301, headers={"Location": "/to"})])
        async with self.client() as client:
            response = await client.get(server.url_for("/from"))
        assert response.status_code == 301
        assert server.hits("/to") == 0

    @pytest.mark.anyio
    async def test_max_redirects(self, server: FaultServer) -> None:
        """A redirect loop stops after ``max_redirects`` hops: TooManyRedirects."""
        server.script("/loop", [Step(302, headers={"Location": "/loop"})])
        async with self.client(follow_redirects=True, max_redirects=3) as client:
            with pytest.raises(TooManyRedirects):
                await client.get(server.url_for("/loop"))
            self.assert_released(client.transport)
        assert server.hits("/loop") == 4

    @pytest.mark.anyio
    async def test_redirect_303_turns_post_into_get(self, server: FaultServer) -> None:
        """A 303 after a POST is followed with a GET and no body (RFC 9110 §15.4.4)."""
        server.script("/form", [Step(303, headers={"Location": "/done"})])
        async with self.client(follow_redirects=True) as client:
            await client.post(server.url_for("/form"), content=b"fields")
        seen = server.requests("/done")[-1]
        assert (seen.method, seen.body) == ("GET", b"")
        assert seen.header("content-length") in (None, "0")

    @pytest.mark.anyio
    async def test_cross_origin_redirect_strips_credentials(
        self, server: FaultServer, other_server: FaultServer
    ) -> None:
        """A hop to another origin goes without Authorization and Cookie."""
        target = other_server.url_for("/landing")
        server.script("/away", [Step(302, headers={"Location": target})])
        async with self.client(follow_redirects=True) as client:
            response = await client.get(
                server.url_for("/away"),
                headers={"Authorization": SECRET, "Cookie": "sid=s3cret"},
            )
        assert response.status_code == 404  # the other server has no script
        assert server.requests("/away")[-1].header("authorization") == SECRET
        landed = other_server.requests("/landing")[-1]
        assert landed.header("authorization") is None
        assert landed.header("cookie") is None

    @pytest.mark.anyio
    async def test_cross_origin_redirect_strips_backend_credentials(
        self, server: FaultServer, other_server: FaultServer
    ) -> None:
        """Credentials the backend client adds itself stay with the first origin."""
        transport = self.make_transport_with_headers(
            {"Authorization": SECRET, "Cookie": "sid=s3cret"}
        )
        if transport is None:
            pytest.skip("make_transport_with_headers() gives no transport")
        target = other_server.url_for("/landing")
        server.script("/away", [Step(302, headers={"Location": target})])
        async with AsyncClient(
            transport=transport, retry=None, follow_redirects=True
        ) as client:
            await client.get(server.url_for("/away"))
        assert server.requests("/away")[-1].header("authorization") == SECRET
        landed = other_server.requests("/landing")[-1]
        assert landed.header("authorization") is None
        assert landed.header("cookie") is None

    # -- errors: one class per fault, on every transport ---------------------------

    @pytest.mark.anyio
    async def test_connect_refused(self) -> None:
        """Nothing listening: ConnectError."""
        async with self.client() as client:
            await self.raises(
                ConnectError, client, f"http://127.0.0.1:{_refused_port()}/"
            )

    @pytest.mark.anyio
    async def test_reset_before_response(self, server: FaultServer) -> None:
        """The server resets the connection before answering: ReadError."""
        server.script("/x", [Step(fault="reset")])
        async with self.client() as client:
            await self.raises(ReadError, client, server.url_for("/x"))

    @pytest.mark.anyio
    async def test_closed_before_response(self, server: FaultServer) -> None:
        """The server closes without answering: ProtocolError (as httpx says)."""
        server.script("/x", [Step(fault="close")])
        async with self.client() as client:
            await self.raises(ProtocolError, client, server.url_for("/x"))

    @pytest.mark.anyio
    async def test_reset_mid_body(self, server: FaultServer) -> None:
        """The server resets the connection half-way through the body: ReadError."""
        server.script("/x", [Step(body=_TEXT, fault="reset_mid_body")])
        async with self.client() as client:
            await self.raises(ReadError, client, server.url_for("/x"))

    @pytest.mark.anyio
    async def test_truncated_body(self, server: FaultServer) -> None:
        """The body ends short of its Content-Length: ProtocolError."""
        server.script("/x", [Step(body=_TEXT, fault="truncate")])
        async with self.client() as client:
            await self.raises(ProtocolError, client, server.url_for("/x"))

    @pytest.mark.anyio
    async def test_bad_chunked_framing(self, server: FaultServer) -> None:
        """An invalid chunk-size line: ProtocolError."""
        server.script("/x", [Step(body=_TEXT, fault="bad_chunked")])
        async with self.client() as client:
            await self.raises(ProtocolError, client, server.url_for("/x"))

    @pytest.mark.anyio
    async def test_read_timeout_before_head(self, server: FaultServer) -> None:
        """No response head within the read timeout: ReadTimeout."""
        server.script("/x", [Step(delay=1.0)])
        async with self.client(timeout=Timeout(5.0, read=0.1)) as client:
            await self.raises(ReadTimeout, client, server.url_for("/x"))

    @pytest.mark.anyio
    async def test_read_timeout_mid_body(self, server: FaultServer) -> None:
        """The body stalls past the read timeout: ReadTimeout."""
        server.script("/x", [Step(body=_TEXT, body_delay=1.0)])
        async with self.client(timeout=Timeout(5.0, read=0.1)) as client:
            await self.raises(ReadTimeout, client, server.url_for("/x"))

    @pytest.mark.anyio
    async def test_pool_timeout(self, server: FaultServer) -> None:
        """Every pooled connection busy past the pool timeout: PoolTimeout."""
        self.require("limits")
        options = TransportOptions(limits=Limits(max_connections=1))
        # A body still arriving holds its connection (a small one, read whole
        # into a backend's buffer, may be released before the stream closes).
        server.script("/held", [Step(200, body=b"x" * 4096, body_delay=2.0)])
        async with self.client(options) as client:
            async with client.stream("GET", server.url_for("/held")):
                await self.raises(
                    PoolTimeout,
                    client,
                    server.url_for("/json"),
                    timeout=Timeout(5.0, pool=0.1),
                    released=False,
                )
            self.assert_released(client.transport)
            again = await client.get(server.url_for("/json"))
        assert again.status_code == 200

    # -- TLS ------------------------------------------------------------------------

    @pytest.mark.anyio
    async def test_tls_with_test_ca(
        self, tls: TLSTerminator, local_ca: LocalCA, server: FaultServer
    ) -> None:
        """``verify=<CA bundle>`` trusts a server certificate that CA issued."""
        self.require("verify")
        async with self.client(TransportOptions(verify=local_ca.ca_path)) as client:
            response = await client.get(tls.url_for("/json"))
        assert response.json() == {"hello": "world"}
        assert server.hits("/json") == 1

    @pytest.mark.anyio
    async def test_tls_verification_failure(
        self, tls: TLSTerminator, server: FaultServer
    ) -> None:
        """The system CAs do not trust the test CA: ConnectError, nothing sent."""
        async with self.client() as client:
            await self.raises(ConnectError, client, tls.url_for("/json"))
        assert server.hits() == 0

    @pytest.mark.anyio
    async def test_tls_verify_off(self, tls: TLSTerminator) -> None:
        """``verify=False`` accepts any certificate."""
        self.require("verify")
        async with self.client(TransportOptions(verify=False)) as client:
            response = await client.get(tls.url_for("/json"))
        assert response.status_code == 200

    @pytest.mark.anyio
    async def test_client_certificate(
        self, mtls: TLSTerminator, local_ca: LocalCA
    ) -> None:
        """``cert=`` presents a client certificate the server requires."""
        self.require("cert")
        options = TransportOptions(verify=local_ca.ca_path, cert=local_ca.client_cert)
        async with self.client(options) as client:
            response = await client.get(mtls.url_for("/json"))
        assert response.status_code == 200

    @pytest.mark.anyio
    async def test_client_certificate_missing(
        self, mtls: TLSTerminator, local_ca: LocalCA, server: FaultServer
    ) -> None:
        """A server that requires a certificate refuses the handshake: an error."""
        self.require("verify")
        async with self.client(TransportOptions(verify=local_ca.ca_path)) as client:
            with pytest.raises(TransportError) as caught:
                await client.get(mtls.url_for("/json"))
            self.assert_released(client.transport)
        assert isinstance(caught.value, ConnectError | ReadError | ProtocolError)
        assert server.hits() == 0

    # -- HTTP/2 (an H2Server: TLS, ALPN h2 and http/1.1) ---------------------------

    @pytest.mark.anyio
    async def test_http2_negotiated(
        self, h2_server: H2Server, local_ca: LocalCA
    ) -> None:
        """``http2=True``: ALPN picks ``h2``; a GET and a POST with a body go on it."""
        async with self.h2_client(local_ca) as client:
            got = await client.get(h2_server.url_for("/json"))
            posted = await client.post(h2_server.url_for("/echo"), content=_TEXT)
        assert got.json() == {"hello": "world"}
        assert (posted.content, posted.headers["x-method"]) == (_TEXT, "POST")
        assert (got.http_version, posted.http_version) == ("HTTP/2", "HTTP/2")
        assert [(r.method, r.http_version) for r in h2_server.requests] == [
            ("GET", "HTTP/2"),
            ("POST", "HTTP/2"),
        ]
        assert h2_server.requests[-1].body == _TEXT
        assert h2_server.alpn == ["h2"]

    @pytest.mark.anyio
    async def test_http2_multiplexed(
        self, h2_server: H2Server, local_ca: LocalCA
    ) -> None:
        """Concurrent requests share the open HTTP/2 connection (as streams)."""
        url = h2_server.url_for("/slow?delay=0.3")
        async with self.h2_client(local_ca) as client:
            await client.get(h2_server.url_for("/json"))  # the connection is up
            responses = await agather([lambda: client.get(url)] * 4)
        assert [r.json() for r in responses] == [{"hello": "world"}] * 4
        assert {r.http_version for r in responses} == {"HTTP/2"}
        assert h2_server.connections_accepted == 1, h2_server.alpn
        assert {r.connection for r in h2_server.requests} == {0}

    @pytest.mark.anyio
    async def test_http2_multiplexed_from_cold(
        self, h2_server: H2Server, local_ca: LocalCA
    ) -> None:
        """Concurrent first requests share one connection; none opens its own."""
        url = h2_server.url_for("/slow?delay=0.3")
        async with self.h2_client(local_ca) as client:
            responses = await agather([lambda: client.get(url)] * 4)
        assert [r.json() for r in responses] == [{"hello": "world"}] * 4
        assert {r.http_version for r in responses} == {"HTTP/2"}
        assert h2_server.connections_accepted == 1, h2_server.alpn
        assert {r.connection for r in h2_server.requests} == {0}

    @pytest.mark.anyio
    async def test_http2_streaming_response(
        self, h2_server: H2Server, local_ca: LocalCA
    ) -> None:
        """A 1 MiB body streams over HTTP/2 (flow-control windows refilled)."""
        size = 1024 * 1024
        async with self.h2_client(local_ca) as client:
            url = h2_server.url_for(f"/bytes?size={size}")
            async with client.stream("GET", url) as response:
                assert response.http_version == "HTTP/2"
                assert not response.is_read
                chunks = [chunk async for chunk in response.aiter_bytes()]
            self.assert_released(client.transport)
        assert b"".join(chunks) == (bytes(range(256)) * (size // 256))

    @pytest.mark.anyio
    async def test_http2_off_speaks_http1(
        self, h2_server: H2Server, local_ca: LocalCA
    ) -> None:
        """``http2=False`` (the default) picks ``http/1.1`` from a server with both."""
        async with self.h2_client(local_ca, http2=False) as client:
            response = await client.get(h2_server.url_for("/json"))
        assert response.json() == {"hello": "world"}
        assert response.http_version == "HTTP/1.1"
        assert [r.http_version for r in h2_server.requests] == ["HTTP/1.1"]
        assert h2_server.alpn in (["http/1.1"], [None])

    @pytest.mark.anyio
    async def test_http2_stream_reset_mid_body(
        self, h2_server: H2Server, local_ca: LocalCA
    ) -> None:
        """``RST_STREAM`` mid-body: ReadError, as a reset mid-body on HTTP/1.1."""
        async with self.h2_client(local_ca) as client:
            await self.raises(ReadError, client, h2_server.url_for("/reset_mid_body"))
            again = await client.get(h2_server.url_for("/json"))
        assert again.http_version == "HTTP/2"
        assert h2_server.requests[0].http_version == "HTTP/2"

    @pytest.mark.anyio
    async def test_http2_connection_reset_mid_body(
        self, h2_server: H2Server, local_ca: LocalCA
    ) -> None:
        """A TCP reset of the HTTP/2 connection mid-body: ReadError, as on HTTP/1.1."""
        async with self.h2_client(local_ca) as client:
            url = h2_server.url_for("/tcp_reset_mid_body")
            await self.raises(ReadError, client, url)
        assert [r.http_version for r in h2_server.requests] == ["HTTP/2"]

    # -- proxies --------------------------------------------------------------------

    @pytest.mark.anyio
    async def test_proxy_http_target(
        self, proxy: ForwardProxy, server: FaultServer
    ) -> None:
        """An ``http://`` URL goes through the proxy in absolute form."""
        self.require("proxy")
        async with self.client(TransportOptions(proxy=proxy.url)) as client:
            response = await client.get(server.url_for("/json"))
        assert response.json() == {"hello": "world"}
        assert [(r.method, r.target) for r in proxy.requests] == [
            ("GET", server.url_for("/json"))
        ]
        assert server.hits("/json") == 1

    @pytest.mark.anyio
    async def test_proxy_https_target(
        self, proxy: ForwardProxy, tls: TLSTerminator, local_ca: LocalCA
    ) -> None:
        """An ``https://`` URL goes through a CONNECT tunnel, TLS end to end."""
        self.require("proxy")
        self.require("verify")
        options = TransportOptions(proxy=proxy.url, verify=local_ca.ca_path)
        async with self.client(options) as client:
            response = await client.get(tls.url_for("/json"))
        assert response.json() == {"hello": "world"}
        assert [(r.method, r.target) for r in proxy.requests] == [
            ("CONNECT", f"127.0.0.1:{tls.port}")
        ]
