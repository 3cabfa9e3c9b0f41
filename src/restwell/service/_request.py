"""
Request models: which field goes to which part of the request.

By default every field of a handler's request model is sent in the JSON body.
A field annotated with a marker goes elsewhere (FastAPI's parameter markers, in
the other direction)::

    class Search(BaseModel):
        q: Annotated[str, Query()]
        page: Annotated[int, Query(alias="p")] = 1
        trace: Annotated[str | None, Header("X-Trace")] = None
        user_id: Annotated[int, Path()]
        note: Annotated[str, Form()]
        avatar: Annotated[bytes, File()]

``Query`` → the query string, ``Header`` → a header, ``Path`` → a route
parameter, ``Form`` → a form field (``application/x-www-form-urlencoded``, or
``multipart/form-data`` with files), ``File`` → a file part. The plan is computed
once per handler (``plan_request``); a call only reads the model's values.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from .._exceptions import ConfigurationError, RequestValidationError

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from ._handler import ResourceHandler

__all__ = [
    "File",
    "Form",
    "Header",
    "Path",
    "Query",
    "RequestParts",
    "RequestPlan",
    "plan_request",
]


class _Marker:
    """Where a request model's field is sent; ``alias`` is its name on the wire."""

    part: ClassVar[str]
    __slots__ = ("alias",)

    def __init__(self, alias: str | None = None) -> None:
        self.alias = alias

    def __repr__(self) -> str:
        alias = "" if self.alias is None else repr(self.alias)
        return f"{type(self).__name__}({alias})"


class Query(_Marker):
    """
    Send this request-model field as a query parameter: ``Annotated[int, Query()]``.

    Args:
        alias: The parameter's name on the wire. Default: the field's alias or name.
    """

    part = "query"
    __slots__ = ()


class Header(_Marker):
    """
    Send this request-model field as a header: ``Annotated[str, Header("X-Id")]``.

    Args:
        alias: The header name. Default: the field's name with ``_`` → ``-``.
    """

    part = "header"
    __slots__ = ()


class Path(_Marker):
    """
    Fill a route parameter from this field: ``Annotated[int, Path()]``.

    Args:
        alias: The route parameter's name. Default: the field's name.
    """

    part = "path"
    __slots__ = ()


class Form(_Marker):
    """
    Send this field as a form field (urlencoded, or multipart beside files).

    Args:
        alias: The form field's name. Default: the field's alias or name.
    """

    part = "form"
    __slots__ = ()


class File(_Marker):
    """
    Send this field as a file part of a ``multipart/form-data`` body.

    The value is ``bytes``, a binary file object, ``(filename, content)`` or
    ``(filename, content, content_type)`` (``restwell.FileValue``).

    Args:
        alias: The part's field name. Default: the field's alias or name.
    """

    part = "file"
    __slots__ = ()


_MARKERS = (Query, Header, Path, Form, File)


@dataclasses.dataclass(slots=True)
class RequestParts:
    """The request parts a call's request model turns into."""

    json: Any = None
    query: dict[str, Any] = dataclasses.field(default_factory=dict)
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    path: dict[str, Any] = dataclasses.field(default_factory=dict)
    form: dict[str, Any] | None = None
    files: dict[str, Any] | None = None
    has_body: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class RequestPlan:
    """
    How one handler's request model becomes request parts (built once).

    Attributes:
        model: The handler's request type, or ``None`` (any JSON value).
        placed: ``(field, part, wire name)`` for each marked field.
        body_fields: The unmarked fields: sent in the JSON body, or as form
            fields when the model has ``Form``/``File`` fields (``form``);
            ``None`` when the whole value is the JSON body (no marked field).
        form: Whether the body is a form (some field is ``Form`` or ``File``).
    """

    model: Any
    placed: tuple[tuple[str, str, str], ...]
    body_fields: frozenset[str] | None
    form: bool = False

    @property
    def path_params(self) -> frozenset[str]:
        """The route parameters the model's ``Path`` fields fill."""
        return frozenset(wire for _, part, wire in self.placed if part == "path")

    def parts(self, value: object, handler: str) -> RequestParts:
        """
        Validate ``value`` against the model and split it into request parts.

        Raises:
            RequestValidationError: If ``value`` does not fit the model (the
                message names the handler, the model and the first field errors;
                pydantic's error is ``__cause__``).
        """
        out = RequestParts()
        if value is None:
            return out
        model = self.model
        if model is None:
            out.json, out.has_body = value, True
            return out
        instance = _validate(model, value, handler)
        if self.body_fields is None:
            out.json, out.has_body = instance, True
            return out
        for name, part, wire in self.placed:
            field_value = getattr(instance, name)
            if field_value is None and part != "path":
                continue
            if part == "query":
                out.query[wire] = field_value
            elif part == "header":
                out.headers[wire] = str(field_value)
            elif part == "path":
                out.path[wire] = field_value
            elif part == "form":
                out.form = out.form or {}
                out.form[wire] = field_value
            else:
                out.files = out.files or {}
                out.files[wire] = field_value
        if self.body_fields:
            rest = instance.model_dump(
                mode="json",
                by_alias=True,
                include=set(self.body_fields),
                exclude_none=self.form,
            )
            if self.form:  # beside form or file fields, the rest are form fields
                out.form = {**rest, **(out.form or {})}
            else:
                out.json = rest
                out.has_body = True
        return out


@functools.lru_cache(maxsize=512)
def _adapter(model: Any) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(model)


def _validate(model: Any, value: object, handler: str) -> Any:
    from pydantic import BaseModel, ValidationError

    if isinstance(model, type):
        if isinstance(value, model):
            return value
        if isinstance(value, BaseModel):  # another model: never coerced silently
            raise RequestValidationError(
                f"{handler}: request must be a {model.__name__} (or a dict of its "
                f"fields), got a {type(value).__name__}",
                model=model,
            )
    try:
        return _adapter(model).validate_python(value)
    except ValidationError as exc:
        errors = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}"
            for e in exc.errors()[:3]
        )
        raise RequestValidationError(
            f"{handler}: request does not fit {getattr(model, '__name__', model)}: "
            f"{exc.error_count()} validation error(s): {errors}; nothing was sent",
            model=model,
        ) from exc


def _marker_of(metadata: list[Any]) -> _Marker | None:
    found = [
        m() if isinstance(m, type) and issubclass(m, _Marker) else m
        for m in metadata
        if isinstance(m, _Marker) or (isinstance(m, type) and issubclass(m, _Marker))
    ]
    if len(found) > 1:
        raise ConfigurationError(
            f"a request field has several markers {found}: give one of Query, "
            "Header, Path, Form, File"
        )
    return found[0] if found else None


def plan_request(handler: ResourceHandler[Any]) -> RequestPlan:
    """
    The ``RequestPlan`` of ``handler.request`` (computed once per handler).

    Raises:
        ConfigurationError: For a marked field on a model that is not a pydantic
            model, several markers on one field, or a ``Path`` field whose name
            is not a parameter of the handler's route.
    """
    model = handler.request
    fields: Mapping[str, Any] = getattr(model, "model_fields", None) or {}
    placed: list[tuple[str, str, str]] = []
    body: set[str] = set()
    for name, info in fields.items():
        marker = _marker_of(list(info.metadata))
        if marker is None:
            body.add(name)
            continue
        if marker.part == "header":
            wire = marker.alias or name.replace("_", "-")
        elif marker.part == "path":
            wire = marker.alias or name
            if wire not in handler.compiled.params:
                raise ConfigurationError(
                    f"handler {handler.method} {handler.route!r}: request field "
                    f"{name!r} is a Path parameter, but the route has "
                    f"{list(handler.compiled.params) or 'no parameters'}"
                )
        else:
            wire = marker.alias or info.alias or name
        placed.append((name, marker.part, wire))
    return RequestPlan(
        model=model,
        placed=tuple(placed),
        body_fields=frozenset(body) if placed else None,
        form=any(part in ("form", "file") for _, part, _ in placed),
    )
