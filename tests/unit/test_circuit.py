"""The sans-IO circuit breaker: every rule, with a fake clock (no sockets, no sleep)."""

from __future__ import annotations

import math
import threading
from datetime import timedelta
from typing import Any

import pytest

from restwell import CallContext, CallOptions, CircuitOpenError, ConfigurationError
from restwell._exceptions import (
    ConnectError,
    PolicyError,
    ProtocolError,
    ReadError,
    ReadTimeout,
)
from restwell._models import Request, Response
from restwell.policies import (
    DEFAULT_CIRCUIT_FAILURE,
    Admission,
    CircuitBreaker,
    CircuitChange,
    CircuitGate,
    CircuitStatus,
    Refusal,
    Sleep,
    Veto,
    on_exception,
    on_status,
    origin_key,
)
from restwell.policies._circuit import CIRCUIT_ATTEMPT
from restwell.testing import FakeClock

K = "http://127.0.0.1:8080"
FAIL = Response(503)
OK = Response(200)


def junk(value: object) -> Any:
    """Pass a deliberately ill-typed argument past the type checker."""
    return value


def admit(breaker: CircuitBreaker, now: float, key: str = K) -> Admission:
    verdict = breaker.allow(key, now)
    assert isinstance(verdict, Admission), verdict
    return verdict


def run(breaker: CircuitBreaker, outcome: Any, now: float) -> CircuitChange | None:
    """One attempt at ``now``: admitted, then its outcome recorded."""
    return breaker.record(admit(breaker, now), outcome, now)


def test_defaults_are_pollys() -> None:
    """Ratio 0.1 over 30 s, 100 calls minimum, 5 s break, one probe (Polly v8)."""
    b = CircuitBreaker()
    assert (b.failure_ratio, b.window, b.min_throughput) == (0.1, 30.0, 100)
    assert (b.break_duration, b.break_growth, b.half_open_probes) == (5.0, 1.0, 1)
    assert b.consecutive_failures is None
    assert b.failure is DEFAULT_CIRCUIT_FAILURE
    assert b.key is origin_key
    assert repr(b) == (
        "CircuitBreaker(failure_ratio=0.1, window=30, min_throughput=100, "
        "break_duration=5, half_open_probes=1)"
    )
    both = CircuitBreaker(consecutive_failures=3, window=timedelta(minutes=1))
    assert "window=60" in repr(both)
    assert "consecutive_failures=3" in repr(both)
    only = CircuitBreaker(failure_ratio=None, consecutive_failures=3)
    assert repr(only).startswith("CircuitBreaker(consecutive_failures=3,")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"failure_ratio": 0}, "failure_ratio=0"),
        ({"failure_ratio": 1.5}, "(0, 1]"),
        ({"failure_ratio": "10%"}, "failure_ratio='10%'"),
        ({"failure_ratio": None}, "could never open"),
        ({"window": 0}, "window"),
        ({"min_throughput": 0}, "min_throughput"),
        ({"consecutive_failures": 0}, "consecutive_failures"),
        ({"break_duration": -1}, "break_duration"),
        ({"break_growth": 0.5}, "break_growth=0.5"),
        ({"break_growth": math.inf}, "break_growth=inf"),
        ({"max_break_duration": 1.0}, "below break_duration"),
        ({"half_open_probes": 0}, "half_open_probes"),
        ({"failure": 503}, "failure=503"),
        ({"key": "host"}, "key='host'"),
        ({"on_state_change": 1}, "on_state_change=1"),
        ({"clock": object()}, "no monotonic()"),
        ({"buckets": 0}, "buckets"),
    ],
)
def test_bad_configuration_is_refused_with_a_clear_message(
    kwargs: dict[str, Any], words: str
) -> None:
    with pytest.raises(ConfigurationError, match=None) as info:
        CircuitBreaker(**junk(kwargs))
    assert words in str(info.value)


def test_origin_key_is_scheme_host_and_port_without_credentials() -> None:
    def key(url: str) -> str:
        return origin_key(Request("GET", url))

    assert key("http://127.0.0.1:8080/a/b?c=1") == K
    assert key("https://api.example.test") == "https://api.example.test"
    assert key("http://user:secret@127.0.0.1:8080/x") == K
    assert key("http://127.0.0.1:8080?q=1") == K
    assert key("http://u:p@127.0.0.1:8080?q=@") == K


def test_origin_key_remembers_a_bounded_number_of_urls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from restwell.policies import _circuit

    monkeypatch.setattr(_circuit, "_ORIGINS", {})
    monkeypatch.setattr(_circuit, "_ORIGINS_MAX", 3)
    for i in range(5):
        url = f"http://127.0.0.1:{9000 + i}"
        assert origin_key(Request("GET", f"{url}/x")) == url
        assert len(_circuit._ORIGINS) <= 3
    assert (
        origin_key(Request("GET", "http://127.0.0.1:8084/x")) == "http://127.0.0.1:8084"
    )


@pytest.mark.parametrize(
    ("outcome", "failed"),
    [
        (Response(500), True),
        (Response(503), True),
        (Response(599), True),
        (Response(408), True),
        (Response(429), True),
        (Response(200), False),
        (Response(404), False),
        (Response(499), False),
        (ConnectError("refused"), True),
        (ReadTimeout("slow"), True),
        (ReadError("reset"), True),
        (ProtocolError("garbage"), True),
        (ValueError("a bug of the caller"), False),
    ],
)
def test_what_counts_as_a_failure_by_default(outcome: Any, failed: bool) -> None:
    """5xx, 408, 429 and every transport error (aresilient never counted those)."""
    assert CircuitBreaker().is_failure(outcome) is failed


def test_the_inlined_default_agrees_with_the_default_predicate() -> None:
    b = CircuitBreaker()
    for status in range(100, 600):
        expected = DEFAULT_CIRCUIT_FAILURE(Response(status))
        assert b.is_failure(Response(status)) is expected, status


def test_a_custom_predicate_decides_for_errors_too() -> None:
    b = CircuitBreaker(failure=on_exception(ValueError) | on_status(200))
    assert b.is_failure(ValueError("bad"))
    assert not b.is_failure(ConnectError("refused"))
    assert b.is_failure(Response(200))
    assert not b.is_failure(Response(503))


def test_a_4xx_other_than_408_and_429_never_counts_whatever_the_predicate() -> None:
    b = CircuitBreaker(failure=on_status(404, 503, 429), consecutive_failures=1)
    assert not b.is_failure(Response(404))
    assert b.is_failure(Response(429))
    assert run(b, Response(404), 0.0) is None
    assert b.state(K, 0.0).state == "closed"


def test_consecutive_failures_open_it_and_a_success_resets_the_count(
    traffic_store: Any,
) -> None:
    b = CircuitBreaker(store=traffic_store, failure_ratio=None, consecutive_failures=3)
    assert run(b, FAIL, 0.0) is None
    assert run(b, FAIL, 0.1) is None
    assert run(b, OK, 0.2) is None  # the run is broken
    assert b.state(K, 0.2).consecutive == 0
    assert run(b, ConnectError("refused"), 0.3) is None
    assert run(b, FAIL, 0.4) is None
    change = run(b, FAIL, 0.5)
    assert change == CircuitChange(
        K, "closed", "open", "3 failures in a row", 5.0, FAIL
    )
    refusal = b.allow(K, 1.5)
    assert refusal == Refusal(K, "open", 4.0)


def test_the_ratio_rule_needs_the_minimum_throughput(traffic_store: Any) -> None:
    """Ten failures of ten attempts do not open it before min_throughput is met."""
    b = CircuitBreaker(store=traffic_store, failure_ratio=0.5, min_throughput=20)
    for i in range(10):
        assert run(b, FAIL, i * 0.1) is None
    for i in range(9):
        assert run(b, OK, 1.0 + i * 0.1) is None
    status = b.state(K, 2.0)
    assert (status.state, status.failures, status.total) == ("closed", 10, 19)
    change = run(b, OK, 2.0)  # the 20th attempt: 10 of 20 = 0.5, but a success
    assert change is None
    change = run(b, FAIL, 2.1)  # 11 of 21
    assert change is not None
    assert change.new == "open"
    assert change.reason == "11 of 21 attempts failed in 30 s"


def test_the_ratio_stays_below_the_threshold(traffic_store: Any) -> None:
    b = CircuitBreaker(store=traffic_store, failure_ratio=0.5, min_throughput=4)
    for outcome in (OK, OK, FAIL, OK, FAIL, OK):
        assert run(b, outcome, 0.0) is None
    assert b.state(K, 0.0).state == "closed"


def test_old_attempts_leave_the_sliding_window(traffic_store: Any) -> None:
    """Window 10 s in 10 buckets: failures older than the window stop counting."""
    b = CircuitBreaker(
        store=traffic_store, failure_ratio=0.5, window=10.0, min_throughput=4
    )
    for t in (0.0, 0.5, 1.0):  # buckets [0, 1) and [1, 2)
        assert run(b, FAIL, t) is None
    assert b.state(K, 1.0).total == 3
    # At 10.5 the bucket that started at 0.0 has left; the one from 1.0 stays.
    assert run(b, OK, 10.5) is None
    status = b.state(K, 10.5)
    assert (status.failures, status.total) == (1, 2)
    assert run(b, OK, 10.6) is None
    assert run(b, OK, 11.5) is None  # the 1.0 bucket leaves: 0 of 3
    assert b.state(K, 11.5).total == 3
    assert run(b, FAIL, 11.6) is None  # 1 of 4: below 0.5
    assert b.state(K, 11.6).state == "closed"


def test_either_rule_opens_it_when_both_are_set(traffic_store: Any) -> None:
    b = CircuitBreaker(
        store=traffic_store, failure_ratio=0.5, min_throughput=2, consecutive_failures=5
    )
    assert run(b, OK, 0.0) is None
    change = run(b, FAIL, 0.1)  # 1 of 2: the ratio rule
    assert change is not None
    assert change.new == "open"


def test_open_then_half_open_admits_exactly_the_configured_probes(
    traffic_store: Any,
) -> None:
    b = CircuitBreaker(store=traffic_store, consecutive_failures=1, half_open_probes=3)
    run(b, FAIL, 0.0)
    assert b.allow(K, 4.999) == Refusal(K, "open", pytest.approx(0.001))
    first = admit(b, 5.0)
    assert first.probe
    assert first.change == CircuitChange(K, "open", "half_open", "break of 5 s over")
    second, third = admit(b, 5.0), admit(b, 5.0)
    assert second.change is None
    assert b.allow(K, 5.0) == Refusal(K, "half_open", 0.0)
    assert b.state(K, 5.0).probes == 3
    assert b.record(first, OK, 5.1) is None
    assert b.allow(K, 5.1) == Refusal(K, "half_open", 0.0)  # 1 done, 2 under way
    assert b.record(second, OK, 5.2) is None
    change = b.record(third, OK, 5.3)
    assert change == CircuitChange(
        K, "half_open", "closed", "3 half-open probes succeeded", outcome=OK
    )
    assert b.state(K, 5.3) == CircuitStatus(K, "closed", 0.0, 0, 0, 0, 0)
    assert not admit(b, 5.4).probe


def test_one_probe_closes_it(traffic_store: Any) -> None:
    b = CircuitBreaker(store=traffic_store, consecutive_failures=1)
    run(b, FAIL, 0.0)
    change = run(b, OK, 5.0)
    assert change is not None
    assert change.reason == "1 half-open probe succeeded"


def test_a_failed_probe_reopens_it_and_the_break_grows_to_its_cap(
    traffic_store: Any,
) -> None:
    b = CircuitBreaker(
        store=traffic_store,
        consecutive_failures=1,
        break_duration=1.0,
        break_growth=2.0,
        max_break_duration=3.0,
        half_open_probes=2,
    )
    run(b, FAIL, 0.0)  # break 1 s
    probe, other = admit(b, 1.0), admit(b, 1.0)
    change = b.record(probe, ReadTimeout("slow"), 1.0)
    assert change is not None
    assert (change.old, change.new, change.reason, change.retry_in) == (
        "half_open",
        "open",
        "a half-open probe failed",
        2.0,
    )
    assert b.record(other, OK, 1.1) is None  # a probe of the old state: ignored
    assert b.allow(K, 2.9) == Refusal(K, "open", pytest.approx(0.1))
    change = run(b, FAIL, 3.0)  # third opening: 4 s, capped at 3
    assert change is not None
    assert change.retry_in == 3.0
    # Closing again resets the growth.
    run(b, OK, 6.0)
    run(b, OK, 6.0)
    assert b.state(K, 6.0).state == "closed"
    change = run(b, FAIL, 6.1)
    assert change is not None
    assert change.retry_in == 1.0


def test_an_attempt_admitted_before_it_opened_does_not_count(
    traffic_store: Any,
) -> None:
    b = CircuitBreaker(store=traffic_store, consecutive_failures=1)
    early = admit(b, 0.0)
    run(b, FAIL, 0.0)  # opens
    assert b.record(early, FAIL, 0.1) is None
    assert b.record(early, OK, 5.0) is None  # nor in half-open
    assert b.state(K, 5.0).state == "half_open"


def test_a_cancelled_probe_gives_its_slot_back(traffic_store: Any) -> None:
    b = CircuitBreaker(store=traffic_store, consecutive_failures=1)
    early = admit(b, 0.0)
    run(b, FAIL, 0.0)
    probe = admit(b, 5.0)
    assert b.allow(K, 5.0) == Refusal(K, "half_open", 0.0)
    b.release(early)  # not a probe of this state: nothing
    assert b.state(K, 5.0).probes == 1
    b.release(probe)
    again = admit(b, 5.1)
    assert again.probe
    assert again.change is None
    other = "http://127.0.0.1:8081"  # the store is shared: another key
    closed = admit(CircuitBreaker(store=traffic_store), 0.0, other)
    # A closed admission: nothing to give back.
    CircuitBreaker(store=traffic_store).release(closed)


def test_isolate_and_reset_by_hand(traffic_store: Any) -> None:
    b = CircuitBreaker(store=traffic_store, consecutive_failures=2)
    run(b, FAIL, 0.0)
    change = b.isolate(K)
    assert change == CircuitChange(
        K, "closed", "isolated", "isolated by hand", math.inf
    )
    assert b.isolate(K) is None
    assert b.allow(K, 1e9) == Refusal(K, "isolated", math.inf)
    assert b.state(K, 0.0).state == "isolated"
    assert b.state(K, 0.0).retry_in == math.inf
    assert b.reset(K) == CircuitChange(K, "isolated", "closed", "reset by hand")
    assert b.reset(K) is None
    status = b.state(K, 0.0)
    assert (status.state, status.consecutive) == ("closed", 0)  # counts forgotten


def test_state_of_an_unknown_key_and_of_an_open_one(traffic_store: Any) -> None:
    clock = FakeClock(100.0)
    b = CircuitBreaker(store=traffic_store, consecutive_failures=1, clock=clock)
    assert b.state("http://other") == CircuitStatus(
        "http://other", "closed", 0.0, 0, 0, 0, 0
    )
    run(b, FAIL, 100.0)
    clock.advance(2.0)
    assert b.state(K) == CircuitStatus(K, "open", 3.0, 0, 0, 0, 0)
    clock.advance(3.0)
    assert b.state(K).state == "half_open"  # read-only: the break is over
    assert b.keys() == [K]  # reading a key does not create it


def test_keys_are_independent(traffic_store: Any) -> None:
    b = CircuitBreaker(store=traffic_store, consecutive_failures=1)
    run(
        b,
        FAIL,
        0.0,
    )
    assert isinstance(b.allow(K, 0.0), Refusal)
    assert isinstance(b.allow("http://127.0.0.1:8082", 0.0), Admission)


def test_state_change_callback_may_read_and_change_the_breaker(
    traffic_store: Any,
) -> None:
    """aresilient ran it under a non-reentrant lock: reading the state deadlocked."""
    seen: list[tuple[str, str, str]] = []
    b: CircuitBreaker

    def on_change(change: CircuitChange) -> None:
        status = b.state(change.key, 0.0)  # would deadlock under the lock
        seen.append((change.old, change.new, status.state))
        if change.old == "half_open" and change.new == "closed":
            b.isolate(change.key)  # a callback may even change it

    b = CircuitBreaker(
        store=traffic_store, consecutive_failures=1, on_state_change=on_change
    )
    done = threading.Event()

    def drive() -> None:
        run(b, FAIL, 0.0)  # closed -> open
        probe = admit(b, 5.0)  # open -> half_open
        b.record(probe, OK, 5.0)  # half_open -> closed -> isolated (in the callback)
        b.reset(K)  # isolated -> closed
        done.set()

    worker = threading.Thread(target=drive, daemon=True)
    worker.start()
    assert done.wait(5.0), "a state-change callback deadlocked"
    assert seen == [
        ("closed", "open", "open"),
        ("open", "half_open", "half_open"),
        ("half_open", "closed", "closed"),
        ("closed", "isolated", "isolated"),
        ("isolated", "closed", "closed"),
    ]


def test_threads_racing_for_a_half_open_breaker_get_exactly_the_probes(
    traffic_store: Any,
) -> None:
    """aresilient let every waiting caller through; here exactly two of 32 pass."""
    b = CircuitBreaker(store=traffic_store, consecutive_failures=1, half_open_probes=2)
    run(b, FAIL, 0.0)
    start = threading.Barrier(32)
    verdicts: list[Admission | Refusal] = []
    lock = threading.Lock()

    def caller() -> None:
        start.wait()
        verdict = b.allow(K, 5.0)
        with lock:
            verdicts.append(verdict)

    threads = [threading.Thread(target=caller) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    admitted = [v for v in verdicts if isinstance(v, Admission)]
    assert len(admitted) == 2
    assert all(v.probe for v in admitted)
    assert sum(v.change is not None for v in admitted) == 1


def context(*, clock: FakeClock | None = None) -> CallContext:
    return CallContext(CallOptions(), clock or FakeClock(), junk(None), 0.0)


def test_the_gate_vetoes_a_retry_while_the_breaker_stays_open() -> None:
    b = CircuitBreaker(consecutive_failures=1)
    gate = CircuitGate()
    request = Request("GET", K + "/x")
    request.context = context()
    retry = Sleep(1.0, "status 503 is retryable")
    assert gate.review(retry, request=request, attempt=1, now=0.0) is retry  # no stage
    request.context.set(CIRCUIT_ATTEMPT, (b, K))
    assert gate.review(retry, request=request, attempt=1, now=0.0) is retry  # closed
    run(b, FAIL, 0.0)
    verdict = gate.review(retry, request=request, attempt=1, now=0.0)
    assert verdict == Veto(f"the circuit for {K} is open for 5 s")
    assert gate.name == "circuit breaker"
    # A sleep that outlasts the break ends in half-open: the retry may be a probe.
    long = Sleep(6.0, "Retry-After: 6")
    assert gate.review(long, request=request, attempt=1, now=0.0) is long
    b.isolate(K)
    assert gate.review(long, request=request, attempt=1, now=0.0) == Veto(
        f"the circuit for {K} is isolated"
    )


def test_circuit_open_error_is_a_policy_error_that_pickles() -> None:
    import pickle

    exc = CircuitOpenError("open", key=K, state="open", retry_in=2.5)
    assert isinstance(exc, PolicyError)
    assert exc.policy == "circuit"
    again = pickle.loads(pickle.dumps(exc))
    assert (again.key, again.state, again.retry_in) == (K, "open", 2.5)
