"""What the command shows on stderr does not depend on library logging configuration."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner, Result

from restwell.cli._main import cli
from restwell.cli._output import RetryPrinter
from restwell.instrumentation import Event
from restwell.testing import FaultServer, Step

pytestmark = pytest.mark.network

FAST = ("--backoff-initial", "0.01")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def library_logger() -> Iterator[logging.Logger]:
    """The `restwell` logger as a library leaves it: a NullHandler, no propagation."""
    logger = logging.getLogger("restwell")
    null = logging.NullHandler()
    propagate, level = logger.propagate, logger.level
    logger.addHandler(null)
    logger.propagate = False  # nothing above it (pytest's capture, lastResort) helps
    yield logger
    logger.removeHandler(null)
    logger.propagate, logger.level = propagate, level


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_retry_and_give_up_lines_do_not_need_library_logging(
    runner: CliRunner, fault_server: FaultServer, library_logger: logging.Logger
) -> None:
    """-v prints each retry and the final give-up on stderr with a NullHandler only."""
    fault_server.script("/down", [Step(503)])
    result = run(
        runner, "get", fault_server.url_for("/down"), "-v", "--retries", "2", *FAST
    )
    assert result.exit_code == 1
    assert result.stderr.count("↻ attempt") == 2
    assert "restwell: 503 Service Unavailable after 3 attempts" in result.stderr

    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"
    result = run(runner, "get", url, "--retries", "1", *FAST)
    assert result.exit_code == 3
    assert "gave up after 2 attempts" in result.stderr


def test_library_warnings_reach_stderr_through_the_commands_handler(
    runner: CliRunner,
    fault_server: FaultServer,
    library_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record the library logs at ERROR (a hook that raised) is shown on stderr."""

    def broken(self: RetryPrinter, event: Event) -> None:
        raise RuntimeError("printer broke")

    monkeypatch.setattr(RetryPrinter, "__call__", broken)
    handlers = list(library_logger.handlers)
    fault_server.script("/flaky", [Step(503), Step(200, body="ok")])
    result = run(runner, "get", fault_server.url_for("/flaky"), "-v", *FAST)
    assert result.exit_code == 0  # a raising hook is logged and ignored
    assert "raised on RetryScheduled; ignored" in result.stderr
    assert "RuntimeError: printer broke" in result.stderr
    assert library_logger.handlers == handlers  # removed again after the run


def test_the_handler_shows_warnings_not_info(
    runner: CliRunner,
    fault_server: FaultServer,
    library_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The command shows WARNING and above only: the library's INFO stays quiet."""
    from restwell.cli import _main

    send = _main._send

    def logging_send(*args: Any, **kwargs: Any) -> int:
        logging.getLogger("restwell.x").info("info-line")
        logging.getLogger("restwell.x").warning("warning-line")
        return send(*args, **kwargs)

    monkeypatch.setattr(_main, "_send", logging_send)
    library_logger.setLevel(logging.INFO)
    result = run(runner, "get", fault_server.url_for("/json"))
    assert result.exit_code == 0
    assert "warning-line" in result.stderr
    assert "info-line" not in result.stderr
