"""http2=: what happens without h2, on a transport without HTTP/2, and error mapping."""

from __future__ import annotations

import sys
from collections.abc import Callable

import httpx
import pytest

import restwell
from restwell._httpx_errors import map_httpx_error
from restwell.transports import AsyncHttpxTransport, HttpxTransport

_EXTRA = 'pip install "restwell[http2]"'


@pytest.mark.parametrize(
    "make",
    [
        lambda: restwell.Client(http2=True),
        lambda: restwell.Client(transport="httpx2", http2=True),
        lambda: restwell.AsyncClient(transport="httpx", http2=True),
        lambda: restwell.AsyncClient(transport="httpx2", http2=True),
        lambda: AsyncHttpxTransport(http2=True),
        lambda: HttpxTransport(backend="httpx2", http2=True),
    ],
    ids=["Client", "Client-httpx2", "AsyncClient", "AsyncClient-httpx2", "A", "S"],
)
def test_http2_without_h2_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, make: Callable[[], object]
) -> None:
    """No h2: a ConfigurationError naming the extra, not httpx's ImportError."""
    monkeypatch.setitem(sys.modules, "h2", None)  # `import h2` raises ImportError
    with pytest.raises(restwell.ConfigurationError) as info:
        make()
    assert _EXTRA in str(info.value)
    assert "http2=True" in str(info.value)
    assert info.value.__cause__ is None  # not chained to the ImportError


def test_http2_false_needs_no_h2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without http2=True nothing asks for h2."""
    monkeypatch.setitem(sys.modules, "h2", None)
    restwell.Client(transport="httpx").close()


def test_aiohttp_refuses_http2_naming_the_transports_that_have_it() -> None:
    """aiohttp has no HTTP/2 client: the error names every transport that has."""
    with pytest.raises(restwell.ConfigurationError) as info:
        restwell.AsyncClient(transport="aiohttp", http2=True)
    message = str(info.value)
    assert "http2= is not supported by transport='aiohttp'" in message
    for name in ("'httpx'", "'httpx2'", "'pyreqwest'"):
        assert name in message


def test_h2_server_needs_h2(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test server names the extra too."""
    import ssl

    from restwell.testing.conformance import H2Server

    monkeypatch.setitem(sys.modules, "h2", None)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with pytest.raises(restwell.ConfigurationError, match=r"restwell\[http2\]"):
        H2Server(context)


def test_stream_reset_is_a_read_error() -> None:
    """httpcore's RST_STREAM report (RemoteProtocolError) maps to ReadError."""
    request = restwell.Request("GET", "https://127.0.0.1:1/x")
    reset = httpx.RemoteProtocolError(
        "<StreamReset stream_id:1, error_code:2, remote_reset:True>"
    )
    mapped = map_httpx_error(reset, request)
    assert type(mapped) is restwell.ReadError
    assert "RST_STREAM" in str(mapped)
    closed = map_httpx_error(httpx.RemoteProtocolError("Server disconnected"), request)
    assert type(closed) is restwell.ProtocolError
