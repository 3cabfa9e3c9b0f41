"""
The declared call's fast paths give what the general road gives (pure logic).

``Route._is_own_build`` lets a matched path stand as its own URL suffix;
``Resource._lookup`` indexes handlers instead of scanning them; a bound
resource skips request-part merging when a call adds nothing. Each is checked
against the road it shortens: ``Route.match`` + ``Route.build``,
``Resource.find``, and a call forced through the general road (``params={}``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import restwell
from restwell import HandlerNotFound
from restwell.service import DELETE, GET, POST, H, Resource, Route, Service
from restwell.testing import MockTransport

ROUTES = [
    "",
    "/",
    "/me",
    "/{id:int}",
    "/{name}",
    "/{u:uuid}",
    "/{id:int}/posts/{slug}",
    "/{a}/{rest:path}",
    "/{p:path}/raw",
    "/x/{f:float}",
    "/{a}-{b}",
    "/{a:int}{b:int}",
]
# Characters that make percent-encoding, conversion and trailing slashes matter.
UUID = "c3a4f7e2-8b1d-4e5f-9a6b-7c8d9e0f1a2b"
EXAMPLES = ["", "/", "//", "/7", "/-0", "/007", "/me", "/me/", "/me//", "/" + UUID]
PATHS = st.text(alphabet="07-9aAfFme_.~-/%2 :é", max_size=16).map(
    lambda t: "/" + t
) | st.sampled_from(EXAMPLES)


@pytest.mark.parametrize("template", ROUTES)
@given(path=PATHS)
def test_own_build_means_match_then_build_gives_the_path(
    template: str, path: str
) -> None:
    route = Route(template)
    if route._is_own_build(path):
        values = route.match(path)
        assert values is not None
        assert route.build(values) == path


@pytest.mark.parametrize(
    ("template", "path", "own"),
    [
        ("/{id:int}", "/7", True),
        ("/{id:int}", "/-3", True),
        ("/{id:int}", "/0", True),
        ("/{id:int}", "/007", False),  # builds "/7"
        ("/{id:int}", "/-0", False),  # builds "/0"
        ("/{id:int}", "/7/", False),  # builds "/7"
        ("/{id:int}", "/%37", False),  # builds "/7"
        ("/{name}", "/a-b_c.d~e", True),
        ("/{name}", "/a%20b", False),
        ("/{name}", "/a:b", False),  # builds "/a%3Ab"
        ("/{u:uuid}", "/" + UUID, True),
        ("/{u:uuid}", "/" + UUID.upper(), False),  # builds lower case
        ("/{a}/{rest:path}", "/x/y/z", True),
        ("/x/{f:float}", "/x/1.5", False),  # float: always rebuilt
        ("/{a}-{b}", "/x-y", False),  # a parameter that is not a whole segment
        ("/me", "/me", True),
        ("/me", "/me/", False),
    ],
)
def test_own_build_examples(template: str, path: str, own: bool) -> None:
    assert Route(template)._is_own_build(path) is own


def crud() -> Resource:
    handlers: list[Any] = [H(GET, route) for route in ROUTES]
    handlers += [H(POST, ""), H(DELETE, "/{id:int}"), H(GET, "/me/")]
    return Resource("/users", handlers=handlers)


def find_or_none(
    resource: Resource, method: str, path: str | None, keywords: dict[str, Any]
) -> tuple[Any, dict[str, Any]] | None:
    try:
        return resource.find(method, path, keywords)
    except HandlerNotFound:
        return None


@given(method=st.sampled_from(["GET", "get", "POST", "DELETE", "PUT"]), path=PATHS)
def test_lookup_by_path_agrees_with_find(method: str, path: str) -> None:
    resource = crud()
    lookup_agrees_with_find(resource, method, path)


@pytest.mark.parametrize("path", EXAMPLES)
def test_lookup_by_path_examples(path: str) -> None:
    lookup_agrees_with_find(crud(), "GET", path)


def lookup_agrees_with_find(resource: Resource, method: str, path: str) -> None:
    expected = find_or_none(resource, method, path, {})
    if expected is None:
        with pytest.raises(HandlerNotFound):
            resource._lookup(method, path, {}, None)
        return
    handler, values, suffix = resource._lookup(method, path, {}, None)
    assert handler is expected[0]
    route = handler.compiled
    if suffix is None:
        assert values == expected[1]
    else:  # the URL suffix is the one the general road builds
        assert route.build(expected[1]) == suffix
        assert values in (None, {})


@given(
    method=st.sampled_from(["GET", "DELETE", "PUT"]),
    keywords=st.sets(st.sampled_from(["id", "name", "slug", "u", "timeout"])),
)
def test_lookup_by_keywords_agrees_with_find(method: str, keywords: set[str]) -> None:
    resource = crud()
    given_ = dict.fromkeys(sorted(keywords), 1)
    expected = find_or_none(resource, method, None, given_)
    for _ in range(2):  # the second answer comes from the index's memory
        if expected is None:
            with pytest.raises(HandlerNotFound):
                resource._lookup(method, None, given_, None)
            continue
        handler, values, suffix = resource._lookup(method, None, given_, None)
        assert (handler, values) == expected
        assert suffix == (None if handler.compiled.params else handler.route)


def test_lookup_sees_handlers_added_later() -> None:
    resource = Resource("/users", handlers=[H(GET, "/{id:int}")])
    with pytest.raises(HandlerNotFound):
        resource._lookup("GET", "/me", {}, None)
    with pytest.raises(HandlerNotFound):
        resource._lookup("POST", None, {}, None)
    me = resource.add_handler(H(GET, "/me"))
    post = resource.add_handler(H(POST, ""))
    assert resource._lookup("GET", "/me", {}, None)[0] is me
    assert resource._lookup("POST", None, {}, None)[0] is post


# -- a bound resource: fast road against the general one ---------------------------
def recording_service(
    **options: Any,
) -> tuple[Any, list[restwell.Request]]:
    seen: list[restwell.Request] = []

    def answer(request: restwell.Request) -> restwell.Response[Any]:
        seen.append(request)
        return restwell.Response(200, content=b"[]")

    client = restwell.Client(transport=MockTransport(answer), hooks=[])
    svc = Service(
        "api", "http://127.0.0.1/v1", [crud()], headers={"X-Svc": "1"}, **options
    )
    return svc.bind(client), seen


CALLS: list[tuple[str | None, dict[str, Any]]] = [
    ("/7", {}),
    ("/7?x=1", {}),
    ("/007", {}),
    ("/7/", {}),
    ("/a%20b", {}),
    ("/a b", {}),
    ("", {}),
    ("/", {}),
    ("/me/", {}),
    ("/" + UUID.upper(), {}),
    ("/1/posts/hello", {}),
    ("/x/y/z", {}),
    ("/7", {"id": 8}),  # a keyword over the path's value
    (None, {"id": 7}),
    (None, {"id": 7, "slug": "a b"}),
    (None, {"id": -1, "timeout": 5.0}),
    (None, {}),
]


@pytest.mark.parametrize(("path", "keywords"), CALLS)
@pytest.mark.parametrize("options", [{}, {"timeout": 9.0}])
def test_fast_road_sends_what_the_general_road_sends(
    path: str | None, keywords: dict[str, Any], options: dict[str, Any]
) -> None:
    binding, seen = recording_service(**options)
    users = binding.users
    fast = users.get(path, **keywords)
    general = users.get(path, params={}, **keywords)  # forces the general road
    assert fast.status_code == general.status_code == 200
    first, second = seen
    assert first.url == second.url
    assert first.headers.multi_items() == second.headers.multi_items()
    assert first.timeout == second.timeout


def test_route_value_of_the_wrong_type_is_refused_on_both_roads() -> None:
    binding, seen = recording_service()
    for extra in ({}, {"params": {}}):
        with pytest.raises(restwell.ConfigurationError, match="must be int"):
            binding.users.delete(id="7", **extra)
    assert seen == []
