"""`--attempts`, `--retries`, `--max-retry-after`: counted and capped as in `Retry`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

from restwell.cli._main import cli
from restwell.testing import FaultServer, Step

pytestmark = pytest.mark.network

FAST = ("--backoff-initial", "0.01")  # real waits, but short
# Three 503s before the 200: a policy allowing 3 attempts never sees the 200.
SCRIPT = [Step(503), Step(503), Step(503), Step(200)]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_retries_2_makes_exactly_3_requests(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """--retries N means N + 1 attempts: the first try plus N retries."""
    fault_server.script("/s", SCRIPT)
    result = run(runner, "get", fault_server.url_for("/s"), "--retries", "2", *FAST)
    assert result.exit_code == 1
    assert fault_server.hits("/s") == 3
    assert "after 3 attempts" in result.stderr


@pytest.mark.parametrize(("given", "requests"), [("1", 1), ("3", 3), ("4", 4)])
def test_attempts_counts_the_first_try(
    runner: CliRunner, fault_server: FaultServer, given: str, requests: int
) -> None:
    """--attempts N is Retry(max_attempts=N): at most N requests, the first included."""
    fault_server.script("/s", SCRIPT)
    result = run(runner, "get", fault_server.url_for("/s"), "--attempts", given, *FAST)
    assert fault_server.hits("/s") == requests
    assert result.exit_code == (0 if requests == 4 else 1)


@pytest.mark.parametrize(
    "args",
    [
        ("--attempts", "2", "--retries", "1"),
        ("--attempts", "0"),
        ("--max-retry-after", "-1"),
    ],
)
def test_bad_retry_options_exit_2_before_sending(
    runner: CliRunner, fault_server: FaultServer, args: tuple[str, ...]
) -> None:
    """Both counts at once, or values out of range, are usage errors."""
    result = run(runner, "get", fault_server.url_for("/s"), *args)
    assert result.exit_code == 2
    assert fault_server.hits() == 0


def test_attempts_and_retries_together_say_how_they_relate(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """The refusal explains the conversion, so the user can pick one."""
    result = run(
        runner, "get", fault_server.url_for("/s"), "--attempts", "3", "--retries", "2"
    )
    assert "give --attempts or --retries, not both" in result.stderr
    assert "--retries N is --attempts N+1" in result.stderr


def test_max_retry_after_stops_on_a_longer_retry_after(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """--max-retry-after 1 and Retry-After: 5: no wait, no retry, the 503 shown."""
    fault_server.script("/ra", [Step(503, retry_after=5), Step(200)])
    result = run(runner, "get", fault_server.url_for("/ra"), "--max-retry-after", "1")
    assert result.exit_code == 1
    assert fault_server.hits("/ra") == 1
    assert "Retry-After 5 s, above max_retry_after 1 s" in result.stderr


def test_max_retry_after_honours_a_retry_after_within_it(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """A Retry-After at or below --max-retry-after is waited for, then retried."""
    fault_server.script("/ra", [Step(503, retry_after=0), Step(200, body="ok")])
    result = run(runner, "get", fault_server.url_for("/ra"), "--max-retry-after", "0")
    assert result.exit_code == 0
    assert fault_server.hits("/ra") == 2
    assert result.stdout == "ok\n"


def test_max_retry_after_keeps_the_other_retry_options(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """--max-retry-after combines with --attempts: both limits apply."""
    fault_server.script("/s", SCRIPT)
    result = run(
        runner,
        "get",
        fault_server.url_for("/s"),
        "--attempts",
        "2",
        "--max-retry-after",
        "60",
        *FAST,
    )
    assert result.exit_code == 1
    assert fault_server.hits("/s") == 2


def test_help_documents_the_counting(runner: CliRunner) -> None:
    """--help says --attempts counts the first try and --retries is attempts - 1."""
    text = " ".join(run(runner, "get", "--help").stdout.split())
    assert "--attempts N" in text
    assert "the first try included" in text
    assert "the same as --attempts N+1" in text
    assert "--max-retry-after SECONDS" in text
