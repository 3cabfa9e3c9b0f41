"""
The unions public signatures accept, named once (httpx's ``_types.py``), and ``JSON``.

``JSON`` is the one ``Any`` allowed in a public signature (STYLE.md §9): a parsed JSON
value is typed ``Any``, as ``json.loads`` types it, so ``response.data["id"]`` needs no
narrowing. Everything else is precise: ``tests/test_public_signatures.py`` fails on
any other ``Any`` in a public signature that its allowlist does not explain.

No import from ``_models`` here: ``_models`` imports these.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import IO, Any, Protocol

from typing_extensions import TypeAliasType

from ._config import Timeout

__all__ = [
    "JSON",
    "FileContent",
    "FileTypes",
    "FileValue",
    "FormData",
    "HeaderTypes",
    "PrimitiveData",
    "QueryParams",
    "RawHeaders",
    "RequestBody",
    "RequestContent",
    "SupportsRawHeaders",
    "TimeoutTypes",
]

JSON = TypeAliasType("JSON", Any)
"""
A JSON value: ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool`` or ``None``.

Typed ``Any`` on purpose (as ``json.loads`` is): what ``Response.json()`` returns,
what ``response.data`` is without a ``model``, and what ``json=`` takes (anything
``json.dumps`` encodes, pydantic models included). A ``TypeAliasType``, so it keeps
its name at run time and the signature test can tell it from a stray ``Any``.
"""

PrimitiveData = str | bytes | int | float | bool
"""One query or form value; ``urlencode`` writes it with ``str()``."""

QueryParams = (
    Mapping[str, PrimitiveData | Sequence[PrimitiveData]]
    | Sequence[tuple[str, PrimitiveData | Sequence[PrimitiveData]]]
    | str
    | None
)
"""``params=``: a mapping or ``(name, value)`` pairs (a sequence value repeats the
name), or an already encoded query string."""

FormData = Mapping[str, PrimitiveData | Sequence[PrimitiveData]]
"""``data=``: form fields, sent ``application/x-www-form-urlencoded``."""

FileContent = bytes | IO[bytes]
"""A file's content: ``bytes``, or a binary file object (read whole when sent)."""

FileValue = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str]
)
"""One file: its content, ``(filename, content)`` or ``(filename, content,
content_type)``. Without a content type, ``application/octet-stream`` is sent."""

FileTypes = Mapping[str, FileValue] | Sequence[tuple[str, FileValue]]
"""``files=``: field name → file, or ``(field, file)`` pairs (a field may repeat),
sent as ``multipart/form-data`` (RFC 7578) together with ``data=``'s fields."""

HeaderTypes = Mapping[str, str] | Iterable[tuple[str, str]] | None
"""``headers=``: a mapping (a ``Headers`` is one) or ``(name, value)`` pairs."""

RequestContent = (
    str | bytes | bytearray | memoryview | Iterable[bytes] | AsyncIterable[bytes] | None
)
"""``content=``: a raw body; ``str`` is sent as UTF-8, an iterable is streamed (an
async iterable only through an async client)."""

RequestBody = bytes | Iterable[bytes] | AsyncIterable[bytes] | None
"""``Request.content``: a body as a transport sends it (already encoded)."""

TimeoutTypes = Timeout | float | timedelta | None
"""``timeout=``: a ``Timeout``, seconds for every phase, or ``None`` for no limit."""


class SupportsRawHeaders(Protocol):
    """An object whose ``raw`` gives header byte pairs (``httpx.Headers``)."""

    @property
    def raw(self) -> Sequence[tuple[bytes, bytes]]:
        """The ``(name, value)`` pairs as received."""
        ...


RawHeaders = (
    list[tuple[bytes, bytes]] | tuple[tuple[bytes, bytes], ...] | SupportsRawHeaders
)
"""What ``Headers.from_raw`` takes: a backend's header byte pairs, or an object
(``httpx.Headers``) whose ``raw`` gives them."""
