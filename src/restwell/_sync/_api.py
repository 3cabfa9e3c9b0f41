# GENERATED from src/restwell/_async/_api.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
Module-level functions (``restwell.get(url)``): one call, one short-lived client.

Convenient for scripts; for many calls, keep a client open (its pool reuses
connections). Source of ``_sync/_api.py``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .._config import DEFAULT_DEADLINE, DEFAULT_TIMEOUT
from ..policies._retry import Retry
from ._client import DEFAULT_RETRY, Client, TimeoutArg

__all__ = ["delete", "get", "head", "options", "patch", "post", "put", "request"]


def request(
    method: str,
    url: str,
    *,
    timeout: TimeoutArg = DEFAULT_TIMEOUT,
    deadline: float | timedelta | None = DEFAULT_DEADLINE,
    retry: Retry | None = DEFAULT_RETRY,
    raise_for_status: bool = False,
    follow_redirects: bool = False,
    transport: Any = "httpx",
    hooks: Any = None,
    **kwargs: Any,
) -> Any:
    """
    Send one request with retries, through a client opened and closed for it.

    Args:
        method: HTTP method.
        url: Absolute http(s) URL.
        timeout: Per-attempt ``Timeout`` (or seconds for every phase, or ``None``).
            Default connect 5, read 10, write 10, pool 5 s.
        deadline: Total seconds for the call, across attempts and waits; it also
            cuts the running attempt short. ``None`` disables. Default 30.0.
        retry: The ``Retry`` policy (``None``: no retries). Default ``Retry()``:
            3 attempts, exponential backoff with full jitter.
        raise_for_status: Raise ``HTTPStatusError`` for a final 4xx/5xx response.
            Default ``False``: the response is returned.
        follow_redirects: Follow 301/302/303/307/308. Default ``False``.
        transport: ``"httpx"`` (default), ``"httpx2"``, a ``Transport``, or
            an ``httpx.Client``; as for ``Client``.
        hooks: Event hooks ``(event) -> None`` (sync or async). Default ``None``:
            ``[LoggingHook()]``, as for ``Client``.
        **kwargs: ``params``, ``headers``, ``content``, ``data``, ``json``,
            ``idempotency_key``, ``model``: as for ``Client.request``.

    Returns:
        The ``Response`` (body read).

    Raises:
        As ``Client.request``.
    """
    with Client(
        timeout=timeout,
        deadline=deadline,
        retry=retry,
        raise_for_status=raise_for_status,
        follow_redirects=follow_redirects,
        transport=transport,
        hooks=hooks,
    ) as client:
        return client.request(method, url, **kwargs)


def get(url: str, **kwargs: Any) -> Any:
    """Send a GET with retries; arguments as ``request()``."""
    return request("GET", url, **kwargs)


def head(url: str, **kwargs: Any) -> Any:
    """Send a HEAD with retries; arguments as ``request()``."""
    return request("HEAD", url, **kwargs)


def options(url: str, **kwargs: Any) -> Any:
    """Send an OPTIONS with retries; arguments as ``request()``."""
    return request("OPTIONS", url, **kwargs)


def delete(url: str, **kwargs: Any) -> Any:
    """Send a DELETE with retries; arguments as ``request()``."""
    return request("DELETE", url, **kwargs)


def put(url: str, **kwargs: Any) -> Any:
    """Send a PUT with retries; arguments as ``request()``."""
    return request("PUT", url, **kwargs)


def post(url: str, **kwargs: Any) -> Any:
    """
    Send a POST (retried only with an Idempotency-Key).

    Arguments as ``request()``.
    """
    return request("POST", url, **kwargs)


def patch(url: str, **kwargs: Any) -> Any:
    """
    Send a PATCH (retried only with an Idempotency-Key).

    Arguments as ``request()``.
    """
    return request("PATCH", url, **kwargs)
