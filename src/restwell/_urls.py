"""URL building for the client facade: base URL joining, query params, origin checks."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from urllib.parse import urlencode, urljoin, urlsplit

from ._exceptions import ConfigurationError, InvalidURL
from ._redact import redact_url
from ._types import QueryParams

# QueryParams is re-exported for the client, which imports it from here.
__all__ = ["QueryParams", "check_base_url", "join_url", "same_origin"]


def check_base_url(base_url: str | None) -> str:
    """
    Validate a client's ``base_url``; return it with exactly one trailing slash.

    Raises:
        ConfigurationError: If it is not an absolute http(s) URL.
    """
    if base_url is None:
        return ""
    base = str(base_url)
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"base_url={base!r} must be an absolute http:// or https:// URL, "
            "e.g. 'https://api.example.com/v1'"
        )
    return base.rstrip("/") + "/"


def join_url(base: str, url: str, params: QueryParams) -> str:
    """
    Resolve ``url`` against ``base`` and append ``params``.

    A relative ``url`` extends the base path (``/v1/`` + ``/users`` → ``/v1/users``,
    as httpx does), unlike RFC 3986 resolution which would drop ``/v1``.

    Raises:
        InvalidURL: If the result is not an absolute http(s) URL.
    """
    url = str(url)
    scheme, sep, _ = url.partition("://")
    if sep and "/" not in scheme and "?" not in scheme:
        if scheme.lower() not in ("http", "https"):
            raise InvalidURL(
                f"URL scheme {scheme!r} is not supported: use http:// or https://"
            )
        # RFC 3986 §3.1: schemes are case-insensitive.
        if scheme not in ("http", "https"):
            url = scheme.lower() + url[len(scheme) :]
    else:
        if not base:
            raise InvalidURL(
                f"URL {redact_url(url)!r} is relative and the client has no base_url: "
                "pass an absolute http(s) URL or set base_url"
            )
        url = (
            base + url.lstrip("/")
            if not url.startswith("?")
            else base.rstrip("/") + url
        )
    if params:
        query = params if isinstance(params, str) else _encode_query(params)
        if query:
            url, hash_, fragment = url.partition("#")  # the query goes before it
            url = f"{url}{'&' if '?' in url else '?'}{query}{hash_}{fragment}"
    return url


def _primitive(value: object) -> object:
    """A query value as httpx writes it: ``true``/``false``, ``None`` as empty."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return value


def _encode_query(params: object) -> str:
    """``params`` (a mapping or pairs; a sequence value repeats) as a query."""
    pairs = params.items() if isinstance(params, Mapping) else params
    out: list[tuple[str, object]] = []
    for name, value in pairs:  # type: ignore[attr-defined]  # pairs, checked by caller
        if isinstance(value, list | tuple):
            out.extend((name, _primitive(v)) for v in value)
        else:
            out.append((name, _primitive(value)))
    return urlencode(out)


def origin(url: str) -> tuple[str, str | None, int | None]:
    """
    The RFC 6454 origin of an absolute URL: ``(scheme, host, port)``.

    The port is the scheme's default when the URL has none.

    Raises:
        InvalidURL: If the port is not a number in 0..65535.
    """
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise InvalidURL(
            f"URL {redact_url(url)!r} has an invalid port: use a number 0-65535"
        ) from None
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, port or {"http": 80, "https": 443}.get(scheme)


def same_origin(a: str, b: str) -> bool:
    """Whether two absolute URLs share scheme, host and port (RFC 6454 origin)."""
    return a is b or origin(a) == origin(b)


_HOST = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?")


def _valid_host(host: str) -> bool:
    """A DNS name (RFC 1123 labels, IDNA for non-ASCII) or an IP address literal."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:  # not an address literal: check it as a DNS name
        ascii_host = ""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return all(len(label) <= 63 and _HOST.fullmatch(label) for label in labels)


def redirect_target(current: str, location: str) -> str:
    """
    Resolve a ``Location`` header against the current URL (RFC 9110 §10.2.2).

    A ``Location`` without a fragment inherits the current URL's.

    Raises:
        InvalidURL: If the target is not an absolute http(s) URL with a host and a
            valid port.
    """
    try:
        target = urljoin(current, location.strip())
        parts = urlsplit(target)
        parts.port  # noqa: B018 - raises ValueError for an out-of-range port
    except ValueError:
        raise InvalidURL(
            f"redirect Location {redact_url(location[:80])!r} is not a valid URL"
        ) from None
    if parts.scheme not in ("http", "https"):
        raise InvalidURL(
            f"redirect to unsupported URL scheme: {redact_url(location[:80])!r}"
        )
    if not parts.hostname or not _valid_host(parts.hostname):
        raise InvalidURL(
            f"redirect Location {redact_url(location[:80])!r} has no valid host name"
        )
    if "#" not in location:  # RFC 9110 §10.2.2: the request's fragment carries over
        _, hash_, fragment = current.partition("#")
        target += hash_ + fragment
    return target
