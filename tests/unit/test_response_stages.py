"""
The pure steps of iterating a body: re-chunking, incremental decoding, line splitting.

No sockets: each body is fed in every possible pair of chunks, and byte by byte, so
every split point (inside a character, between ``\\r`` and ``\\n``) is covered. The
same steps run under ``Response.aiter_*``/``iter_*`` (tests/_async/test_response_*).
"""

from __future__ import annotations

import random
import re

import pytest

from restwell import ConfigurationError
from restwell._models import (
    _Chunker,
    _chunkers,
    _feed,
    _flush,
    _LineSplitter,
    _Stage,
    _TextDecoder,
)

BODIES = [
    "",
    "one line, no ending",
    "a\nb\n",
    "a\r\nb\r\n\r\n",
    "a\rb\r",
    "\r\n\n\r\r\n",
    'data: {"x": "€ and 😀"}\r\n\r\nid: 7\rretry: 10\n',
    '{"s": "U+2028 \u2028 and U+2029 \u2029 do not end a line"}\n{"n": 2}',
]


def reference_lines(text: str) -> list[str]:
    r"""Lines of ``text`` ending in \n, \r\n or \r; a final ending adds no line."""
    if not text:
        return []
    lines = re.split(r"\r\n|\r|\n", text)
    if lines[-1] == "":
        lines.pop()
    return lines


def run(stages: list[_Stage], chunks: list[bytes]) -> list[object]:
    out: list[object] = []
    for chunk in chunks:
        out += _feed(stages, [chunk])
    return out + _flush(stages)


def splits(data: bytes) -> list[list[bytes]]:
    """Every way to cut ``data`` in two, plus one byte per chunk."""
    ways = [[data[:i], data[i:]] for i in range(len(data) + 1)]
    return [*ways, [data[i : i + 1] for i in range(len(data))]]


@pytest.mark.parametrize("text", BODIES)
def test_lines_are_the_same_however_the_body_is_split(text: str) -> None:
    r"""Lines end in \n, \r\n or \r only, wherever the chunks were cut."""
    data = text.encode()
    expected = reference_lines(text)
    for chunks in splits(data):
        assert run([_TextDecoder("utf-8"), _LineSplitter()], chunks) == expected


@pytest.mark.parametrize("text", BODIES)
def test_text_decodes_whole_characters_however_the_body_is_split(text: str) -> None:
    """A multi-byte character cut in two is decoded once both halves arrived."""
    for chunks in splits(text.encode()):
        pieces = run([_TextDecoder("utf-8")], chunks)
        assert "".join(pieces) == text  # type: ignore[arg-type]  # str pieces
        assert "\ufffd" not in "".join(pieces)  # type: ignore[arg-type]


def test_undecodable_bytes_become_replacement_characters() -> None:
    """Invalid UTF-8, and a character cut off at the end, become U+FFFD."""
    assert run([_TextDecoder("utf-8")], [b"a\xff", b"b\xe2\x82"]) == [
        "a\ufffd",
        "b",
        "\ufffd",
    ]


@pytest.mark.parametrize("charset", ["no-such-codec", "rot13", "base64"])
def test_an_unusable_charset_falls_back_to_utf8(charset: str) -> None:
    """An unknown charset, or a codec that is not a text encoding, means UTF-8."""
    assert run([_TextDecoder(charset)], ["é".encode()]) == ["é"]


def test_other_charsets_decode_incrementally() -> None:
    """UTF-16 needs two bytes per character; cut after one, it still decodes."""
    data = "hé".encode("utf-16")
    assert "".join(run([_TextDecoder("utf-16")], splits(data)[3])) == "hé"  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [1, 3, 4, 7, 100])
def test_chunker_gives_pieces_of_exactly_size_but_the_last(size: int) -> None:
    """Re-chunked pieces are ``size`` long, but the last; together they are the body."""
    rng = random.Random(size)
    data = bytes(rng.randrange(256) for _ in range(97))
    cuts = sorted(rng.sample(range(1, 97), 10))
    chunks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, 97], strict=True)]
    pieces = run([_Chunker(size, b"")], chunks)
    assert b"".join(pieces) == data  # type: ignore[arg-type]  # bytes pieces
    assert all(len(p) == size for p in pieces[:-1])  # type: ignore[arg-type]
    assert 0 < len(pieces[-1]) <= size  # type: ignore[arg-type]


def test_text_chunker_counts_characters() -> None:
    """After decoding, chunk_size counts characters, not bytes."""
    stages: list[_Stage] = [_TextDecoder("utf-8"), _Chunker(2, "")]
    assert run(stages, [b"\xe2\x82", b"\xac\xe2\x82\xaca", b"b"]) == ["€€", "ab"]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "4"])
def test_chunk_size_must_be_a_positive_int(bad: object) -> None:
    """chunk_size is an int >= 1, or None for the chunks as they arrive."""
    with pytest.raises(ConfigurationError, match="chunk_size"):
        _chunkers(bad, b"")  # type: ignore[arg-type]  # the wrong type is the test
    assert _chunkers(None, b"") == []
