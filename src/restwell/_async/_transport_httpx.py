"""
The httpx transport (async): restwell's ``AsyncTransport`` over ``httpx.AsyncClient``.

Also drives ``httpx2`` (same API): the module is taken from the client passed in,
or chosen by ``backend="httpx2"``. Lifecycle follows aresilient: a client passed in
that is already open is *borrowed* and never closed by restwell; one passed in unopened
(or created here) is *owned* and closed by ``aclose()``.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from .._exceptions import ConfigurationError, ReadTimeout
from .._httpx_errors import map_httpx_error
from .._models import Headers, Request, Response
from .._types import JSON, HeaderTypes
from .._version import USER_AGENT

if TYPE_CHECKING:
    import httpx
    import httpx2

    from .._context import CallContext

__all__ = ["AsyncHttpxTransport"]


class _AsyncHttpxStream:
    """An ``httpx.Response`` body as an ``AsyncResponseStream``, errors mapped."""

    __slots__ = ("_raw", "_request")

    def __init__(self, raw: Any, request: Request) -> None:
        self._raw = raw
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._raw.aiter_bytes():
                yield chunk
        except Exception as exc:
            mapped = map_httpx_error(exc, self._request)
            if mapped is exc:
                raise
            raise mapped from exc

    async def aread(self) -> bytes:
        """
        Read the whole body; stop once the call's deadline has passed.

        The deadline is ``request.context.deadline_at`` (monotonic seconds): one
        loop over httpx's own chunks checks it, so a body trickling in under each
        read timeout still ends.

        Raises:
            ReadTimeout: The deadline passed while the body was still arriving.
            TransportError: A mapped httpx error.
        """
        ctx: CallContext | None = self._request.context  # None: sent without a client
        deadline_at = None if ctx is None else ctx.deadline_at
        raw = self._raw
        try:
            if deadline_at is None:
                return await raw.aread()  # type: ignore[no-any-return]  # httpx is untyped here
            monotonic = ctx.clock.monotonic  # type: ignore[union-attr]  # deadline_at implies ctx
            chunks: list[bytes] = []
            async for chunk in raw.aiter_bytes():
                chunks.append(chunk)
                if monotonic() >= deadline_at:
                    raise _late(self._request)  # noqa: TRY301 - handled just below
        except ReadTimeout:
            await raw.aclose()
            raise
        except Exception as exc:
            await raw.aclose()
            mapped = map_httpx_error(exc, self._request)
            if mapped is exc:
                raise
            raise mapped from exc
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def aclose(self) -> None:
        await self._raw.aclose()


class AsyncHttpxTransport:
    """
    Send requests with ``httpx.AsyncClient`` (or ``httpx2.AsyncClient``).

    Args:
        client: An ``httpx.AsyncClient`` / ``httpx2.AsyncClient`` to use. Already
            open (inside its own ``async with``): borrowed, never closed by restwell.
            Not yet open: owned, closed by ``aclose()``. Default: a new one, owned.
            Its headers, cookies, auth and TLS settings apply to every request;
            its redirect following is bypassed (restwell follows redirects itself).
        backend: ``"httpx"`` or ``"httpx2"``, when ``client`` is not given.
            Default ``"httpx"``.
        owns_client: Override the open/unopened rule above. Default ``None``.
        **client_kwargs: Passed to the new client when ``client`` is not given
            (``verify``, ``limits``, ``http2``, ``proxy``, …). TLS verification
            stays on unless you turn it off.

    Raises:
        ConfigurationError: If ``backend`` is unknown or its package is missing, or
            both ``client`` and ``client_kwargs`` are given.
    """

    __slots__ = ("_build", "_client", "_owns", "_send", "module")

    def __init__(
        self,
        client: httpx.AsyncClient | httpx2.AsyncClient | None = None,
        *,
        backend: str = "httpx",
        owns_client: bool | None = None,
        **client_kwargs: object,
    ) -> None:
        # httpx and httpx2 share one API, used duck-typed from here on.
        backend_client: Any = client
        if backend_client is not None:
            if client_kwargs:
                raise ConfigurationError(
                    f"AsyncHttpxTransport got a client and {sorted(client_kwargs)}: "
                    "configure the client you pass, or pass only keyword arguments"
                )
            self.module = importlib.import_module(
                type(backend_client).__module__.split(".")[0]
            )
            opened = (
                getattr(getattr(backend_client, "_state", None), "name", "") == "OPENED"
            )
            self._owns = (not opened) if owns_client is None else owns_client
        else:
            if backend not in ("httpx", "httpx2"):
                raise ConfigurationError(
                    f"backend={backend!r} is not an httpx backend: "
                    "use 'httpx' or 'httpx2'"
                )
            self.module = _import_backend(backend)
            client_kwargs.setdefault("follow_redirects", False)
            client_kwargs["headers"] = (
                Headers({"User-Agent": USER_AGENT})
                .merged(cast("HeaderTypes", client_kwargs.get("headers")))
                .multi_items()
            )
            backend_client = self.module.AsyncClient(**client_kwargs)
            self._owns = True if owns_client is None else owns_client
        self._client: httpx.AsyncClient | httpx2.AsyncClient = backend_client
        self._build = backend_client.build_request
        self._send = backend_client.send

    @property
    def client(self) -> httpx.AsyncClient | httpx2.AsyncClient:
        """The underlying ``httpx.AsyncClient`` (for what restwell does not wrap)."""
        return self._client

    @property
    def owns_client(self) -> bool:
        """Whether ``aclose()`` closes the underlying client."""
        return self._owns

    async def send(self, request: Request) -> Response[JSON]:
        """
        Send ``request`` once; return the response with its body unread.

        Raises:
            TransportError: A subclass matching the httpx error (``ConnectError``,
                ``ReadTimeout``, ``ProtocolError``, …); the httpx error is
                ``__cause__``.
            InvalidURL: If httpx cannot send to the URL.
        """
        try:
            headers = request.headers
            raw_request = self._build(
                request.method,
                request.url,
                headers=headers.multi_items() if headers else None,
                content=request.content,
                extensions={"timeout": request.timeout.as_dict()},
            )
            raw = await self._send(raw_request, stream=True, follow_redirects=False)
        except Exception as exc:
            mapped = map_httpx_error(exc, request)
            if mapped is exc:
                raise
            raise mapped from exc
        return Response.streamed(
            raw.status_code,
            Headers.from_raw(raw.headers),
            _AsyncHttpxStream(raw, request),
            request,
            raw,
        )

    async def aclose(self) -> None:
        """Close the underlying client if restwell owns it; otherwise do nothing."""
        if self._owns:
            await self._client.aclose()

    def __repr__(self) -> str:
        how = "owned" if self._owns else "borrowed"
        return f"<AsyncHttpxTransport {self.module.__name__} ({how})>"


def _late(request: Request) -> ReadTimeout:
    return ReadTimeout(
        "the deadline passed while the response body was arriving", request=request
    )


def _import_backend(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ConfigurationError(
            f"transport backend {name!r} is not installed: "
            f"pip install 'restwell[{name}]'"
        ) from exc
