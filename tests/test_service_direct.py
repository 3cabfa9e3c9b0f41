"""
A service used directly (``await svc.users.get(...)``), custom handlers, and each
arrest 0.2.2 bug the issue lists, checked against a real FaultServer.
"""

from __future__ import annotations

from typing import Annotated, Any

import pydantic
import pytest

import restwell
from restwell.service import GET, POST, H, Methods, Path
from restwell.testing import FaultServer, Step

pytestmark = [pytest.mark.network, pytest.mark.anyio]

NO_WAIT = restwell.Retry(backoff=restwell.Constant(0.0))


class User(pydantic.BaseModel):
    id: int
    name: str


def users_service(url: str, **options: Any) -> restwell.Service:
    return restwell.Service(
        "example",
        url,
        resources=[
            restwell.Resource(
                "/users",
                handlers=[("GET", "/{id:int}", None, User), ("DELETE", "/{id:int}")],
            )
        ],
        **options,
    )


async def test_direct_use_opens_one_client_and_closes_it(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/users/1", [Step(200, json={"id": 1, "name": "a"})] * 3)
    svc = users_service(fault_server.url)
    async with svc:
        first = await svc.users.get("/1")
        client = svc.client
        await svc.users.get("/1")
        await svc.users.get(id=1)
        assert svc.client is client  # one client, reused by every call
        # ...and one keep-alive connection: a client per call would open three.
        connector = client.unwrap().connector  # type: ignore[attr-defined]
        assert sum(len(c) for c in connector._conns.values()) == 1
    assert first.data == User(id=1, name="a")
    assert client.is_closed


async def test_borrowed_client_is_left_open(fault_server: FaultServer) -> None:
    fault_server.script("/users/1", [Step(200, json={"id": 1, "name": "a"})])
    async with restwell.AsyncClient(hooks=[]) as client:
        svc = users_service(fault_server.url, client=client)
        await svc.users.get("/1")
        await svc.aclose()
        assert not client.is_closed


async def test_declared_calls_get_restwell_defaults(fault_server: FaultServer) -> None:
    """arrest: a 120 s timeout and no retries on 5xx. restwell's defaults apply."""
    fault_server.script(
        "/users/3",
        [Step(503), Step(502), Step(200, json={"id": 3, "name": "c"})],
    )
    svc = users_service(fault_server.url, retry=NO_WAIT)
    async with svc:
        response = await svc.users.get("/3")
        options = svc.client.call_options
    assert response.data == User(id=3, name="c")
    assert len(response.attempts) == 3
    assert options.deadline == 30.0
    assert options.timeout.read == 10.0


async def test_layering_handler_over_resource_over_service(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/r/1", [Step(503)] * 10)
    svc = restwell.Service(
        "layers",
        fault_server.url,
        resources=[
            restwell.Resource(
                "/r",
                handlers=[
                    H(
                        GET,
                        "/{id:int}",
                        retry=restwell.Retry(
                            max_attempts=2, backoff=restwell.Constant(0)
                        ),
                    )
                ],
                retry=restwell.Retry(max_attempts=4, backoff=restwell.Constant(0)),
            )
        ],
        retry=None,
    )
    async with svc:
        by_handler = await svc.r.get("/1")
        by_call = await svc.r.get("/1", retry=None)
    assert len(by_handler.attempts) == 2
    assert len(by_call.attempts) == 1


async def test_custom_handler(fault_server: FaultServer) -> None:
    fault_server.script("/user/media/123", [Step(200, json={"meta": 123})] * 2)
    svc = restwell.Service("my_service", fault_server.url)
    svc.add_resource(restwell.Resource("/user", handlers=[("GET", "/")]))

    @svc.user.handler("/media")
    async def download_user_metadata(self: Any, url: str, *, meta_id: int) -> Any:
        response = await self.client.get(f"{url}/{meta_id}")
        return response.data

    async with svc:
        assert url_of(svc) == f"{fault_server.url}/user"
        assert await svc.user.download_user_metadata(meta_id=123) == {"meta": 123}
        assert await download_user_metadata(meta_id=123) == {"meta": 123}


def url_of(svc: restwell.Service) -> str:
    return str(svc.user.url)


# -- arrest 0.2.2's bugs, one test each ---------------------------------------------


def test_handler_not_found_has_a_message() -> None:
    svc = users_service("http://127.0.0.1:9")
    with pytest.raises(restwell.HandlerNotFound) as err:
        svc.resources["users"].find("GET", "/abc")
    assert str(err.value)
    assert "GET /users/{id:int}" in str(err.value)


def test_negative_int_matches_and_is_converted() -> None:
    svc = users_service("http://127.0.0.1:9")
    handler, values = svc.resources["users"].find("GET", "/-4")
    assert values == {"id": -4}
    assert handler.route == "/{id:int}"


def test_unknown_attribute_is_an_attribute_error() -> None:
    svc = users_service("http://127.0.0.1:9")
    with pytest.raises(AttributeError, match="its resources: users"):
        _ = svc.posts
    assert not hasattr(svc, "nope")
    bound = svc.bind(restwell.Client(hooks=[]))
    with pytest.raises(AttributeError, match="its resources: users"):
        _ = bound.posts
    with pytest.raises(AttributeError, match="no method 'frobnicate'"):
        _ = bound.users.frobnicate


async def test_body_on_get_is_sent(fault_server: FaultServer) -> None:
    fault_server.script("/users/1", [Step(200, json={"id": 1, "name": "a"})])
    async with users_service(fault_server.url) as svc:
        await svc.users.get("/1", request={"filter": "x"})
    assert fault_server.requests("/users/1")[0].body == b'{"filter":"x"}'


async def test_callback_receives_data_not_the_wrapper(
    fault_server: FaultServer,
) -> None:
    fault_server.script("/u/1", [Step(200, json={"id": 1, "name": "a"})])
    got: list[object] = []

    async def cb(data: User) -> int:
        got.append(data)
        return data.id

    svc = restwell.Service(
        "s",
        fault_server.url,
        resources=[
            restwell.Resource(
                "/u", handlers=[H(Methods.GET, "/{id:int}", response=User, callback=cb)]
            )
        ],
    )
    async with svc:
        response = await svc.u.get("/1")
    assert got == [User(id=1, name="a")]
    assert response.data == 1


async def test_model_mismatch_is_restwell_error(fault_server: FaultServer) -> None:
    fault_server.script("/users/1", [Step(200, json={"id": "x"})])
    async with users_service(fault_server.url) as svc:
        with pytest.raises(restwell.ResponseValidationError) as err:
            await svc.users.get("/1")
    assert isinstance(err.value.__cause__, pydantic.ValidationError)
    assert "200" in str(err.value)
    assert 'body shape {"id": "<str>"}' in str(err.value)


def test_definition_forms_and_name_inference() -> None:
    resource = restwell.Resource(
        "/user-accounts",
        handlers=[
            ("GET", "/"),
            {"method": "post", "route": "/"},
            restwell.ResourceHandler(Methods.PUT, "/{id:uuid}"),
            H("PATCH", "/{id:int}", headers={"x": "y"}),
        ],
    )
    assert resource.name == "user_accounts"
    assert resource.describe() == (
        "GET /user-accounts/",
        "POST /user-accounts/",
        "PUT /user-accounts/{id:uuid}",
        "PATCH /user-accounts/{id:int}",
    )
    with pytest.raises(restwell.ConfigurationError, match="not an HTTP method"):
        restwell.Resource("/x", handlers=[("FETCH", "/")])
    with pytest.raises(restwell.ConfigurationError, match="unknown type"):
        restwell.Resource("/x", handlers=[("GET", "/{id:number}")])
    with pytest.raises(restwell.ConfigurationError, match="already has a handler"):
        restwell.Resource("/x", handlers=[("GET", "/"), ("GET", "/")])
    with pytest.raises(restwell.ConfigurationError, match="not call options"):
        restwell.Resource("/x", tiemout=3)


class Users(restwell.Resource, route="/users"):
    get = H(GET, "/{id:int}", response=User)


class Api(restwell.Service):
    users = Users()


async def test_declared_class_used_directly(fault_server: FaultServer) -> None:
    fault_server.script("/users/9", [Step(200, json={"id": 9, "name": "i"})])
    async with Api("api", fault_server.url) as api:
        response = await api.users.get(id=9)
    assert response.data == User(id=9, name="i")


def test_handler_not_found_lists_methods_by_name() -> None:
    svc = users_service("http://127.0.0.1:9")
    with pytest.raises(restwell.HandlerNotFound) as err:
        svc.resources["users"].find("POST", "/1")
    assert "(POST is not among its methods DELETE, GET)" in str(err.value)
    assert "Methods." not in str(err.value)


class Note(pydantic.BaseModel):
    kind: Annotated[str, Path()]
    text: str


async def test_dict_request_fills_path_fields(fault_server: FaultServer) -> None:
    """A dict of the model's fields finds the handler as an instance does."""
    fault_server.script("/notes/memo", [Step(201, json={"ok": True})])
    svc = restwell.Service(
        "s",
        fault_server.url,
        resources=[
            restwell.Resource(
                "/notes", handlers=[H(POST, ""), H(POST, "/{kind}", request=Note)]
            )
        ],
    )
    async with svc:
        by_dict = await svc.notes.post(request={"kind": "memo", "text": "hi"})
        by_model = await svc.notes.post(request=Note(kind="memo", text="hi"))
        plain = await svc.notes.post(request={"text": "no kind"})
    assert by_dict.url == by_model.url == f"{fault_server.url}/notes/memo"
    assert fault_server.requests("/notes/memo")[0].body == b'{"text":"hi"}'
    assert plain.url == f"{fault_server.url}/notes"  # no kind: the other handler
