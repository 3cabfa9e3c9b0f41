"""
The ``failover`` stage: sends each attempt to a host of the client's ``HostPool``.

In the chain only for a client with several base URLs. Per attempt, below
``attempt`` (so every attempt, a retry included, is routed anew) and above
``circuit``: the call's ``Failover`` policy (``ctx.options.policies["failover"]``;
``None`` for this call turns routing off) picks a host, the stage moves
``request.url`` from the base URL it lies under to that host's (scheme, host, port
and base path; the rest of the URL is kept), sends, and feeds the outcome back, so a
host that refused a connection is skipped by the retry that follows and by later
calls.

Which requests are routed: those the client built from a relative URL (it marks
them: ``request.extensions[ROUTED]``; ``build_request`` does too) whose URL lies
under one of the base URLs, and their retries (a retry's copy keeps the mark). Any
other request goes where its URL says: an absolute URL, even on a pool host (so a
call can be pinned to one host, e.g. an ArangoDB cursor to the coordinator that
holds it), and every redirect hop (the ``redirects`` stage drops the mark: a
``Location`` is followed to the host it names, so a redirect to a cluster's leader
is not sent elsewhere).

Reads ``ctx.options.policies`` and ``request.extensions``; writes ``request.url``.
Emits ``HostMarkedDown`` and ``HostRecovered``.
"""

from __future__ import annotations

from typing import Any, cast

from ..._hooks import aemit
from ..._middleware import AsyncHandler
from ..._models import Request, Response
from ..._pipeline import StageEnv
from ...instrumentation._events import HostMarkedDown, HostRecovered
from ...policies._failover import ROUTED, Failover, HostChange, HostPool

__all__ = ["FailoverStage"]


class FailoverStage:
    """Routes each attempt to a host of the pool (see the module docstring)."""

    name = "failover"
    EMITS = (HostMarkedDown, HostRecovered)
    __slots__ = ("_down", "_monotonic", "_next", "_pool", "_up")

    def __init__(self, call_next: AsyncHandler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic
        self._pool: HostPool = env.hosts
        self._down = env.events.hooks(HostMarkedDown)
        self._up = env.events.hooks(HostRecovered)

    async def __call__(self, request: Request) -> Response[Any]:
        policy = cast(
            "Failover | None", request.context.options.policies.get("failover")
        )
        if policy is None or ROUTED not in request.extensions:
            return await self._next(request)  # off for this call, or not routed
        pool = self._pool
        found = pool.route(request.url)
        if found is None:  # a middleware sent it elsewhere
            return await self._next(request)
        index, changes = policy.pick(pool, self._monotonic())
        request.url = pool.url(index, found[1])
        if changes and self._up:
            for up in changes:
                await self._emit(request, up)
        try:
            response = await self._next(request)
        except Exception as exc:
            change = policy.record(pool, index, exc, self._monotonic())
            if change is not None:
                await self._emit(request, change)
            raise
        change = policy.record(pool, index, response, self._monotonic())
        if change is not None:
            await self._emit(request, change)
        return response

    async def _emit(self, request: Request, change: HostChange) -> None:
        """Send ``change`` to the hooks of its event, if any."""
        ctx = request.context
        if change.up:
            if self._up:
                await aemit(
                    self._up,
                    HostRecovered(
                        request=request,
                        attempt=request.attempt,
                        call_id=ctx.call_id,
                        host=change.url,
                        reason=change.reason,
                        down_for=change.seconds,
                    ),
                )
        elif self._down:
            await aemit(
                self._down,
                HostMarkedDown(
                    request=request,
                    attempt=request.attempt,
                    call_id=ctx.call_id,
                    host=change.url,
                    reason=change.reason,
                    outcome=cast("Response[Any] | BaseException", change.outcome),
                    cool_down=change.seconds,
                ),
            )
