"""Backoff strategies: exact formulas, caps, saturation, validation, properties."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from restwell import ConfigurationError
from restwell.policies import (
    BackoffStrategy,
    Constant,
    Custom,
    EqualJitter,
    Exponential,
    Fibonacci,
    FullJitter,
    Jitter,
    Linear,
    NoJitter,
)
from restwell.policies._backoff import Backoff, Sum, as_backoff

NO = NoJitter()


def junk(value: object) -> Any:
    """Pass a deliberately ill-typed argument past the type checker."""
    return value


def delays(strategy: BackoffStrategy, count: int) -> list[float]:
    rng = random.Random(0)
    return [strategy.delay(n, previous=0.0, rng=rng) for n in range(1, count + 1)]


# -- exact formulas --------------------------------------------------------------------


def test_exponential_formula() -> None:
    """Exponential gives initial * factor ** (n - 1) before the cap."""
    assert delays(Exponential(0.5, 2.0, 100.0, jitter=NO), 5) == [
        0.5,
        1.0,
        2.0,
        4.0,
        8.0,
    ]
    assert delays(Exponential(1.0, 3.0, 100.0, jitter=NO), 4) == [1.0, 3.0, 9.0, 27.0]


def test_exponential_factor_one_is_constant() -> None:
    """Exponential with factor 1 repeats the initial delay."""
    assert delays(Exponential(0.25, 1, 1.0, jitter=NO), 3) == [0.25, 0.25, 0.25]


def test_exponential_caps_at_max_delay() -> None:
    """Exponential delays stop growing at max_delay."""
    assert delays(Exponential(1.0, 2.0, 5.0, jitter=NO), 5) == [
        1.0,
        2.0,
        4.0,
        5.0,
        5.0,
    ]


@pytest.mark.parametrize("n", [1_100, 10**6, 10**400])
def test_exponential_saturates_on_overflow(n: int) -> None:
    """Exponential at a huge retry number saturates to inf raw and max_delay capped."""
    backoff = Exponential(0.5, 2.0, 20.0, jitter=NO)
    assert backoff.raw(n) == float("inf")
    assert backoff.delay(n, previous=0.0, rng=random.Random(0)) == 20.0


def test_exponential_defaults() -> None:
    """Exponential defaults to 0.5 s, x2, 20 s cap and full jitter."""
    backoff = Exponential()
    assert (backoff.initial, backoff.factor, backoff.max_delay) == (0.5, 2.0, 20.0)
    assert backoff.jitter == FullJitter()
    assert backoff.base == 0.5


def test_linear_formula_default_increment() -> None:
    """Linear without an increment gives initial, 2*initial, 3*initial, ..."""
    assert delays(Linear(0.5, max_delay=100.0, jitter=NO), 4) == [0.5, 1.0, 1.5, 2.0]


def test_linear_formula_explicit_increment() -> None:
    """Linear gives initial + increment * (n - 1), capped at max_delay."""
    assert delays(Linear(1.0, 0.25, 1.5, jitter=NO), 4) == [1.0, 1.25, 1.5, 1.5]


def test_linear_zero_increment_is_constant() -> None:
    """Linear accepts a zero increment, giving a constant delay."""
    assert delays(Linear(2.0, 0, jitter=NO), 3) == [2.0, 2.0, 2.0]


def test_linear_huge_retry_number_is_capped() -> None:
    """Linear at a very large retry number returns max_delay."""
    backoff = Linear(1.0, 1.0, 30.0, jitter=NO)
    assert backoff.delay(10**9, previous=0.0, rng=random.Random(0)) == 30.0


def test_linear_defaults() -> None:
    """Linear defaults to 0.5 s steps, a 20 s cap and full jitter."""
    backoff = Linear()
    assert (backoff.initial, backoff.increment, backoff.max_delay) == (0.5, 0.5, 20.0)
    assert backoff.jitter == FullJitter()


def test_fibonacci_formula() -> None:
    """Fibonacci gives initial * F(n) with F = 1, 1, 2, 3, 5, 8, 13."""
    assert delays(Fibonacci(0.5, 100.0, jitter=NO), 7) == [
        0.5,
        0.5,
        1.0,
        1.5,
        2.5,
        4.0,
        6.5,
    ]


def test_fibonacci_caps_and_stops_growing() -> None:
    """Fibonacci delays are capped at max_delay, even at a huge retry number."""
    backoff = Fibonacci(1.0, 4.0, jitter=NO)
    assert delays(backoff, 6) == [1.0, 1.0, 2.0, 3.0, 4.0, 4.0]
    assert backoff.raw(10**9) == 5.0  # stops at the first F(n) past the cap
    assert backoff.delay(10**9, previous=0.0, rng=random.Random(0)) == 4.0


def test_fibonacci_defaults() -> None:
    """Fibonacci defaults to a 0.5 s unit, a 20 s cap and full jitter."""
    backoff = Fibonacci()
    assert (backoff.initial, backoff.max_delay, backoff.jitter) == (
        0.5,
        20.0,
        FullJitter(),
    )


def test_constant_formula_and_defaults() -> None:
    """Constant repeats its delay exactly; the default is 1 s without jitter."""
    assert delays(Constant(0.3), 3) == [0.3, 0.3, 0.3]
    assert delays(Constant(), 2) == [1.0, 1.0]
    assert Constant().jitter == NoJitter()
    assert Constant(0).delay(5, previous=0.0, rng=random.Random(0)) == 0.0


def test_constant_with_jitter() -> None:
    """Constant with full jitter draws within [0, delay]."""
    rng = random.Random(3)
    values = [
        Constant(2.0, jitter=FullJitter()).delay(n, previous=0.0, rng=rng)
        for n in range(1, 50)
    ]
    assert all(0.0 <= v <= 2.0 for v in values)
    assert len(set(values)) > 1


def test_custom_function() -> None:
    """Custom uses the function's seconds, capped at max_delay."""
    assert delays(Custom(lambda n: n * n), 3) == [1.0, 4.0, 9.0]
    assert delays(Custom(lambda n: n * 10.0, max_delay=15.0), 3) == [10.0, 15.0, 15.0]
    assert Custom(lambda n: 0.7).base == 0.7


def test_custom_accepts_timedelta() -> None:
    """Custom converts a returned timedelta to seconds."""
    assert delays(Custom(lambda n: junk(timedelta(milliseconds=250 * n))), 2) == [
        0.25,
        0.5,
    ]


@pytest.mark.parametrize("bad", [-1.0, float("nan"), "1", None, True])
def test_custom_rejects_bad_return(bad: object) -> None:
    """Custom raises ConfigurationError naming the function when it returns junk."""

    def my_backoff(n: int) -> float:
        return bad  # type: ignore[return-value]  # deliberately wrong

    with pytest.raises(ConfigurationError, match=r"my_backoff.*retry 2"):
        Custom(my_backoff).delay(2, previous=0.0, rng=random.Random(0))


def test_custom_names_a_callable_without_name() -> None:
    """Custom's error names a nameless callable by its repr."""

    class Bad:
        def __call__(self, n: int) -> float:
            return -1.0

        def __repr__(self) -> str:
            return "<bad callable>"

    with pytest.raises(ConfigurationError, match="<bad callable>"):
        Custom(Bad()).delay(1, previous=0.0, rng=random.Random(0))


def test_sum_adds_delays() -> None:
    """a + b sleeps the sum of both strategies' delays."""
    total = Constant(1.0) + Linear(0.5, max_delay=10.0, jitter=NO)
    assert isinstance(total, Sum)
    assert delays(total, 3) == [1.5, 2.0, 2.5]
    assert total.base == 0.0
    assert total.max_delay == float("inf")


def test_sum_of_sums_and_jittered_parts() -> None:
    """Sums nest, and each part is jittered on its own within its own bounds."""
    total = Constant(1.0) + Constant(2.0) + Exponential(1.0, 2.0, 4.0)
    rng = random.Random(7)
    for n in range(1, 20):
        assert 3.0 <= total.delay(n, previous=0.0, rng=rng) <= 7.0


def test_base_raw_is_abstract() -> None:
    """The Backoff base class has no formula of its own."""
    with pytest.raises(NotImplementedError):
        Backoff().raw(1)


def test_negative_jitter_result_is_clamped() -> None:
    """A jitter that returns a negative delay is clamped to zero."""

    class Negative:
        def __call__(
            self,
            delay: float,
            *,
            previous: float,
            base: float,
            cap: float,
            rng: random.Random,
        ) -> float:
            return -5.0

    jitter = Negative()
    assert isinstance(jitter, Jitter)
    assert (
        Constant(1.0, jitter=jitter).delay(1, previous=0.0, rng=random.Random(0)) == 0
    )


# -- timedelta inputs ------------------------------------------------------------------


def test_timedelta_inputs_are_normalised() -> None:
    """Every duration argument accepts a timedelta and stores float seconds."""
    ms = timedelta(milliseconds=100)
    assert Exponential(ms, 2, timedelta(seconds=3)).max_delay == 3.0
    assert Exponential(ms).initial == 0.1
    linear = Linear(ms, timedelta(milliseconds=50), timedelta(seconds=1), jitter=NO)
    assert (linear.initial, linear.increment, linear.max_delay) == (0.1, 0.05, 1.0)
    fib = Fibonacci(timedelta(seconds=2), timedelta(minutes=1))
    assert (fib.initial, fib.max_delay) == (2.0, 60.0)
    assert Constant(timedelta(seconds=4)).delay_seconds == 4.0


# -- configuration errors --------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "names"),
    [
        (lambda: Exponential(0), r"Exponential\(initial\)=0 must be > 0"),
        (lambda: Exponential(-1), r"Exponential\(initial\)=-1"),
        (
            lambda: Exponential(junk("1")),
            r"Exponential\(initial\)='1' is not a duration",
        ),
        (
            lambda: Exponential(float("nan")),
            r"Exponential\(initial\)=nan is not finite",
        ),
        (lambda: Exponential(max_delay=0), r"Exponential\(max_delay\)=0"),
        (
            lambda: Exponential(max_delay=float("inf")),
            r"Exponential\(max_delay\)=inf is not finite",
        ),
        (lambda: Exponential(factor=0.5), r"Exponential\(factor=0.5\).*>= 1"),
        (lambda: Exponential(factor=float("nan")), r"Exponential\(factor=nan\)"),
        (lambda: Exponential(factor=float("inf")), r"Exponential\(factor=inf\)"),
        (lambda: Exponential(factor=junk("2")), r"Exponential\(factor='2'\)"),
        (lambda: Exponential(1.0, 2.0, 0.5), r"max_delay=0.5 is below the first"),
        (lambda: Linear(0), r"Linear\(initial\)=0"),
        (lambda: Linear(1, -0.1), r"Linear\(increment\)=-0.1 must be >= 0"),
        (lambda: Linear(1, junk("x")), r"Linear\(increment\)='x'"),
        (lambda: Linear(max_delay=-1), r"Linear\(max_delay\)=-1"),
        (lambda: Linear(2.0, max_delay=1.0), r"max_delay=1.0 is below the first"),
        (lambda: Fibonacci(0), r"Fibonacci\(initial\)=0"),
        (lambda: Fibonacci(max_delay=True), r"Fibonacci\(max_delay\)=True"),
        (lambda: Fibonacci(2.0, 1.0), r"max_delay=1.0 is below the first delay 2.0"),
        (lambda: Constant(-1), r"Constant\(delay\)=-1 must be >= 0"),
        (lambda: Constant(timedelta(seconds=-1)), r"Constant\(delay\)=-1.0"),
        (lambda: Constant(junk(None)), r"Constant\(delay\)=None is not a duration"),
    ],
)
def test_configuration_errors_name_the_argument(build: object, names: str) -> None:
    """Each invalid argument raises ConfigurationError whose message names it."""
    with pytest.raises(ConfigurationError, match=names):
        build()  # type: ignore[operator]  # lambdas in a parametrize table


# -- as_backoff ------------------------------------------------------------------------


def test_as_backoff_keeps_strategies() -> None:
    """as_backoff returns a strategy object unchanged."""
    strategy = Linear()
    assert as_backoff(strategy) is strategy


def test_as_backoff_wraps_a_function() -> None:
    """as_backoff wraps a plain (n) -> seconds function in Custom."""

    def wait(n: int) -> float:
        return n / 10

    wrapped = as_backoff(wait)
    assert wrapped == Custom(wait)
    assert delays(wrapped, 2) == [0.1, 0.2]


@pytest.mark.parametrize("junk", [42, "exponential", None, [1, 2]])
def test_as_backoff_rejects_junk(junk: object) -> None:
    """as_backoff raises ConfigurationError naming the value for a non-strategy."""
    with pytest.raises(ConfigurationError, match=r"backoff=.* is not a strategy"):
        as_backoff(junk)  # type: ignore[arg-type]  # deliberately wrong


# -- properties ------------------------------------------------------------------------

JITTERS = st.sampled_from([FullJitter(), EqualJitter(), NoJitter()])
retry_numbers = st.integers(min_value=1, max_value=10**6)
initials = st.floats(min_value=1e-6, max_value=1e3)


@st.composite
def strategies(draw: st.DrawFn, jitters: st.SearchStrategy[Any] = JITTERS) -> Backoff:
    jitter = draw(jitters)
    initial = draw(initials)
    cap = draw(st.floats(min_value=initial, max_value=1e6))
    kind = draw(st.sampled_from(["exp", "lin", "fib", "const"]))
    if kind == "exp":
        factor = draw(st.floats(min_value=1.0, max_value=100.0))
        return Exponential(initial, factor, cap, jitter=jitter)
    if kind == "lin":
        inc = draw(st.floats(min_value=0.0, max_value=1e3))
        return Linear(initial, inc, cap, jitter=jitter)
    if kind == "fib":
        return Fibonacci(initial, cap, jitter=jitter)
    return Constant(initial, jitter=jitter)


seeds = st.integers(min_value=0, max_value=2**32)


@given(strategies(), retry_numbers, seeds)
def test_delay_is_within_zero_and_max_delay(
    strategy: Backoff, n: int, seed: int
) -> None:
    """For any retry number and valid parameters, 0 <= delay <= max_delay."""
    value = strategy.delay(n, previous=0.0, rng=random.Random(seed))
    assert 0.0 <= value <= strategy.max_delay


@given(strategies(st.just(EqualJitter())), retry_numbers, seeds)
def test_equal_jitter_never_waits_less_than_half(
    strategy: Backoff, n: int, seed: int
) -> None:
    """With EqualJitter the delay is at least half the capped un-jittered delay."""
    capped = min(strategy.max_delay, strategy.raw(n))
    value = strategy.delay(n, previous=0.0, rng=random.Random(seed))
    assert capped / 2 <= value <= capped


def test_custom_function_returning_infinity_is_refused() -> None:
    """A backoff function returning infinity is a config error, not an endless sleep."""
    with pytest.raises(ConfigurationError, match="finite"):
        Custom(lambda n: float("inf")).delay(1, previous=0.0, rng=random.Random(1))


def test_none_and_negative_messages_agree() -> None:
    """Neither message offers None where None is refused."""
    with pytest.raises(ConfigurationError) as none:
        Exponential(None)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError) as negative:
        Exponential(-1)
    assert "None to disable" not in str(none.value)
    assert "None to disable" not in str(negative.value)
    assert "Exponential(initial)=None" in str(none.value)


def test_constant_repr_names_its_argument() -> None:
    """Constant's repr uses the argument name users pass."""
    assert repr(Constant(2)) == "Constant(delay=2.0, jitter=NoJitter())"
