"""
Log records that never carry a secret of the request being sent.

httpx logs every request's full URL at INFO (``HTTP Request: GET
https://user:pass@host/x?api_key=...``), httpcore logs response header lists as
byte-tuple reprs at DEBUG, hpack logs header lists, and a backend may log from
threads of its own. restwell redacts every log record such a library creates,
whatever its logger and level, before any filter, handler, formatter or ``caplog``
sees it.

**How: a wrapping log-record factory.** On import, this module wraps
``logging.getLogRecordFactory()`` (chaining to it) with ``logging.setLogRecordFactory``,
once per process. Every ``LogRecord`` a ``Logger`` makes goes through it, from any
logger (``httpcore.http11`` as much as ``httpcore``), any thread, and pyo3-log's
bridge from Rust (it calls ``Logger.makeRecord``). The alternatives miss records: a
filter on the ``httpcore`` logger does not see ``httpcore.http11``'s records (logger
filters do not apply to records propagated from children), and a filter on handlers
must be put on every handler, including those added later (``caplog``'s, a user's).
The factory also runs only for records that are made, after the level check: with
logging at WARNING (the default) httpx's INFO line is never made and nothing here
runs, so a request pays nothing.

**Which request: the call stack, not per-request bookkeeping.** A transport marks
its send method with ``@redact_logs`` (one line, at class definition). Marking
registers the function's code object and nothing else: a call runs the function
unchanged. When a record is made, the factory walks the current thread's stack
(``sys._getframe``, ~0.08 µs per frame); a frame running a marked function is a
request being sent, and its ``request`` local gives the exact secrets to remove
(computed then, not per request): credential header values (``Authorization``'s
token after its scheme, each cookie value, any header ``is_sensitive_name``
flags), the URL's password and userinfo, and its sensitive query values, each
also as spelled in a ``str`` or ``bytes`` repr. An async task's awaiting frames are
on the stack while it runs, so records httpx, httpcore and aiohttp make for the
request are found; so is an async generator's (a body being read). Weighed against
a context variable set by the transport per attempt (``with sending(request):``):
that costs ~0.1-0.4 µs per attempt on the hot path, needs a ``try``/``finally``
in every transport's send (one more thing for a transport's author to get right),
and reaches other threads no better than the stack does (a thread does not inherit
it); the stack costs nothing until a record is made.

**Patterns, for what the stack cannot tell.** Records made inside a send, and every
record of the HTTP libraries' loggers (``BACKEND_LOGGERS``, plus those a transport
names in ``redact_logs(loggers=...)``) wherever they are made (another thread, a
protocol callback, a connection pool's cleanup), are also redacted by pattern: URL
userinfo (``scheme://user:pass@``), ``name=value`` pairs, quoted ``'name': 'value'``
and ``(b'name', b'value')`` pairs, ``Name: value`` header lines whose name
``restwell._redact.is_sensitive_name`` flags, and ``Bearer <token>``.

**Other records are left alone.** A record made outside any send by a logger not in
that list (your application's) is not rewritten, even if it quotes a URL with
userinfo: restwell does not edit your logs. The cost for such a record is the stack
walk, about 1 to 4 µs. Measured (``bench/bench_logsafe.py``, CPU time per record
made, on top of ~4.3 µs for the record itself): 1.4 µs for an application record
outside a send, 4.8 µs for httpx's INFO line with a clean URL, 23 µs for one whose
URL carries userinfo and an ``api_key`` (found and rewritten), 4.3 µs for a clean
record inside a send; 0 records made per request with logging at WARNING.

**Rewriting keeps the record usable.** ``msg`` is kept when clean; an argument that
shows a secret (as ``str`` or ``repr``) is replaced by a ``str`` with both spellings
redacted, so ``%s``/``%r`` formatting and the message template (used by error
trackers to group records) still work. If the assembled message still shows a
secret, or the replaced arguments no longer format (``%d``), the record becomes
its redacted text with no arguments. A traceback showing a secret is replaced by its
redacted text (``exc_text``; ``exc_info`` is dropped); ``stack_info`` is redacted.
If redaction itself fails, the record's message is withheld, never passed on raw.

Limits: a record made by a ``Logger`` subclass that overrides ``makeRecord``
without the factory, or after someone replaces the factory without chaining to the
previous one (``opentelemetry-instrumentation-logging`` chains, and works), is not
seen. A backend's thread that logs a header value under a name restwell does not
flag, in a form no pattern knows, is not caught: only the stack tells which
request it belongs to. pyreqwest (source read at its commit ca7f058, crate 0.4.0)
has no pyo3-log and no Python ``logging`` calls: it logs nothing into Python today;
if it bridges Rust's ``log`` with pyo3-log, its records come from tokio's threads
under the ``reqwest``/``hyper``/``pyreqwest`` loggers and get the patterns.
Source for the factory hook: the ``logging`` module's
documentation, "LogRecord attributes" and ``setLogRecordFactory`` (Python 3.2+).
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, overload
from urllib.parse import unquote, urlsplit

from ._exceptions import ConfigurationError
from ._redact import REDACTED, is_sensitive_name

__all__ = [
    "BACKEND_LOGGERS",
    "install",
    "redact_logs",
    "redact_text",
    "request_secrets",
]

F = TypeVar("F", bound=Callable[..., object])

BACKEND_LOGGERS: tuple[str, ...] = (
    "aiohttp",
    "h11",
    "h2",
    "hpack",
    "httpcore",
    "httpcore2",
    "httpx",
    "httpx2",
    "hyper",
    "hyper_util",
    "pyreqwest",
    "reqwest",
    "restwell",
    "rustls",
    "urllib3",
)
"""Loggers (and their children) whose records are always redacted by pattern."""

_MIN_SECRET = 4  # characters: a shorter value is too common to remove everywhere

# code object id -> (code, name of the local holding the Request)
_SENDERS: dict[int, tuple[Any, str]] = {}
_prefixes: tuple[str, ...] = BACKEND_LOGGERS
_dotted: tuple[str, ...] = tuple(p + "." for p in BACKEND_LOGGERS)
_installed = False

# The text is searched for what a credential's name must contain (the fragments of
# ``is_sensitive_name``), and for "://"; only there are the value patterns tried.
# (One regular expression trying every name pattern at every position cost 5 to 10
# times more.)
_FRAGMENT = re.compile(  # searched in the lower-cased text: faster than IGNORECASE
    r"key|token|s(?:ecret|ession|ig)|p(?:assw|wd)|auth|credential|cookie|bearer"
)
_FRAGMENT_ANY_CASE = re.compile(_FRAGMENT.pattern, re.IGNORECASE)
_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_FRESH = r"(?!\[REDACTED\])"  # a value not yet redacted
# 'name': 'value', (b'name', b'value'), "name": value — after the name's quote
_QUOTED_VALUE = re.compile(
    rf"""\s*[:,]\s*(?:b?(['"]){_FRESH}(?P<q>(?:\\.|(?!\1)[^\\])*)\1
    |{_FRESH}(?!b?['"])(?P<bare>[^\s,'"}})\]]+))""",
    re.VERBOSE,
)
_PARAM_VALUE = re.compile(rf"""={_FRESH}(?P<v>[^&\s'"<>#,;)\]}}]+)""")  # name=value
_HEADER_VALUE = re.compile(rf""":[ \t]+{_FRESH}(?P<v>[^\s'"\\][^\r\n'"\\]*)""")
_TOKEN = re.compile(rf"\s+{_FRESH}(?P<v>[A-Za-z0-9\-._~+/]+=*)")  # after Bearer
_USERINFO = re.compile(rf"""{_FRESH}(?P<v>[^\s/?#@'"<>\\]+)@""")  # after ://


def _value_span(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """
    The span of the value a credential's name at ``text[start:end]`` introduces.

    Returns:
        ``(value start, value end, where to search on)``, or ``None`` when no value
        follows in a form restwell knows.
    """
    name = text[start:end]
    if name.lower() == "bearer":
        m = _TOKEN.match(text, end)
        return None if m is None else (m.start("v"), m.end("v"), m.end())
    if not is_sensitive_name(name):
        return None
    quote = text[start - 1 : start] if start else ""
    if quote in ("'", '"') and text[end : end + 1] == quote:
        m = _QUOTED_VALUE.match(text, end + 1)
        if m is None:
            return None
        group = "q" if m.group("q") is not None else "bare"
        return m.start(group), m.end(group), m.end()
    m = _PARAM_VALUE.match(text, end) or _HEADER_VALUE.match(text, end)
    return None if m is None else (m.start("v"), m.end("v"), m.end())


def _redact_patterns(text: str) -> str:
    """Redact URL userinfo and every value a credential's name introduces."""
    spans: list[tuple[int, int]] = []
    at = text.find("://")
    while at != -1:
        m = _USERINFO.match(text, at + 3)
        if m is not None:
            spans.append((m.start("v"), m.end("v")))
        at = text.find("://", at + 3)
    pos = 0
    n = len(text)
    low = text.lower()
    if len(low) == n:  # the same indices (not so for a few non-ASCII letters)
        search, where = _FRAGMENT.search, low
    else:
        search, where = _FRAGMENT_ANY_CASE.search, text
    while (m := search(where, pos)) is not None:
        start, end = m.start(), m.end()
        while start and text[start - 1] in _NAME:
            start -= 1
        while end < n and text[end] in _NAME:
            end += 1
        found = _value_span(text, start, end)
        if found is None:
            pos = end
        else:
            spans.append(found[:2])
            pos = found[2]
    if not spans:
        return text
    out: list[str] = []
    last = 0
    for begin, finish in sorted(spans):
        if begin < last:  # inside a value already redacted
            continue
        out += (text[last:begin], REDACTED)
        last = finish
    out.append(text[last:])
    return "".join(out)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """
    Return ``text`` with the given secrets and every credential pattern redacted.

    Args:
        text: Any text (a log message, an argument's ``str`` or ``repr``).
        secrets: Exact strings to replace by ``[REDACTED]`` first, longest first
            (``request_secrets`` gives a request's).

    Returns:
        The text with exact secrets, URL userinfo, sensitive ``name=value``,
        ``'name': 'value'``, ``(b'name', b'value')`` and ``Name: value`` values and
        ``Bearer`` tokens replaced by ``[REDACTED]`` (names per
        ``is_sensitive_name``). Idempotent: redacting twice changes nothing more.
    """
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _redact_patterns(text)


def request_secrets(request: Any) -> list[str]:
    """
    The exact secrets a restwell ``Request`` carries, each in every spelling.

    Args:
        request: A ``restwell.Request`` (anything with ``url`` and ``headers``).

    Returns:
        Secret strings of 4 characters or more, longest first: values of headers
        ``is_sensitive_name`` flags, the credentials of ``Authorization`` /
        ``Proxy-Authorization`` after the auth scheme (RFC 9110 §11.4) and, for
        ``Basic``, the decoded ``user:password`` and password; each ``Cookie``
        value; the URL's password and ``user:password`` userinfo and its sensitive
        query values, raw and percent-decoded. Each as written, as escaped in a
        ``str`` repr and as escaped in a ``bytes`` repr. The user name alone is not
        one (too common a word to remove from every message).
    """
    found: set[str] = set()
    headers = getattr(request, "headers", None)
    for name, value in headers.multi_items() if headers else ():
        if not is_sensitive_name(name):
            continue
        found.add(value)
        low = name.lower()
        if low in ("authorization", "proxy-authorization"):
            scheme, _, credentials = value.strip().partition(" ")
            credentials = credentials.strip()
            found.add(credentials)
            if scheme.lower() == "basic":
                found.update(_basic(credentials))
        elif low == "cookie":
            for piece in value.split(";"):
                found.add(piece.partition("=")[2].strip())
    found.update(_url_secrets(str(getattr(request, "url", ""))))
    spelled: set[str] = set()
    for secret in found:
        if len(secret) >= _MIN_SECRET:
            spelled.add(secret)
            spelled.add(repr(secret)[1:-1])
            spelled.add(repr(secret.encode("utf-8", "backslashreplace"))[2:-1])
    return sorted(spelled, key=len, reverse=True)


def _basic(credentials: str) -> list[str]:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return []
    return [decoded, decoded.partition(":")[2]]


def _url_secrets(url: str) -> set[str]:
    try:
        parts = urlsplit(url)
    except ValueError:
        return set()
    found: set[str] = set()
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at:
        password = userinfo.partition(":")[2]
        found.update((userinfo, password, unquote(userinfo), unquote(password)))
    for piece in parts.query.split("&"):
        name, eq, value = piece.partition("=")
        if eq and is_sensitive_name(unquote(name)):
            found.update((value, unquote(value.replace("+", " "))))
    return found


class _Redacted(str):
    """A record argument that showed a secret: its redacted ``str`` and ``repr``."""

    _repr: str

    def __new__(cls, text: str, shown: str) -> _Redacted:
        self = super().__new__(cls, text)
        self._repr = shown
        return self

    def __repr__(self) -> str:
        return self._repr

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Redacted, (str(self), self._repr))


_SCALARS = frozenset({int, float, bool, type(None)})  # exact types: show nothing


def _clean_arg(arg: Any, secrets: list[str]) -> Any:
    """``arg`` itself when neither its ``str`` nor its ``repr`` shows a secret."""
    kind = type(arg)
    if kind in _SCALARS:
        return arg
    if kind is str:  # its repr only escapes what it shows (secrets in both spellings)
        clean = redact_text(arg, secrets)
        return arg if clean == arg else _Redacted(clean, repr(clean))
    try:
        text, shown = str(arg), repr(arg)
    except Exception:  # formatting will fail too, and logging report it
        return arg
    clean_text, clean_shown = redact_text(text, secrets), redact_text(shown, secrets)
    if clean_text == text and clean_shown == shown:
        return arg
    return _Redacted(clean_text, clean_shown)


def _clean_args(args: Any, secrets: list[str]) -> Any:
    if not args:
        return args
    if isinstance(args, Mapping):
        new_map = {k: _clean_arg(v, secrets) for k, v in args.items()}
        same = all(new_map[k] is v for k, v in args.items())
        return args if same else new_map
    if isinstance(args, tuple):
        new = tuple(_clean_arg(a, secrets) for a in args)
        return args if all(n is a for n, a in zip(new, args, strict=True)) else new
    return _clean_arg(args, secrets)


def _format(msg: Any, args: Any) -> str:
    """``LogRecord.getMessage``'s rule, for a message and arguments."""
    text = str(msg)
    return text % args if args else text


def redact_record(record: logging.LogRecord, secrets: list[str]) -> None:
    """
    Rewrite ``record`` in place so that no part of it shows a secret.

    Args:
        record: A log record, just made.
        secrets: Exact secrets to remove (``request_secrets``), longest first;
            credential patterns are removed in any case.
    """
    _clean_extras(record, secrets)
    try:
        shown: str | None = record.getMessage()
    except Exception:  # broken as logged: its parts are still cleaned below
        shown = None
    if (
        shown is not None
        and redact_text(shown, secrets) == shown
        and _args_clean(record.args, shown, secrets)
    ):
        return  # the common case: nothing to rewrite
    msg, args = record.msg, record.args
    new_msg = msg
    text = msg if isinstance(msg, str) else None
    if text is None:
        try:
            text = str(msg)
        except Exception:  # getMessage fails too; logging reports it
            text = None
    if text is not None:
        clean = redact_text(text, secrets)
        if clean != text:
            new_msg = clean
    new_args = _clean_args(args, secrets)
    changed = new_msg is not msg or new_args is not args
    if changed:
        record.msg, record.args = new_msg, new_args
    try:
        shown = record.getMessage()
    except Exception:
        if changed:  # our str arguments broke a %d: use the original's text
            try:
                shown = _format(msg, args)
            except Exception:  # broken as logged: logging reports it, secrets gone
                return
            record.msg, record.args = redact_text(shown, secrets), ()
        return
    clean = redact_text(shown, secrets)
    if clean != shown:  # a secret only the assembled message shows
        record.msg, record.args = clean, ()


def _args_clean(args: Any, shown: str, secrets: list[str]) -> bool:
    """
    Whether no argument shows a secret, as ``str`` or ``repr``.

    A spelling found verbatim in the clean message ``shown`` is clean: only
    arguments the message does not show in full are searched on their own.
    """
    if not args:
        return True
    if isinstance(args, Mapping):
        values: Iterable[Any] = args.values()
    else:
        values = args if isinstance(args, tuple) else (args,)
    for arg in values:
        kind = type(arg)
        if kind in _SCALARS:
            continue
        if kind is str:
            spellings: tuple[str, ...] = (arg,)
        else:
            try:
                spellings = (str(arg), repr(arg))
            except Exception:  # noqa: S112 - formatting fails for logging too
                continue
        for text in spellings:
            if text not in shown and redact_text(text, secrets) != text:
                return False
    return True


def _clean_extras(record: logging.LogRecord, secrets: list[str]) -> None:
    """Redact a record's traceback and stack."""
    if record.exc_info and record.exc_info[0] is not None:
        text = _FORMATTER.formatException(record.exc_info)
        clean = redact_text(text, secrets)
        if clean != text:
            record.exc_info = None
            record.exc_text = clean
    elif record.exc_text:
        record.exc_text = redact_text(record.exc_text, secrets)
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info, secrets)


_FORMATTER = logging.Formatter()


def _requests_on_stack() -> list[Any]:
    """The requests of every marked send running in this thread, innermost first."""
    found = []
    senders = _SENDERS
    frame: Any = sys._getframe(2)  # the one cheap way to see the stack
    while frame is not None:
        entry = senders.get(id(frame.f_code))
        if entry is not None and entry[0] is frame.f_code:
            request = frame.f_locals.get(entry[1])
            if request is not None:
                found.append(request)
        frame = frame.f_back
    return found


def _redact_new(record: logging.LogRecord) -> None:
    requests = _requests_on_stack()
    if not requests:
        name = record.name
        if name not in _prefixes and not name.startswith(_dotted):
            return
        redact_record(record, [])
        return
    if len(requests) == 1:
        redact_record(record, _secrets_of(requests[0]))
        return
    secrets: set[str] = set()
    for request in requests:
        secrets.update(_secrets_of(request))
    redact_record(record, sorted(secrets, key=len, reverse=True))


# (url, header pairs) -> secrets: a send that logs many records computes its
# request's secrets once. Keyed by content, so a request's headers changed in place
# are seen; holds no request (nor its body). Bounded.
_CACHE: dict[tuple[str, tuple[tuple[str, str], ...]], list[str]] = {}
_CACHE_SIZE = 64


def _secrets_of(request: Any) -> list[str]:
    headers = getattr(request, "headers", None)
    key = (
        str(getattr(request, "url", "")),
        tuple(headers.multi_items()) if headers else (),
    )
    secrets = _CACHE.get(key)
    if secrets is None:
        secrets = request_secrets(request)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = secrets
    return secrets


_WITHHELD = "[log record withheld by restwell: redacting it failed (%s)]"


def install() -> None:
    """
    Wrap the process's log-record factory with restwell's redaction, once.

    Called when this module is imported (restwell's transports import it). The
    previous factory (``logging.getLogRecordFactory()``) still makes every record;
    restwell's only rewrites it. Calling again does nothing.
    """
    global _installed  # one factory per process
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            _redact_new(record)
        except Exception as exc:  # never pass a record on unredacted
            record.msg, record.args = _WITHHELD, (type(exc).__name__,)
            record.exc_info = record.exc_text = record.stack_info = None
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


@overload
def redact_logs(func: F, /) -> F: ...
@overload
def redact_logs(
    *, request: str = "request", loggers: Iterable[str] = ()
) -> Callable[[F], F]: ...
def redact_logs(
    func: F | None = None,
    /,
    *,
    request: str = "request",
    loggers: Iterable[str] = (),
) -> F | Callable[[F], F]:
    """
    Mark a transport's send method: log records made while it runs show no secret.

    Put it on ``send`` (sync or async), or on any function that has the request
    being sent in a local variable: ``@redact_logs`` or
    ``@redact_logs(request="req", loggers=("mylib",))``. It returns the function
    itself, unchanged: a call costs nothing more. While the function runs, every
    log record made in its thread (by any logger, at any level, also inside awaited
    coroutines) is redacted: the exact credentials of that request (header values
    ``is_sensitive_name`` flags, the token after ``Bearer``, cookie values, the
    URL's password and sensitive query values) and credential patterns (URL
    userinfo, ``name=value``, header dumps). See ``restwell._logsafe``'s module
    docstring for how, and what is not covered.

    Args:
        func: The function to mark (when used without arguments).
        request: Name of the function's parameter or local variable holding the
            ``restwell.Request``. Default ``"request"``.
        loggers: Names of loggers your backend logs to from other threads or
            callbacks (children included), whose records are redacted by pattern
            wherever they are made. Default none beyond ``BACKEND_LOGGERS``
            (httpx, httpcore, aiohttp, urllib3, hpack, h2, pyreqwest, reqwest,
            hyper, rustls, …).

    Returns:
        ``func``, or a decorator that marks and returns its function.

    Raises:
        ConfigurationError: If the function has no parameter or local variable
            named ``request``, or a logger name is empty.

    .. versionadded:: 0.2
    """
    names = (loggers,) if isinstance(loggers, str) else tuple(loggers)
    if not all(names):
        raise ConfigurationError(
            f"redact_logs(loggers={names!r}): give logger names as non-empty strings"
        )

    def mark(f: F) -> F:
        global _prefixes, _dotted  # a registry, grown at import time
        inner = f
        while hasattr(inner, "__wrapped__"):  # the frame that runs is the innermost
            inner = inner.__wrapped__
        code = getattr(inner, "__code__", None)
        if code is None or request not in (*code.co_varnames, *code.co_cellvars):
            where = getattr(f, "__qualname__", repr(f))
            raise ConfigurationError(
                f"redact_logs: {where} has no parameter or local variable "
                f"{request!r}: pass redact_logs(request='<its name>')"
            )
        _SENDERS[id(code)] = (code, request)
        new = tuple(n for n in names if n not in _prefixes)
        if new:
            _prefixes = (*_prefixes, *new)
            _dotted = (*_dotted, *(n + "." for n in new))
        return f

    return mark if func is None else mark(func)


install()
