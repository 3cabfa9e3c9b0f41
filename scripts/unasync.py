"""
Generate the sync twin from the async source: src/restwell/_async -> _sync, and
tests/_async -> tests/_sync (the approach httpcore and hishel use).

    python scripts/unasync.py          # regenerate
    python scripts/unasync.py --check  # fail if a generated file drifted, or a rule
                                       # was never used (a dead rule hides a rename)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = [
    (ROOT / "src/restwell/_async", ROOT / "src/restwell/_sync"),
    (ROOT / "tests/_async", ROOT / "tests/_sync"),
]

# Order matters: longer names before their substrings. Word-bounded.
RULES: list[tuple[str, str]] = [
    ("AsyncHttpxTransport", "HttpxTransport"),
    ("_AsyncHttpxStream", "_HttpxStream"),
    ("AsyncMockTransport", "MockTransport"),
    ("AsyncTransport", "Transport"),
    ("AsyncResponseStream", "ResponseStream"),
    ("AsyncClient", "Client"),
    ("AsyncIterator", "Iterator"),
    ("asynccontextmanager", "contextmanager"),
    ("__aenter__", "__enter__"),
    ("__aexit__", "__exit__"),
    ("__aiter__", "__iter__"),
    ("aclose", "close"),
    ("aread", "read"),
    ("aiter_bytes", "iter_bytes"),
    ("asleep", "sleep"),
    ("aemit", "emit"),
    ("abuffer_body", "buffer_body"),
    ("asubscribe", "subscribe"),
    ("AsyncHandler", "Handler"),
    ("make_async_transport", "make_transport"),
    ("anyio_backend", "anyio_backend"),
]
SYNTAX: list[tuple[str, str]] = [
    (r"\basync def\b", "def"),
    (r"\basync with\b", "with"),
    (r"\basync for\b", "for"),
    (r"\bawait ", ""),
    # Verbs return request()'s coroutine: Awaitable[Response[X]] -> Response[X]
    (r"\bAwaitable\[(Response\[\w+\])\]", r"\1"),
    (r"@pytest\.mark\.anyio\n", ""),
]
HEADER = (
    "# GENERATED from {src} by scripts/unasync.py: do not edit; "
    "edit the source and re-run.\n"
)


def transform(text: str, used: set[str]) -> str:
    for pattern, repl in SYNTAX:
        text, n = re.subn(pattern, repl, text)
        if n:
            used.add(pattern)
    for old, new in RULES:
        text, n = re.subn(rf"\b{re.escape(old)}\b", new, text)
        if n:
            used.add(old)
    return text


def main(check: bool) -> int:
    used: set[str] = set()
    drift: list[str] = []
    for src_dir, dst_dir in PAIRS:
        if not src_dir.exists():
            continue
        expected: dict[Path, str] = {}
        for src in sorted(src_dir.rglob("*.py")):
            rel = src.relative_to(src_dir)
            body = transform(src.read_text(), used)
            expected[dst_dir / rel] = HEADER.format(src=src.relative_to(ROOT)) + body
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
