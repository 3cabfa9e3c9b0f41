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
    "body_excerpt",
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


_JSON_PAIR = re.compile(r'"([^"\\]{1,100})"(\s*:\s*)("(?:[^"\\]|\\.)*"|[^,{}\[\]\s]+)')
_FORM_PAIR = re.compile(r"(?<![\w-])([\w.-]{1,100})=([^&\s\"']+)")
_SCHEME_TOKEN = re.compile(r"(?i)\b(bearer|basic|token)\s+[\w.~+/=-]{4,}")
_EXCERPT = 160  # characters of a body quoted in an error message


def body_excerpt(
    content: bytes, secrets: Iterable[str] = (), limit: int = _EXCERPT
) -> str:
    """
    The start of a response body, safe to put in an error message.

    Decoded as UTF-8 (bad bytes replaced), whitespace runs collapsed, values of
    credential-named JSON keys and ``name=value`` pairs replaced by ``[REDACTED]``
    (``"access_token": "..."``, ``password=...``) and ``Bearer <token>``-like
    credentials, every string in ``secrets``
    (e.g. the request's header values, which an echoing server may quote) removed,
    then cut to ``limit`` characters with ``…``.

    Args:
        content: The body bytes.
        secrets: Exact strings never to show.
        limit: Most characters shown. Default 160.
    """
    text = " ".join(content[: limit * 4].decode("utf-8", "replace").split())

    def json_value(found: re.Match[str]) -> str:
        if not is_sensitive_name(found.group(1)):
            return found.group(0)
        return f'"{found.group(1)}"{found.group(2)}"{REDACTED}"'

    def form_value(found: re.Match[str]) -> str:
        if not is_sensitive_name(found.group(1)):
            return found.group(0)
        return f"{found.group(1)}={REDACTED}"

    text = _FORM_PAIR.sub(form_value, _JSON_PAIR.sub(json_value, text))
    text = _SCHEME_TOKEN.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text if len(text) <= limit else text[: limit - 1] + "…"
