"""
extapi seed example: the default addons of a ``RetryableExecutor``:

    default_addons = [
        Retry5xxAddon(),
        Retry429Addon(),
        LoggingAddon(),
    ]

"First 2 retry 5xx and 429 status codes. The last one logs the request and
response." ``Retry429Addon`` "also waits for the Retry-After header if it is present
in the response".

restwell: all three are what every client does by default, with nothing to add:

- ``Retry5xxAddon`` + ``Retry429Addon`` → the default ``restwell.Retry()``: statuses
  408, 429, 500, 502, 503, 504 (``restwell.policies.DEFAULT_RETRY_STATUSES``), with
  exponential backoff and full jitter; a ``Retry-After`` (RFC 9110 §10.2.3: seconds
  or an HTTP-date; ``retry-after-ms`` too) replaces the backoff for the wait right
  after its response. Unlike extapi, a ``Retry-After`` above ``max_retry_after``
  (120 s) stops the call at once instead of waiting (a hostile server cannot hang
  the client), and 501/505, which a retry will not fix, are not retried (example 10
  shows extapi's exact "any 5xx" rule).
- ``LoggingAddon`` → ``restwell.instrumentation.LoggingHook()``, the default
  ``hooks=``: retries at INFO, calls that gave up at WARNING, on the ``"restwell"``
  logger, credentials redacted. Example 05 is the verbose form.

Usage: python examples/extapi_04_default_addons.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in
``/status/{code}`` route is used); without it, the example starts its own. The
scripted sequences run on a second ``FaultServer`` the example starts itself.
"""

from __future__ import annotations

import asyncio
import logging
import sys

import restwell
from restwell.instrumentation import LoggingHook
from restwell.testing import FakeClock, FaultServer, Step


class Collect(logging.Handler):
    """Keep every record (and print it, so the run shows what was logged)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        print(f"  log {record.levelname}: {record.getMessage()}")


async def main(base_url: str) -> None:
    logs = Collect()
    logger = logging.getLogger("restwell")
    logger.addHandler(logs)
    logger.setLevel(logging.INFO)

    default = restwell.Retry()
    print("default retry:", default)
    assert default.respect_retry_after
    assert default.max_retry_after == 120.0
    assert {429, 500, 502, 503, 504} <= restwell.policies.DEFAULT_RETRY_STATUSES

    clock = FakeClock()  # waits are recorded in clock.sleeps, not slept
    with FaultServer() as scripted:
        scripted.script(
            "/busy", [Step(429, retry_after=2), Step(503), Step(200, json={"ok": 1})]
        )
        scripted.script("/hostile", [Step(429, retry_after=3600)])
        # No retry=, no hooks=: the defaults are the seed's default addons.
        async with restwell.AsyncClient(transport="aiohttp", clock=clock) as client:
            # Retry429Addon: 429 with Retry-After: 2 → wait exactly 2 s; then
            # Retry5xxAddon: 503 → retried after a backoff wait; then 200.
            response = await client.get(scripted.url_for("/busy"))
            assert [a.status_code for a in response.attempts] == [429, 503, 200]
            assert clock.sleeps[0] == 2.0  # the server's Retry-After
            assert 0.0 <= clock.sleeps[1] <= 1.0  # backoff: uniform(0, 0.5 * 2)
            assert response.attempts[0].delay == 2.0
            assert "Retry-After" in response.attempts[0].reason

            # 5xx out of attempts: 3 attempts, the last 502 returned, and logged.
            response = await client.get(f"{base_url}/status/502")
            assert [a.status_code for a in response.attempts] == [502, 502, 502]

            # Retry-After: 3600 is above max_retry_after: no wait, one attempt.
            response = await client.get(scripted.url_for("/hostile"))
            assert response.status_code == 429
            assert len(response.attempts) == 1
            assert len(clock.sleeps) == 4  # 2 (/busy) + 2 (/status/502), none here
            print("hostile Retry-After:", response.attempts[0].reason)

    # LoggingAddon's part: each retry at INFO, each call that gave up at WARNING.
    logger.removeHandler(logs)
    infos = [r.getMessage() for r in logs.records if r.levelno == logging.INFO]
    warnings = [r.getMessage() for r in logs.records if r.levelno == logging.WARNING]
    assert len(infos) == 4  # 2 retries of /busy, 2 of /status/502
    assert "attempt 1 got 429; retrying in 2.000 s" in infos[0]
    assert len(warnings) == 2  # /status/502 and /hostile gave up
    assert "gave up after 3 attempt(s)" in warnings[0]
    # That logging is LoggingHook()'s: with hooks=[] the client logs nothing.
    logger.addHandler(logs)
    logs.records.clear()
    async with restwell.AsyncClient(
        transport="aiohttp", clock=clock, hooks=[]
    ) as quiet:
        await quiet.get(f"{base_url}/status/502")
    assert logs.records == []
    async with restwell.AsyncClient(
        transport="aiohttp", clock=clock, hooks=[LoggingHook()]
    ) as spelled_out:
        await spelled_out.get(f"{base_url}/status/502")
    assert len(logs.records) == 3  # 2 retries, 1 gave up: as by default
    logger.removeHandler(logs)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
