"""
Module-level functions (``restwell.get(url)``): one call, one short-lived client.

Convenient for scripts; for many calls, keep a client open (its pool reuses
connections). Source of ``_sync/_api.py``.

Typed like the client: ``model=User`` gives ``Response[User]``, no model gives
``Response[JSON]``, and the options are the client's ``MethodOptions``, so a misspelt
one is a type error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, Unpack, overload

from .._config import DEFAULT_DEADLINE, DEFAULT_TIMEOUT, UNSET
from .._models import Response, T
from .._types import JSON
from ..instrumentation._events import EventHook
from ._client import DEFAULT_RETRY, AsyncClient, MethodOptions

if TYPE_CHECKING:
    import httpx
    import httpx2

    from .._transport_base import AsyncTransport

    TransportArg: TypeAlias = (
        AsyncTransport | str | httpx.AsyncClient | httpx2.AsyncClient
    )
    """``transport=``: as for ``AsyncClient``."""

__all__ = ["delete", "get", "head", "options", "patch", "post", "put", "request"]


class _Options(MethodOptions, total=False):
    """The keyword arguments of the verbs but ``model``."""

    transport: TransportArg
    hooks: Sequence[EventHook] | None


@overload
async def request(
    method: str,
    url: str,
    *,
    model: type[T],
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[T]: ...


@overload
async def request(
    method: str,
    url: str,
    *,
    model: None = None,
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[JSON]: ...


async def request(
    method: str,
    url: str,
    *,
    model: type[T] | None = None,
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[Any]:
    """
    Send one request with retries, through a client opened and closed for it.

    Args:
        method: HTTP method.
        url: Absolute http(s) URL.
        model: A type to decode the JSON body into (a pydantic model,
            ``list[Model]``, …), as for ``AsyncClient.request``; then the result is
            ``Response[Model]``. Default ``None``: ``data`` is JSON or text.
        transport: ``"httpx"`` (default), another registered name, an
            ``AsyncTransport``, or an ``httpx.AsyncClient``; as for ``AsyncClient``.
        hooks: Event hooks ``(event) -> None`` (sync or async). Default ``None``:
            ``[LoggingHook()]``, as for ``AsyncClient``.
        **options: As for ``AsyncClient.request``: the request parts (``params``,
            ``headers``, ``content``, ``data``, ``json``, ``idempotency_key``) and
            the per-call options. ``timeout``, ``deadline``, ``retry``,
            ``raise_for_status`` and ``follow_redirects`` configure the client;
            left out (or ``UNSET``) they take a new client's defaults: per-attempt
            ``Timeout`` connect 5, read 10, write 10, pool 5 s; deadline 30.0 s;
            ``Retry()``, 3 attempts with exponential backoff and full jitter
            (``retry=None``: no retries); a 4xx/5xx response returned, not raised;
            redirects not followed.

    Returns:
        The ``Response`` (body read): ``Response[Model]`` for ``model=Model``.

    Raises:
        As ``AsyncClient.request``.
    """
    timeout = options.pop("timeout", UNSET)
    deadline = options.pop("deadline", UNSET)
    retry = options.pop("retry", UNSET)
    raise_for_status = options.pop("raise_for_status", UNSET)
    follow_redirects = options.pop("follow_redirects", UNSET)
    async with AsyncClient(
        timeout=DEFAULT_TIMEOUT if timeout is UNSET else timeout,
        deadline=DEFAULT_DEADLINE if deadline is UNSET else deadline,
        retry=DEFAULT_RETRY if retry is UNSET else retry,
        raise_for_status=False if raise_for_status is UNSET else raise_for_status,
        follow_redirects=False if follow_redirects is UNSET else follow_redirects,
        transport=transport,
        hooks=hooks,
    ) as client:
        return await client.request(method, url, model=model, **options)


@overload
async def get(
    url: str,
    *,
    model: type[T],
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[T]: ...


@overload
async def get(
    url: str,
    *,
    model: None = None,
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[JSON]: ...


async def get(
    url: str, *, model: type[T] | None = None, **options: Unpack[_Options]
) -> Response[Any]:
    """Send a GET with retries; arguments as ``request()``."""
    return await request("GET", url, model=model, **options)


@overload
async def head(
    url: str,
    *,
    model: type[T],
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[T]: ...


@overload
async def head(
    url: str,
    *,
    model: None = None,
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[JSON]: ...


async def head(
    url: str, *, model: type[T] | None = None, **options: Unpack[_Options]
) -> Response[Any]:
    """Send a HEAD with retries; arguments as ``request()``."""
    return await request("HEAD", url, model=model, **options)


@overload
async def options(
    url: str,
    *,
    model: type[T],
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[T]: ...


@overload
async def options(
    url: str,
    *,
    model: None = None,
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[JSON]: ...


async def options(
    url: str, *, model: type[T] | None = None, **options: Unpack[_Options]
) -> Response[Any]:
    """Send an OPTIONS with retries; arguments as ``request()``."""
    return await request("OPTIONS", url, model=model, **options)


@overload
async def delete(
    url: str,
    *,
    model: type[T],
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[T]: ...


@overload
async def delete(
    url: str,
    *,
    model: None = None,
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[JSON]: ...


async def delete(
    url: str, *, model: type[T] | None = None, **options: Unpack[_Options]
) -> Response[Any]:
    """Send a DELETE with retries; arguments as ``request()``."""
    return await request("DELETE", url, model=model, **options)


@overload
async def put(
    url: str,
    *,
    model: type[T],
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[T]: ...


@overload
async def put(
    url: str,
    *,
    model: None = None,
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[JSON]: ...


async def put(
    url: str, *, model: type[T] | None = None, **options: Unpack[_Options]
) -> Response[Any]:
    """Send a PUT with retries; arguments as ``request()``."""
    return await request("PUT", url, model=model, **options)


@overload
async def post(
    url: str,
    *,
    model: type[T],
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[T]: ...


@overload
async def post(
    url: str,
    *,
    model: None = None,
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[JSON]: ...


async def post(
    url: str, *, model: type[T] | None = None, **options: Unpack[_Options]
) -> Response[Any]:
    """
    Send a POST (retried only with an Idempotency-Key).

    Arguments as ``request()``.
    """
    return await request("POST", url, model=model, **options)


@overload
async def patch(
    url: str,
    *,
    model: type[T],
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[T]: ...


@overload
async def patch(
    url: str,
    *,
    model: None = None,
    transport: TransportArg = "httpx",
    hooks: Sequence[EventHook] | None = None,
    **options: Unpack[MethodOptions],
) -> Response[JSON]: ...


async def patch(
    url: str, *, model: type[T] | None = None, **options: Unpack[_Options]
) -> Response[Any]:
    """
    Send a PATCH (retried only with an Idempotency-Key).

    Arguments as ``request()``.
    """
    return await request("PATCH", url, model=model, **options)
