"""
arrest seed example: "Retries": arrest has no retries built in; they are set up
with ``httpx.AsyncHTTPTransport(retries=3)`` (connection failures only) or the
``max_retries`` field of a ``Service`` or ``Resource`` (tenacity underneath).

restwell retries by default: up to 3 attempts (the first try counts), for 408, 429,
500, 502, 503, 504, timeouts and network errors, with exponential backoff and full
jitter, honouring ``Retry-After``. A request that may have reached the server is
resent only for an idempotent method (GET, PUT, DELETE, ...) or one carrying an
``Idempotency-Key`` header. Change it with ``retry=restwell.Retry(...)`` on the
service, a resource, a handler (``H(..., retry=...)``) or one call; ``retry=None``
turns it off. arrest's ``max_retries=3`` is ``restwell.Retry(max_attempts=4)``.

Usage: python examples/arrest_04_retries.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/status/{code}``
route is used); without it, the example starts its own. The scripted sequences (503,
503, 200 ...) run on a second ``FaultServer`` the example starts itself.
"""

from __future__ import annotations

import asyncio
import sys

import restwell
from restwell.service import GET, POST, H
from restwell.testing import FakeClock, FaultServer, Step


async def main(base_url: str) -> None:
    clock = FakeClock()  # the waits between attempts take no real time
    with FaultServer() as api:
        api.script("/user/1", [Step(503), Step(503), Step(200, json={"id": 1})])
        svc = restwell.Service(
            "example",
            api.url,
            resources=[
                restwell.Resource("/user", handlers=[H(GET, "/{id:int}")]),
                restwell.Resource(
                    "/orders",
                    handlers=[
                        H(POST, "/"),
                        # handler level: this one never retries
                        H(GET, "/export", retry=None),
                    ],
                    # resource level: arrest's max_retries=3
                    retry=restwell.Retry(max_attempts=4),
                ),
            ],
            client=restwell.AsyncClient(clock=clock),  # borrowed: we close it
        )
        async with svc.client:
            # The defaults: 503, 503, then 200; two waits.
            resp = await svc.user.get("/1")
            print([str(a) for a in resp.attempts])
            assert resp.status_code == 200
            assert [a.status_code for a in resp.attempts] == [503, 503, 200]
            assert len(clock.sleeps) == 2

            api.script("/orders/", [Step(503), Step(201, json={"id": 9})])
            # A POST that got a 503 may have been processed: not resent ...
            resp = await svc.orders.post("/", request={"item": "tea"})
            assert [a.status_code for a in resp.attempts] == [503]
            api.script("/orders/", [Step(503), Step(201, json={"id": 9})])
            # ... unless it carries an Idempotency-Key (the same on every attempt).
            resp = await svc.orders.post(
                "/", request={"item": "tea"}, headers={"Idempotency-Key": "order-42"}
            )
            assert [a.status_code for a in resp.attempts] == [503, 201]
            assert resp.data == {"id": 9}

            api.script("/orders/export", [Step(503)])
            resp = await svc.orders.get("/export")
            assert len(resp.attempts) == 1  # retry=None on the handler

    # Service level, and per call, against the given server.
    svc = restwell.Service(
        "example",
        base_url,
        resources=[restwell.Resource("/status", handlers=[("GET", "/{code:int}")])],
        retry=restwell.Retry(max_attempts=4, backoff=restwell.Constant(0.0)),
    )
    async with svc:
        resp = await svc.status.get("/502")
        assert [a.status_code for a in resp.attempts] == [502] * 4
        resp = await svc.status.get("/502", retry=None)  # this call only
        assert len(resp.attempts) == 1
        resp = await svc.status.get("/404")  # not retryable
        assert len(resp.attempts) == 1
        print("service options:", svc.options)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        asyncio.run(main(sys.argv[1].rstrip("/")))
    else:
        with FaultServer() as server:
            asyncio.run(main(server.url))
