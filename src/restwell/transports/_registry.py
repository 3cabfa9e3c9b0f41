"""
The transport registry: name → factories, and what a client's ``transport=`` means.

A client's ``transport=`` is a registered name (``"httpx"``, ``"httpx2"``,
``"pyreqwest"`` (the ``restwell[pyreqwest]`` extra), and ``"aiohttp"``, async only),
a backend's own client object that a registered entry adopts (an
``httpx.AsyncClient``, ``aiohttp.ClientSession`` or ``pyreqwest.client.Client`` for
``AsyncClient``, an ``httpx.Client`` or ``pyreqwest.client.SyncClient`` for
``Client``), or any object implementing
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
from ._options import TransportOptions

if TYPE_CHECKING:
    from .._transport_base import AsyncTransport, Transport

__all__ = [
    "ASYNC_DEFAULT_TRANSPORT",
    "OPTION_NAMES",
    "SYNC_DEFAULT_TRANSPORT",
    "TransportEntry",
    "make_async_transport",
    "make_transport",
    "register_transport",
    "transport_names",
]


ASYNC_DEFAULT_TRANSPORT = "aiohttp"
"""The transport ``AsyncClient`` uses when ``transport=`` is not given: aiohttp
(the async default for speed, DESIGN.md). It runs on asyncio only: under trio it
sends with httpx (see ``AiohttpTransport``)."""
SYNC_DEFAULT_TRANSPORT = "httpx"
"""The transport ``Client`` uses when ``transport=`` is not given."""
OPTION_NAMES = frozenset({"verify", "cert", "proxy", "http2", "limits"})
"""The client-level connection options (``TransportOptions``' fields)."""

_NO_OPTIONS = TransportOptions()


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportEntry:
    """
    One registered transport.

    Attributes:
        name: The name users pass as ``transport=``.
        async_factory: ``(TransportOptions) -> AsyncTransport``, or ``None`` if
            there is no async form.
        sync_factory: ``(TransportOptions) -> Transport``, or ``None`` if async only.
        adopt_async: ``(obj) -> AsyncTransport | None``: wrap a backend's own async
            client object given as ``transport=`` (``None``: not this entry's).
        adopt_sync: The same for the sync client.
        supports: The client-level options (``OPTION_NAMES``) the factories
            honour; a client given another one raises ``ConfigurationError``.
    """

    name: str
    async_factory: Callable[[TransportOptions], AsyncTransport] | None = None
    sync_factory: Callable[[TransportOptions], Transport] | None = None
    adopt_async: Callable[[object], AsyncTransport | None] | None = None
    adopt_sync: Callable[[object], Transport | None] | None = None
    supports: frozenset[str] = frozenset()

    @property
    def async_only(self) -> bool:
        """Whether this transport has no sync form."""
        return self.sync_factory is None


_REGISTRY: dict[str, TransportEntry] = {}


def register_transport(
    name: str,
    *,
    async_factory: Callable[[TransportOptions], AsyncTransport] | None = None,
    sync_factory: Callable[[TransportOptions], Transport] | None = None,
    adopt_async: Callable[[object], AsyncTransport | None] | None = None,
    adopt_sync: Callable[[object], Transport | None] | None = None,
    supports: frozenset[str] | set[str] = frozenset(),
    replace: bool = False,
) -> TransportEntry:
    """
    Register a transport under ``name`` (``transport="name"`` then builds it).

    Args:
        name: The name, a non-empty ``str``.
        async_factory: ``(TransportOptions) -> AsyncTransport``, called once per
            client; ``None`` if there is no async form.
        sync_factory: ``(TransportOptions) -> Transport``; ``None`` for an
            async-only one.
        adopt_async: Wraps a backend client object given to ``AsyncClient``.
        adopt_sync: Wraps a backend client object given to ``Client``.
        supports: The names among ``OPTION_NAMES`` (``verify``, ``cert``,
            ``proxy``, ``http2``, ``limits``) the factories honour. Default none:
            a client given any of them refuses this transport.
        replace: Allow replacing an existing entry. Default ``False``.

    Returns:
        The ``TransportEntry``.

    Raises:
        ConfigurationError: If ``name`` is taken (and not ``replace``), neither
            factory is given, or ``supports`` names an unknown option.
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
    unknown = set(supports) - OPTION_NAMES
    if unknown:
        raise ConfigurationError(
            f"transport {name!r}: supports={sorted(unknown)} are not client options; "
            f"use names among {sorted(OPTION_NAMES)}"
        )
    entry = TransportEntry(
        name=name,
        async_factory=async_factory,
        sync_factory=sync_factory,
        adopt_async=adopt_async,
        adopt_sync=adopt_sync,
        supports=frozenset(supports),
    )
    _REGISTRY[name] = entry
    return entry


def transport_names() -> dict[str, TransportEntry]:
    """Return the registered transports, name → ``TransportEntry`` (a copy)."""
    return dict(_REGISTRY)


def _known() -> str:
    return ", ".join(repr(n) for n in sorted(_REGISTRY))


def _check_options(entry: TransportEntry, options: TransportOptions) -> None:
    """Refuse an option ``entry`` does not honour, naming the transports that do."""
    for name in options.given():
        if name not in entry.supports:
            others = sorted(
                n
                for n, e in _REGISTRY.items()
                if name in e.supports and e.async_only == entry.async_only
            ) or sorted(n for n, e in _REGISTRY.items() if name in e.supports)
            hint = (
                f"use transport={' or '.join(map(repr, others))}"
                if others
                else "no registered transport supports it"
            )
            default = (
                " (AsyncClient's default)"
                if entry.name == ASYNC_DEFAULT_TRANSPORT and entry.async_only
                else ""
            )
            raise ConfigurationError(
                f"{name}= is not supported by transport={entry.name!r}{default}: "
                f"{hint}, or drop {name}="
            )


def _refuse_options(transport: object, options: TransportOptions) -> None:
    """A transport object is configured by whoever built it, not by the client."""
    given = options.given()
    if given:
        names = ", ".join(f"{n}=" for n in given)
        raise ConfigurationError(
            f"{names} given with transport={type(transport).__name__} object: "
            "configure the transport (or the backend client) you pass, or pass "
            "transport by name (such as 'httpx') and keep the options on the client"
        )


def make_async_transport(
    transport: object, options: TransportOptions = _NO_OPTIONS
) -> AsyncTransport:
    """
    Turn ``AsyncClient(transport=..., verify=..., ...)`` into an ``AsyncTransport``.

    Raises:
        ConfigurationError: For an unknown name, a name with no async form, a sync
            backend client, an object that is not a transport, an option the
            named transport does not support, or any option with an object.
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
        _check_options(entry, options)
        return entry.async_factory(options)
    _refuse_options(transport, options)
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


def make_transport(
    transport: object, options: TransportOptions = _NO_OPTIONS
) -> Transport:
    """
    Turn ``Client(transport=..., verify=..., ...)`` into a ``Transport``.

    Raises:
        ConfigurationError: For an unknown name, an async-only transport (the
            message names ``restwell.AsyncClient``), an async backend client, an
            object that is not a transport, an option the named transport does
            not support, or any option with an object.
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
        _check_options(entry, options)
        return entry.sync_factory(options)
    _refuse_options(transport, options)
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


def httpx_kwargs(options: TransportOptions, backend: str) -> dict[str, Any]:
    """
    The ``httpx.AsyncClient``/``Client`` keyword arguments for ``options``.

    Only the options given are passed; without ``limits`` the transport picks the
    pool limits (``Limits(100, 100)``, see ``AsyncHttpxTransport``: not httpx's
    ``Limits(100, 20)``). ``verify``/``cert`` become one
    ``ssl.SSLContext`` (``ssl_context``): httpx 0.28 deprecated its string forms.
    """
    from ._options import ssl_context

    given = options.given()
    kwargs: dict[str, Any] = {}
    if "verify" in given or "cert" in given or "http2" in given:
        kwargs["verify"] = ssl_context(options)
    if "proxy" in given:
        kwargs["proxy"] = options.proxy
    if "http2" in given:
        kwargs["http2"] = True
    limits = options.limits
    if limits is not None:
        from .._async._transport_httpx import _import_backend

        kwargs["limits"] = _import_backend(backend).Limits(
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.keepalive,
            keepalive_expiry=limits.keepalive_expiry,
        )
    return kwargs


def _httpx_factories(
    backend: str,
) -> tuple[Callable[[TransportOptions], Any], Callable[[TransportOptions], Any]]:
    def make_async(options: TransportOptions) -> Any:
        from .._async._transport_httpx import AsyncHttpxTransport

        return AsyncHttpxTransport(backend=backend, **httpx_kwargs(options, backend))

    def make_sync(options: TransportOptions) -> Any:
        from .._sync._transport_httpx import HttpxTransport

        return HttpxTransport(backend=backend, **httpx_kwargs(options, backend))

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
        supports=OPTION_NAMES,
    )


def _aiohttp_factory(options: TransportOptions) -> Any:
    """``AiohttpTransport`` for ``verify``/``cert``/``proxy``/``limits`` (no HTTP/2)."""
    from .._aio._transport_aiohttp import AiohttpTransport

    return AiohttpTransport(
        verify=options.verify,
        cert=options.cert,
        proxy=options.proxy,
        limits=options.limits,
    )


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
    supports={"verify", "cert", "proxy", "limits"},  # aiohttp has no HTTP/2
)


def _pyreqwest_async_factory(options: TransportOptions) -> Any:
    from .._async._transport_pyreqwest import AsyncPyreqwestTransport

    return AsyncPyreqwestTransport(options=options)


def _pyreqwest_sync_factory(options: TransportOptions) -> Any:
    from .._sync._transport_pyreqwest import PyreqwestTransport

    return PyreqwestTransport(options=options)


def _pyreqwest_adopter(client: str) -> Callable[[object], Any]:
    """Borrow a pyreqwest client given as ``transport=`` (the right world's)."""

    def adopt(obj: object) -> Any:
        if type(obj).__module__.split(".")[0] != "pyreqwest":
            return None
        from .._pyreqwest import is_async_client, is_sync_client

        name = type(obj).__name__
        if client == "AsyncClient":
            if is_async_client(obj):
                from .._async._transport_pyreqwest import AsyncPyreqwestTransport

                return AsyncPyreqwestTransport(obj)  # type: ignore[arg-type]  # checked above
            want, other = "Client", "restwell.Client"
        else:
            if is_sync_client(obj):
                from .._sync._transport_pyreqwest import PyreqwestTransport

                return PyreqwestTransport(obj)  # type: ignore[arg-type]  # checked above
            want, other = "SyncClient", "restwell.AsyncClient"
        hint = (
            f" (a pyreqwest.client.{name} goes to {other})"
            if name in ("Client", "SyncClient")
            else ""
        )
        raise ConfigurationError(
            f"transport=pyreqwest.{name}: restwell.{client} needs a "
            f"pyreqwest.client.{want}{hint}"
        )

    return adopt


register_transport(
    "pyreqwest",
    async_factory=_pyreqwest_async_factory,
    sync_factory=_pyreqwest_sync_factory,
    adopt_async=_pyreqwest_adopter("AsyncClient"),
    adopt_sync=_pyreqwest_adopter("Client"),
    supports=OPTION_NAMES,
)
