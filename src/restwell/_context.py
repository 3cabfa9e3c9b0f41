"""
``CallOptions`` and ``CallContext``: what every stage of one call reads and shares.

``CallOptions`` is one frozen value per call, resolved once by ``resolve_options``
from layers, lowest precedence first: library default < client < (service <
resource < handler, with the declarative layer) < call. No stage re-resolves options.

``CallContext`` is created by the client for each logical call and reachable as
``request.context`` from every stage and user middleware (DESIGN.md "The road of a
request"). Stages tell each other things through its typed property bag
(``ContextKey``, Polly's ``ResilienceContext``); nothing travels in side channels.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

from ._config import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_REPLAY_BUFFER,
    DEFAULT_TIMEOUT,
    UNSET,
    Timeout,
    Unset,
    check_int,
    seconds,
)
from ._exceptions import ConfigurationError
from .policies._gate import RetryGate
from .policies._retry import Retry

if TYPE_CHECKING:
    from ._clock import Clock
    from ._hooks import Emitter
    from ._models import Attempt

__all__ = [
    "DEFAULT_RETRY",
    "NO_RETRY",
    "POLICY_SLOTS",
    "CallContext",
    "CallOptions",
    "ContextKey",
    "resolve_options",
]

V = TypeVar("V")

DEFAULT_RETRY = Retry()
"""The library's default ``Retry()``: 3 attempts, exponential backoff, full jitter."""
NO_RETRY = Retry(max_attempts=1)
"""What ``retry=None`` resolves to: one attempt, no retries."""

POLICY_SLOTS = frozenset(
    {
        "retry",
        "hedge",
        "cache",
        "failover",
        "circuit",
        "rate",
        "bulkhead",
        "auth",
        "budget",
    }
)
"""
Pipeline slots whose policy ``CallOptions.policies`` may replace or disable.

``"budget"`` is the retry budget (a ``RetryBudget``), a gate of the ``retry`` slot.
"""

_EMPTY: Mapping[str, object] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class CallOptions:
    """
    The options of one call, resolved once (``resolve_options``) and then read-only.

    Attributes:
        timeout: Per-attempt ``Timeout`` (seconds per phase). Default connect 5,
            read 10, write 10, pool 5.
        deadline: Seconds for the whole call, attempts, waits and redirects
            included, or ``None`` for no deadline. Default 30.0.
        retry: The ``Retry`` policy. Default ``Retry()``; ``retry=None`` resolves
            to ``Retry(max_attempts=1)`` (no retries).
        retry_gates: ``RetryGate`` policies that may veto or delay each retry, in
            order (``tuple``). Default ``()``.
        raise_for_status: Raise ``HTTPStatusError`` for a final 4xx/5xx. Default
            ``False``.
        follow_redirects: Follow 301/302/303/307/308 (RFC 9110 §15.4). Default
            ``False``.
        max_redirects: Most redirects one call follows. Default 20.
        max_replay_buffer: Bytes of a streamed request body kept so it can be
            resent. Default 1 MiB.
        max_response_size: Most bytes of decoded response body read, or ``None``
            for no limit; ``UNSET`` (the default) means
            ``DEFAULT_MAX_RESPONSE_SIZE`` (64 MiB) for a buffered read and no limit
            for ``stream()``. Above it: ``ResponseTooLarge``.
        policies: Per-policy overrides for this call, slot name → policy, or
            ``None`` to disable that slot's policy (``{"retry": None}``); a
            read-only mapping, default empty. Slot names: ``POLICY_SLOTS``.
    """

    timeout: Timeout = DEFAULT_TIMEOUT
    deadline: float | None = DEFAULT_DEADLINE
    retry: Retry = DEFAULT_RETRY
    retry_gates: tuple[RetryGate, ...] = ()
    raise_for_status: bool = False
    follow_redirects: bool = False
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    max_replay_buffer: int = DEFAULT_MAX_REPLAY_BUFFER
    max_response_size: int | Unset | None = UNSET
    policies: Mapping[str, object] = field(default_factory=lambda: _EMPTY)

    def policy(self, slot: str, default: object = None) -> object:
        """
        Return the policy this call uses for ``slot``: its override, else ``default``.

        Args:
            slot: A name from ``POLICY_SLOTS`` (``"circuit"``, ``"rate"``, …).
            default: What the stage uses when the call does not override it
                (usually the client's policy).

        Returns:
            The override (``None`` when the call disabled the slot), or ``default``.
        """
        if slot == "retry":
            return self.retry
        return self.policies.get(slot, default)


def _bool(name: str) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        if type(value) is not bool:
            raise ConfigurationError(
                f"{name}={value!r} must be True or False (a bool, not "
                f"{type(value).__name__})"
            )
        return value

    return check


def _timeout(value: object) -> Timeout:
    if isinstance(value, Timeout):
        return value
    if value is None or isinstance(value, int | float | timedelta):
        return Timeout.coerce(value)
    raise ConfigurationError(
        f"timeout={value!r} is not a restwell timeout: pass seconds (a float), "
        "restwell.Timeout(connect=..., read=..., write=..., pool=...), or None"
    )


def _deadline(value: object) -> float | None:
    return seconds(value, "deadline")  # type: ignore[arg-type]  # seconds() checks the type


def _retry(value: object) -> Retry:
    if value is None:
        return NO_RETRY
    if not isinstance(value, Retry):
        raise ConfigurationError(
            f"retry={value!r} must be restwell.Retry(...), or None to disable retries"
        )
    return value


def _gates(value: object) -> tuple[RetryGate, ...]:
    if value is None:
        return ()
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ConfigurationError(
            f"retry_gates={value!r} must be a sequence of RetryGate policies "
            "(objects with a review(retry, *, request, attempt, now) method)"
        )
    for gate in value:
        if not callable(getattr(gate, "review", None)):
            raise ConfigurationError(
                f"retry gate {gate!r} has no review() method: implement "
                "restwell.policies.RetryGate"
            )
        if callable(getattr(gate, "record_request", None)):  # a RetryBudget
            raise ConfigurationError(
                f"retry gate {gate!r} counts requests: give it as retry_budget= "
                '(client) or policies={"budget": ...} (service, resource, handler, '
                "call), where the retry stage tells it of every call; in retry_gates "
                "it would see only the retries"
            )
    return tuple(value)


def _count(name: str) -> Callable[[object], int]:
    def check(value: object) -> int:
        return check_int(value, name, 0)

    return check


def _size(value: object) -> int | None:
    if value is None:
        return None
    return check_int(value, "max_response_size", 1, " (bytes), or None for no limit")


def _policies(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ConfigurationError(
            f"policies={value!r} must be a mapping of slot name to policy "
            '(or None to disable it), e.g. {"retry": None}'
        )
    for slot in value:
        if slot not in POLICY_SLOTS:
            raise ConfigurationError(
                f"policies={{{slot!r}: ...}}: {slot!r} is not a policy slot; "
                f"use one of {', '.join(sorted(POLICY_SLOTS))}"
            )
    return dict(value)


_COERCE: dict[str, Callable[[object], object]] = {
    "timeout": _timeout,
    "deadline": _deadline,
    "retry": _retry,
    "retry_gates": _gates,
    "raise_for_status": _bool("raise_for_status"),
    "follow_redirects": _bool("follow_redirects"),
    "max_redirects": _count("max_redirects"),
    "max_replay_buffer": _count("max_replay_buffer"),
    "max_response_size": _size,
    "policies": _policies,
}
assert set(_COERCE) == {f.name for f in fields(CallOptions)}  # noqa: S101 - import-time check


def resolve_options(base: CallOptions, *layers: Mapping[str, object]) -> CallOptions:
    """
    Resolve the options of a call: ``base`` overridden by each layer in turn.

    The one place options are resolved (DESIGN.md "CallOptions"): the client
    resolves its arguments over the library defaults once, and each call over the
    client's; the declarative layer adds service, resource and handler layers.

    Args:
        base: The options of the layer below (``CallOptions()`` = library defaults).
        layers: Mappings of option name → value, lowest precedence first; a value
            of ``UNSET`` means "not given here". ``policies`` layers merge slot by
            slot (a call overriding ``"circuit"`` keeps the client's ``"rate"``);
            ``retry`` is also settable as ``policies={"retry": ...}``.

    Returns:
        ``base`` itself when no layer gives anything, else a new ``CallOptions``.

    Raises:
        ConfigurationError: For an unknown option name or an invalid value (the
            message names the option and how to fix it).
    """
    changes: dict[str, object] = {}
    for layer in layers:
        for name, value in layer.items():
            if value is UNSET:
                continue
            coerce = _COERCE.get(name)
            if coerce is None:
                raise ConfigurationError(
                    f"unknown option {name!r}: the options a call or client takes are "
                    f"{', '.join(sorted(_COERCE))}"
                )
            checked = coerce(value)
            if name == "policies":
                merged = dict(
                    cast("Mapping[str, object]", changes.get("policies", base.policies))
                )
                for slot, policy in cast("Mapping[str, object]", checked).items():
                    if slot == "retry":
                        changes["retry"] = _retry(policy)
                    else:
                        merged[slot] = policy
                checked = MappingProxyType(merged)
            changes[name] = checked
    if not changes:
        return base
    return replace(base, **changes)  # type: ignore[arg-type]  # values checked above


class ContextKey(Generic[V]):
    """
    A typed key of ``CallContext``'s property bag.

    Declare one per fact a stage shares, at module level:
    ``CACHE_STATUS: ContextKey[str] = ContextKey("cache.status")``; then
    ``ctx.set(CACHE_STATUS, "hit")`` and ``ctx.get(CACHE_STATUS)`` are typed.

    Args:
        name: A dotted name, unique per meaning (used in ``repr`` only; keys
            compare by identity).
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"ContextKey({self.name!r})"


_ids = itertools.count(1)


class CallContext:
    """
    One logical call, shared by every stage: ``request.context``.

    Created by the client for each call (a redirect hop or a retry keeps it). Stages
    write the attributes they own (DESIGN.md's table, docs/architecture.md); user
    middleware may read them all.

    Attributes:
        call_id: Process-unique ``int`` id of the call (events carry it).
        options: The resolved ``CallOptions``.
        deadline_at: Absolute deadline in monotonic seconds (``clock.monotonic()``),
            or ``None`` for none; set by the ``deadline`` stage.
        started: Monotonic seconds when the call started.
        attempts: Every ``Attempt`` so far, every redirect hop included
            (``list[Attempt]``, appended by the ``attempt`` stage, completed by
            the ``retry`` stage).
        replayable: Whether the request body can be sent more than once: ``False``
            when it is a stream larger than ``max_replay_buffer`` (then it is sent
            once, and neither retried nor replayed to a redirect target).
        stream: Whether the caller streams the response (``client.stream()``):
            then the ``body`` stage is not in the chain.
        clock: The ``Clock`` (monotonic seconds, sleeps).
        events: The client's ``Emitter``: ``events.hooks(EventClass)`` gives the
            subscribers; ``await events.aemit(event)`` / ``events.emit(event)``
            sends an event to them.
        reason: Why the call ended (or the last hop ended), in words; set by the
            stage that decided (``"success"``, ``"out of attempts (3)"``).
        gave_up: ``True`` when a limit stopped a retryable outcome (out of
            attempts, Retry-After too long, deadline, a retry gate's veto).
    """

    __slots__ = (
        "_bag",
        "attempts",
        "call_id",
        "clock",
        "deadline_at",
        "events",
        "gave_up",
        "options",
        "reason",
        "replayable",
        "started",
        "stream",
    )

    def __init__(
        self,
        options: CallOptions,
        clock: Clock,
        events: Emitter,
        started: float,
        stream: bool = False,
        replayable: bool = True,
    ) -> None:
        self.call_id = next(_ids)
        self.options = options
        self.clock = clock
        self.events = events
        self.started = started
        self.deadline_at: float | None = None
        self.attempts: list[Attempt] = []
        self.replayable = replayable
        self.stream = stream
        self.reason = ""
        self.gave_up = False
        self._bag: dict[ContextKey[Any], Any] | None = None

    @overload
    def get(self, key: ContextKey[V]) -> V | None: ...

    @overload
    def get(self, key: ContextKey[V], default: V) -> V: ...

    def get(self, key: ContextKey[V], default: V | None = None) -> V | None:
        """Return the value a stage set for ``key``, or ``default`` (``None``)."""
        bag = self._bag
        if bag is None:
            return default
        return cast("V | None", bag.get(key, default))

    def set(self, key: ContextKey[V], value: V) -> None:
        """Set ``key`` to ``value`` for the rest of the call."""
        if self._bag is None:
            self._bag = {}
        self._bag[key] = value

    def __contains__(self, key: object) -> bool:
        return self._bag is not None and key in self._bag

    def __repr__(self) -> str:
        return (
            f"<CallContext #{self.call_id} attempts={len(self.attempts)} "
            f"deadline_at={self.deadline_at}>"
        )
