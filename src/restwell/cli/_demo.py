"""
``restwell demo``: four real calls against a local ``FaultServer``, explained live.

The server (``restwell.testing.FaultServer``, 127.0.0.1, a port the OS picks) plays a
flaky API; a sync ``restwell.Client`` calls it. Each scenario prints its title, one
line of explanation, a live line per retry (an event hook), the attempt timeline,
and checks that restwell behaved as described: the demo tests itself, so ``make
demo`` fails if a scenario regresses.

Scenarios:
    1. Survive 503s: 503, 503, 200 → success on attempt 3.
    2. Honour Retry-After on 429: the wait is the server's 1 s, not the backoff.
    3. A deadline cuts a slow call short: ``DeadlineExceeded`` long before the
       server's 5 s delay.
    4. POST retried safely with an idempotency key: both attempts carry the same
       ``Idempotency-Key``; without one, the POST is not retried.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from rich.console import Console
from rich.table import Table
from rich.text import Text

import restwell
from restwell.instrumentation import Event, RetryScheduled
from restwell.testing import FaultServer, Step

from ._output import EXIT_HTTP_ERROR, EXIT_OK, Redactor, RetryPrinter, timeline_table

__all__ = ["run_demo"]

_RETRY_AFTER: Final = "1"  # s, as the server sends it (RFC 9110 delay-seconds)
_SLOW_SERVER: Final = 5.0  # s the server sits on the slow call
_SAFETY_DEADLINE: Final = 10.0  # s: no scenario may hang the demo


@dataclass(frozen=True, slots=True)
class _Timing:
    """How long things take: real backoff, shrunk under ``--fast``."""

    backoff: restwell.Exponential
    deadline: float  # s, scenario 3


_NORMAL: Final = _Timing(restwell.Exponential(0.2, 2, 2), deadline=1.0)
_FAST: Final = _Timing(restwell.Exponential(0.02, 2, 0.2), deadline=0.5)


class _WaitSpinner:
    """
    A ``RetryScheduled`` hook returning a spinner that spans the wait (on a terminal).

    The client enters the context manager a hook returns before sleeping and exits
    it after, so the spinner runs exactly as long as the wait.
    """

    event_types = (RetryScheduled,)

    def __init__(self, console: Console) -> None:
        self._console = console

    def __call__(self, event: Event) -> contextlib.AbstractContextManager[Any] | None:
        if not isinstance(event, RetryScheduled) or not self._console.is_terminal:
            return None
        return self._console.status(f"waiting {event.delay:.2f} s …")


@dataclass(slots=True)
class _Stage:
    """What every scenario gets: the server, the console, the timing."""

    server: FaultServer
    console: Console
    timing: _Timing
    redactor: Redactor = field(default_factory=Redactor)

    def client(self) -> restwell.Client:
        return restwell.Client(
            retry=restwell.Retry(max_attempts=4, backoff=self.timing.backoff),
            timeout=restwell.Timeout(5.0),
            deadline=_SAFETY_DEADLINE,
            hooks=[
                RetryPrinter(self.console, self.redactor, indent="  "),
                _WaitSpinner(self.console),
            ],
        )

    def say(self, text: str, style: str = "") -> None:
        self.console.print(Text(text, style))

    def timeline(self, attempts: tuple[restwell.Attempt, ...]) -> None:
        self.console.print(timeline_table(attempts, compact=self.console.width < 100))


class _Checks:
    """Collects what a scenario expected and did not see."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def expect(self, condition: bool, what: str) -> bool:
        if not condition:
            self.failures.append(what)
        return condition


def _statuses(attempts: tuple[restwell.Attempt, ...]) -> list[int | None]:
    return [a.status_code for a in attempts]


def _survive_503s(stage: _Stage, checks: _Checks) -> None:
    stage.say(
        "The server answers 503, 503, then 200. GET is idempotent, so restwell "
        "backs off (exponential, full jitter) and tries again."
    )
    path = "/survive-503s"
    stage.server.script(
        path, [Step(503), Step(503), Step(200, json={"status": "ok", "attempt": 3})]
    )
    with stage.client() as client:
        response = client.get(stage.server.url_for(path))
    stage.timeline(response.attempts)
    checks.expect(
        response.status_code == 200, f"status {response.status_code}, not 200"
    )
    checks.expect(
        _statuses(response.attempts) == [503, 503, 200],
        f"attempts {_statuses(response.attempts)}, not [503, 503, 200]",
    )
    checks.expect(stage.server.hits(path) == 3, "the server did not see 3 requests")
    if not checks.failures:
        stage.say(
            f"✓ 200 OK after 3 attempts in {response.elapsed:.2f} s: {response.data}",
            "green",
        )


def _honour_retry_after(stage: _Stage, checks: _Checks) -> None:
    stage.say(
        f"The server answers 429 with Retry-After: {_RETRY_AFTER}. restwell waits "
        "what the server asked (RFC 9110 §10.2.3) instead of its own, shorter backoff."
    )
    path = "/honour-retry-after"
    stage.server.script(
        path, [Step(429, retry_after=_RETRY_AFTER), Step(200, json={"status": "ok"})]
    )
    with stage.client() as client:
        response = client.get(stage.server.url_for(path))
    stage.timeline(response.attempts)
    asked = float(_RETRY_AFTER)
    checks.expect(
        response.status_code == 200, f"status {response.status_code}, not 200"
    )
    if not checks.expect(len(response.attempts) == 2, "not exactly 2 attempts"):
        return
    first, second = response.attempts
    waited = second.started - (first.started + first.duration)
    checks.expect(
        abs(first.delay - asked) < 0.01,
        f"planned a {first.delay:.3f} s wait, not the {asked:g} s asked",
    )
    checks.expect(waited >= asked * 0.95, f"waited only {waited:.3f} s")
    if not checks.failures:
        stage.say(
            f"✓ asked for {asked:g} s, waited {waited:.2f} s, then 200 OK", "green"
        )


def _deadline(stage: _Stage, checks: _Checks) -> None:
    limit = stage.timing.deadline
    stage.say(
        f"The server takes {_SLOW_SERVER:g} s to answer; the call has a deadline of "
        f"{limit:g} s for all attempts and waits, so restwell gives up at the deadline."
    )
    path = "/slow"
    stage.server.script(path, [Step(200, json={"status": "late"}, delay=_SLOW_SERVER)])
    started = time.monotonic()
    with (
        stage.client() as client,
        stage.console.status(f"waiting for a {_SLOW_SERVER:g} s server …"),
    ):
        try:
            response = client.get(stage.server.url_for(path), deadline=limit)
        except restwell.DeadlineExceeded as exc:
            error = exc
        else:
            checks.expect(
                False, f"got {response.status_code} instead of DeadlineExceeded"
            )
            return
    elapsed = time.monotonic() - started
    stage.timeline(error.attempts)
    stage.say(f"caught {type(error).__name__}: {error}", "yellow")
    checks.expect(
        elapsed < limit + 0.5 and elapsed < _SLOW_SERVER,
        f"gave up after {elapsed:.2f} s, not at the {limit:g} s deadline",
    )
    if not checks.failures:
        stage.say(
            f"✓ gave up after {elapsed:.2f} s instead of waiting {_SLOW_SERVER:g} s",
            "green",
        )


def _idempotency_key(stage: _Stage, checks: _Checks) -> None:
    stage.say(
        "A POST may have acted before a 503, so it is retried only with an "
        "Idempotency-Key: the server then recognises the repeat (Stripe's convention)."
    )
    order = {"item": "book", "quantity": 1}
    path = "/orders"
    stage.server.script(path, [Step(503), Step(201, json={"id": 42, **order})])
    with stage.client() as client:
        response = client.post(
            stage.server.url_for(path), json=order, idempotency_key="auto"
        )
    stage.timeline(response.attempts)
    keys = [r.header("Idempotency-Key") for r in stage.server.requests(path)]
    seen = Table(title="what the server received", title_justify="left")
    seen.add_column("request", justify="right")
    seen.add_column("method")
    seen.add_column("Idempotency-Key")
    for i, (request, key) in enumerate(
        zip(stage.server.requests(path), keys, strict=True), 1
    ):
        seen.add_row(str(i), request.method, key or "-")
    stage.console.print(seen)
    checks.expect(
        response.status_code == 201, f"status {response.status_code}, not 201"
    )
    checks.expect(len(keys) == 2, f"the server saw {len(keys)} requests, not 2")
    checks.expect(
        len(set(keys)) == 1 and keys[0] is not None,
        "the attempts did not carry one and the same Idempotency-Key",
    )
    if not checks.failures:
        stage.say("✓ 201 Created; both attempts carried the same key", "green")

    stage.say("The same POST without a key: not retried.")
    bare = "/orders-no-key"
    stage.server.script(bare, [Step(503), Step(201, json={"id": 43, **order})])
    with stage.client() as client:
        plain = client.post(stage.server.url_for(bare), json=order)
    stage.timeline(plain.attempts)
    reason = plain.attempts[-1].reason if plain.attempts else ""
    checks.expect(plain.status_code == 503, f"status {plain.status_code}, not 503")
    checks.expect(len(plain.attempts) == 1, "the POST without a key was retried")
    checks.expect(stage.server.hits(bare) == 1, "the server saw the POST twice")
    checks.expect("not idempotent" in reason, f"unexpected reason: {reason!r}")
    if not checks.failures:
        stage.say(f"✓ 503 returned after 1 attempt, because {reason}", "green")


_SCENARIOS: Final[tuple[tuple[str, Callable[[_Stage, _Checks], None]], ...]] = (
    ("Survive 503s", _survive_503s),
    ("Honour Retry-After on 429", _honour_retry_after),
    ("A deadline cuts a slow call short", _deadline),
    ("POST retried safely with an idempotency key", _idempotency_key),
)


@contextlib.contextmanager
def _server() -> Iterator[FaultServer]:
    with FaultServer("127.0.0.1") as server:
        yield server


def run_demo(*, fast: bool = False, console: Console | None = None) -> int:
    """
    Run the four scenarios against a local ``FaultServer``; print what happens.

    Args:
        fast: Shrink the backoff (20 ms instead of 200 ms initial) and the deadline
            (0.5 s instead of 1 s). The server's Retry-After stays 1 s: that is
            what scenario 2 shows.
        console: Where to print. Default a new stdout ``Console``.

    Returns:
        The exit code: 0 if every scenario behaved as described, else 1 (the
        failures are listed).
    """
    console = Console(highlight=False) if console is None else console
    timing = _FAST if fast else _NORMAL
    results: list[tuple[str, list[str]]] = []
    started = time.monotonic()
    with _server() as server:
        console.print(
            Text.assemble(
                ("restwell demo", "bold"),
                f": a FaultServer on {server.url} plays a flaky API; every call "
                "below is real HTTP over loopback.",
            )
        )
        stage = _Stage(server, console, timing)
        for number, (title, scenario) in enumerate(_SCENARIOS, 1):
            console.print()
            console.rule(Text(f"{number}. {title}", "bold cyan"), align="left")
            checks = _Checks()
            try:
                scenario(stage, checks)
            except Exception as exc:  # a misbehaving scenario is a result, not a crash
                checks.failures.append(f"raised {type(exc).__name__}: {exc}")
            results.append((title, checks.failures))
    console.print()
    failed = [(title, why) for title, why in results if why]
    elapsed = time.monotonic() - started
    if not failed:
        console.print(
            Text(
                f"All {len(results)} scenarios behaved as expected ({elapsed:.1f} s).",
                "bold green",
            )
        )
        return EXIT_OK
    console.print(
        Text(
            f"{len(failed)} of {len(results)} scenarios did not behave as expected:",
            "bold red",
        )
    )
    for title, why in failed:
        console.print(Text(f"  ✗ {title}: {'; '.join(why)}", "red"))
    return EXIT_HTTP_ERROR
