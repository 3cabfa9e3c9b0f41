"""
Generate the sync twin from the async source: src/restwell/_async -> _sync, and
tests/_async -> tests/_sync (the approach httpcore and hishel use).

    python scripts/unasync.py          # regenerate
    python scripts/unasync.py --check  # fail if a generated file drifted, or a rule
                                       # was never used (a dead rule hides a rename)

How a file is made: the SYNTAX rules (regexes, in order), then the RULES renames
(word-bounded; an article in front of a renamed name is corrected, so "an
AsyncClient" becomes "a Client"), then ruff: `ruff check --fix --select I001,F401`
(a rename can unsort an import block, and an import only the async form used,
`Awaitable`, is left unused; the source is clean of both, so only the translation
can cause them) and `ruff format`. The output is therefore linted and
format-checked like hand-written code. ruff is the one installed beside the
running Python (the venv's, as `make format` runs it), else the one on PATH.

A module outside _async/ may hold twins too, when they must live there (a core
model is a leaf: it imports no _async or _sync code): the code after
a "# unasync: source" comment is translated into the block between
"# unasync: GENERATED" and "# unasync: end" below it, and the module is formatted.
Its imports are hand-kept (the module imports what both blocks use).

Generated (source : twin; tests/test_unasync.py checks that this list names every
module and package in _async/):

    _api.py              arequest()/aget()/... : module-level request()/get()/...
    _binding.py          AsyncServiceBinding : ServiceBinding (declared calls)
    _paginate.py         apaginate : paginate (the pagination driver)
    _body.py             abuffer_body : buffer_body (replay buffering of a body)
    _client.py           AsyncClient : Client
    _conformance.py      AsyncTransportConformance : TransportConformance (the
                         transport conformance suite, restwell.testing.conformance)
    _stages/             the pipeline's stages, one module per slot
    _transport_httpx.py  AsyncHttpxTransport : HttpxTransport
    _transport_mock.py   AsyncMockTransport : MockTransport
    _transport_pyreqwest.py  AsyncPyreqwestTransport : PyreqwestTransport (what
                         differs by world is in restwell/_pyreqwest.py)
    tests/_async/        test_body, test_client, test_decoding, test_failover,
                         test_httpbin, test_mock_router, test_multipart,
                         test_response_data, test_response_limits,
                         test_response_streaming, test_stages,
                         test_transport_mock
    _models.py, in place _AsyncBody : _Body (a body being iterated), and
                         Response.aread/aiter_bytes/aiter_text/aiter_lines/aclose :
                         read/iter_bytes/iter_text/iter_lines/close

Hand-kept, and why:

- Where the two worlds differ on purpose, a small non-I/O pair outside _async/
  holds the difference, and generated code calls one or the other: which bodies
  a client takes (_body.aiter_chunks wraps sync iterables, iter_chunks refuses
  async ones), which handlers a mock takes (_transport_base.ahandler_response
  awaits, handler_response refuses), which transports a client takes
  (transports/_registry make_async_transport, make_transport), how hooks are
  called (_hooks aemit awaits async hooks, emit: subscribe(sync=True) refused
  them already). These are not twins: each says something the other must not.
- Protocols (Transport/AsyncTransport, ResponseStream/AsyncResponseStream,
  Middleware/AsyncMiddleware, Clock.sleep/asleep): declarations with no I/O path
  to drift; the sync one points to the async one's docstring, and mypy checks
  every implementation, generated ones included, against them.
- Clocks (SystemClock, FakeClock) and FaultServer (__enter__/__aenter__): one
  object serves both worlds, and the bodies differ by nature (time.sleep against
  anyio.sleep; FakeClock.asleep also yields to the event loop), so neither is a
  translation of the other.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = [
    (ROOT / "src/restwell/_async", ROOT / "src/restwell/_sync"),
    (ROOT / "tests/_async", ROOT / "tests/_sync"),
]
# Modules outside _async/ with twins inside them: a "# unasync: source" block is
# translated into the block between "# unasync: GENERATED" and "# unasync: end".
INLINE_ROOT = ROOT / "src/restwell"
BLOCK = re.compile(
    r"(?ms)(?P<source>^[ \t]*# unasync: source\b[^\n]*\n(?P<code>.*?))"
    r"(?P<generated>^[ \t]*# unasync: GENERATED\b[^\n]*\n).*?"
    r"(?P<end>^[ \t]*# unasync: end\b[^\n]*\n)"
)

# Order matters: longer names before their substrings. Word-bounded.
RULES: list[tuple[str, str]] = [
    ("AsyncServiceBinding", "ServiceBinding"),
    ("apaginate", "paginate"),
    ("AsyncResourceBinding", "ResourceBinding"),
    ("acall_callback", "call_callback"),
    ("AsyncTransportConformance", "TransportConformance"),
    ("agather", "gather"),
    ("AsyncHttpxTransport", "HttpxTransport"),
    ("_AsyncHttpxStream", "_HttpxStream"),
    ("AsyncMockTransport", "MockTransport"),
    ("AsyncPyreqwestTransport", "PyreqwestTransport"),
    ("_AsyncPyreqwestStream", "_PyreqwestStream"),
    ("AsyncReqwestClient", "ReqwestClient"),
    ("async_builder", "sync_builder"),
    ("is_async_client", "is_sync_client"),
    ("strip_credentials", "strip_credentials_sync"),
    ("AsyncMockHandler", "MockHandler"),
    ("ahandler_response", "handler_response"),
    ("_AsyncBytesStream", "_BytesStream"),
    ("_AsyncBody", "_Body"),
    ("AsyncTransport", "Transport"),
    ("AsyncResponseStream", "ResponseStream"),
    ("AsyncClient", "Client"),
    ("AsyncIterator", "Iterator"),
    ("asynccontextmanager", "contextmanager"),
    ("__aenter__", "__enter__"),
    ("__aexit__", "__exit__"),
    ("__aiter__", "__iter__"),
    ("__anext__", "__next__"),
    ("anext", "next"),
    ("StopAsyncIteration", "StopIteration"),
    ("aclose", "close"),
    ("aread", "read"),
    ("aiter_bytes", "iter_bytes"),
    ("aiter_raw", "iter_raw"),
    ("aiter_text", "iter_text"),
    ("aiter_lines", "iter_lines"),
    ("asleep", "sleep"),
    ("aemit", "emit"),
    ("abuffer_body", "buffer_body"),
    ("_achain", "_chain"),
    ("aiter_chunks", "iter_chunks"),
    ("asubscribe", "subscribe"),
    ("AsyncHandler", "Handler"),
    ("AsyncWaiter", "Waiter"),
    ("await_permit", "wait_permit"),
    ("ASYNC_CANCELLED_AT_DEADLINE", "SYNC_CANCELLED_AT_DEADLINE"),
    ("ASYNC_DEFAULT_TRANSPORT", "SYNC_DEFAULT_TRANSPORT"),
    ("AsyncMiddleware", "Middleware"),
    ("make_async_transport", "make_transport"),
    ("anyio_backend", "anyio_backend"),
    ("restwell._async", "restwell._sync"),
]
# Regexes applied in order, before RULES.
SYNTAX: list[tuple[str, str]] = [
    # The async deadline stage runs the chain under a watchdog; a sync call cannot be
    # cancelled from outside (its transport caps each socket operation instead), so
    # the sync stage calls the chain directly: no extra frame per call.
    (
        r"await abounded\(self\._next, request, ctx, self\._expired\)",
        "self._next(request)",
    ),
    # `[x async for x in it]` has no sync spelling shorter than `list(it)`.
    (r"\[(\w+) async for \1 in ([^\[\]\n]+)\]", r"list(\2)"),
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    # A loop that only re-yields is `yield from` in a sync generator; an async
    # generator cannot say that. Not when more lines of the loop body follow.
    (
        r"(?m)^([ \t]*)for (\w+) in (.+):\n\1    yield \2\n"
        r"(?!\1(?:    [ \t]*\S|else\b))",
        r"\1yield from \3\n",
    ),
    # Verbs return request()'s coroutine: Awaitable[Response[X]] -> Response[X]
    (r"\bAwaitable\[(Response\[\w+\])\]", r"\1"),
    # "(async)" qualifying a phrase ("... the body (async); ..."), not "(async) X".
    (r"\(async\)(?=[.,:;])", "(sync)"),
    (r"(?m)^[ \t]*@pytest\.mark\.anyio\n", ""),
    # pyreqwest names its async classes plainly and its sync ones Sync*.
    (r"\bpyreqwest\.client\.Client(Builder)?\b", r"pyreqwest.client.SyncClient\1"),
    (
        r"\bfrom pyreqwest\.client import Client as\b",
        "from pyreqwest.client import SyncClient as",
    ),
]
HEADER = (
    "# GENERATED from {src}: do not edit.\n"
    "# Edit the source, then run scripts/unasync.py (or `make format`).\n"
)
VOWELS = frozenset("AEIOUaeiou")


def _rename(
    old: str, new: str
) -> tuple[str, re.Pattern[str], Callable[[re.Match[str]], str]]:
    """A word-bounded rename that also fixes an "a"/"an" just before the name."""
    article = "an" if new[0] in VOWELS else "a"

    def repl(match: re.Match[str]) -> str:
        if match["article"] is None:
            return new
        fixed = article.capitalize() if match["article"][0] == "A" else article
        return f"{fixed}{match['space']}{new}"

    name = re.escape(old)
    # The article may stand before a quote: an ``AsyncClient``.
    pattern = re.compile(rf"(?:\b(?P<article>[Aa]n?)(?P<space>\s+[`'\"*]*))?\b{name}\b")
    return old, pattern, repl


RENAMES = [_rename(old, new) for old, new in RULES]


def transform(text: str, used: set[str]) -> str:
    """Apply SYNTAX, then RULES, to one source file; record the rules that fired."""
    for pattern, repl in SYNTAX:
        text, n = re.subn(pattern, repl, text)
        if n:
            used.add(pattern)
    for old, compiled, fix in RENAMES:
        text, n = compiled.subn(fix, text)
        if n:
            used.add(old)
    return text


def _ruff() -> str:
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.exists() else shutil.which("ruff")
    if found is None:
        sys.exit("unasync: no ruff; run `make install` (it is in the lint group)")
    return found


def tidy(text: str, path: Path, ruff: str, *, imports: bool = True) -> str:
    """Sort and prune imports (unless told not to), then format, as for ``path``."""
    name = str(path.relative_to(ROOT))
    steps = [["format", "--quiet"]]
    if imports:
        steps.insert(
            0, ["check", "--fix", "--exit-zero", "--quiet", "--select", "I001,F401"]
        )
    for args in steps:
        text = subprocess.run(
            [ruff, *args, "--stdin-filename", name, "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
    return text


def regenerate_blocks(text: str, used: set[str]) -> str:
    """
    Rewrite each GENERATED block of a module from the source block above it.

    Raises:
        ValueError: If a "# unasync: source" line has no GENERATED and end lines.
    """

    def regenerate(match: re.Match[str]) -> str:
        code = transform(match["code"], used)
        return match["source"] + match["generated"] + code + match["end"]

    new, n = BLOCK.subn(regenerate, text)
    if n != text.count("# unasync: source"):
        raise ValueError(
            "a '# unasync: source' block lacks its '# unasync: GENERATED' and "
            "'# unasync: end' lines"
        )
    return new


def inline(check: bool, used: set[str], ruff: str) -> list[str]:
    """Regenerate the GENERATED blocks in modules outside _async/; return drift."""
    drift: list[str] = []
    skip = {INLINE_ROOT / "_async", INLINE_ROOT / "_sync"}
    for path in sorted(INLINE_ROOT.rglob("*.py")):
        text = path.read_text()
        if "# unasync: source" not in text or skip & set(path.parents):
            continue
        try:
            new = regenerate_blocks(text, used)
        except ValueError as exc:
            sys.exit(f"unasync: {path.relative_to(ROOT)}: {exc}")
        # Imports are hand-kept here: the module imports what both blocks use.
        new = tidy(new, path, ruff, imports=False)
        if new != text:
            drift.append(f"{path.relative_to(ROOT)} (GENERATED block)")
            if not check:
                path.write_text(new)
    return drift


def main(check: bool) -> int:
    ruff = _ruff()
    used: set[str] = set()
    drift: list[str] = []
    for src_dir, dst_dir in PAIRS:
        if not src_dir.exists():
            continue
        expected: dict[Path, str] = {}
        for src in sorted(src_dir.rglob("*.py")):
            dst = dst_dir / src.relative_to(src_dir)
            body = transform(src.read_text(), used)
            text = HEADER.format(src=src.relative_to(ROOT)) + body
            expected[dst] = tidy(text, dst, ruff)
        existing = set(dst_dir.rglob("*.py")) if dst_dir.exists() else set()
        for path, text in expected.items():
            if not path.exists() or path.read_text() != text:
                drift.append(str(path.relative_to(ROOT)))
                if not check:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text)
        for stale in existing - set(expected):
            drift.append(f"{stale.relative_to(ROOT)} (no source)")
            if not check:
                stale.unlink()
    drift += inline(check, used, ruff)
    unused = [old for old, _ in RULES if old not in used and old != "anyio_backend"]
    unused += [p for p, _ in SYNTAX if p not in used and "pytest" not in p]
    if check:
        if drift:
            print(
                "unasync: generated files out of date; run `python scripts/unasync.py`:"
            )
            for d in drift:
                print("  ", d)
        if unused:
            print("unasync: rules never used (remove them):", ", ".join(unused))
        return 1 if drift or unused else 0
    for d in drift:
        print("unasync: wrote", d)
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
