"""FakeClock, Timeout, seconds() and check_int: the values policies are built from."""

from __future__ import annotations

from datetime import timedelta

import pytest

from restwell import ConfigurationError
from restwell._clock import Clock, FakeClock
from restwell._config import DEFAULT_TIMEOUT, UNSET, Timeout, check_int, seconds

# -- FakeClock -------------------------------------------------------------------------


def test_fake_clock_starts_where_told() -> None:
    """FakeClock reads its start value and a fixed wall clock."""
    clock = FakeClock()
    assert clock.monotonic() == 0.0
    assert clock.time() == 1_700_000_000.0
    clock = FakeClock(10.0, wall=50.0)
    assert (clock.monotonic(), clock.time()) == (10.0, 50.0)
    assert repr(clock) == "FakeClock(now=10.0)"
    assert isinstance(clock, Clock)


def test_advance_moves_both_clocks() -> None:
    """advance() moves monotonic and wall time forward together."""
    clock = FakeClock(5.0, wall=1000.0)
    clock.advance(2.5)
    clock.advance(timedelta(milliseconds=500))
    clock.advance(0)
    assert clock.monotonic() == 8.0
    assert clock.time() == 1003.0
    assert clock.sleeps == []


@pytest.mark.parametrize("back", [-0.001, timedelta(seconds=-1)])
def test_advance_backwards_is_an_error(back: float | timedelta) -> None:
    """FakeClock cannot go back in time."""
    clock = FakeClock()
    with pytest.raises(ValueError, match="cannot go back"):
        clock.advance(back)
    assert clock.monotonic() == 0.0


def test_sleep_records_and_advances() -> None:
    """sleep() records each duration and advances at once; negatives do not go back."""
    clock = FakeClock()
    clock.sleep(1.5)
    clock.sleep(0.0)
    clock.sleep(-2.0)
    assert clock.sleeps == [1.5, 0.0, -2.0]
    assert clock.monotonic() == 1.5


@pytest.mark.anyio
async def test_asleep_records_and_advances() -> None:
    """asleep() records and advances like sleep(), without waiting."""
    clock = FakeClock(1.0)
    await clock.asleep(3.0)
    await clock.asleep(0.25)
    assert clock.sleeps == [3.0, 0.25]
    assert clock.monotonic() == 4.25
    assert clock.time() == 1_700_000_000.0 + 3.25


# -- Timeout ---------------------------------------------------------------------------


def test_timeout_defaults() -> None:
    """Timeout() is connect 5, read 10, write 10, pool 5 seconds."""
    assert Timeout().as_dict() == {
        "connect": 5.0,
        "read": 10.0,
        "write": 10.0,
        "pool": 5.0,
    }
    assert Timeout() == DEFAULT_TIMEOUT
    assert Timeout(UNSET) == DEFAULT_TIMEOUT


def test_timeout_single_value_sets_every_phase() -> None:
    """Timeout(3) applies 3 s to every phase not given separately."""
    assert Timeout(3).as_dict() == dict.fromkeys(
        ("connect", "read", "write", "pool"), 3.0
    )
    t = Timeout(3, read=timedelta(seconds=30))
    assert (t.connect, t.read, t.write, t.pool) == (3.0, 30.0, 3.0, 3.0)


def test_timeout_phases_override_defaults() -> None:
    """A phase given alone overrides its default; the others keep theirs."""
    t = Timeout(connect=1, pool=None)
    assert (t.connect, t.read, t.write, t.pool) == (1.0, 10.0, 10.0, None)


def test_timeout_none_disables_everything() -> None:
    """Timeout(None) disables every phase; a phase may still be set."""
    assert Timeout(None).as_dict() == dict.fromkeys(
        ("connect", "read", "write", "pool"), None
    )
    assert Timeout(None, connect=2).connect == 2.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": 0}, r"Timeout\(connect\)=0 must be > 0"),
        ({"timeout": -1}, r"Timeout\(connect\)=-1"),
        ({"read": 0}, r"Timeout\(read\)=0"),
        ({"write": float("nan")}, r"Timeout\(write\)=nan is not finite"),
        ({"pool": float("inf")}, r"Timeout\(pool\)=inf is not finite"),
        ({"connect": "5"}, r"Timeout\(connect\)='5' is not a duration"),
    ],
)
def test_timeout_errors_name_the_phase(kwargs: dict[str, object], message: str) -> None:
    """Invalid timeouts raise ConfigurationError naming the phase."""
    with pytest.raises(ConfigurationError, match=message):
        Timeout(**kwargs)  # type: ignore[arg-type]  # deliberately wrong


def test_timeout_coerce() -> None:
    """coerce() keeps a Timeout and builds one from seconds, timedelta or None."""
    t = Timeout(1)
    assert Timeout.coerce(t) is t
    assert Timeout.coerce(2.0) == Timeout(2.0)
    assert Timeout.coerce(timedelta(seconds=4)) == Timeout(4.0)
    assert Timeout.coerce(None) == Timeout(None)
    with pytest.raises(ConfigurationError, match="Timeout"):
        Timeout.coerce(-1)


def test_capped_returns_self_when_within() -> None:
    """capped() returns the same Timeout when every phase fits in the time left."""
    t = Timeout()
    assert t.capped(10.0) is t
    assert t.capped(100.0) is t


def test_capped_lowers_phases_above_remaining() -> None:
    """capped() lowers each phase above the time left to it."""
    capped = Timeout().capped(7.0)
    assert capped.as_dict() == {"connect": 5.0, "read": 7.0, "write": 7.0, "pool": 5.0}
    assert Timeout().capped(0.5) == Timeout(0.5)


@pytest.mark.parametrize("phase", ["connect", "read", "write", "pool"])
def test_capped_fills_disabled_phases(phase: str) -> None:
    """capped() turns a disabled phase into the time left."""
    t = Timeout(1, **{phase: None})
    capped = t.capped(3.0)
    assert capped is not t
    assert getattr(capped, phase) == 3.0
    assert capped.as_dict() == {**dict.fromkeys(t.as_dict(), 1.0), phase: 3.0}
    assert Timeout(None).capped(2.0) == Timeout(2.0)


# -- seconds() -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1.0), (0.25, 0.25), (timedelta(minutes=2), 120.0), (None, None)],
)
def test_seconds_normalises(
    value: float | timedelta | None, expected: float | None
) -> None:
    """seconds() turns ints, floats and timedeltas into float seconds; keeps None."""
    result = seconds(value, "x")
    assert result == expected
    assert type(result) is type(expected)


def test_seconds_zero_only_when_allowed() -> None:
    """Zero is rejected unless allow_zero is set."""
    assert seconds(0, "x", allow_zero=True) == 0.0
    with pytest.raises(ConfigurationError, match=r"x=0 must be > 0 seconds"):
        seconds(0, "x")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, r"delay=-1 must be >= 0 seconds"),
        (timedelta(seconds=-3), r"delay=-3.0 must be >= 0"),
        (float("nan"), r"delay=nan is not finite"),
        (float("inf"), r"delay=inf is not finite"),
        (float("-inf"), r"delay=-inf is not finite"),
        (True, r"delay=True is not a duration"),
        ("1", r"delay='1' is not a duration"),
        ([1], r"delay=\[1\] is not a duration"),
    ],
)
def test_seconds_errors(value: object, message: str) -> None:
    """seconds() rejects negative, non-finite and non-numeric values, naming them."""
    with pytest.raises(ConfigurationError, match=message):
        seconds(value, "delay", allow_zero=True)  # type: ignore[arg-type]  # wrong


# -- check_int -------------------------------------------------------------------------


def test_check_int_accepts_ints_at_or_above_minimum() -> None:
    """check_int returns an int at or above its minimum."""
    assert check_int(3, "n", 1) == 3
    assert check_int(0, "n", 0) == 0


@pytest.mark.parametrize("value", [0, -1, 1.0, "2", None, True, False])
def test_check_int_rejects(value: object) -> None:
    """check_int rejects values below the minimum, bools and non-ints, with a hint."""
    with pytest.raises(
        ConfigurationError, match=r"^n=.* must be an int >= 1 \(hint\)$"
    ):
        check_int(value, "n", 1, " (hint)")
