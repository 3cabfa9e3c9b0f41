#!/usr/bin/env python
"""
What restwell's log redaction (``restwell._logsafe``) costs: per request, per record.

1. Records made per request with logging at WARNING (the default): 400 requests
   through httpx and httpx2 to a FaultServer on 127.0.0.1, every record counted by a
   factory wrapping restwell's. None is made, so nothing of the redaction runs.
2. CPU time per record (``time.process_time``, best of 7 blocks of 20,000), a logger
   with a ``NullHandler``, with the plain ``logging.LogRecord`` factory and with
   restwell's: a record of the application's own logger outside a send (the cost is
   the stack walk), httpx's ``HTTP Request`` line without and with credentials in its
   URL, and records made inside a ``@redact_logs`` send.

    python bench/bench_logsafe.py
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import restwell
from restwell import _logsafe
from restwell.testing import FaultServer

OURS = logging.getLogRecordFactory()
N = 20_000
SECRET_URL = "http://u:pa55@127.0.0.1:8080/x?api_key=k3y9&q=1"
CLEAN_URL = "http://127.0.0.1:8080/x?q=1"
HTTPX_LINE = 'HTTP Request: %s %s "%s %d %s"'


class FakeRequest:
    url = SECRET_URL
    headers = restwell.Headers({"Authorization": "Bearer s3cr3t", "Accept": "*/*"})


@_logsafe.redact_logs
def send(request: FakeRequest, run: Callable[[], None]) -> None:
    run()


def records_per_request() -> int:
    made = 0

    def counting(*args: Any, **kwargs: Any) -> logging.LogRecord:
        nonlocal made
        made += 1
        return OURS(*args, **kwargs)

    logging.basicConfig(level=logging.WARNING)
    logging.setLogRecordFactory(counting)
    try:
        with FaultServer() as server:
            for backend in ("httpx", "httpx2"):
                with restwell.Client(transport=backend) as client:
                    for _ in range(200):
                        client.get(server.url + "/json?api_key=k3y").read()
    finally:
        logging.setLogRecordFactory(OURS)
    return made


def logger(name: str) -> logging.Logger:
    log = logging.getLogger(name)
    log.propagate = False
    log.setLevel(logging.DEBUG)
    log.handlers[:] = [logging.NullHandler()]
    return log


def per_record(
    factory: Callable[..., logging.LogRecord],
    log: logging.Logger,
    msg: str,
    args: tuple[object, ...],
    inside: bool,
) -> float:
    """Best CPU µs per record over 7 blocks."""

    def block() -> None:
        for _ in range(N):
            log.info(msg, *args)

    logging.setLogRecordFactory(factory)
    best = float("inf")
    try:
        for _ in range(7):
            start = time.process_time()
            if inside:
                send(FakeRequest(), block)
            else:
                block()
            best = min(best, (time.process_time() - start) / N * 1e6)
    finally:
        logging.setLogRecordFactory(OURS)
    return best


def main() -> None:
    print(f"records made in 400 requests at WARNING: {records_per_request()}")
    app, httpx = logger("myapp.views"), logger("httpx")
    rows = [
        ("own record, outside a send", app, "user %s did %d things", ("bob", 3), False),
        ("httpx line, clean URL", httpx, HTTPX_LINE, ("GET", CLEAN_URL, "HTTP/1.1", 200, "OK"), False),
        ("httpx line, URL with secrets", httpx, HTTPX_LINE, ("GET", SECRET_URL, "HTTP/1.1", 200, "OK"), False),
        ("httpx line, inside a send", httpx, HTTPX_LINE, ("GET", SECRET_URL, "HTTP/1.1", 200, "OK"), True),
        ("own clean record, inside a send", app, "user %s did %d things", ("bob", 3), True),
    ]  # fmt: skip
    print(f"{'record':34s} {'plain µs':>9s} {'restwell µs':>12s} {'added µs':>9s}")
    for label, log, msg, args, inside in rows:
        plain = per_record(logging.LogRecord, log, msg, args, inside)
        ours = per_record(OURS, log, msg, args, inside)
        print(f"{label:34s} {plain:9.2f} {ours:12.2f} {ours - plain:9.2f}")


if __name__ == "__main__":
    main()
