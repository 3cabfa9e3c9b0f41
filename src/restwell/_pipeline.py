"""
The stage order and how a chain is composed (no I/O; shared by both clients).

A chain is built once per client and call shape (streamed or not, redirects followed
or not) from the stages the client has, outermost first, with user middleware at
named positions. An empty slot is not in the chain and costs nothing.

    once per call:    call  cache  deadline  redirects  retry (or hedge)
    once per attempt: attempt  failover  circuit  rate  bulkhead  auth  timeout
                      body  transport

Source of the order: DESIGN.md "The road of a request".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from ._exceptions import ConfigurationError

__all__ = [
    "ATTEMPT_SLOTS",
    "CALL_SLOTS",
    "SLOTS",
    "Placement",
    "StageEnv",
    "compose",
    "place",
    "placement_of",
]

CALL_SLOTS = ("call", "cache", "deadline", "redirects", "retry")
"""Slots run once per call, outermost first (``hedge`` shares ``retry``'s slot)."""
ATTEMPT_SLOTS = (
    "attempt",
    "failover",
    "circuit",
    "rate",
    "bulkhead",
    "auth",
    "timeout",
    "body",
    "transport",
)
"""Slots run once per attempt, outermost first."""
SLOTS = CALL_SLOTS + ATTEMPT_SLOTS
"""Every slot, outermost first."""
_ALIASES = {"hedge": "retry"}
_INDEX = {name: i for i, name in enumerate(SLOTS)}
_LEGACY = {"call": ("after", "call"), "attempt": ("before", "timeout")}

H = TypeVar("H")


class Placement:
    """
    Where a user middleware sits: ``before`` or ``after`` a named stage.

    Attributes:
        side: ``"before"`` (just above the stage, outside it) or ``"after"``
            (just below it, inside it).
        stage: A slot name from ``SLOTS`` (``"hedge"`` means ``"retry"``).
    """

    __slots__ = ("side", "stage")

    def __init__(self, side: str, stage: str) -> None:
        self.side = side
        self.stage = stage

    @property
    def per_attempt(self) -> bool:
        """Whether the middleware runs once per attempt (below ``retry``)."""
        return _INDEX[self.stage] > _INDEX["retry"] or (
            self.stage == "retry" and self.side == "after"
        )

    def __repr__(self) -> str:
        return f"{self.side}={self.stage!r}"


def _check(side: str, stage: object, where: str) -> Placement:
    if not isinstance(stage, str) or _ALIASES.get(stage, stage) not in _INDEX:
        raise ConfigurationError(
            f"{where}: {side}={stage!r} is not a stage; use one of {', '.join(SLOTS)}"
        )
    stage = _ALIASES.get(stage, stage)
    if side == "before" and stage == "call":
        raise ConfigurationError(
            f"{where}: nothing runs before the 'call' stage; use after='call'"
        )
    if side == "after" and stage == "transport":
        raise ConfigurationError(
            f"{where}: nothing runs after the transport; use before='transport'"
        )
    return Placement(side, stage)


def placement_of(middleware: object) -> Placement:
    """
    Read where ``middleware`` goes from its attributes.

    ``before`` / ``after`` (a stage name), else ``stage`` (``"call"`` means
    ``after="call"``; ``"attempt"``, the default, means ``before="timeout"``).

    Raises:
        ConfigurationError: If the middleware is not callable, names no or two
            positions, or an unknown stage.
    """
    where = f"middleware {middleware!r}"
    if not callable(middleware):
        raise ConfigurationError(
            f"{where} is not callable: it must be (request, call_next) -> Response"
        )
    before = getattr(middleware, "before", None)
    after = getattr(middleware, "after", None)
    if before is not None and after is not None:
        raise ConfigurationError(f"{where} sets both before= and after=: pick one")
    if before is not None:
        return _check("before", before, where)
    if after is not None:
        return _check("after", after, where)
    stage = getattr(middleware, "stage", "attempt")
    if stage not in _LEGACY:
        raise ConfigurationError(
            f"{where} has stage={stage!r}: use 'call' or 'attempt', or place it "
            "with before=/after= a stage name"
        )
    return Placement(*_LEGACY[stage])


class _Placed:
    """A middleware with an explicit position (what ``place`` returns)."""

    __slots__ = ("after", "before", "emits", "middleware")

    def __init__(self, middleware: Any, before: str | None, after: str | None) -> None:
        self.middleware = middleware
        self.before = before
        self.after = after
        self.emits = getattr(middleware, "emits", ())

    def __call__(self, request: Any, call_next: Any) -> Any:
        return self.middleware(request, call_next)

    def __repr__(self) -> str:
        pos = f"before={self.before!r}" if self.before else f"after={self.after!r}"
        return f"place({self.middleware!r}, {pos})"


def place(middleware: H, *, before: str | None = None, after: str | None = None) -> H:
    """
    Put ``middleware`` at a named position in the pipeline.

    ``client = AsyncClient(middleware=[place(sign, before="transport")])``.

    Args:
        middleware: ``(request, call_next) -> Response`` (sync or async to match
            the client).
        before: Run just above this stage (a name from ``SLOTS``).
        after: Run just below this stage.

    Returns:
        A middleware carrying the position (same call signature).

    Raises:
        ConfigurationError: If neither or both of ``before``/``after`` are given,
            or the stage name is unknown.
    """
    if (before is None) == (after is None):
        raise ConfigurationError(
            f"place({middleware!r}): give exactly one of before= and after="
        )
    placed = _Placed(middleware, before, after)
    placement_of(placed)  # validates
    return placed  # type: ignore[return-value]  # same call signature as `middleware`


def compose(
    stages: Mapping[str, Callable[[H], H]],
    transport: H,
    middleware: Sequence[tuple[Placement, Callable[[H], H]]],
) -> H:
    """
    Compose a chain: the handler of its outermost stage.

    Args:
        stages: Slot name → a function wrapping the next handler into this stage's
            handler; only the slots present (never ``"transport"``).
        transport: The innermost handler (the transport's ``send``).
        middleware: ``(placement, wrap)`` pairs in the order the user gave them
            (outermost first at the same position).

    Returns:
        The outermost handler.
    """
    layers: list[Callable[[H], H]] = []
    for name in SLOTS:
        layers.extend(_at(middleware, "before", name))
        if name in stages:
            layers.append(stages[name])
        layers.extend(_at(middleware, "after", name))
    handler = transport
    for wrap in reversed(layers):
        handler = wrap(handler)
    return handler


def _at(
    middleware: Iterable[tuple[Placement, Callable[[H], H]]], side: str, name: str
) -> list[Callable[[H], H]]:
    return [w for p, w in middleware if p.side == side and p.stage == name]


class StageEnv:
    """
    What a stage may take from its client when the chain is built (not per call).

    Attributes:
        clock: The client's ``Clock``.
        monotonic: ``clock.monotonic`` (or ``time.monotonic`` for the system clock).
        wall: ``clock.time`` (or ``time.time``).
        rng: The ``random.Random`` for jitter.
        events: The client's ``Emitter``.
        call_middleware: Whether user middleware runs once per call, between the
            ``call`` and ``retry`` stages (then ``retry`` shows it the attempts so
            far on the response). Default ``False``.
        attempt_middleware: Whether user middleware runs per attempt (then each
            attempt gets its own copy of the request).
        hosts: The client's ``restwell.policies.HostPool`` when it has several
            base URLs (the ``failover`` stage routes over it), else ``None``.
    """

    __slots__ = (
        "attempt_middleware",
        "call_middleware",
        "clock",
        "events",
        "hosts",
        "monotonic",
        "rng",
        "wall",
    )

    def __init__(
        self,
        *,
        clock: Any,
        monotonic: Callable[[], float],
        wall: Callable[[], float],
        rng: Any,
        events: Any,
        attempt_middleware: bool,
        call_middleware: bool = False,
        hosts: Any = None,
    ) -> None:
        self.clock = clock
        self.monotonic = monotonic
        self.wall = wall
        self.rng = rng
        self.events = events
        self.attempt_middleware = attempt_middleware
        self.call_middleware = call_middleware
        self.hosts = hosts
