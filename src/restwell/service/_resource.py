"""
``Resource``: a route and its handlers, pure data (no client, no I/O).

A resource finds the handler for a call: ``find(method, path, keywords)``. With a
path (``"/7"``), the first handler of that method whose route matches it, a route
without parameters (a literal) winning over one with; with keyword arguments only
(``id=7``), the handler of that method whose route parameters are exactly the
keywords given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar, Unpack, overload

from .._exceptions import ConfigurationError, HandlerNotFound
from .._redact import redact_url
from ._handler import Methods, ResourceHandler, as_handler
from ._route import Route

if TYPE_CHECKING:
    from .._async._client import RequestOptions

F = TypeVar("F", bound=Callable[..., object])

__all__ = ["OPTION_KEYS", "Resource", "check_options", "infer_name"]

OPTION_KEYS = frozenset(
    {
        "timeout",
        "deadline",
        "retry",
        "retry_gates",
        "raise_for_status",
        "follow_redirects",
        "max_redirects",
        "max_replay_buffer",
        "max_response_size",
        "policies",
    }
)
"""The call options a service, resource, handler or call may set (RequestOptions)."""

_NOT_IDENT = re.compile(r"[^0-9A-Za-z_]+")


def infer_name(route: str) -> str:
    """
    The attribute name of a resource from its route (arrest's rule, extended).

    The last segment that is not a parameter, with every run of characters that
    cannot be in a Python identifier turned into ``_``: ``/user-accounts`` →
    ``user_accounts``, ``/v1/users/{id}/posts`` → ``posts``.

    Raises:
        ConfigurationError: If no segment gives a name (give ``name=``).
    """
    for segment in reversed(route.strip("/").split("/")):
        if segment and "{" not in segment:
            name = _NOT_IDENT.sub("_", segment).strip("_")
            if name and not name[0].isdigit():
                return name
    raise ConfigurationError(
        f"cannot infer a resource name from route {route!r}: pass name=..."
    )


def check_options(options: Mapping[str, object], where: str) -> dict[str, object]:
    """
    ``options`` as a dict, refusing names that are not call options.

    Raises:
        ConfigurationError: For an unknown name (the message lists the known ones).
    """
    unknown = set(options) - OPTION_KEYS
    if unknown:
        raise ConfigurationError(
            f"{where}: {', '.join(sorted(unknown))}: not call options; use "
            f"{', '.join(sorted(OPTION_KEYS))}"
        )
    return dict(options)


class Resource:
    """
    A REST resource: a route under the service URL and the handlers it answers.

    Args:
        route: The resource's path under the service URL, ``"/users"``.
        name: The attribute it is reached by (``svc.users``). Default: inferred
            from the route (``infer_name``: ``/user-accounts`` → ``user_accounts``).
        handlers: Its handlers, each a tuple ``(method, route[, request[,
            response[, callback]]])``, a dict with those keys, a
            ``ResourceHandler`` or ``H(...)``. Default none.
        headers: Headers sent with every call to this resource. Default none.
        config: Call options for this resource (``timeout``, ``retry``,
            ``raise_for_status``, …, as ``RequestOptions``), a mapping; layered
            over the service's and under each handler's. Default none.
        **options: The same call options as keywords (merged over ``config``).

    Raises:
        ConfigurationError: For a malformed route or handler, an unknown option,
            or a name that is not an identifier.
    """

    __slots__ = (
        "_index",
        "_named_by_user",
        "custom",
        "handlers",
        "headers",
        "name",
        "named",
        "options",
        "route",
    )
    _declared: ClassVar[dict[str, ResourceHandler[Any]]] = {}
    _route: ClassVar[str | None] = None

    def __init_subclass__(cls, route: str | None = None, **kwargs: object) -> None:
        """Collect the handlers a subclass declares as attributes (typed form)."""
        super().__init_subclass__(**kwargs)
        cls._declared = {
            **cls._declared,
            **{k: v for k, v in vars(cls).items() if isinstance(v, ResourceHandler)},
        }
        if route is not None:
            cls._route = route

    def __init__(
        self,
        route: str | None = None,
        name: str | None = None,
        handlers: Iterable[object] = (),
        *,
        headers: Mapping[str, str] | None = None,
        config: RequestOptions | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        if route is None:
            route = type(self)._route
            if route is None:
                raise ConfigurationError(
                    f"{type(self).__name__}() needs a route: Resource('/users', ...) "
                    f"or class {type(self).__name__}(Resource, route='/users')"
                )
        Route(route)  # validates the template
        self.route = route.rstrip("/")
        self._named_by_user = name is not None
        self.name = infer_name(route) if name is None else name
        if not self.name.isidentifier():
            raise ConfigurationError(
                f"resource name {self.name!r} is not a Python identifier: pass "
                "name='...' that is one"
            )
        self.handlers: list[ResourceHandler[Any]] = []
        self._index: _Index | None = None
        self.headers = dict(headers or {})
        self.options = check_options(
            {**(config or {}), **options}, f"resource {self.name!r}"
        )
        self.custom: dict[str, tuple[str, Callable[..., Any]]] = {}
        self.named: dict[str, ResourceHandler[Any]] = {}
        for attr, handler in type(self)._declared.items():
            self.named[attr] = self.add_handler(handler)
        for spec in handlers:
            self.add_handler(spec)

    def __set_name__(self, owner: type, name: str) -> None:
        # `users = Users()` in a Service subclass: the attribute names it.
        if not self._named_by_user:
            self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> Self: ...
    @overload
    def __get__(self, obj: object, owner: type) -> Self: ...
    def __get__(self, obj: object, owner: type) -> Any:
        """
        On a ``Service``: the bound resource (its calls go through the client).

        Type checkers see the declared class, so each handler declared with
        ``H(...)`` as a class attribute is typed (``Response[User]``); at run
        time the value is an ``AsyncResourceBinding`` that calls it.
        """
        if obj is None:
            return self
        from ._service import Service

        if isinstance(obj, Service):
            return obj._default().resource(self.name)
        return self

    def __repr__(self) -> str:
        return f"<Resource {self.name!r} {self.route!r}: {len(self.handlers)} handlers>"

    def add_handler(self, spec: object) -> ResourceHandler[object]:
        """
        Add a handler in any accepted form; return it as a ``ResourceHandler``.

        Raises:
            ConfigurationError: For a malformed handler, or a handler with the same
                method and route as one already there.
        """
        handler = as_handler(spec, self.name)
        check_options(handler.options, f"handler {handler.method} {handler.route!r}")
        for other in self.handlers:
            if other.method == handler.method and other.route == handler.route:
                raise ConfigurationError(
                    f"resource {self.name!r} already has a handler "
                    f"{handler.method} {handler.route!r}"
                )
        self.handlers.append(handler)
        self._index = None
        return handler

    def describe(self) -> tuple[str, ...]:
        """The handlers as ``"GET /users/{id:int}"`` strings, in order."""
        return tuple(f"{h.method} {self.route}{h.route}" for h in self.handlers)

    def find(
        self,
        method: str,
        path: str | None,
        keywords: Iterable[str] = (),
        request_type: object = None,
        request_fields: Collection[str] = (),
    ) -> tuple[ResourceHandler[object], dict[str, object]]:
        """
        The handler for a call, and the route values matched from ``path``.

        Args:
            method: The call's method, any case.
            path: The path relative to the resource (``"/7"``, query excluded),
                or ``None`` to choose by ``keywords``.
            keywords: The call's keyword arguments that may be route parameters.
            request_type: The type of the call's request value: without a path,
                a handler declaring it as its request model is preferred, and
                the model's ``Path`` fields count as given.
            request_fields: The keys of a call's request given as a dict: without
                a path, a handler's ``Path`` fields named among them count as
                given (a dict of the model's fields finds the handler an instance
                of it would).

        Raises:
            HandlerNotFound: If none fits (the message names the resource, the
                method, the path tried and the handlers that exist).
        """
        wanted = method.upper()
        candidates = [h for h in self.handlers if h.method == wanted]
        if path is not None:
            literal = [h for h in candidates if not h.compiled.params]
            for handler in (*literal, *(h for h in candidates if h.compiled.params)):
                values = handler.compiled.match(path)
                if values is not None:
                    return handler, values
        else:
            given = set(keywords)

            def fits(h: ResourceHandler[Any]) -> bool:
                filled = given
                plan = h.plan
                if plan is not None and h.request is request_type is not None:
                    filled = given | plan.path_params
                elif plan is not None and request_fields:
                    filled = given | {
                        wire
                        for name, part, wire in plan.placed
                        if part == "path" and name in request_fields
                    }
                return set(h.compiled.params) <= filled

            exact = [h for h in candidates if fits(h)]
            exact.sort(
                key=lambda h: (h.request is not request_type, -len(h.compiled.params))
            )
            if exact:
                return exact[0], {}
        tried = "no path" if path is None else repr(redact_url(path))
        known = self.describe()
        methods = sorted({h.method.value for h in self.handlers})
        raise HandlerNotFound(
            f"resource {self.name!r} has no {wanted} handler for {tried}"
            + (f" with {sorted(keywords)}" if path is None and keywords else "")
            + f"; its handlers: {', '.join(known) if known else 'none'}"
            + (
                f" ({wanted} is not among its methods {', '.join(methods)})"
                if wanted not in methods and methods
                else ""
            ),
            resource=self.name,
            method=wanted,
            path=path,
            handlers=known,
        )

    def _lookup(
        self,
        method: str,
        path: str | None,
        keywords: Mapping[str, object],
        request_type: object,
        request_fields: Collection[str] = (),
    ) -> tuple[ResourceHandler[Any], dict[str, Any] | None, str | None]:
        """
        ``find``'s answer, fast, for a declared call: ``(handler, values, suffix)``.

        ``suffix`` is the URL suffix when it is known as it is (a literal route's
        template, or a ``path`` that is its own ``Route.build``): then ``values``
        is ``{}`` for a literal route and ``None`` otherwise (not computed; the
        route matches ``suffix``). Otherwise ``suffix`` is ``None`` and
        ``values`` is ``find``'s. Same handler as ``find``, which it falls back
        to for what its index does not hold (and so raises as ``find`` does).
        """
        index = self._index
        if index is None or index.count != len(self.handlers):
            index = self._reindex()
        by_method = index.by_method
        if path is not None:
            found = by_method.get(method) or by_method.get(method.upper())
            if found is not None:
                literal, with_params = found
                handler = literal.get(path)
                if handler is not None:
                    return handler, {}, handler.route
                for handler in with_params:
                    route = handler.compiled
                    canonical = route._canonical  # Route._is_own_build, inlined
                    if canonical is not None and canonical.fullmatch(path):
                        return handler, None, path
                    values = route.match(path)
                    if values is not None:
                        return handler, values, None
        else:
            key = (method, tuple(keywords), request_type, tuple(request_fields))
            handler = index.by_keywords.get(key)
            if handler is None:
                handler = self.find(
                    method, None, keywords, request_type, request_fields
                )[0]
                if len(index.by_keywords) < _MAX_KEYWORD_SHAPES:
                    index.by_keywords[key] = handler
            return handler, {}, None if handler.compiled.params else handler.route
        handler, values = self.find(
            method, path, keywords, request_type, request_fields
        )
        return handler, values, None

    def _reindex(self) -> _Index:
        """Index the handlers by method: literal routes by the paths they match."""
        by_method: dict[
            str, tuple[dict[str, ResourceHandler[Any]], list[ResourceHandler[Any]]]
        ] = {}
        for handler in self.handlers:
            literal, with_params = by_method.setdefault(handler.method, ({}, []))
            if handler.compiled.params:
                with_params.append(handler)
                continue
            # The paths Route.match takes for a literal template (its trailing
            # slash rules), the first handler in order winning as in find().
            route = handler.route
            literal.setdefault(route, handler)
            if route:
                literal.setdefault(route + "/", handler)
            if route == "/":
                literal.setdefault("", handler)
            if route == "":
                literal.setdefault("/", handler)
        index = self._index = _Index(len(self.handlers), by_method)
        return index

    def handler(self, path: str) -> Callable[[F], F]:
        """
        Register a custom handler: ``@resource.handler("/media")``.

        The decorated function ``f(self, url, *args, **kwargs)`` becomes
        ``resource.f(...)`` on a bound service: ``self`` is the bound resource
        (``self.client`` is the client, ``self.config`` its layered call options) and
        ``url`` the full URL (service URL + resource route + ``path``). It gets
        no validation, decoding or error handling from restwell beyond the
        client's own (retries, deadline, …) when it calls ``self.client``.

        Raises:
            ConfigurationError: If ``path`` is not ``""`` or does not start with
                ``/``, or the name clashes with a method of a bound resource.
        """
        Route(path)

        def register(func: F) -> F:
            name = func.__name__
            if name in _RESERVED or name.startswith("_"):
                raise ConfigurationError(
                    f"custom handler name {name!r} clashes with a bound resource's "
                    "own attribute: rename the function"
                )
            self.custom[name] = (path, func)
            return func

        return register


_MAX_KEYWORD_SHAPES = 256
"""
Keyword-only lookups a resource remembers: per method, keyword names, request
type and (a dict request) its keys.
"""


class _Index:
    """A resource's handlers indexed for ``_lookup`` (rebuilt when they change)."""

    __slots__ = ("by_keywords", "by_method", "count")

    def __init__(
        self,
        count: int,
        by_method: dict[
            str, tuple[dict[str, ResourceHandler[Any]], list[ResourceHandler[Any]]]
        ],
    ) -> None:
        self.count = count
        self.by_method = by_method
        self.by_keywords: dict[
            tuple[str, tuple[str, ...], object, tuple[str, ...]], ResourceHandler[Any]
        ] = {}


_RESERVED = frozenset(
    {
        "request",
        "handler",
        "paginate",
        "client",
        "config",
        "resource",
        "url",
        *(m.lower() for m in Methods),
    }
)
