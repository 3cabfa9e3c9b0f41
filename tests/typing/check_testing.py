"""
Static checks (never executed) of restwell.testing's mock router: mypy and pyright.

Route declarations chain and keep their type, the history is typed, and both
transports fit their protocols.
"""

from __future__ import annotations

import re
from typing import assert_type

import restwell
from restwell.testing import (
    AsyncMockTransport,
    Call,
    CallList,
    MockTransport,
    Route,
)
from restwell.transports import AsyncTransport, Transport


def routes() -> None:
    mock = MockTransport(base_url="https://api.test")
    assert_type(mock.get("/users/{id}"), Route)
    assert_type(mock.get("/u").respond(200, json={"a": 1}), Route)
    assert_type(mock.post("/o", json={"a": 1}).respond_sequence([503, 200]), Route)
    assert_type(mock.route("PUT", re.compile(r".*"), params={"p": [1, 2]}), Route)
    route = mock.delete("/d", side_effect=restwell.ConnectError)
    route.side_effect = [restwell.ConnectError("x"), restwell.Response(200)]
    assert_type(route.calls, CallList)
    assert_type(route.calls.last, Call)
    assert_type(route.called, bool)
    assert_type(route.call_count, int)
    assert_type(mock.calls.last.error, BaseException | None)
    assert_type(mock.requests, list[restwell.Request])
    transport: Transport = mock
    async_transport: AsyncTransport = AsyncMockTransport()
    del transport, async_transport
