"""
restwell: call other people's HTTP APIs reliably.

Retries with backoff and jitter, Retry-After, per-attempt timeouts and a total
deadline, idempotency keys, pluggable transports (httpx, httpx2, your own), an event
stream for logging and metrics; async first, with a sync twin of the same names.

    import restwell
    r = restwell.get("http://127.0.0.1:8080/status/503")      # retries, then returns
    async with restwell.AsyncClient(base_url=...) as client:
        r = await client.post("/orders", json={...}, idempotency_key="auto")
"""

from ._async._api import delete as adelete
from ._async._api import get as aget
from ._async._api import head as ahead
from ._async._api import options as aoptions
from ._async._api import patch as apatch
from ._async._api import post as apost
from ._async._api import put as aput
from ._async._api import request as arequest
from ._async._client import AsyncClient, MethodOptions, RequestOptions
from ._clock import Clock, SystemClock
from ._config import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_REPLAY_BUFFER,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_RETRY_STATUSES,
    DEFAULT_TIMEOUT,
    IDEMPOTENT_METHODS,
    UNSET,
    Timeout,
)
from ._context import CallContext, CallOptions, ContextKey
from ._exceptions import (
    ConfigurationError,
    ConnectError,
    ConnectTimeout,
    DeadlineExceeded,
    DecodingError,
    HTTPStatusError,
    InvalidURL,
    NetworkError,
    PolicyError,
    PoolTimeout,
    ProtocolError,
    ReadError,
    ReadTimeout,
    RequestError,
    ResponseValidationError,
    RestwellError,
    StreamConsumed,
    TooManyRedirects,
    TransportError,
    TransportTimeout,
    WriteError,
    WriteTimeout,
)
from ._models import Attempt, Headers, Request, Response
from ._public import set_public_module
from ._sync._api import delete, get, head, options, patch, post, put, request
from ._sync._client import Client
from ._version import __version__
from .policies import (
    DEFAULT_RETRY_ON,
    Constant,
    DecorrelatedJitter,
    EqualJitter,
    Exponential,
    Fibonacci,
    FullJitter,
    Linear,
    NoJitter,
    Retry,
    on_exception,
    on_response,
    on_status,
)

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_REPLAY_BUFFER",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_RETRY_ON",
    "DEFAULT_RETRY_STATUSES",
    "DEFAULT_TIMEOUT",
    "IDEMPOTENT_METHODS",
    "UNSET",
    "AsyncClient",
    "Attempt",
    "CallContext",
    "CallOptions",
    "Client",
    "Clock",
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeout",
    "Constant",
    "ContextKey",
    "DeadlineExceeded",
    "DecodingError",
    "DecorrelatedJitter",
    "EqualJitter",
    "Exponential",
    "Fibonacci",
    "FullJitter",
    "HTTPStatusError",
    "Headers",
    "InvalidURL",
    "Linear",
    "MethodOptions",
    "NetworkError",
    "NoJitter",
    "PolicyError",
    "PoolTimeout",
    "ProtocolError",
    "ReadError",
    "ReadTimeout",
    "Request",
    "RequestError",
    "RequestOptions",
    "Response",
    "ResponseValidationError",
    "RestwellError",
    "Retry",
    "StreamConsumed",
    "SystemClock",
    "Timeout",
    "TooManyRedirects",
    "TransportError",
    "TransportTimeout",
    "WriteError",
    "WriteTimeout",
    "__version__",
    "adelete",
    "aget",
    "ahead",
    "aoptions",
    "apatch",
    "apost",
    "aput",
    "arequest",
    "delete",
    "get",
    "head",
    "on_exception",
    "on_response",
    "on_status",
    "options",
    "patch",
    "post",
    "put",
    "request",
]

set_public_module(globals())
