"""
Run calls at the same time, async (tasks) and sync (threads), for the conformance suite.

``agather`` is the async form, ``gather`` the sync one that
``scripts/unasync.py`` puts in its place in the generated sync suite: a check
written once sends its requests concurrently in both worlds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio

__all__ = ["agather", "gather"]

_T = TypeVar("_T")


async def agather(calls: Sequence[Callable[[], Awaitable[_T]]]) -> list[_T]:
    """
    Await every call concurrently, each in its own task; results in call order.

    Raises:
        BaseExceptionGroup: What the calls raised (anyio's task group).
    """
    results: list[_T | None] = [None] * len(calls)

    async def run(index: int, call: Callable[[], Awaitable[_T]]) -> None:
        results[index] = await call()

    async with anyio.create_task_group() as group:
        for index, call in enumerate(calls):
            group.start_soon(run, index, call)
    return results  # type: ignore[return-value]  # every slot was filled


def gather(calls: Sequence[Callable[[], _T]]) -> list[_T]:
    """
    Run every call concurrently, each in its own thread; results in call order.

    Raises:
        Exception: The first call's (in order) that raised.
    """
    with ThreadPoolExecutor(max_workers=max(len(calls), 1)) as pool:
        return list(pool.map(lambda call: call(), calls))
