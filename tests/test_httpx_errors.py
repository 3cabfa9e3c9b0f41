"""
restwell._httpx_errors: backend errors become restwell errors whose messages carry
no credential (no header value, no URL secret), and name a header that cannot be sent.
"""

from __future__ import annotations

import httpx
import pytest

import restwell
from restwell import Request
from restwell._httpx_errors import (
    build_error,
    header_error,
    invalid_header,
    map_httpx_error,
    scrub,
)

SECRET = "s3cret-t0ken-value"


def request(url: str = "http://127.0.0.1/x", **headers: str) -> Request:
    return Request("GET", url, headers=headers)


def text_of(exc: BaseException) -> str:
    return " ".join([str(exc), repr(exc), *getattr(exc, "__notes__", [])])


def test_a_header_value_in_a_backend_message_is_redacted() -> None:
    """Whatever a backend quotes of our headers, plain or escaped, is not repeated."""
    req = request(Authorization=f"Bearer {SECRET}\t", X_Other="not-secret-but-long")
    exc = httpx.ReadError(f"boom {SECRET} {SECRET!r} b'{SECRET}' not-secret-but-long")
    mapped = map_httpx_error(exc, req)
    assert isinstance(mapped, restwell.ReadError)
    assert SECRET not in text_of(mapped)
    assert "not-secret-but-long" not in text_of(mapped)
    assert "[REDACTED]" in str(mapped)


def test_the_lent_client_defaults_are_redacted_too() -> None:
    """Values of the backend client's own headers and cookies are kept out."""
    exc = httpx.RemoteProtocolError(f"odd {SECRET}")
    mapped = map_httpx_error(exc, request(), defaults=[("cookie", SECRET)])
    assert isinstance(mapped, restwell.ProtocolError)
    assert SECRET not in text_of(mapped)


def test_url_secrets_are_redacted() -> None:
    """Userinfo and credential query values, wherever the backend repeats them."""
    url = f"http://user:{SECRET}@127.0.0.1/x?api_key={SECRET}2&q=1"
    text = scrub(f"failed on {url} with {SECRET} and {SECRET}2", request(url))
    assert SECRET not in text
    assert "q=1" in text


def test_short_values_stay() -> None:
    """A value too short to be a secret is not removed from unrelated words."""
    req = request(Accept="*/*", X_N="1", Authorization="abc")
    assert scrub("[Errno 111] Connection refused abc", req) == (
        "[Errno 111] Connection refused abc"
    )


def test_our_own_quoted_bytes_are_dropped_in_a_local_error() -> None:
    """h11 quotes our bytes in LocalProtocolError; none of them reach the message."""
    exc = httpx.LocalProtocolError("Too much data: b'secret-ish' and b\"more\"")
    mapped = map_httpx_error(exc, request())
    assert type(mapped) is restwell.TransportError
    assert "secret-ish" not in str(mapped)
    assert "more" not in str(mapped)


def test_an_illegal_header_is_named_not_shown() -> None:
    """h11's 'Illegal header value b'…'' becomes a ConfigurationError naming it."""
    exc = httpx.LocalProtocolError(f"Illegal header value b'{SECRET}\\n'")
    mapped = map_httpx_error(exc, request(Authorization=f"{SECRET}\n"))
    assert isinstance(mapped, restwell.ConfigurationError)
    assert "'Authorization'" in str(mapped)
    assert SECRET not in text_of(mapped)


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("X Bad", "v", "not an HTTP token"),
        ("Xé", "v", "not an HTTP token"),
        ("X-Token", "tokén", "non-ASCII"),
        ("X-Token", "tok\r\n", "ends with a line break"),
        ("X-Token", "t\nok", "has a line break"),
        ("X-Token", "t\x00k", "control character"),
        ("X-Token", " tok", "space or tab"),
    ],
)
def test_invalid_header_names_the_problem(name: str, value: str, problem: str) -> None:
    found = invalid_header([("Accept", "*/*"), (name, value)])
    assert found is not None
    assert found[0] == name
    assert problem in found[1]
    assert value not in found[1]


def test_valid_headers() -> None:
    assert invalid_header([("Accept", "a b\tc"), ("X-Ok", "\x7f")]) is None


def test_a_header_error_without_a_culprit_says_so() -> None:
    """When no header looks wrong (the backend disagrees), the message is generic."""
    error = header_error(request(Accept="*/*"))
    assert "a header of GET" in str(error)


def test_build_errors() -> None:
    """Header encoding names the header; other ValueErrors are the URL's."""
    bad = request(X_Token=f"{SECRET}é")
    header = build_error(UnicodeEncodeError("ascii", SECRET, 0, 1, "no"), bad)
    assert isinstance(header, restwell.ConfigurationError)
    assert SECRET not in text_of(header)
    url = build_error(UnicodeError("label too long"), request())
    assert isinstance(url, restwell.InvalidURL)
    assert "label too long" in str(url)
    other = TypeError("not ours")
    assert build_error(other, request()) is other


def test_non_httpx_errors_pass_through() -> None:
    error = KeyError("x")
    assert map_httpx_error(error, request()) is error
