"""
Every default restwell uses, in one place, with its reason. Units are seconds.

| name | value | reason / source |
|---|---|---|
| ``DEFAULT_MAX_ATTEMPTS`` | 3 (first try counts) | AWS SDK standard mode; Polly/MEHR |
| ``DEFAULT_BACKOFF`` | ``Exponential(0.5, 2.0, 20.0)`` + full jitter | AWS SDK 20 s cap; Brooker 2015 |
| ``DEFAULT_RETRY_STATUSES`` | 408, 429, 500, 502, 503, 504 | MEHR, AWS, Envoy; RFC 6585 §4 (429) |
| ``IDEMPOTENT_METHODS`` | GET HEAD OPTIONS PUT DELETE TRACE | RFC 9110 §9.2.2 |
| ``DEFAULT_MAX_RETRY_AFTER`` | 120 s; longer means stop | Stainless SDKs; RFC 9110 §10.2.3 |
| ``DEFAULT_DEADLINE`` | 30 s for all attempts and waits | MEHR total timeout |
| ``DEFAULT_TIMEOUT`` | connect 5, read 10, write 10, pool 5 | MEHR 10 s attempt; httpx 5 s |
| ``DEFAULT_MAX_REPLAY_BUFFER`` | 1 MiB of a streamed body kept for replay | bounded memory per call |
| ``DEFAULT_MAX_REDIRECTS`` | 20 | httpx, requests |
| ``DEFAULT_MAX_RESPONSE_SIZE`` | 64 MiB of decoded body per buffered read; streams unbounded unless set | bounded memory per call |

arrest's 120 s timeout is not kept (see docs/migration.md): a 30 s deadline with 10 s
per attempt fails faster and still leaves room for three attempts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final

from ._exceptions import ConfigurationError

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_REPLAY_BUFFER",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_RETRY_STATUSES",
    "DEFAULT_TIMEOUT",
    "IDEMPOTENT_METHODS",
    "UNSET",
    "Timeout",
    "Unset",
    "check_int",
    "seconds",
]


class Unset(enum.Enum):
    """Type of the ``UNSET`` sentinel: "not given, use the layer below" (httpx)."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET
"""Marks an argument as not given, so the client's (or library's) default applies."""

DEFAULT_MAX_ATTEMPTS: Final = 3
DEFAULT_RETRY_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})
IDEMPOTENT_METHODS: Final = frozenset(
    {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"}
)
DEFAULT_MAX_RETRY_AFTER: Final = 120.0
DEFAULT_DEADLINE: Final = 30.0
DEFAULT_MAX_REPLAY_BUFFER: Final = 1024 * 1024
DEFAULT_MAX_REDIRECTS: Final = 20
DEFAULT_MAX_RESPONSE_SIZE: Final = 64 * 1024 * 1024


def seconds(
    value: float | timedelta | None,
    name: str,
    *,
    allow_zero: bool = False,
    nullable: bool = True,
) -> float | None:
    """
    Normalise a duration argument to float seconds, once (as stamina does).

    Args:
        value: Seconds as ``int``/``float``, a ``timedelta``, or ``None`` (disabled).
        name: Argument name, used in the error message.
        allow_zero: Whether 0 is a valid value.
        nullable: Whether ``None`` (disabled) is accepted; messages offer it only
            then.

    Returns:
        The duration in seconds, or ``None``.

    Raises:
        ConfigurationError: If the value is negative, NaN, infinite, zero when not
            allowed, or not a number.
    """
    disable = ", or None to disable" if nullable else ""
    if value is None:
        if not nullable:
            raise ConfigurationError(
                f"{name}=None is not a duration: pass seconds as a float or a "
                "datetime.timedelta"
            )
        return None
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(
            f"{name}={value!r} is not a duration: pass seconds as a float or "
            f"a datetime.timedelta{disable}"
        )
    v = float(value)
    if v != v or v in (float("inf"), float("-inf")):
        raise ConfigurationError(
            f"{name}={value!r} is not finite: pass seconds{disable}"
        )
    if v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ConfigurationError(f"{name}={value!r} must be {bound} seconds{disable}")
    return v


def check_int(value: object, name: str, minimum: int, hint: str = "") -> int:
    """
    Check an integer argument.

    Args:
        value: The argument.
        name: How to name it in the error, e.g. ``"Retry(max_attempts)"``.
        minimum: Smallest value allowed.
        hint: Extra advice appended to the error message.

    Returns:
        ``value`` as an ``int``.

    Raises:
        ConfigurationError: If it is not an ``int`` (``bool`` excluded) >= ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigurationError(f"{name}={value!r} must be an int >= {minimum}{hint}")
    return value


@dataclass(frozen=True, slots=True, init=False)
class Timeout:
    """
    Per-attempt timeouts, in seconds; ``None`` disables one (httpx's ``Timeout``).

    Each attempt's transport gets ``Timeout.capped(deadline - now)``, so a total
    deadline also cuts the running attempt short (STYLE.md §3).

    Args:
        timeout: Value for every phase not given separately. Default: not given,
            so the phase defaults below apply.
        connect: Seconds to open a connection (TCP + TLS). Default 5.0.
        read: Seconds to wait for each chunk of the response. Default 10.0.
        write: Seconds to wait for each chunk of the request to be sent. Default 10.0.
        pool: Seconds to wait for a free pooled connection. Default 5.0.

    Raises:
        ConfigurationError: If any value is negative, zero, NaN or infinite.
    """

    connect: float | None
    read: float | None
    write: float | None
    pool: float | None
    _dict: dict[str, float | None] = field(init=False, repr=False, compare=False)
    longest: float = field(init=False, repr=False, compare=False)
    """The longest phase, in seconds (``inf`` if a phase has no timeout)."""

    def __init__(
        self,
        timeout: float | timedelta | Unset | None = UNSET,
        *,
        connect: float | timedelta | Unset | None = UNSET,
        read: float | timedelta | Unset | None = UNSET,
        write: float | timedelta | Unset | None = UNSET,
        pool: float | timedelta | Unset | None = UNSET,
    ) -> None:
        defaults = {"connect": 5.0, "read": 10.0, "write": 10.0, "pool": 5.0}
        given = {"connect": connect, "read": read, "write": write, "pool": pool}
        for name, value in given.items():
            if value is UNSET:
                value = defaults[name] if timeout is UNSET else timeout
            assert not isinstance(value, Unset)  # noqa: S101 - narrowed above
            object.__setattr__(self, name, seconds(value, f"Timeout({name})"))
        object.__setattr__(self, "_dict", self._make_dict())

    def _make_dict(self) -> dict[str, float | None]:
        phases = (self.connect, self.read, self.write, self.pool)
        longest = float("inf") if None in phases else max(phases)  # type: ignore[type-var]  # None excluded above
        object.__setattr__(self, "longest", longest)
        return {
            "connect": self.connect,
            "read": self.read,
            "write": self.write,
            "pool": self.pool,
        }

    @classmethod
    def coerce(cls, value: Timeout | float | timedelta | None) -> Timeout:
        """
        Turn a user's ``timeout=`` argument into a ``Timeout``.

        Args:
            value: A ``Timeout``, seconds for every phase, or ``None`` for no timeouts.

        Returns:
            The ``Timeout`` value.

        Raises:
            ConfigurationError: If the value is not a valid duration.
        """
        if isinstance(value, Timeout):
            return value
        return cls(value)

    def capped(self, remaining: float) -> Timeout:
        """
        Return this timeout with every phase lowered to at most ``remaining`` seconds.

        Args:
            remaining: Seconds left before the deadline (> 0).

        Returns:
            A new ``Timeout``; ``self`` when no phase exceeds ``remaining``.
        """
        c, r, w, p = self.connect, self.read, self.write, self.pool
        if (
            c is not None
            and c <= remaining
            and r is not None
            and r <= remaining
            and w is not None
            and w <= remaining
            and p is not None
            and p <= remaining
        ):
            return self
        new = object.__new__(Timeout)
        object.__setattr__(
            new, "connect", remaining if c is None else min(c, remaining)
        )
        object.__setattr__(new, "read", remaining if r is None else min(r, remaining))
        object.__setattr__(new, "write", remaining if w is None else min(w, remaining))
        object.__setattr__(new, "pool", remaining if p is None else min(p, remaining))
        object.__setattr__(new, "_dict", new._make_dict())
        return new

    def as_dict(self) -> dict[str, float | None]:
        """
        Return ``{"connect", "read", "write", "pool"}`` in seconds (httpx's form).

        The same dict every call (built once): do not mutate it.
        """
        return self._dict


DEFAULT_TIMEOUT: Final = Timeout()
