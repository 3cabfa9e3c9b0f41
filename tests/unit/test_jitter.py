"""Jitter: bounds and Brooker's formulas, with seeded randomness."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from restwell.policies import (
    DecorrelatedJitter,
    EqualJitter,
    Exponential,
    FullJitter,
    Jitter,
    NoJitter,
)

SEED = 20150304  # Brooker's post, March 2015


def call(
    jitter: Jitter,
    delay: float,
    *,
    previous: float = 0.0,
    base: float = 0.5,
    cap: float = 20.0,
    seed: int = SEED,
) -> float:
    return jitter(delay, previous=previous, base=base, cap=cap, rng=random.Random(seed))


@pytest.mark.parametrize(
    "jitter", [NoJitter(), FullJitter(), EqualJitter(), DecorrelatedJitter()]
)
def test_jitters_satisfy_the_protocol(jitter: Jitter) -> None:
    """Every built-in jitter is a runtime-checkable Jitter."""
    assert isinstance(jitter, Jitter)


def test_no_jitter_returns_the_delay() -> None:
    """NoJitter sleeps exactly the computed delay."""
    assert call(NoJitter(), 3.25) == 3.25


def test_full_jitter_is_uniform_zero_to_delay() -> None:
    """FullJitter draws rng.uniform(0, delay) from the given rng."""
    expected = random.Random(SEED).uniform(0.0, 8.0)
    assert call(FullJitter(), 8.0) == expected
    values = [call(FullJitter(), 8.0, seed=s) for s in range(200)]
    assert all(0.0 <= v <= 8.0 for v in values)
    assert min(values) < 1.0
    assert max(values) > 7.0


def test_equal_jitter_is_half_plus_uniform_half() -> None:
    """EqualJitter draws delay/2 + uniform(0, delay/2)."""
    expected = 4.0 + random.Random(SEED).uniform(0.0, 4.0)
    assert call(EqualJitter(), 8.0) == expected
    values = [call(EqualJitter(), 8.0, seed=s) for s in range(200)]
    assert all(4.0 <= v <= 8.0 for v in values)


def test_zero_delay_stays_zero() -> None:
    """Full and equal jitter of a zero delay are zero."""
    assert call(FullJitter(), 0.0) == 0.0
    assert call(EqualJitter(), 0.0) == 0.0


def test_decorrelated_first_retry_grows_from_base() -> None:
    """Before any sleep, DecorrelatedJitter draws uniform(base, 3 * base)."""
    expected = random.Random(SEED).uniform(0.5, 1.5)
    assert call(DecorrelatedJitter(), 99.0, previous=0.0, base=0.5) == expected


def test_decorrelated_grows_from_previous() -> None:
    """DecorrelatedJitter draws uniform(base, 3 * previous), ignoring the delay."""
    expected = random.Random(SEED).uniform(0.5, 12.0)
    assert call(DecorrelatedJitter(), 0.1, previous=4.0, base=0.5) == expected
    values = [call(DecorrelatedJitter(), 0.1, previous=4.0, seed=s) for s in range(200)]
    assert all(0.5 <= v <= 12.0 for v in values)
    assert max(values) > 6.0


def test_decorrelated_previous_below_base_uses_base() -> None:
    """A previous delay below base counts as base."""
    a = call(DecorrelatedJitter(), 1.0, previous=0.1, base=1.0)
    b = call(DecorrelatedJitter(), 1.0, previous=1.0, base=1.0)
    assert a == b
    assert 1.0 <= a <= 3.0


def test_decorrelated_is_capped() -> None:
    """DecorrelatedJitter never exceeds cap."""
    values = [
        call(DecorrelatedJitter(), 1.0, previous=100.0, base=1.0, cap=5.0, seed=s)
        for s in range(50)
    ]
    assert all(1.0 <= v <= 5.0 for v in values)
    assert 5.0 in values


def test_decorrelated_sequence_through_a_strategy() -> None:
    """Fed back its own sleeps, DecorrelatedJitter stays in [base, cap]."""
    backoff = Exponential(0.5, 2.0, 10.0, jitter=DecorrelatedJitter())
    rng = random.Random(SEED)
    previous = 0.0
    seen = []
    for n in range(1, 30):
        previous = backoff.delay(n, previous=previous, rng=rng)
        seen.append(previous)
    assert all(0.5 <= v <= 10.0 for v in seen)
    assert 10.0 in seen


def test_same_seed_same_delays() -> None:
    """Jitter is reproducible: the same seed gives the same sequence."""
    a = random.Random(1)
    b = random.Random(1)
    assert [call(FullJitter(), 5.0, seed=a.randrange(10**6)) for _ in range(5)] == [
        call(FullJitter(), 5.0, seed=b.randrange(10**6)) for _ in range(5)
    ]


# -- properties ------------------------------------------------------------------------

delays = st.floats(min_value=0.0, max_value=1e9)
seeds = st.integers(min_value=0, max_value=2**32)


@given(delays, seeds)
def test_full_jitter_bounds(delay: float, seed: int) -> None:
    """FullJitter always lies in [0, delay]."""
    assert 0.0 <= call(FullJitter(), delay, seed=seed) <= delay


@given(delays, seeds)
def test_equal_jitter_bounds(delay: float, seed: int) -> None:
    """EqualJitter always lies in [delay / 2, delay]."""
    assert delay / 2 <= call(EqualJitter(), delay, seed=seed) <= delay


@given(
    st.floats(min_value=1e-6, max_value=1e3),
    st.floats(min_value=0.0, max_value=1e6),
    st.floats(min_value=1.0, max_value=1e6),
    seeds,
)
def test_decorrelated_jitter_bounds(
    base: float, previous: float, cap_factor: float, seed: int
) -> None:
    """DecorrelatedJitter lies in [base, min(cap, 3 * max(previous, base))]."""
    cap = base * cap_factor
    value = call(
        DecorrelatedJitter(), 1.0, previous=previous, base=base, cap=cap, seed=seed
    )
    assert base <= value <= min(cap, 3 * max(previous, base))
