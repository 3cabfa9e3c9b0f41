"""What only the sync world has: module-level functions, sync-only argument checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import BaseModel

import restwell
from restwell.instrumentation import Event
from restwell.testing import FakeClock, FaultServer, MockTransport, Step

pytestmark = pytest.mark.network


def test_module_level_get_retries(fault_server: FaultServer) -> None:
    """restwell.get retries a 503 on its own short-lived client."""
    fault_server.script("/m", [Step(503), Step(200, json={"ok": True})])
    r = restwell.get(
        fault_server.url_for("/m"),
        retry=restwell.Retry(backoff=restwell.Constant(0.01)),
    )
    assert r.json() == {"ok": True}
    assert len(r.attempts) == 2


@pytest.mark.parametrize(
    "method", ["get", "post", "put", "patch", "delete", "head", "options"]
)
def test_module_level_methods(fault_server: FaultServer, method: str) -> None:
    """Every module-level method sends its verb."""
    r = getattr(restwell, method)(fault_server.url_for("/echo"))
    assert r.status_code == 200
    assert fault_server.requests("/echo")[-1].method == method.upper()


@pytest.mark.anyio
async def test_module_level_async_functions(fault_server: FaultServer) -> None:
    """restwell.aget and friends are the async module-level twins."""
    r = await restwell.aget(fault_server.url_for("/json"))
    assert r.data == {"hello": "world"}
    r = await restwell.arequest("POST", fault_server.url_for("/echo"), json={"a": 1})
    assert r.json()["body"] == '{"a":1}'


class Hello(BaseModel):
    hello: str


def test_module_level_model(fault_server: FaultServer) -> None:
    """model= decodes the body, as on a client."""
    r = restwell.get(fault_server.url_for("/json"), model=Hello)
    assert r.data == Hello(hello="world")
    listed = restwell.request(
        "GET", fault_server.url_for("/json"), model=dict[str, str]
    )
    assert listed.data == {"hello": "world"}


def test_module_level_client_settings(fault_server: FaultServer) -> None:
    """timeout/deadline/retry/raise_for_status configure the short-lived client."""
    fault_server.script("/s", [Step(503), Step(503)])
    r = restwell.get(fault_server.url_for("/s"), retry=None, timeout=5.0, deadline=9.0)
    assert len(r.attempts) == 1
    with pytest.raises(restwell.HTTPStatusError):
        restwell.get(fault_server.url_for("/s"), retry=None, raise_for_status=True)


def test_module_level_unset_means_default(fault_server: FaultServer) -> None:
    """UNSET client settings take a new client's defaults, as the options type says."""
    fault_server.script("/u", [Step(404)])
    unset = restwell.UNSET
    r = restwell.get(
        fault_server.url_for("/u"),
        timeout=unset,
        deadline=unset,
        retry=unset,
        raise_for_status=unset,
    )
    assert r.status_code == 404  # not raised: raise_for_status defaults to False
    assert len(r.attempts) == 1  # 404 is not retryable under the default Retry()


def test_module_level_rejects_unknown_options() -> None:
    """A misspelt option is refused at run time too (and is a type error)."""
    with pytest.raises(restwell.ConfigurationError, match="retries"):
        restwell.get("http://127.0.0.1:9/", retries=3)  # type: ignore[call-overload]


@pytest.mark.anyio
async def test_module_level_async_model(fault_server: FaultServer) -> None:
    """restwell.aget(model=...) decodes the body too."""
    r = await restwell.aget(fault_server.url_for("/json"), model=Hello)
    assert r.data == Hello(hello="world")


def test_sync_client_refuses_async_hooks() -> None:
    """An async hook in a sync Client is a configuration error naming the fix."""

    async def hook(event: Event) -> None:
        return None

    with pytest.raises(restwell.ConfigurationError, match="AsyncClient"):
        restwell.Client(hooks=[hook])


def test_sync_client_refuses_async_bodies(fault_server: FaultServer) -> None:
    """An async iterable body in a sync Client is a configuration error."""

    async def body() -> AsyncIterator[bytes]:
        yield b"x"

    with (
        restwell.Client() as client,
        pytest.raises(restwell.ConfigurationError, match="async"),
    ):
        client.post(fault_server.url_for("/echo"), content=body())


def test_sync_client_refuses_async_httpx_client() -> None:
    """Passing an httpx.AsyncClient to the sync Client names the right class."""
    import httpx

    with pytest.raises(restwell.ConfigurationError, match=r"httpx\.Client"):
        restwell.Client(transport=httpx.AsyncClient())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"transport": "carrier-pigeon"}, "transport='carrier-pigeon'"),
        ({"transport": object()}, "send"),
        ({"base_url": "ftp://x"}, "base_url"),
        ({"deadline": -1}, "deadline"),
        ({"timeout": "fast"}, "Timeout"),
        ({"retry": 3}, "retry=3"),
        ({"max_redirects": -1}, "max_redirects"),
        ({"middleware": [42]}, "middleware"),
        ({"hooks": [42]}, "hook"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, Any], match: str) -> None:
    """Each bad client argument raises ConfigurationError naming it."""
    with pytest.raises(restwell.ConfigurationError, match=match):
        restwell.Client(**kwargs)


def test_unbounded_retry_warns() -> None:
    """max_attempts=None with no deadline retries forever, so it warns."""
    with pytest.warns(RuntimeWarning, match="forever"):
        restwell.Client(retry=restwell.Retry(max_attempts=None), deadline=None)


def test_fake_clock_in_sync_client(fault_server: FaultServer) -> None:
    """The sync client waits through the injected clock."""
    clock = FakeClock()
    fault_server.script("/w", [Step(503, retry_after=3), Step(200)])
    with restwell.Client(base_url=fault_server.url, clock=clock) as client:
        client.get("/w")
    assert clock.sleeps == [3.0]


def test_sync_client_refuses_async_only_transports() -> None:
    """A transport registered without a sync form is refused, naming AsyncClient."""
    from restwell.transports import register_transport, transport_names

    class Toy:
        async def send(self, request: restwell.Request) -> restwell.Response:
            raise NotImplementedError

        async def aclose(self) -> None:
            return None

    register_transport(
        "toy-async-only", async_factory=lambda options: Toy(), replace=True
    )
    assert transport_names()["toy-async-only"].async_only
    with pytest.raises(restwell.ConfigurationError, match="AsyncClient"):
        restwell.Client(transport="toy-async-only")
    assert isinstance(restwell.AsyncClient(transport="toy-async-only").transport, Toy)
    with pytest.raises(restwell.ConfigurationError, match="AsyncClient"):
        restwell.Client(transport=Toy())


def test_async_client_refuses_sync_transports() -> None:
    """A sync transport object given to AsyncClient is refused, naming Client."""
    transport = restwell.testing.MockTransport(lambda r: restwell.Response(200))
    with pytest.raises(restwell.ConfigurationError, match=r"restwell\.Client"):
        restwell.AsyncClient(transport=transport)


def test_sync_mock_transport_refuses_async_handlers() -> None:
    """MockTransport's handler must be sync: an async one is an error naming the fix."""

    async def handler(request: restwell.Request) -> restwell.Response:
        return restwell.Response(200)

    transport = MockTransport(handler)
    with pytest.raises(restwell.ConfigurationError, match="AsyncMockTransport"):
        transport.send(restwell.Request("GET", "http://127.0.0.1/"))


def test_httpx_client_of_the_other_kind_names_the_restwell_client() -> None:
    """An httpx client of the other kind names the restwell client to use (11)."""
    import httpx

    with pytest.raises(restwell.ConfigurationError, match=r"restwell\.Client"):
        restwell.AsyncClient(transport=httpx.Client())
    with pytest.raises(restwell.ConfigurationError, match=r"restwell\.AsyncClient"):
        restwell.Client(transport=httpx.AsyncClient())
