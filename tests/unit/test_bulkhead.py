"""The sans-IO bulkhead: permits, the FIFO queue, hand-off and abandon."""

from __future__ import annotations

import math
import pickle
from datetime import timedelta
from typing import Any

import pytest

from restwell import BulkheadFull, ConfigurationError
from restwell.policies import DEFAULT_MAX_CONCURRENT, Bulkhead
from restwell.policies._bulkhead import as_bulkhead


class W:
    """A stand-in waiter (the driver's primitive is not the policy's business)."""


def test_defaults() -> None:
    b = Bulkhead()
    assert (b.max_concurrent, b.max_queued, b.max_wait, b.wait_limit) == (
        DEFAULT_MAX_CONCURRENT,
        0,
        None,
        math.inf,
    )
    assert DEFAULT_MAX_CONCURRENT == 1000
    assert repr(Bulkhead(2, max_queued=3, max_wait=1.5)) == (
        "Bulkhead(2, max_queued=3, max_wait=1.5)"
    )
    assert Bulkhead(1, max_wait=timedelta(seconds=2)).wait_limit == 2.0


@pytest.mark.parametrize(
    ("args", "kwargs", "words"),
    [
        ((0,), {}, "max_concurrent=0 must be an int >= 1"),
        ((True,), {}, "max_concurrent=True"),
        ((1.5,), {}, "max_concurrent=1.5"),
        ((1,), {"max_queued": -1}, "max_queued=-1 must be an int >= 0"),
        ((1,), {"max_wait": -1}, "max_wait"),
    ],
)
def test_bad_arguments(
    args: tuple[Any, ...], kwargs: dict[str, Any], words: str
) -> None:
    with pytest.raises(ConfigurationError, match=words):
        Bulkhead(*args, **kwargs)


def test_permits_up_to_max_then_refuse_without_queue() -> None:
    b = Bulkhead(2)
    assert b.enter(W) == (True, None)
    assert b.enter(W) == (True, None)
    assert b.enter(W) == (False, None)
    assert b.in_use == 2
    assert b.release() is None
    assert b.release() is None
    assert b.in_use == 0


def test_queue_hands_permits_over_in_fifo_order() -> None:
    b = Bulkhead(1, max_queued=2)
    assert b.enter(W)[0]
    _, first = b.enter(W)
    _, second = b.enter(W)
    assert isinstance(first, W) and isinstance(second, W)
    assert b.enter(W) == (False, None)  # queue full
    assert b.queued == 2
    assert b.release() is first  # handed over: still one in use
    assert (b.in_use, b.queued) == (1, 1)
    assert b.release() is second
    assert b.release() is None
    assert (b.in_use, b.queued) == (0, 0)


def test_a_newcomer_does_not_overtake_the_queue() -> None:
    b = Bulkhead(1, max_queued=1)
    b.enter(W)
    _, waiter = b.enter(W)
    handed = b.release()
    assert handed is waiter
    assert (b.in_use, b.queued) == (1, 0)
    granted, newcomer = b.enter(W)  # the permit is the waiter's: the newcomer queues
    assert not granted and isinstance(newcomer, W)


def test_abandon_removes_a_queued_waiter() -> None:
    b = Bulkhead(1, max_queued=1)
    b.enter(W)
    _, waiter = b.enter(W)
    assert b.abandon(waiter) is True
    assert (b.in_use, b.queued) == (1, 0)
    assert b.release() is None
    assert b.in_use == 0


def test_abandon_after_hand_off_reports_the_permit_held() -> None:
    b = Bulkhead(1, max_queued=1)
    b.enter(W)
    _, waiter = b.enter(W)
    assert b.release() is waiter
    assert b.abandon(waiter) is False  # it holds the permit now
    assert b.in_use == 1
    assert b.release() is None
    assert b.in_use == 0


def test_as_bulkhead() -> None:
    b = Bulkhead(3)
    assert as_bulkhead(b) is b
    assert as_bulkhead(None) is None
    assert as_bulkhead(7).max_concurrent == 7  # type: ignore[union-attr]
    for bad in (True, "10", 1.5):
        with pytest.raises(ConfigurationError, match=r"must be restwell\.policies"):
            as_bulkhead(bad)


def test_bulkhead_full_carries_limits_and_pickles() -> None:
    exc = BulkheadFull("full", max_concurrent=2, max_queued=0)
    back = pickle.loads(pickle.dumps(exc))
    assert (back.policy, back.max_concurrent, back.max_queued) == ("bulkhead", 2, 0)
