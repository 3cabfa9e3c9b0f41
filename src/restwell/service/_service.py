"""
``Service``: a named API (a base URL) and its resources, as arrest declares it.

The service is a description; calls go through a binding to a client. Used
directly (``await svc.users.get("/7")``), a service binds itself to an
``AsyncClient`` it opens on the first call and closes in ``aclose()`` (or given as
``client=``, borrowed and never closed). ``svc.bind(client)`` binds the same
description to another client: an ``AsyncClient`` for async calls, a ``Client``
for sync ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar, Unpack, overload

from .._exceptions import ConfigurationError
from .._urls import check_base_url
from ._resource import Resource, check_options

if TYPE_CHECKING:
    from .._async._binding import AsyncResourceBinding, AsyncServiceBinding
    from .._async._client import AsyncClient, RequestOptions
    from .._sync._binding import ServiceBinding
    from .._sync._client import Client

__all__ = ["Service"]


class Service:
    """
    A REST API: a name, a base URL, resources, and call options for all of them.

    Args:
        name: The service's name (for messages and repr).
        url: The base URL, absolute http(s): ``"https://api.example.com/v1"``.
        resources: Its ``Resource`` objects. Default none (``add_resource``).
        config: Call options for every call of this service (``timeout``,
            ``retry``, ``raise_for_status``, …, as ``RequestOptions``), layered
            over the client's and under each resource's. Default none.
        client: An ``AsyncClient`` to call through when the service is used
            directly; borrowed (never closed by the service). Default: one the
            service opens on its first call (``restwell.AsyncClient()`` with
            restwell's defaults: deadline 30 s, retries on 5xx/429 for
            idempotent methods, …) and closes in ``aclose()``.
        headers: Headers sent with every call of this service. Default none.
        **options: The same call options as ``config``, as keywords.

    Raises:
        ConfigurationError: For a URL that is not absolute http(s), an unknown
            option, or two resources with the same name.
    """

    __slots__ = (
        "_binding",
        "_client",
        "headers",
        "name",
        "options",
        "resources",
        "url",
    )
    _declared: ClassVar[tuple[Resource, ...]] = ()  # class attribute, not a slot

    def __init_subclass__(cls, **kwargs: object) -> None:
        """Collect the resources a subclass declares as attributes (typed form)."""
        super().__init_subclass__(**kwargs)
        cls._declared = (
            *cls._declared,
            *(v for v in vars(cls).values() if isinstance(v, Resource)),
        )

    def __init__(
        self,
        name: str,
        url: str,
        resources: Iterable[Resource] = (),
        *,
        config: RequestOptions | None = None,
        client: AsyncClient | None = None,
        headers: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        self.name = name
        self.url = check_base_url(url).rstrip("/")
        self.options = check_options({**(config or {}), **options}, f"service {name!r}")
        self.headers = dict(headers or {})
        self.resources: dict[str, Resource] = {}
        self._client = client
        self._binding: AsyncServiceBinding | None = None
        for resource in (*type(self)._declared, *resources):
            self.add_resource(resource)

    def __repr__(self) -> str:
        return f"<Service {self.name!r} {self.url!r}: {', '.join(self.resources)}>"

    def add_resource(self, resource: Resource) -> Resource:
        """
        Add a resource, reachable as ``svc.<resource.name>``.

        Raises:
            ConfigurationError: If it is not a ``Resource``, or the name is taken
                (or clashes with the service's own attributes).
        """
        if not isinstance(resource, Resource):
            raise ConfigurationError(
                f"service {self.name!r}: {resource!r} is not a restwell Resource"
            )
        if resource.name in self.resources:
            raise ConfigurationError(
                f"service {self.name!r} already has a resource {resource.name!r}"
            )
        if hasattr(type(self), resource.name) and not isinstance(
            vars(type(self)).get(resource.name), Resource
        ):
            raise ConfigurationError(
                f"resource name {resource.name!r} clashes with Service.{resource.name}:"
                " pass name='...' to the Resource"
            )
        self.resources[resource.name] = resource
        if self._binding is not None:
            self._binding._resources.pop(resource.name, None)
        return resource

    # -- binding -------------------------------------------------------------
    @overload
    def bind(self, client: AsyncClient) -> AsyncServiceBinding: ...
    @overload
    def bind(self, client: Client) -> ServiceBinding: ...
    def bind(
        self, client: AsyncClient | Client
    ) -> AsyncServiceBinding | ServiceBinding:
        """
        This service, called through ``client`` (borrowed: never closed by it).

        ``svc.bind(restwell.Client(...))`` gives the sync form:
        ``svc.bind(client).users.get("/7")`` returns a ``Response``.

        Raises:
            ConfigurationError: If ``client`` is not a restwell client.
        """
        from .._async._binding import AsyncServiceBinding
        from .._async._client import AsyncClient
        from .._sync._binding import ServiceBinding
        from .._sync._client import Client

        if isinstance(client, AsyncClient):
            return AsyncServiceBinding(self, client)
        if isinstance(client, Client):
            return ServiceBinding(self, client)
        raise ConfigurationError(
            f"bind({client!r}): give a restwell.AsyncClient or restwell.Client"
        )

    def _default(self) -> AsyncServiceBinding:
        binding = self._binding
        if binding is None:
            from .._async._binding import AsyncServiceBinding

            binding = self._binding = AsyncServiceBinding(self, self._client)
        return binding

    def __getattr__(self, name: str) -> AsyncResourceBinding:
        # Only called for names not found normally: resources, else AttributeError.
        if name.startswith("__") or name not in self.resources:
            known = ", ".join(self.resources) or "none"
            raise AttributeError(
                f"service {self.name!r} has no resource {name!r}; its resources: "
                f"{known}"
            )
        return self._default().resource(name)

    @property
    def client(self) -> AsyncClient:
        """The ``AsyncClient`` direct calls go through (opened on first use)."""
        return self._default().client

    async def aclose(self) -> None:
        """Close the client the service opened (a borrowed one stays open)."""
        if self._binding is not None:
            await self._binding.aclose()

    async def __aenter__(self) -> Service:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
