"""Cancelling an async call still ends it with exactly one completion event."""

from __future__ import annotations

import anyio
import pytest

import restwell
from restwell.instrumentation import CallFailed, Event
from restwell.testing import FaultServer, Step

pytestmark = pytest.mark.network


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Both async backends."""
    return str(request.param)


@pytest.mark.anyio
async def test_cancelled_call_emits_call_failed(fault_server: FaultServer) -> None:
    """A call cancelled from outside emits CallStarted and one CallFailed."""
    fault_server.script("/slow", [Step(200, delay=5.0)])
    events: list[Event] = []
    async with restwell.AsyncClient(
        base_url=fault_server.url, hooks=[events.append]
    ) as client:
        with anyio.move_on_after(0.3):
            await client.get("/slow")
    kinds = [type(e).__name__ for e in events]
    assert kinds.count("CallStarted") == 1
    failed = [e for e in events if isinstance(e, CallFailed)]
    assert len(failed) == 1
    assert failed[0].reason.startswith("cancelled")
