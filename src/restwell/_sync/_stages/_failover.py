# GENERATED from src/restwell/_async/_stages/_failover.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
The ``failover`` stage: sends each attempt to a host of the client's ``HostPool``.

In the chain only for a client with several base URLs. Per attempt, below
``attempt`` (so every attempt, a retry included, is routed anew) and above
``circuit``: the call's ``Failover`` policy (``ctx.options.policies["failover"]``;
``None`` for this call turns routing off) picks a host, the stage rewrites
``request.url``'s base (scheme, host, port and base path; the rest of the URL is
kept) to that host's, sends, and feeds the outcome back, so a host that refused a
connection is skipped by the retry that follows and by later calls.

Which URLs are routed: a call whose URL the client built from a relative one (it
marks the request: ``request.extensions[ROUTED]``; ``build_request`` does too), and
every retry of it. Any other URL goes where it says: an absolute URL, even on a
pool host (so a call can be pinned to one host, e.g. an ArangoDB cursor to the
coordinator that holds it), and every redirect hop (a ``Location`` is followed to
the host it names, so a redirect to a cluster's leader is not sent elsewhere).

Reads ``ctx.options.policies`` and ``request.extensions``; keeps the call's route in
the context bag (key ``failover.route``); writes ``request.url``. Emits
``HostMarkedDown`` and ``HostRecovered``.
"""

from __future__ import annotations

from typing import Any, cast

from ..._context import ContextKey
from ..._hooks import emit
from ..._middleware import Handler
from ..._models import Request, Response
from ..._pipeline import StageEnv
from ...instrumentation._events import HostMarkedDown, HostRecovered
from ...policies._failover import Failover, HostChange, HostPool

__all__ = ["ROUTED", "FailoverStage"]

ROUTED = "restwell.failover"
"""The ``Request.extensions`` key that marks a request built from a relative URL."""


class _Route:
    """A call's routing: its URL's part after the base, and the URLs it was sent as."""

    __slots__ = ("rest", "urls")

    def __init__(self, rest: str | None, url: str) -> None:
        self.rest = rest  # None: the call's URL is under no base URL: never routed
        self.urls = [url]  # the call's URL and every rewrite of it (a retry has one)


_ROUTE: ContextKey[_Route] = ContextKey("failover.route")


class FailoverStage:
    """Routes each attempt to a host of the pool (see the module docstring)."""

    name = "failover"
    EMITS = (HostMarkedDown, HostRecovered)
    __slots__ = ("_down", "_monotonic", "_next", "_pool", "_up")

    def __init__(self, call_next: Handler, env: StageEnv) -> None:
        self._next = call_next
        self._monotonic = env.monotonic
        self._pool: HostPool = env.hosts
        self._down = env.events.hooks(HostMarkedDown)
        self._up = env.events.hooks(HostRecovered)

    def __call__(self, request: Request) -> Response[Any]:
        ctx = request.context
        policy = cast("Failover | None", ctx.options.policies.get("failover"))
        if policy is None:  # turned off for this call
            return self._next(request)
        pool = self._pool
        route = ctx.get(_ROUTE)
        url = request.url
        if route is None:  # the call's first attempt
            found = pool.route(url) if request.extensions.get(ROUTED) else None
            route = _Route(None if found is None else found[1], url)
            ctx.set(_ROUTE, route)
        elif url not in route.urls:  # a redirect hop: it goes where it says
            return self._next(request)
        rest = route.rest
        if rest is None:
            return self._next(request)
        index, changes = policy.pick(pool, self._monotonic())
        target = pool.url(index, rest)
        request.url = target
        if target not in route.urls:
            route.urls.append(target)
        if changes and self._up:
            for up in changes:
                self._emit(request, up)
        try:
            response = self._next(request)
        except Exception as exc:
            change = policy.record(pool, index, exc, self._monotonic())
            if change is not None:
                self._emit(request, change)
            raise
        change = policy.record(pool, index, response, self._monotonic())
        if change is not None:
            self._emit(request, change)
        return response

    def _emit(self, request: Request, change: HostChange) -> None:
        """Send ``change`` to the hooks of its event, if any."""
        ctx = request.context
        if change.up:
            if self._up:
                emit(
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
            emit(
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
