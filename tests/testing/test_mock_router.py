"""
The mock router's matching, answers and history, without a client or a socket.

Requests go straight to ``MockTransport.send``: routing is pure code
(``restwell._mock_router``), shared by both mock transports. The same router through
both clients, retries included, is tests/_async/test_mock_router.py.
"""

from __future__ import annotations

import contextlib
import pickle
import re
import threading
from collections.abc import Iterator

import pytest

import restwell
from restwell.testing import (
    Call,
    MockTransport,
    NoRouteMatched,
    Route,
    RouteExhausted,
)


def send(
    mock: MockTransport,
    url: str,
    method: str = "GET",
    *,
    headers: dict[str, str] | None = None,
    content: bytes | Iterator[bytes] | None = None,
) -> restwell.Response:
    request = restwell.Request(method, url, headers=headers, content=content)
    response = mock.send(request)
    response.read()
    return response


def matches(route_kwargs: dict[str, object], url: str, **request: object) -> bool:
    """Whether a route declared with ``route_kwargs`` answers one request."""
    mock = MockTransport()
    mock.route(**route_kwargs).respond(204)  # type: ignore[arg-type]
    try:
        send(mock, url, **request)  # type: ignore[arg-type]
    except NoRouteMatched:
        return False
    return True


# -- criteria ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "url", "expected"),
    [
        # exact URLs: scheme, host and port compared; default ports and case ignored
        ({"url": "https://api.test/x"}, "https://api.test/x", True),
        ({"url": "https://api.test/x"}, "https://API.test:443/x", True),
        ({"url": "http://api.test:80/x"}, "http://api.test/x", True),
        ({"url": "https://api.test/x"}, "http://api.test/x", False),
        ({"url": "https://api.test/x"}, "https://api.test:8443/x", False),
        ({"url": "https://api.test/x"}, "https://other.test/x", False),
        ({"url": "https://api.test/x"}, "https://api.test/x/", False),
        ({"url": "https://api.test"}, "https://api.test/", True),
        ({"url": "http://[::1]:8080/x"}, "http://[::1]:8080/x", True),
        ({"url": "https://api.test/x"}, "https://api.test:port/x", False),
        # the query is not part of the URL criterion
        ({"url": "https://api.test/x"}, "https://api.test/x?page=2", True),
        # templates: {name} is one segment, {name:path} the rest
        ({"url": "https://api.test/users/{id}"}, "https://api.test/users/7", True),
        ({"url": "https://api.test/users/{id}"}, "https://api.test/users/7/x", False),
        ({"url": "https://api.test/users/{id}"}, "https://api.test/users/", False),
        ({"url": "https://api.test/a/{x}/b/{y}"}, "https://api.test/a/1/b/2", True),
        ({"url": "https://api.test/v1/{rest:path}"}, "https://api.test/v1/", True),
        ({"url": "https://api.test/v1/{rest:path}"}, "https://api.test/v1/a/b", True),
        ({"url": "https://api.test/v1/{rest:path}"}, "https://api.test/v2/a", False),
        # a regex matches the whole URL without its query
        (
            {"url": re.compile(r"https://api\.test/u/\d+")},
            "https://api.test/u/12",
            True,
        ),
        (
            {"url": re.compile(r"https://api\.test/u/\d+")},
            "https://api.test/u/12?q=1",
            True,
        ),
        (
            {"url": re.compile(r"https://api\.test/u/\d+")},
            "https://api.test/u/a",
            False,
        ),
        ({"url": re.compile(r"api\.test")}, "https://api.test/", False),
        # a path matches on any origin without a base_url
        ({"url": "/health"}, "https://a.test/health", True),
        ({"url": "/health"}, "http://b.test:9/health", True),
        ({"url": "/health"}, "https://a.test/healthz", False),
        # method: any case; None for any
        ({"method": "post"}, "https://api.test/", False),
        ({"method": None}, "https://api.test/", True),
        ({}, "https://anything.test/at/all", True),
    ],
)
def test_url_and_method_criteria(
    route: dict[str, object], url: str, expected: bool
) -> None:
    """Each URL form matches what its docstring says, and nothing else."""
    assert matches(route, url) is expected


def test_method_compared_case_insensitively() -> None:
    """A route declared "post" matches a POST."""
    assert matches({"method": "post"}, "https://api.test/", method="POST")
    assert not matches({"method": "POST"}, "https://api.test/", method="PUT")


@pytest.mark.parametrize(
    ("route", "url", "expected"),
    [
        ({"params": {"page": "2"}}, "https://a.test/?page=2&size=10", True),
        ({"params": {"page": 2}}, "https://a.test/?page=2", True),
        ({"params": {"page": "2"}}, "https://a.test/?page=3", False),
        ({"params": {"page": "2"}}, "https://a.test/", False),
        ({"params": {"tag": ["a", "b"]}}, "https://a.test/?tag=a&tag=b", True),
        ({"params": {"tag": ["a", "b"]}}, "https://a.test/?tag=b&tag=a", False),
        ({"params": {"tag": "a"}}, "https://a.test/?tag=a&tag=b", False),
        ({"params": {"q": "a b"}}, "https://a.test/?q=a+b", True),
        ({"params": {"q": "a b"}}, "https://a.test/?q=a%20b", True),
        ({"params": {"empty": ""}}, "https://a.test/?empty=", True),
        ({"params": {"b": b"x"}}, "https://a.test/?b=x", True),
        ({"url": "https://a.test/s?page=2"}, "https://a.test/s?x=1&page=2", True),
        ({"url": "https://a.test/s?page=2"}, "https://a.test/s", False),
        ({"url": "/s?page=2", "params": {"x": 1}}, "https://a.test/s?x=1&page=2", True),
    ],
)
def test_params_are_a_subset_match(
    route: dict[str, object], url: str, expected: bool
) -> None:
    """Given parameters must carry exactly the given values; others may be present."""
    assert matches(route, url) is expected


def test_headers_are_a_case_insensitive_subset_match() -> None:
    """Header names ignore case, values are exact, other headers may be present."""
    route = {"headers": {"x-api-key": "k1", "Accept": "application/json"}}
    sent = {"X-API-Key": "k1", "accept": "application/json", "X-Other": "1"}
    assert matches(route, "https://a.test/", headers=sent)
    assert not matches(route, "https://a.test/", headers={**sent, "X-API-Key": "k2"})
    assert not matches(route, "https://a.test/", headers={"X-API-Key": "k1"})


def test_json_body_is_compared_after_parsing() -> None:
    """Key order and spacing do not matter; a tuple equals a list; values do."""
    route = {"json": {"a": 1, "b": (1, 2)}}
    assert matches(route, "https://a.test/", content=b'{"b": [1, 2], "a": 1}')
    assert not matches(route, "https://a.test/", content=b'{"a": 2, "b": [1, 2]}')
    assert not matches(route, "https://a.test/", content=b"not json")
    assert not matches(route, "https://a.test/")
    assert matches({"json": None}, "https://a.test/", content=b"null")
    assert not matches({"json": None}, "https://a.test/")


def test_content_is_compared_exactly() -> None:
    """content= compares raw bytes; a str is UTF-8."""
    assert matches({"content": b"a=1"}, "https://a.test/", content=b"a=1")
    assert matches({"content": "é"}, "https://a.test/", content="é".encode())
    assert not matches({"content": b"a=1"}, "https://a.test/", content=b"a=2")


def test_a_streamed_body_is_read_and_recorded_as_bytes() -> None:
    """An iterable body is read as a transport would; the history holds the bytes."""
    mock = MockTransport()
    route = mock.post("/up", json={"n": 1}).respond(201)
    request = restwell.Request(
        "POST", "https://a.test/up", content=iter([b'{"n"', b": 1}"])
    )
    response = mock.send(request)
    assert response.status_code == 201
    assert response.request is request  # the client's request, as sent
    assert route.calls.last.request.content == b'{"n": 1}'
    assert route.calls.last.json() == {"n": 1}
    assert mock.requests == [route.calls.last.request]


def test_a_bytes_body_keeps_the_request_object() -> None:
    """Without a stream to read, routes and history see the very request sent."""
    mock = MockTransport()
    route = mock.post("/x").respond(200)
    request = restwell.Request("POST", "https://a.test/x", content=b"{}")
    mock.send(request)
    assert route.calls.last.request is request
    assert mock.requests == [request]


def test_base_url_joins_paths_and_bounds_routes_without_url() -> None:
    """Paths join the base path; a route without url matches only under base_url."""
    mock = MockTransport(base_url="https://api.test/v1/")
    user = mock.get("/users/{id}").respond(200)
    rest = mock.route().respond(204)
    assert send(mock, "https://api.test/v1/users/3").status_code == 200
    assert send(mock, "https://api.test/v1/other").status_code == 204
    assert send(mock, "https://api.test/v1").status_code == 204
    with pytest.raises(NoRouteMatched):
        send(mock, "https://api.test/v2/users/3")
    with pytest.raises(NoRouteMatched):
        send(mock, "https://api.test/v10")
    with pytest.raises(NoRouteMatched):
        send(mock, "https://other.test/v1/users/3")
    assert (user.call_count, rest.call_count) == (1, 2)
    assert repr(user) == "<Route GET https://api.test/v1/users/{id}>"
    assert repr(rest) == "<Route * https://api.test/v1…>"
    v6 = MockTransport(base_url="http://[::1]:8080/api")
    assert repr(v6.get("/x")) == "<Route GET http://[::1]:8080/api/x>"
    assert send(v6, "http://[::1]:8080/api/x").status_code == 200


def test_an_absolute_route_url_ignores_base_url() -> None:
    """An absolute URL is used as given, whatever the base_url."""
    mock = MockTransport(base_url="https://api.test")
    mock.get("https://other.test/x").respond(200)
    assert send(mock, "https://other.test/x").status_code == 200


def test_the_first_declared_matching_route_answers() -> None:
    """Routes are tried in declaration order."""
    mock = MockTransport()
    first = mock.get("/users/me").respond(200, text="me")
    second = mock.get("/users/{id}").respond(200, text="other")
    assert send(mock, "https://a.test/users/me").text == "me"
    assert send(mock, "https://a.test/users/9").text == "other"
    assert (first.call_count, second.call_count) == (1, 1)
    assert mock.routes == (first, second)


# -- unmatched requests --------------------------------------------------------------


def test_unmatched_request_names_it_and_the_closest_route() -> None:
    """The error names the request, the closest route, and each difference.

    Closest: a route with the request's URL, then its method, then the fewest other
    differences; so two small differences beat a wrong method and URL.
    """
    mock = MockTransport()
    mock.post("https://api.test/orders", name="orders")
    close = mock.get(
        "https://api.test/users/{id}", params={"v": 2}, headers={"Accept": "a/b"}
    )
    with pytest.raises(NoRouteMatched) as caught:
        send(mock, "https://api.test/users/7?v=3", headers={"Accept": "c/d"})
    err = caught.value
    assert isinstance(err, AssertionError)
    assert not isinstance(err, restwell.RestwellError)  # not retried nor swallowed
    assert err.closest is close
    assert err.differences == (
        "params: wants v=2, got v=3",
        "headers: wants Accept: a/b, got Accept: c/d",
    )
    assert str(err) == (
        "no mock route matched GET https://api.test/users/7?v=3\n"
        "closest route: <Route GET https://api.test/users/{id}> (2 declared), "
        "which differs in:\n"
        "  - params: wants v=2, got v=3\n"
        "  - headers: wants Accept: a/b, got Accept: c/d"
    )
    assert err.request.url == "https://api.test/users/7?v=3"
    [call] = mock.calls
    assert (call.route, call.error, call.response) == (None, err, None)


def test_ties_go_to_the_first_route_and_every_criterion_is_reported() -> None:
    """Method, URL, params, headers, JSON and content each get a line."""
    mock = MockTransport()
    route = mock.post(
        "https://api.test/a",
        name="everything",
        params={"p": 1},
        headers={"X-A": "1"},
        json={"a": 1},
    )
    mock.put(
        "https://api.test/b", params={"q": 1}, headers={"X-B": "1"}, content=b"abc"
    )
    with pytest.raises(NoRouteMatched) as caught:
        send(mock, "https://api.test/z", content=b"xyz0")
    assert caught.value.closest is route
    assert [line.split(":")[0] for line in caught.value.differences] == [
        "method",
        "url",
        "params",
        "headers",
        "json",
    ]
    assert "got a body that is not JSON (4 bytes)" in caught.value.differences[-1]
    assert "<Route 'everything': POST https://api.test/a>" in str(caught.value)
    other = MockTransport()
    other.put("https://api.test/b", content=b"abc")
    with pytest.raises(NoRouteMatched, match="content: wants 3 bytes, got 4 bytes"):
        send(other, "https://api.test/b", "PUT", content=b"abcd")


def test_unmatched_error_never_shows_credentials() -> None:
    """Userinfo, secret params, secret headers and secret JSON keys are redacted."""
    mock = MockTransport()
    mock.post(
        "https://api.test/login",
        params={"api_key": "route-key"},
        headers={"Authorization": "Bearer route-token"},
        json={"user": "u", "password": "route-pw"},
    )
    with pytest.raises(NoRouteMatched) as caught:
        send(
            mock,
            "https://me:userinfo-pw@api.test/login?api_key=req-key",
            "POST",
            headers={"Authorization": "Bearer req-token"},
            content=b'{"user": "u", "password": "req-pw"}',
        )
    text = str(caught.value) + repr(caught.value.differences)
    for secret in ("route-key", "route-token", "route-pw", "req-key", "req-token"):
        assert secret not in text
    assert "req-pw" not in text
    assert "userinfo-pw" not in text
    assert "[REDACTED]" in text


def test_no_routes_and_no_handler_says_how_to_declare_one() -> None:
    """A bare mock rejects every request, saying what to do."""
    mock = MockTransport()
    with pytest.raises(NoRouteMatched, match=r"has no routes and no handler") as caught:
        send(mock, "https://a.test/")
    assert (caught.value.closest, caught.value.differences) == (None, ())


def test_router_errors_pickle() -> None:
    """NoRouteMatched and RouteExhausted survive pickling (closest route dropped)."""
    mock = MockTransport()
    mock.get("/a").respond_sequence([200])
    send(mock, "https://a.test/a")
    with pytest.raises(RouteExhausted) as exhausted:
        send(mock, "https://a.test/a")
    with pytest.raises(NoRouteMatched) as unmatched:
        send(mock, "https://a.test/b")
    again = pickle.loads(pickle.dumps(unmatched.value))
    assert (str(again), again.differences, again.closest) == (
        str(unmatched.value),
        unmatched.value.differences,
        None,
    )
    assert again.request.url == "https://a.test/b"
    back = pickle.loads(pickle.dumps(exhausted.value))
    assert (str(back), back.outcomes) == (str(exhausted.value), 1)


def test_a_handler_answers_what_no_route_matches() -> None:
    """Routes first; the handler is the fallback, and gets no route in the history."""
    mock = MockTransport(lambda request: restwell.Response(418))
    mock.get("/known").respond(200)
    assert send(mock, "https://a.test/known").status_code == 200
    assert send(mock, "https://a.test/unknown").status_code == 418
    assert [c.route is None for c in mock.calls] == [False, True]
    mock.assert_all_matched()


# -- answers -------------------------------------------------------------------------


def test_a_route_without_answer_gives_an_empty_200() -> None:
    """The default answer is 200 with no body."""
    mock = MockTransport()
    route = mock.get("/x")
    response = send(mock, "https://a.test/x")
    assert (response.status_code, response.content) == (200, b"")
    assert route.called


def test_respond_builds_json_text_and_raw_bodies() -> None:
    """respond() sets the body and its content type, unless headers give one."""
    mock = MockTransport()
    mock.get("/j").respond(201, json={"a": [1]}, headers={"X-A": "1"})
    mock.get("/t").respond(text="héllo")
    mock.get("/c").respond(content=b"\x00\x01")
    mock.get("/own").respond(json=[], headers={"Content-Type": "application/x+json"})
    j = send(mock, "https://a.test/j")
    assert (j.status_code, j.json(), j.headers["x-a"]) == (201, {"a": [1]}, "1")
    assert j.headers["content-type"] == "application/json"
    t = send(mock, "https://a.test/t")
    assert (t.text, t.headers["content-type"]) == ("héllo", "text/plain; charset=utf-8")
    c = send(mock, "https://a.test/c")
    assert (c.content, "content-type" in c.headers) == (b"\x00\x01", False)
    own = send(mock, "https://a.test/own")
    assert own.headers.get_list("content-type") == ["application/x+json"]


def test_respond_with_a_response_object_answers_fresh_copies() -> None:
    """A given Response is answered each time; changing one answer leaves the next."""
    mock = MockTransport()
    given = restwell.Response(202, headers={"X": "1"}, content=b"ok")
    route = mock.get("/r").respond(given)
    assert route.side_effect is given
    first = send(mock, "https://a.test/r")
    first.headers["X"] = "changed"
    second = send(mock, "https://a.test/r")
    assert (second.status_code, second.content, second.headers["x"]) == (
        202,
        b"ok",
        "1",
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.respond(1000), "give 100 to 999"),
        (lambda r: r.respond(True), "give an int"),
        (lambda r: r.respond(200, json={}, text="x"), "one of json=, text="),
        (lambda r: r.respond(restwell.Response(200), text="x"), "more arguments"),
        (lambda r: r.respond(text=b"x"), "give a str"),
        (lambda r: r.respond(content="x"), "give bytes"),
        (lambda r: r.respond(json={1j}), "cannot be encoded"),
        (lambda r: r.respond_sequence("503"), "give a list of outcomes"),
        (lambda r: r.respond_sequence([200, "x"]), "item 1 got a str"),
        (lambda r: r.respond_sequence([200, 1000]), "give 100 to 999"),
        (lambda r: r.respond_sequence([False]), "give a status code"),
        (lambda r: setattr(r, "side_effect", ValueError), "got ValueError"),
        (lambda r: setattr(r, "side_effect", OSError("x")), "got OSError"),
        (lambda r: setattr(r, "side_effect", object()), "got a object"),
    ],
)
def test_bad_answers_are_refused_when_declared(call: object, message: str) -> None:
    """Wrong answers raise ConfigurationError at once, saying what to give."""
    route = MockTransport().get("/x")
    with pytest.raises(restwell.ConfigurationError, match=re.escape(message)):
        call(route)  # type: ignore[operator]


def test_exception_side_effect_is_a_fresh_restwell_error_each_time() -> None:
    """A class is built with the request; an instance is copied, its request set."""
    mock = MockTransport()
    by_class = mock.get("/class", side_effect=restwell.ConnectError)
    given = restwell.ReadTimeout("slow")
    mock.get("/instance").side_effect = given
    errors = []
    for path in ("/class", "/class", "/instance", "/instance"):
        with pytest.raises(restwell.TransportError) as caught:
            send(mock, f"https://a.test{path}")
        errors.append(caught.value)
    assert [type(e) for e in errors] == [restwell.ConnectError] * 2 + [
        restwell.ReadTimeout
    ] * 2
    assert len({id(e) for e in errors}) == 4  # no traceback or note piles up
    assert given.request is None  # the user's instance is left alone
    assert [e.request.url for e in errors] == [
        "https://a.test/class",
        "https://a.test/class",
        "https://a.test/instance",
        "https://a.test/instance",
    ]
    assert "mock <Route GET /class> raised ConnectError" in str(errors[0])
    assert str(errors[2]) == "slow"
    earlier = restwell.Request("GET", "https://a.test/earlier")
    mock.get("/kept").side_effect = restwell.ReadError("r", request=earlier)
    with pytest.raises(restwell.ReadError) as kept:
        send(mock, "https://a.test/kept")
    assert kept.value.request is earlier  # a request given with it is kept
    assert [c.error for c in by_class.calls] == errors[:2]
    assert by_class.side_effect is restwell.ConnectError


def test_callable_side_effect_gets_the_request() -> None:
    """A callable answers from the request; what it raises is recorded and raised."""
    mock = MockTransport()

    def echo(request: restwell.Request) -> restwell.Response:
        if request.headers.get("X-Fail"):
            raise restwell.ReadError("boom", request=request)
        return restwell.Response(200, content=request.url.encode())

    route = mock.route(url="/e", side_effect=echo)
    assert route.side_effect is echo
    assert send(mock, "https://a.test/e?x=1").content == b"https://a.test/e?x=1"
    with pytest.raises(restwell.ReadError):
        send(mock, "https://a.test/e", headers={"X-Fail": "1"})
    assert [type(c.error) for c in route.calls] == [type(None), restwell.ReadError]


def test_callable_returning_no_response_is_refused() -> None:
    """A callable that returns None gets a clear ConfigurationError."""
    mock = MockTransport()
    mock.get("/x", side_effect=lambda request: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(restwell.ConfigurationError, match="returned a NoneType"):
        send(mock, "https://a.test/x")
    assert isinstance(mock.calls.last.error, restwell.ConfigurationError)


def test_sequence_answers_in_order_then_reports_exhaustion() -> None:
    """Each request takes the next outcome; one request more raises RouteExhausted."""
    mock = MockTransport()
    route = mock.get("/s").respond_sequence(
        [503, restwell.ConnectError, restwell.Response(200, content=b"ok")]
    )
    assert send(mock, "https://a.test/s").status_code == 503
    with pytest.raises(restwell.ConnectError):
        send(mock, "https://a.test/s")
    assert send(mock, "https://a.test/s").content == b"ok"
    with pytest.raises(RouteExhausted) as caught:
        send(mock, "https://a.test/s?token=secret")
    assert str(caught.value) == (
        "<Route GET /s> answered every outcome of its sequence (3), and got one "
        "request more: GET https://a.test/s?token=[REDACTED]; add outcomes to "
        "respond_sequence([...]), or use respond(...) for one answer to every request"
    )
    assert route.call_count == 4
    assert route.calls.last.error is caught.value


def test_side_effect_iterables_and_generators() -> None:
    """An iterable side_effect is a sequence; a generator is checked lazily."""
    mock = MockTransport()
    listed = mock.get("/l", side_effect=(201, 202))
    assert listed.side_effect == (201, 202)  # as given
    assert [send(mock, "https://a.test/l").status_code for _ in range(2)] == [201, 202]

    def outcomes() -> Iterator[object]:
        yield 200
        yield "not an outcome"

    lazy = mock.get("/g")
    lazy.side_effect = outcomes()  # type: ignore[assignment]
    assert send(mock, "https://a.test/g").status_code == 200
    with pytest.raises(restwell.ConfigurationError, match="item 1 got a str"):
        send(mock, "https://a.test/g")
    listed.side_effect = None  # back to the default answer
    assert send(mock, "https://a.test/l").status_code == 200
    assert listed.side_effect is None


# -- history and assertions ----------------------------------------------------------


def test_call_history_and_calllist_last() -> None:
    """calls hold request, response, error and route; last is the newest."""
    mock = MockTransport()
    route = mock.get("/h").respond(200)
    assert (route.called, route.call_count) == (False, 0)
    with pytest.raises(IndexError, match="no call"):
        _ = route.calls.last
    response = send(mock, "https://a.test/h")
    last = route.calls.last
    assert isinstance(last, Call)
    assert (last.route, last.response, last.error) == (route, response, None)
    assert mock.calls == [last]
    with pytest.raises(ValueError, match="no body"):
        last.json()
    mock.reset()
    assert (mock.calls, mock.requests, route.calls, mock.routes) == (
        [],
        [],
        [],
        (route,),
    )


def test_assert_all_called_names_idle_routes() -> None:
    """assert_all_called fails naming every route never called."""
    mock = MockTransport()
    mock.get("/a").respond(200)
    mock.post("/b", name="create")
    send(mock, "https://a.test/a")
    with pytest.raises(
        AssertionError,
        match=re.escape(
            "1 of 2 mock routes were never called: <Route 'create': POST /b>"
        ),
    ):
        mock.assert_all_called()
    send(mock, "https://a.test/b", "POST")
    mock.assert_all_called()


def test_assert_all_matched_finds_swallowed_errors() -> None:
    """An unmatched request caught by the code under test still fails the check."""
    mock = MockTransport()
    mock.assert_all_matched()
    with contextlib.suppress(NoRouteMatched):  # as careless code under test does
        send(mock, "https://a.test/missing?secret=s3")
    with pytest.raises(
        AssertionError, match=r"GET https://a.test/missing\?secret=\[REDACTED\]"
    ):
        mock.assert_all_matched()


def test_concurrent_requests_take_each_outcome_once() -> None:
    """From many threads, a sequence answers each outcome exactly once."""
    mock = MockTransport()
    route = mock.get("/c").respond_sequence(list(range(200, 264)))
    seen: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(8):
            status = send(mock, "https://a.test/c").status_code
            with lock:
                seen.append(status)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(200, 264))
    assert route.call_count == len(mock.calls) == 64


# -- declarations --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"url": "api.test/x"}, "not an absolute http(s) URL"),
        ({"url": "ftp://api.test/x"}, "not an absolute http(s) URL"),
        ({"url": "https://api.test:99999/x"}, "invalid port"),
        ({"url": "https://api.test/x#frag"}, "has a fragment"),
        ({"url": "/users/{id"}, "brace that is not a placeholder"),
        ({"url": "/users/{1d}"}, "brace that is not a placeholder"),
        ({"url": re.compile(rb"x")}, "bytes regex"),
        ({"url": 3}, "url= got a int"),
        ({"method": "G ET"}, "not an HTTP method"),
        ({"method": 1}, "not an HTTP method"),
        ({"params": {"p": object()}}, "give a str, int or float"),
        ({"url": "/x?p=1", "params": {"p": 2}}, "both name 'p'"),
        ({"headers": {"X": 1}}, "maps str to str"),
        ({"json": {1j}}, "cannot be encoded"),
        ({"content": 3}, "give bytes or a str"),
    ],
)
def test_bad_routes_are_refused_when_declared(
    kwargs: dict[str, object], message: str
) -> None:
    """Wrong criteria raise ConfigurationError naming the problem."""
    with pytest.raises(restwell.ConfigurationError, match=re.escape(message)):
        MockTransport().route(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("api.test", "not an absolute http(s) URL"),
        ("https://api.test/?a=1", "has a query or fragment"),
        (b"https://api.test", "give a str"),
    ],
)
def test_bad_base_url_is_refused(base_url: object, message: str) -> None:
    """base_url must be an absolute http(s) URL without query."""
    with pytest.raises(restwell.ConfigurationError, match=re.escape(message)):
        MockTransport(base_url=base_url)  # type: ignore[arg-type]


def test_verbs_declare_their_method() -> None:
    """get/head/options/delete/post/put/patch declare routes for their method."""
    mock = MockTransport()
    verbs = ["get", "head", "options", "delete", "post", "put", "patch"]
    routes: list[Route] = [getattr(mock, verb)("/v") for verb in verbs]
    assert [route.method for route in routes] == [verb.upper() for verb in verbs]
    for verb in verbs:
        send(mock, "https://a.test/v", verb.upper())
    assert [route.call_count for route in routes] == [1] * 7
    mock.assert_all_called()
