"""
The mock transports' router: routes, matching, scripted outcomes and call history.

Pure code shared by ``AsyncMockTransport`` and its generated twin ``MockTransport``
(``_async/_transport_mock.py``): it decides which route answers a request and what
the answer is; the transports only read the request body, call a callable outcome
(awaiting it in the async one) and hand the response over. Matching never touches the
network, a clock or the event loop.

A route matches a request when every criterion it was declared with holds:

- ``method``: equal, case-insensitively (``None``: any method);
- ``url``: an absolute URL (scheme, host and port compared, default ports ignored),
  or a path starting with ``/`` (joined to the router's ``base_url``, or on any
  origin without one). The path may hold ``{name}`` (one path segment) and
  ``{name:path}`` (the rest of the path, slashes included: a prefix match); a query
  string in it is a ``params`` criterion. A compiled ``re.Pattern`` must match the
  whole request URL without its query string (``Pattern.fullmatch``). ``None``: any
  URL (under ``base_url`` if the router has one);
- ``params``: each given query parameter has exactly the given values, in order
  (a subset: the request may carry more parameters);
- ``headers``: each given header is present with the given value, names compared
  case-insensitively (repeated fields joined with ``", "``, RFC 9110 §5.3), a subset;
- ``json``: the request body parses as JSON equal to the given value;
- ``content``: the request body equals the given bytes.

The first declared route that matches answers. Modelled on respx's router and
pytest-httpx's matchers (both MIT), smaller and typed; none of their code is used.
"""

from __future__ import annotations

import copy
import dataclasses
import json as jsonlib
import re
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from typing import Final, Self, TypeAlias, TypedDict, Unpack, cast
from urllib.parse import parse_qsl, urlsplit

from ._body import _dumps
from ._config import UNSET, Unset
from ._exceptions import ConfigurationError, RequestError
from ._models import Request, Response
from ._redact import REDACTED, is_sensitive_name, redact_url
from ._types import JSON, PrimitiveData

__all__ = [
    "BodyCriteria",
    "Call",
    "CallList",
    "Criteria",
    "MockRouter",
    "NoRouteMatched",
    "Outcome",
    "Responder",
    "Route",
    "RouteExhausted",
    "SideEffect",
    "checked_response",
]

Responder: TypeAlias = Callable[
    [Request], Response[object] | Awaitable[Response[object]]
]
"""A callable outcome: ``(Request) -> Response``; ``async`` only with the async mock."""

Outcome: TypeAlias = (
    Response[object] | int | RequestError | type[RequestError] | Responder
)
"""
One answer of a route: a ``Response``; a status code (``503``: empty body); a
restwell ``RequestError`` instance or class to raise (a ``TransportError`` such as
``ConnectError`` is what a real transport raises); or a ``Responder``.
"""

SideEffect: TypeAlias = Outcome | Iterable[Outcome]
"""What a route answers: one ``Outcome`` for every request, or an iterable of them,
one per request, in order."""

_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_PLACEHOLDER: Final = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(:path)?\}")
_SHOWN_CHARS: Final = 200  # a JSON body quoted in a difference, at most
_METHOD: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


class NoRouteMatched(AssertionError):
    """
    No route of a mock transport matched a request, and it has no handler.

    An ``AssertionError``, not a ``restwell.RestwellError``: it reports a mistake in
    the test, so no retry policy retries it and code under test that catches
    restwell's errors does not swallow it.

    Attributes:
        request: The request no route matched (its ``content`` is ``bytes``).
        closest: The route closest to it, or ``None`` if the mock has no routes:
            one with its URL if any, then one with its method, then the one with
            the fewest other differences; the first declared of equals. Not pickled
            (a route holds callables): ``None`` after unpickling.
        differences: What the closest route wanted and the request had, one line
            per criterion (``"method: wants POST, got GET"``); credentials redacted.
    """

    def __init__(
        self,
        message: str,
        *,
        request: Request,
        closest: Route | None = None,
        differences: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.request = request
        self.closest = closest
        self.differences = differences

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_no_route,
            (str(self), self.request, self.differences),
        )


def _rebuild_no_route(
    message: str, request: Request, differences: tuple[str, ...]
) -> NoRouteMatched:
    return NoRouteMatched(message, request=request, differences=differences)


class RouteExhausted(AssertionError):
    """
    A route answered every outcome of its sequence, and got one request more.

    An ``AssertionError`` for the reason ``NoRouteMatched`` is one.

    Attributes:
        request: The request that found no outcome left.
        outcomes: How many outcomes the sequence held (``int``).
    """

    def __init__(self, message: str, *, request: Request, outcomes: int) -> None:
        super().__init__(message)
        self.request = request
        self.outcomes = outcomes

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_exhausted, (str(self), self.request, self.outcomes))


def _rebuild_exhausted(message: str, request: Request, outcomes: int) -> RouteExhausted:
    return RouteExhausted(message, request=request, outcomes=outcomes)


@dataclasses.dataclass(frozen=True, slots=True)
class Call:
    """
    One request a mock transport received, and what it answered.

    Attributes:
        request: The request as the transport received it; a streamed body was
            read, so ``content`` is ``bytes`` (or ``None`` for no body).
        response: The response handed back, or ``None`` if the transport raised.
        error: What the transport raised (a side effect, ``NoRouteMatched``,
            ``RouteExhausted``), or ``None``.
        route: The route that matched, or ``None`` (unmatched, or answered by the
            transport's handler).
    """

    request: Request
    response: Response[JSON] | None
    error: BaseException | None
    route: Route | None

    def json(self) -> JSON:
        """
        Return the request body parsed as JSON.

        Raises:
            ValueError: If the request has no body or it is not JSON
                (``json.JSONDecodeError`` is a ``ValueError``).
        """
        body = self.request.content
        if not isinstance(body, bytes) or not body:
            raise ValueError(f"{self.request!r} has no body to parse as JSON")
        return jsonlib.loads(body)


class CallList(list[Call]):
    """
    Calls in the order received: a ``list[Call]`` with ``last``.

    Live: the transport appends to it as requests arrive (under its lock).
    """

    @property
    def last(self) -> Call:
        """
        The most recent call.

        Raises:
            IndexError: If there was no call yet.
        """
        if not self:
            raise IndexError("no call recorded yet")
        return self[-1]


# -- requests, as matching sees them --------------------------------------------------


class _View:
    """A request split once into what routes compare; the JSON body parsed lazily."""

    __slots__ = (
        "_json",
        "body",
        "host",
        "method",
        "origin",
        "path",
        "port",
        "query",
        "request",
        "scheme",
        "url",
    )

    def __init__(self, request: Request) -> None:
        self.request = request
        self.method = request.method
        self.url = request.url.split("#", 1)[0].split("?", 1)[0]
        parts = urlsplit(request.url)
        self.scheme = parts.scheme.lower()
        self.host = parts.hostname or ""
        try:
            port = parts.port
        except ValueError:  # not a number: matches no route's port
            port = -1
        self.port = port if port is not None else _DEFAULT_PORTS.get(self.scheme)
        self.path = parts.path or "/"
        self.query = parse_qsl(parts.query, keep_blank_values=True)
        body = request.content
        self.body = body if isinstance(body, bytes) else b""
        self._json: object = UNSET

    def json(self) -> object:
        """The body parsed as JSON, or ``UNSET`` if it is not JSON."""
        if self._json is UNSET:
            try:
                self._json = jsonlib.loads(self.body)
            except ValueError:
                self._json = _NOT_JSON
        return self._json

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]


_NOT_JSON: Final = object()


# -- URL patterns ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _UrlPattern:
    """A compiled ``url=`` criterion."""

    shown: str
    regex: re.Pattern[str] | None = None  # a user's regex, on the URL w/o query
    origin: tuple[str, str, int | None] | None = None  # None: any origin
    path: re.Pattern[str] | None = None  # None: any path

    def matches(self, view: _View) -> bool:
        if self.regex is not None:
            return self.regex.fullmatch(view.url) is not None
        if self.origin is not None and self.origin != (
            view.scheme,
            view.host,
            view.port,
        ):
            return False
        return self.path is None or self.path.fullmatch(view.path) is not None


def _origin(url: str, what: str) -> tuple[tuple[str, str, int | None], str, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ConfigurationError(
            f"{what}={redact_url(url)!r} is not an absolute http(s) URL: give "
            "'https://host/path', or a path starting with '/'"
        )
    try:
        port = parts.port
    except ValueError:
        raise ConfigurationError(
            f"{what}={redact_url(url)!r} has an invalid port"
        ) from None
    if port is None:
        port = _DEFAULT_PORTS[scheme]
    return (scheme, parts.hostname, port), parts.path, parts.query


def _template(path: str) -> re.Pattern[str]:
    """Compile a path template: ``{name}`` one segment, ``{name:path}`` the rest."""
    pieces: list[str] = []
    end = 0
    for match in _PLACEHOLDER.finditer(path):
        pieces.append(_literal(path[end : match.start()], path))
        pieces.append(".*" if match[2] else "[^/]+")
        end = match.end()
    pieces.append(_literal(path[end:], path))
    return re.compile("".join(pieces))


def _literal(text: str, path: str) -> str:
    if "{" in text or "}" in text:
        raise ConfigurationError(
            f"url path {path!r} has a brace that is not a placeholder: use {{name}} "
            "for one path segment or {name:path} for the rest of the path, or a "
            "re.Pattern"
        )
    return re.escape(text)


def _compile_url(
    url: str | re.Pattern[str] | None, base: tuple[tuple[str, str, int | None], str]
) -> tuple[_UrlPattern | None, list[tuple[str, str]]]:
    """Return the compiled pattern and the query parameters a string URL carries."""
    base_origin, base_path = base
    if url is None:
        if base_origin[0] == "":
            return None, []
        prefix = re.escape(base_path.rstrip("/"))
        return (
            _UrlPattern(
                shown=_base_shown(base) + "…",
                origin=base_origin,
                path=re.compile(prefix + "(?:/.*)?"),
            ),
            [],
        )
    if isinstance(url, re.Pattern):
        if not isinstance(url.pattern, str):
            raise ConfigurationError(
                "url= got a bytes regex: compile a str pattern, re.compile(r'...')"
            )
        return _UrlPattern(shown=f"re.compile({url.pattern!r})", regex=url), []
    if not isinstance(url, str):
        raise ConfigurationError(
            f"url= got a {type(url).__name__}: give a str (an absolute URL or a path "
            "starting with '/'), a re.Pattern, or None for any URL"
        )
    if "#" in url:
        raise ConfigurationError(
            f"url={redact_url(url)!r} has a fragment: a client never sends one"
        )
    if url.startswith("/"):
        path, _, query = url.partition("?")
        if base_origin[0] == "":
            return (
                _UrlPattern(shown=redact_url(url), path=_template(path)),
                parse_qsl(query, keep_blank_values=True),
            )
        full = base_path.rstrip("/") + path
        return (
            _UrlPattern(
                shown=redact_url(
                    _base_shown(base) + path + ("?" + query if query else "")
                ),
                origin=base_origin,
                path=_template(full),
            ),
            parse_qsl(query, keep_blank_values=True),
        )
    origin, path, query = _origin(url, "url")
    return (
        _UrlPattern(shown=redact_url(url), origin=origin, path=_template(path or "/")),
        parse_qsl(query, keep_blank_values=True),
    )


def _base_shown(base: tuple[tuple[str, str, int | None], str]) -> str:
    (scheme, host, port), path = base
    netloc = f"[{host}]" if ":" in host else host
    if port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    return f"{scheme}://{netloc}{path.rstrip('/')}"


_ANY_ORIGIN: Final[tuple[tuple[str, str, int | None], str]] = (("", "", None), "")


def _parse_base_url(base_url: str | None) -> tuple[tuple[str, str, int | None], str]:
    if base_url is None:
        return _ANY_ORIGIN
    if not isinstance(base_url, str):
        raise ConfigurationError(
            f"base_url= got a {type(base_url).__name__}: give a str such as "
            "'https://api.test/v1', or None"
        )
    origin, path, query = _origin(base_url, "base_url")
    if query or "#" in base_url:
        raise ConfigurationError(
            f"base_url={redact_url(base_url)!r} has a query or fragment: give "
            "scheme, host and path only"
        )
    return origin, path


# -- criteria -------------------------------------------------------------------------


def _param_values(name: str, value: object) -> tuple[str, ...]:
    def one(item: object) -> str:
        if isinstance(item, bytes):
            return item.decode()
        if isinstance(item, str | int | float):
            return str(item)
        raise ConfigurationError(
            f"params={{{name!r}: {type(item).__name__}}}: give a str, int or float, "
            "or a list of them for a repeated parameter"
        )

    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return (one(value),)
    return tuple(one(item) for item in value)


def _show_param(name: str, values: Sequence[str]) -> str:
    if not values:
        return f"no {name}"
    if is_sensitive_name(name):
        values = [REDACTED] * len(values)
    return "&".join(f"{name}={v}" for v in values)


def _show_header(name: str, value: str | None) -> str:
    if value is None:
        return f"no {name}"
    return f"{name}: {REDACTED if is_sensitive_name(name) else value}"


def _redact_json(value: object) -> object:
    if isinstance(value, dict):
        return {
            k: REDACTED
            if isinstance(k, str) and is_sensitive_name(k)
            else _redact_json(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_json(v) for v in value]
    return value


def _show_json(value: object) -> str:
    text = jsonlib.dumps(_redact_json(value), separators=(",", ":"), sort_keys=True)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"


# -- routes ---------------------------------------------------------------------------


class _Raise:
    """An exception outcome, copied fresh for every request it answers."""

    __slots__ = ("error",)

    def __init__(self, error: RequestError | type[RequestError]) -> None:
        self.error = error

    def build(self, request: Request, route: Route | None) -> RequestError:
        error = self.error
        if isinstance(error, type):
            return error(f"mock {route!r} raised {error.__name__}", request=request)
        fresh = copy.copy(error)
        if fresh.request is None:
            fresh.request = request
        return fresh


_Step: TypeAlias = Response[object] | _Raise | Responder


def _step(outcome: object, where: str) -> _Step:
    """Check one outcome and turn it into what ``Route`` answers with."""
    if isinstance(outcome, Response):
        return outcome
    if isinstance(outcome, bool):
        raise ConfigurationError(f"{where} got {outcome!r}: give a status code")
    if isinstance(outcome, int):
        return Response(_check_status(outcome, where))
    if isinstance(outcome, type) and issubclass(outcome, BaseException):
        if issubclass(outcome, RequestError):
            return _Raise(outcome)
        raise _not_restwell(outcome.__name__, where)
    if isinstance(outcome, BaseException):
        if isinstance(outcome, RequestError):
            return _Raise(outcome)
        raise _not_restwell(type(outcome).__name__, where)
    if callable(outcome):
        # A Responder; what it returns is checked when called (checked_response).
        return cast("Responder", outcome)
    raise ConfigurationError(
        f"{where} got a {type(outcome).__name__}: give a Response, a status code, a "
        "restwell RequestError (class or instance), or a callable (Request) -> Response"
    )


def _not_restwell(name: str, where: str) -> ConfigurationError:
    return ConfigurationError(
        f"{where} got {name}: a transport raises restwell errors, so a mock raises "
        "them too: give a restwell.TransportError subclass such as "
        "restwell.ConnectError or restwell.ReadTimeout (class or instance); raise "
        "anything else from a callable"
    )


def _check_status(status: int, where: str) -> int:
    if not 100 <= status <= 999:
        raise ConfigurationError(f"{where} got status {status}: give 100 to 999")
    return status


class Route:
    """
    One route of a mock transport: what a request must look like, and the answer.

    Declared with ``mock.route(...)`` or ``mock.get(...)``, ``mock.post(...)``, …
    (see ``MockRouter.route`` for the criteria), then given its answer with
    ``respond(...)``, ``respond_sequence([...])`` or ``side_effect``. A route with
    no answer set answers ``200`` with an empty body.

    Attributes:
        name: The name it was declared with, or ``None``; shown in its ``repr``.
        method: The method it matches, upper-case, or ``None`` for any.
        calls: The calls it answered, oldest first (``CallList``, live).
    """

    def __init__(
        self,
        method: str | None,
        url: _UrlPattern | None,
        *,
        params: tuple[tuple[str, tuple[str, ...]], ...],
        headers: tuple[tuple[str, str], ...],
        json: object,
        content: bytes | None,
        name: str | None,
    ) -> None:
        self.name = name
        self.method = method
        self._url = url
        self._params = params
        self._headers = headers
        self._json = json
        self._content = content
        self.calls = CallList()
        self._given: SideEffect | None = None  # as set, for reading side_effect
        self._effect: _Step | None = None
        self._sequence: Iterator[object] | None = None
        self._sequence_length: int | None = None
        self._sequence_used = 0

    def __repr__(self) -> str:
        label = f"{self.name!r}: " if self.name else ""
        where = "*" if self._url is None else self._url.shown
        return f"<Route {label}{self.method or '*'} {where}>"

    @property
    def called(self) -> bool:
        """Whether the route answered at least one request."""
        return bool(self.calls)

    @property
    def call_count(self) -> int:
        """How many requests the route answered (``int``)."""
        return len(self.calls)

    # -- answers ----------------------------------------------------------------------

    def respond(
        self,
        status: int | Response[object] = 200,
        *,
        headers: Mapping[str, str] | None = None,
        json: JSON | Unset = UNSET,
        text: str | None = None,
        content: bytes | None = None,
    ) -> Self:
        """
        Answer every request with the same response.

        Args:
            status: The status code (100 to 999), or a whole ``Response`` (then no
                other argument). Default 200.
            headers: Response headers. Default none, besides the content type.
            json: A JSON body (anything ``json=`` takes in a call), sent with
                ``content-type: application/json``. Default: none.
            text: A text body, UTF-8, sent with ``text/plain; charset=utf-8``.
            content: A raw body (``bytes``).

        Returns:
            The route, for chaining.

        Raises:
            ConfigurationError: If the status is out of range, more than one of
                ``json``/``text``/``content`` is given, or a ``Response`` comes
                with other arguments.
        """
        if isinstance(status, Response):
            if (headers, text, content) != (None, None, None) or json is not UNSET:
                raise ConfigurationError(
                    "respond() got a Response and more arguments: put headers and "
                    "body in the Response, or give a status code instead"
                )
            self._set(status, status)
            return self
        response = _build(status, headers, json, text, content)
        self._set(response, response)
        return self

    def respond_sequence(self, outcomes: Iterable[Outcome]) -> Self:
        """
        Answer each request with the next outcome, in order; then fail.

        Args:
            outcomes: ``Outcome`` values: a ``Response``, a status code, a restwell
                ``RequestError`` class or instance, or a ``Responder``. A list or
                tuple is checked now; another iterable (a generator) item by item
                as requests arrive.

        Returns:
            The route, for chaining.

        Raises:
            ConfigurationError: If an outcome is none of the above (at once for a
                list or tuple).

        A request after the last outcome raises ``RouteExhausted``.
        """
        if isinstance(outcomes, str | bytes | Response) or not isinstance(
            outcomes, Iterable
        ):
            raise ConfigurationError(
                f"respond_sequence() got a {type(outcomes).__name__}: give a list of "
                "outcomes, e.g. [503, Response(200, content=b'ok')]"
            )
        if isinstance(outcomes, Sequence):
            checked = [
                _step(item, f"respond_sequence() item {i}")
                for i, item in enumerate(outcomes)
            ]
            self._set_sequence(outcomes, iter(checked), len(checked))
        else:
            self._set_sequence(outcomes, iter(outcomes), None)
        return self

    @property
    def side_effect(self) -> SideEffect | None:
        """
        What the route answers with, set as respx's ``side_effect`` is.

        Setting it to one ``Outcome`` answers every request with it (an exception
        is raised afresh each time, with the request set); setting it to an
        iterable is ``respond_sequence(iterable)``; ``None`` restores the default
        (200, empty). Reading it gives what was set last: the value given to
        ``side_effect``, the iterable given to ``respond_sequence``, or the
        ``Response`` that ``respond`` answers with.

        Raises:
            ConfigurationError: On a value that is not an ``Outcome`` or an
                iterable of them.
        """
        return self._given

    @side_effect.setter
    def side_effect(self, effect: SideEffect | None) -> None:
        given: SideEffect | None = effect  # before the checks below narrow it
        if effect is None:
            self._set(None, None)
        elif (
            isinstance(effect, Iterable)
            and not isinstance(effect, str | bytes | Response)
            and not callable(effect)
        ):
            self.respond_sequence(effect)
        else:
            self._set(_step(effect, "side_effect="), given)

    def _set(self, effect: _Step | None, given: SideEffect | None) -> None:
        self._given = given
        self._effect = effect
        self._sequence = None
        self._sequence_length = None
        self._sequence_used = 0

    def _set_sequence(
        self, given: Iterable[Outcome], outcomes: Iterator[object], length: int | None
    ) -> None:
        self._given = given
        self._effect = None
        self._sequence = outcomes
        self._sequence_length = length
        self._sequence_used = 0

    def _next(self, request: Request) -> _Step | BaseException:
        """The answer to ``request``: called under the router's lock."""
        if self._sequence is None:
            return Response(200) if self._effect is None else self._effect
        try:
            item = next(self._sequence)
        except StopIteration:
            return RouteExhausted(
                f"{self!r} answered every outcome of its sequence "
                f"({self._sequence_used}), and got one request more: "
                f"{request.method} {redact_url(request.url)}; add outcomes to "
                "respond_sequence([...]), or use respond(...) for one answer to "
                "every request",
                request=request,
                outcomes=self._sequence_used,
            )
        self._sequence_used += 1
        if self._sequence_length is not None:  # checked when declared
            return item  # type: ignore[return-value]  # a _Step
        try:
            return _step(item, f"respond_sequence() item {self._sequence_used - 1}")
        except ConfigurationError as exc:
            return exc

    # -- matching ---------------------------------------------------------------------

    def _differences(self, view: _View, *, first_only: bool) -> list[str]:
        """What differs between the route and the request; [] when it matches."""
        found: list[str] = []
        if self.method is not None and self.method != view.method:
            found.append(f"method: wants {self.method}, got {view.method}")
            if first_only:
                return found
        if self._url is not None and not self._url.matches(view):
            found.append(f"url: wants {self._url.shown}, got {redact_url(view.url)}")
            if first_only:
                return found
        for name, wanted in self._params:
            got = view.values(name)
            if tuple(got) != wanted:
                found.append(
                    f"params: wants {_show_param(name, wanted)}, "
                    f"got {_show_param(name, got)}"
                )
                if first_only:
                    return found
        headers = view.request.headers
        for name, wanted_value in self._headers:
            value = headers.get(name)
            if value != wanted_value:
                found.append(
                    f"headers: wants {_show_header(name, wanted_value)}, "
                    f"got {_show_header(name, value)}"
                )
                if first_only:
                    return found
        if self._json is not UNSET:
            got_json = view.json()
            if got_json is _NOT_JSON:
                found.append(
                    f"json: wants {_show_json(self._json)}, got a body that is not "
                    f"JSON ({len(view.body)} bytes)"
                )
            elif got_json != self._json:
                found.append(
                    f"json: wants {_show_json(self._json)}, got {_show_json(got_json)}"
                )
            if first_only and found:  # nothing was found before this check
                return found
        if self._content is not None and self._content != view.body:
            found.append(
                f"content: wants {len(self._content)} bytes, got {len(view.body)} "
                "bytes that differ (bodies are not shown: they may hold credentials)"
            )
        return found


def _build(
    status: int,
    headers: Mapping[str, str] | None,
    json: object,
    text: str | None,
    content: bytes | None,
) -> Response[object]:
    given = (json is not UNSET) + (text is not None) + (content is not None)
    if given > 1:
        raise ConfigurationError("respond() takes one of json=, text= and content=")
    if isinstance(status, bool) or not isinstance(status, int):
        raise ConfigurationError(
            f"respond() got status={status!r}: give an int, or a Response"
        )
    _check_status(status, "respond()")
    body = b""
    content_type = None
    if json is not UNSET:
        try:
            body = _dumps(json)
        except TypeError as exc:
            raise ConfigurationError(
                f"respond(json=...) cannot be encoded: {exc}"
            ) from exc
        content_type = "application/json"
    elif text is not None:
        if not isinstance(text, str):
            raise ConfigurationError(
                f"respond(text=) got a {type(text).__name__}: give a str "
                "(content= takes bytes)"
            )
        body, content_type = text.encode(), "text/plain; charset=utf-8"
    elif content is not None:
        if not isinstance(content, bytes):
            raise ConfigurationError(
                f"respond(content=) got a {type(content).__name__}: give bytes "
                "(text= takes a str, json= a JSON value)"
            )
        body = content
    response: Response[object] = Response(status, headers=headers, content=body)
    if content_type is not None and "content-type" not in response.headers:
        response.headers["content-type"] = content_type
    return response


def checked_response(result: object, answer: object) -> Response[object]:
    """
    Return what a handler or ``Responder`` returned, checked to be a ``Response``.

    Raises:
        ConfigurationError: If it is not a ``restwell.Response``.
    """
    if isinstance(result, Response):
        return result
    raise ConfigurationError(
        f"mock answer {answer!r} returned a {type(result).__name__}: a handler or "
        "side_effect callable must return a restwell.Response (or raise a restwell "
        "error)"
    )


# -- the router -----------------------------------------------------------------------


def _distance(scored: tuple[list[str], Route]) -> tuple[bool, bool, int]:
    """How far a route is from a request: URL first, then method, then the rest."""
    differences = scored[0]
    url = any(line.startswith("url:") for line in differences)
    method = any(line.startswith("method:") for line in differences)
    return url, method, len(differences) - url - method


@dataclasses.dataclass(frozen=True, slots=True)
class _Plan:
    """How the transport answers one request."""

    route: Route | None
    step: _Step | BaseException | None  # None: call the transport's handler


class Criteria(TypedDict, total=False):
    """
    The criteria and answer of a bodyless route (``get``, ``head``, ``options``).

    Each key means what ``MockRouter.route``'s argument of that name means.
    """

    params: Mapping[str, PrimitiveData | Sequence[PrimitiveData]] | None
    headers: Mapping[str, str] | None
    name: str | None
    side_effect: SideEffect | None


class BodyCriteria(Criteria, total=False):
    """``Criteria`` plus the body's: ``json`` and ``content`` (``route``'s)."""

    json: JSON | Unset
    content: bytes | str | None


class MockRouter:
    """
    Routes and call history: what both mock transports share; not a transport.

    Declare routes with ``route(...)`` or a verb (``get``, ``post``, ``put``,
    ``patch``, ``delete``, ``head``, ``options``), each returning a ``Route`` to
    give an answer to. The first declared route that matches a request answers it.
    A request no route matches goes to the transport's handler if it has one, and
    otherwise raises ``NoRouteMatched``, naming the closest route and what differed.

    Args:
        base_url: Joined in front of route URLs that are paths (``"/users/{id}"``);
            a route without ``url`` then matches any URL under it. An absolute
            ``http``/``https`` URL without query. Default ``None``: a path matches
            on any origin, and no URL at all matches any URL.

    Attributes:
        calls: Every request received and its outcome, oldest first
            (``CallList`` of ``Call``, live), unmatched ones included.
        requests: Every request received, oldest first (``list[Request]``).

    Raises:
        ConfigurationError: If ``base_url`` is not as above.

    Thread-safe: matching and recording take a lock, so a sync client may be used
    from several threads.
    """

    def __init__(self, *, base_url: str | None = None) -> None:
        self._base = _parse_base_url(base_url)
        self._routes: list[Route] = []
        self._lock = threading.Lock()
        self.calls = CallList()
        self.requests: list[Request] = []

    @property
    def routes(self) -> tuple[Route, ...]:
        """The declared routes, in declaration (and matching) order."""
        return tuple(self._routes)

    def route(
        self,
        method: str | None = None,
        url: str | re.Pattern[str] | None = None,
        *,
        params: Mapping[str, PrimitiveData | Sequence[PrimitiveData]] | None = None,
        headers: Mapping[str, str] | None = None,
        json: JSON | Unset = UNSET,
        content: bytes | str | None = None,
        name: str | None = None,
        side_effect: SideEffect | None = None,
    ) -> Route:
        """
        Declare a route: the criteria a request must meet (all of them).

        Args:
            method: HTTP method, any case; ``None`` for any. Default ``None``.
            url: An absolute URL (``"https://api.test/users/{id}"``), a path
                (``"/users/{id}"``, joined to ``base_url``), or a ``re.Pattern``
                matched against the whole URL without query; ``None`` for any.
                ``{name}`` matches one path segment, ``{name:path}`` the rest of
                the path (a prefix). A query string in a str URL adds ``params``.
            params: Query parameters the request must carry: name to value (a list
                for a repeated name, matched in order); values compared as
                ``str(value)``. Other parameters may be present too.
            headers: Headers the request must carry with these values; names any
                case. Other headers may be present too.
            json: A JSON value the request body must equal once parsed (``None``
                means JSON ``null``). Default: not compared.
            content: The exact request body (``str`` as UTF-8). Default: not
                compared.
            name: A name for the route, shown in errors. Default ``None``.
            side_effect: The route's answer, as ``Route.side_effect`` takes it.
                Default: 200 with an empty body (or set it with ``respond``).

        Returns:
            The new ``Route``.

        Raises:
            ConfigurationError: If a criterion has the wrong type or form (a URL
                without scheme that is not a path, a stray brace in a path,
                a parameter value that is not a str, int or float, a json value
                JSON cannot encode), or ``params`` and the URL's query name the
                same parameter.
        """
        if method is not None:
            given: object = method  # checked: users pass anything
            if not isinstance(given, str) or not _METHOD.fullmatch(given):
                raise ConfigurationError(
                    f"method={method!r} is not an HTTP method: give e.g. 'GET', or "
                    "None for any"
                )
            method = method.upper()
        pattern, query = _compile_url(url, self._base)
        wanted: dict[str, tuple[str, ...]] = {}
        for key, text in query:
            wanted[key] = (*wanted.get(key, ()), text)
        for key, value in (params or {}).items():
            if key in wanted:
                raise ConfigurationError(
                    f"params= and the url's query both name {key!r}: give it once"
                )
            wanted[key] = _param_values(key, value)
        header_pairs: list[tuple[str, str]] = []
        pairs: list[tuple[object, object]] = list((headers or {}).items())
        for name_, value_ in pairs:  # checked: users pass anything
            if not isinstance(name_, str) or not isinstance(value_, str):
                raise ConfigurationError(
                    f"headers= maps str to str: got {type(name_).__name__} to "
                    f"{type(value_).__name__}"
                )
            header_pairs.append((name_, value_))
        expected: object = UNSET
        if json is not UNSET:
            try:
                expected = jsonlib.loads(_dumps(json))  # tuples, models: as sent
            except TypeError as exc:
                raise ConfigurationError(
                    f"route(json=...) cannot be encoded: {exc}"
                ) from exc
        body = content.encode() if isinstance(content, str) else content
        if body is not None and not isinstance(body, bytes):
            raise ConfigurationError(
                f"content= got a {type(content).__name__}: give bytes or a str"
            )
        route = Route(
            method,
            pattern,
            params=tuple(wanted.items()),
            headers=tuple(header_pairs),
            json=expected,
            content=body,
            name=name,
        )
        if side_effect is not None:
            route.side_effect = side_effect
        with self._lock:
            self._routes.append(route)
        return route

    def get(
        self, url: str | re.Pattern[str] | None = None, **criteria: Unpack[Criteria]
    ) -> Route:
        """Declare a GET route; the arguments are ``route``'s."""
        return self.route("GET", url, **criteria)

    def head(
        self, url: str | re.Pattern[str] | None = None, **criteria: Unpack[Criteria]
    ) -> Route:
        """Declare a HEAD route; the arguments are ``route``'s."""
        return self.route("HEAD", url, **criteria)

    def options(
        self, url: str | re.Pattern[str] | None = None, **criteria: Unpack[Criteria]
    ) -> Route:
        """Declare a OPTIONS route; the arguments are ``route``'s."""
        return self.route("OPTIONS", url, **criteria)

    def delete(
        self, url: str | re.Pattern[str] | None = None, **criteria: Unpack[BodyCriteria]
    ) -> Route:
        """Declare a DELETE route; the arguments are ``route``'s."""
        return self.route("DELETE", url, **criteria)

    def post(
        self, url: str | re.Pattern[str] | None = None, **criteria: Unpack[BodyCriteria]
    ) -> Route:
        """Declare a POST route; the arguments are ``route``'s."""
        return self.route("POST", url, **criteria)

    def put(
        self, url: str | re.Pattern[str] | None = None, **criteria: Unpack[BodyCriteria]
    ) -> Route:
        """Declare a PUT route; the arguments are ``route``'s."""
        return self.route("PUT", url, **criteria)

    def patch(
        self, url: str | re.Pattern[str] | None = None, **criteria: Unpack[BodyCriteria]
    ) -> Route:
        """Declare a PATCH route; the arguments are ``route``'s."""
        return self.route("PATCH", url, **criteria)

    # -- assertions -------------------------------------------------------------------

    def assert_all_called(self) -> None:
        """
        Check that every declared route answered at least one request.

        Raises:
            AssertionError: Naming each route never called.
        """
        idle = [route for route in self.routes if not route.called]
        if idle:
            names = ", ".join(repr(route) for route in idle)
            raise AssertionError(
                f"{len(idle)} of {len(self._routes)} mock routes were never called: "
                f"{names}"
            )

    def assert_all_matched(self) -> None:
        """
        Check that no request went unmatched (even if the code caught the error).

        Raises:
            AssertionError: Naming each unmatched request (URLs redacted).
        """
        missed = [call for call in self.calls if isinstance(call.error, NoRouteMatched)]
        if missed:
            shown = ", ".join(
                f"{c.request.method} {redact_url(c.request.url)}" for c in missed
            )
            raise AssertionError(
                f"{len(missed)} request(s) matched no mock route: {shown}"
            )

    def reset(self) -> None:
        """Forget every call (``calls``, ``requests``, each route's); keep routes."""
        with self._lock:
            self.calls.clear()
            self.requests.clear()
            for route in self._routes:
                route.calls.clear()

    # -- used by the transports -------------------------------------------------------

    def _plan(self, request: Request, *, has_handler: bool) -> _Plan:
        """Record ``request`` and decide who answers it (the first matching route)."""
        with self._lock:
            self.requests.append(request)
            routes = self._routes
            if not routes:
                if has_handler:
                    return _Plan(None, None)
                return _Plan(None, self._unmatched(request, None, []))
            view = _View(request)
            for route in routes:
                if not route._differences(view, first_only=True):
                    return _Plan(route, route._next(request))
            if has_handler:
                return _Plan(None, None)
            scored = [
                (route._differences(view, first_only=False), route) for route in routes
            ]
            differences, closest = min(scored, key=_distance)
            return _Plan(None, self._unmatched(request, closest, differences))

    def _unmatched(
        self, request: Request, closest: Route | None, differences: list[str]
    ) -> NoRouteMatched:
        head = f"no mock route matched {request.method} {redact_url(request.url)}"
        if closest is None:
            message = (
                f"{head}: the mock has no routes and no handler; declare one, e.g. "
                "mock.get(url).respond(200, json=...)"
            )
        else:
            lines = "\n".join(f"  - {line}" for line in differences)
            message = (
                f"{head}\nclosest route: {closest!r} "
                f"({len(self._routes)} declared), which differs in:\n{lines}"
            )
        return NoRouteMatched(
            message, request=request, closest=closest, differences=tuple(differences)
        )

    def _answer(
        self, plan: _Plan, request: Request, handler: Responder | None
    ) -> Response[object] | Responder:
        """
        Return the plan's ready response, or the callable that makes it.

        Raises:
            BaseException: The plan's error (recorded first): a side effect built
                afresh for ``request``, ``NoRouteMatched`` or ``RouteExhausted``.
        """
        step = plan.step
        if isinstance(step, Response):
            return step
        if isinstance(step, _Raise):
            step = step.build(request, plan.route)
        if isinstance(step, BaseException):
            self._record(plan, request, None, step)
            raise step
        if step is None:
            assert handler is not None  # noqa: S101  # planned only with a handler
            return handler
        return step

    def _record(
        self,
        plan: _Plan,
        request: Request,
        response: Response[JSON] | None,
        error: BaseException | None,
    ) -> None:
        call = Call(request, response, error, plan.route)
        with self._lock:
            self.calls.append(call)
            if plan.route is not None:
                plan.route.calls.append(call)
