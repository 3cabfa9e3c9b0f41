"""Query values are written as httpx writes them: true/false, None as empty."""

from __future__ import annotations

import pytest

from restwell._urls import join_url
from restwell.service import Route


def test_primitives_in_the_query() -> None:
    url = join_url(
        "http://127.0.0.1/",
        "/x",
        {"a": False, "b": True, "n": None, "l": [1, True], "s": "x y"},
    )
    assert url == "http://127.0.0.1/x?a=false&b=true&n=&l=1&l=true&s=x+y"
    assert join_url("http://127.0.0.1/", "/x", [("a", False), ("a", 2)]).endswith(
        "?a=false&a=2"
    )


def test_plain_parameter_takes_an_int_not_a_bool() -> None:
    route = Route("/{user_id}")
    assert route.build({"user_id": 7}) == "/7"
    with pytest.raises(ValueError, match="must be str"):
        route.build({"user_id": True})
