"""
extapi seed addons ``LoggingAddon`` and ``VerboseLoggingAddon`` (described, no code
of their own): "This one is simple and just logs the fact of a request being sent
and a received response." / "This one is more verbose and logs the request and
response headers and body."

restwell:

- ``LoggingAddon`` → ``LoggingHook(verbose=True)`` in ``hooks=``: every attempt sent
  (with its request headers) and every response or failure, at DEBUG, on the
  ``"restwell"`` logger; ``Authorization``, cookies, API-key headers and secret
  query parameters are written as ``[REDACTED]``. (The default ``LoggingHook()``
  logs only retries and failures: example 04.)
- ``VerboseLoggingAddon`` → the hook above plus a small attempt middleware, defined
  here, that logs each attempt's request body and its response's headers and body.
  restwell ships no body logger: bodies can be large and hold secrets no header
  rule finds. This one redacts header values with ``redact_headers``, the values of
  JSON keys that look like credentials (``is_sensitive_name``: token, password,
  secret, ...), and logs at most ``MAX_LOGGED`` characters of a body.

Usage: python examples/extapi_05_verbose_logging.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/echo`` and
``/status/{code}`` routes are used); without it, the example starts its own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

import restwell
from restwell.instrumentation import (
    REDACTED,
    LoggingHook,
    is_sensitive_name,
    redact_headers,
    redact_url,
)
from restwell.testing import FakeClock, FaultServer

#: Most characters of a body written to the log.
MAX_LOGGED = 200
SECRET = "s3cr3t-token"


def redact_json(value: Any) -> Any:
    """Return ``value`` with the values of credential-looking keys replaced."""
    if isinstance(value, dict):
        return {
            k: REDACTED if is_sensitive_name(k) else redact_json(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_json(v) for v in value]
    return value


def carried_secrets(request: restwell.Request) -> set[str]:
    """The credentials ``request`` carries: sensitive header and query values."""
    found: set[str] = set()
    for name, value in request.headers.multi_items():
        if is_sensitive_name(name):
            found.add(value)
            found.update(value.split()[1:])  # "Bearer <token>": the token alone
    query = urllib.parse.urlsplit(request.url).query
    for name, value in urllib.parse.parse_qsl(query):
        if is_sensitive_name(name):
            found.add(value)
    return {secret for secret in found if secret}


def loggable(body: bytes | None, secrets: set[str]) -> str:
    """
    A body as it may be logged: JSON credential keys redacted, then every secret
    the request carried scrubbed (a server may echo them), cut to ``MAX_LOGGED``.
    """
    if not body:
        return ""
    try:
        text = json.dumps(redact_json(json.loads(body)))
    except ValueError:
        text = body.decode("utf-8", errors="replace")
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text if len(text) <= MAX_LOGGED else text[:MAX_LOGGED] + "..."


class LogBodies:
    """
    Attempt middleware: log each attempt's request body and response headers + body.

    Runs once per attempt (the default position), so each retry is logged with
    its own outcome; the response body is already read when ``call_next`` returns.
    """

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger

    async def __call__(
        self,
        request: restwell.Request,
        call_next: Callable[[restwell.Request], Awaitable[restwell.Response[Any]]],
    ) -> restwell.Response[Any]:
        where = f"{request.method} {redact_url(request.url)}"
        secrets = carried_secrets(request)
        content = request.content if isinstance(request.content, bytes) else None
        self.logger.debug(
            "%s: attempt %d body %s",
            where,
            request.attempt,
            loggable(content, secrets),
        )
        response = await call_next(request)
        self.logger.debug(
            "%s: attempt %d got %d, headers %s, body %s",
            where,
            request.attempt,
            response.status_code,
            redact_headers(response.headers.multi_items()),
            loggable(response.content, secrets),
        )
        return response


class Collect(logging.Handler):
    """Keep every record, and print it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = record.getMessage()
        self.lines.append(line)
        print(f"  log {record.levelname}: {line}")


async def main(base_url: str) -> None:
    logs = Collect()
    logger = logging.getLogger("restwell")
    logger.addHandler(logs)
    logger.setLevel(logging.DEBUG)
    try:
        async with restwell.AsyncClient(
            transport="aiohttp",
            headers={"Authorization": f"Bearer {SECRET}"},
            hooks=[LoggingHook(verbose=True)],  # LoggingAddon
            middleware=[LogBodies(logger)],  # + VerboseLoggingAddon's bodies
            clock=FakeClock(),
        ) as client:
            response = await client.post(
                f"{base_url}/echo?api_key={SECRET}",
                json={"user": "ada", "password": SECRET},
            )
            assert response.status_code == 200
            echoed = response.json()
            assert isinstance(echoed, dict)
            # The server did get the credentials: only the log is redacted.
            assert echoed["headers"]["authorization"] == f"Bearer {SECRET}"
            assert SECRET in echoed["body"]

            print("--- a retried call: each attempt logged")
            first_call = len(logs.lines)
            await client.get(f"{base_url}/status/503")
    finally:
        logger.removeHandler(logs)

    text = "\n".join(logs.lines)
    assert SECRET not in text, "a credential reached the log"
    assert "'Authorization', '[REDACTED]'" in text  # request header, by the hook
    assert '"password": "[REDACTED]"' in text  # request body, by the middleware
    assert "api_key=[REDACTED]" in text  # query parameter, in every line's URL
    assert '"user": "ada"' in text  # what is not a credential stays readable
    # Each attempt of the retried call: sent (hook), body, outcome (middleware).
    retried = logs.lines[first_call:]
    assert sum("sent, headers" in line for line in retried) == 3
    assert sum("got 503, headers" in line for line in retried) == 3
    assert any("gave up after 3 attempt(s)" in line for line in retried)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
