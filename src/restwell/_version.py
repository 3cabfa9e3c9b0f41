"""The installed version, from package metadata (stamina's way)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["USER_AGENT", "__version__"]

try:
    __version__ = version("restwell")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

USER_AGENT = f"restwell/{__version__}"
