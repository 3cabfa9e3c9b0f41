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
stage ran), the call's retry gates (``ctx.options.retry_gates``) and then its retry
budget (``policies["budget"]``) review it as a zero-delay retry; a veto stops
hedging (the attempts in flight still race). A delay a gate asks for is not waited:
a hedge is sent now or not at all. Each hedged call is a deposit in the budget
(``record_request``), as a retried one is, so hedges count against it like retries
(gRPC throttles hedges with its retry throttling too).

A request the policy does not hedge (``Hedge.start`` declines: a POST, a body that
cannot be replayed) takes the ``retry`` road, as if the call had no hedge.

Out of attempts, it ends as the retry stage does: the last response is returned, or
the last error raised unchanged with a note and ``.attempts`` (every attempt, the
cancelled ones included, in attempt order). The call's deadline (the ``deadline``
stage above) bounds the whole race. Emits ``HedgeSent`` and ``HedgeWon``; writes
``ctx.reason``, ``ctx.gave_up`` and the reason of each ``Attempt``.

The concurrency is a ``_Race``: on asyncio, native tasks and a ``loop.call_later``
timer (the cheapest there is: bench/bench_hedge.py); elsewhere (trio), an anyio task
group. Either way, leaving the race cancels every attempt and timer still running
and waits for them, so no task outlives the call.

Async only: the sync ``Client`` refuses a ``Hedge`` (``as_hedge_sync``), so this
module is outside ``_async/`` and is not twinned.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Self, cast

import anyio

from .._async._stages._retry import RetryStage, _budget_of, give_up_note
from .._clock import SystemClock
from .._context import CallContext
from .._exceptions import RestwellError
from .._hooks import aemit
from .._middleware import AsyncHandler
from .._models import Attempt, Request, Response
from .._pipeline import StageEnv
from ..instrumentation._events import HedgeSent, HedgeWon
from ..policies._budget import RetryBudget
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
    __slots__ = (
        "_monotonic",
        "_next",
        "_retry",
        "_sent",
        "_share",
        "_sleep",
        "_system",
        "_won",
    )

    def __init__(self, call_next: AsyncHandler, env: StageEnv) -> None:
        self._next = call_next
        self._retry = RetryStage(call_next, env)
        self._monotonic = env.monotonic
        self._sleep = env.clock.asleep
        self._system = type(env.clock) is SystemClock
        self._share = env.call_middleware
        self._sent = env.events.hooks(HedgeSent)
        self._won = env.events.hooks(HedgeWon)

    async def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        # In a chain only for calls with a Hedge (the client keys chains by it).
        policy = cast("Hedge", ctx.options.policies["hedge"])
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
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # not asyncio (trio)
            loop = None
        race: _Race = (
            _AnyioRace(self._next, self._sleep, self._monotonic)
            if loop is None
            else _AsyncioRace(
                loop, self._next, self._sleep, self._monotonic, self._system
            )
        )
        last_sent = 0.0
        finished: set[int] = set()
        decision: Decision | None = None
        outcome: Any = None
        winner = 0
        base = len(ctx.attempts)  # attempts of earlier redirect hops
        budget = _budget_of(ctx.options)
        if budget is not None:  # every call is a deposit, hedged or not
            if budget.shared is None:
                budget.record_request(fresh, self._monotonic())
            else:  # in Redis: awaited, deadline-bounded, fails open
                await self._retry._deposit(fresh, budget, budget.shared)

        def send(now: float) -> int:
            nonlocal last_sent
            n = base + policy.sent(state, now)
            last_sent = now
            race.attempt(fresh.copy_for_attempt(n), policy.due(state))
            return n

        try:
            async with race:
                send(self._monotonic())
                while True:
                    n, item = await race.next()
                    now = self._monotonic()
                    if n == 0:  # a timer: no answer yet
                        if item == race.generation and policy.due(state) is not None:
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
                            cancelled=state.in_flight,
                            response=outcome,
                        ),
                    )
        finally:
            await _close_leftovers(race.leftovers, winner)
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
        budget = _budget_of(ctx.options)
        if budget is not None:  # last: charged only for a hedge that goes
            gates = (*gates, budget)
        if gates:
            ask = Sleep(0.0, why)
            for gate in gates:
                if type(gate) is RetryBudget and gate.shared is not None:
                    verdict = await self._retry._withdraw(
                        fresh, gate, gate.shared, ask, now
                    )
                else:
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


class _Race:
    """
    The concurrency of one race: attempts and timers as tasks, outcomes in order.

    ``attempt(request, due)`` starts an attempt (and, when ``due`` is not ``None``,
    re-arms the timer for the next hedge, due at that monotonic time: a new
    ``generation``); ``await next()`` returns ``(attempt number, outcome)`` or
    ``(0, generation)`` for a timer that went off. Leaving the ``async with``
    cancels every attempt and timer still running and waits for them; the
    outcomes that came in after the last ``next()`` are then in ``leftovers``.
    """

    generation: int
    leftovers: list[_Item]

    def attempt(self, request: Request, due: float | None) -> None:
        raise NotImplementedError

    async def next(self) -> _Item:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        raise NotImplementedError

    async def __aexit__(self, *exc_info: Any) -> bool | None:
        raise NotImplementedError


class _AsyncioRace(_Race):
    """
    On asyncio: native tasks and a loop timer, the cheapest there is.

    About 6 µs per task and 2 µs per timer, against about 30 µs for an anyio task
    and 60 µs more to cancel one that sleeps: a call answered before the delay
    pays for one task and one timer handle. The timer is ``loop.call_later`` on the
    system clock (asyncio's loop time is ``time.monotonic`` too), else a task that
    sleeps on the client's clock (a FakeClock in tests).
    """

    __slots__ = (
        "_done",
        "_loop",
        "_monotonic",
        "_next",
        "_sleep",
        "_system",
        "_tasks",
        "_timer",
        "_waiter",
        "generation",
        "leftovers",
    )

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        call_next: AsyncHandler,
        sleep: Callable[[float], Awaitable[None]],
        monotonic: Callable[[], float],
        system: bool,
    ) -> None:
        self._loop = loop
        self._next = call_next
        self._sleep = sleep
        self._monotonic = monotonic
        self._system = system
        self._done: deque[_Item] = deque()
        self._tasks: list[asyncio.Task[Any]] = []
        self._timer: asyncio.TimerHandle | asyncio.Task[None] | None = None
        self._waiter: asyncio.Future[None] | None = None
        self.generation = 0
        self.leftovers = []

    def attempt(self, request: Request, due: float | None) -> None:
        task = self._loop.create_task(self._run(request))
        self._tasks.append(task)
        if due is None:
            return
        timer = self._timer
        if timer is not None:
            timer.cancel()
        self.generation += 1
        tick = (0, self.generation)
        if self._system:
            self._timer = self._loop.call_later(
                due - self._monotonic(), self._push, tick
            )
        else:  # runs after the attempt's first step: its start is stamped first
            sleeper = self._loop.create_task(self._tick(due, tick))
            self._tasks.append(sleeper)
            self._timer = sleeper

    async def _tick(self, due: float, tick: _Item) -> None:
        await self._sleep(max(due - self._monotonic(), 0.0))
        self._push(tick)

    async def _run(self, request: Request) -> None:
        # The outcome is pushed as the task ends (a done callback would cost the
        # caller one more turn of the loop).
        outcome: Response[Any] | BaseException
        try:
            outcome = await self._next(request)
        except Exception as exc:  # every outcome goes to the policy, which decides
            outcome = exc
        self._push((request.attempt, outcome))

    def _push(self, item: _Item) -> None:
        self._done.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def next(self) -> _Item:
        done = self._done
        while not done:
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return done.popleft()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: Any) -> bool | None:
        timer = self._timer
        if timer is not None:
            timer.cancel()
        pending = [t for t in self._tasks if not t.done()]
        if pending:
            for task in pending:
                task.cancel()
            with anyio.CancelScope(shield=True):  # the call may be cancelled itself
                await asyncio.wait(pending)
        self.leftovers = list(self._done)
        return None


class _AnyioRace(_Race):
    """Elsewhere (trio): an anyio task group and a memory stream."""

    __slots__ = (
        "_monotonic",
        "_next",
        "_rx",
        "_sleep",
        "_tg",
        "_tx",
        "generation",
        "leftovers",
    )

    def __init__(
        self,
        call_next: AsyncHandler,
        sleep: Callable[[float], Awaitable[None]],
        monotonic: Callable[[], float],
    ) -> None:
        self._next = call_next
        self._sleep = sleep
        self._monotonic = monotonic
        self._tx, self._rx = anyio.create_memory_object_stream[_Item](math.inf)
        self._tg = anyio.create_task_group()
        self.generation = 0
        self.leftovers = []

    def attempt(self, request: Request, due: float | None) -> None:
        if due is not None:
            self.generation += 1
        self._tg.start_soon(self._run, request, due, self.generation)

    async def _run(self, request: Request, due: float | None, generation: int) -> None:
        # The timer is armed here, as the attempt starts, so that its wait begins
        # after the attempt's start is stamped (on a FakeClock too).
        if due is not None:
            self._tg.start_soon(self._tick, due, generation)
        outcome: Response[Any] | BaseException
        try:
            outcome = await self._next(request)
        except Exception as exc:  # every outcome goes to the policy, which decides
            outcome = exc
        self._tx.send_nowait((request.attempt, outcome))

    async def _tick(self, due: float, generation: int) -> None:
        await self._sleep(max(due - self._monotonic(), 0.0))
        self._tx.send_nowait((0, generation))

    async def next(self) -> _Item:
        return await self._rx.receive()

    async def __aenter__(self) -> Self:
        await self._tg.__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> bool | None:
        self._tg.cancel_scope.cancel()  # the losers, and the timers
        try:
            return await self._tg.__aexit__(*exc_info)
        finally:
            self._tx.close()
            while True:
                try:
                    self.leftovers.append(self._rx.receive_nowait())
                except (anyio.WouldBlock, anyio.EndOfStream):
                    break
            self._rx.close()


async def _close_leftovers(leftovers: list[_Item], winner: int) -> None:
    """Close every response that lost the race (shielded: the call may be cancelled)."""
    if not leftovers:
        return
    with anyio.CancelScope(shield=True):
        for n, item in leftovers:
            if n and n != winner and isinstance(item, Response):
                await item.aclose()


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
