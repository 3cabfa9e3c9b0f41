# GENERATED from tests/_async/test_service.py: do not edit.
# Edit the source, then run scripts/unasync.py (or `make format`).
"""
Declared services (``restwell.Service``/``Resource``/``H``) against json-server.

json-server 0.17 (npm) serves real REST CRUD on 127.0.0.1 (the ``json_server``
fixture). Written once, for ``Client``: ``scripts/unasync.py`` generates the
twin that binds the same service to ``restwell.Client``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

import pydantic
import pytest

import restwell
from restwell.service import DELETE, GET, PATCH, POST, PUT, H, Header, Query

pytestmark = [pytest.mark.network, pytest.mark.anyio]


class User(pydantic.BaseModel):
    id: int
    name: str
    email: str


class NewUser(pydantic.BaseModel):
    name: str
    email: str


class UserPatch(pydantic.BaseModel):
    name: str


class Post(pydantic.BaseModel):
    id: int
    userId: int
    title: str


@dataclass
class UserRow:
    id: int
    name: str
    email: str


class UserDict(TypedDict):
    id: int
    name: str


class Search(pydantic.BaseModel):
    name: Annotated[str, Query()]
    trace: Annotated[str, Header("X-Trace")] = "t-1"


def make_service(url: str, **options: Any) -> restwell.Service:
    return restwell.Service(
        "fake",
        url,
        resources=[
            restwell.Resource(
                "/users",
                handlers=[
                    H(GET, "", response=list[User]),
                    H(GET, "/{id:int}", response=User),
                    H(POST, "", request=NewUser, response=User),
                    H(PATCH, "/{id:int}", request=UserPatch, response=User),
                    H(PUT, "/{id:int}", request=NewUser, response=User),
                    H(DELETE, "/{id:int}"),
                    H(GET, "/{id:int}/posts", response=list[Post]),
                ],
            ),
            restwell.Resource(
                "/users",
                name="search",
                handlers=[H(GET, "", request=Search, response=list[User])],
            ),
            restwell.Resource(
                "/users",
                name="shapes",
                handlers=[
                    ("GET", "/{id:int}", None, UserRow),
                    {"method": "GET", "route": "/{name:str}", "response": UserDict},
                ],
            ),
        ],
        **options,
    )


def test_get_by_path_and_by_keyword(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        api = make_service(json_server).bind(client)
        by_path = api.users.get("/7")
        by_keyword = api.users.get(id=7)
    assert by_path.status_code == 200
    assert by_path.data == User(id=7, name="user7", email="user7@example.test")
    assert by_keyword.data == by_path.data
    assert by_path.url == f"{json_server}/users/7"


def test_list_filter_and_nested(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        api = make_service(json_server).bind(client)
        everyone = api.users.get("")
        filtered = api.users.get("?name=user3")
        posts = api.users.get("/1/posts")
        searched = api.search.get(request=Search(name="user4"))
    assert len(everyone.data) >= 25
    assert all(isinstance(u, User) for u in everyone.data)
    assert [u.id for u in filtered.data] == [3]
    assert [p.title for p in posts.data] == ["post 1", "post 2", "post 3"]
    assert [u.id for u in searched.data] == [4]
    assert searched.request.headers["x-trace"] == "t-1"


def test_crud_round_trip(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        api = make_service(json_server).bind(client)
        created = api.users.post(request=NewUser(name="ada", email="a@x.test"))
        new_id = created.data.id
        patched = api.users.patch(f"/{new_id}", request={"name": "ada l."})
        replaced = api.users.put(
            id=new_id, request={"name": "ada b.", "email": "b@x.test"}
        )
        deleted = api.users.delete(f"/{new_id}")
        gone = api.users.get(id=new_id)
    assert created.status_code == 201
    assert created.data.name == "ada"
    assert patched.data.name == "ada l."
    assert replaced.data == User(id=new_id, name="ada b.", email="b@x.test")
    assert deleted.status_code == 200
    assert gone.status_code == 404
    assert gone.data == {}  # the error body stays on data, undecoded


def test_other_response_shapes(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        api = make_service(json_server).bind(client)
        row = api.shapes.get("/2")
    assert row.data == UserRow(id=2, name="user2", email="user2@example.test")


def test_bad_request_is_refused_before_sending(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        api = make_service(json_server).bind(client)
        with pytest.raises(restwell.RequestValidationError, match="email") as err:
            api.users.post(request={"name": "no email"})
        assert isinstance(err.value.__cause__, pydantic.ValidationError)
        with pytest.raises(restwell.RequestValidationError, match="must be a NewUser"):
            api.users.post(request=UserPatch(name="x"))


def test_response_mismatch_is_a_restwell_error(json_server: str) -> None:
    class Strict(pydantic.BaseModel):
        id: int
        missing: str

    svc = restwell.Service(
        "fake",
        json_server,
        resources=[
            restwell.Resource("/users", handlers=[H(GET, "/{id}", response=Strict)])
        ],
    )
    with restwell.Client(hooks=[]) as client:
        with pytest.raises(restwell.ResponseValidationError, match="200") as err:
            svc.bind(client).users.get("/1")
    assert "Strict" in str(err.value)
    assert isinstance(err.value.__cause__, pydantic.ValidationError)


def test_handler_not_found_names_everything(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        api = make_service(json_server).bind(client)
        with pytest.raises(restwell.HandlerNotFound) as err:
            api.users.get("/not-a-number/x")
        with pytest.raises(restwell.HandlerNotFound, match="POST"):
            api.shapes.post("/1")
    message = str(err.value)
    assert "'users'" in message
    assert "GET" in message
    assert "/not-a-number/x" in message
    assert "GET /users/{id:int}" in message
    assert err.value.handlers


def test_negative_int_and_typed_params(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        api = make_service(json_server).bind(client)
        negative = api.users.get("/-1")
        assert negative.status_code == 404  # matched {id:int}, asked the server
        with pytest.raises(restwell.ConfigurationError, match="must be int"):
            api.users.get(id="seven")
        with pytest.raises(restwell.ConfigurationError, match="unknown keyword"):
            api.users.get(id=1, colour="red")


def test_callback_gets_decoded_data_and_its_result_is_data(
    json_server: str,
) -> None:
    seen: list[object] = []

    def first_name(user: User) -> str:
        seen.append(user)
        return user.name

    def boom(data: object) -> None:
        raise LookupError("from the callback")

    svc = restwell.Service(
        "fake",
        json_server,
        resources=[
            restwell.Resource(
                "/users",
                handlers=[
                    H(GET, "/{id:int}", response=User, callback=first_name),
                    H(GET, "", callback=boom),
                ],
            )
        ],
    )
    with restwell.Client(hooks=[]) as client:
        api = svc.bind(client)
        response = api.users.get("/5")
        with pytest.raises(LookupError, match="from the callback"):
            api.users.get("")
    assert response.data == "user5"
    assert seen == [User(id=5, name="user5", email="user5@example.test")]


def test_raise_for_status_layers(json_server: str) -> None:
    svc = make_service(json_server, raise_for_status=True)
    with restwell.Client(hooks=[]) as client:
        api = svc.bind(client)
        with pytest.raises(restwell.HTTPStatusError):
            api.users.get("/9999")
        quiet = api.users.get("/9999", raise_for_status=False)
    assert quiet.status_code == 404


def test_body_on_delete_is_sent_not_dropped(json_server: str) -> None:
    svc = restwell.Service(
        "fake",
        json_server,
        resources=[restwell.Resource("/users", handlers=[H(DELETE, "/{id:int}")])],
    )
    with restwell.Client(hooks=[]) as client:
        response = svc.bind(client).users.delete("/9998", request={"why": "test"})
    assert response.request.content == b'{"why":"test"}'


def test_connections_are_reused_across_calls(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        api = make_service(json_server).bind(client)
        for i in range(1, 6):
            api.users.get(id=i)
        assert api.client is client


class Users(restwell.Resource, route="/users"):
    get = H(GET, "/{id:int}", response=User)
    everyone = H(GET, "", response=list[User])
    create = H(POST, "", request=NewUser, response=User)


class Api(restwell.Service):
    people = Users()


def test_declared_class_form(json_server: str) -> None:
    with restwell.Client(hooks=[]) as client:
        api = Api("api", json_server).bind(client)
        one = api.people.get(id=3)
        by_path = api.people.get("/4")
        listed = api.people.everyone(params={"name": "user5"})
        made = api.people.create(request={"name": "n", "email": "e@x.test"})
    assert one.data == User(id=3, name="user3", email="user3@example.test")
    assert by_path.data.id == 4
    assert [u.id for u in listed.data] == [5]
    assert made.status_code == 201
    assert made.data.name == "n"
    assert Api("api", json_server).resources["people"].route == "/users"
