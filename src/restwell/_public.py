"""
One rule for the ``__module__`` of exported objects (STYLE.md §4).

Every public package (``restwell``, ``restwell.policies``, ``restwell.transports``,
``restwell.middleware``, ``restwell.instrumentation``, ``restwell.testing``) ends with
``set_public_module(globals())``, so what it exports reports the package as its
module, as httpx does: reprs, tracebacks and docs say ``restwell.Response``, not
``restwell._models.Response``. ``tests/test_public_api.py`` checks the result.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

__all__ = ["set_public_module"]


def _is_private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def set_public_module(namespace: Mapping[str, Any]) -> None:
    """
    Make the classes and functions a package exports report the package as module.

    For each name in ``namespace["__all__"]``, a class or function gets
    ``__module__ = namespace["__name__"]`` when both hold:

    - its ``__module__`` is private (a dotted part starts with ``_``), so an object
      another public package already claimed keeps that home (``restwell.Retry``
      stays ``restwell.policies.Retry``); the package that exports it first wins;
    - ``namespace[obj.__qualname__] is obj``, so ``<package>.<qualname>`` finds the
      object again and pickling by reference keeps working (``restwell.aget`` is
      ``restwell._async._api.get``: ``restwell.get`` is another function, so
      ``aget`` is left alone).

    Constants, type aliases and other instances are left alone.

    Args:
        namespace: The package's ``globals()``: ``__name__`` is the module name to
            report, ``__all__`` the names exported.
    """
    package = namespace["__name__"]
    for name in namespace["__all__"]:
        obj = namespace[name]
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if _is_private(obj.__module__) and namespace.get(obj.__qualname__) is obj:
            obj.__module__ = package
