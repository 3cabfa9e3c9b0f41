"""
Backoff strategies: retry number n (1 = the first retry) → delay in seconds.

Each strategy computes its delay, caps it at ``max_delay``, then applies its jitter.
``a + b`` adds two strategies' delays (tenacity's ``wait_a + wait_b``). Any callable
``(n: int) -> float`` is a strategy too (wrapped in ``Custom``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from random import Random
from typing import Protocol, runtime_checkable

from .._config import seconds
from .._exceptions import ConfigurationError
from ._jitter import FullJitter, Jitter, NoJitter

__all__ = [
    "Backoff",
    "BackoffStrategy",
    "Constant",
    "Custom",
    "Exponential",
    "Fibonacci",
    "Linear",
    "as_backoff",
]


@runtime_checkable
class BackoffStrategy(Protocol):
    """
    Anything that gives the delay before retry ``n``: ``delay(n, *, previous, rng)``.

    ``n`` is 1-based (1 = before the second attempt); ``previous`` is the last delay
    slept (0.0 before the first retry), in seconds; ``rng`` a ``random.Random``.
    """

    def delay(self, n: int, *, previous: float, rng: Random) -> float:
        """Return the delay before retry ``n``, in seconds (>= 0)."""
        ...


def _positive(
    value: float | timedelta, name: str, *, allow_zero: bool = False
) -> float:
    v = seconds(value, name, allow_zero=allow_zero, nullable=False)
    assert v is not None  # noqa: S101 - nullable=False
    return v


class Backoff:
    """
    Base of the built-in strategies: ``delay(n)`` = jitter(min(max_delay, raw(n))).

    Subclasses implement ``raw(n)`` and set ``jitter``, ``max_delay`` and ``base``.
    """

    __slots__ = ()
    jitter: Jitter
    max_delay: float
    base: float

    def raw(self, n: int) -> float:
        """Return the un-jittered, uncapped delay before retry ``n``, in seconds."""
        raise NotImplementedError

    def delay(self, n: int, *, previous: float, rng: Random) -> float:
        """
        Return the delay before retry ``n`` (1-based), in seconds.

        Args:
            n: Retry number; 1 is the wait after the first attempt.
            previous: The last delay slept, in seconds (0.0 before the first retry).
            rng: Source of randomness for the jitter.

        Returns:
            ``jitter(min(max_delay, raw(n)))``, never negative.
        """
        capped = min(self.max_delay, self.raw(n))
        return max(
            0.0,
            self.jitter(
                capped, previous=previous, base=self.base, cap=self.max_delay, rng=rng
            ),
        )

    def __add__(self, other: BackoffStrategy) -> Sum:
        return Sum(self, other)


def _check_cap(max_delay: float, first: float) -> None:
    if max_delay < first:
        raise ConfigurationError(
            f"max_delay={max_delay} is below the first delay {first}: "
            "raise max_delay or lower the initial delay"
        )


@dataclass(frozen=True, slots=True, init=False)
class Exponential(Backoff):
    """
    Exponential backoff: delay(n) = min(max_delay, initial * factor ** (n - 1)).

    Jitter is applied after the cap.

    Args:
        initial: Delay before retry 1, in seconds. Default 0.5.
        factor: Growth per retry, dimensionless, >= 1. Default 2.0.
        max_delay: Cap on any single delay, in seconds, applied before jitter.
            Default 20.0 (the AWS SDKs' cap).
        jitter: Randomisation of the capped delay. Default ``FullJitter()``.

    Raises:
        ConfigurationError: If initial <= 0, factor < 1, or max_delay < initial.

    Source: M. Brooker, "Exponential Backoff and Jitter", AWS Architecture Blog, 2015.
    """

    initial: float
    factor: float
    max_delay: float
    jitter: Jitter
    base: float = field(repr=False)

    def __init__(
        self,
        initial: float | timedelta = 0.5,
        factor: float = 2.0,
        max_delay: float | timedelta = 20.0,
        *,
        jitter: Jitter | None = None,
    ) -> None:
        ini = _positive(initial, "Exponential(initial)")
        cap = _positive(max_delay, "Exponential(max_delay)")
        given: object = factor
        if (
            not isinstance(given, int | float)
            or not given >= 1.0
            or given == float("inf")
        ):
            raise ConfigurationError(
                f"Exponential(factor={factor!r}) must be a finite number >= 1; "
                "use Constant for a fixed delay"
            )
        _check_cap(cap, ini)
        object.__setattr__(self, "initial", ini)
        object.__setattr__(self, "factor", float(factor))
        object.__setattr__(self, "max_delay", cap)
        object.__setattr__(self, "jitter", FullJitter() if jitter is None else jitter)
        object.__setattr__(self, "base", ini)

    def raw(self, n: int) -> float:
        """Return ``initial * factor ** (n - 1)`` (saturating at ``inf``)."""
        try:
            return self.initial * self.factor ** (n - 1)
        except OverflowError:
            return float("inf")


@dataclass(frozen=True, slots=True, init=False)
class Linear(Backoff):
    """
    Linear backoff: delay(n) = min(max_delay, initial + increment * (n - 1)).

    Jitter is applied after the cap.

    Args:
        initial: Delay before retry 1, in seconds. Default 0.5.
        increment: Added per retry, in seconds, >= 0. Default: ``initial``, so the
            delays are initial, 2·initial, 3·initial, … (aresilient's
            ``LinearBackoff``).
        max_delay: Cap on any single delay, in seconds. Default 20.0.
        jitter: Default ``FullJitter()``.

    Raises:
        ConfigurationError: If initial <= 0, increment < 0, or max_delay < initial.
    """

    initial: float
    increment: float
    max_delay: float
    jitter: Jitter
    base: float = field(repr=False)

    def __init__(
        self,
        initial: float | timedelta = 0.5,
        increment: float | timedelta | None = None,
        max_delay: float | timedelta = 20.0,
        *,
        jitter: Jitter | None = None,
    ) -> None:
        ini = _positive(initial, "Linear(initial)")
        inc = (
            ini
            if increment is None
            else _positive(increment, "Linear(increment)", allow_zero=True)
        )
        cap = _positive(max_delay, "Linear(max_delay)")
        _check_cap(cap, ini)
        object.__setattr__(self, "initial", ini)
        object.__setattr__(self, "increment", inc)
        object.__setattr__(self, "max_delay", cap)
        object.__setattr__(self, "jitter", FullJitter() if jitter is None else jitter)
        object.__setattr__(self, "base", ini)

    def raw(self, n: int) -> float:
        """Return ``initial + increment * (n - 1)``."""
        return self.initial + self.increment * (n - 1)


@dataclass(frozen=True, slots=True, init=False)
class Fibonacci(Backoff):
    """
    Fibonacci backoff: delay(n) = min(max_delay, initial * F(n)).

    F(n) = 1, 1, 2, 3, 5, 8, …; it grows more gently than ×2 exponential
    (ratio → φ ≈ 1.618).

    Args:
        initial: Unit delay, in seconds (delays are 1, 1, 2, 3, 5 … units). Default
            0.5.
        max_delay: Cap on any single delay, in seconds. Default 20.0.
        jitter: Default ``FullJitter()``.

    Raises:
        ConfigurationError: If initial <= 0 or max_delay < initial.
    """

    initial: float
    max_delay: float
    jitter: Jitter
    base: float = field(repr=False)

    def __init__(
        self,
        initial: float | timedelta = 0.5,
        max_delay: float | timedelta = 20.0,
        *,
        jitter: Jitter | None = None,
    ) -> None:
        ini = _positive(initial, "Fibonacci(initial)")
        cap = _positive(max_delay, "Fibonacci(max_delay)")
        _check_cap(cap, ini)
        object.__setattr__(self, "initial", ini)
        object.__setattr__(self, "max_delay", cap)
        object.__setattr__(self, "jitter", FullJitter() if jitter is None else jitter)
        object.__setattr__(self, "base", ini)

    def raw(self, n: int) -> float:
        """Return ``initial * F(n)``; stops growing once past ``max_delay``."""
        a, b = 1, 1
        for _ in range(n - 1):
            a, b = b, a + b
            if a * self.initial > self.max_delay:
                break
        return self.initial * a


@dataclass(frozen=True, slots=True, init=False, repr=False)
class Constant(Backoff):
    """
    Constant backoff: the same delay before every retry.

    Args:
        delay: Seconds to wait before each retry, >= 0. Default 1.0.
        jitter: Default ``NoJitter()`` (a constant delay is usually meant exactly).

    Raises:
        ConfigurationError: If delay < 0.
    """

    delay_seconds: float
    jitter: Jitter
    max_delay: float = field(repr=False)
    base: float = field(repr=False)

    def __init__(
        self, delay: float | timedelta = 1.0, *, jitter: Jitter | None = None
    ) -> None:
        d = _positive(delay, "Constant(delay)", allow_zero=True)
        object.__setattr__(self, "delay_seconds", d)
        object.__setattr__(self, "jitter", NoJitter() if jitter is None else jitter)
        object.__setattr__(self, "max_delay", d)
        object.__setattr__(self, "base", d)

    def raw(self, n: int) -> float:
        """Return the constant delay."""
        return self.delay_seconds

    def __repr__(self) -> str:
        # Named as the argument is (`delay`); the field cannot be, as `delay()` is
        # the strategy's method.
        return f"Constant(delay={self.delay_seconds!r}, jitter={self.jitter!r})"


@dataclass(frozen=True, slots=True)
class Custom(Backoff):
    """
    A user's function as a strategy: delay(n) = min(max_delay, fn(n)), then jitter.

    Args:
        fn: ``(n: int) -> float``: seconds before retry ``n`` (1-based).
        max_delay: Cap, in seconds. Default ``inf`` (the function decides).
        jitter: Default ``NoJitter()``.

    Raises:
        ConfigurationError: At call time if ``fn`` returns a negative, NaN or
            non-numeric delay (the message names the function and the value).
    """

    fn: Callable[[int], float]
    max_delay: float = float("inf")
    jitter: Jitter = field(default_factory=NoJitter)

    @property
    def base(self) -> float:  # type: ignore[override]  # computed for DecorrelatedJitter
        """The function's first delay, in seconds."""
        return self.raw(1)

    def raw(self, n: int) -> float:
        """Return ``fn(n)`` after checking it is a valid delay."""
        value: object = self.fn(n)
        if isinstance(value, timedelta):
            value = value.total_seconds()
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 <= value < float("inf")
        ):
            raise ConfigurationError(
                f"backoff function {getattr(self.fn, '__name__', self.fn)!r} returned "
                f"{value!r} for retry {n}: it must return finite seconds >= 0"
            )
        return float(value)


@dataclass(frozen=True, slots=True)
class Sum(Backoff):
    """The sum of two strategies' delays (``a + b``), each jittered on its own."""

    first: BackoffStrategy
    second: BackoffStrategy

    @property
    def base(self) -> float:  # type: ignore[override]  # derived from the parts
        """The first retry's un-jittered delay is not meaningful for sums: 0."""
        return 0.0

    @property
    def max_delay(self) -> float:  # type: ignore[override]  # derived from the parts
        """Sums are not capped beyond their parts: ``inf``."""
        return float("inf")

    def delay(self, n: int, *, previous: float, rng: Random) -> float:
        """Return ``first.delay(n) + second.delay(n)``."""
        return self.first.delay(n, previous=previous, rng=rng) + self.second.delay(
            n, previous=previous, rng=rng
        )


def as_backoff(value: BackoffStrategy | Callable[[int], float]) -> BackoffStrategy:
    """
    Accept a strategy or a plain ``(n) -> seconds`` callable.

    Raises:
        ConfigurationError: If ``value`` is neither.
    """
    if isinstance(value, BackoffStrategy):
        return value
    if callable(value):
        return Custom(value)
    raise ConfigurationError(
        f"backoff={value!r} is not a strategy: pass Exponential(), Linear(), "
        "Fibonacci(), Constant() or a function (n) -> seconds"
    )
