"""
No ``Any`` in a public signature except ``JSON`` (STYLE.md §9).

Every class and function exported by a public package is inspected: parameters and
return types of functions (their ``@overload`` signatures when they have some, as a
type checker sees them), of public methods, ``__init__`` and ``__call__``, property
types, and the fields of exported ``TypedDict`` s and type aliases. Aliases are
expanded, so an ``Any`` hidden in one is found; ``restwell._types.JSON`` is not.
Each ``Any`` that remains is on ``ALLOWED`` with the reason.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import sys
import typing
from collections.abc import Callable, Iterator
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from typing_extensions import TypeAliasType, TypeVar, is_typeddict

from restwell._types import JSON

PUBLIC_PACKAGES = [
    "restwell",
    "restwell.policies",
    "restwell.transports",
    "restwell.middleware",
    "restwell.instrumentation",
    "restwell.testing",
    "restwell.service",
    "restwell.pagination",
    "restwell.stores",
]


# Where an Any may stay, and why. A key is "Owner.member" (any parameter of it),
# "Owner.member(parameter)", "TypedDict" (any field) or "TypedDict.field".
ALLOWED: dict[str, str] = {
    "restwell.H(callback)": (
        "(data) -> value: its parameter is the handler's response type, which a "
        "callable of any parameter type must be assignable to (contravariance)"
    ),
    "restwell.ResourceHandler.__init__(callback)": "as restwell.H(callback)",
    "restwell.Request.__init__(extensions)": (
        "free-form per-request data: whatever middleware and transports store there "
        "(httpx types request extensions the same way)"
    ),
    # _async/_client.py and its generated _sync/_client.py:
    # The request parts of the verbs' options (content, data, json), and the sync
    # twin, which Client and restwell.get/post/... unpack.
}


def _type_checking_names(module: ModuleType) -> dict[str, object]:
    """A module's globals plus what it imports under ``if TYPE_CHECKING:``."""
    return _namespaces(module.__name__)


@functools.cache
def _namespaces(name: str) -> dict[str, object]:
    module = sys.modules[name]
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return {}
    namespace: dict[str, object] = dict(vars(module))
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            code = compile(ast.Module(body=node.body, type_ignores=[]), "<tc>", "exec")
            exec(code, namespace)  # noqa: S102 - our own modules' imports
    return namespace


def _hints(obj: Callable[..., object] | type) -> dict[str, object]:
    """Evaluated annotations, TYPE_CHECKING-only names included."""
    if is_typeddict(obj):
        # Each field's ForwardRef names the module it was written in (bases too).
        hints: dict[str, object] = {}
        for name, ann in obj.__annotations__.items():
            if isinstance(ann, typing.ForwardRef):
                where = sys.modules[ann.__forward_module__ or obj.__module__]
                ann = eval(ann.__forward_arg__, _type_checking_names(where))  # noqa: S307 - our annotations
            hints[name] = ann
        return hints
    # A function: its globals are its module's, whatever __module__ says now.
    module = sys.modules[obj.__globals__["__name__"]]  # type: ignore[union-attr]
    return typing.get_type_hints(
        obj, globalns=_type_checking_names(module), include_extras=True
    )


def _anys(tp: object, where: str) -> Iterator[str]:
    """Yield where ``Any`` occurs in ``tp`` (``where`` names the place)."""
    if tp is Any:
        yield where
    elif tp is JSON or isinstance(tp, TypeVar | typing.TypeVar | str):
        return  # the documented JSON; a TypeVar (its default is not a signature)
    elif isinstance(tp, TypeAliasType):
        yield from _anys(tp.__value__, where)
    elif is_typeddict(tp):
        owner = f"{tp.__module__}.{tp.__qualname__}"  # type: ignore[attr-defined]
        for field, field_type in _hints(tp).items():  # type: ignore[arg-type]
            yield from _anys(field_type, f"{owner}.{field}")
    elif isinstance(tp, list):  # Callable[[args], result]
        for arg in tp:
            yield from _anys(arg, where)
    else:
        for arg in typing.get_args(tp):
            yield from _anys(arg, where)


def _signatures(fn: Callable[..., object]) -> list[Callable[..., object]]:
    """The signatures a checker sees: the overloads if any, else the function."""
    fn = inspect.unwrap(fn)
    # Overloads are registered under the module the function was defined in; a
    # public package may have rewritten __module__ since.
    defined = SimpleNamespace(
        __module__=fn.__globals__["__name__"], __qualname__=fn.__qualname__
    )
    return list(typing.get_overloads(defined)) or [fn]  # type: ignore[arg-type]


def _function_anys(fn: Callable[..., object], owner: str) -> Iterator[str]:
    for signature in _signatures(fn):
        for name, tp in _hints(signature).items():
            yield from _anys(tp, f"{owner}({name})")


def _members(cls: type) -> Iterator[tuple[str, Callable[..., object]]]:
    """Public methods, ``__init__``, ``__call__`` and property getters."""
    seen: set[str] = set()
    for klass in cls.__mro__:
        if not klass.__module__.startswith("restwell") and klass is not cls:
            continue
        for name, member in vars(klass).items():
            if name in seen or (
                name.startswith("_") and name not in {"__init__", "__call__"}
            ):
                continue
            seen.add(name)
            if isinstance(member, staticmethod | classmethod):
                member = member.__func__
            elif isinstance(member, property):
                member = member.fget
            if inspect.isfunction(member):
                yield name, member


def public_anys() -> set[str]:
    """Every place an ``Any`` shows in a public signature."""
    found: set[str] = set()
    seen: set[int] = set()
    for package in PUBLIC_PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            obj = getattr(module, name)
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            owner = f"{package}.{name}"
            if is_typeddict(obj):
                found.update(_anys(obj, owner))
            elif inspect.isclass(obj):
                for member_name, member in _members(obj):
                    found.update(_function_anys(member, f"{owner}.{member_name}"))
            elif inspect.isfunction(obj):
                found.update(_function_anys(obj, owner))
            elif typing.get_origin(obj) is not None or isinstance(obj, TypeAliasType):
                found.update(_anys(obj, owner))  # an exported type alias
    return found


def _allowed_by(place: str) -> str | None:
    for key in ALLOWED:
        if place == key or place.startswith((f"{key}(", f"{key}.")):
            return key
    return None


def test_no_any_in_public_signatures() -> None:
    """Any appears only as JSON, or where ALLOWED says why."""
    stray = sorted(p for p in public_anys() if _allowed_by(p) is None)
    assert not stray, "Any in a public signature (use a precise type or JSON):\n" + (
        "\n".join(stray)
    )


def test_allowlist_has_no_stale_entries() -> None:
    """Every ALLOWED entry still matches an Any: remove it once it is fixed."""
    used = {_allowed_by(p) for p in public_anys()}
    stale = sorted(set(ALLOWED) - used)
    assert not stale, f"no longer needed in ALLOWED: {stale}"


@pytest.mark.parametrize(
    ("tp", "expected"),
    [
        (Any, ["x"]),
        (JSON, []),
        (list[JSON], []),
        (dict[str, Any] | None, ["x"]),
        (Callable[[int], Any], ["x"]),
        (TypeAliasType("Hidden", list[Any]), ["x"]),
        (int | str, []),
    ],
)
def test_the_walker_finds_any(tp: object, expected: list[str]) -> None:
    """The check itself: Any is found in unions, generics, callables and aliases."""
    assert list(_anys(tp, "x")) == expected
