# GENERATED from src/restwell/_async/_paginate.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The pagination driver: pages of a list endpoint, one call each.

This file is the source of the sync ``paginate`` (``scripts/unasync.py`` generates
``_sync/_paginate.py``). The strategies (where the next page is) are sans-IO, in
``restwell.pagination``; this module only sends, decodes and counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .._exceptions import ConfigurationError, RedirectError
from .._models import Response, _adapter
from .._redact import redact_url
from .._urls import same_origin
from ..pagination import ItemsPath, LinkHeader, PaginationStrategy, dig

if TYPE_CHECKING:
    from ._client import Client

__all__ = ["paginate"]


def _check_limit(name: str, given: int | None) -> None:
    value: object = given
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or value < 1
    ):
        raise ConfigurationError(f"{name}={value!r} must be an int >= 1, or None")


def _items(
    response: Response[Any], items: ItemsPath, model: Any
) -> tuple[list[Any], Any]:
    """A page's items (decoded into ``model`` when given) and its parsed body."""
    if items is None and model is not None:  # the body is the list: decode at once
        return _adapter(list[model]).validate_json(response.content or b"[]"), None
    body = response.json() if response.content else None
    if items is None:
        found = body
    elif callable(items):
        found = items(body)
    else:
        found = dig(body, items)
    if found is None:
        return [], body
    if not isinstance(found, list | tuple):
        where = "the body" if items is None else f"items={items!r}"
        raise ConfigurationError(
            f"pagination: {where} is a {type(found).__name__}, not a list: give "
            "items= the key path of the list (e.g. items='data')"
        )
    if model is not None:
        return _adapter(list[model]).validate_python(found), body
    return list(found), body


def paginate(
    client: Client,
    method: str,
    url: str,
    *,
    strategy: PaginationStrategy | None,
    items: ItemsPath,
    model: Any,
    pages: bool,
    max_pages: int | None,
    max_items: int | None,
    params: Mapping[str, Any] | None,
    send: Callable[..., Any] | None = None,
    **options: Any,
) -> Iterator[Any]:
    """
    Yield the items (or, with ``pages``, the ``Response`` of each page).

    ``send(method, url, params=...)`` sends one page (default: ``client.request``
    with ``options``). See ``Client.paginate`` for the arguments.

    Raises:
        ConfigurationError: For a bad limit, or items that are not a list.
        RedirectError: If a ``Link`` points to another origin.
        HTTPStatusError: For a page answered with a 4xx/5xx status.
    """
    _check_limit("max_pages", max_pages)
    _check_limit("max_items", max_items)
    strategy = LinkHeader() if strategy is None else strategy
    page_params: dict[str, Any] = strategy.first(dict(params or {}))
    page_url = url
    first_url: str | None = None
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    sent_pages = sent_items = 0
    while True:
        key = (page_url, tuple(sorted((k, str(v)) for k, v in page_params.items())))
        if key in seen:  # the server sent us back: stop rather than loop
            return
        seen.add(key)
        if send is not None:
            response: Response[Any] = send(method, page_url, params=page_params)
        else:
            response = client.request(method, page_url, params=page_params, **options)
        response.raise_for_status()
        sent_pages += 1
        if first_url is None:
            first_url = str(response.url)
        found, body = _items(response, items, model)
        if pages:
            yield response
        else:
            for item in found:
                yield item
                sent_items += 1
                if max_items is not None and sent_items >= max_items:
                    return
        if max_pages is not None and sent_pages >= max_pages:
            return
        nxt = strategy.next(
            str(response.url), page_params, response.headers, body, len(found)
        )
        if nxt is None:
            return
        if nxt.url is not None:
            if not same_origin(first_url, nxt.url):
                raise RedirectError(
                    f"pagination: the next page {redact_url(nxt.url)} is on another "
                    f"origin than {redact_url(first_url)}; not followed (it would "
                    "get this call's headers)",
                    request=response.request,
                )
            page_url = nxt.url
            page_params = dict(nxt.params or {})
        else:
            page_params = dict(nxt.params or {})
