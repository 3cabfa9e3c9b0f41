"""
Handler definitions: ``ResourceHandler``, the ``H()`` helper, ``Methods``.

A handler is pure data: method, route template (compiled once, ``Route``),
request and response types, a callback, default headers, and per-handler
options. A resource takes handlers in every form arrest accepts: tuples
``(method, route[, request[, response[, callback]]])``, dicts with those keys,
``ResourceHandler(...)`` and ``H(...)``; ``as_handler`` normalises them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, Unpack, overload

from .._exceptions import ConfigurationError
from .._types import JSON
from ._route import Route

if TYPE_CHECKING:
    from .._async._client import RequestOptions
    from .._models import Response
    from ._request import RequestPlan

__all__ = [
    "DELETE",
    "GET",
    "HEAD",
    "OPTIONS",
    "PATCH",
    "POST",
    "PUT",
    "H",
    "HandlerCall",
    "Methods",
    "ResourceHandler",
    "as_handler",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Methods(enum.StrEnum):
    """The HTTP methods a handler may declare (RFC 9110 §9), as ``str`` values."""

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"


GET = Methods.GET
POST = Methods.POST
PUT = Methods.PUT
PATCH = Methods.PATCH
DELETE = Methods.DELETE
HEAD = Methods.HEAD
OPTIONS = Methods.OPTIONS

_FIELDS = ("method", "route", "request", "response", "callback")


@dataclass(frozen=True, slots=True, eq=False)
class ResourceHandler(Generic[T]):
    """
    One endpoint of a resource: a method and a route relative to the resource.

    Attributes:
        method: A ``Methods`` member or its name (any case): ``"GET"``, ….
        route: The path template relative to the resource, ``""`` or starting
            with ``/``: ``"/{user_id:int}/posts"`` (see ``restwell.service.Route``
            for parameter types).
        request: The type of the request body (a pydantic model, a dataclass, a
            ``TypedDict``, ...), or ``None`` (anything JSON-serialisable, or no
            body). A call's body is validated against it before anything is
            sent; fields marked ``Query``/``Header``/``Path``/``Form``/``File``
            go to those request parts.
        response: The type a 2xx body decodes into (anything a pydantic
            ``TypeAdapter`` takes: a model, ``list[Model]``, a union, a
            dataclass, a ``TypedDict``, a primitive), or ``None`` (parsed JSON,
            text or ``None``).
        callback: ``(data) -> value``, sync or async, called with the decoded
            ``data`` of every response; its return value becomes ``data``; its
            exceptions propagate. Default ``None``.
        headers: Headers sent with every call of this handler. Default none.
        options: Per-handler call options (``timeout``, ``retry``,
            ``raise_for_status``, ... as in ``RequestOptions``), layered under
            the call's and over the resource's. Default none.

    Raises:
        ConfigurationError: For an unknown method or a malformed route.
    """

    method: Methods
    route: str
    request: object = None
    response: object = None
    callback: Callable[[Any], object] | None = None
    headers: Mapping[str, str] | None = None
    options: Mapping[str, object] = field(default_factory=dict)
    compiled: Route = field(init=False, repr=False)
    plan: RequestPlan | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        method: object = self.method
        try:
            parsed = Methods(str(method).upper())
        except ValueError:
            raise ConfigurationError(
                f"handler method {method!r} is not an HTTP method: use one of "
                f"{', '.join(Methods)}"
            ) from None
        object.__setattr__(self, "method", parsed)
        object.__setattr__(self, "compiled", Route(self.route))
        if self.callback is not None and not callable(self.callback):
            raise ConfigurationError(
                f"handler {parsed} {self.route!r}: callback={self.callback!r} is not "
                "callable"
            )
        from ._request import plan_request

        object.__setattr__(self, "plan", plan_request(self))

    def __repr__(self) -> str:
        return f"<ResourceHandler {self.method} {self.route!r}>"

    @overload
    def __get__(self, obj: None, owner: type) -> ResourceHandler[T]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> HandlerCall[T]: ...
    def __get__(self, obj: object, owner: type) -> Any:
        """
        The handler itself; typed as a ``HandlerCall`` on a resource instance.

        A handler declared as a class attribute of a ``Resource`` subclass is
        called through the bound resource (``await svc.users.get(id=7)``),
        which type checkers see as this ``HandlerCall[T]``.
        """
        return self


class HandlerCall(Protocol[T_co]):
    """
    A declared handler as type checkers see it: a call giving ``Response[T]``.

    ``T`` is the handler's response type. The call's arguments are those of
    ``AsyncResourceBinding.call``: an optional path, then ``request=``,
    ``params=``, ``headers=``, route parameters and call options as keywords.
    """

    def __call__(
        self, path: str | None = None, /, **kwargs: Any
    ) -> Coroutine[Any, Any, Response[T_co]]:
        """Send the call; the response's ``data`` is a ``T``."""
        ...


@overload
def H(
    method: Methods | str,
    route: str,
    *,
    request: object = None,
    response: type[T],
    callback: None = None,
    headers: Mapping[str, str] | None = None,
    **options: Unpack[RequestOptions],
) -> ResourceHandler[T]: ...
@overload
def H(
    method: Methods | str,
    route: str,
    *,
    request: object = None,
    response: object = None,
    callback: Callable[[Any], object] | None = None,
    headers: Mapping[str, str] | None = None,
    **options: Unpack[RequestOptions],
) -> ResourceHandler[JSON]: ...
def H(
    method: Methods | str,
    route: str,
    *,
    request: object = None,
    response: object = None,
    callback: Callable[[Any], object] | None = None,
    headers: Mapping[str, str] | None = None,
    **options: Unpack[RequestOptions],
) -> ResourceHandler[Any]:
    """
    Declare a handler with keyword arguments: ``H(GET, "/{id:int}", response=User)``.

    Arguments are those of ``ResourceHandler``; any other keyword is a call option
    for this handler (``timeout=``, ``retry=``, ``raise_for_status=``, …).

    Raises:
        ConfigurationError: As ``ResourceHandler`` does.
    """
    return ResourceHandler(
        method,  # type: ignore[arg-type]  # a str is parsed in __post_init__
        route,
        request,
        response,
        callback,
        headers,
        options,
    )


def as_handler(spec: object, resource: str) -> ResourceHandler[object]:
    """
    A ``ResourceHandler`` from any accepted form (tuple, dict, handler).

    Raises:
        ConfigurationError: For another type, a tuple of the wrong length, or a
            dict with unknown keys (the message names the resource).
    """
    if isinstance(spec, ResourceHandler):
        return spec
    if isinstance(spec, tuple | list):
        if not 2 <= len(spec) <= 5:
            raise ConfigurationError(
                f"resource {resource!r}: handler {spec!r} must be (method, route"
                "[, request[, response[, callback]]])"
            )
        return ResourceHandler(*spec)
    if isinstance(spec, Mapping):
        unknown = set(spec) - {*_FIELDS, "headers", "options"}
        if unknown or "method" not in spec or "route" not in spec:
            raise ConfigurationError(
                f"resource {resource!r}: handler dict {dict(spec)!r} needs 'method' "
                "and 'route', and may have 'request', 'response', 'callback', "
                f"'headers', 'options'"
                + (f"; unknown: {sorted(unknown)}" if unknown else "")
            )
        return ResourceHandler(**spec)
    raise ConfigurationError(
        f"resource {resource!r}: handler {spec!r} must be a tuple, a dict, "
        "or H(...)/ResourceHandler(...)"
    )
