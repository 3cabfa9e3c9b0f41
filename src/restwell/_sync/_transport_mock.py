# GENERATED from src/restwell/_async/_transport_mock.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
Mock transports: answer requests from routes or a function, for tests of pure logic.

The routing (which route answers, with what) is ``_mock_router.MockRouter``, shared
by both twins; this driver reads a streamed request body, as a real transport would,
calls a callable answer (awaiting it here) and hands the response over, streamed.
For behaviour that crosses the network, use ``restwell.testing.FaultServer``.
"""

from __future__ import annotations

from collections.abc import Iterator

from .._body import iter_chunks
from .._mock_router import MockRouter, checked_response
from .._models import Request, Response
from .._transport_base import MockHandler, handler_response
from .._types import JSON

__all__ = ["MockTransport"]


class _BytesStream:
    """A body already in memory, as a response stream."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes) -> None:
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        if self._body:
            yield self._body

    def read(self) -> bytes:
        return self._body

    def close(self) -> None:
        return None


def _prepare(request: Request, response: Response[object]) -> Response[JSON]:
    body = response._content if response.is_read else b""
    mock = Response(
        response.status_code,
        headers=response.headers.copy(),
        stream=_BytesStream(body),
        request=request,
        url=response.url or request.url,
        http_version=response.http_version,
        reason_phrase=response.reason_phrase,
        raw=response,
    )
    return mock


class MockTransport(MockRouter):
    """
    A transport that answers from declared routes, or with a function.

    Routes (see ``MockRouter``): declare them, then send through a client::

        mock = MockTransport(base_url="https://api.test")
        mock.get("/users/{id}").respond(200, json={"id": 1})
        mock.post("/users", json={"name": "a"}).respond_sequence([503, 201])
        client = Client(transport=mock)

    The first route that matches a request answers it; a request no route matches
    goes to ``handler`` if there is one, else raises ``NoRouteMatched`` naming the
    closest route and what differed. ``mock.calls``, ``route.calls``,
    ``route.called`` and ``mock.assert_all_called()`` tell what happened.

    A streamed request body (an iterable of ``bytes``) is read, as a real
    transport would read it; routes, callables and the history then see a shallow
    copy of the request whose ``content`` is those bytes (a ``bytes`` body is left
    as it is, and the request object itself is passed on).

    Args:
        handler: ``(Request) -> Response``, answering requests no route matches
            (every request, without routes); the async transport also takes
            ``async (Request) -> Response``. Build responses as
            ``Response(503, headers={"Retry-After": "1"}, content=b"...")``. It may
            raise restwell errors to simulate transport failures. Default ``None``.
        base_url: Joined in front of route URLs that are paths; see
            ``MockRouter``. Default ``None``.

    Attributes:
        handler: The handler given, or ``None``.
        requests: Every request received, in order (``list[Request]``).
        calls: Every request with its outcome (``CallList`` of ``Call``).
        closed: Whether ``close()`` was called.

    Raises:
        ConfigurationError: If ``base_url`` is not an absolute http(s) URL.

    For behaviour that crosses the network, use ``restwell.testing.FaultServer``.

    .. versionchanged:: 0.2
        Routes, call history and assertions; ``handler`` became optional.
    """

    def __init__(
        self, handler: MockHandler | None = None, *, base_url: str | None = None
    ) -> None:
        super().__init__(base_url=base_url)
        self.handler = handler
        self.closed = False

    def send(self, request: Request) -> Response[JSON]:
        """
        Record ``request`` and return its answer as a streamed response.

        Raises:
            NoRouteMatched: If no route matches and there is no handler.
            RouteExhausted: If the matching route's sequence is used up.
            RequestError: A route's exception side effect, or what a handler or
                callable raised.
        """
        seen = request
        content = request.content
        if content is not None and not isinstance(content, bytes):
            seen = request.copy_for_attempt(request.attempt)
            seen.content = b"".join(list(iter_chunks(content)))
        plan = self._plan(seen, has_handler=self.handler is not None)
        answer = self._answer(plan, seen, self.handler)
        try:
            if not isinstance(answer, Response):
                answer = checked_response(handler_response(answer(seen)), answer)
        except BaseException as exc:
            self._record(plan, seen, None, exc)
            raise
        response = _prepare(request, answer)
        self._record(plan, seen, response, None)
        return response

    def close(self) -> None:
        """Mark the transport closed."""
        self.closed = True
