"""The sans-IO retry budget: every rule with a fake clock (no sleeping, no sockets)."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from datetime import timedelta
from typing import Any

import pytest

import restwell
from restwell import ConfigurationError, Request
from restwell.policies import (
    GLOBAL_BUDGET_KEY,
    BudgetBalance,
    MemoryBudgetStore,
    RetryBudget,
    RetryGate,
    Sleep,
    Veto,
)
from restwell.policies._budget import as_retry_budget
from restwell.testing import FakeClock

A = "http://127.0.0.1:8001"
B = "http://127.0.0.1:8002"
RETRY = Sleep(0.5, "status 503 is retryable")


def junk(value: object) -> Any:
    """Pass a deliberately ill-typed argument past the type checker."""
    return value


def req(origin: str = A, path: str = "/x") -> Request:
    return Request("GET", origin + path)


def deposit(budget: RetryBudget, now: float, n: int, origin: str = A) -> None:
    for _ in range(n):
        budget.record_request(req(origin), now)


def retries(budget: RetryBudget, now: float, n: int, origin: str = A) -> int:
    """Ask for ``n`` retries at ``now``; how many the budget allowed."""
    allowed = 0
    for i in range(n):
        verdict = budget.review(RETRY, request=req(origin), attempt=i + 1, now=now)
        if verdict is RETRY:
            allowed += 1
        else:
            assert isinstance(verdict, Veto)
    return allowed


def test_defaults_are_the_sre_books_and_it_is_a_retry_gate() -> None:
    budget = RetryBudget()
    assert (budget.ratio, budget.min_retries_per_second, budget.window) == (
        0.1,
        1.0,
        10.0,
    )
    assert (budget.buckets, budget.reserve, budget.name) == (10, 10.0, "retry budget")
    assert isinstance(budget.store, MemoryBudgetStore)
    assert isinstance(budget, RetryGate)
    assert repr(budget) == (
        "RetryBudget(ratio=0.1, min_retries_per_second=1, window=10)"
    )
    assert RetryBudget(window=timedelta(minutes=1)).window == 60.0


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"ratio": -0.1}, "ratio=-0.1) must be a finite number >= 0, e.g. 0.2"),
        ({"ratio": float("nan")}, "ratio=nan"),
        ({"ratio": True}, "ratio=True"),
        ({"ratio": "0.2"}, "ratio='0.2'"),
        (
            {"min_retries_per_second": float("inf")},
            "min_retries_per_second=inf) must be a finite number >= 0, e.g. 10.0",
        ),
        (
            {"ratio": 0, "min_retries_per_second": 0},
            "allows no retry at all: raise one of them, or pass retry=None",
        ),
        ({"window": 0}, "RetryBudget(window)=0 must be > 0 seconds"),
        ({"window": None}, "RetryBudget(window)=None is not a duration"),
        ({"buckets": 0}, "RetryBudget(buckets)=0 must be an int >= 1"),
        ({"key": "host"}, "key='host') must be a function request -> key"),
        ({"store": object()}, "is not a BudgetStore: it needs deposit()"),
    ],
)
def test_bad_arguments_say_what_and_how(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(ConfigurationError, match=None) as info:
        RetryBudget(**kwargs)
    assert words in str(info.value)


def test_the_floor_allows_min_per_second_times_window_with_no_requests() -> None:
    budget = RetryBudget(ratio=0.2, min_retries_per_second=1.0, window=10.0)
    assert retries(budget, 0.0, 15) == 10  # 1/s x 10 s, and no more
    verdict = budget.review(RETRY, request=req(), attempt=1, now=0.0)
    assert verdict == Veto(
        f"retry budget exhausted for {A}: 10 retries in the last 10 s, "
        "allowance 10 = 1/s × 10 s + 20% of 0 requests"
    )


def test_the_ratio_allows_a_share_of_the_requests_in_the_window() -> None:
    budget = RetryBudget(ratio=0.2, min_retries_per_second=0.0)
    assert retries(budget, 0.0, 1) == 0  # no request yet: nothing to spend
    deposit(budget, 0.0, 10)
    assert retries(budget, 0.0, 5) == 2  # 20 % of 10
    deposit(budget, 0.0, 4)  # 14 requests: 2.8, still 2
    assert retries(budget, 0.0, 1) == 0
    deposit(budget, 0.0, 1)  # 15: 3
    assert retries(budget, 0.0, 5) == 1
    assert budget.balance(A, 0.0) == BudgetBalance(False, 15, 3, 3.0)


def test_floor_and_ratio_add_up() -> None:
    budget = RetryBudget(ratio=0.5, min_retries_per_second=0.3, window=10.0)
    deposit(budget, 0.0, 4)
    assert retries(budget, 0.0, 10) == 5  # 0.3 x 10 + 0.5 x 4
    assert budget.balance(A, 0.0).allowance == 5.0


def test_a_ratio_whose_product_is_not_exact_in_floating_point_still_counts() -> None:
    budget = RetryBudget(ratio=0.29, min_retries_per_second=0.0)
    deposit(budget, 0.0, 100)  # 0.29 * 100 == 28.999999999999996
    assert retries(budget, 0.0, 40) == 29


def test_requests_leave_the_window_a_slice_at_a_time() -> None:
    """10 slices of 1 s: a request at 0.5 s counts until 10.0 s, not after."""
    budget = RetryBudget(ratio=1.0, min_retries_per_second=0.0, window=10.0)
    deposit(budget, 0.5, 3)
    deposit(budget, 4.2, 2)
    assert budget.balance(A, 9.999).requests == 5
    assert budget.balance(A, 10.0).requests == 2  # slice [0, 1) left the window
    assert budget.balance(A, 14.0).requests == 0
    # The same, as decisions: at 10.0 s only the two later requests are spendable.
    assert retries(budget, 10.0, 5) == 2


def test_retries_leave_the_window_too_and_the_budget_refills() -> None:
    clock = FakeClock()
    budget = RetryBudget(ratio=0.0, min_retries_per_second=0.5, window=10.0)
    assert retries(budget, clock.monotonic(), 10) == 5
    clock.advance(9.9)
    assert retries(budget, clock.monotonic(), 1) == 0  # still in the window
    clock.advance(0.1)  # 10.0 s: the slice of the first five has left
    assert retries(budget, clock.monotonic(), 10) == 5
    assert budget.balance(A, clock.monotonic()) == BudgetBalance(False, 0, 5, 5.0)


def test_a_sliding_window_counts_only_the_last_window_seconds() -> None:
    """One request per second for 30 s: the window always holds the last 10."""
    budget = RetryBudget(ratio=1.0, min_retries_per_second=0.0, window=10.0)
    for t in range(30):
        deposit(budget, t + 0.5, 1)
        assert budget.balance(A, t + 0.5).requests == min(t + 1, 10)
    # A long quiet spell clears every slice at once (more steps than slices).
    assert budget.balance(A, 1000.0).requests == 0
    deposit(budget, 1000.0, 1)
    assert budget.balance(A, 1000.0) == BudgetBalance(True, 1, 0, 1.0)


def test_a_clock_read_a_little_earlier_by_another_thread_counts_in_the_newest() -> None:
    budget = RetryBudget(ratio=1.0, min_retries_per_second=0.0)
    deposit(budget, 5.0, 1)
    deposit(budget, 3.9, 1)  # an earlier slice: counted in the newest one
    assert budget.balance(A, 14.99).requests == 2
    assert budget.balance(A, 15.0).requests == 0


def test_each_host_has_its_own_budget_by_default() -> None:
    budget = RetryBudget(ratio=0.0, min_retries_per_second=0.2, window=10.0)
    assert retries(budget, 0.0, 5, A) == 2
    assert retries(budget, 0.0, 5, B) == 2  # A's spent budget does not stop B
    assert budget.key_of(req(A)) == A
    # The key is the origin: the path does not matter, credentials never appear.
    assert budget.key_of(Request("GET", "http://user:pw@127.0.0.1:8001/y")) == A
    assert budget.balance(A, 0.0).retries == 2


def test_one_budget_for_every_host_with_key_none() -> None:
    budget = RetryBudget(ratio=0.0, min_retries_per_second=0.2, key=None)
    assert retries(budget, 0.0, 1, A) + retries(budget, 0.0, 5, B) == 2
    assert budget.key_of(req(B)) == GLOBAL_BUDGET_KEY
    deposit(budget, 0.0, 3, A)
    assert budget.balance(GLOBAL_BUDGET_KEY, 0.0).requests == 3
    verdict = budget.review(RETRY, request=req(A), attempt=1, now=0.0)
    assert isinstance(verdict, Veto)
    assert verdict.reason.startswith("retry budget exhausted for all hosts: 2 retries")


def test_a_key_function_groups_calls_its_own_way() -> None:
    def by_path(request: Request) -> Hashable:
        return request.url.rsplit("/", 1)[-1]

    budget = RetryBudget(ratio=0.0, min_retries_per_second=0.1, key=by_path)
    assert retries(budget, 0.0, 3, A) == 1
    assert budget.review(RETRY, request=req(B), attempt=1, now=0.0) != RETRY
    assert budget.review(RETRY, request=req(A, "/z"), attempt=1, now=0.0) is RETRY


def test_balance_reads_without_changing_anything() -> None:
    budget = RetryBudget(ratio=0.5, min_retries_per_second=0.0)
    deposit(budget, 0.0, 2)
    before = budget.balance(A, 0.0)
    assert before == BudgetBalance(True, 2, 0, 1.0)
    assert budget.balance(A, 0.0) == before
    assert budget.balance(B, 0.0) == BudgetBalance(False, 0, 0, 0.0)  # unseen key
    assert retries(budget, 0.0, 3) == 1


def test_singular_words_in_the_reason() -> None:
    budget = RetryBudget(ratio=1.0, min_retries_per_second=0.0)
    deposit(budget, 0.0, 1)
    assert retries(budget, 0.0, 1) == 1
    verdict = budget.review(RETRY, request=req(), attempt=2, now=0.0)
    assert isinstance(verdict, Veto)
    assert "1 retry in the last 10 s, allowance 1 = 0/s × 10 s + 100% of 1 request" in (
        verdict.reason
    )


def test_threads_never_spend_more_than_the_allowance() -> None:
    """8 threads race for 1000 retries each; exactly the allowance is granted."""
    budget = RetryBudget(ratio=0.25, min_retries_per_second=1.0, window=10.0)
    start = threading.Barrier(8)
    granted: list[int] = []

    def work() -> None:
        start.wait()
        deposit(budget, 1.0, 500)
        start.wait()  # every deposit made before anyone withdraws
        granted.append(retries(budget, 1.0, 1000))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert budget.balance(A, 1.0).requests == 4000
    assert sum(granted) == 10 + 0.25 * 4000 == budget.balance(A, 1.0).retries


def test_keys_that_left_the_window_are_swept() -> None:
    store = MemoryBudgetStore()
    budget = RetryBudget(store=store)
    for i in range(1024):
        budget.record_request(req(f"http://127.0.0.1:{1000 + i}"), 0.0)
    assert len(store) == 1024
    budget.record_request(req(B), 5.0)  # the others are still in the window
    assert len(store) == 1025
    for i in range(1025):  # the dict doubled: the next new key sweeps
        budget.record_request(req(f"http://127.0.0.1:{3000 + i}"), 30.0)
    assert len(store) < 1100


def test_a_store_of_ones_own_receives_every_step() -> None:
    class Counting(MemoryBudgetStore):
        def __init__(self) -> None:
            super().__init__()
            self.calls: list[str] = []

        def deposit(self, key: Hashable, now: float, budget: RetryBudget) -> None:
            self.calls.append(f"deposit {key}")
            super().deposit(key, now, budget)

        def withdraw(
            self, key: Hashable, now: float, budget: RetryBudget
        ) -> BudgetBalance:
            self.calls.append(f"withdraw {key}")
            return super().withdraw(key, now, budget)

    store = Counting()
    budget = RetryBudget(store=store)
    deposit(budget, 0.0, 1)
    assert retries(budget, 0.0, 1) == 1
    assert store.calls == [f"deposit {A}", f"withdraw {A}"]


def test_arguments_of_clients_and_calls_are_checked() -> None:
    budget = RetryBudget()
    assert as_retry_budget(budget) is budget
    assert as_retry_budget(None) is None
    with pytest.raises(ConfigurationError, match=r"retry_budget=0.2 must be"):
        restwell.Client(retry_budget=junk(0.2))
    bad = r"policies=\{\"budget\": ...\}=3 must be restwell.policies.RetryBudget"
    with restwell.Client() as client, pytest.raises(ConfigurationError, match=bad):
        client.get("http://127.0.0.1:9/", policies={"budget": 3})
    with pytest.raises(ConfigurationError, match="give it as retry_budget="):
        restwell.Client(retry_gates=[budget])
    with (  # per call: the same refusal
        restwell.Client() as client,
        pytest.raises(ConfigurationError, match="it would see only the retries"),
    ):
        client.get("http://127.0.0.1:9/", retry_gates=[budget])


def test_the_client_keeps_its_budget_in_the_budget_slot() -> None:
    budget = RetryBudget()
    with restwell.Client(retry_budget=budget) as client:
        assert client.call_options.policy("budget") is budget
        assert client.call_options.retry_gates == ()
