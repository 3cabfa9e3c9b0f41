"""
ResponseTooLarge without sockets: where it sits in the error tree, what it says, that
it pickles, that the default Retry policy does not retry it, and which headers the
size check trusts. The behaviour over the network is in
tests/_async/test_response_limits.py.
"""

from __future__ import annotations

import pickle
import random
from collections.abc import Iterator

import pytest

import restwell
from restwell.policies import DEFAULT_RETRY_ON, Raise, Retry


def too_large() -> restwell.ResponseTooLarge:
    return restwell.ResponseTooLarge(
        "too big",
        request=restwell.Request("GET", "http://127.0.0.1/x"),
        limit=1024,
        received=4096,
    )


def test_response_too_large_is_a_request_error() -> None:
    """A RequestError (so it carries .request), neither a transport nor a policy one."""
    assert issubclass(restwell.ResponseTooLarge, restwell.RequestError)
    assert not issubclass(restwell.ResponseTooLarge, restwell.TransportError)
    assert not issubclass(restwell.ResponseTooLarge, restwell.PolicyError)
    assert "ResponseTooLarge" in restwell._exceptions.__doc__  # type: ignore[operator]


def test_response_too_large_pickles_with_its_attributes() -> None:
    """limit, received and the request survive a round trip (the context does not)."""
    restored = pickle.loads(pickle.dumps(too_large()))
    assert isinstance(restored, restwell.ResponseTooLarge)
    assert (restored.limit, restored.received, str(restored)) == (1024, 4096, "too big")
    assert restored.request is not None
    assert restored.request.url == "http://127.0.0.1/x"


def test_response_too_large_is_not_retried_by_default() -> None:
    """The default predicate does not match it, so the policy re-raises it at once."""
    error = too_large()
    assert not DEFAULT_RETRY_ON(error)
    policy = Retry()
    state = policy.start("GET", {}, 0.0, None)
    decision = policy.next(state, error, 0.0, 0.0, random.Random(1))
    assert isinstance(decision, Raise)
    assert "not retryable" in decision.reason


class Unread:
    """A response stream that must not be read: only closed."""

    closed = False

    def __iter__(self) -> Iterator[bytes]:
        raise AssertionError("the body was read")

    def read(self) -> bytes:
        raise AssertionError("the body was read")

    def close(self) -> None:
        self.closed = True


def test_a_content_length_above_max_size_is_refused_unread() -> None:
    """read(max_size=) refuses an announced size; the message says how to raise it."""
    stream = Unread()
    response = restwell.Response(
        200,
        headers={"Content-Length": "5000"},
        stream=stream,
        request=restwell.Request("GET", "http://user:secret@127.0.0.1/big"),
    )
    with pytest.raises(restwell.ResponseTooLarge) as info:
        response.read(max_size=1000)
    message = str(info.value)
    assert "max_response_size=1000 bytes" in message
    assert "Content-Length is 5000 bytes" in message
    assert "max_response_size=None" in message
    assert "secret" not in message
    assert (info.value.limit, info.value.received) == (1000, 5000)
    assert stream.closed
    with pytest.raises(restwell.StreamConsumed):
        _ = response.content


class Chunks:
    """A response stream over chunks in memory; records whether it was closed."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks

    def read(self) -> bytes:
        return b"".join(self.chunks)

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize("length", ["5, 5", "-1", "12abc", "\u0661\u0662"])
def test_an_unusable_content_length_is_not_trusted(length: str) -> None:
    """A repeated or malformed Content-Length is ignored: the bytes are counted."""
    stream = Chunks(b"abc", b"def")
    response = restwell.Response(200, headers={"Content-Length": length}, stream=stream)
    with pytest.raises(restwell.ResponseTooLarge) as info:
        response.read(max_size=4)
    assert info.value.received == 6
    assert stream.closed


def test_content_length_under_the_limit_reads_the_stream_whole() -> None:
    """An identity body announced within the limit is read in one go."""
    response = restwell.Response(
        200, headers={"Content-Length": "6"}, stream=Chunks(b"abc", b"def")
    )
    assert response.read(max_size=6) == b"abcdef"
    assert response.read(max_size=1) == b"abcdef"  # read already: idempotent


def test_a_response_built_with_content_is_not_limited() -> None:
    """A body already in memory (content=) is returned as it is, whatever max_size."""
    response = restwell.Response(200, content=b"x" * 10)
    assert response.read(max_size=1) == b"x" * 10
    assert list(response.iter_bytes(chunk_size=4)) == [b"xxxx", b"xxxx", b"xx"]
