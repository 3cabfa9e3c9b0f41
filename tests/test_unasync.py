"""scripts/unasync.py: the translation rules that are more than a rename."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "unasync.py"


@pytest.fixture(scope="module")
def unasync() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(unasync: ModuleType, text: str) -> str:
    out: str = unasync.transform(text, set())
    return out


def test_article_follows_the_new_name(unasync: ModuleType) -> None:
    """'an AsyncClient' becomes 'a Client'; 'an AsyncIterator' stays 'an Iterator'."""
    text = "is not an AsyncClient, An AsyncClient or an\n    AsyncIterator"
    assert run(unasync, text) == "is not a Client, A Client or an\n    Iterator"


def test_article_before_a_quoted_name(unasync: ModuleType) -> None:
    """The article is corrected across the quotes of a ``name``."""
    assert run(unasync, "an ``AsyncTransport``") == "a ``Transport``"


def test_a_word_ending_in_an_is_not_an_article(unasync: ModuleType) -> None:
    """Only a whole-word 'a'/'an' is corrected."""
    assert run(unasync, "Duran AsyncClient") == "Duran Client"


def test_a_loop_that_only_re_yields_becomes_yield_from(unasync: ModuleType) -> None:
    """An `async for` (or `for`) loop whose body is one `yield` is `yield from`."""
    text = (
        "async def f():\n"
        "    for c in prefix:\n"
        "        yield c\n"
        "    async for c in rest:\n"
        "        yield c\n"
    )
    assert run(unasync, text) == (
        "def f():\n    yield from prefix\n    yield from rest\n"
    )


@pytest.mark.parametrize(
    "tail", ["        n += 1\n", "    else:\n        pass\n"], ids=["body", "else"]
)
def test_a_loop_with_more_to_it_stays_a_loop(unasync: ModuleType, tail: str) -> None:
    """A loop with more in its body, or an `else`, is left a loop."""
    text = "    async for c in rest:\n        yield c\n" + tail
    assert run(unasync, text) == "    for c in rest:\n        yield c\n" + tail


def test_async_list_comprehension_becomes_list(unasync: ModuleType) -> None:
    """`[c async for c in it]` becomes `list(it)`."""
    assert run(unasync, "[c async for c in r.aiter_bytes()]") == "list(r.iter_bytes())"


def test_async_qualifier_becomes_sync(unasync: ModuleType) -> None:
    """'(async)' after a phrase becomes '(sync)'; 'an (async) iterable' stays."""
    text = "the body (async); an (async) iterable"
    assert run(unasync, text) == "the body (sync); an (async) iterable"


def test_a_generated_block_is_rewritten_from_its_source_block(
    unasync: ModuleType,
) -> None:
    """In a module outside _async/, the GENERATED block follows the source block."""
    text = (
        "class R:\n"
        "    # unasync: source\n"
        "    async def aclose(self) -> None:\n"
        "        await self._s.aclose()\n"
        "\n"
        "    # unasync: GENERATED\n"
        "    def stale(self) -> None: ...\n"
        "    # unasync: end\n"
        "    x = 1\n"
    )
    out: str = unasync.regenerate_blocks(text, set())
    assert out == text.replace(
        "    def stale(self) -> None: ...\n",
        "    def close(self) -> None:\n        self._s.close()\n\n",
    )


def test_a_source_block_without_its_generated_block_is_an_error(
    unasync: ModuleType,
) -> None:
    """A source marker without GENERATED and end markers is refused."""
    with pytest.raises(ValueError, match="GENERATED"):
        unasync.regenerate_blocks("# unasync: source\nasync def f(): ...\n", set())


def test_the_docstring_names_every_generated_module(unasync: ModuleType) -> None:
    """Every module and package in src/restwell/_async is listed as generated."""
    doc = unasync.__doc__
    assert doc is not None
    listed = doc.split("Generated (", 1)[1].split("Hand-kept", 1)[0]
    source = SCRIPT.parent.parent / "src/restwell/_async"
    names = sorted(
        p.name + ("/" if p.is_dir() else "")
        for p in source.iterdir()
        if p.name != "__init__.py"
        and (p.suffix == ".py" or (p / "__init__.py").exists())
    )
    assert [name for name in names if f"    {name} " not in listed] == []
