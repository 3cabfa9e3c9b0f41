"""
aresilient seed example 1 (module docstring), "Use linear backoff strategy":

    >>> from aresilient import get
    >>> from aresilient.backoff import LinearBackoff
    >>> from aresilient.core.config import ClientConfig
    >>> response = get(
    ...     "https://api.example.com/data",
    ...     config=ClientConfig(backoff_strategy=LinearBackoff(base_delay=1.0)),
    ... )

restwell: ``restwell.get(url, retry=restwell.Retry(backoff=restwell.Linear(1.0)))``.
Both give delays of 1 s, 2 s, 3 s, ... before retries 1, 2, 3, ...; restwell's
``Linear`` adds full jitter by default (aresilient's has none): pass
``jitter=restwell.NoJitter()`` for aresilient's exact delays.

Usage: python examples/aresilient_02_linear_backoff.py [BASE_URL]

BASE_URL is a local ``restwell.testing.FaultServer`` (its built-in ``/json`` and
``/status/503`` routes are used); without it, the example starts its own.
"""

from __future__ import annotations

import math
import sys
from random import Random

import restwell
from restwell.testing import FaultServer


def main(base_url: str) -> None:
    # The literal translation of the seed's config.
    seed_retry = restwell.Retry(backoff=restwell.Linear(1.0))
    response = restwell.get(f"{base_url}/json", retry=seed_retry)
    print("GET /json ->", response.status_code, response.data)
    assert response.status_code == 200
    assert response.data == {"hello": "world"}

    # The delays it computes, without jitter, are aresilient's: 1.0, 2.0, 3.0 s.
    exact = restwell.Linear(1.0, jitter=restwell.NoJitter())
    delays = [exact.delay(n, previous=0.0, rng=Random()) for n in (1, 2, 3)]
    print("Linear(1.0) without jitter:", delays)
    assert delays == [1.0, 2.0, 3.0]
    # With the default full jitter, retry n waits uniform(0, n * 1.0) seconds.
    jittered = restwell.Linear(1.0)
    rng = Random(2024)
    assert all(0.0 <= jittered.delay(n, previous=0.0, rng=rng) <= n for n in (1, 2, 3))

    # Live, against an endpoint that always answers 503, with a base delay of 20 ms
    # instead of 1 s so the example runs fast: waits of 0.02 s, then 0.04 s.
    fast = restwell.Retry(backoff=restwell.Linear(0.02, jitter=restwell.NoJitter()))
    response = restwell.get(f"{base_url}/status/503", retry=fast)
    for attempt in response.attempts:
        print("  ", attempt)
    assert response.status_code == 503
    assert len(response.attempts) == 3
    waited = [a.delay for a in response.attempts]
    assert all(map(math.isclose, waited, [0.02, 0.04, 0.0])), waited


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1].rstrip("/"))
    else:
        with FaultServer() as server:
            main(server.url)
