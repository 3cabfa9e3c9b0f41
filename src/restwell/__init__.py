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

import logging as _logging
import warnings as _warnings
from typing import TYPE_CHECKING

from . import policies
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
from ._config import UNSET, Timeout
from ._context import CallContext, CallOptions, ContextKey
from ._exceptions import (
    BulkheadFull,
    CircuitOpenError,
    ConfigurationError,
    ConnectError,
    ConnectTimeout,
    DeadlineExceeded,
    DecodingError,
    HandlerNotFound,
    HTTPStatusError,
    InvalidURL,
    NetworkError,
    PolicyError,
    PoolTimeout,
    ProtocolError,
    RateLimitExceeded,
    ReadError,
    ReadTimeout,
    RedirectError,
    RequestError,
    RequestValidationError,
    ResponseTooLarge,
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
from .service import H, Resource, ResourceHandler, Service

__all__ = [
    "UNSET",
    "AsyncClient",
    "Attempt",
    "BulkheadFull",
    "CallContext",
    "CallOptions",
    "CircuitOpenError",
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
    "H",
    "HTTPStatusError",
    "HandlerNotFound",
    "Headers",
    "InvalidURL",
    "Linear",
    "MethodOptions",
    "NetworkError",
    "NoJitter",
    "PolicyError",
    "PoolTimeout",
    "ProtocolError",
    "RateLimitExceeded",
    "ReadError",
    "ReadTimeout",
    "RedirectError",
    "Request",
    "RequestError",
    "RequestOptions",
    "RequestValidationError",
    "Resource",
    "ResourceHandler",
    "Response",
    "ResponseTooLarge",
    "ResponseValidationError",
    "RestwellError",
    "Retry",
    "Service",
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

# A library adds only a NullHandler to its loggers (Python logging HOWTO, "Configuring
# Logging for a Library"): an application that configures no logging sees nothing
# from restwell on stderr; one that does sees LoggingHook's records.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())

#: Names that moved to ``restwell.policies`` (STYLE.md §4: the top level keeps the
#: everyday names). ``restwell.<name>`` still works, with a ``DeprecationWarning``.
_MOVED_TO_POLICIES = frozenset(
    {
        "DEFAULT_DEADLINE",
        "DEFAULT_MAX_ATTEMPTS",
        "DEFAULT_MAX_REDIRECTS",
        "DEFAULT_MAX_REPLAY_BUFFER",
        "DEFAULT_MAX_RETRY_AFTER",
        "DEFAULT_RETRY_ON",
        "DEFAULT_RETRY_STATUSES",
        "DEFAULT_TIMEOUT",
        "IDEMPOTENT_METHODS",
    }
)

if TYPE_CHECKING:
    # Type checkers see the deprecated names with their types (so code using them
    # still checks for the deprecation release) but not ``__getattr__`` (so a typo
    # such as ``restwell.Retyr`` is still an error).
    from .policies import DEFAULT_DEADLINE as DEFAULT_DEADLINE
    from .policies import DEFAULT_MAX_ATTEMPTS as DEFAULT_MAX_ATTEMPTS
    from .policies import DEFAULT_MAX_REDIRECTS as DEFAULT_MAX_REDIRECTS
    from .policies import DEFAULT_MAX_REPLAY_BUFFER as DEFAULT_MAX_REPLAY_BUFFER
    from .policies import DEFAULT_MAX_RETRY_AFTER as DEFAULT_MAX_RETRY_AFTER
    from .policies import DEFAULT_RETRY_ON as DEFAULT_RETRY_ON
    from .policies import DEFAULT_RETRY_STATUSES as DEFAULT_RETRY_STATUSES
    from .policies import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
    from .policies import IDEMPOTENT_METHODS as IDEMPOTENT_METHODS
else:

    def __getattr__(name: str) -> object:
        """
        Resolve the deprecated ``restwell.DEFAULT_*`` / ``IDEMPOTENT_METHODS`` names.

        Args:
            name: The attribute asked for.

        Returns:
            ``restwell.policies.<name>``, the same object.

        Raises:
            AttributeError: If ``name`` is not a moved name (the usual error).

        .. deprecated:: 0.1
            Use ``restwell.policies.<name>``; the top-level alias goes in the next
            release.
        """
        if name in _MOVED_TO_POLICIES:
            _warnings.warn(
                f"restwell.{name} is deprecated and will be removed in the next "
                f"release; use restwell.policies.{name}",
                DeprecationWarning,
                stacklevel=2,
            )
            return getattr(policies, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
