"""
Static checks: plain functions fit the callback protocols (mypy and pyright).

Never executed. Middleware and hooks are called positionally, so their parameter
names are the user's choice.
"""

from restwell import Request, Response
from restwell.instrumentation import Event, EventHook, RetryScheduled
from restwell.middleware import AsyncHandler, AsyncMiddleware, Handler, Middleware
from restwell.policies import Predicate, on_response


async def timing(req: Request, nxt: AsyncHandler) -> Response:
    return await nxt(req)


def sync_timing(req: Request, nxt: Handler) -> Response:
    return nxt(req)


def on_event(e: Event) -> None:
    if isinstance(e, RetryScheduled):
        print(e.delay)


def pending(r: Response) -> bool:
    return r.status_code == 202


async_mw: AsyncMiddleware = timing
sync_mw: Middleware = sync_timing
hook: EventHook = on_event
retry_on: Predicate = on_response(pending)
