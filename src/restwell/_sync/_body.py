# GENERATED from src/restwell/_async/_body.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
Buffering a streamed request body so that it can be replayed.

A body that is an iterator or async generator can be sent once. restwell reads up to
``max_replay_buffer`` bytes of it before the first attempt: if it ends within that,
it becomes ``bytes`` and can be retried; if not, the prefix and the rest are sent as
one stream and the call is not retried once it has been sent (the reason is in
``Response.attempts``). It is never resent as empty.

Encoding ``json=`` / ``data=`` / ``content=`` has no I/O: it is ``restwell._body``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .._body import iter_chunks

__all__ = ["buffer_body"]


def buffer_body(content: Any, limit: int) -> tuple[Any, bool]:
    """
    Make a streamed body replayable if it fits in ``limit`` bytes.

    Args:
        content: ``bytes``, ``None`` or an iterable of ``bytes``: whatever
            ``iter_chunks`` takes.
        limit: Most bytes kept in memory for replay.

    Returns:
        ``(body, replayable)``: ``body`` is ``bytes`` or ``None`` if replayable,
        else an ``Iterator`` over the chunks read so far and then the rest.

    Raises:
        ConfigurationError: From ``iter_chunks``, for a body this client cannot
            iterate.
    """
    if content is None or isinstance(content, bytes):
        return content, True
    if isinstance(content, list | tuple):
        return b"".join(content), True
    chunks = iter_chunks(content)
    kept: list[bytes] = []
    size = 0
    for chunk in chunks:
        kept.append(chunk)
        size += len(chunk)
        if size > limit:
            return _chain(kept, chunks), False
    return b"".join(kept), True


def _chain(kept: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from kept
    yield from rest
