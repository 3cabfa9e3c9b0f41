"""The sans-IO hedging policy: when to hedge, which outcome ends the call."""

from __future__ import annotations

from datetime import timedelta

import pytest

from restwell import BulkheadFull, ConfigurationError, ConnectError, ReadTimeout
from restwell._config import IDEMPOTENT_METHODS
from restwell._models import Request, Response
from restwell.policies import (
    DEFAULT_HEDGE_DELAY,
    DEFAULT_HEDGE_MAX_ATTEMPTS,
    DEFAULT_RETRY_ON,
    Hedge,
    HedgeState,
    Raise,
    Return,
    Sleep,
    on_status,
)
from restwell.policies._hedge import as_hedge, as_hedge_sync
from restwell.testing import FakeClock


def response(code: int) -> Response[object]:
    request = Request.from_parts("GET", "http://127.0.0.1/x", None, None, None)
    return Response(code, content=b"", request=request)


def test_defaults_follow_design_md_and_polly() -> None:
    """Off unless given; when on: 2 s delay, one extra attempt, idempotent methods."""
    h = Hedge()
    assert (h.delay, h.max_attempts) == (
        DEFAULT_HEDGE_DELAY,
        DEFAULT_HEDGE_MAX_ATTEMPTS,
    )
    assert (h.delay, h.max_attempts) == (2.0, 2)
    assert h.methods == IDEMPOTENT_METHODS
    assert h.hedge_on is DEFAULT_RETRY_ON
    assert Hedge(timedelta(milliseconds=250)).delay == 0.25
    assert Hedge(1, methods=["get", "post"]).methods == {"GET", "POST"}


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"delay": 0}, "Hedge(delay)"),
        ({"delay": -1.0}, "Hedge(delay)"),
        ({"delay": None}, "hedge=None"),
        ({"max_attempts": 1}, "2 sends one hedge"),
        ({"max_attempts": 2.5}, "max_attempts"),
        ({"methods": "GET"}, "collection of method names"),
        ({"methods": [1]}, "collection of method names"),
        ({"hedge_on": lambda o: True}, "must be a predicate"),
    ],
)
def test_bad_arguments_are_refused_with_the_fix(
    kwargs: dict[str, object], words: str
) -> None:
    with pytest.raises(
        ConfigurationError, match=words.replace("(", r"\(").replace(")", r"\)")
    ):
        Hedge(**kwargs)  # type: ignore[arg-type]


def test_only_idempotent_methods_with_a_replayable_body_are_hedged() -> None:
    """RFC 9110 §9.2.2: POST and PATCH are not; an Idempotency-Key does not help."""
    h = Hedge(0.5)
    assert h.start("POST", 0.0, None) is None
    assert h.start("PATCH", 0.0, 10.0) is None
    assert h.start("GET", 0.0, None, replayable_body=False) is None
    state = h.start("GET", 3.0, 10.0)
    assert state == HedgeState(sent=0, in_flight=0, started=3.0, deadline_at=13.0)
    assert Hedge(0.5, methods={"POST"}).start("POST", 0.0, None) is not None


def test_a_slow_first_attempt_is_hedged_after_delay_and_the_first_answer_wins() -> None:
    clock = FakeClock()
    h = Hedge(0.5, max_attempts=3)
    state = h.start("GET", clock.monotonic(), None)
    assert state is not None
    assert h.sent(state, clock.monotonic()) == 1
    assert h.due(state) == 0.5
    clock.advance(0.5)
    assert h.sent(state, clock.monotonic()) == 2
    assert h.due(state) == 1.0
    clock.advance(0.2)
    # attempt 2 answers first: the call ends, attempt 1 is left to be cancelled
    assert h.next(state, response(200), clock.monotonic()) == Return("success")
    assert state.in_flight == 1
    assert h.due(state) is None  # stopped: nothing more on the timer


def test_a_final_4xx_is_the_answer_and_not_hedged() -> None:
    h = Hedge(0.5)
    state = h.start("GET", 0.0, None)
    assert state is not None
    h.sent(state, 0.0)
    decision = h.next(state, response(404), 0.1)
    assert decision == Return("status 404 is final")
    assert not decision.gave_up


def test_the_last_attempt_sent_schedules_nothing_more() -> None:
    h = Hedge(0.5, max_attempts=2)
    state = h.start("GET", 0.0, None)
    assert state is not None
    h.sent(state, 0.0)
    h.sent(state, 0.5)
    assert h.due(state) is None


def test_no_hedge_is_scheduled_at_or_past_the_deadline() -> None:
    h = Hedge(0.5, max_attempts=3)
    state = h.start("GET", 0.0, 0.5)
    assert state is not None
    h.sent(state, 0.0)
    assert h.due(state) is None  # 0.0 + 0.5 is the deadline itself


def test_a_hedgeable_failure_sends_the_next_attempt_at_once() -> None:
    """gRPC's hedging policy: a non-fatal status skips the rest of the delay."""
    h = Hedge(2.0, max_attempts=3)
    state = h.start("GET", 0.0, None)
    assert state is not None
    h.sent(state, 0.0)
    assert h.next(state, response(503), 0.1) == Sleep(
        0.0, "status 503; hedging at once"
    )
    h.sent(state, 0.1)
    assert h.next(state, ReadTimeout("slow"), 0.2) == Sleep(
        0.0, "ReadTimeout; hedging at once"
    )
    h.sent(state, 0.2)
    assert h.due(state) is None


def test_every_attempt_failing_returns_or_raises_the_last_outcome() -> None:
    h = Hedge(0.5)
    state = h.start("GET", 0.0, None)
    assert state is not None
    h.sent(state, 0.0)
    h.sent(state, 0.5)
    assert h.next(state, response(503), 0.6) is None  # attempt 1 is still out
    decision = h.next(state, response(502), 0.7)
    assert decision == Return("status 502; all 2 hedged attempts failed", gave_up=True)
    state = h.start("GET", 0.0, None)
    assert state is not None
    h.sent(state, 0.0)
    h.sent(state, 0.5)
    assert h.next(state, response(503), 0.6) is None
    assert h.next(state, ConnectError("refused"), 0.7) == Raise(
        "ConnectError; all 2 hedged attempts failed", gave_up=True
    )


def test_a_failure_after_the_deadline_sends_nothing_more() -> None:
    h = Hedge(0.5, max_attempts=3)
    state = h.start("GET", 0.0, 1.0)
    assert state is not None
    h.sent(state, 0.0)
    assert h.next(state, response(503), 1.0) == Return(
        "status 503; all 1 hedged attempt failed", gave_up=True
    )


def test_an_error_that_is_not_hedgeable_ends_the_call_at_once() -> None:
    h = Hedge(0.5, hedge_on=on_status(503))
    state = h.start("GET", 0.0, None)
    assert state is not None
    h.sent(state, 0.0)
    h.sent(state, 0.5)
    assert h.next(state, ConnectError("refused"), 0.6) == Raise(
        "ConnectError is not hedged: the call ends"
    )


def test_a_refused_hedge_stops_hedging_while_others_are_in_flight() -> None:
    """A bulkhead or breaker refusing attempt 2 unsent does not end the call."""
    h = Hedge(0.5, max_attempts=3)
    state = h.start("GET", 0.0, None)
    assert state is not None
    h.sent(state, 0.0)
    h.sent(state, 0.5)
    assert (
        h.next(state, BulkheadFull("full", max_concurrent=1, max_queued=0), 0.5) is None
    )
    assert h.due(state) is None
    assert h.next(state, response(200), 0.7) == Return("success")
    # refused with nothing else in flight: the refusal is the outcome
    state = h.start("GET", 0.0, None)
    assert state is not None
    h.sent(state, 0.0)
    assert h.next(
        state, BulkheadFull("full", max_concurrent=1, max_queued=0), 0.0
    ) == Raise("BulkheadFull is not hedged: the call ends")


def test_a_veto_stops_hedging_and_the_attempts_in_flight_still_race() -> None:
    h = Hedge(0.5, max_attempts=3)
    state = h.start("GET", 0.0, None)
    assert state is not None
    h.sent(state, 0.0)
    assert h.stop(state, None, "vetoed") is None  # on the timer: attempt 1 is out
    assert h.due(state) is None
    assert h.next(state, response(200), 0.7) == Return("success")
    # a veto after a failure, nothing in flight: the failure is final
    state = h.start("GET", 0.0, None)
    assert state is not None
    h.sent(state, 0.0)
    assert h.next(state, response(503), 0.1) == Sleep(
        0.0, "status 503; hedging at once"
    )
    assert h.stop(state, response(503), "hedge vetoed by budget") == Return(
        "hedge vetoed by budget; all 1 hedged attempt failed", gave_up=True
    )
    # once stopped, a later send schedules nothing and a failure sends nothing
    state = h.start("GET", 0.0, None)
    assert state is not None
    h.sent(state, 0.0)
    h.sent(state, 0.5)
    h.stop(state, None, "vetoed")
    h.sent(state, 0.6)
    assert h.due(state) is None
    assert h.next(state, response(503), 0.7) is None


def test_the_async_client_takes_a_hedge_and_the_sync_client_refuses_one() -> None:
    h = Hedge()
    assert as_hedge(h, "hedge") is h
    assert as_hedge(None, "hedge") is None
    with pytest.raises(
        ConfigurationError, match=r"hedge=2.0 must be restwell\.policies\.Hedge"
    ):
        as_hedge(2.0, "hedge")
    assert as_hedge_sync(None, "hedge") is None
    with pytest.raises(ConfigurationError, match=r"use restwell\.AsyncClient"):
        as_hedge_sync(h, "hedge")
