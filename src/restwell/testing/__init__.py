"""
Test helpers for code that calls HTTP APIs through restwell (guide: docs/testing.md).

- `FaultServer`: a scriptable HTTP/1.1 server on 127.0.0.1, port 0, injecting faults
  (resets, truncated bodies, bad chunking, invalid JSON, delays, Retry-After values).
- `Step`: one scripted response of a `FaultServer`.
- `RecordedRequest` / `RequestLog`: one request a `FaultServer` received / all of them
  (`server.requests`, list-like).
- `FakeClock`: a clock whose sleeps advance it instantly; pass it as `clock=`.
- `MockTransport` / `AsyncMockTransport`: answer requests from declared routes
  (`MockRouter`, `Route`) or with a function, with call history (`Call`,
  `CallList`); `NoRouteMatched` / `RouteExhausted` when a request finds no answer.
- A pytest plugin (`restwell.testing.pytest_plugin`, registered as ``restwell``):
  fixtures `fault_server`, `fake_clock`, `mock_transport`, `async_mock_transport`.
"""

from restwell._clock import FakeClock
from restwell._mock_router import (
    Call,
    CallList,
    MockRouter,
    NoRouteMatched,
    Route,
    RouteExhausted,
)
from restwell._public import set_public_module
from restwell.testing._fault_server import (
    FaultServer,
    RecordedRequest,
    RequestLog,
    Step,
)
from restwell.transports import AsyncMockTransport, MockTransport

__all__ = [
    "AsyncMockTransport",
    "Call",
    "CallList",
    "FakeClock",
    "FaultServer",
    "MockRouter",
    "MockTransport",
    "NoRouteMatched",
    "RecordedRequest",
    "RequestLog",
    "Route",
    "RouteExhausted",
    "Step",
]

set_public_module(globals())
