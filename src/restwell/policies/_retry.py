"""
The retry policy: decides, without I/O, whether an attempt's outcome is retried.

It also decides after how long, and says why not when it is not.

State machine per call (``RetryState``): start → [attempt → outcome → decision]* →
Return | Raise. ``next()`` reads only its arguments: no clock, no sleep, no socket.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from random import Random
from typing import TYPE_CHECKING

from .._config import (
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_AFTER,
    IDEMPOTENT_METHODS,
    check_int,
    seconds,
)
from .._exceptions import (
    ConfigurationError,
    ConnectError,
    ConnectTimeout,
    PoolTimeout,
    TransportError,
)
from ._backoff import BackoffStrategy, Exponential, as_backoff
from ._decision import Decision, Raise, Return, Sleep
from ._predicates import DEFAULT_RETRY_ON, Predicate
from ._retry_after import parse_retry_after

if TYPE_CHECKING:
    from .._models import Response

__all__ = ["NEVER_SENT_ERRORS", "Retry", "RetryState"]

NEVER_SENT_ERRORS: tuple[type[BaseException], ...] = (
    ConnectError,
    ConnectTimeout,
    PoolTimeout,
)
"""Errors raised before any byte of the request left: safe to retry for any method."""

_SUCCESS = Return("success")


def _is_programming_error(error: BaseException) -> bool:
    # Reached only when a user predicate matched a non-transport error; a bug in the
    # caller's code (TypeError, ValueError from encoding, …) is never retried.
    return not isinstance(error, TransportError) and isinstance(
        error, TypeError | ValueError | AttributeError | KeyError | LookupError
    )


def _gave_up(reason: str) -> Return:
    return Return(reason, gave_up=True)


def _raise_gave_up(reason: str) -> Raise:
    return Raise(reason, gave_up=True)


# Retries the user turned off are not a limit that "gave up": no give-up warning.
_NO_RETRY = Raise("retries are disabled (max_attempts=1)")


@dataclass(slots=True)
class RetryState:
    """
    Per-call state of a ``Retry`` policy (mutable, owned by one call's driver).

    Attributes:
        attempt: Number of the attempt whose outcome comes next (1-based).
        started: Monotonic seconds when the call started.
        deadline_at: Monotonic seconds when the call's deadline ends, or ``None``.
        replay_safe: Whether the request may be sent again after it reached the
            server: an idempotent method, or an ``Idempotency-Key`` header.
        replayable_body: Whether the body can be sent again (not a consumed stream).
        previous_delay: The last delay slept, in seconds (0.0 before any).
    """

    attempt: int
    started: float
    deadline_at: float | None
    replay_safe: bool
    replayable_body: bool = True
    previous_delay: float = 0.0


@dataclass(frozen=True, slots=True, init=False)
class Retry:
    """
    When to retry, how long to wait, and when to give up.

    Args:
        max_attempts: Attempts in all, the first try included; ``None`` for no limit
            (then set a deadline: warns once otherwise). Default 3 (AWS SDK standard
            mode; Polly). ``1`` disables retries.
        backoff: Delay before retry n: a strategy (``Exponential``, ``Linear``,
            ``Fibonacci``, ``Constant``) or any ``(n: int) -> float`` function.
            Default ``Exponential(0.5, 2.0, 20.0)`` with full jitter.
        retry_on: Which outcomes to retry (``Predicate``). Default
            ``DEFAULT_RETRY_ON``: statuses 408/429/500/502/503/504, timeouts, network
            and protocol errors. Extend it: ``DEFAULT_RETRY_ON | on_status(409)``.
        methods: Methods retried once the request may have reached the server.
            Default ``IDEMPOTENT_METHODS`` (RFC 9110 §9.2.2). Others are retried
            only with an ``Idempotency-Key`` header (Stripe's convention) or after
            errors raised before sending (``NEVER_SENT_ERRORS``).
        idempotency_header: Header that makes any method safe to retry. Default
            ``"Idempotency-Key"``.
        respect_retry_after: Wait what a 429/503's Retry-After asks (RFC 9110
            §10.2.3; ``retry-after-ms`` first). Default ``True``.
        max_retry_after: Longest Retry-After honoured, in seconds; a longer one
            stops the call at once with the reason (a hostile value cannot hang
            the client). Default 120.0.

    Raises:
        ConfigurationError: If ``max_attempts`` < 1, ``max_retry_after`` < 0, or an
            argument has the wrong type.
    """

    max_attempts: int | None
    backoff: BackoffStrategy
    retry_on: Predicate
    methods: frozenset[str]
    idempotency_header: str
    respect_retry_after: bool
    max_retry_after: float
    _lower_header: str = field(repr=False, compare=False)
    _default_predicate: bool = field(repr=False, compare=False)

    def __init__(
        self,
        max_attempts: int | None = DEFAULT_MAX_ATTEMPTS,
        *,
        backoff: BackoffStrategy | Callable[[int], float] | None = None,
        retry_on: Predicate = DEFAULT_RETRY_ON,
        methods: frozenset[str] | set[str] | tuple[str, ...] = IDEMPOTENT_METHODS,
        idempotency_header: str = "Idempotency-Key",
        respect_retry_after: bool = True,
        max_retry_after: float | timedelta = DEFAULT_MAX_RETRY_AFTER,
    ) -> None:
        if max_attempts is not None:
            check_int(
                max_attempts,
                "Retry(max_attempts)",
                1,
                " (1 disables retries; the first try counts), or None for no limit",
            )
        if not isinstance(retry_on, Predicate):
            raise ConfigurationError(
                f"Retry(retry_on={retry_on!r}) must be a predicate: on_status(...), "
                "on_exception(...), on_response(...) or their | and & combinations"
            )
        given_methods: object = methods
        if (
            isinstance(given_methods, str)
            or not isinstance(given_methods, Collection)
            or not all(isinstance(m, str) for m in given_methods)
        ):
            # A bare string would silently become its letters ({"P", "O", "S", "T"}).
            raise ConfigurationError(
                f"Retry(methods={methods!r}) must be a collection of method names, "
                'e.g. {"GET", "PUT"}'
            )
        given_header: object = idempotency_header
        if not isinstance(given_header, str) or not given_header:
            raise ConfigurationError(
                f"Retry(idempotency_header={idempotency_header!r}) must be a "
                'non-empty header name, e.g. "Idempotency-Key"'
            )
        if max_retry_after is None:
            raise ConfigurationError(
                "Retry(max_retry_after=None) would let a server make the client wait "
                "without bound: pass seconds, or respect_retry_after=False to ignore "
                "Retry-After"
            )
        cap = seconds(max_retry_after, "Retry(max_retry_after)", allow_zero=True)
        object.__setattr__(self, "max_attempts", max_attempts)
        object.__setattr__(
            self, "backoff", Exponential() if backoff is None else as_backoff(backoff)
        )
        object.__setattr__(self, "retry_on", retry_on)
        object.__setattr__(self, "methods", frozenset(m.upper() for m in methods))
        object.__setattr__(self, "idempotency_header", idempotency_header)
        object.__setattr__(self, "respect_retry_after", bool(respect_retry_after))
        object.__setattr__(
            self, "max_retry_after", DEFAULT_MAX_RETRY_AFTER if cap is None else cap
        )
        object.__setattr__(self, "_lower_header", idempotency_header.lower())
        object.__setattr__(self, "_default_predicate", retry_on is DEFAULT_RETRY_ON)

    def warn_if_unbounded(self, deadline: float | None) -> None:
        """
        Warn (``RuntimeWarning``, once per call site) if nothing ends retrying.

        Args:
            deadline: The client's total deadline in seconds, or ``None``.
        """
        if self.max_attempts is None and deadline is None:
            warnings.warn(
                "Retry(max_attempts=None) with deadline=None retries forever: "
                "set a deadline or a max_attempts",
                RuntimeWarning,
                stacklevel=4,
            )

    def settles(self, outcome: Response[object]) -> bool:
        """
        Whether ``outcome`` ends the call as a success whatever the state.

        True for a status below 400 when ``retry_on`` is ``DEFAULT_RETRY_ON``
        (which never matches 1xx-3xx): then ``next()`` would answer
        ``Return("success")``, so a driver may skip ``start()`` and ``next()``
        (the fast path of a call that succeeds at once).

        Args:
            outcome: The attempt's response (body read).
        """
        return self._default_predicate and outcome.status_code < 400

    def start(
        self,
        method: str,
        headers: Mapping[str, str],
        now: float,
        deadline: float | None,
        *,
        replayable_body: bool = True,
    ) -> RetryState:
        """
        Begin a call.

        Args:
            method: The request method, upper case.
            headers: The request headers (checked for the idempotency header).
            now: Monotonic time, in seconds.
            deadline: Total seconds allowed for the call, or ``None``.
            replayable_body: Whether the request body can be sent again.

        Returns:
            A fresh ``RetryState`` for attempt 1.
        """
        header = self._lower_header
        safe = method in self.methods or any(k.lower() == header for k in headers)
        return RetryState(
            1, now, None if deadline is None else now + deadline, safe, replayable_body
        )

    def next(
        self,
        state: RetryState,
        outcome: Response[object] | BaseException,
        now: float,
        wall: float,
        rng: Random,
    ) -> Decision:
        """
        Decide what follows the attempt ``state.attempt`` that ended in ``outcome``.

        Args:
            state: The call's state; advanced to the next attempt on ``Sleep``.
            outcome: The attempt's ``Response`` (body read) or the exception it raised.
            now: Monotonic time, in seconds.
            wall: Wall-clock Unix seconds (for an HTTP-date Retry-After).
            rng: Randomness for jitter.

        Returns:
            ``Sleep(delay, reason)`` to retry, ``Return(reason)`` to hand back the
            response, or ``Raise(reason)`` to re-raise the error.
        """
        if (
            self._default_predicate
            and not isinstance(outcome, BaseException)
            and outcome.status_code < 400
        ):
            return _SUCCESS  # fast path: DEFAULT_RETRY_ON never matches a 1xx-3xx
        if isinstance(outcome, BaseException):
            error: BaseException | None = outcome
            response = None
            what = type(outcome).__name__
        else:
            error, response = None, outcome
            what = f"status {outcome.status_code}"
        if not self.retry_on(outcome):
            if response is None:
                return Raise(f"{what} is not retryable")
            if response.status_code < 400:
                return _SUCCESS
            return Return(f"{what} is not retryable")
        stop: Callable[[str], Raise | Return] = (
            _raise_gave_up if error is not None else _gave_up
        )
        never_sent = isinstance(error, NEVER_SENT_ERRORS)
        if not state.replay_safe and not never_sent:
            return stop(
                f"{what} is retryable, but {self._method_of(outcome)} "
                f"is not idempotent and has no {self.idempotency_header} header: "
                "the server may have acted"
            )
        if not state.replayable_body and not never_sent:
            return stop(
                f"{what} is retryable, but the streamed request body was already sent "
                "and is too large to replay (max_replay_buffer)"
            )
        if error is not None and _is_programming_error(error):
            return Raise(f"{what} is a programming error: never retried")
        n = state.attempt
        if self.max_attempts is not None and n >= self.max_attempts:
            if self.max_attempts == 1:
                return _NO_RETRY if error is not None else Return(_NO_RETRY.reason)
            return stop(f"{what}; out of attempts ({self.max_attempts})")
        retry_after = None
        ignored = None
        if self.respect_retry_after and response is not None:
            parsed = parse_retry_after(response.headers, wall)
            retry_after, ignored = parsed.delay, parsed.invalid
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return Return(
                    f"{what} with Retry-After {retry_after:g} s, above max_retry_after "
                    f"{self.max_retry_after:g} s: not waiting",
                    ignored,
                    gave_up=True,
                )
            delay = retry_after
            why = f"{what} is retryable; Retry-After {retry_after:g} s"
        else:
            delay = self.backoff.delay(n, previous=state.previous_delay, rng=rng)
            why = f"{what} is retryable"
        if state.deadline_at is not None:
            left = state.deadline_at - now
            if delay >= left:
                source = "Retry-After" if retry_after is not None else "backoff"
                reason = (
                    f"{what}; {source} {delay:.3g} s exceeds "
                    f"the {max(left, 0.0):.3g} s left before the deadline"
                )
                if error is not None:
                    return Raise(reason, gave_up=True)
                return Return(reason, ignored, gave_up=True)
        state.attempt = n + 1
        state.previous_delay = delay
        return Sleep(delay, why, retry_after, ignored)

    @staticmethod
    def _method_of(outcome: Response[object] | BaseException) -> str:
        request = getattr(outcome, "request", None)
        return getattr(request, "method", None) or "the method"
