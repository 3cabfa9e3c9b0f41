"""
What the command line prints, shared by the commands (``_main``) and ``_demo``.

Exit codes, the credential ``Redactor``, the live ``RetryPrinter`` hook, the
attempt ``timeline_table``, and ``library_warnings_to_stderr``. This module imports
no other ``restwell.cli`` module, so ``_main`` and ``_demo`` both depend on it and
neither depends on the other.
"""

from __future__ import annotations

import contextlib
import http
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final

from rich.console import Console
from rich.table import Table
from rich.text import Text

import restwell
from restwell._redact import url_secrets
from restwell.instrumentation import (
    REDACTED,
    Event,
    RequestSent,
    RetryScheduled,
    is_sensitive_name,
    redact_headers,
    redact_url,
)

__all__ = [
    "EXIT_HTTP_ERROR",
    "EXIT_NO_RESPONSE",
    "EXIT_OK",
    "EXIT_USAGE",
    "Redactor",
    "RetryPrinter",
    "describe_outcome",
    "library_warnings_to_stderr",
    "timeline_table",
]

EXIT_OK: Final = 0
"""A 1xx, 2xx or 3xx response (``demo``: every scenario behaved)."""
EXIT_HTTP_ERROR: Final = 1
"""A final 4xx or 5xx response (``demo``: a scenario misbehaved)."""
EXIT_USAGE: Final = 2
"""A usage error: bad option, bad URL, or the ``cli`` extra missing."""
EXIT_NO_RESPONSE: Final = 3
"""No response (transport error, deadline, redirects), or the body broke off."""


# -- redaction ------------------------------------------------------------------------
class Redactor:
    """
    Removes credentials from text before it is printed to stderr.

    Applies ``redact_url`` / ``redact_headers`` (``restwell.instrumentation``), and
    also replaces every credential the user gave (values of sensitive ``-H``
    headers, URL userinfo, sensitive query values) wherever it occurs, since a
    server or backend may quote it back in an error message.

    Args:
        headers: The ``(name, value)`` headers given on the command line.
        url: The URL given on the command line.
        keep: Header names shown even though their names look sensitive (the
            ``Idempotency-Key``: not a credential, and the point of ``-v``).
    """

    def __init__(
        self,
        headers: Iterable[tuple[str, str]] = (),
        url: str = "",
        keep: Iterable[str] = ("idempotency-key",),
    ) -> None:
        self._keep = frozenset(k.lower() for k in keep)
        secrets: set[str] = set()
        for name, value in headers:
            if is_sensitive_name(name) and name.lower() not in self._keep:
                secrets.add(value.strip())
                # "Bearer abc": the credential part alone, too.
                secrets.update(value.split(None, 1)[1:])
        secrets.update(url_secrets(url))
        # Longest first, so a value is replaced before any of its parts; tiny values
        # would redact ordinary words and are not credentials anyway.
        self._secrets = sorted(
            (s for s in secrets if len(s) >= 3), key=len, reverse=True
        )

    def text(self, value: str) -> str:
        """Return ``value`` with every known credential replaced by ``[REDACTED]``."""
        for secret in self._secrets:
            value = value.replace(secret, REDACTED)
        return value

    def url(self, url: str) -> str:
        """Return ``url`` with userinfo and credential query values redacted."""
        return self.text(redact_url(url))

    def headers(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Return header pairs with credential values redacted (kept names excepted)."""
        items = list(pairs)
        return [
            (name, self.text(value if name.lower() in self._keep else shown))
            for (name, value), (_, shown) in zip(
                items, redact_headers(items), strict=True
            )
        ]


# -- rendering ------------------------------------------------------------------------
def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def describe_outcome(outcome: restwell.Response[Any] | BaseException | int) -> str:
    """
    Describe an attempt's outcome in a few words.

    Args:
        outcome: A response, a status code, or the exception an attempt raised.

    Returns:
        ``"503 Service Unavailable"`` for a response or status, the exception's class
        name for an error.
    """
    if isinstance(outcome, BaseException):
        return type(outcome).__name__
    if isinstance(outcome, int):
        return f"{outcome} {_phrase(outcome)}".rstrip()
    phrase = outcome.reason_phrase or _phrase(outcome.status_code)
    return f"{outcome.status_code} {phrase}".rstrip()


def _seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def timeline_table(
    attempts: Sequence[restwell.Attempt],
    *,
    title: str | None = None,
    redact: Callable[[str], str] = str,
    compact: bool = False,
) -> Table:
    """
    Build the attempt timeline as a rich ``Table``.

    Args:
        attempts: ``Response.attempts`` or an error's ``.attempts``, oldest first.
        title: Table title. Default: ``"N attempts in S s"`` from the attempts.
        redact: Applied to each reason before it is shown. Default: unchanged.
        compact: Wrap the outcome column at 12 characters, for consoles narrower
            than 100 columns. Default ``False``.

    Returns:
        A table with one row per attempt: number, start (s from the call's start),
        outcome (status or error class), duration, the wait after it (s), and the
        reason the policy gave.
    """
    if title is None:
        n = len(attempts)
        total = attempts[-1].started + attempts[-1].duration if attempts else 0.0
        title = f"{n} attempt{'' if n == 1 else 's'} in {_seconds(total)}"
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("at", justify="right", no_wrap=True)
    # On a narrow console "503 Service Unavailable" wraps, leaving room for reasons.
    table.add_column("outcome", max_width=12 if compact else None)
    table.add_column("took", justify="right", no_wrap=True)
    table.add_column("wait", justify="right", no_wrap=True)
    table.add_column("reason", overflow="fold")
    for a in attempts:
        outcome = (
            describe_outcome(a.error)
            if a.error is not None
            else describe_outcome(a.status_code or 0)
        )
        ok = a.error is None and a.status_code is not None and a.status_code < 400
        table.add_row(
            str(a.number),
            _seconds(a.started),
            Text(outcome, style="green" if ok else "red"),
            _seconds(a.duration),
            _seconds(a.delay) if a.delay else "-",
            Text(redact(a.reason)),
        )
    return table


class RetryPrinter:
    """
    An event hook printing one live line per retry (and, optionally, per request).

    Subscribes only to ``RetryScheduled`` (and ``RequestSent`` with
    ``show_request``), through its ``event_types``; other events are ignored.

    Args:
        console: Where to print.
        redactor: Scrubs URLs, headers and reasons before printing.
        show_request: Print the first attempt's method, URL and headers (``-v``).
        indent: Prefix of every line.
    """

    def __init__(
        self,
        console: Console,
        redactor: Redactor,
        *,
        show_request: bool = False,
        indent: str = "",
    ) -> None:
        self.event_types: tuple[type[Event], ...] = (
            (RequestSent, RetryScheduled) if show_request else (RetryScheduled,)
        )
        self._show_request = show_request
        self._console = console
        self._redactor = redactor
        self._indent = indent

    def __call__(self, event: Event) -> None:
        """Print the line for ``event``."""
        if isinstance(event, RetryScheduled):
            self._retry(event)
        elif (
            isinstance(event, RequestSent) and event.attempt == 1 and self._show_request
        ):
            request = event.request
            line = Text(f"{self._indent}> ", style="dim")
            line.append(f"{request.method} {self._redactor.url(request.url)}", "bold")
            self._console.print(line, soft_wrap=True)
            for name, value in self._redactor.headers(request.headers.multi_items()):
                self._console.print(
                    Text(f"{self._indent}> {name}: {value}", "dim"), soft_wrap=True
                )

    def _retry(self, event: RetryScheduled) -> None:
        line = Text(f"{self._indent}↻ attempt {event.attempt}: ")
        line.append(describe_outcome(event.outcome), style="yellow")
        line.append(f" ({self._redactor.text(event.reason)})", style="dim")
        line.append(f" → retrying in {_seconds(event.delay)}")
        self._console.print(line, soft_wrap=True)


# -- logging --------------------------------------------------------------------------
@contextlib.contextmanager
def library_warnings_to_stderr(
    logger: str = "restwell", level: int = logging.WARNING
) -> Iterator[logging.Handler]:
    """
    Show the library's log records of ``level`` and above on stderr, while inside.

    The library adds only a ``NullHandler`` to its loggers (the logging HOWTO's rule
    for libraries), which also switches off Python's last-resort stderr output: a
    command that wants those records shown must say so. This handler prints each
    record's message (and traceback, if any) to ``sys.stderr`` as it is at the time
    of the record, and is removed on exit, leaving the logger as it was.

    What the command itself reports (retries, give-ups, errors) does not go through
    logging at all: its hooks and messages print directly, whatever the logging
    configuration.

    Args:
        logger: Name of the logger to attach to. Default ``"restwell"``.
        level: Lowest level shown. Default ``logging.WARNING``.

    Yields:
        The installed handler.
    """
    handler = _StderrHandler()
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(message)s"))
    target = logging.getLogger(logger)
    target.addHandler(handler)
    try:
        yield handler
    finally:
        target.removeHandler(handler)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]  # TextIO stream
    """A ``StreamHandler`` on whatever ``sys.stderr`` is when a record comes."""

    def emit(self, record: logging.LogRecord) -> None:
        self.setStream(sys.stderr)
        super().emit(record)
