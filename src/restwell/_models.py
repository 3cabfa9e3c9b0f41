"""
Transport-neutral models: ``Headers``, ``Request``, ``Response[T]`` and ``Attempt``.

Slotted, no I/O of their own: a ``Response`` reads its body through the stream its
transport gave it, so the same class serves httpx, aiohttp and user transports.
Its sync read paths (``read``, ``iter_bytes``, ``iter_text``, ``iter_lines``,
``close``) are generated from the async ones by ``scripts/unasync.py``, in place: this
module is a leaf and imports no ``_async`` or ``_sync`` code. What the two worlds share
(re-chunking, incremental text decoding, line splitting, the size limit's checks) is
plain code outside the generated block.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import json as _json
import re
from collections import deque
from collections.abc import (
    AsyncIterator,
    Callable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, cast

from typing_extensions import TypeVar

from ._config import DEFAULT_TIMEOUT, UNSET, Timeout, Unset, check_int
from ._exceptions import (
    ConfigurationError,
    HTTPStatusError,
    ResponseTooLarge,
    ResponseValidationError,
    StreamConsumed,
)
from ._redact import body_shape, redact_headers, redact_url
from ._types import JSON, HeaderTypes, RawHeaders, RequestBody

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from ._context import CallContext

__all__ = [
    "AsyncResponseStream",
    "Attempt",
    "Headers",
    "Request",
    "Response",
    "ResponseStream",
]

T = TypeVar("T", default=Any)
"""A model type: ``model: type[T]`` gives ``Response[T]``; no model, ``Any`` (JSON)."""
_T_co = TypeVar("_T_co", covariant=True, default=Any)


class Headers(MutableMapping[str, str]):
    """
    Case-insensitive, multi-valued, order-preserving HTTP headers.

    ``headers["set-cookie"]`` joins repeated values with ``", "`` (RFC 9110 §5.3);
    ``get_list(name)`` returns each value. Names keep the case they were given in;
    lookups ignore case. Built lazily from a backend's raw bytes: nothing is decoded
    until a header is read.

    Args:
        headers: A mapping of name to value, a sequence of ``(name, value)`` pairs,
            another ``Headers``, or ``None`` for empty.

    Raises:
        TypeError: If a name or value is not a ``str``.
    """

    __slots__ = ("_items", "_raw")

    def __init__(
        self,
        headers: HeaderTypes = None,
    ) -> None:
        self._raw: Any = None
        if headers is None:
            self._items: list[tuple[str, str]] = []
        elif isinstance(headers, Headers):
            self._items = list(headers._pairs())
        elif isinstance(headers, Mapping):
            # pyright narrows the Iterable[tuple] arm to Mapping[tuple, Unknown] too.
            self._items = list(headers.items())  # pyright: ignore[reportAttributeAccessIssue]
        else:
            self._items = list(headers)
            items: list[object] = list(self._items)  # checked: users pass anything
            for item in items:
                if not (isinstance(item, tuple | list) and len(item) == 2):
                    raise ConfigurationError(
                        f"headers=[{item!r}, ...]: each item must be a (name, value) "
                        'pair; pass a mapping like {"X-A": "1"} or pairs like '
                        '[("X-A", "1")]'
                    )
        for name, value in self._items:
            if type(name) is not str or type(value) is not str:  # exact str
                raise TypeError(
                    f"header {name!r}: names and values must be str, got "
                    f"{type(name).__name__}/{type(value).__name__}; decode bytes first"
                )

    @classmethod
    def from_raw(cls, raw: RawHeaders) -> Headers:
        """
        Build headers from a backend's raw ``(name, value)`` byte pairs, decoded lazily.

        Args:
            raw: Pairs as received, or an object whose ``.raw`` gives them (an
                ``httpx.Headers``); decoded as Latin-1 (RFC 9110 §5.5) on first use.

        Returns:
            The ``Headers``.
        """
        h = cls.__new__(cls)
        h._raw = raw
        h._items = []
        return h

    def _pairs(self) -> list[tuple[str, str]]:
        raw = self._raw
        if raw is not None:
            pairs = raw if isinstance(raw, list | tuple) else raw.raw
            self._items = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs]
            self._raw = None
        return self._items

    def _framing(self) -> tuple[str | None, str | None]:
        """
        ``Content-Length`` and ``Content-Encoding``, for the response size check.

        One pass, over the raw bytes if the headers are still undecoded (so the
        call's hot path decodes nothing), with no ``KeyError`` for an absent name.
        Repeated values are joined with ``", "``, as ``headers[name]`` does.

        Returns:
            ``(content_length, content_encoding)``, each ``None`` when absent.
        """
        length: list[str] = []
        encoding: list[str] = []
        raw = self._raw
        if raw is not None:
            for k, v in raw if isinstance(raw, list | tuple) else raw.raw:
                name = k.lower()
                if name == b"content-length":
                    length.append(v.decode("latin-1"))
                elif name == b"content-encoding":
                    encoding.append(v.decode("latin-1"))
        else:
            for k, v in self._items:
                name = k.lower()
                if name == "content-length":
                    length.append(v)
                elif name == "content-encoding":
                    encoding.append(v)
        return (
            ", ".join(length) if length else None,
            ", ".join(encoding) if encoding else None,
        )

    def __getitem__(self, name: str) -> str:
        key = name.lower()
        values = [v for k, v in self._pairs() if k.lower() == key]
        if not values:
            raise KeyError(name)
        return values[0] if len(values) == 1 else ", ".join(values)

    def get_list(self, name: str) -> list[str]:
        """
        Return every value of ``name`` (case-insensitive), in order.

        The list is empty (``[]``) if the header is absent.
        """
        key = name.lower()
        return [v for k, v in self._pairs() if k.lower() == key]

    def __setitem__(self, name: str, value: str) -> None:
        key = name.lower()
        items = [(k, v) for k, v in self._pairs() if k.lower() != key]
        items.append((name, value))
        self._items = items

    def add(self, name: str, value: str) -> None:
        """
        Append a value for ``name``, keeping any existing ones.

        For repeated headers such as ``Set-Cookie``.
        """
        self._pairs().append((name, value))

    def setdefault(self, name: str, default: str = "") -> str:
        """Set ``name`` to ``default`` unless present; return the current value."""
        key = name.lower()
        for k, v in self._pairs():
            if k.lower() == key:
                return v
        self._items.append((name, default))
        return default

    def __delitem__(self, name: str) -> None:
        key = name.lower()
        before = self._pairs()
        after = [(k, v) for k, v in before if k.lower() != key]
        if len(after) == len(before):
            raise KeyError(name)
        self._items = after

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = name.lower()
        return any(k.lower() == key for k, _ in self._pairs())

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for k, _ in self._pairs():
            low = k.lower()
            if low not in seen:
                seen.add(low)
                yield k

    def __bool__(self) -> bool:
        return bool(self._items) or bool(self._raw)

    def __len__(self) -> int:
        return len({k.lower() for k, _ in self._pairs()})

    def multi_items(self) -> list[tuple[str, str]]:
        """Return every ``(name, value)`` pair, repeats included, in order."""
        return list(self._pairs())

    def merged(self, other: HeaderTypes) -> Headers:
        """
        Return a copy in which each name present in ``other`` has ``other``'s values.

        Every value ``other`` gives for a name is kept (``X-A: 1`` and ``X-A: 2``);
        names not in ``other`` keep their values here.
        """
        if other is None:
            return self.copy()
        source = other if isinstance(other, Headers) else Headers(other)
        incoming = source._pairs()
        names = {k.lower() for k, _ in incoming}
        new = Headers.__new__(Headers)
        new._raw = None
        new._items = [(k, v) for k, v in self._pairs() if k.lower() not in names]
        new._items.extend(incoming)
        return new

    def copy(self) -> Headers:
        """Return an independent copy."""
        new = Headers.__new__(Headers)
        new._raw = None
        new._items = list(self._pairs()) if (self._items or self._raw) else []
        return new

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            mine = sorted((k.lower(), v) for k, v in self._pairs())
            return mine == sorted((k.lower(), v) for k, v in other._pairs())
        if isinstance(other, Mapping):
            return self == Headers(cast("Mapping[str, str]", other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable mapping: unhashable, like dict

    def __repr__(self) -> str:
        return f"Headers({redact_headers(self._pairs())!r})"


class Request:
    """
    One HTTP request, as a transport sends it.

    Args:
        method: HTTP method, upper-cased on construction (``"GET"``).
        url: Absolute ``http``/``https`` URL, as a ``str``.
        headers: Request headers (see ``Headers``). Default none.
        content: Body: ``bytes``, a sync or async iterable of ``bytes`` (streamed,
            replayable only if restwell buffered it), or ``None`` for no body.
        timeout: Per-attempt ``Timeout`` the transport must apply; the ``timeout``
            stage sets it per attempt from the call's options and the deadline
            left. Default ``DEFAULT_TIMEOUT``.
        extensions: Free-form per-request data for user middleware and transports
            (a ``dict[str, Any]``); restwell itself keeps nothing here. Default
            empty.

    Attributes:
        attempt: 1-based number of the attempt this request object is sent as,
            counted over the whole call (redirect hops included).
        context: The ``CallContext`` of the call this request belongs to, set by
            the client before the request enters the pipeline (``None`` on a
            request no client has sent).
    """

    __slots__ = (
        "attempt",
        "content",
        "context",
        "extensions",
        "headers",
        "method",
        "timeout",
        "url",
    )

    def __init__(
        self,
        method: str,
        url: str,
        *,
        headers: HeaderTypes = None,
        content: RequestBody = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        self.method = method.upper()
        self.url = url
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self.content = content
        self.timeout = timeout
        self.extensions: dict[str, Any] = {} if extensions is None else extensions
        self.attempt = 1
        self.context: CallContext = cast("CallContext", None)

    @classmethod
    def from_parts(
        cls,
        method: str,
        url: str,
        headers: Headers,
        content: RequestBody,
        timeout: Timeout,
    ) -> Request:
        """
        Build a request from parts a client has already checked (the hot path).

        Args:
            method: Upper-case method.
            url: Absolute URL.
            headers: A ``Headers`` the request may own.
            content: ``bytes``, an iterable of ``bytes``, or ``None``.
            timeout: The per-attempt ``Timeout``.

        Returns:
            The ``Request`` (``attempt`` 1, no context yet).
        """
        new = cls.__new__(cls)
        new.method = method
        new.url = url
        new.headers = headers
        new.content = content
        new.timeout = timeout
        new.extensions = {}
        new.attempt = 1
        new.context = None  # type: ignore[assignment]  # set by the client
        return new

    def copy_for_attempt(self, attempt: int) -> Request:
        """
        Return a shallow copy to send as ``attempt`` of the same call.

        Headers and extensions are copied, so per-attempt middleware cannot leak
        into later attempts; ``context`` is shared (one per call).
        """
        new = Request.__new__(Request)
        new.method = self.method
        new.url = self.url
        new.headers = self.headers.copy()
        new.content = self.content
        new.timeout = self.timeout
        new.extensions = dict(self.extensions)
        new.attempt = attempt
        new.context = self.context
        return new

    def __getstate__(self) -> dict[str, Any]:
        # Pickled (with an exception) without its call's context: that holds the
        # client's clock and hooks, which belong to this process.
        return {
            name: getattr(self, name) for name in self.__slots__ if name != "context"
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.context = cast("CallContext", None)

    def __repr__(self) -> str:
        return f"<Request {self.method} {redact_url(self.url)}>"


class AsyncResponseStream(Protocol):
    """
    The body of a response as an async transport hands it over.

    ``aread()`` returns the whole (decoded) body; iteration yields it in chunks;
    ``aclose()`` releases the connection. Errors must already be restwell errors.
    An iteration left half-way must end promptly once ``aclose()`` was called (raise,
    or stop after what was already buffered): restwell closes the stream, then runs
    the iterator out, so that no generator is left suspended.
    """

    def __aiter__(self) -> AsyncIterator[bytes]:
        """Yield the decoded body in chunks."""
        ...

    async def aread(self) -> bytes:
        """Return the whole decoded body."""
        ...

    async def aclose(self) -> None:
        """Release the connection; idempotent."""
        ...


class ResponseStream(Protocol):
    """
    The sync twin of ``AsyncResponseStream``.

    It has ``__iter__``, ``read()`` and ``close()``.
    """

    def __iter__(self) -> Iterator[bytes]:
        """Yield the decoded body in chunks."""
        ...

    def read(self) -> bytes:
        """Return the whole decoded body."""
        ...

    def close(self) -> None:
        """Release the connection; idempotent."""
        ...


@dataclass(slots=True)
class Attempt:
    """
    What one attempt of a call did; ``Response.attempts`` lists them all.

    A record: treat it as read-only (it is not frozen only because frozen
    dataclasses cost a microsecond more to build, once per attempt).

    Attributes:
        number: 1-based attempt number (OTel ``http.request.resend_count`` = n - 1).
        started: Seconds from the start of the call to this attempt's start.
        duration: Seconds the attempt took: until its body was read (the response
            head, for a streamed call), or until the error.
        status_code: The response status, or ``None`` if the attempt raised.
        error: The exception the attempt raised, or ``None``.
        delay: Seconds waited after this attempt before the next one (0.0 if none).
        reason: Why the call retried or stopped after this attempt, in words
            (``"status 503 is retryable"``, ``"success"``, ``"out of attempts (3)"``).
    """

    number: int
    started: float
    duration: float
    status_code: int | None = None
    error: BaseException | None = None
    delay: float = 0.0
    reason: str = ""

    @property
    def outcome(self) -> str:
        """The status code as text, or the error's class name."""
        if self.error is not None:
            return type(self.error).__name__
        return str(self.status_code)

    def __str__(self) -> str:
        tail = f" → wait {self.delay:.3f} s" if self.delay else ""
        return (
            f"attempt {self.number}: {self.outcome} after {self.duration:.3f} s"
            f" ({self.reason}){tail}"
        )


@functools.lru_cache(maxsize=256)
def _adapter(model: Any) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(model)


_NO_BODY_STATUSES = frozenset({204, 304})
_NEWLINE = re.compile(r"\r\n|\r|\n")
_MAX_SHOWN_ERRORS = 3  # field errors quoted in a ResponseValidationError message
_MAX_DRAIN_STEPS = 64  # chunks a closed stream's iterator may still yield, dropped

Chunk = TypeVar("Chunk", bytes, str)
P = TypeVar("P")  # what a body iterator yields: bytes or str
B = TypeVar("B")  # a body iterator: _Body or _AsyncBody


class _Stage(Protocol):
    """
    One step a body's chunks go through while iterated: count, re-chunk, decode.

    Pure: ``feed`` takes one item and returns what it can pass on now (a list,
    maybe empty); ``flush`` returns what it still holds once the body has ended.
    """

    def feed(self, item: Any, /) -> list[Any]: ...

    def flush(self) -> list[Any]: ...


def _feed(stages: Sequence[_Stage], items: list[Any]) -> list[Any]:
    for stage in stages:
        items = [out for item in items for out in stage.feed(item)]
    return items


def _flush(stages: Sequence[_Stage]) -> list[Any]:
    # What each stage still holds goes through the stages after it.
    items: list[Any] = []
    for stage in stages:
        items = [out for item in items for out in stage.feed(item)] + stage.flush()
    return items


class _Chunker(Generic[Chunk]):
    """
    Re-chunk a stream of ``bytes`` or ``str`` into pieces of exactly ``size`` items.

    ``feed`` returns the whole pieces it can make and keeps the rest (fewer than
    ``size`` items); ``flush`` returns that rest, the one piece that may be shorter.
    """

    __slots__ = ("_pending", "_size")

    def __init__(self, size: int, empty: Chunk) -> None:
        self._size = size
        self._pending: Chunk = empty

    def feed(self, data: Chunk) -> list[Chunk]:
        if self._pending:
            data = self._pending + data
        size = self._size
        end = len(data) - len(data) % size
        self._pending = data[end:]
        return [data[start : start + size] for start in range(0, end, size)]

    def flush(self) -> list[Chunk]:
        pending, self._pending = self._pending, self._pending[:0]
        return [pending] if pending else []


def _chunkers(chunk_size: int | None, empty: Chunk) -> list[_Stage]:
    """No stage for ``None``; else a ``_Chunker`` of a checked ``chunk_size``."""
    if chunk_size is None:
        return []
    size = check_int(chunk_size, "chunk_size", 1, ", or None for chunks as they arrive")
    return [_Chunker(size, empty)]


class _TextDecoder:
    """
    Decode a body's byte chunks into text, incrementally.

    A character split across two chunks is decoded once both have arrived.
    Undecodable bytes become U+FFFD, as in ``Response.text``; an unknown (or non-text)
    charset falls back to UTF-8.
    """

    __slots__ = ("_decoder",)

    def __init__(self, encoding: str) -> None:
        try:
            b"a".decode(encoding, "replace")  # LookupError: unknown, or not text
        except LookupError:
            encoding = "utf-8"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    def feed(self, data: bytes) -> list[str]:
        text = self._decoder.decode(data)
        return [text] if text else []

    def flush(self) -> list[str]:
        text = self._decoder.decode(b"", True)
        return [text] if text else []


class _LineSplitter:
    r"""
    Split a stream of text into lines ending in ``\n``, ``\r\n`` or ``\r``.

    Lines are returned without their ending. ``\r`` then ``\n`` is one ending even
    when the two arrive in different chunks, and a last line without an ending is
    returned by ``flush``. Only those three endings split: unlike ``str.splitlines``,
    not U+2028 and the other Unicode line breaks, which JSON strings may hold.
    """

    __slots__ = ("_cr", "_tail")

    def __init__(self) -> None:
        self._tail: list[str] = []  # the line still open, in pieces
        self._cr = False  # the text so far ended in "\r", held back

    def feed(self, text: str) -> list[str]:
        if self._cr:
            text = "\r" + text
            self._cr = False
        if text.endswith("\r"):
            # It may be the first half of "\r\n": decide with the next chunk.
            self._cr = True
            text = text[:-1]
        if not text:
            return []
        lines = _NEWLINE.split(text)
        if len(lines) == 1:
            self._tail.append(text)
            return []
        if self._tail:
            self._tail.append(lines[0])
            lines[0] = "".join(self._tail)
        last = lines.pop()
        self._tail = [last] if last else []
        return lines

    def flush(self) -> list[str]:
        tail = "".join(self._tail)
        self._tail = []
        if self._cr:
            self._cr = False
            return [tail]
        return [tail] if tail else []


class _Meter:
    """Count the decoded bytes of a body; raise once they pass ``limit``."""

    __slots__ = ("_limit", "_received", "_response")

    def __init__(self, response: Response[Any], limit: int) -> None:
        self._response = response
        self._limit = limit
        self._received = 0

    def feed(self, chunk: bytes) -> list[bytes]:
        self._received += len(chunk)
        if self._received > self._limit:
            raise self._response._too_large(self._limit, self._received)
        return [chunk]

    def flush(self) -> list[bytes]:
        return []


_QUALIFIED = re.compile(r"\b(?:\w+\.)+(\w+)")


def _type_name(model: Any) -> str:
    """A model's name as written: ``User``, ``list[User]``, ``User | None``."""
    if isinstance(model, type):
        return model.__qualname__
    return _QUALIFIED.sub(r"\1", repr(model))  # drop module paths (typing.Any)


def _field_errors(exc: Any) -> str:
    """The first few field errors of a pydantic ``ValidationError``, without inputs."""
    shown = []
    for error in exc.errors(include_url=False, include_input=False)[:_MAX_SHOWN_ERRORS]:
        where = ".".join(str(part) for part in error["loc"]) or "(body)"
        shown.append(f"{where}: {error['msg']}")
    more = exc.error_count() - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


# unasync: source of the GENERATED block below (scripts/unasync.py)
class _AsyncBody(Generic[P]):
    """
    A response body being iterated (async): its chunks, through ``stages``.

    A class rather than a generator, so that one left half-way (a ``break``, an
    error) is closed at once by ``Response.aclose()`` and is never garbage collected
    while suspended (for an async generator, trio reports a ``ResourceWarning``).
    Closing closes the stream, then runs the transport's iterator to its end, so
    that it is not left suspended either: after the close, an httpx body yields
    what was already buffered, then raises on its closed connection. What it yields
    and the error are dropped (at most ``_MAX_DRAIN_STEPS`` chunks).

    Args:
        stream: The body's stream, or ``None`` for a body already in ``content``.
        stages: What each chunk goes through (``_Meter``, ``_Chunker``, …), in order.
        check: Called before the first chunk is read; may raise (``_fits``).
        content: The body, when ``stream`` is ``None``.
    """

    __slots__ = ("_check", "_chunks", "_closed", "_ready", "_stages", "_stream")

    def __init__(
        self,
        stream: AsyncResponseStream | None,
        stages: Sequence[_Stage],
        *,
        check: Callable[[], object] | None = None,
        content: bytes = b"",
    ) -> None:
        self._stream = stream
        self._stages = stages
        self._check = check
        self._chunks: AsyncIterator[bytes] | None = None
        self._ready: deque[P] = deque()
        self._closed = stream is None
        if stream is None:
            self._ready.extend(_feed(stages, [content] if content else []))
            self._ready.extend(_flush(stages))

    def __aiter__(self) -> _AsyncBody[P]:
        return self

    async def __anext__(self) -> P:
        ready = self._ready
        while not ready:
            if self._closed:
                raise StopAsyncIteration
            try:
                ready.extend(await self._pull())
            except BaseException:
                await self.aclose()
                raise
        return ready.popleft()

    async def _pull(self) -> list[P]:
        """The pieces made from the next chunk, or from the flush at the end."""
        chunks = self._chunks
        if chunks is None:
            if self._check is not None:
                self._check()
            chunks = self._chunks = cast(
                "AsyncResponseStream", self._stream
            ).__aiter__()
        try:
            chunk = await chunks.__anext__()
        except StopAsyncIteration:
            self._chunks = None  # ended: nothing to step after the close
            pieces = _flush(self._stages)
            await self.aclose()
            return pieces
        return _feed(self._stages, [chunk])

    async def aclose(self) -> None:
        """Drop what is left, close the stream and end its iterator; idempotent."""
        if self._closed:
            return
        self._closed = True
        self._ready.clear()
        await cast("AsyncResponseStream", self._stream).aclose()
        chunks = self._chunks
        if chunks is not None:
            self._chunks = None
            # After the close, the iterator ends at once (an httpx body raises on its
            # closed connection) or yields what was already buffered; run it out.
            with contextlib.suppress(Exception):  # StopAsyncIteration included
                for _ in range(_MAX_DRAIN_STEPS):
                    await chunks.__anext__()
            close = getattr(chunks, "aclose", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    await close()


# unasync: GENERATED from the source block above: do not edit
class _Body(Generic[P]):
    """
    A response body being iterated (sync): its chunks, through ``stages``.

    A class rather than a generator, so that one left half-way (a ``break``, an
    error) is closed at once by ``Response.close()`` and is never garbage collected
    while suspended (for an async generator, trio reports a ``ResourceWarning``).
    Closing closes the stream, then runs the transport's iterator to its end, so
    that it is not left suspended either: after the close, an httpx body yields
    what was already buffered, then raises on its closed connection. What it yields
    and the error are dropped (at most ``_MAX_DRAIN_STEPS`` chunks).

    Args:
        stream: The body's stream, or ``None`` for a body already in ``content``.
        stages: What each chunk goes through (``_Meter``, ``_Chunker``, …), in order.
        check: Called before the first chunk is read; may raise (``_fits``).
        content: The body, when ``stream`` is ``None``.
    """

    __slots__ = ("_check", "_chunks", "_closed", "_ready", "_stages", "_stream")

    def __init__(
        self,
        stream: ResponseStream | None,
        stages: Sequence[_Stage],
        *,
        check: Callable[[], object] | None = None,
        content: bytes = b"",
    ) -> None:
        self._stream = stream
        self._stages = stages
        self._check = check
        self._chunks: Iterator[bytes] | None = None
        self._ready: deque[P] = deque()
        self._closed = stream is None
        if stream is None:
            self._ready.extend(_feed(stages, [content] if content else []))
            self._ready.extend(_flush(stages))

    def __iter__(self) -> _Body[P]:
        return self

    def __next__(self) -> P:
        ready = self._ready
        while not ready:
            if self._closed:
                raise StopIteration
            try:
                ready.extend(self._pull())
            except BaseException:
                self.close()
                raise
        return ready.popleft()

    def _pull(self) -> list[P]:
        """The pieces made from the next chunk, or from the flush at the end."""
        chunks = self._chunks
        if chunks is None:
            if self._check is not None:
                self._check()
            chunks = self._chunks = cast("ResponseStream", self._stream).__iter__()
        try:
            chunk = chunks.__next__()
        except StopIteration:
            self._chunks = None  # ended: nothing to step after the close
            pieces = _flush(self._stages)
            self.close()
            return pieces
        return _feed(self._stages, [chunk])

    def close(self) -> None:
        """Drop what is left, close the stream and end its iterator; idempotent."""
        if self._closed:
            return
        self._closed = True
        self._ready.clear()
        cast("ResponseStream", self._stream).close()
        chunks = self._chunks
        if chunks is not None:
            self._chunks = None
            # After the close, the iterator ends at once (an httpx body raises on its
            # closed connection) or yields what was already buffered; run it out.
            with contextlib.suppress(Exception):  # StopIteration included
                for _ in range(_MAX_DRAIN_STEPS):
                    chunks.__next__()
            close = getattr(chunks, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    close()


# unasync: end


_NOT_READ = object()


class Response(Generic[_T_co]):
    """
    One HTTP response, with its body, its decoded ``data`` and the attempts behind it.

    Built by transports; users get it from ``Client`` / ``AsyncClient`` calls with the
    body already read (except under ``client.stream(...)``).

    Attributes:
        status_code: The HTTP status code (``int``).
        headers: Response headers (``Headers``: case-insensitive, multi-valued).
        request: The ``Request`` this answers (the final attempt's).
        url: Final URL, as ``str``.
        http_version: ``"HTTP/1.1"``, ``"HTTP/2"``, ….
        reason_phrase: The status line's reason phrase, or ``""``.
        raw: The backend's own response object (e.g. ``httpx.Response``).
        elapsed: Seconds from the start of the call until the client handed this
            response over (its body read, unless streaming), every attempt, wait
            and redirect hop included.
        attempts: Every attempt of the call, oldest first, every redirect hop
            included (``tuple[Attempt, ...]``).
        model: The type ``data`` decodes the body into (a pydantic model,
            ``list[Model]``, any type a ``TypeAdapter`` takes), or ``None`` for
            JSON or text; the client sets it from ``model=``.
    """

    __slots__ = (
        "_content",
        "_data",
        "_http_version",
        "_iterator",
        "_model",
        "_reason_phrase",
        "_stream",
        "attempts",
        "elapsed",
        "headers",
        "raw",
        "request",
        "status_code",
        "url",
    )

    def __init__(
        self,
        status_code: int,
        *,
        headers: HeaderTypes = None,
        content: bytes | None = None,
        stream: AsyncResponseStream | ResponseStream | None = None,
        request: Request | None = None,
        url: str | None = None,
        http_version: str | None = "HTTP/1.1",
        reason_phrase: str | None = "",
        raw: object = None,
    ) -> None:
        self.status_code = status_code
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self._content: Any = (
            _NOT_READ if content is None and stream is not None else (content or b"")
        )
        self._stream = stream
        self.request = cast("Request", request)
        self.url = (
            url if url is not None else (request.url if request is not None else "")
        )
        self._http_version = http_version
        self._reason_phrase = reason_phrase
        self.raw: Any = raw
        self.elapsed = 0.0
        self.attempts: tuple[Attempt, ...] = ()
        self._model: Any = None
        self._data: Any = _NOT_READ
        self._iterator: Any = None  # the _Body/_AsyncBody iterating the stream

    @classmethod
    def streamed(
        cls,
        status_code: int,
        headers: Headers,
        stream: AsyncResponseStream | ResponseStream,
        request: Request,
        raw: object,
    ) -> Response[JSON]:
        """
        Build a response whose body is still streaming, for transports (hot path).

        Args:
            status_code: The HTTP status.
            headers: The response ``Headers`` (``Headers.from_raw`` is lazy).
            stream: The body: an ``AsyncResponseStream`` or ``ResponseStream``.
            request: The request it answers; ``url`` is taken from it.
            raw: The backend's response; ``http_version`` and ``reason_phrase``
                are read from its attributes of those names on first use.

        Returns:
            The ``Response``, body unread.
        """
        self: Response[JSON] = cls.__new__(cls)
        self.status_code = status_code
        self.headers = headers
        self._content = _NOT_READ
        self._stream = stream
        self.request = request
        self.url = request.url
        self._http_version = None
        self._reason_phrase = None
        self.raw = raw
        self.elapsed = 0.0
        self.attempts = ()
        self._model = None
        self._data = _NOT_READ
        self._iterator = None
        return self

    @property
    def model(self) -> type[object] | None:
        """
        The type ``data`` decodes the body into, or ``None`` for JSON or text.

        Setting it (the client does, from ``model=``) forgets a ``data`` already
        decoded, so the next read of ``data`` uses the new type.
        """
        return cast("type[object] | None", self._model)

    @model.setter
    def model(self, model: type[object] | None) -> None:
        self._model = model
        self._data = _NOT_READ

    @property
    def http_version(self) -> str:
        """
        ``"HTTP/1.1"``, ``"HTTP/2"``, …; from ``raw`` if deferred.

        Read from ``raw.http_version`` (httpx, pyreqwest's adapter), else from
        ``raw.version`` as a ``(major, minor)`` pair (``aiohttp.ClientResponse``).
        """
        if self._http_version is None:
            raw = self.raw
            version = getattr(raw, "http_version", None)
            if version is None:
                pair = getattr(raw, "version", None)
                version = "HTTP/1.1" if pair is None else f"HTTP/{pair[0]}.{pair[1]}"
            self._http_version = str(version)
        return self._http_version

    @property
    def reason_phrase(self) -> str:
        """
        The status line's reason phrase, or ``""`` (from ``raw`` when deferred).

        Read from ``raw.reason_phrase``, else ``raw.reason`` (aiohttp).
        """
        if self._reason_phrase is None:
            raw = self.raw
            reason = getattr(raw, "reason_phrase", None)
            if reason is None:
                reason = getattr(raw, "reason", None) or ""
            self._reason_phrase = str(reason)
        return self._reason_phrase

    # -- status ---------------------------------------------------------------------
    @property
    def is_success(self) -> bool:
        """``True`` for 2xx."""
        return 200 <= self.status_code < 300

    @property
    def is_redirect(self) -> bool:
        """``True`` for 301, 302, 303, 307 and 308 with a ``Location`` header."""
        return (
            self.status_code in (301, 302, 303, 307, 308) and "location" in self.headers
        )

    @property
    def is_client_error(self) -> bool:
        """``True`` for 4xx."""
        return 400 <= self.status_code < 500

    @property
    def is_server_error(self) -> bool:
        """``True`` for 5xx."""
        return 500 <= self.status_code < 600

    @property
    def is_error(self) -> bool:
        """``True`` for 4xx and 5xx."""
        return 400 <= self.status_code < 600

    def raise_for_status(self) -> Response[_T_co]:
        """
        Raise ``HTTPStatusError`` for a 4xx/5xx status; return ``self`` otherwise.

        Raises:
            HTTPStatusError: With ``.response`` and ``.status_code`` set.
        """
        if 400 <= self.status_code < 600:
            kind = "client error" if self.status_code < 500 else "server error"
            raise HTTPStatusError(
                f"{kind} {self.status_code} {self.reason_phrase} for "
                f"{getattr(self.request, 'method', '')} {redact_url(self.url)}"
                + (
                    f" after {len(self.attempts)} attempts"
                    if len(self.attempts) > 1
                    else ""
                ),
                request=self.request,
                response=self,
            )
        return self

    # -- body -----------------------------------------------------------------------
    @property
    def is_read(self) -> bool:
        """Whether the body has been read into ``content``."""
        return self._content is not _NOT_READ and self._content is not _CONSUMED

    def _consumed(self) -> StreamConsumed:
        return StreamConsumed(
            "the body of this streamed response was already iterated or closed "
            "without being read: read it with read()/aread() before using content, "
            "or iterate it once",
            request=self.request,
        )

    @property
    def content(self) -> bytes:
        """
        The whole decoded body, as ``bytes``.

        Raises:
            StreamConsumed: If the response is streamed and not read yet (call
                ``read()`` / ``await aread()`` first), or was iterated or closed
                unread.
        """
        content = self._content
        if content is _NOT_READ:
            raise StreamConsumed(
                "the body of a streamed response is not read yet: call "
                "response.read() or `await response.aread()` first",
                request=self.request,
            )
        if content is _CONSUMED:
            raise self._consumed()
        return content  # type: ignore[no-any-return]  # bytes once read

    @property
    def encoding(self) -> str:
        """The ``charset`` of ``Content-Type``, else ``"utf-8"``."""
        ctype = self.headers.get("content-type", "")
        for param in ctype.split(";")[1:]:
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"').lower()
        return "utf-8"

    @property
    def text(self) -> str:
        """The body decoded with ``encoding``; undecodable bytes become U+FFFD."""
        try:
            return self.content.decode(self.encoding, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> JSON:
        """
        Parse the body as JSON.

        Raises:
            ResponseValidationError: If the body cannot be decoded as JSON: invalid
                JSON or UTF-8 (``json.JSONDecodeError``, ``UnicodeDecodeError``),
                an integer too long to convert (``ValueError``), or nesting too deep
                for the parser (``RecursionError``); that error is ``__cause__``.
        """
        try:
            return _json.loads(self.content)
        except RecursionError as exc:
            raise ResponseValidationError(
                "response body is JSON nested too deeply to decode "
                f"({len(self.content)} bytes); see __cause__",
                response=self,
            ) from exc
        except ValueError as exc:
            raise ResponseValidationError(
                f"response body is not valid JSON ({exc}); "
                "check response.text or the Content-Type",
                response=self,
            ) from exc

    def _shape(self) -> str:
        """What the body looks like, for an error message (no value in it)."""
        return body_shape(self.content, self.headers.get("content-type", ""))

    @property
    def data(self) -> _T_co:
        """
        The decoded body, computed once.

        With a model (``client.get(url, model=User)``) and a 2xx status: the
        validated instance (pydantic, any type a ``TypeAdapter`` takes: a model,
        ``list[User]``, …). Without one: parsed JSON for a JSON ``Content-Type``,
        ``None`` for an empty body, else ``text``.

        Any other status (an error, a redirect not followed) never decodes into the
        model: ``data`` is then the error body as the server sent it (parsed JSON
        for a JSON ``Content-Type`` if it parses, ``None`` if empty, else
        ``text``), and reading it never raises, so check ``status_code`` (or pass
        ``raise_for_status=True``) before trusting its type.

        Raises:
            ResponseValidationError: For a 2xx body that does not fit the model or
                cannot be decoded (bad JSON or UTF-8, JSON nested too deeply); the
                message names the status, the model and the first field errors,
                and the original error is ``__cause__``.
        """
        if self._data is _NOT_READ:
            self._data = self._decode()
        return self._data  # type: ignore[no-any-return]  # decoded once

    def _decode(self) -> Any:
        content = self.content
        model = self._model
        success = 200 <= self.status_code < 300
        if model is not None and success:
            try:
                if not content:
                    return _adapter(model).validate_python(None)
                return _adapter(model).validate_json(content)  # the bytes, parsed once
            except (ValueError, RecursionError) as exc:  # ValidationError included
                from pydantic import ValidationError

                name = _type_name(model)
                if isinstance(exc, ValidationError):
                    detail = (
                        f"{exc.error_count()} validation error(s): {_field_errors(exc)}"
                    )
                else:
                    detail = f"{type(exc).__name__}: {exc}"
                raise ResponseValidationError(
                    f"{self.status_code} response body does not fit {name}: "
                    f"{detail}; body shape {self._shape()}; see __cause__",
                    response=self,
                ) from exc
        if not content:
            return None
        ctype = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/json" or ctype.endswith("+json"):
            try:
                return self.json()
            except ResponseValidationError:
                if success:
                    raise
                return self.text  # an error body stays readable, whatever it holds
        return self.text

    # -- body size limit (shared by the sync and async read paths below) -------------
    def _limit(self, max_size: int | Unset | None) -> int | None:
        """The size limit of a read, in bytes: ``max_size``, or the call's."""
        if max_size is UNSET:
            ctx = getattr(self.request, "context", None)
            size = None if ctx is None else ctx.options.max_response_size
            return size if isinstance(size, int) else None
        if max_size is None:
            return None
        return check_int(max_size, "max_size", 1, " (bytes), or None for no limit")

    def _fits(self, limit: int) -> bool:
        """
        Whether the body is known, before reading, to be at most ``limit`` bytes.

        Known for a response that has no body (to HEAD; 1xx, 204, 304), and from
        ``Content-Length`` under identity encoding (the transport's framing stops at
        it). Unknown for a chunked or content-encoded body: count it while reading.

        Raises:
            ResponseTooLarge: If ``Content-Length`` alone is above ``limit``.
        """
        if (
            self.status_code < 200
            or self.status_code in _NO_BODY_STATUSES
            or getattr(self.request, "method", "") == "HEAD"
        ):
            return True
        length, encoding = self.headers._framing()
        if encoding is not None and encoding.strip().lower() != "identity":
            return False
        if length is None or not (length.isascii() and length.isdigit()):
            return False  # absent, or repeated or malformed: count the bytes instead
        announced = int(length)
        if announced > limit:
            raise self._too_large(limit, announced, announced=True)
        return True

    def _too_large(
        self, limit: int, received: int, *, announced: bool = False
    ) -> ResponseTooLarge:
        what = (
            f"its Content-Length is {received} bytes"
            if announced
            else f"{received} bytes had arrived, decoded"
        )
        method = getattr(self.request, "method", "")
        return ResponseTooLarge(
            f"response body of {method} {redact_url(self.url)} is larger than "
            f"max_response_size={limit} bytes ({what}): raise max_response_size= "
            "on the call or the client, pass max_response_size=None for no limit, "
            "or read it in chunks with client.stream()",
            request=self.request,
            limit=limit,
            received=received,
        )

    def _iterate(self, body: Callable[..., B], stages: list[_Stage]) -> B:
        """
        Start iterating the body, once: a ``_Body`` or ``_AsyncBody`` over ``stages``.

        Over ``content`` if the body was read; otherwise over the stream, counted
        against the call's ``max_response_size`` when it was given.

        Raises:
            StreamConsumed: If the body was already iterated or closed unread.
        """
        if self._content is not _NOT_READ:
            return body(None, stages, content=self.content)
        self._content = _CONSUMED
        limit = self._limit(UNSET)
        if limit is None:
            iterator = body(self._stream, stages)
        else:
            iterator = body(
                self._stream,
                [_Meter(self, limit), *stages],
                check=functools.partial(self._fits, limit),
            )
        self._iterator = iterator
        return iterator

    # unasync: source of the GENERATED block below (scripts/unasync.py)
    async def aread(self, *, max_size: int | Unset | None = UNSET) -> bytes:
        """
        Read the rest of the body (async); return ``content``. Idempotent.

        The decoded bytes are counted as they arrive, and the response is closed
        as soon as they pass the limit. A ``Content-Length`` above it (with no
        ``Content-Encoding``) is refused before any of the body is read.

        Args:
            max_size: Most bytes of decoded body to read, or ``None`` for no limit.
                Default: the call's ``max_response_size`` if one was given, to
                the call or the client (``client.stream(...,
                max_response_size=2**20)``), else no limit. (A buffered call's body
                is read by the client, under ``max_response_size``, 64 MiB by
                default.)

        Raises:
            ResponseTooLarge: If the body is larger than the limit; the response
                is closed, and ``content`` raises ``StreamConsumed`` after it.
            StreamConsumed: If the body was iterated or closed unread before.
            TransportError: If the connection fails while reading.
            DeadlineExceeded: If the call's deadline passes while the body is
                still arriving (the transport checks it between chunks).
            ConfigurationError: If ``max_size`` is not an ``int`` >= 1 or ``None``.
        """
        if self._content is not _NOT_READ:
            return self.content
        stream: AsyncResponseStream = self._stream  # type: ignore[assignment]  # set when unread
        limit = self._limit(max_size)
        try:
            if limit is None or self._fits(limit):
                content: bytes = await stream.aread()
            else:
                body = _AsyncBody[bytes](stream, [_Meter(self, limit)])
                content = b"".join([chunk async for chunk in body])
        except ResponseTooLarge:
            self._content = _CONSUMED
            raise
        finally:
            await stream.aclose()
        self._content = content
        return content

    def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """
        Iterate over the decoded body in chunks as they arrive (async); once.

        Works on a buffered response too (its ``content``, in chunks). The call's
        ``max_response_size``, if given, applies as in ``aread()``. Leaving the
        loop early is fine: ``aclose()`` (or the end of ``client.stream()``)
        releases the connection.

        Args:
            chunk_size: Yield pieces of exactly this many bytes (the last may be
                shorter), or ``None`` (default) for the chunks as they arrive.

        Returns:
            An async iterator of ``bytes``.

        Raises:
            ResponseTooLarge: While iterating, if the call set
                ``max_response_size`` and the body passes it; the response is
                closed.
            StreamConsumed: If the body was already iterated or closed unread.
            TransportError: While iterating, if the connection fails.
            ConfigurationError: If ``chunk_size`` is not an ``int`` >= 1 or
                ``None``.
        """
        return self._iterate(_AsyncBody[bytes], _chunkers(chunk_size, b""))

    def aiter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """
        Iterate over the body decoded as text, as it arrives (async); once.

        Decoded incrementally with ``encoding`` (the ``charset`` of
        ``Content-Type``, else UTF-8), so a character whose bytes arrive in two
        chunks comes out whole. Undecodable bytes become U+FFFD, as in ``text``.
        Works on a buffered response too.

        Args:
            chunk_size: Yield pieces of exactly this many characters (``str``
                length; the last may be shorter), or ``None`` (default) for the
                text of each chunk as it arrives.

        Returns:
            An async iterator of ``str``.

        Raises:
            As ``aiter_bytes()``.
        """
        stages: list[_Stage] = [
            _TextDecoder(self.encoding),
            *_chunkers(chunk_size, ""),
        ]
        return self._iterate(_AsyncBody[str], stages)

    def aiter_lines(self) -> AsyncIterator[str]:
        r"""
        Iterate over the body's lines as they arrive (async), without endings; once.

        For NDJSON and server-sent events. Lines end in ``\n``, ``\r\n`` or ``\r``
        (a ``\r\n`` split across chunks is one ending); empty lines are yielded (an
        SSE event ends with one); a last line without an ending is yielded too. The
        text is decoded as in ``aiter_text()``. Works on a buffered response too.
        A line is held in memory until it ends: bound an endless one with
        ``max_response_size``.

        Returns:
            An async iterator of ``str``.

        Raises:
            As ``aiter_bytes()``.
        """
        stages: list[_Stage] = [_TextDecoder(self.encoding), _LineSplitter()]
        return self._iterate(_AsyncBody[str], stages)

    async def aclose(self) -> None:
        """
        Release the connection without reading the rest of the body (async).

        Also after a partial iteration (a ``break`` out of ``aiter_bytes()``):
        whatever was not read is dropped. Does nothing once the body is read.
        """
        if self._stream is not None and not self.is_read:
            self._content = _CONSUMED
            iterator = self._iterator
            if iterator is not None:
                await iterator.aclose()
            await cast("AsyncResponseStream", self._stream).aclose()

    # unasync: GENERATED from the source block above: do not edit
    def read(self, *, max_size: int | Unset | None = UNSET) -> bytes:
        """
        Read the rest of the body (sync); return ``content``. Idempotent.

        The decoded bytes are counted as they arrive, and the response is closed
        as soon as they pass the limit. A ``Content-Length`` above it (with no
        ``Content-Encoding``) is refused before any of the body is read.

        Args:
            max_size: Most bytes of decoded body to read, or ``None`` for no limit.
                Default: the call's ``max_response_size`` if one was given, to
                the call or the client (``client.stream(...,
                max_response_size=2**20)``), else no limit. (A buffered call's body
                is read by the client, under ``max_response_size``, 64 MiB by
                default.)

        Raises:
            ResponseTooLarge: If the body is larger than the limit; the response
                is closed, and ``content`` raises ``StreamConsumed`` after it.
            StreamConsumed: If the body was iterated or closed unread before.
            TransportError: If the connection fails while reading.
            DeadlineExceeded: If the call's deadline passes while the body is
                still arriving (the transport checks it between chunks).
            ConfigurationError: If ``max_size`` is not an ``int`` >= 1 or ``None``.
        """
        if self._content is not _NOT_READ:
            return self.content
        stream: ResponseStream = self._stream  # type: ignore[assignment]  # set when unread
        limit = self._limit(max_size)
        try:
            if limit is None or self._fits(limit):
                content: bytes = stream.read()
            else:
                body = _Body[bytes](stream, [_Meter(self, limit)])
                content = b"".join(list(body))
        except ResponseTooLarge:
            self._content = _CONSUMED
            raise
        finally:
            stream.close()
        self._content = content
        return content

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """
        Iterate over the decoded body in chunks as they arrive (sync); once.

        Works on a buffered response too (its ``content``, in chunks). The call's
        ``max_response_size``, if given, applies as in ``read()``. Leaving the
        loop early is fine: ``close()`` (or the end of ``client.stream()``)
        releases the connection.

        Args:
            chunk_size: Yield pieces of exactly this many bytes (the last may be
                shorter), or ``None`` (default) for the chunks as they arrive.

        Returns:
            An async iterator of ``bytes``.

        Raises:
            ResponseTooLarge: While iterating, if the call set
                ``max_response_size`` and the body passes it; the response is
                closed.
            StreamConsumed: If the body was already iterated or closed unread.
            TransportError: While iterating, if the connection fails.
            ConfigurationError: If ``chunk_size`` is not an ``int`` >= 1 or
                ``None``.
        """
        return self._iterate(_Body[bytes], _chunkers(chunk_size, b""))

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """
        Iterate over the body decoded as text, as it arrives (sync); once.

        Decoded incrementally with ``encoding`` (the ``charset`` of
        ``Content-Type``, else UTF-8), so a character whose bytes arrive in two
        chunks comes out whole. Undecodable bytes become U+FFFD, as in ``text``.
        Works on a buffered response too.

        Args:
            chunk_size: Yield pieces of exactly this many characters (``str``
                length; the last may be shorter), or ``None`` (default) for the
                text of each chunk as it arrives.

        Returns:
            An async iterator of ``str``.

        Raises:
            As ``iter_bytes()``.
        """
        stages: list[_Stage] = [
            _TextDecoder(self.encoding),
            *_chunkers(chunk_size, ""),
        ]
        return self._iterate(_Body[str], stages)

    def iter_lines(self) -> Iterator[str]:
        r"""
        Iterate over the body's lines as they arrive (sync), without endings; once.

        For NDJSON and server-sent events. Lines end in ``\n``, ``\r\n`` or ``\r``
        (a ``\r\n`` split across chunks is one ending); empty lines are yielded (an
        SSE event ends with one); a last line without an ending is yielded too. The
        text is decoded as in ``iter_text()``. Works on a buffered response too.
        A line is held in memory until it ends: bound an endless one with
        ``max_response_size``.

        Returns:
            An async iterator of ``str``.

        Raises:
            As ``iter_bytes()``.
        """
        stages: list[_Stage] = [_TextDecoder(self.encoding), _LineSplitter()]
        return self._iterate(_Body[str], stages)

    def close(self) -> None:
        """
        Release the connection without reading the rest of the body (sync).

        Also after a partial iteration (a ``break`` out of ``iter_bytes()``):
        whatever was not read is dropped. Does nothing once the body is read.
        """
        if self._stream is not None and not self.is_read:
            self._content = _CONSUMED
            iterator = self._iterator
            if iterator is not None:
                iterator.close()
            cast("ResponseStream", self._stream).close()

    # unasync: end

    def __repr__(self) -> str:
        return f"<Response [{self.status_code} {self.reason_phrase}]>".replace(
            " ]", "]"
        )


_CONSUMED = object()  # the body was iterated or closed unread
