"""The Retry policy's decision table, driven without I/O."""

from __future__ import annotations

import random
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from restwell import ConfigurationError
from restwell._config import DEFAULT_MAX_RETRY_AFTER, IDEMPOTENT_METHODS
from restwell._exceptions import (
    ConnectError,
    ConnectTimeout,
    DecodingError,
    InvalidURL,
    PoolTimeout,
    ReadError,
    ReadTimeout,
    TransportError,
    WriteTimeout,
)
from restwell._models import Headers, Request, Response
from restwell.policies import (
    DEFAULT_RETRY_ON,
    NEVER_SENT_ERRORS,
    Constant,
    Custom,
    Exponential,
    Linear,
    NoJitter,
    Raise,
    Retry,
    RetryState,
    Return,
    Sleep,
    on_exception,
    on_response,
    on_status,
)

URL = "http://127.0.0.1/x"
WALL = 1_700_000_000.0  # FakeClock's default wall clock
SEED = 1234
NOT_IDEMPOTENT = "is not idempotent and has no Idempotency-Key header"


def request(method: str = "GET", headers: Mapping[str, str] | None = None) -> Request:
    return Request(method, URL, headers=headers)


def response(
    code: int, method: str = "GET", headers: Mapping[str, str] | None = None
) -> Response[Any]:
    return Response(code, headers=headers, content=b"", request=request(method))


def start(
    retry: Retry,
    method: str = "GET",
    *,
    headers: Mapping[str, str] | None = None,
    now: float = 0.0,
    deadline: float | None = None,
    replayable_body: bool = True,
) -> RetryState:
    return retry.start(
        method, Headers(headers), now, deadline, replayable_body=replayable_body
    )


def decide(
    retry: Retry,
    state: RetryState,
    outcome: Response[Any] | BaseException,
    *,
    now: float = 0.0,
    wall: float = WALL,
    seed: int = SEED,
) -> Sleep | Return | Raise:
    return retry.next(state, outcome, now, wall, random.Random(seed))


FIXED = Constant(0.25)


# -- start -----------------------------------------------------------------------------


def test_start_builds_state_for_attempt_one() -> None:
    """start() returns state for attempt 1 with the deadline turned into a time."""
    state = start(Retry(), now=100.0, deadline=30.0)
    assert state == RetryState(
        attempt=1,
        started=100.0,
        deadline_at=130.0,
        replay_safe=True,
        replayable_body=True,
        previous_delay=0.0,
    )
    assert start(Retry(), now=5.0).deadline_at is None


@pytest.mark.parametrize(
    ("method", "headers", "safe"),
    [
        ("GET", None, True),
        ("PUT", None, True),
        ("DELETE", None, True),
        ("POST", None, False),
        ("PATCH", None, False),
        ("POST", {"Idempotency-Key": "k1"}, True),
        ("PATCH", {"idempotency-key": "k1"}, True),
    ],
)
def test_start_marks_replay_safety(
    method: str, headers: dict[str, str] | None, safe: bool
) -> None:
    """Idempotent methods, or any method with an Idempotency-Key, are replay-safe."""
    assert start(Retry(), method, headers=headers).replay_safe is safe


# -- not retryable ---------------------------------------------------------------------


@pytest.mark.parametrize("code", [200, 201, 204, 301, 304])
def test_success_returns(code: int) -> None:
    """A non-retryable response below 400 returns as a success."""
    retry = Retry()
    state = start(retry)
    decision = decide(retry, state, response(code))
    assert decision == Return("success")
    assert decision.gave_up is False
    assert state.attempt == 1


@pytest.mark.parametrize("code", [400, 404, 409, 501])
def test_non_retryable_status_returns_without_giving_up(code: int) -> None:
    """A non-retryable error status is returned as is, not counted as giving up."""
    decision = decide(Retry(), start(Retry()), response(code))
    assert decision == Return(f"status {code} is not retryable", gave_up=False)


@pytest.mark.parametrize(
    "error", [DecodingError("gzip"), TransportError("?"), RuntimeError("bug")]
)
def test_non_retryable_error_raises(error: BaseException) -> None:
    """An error the predicate does not match is re-raised unchanged."""
    decision = decide(Retry(), start(Retry()), error)
    assert decision == Raise(f"{type(error).__name__} is not retryable")
    assert not decision.gave_up
    assert decision.error is None


# -- retryable: sleep ------------------------------------------------------------------


def test_retryable_status_sleeps_the_backoff_delay() -> None:
    """A 503 on GET sleeps the backoff's delay for retry 1."""
    retry = Retry(backoff=Exponential(0.5, 2.0, 20.0, jitter=NoJitter()))
    decision = decide(retry, start(retry), response(503))
    assert decision == Sleep(0.5, "status 503 is retryable", None, None)


def test_default_backoff_is_seeded_full_jitter() -> None:
    """With the default backoff, the delay is Exponential()'s draw from the rng."""
    expected = Exponential().delay(1, previous=0.0, rng=random.Random(SEED))
    decision = decide(Retry(), start(Retry()), response(503))
    assert isinstance(decision, Sleep)
    assert decision.delay == expected
    assert 0.0 <= decision.delay <= 0.5


def test_state_advances_on_sleep() -> None:
    """Each Sleep advances the attempt number and records the delay slept."""
    retry = Retry(5, backoff=Exponential(1.0, 2.0, 20.0, jitter=NoJitter()))
    state = start(retry)
    slept = []
    for expected_attempt in (2, 3, 4):
        decision = decide(retry, state, response(502))
        assert isinstance(decision, Sleep)
        slept.append(decision.delay)
        assert state.attempt == expected_attempt
        assert state.previous_delay == decision.delay
    assert slept == [1.0, 2.0, 4.0]


def test_backoff_receives_previous_delay() -> None:
    """The backoff is asked with the retry number and the previous delay slept."""
    calls: list[tuple[int, float]] = []

    class Recorder:
        def delay(self, n: int, *, previous: float, rng: random.Random) -> float:
            calls.append((n, previous))
            return n * 1.5

    retry = Retry(4, backoff=Recorder())
    state = start(retry)
    for _ in range(3):
        decide(retry, state, ReadTimeout("slow"))
    assert calls == [(1, 0.0), (2, 1.5), (3, 3.0)]


def test_function_backoff_is_accepted() -> None:
    """A plain (n) -> seconds function works as the backoff."""
    retry = Retry(backoff=lambda n: n / 4)
    assert retry.backoff == Custom(retry.backoff.fn)  # type: ignore[attr-defined]
    decision = decide(retry, start(retry), response(500))
    assert decision == Sleep(0.25, "status 500 is retryable")


@pytest.mark.parametrize(
    "error",
    [ReadTimeout("t"), WriteTimeout("t"), ReadError("r"), ConnectError("c")],
    ids=lambda e: type(e).__name__,
)
def test_retryable_error_on_get_sleeps(error: BaseException) -> None:
    """Timeouts and network errors on GET are retried."""
    retry = Retry(backoff=FIXED)
    assert decide(retry, start(retry), error) == Sleep(
        0.25, f"{type(error).__name__} is retryable"
    )


def test_retry_on_can_match_a_success() -> None:
    """A user predicate may retry a 200 (polling for a pending job)."""
    retry = Retry(
        backoff=FIXED,
        retry_on=on_response(lambda r: r.headers.get("x-state") == "pending"),
    )
    pending = Response(200, headers={"x-state": "pending"}, content=b"")
    assert decide(retry, start(retry), pending) == Sleep(
        0.25, "status 200 is retryable"
    )


# -- max_attempts ----------------------------------------------------------------------


def test_out_of_attempts_returns_last_response() -> None:
    """With max_attempts=3, the third retryable response is returned, gave_up set."""
    retry = Retry(3, backoff=FIXED)
    state = start(retry)
    assert isinstance(decide(retry, state, response(503)), Sleep)
    assert isinstance(decide(retry, state, response(503)), Sleep)
    decision = decide(retry, state, response(503))
    assert decision == Return("status 503; out of attempts (3)", gave_up=True)
    assert state.attempt == 3


def test_out_of_attempts_raises_last_error() -> None:
    """With max_attempts=2, the second retryable error is re-raised."""
    retry = Retry(2, backoff=FIXED)
    state = start(retry)
    assert isinstance(decide(retry, state, ReadTimeout("t")), Sleep)
    assert decide(retry, state, ReadTimeout("t")) == Raise(
        "ReadTimeout; out of attempts (2)", gave_up=True
    )


def test_max_attempts_one_disables_retries() -> None:
    """max_attempts=1 never sleeps: responses are returned, errors raised."""
    retry = Retry(1)
    reason = "retries are disabled (max_attempts=1)"
    assert decide(retry, start(retry), response(503)) == Return(reason)
    assert decide(retry, start(retry), ConnectError("c")) == Raise(reason)


def test_max_attempts_none_never_runs_out() -> None:
    """max_attempts=None keeps retrying a retryable outcome."""
    retry = Retry(None, backoff=FIXED)
    state = start(retry)
    for _ in range(500):
        assert isinstance(decide(retry, state, response(503)), Sleep)
    assert state.attempt == 501


# -- replay safety ---------------------------------------------------------------------


def test_post_without_key_is_not_retried_after_a_response() -> None:
    """A 503 to a keyless POST is returned, not retried: the server may have acted."""
    retry = Retry()
    decision = decide(retry, start(retry, "POST"), response(503, "POST"))
    assert isinstance(decision, Return)
    assert decision.gave_up is True
    assert decision.reason == f"status 503 is retryable, but POST {NOT_IDEMPOTENT}" + (
        ": the server may have acted"
    )


def test_post_with_idempotency_key_is_retried() -> None:
    """A POST carrying an Idempotency-Key header is retried like a GET."""
    retry = Retry(backoff=FIXED)
    state = start(retry, "POST", headers={"Idempotency-Key": "abc"})
    assert decide(retry, state, response(503, "POST")) == Sleep(
        0.25, "status 503 is retryable"
    )
    assert isinstance(decide(retry, state, ReadTimeout("t")), Sleep)


@pytest.mark.parametrize("error_type", NEVER_SENT_ERRORS)
def test_never_sent_errors_are_retried_for_any_method(
    error_type: type[BaseException],
) -> None:
    """ConnectError, ConnectTimeout and PoolTimeout are retried even for POST."""
    retry = Retry(backoff=FIXED)
    decision = decide(retry, start(retry, "POST"), error_type("never sent"))
    assert decision == Sleep(0.25, f"{error_type.__name__} is retryable")


def test_read_timeout_on_post_is_not_retried() -> None:
    """A ReadTimeout on a POST without key is re-raised: the server may have acted."""
    retry = Retry()
    error = ReadTimeout("slow", request=request("POST"))
    decision = decide(retry, start(retry, "POST"), error)
    assert isinstance(decision, Raise)
    assert f"ReadTimeout is retryable, but POST {NOT_IDEMPOTENT}" in decision.reason


def test_unknown_method_is_named_generically() -> None:
    """When the outcome carries no request, the reason says "the method"."""
    retry = Retry()
    state = start(retry, "POST")
    decision = decide(retry, state, Response(503, content=b""))
    assert isinstance(decision, Return)
    assert f"the method {NOT_IDEMPOTENT}" in decision.reason
    decision = decide(retry, state, ReadTimeout("no request"))
    assert isinstance(decision, Raise)
    assert f"the method {NOT_IDEMPOTENT}" in decision.reason


def test_custom_methods_and_header() -> None:
    """methods is upper-cased; idempotency_header names the header making it safe."""
    retry = Retry(methods={"post"}, idempotency_header="X-Request-Id")
    assert retry.methods == frozenset({"POST"})
    assert start(retry, "POST").replay_safe
    assert not start(retry, "GET").replay_safe
    assert start(retry, "PATCH", headers={"x-request-id": "1"}).replay_safe
    assert not start(retry, "PATCH", headers={"Idempotency-Key": "1"}).replay_safe
    decision = decide(retry, start(retry, "GET"), response(503))
    assert isinstance(decision, Return)
    assert "has no X-Request-Id header" in decision.reason


def test_non_replayable_body_is_not_retried() -> None:
    """A consumed streamed body stops retrying: Return a response, Raise an error."""
    retry = Retry()
    state = start(retry, replayable_body=False)
    decision = decide(retry, state, response(503))
    assert isinstance(decision, Return)
    assert decision.gave_up is True
    assert "streamed request body was already sent" in decision.reason
    decision = decide(retry, state, ReadError("reset"))
    assert isinstance(decision, Raise)
    assert decision.reason.startswith("ReadError is retryable, but the streamed")


def test_non_replayable_body_is_retried_when_never_sent() -> None:
    """A ConnectError is retried even with a non-replayable body: nothing was sent."""
    retry = Retry(backoff=FIXED)
    state = start(retry, "POST", replayable_body=False)
    assert decide(retry, state, ConnectTimeout("c")) == Sleep(
        0.25, "ConnectTimeout is retryable"
    )


# -- programming errors and user predicates --------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        TypeError("bad arg"),
        ValueError("bad value"),
        AttributeError("no attr"),
        KeyError("k"),
        IndexError("i"),
        InvalidURL("not a url"),
        ConfigurationError("bad config"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_programming_errors_are_never_retried(error: BaseException) -> None:
    """Errors from the caller's code are re-raised even when a predicate matches."""
    retry = Retry(
        retry_on=DEFAULT_RETRY_ON
        | on_exception(TypeError, ValueError, LookupError)
        | on_exception(AttributeError)
    )
    decision = decide(retry, start(retry), error)
    assert decision == Raise(
        f"{type(error).__name__} is a programming error: never retried"
    )


def test_user_predicate_retries_custom_exception() -> None:
    """A custom, non-transport exception matched by a user predicate is retried."""

    class Flaky(Exception):
        pass

    retry = Retry(backoff=FIXED, retry_on=on_exception(Flaky))
    assert decide(retry, start(retry), Flaky("again")) == Sleep(
        0.25, "Flaky is retryable"
    )


def test_transport_error_that_is_also_value_error_is_retried() -> None:
    """A transport error is never a programming error, whatever else it inherits."""

    class OddTransportError(TransportError, ValueError):
        pass

    retry = Retry(backoff=FIXED, retry_on=on_exception(OddTransportError))
    assert isinstance(decide(retry, start(retry), OddTransportError("x")), Sleep)


# -- Retry-After -----------------------------------------------------------------------


def test_retry_after_seconds_is_honoured() -> None:
    """A Retry-After in seconds replaces the backoff delay."""
    retry = Retry(backoff=FIXED)
    state = start(retry)
    decision = decide(retry, state, response(503, headers={"Retry-After": "7"}))
    assert decision == Sleep(7.0, "status 503 is retryable; Retry-After 7 s", 7.0)
    assert state.previous_delay == 7.0


def test_retry_after_ms_is_honoured() -> None:
    """retry-after-ms is honoured in seconds."""
    retry = Retry(backoff=FIXED)
    decision = decide(
        retry, start(retry), response(429, headers={"retry-after-ms": "1500"})
    )
    assert decision == Sleep(1.5, "status 429 is retryable; Retry-After 1.5 s", 1.5)


def test_retry_after_http_date_uses_wall_clock() -> None:
    """An HTTP-date Retry-After is measured against the wall clock passed to next()."""
    retry = Retry(backoff=FIXED)
    when = datetime.fromtimestamp(WALL, UTC) + timedelta(seconds=12)
    headers = {"Retry-After": format_datetime(when, usegmt=True)}
    decision = decide(retry, start(retry), response(503, headers=headers), wall=WALL)
    assert decision == Sleep(12.0, "status 503 is retryable; Retry-After 12 s", 12.0)


def test_retry_after_above_max_retry_after_stops() -> None:
    """A Retry-After longer than max_retry_after returns at once, gave_up set."""
    retry = Retry(max_retry_after=60)
    decision = decide(retry, start(retry), response(503, headers={"Retry-After": "61"}))
    assert decision == Return(
        "status 503 with Retry-After 61 s, above max_retry_after 60 s: not waiting",
        None,
        gave_up=True,
    )


def test_retry_after_equal_to_max_is_honoured() -> None:
    """A Retry-After equal to max_retry_after is still waited for."""
    retry = Retry(max_retry_after=timedelta(minutes=1))
    decision = decide(retry, start(retry), response(503, headers={"Retry-After": "60"}))
    assert isinstance(decision, Sleep)
    assert decision.delay == 60.0


def test_zero_max_retry_after_allows_only_zero() -> None:
    """max_retry_after=0 honours Retry-After: 0 and stops on anything longer."""
    retry = Retry(max_retry_after=0)
    state = start(retry)
    assert decide(retry, state, response(503, headers={"Retry-After": "0"})) == Sleep(
        0.0, "status 503 is retryable; Retry-After 0 s", 0.0
    )
    decision = decide(retry, state, response(503, headers={"Retry-After": "0.5"}))
    assert isinstance(decision, Return)
    assert decision.gave_up is True


def test_retry_after_beyond_deadline_stops_with_reason() -> None:
    """A Retry-After longer than the time left before the deadline stops the call."""
    retry = Retry(backoff=FIXED)
    state = start(retry, now=0.0, deadline=30.0)
    decision = decide(
        retry, state, response(503, headers={"Retry-After": "25"}), now=10.0
    )
    assert decision == Return(
        "status 503; Retry-After 25 s exceeds the 20 s left before the deadline",
        None,
        gave_up=True,
    )
    assert state.attempt == 1


def test_respect_retry_after_false_uses_backoff() -> None:
    """With respect_retry_after=False the header is ignored, not even reported."""
    retry = Retry(backoff=FIXED, respect_retry_after=False)
    headers = {"Retry-After": "100", "retry-after-ms": "bad"}
    decision = decide(retry, start(retry), response(503, headers=headers))
    assert decision == Sleep(0.25, "status 503 is retryable", None, None)


def test_invalid_retry_after_is_reported_on_sleep() -> None:
    """An unusable Retry-After falls back to backoff and is reported as ignored."""
    retry = Retry(backoff=FIXED)
    decision = decide(retry, start(retry), response(503, headers={"Retry-After": "-3"}))
    assert decision == Sleep(0.25, "status 503 is retryable", None, "-3")


def test_invalid_retry_after_is_reported_when_the_deadline_stops() -> None:
    """The ignored Retry-After is reported on a deadline Return too."""
    retry = Retry(backoff=Constant(5.0))
    state = start(retry, deadline=4.0)
    decision = decide(retry, state, response(503, headers={"Retry-After": "soon"}))
    assert isinstance(decision, Return)
    assert decision.ignored_retry_after == "soon"
    assert decision.gave_up is True


# -- deadline --------------------------------------------------------------------------


def test_backoff_beyond_deadline_returns_response() -> None:
    """A backoff delay that would outlast the deadline returns the last response."""
    retry = Retry(backoff=Constant(5.0))
    state = start(retry, now=100.0, deadline=10.0)
    decision = decide(retry, state, response(503), now=106.0)
    assert decision == Return(
        "status 503; backoff 5 s exceeds the 4 s left before the deadline",
        None,
        gave_up=True,
    )


def test_backoff_beyond_deadline_raises_error() -> None:
    """A backoff delay that would outlast the deadline re-raises the last error."""
    retry = Retry(backoff=Constant(5.0))
    state = start(retry, deadline=10.0)
    assert decide(retry, state, ReadTimeout("t"), now=7.5) == Raise(
        "ReadTimeout; backoff 5 s exceeds the 2.5 s left before the deadline",
        gave_up=True,
    )


def test_delay_equal_to_time_left_stops() -> None:
    """A delay that ends exactly at the deadline leaves no time for an attempt."""
    retry = Retry(backoff=Constant(2.0))
    assert isinstance(
        decide(retry, start(retry, deadline=10.0), ConnectError("c"), now=8.0), Raise
    )


def test_deadline_already_passed_reports_zero_left() -> None:
    """Past the deadline, the reason reports 0 s left rather than a negative time."""
    retry = Retry(backoff=Constant(0.0))
    decision = decide(retry, start(retry, deadline=1.0), ConnectError("c"), now=3.0)
    assert decision == Raise(
        "ConnectError; backoff 0 s exceeds the 0 s left before the deadline",
        gave_up=True,
    )


def test_delay_within_deadline_sleeps() -> None:
    """A delay shorter than the time left is slept."""
    retry = Retry(backoff=Linear(1.0, jitter=NoJitter()))
    state = start(retry, deadline=10.0)
    assert decide(retry, state, response(504), now=1.0) == Sleep(
        1.0, "status 504 is retryable"
    )


# -- warn_if_unbounded -----------------------------------------------------------------


def test_warns_when_unbounded() -> None:
    """max_attempts=None with no deadline warns that retrying never ends."""
    with pytest.warns(RuntimeWarning, match="retries forever"):
        Retry(None).warn_if_unbounded(None)


@pytest.mark.parametrize(
    ("max_attempts", "deadline"), [(None, 30.0), (5, None), (3, 1.0)]
)
def test_no_warning_when_bounded(
    max_attempts: int | None, deadline: float | None
) -> None:
    """A max_attempts or a deadline is enough: no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Retry(max_attempts).warn_if_unbounded(deadline)


# -- construction ----------------------------------------------------------------------


def test_defaults() -> None:
    """Retry() defaults to 3 attempts, Exponential(), DEFAULT_RETRY_ON, RFC methods."""
    retry = Retry()
    assert retry.max_attempts == 3
    assert retry.backoff == Exponential()
    assert retry.retry_on is DEFAULT_RETRY_ON
    assert retry.methods == IDEMPOTENT_METHODS
    assert retry.idempotency_header == "Idempotency-Key"
    assert retry.respect_retry_after is True
    assert retry.max_retry_after == DEFAULT_MAX_RETRY_AFTER == 120.0


def test_retry_is_an_immutable_value() -> None:
    """Retry is frozen and compares by value."""
    retry = Retry(backoff=FIXED)
    assert retry == Retry(backoff=Constant(0.25))
    with pytest.raises(AttributeError):
        retry.max_attempts = 5  # type: ignore[misc]  # frozen on purpose


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_attempts": 0}, r"Retry\(max_attempts\)=0 must be an int >= 1"),
        ({"max_attempts": -2}, r"Retry\(max_attempts\)=-2"),
        ({"max_attempts": 2.5}, r"Retry\(max_attempts\)=2.5"),
        ({"max_attempts": True}, r"Retry\(max_attempts\)=True"),
        ({"max_attempts": "3"}, r"Retry\(max_attempts\)='3'"),
        ({"retry_on": lambda o: True}, r"Retry\(retry_on=.*\) must be a predicate"),
        ({"retry_on": (503,)}, r"Retry\(retry_on=\(503,\)\)"),
        ({"max_retry_after": -1}, r"Retry\(max_retry_after\)=-1 must be >= 0"),
        ({"max_retry_after": "60"}, r"Retry\(max_retry_after\)='60'"),
        ({"max_retry_after": float("inf")}, r"Retry\(max_retry_after\)=inf"),
        ({"backoff": 42}, r"backoff=42 is not a strategy"),
        ({"methods": "POST"}, r"Retry\(methods='POST'\)"),
        ({"methods": 5}, r"Retry\(methods=5\)"),
        ({"methods": [b"GET"]}, r"Retry\(methods=\[b'GET'\]\)"),
        ({"idempotency_header": None}, r"Retry\(idempotency_header=None\)"),
        ({"idempotency_header": ""}, r"Retry\(idempotency_header=''\)"),
    ],
)
def test_invalid_arguments_raise_configuration_error(
    kwargs: dict[str, Any], message: str
) -> None:
    """Each invalid Retry argument raises ConfigurationError naming it."""
    with pytest.raises(ConfigurationError, match=message):
        Retry(**kwargs)


def test_predicate_combinations_are_accepted() -> None:
    """Any predicate combination is a valid retry_on."""
    retry_on = on_status(409) | (on_exception(ReadError) & on_exception(ReadError))
    retry = Retry(backoff=FIXED, retry_on=retry_on)
    assert isinstance(decide(retry, start(retry), response(409)), Sleep)
    assert isinstance(decide(retry, start(retry), PoolTimeout("p")), Raise)


def test_max_retry_after_none_is_refused() -> None:
    """max_retry_after=None would allow unbounded waits, so it is a config error."""
    with pytest.raises(ConfigurationError, match="respect_retry_after=False"):
        Retry(max_retry_after=None)  # type: ignore[arg-type]


def test_idempotency_header_in_a_plain_dict_is_found_in_any_case() -> None:
    """start() finds the idempotency header in a plain dict whatever its case."""
    state = Retry().start("POST", {"idempotency-KEY": "k"}, 0.0, None)
    assert state.replay_safe
    assert not Retry().start("POST", {"X-Other": "k"}, 0.0, None).replay_safe


def test_settles_only_final_successes_under_the_default_predicate() -> None:
    """settles() is true for a status below 400 with DEFAULT_RETRY_ON only."""
    retry = Retry()
    assert retry.settles(response(200))
    assert retry.settles(response(304))
    assert not retry.settles(response(404))
    assert not retry.settles(response(503))
    custom = Retry(retry_on=DEFAULT_RETRY_ON | on_status(302))
    assert not custom.settles(response(200))
