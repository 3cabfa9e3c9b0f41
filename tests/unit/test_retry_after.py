"""Retry-After parsing (RFC 9110 §10.2.3) and the retry-after-ms extension."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from restwell._models import Headers
from restwell.policies import RetryAfter, parse_http_date, parse_retry_after

#: FakeClock's default wall clock: Tue, 14 Nov 2023 22:13:20 GMT.
WALL = 1_700_000_000.0
WALL_DT = datetime.fromtimestamp(WALL, UTC)


def parse(now: float = WALL, **headers: str) -> RetryAfter:
    """Parse headers given as keywords (``retry_after_ms`` → ``retry-after-ms``)."""
    return parse_retry_after(
        Headers({k.replace("_", "-"): v for k, v in headers.items()}), now
    )


def imf(dt: datetime) -> str:
    return format_datetime(dt, usegmt=True)


def rfc850(dt: datetime) -> str:
    return dt.strftime("%A, %d-%b-%y %H:%M:%S GMT")


def asctime(dt: datetime) -> str:
    return dt.strftime("%a %b ") + f"{dt.day:>2}" + dt.strftime(" %H:%M:%S %Y")


# -- absent ----------------------------------------------------------------------------


def test_no_header_is_absent() -> None:
    """Without Retry-After or retry-after-ms the result has no delay and no error."""
    assert parse() == RetryAfter(None, None)
    assert parse(date=imf(WALL_DT)) == RetryAfter(None)


# -- retry-after-ms --------------------------------------------------------------------


def test_retry_after_ms() -> None:
    """retry-after-ms is read as milliseconds."""
    assert parse(retry_after_ms="1500") == RetryAfter(1.5)
    assert parse(retry_after_ms=" 250.5 ") == RetryAfter(0.2505)


def test_retry_after_ms_wins_over_retry_after() -> None:
    """A valid retry-after-ms takes precedence over Retry-After."""
    assert parse(retry_after_ms="200", retry_after="30") == RetryAfter(0.2)


def test_header_names_are_case_insensitive() -> None:
    """Header lookup ignores case."""
    headers = Headers({"RETRY-AFTER-MS": "100", "Retry-After": "9"})
    assert parse_retry_after(headers, WALL) == RetryAfter(0.1)


@pytest.mark.parametrize("bad", ["-5", "nan", "inf", "soon", ""])
def test_invalid_retry_after_ms_falls_back_to_retry_after(bad: str) -> None:
    """An unusable retry-after-ms is skipped in favour of Retry-After."""
    assert parse(retry_after_ms=bad, retry_after="7") == RetryAfter(7.0)


def test_invalid_retry_after_ms_alone_is_reported() -> None:
    """An unusable retry-after-ms with no Retry-After is reported as invalid."""
    assert parse(retry_after_ms="-5") == RetryAfter(None, "retry-after-ms: -5")


def test_both_invalid_reports_retry_after() -> None:
    """When both headers are unusable, the Retry-After text is reported."""
    assert parse(retry_after_ms="x", retry_after="y") == RetryAfter(None, "y")


# -- delay-seconds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0.0),
        ("120", 120.0),
        ("  3  ", 3.0),
        ("1.5", 1.5),
        (".5", 0.5),
        ("86400", 86400.0),
    ],
)
def test_delay_seconds(text: str, expected: float) -> None:
    """Retry-After delay-seconds, decimals included, is read as seconds."""
    assert parse(retry_after=text) == RetryAfter(expected)


@pytest.mark.parametrize(
    "text",
    [
        "-1",
        "-0.5",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e999",
        "12abc",
        "soon",
        "",
        "   ",
        "+",
        ".",
        "+2",
        "1e3",
        "1_0",
        "\u0661",
        "Mon, 99 Foo 2023 25:61:61 GMT",
    ],
)
def test_invalid_retry_after_keeps_raw_text(text: str) -> None:
    """Negative, NaN, infinite, garbage or empty Retry-After is invalid, raw kept."""
    assert parse(retry_after=text) == RetryAfter(None, text)


# -- HTTP-date -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [imf, rfc850, asctime])
def test_http_date_against_date_header(fmt: object) -> None:
    """An HTTP-date in any RFC 9110 format is measured from the response's Date."""
    server_now = datetime(1994, 11, 6, 8, 49, 7, tzinfo=UTC)
    later = server_now + timedelta(seconds=30)
    result = parse(
        now=WALL,  # client clock far off: it must not matter
        retry_after=fmt(later),  # type: ignore[operator]
        date=imf(server_now),
    )
    assert result == RetryAfter(30.0)


@pytest.mark.parametrize("fmt", [imf, rfc850, asctime])
def test_http_date_against_wall_clock(fmt: object) -> None:
    """Without a Date header, an HTTP-date is measured from the given wall clock."""
    later = WALL_DT + timedelta(seconds=45)
    assert parse(retry_after=fmt(later)) == RetryAfter(45.0)  # type: ignore[operator]


@pytest.mark.parametrize("date", ["garbage", "", "Mon, 32 Jan 2023 00:00:00 GMT"])
def test_http_date_with_unusable_date_header_uses_wall_clock(date: str) -> None:
    """A garbage or empty Date header is ignored in favour of the wall clock."""
    later = WALL_DT + timedelta(seconds=10)
    assert parse(retry_after=imf(later), date=date) == RetryAfter(10.0)


def test_http_date_in_the_past_is_zero() -> None:
    """An HTTP-date before now means retry at once (0 s)."""
    earlier = WALL_DT - timedelta(hours=1)
    assert parse(retry_after=imf(earlier)) == RetryAfter(0.0)
    assert parse(retry_after=imf(earlier), date=imf(WALL_DT)) == RetryAfter(0.0)


def test_http_date_with_numeric_zone_is_converted() -> None:
    """An HTTP-date with an explicit offset is converted to UTC, not read as GMT."""
    # 23:13:20 at +01:00 is 22:13:20 UTC, i.e. WALL exactly.
    assert parse(retry_after="Tue, 14 Nov 2023 23:13:50 +0100") == RetryAfter(30.0)


def test_parse_http_date_formats() -> None:
    """parse_http_date reads IMF-fixdate, RFC 850 and asctime as the same instant."""
    moment = datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)
    expected = moment.timestamp()
    assert parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == expected
    assert parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == expected
    assert parse_http_date("Sun Nov  6 08:49:37 1994") == expected


@pytest.mark.parametrize("text", ["", "tomorrow", "Sun, 06 Nov", "Sun, 31 Feb 2023"])
def test_parse_http_date_rejects_non_dates(text: str) -> None:
    """parse_http_date returns None for text that is not an HTTP-date."""
    assert parse_http_date(text) is None


# -- properties ------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**12))
def test_integer_seconds_round_trip(value: int) -> None:
    """Any non-negative integer delay-seconds parses back to itself."""
    assert parse(retry_after=str(value)) == RetryAfter(float(value))


@given(st.integers(min_value=0, max_value=10**9))
def test_integer_milliseconds_round_trip(value: int) -> None:
    """Any non-negative integer retry-after-ms parses to value / 1000 seconds."""
    assert parse(retry_after_ms=str(value)) == RetryAfter(value / 1000)


@given(
    st.text(),
    st.one_of(st.none(), st.text()),
    st.one_of(st.none(), st.text()),
    st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=4e9),
)
def test_random_text_never_raises(
    retry_after: str, retry_after_ms: str | None, date: str | None, now: float
) -> None:
    """Whatever the header text, parsing returns a RetryAfter and never raises."""
    headers = {"Retry-After": retry_after}
    if retry_after_ms is not None:
        headers["retry-after-ms"] = retry_after_ms
    if date is not None:
        headers["Date"] = date
    result = parse_retry_after(Headers(headers), now)
    assert isinstance(result, RetryAfter)
    if result.delay is None:
        assert result.invalid is not None
    else:
        assert result.delay >= 0
        assert result.invalid is None


@given(st.text())
def test_parse_http_date_never_raises(text: str) -> None:
    """parse_http_date returns a float or None for any text."""
    result = parse_http_date(text)
    assert result is None or isinstance(result, float)
