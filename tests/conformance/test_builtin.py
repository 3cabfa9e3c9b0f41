"""
The transport conformance suite over every built-in transport in the registry.

One test class per registered transport and form (``TestAsync_httpx``,
``TestSync_httpx``, ``TestAsync_aiohttp``, …), built from ``transport_names()``,
so a transport registered later (pyreqwest, when installed) is checked without an
edit here. Each class declares what its transport lacks (``supports`` from the
registry entry) and its known differences, with reasons (listed in
``docs/transports.md``); where the backend's pool can be read, every error path is
also checked to leave no connection acquired.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from restwell.testing.conformance import (
    AsyncTransportConformance,
    TransportConformance,
)
from restwell.transports import TransportEntry, TransportOptions, transport_names

pytestmark = pytest.mark.network

# (transport name, "async" | "sync") -> check name -> why it differs. Each runs as a
# strict xfail: fixing the transport turns it into a failure until removed here.
_NO_POOL_TIMEOUT = (
    "the backend has no timeout for the wait for a pooled connection of its own: "
    "the wait counts against the connect timeout (aiohttp: ClientTimeout.connect "
    "= pool + connect) or the call's deadline (pyreqwest), so a full pool gives "
    "ConnectTimeout or DeadlineExceeded later, not PoolTimeout after `pool` s"
)
_H2_COLD_BURST = (
    "reqwest (hyper-util's pool) learns a connection is HTTP/2 only once ALPN has "
    "picked h2, so concurrent first requests to an origin may each open a "
    "connection (4 requests: 1 to 4 connections, by timing); once one is up, "
    "later requests share it"
)
KNOWN_DIFFERENCES: dict[tuple[str, str], dict[str, str]] = {
    ("pyreqwest", "async"): {
        "test_pool_timeout": _NO_POOL_TIMEOUT,
    },
    ("pyreqwest", "sync"): {
        "test_pool_timeout": _NO_POOL_TIMEOUT,
    },
    ("aiohttp", "async"): {
        "test_pool_timeout": _NO_POOL_TIMEOUT,
    },
}
# Checks whose outcome on a transport changes from run to run: skipped, with why.
_H2_SYNC_RESET = (
    "httpcore's sync HTTP/2 connection reports a TCP reset mid-body as ReadError, "
    "WriteError (mapped to ReadError) or 'Server disconnected' (ProtocolError, as "
    "a body cut short by FIN), by timing; the async one gives ReadError"
)
UNSTABLE_CHECKS: dict[tuple[str, str], dict[str, str]] = {
    ("httpx", "sync"): {"test_http2_connection_reset_mid_body": _H2_SYNC_RESET},
    ("httpx2", "sync"): {"test_http2_connection_reset_mid_body": _H2_SYNC_RESET},
    ("pyreqwest", "async"): {"test_http2_multiplexed_from_cold": _H2_COLD_BURST},
    ("pyreqwest", "sync"): {"test_http2_multiplexed_from_cold": _H2_COLD_BURST},
    ("aiohttp", "async"): {
        "test_bad_chunked_framing": (
            "about 1 run in 6 aiohttp does not raise on an invalid chunk-size line "
            "and the read hangs until the deadline (30 s)"
        ),
    },
}


# -- reading a backend's pool: connections acquired, not idle ------------------------


def _httpcore_in_use(client: Any) -> int:
    pool = client._transport._pool
    busy = [c for c in pool.connections if not (c.is_idle() or c.is_closed())]
    return len(busy) + len(pool._requests)


def _aiohttp_in_use(transport: Any) -> int:
    session = transport.session
    if session is None or session.connector is None:
        return 0
    return len(session.connector._acquired)


def _in_use(name: str) -> Callable[[Any], int | None]:
    def count(transport: Any) -> int | None:
        if name in ("httpx", "httpx2"):
            return _httpcore_in_use(transport.unwrap())
        if name == "aiohttp":
            return _aiohttp_in_use(transport)
        return None

    return count


# -- a transport whose backend client adds credentials itself ------------------------


def _with_headers(name: str, form: str) -> Callable[[Mapping[str, str]], Any]:
    def make(headers: Mapping[str, str]) -> Any:
        if name in ("httpx", "httpx2"):
            module = importlib.import_module(name)
            if form == "async":
                from restwell.transports import AsyncHttpxTransport

                return AsyncHttpxTransport(module.AsyncClient(headers=dict(headers)))
            from restwell.transports import HttpxTransport

            return HttpxTransport(module.Client(headers=dict(headers)))
        if name == "aiohttp":
            import aiohttp

            from restwell.transports import AiohttpTransport

            session = aiohttp.ClientSession(headers=dict(headers))
            return AiohttpTransport(session, owns_session=True)
        return None

    return make


def _make_class(name: str, entry: TransportEntry, form: str) -> type:
    base = AsyncTransportConformance if form == "async" else TransportConformance
    factory = entry.async_factory if form == "async" else entry.sync_factory
    assert factory is not None
    with_headers = _with_headers(name, form)
    in_use = _in_use(name)

    def make_transport(self: Any, options: TransportOptions) -> Any:
        return factory(options)

    def make_transport_with_headers(self: Any, headers: Mapping[str, str]) -> Any:
        return with_headers(headers)

    def connections_in_use(self: Any, transport: Any) -> int | None:
        return in_use(transport)

    return type(
        f"Test{form.capitalize()}_{name}",
        (base,),
        {
            "__doc__": f"The conformance suite on transport={name!r} ({form}).",
            "__module__": __name__,
            "supports": entry.supports,
            "known_differences": KNOWN_DIFFERENCES.get((name, form), {}),
            "unstable_checks": UNSTABLE_CHECKS.get((name, form), {}),
            "make_transport": make_transport,
            "make_transport_with_headers": make_transport_with_headers,
            "connections_in_use": connections_in_use,
        },
    )


def _installed(name: str) -> bool:
    """Whether the backend package of ``name`` imports (httpx2 is an extra)."""
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


for _name, _entry in sorted(transport_names().items()):
    if not _installed(_name):
        continue
    for _form, _factory in (
        ("async", _entry.async_factory),
        ("sync", _entry.sync_factory),
    ):
        if _factory is not None:
            _cls = _make_class(_name, _entry, _form)
            globals()[_cls.__name__] = _cls


def test_every_builtin_transport_is_checked() -> None:
    """Each registered transport whose package is installed has its classes here."""
    for name, entry in transport_names().items():
        if not _installed(name):
            continue
        if entry.async_factory is not None:
            assert f"TestAsync_{name}" in globals()
        if entry.sync_factory is not None:
            assert f"TestSync_{name}" in globals()


# -- the mock transports: no network, so only the contract checks that apply -------


@pytest.mark.anyio
async def test_async_mock_transport_contract() -> None:
    """AsyncMockTransport: body handed over unread, 3xx not followed, fields kept."""
    from restwell import Request, Response
    from restwell.testing import AsyncMockTransport

    def answer(request: Request) -> Response:
        if request.url.endswith("/from"):
            return Response(302, headers={"Location": "/to"})
        return Response(
            200, headers=[("X-Multi", "1"), ("X-Multi", "2")], content=b"body"
        )

    transport = AsyncMockTransport(answer)
    response = await transport.send(Request("GET", "http://127.0.0.1/x"))
    assert not response.is_read
    assert response.headers.get_list("x-multi") == ["1", "2"]
    assert await response.aread() == b"body"
    redirect = await transport.send(Request("GET", "http://127.0.0.1/from"))
    assert redirect.status_code == 302
    assert [r.url for r in transport.requests] == [
        "http://127.0.0.1/x",
        "http://127.0.0.1/from",
    ]
    await transport.aclose()
    await transport.aclose()


def test_sync_mock_transport_contract() -> None:
    """MockTransport: the same contract, sync."""
    from restwell import Request, Response
    from restwell.testing import MockTransport

    transport = MockTransport(lambda request: Response(302, headers={"Location": "/"}))
    response = transport.send(Request("GET", "http://127.0.0.1/x"))
    assert not response.is_read
    assert response.status_code == 302
    assert response.read() == b""
    transport.close()
    transport.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
