"""
Retry gates: policies that may veto or delay a retry the ``Retry`` policy would make.

The retry stage asks ``Retry`` first; when it answers ``Sleep``, each gate of the call
(``CallOptions.retry_gates``, in order) reviews that ``Sleep`` and answers with it
(allow), a ``Sleep`` with a longer delay (delay), or ``Veto(reason)`` (stop). A veto
ends the call as running out of attempts does: the last response is returned or the
last error re-raised, and the reason is recorded in the last ``Attempt`` and in the
``RetryVetoed`` and completion events. A gate is sans-IO: it reads only its
arguments (and its own state) and never sleeps or sends. The retry budget (Finagle,
Envoy; ``RetryBudget``) and an open circuit breaker are gates; the budget also hears
of every call (``record_request``), so it is given as ``retry_budget=`` or
``policies={"budget": ...}``, never in ``retry_gates``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ._decision import Sleep

if TYPE_CHECKING:
    from .._models import Request

__all__ = ["RetryGate", "Veto"]


@dataclass(frozen=True, slots=True)
class Veto:
    """
    A gate's answer that stops the retry.

    Attributes:
        reason: Why, in words (``"retry budget exhausted: 20 % of requests"``).
    """

    reason: str


@runtime_checkable
class RetryGate(Protocol):
    """
    Reviews each retry the ``Retry`` policy would make.

    Method:
        review(retry, *, request, attempt, now): ``retry`` is the ``Sleep`` the
        policy chose (``delay`` in seconds, ``reason``); ``request`` the request
        of the attempt that failed (``request.context`` is its ``CallContext``);
        ``attempt`` that attempt's 1-based number; ``now`` monotonic seconds.
        Return ``retry`` to allow it, a ``Sleep`` to delay it (its delay is
        raised to at least ``retry.delay``, so a gate never shortens a
        Retry-After; ``retry_after`` is kept), or ``Veto(reason)`` to stop the
        call. It must not block.

    A gate's ``name`` attribute (``str``, optional) names it in reasons; default
    its class name.
    """

    def review(
        self, retry: Sleep, *, request: Request, attempt: int, now: float
    ) -> Sleep | Veto:
        """Allow, delay or veto ``retry``."""
        ...
