"""
The ``hedge`` stage (async only): drives the ``Hedge`` policy in the ``retry`` slot.

A call whose options have a ``Hedge`` (``policies["hedge"]``) gets this stage instead
of ``RetryStage``. It sends attempt 1; if no answer has come after ``delay`` seconds
(on the client's clock) it sends attempt 2 while 1 is still in flight, and so on up
to ``max_attempts``; an attempt that fails with a hedgeable outcome (``hedge_on``)
makes it send the next one at once. The first answer wins: the attempts still in
flight are cancelled (their connections closed by the transport, their bodies never
read into the pool), and any response that lost the race is closed. Each attempt
goes down the rest of the chain (``attempt``, ``failover``, ``circuit``, ``rate``,
``bulkhead``, ``timeout``, ``body``, transport), so each one is counted, limited and
recorded there.

Before each hedged attempt the open breaker (``CircuitGate``, when the ``circuit``
stage ran) and the call's retry gates (``ctx.options.retry_gates``) review it as a
zero-delay retry; a veto stops hedging (the attempts in flight still race). A delay a
gate asks for is not waited: a hedge is sent now or not at all.

A request the policy does not hedge (``Hedge.start`` declines: a POST, a body that
cannot be replayed) takes the ``retry`` road, as if the call had no hedge.

Out of attempts, it ends as the retry stage does: the last response is returned, or
the last error raised unchanged with a note and ``.attempts`` (every attempt, the
cancelled ones included, in attempt order). The call's deadline (the ``deadline``
stage above) bounds the whole race. Emits ``HedgeSent`` and ``HedgeWon``; writes
``ctx.reason``, ``ctx.gave_up`` and the reason of each ``Attempt``.

Async only: the sync ``Client`` refuses a ``Hedge`` (``as_hedge_sync``), so this
module is outside ``_async/`` and is not twinned.
"""

from __future__ import annotations

import math
from typing import Any, cast

import anyio
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectSendStream

from .._async._stages._retry import RetryStage, give_up_note
from .._context import CallContext
from .._exceptions import RestwellError
from .._hooks import aemit
from .._middleware import AsyncHandler
from .._models import Attempt, Request, Response
from .._pipeline import StageEnv
from ..instrumentation._events import HedgeSent, HedgeWon
from ..policies._circuit import CIRCUIT_ATTEMPT, CIRCUIT_GATE
from ..policies._decision import Decision, Raise, Return, Sleep
from ..policies._gate import Veto
from ..policies._hedge import Hedge, HedgeState

__all__ = ["HedgeStage"]

_Item = tuple[int, Any]  # (attempt number, outcome), or (0, timer generation)


class HedgeStage:
    """Hedges per the call's ``Hedge`` policy (see the module docstring)."""

    name = "hedge"
    EMITS = (HedgeSent, HedgeWon, *RetryStage.EMITS)
    __slots__ = ("_monotonic", "_next", "_retry", "_sent", "_share", "_sleep", "_won")

    def __init__(self, call_next: AsyncHandler, env: StageEnv) -> None:
        self._next = call_next
        self._retry = RetryStage(call_next, env)
        self._monotonic = env.monotonic
        self._sleep = env.clock.asleep
        self._share = env.call_middleware
        self._sent = env.events.hooks(HedgeSent)
        self._won = env.events.hooks(HedgeWon)

    async def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        policy = ctx.options.policies.get("hedge")
        if type(policy) is not Hedge:  # turned off for this call (a cached chain)
            return await self._retry(request)
        deadline_at = ctx.deadline_at
        started = ctx.started
        state = policy.start(
            request.method,
            started,
            None if deadline_at is None else deadline_at - started,
            replayable_body=ctx.replayable,
        )
        if state is None:  # not hedged (a POST): the retry road
            return await self._retry(request)
        return await self._race(request, ctx, policy, state)

    async def _race(
        self, fresh: Request, ctx: CallContext, policy: Hedge, state: HedgeState
    ) -> Response[Any]:
        tx, rx = anyio.create_memory_object_stream[_Item](math.inf)
        generation = 0  # of the timer whose tick may send the next attempt
        last_sent = 0.0
        finished: set[int] = set()
        decision: Decision | None = None
        outcome: Any = None
        winner = 0
        base = len(ctx.attempts)  # attempts of earlier redirect hops
        try:
            async with anyio.create_task_group() as tg:

                def send(now: float) -> int:
                    nonlocal generation, last_sent
                    n = base + policy.sent(state, now)
                    last_sent = now
                    due = policy.due(state)
                    if due is not None:
                        generation += 1
                    tg.start_soon(
                        self._attempt,
                        fresh.copy_for_attempt(n),
                        tx,
                        tg,
                        due,
                        generation,
                    )
                    return n

                send(self._monotonic())
                while True:
                    n, item = await rx.receive()
                    now = self._monotonic()
                    if n == 0:  # a timer: no answer yet
                        if item == generation and policy.due(state) is not None:
                            await self._hedge(
                                send,
                                fresh,
                                ctx,
                                policy,
                                state,
                                None,
                                now,
                                last_sent,
                                base,
                            )
                        continue
                    finished.add(n)
                    outcome = item
                    record = _record_of(ctx, n, now, outcome)
                    decision = policy.next(state, outcome, now)
                    if type(decision) is Sleep:  # a failure: hedge now
                        record.reason = decision.reason
                        decision = await self._hedge(
                            send,
                            fresh,
                            ctx,
                            policy,
                            state,
                            outcome,
                            now,
                            last_sent,
                            base,
                        )
                    if decision is None:  # the others may still answer
                        if not isinstance(outcome, BaseException):
                            await (
                                outcome.aclose()
                            )  # a streamed body: free its connection
                        continue
                    record.reason = decision.reason
                    winner = n
                    break
                in_flight = state.in_flight
                if (
                    self._won
                    and state.sent > 1
                    and type(decision) is Return
                    and not decision.gave_up
                ):
                    await aemit(
                        self._won,
                        HedgeWon(
                            request=outcome.request,
                            attempt=n,
                            call_id=ctx.call_id,
                            sent=state.sent,
                            cancelled=in_flight,
                            response=outcome,
                        ),
                    )
                tg.cancel_scope.cancel()  # the losers, and the timers
        finally:
            tx.close()
            await _close_leftovers(rx, winner)
        attempts = ctx.attempts
        if state.sent > 1:  # records came in finishing order: put them in attempt order
            attempts[base:] = sorted(attempts[base:], key=_number)
            for a in attempts[base:]:
                if a.number not in finished and not a.reason:
                    a.reason = f"cancelled: attempt {winner} ended the call"
        assert isinstance(decision, Return | Raise)  # noqa: S101 - the loop ends so
        ctx.reason = decision.reason
        ctx.gave_up = decision.gave_up
        if type(decision) is Raise:
            error: BaseException = outcome
            if isinstance(error, RestwellError) or len(attempts) > 1:
                give_up_note(
                    error, attempts, self._monotonic() - ctx.started, decision.reason
                )
            raise error
        response = cast("Response[Any]", outcome)  # a Return follows a response
        if self._share:  # call middleware sees the attempts so far
            response.attempts = tuple(attempts)
            response.elapsed = self._monotonic() - ctx.started
        return response

    async def _hedge(
        self,
        send: Any,
        fresh: Request,
        ctx: CallContext,
        policy: Hedge,
        state: HedgeState,
        outcome: Response[Any] | BaseException | None,
        now: float,
        last_sent: float,
        base: int,
    ) -> Decision | None:
        """Send the next attempt unless a gate vetoes it; return what follows."""
        n = base + state.sent  # the last attempt sent
        why = (
            f"no answer after {now - last_sent:.3g} s"
            if outcome is None
            else f"{_what(outcome)}; hedging at once"
        )
        gates = ctx.options.retry_gates
        if CIRCUIT_ATTEMPT in ctx:  # an open breaker vetoes first
            gates = (CIRCUIT_GATE, *gates)
        if gates:
            ask = Sleep(0.0, why)
            for gate in gates:
                verdict = gate.review(ask, request=fresh, attempt=n, now=now)
                if isinstance(verdict, Veto):
                    name = getattr(gate, "name", None) or type(gate).__name__
                    return policy.stop(
                        state, outcome, f"hedge vetoed by {name}: {verdict.reason}"
                    )
        m = send(now)
        if self._sent:
            await aemit(
                self._sent,
                HedgeSent(
                    request=fresh,
                    attempt=m,
                    call_id=ctx.call_id,
                    delay=now - last_sent,
                    reason=why,
                ),
            )
        return None

    async def _attempt(
        self,
        request: Request,
        tx: MemoryObjectSendStream[_Item],
        tg: TaskGroup,
        due: float | None,
        generation: int,
    ) -> None:
        """
        Send one attempt; report its outcome to the driver.

        The timer for the next hedge (due at ``due``, monotonic seconds) is armed
        here, as the attempt starts, so that its wait begins after the attempt's
        start is stamped (on a FakeClock, whose sleeps jump at once, too).
        """
        if due is not None:
            tg.start_soon(self._timer, due - self._monotonic(), tx, generation)
        outcome: Response[Any] | BaseException
        try:
            outcome = await self._next(request)
        except Exception as exc:  # every outcome goes to the policy, which decides
            outcome = exc
        tx.send_nowait((request.attempt, outcome))

    async def _timer(
        self, delay: float, tx: MemoryObjectSendStream[_Item], generation: int
    ) -> None:
        await self._sleep(max(delay, 0.0))
        tx.send_nowait((0, generation))


async def _close_leftovers(rx: Any, winner: int) -> None:
    """Close every response that lost the race (shielded: the call may be cancelled)."""
    with anyio.CancelScope(shield=True):
        while True:
            try:
                n, item = rx.receive_nowait()
            except (anyio.WouldBlock, anyio.EndOfStream):
                break
            if n and n != winner and isinstance(item, Response):
                await item.aclose()
        rx.close()


def _record_of(
    ctx: CallContext, n: int, now: float, outcome: Response[Any] | BaseException
) -> Attempt:
    """Attempt ``n``'s record (made here if a stage above ``attempt`` answered)."""
    for a in reversed(ctx.attempts):
        if a.number == n:
            return a
    started = now - ctx.started
    if isinstance(outcome, BaseException):
        record = Attempt(number=n, started=started, duration=0.0, error=outcome)
    else:
        record = Attempt(
            number=n, started=started, duration=0.0, status_code=outcome.status_code
        )
    ctx.attempts.append(record)
    return record


def _number(attempt: Attempt) -> int:
    return attempt.number


def _what(outcome: Response[Any] | BaseException) -> str:
    if isinstance(outcome, BaseException):
        return type(outcome).__name__
    return f"status {outcome.status_code}"
