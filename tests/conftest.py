"""
Shared fixtures: loopback servers and the guards every test runs under.

- ``fault_server`` (and ``fake_clock``, ``mock_transport``, ``async_mock_transport``):
  from restwell's own pytest plugin, ``restwell.testing.pytest_plugin``: one
  ``FaultServer`` per session, reset per test. The suite uses the plugin as users do,
  but loads it here (``pytest_plugins``) rather than through its ``pytest11`` entry
  point (turned off in pyproject.toml with ``-p no:restwell``): pytest loads entry
  points before pytest-cov starts, and importing the plugin imports restwell.
- ``httpbin_url``: the httpbin app (PyPI package) served by werkzeug on 127.0.0.1.
- ``json_server``: json-server 0.17 (npm) on 127.0.0.1, one per test module.
- autouse guards: no connection to any address but loopback; no proxy or SSL
  variables from the environment.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from restwell.testing import FakeClock

pytest_plugins = ["restwell.testing.pytest_plugin"]

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _check_address(address: Any) -> None:
    if isinstance(address, tuple) and address:
        host = address[0]
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            if host != "localhost":
                raise OSError(
                    f"test tried to connect to non-loopback host {host!r}"
                ) from None
            return
        if not ip.is_loopback:
            raise OSError(f"test tried to connect to non-loopback address {host!r}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check_address(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check_address(address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    """Fail any connect to an address other than 127.0.0.0/8 or ::1."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


_ENV = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proxy and TLS variables from the machine never reach a test (httpx does this)."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock: sleeps advance it at once."""
    return FakeClock()


@pytest.fixture(scope="session")
def httpbin_url() -> Iterator[str]:
    """httpbin served by werkzeug's threaded server on 127.0.0.1, port 0."""
    import httpbin
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, httpbin.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="httpbin", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _redis_binary() -> str | None:
    found = shutil.which("redis-server")
    if found is None:
        for path in ("/usr/bin/redis-server", "/usr/sbin/redis-server"):
            if os.access(path, os.X_OK):
                return path
    return found


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_server() -> Iterator[int]:
    """
    A private redis-server on 127.0.0.1 (one per session, so per xdist worker).

    No persistence (``--save '' --appendonly no``); stopped at the end. Yields its
    port. Skips only when no redis-server binary exists (``make test`` installs
    Debian's ``redis-server``).
    """
    binary = _redis_binary()
    if binary is None:
        pytest.skip("redis-server is not installed (make test installs it)")
    port = _free_port()
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        end = time.monotonic() + 10
        while not _redis_ping(port):
            if proc.poll() is not None or time.monotonic() > end:
                raise RuntimeError(f"redis-server did not start on port {port}")
            time.sleep(0.02)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def redis_port(redis_server: int) -> int:
    """The session's redis-server, emptied (FLUSHALL) before the test."""
    with socket.create_connection(("127.0.0.1", redis_server), timeout=5) as sock:
        sock.sendall(b"FLUSHALL\r\nCONFIG RESETSTAT\r\n")
        data = b""
        while data.count(b"\r\n") < 2:
            data += sock.recv(64)
    return redis_server


@pytest.fixture(params=["memory", "redis"])
def traffic_store(request: pytest.FixtureRequest) -> Iterator[Any]:
    """
    ``None`` (the policy's in-memory store), then a ``RedisStore`` on the session's
    redis-server, driven by the test's clock (``_caller_clock``): the store-level
    rate and circuit tests run against both. Checks no pooled connection is left
    in use, and closes the client.
    """
    if request.param == "memory":
        yield None
        return
    import redis

    from restwell.stores import RedisStore

    port = request.getfixturevalue("redis_port")
    client = redis.Redis(
        host="127.0.0.1", port=port, socket_timeout=5, socket_connect_timeout=5
    )
    store = RedisStore(sync_client=client, prefix=f"test{os.getpid()}:")
    store._caller_clock = True
    try:
        yield store
        assert store.in_use() == 0
    finally:
        store.close()
        client.close()


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (trio runs in tests marked for it)."""
    return "asyncio"


os.environ.setdefault("RESTWELL_TESTING", "1")


JSON_SERVER = Path(__file__).parent / "servers/node_modules/json-server/lib/cli/bin.js"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], limit: float) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def json_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """
    json-server 0.17 (npm, installed by `make test`) on 127.0.0.1, one per module.

    Its db: 25 users (``id``, ``name``, ``email``) and 3 posts of user 1. Tests
    that create or change records use their own ids, so order does not matter.
    """
    node = shutil.which("node")
    if node is None or not JSON_SERVER.exists():
        pytest.fail(
            "json-server is not installed: run `make test` (it runs "
            "`npm ci --prefix tests/servers`)"
        )
    db = tmp_path_factory.mktemp("json-server") / "db.json"
    db.write_text(
        json.dumps(
            {
                "users": [
                    {"id": i, "name": f"user{i}", "email": f"user{i}@example.test"}
                    for i in range(1, 26)
                ],
                "posts": [
                    {"id": i, "userId": 1, "title": f"post {i}"} for i in range(1, 4)
                ],
            }
        )
    )
    for _ in range(3):  # the free port may be taken before json-server binds it
        port = _free_port()
        proc = subprocess.Popen(
            [
                node,
                str(JSON_SERVER),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--quiet",
                str(db),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _wait_for_port(port, proc, 20.0):
            break
        proc.kill()
        proc.wait()
    else:
        pytest.fail("json-server did not start on 127.0.0.1")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
