"""
The ``restwell`` click group: one command per HTTP method, plus ``demo``.

Every command sends through the sync ``restwell.Client`` (no event loop). The body
goes to stdout; everything else (the live retry lines and attempt timeline of
``-v``, error messages) goes to stderr, credentials redacted: header values and
URL parts that ``restwell.instrumentation`` deems sensitive, and any value given with
such a header, wherever it would appear.

Exit codes: 0 for a 1xx/2xx/3xx response, 1 for a final 4xx/5xx response, 2 for a
usage error, 3 when no response came (transport error, deadline, redirects).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar

import click
from rich.console import Console
from rich.text import Text

import restwell
from restwell.policies import DEFAULT_DEADLINE, DEFAULT_MAX_ATTEMPTS, IDEMPOTENT_METHODS

from ._output import (
    EXIT_HTTP_ERROR,
    EXIT_NO_RESPONSE,
    EXIT_OK,
    Redactor,
    RetryPrinter,
    describe_outcome,
    timeline_table,
)

__all__ = ["cli"]

METHODS: Final = ("get", "post", "put", "patch", "delete", "head", "options")
BackoffName = Literal["exponential", "linear", "fibonacci", "constant"]
_BACKOFFS: Final = ("exponential", "linear", "fibonacci", "constant")
_LIBRARY_MAX_DELAY: Final = 20.0  # s: the strategies' default cap (policies/_backoff)

# RFC 9110 §5.6.2 token characters: what a header name may contain.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_JSON_TYPES = ("application/json",)
_TEXT_TYPES = ("text/", "application/xml", "application/javascript")

F = TypeVar("F", bound=Callable[..., Any])


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
    retries: int | None
    backoff: BackoffName | None
    backoff_initial: float | None
    timeout: float | None
    deadline: float | None
    idempotency_key: str | None
    follow: bool
    verbose: bool
    include: bool
    quiet: bool


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
            "--retries",
            type=click.IntRange(min=0),
            metavar="N",
            help="Retry up to N times: N + 1 attempts; 0 disables. "
            f"[default: {DEFAULT_MAX_ATTEMPTS - 1}]",
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
            help="Total time for the call, attempts and waits included. "
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
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def _retry_policy(options: _Options) -> restwell.Retry | None:
    if (
        options.retries is None
        and options.backoff is None
        and options.backoff_initial is None
    ):
        return None  # the client's default
    attempts = DEFAULT_MAX_ATTEMPTS if options.retries is None else options.retries + 1
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
    return restwell.Retry(attempts, backoff=backoff)


# -- output ---------------------------------------------------------------------------
def _stdout_is_tty() -> bool:
    return sys.stdout.isatty()


def _print_body(response: restwell.Response[Any]) -> None:
    content = response.content
    if not content:
        return
    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype in _JSON_TYPES or ctype.endswith("+json"):
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
    texty = ctype.startswith(_TEXT_TYPES) or ctype.endswith("+xml")
    if not texty:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            if _stdout_is_tty():
                click.echo(
                    f"restwell: binary body ({len(content)} bytes) not printed to a "
                    "terminal; redirect stdout to a file to save it",
                    err=True,
                )
            else:
                click.echo(content, nl=False)
            return
    text = response.text
    click.echo(text, nl=not text.endswith("\n"))


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
    try:
        with client:
            response = client.request(
                method.upper(),
                url,
                headers=headers,
                content=content,
                data=options.form,
                idempotency_key=options.idempotency_key,
            )
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
    if not options.quiet:
        _print_body(response)
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
        f"{caveat}\n\nExit status: 0 for a 1xx-3xx response, 1 for a final 4xx/5xx, "
        "2 for a usage error, 3 when no response came (transport error, deadline).",
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
        retries: int | None,
        backoff: BackoffName | None,
        backoff_initial: float | None,
        timeout: float | None,
        deadline: float | None,
        idempotency_key: str | None,
        follow: bool,
        verbose: bool,
        include: bool,
        quiet: bool,
    ) -> None:
        options = _Options(
            headers=headers,
            json_body=json_body,
            data=data,
            form=form,
            retries=retries,
            backoff=backoff,
            backoff_initial=backoff_initial,
            timeout=timeout,
            deadline=deadline,
            idempotency_key=idempotency_key,
            follow=follow,
            verbose=verbose,
            include=include,
            quiet=quiet,
        )
        ctx.exit(_send(upper, url, options))

    return command


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Examples:\n\n"
    "  restwell get https://api.example.com/items -v\n\n"
    "  restwell post URL --json '{\"a\": 1}' --idempotency-key auto --retries 4\n\n"
    "  restwell demo",
)
@click.version_option(restwell.__version__, "-V", "--version", prog_name="restwell")
def cli() -> None:
    """Call HTTP APIs reliably: retries, backoff, Retry-After and deadlines."""


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
