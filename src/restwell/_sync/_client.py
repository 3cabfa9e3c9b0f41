# GENERATED from src/restwell/_async/_client.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
``Client``: the resilient client, a facade over the stage pipeline.

This file is the source of the sync ``Client`` (``scripts/unasync.py`` generates
``_sync/_client.py`` from it).

The road of a call (DESIGN.md, docs/architecture.md): resolve the call's
``CallOptions`` once, build the ``Request``, give it a ``CallContext``, and hand it to
the chain of stages composed when the client was built: ``call`` → user call
middleware → ``deadline`` → ``redirects`` → ``retry`` → ``attempt`` → ``failover``
(several base URLs only) → user attempt middleware → ``timeout`` → ``body`` →
transport.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import (
    Callable,
    Iterator,
    Mapping,
    Sequence,
)
from datetime import timedelta
from random import Random
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeAlias,
    TypedDict,
    TypeVar,
    Unpack,
    overload,
)

from .._body import encode_body
from .._clock import Clock, SystemClock
from .._config import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_REPLAY_BUFFER,
    DEFAULT_TIMEOUT,
    UNSET,
    Timeout,
    Unset,
)
from .._context import (
    DEFAULT_RETRY,
    CallContext,
    CallOptions,
    resolve_options,
)
from .._exceptions import ConfigurationError
from .._hooks import Emitter, subscribe
from .._middleware import Handler
from .._models import Headers, Request, Response
from .._pipeline import StageEnv, compose, placement_of
from .._redact import is_sensitive_name, redact_url
from .._transport_base import Transport
from .._types import JSON, FileTypes, FormData, HeaderTypes, RequestContent
from .._urls import QueryParams, check_base_url, join_url, same_origin
from ..instrumentation._events import Event, EventHook
from ..instrumentation._logging import LoggingHook
from ..pagination import ItemsPath, PaginationStrategy
from ..policies._budget import RetryBudget
from ..policies._budget import as_retry_budget as _as_retry_budget
from ..policies._bulkhead import Bulkhead
from ..policies._bulkhead import as_bulkhead as _as_bulkhead
from ..policies._circuit import CircuitBreaker
from ..policies._failover import (
    ROUTED,
    Failover,
    FailoverStrategy,
    HostHealth,
    HostPool,
)
from ..policies._failover import as_failover as _as_failover
from ..policies._gate import RetryGate
from ..policies._rate import RateLimit, RateLimiter
from ..policies._rate import as_rate_limiter as _as_rate_limiter
from ..policies._retry import Retry
from ..transports._options import CertTypes, Limits, TransportOptions, VerifyTypes
from ..transports._registry import SYNC_DEFAULT_TRANSPORT, make_transport
from ._body import buffer_body
from ._paginate import paginate
from ._stages import (
    AttemptStage,
    BodyStage,
    BulkheadStage,
    CallStage,
    CircuitStage,
    DeadlineStage,
    FailoverStage,
    RateStage,
    RedirectStage,
    RetryStage,
    TimeoutStage,
)

if TYPE_CHECKING:
    import httpx
    import httpx2

    from .._middleware import Middleware

    TransportArg: TypeAlias = Transport | str | httpx.Client | httpx2.Client
    """``transport=``: a registered name, a ``Transport``, or an httpx client."""

__all__ = ["DEFAULT_RETRY", "Client", "MethodOptions", "RequestOptions"]

TimeoutArg = Timeout | float | timedelta | None
M = TypeVar("M")

_PLAIN_BODIES = (bytes, type(None))
# Stages in every chain, and those only in some (redirects followed; not streamed).
_STAGES: dict[str, Any] = {
    "call": CallStage,
    "deadline": DeadlineStage,
    "retry": RetryStage,
    "attempt": AttemptStage,
    "timeout": TimeoutStage,
}


class RequestOptions(TypedDict, total=False):
    """
    The per-call options of ``request()``, ``get()``, ``post()``, ``stream()``, ….

    Typed with PEP 692 ``Unpack``, so a misspelt option is a type error (and a
    ``ConfigurationError`` at run time). Each overrides the client's value for one
    call; meanings and defaults as in ``Client``.
    """

    timeout: TimeoutArg | Unset
    deadline: float | timedelta | Unset | None
    retry: Retry | Unset | None
    retry_gates: Sequence[RetryGate] | Unset
    raise_for_status: bool | Unset
    follow_redirects: bool | Unset
    max_redirects: int | Unset
    max_replay_buffer: int | Unset
    max_response_size: int | Unset | None
    policies: Mapping[str, object] | Unset


class MethodOptions(RequestOptions, total=False):
    """``RequestOptions`` plus the request parts, for ``get()``/``post()``/…."""

    params: QueryParams
    headers: HeaderTypes
    content: RequestContent
    data: FormData | None
    files: FileTypes | None
    json: JSON
    idempotency_key: str | None


class Client:
    """
    An HTTP client that retries, backs off, honours Retry-After and deadlines.

    Use it as ``with restwell.Client(...) as client:``, or call
    ``client.close()`` when done. Arguments marked *(per call)* can also be
    given to one call (``client.get(url, retry=..., timeout=..., deadline=...)``);
    they are resolved into one ``CallOptions`` per call (call > client > default).

    Args:
        base_url: Prefix for relative URLs (``"https://api.example.com/v1"``), or
            a list of them: several hosts of one service (a database's
            coordinators, replicas behind no load balancer), in order of
            preference. With several, each attempt of a call to a URL under them
            goes to a host ``failover`` picks, and a host that refuses connections
            is skipped for a cool-down (see ``restwell.policies.Failover``).
        failover: With several base URLs: how to pick the host of each attempt.
            ``"ordered"`` (the default): the first host that is up;
            ``"round_robin"``: the next one in turn; or a
            ``restwell.policies.Failover`` for the cool-down and what marks a host
            down. Ignored with one base URL.
        transport: A registered name (``"httpx"``, ``"httpx2"``; ``"aiohttp"`` is
            async only; see ``restwell.transports.transport_names()``); any
            object implementing ``Transport``;
            or an ``httpx.Client`` to send with (borrowed if already open,
            else owned: the aresilient lifecycle, see ``HttpxTransport``);
            the async client also takes an ``aiohttp.ClientSession`` (borrowed).
            Default: ``SYNC_DEFAULT_TRANSPORT`` (``restwell.transports``):
            ``"aiohttp"`` for the async client (on asyncio; under trio it sends
            with httpx, see ``AiohttpTransport``), ``"httpx"`` for the sync one.
        verify: TLS verification: ``True`` (system CAs), ``False`` (none: never in
            production), a CA bundle path, or an ``ssl.SSLContext``. Default
            ``True``. Like the four options after it, it configures a transport
            built by name; with a transport object it raises
            ``ConfigurationError`` (configure that object instead), and so does a
            transport that does not support it (the message names those that do).
        cert: A client certificate for mutual TLS: a PEM path,
            ``(certfile, keyfile)`` or ``(certfile, keyfile, password)``. Default
            ``None``.
        proxy: A proxy URL (``"http://127.0.0.1:3128"``). Default ``None``: no
            proxy (proxy environment variables are not read).
        http2: Offer HTTP/2 (ALPN ``h2`` on ``https://``; the server may still
            pick HTTP/1.1, see ``response.http_version``). Default ``False``.
            httpx and httpx2 need ``h2`` (``pip install "restwell[http2]"``, a
            ``ConfigurationError`` without it); pyreqwest has it built in;
            aiohttp refuses it (``ConfigurationError``).
        limits: ``restwell.transports.Limits`` of the connection pool. Default
            ``None``: the transport's own (its docstring says which and why).
        headers: Headers sent with every request (mapping or ``(name, value)`` pairs).
            With a ``base_url``, the credential headers among them
            (``Authorization``, ``Cookie``, API keys: ``is_sensitive_name``) go
            only to ``base_url``'s origin (each one's, with several): a call to an
            absolute URL on another origin is sent without them (give them per
            call to send them there).
        timeout: *(per call)* Per-attempt ``Timeout`` (or seconds for every phase, or
            ``None``). Default: the timeout of an httpx client you lend as
            ``transport=`` (its own ``timeout=``), else connect 5, read 10, write 10,
            pool 5 s.
        deadline: *(per call)* Total seconds for a call, across attempts, waits and
            redirects; it also caps each attempt's timeout to the time left.
            ``None`` disables. Default 30.0.
        retry: *(per call)* The ``Retry`` policy. Default ``Retry()``: 3 attempts,
            exponential backoff 0.5 s ×2 capped at 20 s with full jitter, statuses
            408/429/500/502/503/504, idempotent methods (or an Idempotency-Key).
            ``None`` disables retries.
        retry_gates: *(per call)* ``RetryGate`` policies that may veto or delay a
            retry, in order (``restwell.policies.RetryGate``). Default none.
        circuit_breaker: A ``restwell.policies.CircuitBreaker`` asked before each
            attempt (per host by default): when open, the attempt is refused with
            ``CircuitOpenError`` without touching the network, and a call whose
            breaker opens stops retrying. Share one between clients to share its
            state. Default ``None``: no breaker (a call, or a service, resource
            or handler, may still bring one with ``policies={"circuit": ...}``).
        raise_for_status: *(per call)* Raise ``HTTPStatusError`` for a final
            4xx/5xx response. Default ``False``: the response is returned.
        follow_redirects: *(per call)* Follow 301/302/303/307/308. Default
            ``False`` (httpx). Cross-origin hops drop ``Authorization``,
            ``Proxy-Authorization`` and ``Cookie``.
        max_redirects: *(per call)* Most redirects per call. Default 20.
        max_replay_buffer: *(per call)* Bytes of a streamed request body kept so it
            can be resent. Default 1 MiB.
        max_response_size: *(per call)* Most bytes of decoded response body to
            read (``int`` >= 1), or ``None`` for no limit. Default: 64 MiB
            (``DEFAULT_MAX_RESPONSE_SIZE``) for buffered reads, no limit for
            ``stream()``.
        middleware: User middleware ``(request, call_next) -> Response``, outermost
            first; each goes where its ``before``/``after`` attribute names (a
            stage, see ``restwell.middleware.place``), else per attempt just above
            the ``timeout`` stage, or once per call when its ``stage`` is ``"call"``.
            A middleware's ``emits`` attribute declares the event classes it emits.
        hooks: Event hooks ``(event) -> None`` (sync or async). Default
            ``[LoggingHook()]``: retries and failed calls logged to ``"restwell"``.
            A hook whose ``event_types`` names an event no stage emits is refused.
        clock: Time source and waiter. Default ``SystemClock()``; tests pass a
            ``restwell.testing.FakeClock``.
        rng: Randomness for jitter. Default a new ``random.Random()``.
        rate_limit: A ``restwell.policies.RateLimiter`` (GCRA; one or more limits,
            per host by default; waits within the deadline or fails fast with
            ``RateLimitExceeded``), or a ``RateLimit`` (or a list of them) for a
            waiting, per-host limiter. Default ``None``: no rate limit.
        bulkhead: A ``restwell.policies.Bulkhead`` (most concurrent attempts,
            optional queue; ``BulkheadFull`` beyond), or an int (most concurrent
            attempts, no queue). Default ``None``: no limit.
        retry_budget: A ``restwell.policies.RetryBudget``: retries only while
            they stay within a share of the requests plus a floor per second over
            a sliding window, per host by default (Finagle, Envoy); a retry beyond
            it is vetoed (``RetryVetoed``) and the call ends with its last
            response or error. Asked after the other retry gates. Share one
            between clients to share the budget. Default ``None``: no budget.

    Per call only: ``policies``, a mapping of policy slot → policy (or ``None`` to
    disable it) for the slots this client has: ``"retry"``, ``"rate"`` (a
    ``RateLimiter`` or ``RateLimit``), ``"bulkhead"`` (a ``Bulkhead`` or an int),
    ``"failover"`` with several base URLs (a ``Failover``, a strategy name, or
    ``None``: the call goes to the first base URL, unrouted), ``"circuit"`` (a
    ``CircuitBreaker``, or ``None``: no breaker for this call), and ``"budget"``
    (a ``RetryBudget``, or ``None``: no retry budget for this call).

    Raises:
        ConfigurationError: For an invalid argument (the message names it).
    """

    def __init__(
        self,
        *,
        base_url: str | Sequence[str] | None = None,
        failover: Failover | FailoverStrategy = "ordered",
        transport: TransportArg = SYNC_DEFAULT_TRANSPORT,
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
        proxy: str | None = None,
        http2: bool = False,
        limits: Limits | None = None,
        headers: HeaderTypes = None,
        timeout: TimeoutArg | Unset = UNSET,
        deadline: float | timedelta | None = DEFAULT_DEADLINE,
        retry: Retry | None = DEFAULT_RETRY,
        retry_gates: Sequence[RetryGate] = (),
        circuit_breaker: CircuitBreaker | None = None,
        raise_for_status: bool = False,
        follow_redirects: bool = False,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        max_replay_buffer: int = DEFAULT_MAX_REPLAY_BUFFER,
        max_response_size: int | Unset | None = UNSET,
        middleware: Sequence[Middleware] = (),
        hooks: Sequence[EventHook] | None = None,
        clock: Clock | None = None,
        rng: Random | None = None,
        rate_limit: RateLimiter | RateLimit | Sequence[RateLimit] | None = None,
        bulkhead: Bulkhead | int | None = None,
        retry_budget: RetryBudget | None = None,
    ) -> None:
        self._pool: HostPool | None = None
        if base_url is None or isinstance(base_url, str):
            self._base_url = check_base_url(base_url)
        else:
            pool = HostPool(base_url)
            self._base_url = pool.base_urls[0]
            if len(pool) > 1:
                self._pool = pool
        self._origins = (
            self._pool.base_urls if self._pool is not None else (self._base_url,)
        )
        policy = _as_failover(failover)
        if policy is None:
            raise ConfigurationError(
                "failover=None: pass 'ordered', 'round_robin' or Failover(...); "
                "to use one host, give one base_url"
            )
        self._transport = make_transport(
            transport,
            TransportOptions(
                verify=verify, cert=cert, proxy=proxy, http2=http2, limits=limits
            ),
        )
        if timeout is UNSET:  # a lent httpx client's own timeout, else restwell's
            lent = getattr(self._transport, "default_timeout", None)
            timeout = DEFAULT_TIMEOUT if lent is None else lent
        self._options = resolve_options(
            CallOptions(),
            {
                "timeout": timeout,
                "deadline": deadline,
                "retry": retry,
                "retry_gates": retry_gates,
                "raise_for_status": raise_for_status,
                "follow_redirects": follow_redirects,
                "max_redirects": max_redirects,
                "max_replay_buffer": max_replay_buffer,
                "max_response_size": max_response_size,
                "policies": _client_policies(
                    None if self._pool is None else policy,
                    _as_rate_limiter(rate_limit),
                    _as_bulkhead(bulkhead),
                ),
            },
        )
        if circuit_breaker is not None:
            if not isinstance(circuit_breaker, CircuitBreaker):
                raise ConfigurationError(
                    f"circuit_breaker={circuit_breaker!r} must be a "
                    "restwell.policies.CircuitBreaker, or None for no breaker"
                )
            self._options = resolve_options(
                self._options, {"policies": {"circuit": circuit_breaker}}
            )
        budget = _as_retry_budget(retry_budget)
        if budget is not None:
            self._options = resolve_options(
                self._options, {"policies": {"budget": budget}}
            )
        self._options.retry.warn_if_unbounded(self._options.deadline)
        # The User-Agent is the transport's default (restwell/x.y), so a plain
        # request carries no headers of its own: nothing to merge per call.
        self._headers = Headers(headers)
        self._has_headers = bool(self._headers)
        # Credentials set on the client are scoped to base_url's origin: a call to
        # an absolute URL elsewhere does not get them (see the class docstring).
        self._scoped = (
            tuple(n for n in self._headers if is_sensitive_name(n))
            if self._base_url
            else ()
        )
        self._clock: Clock = SystemClock() if clock is None else clock
        # The system clock's methods are thin wrappers: call time's functions directly.
        system = type(self._clock) is SystemClock
        self._monotonic = time.monotonic if system else self._clock.monotonic
        self._rng = Random() if rng is None else rng
        given: object = middleware  # checked for callers without a type checker
        if isinstance(given, str | bytes) or not isinstance(given, Sequence):
            raise ConfigurationError(
                f"middleware={middleware!r} must be a list of "
                "(request, call_next) -> Response callables"
            )
        self._middleware = [(placement_of(m), m) for m in middleware]
        emitted: set[type[Event]] = set()
        for stage in (*_STAGES.values(), RedirectStage, BodyStage):
            emitted.update(stage.EMITS)
        if self._pool is not None:
            emitted.update(FailoverStage.EMITS)
        for _, stage in _TRAFFIC:  # a call may bring any of them (policies=)
            emitted.update(stage.EMITS)
        for _, m in self._middleware:
            for cls in getattr(m, "emits", ()):
                if not (isinstance(cls, type) and issubclass(cls, Event)):
                    raise ConfigurationError(
                        f"middleware {m!r} emits {cls!r}, which is not an event "
                        "class: list subclasses of restwell.instrumentation.Event"
                    )
                emitted.add(cls)
        self._events = Emitter(
            subscribe([LoggingHook()] if hooks is None else hooks, emitted),
            emitted,
        )
        self._env = StageEnv(
            clock=self._clock,
            monotonic=self._monotonic,
            wall=time.time if system else self._clock.time,
            rng=self._rng,
            events=self._events,
            attempt_middleware=any(p.per_attempt for p, _ in self._middleware),
            call_middleware=any(not p.per_attempt for p, _ in self._middleware),
            hosts=self._pool,
        )
        self._chains: dict[tuple[bool, bool, tuple[str, ...]], Handler] = {}
        self._default_chain = self._chain(
            self._options.follow_redirects, False, _traffic(self._options)
        )
        self._policy_slots = frozenset(
            {"retry", "budget", *_TRAFFIC_SLOTS}
            if self._pool is None
            else {"retry", "budget", "failover", *_TRAFFIC_SLOTS}
        )
        self._closed = False

    # -- the pipeline ----------------------------------------------------------------
    def _chain(
        self, follow_redirects: bool, stream: bool, traffic: tuple[str, ...] = ()
    ) -> Handler:
        """The chain for a call shape, composed once and cached."""
        key = (follow_redirects, stream, traffic)
        cached = self._chains.get(key)
        if cached is not None:
            return cached
        env = self._env
        stages: dict[str, Callable[[Handler], Handler]] = {
            name: _wrap(cls, env) for name, cls in _STAGES.items()
        }
        if follow_redirects:
            stages["redirects"] = _wrap(RedirectStage, env)
        if self._pool is not None:
            stages["failover"] = _wrap(FailoverStage, env)
        for slot, stage in _TRAFFIC:
            if slot in traffic:
                stages[slot] = _wrap(stage, env)
        if not stream:
            stages["body"] = _wrap(BodyStage, env)
        transport: Handler = self._transport.send
        chain = compose(
            stages, transport, [(p, _middleware(m)) for p, m in self._middleware]
        )
        self._chains[key] = chain
        return chain

    def _resolve(self, options: Mapping[str, Any]) -> CallOptions:
        """This call's options over the client's (the client's own when none)."""
        if self._closed:
            raise ConfigurationError(
                "this client is closed: create a new one, "
                "or keep calls inside its `with`"
            )
        if not options:
            return self._options
        resolved = resolve_options(self._options, options)
        for slot in resolved.policies:
            if slot not in self._policy_slots:
                raise ConfigurationError(
                    f"policies={{{slot!r}: ...}}: this client has no {slot!r} stage; "
                    "per-call overrides apply to "
                    f"{', '.join(sorted(self._policy_slots))}"
                )
        breaker = resolved.policies.get("circuit")
        if breaker is not None and not isinstance(breaker, CircuitBreaker):
            raise ConfigurationError(
                f'policies={{"circuit": {breaker!r}}} must be a '
                "restwell.policies.CircuitBreaker, or None to turn it off"
            )
        budget = resolved.policies.get("budget")
        if budget is not None and type(budget) is not RetryBudget:
            _as_retry_budget(budget, 'policies={"budget": ...}')
        policy = resolved.policies.get("failover")
        if policy is not None and type(policy) is not Failover:  # a name: coerce
            failover = _as_failover(policy, 'policies={"failover": ...}')
            resolved = resolve_options(resolved, {"policies": {"failover": failover}})
        policies = resolved.policies
        rate = policies.get("rate")
        bulkhead = policies.get("bulkhead")
        if (rate is not None and type(rate) is not RateLimiter) or (
            bulkhead is not None and type(bulkhead) is not Bulkhead
        ):
            coerced = {
                "rate": _as_rate_limiter(rate, 'policies={"rate": ...}'),
                "bulkhead": _as_bulkhead(bulkhead, 'policies={"bulkhead": ...}'),
            }
            resolved = resolve_options(
                resolved,
                {"policies": {k: v for k, v in coerced.items() if k in policies}},
            )
        return resolved

    def _run(
        self, request: Request, options: CallOptions, stream: bool
    ) -> Response[Any]:
        """Give ``request`` its ``CallContext`` and send it down the chain."""
        replayable = True
        content = request.content
        if content is not None and type(content) is not bytes:
            request.content, replayable = buffer_body(
                content, options.max_replay_buffer
            )
        request.context = CallContext(
            options, self._clock, self._events, self._monotonic(), stream, replayable
        )
        if options is self._options and not stream:
            return self._default_chain(request)
        return self._chain(options.follow_redirects, stream, _traffic(options))(request)

    # -- lifecycle -----------------------------------------------------------------
    @property
    def transport(self) -> Transport:
        """The transport this client sends with."""
        return self._transport

    @property
    def hosts(self) -> tuple[HostHealth, ...]:
        """
        Each host's health now, in ``base_url`` order (several base URLs only).

        A ``tuple`` of ``restwell.policies.HostHealth`` (``url``, ``up``,
        ``retry_in`` seconds, ``failures``); empty for a client with one base URL
        or none. The ``HostMarkedDown`` and ``HostRecovered`` events report the
        same changes as they happen.
        """
        if self._pool is None:
            return ()
        return self._pool.health(self._monotonic())

    @property
    def call_options(self) -> CallOptions:
        """The client's resolved ``CallOptions`` (used by calls that override none)."""
        return self._options

    @property
    def is_closed(self) -> bool:
        """Whether ``close()`` has been called."""
        return self._closed

    def unwrap(self) -> object:
        """
        The backend's own client under this client's transport.

        An ``httpx.Client`` (``httpx2``), or an ``aiohttp.ClientSession``,
        … as the transport's ``unwrap()`` returns it: for what restwell does not
        expose (cookies, event hooks of the backend). Sending through it skips
        every restwell stage. Typed ``object``: narrow it with ``isinstance`` or
        ``typing.cast`` to the backend's class.

        Raises:
            ConfigurationError: If the transport has no ``unwrap()`` (a user's own
                transport may not have one), or it cannot give the client yet.
        """
        unwrap = getattr(self._transport, "unwrap", None)
        if unwrap is None:
            raise ConfigurationError(
                f"transport {self._transport!r} has no unwrap(): it does not expose "
                "a backend client"
            )
        return unwrap()

    def close(self) -> None:
        """Close the transport (an httpx client lent to restwell stays open)."""
        if not self._closed:
            self._closed = True
            self._transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- building requests --------------------------------------------------------
    def build_request(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams = None,
        headers: HeaderTypes = None,
        content: RequestContent = None,
        data: FormData | None = None,
        files: FileTypes | None = None,
        json: JSON = None,
        idempotency_key: str | None = None,
    ) -> Request:
        """
        Build the ``Request`` a call would send, without sending it.

        The URL is joined to ``base_url``, headers are merged, and the body encoded.

        Args:
            method: HTTP method.
            url: Absolute URL, or relative to ``base_url``.
            params: Query parameters (mapping, pairs, or an encoded string).
            headers: Per-call headers; they replace client headers of the same name.
            content: Raw body: ``bytes``, ``str`` (UTF-8), or an (async) iterable of
                bytes.
            data: Form fields, sent ``application/x-www-form-urlencoded``
                (``multipart/form-data`` with ``files``).
            files: Files to upload as ``multipart/form-data`` (RFC 7578): a
                mapping or ``(field, file)`` pairs, a file being ``bytes``, a
                binary file object (read whole), ``(filename, content)`` or
                ``(filename, content, content_type)``.
            json: A JSON-serialisable value or pydantic model, sent as JSON.
            idempotency_key: A key sent as the ``Idempotency-Key`` header on every
                attempt; ``"auto"`` makes one (a UUID4) for this call. Makes a POST
                or PATCH safe to retry (Stripe's convention).

        Raises:
            InvalidURL: If the URL is not absolute http(s) and there is no base_url.
            ConfigurationError: If more than one body argument is given.
            TypeError, ValueError: If ``json`` cannot be encoded.
        """
        return self._build(
            method,
            url,
            params,
            headers,
            content,
            data,
            files,
            json,
            idempotency_key,
            self._options,
        )

    def _build(
        self,
        method: str,
        url: str,
        params: QueryParams,
        headers: HeaderTypes,
        content: RequestContent,
        data: FormData | None,
        files: FileTypes | None,
        json: JSON,
        idempotency_key: str | None,
        call: CallOptions,
    ) -> Request:
        # build_request's body, positional: it runs once per call.
        full_url = join_url(self._base_url, url, params)
        if content is None and data is None and json is None and files is None:
            body, content_type = None, None
        else:
            body, content_type = encode_body(content, data, json, files)
        if headers is None and not self._has_headers:
            merged = Headers()  # no headers at all: nothing to merge, nothing to check
        else:
            merged = self._headers.merged(headers)
            if idempotency_key is None:  # an Idempotency-Key header given: check it
                self._idempotency(merged, None, call.retry.idempotency_header)
        if content_type is not None and "content-type" not in merged:
            merged["Content-Type"] = content_type
        if idempotency_key is not None:
            self._idempotency(merged, idempotency_key, call.retry.idempotency_header)
        if self._scoped and "://" in url:  # absolute: maybe another origin
            self._unscope(merged, full_url, headers)
        request = Request.from_parts(
            method.upper(), full_url, merged, body, call.timeout
        )
        if self._pool is not None and "://" not in url:  # relative: the pool routes it
            request.extensions[ROUTED] = True
        return request

    @staticmethod
    def _idempotency(merged: Headers, key: str | None, header: str) -> None:
        """Set or check the idempotency header (refusing empty or clashing keys)."""
        given = merged.get(header)
        if given is not None and not given.strip():
            raise ConfigurationError(
                f"the {header} header is empty: an empty key would make the request "
                f"look safe to retry; give a unique key, or drop the header"
            )
        if key is None:
            return
        if type(key) is not str:
            raise ConfigurationError(
                f"idempotency_key={key!r} must be a str (a unique key per operation), "
                '"auto" for a UUID4, or None'
            )
        if not key.strip():
            raise ConfigurationError(
                'idempotency_key="" is empty: pass a unique key per operation, '
                '"auto" for a UUID4, or None for no key'
            )
        if key == "auto":
            key = str(uuid.uuid4())
        if given is None:
            merged[header] = key
        elif given != key:
            raise ConfigurationError(
                f"both a {header} header and idempotency_key= are given, with "
                "different values: pass only one"
            )

    def _unscope(
        self,
        merged: Headers,
        url: str,
        call_headers: HeaderTypes,
    ) -> None:
        """Drop the client's credential headers from a call to another origin."""
        for base in self._origins:  # every host of a multi-host client counts
            if same_origin(base, url):
                return
        given = Headers(call_headers) if call_headers is not None else Headers()
        for name in self._scoped:
            if name not in given:
                merged.pop(name, None)

    # -- the call ------------------------------------------------------------------
    @overload
    def request(
        self,
        method: str,
        url: str,
        *,
        model: type[M],
        params: QueryParams = None,
        headers: HeaderTypes = None,
        content: RequestContent = None,
        data: FormData | None = None,
        files: FileTypes | None = None,
        json: JSON = None,
        idempotency_key: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Response[M]: ...

    @overload
    def request(
        self,
        method: str,
        url: str,
        *,
        model: None = None,
        params: QueryParams = None,
        headers: HeaderTypes = None,
        content: RequestContent = None,
        data: FormData | None = None,
        files: FileTypes | None = None,
        json: JSON = None,
        idempotency_key: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Response[JSON]: ...

    def request(
        self,
        method: str,
        url: str,
        *,
        model: Any = None,
        params: QueryParams = None,
        headers: HeaderTypes = None,
        content: RequestContent = None,
        data: FormData | None = None,
        files: FileTypes | None = None,
        json: JSON = None,
        idempotency_key: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Response[Any]:
        """
        Send a request with retries; return its ``Response`` (body read).

        Args:
            method: HTTP method (``"GET"``, ``"POST"``, …).
            url: Absolute URL, or relative to ``base_url``.
            model: A type to decode the JSON body into (a pydantic model,
                ``list[Model]``, any type pydantic's ``TypeAdapter`` takes); then
                ``response.data`` is that type. Default ``None``: JSON or text.
            params: Query parameters (mapping, pairs, or an encoded string), as in
                ``build_request``. Default ``None``.
            headers: Per-call headers; they replace client headers of the same
                name. Default ``None``.
            content: Raw body: ``bytes``, ``str`` (UTF-8), or an (async) iterable of
                bytes. Default ``None``.
            data: Form fields, sent ``application/x-www-form-urlencoded``
                (``multipart/form-data`` with ``files``). Default ``None``.
            files: Files to upload as ``multipart/form-data``, as in
                ``build_request``. Default ``None``.
            json: A JSON-serialisable value or pydantic model, sent as JSON.
                Default ``None``.
            idempotency_key: A key sent as the ``Idempotency-Key`` header on every
                attempt; ``"auto"`` makes one (a UUID4). Makes a POST or PATCH safe
                to retry. Default ``None``: no key.
            **options: The *(per call)* options of ``Client`` (``timeout``,
                ``deadline``, ``retry``, ``retry_gates``, ``raise_for_status``,
                ``follow_redirects``, ``max_redirects``, ``max_replay_buffer``)
                and ``policies``; each defaults to the client's.

        Returns:
            The final ``Response``; ``response.attempts`` lists every attempt.

        Raises:
            TransportError: The last attempt's transport error (connect, timeout,
                network, protocol), unchanged, with a note and ``.attempts``.
            DeadlineExceeded: The deadline cut the call short.
            HTTPStatusError: With ``raise_for_status``, for a final 4xx/5xx.
            InvalidURL, ConfigurationError: For bad arguments (never retried).
        """
        call = self._resolve(options)
        request = self._build(
            method,
            url,
            params,
            headers,
            content,
            data,
            files,
            json,
            idempotency_key,
            call,
        )
        if call is self._options and request.content.__class__ in _PLAIN_BODIES:
            # The common case, inlined from _run: one coroutine frame fewer per call.
            request.context = CallContext(
                call, self._clock, self._events, self._monotonic()
            )
            response = self._default_chain(request)
        else:
            response = self._run(request, call, False)
        if model is not None:
            response.model = model
        return response

    def send(
        self, request: Request, **options: Unpack[RequestOptions]
    ) -> Response[JSON]:
        """
        Send a ``Request`` (e.g. from ``build_request``) with retries; body read.

        Args:
            request: The request; it gets a new ``CallContext``.
            **options: Per-call options, as for ``request()``.

        Raises:
            As ``request()``.
        """
        return self._run(request, self._resolve(options), False)

    @contextlib.contextmanager
    def stream(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams = None,
        headers: HeaderTypes = None,
        content: RequestContent = None,
        data: FormData | None = None,
        files: FileTypes | None = None,
        json: JSON = None,
        idempotency_key: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Iterator[Response[JSON]]:
        """
        Send a request and yield the response with its body unread, streaming.

        Retries happen only before the response is handed over: a retryable status
        is closed and retried; once you hold the response, a broken body raises
        (``ReadError``, ``ProtocolError``) and is not retried. Use
        ``response.iter_bytes()`` or ``response.read()``. Takes the same
        arguments as ``request()`` except ``model``.

        Raises:
            As ``request()``.
        """
        call = self._resolve(options)
        request = self._build(
            method,
            url,
            params,
            headers,
            content,
            data,
            files,
            json,
            idempotency_key,
            call,
        )
        response = self._run(request, call, True)
        try:
            yield response
        finally:
            response.close()

    @overload
    def get(
        self, url: str, *, model: type[M], **options: Unpack[MethodOptions]
    ) -> Response[M]: ...

    @overload
    def get(
        self, url: str, *, model: None = None, **options: Unpack[MethodOptions]
    ) -> Response[JSON]: ...

    def get(
        self, url: str, *, model: Any = None, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """
        Send a GET with retries.

        Arguments as ``request()``.
        """
        return self.request("GET", url, model=model, **options)

    @overload
    def head(
        self, url: str, *, model: type[M], **options: Unpack[MethodOptions]
    ) -> Response[M]: ...

    @overload
    def head(
        self, url: str, *, model: None = None, **options: Unpack[MethodOptions]
    ) -> Response[JSON]: ...

    def head(
        self, url: str, *, model: Any = None, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """
        Send a HEAD with retries.

        Arguments as ``request()``.
        """
        return self.request("HEAD", url, model=model, **options)

    @overload
    def options(
        self, url: str, *, model: type[M], **options: Unpack[MethodOptions]
    ) -> Response[M]: ...

    @overload
    def options(
        self, url: str, *, model: None = None, **options: Unpack[MethodOptions]
    ) -> Response[JSON]: ...

    def options(
        self, url: str, *, model: Any = None, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """
        Send an OPTIONS with retries.

        Arguments as ``request()``.
        """
        return self.request("OPTIONS", url, model=model, **options)

    @overload
    def delete(
        self, url: str, *, model: type[M], **options: Unpack[MethodOptions]
    ) -> Response[M]: ...

    @overload
    def delete(
        self, url: str, *, model: None = None, **options: Unpack[MethodOptions]
    ) -> Response[JSON]: ...

    def delete(
        self, url: str, *, model: Any = None, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """
        Send a DELETE with retries.

        Arguments as ``request()``.
        """
        return self.request("DELETE", url, model=model, **options)

    @overload
    def put(
        self, url: str, *, model: type[M], **options: Unpack[MethodOptions]
    ) -> Response[M]: ...

    @overload
    def put(
        self, url: str, *, model: None = None, **options: Unpack[MethodOptions]
    ) -> Response[JSON]: ...

    def put(
        self, url: str, *, model: Any = None, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """
        Send a PUT with retries.

        Arguments as ``request()``.
        """
        return self.request("PUT", url, model=model, **options)

    @overload
    def post(
        self, url: str, *, model: type[M], **options: Unpack[MethodOptions]
    ) -> Response[M]: ...

    @overload
    def post(
        self, url: str, *, model: None = None, **options: Unpack[MethodOptions]
    ) -> Response[JSON]: ...

    def post(
        self, url: str, *, model: Any = None, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """
        Send a POST; retried only after errors raised before sending.

        Unless it has an ``Idempotency-Key`` (``idempotency_key="auto"``).

        Arguments as ``request()``.
        """
        return self.request("POST", url, model=model, **options)

    @overload
    def patch(
        self, url: str, *, model: type[M], **options: Unpack[MethodOptions]
    ) -> Response[M]: ...

    @overload
    def patch(
        self, url: str, *, model: None = None, **options: Unpack[MethodOptions]
    ) -> Response[JSON]: ...

    def patch(
        self, url: str, *, model: Any = None, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """
        Send a PATCH; retried like ``post()``.

        Arguments as ``request()``.
        """
        return self.request("PATCH", url, model=model, **options)

    # -- pagination -------------------------------------------------------------
    @overload
    def paginate(
        self,
        url: str,
        *,
        model: type[M],
        pages: Literal[False] = False,
        strategy: PaginationStrategy | None = None,
        items: ItemsPath = None,
        max_pages: int | None = None,
        max_items: int | None = None,
        method: str = "GET",
        **options: Unpack[MethodOptions],
    ) -> Iterator[M]: ...

    @overload
    def paginate(
        self,
        url: str,
        *,
        model: None = None,
        pages: Literal[False] = False,
        strategy: PaginationStrategy | None = None,
        items: ItemsPath = None,
        max_pages: int | None = None,
        max_items: int | None = None,
        method: str = "GET",
        **options: Unpack[MethodOptions],
    ) -> Iterator[JSON]: ...

    @overload
    def paginate(
        self,
        url: str,
        *,
        model: None = None,
        pages: Literal[True],
        strategy: PaginationStrategy | None = None,
        items: ItemsPath = None,
        max_pages: int | None = None,
        max_items: int | None = None,
        method: str = "GET",
        **options: Unpack[MethodOptions],
    ) -> Iterator[Response[JSON]]: ...

    def paginate(
        self,
        url: str,
        *,
        model: Any = None,
        pages: bool = False,
        strategy: PaginationStrategy | None = None,
        items: ItemsPath = None,
        max_pages: int | None = None,
        max_items: int | None = None,
        method: str = "GET",
        **options: Unpack[MethodOptions],
    ) -> Iterator[Any]:
        """
        Iterate a paginated list endpoint: ``for user in client.paginate(...)``.

        Each page is its own call (retries and deadline per page). Iteration stops
        at the last page (the strategy says so), at ``max_pages`` or
        ``max_items``, or when a page would be fetched twice (a server linking
        back cannot loop the client).

        Args:
            url: The first page's URL (absolute, or relative to ``base_url``).
            model: The type of one item (validated per page with pydantic, via
                ``TypeAdapter(list[model])``). Default ``None``: parsed JSON.
            pages: Yield each page's ``Response`` instead of items. Default
                ``False``.
            strategy: A ``restwell.pagination`` strategy: ``LinkHeader()`` (the
                default: RFC 8288 ``rel="next"``), ``Cursor(...)``,
                ``PageNumber(...)``, ``Offset(...)``, or your own.
            items: Where the items are in a page: ``None`` (the body is the list;
                the default), a dotted key path (``"data"``), or
                ``(body) -> list``.
            max_pages: Most pages fetched (``int`` >= 1), or ``None``. Default
                ``None``.
            max_items: Most items yielded (``int`` >= 1), or ``None``. Default
                ``None``.
            method: The HTTP method of every page. Default ``"GET"``.
            **options: Per-call options and request parts as for ``get()``
                (``headers``, ``timeout``, ``retry``, …), applied to every page;
                ``params`` (a mapping) are the first page's query parameters.

        Raises:
            ConfigurationError: For a bad limit, or items that are not a list.
            RedirectError: If a ``Link`` points to another origin (not followed).
            HTTPStatusError: For a page answered with a 4xx/5xx status.
            As ``request()`` for each page.
        """
        rest: dict[str, Any] = dict(options)
        params = rest.pop("params", None)
        if params is not None and not isinstance(params, Mapping):
            raise ConfigurationError(
                f"paginate(params={params!r}): give the first page's query "
                "parameters as a mapping"
            )
        return paginate(
            self,
            method,
            url,
            strategy=strategy,
            items=items,
            model=model,
            pages=pages,
            max_pages=max_pages,
            max_items=max_items,
            params=params,
            **rest,
        )

    def __repr__(self) -> str:
        base = f" base_url={redact_url(self._base_url)!r}" if self._base_url else ""
        if self._pool is not None:
            base = f" base_url={[redact_url(u) for u in self._pool.base_urls]!r}"
        return f"<Client{base} {self._transport!r}>"


def _wrap(cls: Any, env: StageEnv) -> Callable[[Handler], Handler]:
    def wrap(call_next: Handler) -> Handler:
        return cls(call_next, env)  # type: ignore[no-any-return]  # a stage is a handler

    return wrap


def _middleware(middleware: Any) -> Callable[[Handler], Handler]:
    def wrap(call_next: Handler) -> Handler:
        def handler(request: Request) -> Response[Any]:
            response = middleware(request, call_next)
            if not isinstance(response, Response):
                raise ConfigurationError(
                    f"middleware {middleware!r} returned {type(response).__name__}, "
                    "not a restwell.Response: return what call_next(request) "
                    "returns, or a Response you build"
                )
            return response

        return handler

    return wrap


# The traffic-control stages: in a chain only when its call has their policy.
_TRAFFIC: tuple[tuple[str, Any], ...] = (
    ("circuit", CircuitStage),
    ("rate", RateStage),
    ("bulkhead", BulkheadStage),
)


_TRAFFIC_SLOTS = tuple(slot for slot, _ in _TRAFFIC)


def _traffic(options: CallOptions) -> tuple[str, ...]:
    """The traffic-control slots ``options`` has a policy for (a chain's key)."""
    policies = options.policies
    if not policies:
        return ()
    return tuple(slot for slot, _ in _TRAFFIC if policies.get(slot) is not None)


def _client_policies(
    failover: Failover | None, rate: RateLimiter | None, bulkhead: Bulkhead | None
) -> dict[str, object]:
    """The client's own ``policies``: only the slots it has a policy for."""
    given = {"failover": failover, "rate": rate, "bulkhead": bulkhead}
    return {slot: policy for slot, policy in given.items() if policy is not None}
