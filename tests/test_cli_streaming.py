"""`restwell get` streams the body to stdout: bounded memory, bytes as received."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from restwell.cli import _main
from restwell.cli._main import FORMAT_LIMIT, cli
from restwell.testing import FaultServer, Step

pytestmark = pytest.mark.network

MiB = 1024 * 1024
BIG = 50 * MiB  # the case: 277 MB peak for a 50 MB body
# 2 MiB of JSON (over FORMAT_LIMIT) whose raw bytes differ from the indented form.
BIG_JSON = json.dumps([{"n": i, "pad": "x" * 40} for i in range(40_000)]).encode()

# Runs the command given as arguments, reports its peak RSS in bytes on the last line
# of stderr, and exits with its code. A fresh, small interpreter does the spawning: on
# Linux a child's ru_maxrss includes what it inherited at fork, so a child of the test
# process (which holds the 50 MB body) would report the test process's size.
_MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], check=False).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(peak if sys.platform == "darwin" else peak * 1024, file=sys.stderr)
sys.exit(code)
"""
_RESTWELL = (sys.executable, "-c", "from restwell.cli import main; main()")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def measured_get(url: str, out: Path) -> tuple[int, int, str]:
    """Run `restwell get URL > out` in a subprocess: (exit code, peak RSS, stderr)."""
    with out.open("wb") as stdout:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, *_RESTWELL, "get", url],
            stdout=stdout,
            stderr=subprocess.PIPE,
            check=False,
            timeout=100,
        )
    *lines, peak = done.stderr.decode().splitlines()
    return done.returncode, int(peak), "\n".join(lines)


def test_a_50_mb_body_is_streamed_in_bounded_memory(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    """The 50 MB body reaches stdout byte for byte; the peak grows by < 1/3 of it."""
    body = bytes(range(256)) * (BIG // 256)  # binary: no decoding can hide in it
    fault_server.script(
        "/small", [Step(200, body=b"x", headers={"Content-Type": "text/plain"})]
    )
    fault_server.script(
        "/big",
        [Step(200, body=body, headers={"Content-Type": "application/octet-stream"})],
    )
    _, baseline, _ = measured_get(fault_server.url_for("/small"), tmp_path / "small")
    code, peak, err = measured_get(fault_server.url_for("/big"), tmp_path / "big")
    assert (code, err) == (0, "")
    assert (tmp_path / "big").read_bytes() == body
    grown = peak - baseline
    assert grown < BIG / 3, f"peak RSS grew by {grown / MiB:.0f} MiB for 50 MiB"


def test_a_chunked_50_mb_text_body_is_streamed_unchanged(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    """Without Content-Length, text is streamed too: same bytes, no newline added."""
    body = b"0123456789abcdef" * (BIG // 16)
    fault_server.script("/small", [Step(200, body=b"x", chunked=True)])
    fault_server.script("/big", [Step(200, body=body, chunked=True)])
    _, baseline, _ = measured_get(fault_server.url_for("/small"), tmp_path / "small")
    code, peak, _ = measured_get(fault_server.url_for("/big"), tmp_path / "big")
    assert code == 0
    assert (tmp_path / "big").read_bytes() == body
    assert peak - baseline < BIG / 3


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"y" * (8 * MiB), {}),  # streamed as it arrives
        (json.dumps(["y" * 50] * 8_000).encode(), {"Content-Type": "application/json"}),
    ],
    ids=["streamed", "formatted"],
)
def test_a_reader_that_stops_early_ends_the_command_quietly(
    fault_server: FaultServer, body: bytes, headers: dict[str, str]
) -> None:
    """`restwell get URL | head -c 1000` ends the command at once, with no traceback.

    The closed pipe raises BrokenPipeError out of the write, which closes the
    response, and click's main exits silently (its status for a closed pipe).
    """
    fault_server.script("/big", [Step(200, body=body, headers=headers)])
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [*_RESTWELL, "get", fault_server.url_for("/big")],
            stdout=subprocess.PIPE,
            stderr=err,
        )
        assert proc.stdout is not None
        assert len(proc.stdout.read(1000)) == 1000
        proc.stdout.close()  # the reader goes away
        proc.wait(timeout=60)
        err.seek(0)
        assert err.read() == b""


def test_large_json_is_written_as_received(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """JSON over FORMAT_LIMIT is not indented: it is streamed byte for byte."""
    assert len(BIG_JSON) > FORMAT_LIMIT
    fault_server.script("/j", [Step(200, body=BIG_JSON, headers=_JSON)])
    result = run(runner, "get", fault_server.url_for("/j"))
    assert result.exit_code == 0
    assert result.stdout_bytes == BIG_JSON


def test_large_chunked_json_is_written_as_received(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """Without Content-Length, JSON is buffered up to FORMAT_LIMIT, then streamed."""
    fault_server.script("/j", [Step(200, body=BIG_JSON, headers=_JSON, chunked=True)])
    result = run(runner, "get", fault_server.url_for("/j"))
    assert result.stdout_bytes == BIG_JSON


def test_small_chunked_json_is_still_indented(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """A small JSON body of unknown length is formatted, as before."""
    fault_server.script("/j", [Step(200, json={"a": [1, 2]}, chunked=True)])
    result = run(runner, "get", fault_server.url_for("/j"))
    assert result.stdout == '{\n  "a": [\n    1,\n    2\n  ]\n}\n'


def test_pretty_formats_a_large_body_and_raw_keeps_a_small_one(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """--pretty indents JSON of any size; --raw writes even small JSON unchanged."""
    fault_server.script("/big", [Step(200, body=BIG_JSON, headers=_JSON)])
    pretty = run(runner, "get", fault_server.url_for("/big"), "--pretty")
    assert pretty.stdout.startswith('[\n  {\n    "n": 0,')
    assert json.loads(pretty.stdout) == json.loads(BIG_JSON)
    fault_server.script("/small", [Step(200, body=b'{"a":1}', headers=_JSON)])
    raw = run(runner, "get", fault_server.url_for("/small"), "--raw")
    assert raw.stdout_bytes == b'{"a":1}'


def test_include_prints_the_head_before_a_streamed_body(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """-i: status line and headers (text layer), then the body's bytes, in order."""
    body = b"z" * (2 * MiB)
    fault_server.script("/big", [Step(200, body=body)])
    result = run(runner, "get", fault_server.url_for("/big"), "-i")
    head, sep, rest = result.stdout_bytes.partition(b"\n\n")
    assert sep
    assert head.startswith(b"HTTP/1.1 200 OK\n")
    assert rest == body


def test_a_body_that_breaks_off_exits_3_saying_the_output_is_incomplete(
    runner: CliRunner, fault_server: FaultServer
) -> None:
    """Half a large body, then the server closes: half written, exit 3, not retried."""
    body = b"w" * (4 * MiB)
    fault_server.script("/cut", [Step(200, body=body, fault="truncate")])
    result = run(runner, "get", fault_server.url_for("/cut"))
    assert result.exit_code == 3
    assert result.stdout_bytes == body[: len(body) // 2]
    assert "restwell: ProtocolError" in result.stderr
    half = len(body) // 2
    assert f"{half} bytes of the body, {half} written to stdout" in result.stderr
    assert "the output is incomplete" in result.stderr
    assert fault_server.hits("/cut") == 1


def test_the_deadline_bounds_the_body(
    runner: CliRunner, fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks still arriving after --deadline: reading stops there, exit 3."""
    ticks = iter([0.0])  # the call starts at 0 s; every later reading is 100 s
    monkeypatch.setattr(_main, "_monotonic", lambda: next(ticks, 100.0))
    fault_server.script("/big", [Step(200, body=b"v" * (2 * MiB))])
    result = run(runner, "get", fault_server.url_for("/big"), "--deadline", "5")
    assert result.exit_code == 3
    assert result.stdout_bytes == b""
    assert "the deadline passed while the body was arriving" in result.stderr
    assert "0 written to stdout: the output is incomplete" in result.stderr


def test_binary_is_not_streamed_to_a_terminal(
    runner: CliRunner, fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large binary body is refused on a terminal, as a small one is."""
    monkeypatch.setattr(_main, "_stdout_is_tty", lambda: True)
    size = 2 * MiB
    octets = {"Content-Type": "application/octet-stream"}
    fault_server.script(
        "/bin", [Step(200, body=b"\xff\xfe" * (size // 2), headers=octets)]
    )
    result = run(runner, "get", fault_server.url_for("/bin"))
    assert result.exit_code == 0
    assert result.stdout_bytes == b""
    assert f"binary body ({size} bytes) not printed to a terminal" in result.stderr
    fault_server.script("/small", [Step(200, body=b"\xff\xfe", headers=octets)])
    small = run(runner, "get", fault_server.url_for("/small"))
    assert small.stdout_bytes == b""
    assert "binary body (2 bytes) not printed to a terminal" in small.stderr


def test_binary_goes_to_a_pipe_and_utf8_to_a_terminal(
    runner: CliRunner, fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Binary is written unchanged when piped; octets that are UTF-8 show on a tty."""
    octets = {"Content-Type": "application/octet-stream"}
    fault_server.script("/small", [Step(200, body=b"\xff\xfe", headers=octets)])
    assert run(runner, "get", fault_server.url_for("/small")).stdout_bytes == (
        b"\xff\xfe"
    )
    monkeypatch.setattr(_main, "_stdout_is_tty", lambda: True)
    text = "é" * MiB  # 2 MiB of UTF-8, labelled as octets
    fault_server.script("/big", [Step(200, body=text, headers=octets)])
    shown = run(runner, "get", fault_server.url_for("/big"))
    assert shown.stdout_bytes == text.encode() + b"\n"


def test_a_streamed_text_body_ends_with_a_newline_on_a_terminal(
    runner: CliRunner, fault_server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the prompt starts on its own line; piped, the bytes are exact."""
    body = b"t" * (2 * MiB)
    fault_server.script("/t", [Step(200, body=body, chunked=True)])
    piped = run(runner, "get", fault_server.url_for("/t"))
    assert piped.stdout_bytes == body
    monkeypatch.setattr(_main, "_stdout_is_tty", lambda: True)
    fault_server.script("/t", [Step(200, body=body, chunked=True)])
    shown = run(runner, "get", fault_server.url_for("/t"))
    assert shown.stdout_bytes == body + b"\n"


def test_quiet_reads_no_body(runner: CliRunner, fault_server: FaultServer) -> None:
    """-q closes the response unread: nothing on stdout, exit from the status."""
    fault_server.script("/big", [Step(200, body=b"q" * (2 * MiB))])
    result = run(runner, "get", fault_server.url_for("/big"), "-q")
    assert (result.exit_code, result.stdout_bytes) == (0, b"")


_JSON = {"Content-Type": "application/json"}
