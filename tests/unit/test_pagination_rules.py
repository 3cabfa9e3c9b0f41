"""Pagination strategies as pure functions: RFC 8288 Link parsing, next-page rules."""

from __future__ import annotations

from restwell.pagination import (
    Cursor,
    LinkHeader,
    Offset,
    PageNumber,
    dig,
    parse_link_header,
)


def test_parse_link_header() -> None:
    value = (
        '<https://api.test/u?page=2>; rel="next", <https://api.test/u?page=9>; '
        'rel="last", <https://api.test/u?page=1>; rel=first; title="x", '
        '<broken; rel=next, <https://api.test/a>; rel="prev next"'
    )
    links = parse_link_header(value)
    assert links["next"] == "https://api.test/u?page=2"
    assert links["last"] == "https://api.test/u?page=9"
    assert links["first"] == "https://api.test/u?page=1"
    assert links["prev"] == "https://api.test/a"
    assert parse_link_header("") == {}
    assert parse_link_header("garbage") == {}


def test_link_header_resolves_relative_targets() -> None:
    nxt = LinkHeader().next(
        "https://api.test/v1/u?page=1",
        {},
        {"link": '</v1/u?page=2>; rel="next"'},
        None,
        3,
    )
    assert nxt is not None
    assert nxt.url == "https://api.test/v1/u?page=2"
    assert LinkHeader().next("https://a.test/", {}, {}, None, 3) is None
    assert (
        LinkHeader(rel="last").next(
            "https://a.test/", {}, {"link": '<x>; rel="next"'}, None, 1
        )
        is None
    )


def test_cursor_rules() -> None:
    rule = Cursor(param="after", path="meta.next", has_more="meta.more")
    body = {"meta": {"next": "c", "more": True}}
    nxt = rule.next("u", {"q": 1}, {}, body, 2)
    assert nxt is not None
    assert nxt.params == {"q": 1, "after": "c"}
    assert rule.next("u", {}, {}, {"meta": {"next": "c", "more": False}}, 2) is None
    assert Cursor().next("u", {}, {}, {"next_cursor": ""}, 2) is None
    assert Cursor().next("u", {}, {}, {"next_cursor": "c"}, 0) is None
    assert dig([1], "a") is None


def test_page_number_and_offset_rules() -> None:
    pages = PageNumber(size_param="per_page", size=2)
    first = pages.first({"q": "x"})
    assert first == {"q": "x", "page": 1, "per_page": 2}
    nxt = pages.next("u", first, {}, None, 2)
    assert nxt is not None
    assert nxt.params is not None
    assert nxt.params["page"] == 2
    assert pages.next("u", first, {}, None, 1) is None
    assert PageNumber().next("u", {"page": 3}, {}, None, 0) is None
    offset = Offset(limit=10)
    start = offset.first({})
    assert start == {"offset": 0, "limit": 10}
    step = offset.next("u", start, {}, None, 10)
    assert step is not None
    assert step.params == {"offset": 10, "limit": 10}
    assert offset.next("u", start, {}, None, 9) is None
