"""The RPC benchmark: thrifthive's server and its anchors in one run, with the ratios the
floors of issue 4 ("Speed") ask for.

    .venv/bin/python -m bench.rpc                 # the full run (about 3 minutes)
    .venv/bin/python -m bench.rpc -r 1 -d 1       # a smoke test
    .venv/bin/python -m bench.rpc --markdown      # also print the tables as Markdown
    .venv/bin/python -m bench.rpc --servers thrifthive apache-cpp --baseline ../old-checkout
                                                  # a change's effect, in the same run

Servers, each in a process of its own on 127.0.0.1, started before and stopped after its cells:
thrifthive.Server (defaults); thriftpy2's make_server (TThreadedServer, Cython binary protocol);
Apache's Python TThreadPoolServer with TBinaryProtocolAcceleratedFactory (fastbinary); Apache's
C++ TThreadedServer (libthrift-dev, bench/rpc_cpp/server.cpp), as it comes (TBufferedTransport's
512-byte buffers) and with 64 KiB buffers; the C++ ratios take the faster of the two. All return
the same User and the same page of 100 Users (bench/workload.py). Load, 8 connections, buffered
binary, closed loop: ``thrifthive bench`` (our Rust load generator) and bench/rpc_cpp/load.cpp
(Apache's C++ client, 8 threads, 64 KiB buffers so that its own reads are not what is measured):
a client that is not ours. Each (server, method) pair is warmed up first. The run goes round
after round over all the servers (3 rounds of 2 s cells by default); the tables give the median
over the rounds with the min-max, and each ratio is the median of the per-round ratios.

``--baseline CHECKOUT`` adds the thrifthive.Server of another checkout (set up with ``make
setup``, run with its own .venv) to every round, and a table of this checkout's server over it:
what a change did, measured in one run on the same noisy machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..workload import BENCH_IDL, REPO, build_page, make_page

SERVERS = {
    "thrifthive": "thrifthive.Server",
    "thrifthive-async": "thrifthive.Server, async def handlers",
    "thrifthive-inline": "thrifthive.Server, handler_threads=0, io_threads=2",
    "thriftpy2": "thriftpy2 TThreadedServer",
    "apache-py": "Apache Py TThreadPoolServer",
    "apache-cpp": "Apache C++ TThreadedServer",
    "apache-cpp-64k": "Apache C++ TThreadedServer, 64 KiB buffers",
    "baseline": "thrifthive.Server, baseline checkout",
}
CPP_SERVERS = ("apache-cpp", "apache-cpp-64k")
# thrifthive's servers with sync handlers, each held to the floors: the default pool of Python
# threads, and handler_threads=0 (answered on the IO threads, two of them).
OURS = ("thrifthive", "thrifthive-inline")
LOADGENS = {"rust": "thrifthive bench", "cpp": "Apache C++ client"}
METHODS = {"getUserById": '{"user_id": 101}', "listUsers": '{"offset": 0, "limit": 100}'}
# The floors: calls/s against the best Python server, per method; against Apache's C++ server.
PYTHON_FLOOR = {"getUserById": 2.5, "listUsers": 2.0}
CPP_FLOOR = 0.9
# Issue 5's floor: a server whose handlers are all async def, over the same with sync ones.
ASYNC_FLOOR = 0.8
CONNECTIONS = 8
DASH = "\u2013"
# The C++ client's TBufferedTransport buffers: with the default 512 bytes, reading a 39 KB page
# takes about 80 reads, and the client, not the server, sets the pace.
CPP_CLIENT_BUFFER = 64 * 1024


@dataclass
class Cell:
    server: str
    method: str
    loadgen: str
    calls_per_sec: float
    p50_ms: float
    p99_ms: float
    errors: str
    round: int = 0


class Failed(Exception):
    """A cell or a server could not run; the message says why."""


# -- servers ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failed(f"the server exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return
        except OSError:
            time.sleep(0.1)
    raise Failed(f"the server did not listen on port {port} within {timeout:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _server_command(
    server: str, port: int, cpp: dict[str, Path], page_file: Path, baseline: Path | None
) -> tuple[list[str], Path]:
    """The server's command line, and the directory it runs in."""
    if server == "baseline" and baseline is not None:
        python = baseline / ".venv" / "bin" / "python"
        return [str(python), "-m", "bench.rpc.serve", "thrifthive", str(port)], baseline
    return _anchor_command(server, port, cpp, page_file), REPO


def _anchor_command(server: str, port: int, cpp: dict[str, Path], page_file: Path) -> list[str]:
    if server == "apache-cpp":
        return [str(cpp["server"]), str(port), str(page_file)]
    if server == "apache-cpp-64k":
        return [str(cpp["server"]), str(port), str(page_file), str(64 * 1024)]
    kind = {"apache-py": "apache"}.get(server, server)
    return [sys.executable, "-m", "bench.rpc.serve", kind, str(port)]


def _page_file(directory: Path) -> Path:
    """The workload's UserPage in the binary protocol, for the C++ server to read."""
    import thrifthive

    svc: Any = thrifthive.load(str(BENCH_IDL), module_name="bench_rpc_page")
    page = build_page(svc, make_page(), svc.Status)
    path = directory / "page.bin"
    path.write_bytes(thrifthive.dumps(page))
    return path


# -- load generators --------------------------------------------------------------------------

_UNITS = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}


def _latency_ms(report: str, name: str) -> float:
    m = re.search(rf"\b{name} ([\d.,]+) (ns|µs|us|ms|s)\b", report)
    if m is None:
        raise Failed(f"no {name} in thrifthive bench's report:\n{report}")
    return float(m.group(1).replace(",", "")) * _UNITS[m.group(2)]


def _run_rust(port: int, method: str, seconds: float) -> Cell:
    thrifthive = shutil.which("thrifthive", path=str(Path(sys.executable).parent))
    if thrifthive is None:
        raise Failed("the `thrifthive` command is not installed beside this Python")
    run = subprocess.run(
        [thrifthive, "bench", f"127.0.0.1:{port}", "--idl", str(BENCH_IDL),
         f"UserService.{method}", METHODS[method], "-c", str(CONNECTIONS), "-d", str(seconds)],
        capture_output=True, text=True, check=False, timeout=seconds + 60,
    )  # fmt: skip
    if run.returncode != 0:
        raise Failed(f"thrifthive bench exited with {run.returncode}: {run.stderr.strip()}")
    out = run.stdout
    rate = re.search(r"([\d.,]+) calls/s", out)
    errors = re.search(r"errors: (.*)", out)
    if rate is None:
        raise Failed(f"no calls/s in thrifthive bench's report:\n{out}")
    return Cell(
        "",
        method,
        "rust",
        float(rate.group(1).replace(",", "")),
        _latency_ms(out, "p50"),
        _latency_ms(out, "p99"),
        errors.group(1).strip() if errors else "?",
    )


def _run_cpp(load: Path, port: int, method: str, seconds: float) -> Cell:
    run = subprocess.run(
        [str(load), str(port), method, str(CONNECTIONS), str(seconds), str(CPP_CLIENT_BUFFER)],
        capture_output=True, text=True, check=False, timeout=seconds + 60,
    )  # fmt: skip
    fields = dict(kv.split("=", 1) for kv in run.stdout.split() if "=" in kv)
    if run.returncode != 0 or "calls_per_sec" not in fields:
        raise Failed(f"the C++ load client exited with {run.returncode}: {run.stderr.strip()}")
    errors = int(fields["errors"])
    return Cell(
        "",
        method,
        "cpp",
        float(fields["calls_per_sec"]),
        float(fields["p50_us"]) / 1e3,
        float(fields["p99_us"]) / 1e3,
        "none" if errors == 0 else f"{errors} errors",
    )


# -- the run ----------------------------------------------------------------------------------


def _serve_cells(
    server: str,
    rnd: int,
    methods: Sequence[str],
    loadgens: Sequence[str],
    seconds: float,
    warmup: float,
    cpp: dict[str, Path],
    page_file: Path,
    cells: list[Cell],
    notes: list[str],
    baseline: Path | None,
) -> None:
    port = _free_port()
    command, cwd = _server_command(server, port, cpp, page_file, baseline)
    process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL)
    try:
        _wait_listening(port, process)
        for method in methods:
            if warmup > 0:
                _run_rust(port, method, warmup)
            for loadgen in loadgens:
                print(f"  round {rnd + 1}: {SERVERS[server]}, {method}, {LOADGENS[loadgen]} ...",
                      file=sys.stderr, flush=True)  # fmt: skip
                try:
                    if loadgen == "rust":
                        cell = _run_rust(port, method, seconds)
                    else:
                        cell = _run_cpp(cpp["load"], port, method, seconds)
                except (Failed, subprocess.TimeoutExpired) as e:
                    notes.append(f"round {rnd + 1}: {server} {method} {loadgen}: {e}")
                    continue
                cell.server = server
                cell.round = rnd
                cells.append(cell)
    except Failed as e:
        notes.append(f"round {rnd + 1}: {server}: {e}")
    finally:
        _stop(process)


def run(
    servers: Sequence[str],
    methods: Sequence[str],
    loadgens: Sequence[str],
    seconds: float,
    warmup: float,
    rounds: int,
    baseline: Path | None = None,
) -> tuple[list[Cell], list[str]]:
    cells: list[Cell] = []
    notes: list[str] = []
    cpp: dict[str, Path] = {}
    if baseline is not None:
        servers = [*servers, "baseline"]
    if any(s in CPP_SERVERS for s in servers) or "cpp" in loadgens:
        from . import cpp as cpp_build

        try:
            cpp = cpp_build.build()
        except cpp_build.Unavailable as e:
            notes.append(f"C++ programs unavailable, left out: {e}")
            servers = [s for s in servers if s not in CPP_SERVERS]
            loadgens = [g for g in loadgens if g != "cpp"]
    with tempfile.TemporaryDirectory(prefix="thrifthive-bench-rpc-") as tmp:
        page_file = _page_file(Path(tmp))
        # Round after round over every server, so that a slow spell on the shared machine
        # hits them alike; each server is started for its cells and stopped after them.
        for rnd in range(rounds):
            for server in servers:
                _serve_cells(server, rnd, methods, loadgens, seconds, warmup, cpp, page_file,
                             cells, notes, baseline)  # fmt: skip
    return cells, notes


def _find(cells: list[Cell], server: str, method: str, loadgen: str, rnd: int) -> Cell | None:
    for c in cells:
        if (c.server, c.method, c.loadgen, c.round) == (server, method, loadgen, rnd):
            return c
    return None


def _spread(values: list[float], fmt: str, unit: str = "") -> str:
    m = statistics.median(values)
    if len(values) == 1:
        return f"{m:{fmt}}{unit}"
    return f"{m:{fmt}}{unit} ({min(values):{fmt}}{DASH}{max(values):{fmt}})"


def results_rows(cells: list[Cell]) -> list[list[str]]:
    """The median over the rounds of each (server, method, load), with the min-max."""
    rows = [["server", "method", "load", "calls/s", "p50 ms", "p99 ms", "errors"]]
    keys = list(dict.fromkeys((c.server, c.method, c.loadgen) for c in cells))
    for server, method, loadgen in keys:
        mine = [c for c in cells if (c.server, c.method, c.loadgen) == (server, method, loadgen)]
        errors = sorted({c.errors for c in mine})
        rows.append(
            [SERVERS[server], method, LOADGENS[loadgen],
             _spread([c.calls_per_sec for c in mine], ",.0f"),
             _spread([c.p50_ms for c in mine], ".3f"),
             _spread([c.p99_ms for c in mine], ".3f"),
             ", ".join(errors)]
        )  # fmt: skip
    return rows


def ratio_rows(cells: list[Cell]) -> list[list[str]]:
    """Each ratio is the median of the per-round ratios (min-max over the rounds); a floor is
    met when the median meets it."""
    rows = [
        ["server", "method", "load", "vs best Python", "floor", "met", "vs best C++",
         "p99 / C++ p99", "floor", "met"]
    ]  # fmt: skip
    for server in OURS:
        for method in METHODS:
            for loadgen in LOADGENS:
                row = _ratio_row(cells, server, method, loadgen)
                if row is not None:
                    rows.append([SERVERS[server], *row])
    return rows


def _ratio_row(cells: list[Cell], server: str, method: str, loadgen: str) -> list[str] | None:
    py_ratios: list[float] = []
    py_best: list[str] = []
    cpp_ratios: list[float] = []
    p99_ratios: list[float] = []
    for rnd in sorted({c.round for c in cells}):
        ours = _find(cells, server, method, loadgen, rnd)
        if ours is None:
            continue
        py = [c for s in ("thriftpy2", "apache-py") if (c := _find(cells, s, method, loadgen, rnd))]
        if py:
            best = max(py, key=lambda c: c.calls_per_sec)
            py_ratios.append(ours.calls_per_sec / best.calls_per_sec)
            py_best.append(best.server)
        cpps = [c for s in CPP_SERVERS if (c := _find(cells, s, method, loadgen, rnd))]
        if cpps:
            # Against the faster of the C++ servers (default or 64 KiB buffers).
            cpp = max(cpps, key=lambda c: c.calls_per_sec)
            cpp_ratios.append(ours.calls_per_sec / cpp.calls_per_sec)
            p99_ratios.append(ours.p99_ms / cpp.p99_ms)
    if not py_ratios and not cpp_ratios:
        return None
    row = [method, LOADGENS[loadgen]]
    if py_ratios:
        r = statistics.median(py_ratios)
        floor = PYTHON_FLOOR[method]
        best_names = "/".join(sorted(set(py_best)))
        row += [f"{_spread(py_ratios, '.2f', 'x')} {best_names}", f">= {floor}x",
                "yes" if r >= floor else "NO"]  # fmt: skip
    else:
        row += ["-", "-", "-"]
    if cpp_ratios:
        r = statistics.median(cpp_ratios)
        p99 = statistics.median(p99_ratios)
        met = r >= CPP_FLOOR and p99 <= 1.0
        row += [_spread(cpp_ratios, ".2f", "x"), _spread(p99_ratios, ".2f", "x"),
                f">= {CPP_FLOOR}x, p99 <= 1x", "yes" if met else "NO"]  # fmt: skip
    else:
        row += ["-", "-", "-", "-"]
    return row


def async_rows(cells: list[Cell]) -> list[list[str]]:
    """thrifthive with async def handlers over thrifthive with sync ones, per round."""
    rows = [["method", "load", "async / sync calls/s", "floor", "met"]]
    rounds = sorted({c.round for c in cells})
    for method in METHODS:
        for loadgen in LOADGENS:
            ratios = [
                a.calls_per_sec / s.calls_per_sec
                for rnd in rounds
                if (a := _find(cells, "thrifthive-async", method, loadgen, rnd)) is not None
                and (s := _find(cells, "thrifthive", method, loadgen, rnd)) is not None
            ]
            if ratios:
                met = statistics.median(ratios) >= ASYNC_FLOOR
                rows.append([method, LOADGENS[loadgen], _spread(ratios, ".2f", "x"),
                             f">= {ASYNC_FLOOR}x", "yes" if met else "NO"])  # fmt: skip
    return rows


def baseline_rows(cells: list[Cell]) -> list[list[str]]:
    """This checkout's thrifthive over the baseline checkout's, per round."""
    rows = [["method", "load", "calls/s, this / baseline", "p99, this / baseline"]]
    rounds = sorted({c.round for c in cells})
    for method in METHODS:
        for loadgen in LOADGENS:
            pairs = [
                (ours, base)
                for rnd in rounds
                if (ours := _find(cells, "thrifthive", method, loadgen, rnd)) is not None
                and (base := _find(cells, "baseline", method, loadgen, rnd)) is not None
            ]
            if pairs:
                rate = [ours.calls_per_sec / base.calls_per_sec for ours, base in pairs]
                p99 = [ours.p99_ms / base.p99_ms for ours, base in pairs]
                rows.append([method, LOADGENS[loadgen], _spread(rate, ".2f", "x"),
                             _spread(p99, ".2f", "x")])  # fmt: skip
    return rows


def _text(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("---" for _ in rows[0]) + "|")
    return "\n".join(lines)


def _machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {sys.version.split()[0]}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rpc", description=__doc__.split("\n")[0])
    parser.add_argument("-d", "--duration", type=float, default=2.0, help="seconds per cell")
    parser.add_argument("-r", "--rounds", type=int, default=3, help="rounds over all servers")
    parser.add_argument("--warmup", type=float, default=0.5, help="seconds per (server, method)")
    anchors = [s for s in SERVERS if s != "baseline"]
    parser.add_argument("--servers", nargs="+", choices=anchors, default=anchors)
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS))
    parser.add_argument("--loadgens", nargs="+", choices=list(LOADGENS), default=list(LOADGENS))
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    parser.add_argument(
        "--baseline", type=Path, metavar="CHECKOUT", help="also run another checkout's server"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    cells, notes = run(
        args.servers, args.methods, args.loadgens, args.duration, args.warmup, args.rounds,
        args.baseline.resolve() if args.baseline else None,
    )  # fmt: skip
    print(
        f"\n{_machine()}; {CONNECTIONS} connections, buffered binary, {args.duration:g} s a cell, "
        f"{args.rounds} round(s); medians over the rounds (min-max)"
    )
    print(f"total {time.monotonic() - started:.0f} s\n")
    print(_text(results_rows(cells)))
    print()
    print(_text(ratio_rows(cells)))
    print()
    print(_text(async_rows(cells)))
    if args.baseline:
        print()
        print(_text(baseline_rows(cells)))
    for note in notes:
        print(f"note: {note}")
    if args.markdown:
        print()
        print(_markdown(results_rows(cells)))
        print()
        print(_markdown(ratio_rows(cells)))
        print()
        print(_markdown(async_rows(cells)))
        if args.baseline:
            print()
            print(_markdown(baseline_rows(cells)))
    return 0 if cells else 1


if __name__ == "__main__":
    sys.exit(main())
