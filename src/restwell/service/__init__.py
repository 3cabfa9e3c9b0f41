"""
Declarative services (arrest's model): ``Service`` / ``Resource`` / ``H()``.

Describe an API once — resources, handlers with typed routes, request and
response types — and call it: ``await svc.users.get("/7")`` (the service opens
an ``AsyncClient``), or ``svc.bind(restwell.Client()).users.get("/7")``.
Every declared call goes through the client's stages (deadline, retries,
redirects, …); options layer handler > resource > service > client.
"""

from .._public import set_public_module
from ._handler import (
    DELETE,
    GET,
    HEAD,
    OPTIONS,
    PATCH,
    POST,
    PUT,
    H,
    Methods,
    ResourceHandler,
)
from ._request import File, Form, Header, Path, Query
from ._resource import Resource
from ._route import CONVERTERS, Route
from ._service import Service

__all__ = [
    "CONVERTERS",
    "DELETE",
    "GET",
    "HEAD",
    "OPTIONS",
    "PATCH",
    "POST",
    "PUT",
    "File",
    "Form",
    "H",
    "Header",
    "Methods",
    "Path",
    "Query",
    "Resource",
    "ResourceHandler",
    "Route",
    "Service",
]

set_public_module(globals())
