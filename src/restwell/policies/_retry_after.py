"""
Retry-After parsing (RFC 9110 §10.2.3), plus the ``retry-after-ms`` extension.

Order: ``retry-after-ms`` (milliseconds, as Stainless SDKs and Azure send it), then
``Retry-After`` as delay-seconds, then as an HTTP-date (RFC 9110 §5.6.7) measured
against the response's own ``Date`` header when it has one (so client clock skew does
not matter), else against the caller's wall clock. A date in the past means 0 s.

A value that is negative, NaN, infinite or unparseable counts as absent: the result
then carries it in ``invalid`` so the driver can report it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

__all__ = ["RetryAfter", "parse_http_date", "parse_retry_after"]


@dataclass(frozen=True, slots=True)
class RetryAfter:
    """
    A parsed Retry-After.

    Attributes:
        delay: Seconds to wait (>= 0), or ``None`` if absent or invalid.
        invalid: The raw header text when it was present but unusable, else ``None``.
    """

    delay: float | None
    invalid: str | None = None


_ABSENT = RetryAfter(None)


_DELAY = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")


def _number(text: str) -> float | None:
    # RFC 9110 §10.2.3: delay-seconds = 1*DIGIT; decimals accepted (retry-after-ms
    # senders use them). Signs, exponents, "_", NaN and infinity are rejected.
    if not _DELAY.match(text):
        return None
    return float(text)


def parse_http_date(text: str) -> float | None:
    """
    Parse an HTTP-date (IMF-fixdate, RFC 850 or asctime) to Unix seconds.

    Args:
        text: The header value.

    Returns:
        Seconds since the Unix epoch, or ``None`` if it is not a date.
    """
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        # RFC 9110 §5.6.7: HTTP-dates are always GMT, whatever the text says.
        from datetime import UTC

        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.timestamp()
    except (OverflowError, OSError, ValueError):  # pragma: no cover - platform limits
        return None


def parse_retry_after(headers: Mapping[str, str], now: float) -> RetryAfter:
    """
    Read the server's requested delay from response headers.

    Args:
        headers: Response headers (case-insensitive mapping, e.g. ``Headers``).
        now: Current wall-clock time, Unix seconds; used for an HTTP-date when the
            response has no usable ``Date`` header.

    Returns:
        ``RetryAfter(delay, invalid)``; ``delay`` is ``None`` when absent or invalid.
    """
    ms = headers.get("retry-after-ms")
    if ms is not None:
        value = _number(ms.strip())
        if value is not None:
            return RetryAfter(value / 1000.0)
        bad_ms = ms
    else:
        bad_ms = None
    raw = headers.get("retry-after")
    if raw is None:
        return (
            RetryAfter(None, f"retry-after-ms: {bad_ms}")
            if bad_ms is not None
            else _ABSENT
        )
    text = raw.strip()
    if text[:1].isdigit() or text[:1] in "-+.":
        value = _number(text)
        if value is not None:
            return RetryAfter(value)
        return RetryAfter(None, raw)
    when = parse_http_date(text)
    if when is None or math.isnan(when):
        return RetryAfter(None, raw)
    date_header = headers.get("date")
    base = parse_http_date(date_header) if date_header else None
    return RetryAfter(max(0.0, when - (now if base is None else base)))
