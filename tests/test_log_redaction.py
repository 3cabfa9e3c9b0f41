"""
No log record, from any library at any level, shows a secret restwell is sending.

Real requests on 127.0.0.1 through every shipped transport (httpx and httpx2, sync and
async; aiohttp), with the root logger at DEBUG, seen both by ``caplog`` and by a plain
handler with a ``basicConfig``-style formatter. Pure-logic tests of the patterns, the
record rewriting and the factory follow.
"""

from __future__ import annotations

import contextlib
import io
import logging
import pickle
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import httpx
import httpx2
import pytest

import restwell
from restwell import _logsafe
from restwell._logsafe import redact_logs, redact_text, request_secrets
from restwell._redact import REDACTED
from restwell._redact import REDACTED as R
from restwell.testing import FaultServer, Step
from restwell.transports import AiohttpTransport

SECRETS = ("s3cr3t", "pa55", "k3y", "t0k3n", "c00kie")
NO_RETRY = restwell.Retry(max_attempts=1)
KINDS = ["httpx", "httpx2", "httpx-async", "httpx2-async", "aiohttp"]
# The test servers' own access logs (their threads, in this process): the server
# was sent the secret; what it logs is not a client library's record.
SERVERS = ("werkzeug", "uvicorn", "httpbin")


def from_client(record: logging.LogRecord) -> bool:
    return record.name.split(".")[0] not in SERVERS


@pytest.fixture
def anyio_backend() -> str:
    """aiohttp runs on asyncio only."""
    return "asyncio"


class Seen:
    """Every record made, as caplog keeps it and as a plain handler prints it."""

    def __init__(self, caplog: pytest.LogCaptureFixture, stream: io.StringIO) -> None:
        self.caplog = caplog
        self.stream = stream

    @property
    def records(self) -> list[logging.LogRecord]:
        return [r for r in self.caplog.records if from_client(r)]

    def texts(self) -> list[str]:
        """Each record's message, args, traceback, and the handlers' output."""
        out = [self.stream.getvalue()]
        for record in self.records:
            out.append(self.caplog.handler.format(record))
            out += [record.getMessage(), str(record.args), repr(record.args)]
            out.append(str(record.exc_text or ""))
            if record.exc_info and record.exc_info[1] is not None:
                out.append(str(record.exc_info[1]))
        return out

    def assert_clean(self) -> None:
        for text in self.texts():
            for secret in SECRETS:
                assert secret not in text, f"{secret!r} logged in {text!r}"

    def messages(self, logger: str) -> list[str]:
        return [
            r.getMessage()
            for r in self.records
            if r.name == logger or r.name.startswith(logger + ".")
        ]


@pytest.fixture
def seen(caplog: pytest.LogCaptureFixture) -> Iterator[Seen]:
    """Root at DEBUG; a StreamHandler like logging.basicConfig's on the root."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(logging.BASIC_FORMAT))
    handler.addFilter(from_client)
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    try:
        yield Seen(caplog, stream)
    finally:
        root.removeHandler(handler)


def port_of(server: FaultServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def secret_calls(server: FaultServer) -> list[tuple[str, dict[str, str]]]:
    """
    The same three secrets every way a caller gives them.

    aiohttp refuses a URL with userinfo together with an Authorization header, so
    the userinfo and the bearer token go in separate requests.
    """
    port = port_of(server)
    return [
        (f"http://user:pa55@127.0.0.1:{port}/cookie?api_key=k3y&q=1", {}),
        (
            f"http://127.0.0.1:{port}/cookie?api_key=k3y",
            {"Authorization": "Bearer s3cr3t", "Cookie": "sid=t0k3n"},
        ),
    ]


def hook_logger() -> logging.Logger:
    return logging.getLogger("myapp.hooks")


def log_request_hook(request: Any) -> None:
    """An httpx request hook of the user's: logs the URL and raw headers."""
    hook_logger().info("sending %s %r", request.url, dict(request.headers))


async def alog_request_hook(request: Any) -> None:
    log_request_hook(request)


async def on_aiohttp_start(session: Any, ctx: Any, params: Any) -> None:
    """An aiohttp trace hook of the user's: logs the URL and headers."""
    hook_logger().info("sending %s %r", params.url, dict(params.headers))


def sync_client(kind: str) -> restwell.Client:
    module: Any = httpx if kind == "httpx" else httpx2
    backend = module.Client(event_hooks={"request": [log_request_hook]})
    return restwell.Client(transport=backend, retry=NO_RETRY)


async def run_async(
    kind: str, calls: list[tuple[str, dict[str, str]]], **options: Any
) -> None:
    if kind == "aiohttp":
        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(on_aiohttp_start)
        session = aiohttp.ClientSession(trace_configs=[trace])
        try:
            async with restwell.AsyncClient(
                transport=AiohttpTransport(session), retry=NO_RETRY, **options
            ) as client:
                for url, headers in calls:
                    await _aget(client, url, headers)
        finally:
            await session.close()
        return
    module: Any = httpx if kind == "httpx-async" else httpx2
    backend = module.AsyncClient(event_hooks={"request": [alog_request_hook]})
    async with restwell.AsyncClient(
        transport=backend, retry=NO_RETRY, **options
    ) as client:
        for url, headers in calls:
            await _aget(client, url, headers)


async def _aget(client: restwell.AsyncClient, url: str, headers: Any) -> None:
    try:
        r = await client.get(url, headers=headers)
        await r.aread()
    except restwell.TransportError:
        pass


def run(kind: str, calls: list[tuple[str, dict[str, str]]], **options: Any) -> None:
    if kind.endswith("async") or kind == "aiohttp":
        import anyio

        anyio.run(lambda: run_async(kind, calls, **options))
        return
    with sync_client(kind) as client:
        for url, headers in calls:
            with contextlib.suppress(restwell.TransportError):
                client.get(url, headers=headers, **options).read()


def cookie_step() -> Step:
    return Step(200, headers={"Set-Cookie": "sid=c00kie; Path=/"}, json={"ok": 1})


# --- real requests ---------------------------------------------------------


@pytest.mark.network
@pytest.mark.parametrize("kind", KINDS)
def test_no_secret_in_any_record(
    kind: str, fault_server: FaultServer, seen: Seen
) -> None:
    """Userinfo, an api_key, a bearer token and cookies never reach a record."""
    fault_server.script("/cookie", [cookie_step(), cookie_step()])
    run(kind, secret_calls(fault_server))
    seen.assert_clean()
    hooks = seen.messages("myapp.hooks")  # the user's hook ran inside the send
    assert len(hooks) == 2
    assert all(REDACTED in m for m in hooks)
    if kind.startswith("httpx"):
        backend = "httpx2" if kind.startswith("httpx2") else "httpx"
        lines = [m for m in seen.messages(backend) if m.startswith("HTTP Request")]
        assert len(lines) == 2  # redacted, not dropped
        assert f"http://{REDACTED}@127.0.0.1" in lines[0]
        assert f"api_key={REDACTED}" in lines[1]
        core = seen.messages(backend.replace("httpx", "httpcore"))
        heads = [m for m in core if m.startswith("receive_response_headers.complete")]
        assert heads  # the header list is there, its Set-Cookie value is not
        assert all(f"(b'Set-Cookie', b'{REDACTED}')" in m for m in heads)


@pytest.mark.network
def test_record_template_kept(fault_server: FaultServer, seen: Seen) -> None:
    """httpx's record keeps its template; only the URL argument is replaced."""
    url, headers = secret_calls(fault_server)[0]
    fault_server.script("/cookie", [cookie_step()])
    with restwell.Client(retry=NO_RETRY) as client:
        client.get(url, headers=headers)
    (record,) = [r for r in seen.records if r.name == "httpx"]
    assert record.msg == 'HTTP Request: %s %s "%s %d %s"'
    assert isinstance(record.args, tuple)
    assert record.args[0] == "GET"
    assert record.args[3] == 200
    assert str(record.args[1]).startswith(f"http://{REDACTED}@127.0.0.1:")
    assert "pa55" not in repr(record.args[1])


@pytest.mark.network
@pytest.mark.parametrize("kind", KINDS)
def test_cross_origin_redirect(
    kind: str, fault_server: FaultServer, httpbin_url: str, seen: Seen
) -> None:
    """Both hops of a redirect to another origin log nothing secret."""
    fault_server.script(
        "/hop", [Step(302, headers={"Location": f"{httpbin_url}/get?token=t0k3n"})]
    )
    port = port_of(fault_server)
    calls = [
        (
            f"http://127.0.0.1:{port}/hop?api_key=k3y",
            {"Authorization": "Bearer s3cr3t"},
        )
    ]
    run(kind, calls, follow_redirects=True)
    seen.assert_clean()
    hooks = seen.messages("myapp.hooks")
    assert len(hooks) == 2  # one per hop
    assert "/get?token=" + REDACTED in hooks[1]


@pytest.mark.network
@pytest.mark.parametrize("kind", KINDS)
def test_connect_refused(kind: str, seen: Seen) -> None:
    """A connection refused logs its records (the error included), none secret."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    calls = [
        (f"http://user:pa55@127.0.0.1:{port}/x?api_key=k3y", {}),
        (f"http://127.0.0.1:{port}/x?token=t0k3n", {"Authorization": "Bearer s3cr3t"}),
    ]
    run(kind, calls)
    seen.assert_clean()
    gave_up = [m for m in seen.messages("restwell") if "gave up" in m]
    assert len(gave_up) == 2
    if kind.startswith("httpx"):
        core = "httpcore2" if kind.startswith("httpx2") else "httpcore"
        assert any("connect_tcp.failed" in m for m in seen.messages(core))


# --- which records are rewritten ------------------------------------------


def test_own_records_outside_a_send_untouched(seen: Seen) -> None:
    """Outside a send, a record of the application's own logger is not rewritten."""
    url = "http://user:pa55@example.invalid/?api_key=k3y"
    logging.getLogger("myapp").info("visiting %s", url)
    (record,) = seen.records
    assert record.msg == "visiting %s"
    assert record.args == (url,)
    assert record.args[0] is url


def test_backend_records_outside_a_send_redacted(seen: Seen) -> None:
    """A backend logger's record is redacted by pattern wherever it is made."""

    def from_thread() -> None:
        logging.getLogger("hpack.hpack").debug(
            "Decoded %s", [(b"authorization", b"Bearer s3cr3t")]
        )

    worker = threading.Thread(target=from_thread)
    worker.start()
    worker.join()
    logging.getLogger("httpcore.http11").debug("GET http://user:pa55@h/?api_key=k3y")
    logging.getLogger("urllib3.connectionpool").debug(
        '%s://%s:%s "%s %s %s" %s %s',
        "http",
        "h",
        80,
        "GET",
        "/?token=t0k3n",
        "HTTP/1.1",
        200,
        2,
    )
    seen.assert_clean()
    assert [r.name for r in seen.records] == [
        "hpack.hpack",
        "httpcore.http11",
        "urllib3.connectionpool",
    ]
    assert seen.records[2].getMessage() == (
        f'http://h:80 "GET /?token={REDACTED} HTTP/1.1" 200 2'
    )


class FakeRequest:
    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = restwell.Headers(headers)


@redact_logs
def fake_send(request: FakeRequest, log: Callable[[], None]) -> None:
    log()


@redact_logs(request="req", loggers="mylib")
async def fake_asend(req: FakeRequest, log: Callable[[], None]) -> None:
    log()


def test_exact_secrets_inside_a_send(seen: Seen) -> None:
    """Inside a marked send, the request's own values go from any record, any form."""
    request = FakeRequest(
        "http://127.0.0.1/x?sig=abcdefgh",
        {"X-Weird": "public", "Authorization": "Token s3cr3t99"},
    )

    def log() -> None:
        # no pattern finds these: only the request's exact values can
        logging.getLogger("myapp").warning("token is %s", "s3cr3t99")
        logging.getLogger("myapp").warning("raw %r", b"s3cr3t99")
        logging.getLogger("myapp").warning("sig %s", ["abcdefgh"])

    fake_send(request, log)
    assert [r.getMessage() for r in seen.records] == [
        f"token is {REDACTED}",
        f"raw b'{REDACTED}'",
        f"sig ['{REDACTED}']",
    ]


def test_exact_secrets_inside_an_async_send(seen: Seen) -> None:
    """An async marked send, its request under another name, is found on the stack."""
    import anyio

    request = FakeRequest("http://127.0.0.1/", {"Authorization": "Bearer zzzz9999"})

    def log() -> None:
        logging.getLogger("myapp").warning("%s", "zzzz9999")

    anyio.run(fake_asend, request, log)
    assert seen.messages("myapp") == [REDACTED]


def test_marking_costs_nothing_per_call() -> None:
    """The decorator returns the very function: a call runs nothing more."""

    def send(request: object) -> object:
        return request

    assert redact_logs(send) is send
    assert restwell.transports.AsyncHttpxTransport.send.__name__ == "send"
    code = restwell.transports.HttpxTransport.send.__code__
    assert _logsafe._SENDERS[id(code)] == (code, "request")


def test_redact_logs_refuses_a_function_without_request() -> None:
    def send(req: object) -> None:
        del req

    with pytest.raises(restwell.ConfigurationError, match="request='<its name>'"):
        redact_logs(send)
    with pytest.raises(restwell.ConfigurationError, match="non-empty"):
        redact_logs(loggers=("",))


def test_custom_logger_prefix(seen: Seen) -> None:
    """``loggers=`` adds a logger (and its children) redacted everywhere."""
    logging.getLogger("mylib.pool").info("reusing http://u:pa55@h/")
    logging.getLogger("mylibrary").info("reusing http://u:pa55@h/")
    assert [r.getMessage() for r in seen.records] == [
        f"reusing http://{REDACTED}@h/",
        "reusing http://u:pa55@h/",  # not a child of mylib
    ]


# --- record rewriting -----------------------------------------------------


def make(msg: Any, *args: Any, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = None if exc is None else (type(exc), exc, None)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, msg, args, exc_info)
    _logsafe.redact_record(record, ["s3cr3t"])
    return record


class Shows:
    def __init__(self, text: str, shown: str) -> None:
        self.text, self.shown = text, shown

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.shown


def test_clean_record_untouched() -> None:
    arg = Shows("a", "b")
    record = make("%s %r %d", arg, arg, 3)
    assert isinstance(record.args, tuple)
    assert record.args[0] is arg


def test_arg_keeps_str_and_repr() -> None:
    """%s and %r of a replaced argument show its redacted str and repr."""
    arg = Shows("url s3cr3t", "<URL s3cr3t>")
    record = make("a %s b %r c %d", arg, arg, 7)
    assert record.msg == "a %s b %r c %d"
    assert record.getMessage() == f"a url {REDACTED} b <URL {REDACTED}> c 7"
    restored = pickle.loads(pickle.dumps(record))  # a QueueHandler to a process
    assert restored.getMessage() == record.getMessage()


def test_int_subclass_falls_back_to_text() -> None:
    """An argument %d needs but that shows a secret: the record becomes its text."""

    class Port(int):
        def __repr__(self) -> str:
            return "Port(s3cr3t)"

    record = make("port %d %r", Port(80), Port(81))
    assert record.getMessage() == f"port 80 Port({REDACTED})"
    assert record.args == ()


def test_mapping_args_and_object_msg() -> None:
    record = make("%(url)s", {"url": "http://u:p@h/"})
    assert record.getMessage() == f"http://{REDACTED}@h/"
    record = make(ValueError("bad token s3cr3t"))
    assert record.getMessage() == f"bad token {REDACTED}"


def test_secret_only_in_assembled_message() -> None:
    """A secret split over template and argument is caught in the whole message."""
    record = make("http://%s@host/", "u:p")
    assert record.getMessage() == f"http://{REDACTED}@host/"


def test_broken_record_stays_broken_without_secret() -> None:
    record = make("%d %s", "s3cr3t")
    with pytest.raises(TypeError):
        record.getMessage()
    assert "s3cr3t" not in repr(record.args)


def test_traceback_redacted() -> None:
    try:
        raise RuntimeError("Authorization: Bearer s3cr3t")
    except RuntimeError as exc:
        record = logging.LogRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "failed",
            (),
            (RuntimeError, exc, exc.__traceback__),
        )
    record.stack_info = "Stack: token=s3cr3t"
    _logsafe.redact_record(record, [])
    assert record.exc_info is None
    assert record.exc_text is not None
    assert "s3cr3t" not in record.exc_text
    assert "RuntimeError: Authorization: [REDACTED]" in record.exc_text
    assert record.stack_info == f"Stack: token={REDACTED}"
    text = logging.Formatter().format(record)
    assert "s3cr3t" not in text
    assert "Traceback" in text


def test_failure_withholds_the_record(
    monkeypatch: pytest.MonkeyPatch, seen: Seen
) -> None:
    """If redaction raises, the record's message is withheld, never passed raw."""

    def broken(record: logging.LogRecord, secrets: list[str]) -> None:
        raise RuntimeError

    monkeypatch.setattr(_logsafe, "redact_record", broken)
    logging.getLogger("httpx").info("GET http://u:pa55@h/")
    (record,) = seen.records
    assert record.getMessage() == (
        "[log record withheld by restwell: redacting it failed (RuntimeError)]"
    )


def test_factory_chains_and_survives_another(seen: Seen) -> None:
    """A factory set later that chains (as OpenTelemetry's does) keeps redaction."""
    ours = logging.getLogRecordFactory()
    _logsafe.install()  # again: nothing changes
    assert logging.getLogRecordFactory() is ours

    def theirs(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = ours(*args, **kwargs)
        record.trace_id = "abc"
        return record

    logging.setLogRecordFactory(theirs)
    try:
        logging.getLogger("httpx").info("GET %s", "http://u:pa55@h/")
    finally:
        logging.setLogRecordFactory(ours)
    (record,) = seen.records
    assert getattr(record, "trace_id", None) == "abc"
    assert record.getMessage() == f"GET http://{REDACTED}@h/"


# --- patterns and secrets -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'HTTP Request: GET http://u:pa55@h:1/p?api_key=k3y&q=1 "HTTP/1.1 200 OK"',
            f'HTTP Request: GET http://{R}@h:1/p?api_key={R}&q=1 "HTTP/1.1 200 OK"',
        ),
        (
            "[(b'Date', b'Mon'), (b'Set-Cookie', b'sid=c00kie; Path=/')]",
            f"[(b'Date', b'Mon'), (b'Set-Cookie', b'{R}')]",
        ),
        (
            "URL('http://user:[secure]@h/x?token=t0k3n')",
            f"URL('http://{R}@h/x?token={R}')",
        ),
        (
            "{'Authorization': 'Bearer s3cr3t', 'x-api-key': 123, 'Accept': '*/*'}",
            f"{{'Authorization': '{R}', 'x-api-key': {R}, 'Accept': '*/*'}}",
        ),
        ('{"authorization": "Bearer s3cr3t"}', f'{{"authorization": "{R}"}}'),
        (
            "b'GET / HTTP/1.1\\r\\nAuthorization: Basic dXNlcjpw\\r\\nHost: h\\r\\n'",
            f"b'GET / HTTP/1.1\\r\\nAuthorization: {R}\\r\\nHost: h\\r\\n'",
        ),
        ("now Bearer s3cr3t.x-y_z~+/= sent", f"now Bearer {R} sent"),
        ("password=s3cr3t user=bob", f"password={R} user=bob"),
        # left alone: names that are not credentials, IPv6 hosts, plain text
        ("Idempotency-Key: abc-123", "Idempotency-Key: abc-123"),
        ("http://[::1]:80/ host='h' port=80", "http://[::1]:80/ host='h' port=80"),
        ("keep-alive: 5, q=token", "keep-alive: 5, q=token"),
    ],
)
def test_patterns(text: str, expected: str) -> None:
    assert redact_text(text) == expected
    assert redact_text(expected) == expected  # idempotent


def test_request_secrets() -> None:
    request = FakeRequest(
        "http://user:pa%2055@h/?api_key=k3y&access_token=a%2Bb%2Bc&q=plain",
        {
            "Authorization": "Basic dXNlcjpodW50ZXIy",  # user:hunter2
            "Cookie": "sid=t0k3n; theme=dark",
            "X-Api-Key": "tab\tcé9",
            "Accept": "application/json",
        },
    )
    found = set(request_secrets(request))
    assert {"Basic dXNlcjpodW50ZXIy", "dXNlcjpodW50ZXIy", "user:hunter2"} <= found
    assert {"hunter2", "t0k3n", "dark", "user:pa%2055", "pa%2055", "pa 55"} <= found
    assert {"a%2Bb%2Bc", "a+b+c"} <= found
    assert {"tab\tcé9", "tab\\tcé9", "tab\\tc\\xc3\\xa99"} <= found  # as in reprs
    assert "k3y" not in found  # too short to remove everywhere: patterns find it
    assert "user" not in found
    assert "plain" not in found
    assert "application/json" not in found


def test_secret_only_in_repr_of_a_clean_message() -> None:
    """An argument whose repr alone shows a secret is replaced (str(args) is clean)."""
    arg = Shows("the URL", "<URL token=s3cr3t>")
    record = make("%s", arg)
    assert record.getMessage() == "the URL"
    assert "s3cr3t" not in str(record.args)
    assert record.msg == "%s"


def test_secret_split_over_template_and_argument() -> None:
    """An exact secret neither the template nor the argument shows alone."""
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "k=ab%s", ("cd1234",), None
    )
    _logsafe.redact_record(record, ["abcd1234"])
    assert record.getMessage() == f"k={REDACTED}"


def test_clean_mapping_untouched() -> None:
    args = {"n": 1, "who": "bob"}
    record = make("%(who)s %(n)d", args)
    assert record.args is args


def test_nested_sends_all_redacted(seen: Seen) -> None:
    """A transport wrapping another: both requests' secrets are removed."""
    outer = FakeRequest("http://127.0.0.1/", {"X-Api-Key": "outer-secret"})
    inner = FakeRequest("http://127.0.0.1/", {"X-Api-Key": "inner-secret"})

    def log() -> None:
        logging.getLogger("myapp").warning("%s %s", "outer-secret", "inner-secret")

    fake_send(outer, lambda: fake_send(inner, log))
    assert seen.messages("myapp") == [f"{REDACTED} {REDACTED}"]


def test_wrapped_function_marked_at_its_innermost(seen: Seen) -> None:
    """A send under a functools.wraps decorator is found by its own frame."""
    import functools

    def traced(fn: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(fn)
        def wrapper(*args: Any) -> None:
            fn(*args)

        return wrapper

    @redact_logs
    @traced
    def send(request: FakeRequest) -> None:
        logging.getLogger("myapp").warning("%s", "wrapped-secret")

    send(FakeRequest("http://127.0.0.1/", {"Cookie": "a=wrapped-secret"}))
    assert seen.messages("myapp") == [REDACTED]


def test_non_ascii_text() -> None:
    """Text whose lower-casing changes its length is searched case-insensitively."""
    assert redact_text("İ AUTHORIZATION: Bearer x") == f"İ AUTHORIZATION: {R}"
