"""
Content-Encoding decoded in bounded steps, so that a small body cannot expand at once.

httpx (up to 0.29) decodes each network read whole: one 64 KiB read of a gzip bomb
becomes ~64 MiB of zeros before anyone can count it against ``max_response_size``.
Here a ``ContentDecoder`` is fed the raw bytes as they arrive and yields the decoded
body in pieces of at most ``STEP`` bytes, one piece at a time (a generator), so a
reader that stops after ``limit`` bytes has held about ``limit + STEP`` of them,
whatever the ratio of the compression. Sans-IO: the transports feed it.

Codings (RFC 9110 §8.4.1), listed in ``Content-Encoding`` in the order they were
applied, are decoded in reverse order, each one bounded:

- ``gzip`` and ``x-gzip`` (RFC 9110 §8.4.1.3): zlib with a gzip wrapper.
- ``deflate`` (RFC 9110 §8.4.1.2): the zlib format; as httpx, urllib3 and browsers
  do, raw deflate without the zlib wrapper is accepted too (tried when the first
  two bytes are not a zlib header).
- ``br`` (RFC 7932): with the ``brotli`` (>= 1.2) or ``brotlicffi`` (>= 1.2)
  package the backend would use, which can bound its output
  (``output_buffer_limit``). An older one cannot: the body is left to the backend.
- ``zstd`` (RFC 8878): with the standard library's ``compression.zstd`` (Python
  3.14+) or its backport ``backports.zstd`` (a dependency of restwell on 3.11-3.13),
  whose ``decompress(data, max_length)`` bounds its output; several frames in a row
  are decoded one after the other, and a body that ends inside a frame is an error
  (urllib3's rule). Without either, the body is left to the backend (httpx uses the
  ``zstandard`` package, whose streaming decompressor cannot bound its output).
- ``identity``, and a coding the backend does not decode either: skipped, as httpx
  does.

What the backend decodes itself (``plan`` returns ``None``) is decoded as it always
was: httpx's decoding of such a body is not bounded (httpx2's is, in 1 MiB steps).

As httpx: a gzip body that ends without its trailer, and any bytes after the end
of a gzip or deflate stream, are not errors (the bytes after the end are dropped);
a brotli stream that ends early is one with ``brotlicffi``.
"""

from __future__ import annotations

import functools
import importlib
import zlib
from collections.abc import Callable, Container, Iterator
from types import ModuleType
from typing import Any, Final

__all__ = [
    "MAX_CODINGS",
    "STEP",
    "ContentDecoder",
    "DecodeFailed",
    "accept_encoding",
    "backend_codings",
    "plan",
    "restwell_codings",
]

STEP: Final = 64 * 1024
"""Most bytes of decoded body one step yields (and, per coding, holds)."""

MAX_CODINGS: Final = 5
"""Most codings one body may stack (as httpx2 and urllib3): each holds its state."""

_BACKEND_DEFAULT = frozenset({"gzip", "deflate", "br", "zstd"})


class DecodeFailed(Exception):
    """The body does not decode with its Content-Encoding; the message says why."""


def backend_codings(module: ModuleType) -> frozenset[str]:
    """
    The codings an httpx-like backend decodes itself (``httpx`` or ``httpx2``).

    Read from its ``_decoders.SUPPORTED_DECODERS`` (which holds ``br`` and ``zstd``
    only when their packages are installed); when that cannot be read, every coding
    it could decode, so that no body is left undecoded that it would decode.
    """
    try:
        decoders = importlib.import_module(f"{module.__name__}._decoders")
        return frozenset(decoders.SUPPORTED_DECODERS) - {"identity"}
    except Exception:  # a backend laid out otherwise
        return _BACKEND_DEFAULT


def plan(value: str, backend: Container[str]) -> list[str] | None:
    """
    The codings of a ``Content-Encoding`` value that restwell decodes.

    Args:
        value: The header's value (several headers joined with commas).
        backend: The codings the backend would decode (``backend_codings``).

    Returns:
        The codings in the order they were applied (``"gzip"``, ``"deflate"``,
        ``"br"``), ``x-gzip`` as ``"gzip"``; empty when there is nothing to decode
        (identity, or codings neither restwell nor the backend knows). ``None``
        when the backend must decode the body: it has a coding restwell cannot
        decode in bounded steps that the backend can (``zstd``; ``br`` with an
        old ``brotli``).

    Raises:
        DecodeFailed: If more than ``MAX_CODINGS`` codings are stacked.
    """
    codings: list[str] = []
    for part in value.split(","):
        coding = part.strip().lower()
        if coding in ("gzip", "x-gzip"):
            codings.append("gzip")
        elif coding == "deflate":
            codings.append("deflate")
        elif coding == "br" and _brotli() is not None:
            codings.append("br")
        elif coding == "zstd" and _zstd() is not None:
            codings.append("zstd")
        elif coding in backend:  # br, zstd without a bounded decoder: the backend's
            return None
        # identity, or a coding nobody here decodes: skipped, as httpx does
    if len(codings) > MAX_CODINGS:
        raise DecodeFailed(
            f"{len(codings)} content codings are stacked; at most {MAX_CODINGS} "
            "are decoded"
        )
    return codings


@functools.cache
def restwell_codings() -> frozenset[str]:
    """The codings restwell decodes in bounded steps beyond gzip and deflate."""
    found = set()
    if _brotli() is not None:
        found.add("br")
    if _zstd() is not None:
        found.add("zstd")
    return frozenset(found)


@functools.cache
def accept_encoding() -> str:
    """The ``Accept-Encoding`` value for the codings restwell decodes itself."""
    extra = restwell_codings()
    return ", ".join(["gzip", "deflate", *(c for c in ("br", "zstd") if c in extra)])


@functools.cache
def _zstd() -> ModuleType | None:
    """``compression.zstd`` (3.14+) or ``backports.zstd``, if installed; else None."""
    for name in ("compression.zstd", "backports.zstd"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None  # pragma: no cover - backports.zstd is a dependency below 3.14


@functools.cache
def _brotli() -> ModuleType | None:
    """The brotli package httpx would use, if it can bound its output; else None."""
    for name in ("brotli", "brotlicffi"):  # httpx's order
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module.Decompressor, "can_accept_more_data"):  # >= 1.2
            return module
        return None
    return None


class _Zlib:
    """One ``gzip`` or ``deflate`` coding, decoded ``STEP`` bytes at a time."""

    __slots__ = ("_d", "_head")

    def __init__(self, coding: str) -> None:
        if coding == "gzip":
            self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._head: bytes | None = None
        else:  # deflate: zlib-wrapped, or raw; decided on the first two bytes
            self._d = zlib.decompressobj()
            self._head = b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        d = self._d
        if d.eof:
            return  # bytes after the end of the stream: dropped, as httpx does
        try:
            head = self._head
            if head is None:
                out = d.decompress(data, STEP)
            else:
                data = head + data
                if len(data) < 2:  # a zlib header is two bytes
                    self._head = data
                    return
                self._head = None
                try:
                    out = d.decompress(data, STEP)
                except zlib.error:  # not the zlib format: raw deflate (httpx, too)
                    d = self._d = zlib.decompressobj(-zlib.MAX_WBITS)
                    out = d.decompress(data, STEP)
            while True:
                if out:
                    yield out
                tail = d.unconsumed_tail
                if len(out) < STEP and not tail:
                    return  # input used up and no output held back
                out = d.decompress(tail, STEP)
        except zlib.error as exc:
            raise DecodeFailed(str(exc)) from exc

    def end(self) -> Iterator[bytes]:
        try:
            rest = self._d.flush()  # feed() left no input: at most what zlib holds
        except zlib.error as exc:  # pragma: no cover - zlib reports none here
            raise DecodeFailed(str(exc)) from exc
        if rest:  # pragma: no cover - feed() drained it
            yield rest


class _Brotli:
    """One ``br`` coding, decoded ``STEP`` bytes at a time (brotli >= 1.2)."""

    __slots__ = ("_d", "_error", "_seen")

    def __init__(self, module: ModuleType) -> None:
        self._d: Any = module.Decompressor()
        self._error: type[Exception] = module.error
        self._seen = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        self._seen = True
        d = self._d
        try:
            out: bytes = d.process(data, output_buffer_limit=STEP)
            while True:
                if out:
                    yield out
                if d.can_accept_more_data():
                    return
                out = d.process(b"", output_buffer_limit=STEP)
                if not out:  # pragma: no cover - brotli holds no input it cannot use
                    return
        except self._error as exc:
            raise DecodeFailed(str(exc)) from exc

    def end(self) -> Iterator[bytes]:
        finish = getattr(self._d, "finish", None)  # brotlicffi only, as in httpx
        if self._seen and finish is not None:
            try:
                finish()
            except self._error as exc:
                raise DecodeFailed(str(exc)) from exc
        yield from ()


class _Zstd:
    """One ``zstd`` coding, decoded ``STEP`` bytes at a time (RFC 8878)."""

    __slots__ = ("_d", "_error", "_module", "_seen")

    def __init__(self, module: ModuleType) -> None:
        self._module = module
        self._d: Any = module.ZstdDecompressor()
        self._error: type[Exception] = module.ZstdError
        self._seen = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        d = self._d
        try:
            out: bytes = d.decompress(data, STEP)
            if data:
                self._seen = True
            while True:
                if out:
                    yield out
                if d.eof:  # a frame ended: the next one starts in unused_data
                    rest: bytes = d.unused_data
                    if not rest:
                        return
                    d = self._d = self._module.ZstdDecompressor()
                    out = d.decompress(rest, STEP)
                    continue
                if d.needs_input:
                    return
                out = d.decompress(b"", STEP)
        except self._error as exc:
            raise DecodeFailed(f"zstd: {exc}") from exc

    def end(self) -> Iterator[bytes]:
        if self._seen and not self._d.eof:
            raise DecodeFailed("zstd: the body ended inside a frame (truncated)")
        yield from ()


class ContentDecoder:
    """
    Decode a body of stacked codings, in pieces of at most ``STEP`` bytes.

    Feed the raw bytes with ``feed(chunk)`` as they arrive and take every piece it
    yields before feeding the next chunk; then take the pieces of ``end()``. Each
    coding holds at most one piece (and its compressed input) at a time.

    Args:
        codings: Codings in the order applied, from ``plan`` (not empty).

    Raises:
        DecodeFailed: From ``feed`` or ``end``, if the body does not decode.
    """

    __slots__ = ("_layers",)

    def __init__(self, codings: list[str]) -> None:
        layers: list[_Zlib | _Brotli | _Zstd] = []
        for coding in reversed(codings):  # the last applied is undone first
            if coding == "br":
                module = _brotli()
                assert module is not None  # noqa: S101 - plan() checked it
                layers.append(_Brotli(module))
            elif coding == "zstd":
                zstd = _zstd()
                assert zstd is not None  # noqa: S101 - plan() checked it
                layers.append(_Zstd(zstd))
            else:
                layers.append(_Zlib(coding))
        self._layers = layers

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield the decoded pieces that ``data`` (the next raw bytes) gives."""
        layers = self._layers
        pieces = layers[0].feed(data)
        for layer in layers[1:]:
            pieces = _through(layer.feed, pieces)
        return pieces

    def end(self) -> Iterator[bytes]:
        """Yield what is left once the raw body has ended."""
        pieces: Iterator[bytes] = iter(())
        for layer in self._layers:
            pieces = _chain(_through(layer.feed, pieces), layer.end())
        return pieces


def _through(
    feed: Callable[[bytes], Iterator[bytes]], pieces: Iterator[bytes]
) -> Iterator[bytes]:
    for piece in pieces:
        yield from feed(piece)


def _chain(first: Iterator[bytes], second: Iterator[bytes]) -> Iterator[bytes]:
    yield from first
    yield from second
