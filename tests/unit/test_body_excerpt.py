"""``body_excerpt``: the start of a body, safe for an error message."""

from __future__ import annotations

from restwell._redact import body_excerpt


def test_credentials_in_a_body_are_redacted() -> None:
    body = (
        b'{"access_token": "abc123", "user": {"password": "pw", "name": "x"}, '
        b'"api_key": 123} token=zzz&a=1 Authorization: Bearer qqqqqq echo s3cr3t'
    )
    text = body_excerpt(body, ["s3cr3t"], limit=500)
    for secret in ("abc123", '"pw"', "123", "zzz", "qqqqqq", "s3cr3t"):
        assert secret not in text
    assert '"name": "x"' in text
    assert "a=1" in text


def test_long_and_binary_bodies_are_cut() -> None:
    assert body_excerpt(b"x" * 500) == "x" * 159 + "…"
    assert body_excerpt(b"\xff\xfe ok") == "\ufffd\ufffd ok"
    assert body_excerpt(b"  a \n\n b  ") == "a b"
