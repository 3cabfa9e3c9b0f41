"""
The sans-IO adaptive rate limit: every rule with explicit times (no clock, no sleep).

Covers the CUBIC decrease on a throttle and its recovery curve, the header forms
(IETF drafts -00 to -10, X-RateLimit with delta or epoch resets), hostile and garbage
values (each ignored or clamped, never raising), and the limiter's own limits as the
ceiling.
"""

from __future__ import annotations

import math
from email.utils import formatdate
from typing import Any

import pytest

from restwell import ConfigurationError, Headers, Request
from restwell.policies import (
    Adaptive,
    RateAdjustment,
    RateLimit,
    RateLimiter,
    RateQuota,
    parse_rate_quota,
)
from restwell.policies._rate import as_rate_limiter

K = "k"
EPOCH = 1_700_000_000.0


def junk(value: object) -> Any:
    """Pass a deliberately ill-typed argument past the type checker."""
    return value


def req(url: str = "http://127.0.0.1:8000/a") -> Request:
    return Request("GET", url)


def h(**fields: str) -> Headers:
    return Headers({k.replace("_", "-"): v for k, v in fields.items()})


def throttle_at_102(adaptive: Adaptive) -> RateAdjustment | None:
    """50 answers of 200 then a 429, all at t=0: measured 51 per 0.5 s = 102/s."""
    for _ in range(50):
        assert adaptive.observe(K, 200, Headers(), 0.0, EPOCH) is None
    return adaptive.observe(K, 429, Headers(), 0.0, EPOCH)


# -- configuration --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"min_rate": 0}, "min_rate=0 must be a positive"),
        ({"min_rate": math.nan}, "min_rate=nan"),
        ({"min_rate": True}, "min_rate=True"),
        ({"max_rate": -1}, "max_rate=-1"),
        ({"max_rate": 0.1, "min_rate": 1}, "below min_rate"),
        ({"beta": 1}, "beta=1 must be a number strictly between 0 and 1"),
        ({"beta": "x"}, "beta='x'"),
        ({"scale": 0}, "scale=0"),
        ({"scale": math.inf}, "scale=inf"),
        ({"statuses": {429, "503"}}, "HTTP status codes"),
        ({"statuses": {99}}, "HTTP status codes"),
        ({"max_delay": 0}, "max_delay"),
        ({"max_delay": None}, "max_delay=None"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(ConfigurationError, match=words.replace("(", r"\(")):
        Adaptive(**kwargs)


def test_limiter_takes_adaptive_alone_or_with_limits() -> None:
    a = Adaptive(max_rate=50)
    assert RateLimiter(adaptive=a).limits == ()
    assert repr(RateLimiter(RateLimit(5), adaptive=a)) == (
        "RateLimiter([RateLimit(5, per=1, burst=1)], mode='wait', adaptive="
        "Adaptive(min_rate=0.5, max_rate=50, beta=0.7, scale=0.4))"
    )
    with pytest.raises(ConfigurationError, match="adaptive=Adaptive\\(\\) alone"):
        RateLimiter()
    with pytest.raises(ConfigurationError, match="adaptive=3 must be"):
        RateLimiter(RateLimit(1), adaptive=junk(3))
    limiter = as_rate_limiter(a)
    assert limiter is not None and limiter.adaptive is a
    assert RateLimiter(RateLimit(1)).observe(req(), 429, Headers(), 0.0, 0.0) is None


# -- rule 2: CUBIC on throttles ----------------------------------------------------


def test_a_429_drops_the_rate_to_beta_times_the_measured_rate() -> None:
    a = Adaptive()
    assert a.rate(K) == math.inf
    change = throttle_at_102(a)
    assert change is not None
    assert (change.key, change.reason, change.hold) == (K, "throttled", 0.0)
    assert change.rate == pytest.approx(0.7 * 102)
    assert a.rate(K) == pytest.approx(71.4)
    assert repr(change).startswith("RateAdjustment(key='k', rate=71.4")


def test_after_a_throttle_the_bucket_is_empty_then_paced_at_the_new_rate() -> None:
    a = Adaptive()
    limiter = RateLimiter(adaptive=a, key=lambda r: K)
    throttle_at_102(a)
    interval = 1 / (0.7 * 102)
    waits = [limiter.decide(req(), 0.0).wait for _ in range(3)]
    assert waits == pytest.approx([interval, 2 * interval, 3 * interval])


def test_recovery_follows_the_cubic_curve_and_reports_recovered_once() -> None:
    """W(t) = C (t - K)^3 + W_max (RFC 9438 §4.2) while a client sends at W(t)."""
    a = Adaptive()
    throttle_at_102(a)
    k = (102 * 0.3 / 0.4) ** (1 / 3)
    t = 0.0
    seen: list[tuple[float, float]] = []
    reasons: list[str] = []
    while t < k + 2:
        t += 1 / a.rate(K)
        change = a.observe(K, 200, Headers(), t, EPOCH)
        if change is not None:
            reasons.append(change.reason)
        seen.append((t, a.rate(K)))
    for when, rate in seen:
        assert rate == pytest.approx(max(0.5, 0.4 * (when - k) ** 3 + 102))
    rates = [r for _, r in seen]
    assert rates == sorted(rates)  # concave then convex, never down
    assert rates[0] < 80 and rates[-1] > 102  # climbs back, then probes past W_max
    assert reasons == ["recovered"]


def test_recovery_is_capped_at_twice_the_measured_rate() -> None:
    """A client that went quiet does not come back at W(100 s) = 340,000/s."""
    a = Adaptive()
    throttle_at_102(a)
    a.observe(K, 200, Headers(), 100.0, EPOCH)
    assert a.rate(K) < 102


def test_min_rate_is_the_floor_and_max_rate_the_cap() -> None:
    a = Adaptive(min_rate=2.0)
    for _ in range(10):
        a.observe(K, 429, Headers(), 0.0, EPOCH)
    assert a.rate(K) == 2.0
    b = Adaptive(max_rate=10.0)
    throttle_at_102(b)
    assert b.rate(K) == 10.0


def test_503_throttles_only_with_retry_after_and_other_statuses_never() -> None:
    a = Adaptive()
    for status in (200, 404, 500, 502, 503):
        assert a.observe(K, status, Headers(), 0.0, EPOCH) is None
    assert a.rate(K) == math.inf
    change = a.observe(K, 503, h(retry_after="7"), 0.0, EPOCH)
    assert change is not None
    assert (change.reason, change.hold) == ("retry-after", 7.0)
    assert Adaptive(statuses={503}).observe(K, 503, Headers(), 0.0, 0.0) is not None


def test_retry_after_holds_the_key_within_the_deadline() -> None:
    a = Adaptive()
    limiter = RateLimiter(adaptive=a, key=lambda r: K)
    a.observe(K, 429, h(retry_after="3"), 10.0, EPOCH)
    d = limiter.decide(req(), 10.0, deadline_at=12.0)
    assert (d.admitted, d.wait) == (False, 3.0)  # the stage raises DeadlineExceeded
    d = limiter.decide(req(), 10.0, deadline_at=20.0)
    assert (d.admitted, d.wait) == (True, 3.0)


def test_fail_mode_refuses_a_held_key() -> None:
    a = Adaptive()
    limiter = RateLimiter(adaptive=a, key=lambda r: K, mode="fail")
    assert limiter.decide(req(), 0.0).admitted
    a.observe(K, 429, h(retry_after="2"), 0.0, EPOCH)
    d = limiter.decide(req(), 0.0)
    assert (d.admitted, d.wait) == (False, 2.0)


# -- rule 1: server quotas ---------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "quota"),
    [
        (
            h(ratelimit='"default";r=50;t=30', ratelimit_policy='"default";q=100;w=60'),
            RateQuota(50, 30, 100 / 60, "ratelimit"),
        ),
        (  # several policies: the least remaining counts; the strictest quota
            h(
                ratelimit='"burst";r=9;t=1, "day";r=3;t=500',
                ratelimit_policy='"burst";q=10;w=1, "day";q=1000;w=86400',
            ),
            RateQuota(3, 500, 1000 / 86400, "ratelimit"),
        ),
        (  # a quoted name may hold , and ;
            h(ratelimit='"a,b;c";r=4;t=2;pk=:cHJvamVjdA==:'),
            RateQuota(4, 2, None, "ratelimit"),
        ),
        (
            h(ratelimit="limit=100, remaining=5, reset=10"),
            RateQuota(5, 10, None, "ratelimit-dict"),
        ),
        (
            h(ratelimit_limit="100", ratelimit_remaining="7", ratelimit_reset="20"),
            RateQuota(7, 20, None, "ratelimit-remaining"),
        ),
        (
            h(x_ratelimit_remaining="11", x_ratelimit_reset="40"),
            RateQuota(11, 40, None, "x-ratelimit"),
        ),
        (  # GitHub: epoch seconds, measured against the response's Date
            h(
                x_ratelimit_remaining="0",
                x_ratelimit_reset=str(int(EPOCH) + 60),
                date=formatdate(EPOCH, usegmt=True),
            ),
            RateQuota(0, 60, None, "x-ratelimit"),
        ),
        (h(ratelimit_policy='"p";q=5;w=10'), RateQuota(None, None, 0.5, "policy")),
        (h(x_ratelimit_remaining="3"), RateQuota(3, None, None, "x-ratelimit")),
        (Headers(), None),
    ],
)
def test_each_header_form_is_read(headers: Headers, quota: RateQuota | None) -> None:
    assert parse_rate_quota(headers, 0.0) == quota


def test_an_epoch_reset_without_date_is_measured_against_wall() -> None:
    got = parse_rate_quota(
        h(x_ratelimit_remaining="0", x_ratelimit_reset=str(int(EPOCH) + 30)), EPOCH
    )
    assert got is not None and got.reset == 30
    past = parse_rate_quota(
        h(x_ratelimit_remaining="0", x_ratelimit_reset=str(int(EPOCH) - 30)), EPOCH
    )
    assert past is not None and past.reset == 0  # already reset


@pytest.mark.parametrize(
    "value",
    [
        "-1",
        "nan",
        "NaN",
        "inf",
        "1e3",
        "0x10",
        "",
        "  ",
        "ten",
        "1_000",
        "+5",
        "9" * 40,
    ],
)
def test_garbage_numbers_are_ignored(value: str) -> None:
    for headers in (
        h(x_ratelimit_remaining=value, x_ratelimit_reset="10"),
        h(ratelimit_remaining=value, ratelimit_reset="10"),
        h(ratelimit=f'"d";r={value};t=10'),
        h(ratelimit_policy=f'"d";q={value};w=10'),
        h(ratelimit_policy=f'"d";q=10;w={value}'),
    ):
        assert parse_rate_quota(headers, EPOCH) is None
    bad_reset = parse_rate_quota(h(ratelimit=f'"d";r=0;t={value}'), EPOCH)
    assert bad_reset == RateQuota(0, None, None, "ratelimit")


@pytest.mark.parametrize(
    "field",
    [
        '"d";r=1;t=1, ' * 20,  # more than 16 policies
        '"d";r=1;t=' + "1" * 5000,  # longer than 4096 characters
        '"unterminated;r=1;t=1',
        ";;;,,,=;=,",
        '"d";r=1;t=1;r',
        '\\"\\"',
        "r=0;t=0;q=0;w=0",
    ],
)
def test_hostile_fields_never_raise_and_hold_nothing(field: str) -> None:
    a = Adaptive()
    parse_rate_quota(h(ratelimit=field, ratelimit_policy=field), EPOCH)
    a.observe(K, 200, h(ratelimit=field, ratelimit_policy=field), 0.0, EPOCH)
    assert a.earliest(K, 0.0) == 0.0


def test_a_quota_paces_at_remaining_over_reset_until_the_window_ends() -> None:
    a = Adaptive()
    limiter = RateLimiter(adaptive=a, key=lambda r: K)
    change = a.observe(K, 200, h(ratelimit='"d";r=2;t=10'), 0.0, EPOCH)
    assert change is not None
    assert (change.reason, change.rate) == ("quota", 0.2)
    waits = [limiter.decide(req(), 0.0).wait for _ in range(3)]
    assert waits == [0.0, 5.0, 10.0]
    assert a.earliest(K, 30.0) == 0.0 and a.rate(K) == math.inf  # window ended


def test_a_quota_change_under_ten_percent_is_not_reported() -> None:
    a = Adaptive()
    assert a.observe(K, 200, h(ratelimit='"d";r=100;t=10'), 0.0, EPOCH) is not None
    assert a.observe(K, 200, h(ratelimit='"d";r=99;t=10'), 0.1, EPOCH) is None
    change = a.observe(K, 200, h(ratelimit='"d";r=50;t=10'), 0.2, EPOCH)
    assert change is not None and change.rate == 5.0


def test_remaining_zero_holds_the_key_until_the_reset() -> None:
    a = Adaptive()
    limiter = RateLimiter(adaptive=a, key=lambda r: K)
    change = a.observe(
        K, 200, h(x_ratelimit_remaining="0", x_ratelimit_reset="4"), 1.0, EPOCH
    )
    assert change is not None
    assert (change.reason, change.hold) == ("exhausted", 4.0)
    assert limiter.decide(req(), 1.0).wait == 4.0
    assert limiter.decide(req(), 5.0).wait == 0.0  # after the reset: free again
    # remaining 0 with a reset already passed, or no reset: nothing to hold
    b = Adaptive()
    b.observe(K, 200, h(x_ratelimit_remaining="0", x_ratelimit_reset="0"), 0.0, 0.0)
    b.observe(K, 200, h(x_ratelimit_remaining="0"), 0.0, 0.0)
    assert b.earliest(K, 0.0) == 0.0


@pytest.mark.parametrize(
    "headers",
    [
        h(x_ratelimit_remaining="0", x_ratelimit_reset="4102444800"),  # year 2100
        h(x_ratelimit_remaining="0", x_ratelimit_reset="999999999"),  # 31 years delta
        h(ratelimit='"d";r=0;t=99999999999'),
        h(ratelimit_remaining="0", ratelimit_reset="1" + "0" * 30),
        h(retry_after="99999999"),
    ],
)
def test_a_reset_years_ahead_is_clamped_to_max_delay(headers: Headers) -> None:
    a = Adaptive(max_delay=120)
    change = a.observe(K, 429, headers, 0.0, EPOCH)
    assert change is not None and change.hold == 120.0
    assert a.earliest(K, 0.0) == 120.0
    limiter = RateLimiter(adaptive=a, key=lambda r: K)
    d = limiter.decide(req(), 0.0, deadline_at=30.0)
    assert (d.admitted, d.wait) == (False, 120.0)  # refused at once: no hang


def test_a_tiny_quota_from_a_huge_reset_is_clamped_too() -> None:
    """r=1 with a reset years ahead: at most one request per max_delay, not per year."""
    a = Adaptive(max_delay=60)
    a.observe(K, 200, h(ratelimit='"d";r=1;t=999999999'), 0.0, EPOCH)
    assert a.rate(K) == pytest.approx(1 / 60)


def test_headers_off_reads_none() -> None:
    a = Adaptive(headers=False)
    a.observe(K, 200, h(ratelimit='"d";r=0;t=10'), 0.0, EPOCH)
    assert a.earliest(K, 0.0) == 0.0


# -- the ceiling -------------------------------------------------------------------


def test_an_idle_key_is_paced_by_the_fixed_limits_alone() -> None:
    limiter = RateLimiter(RateLimit(1), adaptive=Adaptive(), key=lambda r: K)
    assert [limiter.decide(req(), 0.0).wait for _ in range(3)] == [0.0, 1.0, 2.0]


def test_the_limiters_own_limits_stay_the_ceiling() -> None:
    a = Adaptive()
    limiter = RateLimiter(RateLimit(2), adaptive=a, key=lambda r: K)
    a.observe(K, 200, h(ratelimit='"d";r=1000;t=1'), 0.0, EPOCH)  # server: 1000/s
    waits = [limiter.decide(req(), 0.0).wait for _ in range(3)]
    assert waits == [0.0, 0.5, 1.0]  # 2/s, not 1000/s


def test_the_adaptive_limit_lowers_below_the_ceiling() -> None:
    a = Adaptive()
    limiter = RateLimiter(RateLimit(2), adaptive=a, key=lambda r: K)
    a.observe(K, 200, h(ratelimit='"d";r=1;t=10'), 0.0, EPOCH)  # server: 0.1/s
    waits = [limiter.decide(req(), 0.0).wait for _ in range(3)]
    assert waits == [0.0, 10.0, 20.0]


def test_a_ceiling_refusal_reserves_no_adaptive_slot() -> None:
    a = Adaptive()
    limiter = RateLimiter(RateLimit(1, per=100), adaptive=a, key=lambda r: K)
    a.observe(K, 200, h(ratelimit='"d";r=10;t=1'), 0.0, EPOCH)  # 10/s
    assert limiter.decide(req(), 0.0).wait == 0.0
    d = limiter.decide(req(), 0.0, deadline_at=5.0)
    assert (d.admitted, d.wait) == (False, 100.0)
    assert a.earliest(K, 0.0) == pytest.approx(0.1)  # only the first slot taken


def test_idle_keys_are_swept() -> None:
    """At 1024 keys those with nothing to remember go; a throttled key stays."""
    a = Adaptive()
    a.observe(K, 429, Headers(), 0.0, EPOCH)
    for i in range(1100):
        a.observe(i, 200, Headers(), 0.0, EPOCH)
    assert len(a) == 1 + 1100 - 1023  # swept once, at the 1024th key
    assert a.rate(K) < math.inf
    a.observe("late", 200, Headers(), 0.0, EPOCH)
    for i in range(2000, 2000 + 2 * 1024):  # idle for 600 s: even throttled go
        a.observe(i, 200, Headers(), 601.0, EPOCH)
    assert a.rate(K) == math.inf


def test_a_quiet_key_has_its_headers_read_on_one_response_in_8() -> None:
    """The happy path skips the header scan 7 times in 8 until a key sends any."""
    a = Adaptive()
    zero = h(ratelimit='"d";r=0;t=5')
    a.observe(K, 200, Headers(), 0.0, EPOCH)  # the first response: read, none
    for _ in range(7):  # responses 2..8: not read
        assert a.observe(K, 200, zero, 0.0, EPOCH) is None
    assert a.earliest(K, 0.0) == 0.0
    change = a.observe(K, 200, zero, 0.0, EPOCH)  # the 9th: read
    assert change is not None and change.reason == "exhausted"
    assert a.earliest(K, 0.0) == 5.0
    # From now on every response is read.
    a.observe(K, 200, h(ratelimit='"d";r=0;t=9'), 1.0, EPOCH)
    assert a.earliest(K, 1.0) == 9.0


def test_a_quiet_key_reads_every_429_and_503() -> None:
    a = Adaptive()
    a.observe(K, 200, Headers(), 0.0, EPOCH)
    assert a.observe(K, 503, Headers(), 0.0, EPOCH) is None  # no Retry-After
    change = a.observe(
        K, 503, h(x_ratelimit_remaining="0", x_ratelimit_reset="4"), 0.0, 0.0
    )
    assert change is not None and (change.reason, change.hold) == ("exhausted", 4.0)
    b = Adaptive()
    b.observe(K, 200, Headers(), 0.0, EPOCH)
    change = b.observe(K, 429, h(retry_after="2"), 0.0, EPOCH)
    assert change is not None and (change.reason, change.hold) == ("retry-after", 2.0)


def test_values_and_corners() -> None:
    q = RateQuota(1, 2, None, "x-ratelimit")
    assert q != 1 and q != RateQuota(1, 3, None, "x-ratelimit")
    assert repr(q) == "RateQuota(remaining=1, reset=2, rate=None, source='x-ratelimit')"
    # the least remaining wins whatever the order of the policies
    got = parse_rate_quota(h(ratelimit='"a";r=3;t=1, "b";r=9;t=5'), 0.0)
    assert got == RateQuota(3, 1, None, "ratelimit")
    a = Adaptive()
    assert a.earliest("unknown", 0.0) == 0.0
    # remaining left but the window already reset: nothing to follow
    assert a.observe(K, 200, h(ratelimit='"d";r=5;t=0'), 0.0, EPOCH) is None
    assert a.rate(K) == math.inf
    limiter = RateLimiter(adaptive=a, key=lambda r: K)
    assert limiter.decide(req(), 0.0).wait == 0.0  # idle key, no fixed limit
    change = limiter.observe(req(), 429, Headers(), 0.0, EPOCH)
    assert change is not None and change.reason == "throttled"


def test_the_measured_rate_moves_on_the_quiet_paths() -> None:
    """Quiet keys (headers skipped, or a 503 without Retry-After) still measure."""
    a = Adaptive()
    a.observe(K, 200, Headers(), 0.0, EPOCH)
    a.observe(K, 200, Headers(), 1.0, EPOCH)  # a new bucket, headers skipped
    a.observe(K, 503, Headers(), 2.0, EPOCH)  # a new bucket, read, not a throttle
    change = a.observe(K, 429, Headers(), 2.0, EPOCH)
    # folded at 1.0 s: 2 responses over 1 s, 2/s, EWMA 0.8 * 2 = 1.6; at 2.0 s:
    # 1 over 1 s, 0.8 * 1 + 0.2 * 1.6 = 1.12 (the AWS SDK's bucket arithmetic)
    assert change is not None and change.rate == pytest.approx(0.7 * 1.12)
