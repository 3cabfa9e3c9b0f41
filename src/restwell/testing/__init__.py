"""
Test helpers for code that calls HTTP APIs through restwell.

- `FaultServer`: a scriptable HTTP/1.1 server on 127.0.0.1, port 0, injecting faults
  (resets, truncated bodies, bad chunking, invalid JSON, delays, Retry-After values).
- `Step`: one scripted response of a `FaultServer`.
- `RecordedRequest`: one request a `FaultServer` received.
- `FakeClock`: a clock whose sleeps advance it instantly; pass it as `clock=`.
- `MockTransport` / `AsyncMockTransport`: answer requests with a function (pure logic
  only).
"""

from restwell._clock import FakeClock
from restwell._public import set_public_module
from restwell.testing._fault_server import FaultServer, RecordedRequest, Step
from restwell.transports import AsyncMockTransport, MockTransport

__all__ = [
    "AsyncMockTransport",
    "FakeClock",
    "FaultServer",
    "MockTransport",
    "RecordedRequest",
    "Step",
]

set_public_module(globals())
