"""
arrest seed example: "Timeouts": a default of 120 s per request; a custom one at
the service or resource level via ``config``:

    example_svc = Service(
        name="example",
        url="http://example.com/api/v1",
        resources=[Resource(name="user", route="/user", handlers=[("GET", "/")])],
        config=ArrestConfig(timeout=240),  # 4 minutes
    )

and ``timeout=None`` (or ``httpx.Timeout(None)``) to disable timeouts.

restwell has two limits, both in seconds: ``timeout`` for each attempt (default
connect 5, read/write 10, pool 5) and ``deadline`` for the whole call, retries and
waits included (default 30). ``config={"timeout": 240}`` (or ``timeout=240`` as a
keyword) on a ``Service``, a ``Resource``, a handler or one call sets the first; the
deadline still caps each attempt, so arrest's behaviour is ``timeout=240,
deadline=None``. ``timeout=None`` disables the per-attempt timeouts;
``deadline=None`` the deadline. A timeout takes seconds (``int``/``float``), a
``datetime.timedelta``, or ``restwell.Timeout(connect=..., read=...)`` (httpx's
``Timeout`` shape). A timeout that fires raises ``restwell.ReadTimeout`` (a
``TransportTimeout``, a ``RequestError``) once the retries are spent.

Usage: python examples/arrest_05_timeouts.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in
``/delay/{seconds}`` route answers after that many seconds); without it, the example
starts its own.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

import restwell
from restwell.testing import FaultServer


def make_service(base_url: str, **config: object) -> restwell.Service:
    return restwell.Service(
        name="example",
        url=base_url,
        resources=[
            restwell.Resource(
                name="user", route="/delay", handlers=[("GET", "/{seconds:float}")]
            ),
            restwell.Resource(
                name="slow",
                route="/delay",
                handlers=[("GET", "/{seconds:float}")],
                config={"timeout": 0.2, "retry": None},  # resource level
            ),
        ],
        config=config,
    )


async def main(base_url: str) -> None:
    # Service level: 240 s per attempt (arrest's ArrestConfig(timeout=240)).
    async with make_service(base_url, timeout=240) as svc:
        resp = await svc.user.get("/0")
        options = resp.request.context.options  # what this call ran with
        print("timeout:", options.timeout, "deadline:", options.deadline)
        assert options.timeout == restwell.Timeout(240)
        assert options.deadline == 30.0  # the deadline still caps every attempt

        # Resource level: 0.2 s; the server answers after 1 s.
        failure: restwell.RequestError | None = None
        try:
            await svc.slow.get(seconds=1.0)
        except restwell.TransportTimeout as exc:
            print(f"{type(exc).__name__}: {exc}")
            failure = exc
        assert isinstance(failure, restwell.ReadTimeout)

        # Per call, over both; a timedelta works too.
        resp = await svc.slow.get("/0.3", timeout=timedelta(seconds=5))
        assert resp.data == {"delayed": 0.3}

    # arrest's 120 s per request, no deadline over the call.
    async with make_service(base_url, timeout=120, deadline=None) as svc:
        options = (await svc.user.get("/0")).request.context.options
        assert options.timeout.read == 120.0
        assert options.deadline is None

    # timeout=None: no per-attempt timeouts (httpx.Timeout(None)); with
    # deadline=None nothing limits the call at all.
    async with make_service(base_url, timeout=None, deadline=None) as svc:
        options = (await svc.user.get("/0")).request.context.options
        assert options.timeout == restwell.Timeout(None)
        assert options.timeout.read is None
        assert options.deadline is None

    # Phases one by one, as httpx.Timeout(10, connect=2).
    async with make_service(base_url, timeout=restwell.Timeout(10, connect=2)) as svc:
        options = (await svc.user.get("/0")).request.context.options
        print("phases:", options.timeout)
        assert (options.timeout.connect, options.timeout.read) == (2.0, 10.0)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
