"""
The transport registry: name → factories, and what a client's ``transport=`` means.

A client's ``transport=`` is a registered name (``"httpx"``, ``"httpx2"``, and
``"aiohttp"``, async only), a backend's own client object that a registered entry
adopts (an ``httpx.AsyncClient`` or ``aiohttp.ClientSession`` for ``AsyncClient``,
an ``httpx.Client`` for ``Client``), or any object implementing
``AsyncTransport`` / ``Transport``. Each entry knows whether it has a sync form: the
sync ``Client`` refuses an async-only transport with an error naming ``AsyncClient``.
Backends are imported only when their factory runs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._exceptions import ConfigurationError

if TYPE_CHECKING:
    from .._transport_base import AsyncTransport, Transport

__all__ = [
    "TransportEntry",
    "make_async_transport",
    "make_transport",
    "register_transport",
    "transport_names",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportEntry:
    """
    One registered transport.

    Attributes:
        name: The name users pass as ``transport=``.
        async_factory: ``() -> AsyncTransport``, or ``None`` if there is no async form.
        sync_factory: ``() -> Transport``, or ``None`` if async only.
        adopt_async: ``(obj) -> AsyncTransport | None``: wrap a backend's own async
            client object given as ``transport=`` (``None``: not this entry's).
        adopt_sync: The same for the sync client.
    """

    name: str
    async_factory: Callable[[], AsyncTransport] | None = None
    sync_factory: Callable[[], Transport] | None = None
    adopt_async: Callable[[object], AsyncTransport | None] | None = None
    adopt_sync: Callable[[object], Transport | None] | None = None

    @property
    def async_only(self) -> bool:
        """Whether this transport has no sync form."""
        return self.sync_factory is None


_REGISTRY: dict[str, TransportEntry] = {}


def register_transport(
    name: str,
    *,
    async_factory: Callable[[], AsyncTransport] | None = None,
    sync_factory: Callable[[], Transport] | None = None,
    adopt_async: Callable[[object], AsyncTransport | None] | None = None,
    adopt_sync: Callable[[object], Transport | None] | None = None,
    replace: bool = False,
) -> TransportEntry:
    """
    Register a transport under ``name`` (``transport="name"`` then builds it).

    Args:
        name: The name, a non-empty ``str``.
        async_factory: Builds the async transport; ``None`` if there is none.
        sync_factory: Builds the sync transport; ``None`` for an async-only one.
        adopt_async: Wraps a backend client object given to ``AsyncClient``.
        adopt_sync: Wraps a backend client object given to ``Client``.
        replace: Allow replacing an existing entry. Default ``False``.

    Returns:
        The ``TransportEntry``.

    Raises:
        ConfigurationError: If ``name`` is taken (and not ``replace``), or neither
            factory is given.
    """
    if not name:
        raise ConfigurationError("transport name must be a non-empty str")
    if name in _REGISTRY and not replace:
        raise ConfigurationError(
            f"transport {name!r} is already registered: pass replace=True to replace it"
        )
    if async_factory is None and sync_factory is None:
        raise ConfigurationError(
            f"transport {name!r}: give async_factory=, sync_factory=, or both"
        )
    entry = TransportEntry(
        name=name,
        async_factory=async_factory,
        sync_factory=sync_factory,
        adopt_async=adopt_async,
        adopt_sync=adopt_sync,
    )
    _REGISTRY[name] = entry
    return entry


def transport_names() -> dict[str, TransportEntry]:
    """Return the registered transports, name → ``TransportEntry`` (a copy)."""
    return dict(_REGISTRY)


def _known() -> str:
    return ", ".join(repr(n) for n in sorted(_REGISTRY))


def make_async_transport(transport: object) -> AsyncTransport:
    """
    Turn ``AsyncClient(transport=...)`` into an ``AsyncTransport``.

    Raises:
        ConfigurationError: For an unknown name, a name with no async form, a sync
            backend client, or an object that is not a transport.
    """
    if isinstance(transport, str):
        entry = _REGISTRY.get(transport)
        if entry is None:
            raise ConfigurationError(
                f"transport={transport!r} is not known: use one of {_known()}, an "
                "AsyncTransport, or an httpx.AsyncClient"
            )
        if entry.async_factory is None:
            raise ConfigurationError(
                f"transport={transport!r} is sync only: use it with restwell.Client"
            )
        return entry.async_factory()
    for entry in _REGISTRY.values():
        if entry.adopt_async is not None:
            adopted = entry.adopt_async(transport)
            if adopted is not None:
                return adopted
    send = getattr(transport, "send", None)
    if callable(send) and not inspect.iscoroutinefunction(send):
        if callable(getattr(transport, "close", None)):
            raise ConfigurationError(
                f"transport={transport!r} is a sync transport (its send() is not "
                "async): use it with restwell.Client, or pass an AsyncTransport"
            )
    elif callable(send) and callable(getattr(transport, "aclose", None)):
        return transport  # type: ignore[return-value]  # checked structurally
    raise ConfigurationError(
        f"transport={transport!r} has no send(request) and aclose(): implement "
        "restwell.transports.AsyncTransport"
    )


def make_transport(transport: object) -> Transport:
    """
    Turn ``Client(transport=...)`` into a ``Transport``.

    Raises:
        ConfigurationError: For an unknown name, an async-only transport (the
            message names ``restwell.AsyncClient``), an async backend client, or an
            object that is not a transport.
    """
    if isinstance(transport, str):
        entry = _REGISTRY.get(transport)
        if entry is None:
            raise ConfigurationError(
                f"transport={transport!r} is not known: use one of {_known()}, a "
                "Transport, or an httpx.Client"
            )
        if entry.sync_factory is None:
            raise ConfigurationError(
                f"transport={transport!r} is async only: use restwell.AsyncClient, "
                "or a transport with a sync form with restwell.Client"
            )
        return entry.sync_factory()
    for entry in _REGISTRY.values():
        if entry.adopt_sync is not None:
            adopted = entry.adopt_sync(transport)
            if adopted is not None:
                return adopted
    send = getattr(transport, "send", None)
    if callable(send) and inspect.iscoroutinefunction(send):
        raise ConfigurationError(
            f"transport={transport!r} is an async transport (its send() is "
            "async): use restwell.AsyncClient"
        )
    if callable(send) and callable(getattr(transport, "close", None)):
        return transport  # type: ignore[return-value]  # checked structurally
    raise ConfigurationError(
        f"transport={transport!r} has no send(request) and close(): implement "
        "restwell.transports.Transport"
    )


def _httpx_adopter(want: str, other: str, client: str) -> Callable[[object], Any]:
    def adopt(obj: object) -> Any:
        module = type(obj).__module__.split(".")[0]
        if module not in ("httpx", "httpx2"):
            return None
        name = type(obj).__name__
        if name == other:
            raise ConfigurationError(
                f"transport={module}.{name}(): restwell.{client} needs a "
                f"{module}.{want}() (a {module}.{name} goes to "
                f"restwell.{'AsyncClient' if client == 'Client' else 'Client'})"
            )
        if name != want:
            raise ConfigurationError(
                f"transport={module}.{name} is not a {module}.{want}: pass a "
                f"{module}.{want}() to restwell.{client}"
            )
        if want == "AsyncClient":
            from .._async._transport_httpx import AsyncHttpxTransport

            return AsyncHttpxTransport(obj)  # type: ignore[arg-type]  # checked above
        from .._sync._transport_httpx import HttpxTransport

        return HttpxTransport(obj)  # type: ignore[arg-type]  # checked above

    return adopt


def _httpx_factories(backend: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    def make_async() -> Any:
        from .._async._transport_httpx import AsyncHttpxTransport

        return AsyncHttpxTransport(backend=backend)

    def make_sync() -> Any:
        from .._sync._transport_httpx import HttpxTransport

        return HttpxTransport(backend=backend)

    return make_async, make_sync


for _backend in ("httpx", "httpx2"):
    _a, _s = _httpx_factories(_backend)
    register_transport(
        _backend,
        async_factory=_a,
        sync_factory=_s,
        adopt_async=_httpx_adopter("AsyncClient", "Client", "AsyncClient")
        if _backend == "httpx"
        else None,
        adopt_sync=_httpx_adopter("Client", "AsyncClient", "Client")
        if _backend == "httpx"
        else None,
    )


def _aiohttp_factory() -> Any:
    from .._aio._transport_aiohttp import AiohttpTransport

    return AiohttpTransport()


def _aiohttp_adopter(obj: object) -> Any:
    """Borrow an ``aiohttp.ClientSession`` given as ``AsyncClient(transport=...)``."""
    if type(obj).__module__.split(".")[0] != "aiohttp":
        return None
    import aiohttp

    if not isinstance(obj, aiohttp.ClientSession):
        raise ConfigurationError(
            f"transport=aiohttp.{type(obj).__name__} is not an aiohttp.ClientSession: "
            "pass an aiohttp.ClientSession() to restwell.AsyncClient"
        )
    from .._aio._transport_aiohttp import AiohttpTransport

    return AiohttpTransport(obj)


def _aiohttp_refuse_sync(obj: object) -> Any:
    """Refuse an aiohttp object given to the sync ``Client``, naming AsyncClient."""
    if type(obj).__module__.split(".")[0] != "aiohttp":
        return None
    raise ConfigurationError(
        f"transport=aiohttp.{type(obj).__name__}: aiohttp is async only: use "
        "restwell.AsyncClient"
    )


register_transport(
    "aiohttp",
    async_factory=_aiohttp_factory,
    adopt_async=_aiohttp_adopter,
    adopt_sync=_aiohttp_refuse_sync,
)
