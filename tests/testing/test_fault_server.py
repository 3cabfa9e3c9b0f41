"""Tests for restwell.testing.FaultServer, over real sockets on loopback."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from restwell.testing import FaultServer, RecordedRequest, Step

pytestmark = pytest.mark.network

#: Upper bound for polling loops and socket reads, in seconds; never asserted on.
WAIT = 10.0


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=WAIT) as http_client:
        yield http_client


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


def raw_exchange(
    server: FaultServer, request: bytes
) -> tuple[bytes, BaseException | None]:
    """Send raw bytes, read until EOF or error; return what came back and the error."""
    received = b""
    with socket.create_connection((server.host, server.port), timeout=WAIT) as sock:
        sock.sendall(request)
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except OSError as exc:
            return received, exc
    return received, None


def get_request(path: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: test\r\n{extra}\r\n".encode()


def split_response(raw: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status_line, headers, body


# -- lifecycle and addresses -----------------------------------------------------------


def test_url_is_loopback_with_the_bound_port_and_no_trailing_slash(
    server: FaultServer,
) -> None:
    """The URL names 127.0.0.1 and the port read back from the bound socket."""
    assert server.port > 0
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert server.url_for("/a?b=1") == f"http://127.0.0.1:{server.port}/a?b=1"


@pytest.mark.parametrize("host", ["0.0.0.0", "", "localhost", "192.0.2.1", "::"])
def test_non_loopback_host_is_refused(host: str) -> None:
    """Any host other than 127.0.0.1 and ::1 raises ValueError before binding."""
    with pytest.raises(ValueError, match="loopback"):
        FaultServer(host)


def test_ipv6_loopback_is_served(client: httpx.Client) -> None:
    """host="::1" binds the IPv6 loopback and the URL brackets the address."""
    try:
        server = FaultServer("::1")
        server.start()
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    try:
        assert server.url == f"http://[::1]:{server.port}"
        assert client.get(server.url_for("/json")).json() == {"hello": "world"}
    finally:
        server.stop()


def test_start_and_stop_without_with_and_restart() -> None:
    """start()/stop() work without `with`, stop() is idempotent, and restart works."""
    server = FaultServer()
    server.start()
    try:
        with pytest.raises(RuntimeError, match="already running"):
            server.start()
        assert httpx.get(server.url_for("/json"), timeout=WAIT).status_code == 200
    finally:
        server.stop()
    server.stop()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
    server.start()
    try:
        assert httpx.get(server.url_for("/json"), timeout=WAIT).status_code == 200
    finally:
        server.stop()
    assert server.hits("/json") == 2


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
@pytest.mark.anyio
async def test_async_with_serves_async_clients() -> None:
    """`async with FaultServer()` serves async clients under asyncio and trio."""
    async with FaultServer() as server:
        server.script("/flaky", [Step(503), Step(200, json={"ok": True})])
        async with httpx.AsyncClient(timeout=WAIT) as client:
            first = await client.get(server.url_for("/flaky"))
            second = await client.get(server.url_for("/flaky"))
    assert [first.status_code, second.status_code] == [503, 200]
    assert second.json() == {"ok": True}


# -- scripting -------------------------------------------------------------------------


def test_steps_are_consumed_in_order_and_the_last_repeats(
    server: FaultServer, client: httpx.Client
) -> None:
    """A scripted path answers with its steps in order, then repeats the last one."""
    server.script(
        "/flaky",
        [
            Step(503),
            Step(503, headers={"Retry-After": "1"}),
            Step(200, json={"ok": True}),
        ],
    )
    responses = [client.get(server.url_for("/flaky")) for _ in range(5)]
    assert [r.status_code for r in responses] == [503, 503, 200, 200, 200]
    assert "retry-after" not in responses[0].headers
    assert responses[1].headers["retry-after"] == "1"
    assert responses[4].json() == {"ok": True}
    assert responses[4].headers["content-type"] == "application/json"
    assert server.hits("/flaky") == 5


def test_query_string_is_ignored_for_matching_but_recorded(
    server: FaultServer, client: httpx.Client
) -> None:
    """A scripted path matches with any query string, and the record keeps the query."""
    server.script("/q", [Step(201)])
    assert client.get(server.url_for("/q?page=2&x=y")).status_code == 201
    assert [r.path for r in server.requests("/q")] == ["/q?page=2&x=y"]


def test_rescripting_a_path_replaces_its_queue(
    server: FaultServer, client: httpx.Client
) -> None:
    """script() on an already scripted path drops the steps left in the old queue."""
    server.script("/p", [Step(500), Step(501), Step(502)])
    assert client.get(server.url_for("/p")).status_code == 500
    server.script("/p", [Step(204)])
    assert [client.get(server.url_for("/p")).status_code for _ in range(2)] == [
        204,
        204,
    ]


def test_reset_clears_scripts_and_records(
    server: FaultServer, client: httpx.Client
) -> None:
    """reset() forgets scripts and records, so built-in routes answer again."""
    server.script("/json", [Step(500)])
    assert client.get(server.url_for("/json")).status_code == 500
    server.reset()
    assert server.hits() == 0
    assert client.get(server.url_for("/json")).json() == {"hello": "world"}
    assert server.hits("/json") == 1


def test_script_rejects_bad_paths_and_empty_steps(server: FaultServer) -> None:
    """script() needs a "/" path without a query, and at least one Step."""
    with pytest.raises(ValueError, match="must start with"):
        server.script("flaky", [Step()])
    with pytest.raises(ValueError, match="query"):
        server.script("/flaky?x=1", [Step()])
    with pytest.raises(ValueError, match="at least one"):
        server.script("/flaky", [])
    with pytest.raises(TypeError, match="expected Step"):
        server.script("/flaky", [503])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"status": 99}, "status"),
        ({"status": 1000}, "status"),
        ({"delay": -1.0}, "delay"),
        ({"body_delay": float("nan")}, "body_delay"),
        ({"fault": "explode"}, "fault"),
        ({"body": b"x", "json": {}}, "body= and json="),
        ({"retry_after": 1, "headers": {"retry-after": "2"}}, "Retry-After"),
        ({"headers": {"X-Bad": "a\r\nInjected: 1"}}, "CR or LF"),
        ({"retry_after": "1\r\nInjected: 1"}, "CR or LF"),
        ({"headers": [("X-Snow", "\u2603")]}, "Latin-1"),
    ],
)
def test_step_validates_its_fields(kwargs: dict[str, object], match: str) -> None:
    """Step raises ValueError for values the server could not send as described."""
    with pytest.raises(ValueError, match=match):
        Step(**kwargs)  # type: ignore[arg-type]


# -- recording -------------------------------------------------------------------------


def test_records_method_path_headers_body_and_time(
    server: FaultServer, client: httpx.Client
) -> None:
    """Requests are recorded with method, target, raw headers, body and a time."""
    before = time.monotonic()
    client.post(
        server.url_for("/rec?a=1"),
        content=b"payload",
        headers=[("X-Trace-Id", "abc"), ("X-Multi", "1"), ("X-Multi", "2")],
    )
    client.delete(server.url_for("/rec"))
    first, second = server.requests("/rec")
    assert isinstance(first, RecordedRequest)
    assert (first.method, first.path, first.body) == ("POST", "/rec?a=1", b"payload")
    assert ("X-Trace-Id", "abc") in first.headers.multi_items()
    assert first.headers["x-trace-id"] == "abc"
    assert first.header("x-trace-id") == "abc"
    assert first.header("X-MULTI") == "1, 2"
    assert first.header("content-length") == "7"
    assert first.header("absent") is None
    assert (second.method, second.body) == ("DELETE", b"")
    assert before <= first.time <= second.time <= time.monotonic()
    assert server.requests() == [first, second]
    assert server.requests("/other") == []


def test_requests_is_a_live_list_like_record(
    server: FaultServer, client: httpx.Client
) -> None:
    """server.requests indexes, counts, iterates, filters by path and gives last."""
    log = server.requests
    assert (len(log), list(log), log == []) == (0, [], True)
    with pytest.raises(IndexError, match="no request"):
        _ = log.last
    client.get(server.url_for("/a?x=1"), headers={"Authorization": "Bearer t0ken"})
    client.post(server.url_for("/b"), content=b"two")
    client.get(server.url_for("/a"))
    assert len(log) == 3  # the same object sees later requests
    assert [r.path for r in log] == ["/a?x=1", "/b", "/a"]
    assert log[0].headers["authorization"] == "Bearer t0ken"
    assert log[0].headers["AUTHORIZATION"] == "Bearer t0ken"
    assert log[-1] is log.last
    assert [r.path for r in log[1:]] == ["/b", "/a"]
    assert [r.path for r in log.for_path("/a")] == ["/a?x=1", "/a"]
    assert log.for_path("/a") == server.requests("/a") == log("/a")
    assert log == list(log)
    assert log == tuple(log)
    assert log != "not a list"
    assert "t0ken" not in repr(log)  # Headers redact credentials in reprs
    with pytest.raises(ValueError, match="must start with '/'"):
        log.for_path("a")
    server.reset()
    assert len(log) == 0


def test_recorded_headers_keep_repeats_and_accept_pairs() -> None:
    """RecordedRequest.headers is case-insensitive and multi-valued, from any form."""
    rec = RecordedRequest(
        method="GET",
        path="/",
        headers=[("X-A", "1"), ("x-a", "2"), ("Host", "h")],
        body=b"",
        time=0.0,
    )
    assert rec.headers.get_list("X-A") == ["1", "2"]
    assert rec.headers["x-a"] == rec.header("X-a") == "1, 2"
    assert rec.headers.multi_items()[0] == ("X-A", "1")
    from_mapping = RecordedRequest(
        method="GET", path="/", headers={"Host": "h"}, body=b"", time=0.0
    )
    assert from_mapping.headers == {"host": "h"}


def test_chunked_request_body_is_read_fully(server: FaultServer) -> None:
    """A chunked request body is de-chunked and recorded whole."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=WAIT)
    try:
        conn.request("PUT", "/echo", body=iter([b"hello ", b"chunked ", b"world"]))
        response = conn.getresponse()
        payload = json.loads(response.read())
    finally:
        conn.close()
    assert payload["body"] == "hello chunked world"
    assert server.requests("/echo")[0].body == b"hello chunked world"
    assert server.requests("/echo")[0].header("transfer-encoding") == "chunked"


def test_large_content_length_body_is_read_fully(
    server: FaultServer, client: httpx.Client
) -> None:
    """A request body larger than one socket read is recorded completely."""
    body = bytes(range(256)) * 4096
    assert client.post(server.url_for("/big"), content=body).status_code == 404
    assert server.requests("/big")[0].body == body


def test_expect_100_continue_gets_an_interim_response(server: FaultServer) -> None:
    """Expect: 100-continue gets "100 Continue" before the client sends its body."""
    with socket.create_connection((server.host, server.port), timeout=WAIT) as sock:
        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
            b"Expect: 100-continue\r\nConnection: close\r\n\r\n"
        )
        interim = b""
        while b"\r\n\r\n" not in interim:
            interim += sock.recv(1)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"ok")
        final = b""
        while chunk := sock.recv(65536):
            final += chunk
    status_line, _, body = split_response(final)
    assert status_line == "HTTP/1.1 200 OK"
    assert json.loads(body)["body"] == "ok"


def test_malformed_request_gets_400_and_is_not_recorded(server: FaultServer) -> None:
    """A request h11 cannot parse is answered with 400 and the connection is closed."""
    raw, error = raw_exchange(server, b"NOT HTTP AT ALL\r\n\r\n")
    assert error is None
    assert raw.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert server.hits() == 0


# -- responses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        (2, "2"),
        (1.5, "1.5"),
        ("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
        ("-1", "-1"),
        ("nan", "nan"),
    ],
)
def test_retry_after_is_sent_verbatim(
    server: FaultServer,
    client: httpx.Client,
    retry_after: float | str,
    expected: str,
) -> None:
    """Step(retry_after=x) sends Retry-After: str(x), valid or not."""
    server.script("/ra", [Step(429, retry_after=retry_after)])
    assert client.get(server.url_for("/ra")).headers["retry-after"] == expected


def test_every_response_has_date_content_type_and_framing(
    server: FaultServer, client: httpx.Client
) -> None:
    """Scripted and built-in responses carry Date, content-type and Content-Length."""
    server.script("/s", [Step(200, body="plain")])
    for path in ["/s", "/json", "/echo", "/status/503", "/missing"]:
        response = client.get(server.url_for(path))
        assert "date" in response.headers
        assert "content-type" in response.headers
        assert response.headers["content-length"] == str(len(response.content))
    assert (
        client.get(server.url_for("/s"))
        .headers["content-type"]
        .startswith("text/plain")
    )


def test_step_headers_replace_generated_ones(
    server: FaultServer, client: httpx.Client
) -> None:
    """A Step header replaces the generated one, e.g. a lying Content-Length."""
    server.script("/ct", [Step(body="<p>", headers={"Content-Type": "text/html"})])
    response = client.get(server.url_for("/ct"))
    assert response.headers.get_list("content-type") == ["text/html"]
    server.script("/lie", [Step(body="short", headers=[("Content-Length", "100")])])
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(server.url_for("/lie"))


def test_chunked_response_is_decoded_by_clients(
    server: FaultServer, client: httpx.Client
) -> None:
    """Step(chunked=True) frames the body with Transfer-Encoding: chunked."""
    server.script("/chunked", [Step(body="hello chunked world", chunked=True)])
    response = client.get(server.url_for("/chunked"))
    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    assert response.text == "hello chunked world"
    raw, _ = raw_exchange(server, get_request("/chunked", "Connection: close\r\n"))
    assert split_response(raw)[2] == b"9\r\nhello chu\r\na\r\nnked world\r\n0\r\n\r\n"


def test_head_and_204_responses_have_no_body(server: FaultServer) -> None:
    """HEAD gets GET's headers but no body; a 204 has no body and no Content-Length."""
    server.script("/h", [Step(body="twelve bytes")])
    server.script("/n", [Step(204, body="ignored")])
    conn = http.client.HTTPConnection(server.host, server.port, timeout=WAIT)
    try:
        conn.request("HEAD", "/h")
        head = conn.getresponse()
        assert (head.getheader("content-length"), head.read()) == ("12", b"")
        conn.request("GET", "/n")
        empty = conn.getresponse()
        assert (empty.status, empty.getheader("content-length"), empty.read()) == (
            204,
            None,
            b"",
        )
    finally:
        conn.close()


def test_delay_waits_before_the_head(server: FaultServer, client: httpx.Client) -> None:
    """Step(delay=d) answers no earlier than d seconds after the request."""
    server.script("/slow", [Step(delay=0.2, body="late")])
    started = time.monotonic()
    assert client.get(server.url_for("/slow")).text == "late"
    assert time.monotonic() - started >= 0.2


def test_body_delay_pauses_mid_body(server: FaultServer) -> None:
    """Step(body_delay=d) sends the head and half the body, pauses, then the rest."""
    server.script("/mid", [Step(body=b"0123456789", body_delay=0.5)])
    with socket.create_connection((server.host, server.port), timeout=WAIT) as sock:
        sock.sendall(get_request("/mid", "Connection: close\r\n"))
        received = b""
        while not received.endswith(b"\r\n\r\n01234"):
            received += sock.recv(1)
        sock.setblocking(False)
        with pytest.raises(BlockingIOError):
            sock.recv(1)  # nothing more yet: the server is in its body_delay
        sock.settimeout(WAIT)
        while chunk := sock.recv(65536):
            received += chunk
    assert split_response(received)[2] == b"0123456789"


# -- connections -----------------------------------------------------------------------


def test_keep_alive_serves_several_requests_on_one_connection(
    server: FaultServer,
) -> None:
    """Two requests on one http.client connection reuse the same socket."""
    server.script("/ka", [Step(body="one"), Step(body="two")])
    conn = http.client.HTTPConnection(server.host, server.port, timeout=WAIT)
    try:
        conn.request("GET", "/ka")
        first = conn.getresponse()
        assert first.read() == b"one"
        sock = conn.sock
        assert sock is not None
        conn.request("GET", "/ka")
        second = conn.getresponse()
        assert second.read() == b"two"
        assert conn.sock is sock
        assert not second.will_close
    finally:
        conn.close()


def test_pipelined_requests_are_answered_in_order(server: FaultServer) -> None:
    """Requests sent back to back in one write are each answered, in order."""
    server.script("/p", [Step(body="first"), Step(body="second")])
    raw, error = raw_exchange(
        server, get_request("/p") + get_request("/p", "Connection: close\r\n")
    )
    assert error is None
    assert raw.count(b"HTTP/1.1 200 OK\r\n") == 2
    assert raw.index(b"first") < raw.index(b"second")
    assert raw.endswith(b"second")


def test_http_1_0_and_connection_close_requests_are_answered_then_closed(
    server: FaultServer,
) -> None:
    """HTTP/1.0 and Connection: close requests get a response, then EOF."""
    raw, error = raw_exchange(server, b"GET /json HTTP/1.0\r\n\r\n")
    assert error is None
    status_line, headers, body = split_response(raw)
    assert (status_line, headers["connection"]) == ("HTTP/1.1 200 OK", "close")
    assert json.loads(body) == {"hello": "world"}
    raw, error = raw_exchange(server, get_request("/json", "Connection: close\r\n"))
    assert error is None
    assert split_response(raw)[1]["connection"] == "close"


def test_connections_are_served_concurrently(server: FaultServer) -> None:
    """A second connection is served while the first waits in a delay."""
    server.script("/slow", [Step(delay=60)])
    errors: list[BaseException] = []

    def call() -> None:
        try:
            httpx.get(server.url_for("/slow"), timeout=WAIT * 3)
        except httpx.TransportError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    wait_until(lambda: server.hits("/slow") == 2)
    assert all(thread.is_alive() for thread in threads)
    server.stop()
    for thread in threads:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads)
    assert len(errors) == 2


def test_stop_cuts_off_an_in_flight_delayed_request() -> None:
    """stop() returns while a request waits in /delay/60, and that client sees EOF."""
    server = FaultServer()
    server.start()
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            httpx.get(server.url_for("/delay/60"), timeout=WAIT * 3)
        except httpx.TransportError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    try:
        wait_until(lambda: server.hits("/delay/60") == 1)
    finally:
        server.stop()
    thread.join(WAIT)
    assert not thread.is_alive()
    assert len(outcome) == 1
    assert server.hits("/delay/60") == 1
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url


# -- faults ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("reset", httpx.ReadError),
        ("reset_mid_body", httpx.ReadError),
        ("truncate", httpx.RemoteProtocolError),
        ("close", httpx.RemoteProtocolError),
        ("bad_chunked", httpx.RemoteProtocolError),
    ],
)
def test_faults_raise_transport_errors_in_httpx(
    server: FaultServer,
    client: httpx.Client,
    fault: str,
    error: type[httpx.TransportError],
) -> None:
    """Each connection-level fault surfaces in httpx as the matching transport error."""
    step = Step(body="hello world", fault=fault)  # type: ignore[arg-type]
    server.script("/f", [step])
    with pytest.raises(error):
        client.get(server.url_for("/f"))
    assert server.hits("/f") == 1


def test_malformed_json_is_well_framed_but_does_not_parse(
    server: FaultServer, client: httpx.Client
) -> None:
    """fault="malformed_json" sends a well-framed JSON response that does not parse."""
    server.script("/mj", [Step(json={"ok": True}, fault="malformed_json")])
    response = client.get(server.url_for("/mj"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-length"] == str(len(response.content))
    assert response.headers["connection"] == "close"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_reset_sends_rst_before_any_byte(server: FaultServer) -> None:
    """fault="reset" resets the connection without sending a response byte."""
    server.script("/r", [Step(fault="reset")])
    raw, error = raw_exchange(server, get_request("/r"))
    assert raw == b""
    assert isinstance(error, ConnectionResetError)


def test_close_sends_fin_without_a_response(server: FaultServer) -> None:
    """fault="close" reads the request and closes cleanly without sending anything."""
    server.script("/c", [Step(fault="close")])
    raw, error = raw_exchange(server, get_request("/c"))
    assert (raw, error) == (b"", None)


def test_truncate_sends_half_the_body_then_fin(server: FaultServer) -> None:
    """fault="truncate" announces the full Content-Length, sends half, then a FIN."""
    server.script("/t", [Step(body=b"0123456789", fault="truncate")])
    raw, error = raw_exchange(server, get_request("/t"))
    assert error is None
    _, headers, body = split_response(raw)
    assert (headers["content-length"], body) == ("10", b"01234")


def test_truncate_without_a_body_cuts_the_filler_body(server: FaultServer) -> None:
    """fault="truncate" on a step with no body still sends half of a non-empty body."""
    server.script("/t", [Step(fault="truncate")])
    raw, _ = raw_exchange(server, get_request("/t"))
    _, headers, body = split_response(raw)
    assert 0 < len(body) < int(headers["content-length"])


def test_reset_mid_body_sends_half_the_body_then_rst(server: FaultServer) -> None:
    """fault="reset_mid_body" sends the head and half the body, then resets."""
    server.script("/rm", [Step(body=b"0123456789", fault="reset_mid_body")])
    raw, error = raw_exchange(server, get_request("/rm"))
    assert isinstance(error, ConnectionResetError)
    status_line, headers, body = split_response(raw)
    assert (status_line, headers["content-length"], body) == (
        "HTTP/1.1 200 OK",
        "10",
        b"01234",
    )


def test_bad_chunked_sends_an_invalid_chunk_size_line(server: FaultServer) -> None:
    """fault="bad_chunked" declares chunked framing and sends a non-hex chunk size."""
    server.script("/bc", [Step(body="x", fault="bad_chunked")])
    raw, _ = raw_exchange(server, get_request("/bc"))
    _, headers, body = split_response(raw)
    assert headers["transfer-encoding"] == "chunked"
    chunk_size = body.split(b"\r\n", 1)[0].split(b";", 1)[0]
    with pytest.raises(ValueError, match="invalid literal"):
        int(chunk_size, 16)


def test_a_fault_closes_the_connection_and_the_next_request_reconnects(
    server: FaultServer, client: httpx.Client
) -> None:
    """After a fault the client reconnects and the path's next step answers normally."""
    server.script("/then-ok", [Step(fault="close"), Step(200, body="ok")])
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(server.url_for("/then-ok"))
    assert client.get(server.url_for("/then-ok")).text == "ok"


# -- built-in routes -------------------------------------------------------------------


def test_builtin_status_route_with_retry_after(
    server: FaultServer, client: httpx.Client
) -> None:
    """/status/{code} answers with that code, and ?retry_after=X adds Retry-After: X."""
    teapot = client.post(server.url_for("/status/418"))
    assert (teapot.status_code, teapot.text) == (418, "418 I'm a Teapot\n")
    assert "retry-after" not in teapot.headers
    busy = client.get(server.url_for("/status/503?retry_after=7"))
    assert (busy.status_code, busy.headers["retry-after"]) == (503, "7")
    assert client.get(server.url_for("/status/abc")).status_code == 400
    injected = client.get(
        server.url_for("/status/503?retry_after=1%0d%0aX-Injected:%201")
    )
    assert (injected.status_code, "x-injected" in injected.headers) == (400, False)


def test_builtin_delay_route(server: FaultServer, client: httpx.Client) -> None:
    """/delay/{seconds} waits at least that long, then answers {"delayed": seconds}."""
    started = time.monotonic()
    response = client.get(server.url_for("/delay/0.2"))
    assert time.monotonic() - started >= 0.2
    assert response.json() == {"delayed": 0.2}
    assert client.get(server.url_for("/delay/-1")).status_code == 400


def test_builtin_echo_route(server: FaultServer, client: httpx.Client) -> None:
    """/echo returns the method, target, lowercased headers and body as JSON."""
    response = client.patch(
        server.url_for("/echo?x=1"), content="body text", headers={"X-Thing": "v"}
    )
    payload = response.json()
    assert (payload["method"], payload["path"], payload["body"]) == (
        "PATCH",
        "/echo?x=1",
        "body text",
    )
    assert payload["headers"]["x-thing"] == "v"
    assert payload["headers"]["content-length"] == "9"


def test_builtin_json_and_not_found_routes(
    server: FaultServer, client: httpx.Client
) -> None:
    """/json answers {"hello": "world"}; an unscripted unknown path answers 404 JSON."""
    assert client.get(server.url_for("/json")).json() == {"hello": "world"}
    missing = client.get(server.url_for("/nowhere?q=1"))
    assert missing.status_code == 404
    assert missing.json() == {"error": "no script for path", "path": "/nowhere"}


def test_a_script_overrides_a_builtin_route(
    server: FaultServer, client: httpx.Client
) -> None:
    """Scripting a built-in route's path answers with the script instead."""
    server.script("/json", [Step(500)])
    assert client.get(server.url_for("/json")).status_code == 500
