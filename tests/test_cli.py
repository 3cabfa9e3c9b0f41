"""The `restwell` command line, via CliRunner against a real FaultServer."""

from __future__ import annotations

import json
import re
import socket
import sys

import pytest
from click.testing import CliRunner, Result

import restwell
from restwell.cli import main
from restwell.cli._main import cli
from restwell.testing import FaultServer, Step

pytestmark = pytest.mark.network

FAST = ("--backoff-initial", "0.01")  # real waits, but short
SECRET = "s3cr3t-t0ken-value"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def attempt_rows(text: str) -> list[str]:
    """Rows of the -v timeline table: lines starting with the attempt number."""
    return [line for line in text.splitlines() if re.match(r"^│\s*\d+\s*│", line)]


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # closed now: nothing listens there


def test_get_through_503s_succeeds_and_verbose_lists_the_attempts(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """A GET retried through two 503s exits 0, prints the body, and -v shows 3 rows."""
    fault_server.script(
        "/flaky", [Step(503), Step(503), Step(200, json={"ok": True, "n": 3})]
    )
    result = run(runner, "get", fault_server.url_for("/flaky"), "-v", *FAST)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "n": 3}
    rows = attempt_rows(result.stderr)
    assert len(rows) == 3
    assert "503" in rows[0]
    assert "503" in rows[1]
    assert "200" in rows[2]
    assert "3 attempts" in result.stderr
    assert result.stderr.count("↻ attempt") == 2  # one live line per retry
    assert fault_server.hits("/flaky") == 3


def test_retries_zero_exits_1_after_one_attempt(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """--retries 0 disables retrying: one request, exit 1 and the status on stderr."""
    fault_server.script("/down", [Step(503)])
    result = run(runner, "get", fault_server.url_for("/down"), "--retries", "0")
    assert result.exit_code == 1
    assert fault_server.hits("/down") == 1
    assert "restwell: 503 Service Unavailable after 1 attempt" in result.stderr


def test_out_of_retries_reports_the_attempts(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """A 503 that never clears exits 1 after retries + 1 attempts, saying how many."""
    fault_server.script("/down", [Step(503)])
    result = run(runner, "get", fault_server.url_for("/down"), "--retries", "2", *FAST)
    assert result.exit_code == 1
    assert fault_server.hits("/down") == 3
    assert "restwell: 503 Service Unavailable after 3 attempts" in result.stderr


def test_json_body_is_posted(runner: CliRunner, fault_server: FaultServer) -> None:
    """--json sends the text as typed, with Content-Type application/json."""
    fault_server.script("/items", [Step(201, json={"id": 1})])
    result = run(runner, "post", fault_server.url_for("/items"), "--json", '{"a": [1]}')
    assert result.exit_code == 0, result.output
    [request] = fault_server.requests("/items")
    assert request.method == "POST"
    assert request.body == b'{"a": [1]}'
    assert request.header("content-type") == "application/json"


def test_json_null_is_sent_as_null(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """--json null sends the JSON literal null, not an empty body."""
    fault_server.script("/items", [Step(200)])
    result = run(runner, "put", fault_server.url_for("/items"), "--json", "null")
    assert result.exit_code == 0
    assert fault_server.requests("/items")[0].body == b"null"


def test_form_and_raw_data(runner: CliRunner, fault_server: FaultServer) -> None:
    """--form urlencodes repeated fields; --data sends the raw text."""
    fault_server.script("/f", [Step(200)])
    url = fault_server.url_for("/f")
    assert run(runner, "post", url, "--form", "a=1", "--form", "a=x y").exit_code == 0
    assert run(runner, "patch", url, "--data", "raw text").exit_code == 0
    form, raw = fault_server.requests("/f")
    assert form.body == b"a=1&a=x+y"
    assert form.header("content-type") == "application/x-www-form-urlencoded"
    assert (raw.method, raw.body) == ("PATCH", b"raw text")


def test_headers_are_sent(runner: CliRunner, fault_server: FaultServer) -> None:
    """Each -H "Name: value" is sent as given."""
    fault_server.script("/h", [Step(200)])
    result = run(
        runner,
        "get",
        fault_server.url_for("/h"),
        "-H",
        "X-Trace: abc 123",
        "--header",
        "Accept:text/plain",
    )
    assert result.exit_code == 0
    [request] = fault_server.requests("/h")
    assert request.header("x-trace") == "abc 123"
    assert request.header("accept") == "text/plain"


def test_bad_json_exits_2_with_a_clear_message(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """Invalid --json is a usage error: exit 2, says why, sends nothing."""
    result = run(runner, "post", fault_server.url_for("/x"), "--json", "{bad")
    assert result.exit_code == 2
    assert "--json" in result.stderr
    assert "not valid JSON" in result.stderr
    assert fault_server.hits() == 0


@pytest.mark.parametrize(
    "args",
    [
        ("--json", "{}", "--data", "x"),
        ("-H", f"Authorization Bearer {SECRET}"),
        ("--form", "novalue"),
        ("--retries", "-1"),
        ("--timeout", "0"),
        ("-v", "-q"),
    ],
)
def test_usage_errors_exit_2(
    runner: CliRunner, fault_server: FaultServer, args: tuple[str, ...]
) -> None:
    """Contradictory or malformed options exit 2 before sending, echoing no secret."""
    result = run(runner, "post", fault_server.url_for("/x"), *args)
    assert result.exit_code == 2
    assert SECRET not in result.output
    assert fault_server.hits() == 0


def test_unsupported_url_exits_2(runner: CliRunner) -> None:
    """A URL no transport can send is a usage error."""
    result = run(runner, "get", "ftp://127.0.0.1/file")
    assert result.exit_code == 2


def test_connection_refused_exits_3(runner: CliRunner) -> None:
    """No server on the port: exit 3 with the transport error on stderr."""
    url = f"http://127.0.0.1:{closed_port()}/x"
    result = run(runner, "get", url, "--retries", "1", *FAST)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "restwell: ConnectError" in result.stderr
    assert "gave up after 2 attempts" in result.stderr


def test_authorization_never_printed_in_verbose_output(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """-v shows headers and retries with credential values redacted."""
    fault_server.script("/private", [Step(503), Step(200, json={"ok": True})])
    result = run(
        runner,
        "get",
        fault_server.url_for(f"/private?access_token={SECRET}-q"),
        "-v",
        "-i",
        "-H",
        f"Authorization: Bearer {SECRET}",
        "-H",
        f"X-Api-Key: {SECRET}-k",
        *FAST,
    )
    assert result.exit_code == 0
    assert fault_server.requests("/private")[0].header("authorization") == (
        f"Bearer {SECRET}"
    )
    assert "Authorization: [REDACTED]" in result.stderr
    assert SECRET not in result.output
    assert SECRET not in result.stderr


def test_credentials_never_printed_on_failure(runner: CliRunner) -> None:
    """A transport error's message and timeline carry no credential either."""
    result = run(
        runner,
        "get",
        f"http://user:{SECRET}@127.0.0.1:{closed_port()}/x?api_key={SECRET}",
        "-v",
        "--retries",
        "1",
        "-H",
        f"Authorization: Bearer {SECRET}",
        *FAST,
    )
    assert result.exit_code == 3
    assert "ConnectError" in result.stderr
    assert SECRET not in result.output


def test_deadline_exceeded_exits_3(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """A server slower than --deadline: exit 3, DeadlineExceeded on stderr."""
    fault_server.script("/slow", [Step(200, delay=3.0)])
    result = run(
        runner, "get", fault_server.url_for("/slow"), "--deadline", "0.3", "-v"
    )
    assert result.exit_code == 3
    assert "DeadlineExceeded" in result.stderr
    assert len(attempt_rows(result.stderr)) == 1


def test_post_retried_only_with_an_idempotency_key(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """--idempotency-key auto makes a POST retryable, one key; without it, no retry."""
    fault_server.script("/orders", [Step(503), Step(201, json={"id": 7})])
    url = fault_server.url_for("/orders")
    result = run(
        runner, "post", url, "--json", "{}", "--idempotency-key", "auto", *FAST
    )
    assert result.exit_code == 0, result.output
    keys = {r.header("Idempotency-Key") for r in fault_server.requests("/orders")}
    assert len(keys) == 1
    assert None not in keys

    fault_server.script("/bare", [Step(503), Step(201)])
    result = run(runner, "post", fault_server.url_for("/bare"), "-v", *FAST)
    assert result.exit_code == 1
    assert fault_server.hits("/bare") == 1
    assert "not idempotent" in result.stderr


def test_backoff_strategies(runner: CliRunner, fault_server: FaultServer) -> None:
    """Every --backoff name retries."""
    for name in ("exponential", "linear", "fibonacci", "constant"):
        fault_server.script(f"/{name}", [Step(503), Step(200)])
        result = run(
            runner, "get", fault_server.url_for(f"/{name}"), "--backoff", name, *FAST
        )
        assert result.exit_code == 0, (name, result.output)
        assert fault_server.hits(f"/{name}") == 2


def test_include_quiet_and_head(runner: CliRunner, fault_server: FaultServer) -> None:
    """-i prints the status line and headers; -q prints no body; HEAD has none."""
    url = fault_server.url_for("/json")
    included = run(runner, "get", url, "-i")
    assert included.stdout.startswith("HTTP/1.1 200 OK\n")
    assert "content-type: application/json" in included.stdout.lower()
    assert included.stdout.rstrip().endswith("}")
    assert run(runner, "get", url, "-q").stdout == ""
    head = run(runner, "head", url)
    assert (head.exit_code, head.stdout) == (0, "")
    assert run(runner, "options", url).exit_code == 0
    assert run(runner, "delete", fault_server.url_for("/status/404")).exit_code == 1


def test_redirects(runner: CliRunner, fault_server: FaultServer) -> None:
    """--follow follows a redirect; without it, the 3xx is shown and exits 0."""
    fault_server.script("/old", [Step(302, headers={"Location": "/json"})])
    followed = run(runner, "get", fault_server.url_for("/old"), "--follow")
    assert followed.exit_code == 0
    assert json.loads(followed.stdout) == {"hello": "world"}
    kept = run(runner, "get", fault_server.url_for("/old"))
    assert kept.exit_code == 0
    assert "--follow" in kept.stderr


def test_version(runner: CliRunner) -> None:
    """--version prints the installed version."""
    result = run(runner, "--version")
    assert result.exit_code == 0
    assert restwell.__version__ in result.stdout


def test_missing_extra_exits_2_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without click or rich, main() says which extra to install and exits 2."""
    monkeypatch.setitem(sys.modules, "rich", None)
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 2
    assert "pip install 'restwell[cli]'" in capsys.readouterr().err


def test_demo_fast_passes_every_scenario(runner: CliRunner) -> None:
    """`restwell demo --fast` runs the four scenarios, checks them, and exits 0."""
    result = run(runner, "demo", "--fast")
    assert result.exit_code == 0, result.output
    for title in (
        "Survive 503s",
        "Honour Retry-After on 429",
        "A deadline cuts a slow call short",
        "POST retried safely with an idempotency key",
    ):
        assert title in result.stdout
    assert "DeadlineExceeded" in result.stdout
    assert "All 4 scenarios behaved as expected" in result.stdout


def test_demo_reports_a_misbehaving_scenario(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo checks itself: with retries disabled it names the failures, exits 1."""
    from restwell.cli import _demo

    def no_retries(stage: _demo._Stage) -> restwell.Client:
        return restwell.Client(retry=None, deadline=stage.timing.deadline, hooks=[])

    monkeypatch.setattr(_demo._Stage, "client", no_retries)
    result = run(runner, "demo", "--fast")
    assert result.exit_code == 1
    assert "3 of 4 scenarios did not behave as expected" in result.stdout
    assert "✗ Survive 503s" in result.stdout
    assert "✗ A deadline" not in result.stdout
