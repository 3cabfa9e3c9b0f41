"""
Route templates with typed parameters: ``/users/{id:int}/posts/{slug}``.

A template compiles once (per handler) into a regular expression and a list of
converters. ``Route.match(path)`` turns a concrete path into converted values
(``"/7"`` against ``"/{id:int}"`` → ``{"id": 7}``); ``Route.build(values)`` turns
keyword arguments into a path, each value checked by its converter and
percent-encoded (RFC 3986 §3.3). Converters, as in Starlette's routing:

- ``str`` (the default for a plain ``{name}``): one non-empty segment, no ``/``;
  an ``int`` value is written in decimal (``user_id=7``), a ``bool`` is refused.
- ``int``: a decimal integer, a leading ``-`` allowed (``-3`` is an int).
- ``float``: a decimal number.
- ``uuid``: an RFC 9562 UUID (any case, hyphenated).
- ``path``: the rest of the path, ``/`` included (must be the last parameter).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from .._exceptions import ConfigurationError

__all__ = ["CONVERTERS", "Route", "RouteError"]


class RouteError(ValueError):
    """A path or value does not fit a route (message says which parameter and why)."""


def _to_int(text: str) -> int:
    return int(text)


def _to_float(text: str) -> float:
    return float(text)


def _to_uuid(text: str) -> uuid.UUID:
    return uuid.UUID(text)


def _to_str(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class _Converter:
    """How one parameter type matches, converts and formats."""

    name: str
    regex: str
    convert: Callable[[str], Any]
    accepts: tuple[type, ...]


CONVERTERS: Mapping[str, _Converter] = {
    "str": _Converter("str", r"[^/]+", _to_str, (str, int)),
    "int": _Converter("int", r"-?[0-9]+", _to_int, (int,)),
    "float": _Converter("float", r"-?[0-9]+(?:\.[0-9]+)?", _to_float, (int, float)),
    "uuid": _Converter(
        "uuid",
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        _to_uuid,
        (uuid.UUID, str),
    ),
    "path": _Converter("path", r".+", _to_str, (str,)),
}
"""The parameter types a route template may name: ``{name:type}``."""

# Per converter, the texts that ``build(match(text))`` gives back unchanged: no
# percent-encoding to undo or redo (RFC 3986 §2.3's unreserved characters, "/"
# too for ``path``), an int without a leading zero or "-0" and short enough to
# convert whatever ``sys.set_int_max_str_digits`` says (640 is its least limit),
# a UUID in lower case. A path fitting a route through these alone is its own
# URL suffix: nothing to convert or rebuild. ``float`` has none (``1.50``).
_CANONICAL = {
    "str": r"[A-Za-z0-9_.~-]+",
    "int": r"(?:0|-?[1-9][0-9]{0,638})",
    "uuid": r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "path": r"[A-Za-z0-9_.~/-]+",
}

_MISSING: Any = object()
_PARAM = re.compile(r"{([^{}:]*)(?::([^{}]*))?}")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class _Param:
    name: str
    converter: _Converter


class Route:
    """
    A compiled route template.

    Args:
        template: The path template, ``""`` or starting with ``/``, e.g.
            ``"/{id:int}/posts"``. Parameters are ``{name}`` or ``{name:type}``
            with a type among ``CONVERTERS``.

    Attributes:
        template: The template as given.
        params: The parameter names, in order.

    Raises:
        ConfigurationError: For a malformed template (an unknown type, a repeated
            or invalid name, a ``path`` parameter that is not last, stray braces).
    """

    __slots__ = ("_canonical", "_params", "_pattern", "_pieces", "params", "template")

    def __init__(self, template: str) -> None:
        given: object = template
        if not isinstance(given, str) or (template and template[0] != "/"):
            raise ConfigurationError(
                f"route {template!r} must be a str starting with '/' (or '')"
            )
        self.template = template
        regex: list[str] = []
        pieces: list[str | _Param] = []
        params: list[_Param] = []
        pos = 0
        for found in _PARAM.finditer(template):
            literal = template[pos : found.start()]
            self._check_literal(literal)
            regex.append(re.escape(literal))
            pieces.append(literal)
            name, kind = found.group(1), found.group(2) or "str"
            if not _IDENT.match(name):
                raise ConfigurationError(
                    f"route {template!r}: parameter name {name!r} must be a Python "
                    "identifier, e.g. {user_id:int}"
                )
            if any(p.name == name for p in params):
                raise ConfigurationError(
                    f"route {template!r}: parameter {name!r} appears twice"
                )
            converter = CONVERTERS.get(kind)
            if converter is None:
                raise ConfigurationError(
                    f"route {template!r}: parameter {name!r} has unknown type "
                    f"{kind!r}; use one of {', '.join(CONVERTERS)}"
                )
            if params and params[-1].converter.name == "path":
                raise ConfigurationError(
                    f"route {template!r}: a path parameter ({params[-1].name!r}) "
                    "must be the last parameter"
                )
            param = _Param(name, converter)
            params.append(param)
            pieces.append(param)
            regex.append(f"(?P<{name}>{converter.regex})")
            pos = found.end()
        tail = template[pos:]
        self._check_literal(tail)
        regex.append(re.escape(tail))
        pieces.append(tail)
        self._pattern = re.compile("".join(regex))
        self._pieces = tuple(pieces)
        self._params = tuple(params)
        self.params = tuple(p.name for p in params)
        self._canonical = self._compile_canonical()

    def _compile_canonical(self) -> re.Pattern[str] | None:
        """
        The paths that are their own ``build(match(path))`` (see ``_CANONICAL``).

        Only for a template whose every parameter is a whole segment (after a
        ``/``, before a ``/`` or the end): there the segments fix which text is
        which parameter, as they do for ``match``. ``None`` for any other
        template, or one with a ``float`` parameter.
        """
        regex: list[str] = []
        for i, piece in enumerate(self._pieces):
            if isinstance(piece, str):
                regex.append(re.escape(piece))
                continue
            before, after = self._pieces[i - 1], self._pieces[i + 1]
            canonical = _CANONICAL.get(piece.converter.name)
            if (
                canonical is None
                or not (isinstance(before, str) and before.endswith("/"))
                or not (isinstance(after, str) and after[:1] in ("", "/"))
            ):
                return None
            regex.append(canonical)
        return re.compile("".join(regex))

    def _is_own_build(self, path: str) -> bool:
        """Whether ``build(match(path)) == path``, known without converting (fast)."""
        canonical = self._canonical
        return canonical is not None and canonical.fullmatch(path) is not None

    def _check_literal(self, literal: str) -> None:
        if "{" in literal or "}" in literal:
            raise ConfigurationError(
                f"route {self.template!r} has an unmatched brace: write parameters "
                "as {name} or {name:type}"
            )

    def __repr__(self) -> str:
        return f"Route({self.template!r})"

    def match(self, path: str) -> dict[str, object] | None:
        """
        The converted parameters if ``path`` fits this route, else ``None``.

        A trailing slash is not significant (``"/7/"`` fits ``"/{id:int}"``).
        Values are percent-decoded before conversion.
        """
        found = self._pattern.fullmatch(path)
        if found is None and len(path) > 1 and path.endswith("/"):
            found = self._pattern.fullmatch(path[:-1])
        if found is None and path == "" and self.template == "/":
            found = self._pattern.fullmatch("/")
        if found is None and path == "/" and self.template == "":
            found = self._pattern.fullmatch("")
        if found is None:
            return None
        values: dict[str, object] = {}
        for param in self._params:
            text = unquote(found.group(param.name))
            try:
                values[param.name] = param.converter.convert(text)
            except ValueError:
                return None
        return values

    def build(self, values: Mapping[str, object]) -> str:
        """
        The path for ``values`` (parameter name → value), percent-encoded.

        Raises:
            RouteError: If a parameter is missing, or its value does not fit its
                type (the message names the parameter, its type and the value's).
        """
        pieces = self._pieces
        out = pieces[0]  # literal, parameter, literal, …, literal
        for i in range(1, len(pieces), 2):
            param: _Param = pieces[i]  # type: ignore[assignment]
            value = values.get(param.name, _MISSING)
            if value is _MISSING:
                raise RouteError(
                    f"missing path parameter {param.name!r} for route "
                    f"{self.template!r}: pass {param.name}=..."
                )
            if type(value) is int and param.converter.name in ("int", "str"):
                text = str(value)  # digits and "-": nothing to check or encode
            else:
                text = self._format(param, value)
            out = f"{out}{text}{pieces[i + 1]}"
        return out  # type: ignore[return-value]

    def _format(self, param: _Param, value: object) -> str:
        converter = param.converter
        if isinstance(value, bool) or not isinstance(value, converter.accepts):
            raise RouteError(
                f"path parameter {param.name!r} of route {self.template!r} must be "
                f"{converter.name}, got {type(value).__name__} {value!r}"
            )
        text = str(value)
        if converter.name == "uuid" and isinstance(value, str):
            try:
                text = str(uuid.UUID(value))
            except ValueError:
                raise RouteError(
                    f"path parameter {param.name!r} of route {self.template!r} must "
                    f"be a UUID, got {value!r}"
                ) from None
        if converter.name == "str" and text == "":
            raise RouteError(
                f"path parameter {param.name!r} of route {self.template!r} is empty"
            )
        return quote(text, safe="/" if converter.name == "path" else "")
