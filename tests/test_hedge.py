"""
Hedging over real sockets: the async ``hedge`` stage against FaultServer on 127.0.0.1.

Hand-written, async only (hedging has no sync form; the sync client refuses it, tested
here too). A middleware just above the transport sends attempt n to ``/h/{n}``, so
which attempt is slow does not depend on which request reaches the server first.
Timing is read from a FakeClock (exact), or bounded from below on the real clock (a
sleep never ends early); nothing asserts an upper bound tighter than the slow step.
After each race the losers' connections are counted at the server, and on asyncio
the tasks left are counted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import anyio
import pytest
import sniffio

import restwell
from restwell import (
    BulkheadFull,
    ConfigurationError,
    DeadlineExceeded,
    NetworkError,
    Request,
    Response,
    StreamConsumed,
)
from restwell.instrumentation import (
    CallFailed,
    Event,
    HedgeSent,
    HedgeWon,
    RequestSent,
)
from restwell.middleware import AsyncHandler, place
from restwell.policies import (
    Bulkhead,
    CircuitBreaker,
    Hedge,
    Retry,
    RetryBudget,
    Sleep,
    Veto,
    on_status,
)
from restwell.testing import AsyncMockTransport, FakeClock, FaultServer, Step

pytestmark = pytest.mark.network

SLOW = 1.0  # s the slow step waits before answering (the loser is cancelled first)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Hedging runs on asyncio and on trio (anyio task groups)."""
    return str(request.param)


async def by_attempt(request: Request, call_next: AsyncHandler) -> Response:
    """Send attempt n to ``/h/{n}``: each attempt's step is scripted on its own."""
    request.url = request.url.replace("/h", f"/h/{request.attempt}", 1)
    return await call_next(request)


ROUTE = place(by_attempt, before="transport")


async def until(condition: Callable[[], bool]) -> None:
    """Wait (polling, at most 10 s) until ``condition()`` holds: no timing guess."""
    with anyio.fail_after(10):
        while not condition():  # noqa: ASYNC110 - polls a plain attribute
            await anyio.sleep(0.005)


def tasks() -> int:
    """Tasks alive now on asyncio (-1 on trio, whose nurseries cannot leak)."""
    if sniffio.current_async_library() == "asyncio":
        return len(asyncio.all_tasks())
    return -1


@pytest.mark.anyio
@pytest.mark.parametrize("transport", ["httpx", "default"])
async def test_a_fast_hedge_wins_and_the_slow_attempt_is_cancelled(
    fault_server: FaultServer, transport: str
) -> None:
    """Real clock: attempt 2 is sent after the delay and wins; 1 is cancelled."""
    fault_server.script("/h/1", [Step(200, body="slow", delay=SLOW)])
    fault_server.script("/h/2", [Step(200, body="fast")])
    events: list[Event] = []
    before = tasks()
    async with restwell.AsyncClient(
        hedge=Hedge(0.05),
        middleware=[ROUTE],
        hooks=[events.append],
        **({} if transport == "default" else {"transport": transport}),
    ) as client:
        response = await client.get(fault_server.url_for("/h"))
        assert tasks() == before  # no attempt or timer task left behind
        assert response.text == "fast"
        first, second = response.attempts
        assert (first.number, second.number) == (1, 2)
        assert first.status_code is None
        assert first.reason == "cancelled: attempt 2 ended the call"
        assert (second.status_code, second.reason) == (200, "success")
        assert second.started >= 0.05  # sent after the delay, not before
        assert response.elapsed >= 0.05
        assert response.elapsed < SLOW  # did not wait for the slow attempt
        assert fault_server.hits("/h/1") == fault_server.hits("/h/2") == 1
        # the loser's connection was closed, not pooled: only the winner's stays
        await until(lambda: fault_server.open_connections == 1)
    await until(lambda: fault_server.open_connections == 0)
    sent = [e for e in events if isinstance(e, HedgeSent)]
    assert [(e.attempt, e.reason.startswith("no answer after")) for e in sent] == [
        (2, True)
    ]
    assert sent[0].delay >= 0.05
    won = [e for e in events if isinstance(e, HedgeWon)]
    assert [(e.attempt, e.sent, e.cancelled) for e in won] == [(2, 2, 1)]
    assert won[0].response is response


@pytest.mark.anyio
async def test_on_a_fake_clock_the_hedge_leaves_exactly_after_the_delay(
    fault_server: FaultServer,
) -> None:
    """The delay is waited on the client's clock: attempt 2 starts at 0.5 s sharp."""
    clock = FakeClock()
    fault_server.script("/h/1", [Step(200, body="slow", delay=SLOW)])
    fault_server.script("/h/2", [Step(200, body="fast")])
    async with restwell.AsyncClient(
        transport="httpx", clock=clock, hedge=Hedge(0.5), middleware=[ROUTE]
    ) as client:
        response = await client.get(fault_server.url_for("/h"))
    assert response.text == "fast"
    assert [a.started for a in response.attempts] == pytest.approx([0.0, 0.5])
    assert response.elapsed == pytest.approx(0.5)


@pytest.mark.anyio
async def test_a_first_answer_before_the_delay_sends_no_hedge(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/h/1", [Step(200, body="one")])
    events: list[Event] = []
    async with restwell.AsyncClient(
        transport="httpx",
        hedge=Hedge(5.0),
        middleware=[ROUTE],
        hooks=[events.append],
    ) as client:
        before = tasks()
        response = await client.get(fault_server.url_for("/h"))
        assert tasks() == before
    assert response.text == "one"
    assert [(a.number, a.reason) for a in response.attempts] == [(1, "success")]
    assert not [e for e in events if isinstance(e, HedgeSent | HedgeWon)]
    assert fault_server.hits() == 1


@pytest.mark.anyio
async def test_a_failed_attempt_is_hedged_at_once_and_the_next_answer_wins(
    fault_server: FaultServer,
) -> None:
    """gRPC: a non-fatal status sends the next attempt without waiting the delay."""
    clock = FakeClock()
    fault_server.script("/h/1", [Step(503)])
    fault_server.script("/h/2", [Step(200, body="ok")])
    events: list[Event] = []
    async with restwell.AsyncClient(
        transport="httpx",
        clock=clock,
        hedge=Hedge(30.0),
        middleware=[ROUTE],
        hooks=[events.append],
    ) as client:
        response = await client.get(fault_server.url_for("/h"))
    assert response.text == "ok"
    assert [(a.status_code, a.reason) for a in response.attempts] == [
        (503, "status 503; hedging at once"),
        (200, "success"),
    ]
    assert response.elapsed == 0.0  # the 30 s delay was never waited
    sent = [e for e in events if isinstance(e, HedgeSent)]
    assert [(e.attempt, e.delay) for e in sent] == [(2, 0.0)]


@pytest.mark.anyio
async def test_when_every_attempt_fails_the_last_response_is_returned(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/h/1", [Step(503, delay=SLOW)])
    fault_server.script("/h/2", [Step(502)])
    async with restwell.AsyncClient(
        transport="httpx", hedge=Hedge(0.01), middleware=[ROUTE]
    ) as client:
        response = await client.get(fault_server.url_for("/h"))
        # under raise_for_status the same ending raises, as after retries; a long
        # delay: 1 fails, then 2 is sent at once and fails last
        fault_server.script("/h/1", [Step(503)])
        with pytest.raises(restwell.HTTPStatusError) as info:
            await client.get(
                fault_server.url_for("/h"),
                raise_for_status=True,
                policies={"hedge": Hedge(30.0)},
            )
    assert response.status_code == 503  # attempt 1 finished last
    assert [a.status_code for a in response.attempts] == [503, 502]
    assert response.attempts[0].reason == "status 503; all 2 hedged attempts failed"
    assert info.value.status_code == 502
    await until(lambda: fault_server.open_connections == 0)


@pytest.mark.anyio
async def test_when_every_attempt_fails_the_last_error_carries_every_attempt(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/h/1", [Step(fault="reset", delay=SLOW)])
    fault_server.script("/h/2", [Step(fault="reset")])
    async with restwell.AsyncClient(
        transport="httpx", hedge=Hedge(0.01), middleware=[ROUTE]
    ) as client:
        with pytest.raises(NetworkError) as info:
            await client.get(fault_server.url_for("/h"))
    err = info.value
    assert [a.number for a in err.attempts] == [1, 2]
    assert all(a.error is not None for a in err.attempts)
    assert err.attempts[0].error is err  # attempt 1 failed last
    assert any("gave up after 2 attempts" in n for n in err.__notes__)
    assert fault_server.hits("/h/1") == fault_server.hits("/h/2") == 1


@pytest.mark.anyio
async def test_an_error_that_is_not_hedgeable_ends_the_call_and_cancels_the_rest(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/h/1", [Step(200, delay=SLOW)])
    fault_server.script("/h/2", [Step(fault="reset")])
    async with restwell.AsyncClient(
        transport="httpx",
        hedge=Hedge(0.01, hedge_on=on_status(503)),
        middleware=[ROUTE],
    ) as client:
        before = tasks()
        with pytest.raises(NetworkError) as info:
            await client.get(fault_server.url_for("/h"))
        assert tasks() == before
    assert [a.number for a in info.value.attempts] == [1, 2]
    assert info.value.attempts[0].reason == "cancelled: attempt 2 ended the call"
    await until(lambda: fault_server.open_connections == 0)


@pytest.mark.anyio
async def test_attempts_count_on_across_a_redirect_hop(
    fault_server: FaultServer,
) -> None:
    """The hop after a redirect numbers attempts 2 and 3; call middleware sees all."""
    fault_server.script("/start", [Step(302, headers={"Location": "/h"})])
    fault_server.script("/h/2", [Step(503)])
    fault_server.script("/h/3", [Step(200, body="ok")])
    seen: list[list[int]] = []

    async def watch(request: Request, call_next: AsyncHandler) -> Response:
        response = await call_next(request)
        seen.append([a.number for a in response.attempts])
        return response

    async with restwell.AsyncClient(
        transport="httpx",
        hedge=Hedge(30.0),  # only a failure hedges: no timing involved
        follow_redirects=True,
        middleware=[ROUTE, place(watch, after="call")],
    ) as client:
        response = await client.get(fault_server.url_for("/start"))
    assert response.text == "ok"
    assert [(a.number, a.status_code, a.reason) for a in response.attempts] == [
        (1, 302, f"redirect 302 followed to {fault_server.url_for('/h')}"),
        (2, 503, "status 503; hedging at once"),
        (3, 200, "success"),
    ]
    assert seen == [[1, 2, 3]]


@pytest.mark.anyio
async def test_post_is_not_hedged_and_takes_the_retry_road(
    fault_server: FaultServer,
) -> None:
    """A non-idempotent request is sent once, as without a hedge."""
    fault_server.script("/h/1", [Step(200, body="created", delay=0.2)])
    events: list[Event] = []
    async with restwell.AsyncClient(
        transport="httpx",
        hedge=Hedge(0.01),
        middleware=[ROUTE],
        hooks=[events.append],
    ) as client:
        response = await client.post(fault_server.url_for("/h"), json={"a": 1})
    assert response.text == "created"
    assert fault_server.hits() == 1
    assert not [e for e in events if isinstance(e, HedgeSent)]


@pytest.mark.anyio
async def test_cancelling_the_call_mid_hedge_leaks_no_task_or_connection(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/h/1", [Step(200, delay=SLOW)])
    fault_server.script("/h/2", [Step(200, delay=SLOW)])
    events: list[Event] = []
    async with restwell.AsyncClient(
        transport="httpx",
        hedge=Hedge(0.01),
        middleware=[ROUTE],
        hooks=[events.append],
    ) as client:
        before = tasks()
        async with anyio.create_task_group() as tg:
            tg.start_soon(client.get, fault_server.url_for("/h"))
            await until(lambda: fault_server.hits() == 2)  # both attempts are out
            tg.cancel_scope.cancel()
        assert tasks() == before
        failed = [e for e in events if isinstance(e, CallFailed)]
        assert len(failed) == 1
        assert failed[0].reason.startswith("cancelled")
        # the client still works, and nothing of the cancelled race is pooled
        fault_server.script("/h/1", [Step(200, body="again")])
        assert (await client.get(fault_server.url_for("/h"))).text == "again"
        await until(lambda: fault_server.open_connections == 1)
    await until(lambda: fault_server.open_connections == 0)


@pytest.mark.anyio
async def test_the_deadline_bounds_the_whole_race(fault_server: FaultServer) -> None:
    fault_server.script("/h/1", [Step(200, delay=SLOW)])
    fault_server.script("/h/2", [Step(200, delay=SLOW)])
    async with restwell.AsyncClient(
        transport="httpx", hedge=Hedge(0.01), middleware=[ROUTE], deadline=0.2
    ) as client:
        before = tasks()
        with pytest.raises(DeadlineExceeded) as info:
            await client.get(fault_server.url_for("/h"))
        assert tasks() == before
    assert sorted(a.number for a in info.value.attempts) == [1, 2]
    assert fault_server.hits() == 2
    await until(lambda: fault_server.open_connections == 0)


@pytest.mark.anyio
async def test_a_streamed_call_races_until_the_response_head(
    fault_server: FaultServer,
) -> None:
    """With ``stream()``, the first head wins; the caller reads its body."""
    fault_server.script("/h/1", [Step(200, body="slow", delay=SLOW)])
    fault_server.script("/h/2", [Step(200, body="x" * 10_000, body_delay=0.05)])
    async with restwell.AsyncClient(
        transport="httpx", hedge=Hedge(0.05), middleware=[ROUTE]
    ) as client:
        async with client.stream("GET", fault_server.url_for("/h")) as response:
            assert response.status_code == 200
            assert [a.number for a in response.attempts] == [1, 2]
            body = await response.aread()
        assert body == b"x" * 10_000
        await until(lambda: fault_server.open_connections == 1)
    await until(lambda: fault_server.open_connections == 0)


@pytest.mark.anyio
async def test_a_streamed_failure_that_lost_is_closed(
    fault_server: FaultServer,
) -> None:
    """A 503 head that is not the answer is closed at once, not left in the pool."""
    fault_server.script("/h/1", [Step(503, body="y" * 10_000, body_delay=SLOW)])
    fault_server.script("/h/2", [Step(200, body="ok")])
    async with restwell.AsyncClient(
        transport="httpx", hedge=Hedge(5.0), middleware=[ROUTE]
    ) as client:
        async with client.stream("GET", fault_server.url_for("/h")) as response:
            assert (await response.aread()) == b"ok"
        await until(lambda: fault_server.open_connections == 1)
    assert [a.status_code for a in response.attempts] == [503, 200]


@pytest.mark.anyio
async def test_per_call_policies_turn_hedging_on_and_off(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/h/1", [Step(503)])
    fault_server.script("/h/2", [Step(200)])
    url = fault_server.url_for("/h")
    async with restwell.AsyncClient(
        transport="httpx", middleware=[ROUTE], retry=Retry(1)
    ) as client:
        assert (await client.get(url)).status_code == 503  # no hedge, no retry
        response = await client.get(url, policies={"hedge": Hedge(1.0)})
        assert [a.status_code for a in response.attempts] == [503, 200]
        with pytest.raises(ConfigurationError, match=r"must be restwell\.policies"):
            await client.get(url, policies={"hedge": 0.5})
    async with restwell.AsyncClient(
        transport="httpx", middleware=[ROUTE], retry=Retry(1), hedge=Hedge(1.0)
    ) as client:
        response = await client.get(url, policies={"hedge": None})
        assert [a.status_code for a in response.attempts] == [503]


@pytest.mark.anyio
async def test_a_service_passes_a_hedge_through_its_policies(
    fault_server: FaultServer,
) -> None:
    """Service options reach the client as ``policies``; a sync binding refuses."""
    fault_server.script("/h/1", [Step(503)])
    fault_server.script("/h/2", [Step(200, json={"id": 7})])
    svc = restwell.Service(
        "api",
        fault_server.url,
        resources=[restwell.Resource("/h", handlers=[restwell.H("GET", "")])],
        policies={"hedge": Hedge(1.0)},
    )
    async with restwell.AsyncClient(
        transport="httpx", middleware=[ROUTE], retry=Retry(1)
    ) as client:
        response = await svc.bind(client).h.get("")
    assert response.json() == {"id": 7}
    assert [a.status_code for a in response.attempts] == [503, 200]
    with (
        restwell.Client(transport="httpx") as sync_client,
        pytest.raises(ConfigurationError, match=r"use restwell\.AsyncClient"),
    ):
        svc.bind(sync_client).h.get("")


@pytest.mark.anyio
async def test_each_hedge_goes_through_the_attempt_stages(
    fault_server: FaultServer,
) -> None:
    """A bulkhead of 1 counts the hedge and refuses it; attempt 1 still answers."""
    bulkhead = Bulkhead(1)
    fault_server.script("/h/1", [Step(200, body="one", delay=0.3)])
    async with restwell.AsyncClient(
        transport="httpx", hedge=Hedge(0.01), bulkhead=bulkhead, middleware=[ROUTE]
    ) as client:
        response = await client.get(fault_server.url_for("/h"))
    assert response.text == "one"
    first, second = response.attempts
    assert (first.number, first.status_code, first.reason) == (1, 200, "success")
    assert isinstance(second.error, BulkheadFull)
    assert fault_server.hits("/h/2") == 0  # refused before it was sent
    assert (bulkhead.in_use, bulkhead.queued) == (0, 0)


@pytest.mark.anyio
async def test_up_to_max_attempts_are_sent_one_delay_apart(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/h/1", [Step(200, body="one", delay=SLOW)])
    fault_server.script("/h/2", [Step(200, body="two", delay=SLOW)])
    fault_server.script("/h/3", [Step(200, body="three")])
    events: list[Event] = []
    async with restwell.AsyncClient(
        transport="httpx",
        hedge=Hedge(0.05, max_attempts=3),
        middleware=[ROUTE],
        hooks=[events.append],
    ) as client:
        before = tasks()
        response = await client.get(fault_server.url_for("/h"))
        assert tasks() == before
    assert response.text == "three"
    assert [a.reason for a in response.attempts] == [
        "cancelled: attempt 3 ended the call",
        "cancelled: attempt 3 ended the call",
        "success",
    ]
    assert response.attempts[2].started >= response.attempts[1].started + 0.05
    assert [e.attempt for e in events if isinstance(e, HedgeSent)] == [2, 3]
    assert [(e.sent, e.cancelled) for e in events if isinstance(e, HedgeWon)] == [
        (3, 2)
    ]
    await until(lambda: fault_server.open_connections == 0)


@pytest.mark.anyio
async def test_a_closed_breaker_lets_the_hedge_through(
    fault_server: FaultServer,
) -> None:
    """The breaker reviews each hedge as a retry gate; a closed one allows it."""
    fault_server.script("/h/1", [Step(503)])
    fault_server.script("/h/2", [Step(200)])
    async with restwell.AsyncClient(
        transport="httpx",
        circuit_breaker=CircuitBreaker(),
        hedge=Hedge(30.0),
        retry_gates=[AllowAll()],
        middleware=[ROUTE],
    ) as client:
        response = await client.get(fault_server.url_for("/h"))
    assert [a.status_code for a in response.attempts] == [503, 200]


@pytest.mark.anyio
async def test_a_response_that_lost_a_close_race_is_closed() -> None:
    """Attempt 2 answers and wakes attempt 1: both come back, 1's body is closed."""
    release = anyio.Event()
    heads: dict[int, Response] = {}

    async def server(request: Request) -> Response:
        if request.attempt == 1:
            await release.wait()
        else:
            release.set()
        return Response(200, content=b"from %d" % request.attempt)

    async def keep(request: Request, call_next: AsyncHandler) -> Response:
        heads[request.attempt] = response = await call_next(request)
        return response

    async with (
        restwell.AsyncClient(
            transport=AsyncMockTransport(server),
            clock=FakeClock(),
            hedge=Hedge(0.5),
            middleware=[place(keep, before="transport")],
        ) as client,
        client.stream("GET", "http://127.0.0.1/x") as response,
    ):
        winner = response.attempts[-1].number
        assert await response.aread() == b"from %d" % winner
    loser = heads[3 - winner]
    with pytest.raises(StreamConsumed):
        await loser.aread()  # closed unread, its connection released


@pytest.mark.anyio
async def test_a_spent_retry_budget_vetoes_a_hedge(fault_server: FaultServer) -> None:
    """Each hedged call is a deposit; a hedge is a withdrawal the budget may refuse."""
    budget = RetryBudget(ratio=0.0, min_retries_per_second=0.01)  # 0.1 per window
    fault_server.script("/h/1", [Step(503)])
    async with restwell.AsyncClient(
        transport="httpx",
        clock=FakeClock(),
        hedge=Hedge(30.0),
        retry_budget=budget,
        middleware=[ROUTE],
    ) as client:
        response = await client.get(fault_server.url_for("/h"))
    assert response.status_code == 503
    assert "retry budget exhausted" in (response.attempts[0].reason or "")
    assert fault_server.hits("/h/2") == 0
    origin = fault_server.url_for("/").rstrip("/")
    assert budget.balance(origin, 0.0).requests == 1


class AllowAll:
    """A retry gate that allows every retry (and hedge) unchanged."""

    def review(
        self, retry: Sleep, *, request: Request, attempt: int, now: float
    ) -> Sleep | Veto:
        return retry


class NoHedges:
    """A retry gate that vetoes everything (as an exhausted retry budget would)."""

    name = "no-hedges"

    def review(
        self, retry: Sleep, *, request: Request, attempt: int, now: float
    ) -> Sleep | Veto:
        return Veto("budget exhausted")


@pytest.mark.anyio
async def test_a_retry_gate_can_veto_a_hedge(fault_server: FaultServer) -> None:
    clock = FakeClock()
    fault_server.script("/h/1", [Step(200, body="one", delay=0.1)])
    events: list[Event] = []
    async with restwell.AsyncClient(
        transport="httpx",
        clock=clock,
        hedge=Hedge(0.01),
        retry_gates=[NoHedges()],
        middleware=[ROUTE],
        hooks=[events.append],
    ) as client:
        response = await client.get(fault_server.url_for("/h"))
        fault_server.script("/h/1", [Step(503)])  # a failure would hedge at once
        failed = await client.get(
            fault_server.url_for("/h"), policies={"hedge": Hedge(30.0)}
        )
    assert response.text == "one"
    assert fault_server.hits("/h/2") == 0
    assert not [e for e in events if isinstance(e, HedgeSent)]
    assert [e.attempt for e in events if isinstance(e, RequestSent)] == [1, 1]
    assert failed.status_code == 503
    assert failed.attempts[0].reason == (
        "hedge vetoed by no-hedges: budget exhausted; all 1 hedged attempt failed"
    )


def test_the_sync_client_refuses_a_hedge_and_names_the_async_client(
    fault_server: FaultServer,
) -> None:
    with pytest.raises(ConfigurationError, match=r"use restwell\.AsyncClient"):
        restwell.Client(hedge=Hedge())
    with restwell.Client(transport="httpx") as client:
        with pytest.raises(ConfigurationError, match=r"use restwell\.AsyncClient"):
            client.get(fault_server.url_for("/json"), policies={"hedge": Hedge()})
        response = client.get(fault_server.url_for("/json"), policies={"hedge": None})
        assert response.status_code == 200
    assert fault_server.hits() == 1
