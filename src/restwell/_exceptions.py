"""
The whole restwell error tree. Every error a call can raise is one of these.

```
RestwellError
├── ConfigurationError(RestwellError, ValueError)    bad arguments or values; never retried
│   ├── HandlerNotFound(…, LookupError)              no declared handler fits a call
│   └── RequestValidationError                       a declared call's request did not fit
│                                                    its model; nothing was sent
├── RequestError                                     .request; anything during a call
│   ├── TransportError                               backend error mapped, original as __cause__
│   │   ├── TransportTimeout(…, TimeoutError)
│   │   │   ├── ConnectTimeout                       request never sent: safe to retry
│   │   │   ├── ReadTimeout
│   │   │   ├── WriteTimeout
│   │   │   └── PoolTimeout                          request never sent: safe to retry
│   │   ├── NetworkError
│   │   │   ├── ConnectError                         request never sent: safe to retry
│   │   │   ├── ReadError
│   │   │   └── WriteError
│   │   ├── ProtocolError                            malformed or truncated HTTP from the peer
│   │   └── DecodingError                            body could not be decoded (gzip, br, …)
│   ├── InvalidURL(RequestError, ValueError)         a URL no transport can send
│   ├── RedirectError                                a redirect could not be followed
│   │   └── TooManyRedirects
│   ├── PolicyError                                  .policy: a resilience policy refused the call
│   │   ├── DeadlineExceeded(…, TimeoutError)        .deadline, .elapsed (s)
│   │   ├── RateLimitExceeded                        .retry_in (s), .key: a rate limiter
│   │   │                                            refused; nothing was sent
│   │   ├── BulkheadFull                             .max_concurrent, .max_queued: no
│   │   │                                            permit free; nothing was sent
│   │   └── CircuitOpenError                         .key, .state, .retry_in (s): the breaker
│   │                                                refused; nothing was sent
│   ├── ResponseTooLarge                             .limit, .received (bytes): body above
│   │                                                max_response_size; not retried
│   └── StreamConsumed                               a streamed body was read twice
├── HTTPStatusError                                  .request, .response, .status_code
└── ResponseValidationError(RestwellError, ValueError)  body is not JSON, or did not fit
                                                     the model
```

Rules (STYLE.md §6): backend exceptions are mapped at the transport edge to the most
specific class (``raise X(msg) from exc``); messages never contain credentials; every
error pickles; out of retries the last error is re-raised unchanged with a note
(``restwell: gave up after 3 attempts in 7.9 s``) and ``.attempts`` set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._models import Attempt, Request, Response

__all__ = [
    "BulkheadFull",
    "CircuitOpenError",
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeout",
    "DeadlineExceeded",
    "DecodingError",
    "HTTPStatusError",
    "HandlerNotFound",
    "InvalidURL",
    "NetworkError",
    "PolicyError",
    "PoolTimeout",
    "ProtocolError",
    "RateLimitExceeded",
    "ReadError",
    "ReadTimeout",
    "RedirectError",
    "RequestError",
    "RequestValidationError",
    "ResponseTooLarge",
    "ResponseValidationError",
    "RestwellError",
    "StreamConsumed",
    "TooManyRedirects",
    "TransportError",
    "TransportTimeout",
    "WriteError",
    "WriteTimeout",
]


class RestwellError(Exception):
    """
    Root of every error restwell raises.

    Attributes:
        attempts: The attempts the call made before this error, oldest first
            (a tuple of ``restwell.Attempt``); empty when the error was raised
            outside a call (e.g. at construction).
    """

    attempts: tuple[Attempt, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not survive default pickling (urllib3 does the
        # same).
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(
    cls: type[RestwellError], args: tuple[Any, ...], state: dict[str, Any]
) -> RestwellError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc


class ConfigurationError(RestwellError, ValueError):
    """
    An argument or value was wrong.

    Raised when a client or policy is built, or when a call is given (or finds) a
    value it cannot use: a bad per-call option, a header HTTP cannot carry, a client
    closed during the call. Never retried. The message names the argument, the value's problem and how to fix it, e.g.
    ``max_delay=0.05 is below initial=0.1: raise max_delay or lower initial``.
    """


class HandlerNotFound(ConfigurationError, LookupError):
    """
    No handler of a declared resource fits a call (``restwell.service``).

    The message names the resource, the method, the path tried and the handlers
    that exist.

    Attributes:
        resource: The resource's name.
        method: The call's method (``"GET"``, …).
        path: The path tried (``None`` when the call gave only keyword arguments).
        handlers: The resource's handlers, as ``"GET /{id:int}"`` strings.
    """

    def __init__(
        self,
        message: str,
        *,
        resource: str,
        method: str,
        path: str | None,
        handlers: tuple[str, ...],
    ) -> None:
        super().__init__(message)
        self.resource = resource
        self.method = method
        self.path = path
        self.handlers = handlers


class RequestValidationError(ConfigurationError):
    """
    A declared call's request did not fit its handler's request model.

    Raised before anything is sent; pydantic's ``ValidationError`` (when there is
    one) is ``__cause__``.

    Attributes:
        model: The request type the value was checked against.
    """

    def __init__(self, message: str, *, model: object) -> None:
        super().__init__(message)
        self.model = model


class RequestError(RestwellError):
    """
    Something went wrong while making a call.

    Attributes:
        request: The ``restwell.Request`` being sent when the error happened, or
            ``None`` when it was raised before a request existed.
    """

    def __init__(self, message: str, *, request: Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class TransportError(RequestError):
    """A backend (httpx, aiohttp, …) failed; its exception is ``__cause__``."""


class TransportTimeout(TransportError, TimeoutError):
    """A per-attempt timeout fired (connect, read, write or pool), in seconds."""


class ConnectTimeout(TransportTimeout):
    """No connection within ``Timeout.connect`` seconds; the request was never sent."""


class ReadTimeout(TransportTimeout):
    """No bytes from the server within ``Timeout.read`` seconds; it may have acted."""


class WriteTimeout(TransportTimeout):
    """The request could not be written within ``Timeout.write`` seconds."""


class PoolTimeout(TransportTimeout):
    """No pooled connection free within ``Timeout.pool`` seconds; nothing was sent."""


class NetworkError(TransportError):
    """The connection failed: refused, reset, or closed."""


class ConnectError(NetworkError):
    """The connection could not be made (refused, DNS, TLS); nothing was sent."""


class ReadError(NetworkError):
    """The connection failed while reading the response (e.g. reset mid-body)."""


class WriteError(NetworkError):
    """The connection failed while sending the request."""


class ProtocolError(TransportError):
    """The peer broke HTTP: truncated body, bad chunking, closed without a response."""


class DecodingError(TransportError):
    """The body could not be decoded with its Content-Encoding (gzip, deflate, br)."""


class InvalidURL(RequestError, ValueError):
    """The URL cannot be sent: no scheme/host, or a scheme other than http/https."""


class RedirectError(RequestError):
    """
    A redirect could not be followed.

    Its ``Location`` is not a URL restwell can send to, or a 307/308 asks to resend a
    streamed body that was too large to keep (``max_replay_buffer``).
    """


class TooManyRedirects(RedirectError):
    """More than ``max_redirects`` redirects were followed."""


class ResponseTooLarge(RequestError):
    """
    The response body is larger than ``max_response_size`` allows.

    Raised before any of the body is read when its ``Content-Length`` alone is above
    the limit (identity encoding only: a ``Content-Length`` counts encoded bytes), and
    otherwise while reading, as soon as the decoded bytes pass the limit, so a gzip
    bomb or an endless chunked body stops early. The response is closed, and with it
    its connection. It is a decision about the response, not a transient failure:
    the default ``Retry`` policy does not retry it.

    Raise the limit per call or on the client (``max_response_size=256 * 2**20``),
    pass ``max_response_size=None`` for no limit, or read a large body with
    ``client.stream()``, which has no limit unless you set one.

    Attributes:
        limit: The ``max_response_size`` in force, in bytes.
        received: Bytes counted when the call was refused, in bytes: the decoded
            bytes read so far (at least ``limit + 1``), or the ``Content-Length``
            when the response was refused before its body was read.
    """

    def __init__(
        self,
        message: str,
        *,
        request: Request | None = None,
        limit: int,
        received: int,
    ) -> None:
        super().__init__(message, request=request)
        self.limit = limit
        self.received = received


class StreamConsumed(RequestError):
    """A streamed response body was read after it had already been consumed."""


class PolicyError(RequestError):
    """
    A resilience policy refused or ended the call.

    Attributes:
        policy: Name of the policy that refused, e.g. ``"deadline"``.
    """

    policy: str = ""


class DeadlineExceeded(PolicyError, TimeoutError):
    """
    The call's total ``deadline`` ran out, across all attempts and waits.

    Raised when the deadline cut a running attempt short, or left no time for
    another attempt. The transport timeout that fired (if any) is ``__cause__``.

    Attributes:
        deadline: The configured total deadline, in seconds.
        elapsed: Seconds spent on the call when it was given up.
    """

    policy = "deadline"

    def __init__(
        self,
        message: str,
        *,
        request: Request | None = None,
        deadline: float,
        elapsed: float,
    ) -> None:
        super().__init__(message, request=request)
        self.deadline = deadline
        self.elapsed = elapsed


class CircuitOpenError(PolicyError):
    """
    A circuit breaker refused the attempt: it was not sent (no connection, no bytes).

    Not retried by the default ``Retry`` (a ``PolicyError``); an open breaker also
    vetoes the retries of a call already under way.

    Attributes:
        key: The breaker key (the origin ``scheme://host:port`` by default).
        state: ``"open"``, ``"half_open"`` (every probe slot taken) or
            ``"isolated"`` (opened by hand).
        retry_in: Seconds until the breaker may let an attempt through: the rest
            of the break when open, 0.0 when half-open, ``inf`` when isolated.
    """

    policy = "circuit"

    def __init__(
        self,
        message: str,
        *,
        request: Request | None = None,
        key: str,
        state: str,
        retry_in: float,
    ) -> None:
        super().__init__(message, request=request)
        self.key = key
        self.state = state
        self.retry_in = retry_in


class RateLimitExceeded(PolicyError):
    """
    A rate limiter refused the request; it was not sent.

    Raised by the ``rate`` stage in ``"fail"`` mode when the request cannot go now,
    and in ``"wait"`` mode when the wait would be longer than ``max_wait``. Not
    retried by the default ``Retry`` policy.

    Attributes:
        retry_in: Seconds until a request with the same key would be admitted.
        key: The limiter's key for the request (by default ``scheme://host:port``).
    """

    policy = "rate"

    def __init__(
        self,
        message: str,
        *,
        request: Request | None = None,
        retry_in: float,
        key: str = "",
    ) -> None:
        super().__init__(message, request=request)
        self.retry_in = retry_in
        self.key = key


class BulkheadFull(PolicyError):
    """
    The bulkhead had no permit free and no room in its queue; nothing was sent.

    Also raised when a queued request waited ``max_wait`` seconds in vain. Not
    retried by the default ``Retry`` policy.

    Attributes:
        max_concurrent: The bulkhead's limit on concurrent requests.
        max_queued: Its queue's size.
    """

    policy = "bulkhead"

    def __init__(
        self,
        message: str,
        *,
        request: Request | None = None,
        max_concurrent: int,
        max_queued: int,
    ) -> None:
        super().__init__(message, request=request)
        self.max_concurrent = max_concurrent
        self.max_queued = max_queued


class HTTPStatusError(RestwellError):
    """
    The response status was 4xx or 5xx and ``raise_for_status`` was asked for.

    Attributes:
        request: The ``restwell.Request`` that got this response.
        response: The ``restwell.Response`` (body already read).
        status_code: ``response.status_code``.
    """

    def __init__(
        self, message: str, *, request: Request, response: Response[object]
    ) -> None:
        super().__init__(message)
        self.request = request
        self.response = response
        self.status_code = response.status_code
        self.attempts = response.attempts


class ResponseValidationError(RestwellError, ValueError):
    """
    The response body could not be decoded: it is not JSON, or does not fit the model.

    Raised by ``response.data`` and ``response.json()``, for any body that cannot be
    decoded, whatever its shape: invalid JSON or UTF-8, JSON nested too deeply for
    the parser (a ``RecursionError``), a body that does not fit ``model=``. The
    original error (``json.JSONDecodeError``, ``RecursionError``, pydantic's
    ``ValidationError``, …) is ``__cause__``. (A body that cannot be decompressed is a
    ``DecodingError``, raised while reading it.)

    Attributes:
        response: The ``restwell.Response`` whose body failed validation.
    """

    def __init__(self, message: str, *, response: Response[object]) -> None:
        super().__init__(message)
        self.response = response
        self.attempts = response.attempts
