"""
Client-level connection settings that mean the same on every transport.

``AsyncClient(verify=, cert=, proxy=, http2=, limits=)`` (and ``Client``) gather
them into one ``TransportOptions``, handed to the registered factory of the
transport named by ``transport=``. Each registry entry lists the options it
supports (``TransportEntry.supports``); a client given an option its transport
does not support raises ``ConfigurationError`` naming the transports that do,
instead of dropping it. A transport object the user built (or a backend client
they lent) is configured by its owner: giving these options with one is an error.

``ssl_context(options)`` turns ``verify``/``cert`` into one ``ssl.SSLContext``,
so every backend that takes a context (httpx, httpx2, aiohttp) verifies the same
way.
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass, fields
from typing import TypeAlias

from .._exceptions import ConfigurationError

__all__ = [
    "CertTypes",
    "Limits",
    "TransportOptions",
    "VerifyTypes",
    "ssl_context",
]

VerifyTypes: TypeAlias = bool | str | os.PathLike[str] | ssl.SSLContext
"""``verify=``: ``True`` (system CAs), ``False`` (no verification: never in
production), a CA bundle path (PEM file or directory), or an ``ssl.SSLContext``."""

CertTypes: TypeAlias = str | tuple[str, str] | tuple[str, str, str]
"""``cert=``: a client certificate for mutual TLS: a PEM file holding certificate
and key, ``(certfile, keyfile)``, or ``(certfile, keyfile, password)``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """
    Connection pool limits of a transport restwell creates.

    Attributes:
        max_connections: Most connections open at once, across hosts (``int`` >= 1),
            or ``None`` for no limit. Default 100. A request beyond it waits for a
            free connection up to the ``pool`` timeout (``PoolTimeout`` after).
        max_keepalive_connections: Most idle connections kept for reuse
            (``int`` >= 0), or ``None`` for as many as ``max_connections``.
            Default ``None``. aiohttp and pyreqwest keep every idle connection up
            to their total; on them only ``None`` or a value equal to
            ``max_connections`` is accepted.
        keepalive_expiry: Seconds an idle connection is kept (``float`` > 0), or
            ``None`` for the backend's default. Default 5.0.

    Raises:
        ConfigurationError: For a value out of range.
    """

    max_connections: int | None = 100
    max_keepalive_connections: int | None = None
    keepalive_expiry: float | None = 5.0

    def __post_init__(self) -> None:
        total: object = self.max_connections
        if total is not None and (
            isinstance(total, bool) or not isinstance(total, int) or total < 1
        ):
            raise ConfigurationError(
                f"Limits(max_connections={total!r}) must be an int >= 1, or None "
                "for no limit"
            )
        idle: object = self.max_keepalive_connections
        if idle is not None and (
            isinstance(idle, bool) or not isinstance(idle, int) or idle < 0
        ):
            raise ConfigurationError(
                f"Limits(max_keepalive_connections={idle!r}) must be an int >= 0, "
                "or None for as many as max_connections"
            )
        expiry: object = self.keepalive_expiry
        if expiry is not None and (
            isinstance(expiry, bool)
            or not isinstance(expiry, int | float)
            or not expiry > 0
        ):
            raise ConfigurationError(
                f"Limits(keepalive_expiry={expiry!r}) must be seconds > 0, or None "
                "for the backend's default"
            )

    @property
    def keepalive(self) -> int | None:
        """Idle connections kept: ``max_keepalive_connections``, else the total."""
        idle = self.max_keepalive_connections
        return self.max_connections if idle is None else idle


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportOptions:
    """
    The connection settings a client passes to its transport's factory.

    Attributes:
        verify: ``VerifyTypes``. Default ``True``: the system's CAs (through
            ``ssl.create_default_context()``).
        cert: ``CertTypes`` or ``None`` (no client certificate). Default ``None``.
        proxy: A proxy URL (``"http://127.0.0.1:3128"``, userinfo allowed), or
            ``None``. Default ``None``: no proxy (environment variables such as
            ``HTTPS_PROXY`` are not read: a client's proxy is what its code says).
        http2: Offer HTTP/2 (ALPN ``h2`` and ``http/1.1`` on TLS; plain
            ``http://`` stays HTTP/1.1). Default ``False``. httpx and httpx2 need
            ``h2`` (``pip install "restwell[http2]"``).
        limits: ``Limits`` for a pool restwell creates, or ``None`` for the
            transport's own default (each transport's docstring says what it
            picks and why). Default ``None``.

    Raises:
        ConfigurationError: For a value of the wrong type.
    """

    verify: VerifyTypes = True
    cert: CertTypes | None = None
    proxy: str | None = None
    http2: bool = False
    limits: Limits | None = None

    def __post_init__(self) -> None:
        verify: object = self.verify
        if not isinstance(verify, bool | str | os.PathLike | ssl.SSLContext):
            raise ConfigurationError(
                f"verify={verify!r} must be True, False, a CA bundle path, or an "
                "ssl.SSLContext"
            )
        cert: object = self.cert
        if cert is not None and not (
            isinstance(cert, str)
            or (
                isinstance(cert, tuple)
                and len(cert) in (2, 3)
                and all(isinstance(part, str) for part in cert)
            )
        ):
            raise ConfigurationError(
                f"cert={cert!r} must be a PEM path, (certfile, keyfile), or "
                "(certfile, keyfile, password)"
            )
        proxy: object = self.proxy
        if proxy is not None and (not isinstance(proxy, str) or "://" not in proxy):
            raise ConfigurationError(
                f"proxy={proxy!r} must be a proxy URL such as "
                "'http://127.0.0.1:3128', or None"
            )
        if not isinstance(self.http2, bool):
            raise ConfigurationError(f"http2={self.http2!r} must be True or False")
        limits: object = self.limits
        if limits is not None and not isinstance(limits, Limits):
            raise ConfigurationError(
                f"limits={limits!r} must be a restwell.transports.Limits, or None"
            )

    def given(self) -> tuple[str, ...]:
        """The names of the options that differ from their defaults, in order."""
        return tuple(
            f.name
            for f in fields(self)
            if getattr(self, f.name) is not f.default
            and getattr(self, f.name) != f.default
        )


def ssl_context(options: TransportOptions) -> ssl.SSLContext:
    """
    The ``ssl.SSLContext`` for ``options.verify`` and ``options.cert``.

    A given ``SSLContext`` is returned as is, never changed (a ``cert`` must then
    be loaded into it by its owner).
    A CA path builds ``ssl.create_default_context(cafile=...)`` (or ``capath=``
    for a directory); ``False`` turns verification off (``check_hostname`` off,
    ``CERT_NONE``). The ALPN protocols offered are ``h2`` and ``http/1.1`` when
    ``options.http2``, else ``http/1.1``.

    Raises:
        ConfigurationError: If the CA bundle or the certificate cannot be loaded
            (the message names the file, never a password), or ``cert`` comes
            with an ``SSLContext``.
    """
    verify = options.verify
    cert = options.cert
    if isinstance(verify, ssl.SSLContext):
        if cert is not None:
            raise ConfigurationError(
                "cert= with verify=<ssl.SSLContext>: load the client certificate "
                "into your context (context.load_cert_chain(...)) and drop cert="
            )
        return verify
    else:
        try:
            if verify is True:
                context = ssl.create_default_context()
            elif verify is False:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            elif os.path.isdir(verify):
                context = ssl.create_default_context(capath=verify)
            else:
                context = ssl.create_default_context(cafile=verify)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(
                f"verify={verify!r}: cannot load this CA bundle "
                f"({type(exc).__name__}: {exc.strerror or exc}); give a PEM file or "
                "directory of CA certificates"
            ) from None
    context.set_alpn_protocols(["h2", "http/1.1"] if options.http2 else ["http/1.1"])
    if cert is not None:
        certfile, keyfile, password = (
            (cert, None, None)
            if isinstance(cert, str)
            else (cert[0], cert[1], cert[2] if len(cert) == 3 else None)
        )
        try:
            context.load_cert_chain(certfile, keyfile, password)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(
                f"cert=: cannot load the client certificate {certfile!r} "
                f"(key {keyfile!r}): {type(exc).__name__}; give PEM files, and the "
                "key's password as the third item if it is encrypted"
            ) from None
    return context
