"""The public surface: __all__ sorted and complete, modules public, errors pickle."""

from __future__ import annotations

import importlib
import inspect
import pickle
import subprocess
import sys

import pytest

import restwell
import restwell.policies

PUBLIC_PACKAGES = [
    "restwell",
    "restwell.policies",
    "restwell.transports",
    "restwell.middleware",
    "restwell.instrumentation",
    "restwell.testing",
    "restwell.service",
    "restwell.pagination",
    "restwell.testing.conformance",
    "restwell.stores",
]


def _sort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: SCREAMING_CASE, then CamelCase, then the rest; a single
    # capital letter (restwell.H) is CamelCase to ruff.
    if name.isupper() and len(name) > 1:
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_all_is_sorted_unique_and_importable(package: str) -> None:
    """Every public package lists its names once, in isort order, all importable."""
    module = importlib.import_module(package)
    names = list(module.__all__)
    assert len(names) == len(set(names))
    assert names == sorted(names, key=_sort_key)
    for name in names:
        assert hasattr(module, name), f"{package}.{name} is in __all__ but missing"


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_exported_classes_report_a_public_module(package: str) -> None:
    """Exported classes say they live in restwell or a public sub-package."""
    module = importlib.import_module(package)
    for name in module.__all__:
        obj = getattr(module, name)
        if isinstance(obj, type):
            assert not obj.__module__.split(".")[-1].startswith("_"), (
                f"{package}.{name}.__module__ is {obj.__module__}"
            )


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_exported_objects_are_found_at_their_module(package: str) -> None:
    """An exported class or function is found again at __module__.__qualname__."""
    module = importlib.import_module(package)
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            home = importlib.import_module(obj.__module__)
            assert getattr(home, obj.__qualname__, None) is obj, f"{package}.{name}"
            assert pickle.loads(pickle.dumps(obj)) is obj


def test_every_public_name_has_a_docstring() -> None:
    """Every exported class and function documents itself (type aliases excepted)."""
    for package in PUBLIC_PACKAGES:
        module = importlib.import_module(package)
        assert module.__doc__
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                assert obj.__doc__ and obj.__doc__.strip(), f"{package}.{name}"


ERRORS = [
    restwell.ConfigurationError("bad"),
    restwell.TransportError("t", request=restwell.Request("GET", "http://127.0.0.1/")),
    restwell.ConnectError("c"),
    restwell.ReadTimeout("r"),
    restwell.ProtocolError("p"),
    restwell.DeadlineExceeded("d", deadline=1.0, elapsed=1.2),
    restwell.InvalidURL("u"),
    restwell.HTTPStatusError(
        "s",
        request=restwell.Request("GET", "http://127.0.0.1/"),
        response=restwell.Response(503, content=b"x"),
    ),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_pickle(error: restwell.RestwellError) -> None:
    """Every error survives pickling with its type, message and attributes."""
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is type(error)
    assert str(restored) == str(error)
    assert restored.__dict__.keys() == error.__dict__.keys()


def test_error_tree() -> None:
    """Errors co-inherit the builtins they resemble (STYLE.md §6)."""
    assert issubclass(restwell.TransportTimeout, TimeoutError)
    assert issubclass(restwell.DeadlineExceeded, TimeoutError)
    assert issubclass(restwell.DeadlineExceeded, restwell.PolicyError)
    assert issubclass(restwell.ConfigurationError, ValueError)
    assert issubclass(restwell.ResponseValidationError, ValueError)
    for cls in (
        restwell.RequestError,
        restwell.HTTPStatusError,
        restwell.ConfigurationError,
    ):
        assert issubclass(cls, restwell.RestwellError)


def test_import_without_optional_extras() -> None:
    """`import restwell` works with no extra installed (click/rich/hishel blocked)."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'click', 'rich', 'hishel', 'redis',"
        " 'opentelemetry', 'prometheus_client', 'pyreqwest', 'httpx2'}:\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import restwell, restwell.policies, restwell.transports, restwell.testing\n"
        "print(restwell.__version__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr


def test_version_is_a_string() -> None:
    """__version__ comes from package metadata."""
    assert isinstance(restwell.__version__, str)
    assert restwell.__version__[0].isdigit()


#: Moved from the top level to ``restwell.policies`` (deprecated there, STYLE.md §4).
MOVED_TO_POLICIES = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_REPLAY_BUFFER",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_RETRY_ON",
    "DEFAULT_RETRY_STATUSES",
    "DEFAULT_TIMEOUT",
    "IDEMPOTENT_METHODS",
]


def test_defaults_are_exported_from_policies_not_the_top_level() -> None:
    """The DEFAULT_* constants are in restwell.policies.__all__, not restwell's."""
    for name in MOVED_TO_POLICIES:
        assert name in restwell.policies.__all__
        assert name not in restwell.__all__
        assert name not in vars(restwell)


@pytest.mark.parametrize("name", MOVED_TO_POLICIES)
def test_old_top_level_name_warns_and_still_works(name: str) -> None:
    """restwell.DEFAULT_X warns, naming restwell.policies.DEFAULT_X, and returns it."""
    with pytest.warns(
        DeprecationWarning, match=rf"use restwell\.policies\.{name}$"
    ) as w:
        value = getattr(restwell, name)
    assert value is getattr(restwell.policies, name)
    assert w[0].filename == __file__  # points at the caller, not at restwell


def test_from_import_of_an_old_name_warns() -> None:
    """`from restwell import DEFAULT_DEADLINE` still works, with a warning."""
    with pytest.warns(DeprecationWarning, match="restwell.policies.DEFAULT_DEADLINE"):
        from restwell import DEFAULT_DEADLINE
    assert DEFAULT_DEADLINE == restwell.policies.DEFAULT_DEADLINE


def test_unknown_top_level_name_is_an_attribute_error() -> None:
    """Only the moved names are resolved lazily; any other is an AttributeError."""
    with pytest.raises(AttributeError, match="has no attribute 'DEFAULT_NOPE'"):
        _ = restwell.DEFAULT_NOPE  # type: ignore[attr-defined]
