"""
A ``Service`` bound to an ``AsyncClient``: where declared calls are made.

This file is the source of the sync ``ServiceBinding`` (``scripts/unasync.py``
generates ``_sync/_binding.py``); ``Service``/``Resource``/``H`` are descriptions
and are not twinned.

A declared call: find the handler (``Resource.find``), turn the request model into
request parts (its ``RequestPlan``, built once per handler), layer the options
(handler over resource over service, the call's on top; the client resolves them
with its own once, as for any call), send through the client (so every stage
applies: deadline, retries, redirects, …), then decode ``data`` into the handler's
response type (pydantic ``TypeAdapter.validate_json`` on the body bytes) and run
the callback.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, get_args, get_origin

from .._exceptions import ConfigurationError, HandlerNotFound
from .._models import Response
from ..pagination import ItemsPath, PaginationStrategy
from ..service._callbacks import acall_callback
from ..service._resource import OPTION_KEYS, Resource
from ._client import AsyncClient
from ._paginate import apaginate

if TYPE_CHECKING:
    from ..service._handler import ResourceHandler
    from ..service._service import Service

__all__ = ["AsyncResourceBinding", "AsyncServiceBinding"]

_RAW_BODY = ("content", "data", "files")


def _layer(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``; ``policies`` merge slot by slot (as resolve_options)."""
    if not top:
        return base
    merged = {**base, **top}
    if "policies" in base and "policies" in top:
        merged["policies"] = {**base["policies"], **top["policies"]}
    return merged


class AsyncServiceBinding:
    """
    A ``Service`` bound to an ``AsyncClient``: ``binding.users.get("/7")``.

    Made by ``service.bind(client)`` (the client is borrowed) or by the service
    itself for direct calls (``client=None``: it opens an ``AsyncClient`` on first
    use and owns it).

    Attributes:
        service: The ``Service`` description.
    """

    __slots__ = ("_client", "_owns", "_resources", "service")

    def __init__(self, service: Service, client: AsyncClient | None) -> None:
        self.service = service
        self._client = client
        self._owns = client is None
        self._resources: dict[str, AsyncResourceBinding] = {}

    def __repr__(self) -> str:
        return f"<AsyncServiceBinding {self.service.name!r} via {self._client!r}>"

    @property
    def client(self) -> AsyncClient:
        """The client calls go through (the service's own is opened here)."""
        client = self._client
        if client is None or (self._owns and client.is_closed):
            client = self._client = AsyncClient(hooks=None)
        return client

    def resource(self, name: str) -> AsyncResourceBinding:
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
            bound = self._resources[name] = AsyncResourceBinding(self, found)
        return bound

    def __getattr__(self, name: str) -> AsyncResourceBinding:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.resource(name)

    async def aclose(self) -> None:
        """Close the client if this binding opened it; a borrowed one stays open."""
        if self._owns and self._client is not None:
            await self._client.aclose()

    async def __aenter__(self) -> AsyncServiceBinding:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class AsyncResourceBinding:
    """
    A ``Resource`` of a bound service: its handlers as ``get``/``post``/… calls.

    ``await users.get("/7")`` or ``await users.get(user_id=7)`` finds the handler
    (``Resource.find``) and sends through the binding's client.

    Attributes:
        resource: The ``Resource`` description.
        url: The resource's full URL (service URL + route).
    """

    __slots__ = ("_binding", "_static", "resource", "url")

    def __init__(self, binding: AsyncServiceBinding, resource: Resource) -> None:
        self._binding = binding
        self.resource = resource
        self.url = binding.service.url + resource.route
        # Per handler, computed once: (options, headers) layered service <
        # resource < handler.
        self._static: dict[int, tuple[dict[str, Any], dict[str, str]]] = {}

    def __repr__(self) -> str:
        return f"<AsyncResourceBinding {self.resource.name!r} {self.url!r}>"

    @property
    def client(self) -> AsyncClient:
        """The client this resource's calls go through."""
        return self._binding.client

    @property
    def config(self) -> dict[str, Any]:
        """The call options of the service layered with this resource's."""
        return _layer(dict(self._binding.service.options), self.resource.options)

    def _layers(
        self, handler: ResourceHandler[Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        found = self._static.get(id(handler))
        if found is None:
            service = self._binding.service
            options = _layer(
                _layer(dict(service.options), self.resource.options), handler.options
            )
            headers = {
                **service.headers,
                **self.resource.headers,
                **(handler.headers or {}),
            }
            found = self._static[id(handler)] = (options, headers)
        return found

    async def request(
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
                ``idempotency_key`` (as ``AsyncClient.request``), or a raw
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
            As ``AsyncClient.request`` for everything the call itself raises.
        """
        query_string = ""
        if path is not None:
            path, sep, query_string = path.partition("?")
            query_string = sep + query_string
        handler, values = self.resource.find(
            method,
            path,
            kwargs,
            None if request is None else type(request),
            request if path is None and type(request) is dict else (),
        )
        return await self._send(
            handler, values, query_string, request, params, headers, kwargs
        )

    async def call(
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
        values: dict[str, Any] = {}
        if path is not None:
            path, sep, query_string = path.partition("?")
            query_string = sep + query_string
            matched = handler.compiled.match(path)
            if matched is None:
                raise HandlerNotFound(
                    f"{self.resource.name}: path {path!r} does not fit handler "
                    f"{handler.method} {handler.route!r}",
                    resource=self.resource.name,
                    method=handler.method.value,
                    path=path,
                    handlers=self.resource.describe(),
                )
            values = matched
        return await self._send(
            handler, values, query_string, request, params, headers, kwargs
        )

    async def _send(
        self,
        handler: ResourceHandler[Any],
        values: dict[str, Any],
        query_string: str,
        request: object,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        kwargs: dict[str, Any],
    ) -> Response[Any]:
        url, parts = self._prepare(
            handler, values, query_string, request, params, headers, kwargs
        )
        model: Any = handler.response  # a type expression, checked by pydantic
        response: Response[Any] = await self.client.request(
            handler.method.value, url, model=model, **parts
        )
        if handler.response is not None or handler.callback is not None:
            data = response.data  # decoded now: a mismatch raises here
            callback = handler.callback
            if callback is not None and response.is_success:
                response._data = await acall_callback(callback, data)
        return response

    def _prepare(
        self,
        handler: ResourceHandler[Any],
        values: dict[str, Any],
        query_string: str,
        request: object,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        kwargs: dict[str, Any],
    ) -> tuple[str, dict[str, Any]]:
        """The URL and the ``client.request`` keywords of one declared call."""
        resource = self.resource
        route = handler.compiled
        options: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        for key, value in kwargs.items():
            if key in route.params:
                values[key] = value
            elif key in OPTION_KEYS or key == "idempotency_key":
                options[key] = value
            elif key in _RAW_BODY:
                raw[key] = value
            else:
                raise ConfigurationError(
                    f"{handler.method} {self.url}{handler.route}: unknown keyword "
                    f"{key!r}; route parameters: {list(route.params) or 'none'}; call "
                    f"options: {', '.join(sorted(OPTION_KEYS))}"
                )
        where = f"{resource.name}.{handler.method.lower()} {handler.route!r}"
        plan = handler.plan
        parts = plan.parts(request, where) if plan is not None else None
        if parts is not None and parts.path:
            values = {**parts.path, **values}
        try:
            url = self.url + route.build(values) + query_string
        except ValueError as exc:
            raise ConfigurationError(f"{where}: {exc}") from None
        static_options, static_headers = self._layers(handler)
        merged_headers: dict[str, str] | None = static_headers
        if parts is not None and parts.headers:
            merged_headers = {**static_headers, **parts.headers}
        if headers:
            merged_headers = {**(merged_headers or {}), **headers}
        query: Any = params
        if parts is not None and parts.query:
            query = {**parts.query, **(params or {})}
        body: dict[str, Any] = {}
        if parts is not None and parts.has_body:
            if raw:
                raise ConfigurationError(
                    f"{where}: give the body either as request= or as "
                    f"{'/'.join(raw)}=, not both"
                )
            body["json"] = parts.json
        if parts is not None and (parts.form is not None or parts.files is not None):
            body.pop("json", None)
            body["data"] = parts.form
            body["files"] = parts.files
        body.update(raw)
        return url, {
            "params": query,
            "headers": merged_headers or None,
            **body,
            **_layer(static_options, options),
        }

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
    ) -> AsyncIterator[Any]:
        """
        Iterate a declared list endpoint page by page (``AsyncClient.paginate``).

        The handler is found as for ``request(method, path, ...)``. Items are
        decoded into ``T`` when its response type is ``list[T]`` (and
        ``items`` is ``None``, or a key path to a list of ``T``). Other
        arguments as ``AsyncClient.paginate`` and ``request()``.

        Raises:
            HandlerNotFound: No handler fits.
            As ``AsyncClient.paginate``.
        """
        query_string = ""
        if path is not None:
            path, sep, query_string = path.partition("?")
            query_string = sep + query_string
        handler, values = self.resource.find(
            method,
            path,
            kwargs,
            None if request is None else type(request),
            request if path is None and type(request) is dict else (),
        )
        url, parts = self._prepare(
            handler, values, query_string, request, params, headers, kwargs
        )
        response_type = handler.response
        item_type = (
            get_args(response_type)[0]
            if get_origin(response_type) in (list, Sequence) and get_args(response_type)
            else None
        )
        return apaginate(
            self.client,
            handler.method.value,
            url,
            strategy=strategy,
            items=items,
            model=item_type,
            pages=pages,
            max_pages=max_pages,
            max_items=max_items,
            **parts,
        )

    async def get(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("GET", path, ...)``, or the handler declared as ``get``."""
        named = self.resource.named.get("get")
        if named is not None:
            return await self.call(named, path, **kwargs)
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("POST", path, ...)``, or the handler declared as ``post``."""
        named = self.resource.named.get("post")
        if named is not None:
            return await self.call(named, path, **kwargs)
        return await self.request("POST", path, **kwargs)

    async def put(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("PUT", path, ...)``, or the handler declared as ``put``."""
        named = self.resource.named.get("put")
        if named is not None:
            return await self.call(named, path, **kwargs)
        return await self.request("PUT", path, **kwargs)

    async def patch(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("PATCH", path, ...)``, or the handler declared as ``patch``."""
        named = self.resource.named.get("patch")
        if named is not None:
            return await self.call(named, path, **kwargs)
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("DELETE", path, ...)``, or the handler declared as ``delete``."""
        named = self.resource.named.get("delete")
        if named is not None:
            return await self.call(named, path, **kwargs)
        return await self.request("DELETE", path, **kwargs)

    async def head(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("HEAD", path, ...)``, or the handler declared as ``head``."""
        named = self.resource.named.get("head")
        if named is not None:
            return await self.call(named, path, **kwargs)
        return await self.request("HEAD", path, **kwargs)

    async def options(self, path: str | None = None, /, **kwargs: Any) -> Response[Any]:
        """``request("OPTIONS", path, ...)``, or the handler declared as ``options``."""
        named = self.resource.named.get("options")
        if named is not None:
            return await self.call(named, path, **kwargs)
        return await self.request("OPTIONS", path, **kwargs)

    def handler(self, path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """
        Register a custom handler on this resource (arrest's ``@resource.handler``).

        ``@svc.users.handler("/media") async def fetch(self, url, *, meta_id)``
        makes ``await svc.users.fetch(meta_id=1)``; ``self`` is this bound
        resource (``self.client``, ``self.config``), ``url`` the full URL. The
        function returned calls it the same way, so ``await fetch(meta_id=1)``
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
