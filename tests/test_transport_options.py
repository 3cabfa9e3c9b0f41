"""Client-level connection options: verify=, cert=, proxy=, http2=, limits=."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest

import restwell
from restwell.transports import (
    Limits,
    TransportOptions,
    register_transport,
    ssl_context,
    transport_names,
)
from restwell.transports._registry import _REGISTRY


def test_limits_validate() -> None:
    assert Limits().keepalive == 100
    assert Limits(max_connections=10, max_keepalive_connections=2).keepalive == 2
    for bad in (
        {"max_connections": 0},
        {"max_connections": True},
        {"max_connections": 1.5},
        {"max_keepalive_connections": -1},
        {"keepalive_expiry": 0},
        {"keepalive_expiry": "5"},
    ):
        with pytest.raises(restwell.ConfigurationError, match="Limits"):
            Limits(**bad)  # type: ignore[arg-type]


def test_options_validate_and_report_given() -> None:
    assert TransportOptions().given() == ()
    given = TransportOptions(verify=False, proxy="http://127.0.0.1:1", http2=True)
    assert given.given() == ("verify", "proxy", "http2")
    with pytest.raises(restwell.ConfigurationError, match="verify="):
        TransportOptions(verify=1)  # type: ignore[arg-type]
    with pytest.raises(restwell.ConfigurationError, match="cert="):
        TransportOptions(cert=("a",))  # type: ignore[arg-type]
    with pytest.raises(restwell.ConfigurationError, match="proxy="):
        TransportOptions(proxy="127.0.0.1:3128")
    with pytest.raises(restwell.ConfigurationError, match="http2="):
        TransportOptions(http2="yes")  # type: ignore[arg-type]
    with pytest.raises(restwell.ConfigurationError, match="limits="):
        TransportOptions(limits=(1, 2))  # type: ignore[arg-type]


def test_ssl_context_forms(tmp_path: Path) -> None:
    default = ssl_context(TransportOptions())
    assert default.verify_mode is ssl.CERT_REQUIRED
    assert default.check_hostname
    off = ssl_context(TransportOptions(verify=False))
    assert off.verify_mode is ssl.CERT_NONE
    assert not off.check_hostname
    own = ssl.create_default_context()
    assert ssl_context(TransportOptions(verify=own)) is own
    with pytest.raises(restwell.ConfigurationError, match="load the client cert"):
        ssl_context(TransportOptions(verify=own, cert="c.pem"))
    missing = tmp_path / "nope.pem"
    with pytest.raises(restwell.ConfigurationError, match="cannot load this CA"):
        ssl_context(TransportOptions(verify=str(missing)))
    with pytest.raises(restwell.ConfigurationError, match="client certificate") as err:
        ssl_context(TransportOptions(cert=(str(missing), str(missing), "hunter2")))
    assert "hunter2" not in str(err.value)


def test_httpx_gets_the_options() -> None:
    client = restwell.Client(
        verify=False, limits=Limits(max_connections=7, max_keepalive_connections=3)
    )
    native = client.unwrap()
    assert isinstance(native, httpx.Client)
    pool = native._transport._pool  # type: ignore[attr-defined]  # httpcore's pool
    assert pool._max_connections == 7
    assert pool._max_keepalive_connections == 3
    assert pool._ssl_context.verify_mode is ssl.CERT_NONE
    client.close()


@pytest.mark.anyio
async def test_async_httpx_gets_the_options() -> None:
    async with restwell.AsyncClient(
        transport="httpx", limits=Limits(max_connections=5)
    ) as client:
        native = client.unwrap()
        assert isinstance(native, httpx.AsyncClient)
        assert native._transport._pool._max_connections == 5  # type: ignore[attr-defined]


def test_unsupported_option_names_the_transports_that_support_it() -> None:
    register_transport(
        "bare-test",
        sync_factory=lambda options: restwell.testing.MockTransport(
            lambda r: restwell.Response(200, request=r)
        ),
    )
    try:
        with pytest.raises(
            restwell.ConfigurationError,
            match=r"proxy= is not supported by transport='bare-test'.*'httpx'",
        ):
            restwell.Client(transport="bare-test", proxy="http://127.0.0.1:1")
        restwell.Client(transport="bare-test").close()  # no option: fine
    finally:
        del _REGISTRY["bare-test"]
    assert "bare-test" not in transport_names()


def test_options_with_a_transport_object_are_refused() -> None:
    mock = restwell.testing.MockTransport(lambda r: restwell.Response(200, request=r))
    with pytest.raises(restwell.ConfigurationError, match="verify= given with"):
        restwell.Client(transport=mock, verify=False)
    with pytest.raises(restwell.ConfigurationError, match="http2=, limits= given"):
        restwell.Client(transport=httpx.Client(), http2=True, limits=Limits())


def test_unknown_supports_name_is_refused() -> None:
    with pytest.raises(restwell.ConfigurationError, match="not client options"):
        register_transport("x-test", sync_factory=lambda o: None, supports={"tls"})  # type: ignore[arg-type,return-value]


def test_unwrap_without_backend_client() -> None:
    mock = restwell.testing.MockTransport(lambda r: restwell.Response(200, request=r))
    with (
        restwell.Client(transport=mock) as client,
        pytest.raises(restwell.ConfigurationError, match="no unwrap"),
    ):
        client.unwrap()


@pytest.mark.parametrize("backend", ["httpx", "httpx2"])
def test_owned_httpx_pool_keeps_every_connection_alive(backend: str) -> None:
    # restwell's own pool limits (AsyncHttpxTransport, "Pool limits"), not httpx's
    # Limits(100, 20), which churns connections beyond 20 in flight.
    for client in (
        restwell.Client(transport=backend),
        restwell.AsyncClient(transport=backend),
    ):
        pool = client.unwrap()._transport._pool  # type: ignore[attr-defined]
        assert pool._max_connections == 100
        assert pool._max_keepalive_connections == 100
        assert pool._keepalive_expiry == 5.0
        if isinstance(client, restwell.Client):
            client.close()  # the async one opened nothing: no socket to close


def test_lent_and_configured_httpx_pools_are_left_alone() -> None:
    lent = httpx.Client()
    with restwell.Client(transport=lent) as client:
        assert client.unwrap() is lent
        assert lent._transport._pool._max_keepalive_connections == 20  # type: ignore[attr-defined]
    lent.close()
    with restwell.Client(
        limits=Limits(max_connections=8, max_keepalive_connections=2)
    ) as client:
        pool = client.unwrap()._transport._pool  # type: ignore[attr-defined]
        assert (pool._max_connections, pool._max_keepalive_connections) == (8, 2)
    own = restwell.transports.HttpxTransport(limits=httpx.Limits(max_connections=3))
    assert own.client._transport._pool._max_connections == 3  # type: ignore[union-attr]
    own.close()
