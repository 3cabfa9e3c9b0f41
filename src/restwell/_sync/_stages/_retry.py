# GENERATED from src/restwell/_async/_stages/_retry.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The ``retry`` stage: the loop that drives the ``Retry`` policy.

Per attempt: send it down the chain, give the outcome to ``ctx.options.retry``
(sans-IO), let each retry gate (``ctx.options.retry_gates``, after the
``CircuitGate`` when the ``circuit`` stage ran, then the call's ``RetryBudget``,
``policies["budget"]``) allow, delay or veto a retry, record the delay and reason
in the attempt's ``Attempt``, and sleep. It never sleeps past the deadline (the
policy and the gates' delays are checked against ``ctx.deadline_at``). Before the
first attempt it tells the retry budget, if any, of the call (``record_request``: a
deposit), whether or not the call will retry. Emits ``RetryScheduled`` (before the
sleep; a context manager a hook returns spans it), ``RetryAfterIgnored`` and
``RetryVetoed``. Writes ``ctx.reason`` and ``ctx.gave_up``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from ..._context import CallOptions
from ..._exceptions import DeadlineExceeded, RestwellError
from ..._hooks import emit, enter_spans, exit_spans
from ..._middleware import Handler
from ..._models import Attempt, Request, Response
from ..._pipeline import StageEnv
from ...instrumentation._events import RetryAfterIgnored, RetryScheduled, RetryVetoed
from ...policies._budget import RetryBudget
from ...policies._circuit import CIRCUIT_ATTEMPT, CIRCUIT_GATE
from ...policies._decision import Decision, Raise, Return, Sleep
from ...policies._gate import RetryGate, Veto

__all__ = ["RetryStage", "give_up_note"]

_DEADLINE = Raise("deadline exceeded", gave_up=True)


class RetryStage:
    """Retries per the call's ``Retry`` policy and gates (see the module docstring)."""

    name = "retry"
    EMITS = (RetryScheduled, RetryAfterIgnored, RetryVetoed)
    __slots__ = (
        "_copy_first",
        "_ignored",
        "_monotonic",
        "_next",
        "_rng",
        "_scheduled",
        "_share",
        "_sleep",
        "_vetoed",
        "_wall",
    )

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic
        self._wall = env.wall
        self._rng = env.rng
        self._sleep = env.clock.sleep
        self._copy_first = env.attempt_middleware
        # `call` sets the final attempts on the response; only middleware between
        # it and here needs them earlier.
        self._share = env.call_middleware
        self._scheduled = env.events.hooks(RetryScheduled)
        self._ignored = env.events.hooks(RetryAfterIgnored)
        self._vetoed = env.events.hooks(RetryVetoed)

    def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        options = ctx.options
        policy = options.retry
        attempts = ctx.attempts
        started = ctx.started
        state = None
        fresh = request
        budget = _budget_of(options) if options.policies else None
        if budget is not None:  # every call is a deposit, retried or not
            budget.record_request(fresh, self._monotonic())
        while True:
            n = len(attempts) + 1
            if n > 1 or self._copy_first:
                request = fresh.copy_for_attempt(n)
            outcome: Response[Any] | BaseException
            try:
                outcome = self._next(request)
            except Exception as exc:  # every outcome goes to the policy, which decides
                outcome = exc
            else:
                if state is None and policy.settles(outcome):  # success at once
                    if len(attempts) < n:  # a stage above `attempt` answered
                        attempts.append(
                            _record(n, self._monotonic() - started, outcome)
                        )
                    record = attempts[-1]
                    record.reason = ctx.reason = "success"
                    ctx.gave_up = False
                    if self._share:  # call middleware sees the attempts so far
                        outcome.attempts = tuple(attempts)
                        outcome.elapsed = record.started + record.duration
                    return outcome
            if state is None:
                deadline_at = ctx.deadline_at
                state = policy.start(
                    fresh.method,
                    fresh.headers,
                    started,
                    None if deadline_at is None else deadline_at - started,
                    replayable_body=ctx.replayable,
                )
            now = self._monotonic()
            if len(attempts) < n:  # a stage above `attempt` answered without it
                attempts.append(_record(n, now - started, outcome))
            record = attempts[-1]
            decision: Decision
            if type(outcome) is DeadlineExceeded:
                decision = _DEADLINE
            else:
                decision = policy.next(state, outcome, now, self._wall(), self._rng)
                if type(decision) is Sleep:
                    gates = options.retry_gates
                    if CIRCUIT_ATTEMPT in ctx:  # an open breaker vetoes first
                        gates = (CIRCUIT_GATE, *gates)
                    if budget is not None:  # last: charged only for a retry that goes
                        gates = (*gates, budget)
                    if gates:
                        decision = self._review(
                            gates, decision, request, outcome, n, now
                        )
            record.reason = decision.reason
            if type(decision) is Return:  # the policy returns only responses
                ctx.reason = decision.reason
                ctx.gave_up = decision.gave_up
                if self._share:  # call middleware sees the attempts so far
                    outcome.attempts = tuple(attempts)  # type: ignore[union-attr]  # a response
                    outcome.elapsed = now - started  # type: ignore[union-attr]  # a response
                if decision.ignored_retry_after is not None and self._ignored:
                    self._ignore(request, n, decision.ignored_retry_after)
                return outcome  # type: ignore[return-value]  # a Return follows a response
            if type(decision) is Raise:  # the policy raises only errors
                error: BaseException = outcome  # type: ignore[assignment]  # a Raise follows an error
                ctx.reason = decision.reason
                ctx.gave_up = decision.gave_up
                if isinstance(error, RestwellError) or len(attempts) > 1:
                    give_up_note(error, attempts, now - started, decision.reason)
                raise error
            assert isinstance(decision, Sleep)  # noqa: S101 - Decision is a closed union
            delay = decision.delay
            record.delay = delay
            if not isinstance(outcome, BaseException):
                outcome.close()
            if decision.ignored_retry_after is not None and self._ignored:
                self._ignore(request, n, decision.ignored_retry_after)
            spans = []
            if self._scheduled:
                spans = emit(
                    self._scheduled,
                    RetryScheduled(
                        request=request,
                        attempt=n,
                        call_id=ctx.call_id,
                        delay=delay,
                        reason=decision.reason,
                        retry_after=decision.retry_after,
                        outcome=outcome,
                    ),
                )
            if spans:
                entered = enter_spans(spans)
                try:
                    self._sleep(delay)
                finally:
                    exit_spans(entered)
            else:
                self._sleep(delay)

    def _review(
        self,
        gates: Sequence[RetryGate],
        retry: Sleep,
        request: Request,
        outcome: Response[Any] | BaseException,
        n: int,
        now: float,
    ) -> Decision:
        """Pass ``retry`` through each gate; a veto or an overlong delay stops."""
        ctx = request.context
        for gate in gates:
            verdict = gate.review(retry, request=request, attempt=n, now=now)
            if isinstance(verdict, Veto):
                name = getattr(gate, "name", None) or type(gate).__name__
                if self._vetoed:
                    emit(
                        self._vetoed,
                        RetryVetoed(
                            request=request,
                            attempt=n,
                            call_id=ctx.call_id,
                            gate=name,
                            reason=verdict.reason,
                            outcome=outcome,
                        ),
                    )
                return _stop(
                    outcome, f"{retry.reason}; retry vetoed by {name}: {verdict.reason}"
                )
            if verdict is not retry:  # a gate may lengthen the wait, never shorten it
                retry = Sleep(
                    max(verdict.delay, retry.delay),
                    verdict.reason,
                    retry.retry_after,
                    retry.ignored_retry_after,
                )
        deadline_at = ctx.deadline_at
        if deadline_at is not None and retry.delay >= deadline_at - now:
            return _stop(
                outcome,
                f"{retry.reason}; a retry gate's delay of {retry.delay:.3g} s exceeds "
                f"the {max(deadline_at - now, 0.0):.3g} s left before the deadline",
            )
        return retry

    def _ignore(self, request: Request, n: int, value: str) -> None:
        emit(
            self._ignored,
            RetryAfterIgnored(
                request=request, attempt=n, call_id=request.context.call_id, value=value
            ),
        )


def _budget_of(options: CallOptions) -> RetryBudget | None:
    """The call's retry budget (``policies["budget"]``, checked when resolved)."""
    return cast("RetryBudget | None", options.policies.get("budget"))


def _stop(outcome: Response[Any] | BaseException, reason: str) -> Raise | Return:
    if isinstance(outcome, BaseException):
        return Raise(reason, gave_up=True)
    return Return(reason, gave_up=True)


def _record(n: int, started: float, outcome: Response[Any] | BaseException) -> Attempt:
    if isinstance(outcome, BaseException):
        return Attempt(number=n, started=started, duration=0.0, error=outcome)
    return Attempt(
        number=n, started=started, duration=0.0, status_code=outcome.status_code
    )


def give_up_note(
    exc: BaseException, attempts: Sequence[Attempt], elapsed: float, reason: str
) -> None:
    """
    Note on ``exc`` why the call gave up, and each attempt; set ``exc.attempts``.

    Args:
        exc: The error about to be raised to the caller.
        attempts: Every attempt of the call, oldest first.
        elapsed: Seconds since the call started.
        reason: Why the call stopped, in words.
    """
    n = len(attempts)
    notes = getattr(exc, "__notes__", None)
    if notes:  # the same exception raised again (a cached one): replace, not grow
        exc.__notes__ = [
            note for note in notes if not note.startswith(("restwell: ", "  attempt "))
        ]
    exc.add_note(
        f"restwell: gave up after {n} attempt{'s' if n != 1 else ''} "
        f"in {elapsed:.3f} s: {reason}"
    )
    for a in attempts:
        exc.add_note(f"  {a}")
    if isinstance(exc, RestwellError):
        exc.attempts = tuple(attempts)
