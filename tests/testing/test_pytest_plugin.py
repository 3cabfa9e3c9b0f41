"""
restwell's pytest plugin, run inside pytester sessions as a user's project runs it.

Each test writes a test module to a temporary directory and runs pytest on it
in-process. Most runs name the plugin with ``-p`` and turn plugin autoloading off
(importing every installed plugin costs seconds per run); the runs that check the
``pytest11`` entry point autoload, with every other installed plugin blocked.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

import restwell.testing.pytest_plugin

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _no_autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=source)
    options = ["--strict-markers", "-p", "no:cacheprovider"]
    options += ["-p", "restwell.testing.pytest_plugin", "-p", "anyio"]
    return pytester.runpytest(*options, *args)


def run_autoloaded(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str
) -> pytest.RunResult:
    """Run with entry points autoloaded, all but restwell's blocked (for speed)."""
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    others = {ep.name for ep in entry_points(group="pytest11")} - {"restwell"}
    blocked = [arg for name in sorted(others) for arg in ("-p", f"no:{name}")]
    return pytester.runpytest("-p", "no:cacheprovider", *blocked, *args)


def test_the_entry_point_names_the_plugin_module() -> None:
    """pytest11 entry point "restwell" loads restwell.testing.pytest_plugin."""
    [entry] = entry_points(group="pytest11", name="restwell")
    assert entry.value == "restwell.testing.pytest_plugin"
    assert entry.load() is restwell.testing.pytest_plugin


def test_the_entry_point_is_autoloaded_and_can_be_turned_off(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed, the plugin loads by itself; -p no:restwell removes its fixtures."""
    pytester.makepyfile(
        test_user="""
import pytest

@pytest.mark.restwell_mock(assert_all_called=False)
def test_needs_it(fake_clock, mock_transport):
    assert fake_clock.monotonic() == 0.0
"""
    )
    run_autoloaded(pytester, monkeypatch, "--strict-markers").assert_outcomes(passed=1)
    off = run_autoloaded(pytester, monkeypatch, "-p", "no:restwell")
    off.assert_outcomes(errors=1)
    off.stdout.fnmatch_lines(["*fixture 'fake_clock' not found*"])


def test_fixtures_and_marker_work_in_a_user_project(pytester: pytest.Pytester) -> None:
    """All four fixtures resolve, and the marker passes --strict-markers."""
    result = run(
        pytester,
        """
import pytest
import restwell
from restwell.testing import (
    AsyncMockTransport, FakeClock, FaultServer, MockTransport, Step,
)

@pytest.mark.restwell_mock(assert_all_called=True)
def test_sync(mock_transport, fake_clock, fault_server):
    assert type(mock_transport) is MockTransport
    assert isinstance(fake_clock, FakeClock) and fake_clock.monotonic() == 0.0
    assert isinstance(fault_server, FaultServer)
    mock_transport.get("https://api.test/x").respond_sequence([503, 200])
    with restwell.Client(transport=mock_transport, clock=fake_clock) as client:
        assert client.get("https://api.test/x").status_code == 200
    assert fake_clock.sleeps  # the retry waited on the fake clock

@pytest.mark.anyio
@pytest.mark.restwell_mock(assert_all_called=True)
async def test_async(async_mock_transport, fake_clock):
    assert type(async_mock_transport) is AsyncMockTransport
    route = async_mock_transport.post("https://api.test/y").respond(201)
    async with restwell.AsyncClient(
        transport=async_mock_transport, clock=fake_clock
    ) as client:
        assert (await client.post("https://api.test/y")).status_code == 201
    assert route.called

@pytest.fixture
def anyio_backend():
    return "asyncio"
""",
    )
    result.assert_outcomes(passed=2)


def test_fault_server_is_shared_and_reset_between_tests(
    pytester: pytest.Pytester,
) -> None:
    """One server per session; each test starts with no script and no record."""
    result = run(
        pytester,
        """
import httpx
from restwell.testing import Step

PORTS = []

def test_first(fault_server):
    fault_server.script("/s", [Step(503)])
    assert httpx.get(fault_server.url_for("/s")).status_code == 503
    assert len(fault_server.requests) == 1
    PORTS.append(fault_server.port)

def test_second(fault_server):
    assert len(fault_server.requests) == 0
    assert httpx.get(fault_server.url_for("/s")).status_code == 404  # no script
    assert fault_server.requests.last.path == "/s"
    assert PORTS == [fault_server.port]
""",
    )
    result.assert_outcomes(passed=2)


def test_assert_all_called_fails_the_test_at_teardown(
    pytester: pytest.Pytester,
) -> None:
    """With assert_all_called=True, a route never called is an error at teardown."""
    result = run(
        pytester,
        """
import pytest

pytestmark = pytest.mark.restwell_mock(assert_all_called=True)

def test_idle(mock_transport):
    mock_transport.get("https://api.test/never", name="idle")

@pytest.mark.restwell_mock(assert_all_called=False)
def test_opted_out(mock_transport):
    mock_transport.get("https://api.test/never")

def test_called(mock_transport):
    mock_transport.get("https://api.test/")
    mock_transport.send(__import__("restwell").Request("GET", "https://api.test/"))
""",
    )
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_idle*", "*never called: <Route 'idle': GET*"]
    )


def test_a_swallowed_unmatched_request_fails_unless_opted_out(
    pytester: pytest.Pytester,
) -> None:
    """assert_all_matched is on by default, and a marker turns it off."""
    result = run(
        pytester,
        """
import pytest
import restwell
from restwell.testing import NoRouteMatched

def swallow(mock):
    try:
        mock.send(restwell.Request("GET", "https://api.test/missing"))
    except Exception:
        pass  # what careless code under test does

def test_default(mock_transport):
    swallow(mock_transport)

@pytest.mark.restwell_mock(assert_all_matched=False)
def test_opted_out(async_mock_transport, mock_transport):
    swallow(mock_transport)
""",
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_default*",
            "*matched no mock route: GET https://api.test/missing*",
        ]
    )


def test_a_failed_test_is_reported_once(pytester: pytest.Pytester) -> None:
    """When the test itself fails, the teardown checks stay silent."""
    result = run(
        pytester,
        """
import pytest

@pytest.mark.restwell_mock(assert_all_called=True)
def test_fails(mock_transport):
    mock_transport.get("https://api.test/never")
    assert False, "the test's own failure"
""",
    )
    result.assert_outcomes(failed=1)
    assert "never called" not in result.stdout.str()


def test_marker_base_url_and_bad_options(pytester: pytest.Pytester) -> None:
    """base_url reaches the mock; unknown options and positional args fail clearly."""
    result = run(
        pytester,
        """
import pytest
import restwell

@pytest.mark.restwell_mock(base_url="https://api.test/v1")
def test_base(mock_transport):
    mock_transport.get("/ping").respond(204)
    request = restwell.Request("GET", "https://api.test/v1/ping")
    assert mock_transport.send(request).status_code == 204

@pytest.mark.restwell_mock(assert_all_caled=True)
def test_typo(mock_transport):
    pass

@pytest.mark.restwell_mock(True)
def test_positional(async_mock_transport):
    pass
""",
    )
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*restwell_mock(assert_all_caled=True): unknown option or not a bool*",
            "*restwell_mock takes keyword arguments only*",
        ]
    )


def test_a_user_fixture_of_the_same_name_wins(pytester: pytest.Pytester) -> None:
    """A project's own conftest fixture overrides the plugin's (no clash)."""
    pytester.makeconftest(
        """
import pytest

@pytest.fixture
def mock_transport():
    return "the project's own"
"""
    )
    result = run(
        pytester,
        """
def test_own(mock_transport):
    assert mock_transport == "the project's own"
""",
    )
    result.assert_outcomes(passed=1)
