"""
The pyreqwest transport's client-level options and adoption rules (both worlds).

Hand-kept (not generated): each test uses the async and the sync client side by
side. TLS runs for real: a trustme CA, and a one-connection TLS server on 127.0.0.1
in a thread (``tls_server``), which can require a client certificate.
"""

from __future__ import annotations

import socket
import ssl
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyreqwest.client
import pytest
import trustme

import restwell
from restwell.transports import (
    AsyncPyreqwestTransport,
    Limits,
    PyreqwestTransport,
    TransportOptions,
)

pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_pem(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@contextmanager
def tls_server(ca: trustme.CA, *, client_cert: bool = False) -> Iterator[str]:
    """One TLS connection served on 127.0.0.1: 200 "tls ok", or a failed handshake."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    if client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        ca.configure_trust(context)
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = tls.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                tls.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n"
                    b"Connection: close\r\n\r\ntls ok"
                )
        except OSError:  # the client refused our certificate, or we refused its
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        listener.close()
        thread.join(timeout=5)


def test_verify_is_on_by_default(ca: trustme.CA) -> None:
    """A certificate from an unknown CA: ConnectError, never a silent pass."""
    with (
        tls_server(ca) as url,
        restwell.Client(transport="pyreqwest", retry=None) as client,
        pytest.raises(restwell.ConnectError),
    ):
        client.get(url)


def test_verify_a_ca_file(ca: trustme.CA, ca_pem: str) -> None:
    """verify=<CA PEM file>: that CA's certificates are trusted."""
    with (
        tls_server(ca) as url,
        restwell.Client(transport="pyreqwest", verify=ca_pem) as client,
    ):
        assert client.get(url).content == b"tls ok"


@pytest.mark.anyio
async def test_verify_false_async(ca: trustme.CA) -> None:
    """verify=False: any certificate (never in production)."""
    with tls_server(ca) as url:
        async with restwell.AsyncClient(transport="pyreqwest", verify=False) as client:
            assert (await client.get(url)).content == b"tls ok"


@pytest.mark.parametrize("split", [False, True])
def test_a_client_certificate(
    ca: trustme.CA, ca_pem: str, tmp_path: Path, split: bool
) -> None:
    """cert=<PEM with key and chain> or (certfile, keyfile): mutual TLS works."""
    issued = ca.issue_cert("client.example")
    if split:
        certfile, keyfile = tmp_path / "c.pem", tmp_path / "c.key"
        issued.cert_chain_pems[0].write_to_path(str(certfile))
        issued.private_key_pem.write_to_path(str(keyfile))
        cert: Any = (str(certfile), str(keyfile))
    else:
        both = tmp_path / "both.pem"
        issued.private_key_and_cert_chain_pem.write_to_path(str(both))
        cert = str(both)
    with (
        tls_server(ca, client_cert=True) as url,
        restwell.Client(transport="pyreqwest", verify=ca_pem, cert=cert) as client,
    ):
        assert client.get(url).content == b"tls ok"


def test_without_a_client_certificate_the_server_refuses(
    ca: trustme.CA, ca_pem: str
) -> None:
    """The same server without cert=: an error, mapped (the check is not a no-op)."""
    with (
        tls_server(ca, client_cert=True) as url,
        restwell.Client(transport="pyreqwest", verify=ca_pem, retry=None) as client,
        pytest.raises(restwell.TransportError),
    ):
        client.get(url)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"verify": ssl.create_default_context()}, "SSLContext"),
        ({"verify": "."}, "directory"),
        ({"verify": "/nonexistent/ca.pem"}, "cannot read"),
        ({"cert": ("a.pem", "b.key", "pw")}, "encrypted"),
        (
            {"limits": Limits(max_connections=10, max_keepalive_connections=2)},
            "max_keepalive_connections",
        ),
    ],
)
def test_options_pyreqwest_cannot_take_are_refused(
    options: dict[str, Any], match: str
) -> None:
    """Each option pyreqwest cannot map: a ConfigurationError naming it."""
    with pytest.raises(restwell.ConfigurationError, match=match):
        AsyncPyreqwestTransport(options=TransportOptions(**options))
    with pytest.raises(restwell.ConfigurationError, match=match):
        restwell.Client(transport="pyreqwest", **options)


def test_a_file_without_pem_is_refused(tmp_path: Path) -> None:
    not_pem = tmp_path / "x.pem"
    not_pem.write_text("nothing")
    with pytest.raises(restwell.ConfigurationError, match="no PEM"):
        restwell.Client(transport="pyreqwest", verify=str(not_pem))


def test_options_with_a_lent_client_are_refused() -> None:
    """A lent client is configured by its owner: options with it are an error."""
    native = pyreqwest.client.SyncClientBuilder().build()
    with pytest.raises(restwell.ConfigurationError, match="verify="):
        restwell.Client(transport=native, verify=False)
    with pytest.raises(restwell.ConfigurationError, match="options"):
        PyreqwestTransport(native, options=TransportOptions(http2=True))
    native.close()


def test_a_client_of_the_other_world_is_refused() -> None:
    """A sync pyreqwest client for AsyncClient (and back): named, not adopted."""
    with pytest.raises(restwell.ConfigurationError, match=r"restwell\.Client\b"):
        restwell.AsyncClient(transport=pyreqwest.client.SyncClientBuilder().build())
    with pytest.raises(restwell.ConfigurationError, match=r"restwell\.AsyncClient"):
        restwell.Client(transport=pyreqwest.client.ClientBuilder().build())
    with pytest.raises(restwell.ConfigurationError, match="SyncClient"):
        restwell.Client(transport=pyreqwest.client.SyncClientBuilder())
    native: Any = pyreqwest.client.SyncClientBuilder().build()
    with pytest.raises(restwell.ConfigurationError, match=r"pyreqwest\.client\.Client"):
        AsyncPyreqwestTransport(native)


def test_the_registry_entry() -> None:
    """'pyreqwest' has both forms and honours every client-level option."""
    from restwell.transports import transport_names
    from restwell.transports._registry import OPTION_NAMES

    entry = transport_names()["pyreqwest"]
    assert not entry.async_only
    assert entry.supports == OPTION_NAMES


def test_without_pyreqwest_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A missing package: ConfigurationError naming restwell[pyreqwest]."""
    monkeypatch.setitem(sys.modules, "pyreqwest.client", None)
    with pytest.raises(restwell.ConfigurationError, match=r"restwell\[pyreqwest\]"):
        restwell.AsyncClient(transport="pyreqwest")
    with pytest.raises(restwell.ConfigurationError, match=r"restwell\[pyreqwest\]"):
        restwell.Client(transport="pyreqwest")
