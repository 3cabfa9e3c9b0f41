"""The sans-IO GCRA rate limiter: every rule with a fake clock (no sleeping)."""

from __future__ import annotations

import pickle
from datetime import timedelta
from typing import Any

import pytest

from restwell import ConfigurationError, RateLimitExceeded, Request
from restwell.policies import (
    RATE_MODES,
    MemoryRateStore,
    RateLimit,
    RateLimiter,
    per_host,
)
from restwell.policies._rate import as_rate_limiter
from restwell.testing import FakeClock


def junk(value: object) -> Any:
    """Pass a deliberately ill-typed argument past the type checker."""
    return value


def req(url: str = "http://127.0.0.1:8000/a") -> Request:
    return Request("GET", url)


def admitted_times(limiter: RateLimiter, clock: FakeClock, n: int) -> list[float]:
    """Send ``n`` requests back to back, each as soon as the limiter allows."""
    times = []
    for _ in range(n):
        d = limiter.decide(req(), clock.monotonic())
        assert d.admitted
        clock.advance(d.wait)
        times.append(round(clock.monotonic(), 9))
    return times


def test_rate_limit_values_and_repr() -> None:
    limit = RateLimit(10)
    assert (limit.rate, limit.per, limit.burst, limit.interval) == (10.0, 1.0, 1, 0.1)
    assert RateLimit(1000, per=timedelta(hours=1), burst=5).interval == 3.6
    assert repr(RateLimit(2, per=60, burst=3)) == "RateLimit(2, per=60, burst=3)"
    assert RateLimit(2) == RateLimit(2.0, per=1)
    assert RateLimit(2) != RateLimit(2, burst=2)
    assert RateLimit(2).__eq__(object()) is NotImplemented
    assert len({RateLimit(2), RateLimit(2.0)}) == 1


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"rate": 0}, "rate=0 must be a positive number"),
        ({"rate": -1}, "rate=-1"),
        ({"rate": float("inf")}, "rate=inf"),
        ({"rate": True}, "rate=True"),
        ({"rate": "10"}, "rate='10'"),
        ({"rate": 1, "per": 0}, "per"),
        ({"rate": 1, "burst": 0}, "burst=0 must be an int >= 1"),
        ({"rate": 1, "burst": 1.5}, "burst=1.5"),
        ({"rate": 1, "burst": True}, "burst=True"),
    ],
)
def test_bad_rate_limit_is_refused(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(ConfigurationError, match=words.replace("(", r"\(")):
        RateLimit(**kwargs)


def test_bad_limiter_arguments_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="non-empty list"):
        RateLimiter([])
    with pytest.raises(ConfigurationError, match="non-empty list"):
        RateLimiter(junk([RateLimit(1), 5]))
    with pytest.raises(ConfigurationError, match="key=3 is not callable"):
        RateLimiter(RateLimit(1), key=junk(3))
    with pytest.raises(ConfigurationError, match="mode='block' is not known"):
        RateLimiter(RateLimit(1), mode=junk("block"))
    with pytest.raises(ConfigurationError, match="max_wait"):
        RateLimiter(RateLimit(1), max_wait=-1)
    assert RATE_MODES == ("wait", "fail")
    assert repr(RateLimiter(RateLimit(1))) == (
        "RateLimiter([RateLimit(1, per=1, burst=1)], mode='wait')"
    )


def test_strict_pacing_without_burst(traffic_store: Any) -> None:
    """burst=1: one request every per/rate seconds, the first at once."""
    clock = FakeClock(start=100.0)
    times = admitted_times(RateLimiter(RateLimit(4), store=traffic_store), clock, 5)
    assert times == [100.0, 100.25, 100.5, 100.75, 101.0]


def test_no_start_up_burst_beyond_burst(traffic_store: Any) -> None:
    """A fresh key gets exactly `burst` requests at once, then the steady rate."""
    clock = FakeClock()
    times = admitted_times(
        RateLimiter(RateLimit(10, burst=3), store=traffic_store), clock, 6
    )
    assert times == [0.0, 0.0, 0.0, 0.1, 0.2, 0.3]


def test_a_quiet_spell_refills_at_most_the_burst(traffic_store: Any) -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimit(10, burst=3), store=traffic_store)
    admitted_times(limiter, clock, 3)
    clock.advance(3600)  # an hour of quiet: still only 3 at once
    start = clock.monotonic()
    times = admitted_times(limiter, clock, 5)
    assert [round(t - start, 9) for t in times] == [0.0, 0.0, 0.0, 0.1, 0.2]


def test_any_window_holds_at_most_burst_minus_one_plus_rate(traffic_store: Any) -> None:
    """The GCRA bound: b - 1 + rate per window of `per` seconds."""
    clock = FakeClock()
    limiter = RateLimiter(RateLimit(5, burst=3), store=traffic_store)
    times = admitted_times(limiter, clock, 40)
    for t in times:
        assert sum(1 for u in times if t <= u < t + 1.0) <= 3 - 1 + 5


def test_several_limits_apply_together(traffic_store: Any) -> None:
    """10/s with a burst of 10, and 12 per minute: the minute limit bites."""
    clock = FakeClock()
    limiter = RateLimiter(
        [RateLimit(10, burst=10), RateLimit(12, per=60, burst=12)], store=traffic_store
    )
    times = admitted_times(limiter, clock, 14)
    assert times[:10] == [0.0] * 10  # both bursts allow these
    assert times[10:12] == [0.1, 0.2]  # the per-second pace
    assert times[12:] == [5.0, 10.0]  # the per-minute one: one every 5 s after


def test_several_limits_in_fail_mode_refuse_and_change_nothing(
    traffic_store: Any,
) -> None:
    """A refusal under several limits gives the wait and reserves no slot."""
    limiter = RateLimiter(
        [RateLimit(1, per=10), RateLimit(100, per=60)], mode="fail", store=traffic_store
    )
    assert limiter.decide(req(), 0.0).admitted
    refused = limiter.decide(req(), 4.0)
    assert (refused.admitted, refused.wait) == (False, pytest.approx(6.0))
    again = limiter.decide(req(), 4.0)  # the refusal reserved nothing
    assert again.wait == pytest.approx(6.0)
    assert limiter.decide(req(), 10.0).admitted


def test_keys_are_per_host_by_default(traffic_store: Any) -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimit(1), store=traffic_store)
    assert limiter.decide(req("http://a:1/x"), clock.monotonic()).wait == 0
    assert limiter.decide(req("http://b:1/x?q"), clock.monotonic()).wait == 0
    again = limiter.decide(req("http://a:1/y"), clock.monotonic())
    assert (again.admitted, again.wait, again.key) == (True, 1.0, "http://a:1")


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://127.0.0.1:8000/a/b?c=d", "http://127.0.0.1:8000"),
        ("https://h?x=/y", "https://h"),
        ("http://h", "http://h"),
        ("http://[::1]:9/", "http://[::1]:9"),
    ],
)
def test_per_host_key(url: str, key: str) -> None:
    assert per_host(req(url)) == key


def test_a_key_function_shares_limits_across_hosts(traffic_store: Any) -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimit(1), key=lambda request: "all", store=traffic_store)
    assert limiter.decide(req("http://a/"), clock.monotonic()).wait == 0
    d = limiter.decide(req("http://b/"), clock.monotonic())
    assert (d.wait, d.key) == (1.0, "all")


def test_fail_mode_refuses_and_reserves_nothing(traffic_store: Any) -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimit(2), mode="fail", store=traffic_store)
    assert limiter.decide(req(), 0.0).admitted
    for _ in range(3):  # refusals do not push the next slot back
        d = limiter.decide(req(), 0.1)
        assert (d.admitted, round(d.wait, 9)) == (False, 0.4)
    assert limiter.decide(req(), 0.5).admitted
    assert repr(limiter.decide(req(), 0.5)).startswith("RateDecision(admitted=False")
    del clock


def test_wait_mode_reserves_so_waiters_queue_in_order(traffic_store: Any) -> None:
    limiter = RateLimiter(RateLimit(10), store=traffic_store)
    waits = [limiter.decide(req(), 0.0).wait for _ in range(4)]
    assert [round(w, 9) for w in waits] == [0.0, 0.1, 0.2, 0.3]


def test_wait_mode_refuses_past_the_deadline_without_reserving(
    traffic_store: Any,
) -> None:
    limiter = RateLimiter(RateLimit(1), store=traffic_store)
    assert limiter.decide(req(), 0.0, deadline_at=5.0).admitted
    d = limiter.decide(req(), 0.0, deadline_at=0.5)
    assert (d.admitted, d.wait) == (False, 1.0)
    d = limiter.decide(req(), 0.0, deadline_at=1.0)  # exactly at the deadline: ok
    assert (d.admitted, d.wait) == (True, 1.0)


def test_wait_mode_refuses_beyond_max_wait(traffic_store: Any) -> None:
    limiter = RateLimiter(
        RateLimit(1), max_wait=timedelta(seconds=0.5), store=traffic_store
    )
    assert limiter.max_wait == 0.5
    limiter.decide(req(), 0.0)
    d = limiter.decide(req(), 0.0, deadline_at=100.0)
    assert (d.admitted, d.wait) == (False, 1.0)
    assert limiter.decide(req(), 0.6).admitted  # 0.4 s left: within max_wait


def test_memory_store_sweeps_expired_keys() -> None:
    store = MemoryRateStore()
    limits = (RateLimit(1000),)
    for i in range(1024):
        store.reserve(i, limits, 0.0, 0.0)
    assert len(store) == 1024
    store.reserve("live", limits, 0.0, 0.0)  # a sweep; every tat is 0.001: none gone
    assert len(store) == 1025
    store.reserve("x", limits, 10.0, 0.0)  # no sweep until the dict doubles
    assert len(store) == 1026
    for i in range(2000, 3024):  # at 2048 keys: swept, the 1025 from 0.0 expired
        store.reserve(i, limits, 10.0, 0.0)
    assert len(store) == 1025
    assert 0 not in store._tats and "x" in store._tats


def test_as_rate_limiter() -> None:
    limiter = RateLimiter(RateLimit(1))
    assert as_rate_limiter(limiter) is limiter
    assert as_rate_limiter(None) is None
    assert as_rate_limiter(RateLimit(3)).limits == (RateLimit(3),)  # type: ignore[union-attr]
    both = as_rate_limiter([RateLimit(3), RateLimit(9, per=60)])
    assert both is not None and len(both.limits) == 2
    for bad in (3, [], [3], "10/s"):
        with pytest.raises(ConfigurationError, match=r"must be restwell\.policies"):
            as_rate_limiter(bad)


def test_rate_limit_exceeded_carries_retry_in_and_pickles() -> None:
    exc = RateLimitExceeded("no", retry_in=1.5, key="http://h")
    assert (exc.policy, exc.retry_in, exc.key) == ("rate", 1.5, "http://h")
    back = pickle.loads(pickle.dumps(exc))
    assert (type(back), back.retry_in, back.key, str(back)) == (
        RateLimitExceeded,
        1.5,
        "http://h",
        "no",
    )


def test_bound_and_conclude_split_a_decision_for_an_awaited_store() -> None:
    """What the rate stage uses with a shared store: the same rules as ``decide``."""
    limiter = RateLimiter(RateLimit(1), max_wait=2.0)
    assert limiter.shared is None
    assert limiter.bound(req(), 0.0) == ("http://127.0.0.1:8000", 2.0)
    assert limiter.bound(req(), 0.0, deadline_at=0.5) == ("http://127.0.0.1:8000", 0.5)
    assert limiter.bound(req(), 0.0, deadline_at=9.0)[1] == 2.0
    fail = RateLimiter(RateLimit(1), mode="fail")
    assert fail.bound(req(), 0.0, deadline_at=9.0)[1] == 0.0
    go = RateLimiter.conclude("k", 0.0)
    assert (go.admitted, go.wait) == (True, 0.0)
    wait = RateLimiter.conclude("k", 0.25)
    assert (wait.admitted, wait.wait, wait.key) == (True, 0.25, "k")
    refused = RateLimiter.conclude("k", -0.5)
    assert (refused.admitted, refused.wait, refused.key) == (False, 0.5, "k")
