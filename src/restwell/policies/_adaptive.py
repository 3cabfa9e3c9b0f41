"""
Adaptive rate limiting: lower the rate when the server pushes back, recover after.

``Adaptive`` keeps, per key (the ``RateLimiter``'s key: per host by default), one
extra GCRA limit whose rate follows what the server says. It is sans-IO: the ``rate``
stage tells it each response (``observe``) with monotonic ``now`` and wall-clock
``wall`` (seconds), and asks it how long a request must wait (``earliest``) before the
limiter's own limits are consulted. The limiter's configured ``RateLimit`` values stay
the ceiling: the adaptive limit can only lower the rate, never raise it above them
(with no configured limit, it is the only one).

Three rules, in order of authority:

1. **A server-announced quota is followed exactly, not probed.** When a response
   says ``remaining`` requests are left for ``reset`` seconds, the rate becomes
   ``remaining / reset`` (the quota spread evenly over what is left of the window)
   until the window ends; ``remaining == 0`` holds every request for the key until
   the reset. A ``RateLimit-Policy`` quota ``q`` per ``w`` seconds caps the rate at
   ``q / w``. Headers read (the first form found wins):

   - ``RateLimit: "name";r=R;t=T`` and ``RateLimit-Policy: "name";q=Q;w=W``
     (structured-field lists, draft-ietf-httpapi-ratelimit-headers-08 to -10,
     2024-2025; several policies: the most restrictive counts);
   - ``RateLimit: limit=L, remaining=R, reset=T`` (the dictionary of draft -07);
   - ``RateLimit-Remaining: R`` + ``RateLimit-Reset: T`` (drafts -00 to -06);
   - ``X-RateLimit-Remaining: R`` + ``X-RateLimit-Reset: T`` (GitHub, Twitter/X,
     GitLab, Discord, many more). ``T`` is delta seconds in every IETF draft, but
     GitHub and Twitter send Unix epoch seconds: a value of ``1e9`` or more (a
     delta of over 31 years, an epoch after September 2001) is read as an epoch and
     measured against the response's ``Date`` header when it has one (so client
     clock skew does not matter), else against ``wall``.

   Cost: the headers of a key's first response, of every 429 and 503, and of every
   response once the key has sent such headers or been throttled are read; on a
   key that has done neither (a server that sends no rate-limit headers: the happy
   path) one response in 8 is read, so such a server costs a counter per
   response, not a header scan, and a server that starts sending them is noticed
   within 8 responses.

2. **A throttle (429, or 503 with ``Retry-After``) lowers the rate with CUBIC.**
   The rate drops to ``beta`` (0.7) times the rate the client was actually sending
   (a smoothed count per 0.5 s, not the limit it was allowed), then grows back along
   the cubic ``W(t) = C * (t - K)**3 + W_max`` with ``K = cbrt(W_max * (1 - beta)
   / C)`` and ``C = 0.4`` (RFC 9438 §4.2, CUBIC for fast and long-distance
   networks; ``W_max`` the rate before the drop), never more than twice the measured
   sending rate, never below ``min_rate``. This is the AWS SDKs' adaptive retry mode
   (its ``ClientRateLimiter``, same constants). ``Retry-After`` on the throttle
   also holds the key until it has passed.

3. **Nothing else changes the rate.** Successes only move the CUBIC curve forward.

The adaptive limit paces strictly (GCRA with a burst of 1, ``RateLimit``'s
default): no burst of a second's worth as the AWS SDK's token bucket allows, since
a client that has just waited could then send twice its rate within a second and be
throttled again. After a throttle the next request waits one full interval.

Why CUBIC rather than AIMD: AIMD (additive increase, multiplicative decrease, RFC
5681's congestion avoidance) recovers linearly, at a speed that depends on the step
chosen and on how often responses come back; after a throttle at 100 req/s it needs
many steps to return. CUBIC's recovery depends only on the time since the drop: it
climbs fast while far below ``W_max``, flattens near it (the last rate known to be
almost fine) and probes beyond it slowly, so a client settles just under a server's
limit and the number of 429s per minute stays small whatever the request rate. It is
also what the AWS SDKs ship, so its behaviour against real APIs is known. Probing is
only the fallback: when the server announces its quota (rule 1) no probing is needed.

Bounds (hostile or garbage headers never raise and never stall a client): every
number must be a plain non-negative decimal (no sign, exponent, NaN or infinity) or
it is ignored; a header longer than 4096 characters or a list of more than 16
policies is ignored; remaining counts are capped at 10**9; any reset, ``Retry-After``
or hold is clamped to ``max_delay`` seconds (default 120 s), so no response can hold a
key longer, and the caller's deadline bounds every wait anyway (a wait past it raises
``DeadlineExceeded`` at once, without sleeping).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Collection, Hashable, Mapping
from datetime import timedelta
from typing import cast

from .._config import DEFAULT_MAX_RETRY_AFTER, seconds
from .._exceptions import ConfigurationError
from ._retry_after import parse_http_date, parse_retry_after

__all__ = ["Adaptive", "RateAdjustment", "RateQuota", "parse_rate_quota"]

_BETA = 0.7  # RFC 9438 §4.6 beta_cubic; AWS SDK ClientRateLimiter _BETA
_C = 0.4  # RFC 9438 §4.2 C; AWS SDK _SCALE_CONSTANT
_BUCKET = 0.5  # seconds per measuring bucket (AWS SDK _TIME_BUCKET_RANGE)
_PER_SECOND = 1 / _BUCKET  # buckets per second
_SMOOTH = 0.8  # weight of the newest bucket (AWS SDK _SMOOTHING)
_MAX_FIELD = 4096  # longest rate-limit header read, in characters
_MAX_MEMBERS = 16  # most policies read from one field
_MAX_COUNT = 1e9  # largest remaining / quota count believed
_EPOCH = 1e9  # X-RateLimit-Reset at or above this is Unix epoch seconds
_SKIP = 7  # quiet keys: headers read when (responses & _SKIP) == 0, 1 in 8
_SWEEP_IDLE = 600.0  # seconds after which an idle key's state may be dropped

_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")


def _number(text: str | None) -> float | None:
    """A plain non-negative decimal, else ``None`` (signs, exponents, NaN refused)."""
    if text is None:
        return None
    text = text.strip()
    if len(text) > 32 or not _NUMBER.match(text):
        return None
    return float(text)


class RateQuota:
    """
    What a response's rate-limit headers say (``parse_rate_quota``).

    Attributes:
        remaining: Requests left in the current window (``float``, 0 to 10**9), or
            ``None`` when not given.
        reset: Seconds until the window resets (>= 0, before any clamping), or
            ``None``.
        rate: The quota of a ``RateLimit-Policy`` as requests per second
            (``q / w``), or ``None``.
        source: Which header form it came from: ``"ratelimit"`` (draft -08 to -10
            structured fields), ``"ratelimit-dict"`` (draft -07),
            ``"ratelimit-remaining"`` (drafts -00 to -06), ``"x-ratelimit"``, or
            ``"policy"`` (only a ``RateLimit-Policy``).
    """

    __slots__ = ("rate", "remaining", "reset", "source")

    def __init__(
        self,
        remaining: float | None,
        reset: float | None,
        rate: float | None,
        source: str,
    ) -> None:
        self.remaining = remaining
        self.reset = reset
        self.rate = rate
        self.source = source

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RateQuota):
            return NotImplemented
        return (self.remaining, self.reset, self.rate, self.source) == (
            other.remaining,
            other.reset,
            other.rate,
            other.source,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable-looking value, not hashed

    def __repr__(self) -> str:
        return (
            f"RateQuota(remaining={self.remaining!r}, reset={self.reset!r}, "
            f"rate={self.rate!r}, source={self.source!r})"
        )


def _members(text: str) -> list[dict[str, str]] | None:
    """
    Split a structured-field list (RFC 8941 §3.1) into each member's parameters.

    The member's bare item (a policy name) is kept under ``""``; ``a=b`` pairs of a
    dictionary (draft -07) are read as parameters too. Quoted strings may hold
    ``,`` and ``;``. ``None`` when the field is too long or has too many members.
    """
    if len(text) > _MAX_FIELD:
        return None
    out: list[dict[str, str]] = []
    params: dict[str, str] = {}
    token: list[str] = []
    quoted = escaped = False

    def flush() -> None:
        raw = "".join(token).strip()
        token.clear()
        if not raw:
            return
        name, eq, value = raw.partition("=")
        name = name.strip().lower()
        if eq:
            params[name] = value.strip().strip('"')
        else:
            params.setdefault("", name)

    for ch in text:
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
            token.append(ch)
        elif ch == '"':
            quoted = True
            token.append(ch)
        elif ch == ";":
            flush()
        elif ch == ",":
            flush()
            if params:
                out.append(params)
                if len(out) > _MAX_MEMBERS:
                    return None
                params = {}
        else:
            token.append(ch)
    flush()
    if params:
        out.append(params)
    return out if len(out) <= _MAX_MEMBERS else None


def _reset_seconds(
    value: str | None, headers: Mapping[str, str], wall: float, epoch: bool
) -> float | None:
    reset = _number(value)
    if reset is None:
        return None
    if epoch and reset >= _EPOCH:
        date = headers.get("date")
        base = parse_http_date(date) if date else None
        reset = max(0.0, reset - (wall if base is None else base))
    return reset


_FIELDS = frozenset(
    {
        "ratelimit",
        "ratelimit-policy",
        "ratelimit-remaining",
        "ratelimit-reset",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    }
)


def _rate_fields(headers: Mapping[str, str]) -> dict[str, str] | None:
    """
    The rate-limit fields of ``headers`` (lowercased names), in one pass, or ``None``.

    One loop over the pairs with a substring test per name is the cheapest way to
    learn that a response has none (the common case); repeated fields are joined
    with ``", "`` (RFC 9110 §5.3).
    """
    pairs = getattr(headers, "_pairs", None)  # restwell.Headers, without a copy
    items = cast("list[tuple[str, str]]", pairs()) if pairs else headers.items()
    found: dict[str, str] | None = None
    for name, value in items:
        if "imit" in name or "IMIT" in name:  # "RateLimit", "ratelimit", "RATELIMIT"
            low = name.lower()
            if low in _FIELDS:
                if found is None:
                    found = {}
                found[low] = f"{found[low]}, {value}" if low in found else value
    return found


def parse_rate_quota(headers: Mapping[str, str], wall: float) -> RateQuota | None:
    """
    Read a response's rate-limit headers (see the module docstring for the forms).

    Never raises: an unusable value counts as absent. The ``RateLimit``
    structured-field list is read first; with several policies the most restrictive
    counts (the least ``remaining``, its ``reset``). Remaining counts above 10**9
    are capped there.

    Args:
        headers: Response headers (a case-insensitive mapping, e.g. ``Headers``).
        wall: Wall-clock time, Unix seconds, for an epoch ``X-RateLimit-Reset``
            when the response has no usable ``Date`` header.

    Returns:
        A ``RateQuota``, or ``None`` when no usable rate-limit header is present.
    """
    fields = _rate_fields(headers)
    if fields is None:
        return None
    rate: float | None = None
    policy = fields.get("ratelimit-policy")
    if policy is not None:
        for member in _members(policy) or ():
            q, w = _number(member.get("q")), _number(member.get("w"))
            if q is not None and w is not None and w > 0:
                r = min(q, _MAX_COUNT) / w
                rate = r if rate is None else min(rate, r)
    field = fields.get("ratelimit")
    if field is not None:
        best: tuple[float, float | None] | None = None
        source = "ratelimit"
        members = _members(field) or []
        if members and not any("r" in m for m in members):
            # draft -07: one dictionary, "limit=L, remaining=R, reset=T"
            merged: dict[str, str] = {}
            for m in members:
                for name, value in m.items():
                    merged.setdefault(name, value)
            members = [merged]
        for member in members:
            raw = member.get("r")
            if raw is None and "remaining" in member:
                raw, source = member["remaining"], "ratelimit-dict"
            left = _number(raw)
            if left is None:
                continue
            reset = _number(member.get("t", member.get("reset")))
            if best is None or left < best[0]:
                best = (min(left, _MAX_COUNT), reset)
        if best is not None:
            return RateQuota(best[0], best[1], rate, source)
    for prefix, epoch in (("ratelimit-", False), ("x-ratelimit-", True)):
        left = _number(fields.get(prefix + "remaining"))
        if left is not None:
            reset = _reset_seconds(fields.get(prefix + "reset"), headers, wall, epoch)
            source = "ratelimit-remaining" if not epoch else "x-ratelimit"
            return RateQuota(min(left, _MAX_COUNT), reset, rate, source)
    if rate is not None:
        return RateQuota(None, None, rate, "policy")
    return None


class RateAdjustment:
    """
    What ``Adaptive.observe`` changed, for the ``RateAdjusted`` event.

    Attributes:
        key: The key, as ``str``.
        rate: The adaptive rate now, in requests per second (``math.inf``: no
            adaptive limit; the limiter's own limits alone apply).
        reason: ``"throttled"`` (a 429 or 503: CUBIC decrease), ``"quota"`` (a rate
            from rate-limit headers), ``"exhausted"`` (``remaining`` 0: held until
            the reset), ``"retry-after"`` (a throttle's ``Retry-After`` holds the
            key), ``"recovered"`` (CUBIC is back at the rate before the last
            decrease).
        hold: Seconds from now during which the key sends nothing (0.0: none).
    """

    __slots__ = ("hold", "key", "rate", "reason")

    def __init__(self, key: str, rate: float, reason: str, hold: float) -> None:
        self.key = key
        self.rate = rate
        self.reason = reason
        self.hold = hold

    def __repr__(self) -> str:
        return (
            f"RateAdjustment(key={self.key!r}, rate={self.rate:g}, "
            f"reason={self.reason!r}, hold={self.hold:g})"
        )


class _State:
    """One key's adaptive state (all times monotonic seconds)."""

    __slots__ = (
        "count",
        "cubic",
        "held",
        "interval",
        "k",
        "last",
        "measured",
        "quiet",
        "quota",
        "quota_until",
        "rate",
        "recovered",
        "seen",
        "start",
        "t_drop",
        "tat",
        "w_max",
    )

    def __init__(self, now: float) -> None:
        self.tat = now  # GCRA theoretical arrival time of the adaptive limit
        self.interval = 0.0  # 1 / rate; 0.0: no adaptive limit
        self.rate = math.inf  # the effective adaptive rate
        self.held = 0.0  # nothing goes before this
        self.cubic = math.inf  # CUBIC's rate; inf: never throttled
        self.w_max = 0.0
        self.k = 0.0
        self.t_drop = 0.0
        self.recovered = True
        self.quota = math.inf  # rate from headers, until quota_until
        self.quota_until = 0.0
        self.start = int(now * _PER_SECOND)  # measuring bucket's index
        self.count = 0
        self.measured = 0.0  # smoothed sending rate, requests per second
        self.last = now
        self.quiet = True  # never throttled, never sent rate-limit headers
        self.seen = 0  # responses on the happy path, for reading 1 in 8 headers


class Adaptive:
    """
    Adaptive rate limit: follow server quotas, back off on throttles (CUBIC).

    Give it to a ``RateLimiter``: ``RateLimiter(RateLimit(50), adaptive=Adaptive())``
    keeps 50/s as the ceiling and lowers the rate per host when the server pushes
    back; ``RateLimiter(adaptive=Adaptive())`` has no fixed limit, only the adaptive
    one. The algorithm, the headers read and every bound are in the module
    docstring (``restwell.policies._adaptive``). The object holds per-key state
    (thread-safe: one lock, held for arithmetic only; on the happy path, a key
    that was never throttled, only a counter for the measured rate moves, without
    the lock): share one between the calls and clients that talk to the same
    server. State is in this process only; keys with nothing to remember, and keys
    idle for 600 s, are swept once the map has doubled past 1024 keys.

    Args:
        min_rate: The lowest rate CUBIC drops to, requests per second (> 0).
            Default 0.5 (the AWS SDKs' minimum fill rate). Server quotas may go
            lower: they are followed exactly.
        max_rate: The highest adaptive rate, requests per second, or ``None``
            (default: no cap but the limiter's own limits).
        beta: CUBIC's multiplicative decrease, 0 < beta < 1. Default 0.7 (RFC 9438
            §4.6).
        scale: CUBIC's ``C``, > 0. Default 0.4 (RFC 9438 §4.2).
        statuses: Throttle statuses (a collection of ints). Default ``{429}``; a 503
            counts as a throttle only when it carries ``Retry-After``.
        headers: Read rate-limit headers (rule 1). Default ``True``.
        max_delay: The longest hold any response may impose, in seconds (or a
            ``timedelta``), > 0: resets and ``Retry-After`` values beyond it are
            clamped to it. Default 120 (``DEFAULT_MAX_RETRY_AFTER``).

    Raises:
        ConfigurationError: If a rate is not a positive finite number, ``beta`` is
            not strictly between 0 and 1, ``scale`` is not positive, ``statuses``
            holds something else than ints 100..599, or ``max_delay`` is not a
            positive number of seconds.
    """

    __slots__ = (
        "_lock",
        "_states",
        "_sweep_at",
        "_watch",
        "beta",
        "headers",
        "max_delay",
        "max_rate",
        "min_rate",
        "scale",
        "statuses",
    )

    def __init__(
        self,
        *,
        min_rate: float = 0.5,
        max_rate: float | None = None,
        beta: float = _BETA,
        scale: float = _C,
        statuses: Collection[int] = frozenset({429}),
        headers: bool = True,
        max_delay: float | timedelta = DEFAULT_MAX_RETRY_AFTER,
    ) -> None:
        for name, value in (("min_rate", min_rate), ("max_rate", max_rate)):
            given: object = value
            if value is None and name == "max_rate":
                continue
            if (
                isinstance(given, bool)
                or not isinstance(given, int | float)
                or not math.isfinite(given)
                or given <= 0
            ):
                raise ConfigurationError(
                    f"{name}={value!r} must be a positive number of requests per second"
                )
        if max_rate is not None and max_rate < min_rate:
            raise ConfigurationError(
                f"max_rate={max_rate!r} is below min_rate={min_rate!r}"
            )
        b: object = beta
        if not isinstance(b, int | float) or isinstance(b, bool) or not 0 < b < 1:
            raise ConfigurationError(
                f"beta={beta!r} must be a number strictly between 0 and 1 (default 0.7)"
            )
        c: object = scale
        if (
            not isinstance(c, int | float)
            or isinstance(c, bool)
            or not math.isfinite(c)
            or c <= 0
        ):
            raise ConfigurationError(
                f"scale={scale!r} must be a positive number (CUBIC's C, default 0.4)"
            )
        codes = tuple(cast("tuple[object, ...]", tuple(statuses)))
        if not all(
            isinstance(s, int) and not isinstance(s, bool) and 100 <= s <= 599
            for s in codes
        ):
            raise ConfigurationError(
                f"statuses={statuses!r} must be HTTP status codes (ints 100..599), "
                "e.g. {429}"
            )
        delay = seconds(max_delay, "max_delay", nullable=False)
        self.min_rate = float(min_rate)
        self.max_rate = math.inf if max_rate is None else float(max_rate)
        """The cap on the adaptive rate (``math.inf``: none)."""
        self.beta = float(beta)
        self.scale = float(scale)
        self.statuses = frozenset(cast("tuple[int, ...]", codes))
        self._watch = self.statuses | {503}
        self.headers = bool(headers)
        self.max_delay = cast(float, delay)
        self._states: dict[Hashable, _State] = {}
        self._lock = threading.Lock()
        self._sweep_at = 1024

    # -- admission -------------------------------------------------------------

    def idle(self, key: Hashable, now: float) -> bool:
        """
        Whether ``key`` has no adaptive limit and no hold at ``now``.

        Then ``earliest`` is 0 and ``commit`` does nothing: a driver may skip both.
        """
        st = self._states.get(key)
        return st is None or (not st.interval and st.held <= now)

    def earliest(self, key: Hashable, now: float) -> float:
        """
        Seconds a request for ``key`` at monotonic ``now`` must wait (>= 0).

        Reserves nothing; ``commit`` does, once the request's time is decided.
        """
        st = self._states.get(key)
        if st is None:
            return 0.0
        at = st.held if st.held > now else now
        if st.interval:
            if st.quota_until and now >= st.quota_until:
                with self._lock:
                    self._expire_quota(st, now)
            if st.tat > at:
                at = st.tat
        return at - now

    def commit(self, key: Hashable, at: float) -> None:
        """Reserve the adaptive slot of a request for ``key`` sent at ``at``."""
        st = self._states.get(key)
        if st is None or not st.interval:
            return
        with self._lock:
            tat = st.tat
            st.tat = (tat if tat > at else at) + st.interval

    def rate(self, key: Hashable) -> float:
        """
        The adaptive rate for ``key`` as last computed, in requests per second.

        ``math.inf``: no adaptive limit for the key (never throttled, no quota).
        """
        st = self._states.get(key)
        return math.inf if st is None else st.rate

    # -- feedback ---------------------------------------------------------------

    def observe(
        self,
        key: Hashable,
        status: int,
        headers: Mapping[str, str],
        now: float,
        wall: float,
    ) -> RateAdjustment | None:
        """
        Learn from one response to a request for ``key``.

        Args:
            key: The limiter's key for the request.
            status: The response's status code.
            headers: Its headers (a case-insensitive mapping).
            now: Monotonic seconds.
            wall: Wall-clock Unix seconds (for epoch resets and HTTP-dates when the
                response has no ``Date``).

        Returns:
            A ``RateAdjustment`` when the adaptive rate or hold changed enough to
            report (every decrease, a new quota rate differing by more than 10%,
            a recovery), else ``None``. Never raises on header values.
        """
        st = self._states.get(key)
        if st is not None and st.quiet and status not in self._watch:
            # The happy path: a key never throttled that never sent rate-limit
            # headers. Only the measured rate moves (no lock: a count lost to a
            # race between threads changes an estimate, nothing else), and the
            # headers are read on one response in 8.
            st.seen += 1
            if st.seen & _SKIP or not self.headers or _rate_fields(headers) is None:
                st.last = now
                st.count += 1
                if int(now * _PER_SECOND) > st.start:
                    self._measure(st, now, 0)
                return None
        quota = (
            parse_rate_quota(headers, wall)
            if self.headers and _rate_fields(headers) is not None
            else None
        )
        throttled = status in self.statuses
        retry_after: float | None = None
        if status == 503 or throttled:
            retry_after = parse_retry_after(headers, wall).delay
            if status == 503 and retry_after is not None:
                throttled = True
        if st is not None and st.quiet and quota is None and not throttled:
            st.last = now
            st.count += 1
            if int(now * _PER_SECOND) > st.start:
                self._measure(st, now, 0)
            return None
        with self._lock:
            st = self._states.get(key)
            if st is None:
                if len(self._states) >= self._sweep_at:
                    self._sweep(now)
                st = self._states[key] = _State(now)
            self._measure(st, now)
            if throttled or quota is not None:
                st.quiet = False
            reason: str | None = None
            hold = 0.0
            if throttled:
                reason = "throttled"
                self._decrease(st, now)
                if retry_after is not None and retry_after > 0:
                    hold = min(retry_after, self.max_delay)
                    reason = "retry-after"
            elif st.cubic != math.inf:
                self._grow(st, now)
                if not st.recovered and st.cubic >= st.w_max:
                    st.recovered = True
                    reason = "recovered"
            if quota is not None:
                got = self._follow(st, quota, now)
                if got is not None and reason is None:
                    reason, hold = got
                elif got is not None and got[1] > hold:
                    hold = got[1]
            if hold:
                st.held = max(st.held, now + hold)
            before = st.rate
            self._apply(st, now)
            if throttled:
                # Stop bursting: the GCRA bucket starts empty after a throttle
                # (the AWS SDK's token bucket likewise starts at 0 tokens).
                drained = now + st.interval
                if st.tat < drained:
                    st.tat = drained
            if reason is None:
                return None
            if reason == "quota" and not (
                before == math.inf or abs(st.rate - before) > 0.1 * before
            ):
                return None
            return RateAdjustment(str(key), st.rate, reason, max(0.0, st.held - now))

    @staticmethod
    def _measure(st: _State, now: float, add: int = 1) -> None:
        """Count a response; at a new 0.5 s bucket fold the count into the EWMA."""
        st.last = now
        st.count += add
        bucket = int(now * _PER_SECOND)
        if bucket > st.start:
            current = st.count * _PER_SECOND / (bucket - st.start)
            st.measured = current * _SMOOTH + st.measured * (1 - _SMOOTH)
            st.count = 0
            st.start = bucket

    def _estimate(self, st: _State, now: float) -> float:
        """The sending rate: the smoothed one, or this bucket's when none yet."""
        if st.measured > 0:
            return st.measured
        return max(st.count, 1) / _BUCKET

    def _decrease(self, st: _State, now: float) -> None:
        base = self._estimate(st, now)
        if st.cubic != math.inf and st.cubic < base:
            base = st.cubic
        st.w_max = base
        st.k = ((base * (1 - self.beta)) / self.scale) ** (1 / 3)
        st.t_drop = now
        st.cubic = max(self.min_rate, min(base * self.beta, self.max_rate))
        st.recovered = False

    def _grow(self, st: _State, now: float) -> None:
        t = now - st.t_drop - st.k
        rate = self.scale * t * t * t + st.w_max
        cap = 2 * self._estimate(st, now)
        st.cubic = max(self.min_rate, min(rate, cap, self.max_rate))

    def _follow(
        self, st: _State, quota: RateQuota, now: float
    ) -> tuple[str, float] | None:
        reset = quota.reset
        if reset is not None:
            reset = min(reset, self.max_delay)
        rate = math.inf if quota.rate is None else quota.rate
        if quota.remaining is not None and reset is not None:
            if quota.remaining < 1:
                if reset <= 0:
                    return None
                st.quota, st.quota_until = math.inf, 0.0
                return ("exhausted", reset)
            if reset > 0:
                rate = min(rate, quota.remaining / reset)
        if rate == math.inf or rate <= 0:
            return None
        st.quota = rate
        st.quota_until = now + (reset if reset else self.max_delay)
        return ("quota", 0.0)

    def _expire_quota(self, st: _State, now: float) -> None:
        """The quota's window has ended (checked by the caller): back to CUBIC."""
        st.quota, st.quota_until = math.inf, 0.0
        self._apply(st, now)

    def _apply(self, st: _State, now: float) -> None:
        rate = st.cubic
        if st.quota_until and now < st.quota_until and st.quota < rate:
            rate = st.quota
        if rate > self.max_rate:
            rate = self.max_rate
        st.rate = rate
        if rate == math.inf:
            st.interval = 0.0
            return
        # Strict pacing, no burst (RateLimit's default burst of 1): a burst of a
        # second's worth (the AWS SDK's bucket) lets a client that has just waited
        # send up to twice its rate within a second, and be throttled again. A tat
        # in the past needs no update: earliest and commit take max(tat, now).
        st.interval = 1.0 / rate

    def _sweep(self, now: float) -> None:
        """Drop idle keys with nothing to remember (caller holds the lock)."""
        states = self._states
        for key in [
            k
            for k, s in states.items()
            if s.held <= now
            and (
                now - s.last > _SWEEP_IDLE
                or (s.cubic == math.inf and s.quota_until <= now)
            )
        ]:
            del states[key]
        self._sweep_at = max(1024, 2 * len(states))

    def __len__(self) -> int:
        return len(self._states)

    def __repr__(self) -> str:
        cap = "None" if self.max_rate == math.inf else f"{self.max_rate:g}"
        return (
            f"Adaptive(min_rate={self.min_rate:g}, max_rate={cap}, "
            f"beta={self.beta:g}, scale={self.scale:g})"
        )
