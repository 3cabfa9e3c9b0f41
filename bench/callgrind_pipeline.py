"""
Instructions restwell's pipeline executes per call, over the null transport.

CPU time on a shared machine swings by several µs from run to run; instruction
counts do not. This runs the null-transport workload of ``bench_pipeline.py``
(``AsyncClient`` / ``Client`` over a transport whose ``send`` returns an
already-read ``Response``) under ``valgrind --tool=callgrind``, one process per
tree. For each configuration, after the client is built and warmed up, callgrind
dumps its counters at a marker (``--dump-before=os_getppid``) before N calls, after
them, and again after 0 calls; ``(Ir(N) - Ir(0)) / N`` is one call, imports, setup
and the markers' own cost differenced away. It includes the null transport's
``send``: the *null* column measures that alone, the same way, so *restwell − null*
is restwell's own work.

``--profile`` instead shows where those instructions go, per restwell function.
CPython 3.11 runs Python-to-Python calls inside one C frame, so callgrind sees
only the interpreter; with ``-X perf`` (CPython ≥ 3.12) each Python function runs
through a small trampoline of its own, which callgrind counts as a function named
by its address, and ``/tmp/perf-<pid>.map`` names it. Every other (C) function
is skipped (``--fn-skip``), so its cost lands in the Python function that called
it: a trampoline's *self* count is that function's own bytecode and C work, its
*inclusive* count adds every Python function it called. Run on 3.12, where each
call also pays for the trampoline and for calls the interpreter can no longer
inline: compare the functions' shares, not the totals, with 3.11.

    python bench/callgrind_pipeline.py [--baseline-src DIR] [--calls 2000] [--write docs/benchmarks.md]
    python bench/callgrind_pipeline.py --profile --python PYTHON3.12 [--variants sync] [--src DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import bench_pipeline as bp

START = (
    "<!-- callgrind_pipeline:start (generated; edit bench/callgrind_pipeline.py) -->"
)
END = "<!-- callgrind_pipeline:end -->"
WARMUP = 200
VALGRIND = shutil.which("valgrind") or "/usr/bin/valgrind"

VARIANTS: dict[str, tuple[str, str]] = {
    "async": ("async", "default"),
    "sync": ("sync", "default"),
    "async-bare": ("async", "no hooks, no deadline, no retry"),
    "sync-bare": ("sync", "no hooks, no deadline, no retry"),
    "async-mw": ("async", "default + 1 pass-through middleware"),
    "sync-mw": ("sync", "default + 1 pass-through middleware"),
}


ALL = ",".join(VARIANTS)


# -- the measured process --------------------------------------------------------------
def marker() -> None:
    """Callgrind dumps its counters here (``--dump-before=os_getppid``)."""
    os.getppid()


def measure(variant: str, calls: int, direct: bool, segments: bool) -> None:
    """
    Build the client, warm up, then make ``calls`` calls (``direct``: null only).

    With ``segments``, the calls run between two markers and a third marker follows
    at once: callgrind's dumps then hold the calls and an empty stretch (0 calls).
    """
    mode, name = VARIANTS[variant]
    client, call, null = bp.workload(mode, bp.NULL_VARIANTS[mode, name])
    fetch = null if direct else call
    if mode == "async":

        async def run() -> None:
            async with client:
                for _ in range(WARMUP):
                    await fetch()
                gc.collect()
                if segments:
                    marker()
                for _ in range(calls):
                    await fetch()
                if segments:
                    marker()
                    for _ in range(0):
                        await fetch()
                    marker()

        asyncio.run(run())
    else:
        with client:
            for _ in range(WARMUP):
                fetch()
            gc.collect()
            if segments:
                marker()
            for _ in range(calls):
                fetch()
            if segments:
                marker()
                for _ in range(0):
                    fetch()
                marker()


def worker(
    src: str, variants: list[str], calls: int, segments: bool, null: bool
) -> int:
    """Measure ``variants`` in order: restwell, then (``null``) the null transport."""
    bp.load(src)
    for variant in variants:
        for direct in (False, True) if null else (False,):
            measure(variant, calls, direct, segments)
    return 0


def callgrind(
    python: str,
    src: Path,
    variants: list[str],
    calls: int,
    out: Path,
    extra: Sequence[str] = (),
    python_flags: Sequence[str] = (),
    segments: bool = False,
    null: bool = True,
    env: dict[str, str] | None = None,
) -> int:
    """Run one worker under callgrind; return its pid (the perf map's name)."""
    cmd = [
        VALGRIND,
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        *(["--dump-before=os_getppid"] if segments else []),
        *extra,
        python,
        *python_flags,
        __file__,
        "--worker",
        str(src),
        "--variants",
        ",".join(variants),
        "--calls",
        str(calls),
        *(["--segments"] if segments else []),
        *([] if null else ["--no-null"]),
    ]
    done = subprocess.run(
        cmd,
        env={**bp.worker_env(src), **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd[:4])} … failed:\n{done.stderr[-3000:]}")
    return int(re.search(r"^==(\d+)==", done.stderr, re.M).group(1))  # type: ignore[union-attr]


def total_ir(path: Path) -> int:
    for line in path.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise SystemExit(f"no totals in {path}")


def warm(python: str, src: Path) -> None:
    """Compile the tree's bytecode once, outside valgrind, so no run pays for it."""
    subprocess.run(
        [python, __file__, "--worker", str(src), "--calls", "1", "--variants", ALL],
        env=bp.worker_env(src),
        check=True,
    )


# -- instructions per call ------------------------------------------------------------
def per_call(
    python: str, src: Path, variants: list[str], calls: int, out: Path
) -> dict[tuple[str, bool], float]:
    """
    Instructions per call of each variant (restwell, and null alone), one process.

    Three dumps per measurement (before the calls, after them, after nothing):
    dump ``3i + 2`` holds measurement ``i``'s calls, dump ``3i + 3`` the empty
    stretch; their difference over ``calls`` is one call.
    """
    callgrind(python, src, variants, calls, out, segments=True)
    result = {}
    i = 0
    for variant in variants:
        for direct in (False, True):
            n = total_ir(Path(f"{out}.{3 * i + 2}"))
            zero = total_ir(Path(f"{out}.{3 * i + 3}"))
            result[variant, direct] = (n - zero) / calls
            i += 1
    return result


def count(args: argparse.Namespace) -> int:
    trees = [("current", args.src.resolve(), bp.describe(args.src))]
    if args.baseline_src is not None:
        label = args.baseline_label or bp.describe(args.baseline_src)
        trees.append(("baseline", args.baseline_src.resolve(), label))
    variants = args.variants.split(",")
    rows: dict[tuple[str, str], tuple[float, float]] = {}
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="callgrind-pipeline-") as tmp:
        for side, src, label in trees:
            warm(args.python, src)
            out = Path(tmp, f"{side}.out")
            ir = per_call(args.python, src, variants, args.calls, out)
            for variant in variants:
                ours, null = ir[variant, False], ir[variant, True]
                rows[variant, side] = (ours, null)
                print(
                    f"{variant} {side} ({label}): {ours:,.0f} Ir/call, null"
                    f" {null:,.0f}, restwell − null {ours - null:,.0f}"
                    f" ({time.time() - started:.0f} s)"
                )
    version = subprocess.run(
        [args.python, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    labels = {side: label for side, _, label in trees}
    cmd = "python bench/callgrind_pipeline.py"
    if args.baseline_src is not None:
        cmd += " --baseline-src DIR"
    lines = [
        START,
        "## Instructions per call over a null transport",
        "",
        f"`{cmd}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}):"
        f" valgrind's callgrind, Python {version}; the `bench_pipeline.py`"
        " null-transport workload, one process per tree; per configuration,"
        f" after {WARMUP} warm-up calls, callgrind dumps its counters before and"
        f" after {args.calls:,} calls and after 0 calls: *Ir/call* = (Ir({args.calls:,}"
        f" calls) − Ir(0 calls)) / {args.calls:,}. *null* is the null transport's"
        " `send` alone in the same loop; *restwell − null* is restwell's own work."
        " Instruction counts do not swing with the machine's load as CPU time"
        " does; they are not µs (cache misses and branch mispredictions are not"
        " counted). Where they go, per Python function: `make bench-profile`.",
        "",
        "| client | configuration | tree | restwell Ir/call | null Ir/call | restwell − null | current ÷ baseline |",
        "|:--|:--|:--|--:|--:|--:|--:|",
    ]
    for variant in variants:
        mode, name = VARIANTS[variant]
        for side, label in labels.items():
            ours, null = rows[variant, side]
            ratio = ""
            if side == "current" and "baseline" in labels:
                b_ours, b_null = rows[variant, "baseline"]
                ratio = f"{(ours - null) / (b_ours - b_null):.2f}×"
            lines.append(
                f"| {mode} | {name} | {side} ({label}) | {ours:,.0f} | {null:,.0f}"
                f" | **{ours - null:,.0f}** | {ratio} |"
            )
    derived = []
    for mode in ("async", "sync"):
        for what, variant in (
            ("one pass-through middleware", f"{mode}-mw"),
            (
                "the default's hooks, deadline and retry (default − bare)",
                f"{mode}-bare",
            ),
        ):
            if {mode, variant} <= set(variants):
                for side, label in labels.items():
                    default = rows[mode, side][0]
                    other = rows[variant, side][0]
                    extra = (
                        other - default if variant.endswith("-mw") else default - other
                    )
                    derived.append(
                        f"| {mode} | {what} | {side} ({label}) | {extra:+,.0f} |"
                    )
    if derived:
        lines += [
            "",
            "| client | cost of | tree | Ir/call |",
            "|:--|:--|:--|--:|",
            *derived,
        ]
    lines.append(END)
    text = "\n".join(lines)
    print(text)
    if args.write:
        bp.write_section(args.write, START, END, text)
    return 0


# -- where the instructions go -----------------------------------------------------
def skip_all_but(keep: Sequence[str]) -> list[str]:
    """
    ``--fn-skip`` patterns for every function name except ``0x…`` and ``keep``.

    Callgrind's patterns know only ``*`` and ``?``: spell the complement out as
    prefixes. Unnamed code (the perf trampolines) is named ``0x<address>``.
    ``keep`` holds the process's entry (callgrind needs a function below every
    skipped one) and the lazy-binding resolver (``LD_BIND_NOW=1`` avoids it).
    """
    chars = string.ascii_letters + string.digits + "_.$@("
    patterns: list[str] = []

    def walk(prefix: str) -> None:
        for c in chars:
            name = prefix + c
            if name == "0":
                continue
            if any(k.startswith(name) for k in keep):
                walk(name)
            else:
                patterns.append(f"--fn-skip={name}*")

    walk("")
    return patterns


SKIP = skip_all_but(("_start", "_dl_start_user", "_dl_runtime_resolve"))


Profile = tuple[dict[str, list[int]], dict[tuple[str, str], list[int]]]


def parse_profile(out: Path, perf_map: Path) -> Profile:
    """
    Read a callgrind file whose Python functions are perf trampolines.

    Returns ``(functions, calls)``: per function (its perf map name) ``[entries,
    self Ir, inclusive Ir]``, and per ``(caller, callee)`` ``[entries, inclusive
    Ir]``; a caller that is not a Python function is ``"(C)"``.
    """
    names: dict[int, str] = {}
    for line in perf_map.read_text().splitlines():
        addr, _, name = line.split(" ", 2)
        names[int(addr, 16)] = name
    ids: dict[str, str] = {}  # callgrind's name compression: "(12)" -> name

    def python_name(token: str) -> tuple[str | None, bool]:
        """(perf map name or None, whether a recursive re-entry "'2")."""
        m = re.match(r"\((\d+)\)(?: (.*))?", token)
        if m:
            if m.group(2) is not None:
                ids[m.group(1)] = m.group(2)
            token = ids.get(m.group(1), "")
        addr, _, depth = token.partition("'")
        if not addr.startswith("0x"):
            return None, False
        return names.get(int(addr, 16)), bool(depth)

    functions: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    calls: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    fn: str | None = None
    callee: tuple[str | None, bool] = (None, False)
    pending = 0
    for line in out.read_text().splitlines():
        if line.startswith("fn="):
            fn = python_name(line[3:])[0]
        elif line.startswith("cfn="):
            callee = python_name(line[4:])
        elif line.startswith("calls="):
            pending = int(line[6:].split()[0])
        elif line[:1].isdigit() or line[:1] in ("+", "-", "*"):
            parts = line.split()
            ir = int(parts[1]) if len(parts) > 1 else 0
            if pending:
                name, reentry = callee
                if name is not None:
                    functions[name][0] += pending
                    # A re-entry's cost is already in the outer entry's.
                    if not reentry:
                        functions[name][2] += ir
                    edge = calls[fn or "(C)", name]
                    edge[0] += pending
                    edge[1] += ir
                pending = 0
            elif fn is not None:
                functions[fn][1] += ir
    return dict(functions), dict(calls)


def profile(args: argparse.Namespace) -> int:
    variant = args.variants.split(",")[0]
    src = args.src.resolve()
    warm(args.python, src)
    runs: dict[int, Profile] = {}
    with tempfile.TemporaryDirectory(prefix="callgrind-profile-") as tmp:
        for calls in (args.calls, 0):
            out = Path(tmp) / f"profile-{calls}.out"
            pid = callgrind(
                args.python,
                src,
                [variant],
                calls,
                out,
                extra=SKIP,
                python_flags=["-X", "perf"],
                null=False,
                env={"LD_BIND_NOW": "1"},
            )
            perf_map = Path(f"/tmp/perf-{pid}.map")
            runs[calls] = parse_profile(out, perf_map)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(out, args.keep / out.name)
                shutil.copy(perf_map, args.keep / f"perf-{calls}.map")
            perf_map.unlink()
    (funcs, edges), (funcs0, edges0) = runs[args.calls], runs[0]
    per: dict[str, list[float]] = {}
    for name, row in funcs.items():
        zero = funcs0.get(name, [0, 0, 0])
        per[name] = [(a - b) / args.calls for a, b in zip(row, zero, strict=True)]
    callers: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (caller, callee), (n, _) in edges.items():
        n = (n - edges0.get((caller, callee), [0, 0])[0]) / args.calls
        if n >= 0.5:
            callers[callee].append((n, caller))
    rows = [(name, *r) for name, r in per.items() if r[0] >= 0.5]
    total = sum(r[1] for r in per.values())
    mine = sum(r[2] for r in rows if args.match in r[0])
    version = subprocess.run(
        [args.python, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    mode, config = VARIANTS[variant]
    print(
        f"\n## Where a call's instructions go: {mode} client, {config},"
        f" {bp.describe(src)}\n\nPython {version} -X perf under callgrind,"
        f" ({args.calls:,} calls − 0 calls) / {args.calls:,}. Self: the function's"
        " own bytecode and the C it calls; inclusive: plus the Python functions it"
        " calls. Entries: a coroutine function counts 2 per call (creating the"
        f" coroutine, running it). Self of every Python function: {total:,.0f}"
        f" Ir/call, of functions matching {args.match!r}: {mine:,.0f}."
    )
    for title, key in (("by self", 2), ("by inclusive", 3)):
        print(f"\n{title}:\n")
        print("| self Ir | % | incl Ir | entries | function | called from |")
        print("|--:|--:|--:|--:|:--|:--|")
        for name, n, self_ir, incl_ir in sorted(rows, key=lambda r: -r[key])[
            : args.top
        ]:
            mark = "" if args.match in name else " *(not restwell)*"
            where = ", ".join(
                f"{short(c, qual_only=True)} ×{k:.0f}"
                for k, c in sorted(callers[name], reverse=True)
            )
            print(
                f"| {self_ir:,.0f} | {100 * self_ir / total:.1f} | {incl_ir:,.0f}"
                f" | {n:.0f} | {short(name)}{mark} | {where} |"
            )
    return 0


def short(name: str, qual_only: bool = False) -> str:
    """``py::Qual.name:/path/to/restwell/x.py`` -> ``Qual.name (restwell/x.py)``."""
    name = name.removeprefix("py::")
    qual, _, path = name.partition(":")
    if qual_only:
        return qual
    if "/restwell/" in path:
        path = "restwell/" + path.rsplit("/restwell/", 1)[1]
    else:
        path = "/".join(path.split("/")[-2:])
    return f"{qual} ({path})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", metavar="SRC", help=argparse.SUPPRESS)
    parser.add_argument("--segments", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-null", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--src", type=Path, default=bp.REPO / "src")
    parser.add_argument("--baseline-src", type=Path, default=None)
    parser.add_argument("--baseline-label", default=None)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument(
        "--variants",
        default=ALL,
        help=f"comma-separated, from {ALL} (default: all; --profile: the first)",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter to run under valgrind (default: this one)",
    )
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="per-function profile of the first variant (needs --python ≥ 3.12)",
    )
    parser.add_argument(
        "--match", default="/restwell/", help="profile: whose functions"
    )
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--keep", type=Path, default=None, help="profile: copy the raw outputs here"
    )
    args = parser.parse_args()
    if args.worker:
        return worker(
            args.worker,
            args.variants.split(","),
            args.calls,
            args.segments,
            not args.no_null,
        )
    unknown = set(args.variants.split(",")) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; use {', '.join(VARIANTS)}")
    if not os.access(VALGRIND, os.X_OK):
        parser.error("valgrind not found (Debian: apt-get install valgrind)")
    return profile(args) if args.profile else count(args)


if __name__ == "__main__":
    sys.exit(main())
