"""
Pagination strategies: how to find the next page of a list endpoint.

Each strategy is sans-IO: given the page just received, it answers where the next
one is (new query parameters, or a URL), or that there is none. The drivers are
``client.paginate(...)`` and ``svc.<resource>.paginate(...)`` (async and sync),
which send each page as its own call (retries, deadline per page) and stop at
``max_pages``/``max_items``, or when a strategy would revisit a page (a server
that links a page to itself cannot loop a client forever).

- ``LinkHeader``: RFC 8288 ``Link: <url>; rel="next"`` (GitHub, json-server).
- ``Cursor``: a cursor field in the body sent back as a query parameter
  (Stripe's ``starting_after``, Slack's ``next_cursor``).
- ``PageNumber``: ``?page=1, 2, …`` until a page is empty or short.
- ``Offset``: ``?offset=0, limit, 2·limit, …`` until a page is empty or short.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeAlias
from urllib.parse import urljoin

from ._exceptions import ConfigurationError
from ._types import JSON

__all__ = [
    "Cursor",
    "ItemsPath",
    "LinkHeader",
    "NextPage",
    "Offset",
    "PageNumber",
    "PaginationStrategy",
    "dig",
    "parse_link_header",
]

ItemsPath: TypeAlias = str | Callable[[JSON], Sequence[JSON]] | None
"""Where a page's items are: ``None`` (the body is the list), a dotted key path
into the JSON body (``"data"``, ``"result.items"``), or ``(body) -> items``."""


@dataclass(frozen=True, slots=True)
class NextPage:
    """
    Where the next page is.

    Attributes:
        url: The next page's URL (absolute), or ``None`` to keep the current URL.
        params: The query parameters to send (replacing the previous page's
            parameters the strategy controls), or ``None`` when ``url`` carries
            them.
    """

    url: str | None = None
    params: Mapping[str, object] | None = None


class PaginationStrategy(Protocol):
    """
    Finds the next page. Implement it for an API restwell does not know.

    Methods:
        first(params): The query parameters of the first page (``params`` is
            what the caller gave).
        next(url, params, headers, body, count): After a page of ``count``
            items from ``url`` (sent with ``params``; ``headers`` are the
            response's, ``body`` its parsed JSON or ``None``): a ``NextPage``,
            or ``None`` when this was the last page.
    """

    def first(self, params: Mapping[str, object]) -> dict[str, object]:
        """The first page's query parameters."""
        ...

    def next(
        self,
        url: str,
        params: Mapping[str, object],
        headers: Mapping[str, str],
        body: JSON,
        count: int,
    ) -> NextPage | None:
        """The next page, or ``None``."""
        ...


def _number(value: object) -> int:
    """A page number or offset sent earlier (an ``int``, or its text)."""
    return value if isinstance(value, int) else int(str(value))


def dig(body: JSON, path: str) -> JSON:
    """
    The value at a dotted key path in a JSON body (``"meta.next"``), or ``None``.

    A missing key, or a step into something that is not an object, gives ``None``.
    """
    value = body
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


_LINK = re.compile(r"<([^<>]*)>\s*((?:;\s*[^;,]+)*)")
_PARAM = re.compile(r';\s*([^=;,\s]+)\s*=\s*(?:"([^"]*)"|([^;,\s]*))')


def parse_link_header(value: str) -> dict[str, str]:
    """
    RFC 8288 §3 ``Link`` header → ``{rel: target}`` (first target of each rel).

    ``rel`` values are lowercased and may list several relations
    (``rel="next last"``). A malformed member is skipped, never raised.
    """
    links: dict[str, str] = {}
    for found in _LINK.finditer(value):
        target, params = found.group(1).strip(), found.group(2)
        for param in _PARAM.finditer(params):
            if param.group(1).lower() != "rel":
                continue
            rels = param.group(2) if param.group(2) is not None else param.group(3)
            for rel in rels.lower().split():
                links.setdefault(rel, target)
    return links


@dataclass(frozen=True, slots=True)
class LinkHeader:
    """
    Follow RFC 8288 ``Link: <url>; rel="next"`` (GitHub, json-server ``_page``).

    Attributes:
        rel: The relation to follow. Default ``"next"``.

    The next URL is resolved against the page's URL (RFC 3986 §5); it must stay on
    the same origin as the first page (the driver refuses another origin: a
    listing does not send your credentials elsewhere).
    """

    rel: str = "next"

    def first(self, params: Mapping[str, object]) -> dict[str, object]:
        """The caller's parameters, as given."""
        return dict(params)

    def next(
        self,
        url: str,
        params: Mapping[str, object],
        headers: Mapping[str, str],
        body: JSON,
        count: int,
    ) -> NextPage | None:
        """The ``rel`` target of the ``Link`` header, or ``None``."""
        value = headers.get("link")
        if not value:
            return None
        target = parse_link_header(value).get(self.rel.lower())
        if not target:
            return None
        return NextPage(url=urljoin(url, target))


@dataclass(frozen=True, slots=True)
class Cursor:
    """
    A cursor from the body sent back as a query parameter.

    Attributes:
        param: The query parameter that carries the cursor (``"cursor"``,
            ``"starting_after"``, …).
        path: The dotted key path of the next cursor in the body
            (``"next_cursor"``, ``"response_metadata.next_cursor"``).
        has_more: A dotted key path to a boolean that says whether another
            page exists (Stripe's ``"has_more"``), or ``None`` to stop only on a
            missing or empty cursor. Default ``None``.
    """

    param: str = "cursor"
    path: str = "next_cursor"
    has_more: str | None = None

    def first(self, params: Mapping[str, object]) -> dict[str, object]:
        """The caller's parameters, as given (a cursor in them is the start)."""
        return dict(params)

    def next(
        self,
        url: str,
        params: Mapping[str, object],
        headers: Mapping[str, str],
        body: JSON,
        count: int,
    ) -> NextPage | None:
        """The parameters with the next cursor, or ``None`` at the end."""
        if self.has_more is not None and not dig(body, self.has_more):
            return None
        cursor = dig(body, self.path)
        if cursor is None or cursor == "" or count == 0:
            return None
        return NextPage(params={**params, self.param: cursor})


@dataclass(frozen=True, slots=True)
class PageNumber:
    """
    ``?page=1, 2, …`` until a page is empty, or shorter than ``size``.

    Attributes:
        param: The page number's query parameter. Default ``"page"``.
        start: The first page's number. Default 1.
        size_param: The page size's query parameter (``"per_page"``,
            ``"_limit"``), or ``None`` to send none. Default ``None``.
        size: The page size to ask for (sent as ``size_param``); a page with
            fewer items is the last. ``None``: only an empty page ends. Default
            ``None``.

    Raises:
        ConfigurationError: For ``size`` < 1, or ``size`` without ``size_param``.
    """

    param: str = "page"
    start: int = 1
    size_param: str | None = None
    size: int | None = None

    def __post_init__(self) -> None:
        if self.size is not None and self.size < 1:
            raise ConfigurationError(f"PageNumber(size={self.size}) must be >= 1")
        if self.size is not None and self.size_param is None:
            raise ConfigurationError(
                "PageNumber(size=...) needs size_param= (the query parameter "
                "that asks for it, e.g. 'per_page')"
            )

    def first(self, params: Mapping[str, object]) -> dict[str, object]:
        """The caller's parameters with the first page number (and size)."""
        first = {**params, self.param: self.start}
        if self.size_param is not None and self.size is not None:
            first[self.size_param] = self.size
        return first

    def next(
        self,
        url: str,
        params: Mapping[str, object],
        headers: Mapping[str, str],
        body: JSON,
        count: int,
    ) -> NextPage | None:
        """The next page number, or ``None`` after an empty or short page."""
        if count == 0 or (self.size is not None and count < self.size):
            return None
        return NextPage(params={**params, self.param: _number(params[self.param]) + 1})


@dataclass(frozen=True, slots=True)
class Offset:
    """
    ``?offset=0, limit, 2·limit, …`` until a page is empty or short.

    Attributes:
        limit: Items per page (sent as ``limit_param``). Default 100.
        param: The offset's query parameter. Default ``"offset"``.
        limit_param: The limit's query parameter. Default ``"limit"``.

    Raises:
        ConfigurationError: For ``limit`` < 1.
    """

    limit: int = 100
    param: str = "offset"
    limit_param: str = "limit"

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ConfigurationError(f"Offset(limit={self.limit}) must be >= 1")

    def first(self, params: Mapping[str, object]) -> dict[str, object]:
        """The caller's parameters with offset 0 (unless given) and the limit."""
        return {self.param: 0, **params, self.limit_param: self.limit}

    def next(
        self,
        url: str,
        params: Mapping[str, object],
        headers: Mapping[str, str],
        body: JSON,
        count: int,
    ) -> NextPage | None:
        """The next offset, or ``None`` after a short page."""
        if count < self.limit:
            return None
        offset = _number(params[self.param]) + count
        return NextPage(params={**params, self.param: offset})
