"""
Retry predicates: which outcomes are worth another attempt.

``on_status(429, 503) | on_exception(TransportError)`` combines with ``|`` (either)
and ``&`` (both), as tenacity's ``retry_if_*`` do. An outcome is a ``Response`` or the
exception an attempt raised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._config import DEFAULT_RETRY_STATUSES, check_int
from .._exceptions import (
    ConfigurationError,
    NetworkError,
    ProtocolError,
    TransportTimeout,
)

if TYPE_CHECKING:
    from .._models import Response
    from .._types import JSON

__all__ = [
    "DEFAULT_RETRY_ON",
    "Predicate",
    "on_exception",
    "on_response",
    "on_status",
]

Outcome = "Response[object] | BaseException"


class Predicate:
    """
    A test on an attempt's outcome: ``pred(outcome) -> bool``.

    Combine with ``a | b`` (retry if either) and ``a & b`` (retry if both).
    """

    __slots__ = ()

    def __call__(self, outcome: Response[object] | BaseException) -> bool:
        """Return whether ``outcome`` should be retried."""
        raise NotImplementedError

    def __or__(self, other: Predicate) -> Predicate:
        return _Any((self, other))

    def __and__(self, other: Predicate) -> Predicate:
        return _All((self, other))


@dataclass(frozen=True, slots=True)
class _Any(Predicate):
    parts: tuple[Predicate, ...]

    def __call__(self, outcome: Response[object] | BaseException) -> bool:
        # A loop, not any(genexpr): this runs per attempt.
        for part in self.parts:  # noqa: SIM110
            if part(outcome):
                return True
        return False


@dataclass(frozen=True, slots=True)
class _All(Predicate):
    parts: tuple[Predicate, ...]

    def __call__(self, outcome: Response[object] | BaseException) -> bool:
        for part in self.parts:  # noqa: SIM110 - a loop, as in _Any
            if not part(outcome):
                return False
        return True


@dataclass(frozen=True, slots=True)
class _Status(Predicate):
    statuses: frozenset[int]

    def __call__(self, outcome: Response[object] | BaseException) -> bool:
        return (
            not isinstance(outcome, BaseException)
            and outcome.status_code in self.statuses
        )


@dataclass(frozen=True, slots=True)
class _Exception(Predicate):
    types: tuple[type[BaseException], ...]

    def __call__(self, outcome: Response[object] | BaseException) -> bool:
        return isinstance(outcome, self.types)


@dataclass(frozen=True, slots=True)
class _ResponseFn(Predicate):
    fn: Callable[[Response[JSON]], bool]

    def __call__(self, outcome: Response[object] | BaseException) -> bool:
        return not isinstance(outcome, BaseException) and bool(self.fn(outcome))


def on_status(*statuses: int) -> Predicate:
    """
    Retry responses with one of these status codes.

    Args:
        *statuses: HTTP status codes, 100–599.

    Raises:
        ConfigurationError: If none is given or one is out of range.
    """
    if not statuses:
        raise ConfigurationError(
            "on_status() needs at least one status code, e.g. on_status(503)"
        )
    for s in statuses:
        if check_int(s, "on_status(status)", 100) > 599:
            raise ConfigurationError(
                f"on_status({s!r}): status codes are ints from 100 to 599"
            )
    return _Status(frozenset(statuses))


def on_exception(*types: type[BaseException]) -> Predicate:
    """
    Retry attempts that raised one of these exception types (or a subclass).

    Which exceptions are safe to retry for a non-idempotent request is decided
    separately (``Retry``): only errors raised before the request was sent.

    Raises:
        ConfigurationError: If none is given or one is not an exception class.
    """
    if not types:
        raise ConfigurationError("on_exception() needs at least one exception class")
    for t in types:
        candidate: object = t
        if not (isinstance(candidate, type) and issubclass(candidate, BaseException)):
            raise ConfigurationError(f"on_exception({t!r}): pass exception classes")
    return _Exception(tuple(types))


def on_response(fn: Callable[[Response[JSON]], bool]) -> Predicate:
    """
    Retry responses for which ``fn(response)`` is true (the body is already read).

    Args:
        fn: ``(Response) -> bool``, e.g.
            ``lambda r: r.json().get("status") == "pending"``.

    Raises:
        ConfigurationError: If ``fn`` is not callable.
    """
    if not callable(fn):
        raise ConfigurationError(
            f"on_response({fn!r}): pass a function (response) -> bool"
        )
    return _ResponseFn(fn)


DEFAULT_RETRY_ON: Predicate = on_status(*sorted(DEFAULT_RETRY_STATUSES)) | on_exception(
    TransportTimeout, NetworkError, ProtocolError
)
"""Statuses 408/429/500/502/503/504, timeouts, network and protocol errors."""
