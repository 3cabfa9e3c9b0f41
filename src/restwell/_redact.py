"""
Redaction of credentials from anything restwell prints, logs or raises.

Never printed: ``Authorization``, ``Proxy-Authorization``, ``Cookie``, ``Set-Cookie``,
API-key headers (any name containing ``key``, ``token``, ``secret``, ``password``,
``auth``, ``session`` or ``signature``), query parameters named the same way, and URL
userinfo (``user:pass@``). Values are replaced by ``[REDACTED]``; names stay, so a
log still shows that a credential was sent.

A leaf: it imports nothing from restwell, so the core models can use it. Public
through ``restwell.instrumentation``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import SplitResult, parse_qsl, urlsplit

__all__ = [
    "REDACTED",
    "body_shape",
    "is_sensitive_name",
    "redact_headers",
    "redact_url",
    "url_secrets",
]

REDACTED = "[REDACTED]"

_SENSITIVE_EXACT = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
    }
)
_SENSITIVE_PART = re.compile(
    r"(key|token|secret|passw|pwd|auth|session|signature|credential|sig$)",
    re.IGNORECASE,
)


_NOT_SECRET = frozenset(
    {"idempotency-key", "x-idempotency-key", "x-request-id", "keep-alive"}
)


def is_sensitive_name(name: str) -> bool:
    """
    Whether a header or query-parameter name carries a credential.

    Args:
        name: A header or parameter name, any case.

    Returns:
        ``True`` for the fixed set above and for names containing key, token,
        secret, passw, pwd, auth, session, signature or credential; ``False`` for
        ``Idempotency-Key`` (a replay guard you need to see when debugging, not a
        credential) and ``Keep-Alive``.
    """
    low = name.lower()
    if low in _NOT_SECRET:
        return False
    return low in _SENSITIVE_EXACT or _SENSITIVE_PART.search(low) is not None


def redact_headers(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """
    Return ``(name, value)`` pairs with credential values replaced by ``[REDACTED]``.

    Args:
        pairs: Header pairs, in order.

    Returns:
        A new list of pairs; the input is not changed.
    """
    return [(k, REDACTED if is_sensitive_name(k) else v) for k, v in pairs]


def redact_url(url: str) -> str:
    """
    Return ``url`` without userinfo and with credential query values redacted.

    ``https://u:p@h/x?api_key=1&q=2`` becomes ``https://[REDACTED]@h/x?api_key=[REDACTED]&q=2``.
    A URL that cannot be parsed is returned with everything after ``?`` dropped.

    Args:
        url: An absolute or relative URL string.

    Returns:
        The redacted URL string.
    """
    if "@" not in url and "?" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("?", 1)[0]
    netloc = parts.netloc
    if "@" in netloc:
        netloc = REDACTED + "@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        out = []
        for piece in query.split("&"):
            name, eq, _ = piece.partition("=")
            out.append(
                f"{name}={REDACTED}" if eq and is_sensitive_name(name) else piece
            )
        query = "&".join(out)
    return SplitResult(parts.scheme, netloc, parts.path, query, parts.fragment).geturl()


def url_secrets(url: str) -> set[str]:
    """
    The credentials a URL carries: its userinfo and its sensitive query values.

    Args:
        url: A URL, as ``str``; one that cannot be parsed carries none.

    Returns:
        The secret strings (``set[str]``), to be scrubbed from text that may quote
        them (a backend's error message, a CLI's output).
    """
    try:
        parts = urlsplit(url)
        secrets = {s for s in (parts.username, parts.password) if s}
        secrets.update(v for k, v in parse_qsl(parts.query) if is_sensitive_name(k))
    except ValueError:  # not a URL urllib can split: it has no parts to hide
        return set()
    return secrets


_SHAPE = 160  # characters of a body's shape quoted in an error message


def _shape(value: object, depth: int) -> object:
    if isinstance(value, dict):
        if depth > 3:
            return "{…}"
        return {str(k)[:40]: _shape(v, depth + 1) for k, v in list(value.items())[:12]}
    if isinstance(value, list):
        if depth > 3:
            return "[…]"
        head = [_shape(v, depth + 1) for v in value[:3]]
        return head + ([f"… {len(value) - 3} more"] if len(value) > 3 else [])
    if value is None or isinstance(value, bool):
        return value
    return f"<{type(value).__name__}>"


def body_shape(content: bytes, content_type: str = "", limit: int = _SHAPE) -> str:
    """
    What a response body looks like, without any of its values.

    A JSON body becomes its skeleton: object keys kept (12 per object, 4 levels),
    arrays cut to 3 items, every string and number replaced by its type
    (``{"id": "<str>", "tags": ["<str>"]}``), ``true``/``false``/``null`` kept.
    Any other body is described by its size and type. Never a value: a body may
    echo a credential, and error messages never carry one (STYLE.md §6).

    Args:
        content: The body bytes.
        content_type: The response's ``Content-Type`` (named for a non-JSON body).
        limit: Most characters shown (``…`` marks a cut). Default 160.
    """
    import json

    try:
        text = json.dumps(_shape(json.loads(content), 0), ensure_ascii=False)
    except (ValueError, RecursionError):
        kind = content_type.split(";")[0].strip() or "unknown type"
        return f"<{len(content)} bytes of {kind}, not JSON>"
    return text if len(text) <= limit else text[: limit - 1] + "…"
