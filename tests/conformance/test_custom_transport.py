"""
The conformance suite run against ``examples/custom_transport.py``'s transport.

This is ``restwell.testing.conformance`` used as a user would: subclass, say what
the transport supports, build it. A check it cannot pass is a known difference
with its reason (``docs/transports.md`` explains each).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from restwell.testing.conformance import AsyncTransportConformance
from restwell.transports import TransportOptions

pytestmark = pytest.mark.network

_PATH = Path(__file__).resolve().parents[2] / "examples" / "custom_transport.py"


def _load() -> Any:
    spec = importlib.util.spec_from_file_location("custom_transport_example", _PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


example = _load()


class TestStdlibTransport(AsyncTransportConformance):
    """The example's ``StdlibTransport`` passes the suite."""

    supports = frozenset({"verify", "cert"})
    decodes = frozenset()  # http.client leaves Content-Encoding to its caller

    def make_transport(self, options: TransportOptions) -> Any:
        return example.StdlibTransport(options)
