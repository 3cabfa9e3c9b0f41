"""The sans-IO failover policy: picking hosts, marking them down and up, fake time."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from restwell import ConfigurationError
from restwell._exceptions import (
    ConnectError,
    ConnectTimeout,
    DeadlineExceeded,
    PoolTimeout,
    ReadError,
)
from restwell._models import Response
from restwell.policies import (
    DEFAULT_COOL_DOWN,
    DEFAULT_MARK_DOWN,
    FAILOVER_STRATEGIES,
    Failover,
    HostChange,
    HostHealth,
    HostPool,
    on_status,
)
from restwell.policies._failover import as_failover

A, B, C = "http://127.0.0.1:8529", "http://127.0.0.1:8530", "http://127.0.0.1:8531"
REFUSED = ConnectError("connection refused")


def junk(value: object) -> Any:
    """Pass a deliberately ill-typed argument past the type checker."""
    return value


def ok(code: int = 200) -> Response[Any]:
    return Response(code, content=b"")


def picks(policy: Failover, pool: HostPool, n: int, now: float = 0.0) -> list[int]:
    return [policy.pick(pool, now)[0] for _ in range(n)]


def test_strategies_are_ordered_and_round_robin() -> None:
    """The two strategy names, and the defaults: ordered, 30 s, connect failures."""
    assert FAILOVER_STRATEGIES == ("ordered", "round_robin")
    policy = Failover()
    assert policy.strategy == "ordered"
    assert policy.cool_down == DEFAULT_COOL_DOWN == 30.0
    assert policy.mark_down is DEFAULT_MARK_DOWN
    assert repr(policy) == "Failover('ordered', cool_down=30)"


def test_ordered_always_takes_the_first_host_that_is_up() -> None:
    """'ordered' sends everything to the primary while it is up."""
    pool = HostPool([A, B, C])
    assert picks(Failover("ordered"), pool, 4) == [0, 0, 0, 0]


def test_round_robin_takes_each_host_in_turn() -> None:
    """'round_robin' cycles through the hosts in order."""
    pool = HostPool([A, B, C])
    assert picks(Failover("round_robin"), pool, 7) == [0, 1, 2, 0, 1, 2, 0]


def test_a_refused_host_is_skipped_by_the_next_pick() -> None:
    """A connect failure marks the host down: the next attempt goes elsewhere."""
    pool = HostPool([A, B, C])
    policy = Failover("ordered", cool_down=10.0)
    index, _ = policy.pick(pool, 0.0)
    change = policy.record(pool, index, REFUSED, 0.5)
    assert change == HostChange(0, A, False, "ConnectError", 10.0, REFUSED)
    assert picks(policy, pool, 3, now=1.0) == [1, 1, 1]


def test_round_robin_skips_a_down_host_and_keeps_turning() -> None:
    """With B down, round robin alternates A and C."""
    pool = HostPool([A, B, C])
    policy = Failover("round_robin")
    policy.record(pool, 1, REFUSED, 0.0)
    assert picks(policy, pool, 6, now=1.0) == [0, 2, 0, 2, 0, 2]


def test_connect_timeout_marks_down_but_not_a_pool_timeout_or_a_read_error() -> None:
    """Only 'the connection could not be made' counts by default."""
    pool = HostPool([A, B])
    policy = Failover()
    assert policy.record(pool, 0, PoolTimeout("pool"), 0.0) is None
    assert policy.record(pool, 0, ReadError("reset"), 0.0) is None
    assert policy.record(pool, 0, ok(503), 0.0) is None
    assert pool.health(0.0)[0].up
    change = policy.record(pool, 0, ConnectTimeout("slow"), 0.0)
    assert change is not None
    assert not change.up
    assert change.reason == "ConnectTimeout"


def test_statuses_count_when_mark_down_says_so() -> None:
    """mark_down=DEFAULT_MARK_DOWN | on_status(502, 503) marks a 503 host down."""
    pool = HostPool([A, B])
    policy = Failover(mark_down=DEFAULT_MARK_DOWN | on_status(502, 503))
    change = policy.record(pool, 0, ok(503), 0.0)
    assert change is not None
    assert (change.up, change.reason) == (False, "503")
    assert picks(policy, pool, 1, now=1.0) == [1]


def test_the_host_comes_back_when_its_cool_down_is_over() -> None:
    """After cool_down seconds the next pick puts it back and reports it once."""
    pool = HostPool([A, B])
    policy = Failover("ordered", cool_down=5.0)
    policy.record(pool, 0, REFUSED, 100.0)
    assert policy.pick(pool, 104.9) == (1, ())
    index, changes = policy.pick(pool, 105.0)
    assert index == 0
    assert changes == (HostChange(0, A, True, "cool-down of 5 s over", 5.0),)
    assert policy.pick(pool, 106.0) == (0, ())  # reported once


def test_an_answer_brings_a_down_host_back_at_once() -> None:
    """A host that answers while down (it was tried anyway) is up again."""
    pool = HostPool([A, B])
    policy = Failover(cool_down=30.0)
    policy.record(pool, 0, REFUSED, 10.0)
    response = ok(500)
    change = policy.record(pool, 0, response, 12.0)
    assert change == HostChange(0, A, True, "answered with 500", 2.0, response)
    assert pool.health(12.0)[0] == HostHealth(A, True, 0.0, 0)


def test_a_transport_error_that_reached_the_host_also_brings_it_back() -> None:
    """A read error means the connection was made: the host is reachable."""
    pool = HostPool([A, B])
    policy = Failover()
    policy.record(pool, 0, REFUSED, 0.0)
    change = policy.record(pool, 0, ReadError("reset"), 1.0)
    assert change is not None
    assert change.up
    assert change.reason == "answered with ReadError"


def test_an_error_that_is_not_the_hosts_says_nothing() -> None:
    """A deadline or a programming error neither marks down nor brings back."""
    pool = HostPool([A, B])
    policy = Failover()
    policy.record(pool, 0, REFUSED, 0.0)
    deadline = DeadlineExceeded("late", deadline=1.0, elapsed=1.0)
    assert policy.record(pool, 0, deadline, 1.0) is None
    assert policy.record(pool, 0, TypeError("bug"), 1.0) is None
    assert not pool.health(1.0)[0].up
    assert pool.health(1.0)[0].failures == 1


def test_failing_again_while_down_restarts_the_cool_down_silently() -> None:
    """A second mark-down while down is no new transition, but counts and waits."""
    pool = HostPool([A, B])
    policy = Failover(cool_down=10.0)
    assert policy.record(pool, 0, REFUSED, 0.0) is not None
    assert policy.record(pool, 0, REFUSED, 8.0) is None
    health = pool.health(9.0)[0]
    assert (health.up, health.retry_in, health.failures) == (False, 9.0, 2)
    assert policy.pick(pool, 10.0)[0] == 1  # the first cool-down's end is not enough
    index, changes = policy.pick(pool, 18.0)
    assert index == 0
    assert [c.seconds for c in changes] == [18.0]  # down since the first failure


def test_a_success_resets_the_failure_count() -> None:
    """failures counts mark-downs in a row: an answer starts it again."""
    pool = HostPool([A, B])
    policy = Failover(cool_down=1.0)
    policy.record(pool, 0, REFUSED, 0.0)
    policy.pick(pool, 2.0)  # cool-down over
    assert pool.health(2.0)[0].failures == 1
    assert policy.record(pool, 0, ok(), 2.0) is None  # was up already: no change
    assert pool.health(2.0)[0].failures == 0


def test_with_every_host_down_it_tries_the_one_that_failed_longest_ago() -> None:
    """All down: no refusal without trying; the oldest failure goes first."""
    pool = HostPool([A, B, C])
    policy = Failover("ordered", cool_down=60.0)
    policy.record(pool, 1, REFUSED, 1.0)
    policy.record(pool, 2, REFUSED, 2.0)
    policy.record(pool, 0, REFUSED, 3.0)
    order = []
    for now in (4.0, 5.0, 6.0, 7.0):
        index, changes = policy.pick(pool, now)
        assert changes == ()
        order.append(index)
        policy.record(pool, index, REFUSED, now)
    assert order == [1, 2, 0, 1]


def test_round_robin_with_every_host_down_also_rotates() -> None:
    """All down under round robin: still the oldest failure, cursor moves on."""
    pool = HostPool([A, B])
    policy = Failover("round_robin", cool_down=60.0)
    policy.record(pool, 0, REFUSED, 1.0)
    policy.record(pool, 1, REFUSED, 2.0)
    assert policy.pick(pool, 3.0)[0] == 0


def test_cool_downs_end_for_every_host_in_one_sweep() -> None:
    """A pick brings back every expired host, also ones it does not take."""
    pool = HostPool([A, B, C])
    policy = Failover("ordered", cool_down=5.0)
    policy.record(pool, 1, REFUSED, 0.0)
    policy.record(pool, 2, REFUSED, 1.0)
    index, changes = policy.pick(pool, 5.5)  # B's over, C's not
    assert index == 0
    assert [c.index for c in changes] == [1]
    assert [h.up for h in pool.health(5.5)] == [True, True, False]
    _, changes = policy.pick(pool, 6.0)
    assert [c.index for c in changes] == [2]


def test_health_reads_each_host_without_changing_it() -> None:
    """health(now) is a snapshot: an expired cool-down reads as up, unreported."""
    pool = HostPool([A, B])
    policy = Failover(cool_down=5.0)
    policy.record(pool, 1, REFUSED, 0.0)
    assert pool.health(2.0) == (
        HostHealth(A, True, 0.0, 0),
        HostHealth(B, False, 3.0, 1),
    )
    assert pool.health(6.0)[1].up
    _, changes = policy.pick(pool, 6.0)
    assert len(changes) == 1  # still reported by the next pick


def test_cool_down_takes_a_timedelta() -> None:
    """Durations are seconds, or a timedelta normalised once."""
    assert Failover(cool_down=timedelta(minutes=1)).cool_down == 60.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strategy": "random"}, "strategy 'random' is not known"),
        ({"cool_down": 0}, "cool_down"),
        ({"cool_down": -1.0}, "cool_down"),
        ({"cool_down": None}, "cool_down=None"),
        ({"mark_down": 503}, "mark_down=503 is not callable"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any], message: str) -> None:
    """Each bad argument gets a ConfigurationError naming it."""
    with pytest.raises(ConfigurationError, match=message):
        Failover(**kwargs)


def test_failover_is_an_immutable_value() -> None:
    """Policies are values: frozen, equal when their fields are."""
    assert Failover("round_robin", cool_down=5) == Failover("round_robin", cool_down=5)
    with pytest.raises(AttributeError):
        junk(Failover()).strategy = "round_robin"


def test_pool_routes_a_url_to_the_base_it_lies_under() -> None:
    """route() splits a URL at its base; url() puts the rest on another host."""
    pool = HostPool([A + "/_db/app", B + "/_db/app/"])
    assert pool.base_urls == (A + "/_db/app/", B + "/_db/app/")
    assert pool.route(A + "/_db/app/users?id=7#x") == (0, "/users?id=7#x")
    assert pool.route(B + "/_db/app") == (1, "")
    assert pool.route(B + "/_db/app?q=1") == (1, "?q=1")
    assert pool.route(A + "/_db/apple") is None  # not a path segment boundary
    assert pool.route(A + "/other") is None
    assert pool.route("http://127.0.0.1:85290/_db/app/x") is None
    assert pool.url(1, "/users?id=7") == B + "/_db/app/users?id=7"


def test_two_bases_on_one_origin_are_told_apart_by_path() -> None:
    """Base URLs on one origin that do not nest route by their paths."""
    pool = HostPool([A + "/v1", A + "/v2"])
    assert pool.route(A + "/v2/x") == (1, "/x")
    assert pool.route(A + "/v1/x") == (0, "/x")
    assert pool.route(A + "/v3/x") is None


def test_pool_redacts_credentials_in_what_it_shows() -> None:
    """Userinfo in a base URL never reaches health, changes or repr."""
    pool = HostPool(["http://user:secret@127.0.0.1", B])
    assert "secret" not in repr(pool)
    assert "secret" not in pool.health(0.0)[0].url
    change = Failover().record(pool, 0, REFUSED, 0.0)
    assert change is not None
    assert "secret" not in change.url
    assert len(pool) == 2


@pytest.mark.parametrize(
    ("urls", "message"),
    [
        (A, "must be a list of base URLs"),
        (None, "must be a list of base URLs"),
        ([], "is empty"),
        (["ftp://127.0.0.1"], "absolute http:// or https:// URL"),
        ([A, A + "/"], "or is the same"),
        ([A + "/api", B, A + "/api/v2"], "'http://127.0.0.1:8529/api/v2/' lies under"),
        ([A + "/api/v2", A + "/api"], "'http://127.0.0.1:8529/api/v2/' lies under"),
    ],
)
def test_bad_pools_are_refused(urls: object, message: str) -> None:
    """A string, an empty list, a bad URL, a duplicate: each is named."""
    with pytest.raises(ConfigurationError, match=message):
        HostPool(junk(urls))


def test_as_failover_takes_a_policy_a_name_or_none() -> None:
    """The coercion the clients use for failover= and policies={'failover': ...}."""
    policy = Failover("round_robin")
    assert as_failover(policy) is policy
    assert as_failover(None) is None
    assert as_failover("round_robin") == Failover("round_robin")
    with pytest.raises(ConfigurationError, match="failover='random' must be"):
        as_failover("random")
    with pytest.raises(ConfigurationError, match="policies=x=3 must be"):
        as_failover(3, "policies=x")


def test_round_robin_from_threads_spreads_evenly() -> None:
    """Picks from 8 threads at once: every host gets exactly its share."""
    pool = HostPool([A, B, C])
    policy = Failover("round_robin")
    counts: Counter[int] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(8)

    def work() -> None:
        start.wait()
        mine = picks(policy, pool, 300)
        with lock:
            counts.update(mine)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts == {0: 800, 1: 800, 2: 800}


def test_one_mark_down_per_outage_from_threads() -> None:
    """Many threads failing on one host at once make one transition, not many."""
    pool = HostPool([A, B])
    policy = Failover()
    changes: list[HostChange | None] = []
    start = threading.Barrier(8)

    def work() -> None:
        start.wait()
        for _ in range(50):
            changes.append(policy.record(pool, 0, REFUSED, 1.0))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(c is not None for c in changes) == 1
    assert pool.health(1.0)[0].failures == 400
