"""
HTTP/2's optional dependency: ``h2``, brought by the ``restwell[http2]`` extra.

httpx and httpx2 speak HTTP/2 through the ``h2`` package (``httpx[http2]``); without
it, ``http2=True`` fails inside httpx with an ``ImportError`` that names httpx's
extra, not restwell's. ``require_h2`` checks first and raises restwell's
``ConfigurationError`` naming ``pip install "restwell[http2]"``. pyreqwest has
HTTP/2 built in (Rust's ``h2`` crate) and needs nothing.
"""

from __future__ import annotations

import importlib

from ._exceptions import ConfigurationError

__all__ = ["HTTP2_EXTRA_HINT", "require_h2"]

HTTP2_EXTRA_HINT = 'pip install "restwell[http2]"'
"""The command that installs ``h2``, named by every error about it."""


def require_h2(what: str) -> None:
    """
    Check that ``h2`` imports; ``what`` names the caller in the error.

    Args:
        what: What needs HTTP/2, for the message (``"http2=True on
            transport='httpx'"``).

    Raises:
        ConfigurationError: If ``h2`` is not installed (or cannot be imported);
            the message names ``pip install "restwell[http2]"``.
    """
    try:
        importlib.import_module("h2")
    except ImportError:
        raise ConfigurationError(
            f"{what} needs the h2 package (HTTP/2 framing): {HTTP2_EXTRA_HINT}, "
            "or drop http2=True"
        ) from None
