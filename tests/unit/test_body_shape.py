"""``body_shape``: what a body looks like, for an error message, with no value."""

from __future__ import annotations

from restwell._redact import body_shape


def test_json_keeps_keys_and_types_never_values() -> None:
    body = (
        b'{"access_token": "abc123", "user": {"password": "pw", "pin": 1234}, '
        b'"ok": true, "none": null, "ratio": 0.5, "tags": ["a", "b", "c", "d", "e"]}'
    )
    shape = body_shape(body, limit=500)
    for value in ("abc123", "pw", "1234", "0.5", '"a"'):
        assert value not in shape
    assert shape == (
        '{"access_token": "<str>", "user": {"password": "<str>", "pin": "<int>"}, '
        '"ok": true, "none": null, "ratio": "<float>", '
        '"tags": ["<str>", "<str>", "<str>", "… 2 more"]}'
    )


def test_other_bodies_are_described_not_quoted() -> None:
    assert body_shape(b"secret text", "text/plain; charset=utf-8") == (
        "<11 bytes of text/plain, not JSON>"
    )
    assert body_shape(b"\xff") == "<1 bytes of unknown type, not JSON>"
    deep = b"[" * 10 + b"]" * 10
    assert body_shape(deep) == '[[[["[…]"]]]]'
    assert body_shape(b'{"k": "' + b"x" * 400 + b'"}' + b"") == '{"k": "<str>"}'
    long = b"[" + b",".join(b'{"a%d": 1}' % i for i in range(3)) + b"]"
    assert len(body_shape(long * 1, limit=10)) == 10
