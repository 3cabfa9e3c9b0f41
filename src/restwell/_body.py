"""
Request bodies: encoding (json, form, text), and iterating a streamed one.

No I/O here. Buffering a streamed body for replay reads it, so it lives in
``_async/_body.py`` (``abuffer_body``) and its generated twin ``_sync/_body.py``
(``buffer_body``). The one thing the two worlds do differently, which iterables a
client takes, is ``aiter_chunks`` / ``iter_chunks`` below: the buffering calls one
or the other and is otherwise the same code.
"""

from __future__ import annotations

import json as _json
import os
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

from ._exceptions import ConfigurationError

__all__ = ["aiter_chunks", "encode_body", "encode_multipart", "iter_chunks"]


def _dumps(value: Any) -> bytes:
    dump = getattr(value, "model_dump_json", None)
    if dump is not None:  # a pydantic model
        return dump().encode()  # type: ignore[no-any-return]  # pydantic returns str
    try:
        return _json.dumps(
            value,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
            default=_default,
        ).encode()
    except ValueError as exc:
        raise ValueError(
            f"json= body cannot be encoded: {exc} (NaN/Infinity are not JSON)"
        ) from exc


def _default(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(mode="json")
    raise TypeError(
        f"json= body contains a {type(value).__name__}, which JSON cannot encode: "
        "convert it (e.g. str(), .isoformat(), a pydantic model)"
    )


def encode_body(
    content: Any, data: Any, json: Any, files: Any = None
) -> tuple[Any, str | None]:
    """
    Turn ``content=`` / ``data=`` / ``json=`` / ``files=`` into a body and its type.

    ``files`` (with or without ``data``) makes a ``multipart/form-data`` body
    (``encode_multipart``).

    Returns:
        ``(body, content_type)``: body is ``bytes``, an iterable, or ``None``.

    Raises:
        ConfigurationError: If more than one of content/data/json is given, or
            ``files`` with ``content`` or ``json``, or a file of the wrong shape.
        TypeError, ValueError: If ``json`` cannot be encoded (never retried).
    """
    if files is not None:
        if content is not None or json is not None:
            raise ConfigurationError(
                "files= goes with data= (form fields) only: a multipart body cannot "
                "also carry content= or json="
            )
        return encode_multipart(data, files)
    given = (content is not None) + (data is not None) + (json is not None)
    if given > 1:
        raise ConfigurationError("pass only one of content=, data= and json=")
    if json is not None:
        return _dumps(json), "application/json"
    if data is not None:
        if isinstance(data, Mapping):
            return urlencode(
                data, doseq=True
            ).encode(), "application/x-www-form-urlencoded"
        if isinstance(data, str | bytes):
            raise ConfigurationError(
                "data= takes a mapping of form fields; pass raw bodies as content="
            )
        raise ConfigurationError(
            f"data={type(data).__name__}: pass a mapping of form fields"
        )
    if isinstance(content, str):
        return content.encode(), None
    if isinstance(content, bytearray | memoryview):
        return bytes(content), None
    if isinstance(content, Mapping):
        raise ConfigurationError(
            f"content= got a {type(content).__name__}: content= takes bytes, str or "
            "an iterable of bytes; send a mapping as JSON with json=, or as form "
            "fields with data="
        )
    if isinstance(content, bytes) or (
        isinstance(content, Iterable | AsyncIterable)
        and not isinstance(content, str | bytes)
    ):
        return content, None
    raise ConfigurationError(
        f"content= got a {type(content).__name__}: content= takes bytes, str or an "
        "iterable of bytes (json= for JSON, data= for form fields)"
    )


def _quote(text: str) -> str:
    """A name or filename in a Content-Disposition (WHATWG HTML's escaping)."""
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _pairs(value: Any, what: str) -> list[tuple[str, Any]]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        return list(value.items())
    if isinstance(value, list | tuple) and all(
        isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in value
    ):
        return list(value)
    raise ConfigurationError(
        f"{what}= takes a mapping or (name, value) pairs, got {type(value).__name__}"
    )


def _file_part(name: str, value: Any) -> tuple[str, bytes, str]:
    filename: str | None = name
    ctype = "application/octet-stream"
    if isinstance(value, tuple):
        if not 2 <= len(value) <= 3:
            raise ConfigurationError(
                f"files={{{name!r}: ...}}: a file is bytes, a binary file, "
                "(filename, content) or (filename, content, content_type)"
            )
        filename, value, *rest = value
        if rest:
            ctype = rest[0]
    if isinstance(value, bytes | bytearray | memoryview):
        content = bytes(value)
    elif callable(getattr(value, "read", None)):
        content = value.read()
        if filename == name:  # an open file knows its own name
            filename = os.path.basename(str(getattr(value, "name", name)))
        if isinstance(content, str):
            raise ConfigurationError(
                f"files={{{name!r}: ...}}: the file is open in text mode; open it "
                "with 'rb'"
            )
    else:
        raise ConfigurationError(
            f"files={{{name!r}: {type(value).__name__}}}: a file is bytes, a binary "
            "file, (filename, content) or (filename, content, content_type)"
        )
    disposition = f'form-data; name="{_quote(name)}"'
    if filename is not None:
        disposition += f'; filename="{_quote(filename)}"'
    return disposition, content, ctype


def encode_multipart(data: Any, files: Any) -> tuple[bytes, str]:
    """
    A ``multipart/form-data`` body (RFC 7578) from form fields and files.

    Args:
        data: Form fields (``FormData``) or ``None``; a sequence value repeats
            the field.
        files: ``FileTypes``: field → file, or ``(field, file)`` pairs.

    Returns:
        ``(body, content_type)``; the boundary is random (``secrets``), so the body
        never depends on its parts' content.

    Raises:
        ConfigurationError: For a field or file of the wrong shape.
    """
    boundary = secrets.token_hex(16)
    out: list[bytes] = []
    for name, value in _pairs(data, "data"):
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            text = item if isinstance(item, str) else _form_value(item)
            out.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"'
                "\r\n\r\n".encode()
                + text.encode()
                + b"\r\n"
            )
    for name, value in _pairs(files, "files"):
        disposition, content, ctype = _file_part(name, value)
        out.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
            f"Content-Type: {ctype}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def _form_value(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise ConfigurationError(
        f"data= field value {type(value).__name__} is not a str, int, float, bool "
        "or None"
    )


def aiter_chunks(
    content: Iterable[bytes] | AsyncIterable[bytes],
) -> AsyncIterator[bytes]:
    """
    Iterate a streamed body for an async client: async iterables, and sync ones.

    A sync iterable is wrapped, since async transports (``httpx.AsyncClient``)
    refuse sync iterators. ``iter(content)`` is called here, so a non-iterable
    raises ``TypeError`` at once.
    """
    if isinstance(content, AsyncIterable):
        return aiter(content)
    return _to_async(iter(content))


async def _to_async(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def iter_chunks(content: Iterable[bytes] | AsyncIterable[bytes]) -> Iterator[bytes]:
    """
    Iterate a streamed body for a sync client: sync iterables only.

    Raises:
        ConfigurationError: If ``content`` is an async iterable (use AsyncClient).
    """
    if isinstance(content, AsyncIterable):
        raise ConfigurationError(
            "content= is an async iterable, but this is a sync Client: "
            "pass bytes or a sync iterator, or use restwell.AsyncClient"
        )
    return iter(content)
