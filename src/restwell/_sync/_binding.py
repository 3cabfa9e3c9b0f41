# GENERATED from src/restwell/_async/_binding.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
A ``Service`` bound to a ``Client``: where declared calls are made.

This file is the source of the sync ``ServiceBinding`` (``scripts/unasync.py``
generates ``_sync/_binding.py``); ``Service``/``Resource``/``H`` are descriptions
and are not twinned.

A declared call: find the handler (``Resource._lookup``: ``Resource.find``'s
answer from an index), turn the request model into request parts (its
``RequestPlan``, built once per handler), layer the options (handler over resource
over service, computed once per handler in a ``_BoundHandler``; the call's on
top; the client resolves them with its own once, as for any call), send through
the client (so every stage applies: deadline, retries, redirects, …), then decode
``data`` into the handler's response type (pydantic ``TypeAdapter.validate_json``
on the body bytes, once) and run the callback. A call that gives only a path that
is its own ``Route.build``, or only route parameters, skips the merging: the
handler's static parts are the call's (``bench/bench_service.py`` measures it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, get_args, get_origin

from .._exceptions import ConfigurationError, HandlerNotFound
from .._models import Response
from ..pagination import ItemsPath, PaginationStrategy
from ..service._callbacks import call_callback
from ..service._resource import OPTION_KEYS, Resource
from ._client import Client
from ._paginate import paginate

if TYPE_CHECKING:
    from ..service._handler import ResourceHandler
    from ..service._service import Service

__all__ = ["ResourceBinding", "ServiceBinding"]

_RAW_BODY = ("content", "data", "files")


def _layer(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``; ``policies`` merge slot by slot (as resolve_options)."""
    if not top:
        return base
    merged = {**base, **top}
    if "policies" in base and "policies" in top:
        merged["policies"] = {**base["policies"], **top["policies"]}
    return merged


class ServiceBinding:
    """
    A ``Service`` bound to a ``Client``: ``binding.users.get("/7")``.

    Made by ``service.bind(client)`` (the client is borrowed) or by the service
    itself for direct calls (``client=None``: it opens a ``Client`` on first
    use and owns it).

    Attributes:
        service: The ``Service`` description.
    """

    __slots__ = ("_client", "_owns", "_resources", "service")

    def __init__(self, service: Service, client: Client | None) -> None:
        self.service = service
        self._client = client
        self._owns = client is None
        self._resources: dict[str, ResourceBinding] = {}

    def __repr__(self) -> str:
        return f"<ServiceBinding {self.service.name!r} via {self._client!r}>"

    @property
    def client(self) -> Client:
        """The client calls go through (the service's own is opened here)."""
        client = self._client
        if client is None or (self._owns and client.is_closed):
            client = self._client = Client(hooks=None)
        return client

    def resource(self, name: str) -> ResourceBinding:
        """
        The bound resource ``name`` (also reachable as an attribute).

        Raises:
            AttributeError: If the service has no such resource.
        """
        bound = self._resources.get(name)
        if bound is None:
            found = self.service.resources.get(name)
            if found is None:
                known = ", ".join(self.service.resources) or "none"
                raise AttributeError(
                    f"service {self.service.name!r} has no resource {name!r}; its "
                    f"resources: {known}"
                )
            bound = self._resources[name] = ResourceBinding(self, found)
        return bound

    def __getattr__(self, name: str) -> ResourceBinding:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.resource(name)

    def close(self) -> None:
        """Close the client if this binding opened it; a borrowed one stays open."""
        if self._owns and self._client is not None:
            self._client.close()

    def __enter__(self) -> ServiceBinding:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _BoundHandler:
    """
    One handler as a resource binding calls it: what is static, computed once.

    Attributes:
        handler: The ``ResourceHandler``.
        method: Its method as a ``str``.
        url: The resource's full URL (the handler's path is appended per call).
        model: The response type (``client.request``'s ``model``), or ``None``.
        decode: Whether a call decodes ``data`` (a response type or a callback).
        options: The call options layered service < resource < handler (never
            mutated: a call's own are layered over a copy).
        headers: The headers layered the same way, or ``None`` when there are
            none (never mutated).
        params: The route's parameter names.
        where: ``"users.get '/{id}'"``, for error messages.
    """

    __slots__ = (
        "callback",
        "decode",
        "handler",
        "headers",
        "method",
        "model",
        "options",
        "params",
        "plan",
        "route",
        "url",
        "where",
    )

    def __init__(
        self, resource: ResourceBinding, handler: ResourceHandler[Any]
    ) -> None:
        service = resource._binding.service
        self.handler = handler
        self.method = handler.method.value
        self.url = resource.url
        self.route = handler.compiled
        self.params = frozenset(handler.compiled.params)
        self.plan = handler.plan
        self.model: Any = handler.response  # a type expression, checked by pydantic
        self.callback = handler.callback
        self.decode = handler.response is not None or handler.callback is not None
        self.options: dict[str, Any] = _layer(
            _layer(dict(service.options), resource.resource.options), handler.options
        )
        headers = {
            **service.headers,
            **resource.resource.headers,
            **(handler.headers or {}),
        }
        self.headers = headers or None
        self.where = (
            f"{resource.resource.name}.{handler.method.lower()} {handler.route!r}"
        )


class ResourceBinding:
    """
    A ``Resource`` of a bound service: its handlers as ``get``/``post``/… calls.

    ``users.get("/7")`` or ``users.get(user_id=7)`` finds the handler
    (``Resource.find``) and sends through the binding's client.

    Attributes:
        resource: The ``Resource`` description.
        url: The resource's full URL (service URL + route).
    """

    __slots__ = ("_binding", "_bound", "resource", "url")

    def __init__(self, binding: ServiceBinding, resource: Resource) -> None:
        self._binding = binding
        self.resource = resource
        self.url = binding.service.url + resource.route
        # Per handler, computed once: its static parts (layered options, …).
        self._bound: dict[ResourceHandler[Any], _BoundHandler] = {}

    def __repr__(self) -> str:
        return f"<ResourceBinding {self.resource.name!r} {self.url!r}>"

    @property
    def client(self) -> Client:
        """The client this resource's calls go through."""
        return self._binding.client

    @property
    def config(self) -> dict[str, Any]:
        """The call options of the service layered with this resource's."""
        return _layer(dict(self._binding.service.options), self.resource.options)

    def _bind(self, handler: ResourceHandler[Any]) -> _BoundHandler:
        bound = self._bound.get(handler)
        if bound is None:
            bound = self._bound[handler] = _BoundHandler(self, handler)
        return bound

    def request(
        self,
        method: str,
        path: str | None = None,
        /,
        *,
        request: object = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Response[Any]:
        """
        Call the handler of ``method`` that fits ``path`` (or the keywords).

        Args:
            method: ``"GET"``, ``"POST"``, … (``restwell.service.Methods``).
            path: The path under the resource (``"/7"``, a query string allowed),
                or ``None`` to pick the handler by its route parameters given as
                keywords.
            request: The request body: an instance of the handler's request
                model, or a dict of its fields (validated before sending), or any
                JSON value when the handler declares none. Fields marked
                ``Query``/``Header``/``Path``/``Form``/``File`` go to those parts.
            params: Query parameters (over those of the model and the path).
            headers: Headers for this call (over the handler's, resource's and
                service's).
            **kwargs: Route parameters (``user_id=7``), call options (``timeout``,
                ``retry``, ``raise_for_status``, …, over the handler's),
                ``idempotency_key`` (as ``Client.request``), or a raw
                body (``content``, ``data``, ``files``) for a handler with no
                request model.

        Returns:
            The ``Response``; ``data`` is the body decoded into the handler's
            response type (2xx), or the callback's return value.

        Raises:
            HandlerNotFound: No handler fits (before anything is sent).
            RequestValidationError: ``request`` does not fit the model.
            ConfigurationError: An unknown keyword, a route value of the wrong type.
            ResponseValidationError: A 2xx body that does not fit the response type.
            As ``Client.request`` for everything the call itself raises.
        """
        query_string = ""
        if path is not None and "?" in path:
            path, _, query = path.partition("?")
            query_string = "?" + query
        handler, values, suffix = self.resource._lookup(
            method,
            path,
            kwargs,
            None if request is None else type(request),
            request if path is None and type(request) is dict else (),
        )
        bound = self._bound.get(handler) or self._bind(handler)
        binding = self._binding
        client = binding._client
        if client is None or binding._owns:
            client = binding.client
        url: str | None = None
        if request is None and params is None and headers is None:
            # Nothing given but the path or route parameters: the handler's static
            # parts are the call's.
            if not kwargs:
                if suffix is not None:
                    url = bound.url + suffix + query_string
            elif suffix is None and not values and kwargs.keys() <= bound.params:
                try:
                    url = bound.url + bound.route.build(kwargs) + query_string
                except ValueError as exc:
                    raise ConfigurationError(f"{bound.where}: {exc}") from None
        if url is None:
            url, query_params, merged, extra = self._prepare(
                bound, values, suffix, query_string, request, params, headers, kwargs
            )
            response: Response[Any] = client.request(
                bound.method,
                url,
                model=bound.model,
                params=query_params,
                headers=merged,
                **extra,
            )
        elif bound.options:
            response = client.request(
                bound.method,
                url,
                model=bound.model,
                headers=bound.headers,
                **bound.options,
            )
        else:
            response = client.request(
                bound.method, url, model=bound.model, headers=bound.headers
            )
        if bound.decode:
            self._finish(bound, response)
        return response

    def call(
        self,
        handler: ResourceHandler[Any],
        path: str | None = None,
        /,
        *,
        request: object = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Response[Any]:
        """
        Call one handler of this resource, whatever the method and path.

        ``path`` (optional) must fit the handler's route; keywords fill its
        parameters. Other arguments as ``request()``.

        Raises:
            HandlerNotFound: If ``path`` does not fit the handler's route.
            As ``request()`` otherwise.
        """
        query_string = ""
        values: dict[str, Any] | None = {}
        route = handler.compiled
        suffix = None if route.params else handler.route
        if path is not None:
            if "?" in path:
                path, _, query = path.partition("?")
                query_string = "?" + query
            if route._is_own_build(path):
                values, suffix = None, path
            else:
                values, suffix = route.match(path), None
                if values is None:
                    raise HandlerNotFound(
                        f"{self.resource.name}: path {path!r} does not fit handler "
                        f"{handler.method} {handler.route!r}",
                        resource=self.resource.name,
                        method=handler.method.value,
                        path=path,
                        handlers=self.resource.describe(),
                    )
        bound = self._bound.get(handler) or self._bind(handler)
        url, query_params, merged, extra = self._prepare(
            bound, values, suffix, query_string, request, params, headers, kwargs
        )
        response: Response[Any] = self.client.request(
            bound.method,
            url,
            model=bound.model,
            params=query_params,
            headers=merged,
            **extra,
        )
        if bound.decode:
            self._finish(bound, response)
        return response

    @staticmethod
    def _finish(bound: _BoundHandler, response: Response[Any]) -> None:
        """Decode ``data`` now (a mismatch raises here), then run the callback."""
        data = response.data
        callback = bound.callback
        if callback is not None and response.is_success:
            response._data = call_callback(callback, data)

    def _prepare(
        self,
        bound: _BoundHandler,
        values: dict[str, Any] | None,
        suffix: str | None,
        query_string: str,
        request: object,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        kwargs: dict[str, Any],
    ) -> tuple[str, Any, dict[str, str] | None, dict[str, Any]]:
        """
        The URL, query, headers and other ``client.request`` keywords of a call.

        ``suffix`` is the URL's path under the resource when known as it is
        (``Resource._lookup``); else the route is built from ``values`` (``None``:
        the route's match of ``suffix``), the call's route keywords and the
        request model's ``Path`` fields. The returned dict may be the handler's
        static options: never mutate it.
        """
        route = bound.route
        options: dict[str, Any] | None = None
        raw: dict[str, Any] | None = None
        given: dict[str, Any] | None = None  # route parameters given as keywords
        for key, value in kwargs.items():
            if key in route.params:
                given = given or {}
                given[key] = value
            elif key in OPTION_KEYS or key == "idempotency_key":
                options = options or {}
                options[key] = value
            elif key in _RAW_BODY:
                raw = raw or {}
                raw[key] = value
            else:
                handler = bound.handler
                raise ConfigurationError(
                    f"{handler.method} {self.url}{handler.route}: unknown keyword "
                    f"{key!r}; route parameters: {list(route.params) or 'none'}; call "
                    f"options: {', '.join(sorted(OPTION_KEYS))}"
                )
        plan = bound.plan
        parts = (
            plan.parts(request, bound.where)
            if request is not None and plan is not None
            else None
        )
        if suffix is not None and given is None:
            url = bound.url + suffix + query_string
        else:
            if values is None:  # suffix fits the route: its values, then the keywords
                values = route.match(suffix or "") or {}
            if given:
                values = {**values, **given} if values else given
            if parts is not None and parts.path:
                values = {**parts.path, **values}
            try:
                url = bound.url + route.build(values) + query_string
            except ValueError as exc:
                raise ConfigurationError(f"{bound.where}: {exc}") from None
        merged = bound.headers
        if parts is not None and parts.headers:
            merged = {**(merged or {}), **parts.headers}
        if headers:
            merged = {**(merged or {}), **headers}
        query: Any = params
        if parts is not None and parts.query:
            query = {**parts.query, **(params or {})}
        extra = bound.options if options is None else _layer(bound.options, options)
        if parts is None and raw is None:
            return url, query, merged, extra
        body: dict[str, Any] = {}
        if parts is not None and parts.has_body:
            if raw:
                raise ConfigurationError(
                    f"{bound.where}: give the body either as request= or as "
                    f"{'/'.join(raw)}=, not both"
                )
            body["json"] = parts.json
        if parts is not None and (parts.form is not None or parts.files is not None):
            body.pop("json", None)
            body["data"] = parts.form
            body["files"] = parts.files
        if raw:
            body.update(raw)
        return url, query, merged, {**body, **extra}

    def paginate(
        self,
        path: str | None = None,
        /,
        *,
        strategy: PaginationStrategy | None = None,
        items: ItemsPath = None,
        pages: bool = False,
        max_pages: int | None = None,
        max_items: int | None = None,
        method: str = "GET",
        request: object = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Iterator[Any]:
        """
        Iterate a declared list endpoint page by page (``Client.paginate``).

        The handler is found as for ``request(method, path, ...)``. Items are
        decoded into ``T`` when its response type is ``list[T]`` (and
        ``items`` is ``None``, or a key path to a list of ``T``). Other
        arguments as ``Client.paginate`` and ``request()``.

        Raises:
            HandlerNotFound: No handler fits.
            As ``Client.paginate``.
        """
        query_string = ""
        if path is not None:
            path, sep, query_string = path.partition("?")
            query_string = sep + query_string
        handler, values, suffix = self.resource._lookup(
            method,
            path,
            kwargs,
            None if request is None else type(request),
            request if path is None and type(request) is dict else (),
        )
        bound = self._bind(handler)
        url, query_params, merged, extra = self._prepare(
            bound, values, suffix, query_string, request, params, headers, kwargs
        )
        response_type = handler.response
        item_type = (
            get_args(response_type)[0]
            if get_origin(response_type) in (list, Sequence) and get_args(response_type)
            else None
        )
        return paginate(
            self.client,
            handler.method.value,
            url,
            strategy=strategy,
            items=items,
            model=item_type,
            pages=pages,
            max_pages=max_pages,
            max_items=max_items,
            params=query_params,
            headers=merged,
            **extra,
        )

    def get(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("GET", path, ...)``, or the handler declared as ``get``."""
        return self._verb("GET", path, kwargs)

    def post(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("POST", path, ...)``, or the handler declared as ``post``."""
        return self._verb("POST", path, kwargs)

    def put(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("PUT", path, ...)``, or the handler declared as ``put``."""
        return self._verb("PUT", path, kwargs)

    def patch(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("PATCH", path, ...)``, or the handler declared as ``patch``."""
        return self._verb("PATCH", path, kwargs)

    def delete(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("DELETE", path, ...)``, or the handler declared as ``delete``."""
        return self._verb("DELETE", path, kwargs)

    def head(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("HEAD", path, ...)``, or the handler declared as ``head``."""
        return self._verb("HEAD", path, kwargs)

    def options(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("OPTIONS", path, ...)``, or the handler declared as ``options``."""
        return self._verb("OPTIONS", path, kwargs)

    def _verb(
        self, method: str, path: str | None, kwargs: dict[str, Any]
    ) -> Response[Any]:
        """A verb's call: the handler declared under its name, else by route."""
        named = self.resource.named.get(method.lower())
        if named is not None:
            return self.call(named, path, **kwargs)
        if not kwargs:  # the common call, without re-packing keywords
            return self.request(method, path)
        return self.request(method, path, **kwargs)

    def handler(self, path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """
        Register a custom handler on this resource (arrest's ``@resource.handler``).

        ``@svc.users.handler("/media") def fetch(self, url, *, meta_id)``
        makes ``svc.users.fetch(meta_id=1)``; ``self`` is this bound
        resource (``self.client``, ``self.config``), ``url`` the full URL. The
        function returned calls it the same way, so ``fetch(meta_id=1)``
        works too.

        Raises:
            ConfigurationError: As ``Resource.handler``.
        """
        register = self.resource.handler(path)
        url = self.url + path

        def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
            register(func)

            def bound(*args: Any, **kwargs: Any) -> Any:
                return func(self, url, *args, **kwargs)

            bound.__name__ = func.__name__
            bound.__doc__ = func.__doc__
            bound.__wrapped__ = func  # type: ignore[attr-defined]
            return bound

        return decorate

    def __getattr__(self, name: str) -> Any:
        named = self.resource.named.get(name)
        if named is not None:
            return functools.partial(self.call, named)
        custom = self.resource.custom.get(name)
        if custom is None:
            if name.startswith("__"):
                raise AttributeError(name)
            known = ", ".join(self.resource.custom) or "none"
            raise AttributeError(
                f"resource {self.resource.name!r} has no method {name!r}; custom "
                f"handlers: {known}; calls: get, post, put, patch, delete, head, "
                "options, request"
            )
        path, func = custom
        url = self.url + path

        def call(*args: Any, **kwargs: Any) -> Any:
            return func(self, url, *args, **kwargs)

        call.__name__ = name
        return call
