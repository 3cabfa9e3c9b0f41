"""Retry predicates: on_status, on_exception, on_response and their | and &."""

from __future__ import annotations

from typing import Any

import pytest

from restwell import ConfigurationError
from restwell._exceptions import (
    ConnectError,
    ConnectTimeout,
    DecodingError,
    NetworkError,
    PoolTimeout,
    ProtocolError,
    ReadError,
    ReadTimeout,
    TransportError,
    TransportTimeout,
    WriteError,
    WriteTimeout,
)
from restwell._models import Response
from restwell.policies import (
    DEFAULT_RETRY_ON,
    Predicate,
    on_exception,
    on_response,
    on_status,
)


def junk(value: object) -> Any:
    """Pass a deliberately ill-typed argument past the type checker."""
    return value


def status(code: int, **headers: str) -> Response[Any]:
    return Response(code, headers=headers, content=b"")


def test_on_status_matches_listed_codes_only() -> None:
    """on_status matches responses with a listed status and nothing else."""
    pred = on_status(429, 503)
    assert pred(status(429))
    assert pred(status(503))
    assert not pred(status(500))
    assert not pred(status(200))


def test_on_status_never_matches_exceptions() -> None:
    """on_status is false for an exception outcome."""
    assert not on_status(503)(ConnectError("refused"))


def test_on_exception_matches_subclasses() -> None:
    """on_exception matches instances of the given classes and their subclasses."""
    pred = on_exception(NetworkError, KeyError)
    assert pred(ReadError("reset"))
    assert pred(KeyError("k"))
    assert not pred(ReadTimeout("slow"))
    assert not pred(status(503))


def test_on_response_calls_the_function_on_responses() -> None:
    """on_response retries the responses its function accepts, never exceptions."""
    seen: list[int] = []

    def pending(response: Response[Any]) -> bool:
        seen.append(response.status_code)
        return response.headers.get("x-status") == "pending"

    pred = on_response(pending)
    assert pred(status(200, **{"x-status": "pending"}))
    assert not pred(status(200, **{"x-status": "done"}))
    assert not pred(ConnectError("refused"))
    assert seen == [200, 200]


def test_on_response_coerces_truthiness() -> None:
    """on_response turns the function's result into a bool."""
    assert on_response(lambda r: 1)(status(200)) is True  # type: ignore[arg-type,return-value]
    assert on_response(lambda r: "")(status(200)) is False  # type: ignore[arg-type,return-value]


def test_or_matches_either() -> None:
    """a | b matches when either predicate matches."""
    pred = on_status(503) | on_exception(ConnectError)
    assert isinstance(pred, Predicate)
    assert pred(status(503))
    assert pred(ConnectError("refused"))
    assert not pred(status(500))
    assert not pred(ReadError("reset"))


def test_and_matches_both() -> None:
    """a & b matches only when both predicates match."""
    pred = on_status(503) & on_response(lambda r: "retry-after" in r.headers)
    assert pred(status(503, **{"Retry-After": "1"}))
    assert not pred(status(503))
    assert not pred(status(429, **{"Retry-After": "1"}))


def test_combinations_nest() -> None:
    """| and & nest into larger expressions."""
    pred = (on_status(429) | on_status(503)) & on_response(
        lambda r: r.headers.get("x-retry") != "no"
    ) | on_exception(ConnectError)
    assert pred(status(429))
    assert not pred(status(503, **{"x-retry": "no"}))
    assert pred(ConnectError("refused"))


def test_base_predicate_is_abstract() -> None:
    """The Predicate base class has no test of its own."""
    with pytest.raises(NotImplementedError):
        Predicate()(status(200))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: on_status(), r"on_status\(\) needs at least one status code"),
        (lambda: on_status(99), r"on_status\(status\)=99 must be an int >= 100"),
        (lambda: on_status(600), r"on_status\(600\): status codes are ints"),
        (lambda: on_status(junk("503")), r"on_status\(status\)='503'"),
        (lambda: on_status(True), r"on_status\(status\)=True"),
        (lambda: on_status(junk(503.0)), r"on_status\(status\)=503.0"),
        (lambda: on_exception(), r"on_exception\(\) needs at least one"),
        (
            lambda: on_exception(junk(ValueError("x"))),
            r"on_exception\(ValueError\('x'\)\)",
        ),
        (lambda: on_exception(junk(int)), r"on_exception\(<class 'int'>\)"),
        (lambda: on_exception(junk("TimeoutError")), r"on_exception\('TimeoutError'\)"),
        (lambda: on_response(junk(None)), r"on_response\(None\): pass a function"),
        (lambda: on_response(junk(503)), r"on_response\(503\)"),
    ],
)
def test_bad_arguments_raise_configuration_error(build: object, message: str) -> None:
    """Invalid predicate arguments raise ConfigurationError naming the value."""
    with pytest.raises(ConfigurationError, match=message):
        build()  # type: ignore[operator]  # lambdas in a parametrize table


def test_on_status_accepts_bounds() -> None:
    """on_status accepts 100 and 599, the ends of the status range."""
    assert on_status(100, 599)(status(599))


# -- DEFAULT_RETRY_ON ------------------------------------------------------------------


@pytest.mark.parametrize("code", [408, 429, 500, 502, 503, 504])
def test_default_retries_transient_statuses(code: int) -> None:
    """DEFAULT_RETRY_ON matches 408, 429, 500, 502, 503 and 504."""
    assert DEFAULT_RETRY_ON(status(code))


@pytest.mark.parametrize(
    "code", [200, 201, 301, 304, 400, 401, 403, 404, 409, 501, 505]
)
def test_default_skips_other_statuses(code: int) -> None:
    """DEFAULT_RETRY_ON does not match success, 4xx other than 408/429, or 501."""
    assert not DEFAULT_RETRY_ON(status(code))


@pytest.mark.parametrize(
    "error",
    [
        TransportTimeout("t"),
        ConnectTimeout("t"),
        ReadTimeout("t"),
        WriteTimeout("t"),
        PoolTimeout("t"),
        NetworkError("n"),
        ConnectError("n"),
        ReadError("n"),
        WriteError("n"),
        ProtocolError("p"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_default_retries_transport_failures(error: BaseException) -> None:
    """DEFAULT_RETRY_ON matches timeouts, network and protocol errors."""
    assert DEFAULT_RETRY_ON(error)


@pytest.mark.parametrize(
    "error",
    [
        DecodingError("d"),
        TransportError("base"),
        TimeoutError("builtin"),
        ConnectionError("builtin"),
        ValueError("v"),
        KeyboardInterrupt(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_default_skips_other_errors(error: BaseException) -> None:
    """DEFAULT_RETRY_ON does not match decoding errors, the base class, or builtins."""
    assert not DEFAULT_RETRY_ON(error)
