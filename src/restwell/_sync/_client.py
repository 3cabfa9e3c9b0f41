# GENERATED from src/restwell/_async/_client.py by scripts/unasync.py: do not edit; edit the source and re-run.
"""
``Client``: the resilient client.

This file is the source of the sync ``Client`` (``scripts/unasync.py`` generates
``_sync/_client.py`` from it).

The road of a call (DESIGN.md): build a ``Request`` → call stack (events, user
``"call"`` middleware, redirects) → retry loop (deadline, per-attempt timeout,
``Retry`` decisions, waits) → attempt stack (user ``"attempt"`` middleware) →
transport → body read → ``Response[T]``.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator, Awaitable, Iterable, Mapping, Sequence
from datetime import timedelta
from random import Random
from types import TracebackType
from typing import Any, TypedDict, Unpack, overload

from .._body import buffer_body, encode_body
from .._clock import Clock, SystemClock
from .._config import (
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
from .._exceptions import (
    ConfigurationError,
    DeadlineExceeded,
    RestwellError,
    TooManyRedirects,
    TransportTimeout,
)
from .._hooks import emit, subscribe
from .._middleware import Handler
from .._models import Attempt, Headers, Request, Response, T
from .._transport_base import Transport
from .._urls import QueryParams, check_base_url, join_url, redirect_target, same_origin
from ..instrumentation._events import (
    AttemptFailed,
    CallFailed,
    CallSucceeded,
    RequestSent,
    ResponseReceived,
    RetryAfterIgnored,
    RetryScheduled,
)
from ..instrumentation._logging import LoggingHook
from ..instrumentation._redact import redact_url
from ..policies._decision import Raise, Return, Sleep
from ..policies._retry import Retry
from ._transport_httpx import HttpxTransport

__all__ = ["Client", "MethodOptions", "RequestOptions"]

DEFAULT_RETRY = Retry()
_DEADLINE_SLACK = 0.05  # s: a timeout this close to the deadline was the deadline's
_NEVER = float("inf")
_STRIP_ON_CROSS_ORIGIN = ("authorization", "proxy-authorization", "cookie")

TimeoutArg = Timeout | float | timedelta | None


class RequestOptions(TypedDict, total=False):
    """
    The per-call keyword arguments of ``request()``, ``get()``, ``post()``, ….

    Typed with PEP 692 ``Unpack``, so a misspelt option is a type error. Each has the
    meaning and default given in ``Client.request``.
    """

    params: QueryParams
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None
    content: Any
    data: Mapping[str, Any] | None
    json: Any
    idempotency_key: str | None
    timeout: TimeoutArg | Unset
    deadline: float | timedelta | Unset | None
    retry: Retry | Unset | None
    raise_for_status: bool | Unset


class MethodOptions(RequestOptions, total=False):
    """``RequestOptions`` plus ``model``, for ``get()``/``post()``/… (typed ``Any``)."""

    model: Any


class _Call:
    """Per-call options, carried in ``request.extensions['restwell']``."""

    __slots__ = (
        "deadline",
        "raise_for_status",
        "replayable",
        "retry",
        "stream",
        "timeout",
    )

    def __init__(
        self,
        retry: Retry,
        timeout: Timeout,
        deadline: float | None,
        stream: bool,
        replayable: bool,
        raise_for_status: bool,
    ) -> None:
        self.retry = retry
        self.timeout = timeout
        self.deadline = deadline
        self.stream = stream
        self.replayable = replayable
        self.raise_for_status = raise_for_status


def _note(
    exc: BaseException, attempts: Sequence[Attempt], elapsed: float, reason: str
) -> None:
    n = len(attempts)
    exc.add_note(
        f"restwell: gave up after {n} attempt{'s' if n != 1 else ''} "
        f"in {elapsed:.3f} s: {reason}"
    )
    for a in attempts:
        exc.add_note(f"  {a}")
    if isinstance(exc, RestwellError):
        exc.attempts = tuple(attempts)


class Client:
    """
    An async HTTP client that retries, backs off, honours Retry-After and deadlines.

    Use it as ``with restwell.Client(...) as client:``, or call
    ``client.close()`` when done. Every argument below can be overridden per
    call (``client.get(url, retry=..., timeout=..., deadline=...)``).

    Args:
        base_url: Prefix for relative URLs (``"https://api.example.com/v1"``).
        transport: ``"httpx"`` (default) or ``"httpx2"``; an ``Transport``; or an
            ``httpx.Client`` to send with (borrowed if already open, else owned:
            the aresilient lifecycle, see ``HttpxTransport``).
        headers: Headers sent with every request (mapping or ``(name, value)`` pairs).
        timeout: Per-attempt ``Timeout`` (or seconds for every phase, or ``None``).
            Default connect 5, read 10, write 10, pool 5 s.
        deadline: Total seconds for a call, across attempts and waits; it also cuts
            the running attempt short. ``None`` disables. Default 30.0.
        retry: The ``Retry`` policy. Default ``Retry()``: 3 attempts, exponential
            backoff 0.5 s ×2 capped at 20 s with full jitter, statuses
            408/429/500/502/503/504, idempotent methods (or an Idempotency-Key).
            ``Retry(max_attempts=1)`` disables retries.
        raise_for_status: Raise ``HTTPStatusError`` for a final 4xx/5xx response.
            Default ``False``: the response is returned.
        follow_redirects: Follow 301/302/303/307/308. Default ``False`` (httpx).
            Cross-origin hops drop ``Authorization``, ``Proxy-Authorization`` and
            ``Cookie``.
        max_redirects: Most redirects per call. Default 20.
        middleware: User middleware, outermost first; each runs per attempt unless
            its ``stage`` attribute is ``"call"`` (see ``restwell.middleware``).
        hooks: Event hooks ``(event) -> None`` (sync or async). Default
            ``[LoggingHook()]``: retries and give-ups logged to ``"restwell"``.
        clock: Time source and waiter. Default ``SystemClock()``; tests pass a
            ``restwell.testing.FakeClock``.
        rng: Randomness for jitter. Default a new ``random.Random()``.
        max_replay_buffer: Bytes of a streamed request body kept so it can be
            resent. Default 1 MiB.

    Raises:
        ConfigurationError: For an invalid argument (the message names it).
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        transport: Transport | str | Any = "httpx",
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        timeout: TimeoutArg = DEFAULT_TIMEOUT,
        deadline: float | timedelta | None = DEFAULT_DEADLINE,
        retry: Retry | None = DEFAULT_RETRY,
        raise_for_status: bool = False,
        follow_redirects: bool = False,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        middleware: Sequence[Any] = (),
        hooks: Sequence[Any] | None = None,
        clock: Clock | None = None,
        rng: Random | None = None,
        max_replay_buffer: int = DEFAULT_MAX_REPLAY_BUFFER,
    ) -> None:
        self._base_url = check_base_url(base_url)
        self._transport = self._make_transport(transport)
        # The User-Agent is the transport's default (restwell/x.y), so a plain
        # request carries no headers of its own: nothing to merge per call.
        self._headers = Headers(headers)
        self._timeout = Timeout.coerce(timeout)
        self._deadline = seconds(deadline, "deadline")
        self._retry = self._check_retry(retry)
        self._retry.warn_if_unbounded(self._deadline)
        self._raise_for_status = bool(raise_for_status)
        self._follow_redirects = bool(follow_redirects)
        self._max_redirects = check_int(max_redirects, "max_redirects", 0)
        self._max_replay_buffer = check_int(max_replay_buffer, "max_replay_buffer", 0)
        self._clock: Clock = SystemClock() if clock is None else clock
        # The system clock's methods are thin wrappers: call time's functions directly.
        system = type(self._clock) is SystemClock
        self._monotonic = time.monotonic if system else self._clock.monotonic
        self._wall = time.time if system else self._clock.time
        self._rng = Random() if rng is None else rng
        self._subs = subscribe([LoggingHook()] if hooks is None else hooks)
        self._sent = self._subs.get(RequestSent, ())
        self._received = self._subs.get(ResponseReceived, ())
        self._failed = self._subs.get(AttemptFailed, ())
        self._succeeded = self._subs.get(CallSucceeded, ())
        self._scheduled = self._subs.get(RetryScheduled, ())
        self._call_stack, self._attempt_stack = self._build_stacks(middleware)
        self._default_call = _Call(
            self._retry,
            self._timeout,
            self._deadline,
            False,
            True,
            self._raise_for_status,
        )
        self._closed = False

    # -- construction helpers --------------------------------------------------------
    @staticmethod
    def _make_transport(transport: Any) -> Transport:
        if isinstance(transport, str):
            if transport in ("httpx", "httpx2"):
                return HttpxTransport(backend=transport)
            raise ConfigurationError(
                f"transport={transport!r} is not known: use 'httpx', 'httpx2', an "
                "Transport, or an httpx.Client"
            )
        module = type(transport).__module__.split(".")[0]
        if module in ("httpx", "httpx2"):
            if type(transport).__name__ != "Client":
                raise ConfigurationError(
                    f"transport={type(transport).__name__} is not an Client: pass "
                    f"{module}.Client() here (sync clients go to restwell.Client)"
                )
            return HttpxTransport(transport)
        if callable(getattr(transport, "send", None)) and callable(
            getattr(transport, "close", None)
        ):
            return transport  # type: ignore[no-any-return]  # checked structurally
        raise ConfigurationError(
            f"transport={transport!r} has no send(request) and close(): implement "
            "restwell.transports.Transport"
        )

    @staticmethod
    def _check_retry(retry: Retry | None) -> Retry:
        if retry is None:
            return Retry(max_attempts=1)
        if not isinstance(retry, Retry):
            raise ConfigurationError(
                f"retry={retry!r} must be restwell.Retry(...), "
                "or None to disable retries"
            )
        return retry

    def _build_stacks(
        self, middleware: Sequence[Any]
    ) -> tuple[Handler, Handler]:
        call_mw = [m for m in middleware if getattr(m, "stage", "attempt") == "call"]
        attempt_mw = [m for m in middleware if getattr(m, "stage", "attempt") != "call"]
        for m in middleware:
            if not callable(m):
                raise ConfigurationError(
                    f"middleware {m!r} is not callable: "
                    "it must be (request, call_next) -> Response"
                )
            if getattr(m, "stage", "attempt") not in ("call", "attempt"):
                raise ConfigurationError(
                    f"middleware {m!r} has stage={m.stage!r}: use 'call' or 'attempt'"
                )
        self._has_attempt_mw = bool(attempt_mw)
        attempt: Handler = self._transport.send
        for m in reversed(attempt_mw):
            attempt = _bind(m, attempt)
        call: Handler = self._follow if self._follow_redirects else self._retrying
        for m in reversed(call_mw):
            call = _bind(m, call)
        return call, attempt

    # -- lifecycle -----------------------------------------------------------------
    @property
    def transport(self) -> Transport:
        """The transport this client sends with."""
        return self._transport

    @property
    def is_closed(self) -> bool:
        """Whether ``close()`` has been called."""
        return self._closed

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
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        content: Any = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
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
            data: Form fields, sent ``application/x-www-form-urlencoded``.
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
            json,
            idempotency_key,
            self._retry.idempotency_header,
        )

    def _build(
        self,
        method: str,
        url: str,
        params: QueryParams,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
        content: Any,
        data: Mapping[str, Any] | None,
        json: Any,
        idempotency_key: str | None,
        idempotency_header: str,
    ) -> Request:
        # build_request's body, positional: it runs once per call.
        full_url = join_url(self._base_url, url, params)
        if content is None and data is None and json is None:
            body, content_type = None, None
        else:
            body, content_type = encode_body(content, data, json)
        merged = self._headers.merged(headers)
        if content_type is not None and "content-type" not in merged:
            merged["Content-Type"] = content_type
        if idempotency_key is not None:
            key = str(uuid.uuid4()) if idempotency_key == "auto" else idempotency_key
            if idempotency_header not in merged:
                merged[idempotency_header] = key
        return Request._new(method.upper(), full_url, merged, body, self._timeout)

    # -- the call ------------------------------------------------------------------
    @overload
    def request(
        self,
        method: str,
        url: str,
        *,
        model: type[T],
        **options: Unpack[RequestOptions],
    ) -> Response[T]: ...

    @overload
    def request(
        self,
        method: str,
        url: str,
        *,
        model: None = None,
        **options: Unpack[RequestOptions],
    ) -> Response[Any]: ...

    def request(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams = None,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        content: Any = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
        timeout: TimeoutArg | Unset = UNSET,
        deadline: float | timedelta | Unset | None = UNSET,
        retry: Retry | Unset | None = UNSET,
        raise_for_status: bool | Unset = UNSET,
        model: Any = None,
    ) -> Response[Any]:
        """
        Send a request with retries; return its ``Response`` (body read).

        Args:
            method: HTTP method (``"GET"``, ``"POST"``, …).
            url: Absolute URL, or relative to ``base_url``.
            params: Query parameters (mapping, pairs, or an encoded string), as in
                ``build_request``. Default ``None``.
            headers: Per-call headers; they replace client headers of the same
                name. Default ``None``.
            content: Raw body: ``bytes``, ``str`` (UTF-8), or an (async) iterable of
                bytes. Default ``None``.
            data: Form fields, sent ``application/x-www-form-urlencoded``. Default
                ``None``.
            json: A JSON-serialisable value or pydantic model, sent as JSON.
                Default ``None``.
            idempotency_key: A key sent as the ``Idempotency-Key`` header on every
                attempt; ``"auto"`` makes one (a UUID4). Makes a POST or PATCH safe
                to retry. Default ``None``: no key.
            timeout: Per-attempt ``Timeout`` for this call. Default: the client's.
            deadline: Total seconds for this call. Default: the client's.
            retry: ``Retry`` policy for this call (``None``: no retries). Default:
                the client's.
            raise_for_status: Raise ``HTTPStatusError`` for a final 4xx/5xx.
                Default: the client's.
            model: A type to decode the JSON body into (a pydantic model,
                ``list[Model]``, any type pydantic's ``TypeAdapter`` takes); then
                ``response.data`` is that type. Default ``None``: JSON or text.

        Returns:
            The final ``Response``; ``response.attempts`` lists every attempt.

        Raises:
            TransportError: The last attempt's transport error (connect, timeout,
                network, protocol), unchanged, with a note and ``.attempts``.
            DeadlineExceeded: The deadline cut the call short.
            HTTPStatusError: With ``raise_for_status``, for a final 4xx/5xx.
            InvalidURL, ConfigurationError: For bad arguments (never retried).
        """
        call = self._options(timeout, deadline, retry, raise_for_status, False)
        request = self._build(
            method,
            url,
            params,
            headers,
            content,
            data,
            json,
            idempotency_key,
            call.retry.idempotency_header,
        )
        content = request.content
        if content is not None and type(content) is not bytes:
            return self._dispatch(request, call, model)
        # The common case, inlined from _dispatch: one coroutine frame fewer per call.
        request.timeout = call.timeout
        request.extensions["restwell"] = call
        response = self._call_stack(request)
        if model is not None:
            response._model = model
        if call.raise_for_status:
            response.raise_for_status()
        return response

    def send(
        self,
        request: Request,
        *,
        timeout: TimeoutArg | Unset = UNSET,
        deadline: float | timedelta | Unset | None = UNSET,
        retry: Retry | Unset | None = UNSET,
        raise_for_status: bool | Unset = UNSET,
    ) -> Response[Any]:
        """
        Send a ``Request`` (e.g. from ``build_request``) with retries; body read.

        Raises:
            As ``request()``.
        """
        call = self._options(timeout, deadline, retry, raise_for_status, False)
        return self._dispatch(request, call)

    @contextlib.contextmanager
    def stream(
        self, method: str, url: str, **kwargs: Any
    ) -> Iterator[Response[Any]]:
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
        opts = {
            k: kwargs.pop(k)
            for k in ("timeout", "deadline", "retry", "raise_for_status")
            if k in kwargs
        }
        request = self.build_request(method, url, **kwargs)
        call = self._options(
            opts.get("timeout", UNSET),
            opts.get("deadline", UNSET),
            opts.get("retry", UNSET),
            opts.get("raise_for_status", UNSET),
            True,
        )
        response = self._dispatch(request, call)
        try:
            yield response
        finally:
            response.close()

    def get(
        self, url: str, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """Send a GET with retries. Arguments as ``request()``."""
        return self.request("GET", url, **options)

    def head(
        self, url: str, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """Send a HEAD with retries. Arguments as ``request()``."""
        return self.request("HEAD", url, **options)

    def options(
        self, url: str, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """Send an OPTIONS with retries. Arguments as ``request()``."""
        return self.request("OPTIONS", url, **options)

    def delete(
        self, url: str, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """Send a DELETE with retries. Arguments as ``request()``."""
        return self.request("DELETE", url, **options)

    def put(
        self, url: str, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """Send a PUT with retries. Arguments as ``request()``."""
        return self.request("PUT", url, **options)

    def post(
        self, url: str, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """
        Send a POST; arguments as ``request()``.

        Retried only after errors raised before sending, unless it has an
        ``Idempotency-Key`` (``idempotency_key="auto"``).
        """
        return self.request("POST", url, **options)

    def patch(
        self, url: str, **options: Unpack[MethodOptions]
    ) -> Response[Any]:
        """Send a PATCH; retried like ``post()``. Arguments as ``request()``."""
        return self.request("PATCH", url, **options)

    # -- drivers -------------------------------------------------------------------
    def _options(
        self,
        timeout: TimeoutArg | Unset,
        deadline: float | timedelta | Unset | None,
        retry: Retry | Unset | None,
        raise_for_status: bool | Unset,
        stream: bool,
    ) -> _Call:
        """Resolve per-call options over the client's (shared object when all unset)."""
        if self._closed:
            raise ConfigurationError(
                "this client is closed: create a new one, "
                "or keep calls inside its `with`"
            )
        if (
            timeout is UNSET
            and deadline is UNSET
            and retry is UNSET
            and raise_for_status is UNSET
            and not stream
        ):
            return self._default_call
        return _Call(
            self._retry if retry is UNSET else self._check_retry(retry),
            self._timeout if timeout is UNSET else Timeout.coerce(timeout),
            self._deadline if deadline is UNSET else seconds(deadline, "deadline"),
            stream,
            True,
            self._raise_for_status
            if raise_for_status is UNSET
            else bool(raise_for_status),
        )

    def _dispatch(
        self, request: Request, call: _Call, model: Any = None
    ) -> Response[Any]:
        """Attach ``call``, buffer a streamed body, run the call stack."""
        request.timeout = call.timeout
        content = request.content
        if content is not None and type(content) is not bytes:
            content, replayable = buffer_body(content, self._max_replay_buffer)
            request.content = content
            if not replayable:
                call = _Call(
                    call.retry,
                    call.timeout,
                    call.deadline,
                    call.stream,
                    False,
                    call.raise_for_status,
                )
        request.extensions["restwell"] = call
        response = self._call_stack(request)
        if model is not None:
            response._model = model
        if call.raise_for_status:
            response.raise_for_status()
        return response

    def _follow(self, request: Request) -> Response[Any]:
        """
        Follow redirects (RFC 9110 §15.4); each hop is retried on its own.

        The deadline spans the whole chain: later hops get what is left of it.
        """
        call: _Call = request.extensions["restwell"]
        deadline_at = (
            None if call.deadline is None else self._monotonic() + call.deadline
        )
        response = self._retrying(request)
        hops = 0
        while response.is_redirect:
            hops += 1
            if hops > self._max_redirects:
                response.close()
                raise TooManyRedirects(
                    f"more than {self._max_redirects} redirects "
                    f"from {redact_url(request.url)}",
                    request=request,
                )
            target = redirect_target(response.url, response.headers["location"])
            method = request.method
            content = request.content
            headers = request.headers.copy()
            status = response.status_code
            if (status == 303 and method != "HEAD") or (
                status in (301, 302) and method == "POST"
            ):
                method, content = "GET", None
                for name in ("content-type", "content-length", "transfer-encoding"):
                    headers.pop(name, None)
            if not same_origin(request.url, target):
                for name in _STRIP_ON_CROSS_ORIGIN:
                    headers.pop(name, None)
            if content is not None and not isinstance(content, bytes):
                # A streamed body was sent once and cannot be replayed to the new
                # location.
                return response
            response.close()
            request = Request(
                method,
                target,
                headers=headers,
                content=content,
                timeout=call.timeout,
                extensions={"restwell": call},
            )
            response = self._retrying(request, deadline_at)
        return response

    def _retrying(
        self, request: Request, deadline_at: float | None = None
    ) -> Response[Any]:
        """
        The retry loop: one call of the ``Retry`` policy per attempt outcome.

        ``deadline_at`` (monotonic seconds) continues a deadline that started
        before this loop (a redirect chain); by default the deadline starts now.
        """
        call: _Call = request.extensions["restwell"]
        policy = call.retry
        clock = self._clock
        monotonic = self._monotonic
        started = monotonic()
        state = policy.start(
            request.method,
            request.headers,
            started,
            call.deadline if deadline_at is None else deadline_at - started,
            replayable_body=call.replayable,
        )
        base_timeout = call.timeout
        attempts: list[Attempt] = []
        send = self._attempt_stack
        fresh = request
        while True:
            n = state.attempt
            t0 = monotonic() if n > 1 else started
            timeout = base_timeout
            if state.deadline_at is not None:
                left = state.deadline_at - t0
                if left <= 0:
                    err = _deadline_error(
                        request, call, t0 - started, f"ran out before attempt {n}"
                    )
                    _note(err, attempts, t0 - started, "deadline")
                    raise err
                if left < base_timeout.longest:
                    timeout = base_timeout.capped(left)
            if n > 1 or self._has_attempt_mw or timeout is not request.timeout:
                request = fresh.copy_for_attempt(n, timeout)
            if self._sent:
                emit(self._sent, RequestSent(request=request, attempt=n))
            outcome: Response[Any] | BaseException
            try:
                response = send(request)
                if not call.stream:
                    until = state.deadline_at
                    fast = getattr(response._stream, "read_until", None)
                    if fast is not None:  # our transports: one loop, no extra frame
                        response._content = fast(
                            _NEVER if until is None else until, monotonic
                        )
                    elif until is None:
                        response.read()
                    else:
                        response._read_before(until, monotonic)
                outcome = response
            except Exception as exc:  # every outcome goes to the policy, which decides
                outcome = exc
            now = monotonic()
            if isinstance(outcome, BaseException):
                if self._failed:
                    emit(
                        self._failed,
                        AttemptFailed(
                            request=request, attempt=n, error=outcome, duration=now - t0
                        ),
                    )
                if (
                    isinstance(outcome, TransportTimeout)
                    and state.deadline_at is not None
                    and now + _DEADLINE_SLACK >= state.deadline_at
                ):
                    err = _deadline_error(
                        request, call, now - started, f"cut attempt {n} short"
                    )
                    attempts.append(_record(n, started, t0, now, outcome, "deadline"))
                    self._gave_up(
                        request, err, attempts, now - started, "deadline exceeded"
                    )
                    _note(err, attempts, now - started, "deadline exceeded")
                    raise err from outcome
            elif self._received:
                emit(
                    self._received,
                    ResponseReceived(
                        request=request, attempt=n, response=outcome, duration=now - t0
                    ),
                )
            decision = policy.next(state, outcome, now, self._wall(), self._rng)
            delay = decision.delay if type(decision) is Sleep else 0.0
            attempts.append(
                _record(n, started, t0, now, outcome, decision.reason, delay)
            )
            if type(decision) is Return:
                assert not isinstance(outcome, BaseException)  # noqa: S101 - policy contract
                outcome.attempts = tuple(attempts)
                outcome.elapsed = now - started
                if decision.ignored_retry_after is not None:
                    self._ignored(request, n, decision.ignored_retry_after)
                if decision.gave_up:
                    self._gave_up(
                        request, outcome, attempts, now - started, decision.reason
                    )
                elif self._succeeded:
                    emit(
                        self._succeeded,
                        CallSucceeded(
                            request=request,
                            attempt=n,
                            response=outcome,
                            attempts=outcome.attempts,
                            elapsed=now - started,
                            reason=decision.reason,
                        ),
                    )
                return outcome
            if type(decision) is Raise:
                assert isinstance(outcome, BaseException)  # noqa: S101 - policy contract
                self._gave_up(
                    request, outcome, attempts, now - started, decision.reason
                )
                if isinstance(outcome, RestwellError) or len(attempts) > 1:
                    _note(outcome, attempts, now - started, decision.reason)
                raise outcome
            assert isinstance(decision, Sleep)  # noqa: S101 - Decision is a closed union
            if not isinstance(outcome, BaseException):
                outcome.close()
            if decision.ignored_retry_after is not None:
                self._ignored(request, n, decision.ignored_retry_after)
            spans = []
            if self._scheduled:
                spans = emit(
                    self._scheduled,
                    RetryScheduled(
                        request=request,
                        attempt=n,
                        delay=delay,
                        reason=decision.reason,
                        retry_after=decision.retry_after,
                        outcome=outcome,
                    ),
                )
            if spans:
                with contextlib.ExitStack() as stack:
                    for span in spans:
                        stack.enter_context(span)
                    clock.sleep(delay)
            else:
                clock.sleep(delay)

    def _ignored(self, request: Request, n: int, value: str) -> None:
        hooks = self._subs.get(RetryAfterIgnored)
        if hooks:
            emit(
                hooks, RetryAfterIgnored(request=request, attempt=n, value=value)
            )

    def _gave_up(
        self,
        request: Request,
        outcome: Response[Any] | BaseException,
        attempts: list[Attempt],
        elapsed: float,
        reason: str,
    ) -> None:
        hooks = self._subs.get(CallFailed)
        if hooks:
            emit(
                hooks,
                CallFailed(
                    request=request,
                    attempt=len(attempts),
                    outcome=outcome,
                    attempts=tuple(attempts),
                    elapsed=elapsed,
                    reason=reason,
                ),
            )

    def __repr__(self) -> str:
        base = f" base_url={redact_url(self._base_url)!r}" if self._base_url else ""
        return f"<Client{base} {self._transport!r}>"


def _record(
    n: int,
    started: float,
    t0: float,
    now: float,
    outcome: Response[Any] | BaseException,
    reason: str,
    delay: float = 0.0,
) -> Attempt:
    """The ``Attempt`` for attempt ``n``, from monotonic times in seconds."""
    if isinstance(outcome, BaseException):
        return Attempt(
            number=n,
            started=t0 - started,
            duration=now - t0,
            error=outcome,
            delay=delay,
            reason=reason,
        )
    return Attempt(
        number=n,
        started=t0 - started,
        duration=now - t0,
        status_code=outcome.status_code,
        delay=delay,
        reason=reason,
    )


def _deadline_error(
    request: Request, call: _Call, elapsed: float, what: str
) -> DeadlineExceeded:
    return DeadlineExceeded(
        f"deadline of {call.deadline:g} s {what} of "
        f"{request.method} {redact_url(request.url)}",
        request=request,
        deadline=call.deadline or 0.0,
        elapsed=elapsed,
    )


def _bind(middleware: Any, call_next: Handler) -> Handler:
    def handler(request: Request) -> Response[Any]:
        return middleware(request, call_next)  # type: ignore[no-any-return]  # user code

    return handler
