"""
The ``restwell`` click group: one command per HTTP method, plus ``demo``.

Every command sends through the sync ``restwell.Client`` (no event loop), with
``client.stream()``: the body goes to stdout as it arrives, in chunks, so a large
body never sits in memory. A body known to be small (see ``FORMAT_LIMIT``) is
formatted first: JSON indented (coloured on a terminal), text decoded with its
charset. ``--pretty`` formats any body (reading it whole), ``--raw`` none.

Everything else (the live retry lines and attempt timeline of ``-v``, error
messages) goes to stderr, credentials redacted: header values and URL parts that
``restwell.instrumentation`` deems sensitive, and any value given with such a
header, wherever it would appear. Those lines come from the command itself (its
``RetryPrinter`` hook and its own messages), never from library logging; records of
WARNING and above on the ``restwell`` logger (a failing hook, say) are shown on
stderr by a handler the command installs for its run, so what the command shows does
not depend on how the library or the host configures logging.

Exit codes: 0 for a 1xx/2xx/3xx response, 1 for a final 4xx/5xx response, 2 for a
usage error, 3 when no response came (transport error, deadline, redirects) or the
body broke off while being written (the output is then incomplete).
"""

from __future__ import annotations

import codecs
import json
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar

import click
from rich.console import Console
from rich.text import Text

import restwell
from restwell.policies import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_AFTER,
    IDEMPOTENT_METHODS,
)

from ._output import (
    EXIT_HTTP_ERROR,
    EXIT_NO_RESPONSE,
    EXIT_OK,
    Redactor,
    RetryPrinter,
    describe_outcome,
    library_warnings_to_stderr,
    timeline_table,
)

__all__ = ["FORMAT_LIMIT", "cli"]

METHODS: Final = ("get", "post", "put", "patch", "delete", "head", "options")
BackoffName = Literal["exponential", "linear", "fibonacci", "constant"]
_BACKOFFS: Final = ("exponential", "linear", "fibonacci", "constant")
_LIBRARY_MAX_DELAY: Final = 20.0  # s: the strategies' default cap (policies/_backoff)

# RFC 9110 §5.6.2 token characters: what a header name may contain.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_JSON_TYPES = ("application/json",)
_TEXT_TYPES = ("text/", "application/xml", "application/javascript")

F = TypeVar("F", bound=Callable[..., Any])

_monotonic = time.monotonic  # the command's own clock: body deadline (tests replace it)

FORMAT_LIMIT: Final = 1024 * 1024
"""
Bytes: the largest body formatted without ``--pretty`` (1 MiB).

Formatting (JSON indented, text decoded with its charset) needs the whole body, so it
is tried only for a JSON body or one whose ``Content-Length`` is at most this, and
only if the decoded body ends within this many bytes; otherwise the body is written
as received, from the first byte. Memory stays bounded by this, whatever the body.
"""


# -- option parsing -------------------------------------------------------------------
def _parse_headers(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> list[tuple[str, str]]:
    pairs = []
    for i, raw in enumerate(values, 1):
        name, sep, value = raw.partition(":")
        name = name.strip()
        # The text is never echoed back: it may hold a token.
        if not sep or not _TOKEN.match(name):
            raise click.BadParameter(
                f"header #{i} is not 'Name: value' (a header name, a colon, a value)",
                ctx=ctx,
                param=param,
            )
        value = value.strip()
        if "\r" in value or "\n" in value:
            raise click.BadParameter(
                f"header {name!r} contains a line break", ctx=ctx, param=param
            )
        pairs.append((name, value))
    return pairs


def _parse_form(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> dict[str, list[str]] | None:
    if not values:
        return None
    fields: dict[str, list[str]] = {}
    for i, raw in enumerate(values, 1):
        key, sep, value = raw.partition("=")
        if not sep or not key:
            raise click.BadParameter(
                f"field #{i} is not key=value", ctx=ctx, param=param
            )
        fields.setdefault(key, []).append(value)
    return fields


def _check_json(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    if value is None:
        return None
    try:
        json.loads(value)
    except ValueError as exc:
        where = (
            f" at line {exc.lineno}, column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise click.BadParameter(
            f"not valid JSON: {reason}{where}. Quote it for your shell, e.g. "
            '--json \'{"name": "value"}\'',
            ctx=ctx,
            param=param,
        ) from None
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class _Options:
    headers: list[tuple[str, str]]
    json_body: str | None
    data: str | None
    form: dict[str, list[str]] | None
    attempts: int | None
    retries: int | None
    max_retry_after: float | None
    backoff: BackoffName | None
    backoff_initial: float | None
    timeout: float | None
    deadline: float | None
    idempotency_key: str | None
    follow: bool
    verbose: bool
    include: bool
    quiet: bool
    pretty: bool | None


def _request_options(f: F) -> F:
    decorators = [
        click.argument("url"),
        click.option(
            "-H",
            "--header",
            "headers",
            multiple=True,
            callback=_parse_headers,
            metavar='"NAME: VALUE"',
            help="Send this header (repeatable).",
        ),
        click.option(
            "--json",
            "json_body",
            callback=_check_json,
            metavar="TEXT",
            help="Send TEXT as a JSON body (checked to be valid JSON first).",
        ),
        click.option("--data", metavar="TEXT", help="Send TEXT as the raw body."),
        click.option(
            "--form",
            multiple=True,
            callback=_parse_form,
            metavar="KEY=VALUE",
            help="Send a form field, urlencoded (repeatable).",
        ),
        click.option(
            "--attempts",
            type=click.IntRange(min=1),
            metavar="N",
            help="Make at most N attempts in all, the first try included (the "
            "library's Retry(max_attempts=N)); 1 disables retries. "
            f"[default: {DEFAULT_MAX_ATTEMPTS}]",
        ),
        click.option(
            "--retries",
            type=click.IntRange(min=0),
            metavar="N",
            help="Retry up to N times after the first try: the same as --attempts "
            "N+1; 0 disables. Give --attempts or --retries, not both. "
            f"[default: {DEFAULT_MAX_ATTEMPTS - 1}]",
        ),
        click.option(
            "--max-retry-after",
            type=click.FloatRange(min=0),
            metavar="SECONDS",
            help="Longest Retry-After wait honoured; a server asking for longer "
            "stops the retries at once. "
            f"[default: {DEFAULT_MAX_RETRY_AFTER:g}]",
        ),
        click.option(
            "--backoff",
            type=click.Choice(_BACKOFFS),
            help="Delay strategy between attempts, with full jitter (constant: none). "
            "[default: exponential]",
        ),
        click.option(
            "--backoff-initial",
            type=click.FloatRange(min=0),
            metavar="SECONDS",
            help="First backoff delay. [default: 0.5; constant 1.0]",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            metavar="SECONDS",
            help="Timeout for each attempt (connect, read, write, pool). "
            "[default: connect 5, read 10]",
        ),
        click.option(
            "--deadline",
            type=click.FloatRange(min=0, min_open=True),
            metavar="SECONDS",
            help="Total time for the call: attempts, waits and the body "
            "included. "
            f"[default: {DEFAULT_DEADLINE:g}]",
        ),
        click.option(
            "--idempotency-key",
            metavar="auto|KEY",
            help="Send an Idempotency-Key header ('auto': a UUID), which makes a "
            "POST or PATCH safe to retry.",
        ),
        click.option(
            "--follow/--no-follow",
            default=False,
            show_default=True,
            help="Follow redirects.",
        ),
        click.option(
            "-v",
            "--verbose",
            is_flag=True,
            help="Show the request, each retry as it happens, and the attempt "
            "timeline (stderr).",
        ),
        click.option(
            "-i",
            "--include",
            is_flag=True,
            help="Print the status line and response headers before the body.",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            help="Print no body; only errors, on stderr.",
        ),
        click.option(
            "--pretty/--raw",
            "pretty",
            default=None,
            help="--pretty: format any body (JSON indented, text decoded), reading "
            "it whole first. --raw: write the body's bytes as they arrive. "
            f"[default: format a body of at most {FORMAT_LIMIT // 2**20} MiB, "
            "stream a larger one as it arrives]",
        ),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def _max_attempts(options: _Options) -> int | None:
    """``--attempts N`` as given, ``--retries N`` as N + 1, or ``None`` (neither)."""
    if options.attempts is not None and options.retries is not None:
        raise click.UsageError(
            "give --attempts or --retries, not both (--retries N is --attempts N+1)"
        )
    if options.retries is not None:
        return options.retries + 1  # retries come after the first try
    return options.attempts


def _retry_policy(options: _Options) -> restwell.Retry | None:
    attempts = _max_attempts(options)
    if (
        attempts is None
        and options.max_retry_after is None
        and options.backoff is None
        and options.backoff_initial is None
    ):
        return None  # the client's default
    if attempts is None:
        attempts = DEFAULT_MAX_ATTEMPTS
    max_retry_after = (
        DEFAULT_MAX_RETRY_AFTER
        if options.max_retry_after is None
        else options.max_retry_after
    )
    name = options.backoff or "exponential"
    initial = options.backoff_initial
    backoff: Any
    if name == "constant":
        backoff = restwell.Constant() if initial is None else restwell.Constant(initial)
    else:
        cls = {
            "exponential": restwell.Exponential,
            "linear": restwell.Linear,
            "fibonacci": restwell.Fibonacci,
        }[name]
        if initial is None:
            backoff = cls()
        else:
            # Keep the library's 20 s cap unless the first delay is already above it.
            backoff = cls(initial, max_delay=max(_LIBRARY_MAX_DELAY, initial))
    return restwell.Retry(attempts, backoff=backoff, max_retry_after=max_retry_after)


# -- output ---------------------------------------------------------------------------
def _stdout_is_tty() -> bool:
    return sys.stdout.isatty()


class _BodyDeadline(Exception):
    """The call's deadline passed while the body was still arriving."""


class _Body:
    """
    The response body as it arrives, written to stdout's binary layer.

    Counts what it has received and written, so a failure can say how much of the
    output there is; the call's deadline is checked after every chunk, since
    iterating a streamed body is not bounded by it (a server trickling the body
    under each read timeout would otherwise never end).

    Args:
        response: A streamed response, its body unread.
        deadline_at: ``time.monotonic()`` value after which reading stops, or
            ``None`` for no deadline.
    """

    def __init__(
        self, response: restwell.Response[Any], deadline_at: float | None
    ) -> None:
        self._chunks = response.iter_bytes()
        self._deadline_at = deadline_at
        self.received = 0  # bytes of the decoded body
        self.written = 0  # bytes written to stdout
        self._last = b""

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self.received += len(chunk)
            if self._deadline_at is not None and _monotonic() >= self._deadline_at:
                raise _BodyDeadline
            if chunk:
                yield chunk

    def read_up_to(self, limit: int) -> tuple[bytes, bool]:
        """Read until over ``limit`` bytes came or the body ended: (bytes, ended)."""
        parts: list[bytes] = []
        size = 0
        for chunk in self:
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                return b"".join(parts), False
        return b"".join(parts), True

    def write(self, data: bytes) -> None:
        """
        Write ``data`` to stdout's binary layer, the text layer flushed first.

        A reader that went away (``restwell get URL | head``) raises
        ``BrokenPipeError``, which ends the download; click's ``main`` then exits
        quietly, as it does for any closed pipe.
        """
        if not data:
            return
        click.echo(data, nl=False)  # bytes: flushes the text layer, writes, flushes
        self.written += len(data)
        self._last = data[-1:]

    def stream(self, first: bytes = b"") -> None:
        """Write ``first``, then every further chunk as it arrives."""
        self.write(first)
        for chunk in self:
            self.write(chunk)

    def end_line(self) -> None:
        """On a terminal, end the output with a newline if the body did not."""
        if self.written and self._last != b"\n" and _stdout_is_tty():
            self.write(b"\n")


def _content_type(response: restwell.Response[Any]) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _is_json(ctype: str) -> bool:
    return ctype in _JSON_TYPES or ctype.endswith("+json")


def _is_text(ctype: str) -> bool:
    return ctype.startswith(_TEXT_TYPES) or ctype.endswith("+xml")


def _content_length(response: restwell.Response[Any]) -> int | None:
    value = response.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def _decode(content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding, errors="replace")
    except LookupError:  # a charset Python does not know
        return content.decode("utf-8", errors="replace")


def _print_formatted(
    response: restwell.Response[Any], content: bytes, body: _Body
) -> None:
    """Print a whole body: JSON indented, text decoded, binary raw (not to a tty)."""
    if not content:
        return
    ctype = _content_type(response)
    if _is_json(ctype):
        try:
            parsed = json.loads(content)
        except ValueError:
            pass  # labelled JSON but is not: show it as it came
        else:
            pretty = json.dumps(parsed, indent=2, ensure_ascii=False)
            if _stdout_is_tty():
                Console().print_json(pretty)
            else:
                click.echo(pretty)
            return
    if not _is_text(ctype):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            if _stdout_is_tty():
                _refuse_binary(len(content))
            else:
                body.write(content)
            return
    text = _decode(content, response.encoding)
    click.echo(text, nl=not text.endswith("\n"))


def _refuse_binary(size: int | None) -> None:
    length = "" if size is None else f" ({size} bytes)"
    click.echo(
        f"restwell: binary body{length} not printed to a terminal; redirect "
        "stdout to a file to save it",
        err=True,
    )


def _looks_binary(ctype: str, first: bytes) -> bool:
    """Whether a body starting with ``first`` is binary (neither JSON nor text)."""
    if _is_json(ctype) or _is_text(ctype):
        return False
    try:
        # Incremental: a character cut at the end of ``first`` is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(first, final=False)
    except UnicodeDecodeError:
        return True
    return False


def _print_body(
    response: restwell.Response[Any], pretty: bool | None, body: _Body
) -> None:
    """
    Write the body to stdout: formatted if small or ``--pretty``, else streamed raw.

    Without ``--pretty``/``--raw``, a body is formatted when it is JSON or its
    ``Content-Length`` is at most ``FORMAT_LIMIT``, and it ends within
    ``FORMAT_LIMIT`` bytes; anything else is written as received, from the first
    byte, holding at most ``FORMAT_LIMIT`` bytes (plus one chunk) in memory.
    """
    if pretty:
        content, _ = body.read_up_to(sys.maxsize)
        _print_formatted(response, content, body)
        return
    ctype = _content_type(response)
    length = _content_length(response)
    first = b""
    if pretty is None and (
        _is_json(ctype) or (length is not None and length <= FORMAT_LIMIT)
    ):
        first, ended = body.read_up_to(FORMAT_LIMIT)
        if ended:
            _print_formatted(response, first, body)
            return
    if _stdout_is_tty():
        if not first:
            first = next(iter(body), b"")
        if _looks_binary(ctype, first):
            _refuse_binary(length)
            return
    body.stream(first)
    body.end_line()


def _print_head(response: restwell.Response[Any], redactor: Redactor) -> None:
    click.echo(f"{response.http_version} {describe_outcome(response)}")
    for name, value in redactor.headers(response.headers.multi_items()):
        click.echo(f"{name}: {value}")
    click.echo("")


def _print_response_head_verbose(
    err: Console, response: restwell.Response[Any], redactor: Redactor
) -> None:
    err.print(Text(f"< {response.http_version} {describe_outcome(response)}", "bold"))
    for name, value in redactor.headers(response.headers.multi_items()):
        err.print(Text(f"< {name}: {value}", "dim"))


def _error_line(exc: BaseException, redactor: Redactor) -> str:
    message = str(exc)
    name = type(exc).__name__
    text = message if message.startswith(name) else f"{name}: {message}"
    return redactor.text(f"restwell: {text}")


def _gave_up_note(exc: BaseException) -> str | None:
    for note in getattr(exc, "__notes__", ()):
        text = str(note)
        if text.startswith("restwell: gave up"):
            return text.removeprefix("restwell: ")
    return None


# -- commands -------------------------------------------------------------------------
def _send(method: str, url: str, options: _Options) -> int:
    out_err = Console(stderr=True, highlight=False, soft_wrap=True)
    redactor = Redactor(options.headers, url)
    bodies = [
        options.json_body is not None,
        options.data is not None,
        options.form is not None,
    ]
    if sum(bodies) > 1:
        raise click.UsageError("give only one of --json, --data and --form")
    if options.verbose and options.quiet:
        raise click.UsageError("-v/--verbose and -q/--quiet contradict each other")
    headers = list(options.headers)
    content: bytes | None = None
    if options.json_body is not None:
        # Sent as typed (validated above): `json=` would drop a literal `null`.
        content = options.json_body.encode()
        if not any(name.lower() == "content-type" for name, _ in headers):
            headers.append(("Content-Type", "application/json"))
    elif options.data is not None:
        content = options.data.encode()
    hooks: list[Any] = []
    if options.verbose:
        hooks.append(RetryPrinter(out_err, redactor, show_request=True))
    kwargs: dict[str, Any] = {
        "hooks": hooks,
        "follow_redirects": options.follow,
    }
    try:
        retry = _retry_policy(options)
        if retry is not None:
            kwargs["retry"] = retry
        if options.timeout is not None:
            kwargs["timeout"] = restwell.Timeout(options.timeout)
        if options.deadline is not None:
            kwargs["deadline"] = options.deadline
        client = restwell.Client(**kwargs)
    except restwell.ConfigurationError as exc:
        raise click.UsageError(redactor.text(str(exc))) from None
    started = _monotonic()
    deadline = client.call_options.deadline
    deadline_at = None if deadline is None else started + deadline
    try:
        with (
            client,
            client.stream(
                method.upper(),
                url,
                headers=headers,
                content=content,
                data=options.form,
                idempotency_key=options.idempotency_key,
            ) as response,
        ):
            return _show(response, options, out_err, redactor, deadline_at)
    except (restwell.InvalidURL, restwell.ConfigurationError) as exc:
        raise click.UsageError(redactor.text(str(exc))) from None
    except restwell.RequestError as exc:
        if options.verbose and exc.attempts:
            out_err.print(
                timeline_table(
                    exc.attempts, redact=redactor.text, compact=out_err.width < 100
                )
            )
        out_err.print(Text(_error_line(exc, redactor), "red"))
        note = _gave_up_note(exc)
        if note:
            out_err.print(Text(f"  {redactor.text(note)}"))
        return EXIT_NO_RESPONSE


def _show(
    response: restwell.Response[Any],
    options: _Options,
    out_err: Console,
    redactor: Redactor,
    deadline_at: float | None,
) -> int:
    """Print a streamed response (head, body, notes); return the exit code."""
    if options.verbose:
        _print_response_head_verbose(out_err, response, redactor)
        if response.attempts:
            out_err.print(
                timeline_table(
                    response.attempts,
                    redact=redactor.text,
                    compact=out_err.width < 100,
                )
            )
    if options.include and not options.quiet:
        _print_head(response, redactor)
    body = _Body(response, deadline_at)
    try:
        if not options.quiet:
            _print_body(response, options.pretty, body)
    except (restwell.RequestError, _BodyDeadline) as exc:
        # The response was handed over: its body is not retried (client.stream).
        if isinstance(exc, _BodyDeadline):
            line = (
                "restwell: the deadline passed while the body was arriving (--deadline)"
            )
        else:
            line = _error_line(exc, redactor)
        out_err.print(Text(line, "red"))
        out_err.print(
            Text(
                f"  stopped after {body.received} bytes of the body, "
                f"{body.written} written to stdout: the output is incomplete"
            )
        )
        return EXIT_NO_RESPONSE
    if response.is_redirect and not options.quiet:
        target = redactor.url(response.headers["location"])
        out_err.print(
            Text(
                f"restwell: {describe_outcome(response)} → {target} "
                "(not followed: pass --follow)",
                "yellow",
            )
        )
    if response.status_code >= 400:
        n = len(response.attempts) or 1
        last = response.attempts[-1].reason if response.attempts else ""
        line = (
            f"restwell: {describe_outcome(response)} after {n} "
            f"attempt{'' if n == 1 else 's'}"
        )
        if last:
            line += f" — {last}"
        out_err.print(Text(redactor.text(line), "red"))
        return EXIT_HTTP_ERROR
    return EXIT_OK


def _method_command(method: str) -> click.Command:
    upper = method.upper()
    article = "an" if upper[0] in "AEIOU" else "a"
    caveat = (
        ""
        if upper in IDEMPOTENT_METHODS
        else f"\n\nA {upper} may have acted before failing, so it is retried only "
        "with --idempotency-key, or after errors raised before it was sent."
    )

    @click.command(
        name=method,
        help=f"Send {article} {upper} to URL, with retries, backoff and a deadline."
        f"{caveat}\n\nThe body goes to stdout as it arrives; one of at most "
        f"{FORMAT_LIMIT // 2**20} MiB is formatted first (--pretty, --raw)."
        "\n\nExit status: 0 for a 1xx-3xx response, 1 for a final 4xx/5xx, "
        "2 for a usage error, 3 when no response came (transport error, deadline) "
        "or the body broke off (the output is then incomplete).",
        no_args_is_help=True,
    )
    @_request_options
    @click.pass_context
    def command(
        ctx: click.Context,
        url: str,
        headers: list[tuple[str, str]],
        json_body: str | None,
        data: str | None,
        form: dict[str, list[str]] | None,
        attempts: int | None,
        retries: int | None,
        max_retry_after: float | None,
        backoff: BackoffName | None,
        backoff_initial: float | None,
        timeout: float | None,
        deadline: float | None,
        idempotency_key: str | None,
        follow: bool,
        verbose: bool,
        include: bool,
        quiet: bool,
        pretty: bool | None,
    ) -> None:
        options = _Options(
            headers=headers,
            json_body=json_body,
            data=data,
            form=form,
            attempts=attempts,
            retries=retries,
            max_retry_after=max_retry_after,
            backoff=backoff,
            backoff_initial=backoff_initial,
            timeout=timeout,
            deadline=deadline,
            idempotency_key=idempotency_key,
            follow=follow,
            verbose=verbose,
            include=include,
            quiet=quiet,
            pretty=pretty,
        )
        ctx.exit(_send(upper, url, options))

    return command


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Examples:\n\n"
    "  restwell get https://api.example.com/items -v\n\n"
    "  restwell post URL --json '{\"a\": 1}' --idempotency-key auto --attempts 5\n\n"
    "  restwell get https://example.com/big.iso --raw > big.iso\n\n"
    "  restwell demo",
)
@click.version_option(restwell.__version__, "-V", "--version", prog_name="restwell")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Call HTTP APIs reliably: retries, backoff, Retry-After and deadlines."""
    # The library's loggers have only a NullHandler: the command shows their
    # warnings and errors itself, for the length of this run.
    ctx.with_resource(library_warnings_to_stderr())


for _method in METHODS:
    cli.add_command(_method_command(_method))


@cli.command()
@click.option(
    "--fast", is_flag=True, help="Shorter backoff and deadline (for tests and CI)."
)
@click.pass_context
def demo(ctx: click.Context, fast: bool) -> None:
    """
    Show retries, Retry-After, deadlines and idempotency keys, live.

    A fault-injecting server on 127.0.0.1 plays a flaky API; nothing leaves the
    machine. Exits 1, naming the scenario, if restwell misbehaves.
    """
    from ._demo import run_demo

    ctx.exit(run_demo(fast=fast))
