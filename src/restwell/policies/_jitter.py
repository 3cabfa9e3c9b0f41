"""
Jitter: randomisation of a backoff delay.

It keeps clients that failed together from retrying together.

Source: M. Brooker, "Exponential Backoff and Jitter", AWS Architecture Blog, 2015.
``rng`` is a ``random.Random`` the driver owns (seeded in tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Protocol, runtime_checkable

__all__ = ["DecorrelatedJitter", "EqualJitter", "FullJitter", "Jitter", "NoJitter"]


@runtime_checkable
class Jitter(Protocol):
    """
    Maps a computed delay to the delay actually slept, in seconds.

    ``__call__(delay, *, previous, base, cap, rng) -> float`` where ``delay`` is the
    strategy's capped delay, ``previous`` the last delay slept (0.0 before the first
    retry), ``base`` the strategy's first delay and ``cap`` its ``max_delay``.
    """

    def __call__(
        self, delay: float, *, previous: float, base: float, cap: float, rng: Random
    ) -> float:
        """Return the delay to sleep, in seconds (>= 0)."""
        ...


@dataclass(frozen=True, slots=True)
class NoJitter:
    """No randomisation: sleep exactly ``delay``."""

    def __call__(
        self, delay: float, *, previous: float, base: float, cap: float, rng: Random
    ) -> float:
        """Return ``delay`` unchanged."""
        return delay


@dataclass(frozen=True, slots=True)
class FullJitter:
    """
    Full jitter: ``uniform(0, delay)``.

    The default; fewest total calls in Brooker's simulation.

    Source: Brooker 2015, "Full Jitter".
    """

    def __call__(
        self, delay: float, *, previous: float, base: float, cap: float, rng: Random
    ) -> float:
        """Return ``rng.uniform(0, delay)``."""
        return rng.uniform(0.0, delay)


@dataclass(frozen=True, slots=True)
class EqualJitter:
    """
    Equal jitter: ``delay / 2 + uniform(0, delay / 2)``; never waits less than half.

    Source: Brooker 2015, "Equal Jitter".
    """

    def __call__(
        self, delay: float, *, previous: float, base: float, cap: float, rng: Random
    ) -> float:
        """Return ``delay / 2 + rng.uniform(0, delay / 2)``."""
        half = delay / 2.0
        return half + rng.uniform(0.0, half)


@dataclass(frozen=True, slots=True)
class DecorrelatedJitter:
    """
    Decorrelated jitter: ``min(cap, uniform(base, previous * 3))``.

    ``previous = base`` before the first retry. Ignores the strategy's own growth:
    each delay grows from the last one slept.

    Source: Brooker 2015, "Decorrelated Jitter".
    """

    def __call__(
        self, delay: float, *, previous: float, base: float, cap: float, rng: Random
    ) -> float:
        """Return ``min(cap, rng.uniform(base, max(previous, base) * 3))``."""
        prev = previous if previous > base else base
        return min(cap, rng.uniform(base, prev * 3.0))
