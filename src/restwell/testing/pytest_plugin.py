"""
restwell's pytest plugin: opt-in fixtures for tests of code that calls HTTP APIs.

Installed with restwell and registered through the ``pytest11`` entry point (name
``restwell``), so pytest loads it by itself (``-p no:restwell`` turns it off; with
``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` set, load it with
``-p restwell.testing.pytest_plugin`` or ``pytest_plugins`` in a root
``conftest.py``). Loading it registers the ``restwell_mock`` marker and four
fixtures, and nothing else; a fixture runs only in the tests that ask for it, and a
fixture of the same name in your own ``conftest.py`` takes precedence over it.
Importing the plugin imports the ``restwell`` package (its parent), not your code,
so it does not hide your modules from pytest-cov.

Fixtures:

- ``fault_server``: a running ``restwell.testing.FaultServer`` on 127.0.0.1, with
  no scripts and no recorded requests. One server per test session (per xdist
  worker), reset before each test that uses it; do not stop it.
- ``fake_clock``: a new ``restwell.testing.FakeClock`` (monotonic 0.0); pass it as
  ``clock=`` so retries and waits take no wall time.
- ``mock_transport``: a new ``restwell.testing.MockTransport`` without routes, for
  ``restwell.Client(transport=mock_transport)``.
- ``async_mock_transport``: a new ``restwell.testing.AsyncMockTransport``, for
  ``restwell.AsyncClient``.

Marker ``@pytest.mark.restwell_mock(...)`` (on a test, class or module) configures the
two mock fixtures:

- ``assert_all_called``: after a test that passed, fail it unless every declared
  route was called (``assert_all_called()``). Default ``False``.
- ``assert_all_matched``: after a test that passed, fail it if any request matched
  no route, even if the code under test caught the ``NoRouteMatched``
  (``assert_all_matched()``). Default ``True``; turn it off in a test that sends an
  unmatched request on purpose.
- ``base_url``: the mock's ``base_url``. Default ``None``.

The teardown checks are skipped when the test itself failed, so a failure is
reported once. Modelled on respx's ``respx_mock`` fixture and marker and on
pytest-httpx's teardown assertions.

.. versionadded:: 0.2
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Final

import pytest

if TYPE_CHECKING:
    from restwell.testing import (
        AsyncMockTransport,
        FakeClock,
        FaultServer,
        MockRouter,
        MockTransport,
    )

__all__ = [
    "async_mock_transport",
    "fake_clock",
    "fault_server",
    "mock_transport",
    "pytest_configure",
    "pytest_runtest_makereport",
]

MARKER: Final = "restwell_mock"
_OPTIONS: Final = {"assert_all_called": False, "assert_all_matched": True}
_FAILED: Final = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``restwell_mock`` marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(assert_all_called=False, assert_all_matched=True, base_url=None):"
        " configure restwell's mock_transport / async_mock_transport fixtures",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Note a test whose call phase failed, so the mock fixtures skip their checks."""
    report = yield
    if report.when == "call" and report.failed:
        item.stash[_FAILED] = True
    return report


@pytest.fixture(scope="session")
def _restwell_fault_server() -> Iterator[FaultServer]:
    from restwell.testing import FaultServer

    with FaultServer() as server:
        yield server


@pytest.fixture
def fault_server(_restwell_fault_server: FaultServer) -> FaultServer:
    """
    A running ``FaultServer`` on 127.0.0.1 with no scripts and no records.

    One per session (per xdist worker), reset for each test; do not stop it.
    """
    _restwell_fault_server.reset()
    return _restwell_fault_server


@pytest.fixture
def fake_clock() -> FakeClock:
    """A new ``FakeClock`` at monotonic 0.0: sleeps advance it at once."""
    from restwell.testing import FakeClock

    return FakeClock()


def _options(request: pytest.FixtureRequest) -> tuple[dict[str, bool], str | None]:
    """Read the ``restwell_mock`` marker closest to the test."""
    options = dict(_OPTIONS)
    base_url: str | None = None
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if marker.args:
            pytest.fail(
                f"@pytest.mark.{MARKER} takes keyword arguments only "
                f"({', '.join([*_OPTIONS, 'base_url'])}), got {marker.args!r}",
                pytrace=False,
            )
        for key, value in marker.kwargs.items():
            if key == "base_url":
                base_url = value
            elif key in _OPTIONS and isinstance(value, bool):
                options[key] = value
            else:
                pytest.fail(
                    f"@pytest.mark.{MARKER}({key}={value!r}): unknown option or not "
                    f"a bool; it takes {', '.join(_OPTIONS)} (bools) and base_url",
                    pytrace=False,
                )
    return options, base_url


def _check(
    request: pytest.FixtureRequest, mock: MockRouter, options: dict[str, bool]
) -> None:
    if request.node.stash.get(_FAILED, False):
        return  # the test failed already: report that once
    __tracebackhide__ = True
    if options["assert_all_matched"]:
        mock.assert_all_matched()
    if options["assert_all_called"]:
        mock.assert_all_called()


@pytest.fixture
def mock_transport(request: pytest.FixtureRequest) -> Iterator[MockTransport]:
    """
    A new ``MockTransport`` with no routes, for ``restwell.Client``.

    Configured by the ``restwell_mock`` marker; checks it at teardown.
    """
    from restwell.testing import MockTransport

    options, base_url = _options(request)
    mock = MockTransport(base_url=base_url)
    yield mock
    _check(request, mock, options)


@pytest.fixture
def async_mock_transport(
    request: pytest.FixtureRequest,
) -> Iterator[AsyncMockTransport]:
    """
    A new ``AsyncMockTransport`` with no routes, for ``restwell.AsyncClient``.

    Configured by the ``restwell_mock`` marker; checks it at teardown.
    """
    from restwell.testing import AsyncMockTransport

    options, base_url = _options(request)
    mock = AsyncMockTransport(base_url=base_url)
    yield mock
    _check(request, mock, options)
