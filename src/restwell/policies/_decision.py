"""
Decisions: what a sans-IO policy tells its driver to do next (STYLE.md §3).

A driver loops: send an attempt, feed the outcome to the policy, act on the decision:
``Sleep`` → wait ``delay`` seconds and send again; ``Return`` → hand the last response
to the caller; ``Raise`` → re-raise the last error (or ``error``, if set).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Decision", "Raise", "Return", "Sleep"]


@dataclass(frozen=True, slots=True)
class Sleep:
    """
    Retry after waiting.

    Attributes:
        delay: Seconds to wait before the next attempt (>= 0).
        reason: Why, in words (``"status 503 is retryable"``).
        retry_after: The server's Retry-After that set ``delay``, in seconds, or
            ``None`` when the backoff strategy set it.
        ignored_retry_after: A Retry-After value that was present but unusable
            (negative, NaN, infinite, unparseable) and so counted as absent.
    """

    delay: float
    reason: str
    retry_after: float | None = None
    ignored_retry_after: str | None = None


@dataclass(frozen=True, slots=True)
class Return:
    """
    Stop and return the last response.

    Attributes:
        reason: Why the call stopped (``"success"``, ``"out of attempts (3)"``).
        ignored_retry_after: As in ``Sleep``.
        gave_up: ``True`` when a limit stopped a retryable outcome (out of
            attempts, Retry-After too long, deadline, unsafe to replay); ``False``
            when the policy accepted the response (success, non-retryable status).
    """

    reason: str
    ignored_retry_after: str | None = None
    gave_up: bool = False


@dataclass(frozen=True, slots=True)
class Raise:
    """
    Stop and raise.

    Attributes:
        reason: Why the call stopped, in words.
        error: An error to raise instead of the last one (e.g. ``DeadlineExceeded``),
            or ``None`` to re-raise the attempt's own error unchanged.
        gave_up: ``True`` when a limit stopped a retryable error (out of attempts,
            deadline, unsafe to replay); ``False`` when the error is not retryable.
    """

    reason: str
    error: BaseException | None = None
    gave_up: bool = False


Decision = Sleep | Return | Raise
"""What to do after an attempt: ``Sleep | Return | Raise``."""
