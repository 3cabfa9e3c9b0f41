"""restwell._decode: Content-Encoding decoded in bounded steps, without I/O."""

from __future__ import annotations

import gzip
import importlib
import itertools
import types
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from restwell import _decode
from restwell._decode import STEP, ContentDecoder, DecodeFailed, plan

MiB = 1024 * 1024
TEXT = b"".join(b"line %d, %x\n" % (i, i * 7919) for i in range(40_000))
BACKEND = frozenset({"gzip", "deflate", "br"})  # httpx with brotli, no zstandard


def gzip_zeros(mebibytes: int) -> bytes:
    """Gzip of ``mebibytes`` MiB of zeros, about 1 KiB per MiB (no trailer)."""
    zeros = bytes(MiB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + again * (mebibytes - 1)


def deflate(data: bytes, *, raw: bool = False) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15 if raw else 15)
    return compressor.compress(data) + compressor.flush()


def decode(codings: list[str], body: bytes, size: int | None = None) -> list[bytes]:
    """Feed ``body`` in pieces of ``size`` bytes (whole if None); all pieces out."""
    decoder = ContentDecoder(codings)
    size = size or len(body) or 1
    out: list[bytes] = []
    for i in range(0, len(body), size):
        out.extend(decoder.feed(body[i : i + size]))
    out.extend(decoder.end())
    return out


@pytest.fixture
def no_brotli_cache() -> Iterator[None]:
    _decode._brotli.cache_clear()
    yield
    _decode._brotli.cache_clear()


# -- plan: which codings restwell decodes ------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("gzip", ["gzip"]),
        ("x-gzip", ["gzip"]),
        (" GZip ", ["gzip"]),
        ("deflate, gzip", ["deflate", "gzip"]),
        ("identity", []),
        ("identity, gzip", ["gzip"]),
        ("compress", []),  # nobody here decodes it: the body passes as it is
        ("", []),
        ("br", ["br"]),
        ("zstd", ["zstd"]),  # compression.zstd or backports.zstd
    ],
)
def test_plan_lists_the_codings_in_the_order_applied(
    value: str, expected: list[str]
) -> None:
    """gzip/x-gzip/deflate/br are decoded here; identity and unknowns skipped."""
    assert plan(value, BACKEND) == expected


def test_plan_leaves_to_the_backend_what_it_cannot_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A coding the backend decodes and restwell cannot bound: the backend's body."""
    monkeypatch.setattr(_decode, "_zstd", lambda: None)
    assert plan("zstd", BACKEND) == []  # nobody decodes it: as it is
    assert plan("zstd", BACKEND | {"zstd"}) is None
    assert plan("gzip, zstd", BACKEND | {"zstd"}) is None


def test_plan_refuses_more_than_five_codings() -> None:
    """Six stacked codings are refused, as httpx2 and urllib3 do."""
    assert plan(", ".join(["gzip"] * 5), BACKEND) == ["gzip"] * 5
    with pytest.raises(DecodeFailed, match="6 content codings are stacked"):
        plan(", ".join(["gzip"] * 6), BACKEND)


def test_plan_leaves_br_to_the_backend_without_a_bounded_brotli(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """br with a brotli that cannot bound its output: httpx decodes it."""
    monkeypatch.setattr(_decode, "_brotli", lambda: None)
    assert plan("br", BACKEND) is None
    assert plan("br", BACKEND - {"br"}) == []  # nobody decodes it: as it is


def test_backend_codings_reads_httpx() -> None:
    """What httpx decodes, from its own table; every coding for an unknown layout."""
    from httpx import _decoders

    assert _decode.backend_codings(httpx) == set(_decoders.SUPPORTED_DECODERS) - {
        "identity"
    }
    assert _decode.backend_codings(types.ModuleType("nothing")) == {
        "gzip",
        "deflate",
        "br",
        "zstd",
    }


def test_brotli_module_is_httpx_s_choice_if_bounded(
    monkeypatch: pytest.MonkeyPatch, no_brotli_cache: None
) -> None:
    """brotli first, then brotlicffi; None if missing or older than 1.2."""
    real_import = importlib.import_module
    old = types.ModuleType("brotli")
    old.Decompressor = type("Decompressor", (), {})  # type: ignore[attr-defined]
    new = types.ModuleType("brotlicffi")
    new.Decompressor = type(  # type: ignore[attr-defined]
        "Decompressor", (), {"can_accept_more_data": lambda self: True}
    )
    available: dict[str, Any] = {}

    def fake_import(name: str) -> Any:
        if name in ("brotli", "brotlicffi"):
            if name not in available:
                raise ImportError(name)
            return available[name]
        return real_import(name)

    monkeypatch.setattr(importlib, "import_module", fake_import)
    assert _decode._brotli() is None
    _decode._brotli.cache_clear()
    available["brotlicffi"] = new
    assert _decode._brotli() is new
    _decode._brotli.cache_clear()
    available["brotli"] = old  # found first, too old: not the newer brotlicffi
    assert _decode._brotli() is None


# -- gzip and deflate ------------------------------------------------------------


@pytest.mark.parametrize("size", [None, 1, 7, 65536])
@pytest.mark.parametrize(
    ("codings", "encode"),
    [
        (["gzip"], gzip.compress),
        (["deflate"], deflate),
        (["deflate"], lambda data: deflate(data, raw=True)),
        (["gzip", "gzip"], lambda data: gzip.compress(gzip.compress(data))),
        (["deflate", "gzip"], lambda data: gzip.compress(deflate(data))),
        (["gzip", "deflate"], lambda data: deflate(gzip.compress(data), raw=True)),
    ],
    ids=["gzip", "deflate", "raw-deflate", "gzip-gzip", "deflate-gzip", "gzip-raw"],
)
def test_decodes_to_the_original_in_bounded_pieces(
    codings: list[str], encode: Any, size: int | None
) -> None:
    """Whatever the input's split, the pieces join to the body, none above STEP."""
    pieces = decode(codings, encode(TEXT), size)
    assert b"".join(pieces) == TEXT
    assert max(map(len, pieces)) <= STEP


def test_a_bomb_expands_one_step_at_a_time() -> None:
    """1 GiB of zeros in ~1 MB: one feed yields pieces lazily, each at most STEP."""
    decoder = ContentDecoder(["gzip"])
    pieces = decoder.feed(gzip_zeros(1024))
    first = list(itertools.islice(pieces, 20))
    assert [len(piece) for piece in first] == [STEP] * 20
    assert not any(first[0])


def test_a_nested_bomb_expands_one_step_at_a_time() -> None:
    """Gzip of a gzip bomb: both layers are bounded."""
    decoder = ContentDecoder(["gzip", "gzip"])
    pieces = decoder.feed(gzip.compress(gzip_zeros(1024)))
    assert [len(piece) for piece in itertools.islice(pieces, 20)] == [STEP] * 20


def test_bytes_after_the_end_are_dropped() -> None:
    """As httpx: what follows a complete gzip stream is ignored, not kept."""
    decoder = ContentDecoder(["gzip"])
    body = gzip.compress(b"hello")
    assert b"".join(decoder.feed(body + b"trailing junk")) == b"hello"
    assert list(decoder.feed(b"more junk" * 1000)) == []
    assert list(decoder.end()) == []


def test_truncated_gzip_is_not_an_error() -> None:
    """As httpx: a gzip body cut short gives what it holds."""
    body = gzip.compress(TEXT)[:-8]
    assert b"".join(decode(["gzip"], body)) == TEXT


@pytest.mark.parametrize("body", [b"", b"x"])
def test_tiny_deflate_bodies(body: bytes) -> None:
    """No body, or one byte (too short for a header), decodes to nothing."""
    assert decode(["deflate"], body) == []
    assert decode(["gzip"], b"") == []


@pytest.mark.parametrize(
    ("codings", "body", "message"),
    [
        (["gzip"], b"not gzip at all", "incorrect header check"),
        (["deflate"], b"\xff" * 100, "invalid"),
        (["gzip", "gzip"], gzip.compress(b"not gzip inside"), "incorrect header"),
    ],
    ids=["not-gzip", "not-deflate", "not-gzip-inside"],
)
def test_corrupt_body_fails(codings: list[str], body: bytes, message: str) -> None:
    """zlib's error becomes DecodeFailed, its message kept, zlib.error as cause."""
    with pytest.raises(DecodeFailed, match=message) as info:
        decode(codings, body)
    assert isinstance(info.value.__cause__, zlib.error)


# -- brotli ---------------------------------------------------------------------


@pytest.fixture
def brotli() -> Any:
    module = _decode._brotli()
    if module is None:
        pytest.skip("needs brotli or brotlicffi >= 1.2")
    return module


def test_brotli_decodes_in_bounded_pieces(brotli: Any) -> None:
    """br, alone and under gzip, in any split, joins to the body."""
    body = brotli.compress(TEXT, quality=5)
    for size in (None, 1, 1000):
        pieces = decode(["br"], body, size)
        assert b"".join(pieces) == TEXT
        assert max(map(len, pieces)) <= STEP
    assert b"".join(decode(["br", "gzip"], gzip.compress(body))) == TEXT


def test_brotli_bomb_expands_one_step_at_a_time(brotli: Any) -> None:
    """64 MiB of zeros in a few KB: pieces of at most STEP (brotli's own size)."""
    compressor = brotli.Compressor(quality=1)
    body = b"".join(compressor.process(bytes(MiB)) for _ in range(64))
    body += compressor.finish()
    pieces = ContentDecoder(["br"]).feed(body)
    sizes = [len(piece) for piece in itertools.islice(pieces, 40)]
    assert len(sizes) == 40
    assert max(sizes) <= STEP


def test_corrupt_or_truncated_brotli_fails(brotli: Any) -> None:
    """A corrupt br body fails; a truncated one too, where brotli can tell."""
    with pytest.raises(DecodeFailed):
        decode(["br"], b"\xff" * 100)
    truncated = brotli.compress(TEXT, quality=5)[:-10]
    if hasattr(brotli.Decompressor(), "finish"):  # brotlicffi, as in httpx
        with pytest.raises(DecodeFailed):
            decode(["br"], truncated)
    assert decode(["br"], b"") == []
