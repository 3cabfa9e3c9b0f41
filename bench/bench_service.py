"""
CPU cost of a declared call (``restwell.service``) over the same call made directly.

Issue 8 ("Speed"): a declared call with no models adds at most 3 µs of CPU over
the same call made with the bound client directly; with a pydantic response
model, decoding costs no more than ``TypeAdapter.validate_json`` on the same
bytes. Everything runs over a null transport (``bench_pipeline.py``'s: ``send``
returns an already-read ``Response``) so no socket, kernel or server is timed,
only restwell's and pydantic's work.

Rows (one run, each group's variants interleaved block by block):

* **no models**: ``client.get(url)`` against ``svc.bind(client).users.get("/7")``
  and ``.get(id=7)`` (a five-handler CRUD resource, no request or response
  types), async and sync clients.
* **one model**: ``client.get(url, model=User)`` + ``.data`` against the
  declared handler with ``response=User`` + ``.data``; the same two without a
  model and without reading ``.data`` (the difference is what decoding costs
  on each road), and
  ``TypeAdapter(User).validate_json(body)`` alone on the same bytes (the
  floor), and ``validate_python(json.loads(body))`` for comparison.
* **100 items**: the same with ``list[User]`` and a 100-item body.

Each worker process times ``--reps`` repetitions; a repetition times one block
of calls of every variant of a group, the order rotating. CPU time per call
(``time.process_time``), *added* = declared − direct within a repetition;
tables give the median and IQR over every repetition of every worker. With
valgrind, the no-model rows are also counted in instructions (callgrind,
``(Ir(N calls) − Ir(0 calls)) / N`` as in ``callgrind_pipeline.py``), which do
not swing with the machine's load as CPU time does.

    python bench/bench_service.py [--rounds 6] [--reps 3] [--no-callgrind] [--write docs/benchmarks.md]

``BENCH_SERVICE_ONLY="sync declared path"`` (a ``CG_VARIANTS`` name) limits the
callgrind worker to one variant, for a per-function profile under
``python3.12 -X perf`` as ``callgrind_pipeline.py --profile`` does.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench_pipeline as bp

START = "<!-- bench_service:start (generated; edit bench/bench_service.py) -->"
END = "<!-- bench_service:end -->"
VALGRIND = shutil.which("valgrind") or "/usr/bin/valgrind"

BASE = "http://127.0.0.1/v1"
URL = BASE + "/users/7"
USER = {
    "id": 7,
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "active": True,
    "score": 12.5,
    "tags": ["admin", "ops"],
}
BODIES = {
    "plain": bp.BODY,
    "user": json.dumps(USER).encode(),
    "users100": json.dumps([{**USER, "id": i} for i in range(100)]).encode(),
}
# group -> (body, calls per block, its variants in table order)
GROUPS: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "async no models": (
        "plain",
        20000,
        ("direct", "declared path", "declared keywords"),
    ),
    "sync no models": (
        "plain",
        20000,
        ("direct", "declared path", "declared keywords"),
    ),
    "async User": (
        "user",
        10000,
        (
            "direct",
            "declared",
            "direct, model",
            "declared, model",
            "validate_json",
            "json.loads + validate_python",
        ),
    ),
    "async list[User] × 100": (
        "users100",
        1000,
        (
            "direct",
            "declared",
            "direct, model",
            "declared, model",
            "validate_json",
            "json.loads + validate_python",
        ),
    ),
}
WARMUP = 300

restwell: Any = None


# -- the workload -------------------------------------------------------------------
def transport(mode: str, body: bytes) -> Any:
    """A null transport answering every request with ``body`` (JSON, 200)."""
    headers = restwell.Headers(
        {"content-type": "application/json", "content-length": str(len(body))}
    )
    if mode == "async":

        class AsyncNull:
            async def send(self, request: Any) -> Any:
                return restwell.Response(
                    200, headers=headers, content=body, request=request
                )

            async def aclose(self) -> None:
                return None

        return AsyncNull()

    class Null:
        def send(self, request: Any) -> Any:
            return restwell.Response(
                200, headers=headers, content=body, request=request
            )

        def close(self) -> None:
            return None

    return Null()


def service(response: Any) -> Any:
    """A service with a CRUD ``users`` resource; GET by id answers ``response``."""
    from restwell.service import DELETE, GET, POST, PUT, H, Resource, Service

    users = Resource(
        "/users",
        handlers=[
            H(GET, "", response=None if response is None else list[response]),
            H(GET, "/{id:int}", response=response),
            H(POST, ""),
            H(PUT, "/{id:int}"),
            H(DELETE, "/{id:int}"),
        ],
    )
    return Service("bench", BASE, [users])


def user_model() -> Any:
    from pydantic import BaseModel

    class User(BaseModel):
        id: int
        name: str
        email: str
        active: bool
        score: float
        tags: list[str]

    return User


def workload(group: str) -> tuple[Any, dict[str, Callable[[], Any]]]:
    """
    ``(client, {variant: call})`` for one group; calls are coroutine functions
    for the async groups. The caller closes the client.
    """
    mode = "sync" if group.startswith("sync") else "async"
    body_name, _, variants = GROUPS[group]
    body = BODIES[body_name]
    kwargs: dict[str, Any] = {"transport": transport(mode, body)}
    client = (restwell.AsyncClient if mode == "async" else restwell.Client)(**kwargs)
    calls: dict[str, Callable[[], Any]] = {}
    if body_name == "plain":
        users = service(None).bind(client).users
        if mode == "async":

            async def adirect() -> Any:
                return await client.get(URL)

            async def apath() -> Any:
                return await users.get("/7")

            async def akw() -> Any:
                return await users.get(id=7)

            calls = {
                "direct": adirect,
                "declared path": apath,
                "declared keywords": akw,
            }
        else:
            calls = {
                "direct": lambda: client.get(URL),
                "declared path": lambda: users.get("/7"),
                "declared keywords": lambda: users.get(id=7),
            }
        return client, calls
    from pydantic import TypeAdapter

    model = user_model()
    if body_name == "users100":
        model = list[model]  # type: ignore[valid-type]
        modelled = service(model.__args__[0]).bind(client).users  # type: ignore[attr-defined]
        plain = service(None).bind(client).users
        url, path = BASE + "/users", ""
    else:
        modelled = service(model).bind(client).users
        plain = service(None).bind(client).users
        url, path = URL, "/7"
    adapter = TypeAdapter(model)

    async def direct() -> Any:
        return await client.get(url)

    async def declared() -> Any:
        return await plain.get(path)

    async def direct_model() -> Any:
        return (await client.get(url, model=model)).data

    async def declared_model() -> Any:
        return (await modelled.get(path)).data

    async def validate_json() -> Any:
        return adapter.validate_json(body)

    async def loads_validate() -> Any:
        return adapter.validate_python(json.loads(body))

    calls = {
        "direct": direct,
        "declared": declared,
        "direct, model": direct_model,
        "declared, model": declared_model,
        "validate_json": validate_json,
        "json.loads + validate_python": loads_validate,
    }
    assert list(calls) == list(variants)
    return client, calls


# -- timing (in a worker) ---------------------------------------------------------------
async def _atime(fetch: Callable[[], Any], n: int) -> float:
    for _ in range(WARMUP):
        await fetch()
    gc.collect()
    start = time.process_time()
    for _ in range(n):
        await fetch()
    return (time.process_time() - start) / n * 1e6


def _time(fetch: Callable[[], Any], n: int) -> float:
    for _ in range(WARMUP):
        fetch()
    gc.collect()
    start = time.process_time()
    for _ in range(n):
        fetch()
    return (time.process_time() - start) / n * 1e6


def time_group(group: str, reps: int, scale: float) -> list[dict[str, float]]:
    """``reps`` repetitions of every variant of ``group``, the order rotating."""
    n = max(1, int(GROUPS[group][1] * scale))
    client, calls = workload(group)
    names = list(calls)
    out: list[dict[str, float]] = []
    if group.startswith("sync"):
        with client:
            for rep in range(reps):
                order = names[rep % len(names) :] + names[: rep % len(names)]
                out.append({name: _time(calls[name], n) for name in order})
        return out

    async def run() -> None:
        async with client:
            for rep in range(reps):
                order = names[rep % len(names) :] + names[: rep % len(names)]
                out.append({name: await _atime(calls[name], n) for name in order})

    asyncio.run(run())
    return out


def worker(src: str, groups: list[str], reps: int, scale: float) -> int:
    """Measure ``groups`` once: prints one JSON line."""
    global restwell
    restwell = bp.load(src)
    out = {group: time_group(group, reps, scale) for group in groups}
    print(json.dumps({"restwell": restwell.__file__, "groups": out}))
    return 0


# -- callgrind (the no-model rows) ----------------------------------------------------
CG_VARIANTS = {
    "async direct": ("async no models", "direct"),
    "async declared path": ("async no models", "declared path"),
    "async declared keywords": ("async no models", "declared keywords"),
    "sync direct": ("sync no models", "direct"),
    "sync declared path": ("sync no models", "declared path"),
    "sync declared keywords": ("sync no models", "declared keywords"),
}


def marker() -> None:
    """Callgrind dumps its counters here (``--dump-before=os_getppid``)."""
    os.getppid()


def cg_worker(src: str, calls: int) -> int:
    """Each variant: warm up, marker, ``calls`` calls, marker, 0 calls, marker."""
    global restwell
    restwell = bp.load(src)
    only = os.environ.get("BENCH_SERVICE_ONLY")
    for variant, (group, name) in CG_VARIANTS.items():
        if only and variant != only:
            continue
        client, fns = workload(group)
        fetch = fns[name]
        if group.startswith("sync"):
            with client:
                for _ in range(WARMUP):
                    fetch()
                gc.collect()
                marker()
                for _ in range(calls):
                    fetch()
                marker()
                for _ in range(0):
                    fetch()
                marker()
            continue

        async def run(client: Any = client, fetch: Any = fetch) -> None:
            async with client:
                for _ in range(WARMUP):
                    await fetch()
                gc.collect()
                marker()
                for _ in range(calls):
                    await fetch()
                marker()
                for _ in range(0):
                    await fetch()
                marker()

        asyncio.run(run())
    return 0


def total_ir(path: Path) -> int:
    for line in path.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise SystemExit(f"no totals in {path}")


def count_instructions(src: Path, calls: int) -> dict[str, float]:
    """Instructions per call of each ``CG_VARIANTS`` entry, one valgrind process."""
    env = bp.worker_env(src)
    subprocess.run(  # compile the bytecode outside valgrind
        [sys.executable, __file__, "--cg-worker", str(src), "--calls", "1"],
        env=env,
        check=True,
        capture_output=True,
    )
    with tempfile.TemporaryDirectory(prefix="callgrind-service-") as tmp:
        out = Path(tmp, "cg.out")
        cmd = [
            VALGRIND,
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            "--dump-before=os_getppid",
            sys.executable,
            __file__,
            "--cg-worker",
            str(src),
            "--calls",
            str(calls),
        ]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"callgrind failed:\n{done.stderr[-3000:]}")
        result = {}
        for i, name in enumerate(CG_VARIANTS):
            n = total_ir(Path(f"{out}.{3 * i + 2}"))
            zero = total_ir(Path(f"{out}.{3 * i + 3}"))
            result[name] = (n - zero) / calls
    return result


# -- driving and reporting ----------------------------------------------------------
def run_worker(src: Path, groups: list[str], args: argparse.Namespace) -> Any:
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        str(src),
        "--groups",
        "|".join(groups),
        "--reps",
        str(args.reps),
        "--scale",
        str(args.scale),
    ]
    done = subprocess.run(
        cmd, env=bp.worker_env(src), capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"worker for {src} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])["groups"]


def fmt(values: list[float], digits: int = 2) -> str:
    med, lo, hi = bp.stats(values)
    return f"**{med:+.{digits}f}** | {lo:+.{digits}f} … {hi:+.{digits}f}"


def report(
    reps: dict[str, list[dict[str, float]]],
    ir: dict[str, float] | None,
    args: argparse.Namespace,
    env: str,
    label: str,
) -> str:
    import pydantic

    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    med = statistics.median
    lines = [
        START,
        "## Declared calls",
        "",
        f"`python bench/bench_service.py` ({stamp}, tree {label}): {env},"
        f" pydantic {pydantic.VERSION}; {args.rounds} worker processes × {args.reps}"
        " repetitions; a repetition times one block of calls of each variant of a"
        " group, the order rotating. Over a null transport (`send` returns an"
        " already-read `Response`): CPU µs per call (`time.process_time`), network,"
        " kernel and server taken out. The service's `users` resource has five"
        " handlers (GET `''` and `/{id:int}`, POST, PUT, DELETE); *direct* is the"
        " same call made with the bound client (`client.get(url)`). *Added* is"
        " declared − direct within a repetition, median and IQR over all of them."
        " Goal (issue 8, “Speed”): a declared call with no models adds at most 3 µs;"
        " with a response model, decoding costs no more than"
        " `TypeAdapter.validate_json` on the same bytes. This shared 2-CPU machine"
        " swings by several µs from run to run: the instruction counts below do not.",
        "",
        "| client | declared call | direct µs/call | declared µs/call | added µs/call | IQR of added |",
        "|:--|:--|--:|--:|--:|--:|",
    ]
    for mode in ("async", "sync"):
        group = f"{mode} no models"
        if group not in reps:
            continue
        rows = reps[group]
        for variant, call in (
            ("declared path", '`users.get("/7")`'),
            ("declared keywords", "`users.get(id=7)`"),
        ):
            lines.append(
                f"| {mode} | {call} | {med(r['direct'] for r in rows):.2f}"
                f" | {med(r[variant] for r in rows):.2f}"
                f" | {fmt([r[variant] - r['direct'] for r in rows])} |"
            )
    if ir:
        lines += [
            "",
            "Instructions per call, the same no-model calls under valgrind's callgrind"
            " (one process; per variant, after"
            f" {WARMUP} warm-up calls, (Ir({args.calls:,} calls) − Ir(0 calls)) /"
            f" {args.calls:,}); at roughly 9,000 instructions per µs on this machine.",
            "",
            "| client | call | Ir/call | added Ir/call |",
            "|:--|:--|--:|--:|",
        ]
        for mode in ("async", "sync"):
            direct = ir[f"{mode} direct"]
            lines.append(f"| {mode} | `client.get(url)` | {direct:,.0f} | |")
            for variant, call in (
                ("declared path", '`users.get("/7")`'),
                ("declared keywords", "`users.get(id=7)`"),
            ):
                ours = ir[f"{mode} {variant}"]
                lines.append(
                    f"| {mode} | {call} | {ours:,.0f} | **{ours - direct:+,.0f}** |"
                )
    lines += [
        "",
        "With a response model (async client): *decode* is a road's call with the"
        " model and reading `.data` minus the same call without a model, not"
        " reading `.data` (so nothing decoded), per repetition; *÷ validate_json* divides it by"
        " `TypeAdapter(T).validate_json(body)` alone on the same bytes, timed in the"
        " same repetition. `json.loads` + `validate_python` is the road not taken."
        " Both roads decode with one `validate_json` on the body bytes (no"
        " `json.loads` first); *decode* also holds what a hot loop of"
        " `validate_json` alone does not: `Response.data`'s bookkeeping (about"
        " 0.4 µs) and a validator run after the pipeline has cooled the CPU's caches,"
        " a fixed cost per call that shows on a small body and fades on a large one.",
        "",
        "| response type | body | call | µs/call | added over direct µs | decode µs | decode ÷ validate_json |",
        "|:--|--:|:--|--:|--:|--:|--:|",
    ]
    for group, type_name in (
        ("async User", "`User`"),
        ("async list[User] × 100", "`list[User]`, 100 items"),
    ):
        if group not in reps:
            continue
        rows = reps[group]
        size = f"{len(BODIES[GROUPS[group][0]]):,} B"
        raw = [r["validate_json"] for r in rows]
        lines.append(
            f"| {type_name} | {size} | `validate_json(body)` alone |"
            f" {med(raw):.2f} | | | 1.00× |"
        )
        loads = [r["json.loads + validate_python"] for r in rows]
        lines.append(
            f"| {type_name} | {size} | `validate_python(json.loads(body))` |"
            f" {med(loads):.2f} | | | {med(a / b for a, b in zip(loads, raw, strict=True)):.2f}× |"
        )
        for road, plain, modelled, call in (
            ("direct", "direct", "direct, model", "`client.get(url, model=T)`"),
            ("declared", "declared", "declared, model", "handler `response=T`"),
        ):
            decode = [r[modelled] - r[plain] for r in rows]
            added = (
                ""
                if road == "direct"
                else f"**{med(r[modelled] - r['direct, model'] for r in rows):+.2f}**"
            )
            ratio = med(d / v for d, v in zip(decode, raw, strict=True))
            lines.append(
                f"| {type_name} | {size} | {call} + `.data` |"
                f" {med(r[modelled] for r in rows):.2f} | {added} |"
                f" {med(decode):.2f} | **{ratio:.2f}×** |"
            )
    lines.append(END)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", metavar="SRC", help=argparse.SUPPRESS)
    parser.add_argument("--cg-worker", metavar="SRC", help=argparse.SUPPRESS)
    parser.add_argument("--groups", default="|".join(GROUPS), help=argparse.SUPPRESS)
    parser.add_argument("--src", type=Path, default=bp.REPO / "src")
    parser.add_argument("--rounds", type=int, default=6, help="worker processes")
    parser.add_argument("--reps", type=int, default=3, help="repetitions per worker")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply the calls per block"
    )
    parser.add_argument(
        "--calls", type=int, default=2000, help="callgrind: calls per variant"
    )
    parser.add_argument("--no-callgrind", action="store_true")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.groups.split("|"), args.reps, args.scale)
    if args.cg_worker:
        return cg_worker(args.cg_worker, args.calls)
    src = args.src.resolve()
    groups = args.groups.split("|")
    env = (
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"before the run {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    reps: dict[str, list[dict[str, float]]] = {g: [] for g in groups}
    started = time.time()
    for r in range(args.rounds):
        for group, rows in run_worker(src, groups, args).items():
            reps[group].extend(rows)
        print(f"round {r + 1}/{args.rounds} done ({time.time() - started:.0f} s)")
    ir = None
    if not args.no_callgrind:
        if not os.access(VALGRIND, os.X_OK):
            parser.error("valgrind not found (Debian: apt-get install valgrind)")
        ir = count_instructions(src, args.calls)
        print(f"callgrind done ({time.time() - started:.0f} s)")
    text = report(reps, ir, args, env, bp.describe(src))
    print(text)
    if args.write:
        bp.write_section(args.write, START, END, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
