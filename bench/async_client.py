"""The AsyncClient benchmark: one thrifthive.AsyncClient on one connection with 100 calls in
flight, against the floors of issue 5 ("Speed").

    .venv/bin/python -m bench.async_client              # 5 rounds of 3 s cells (about 1.5 min)
    .venv/bin/python -m bench.async_client -r 1 -d 1    # a smoke test
    .venv/bin/python -m bench.async_client --markdown   # also print the tables as Markdown

One thrifthive.Server (bench/rpc/serve.py, defaults) in a process of its own on 127.0.0.1,
buffered binary; every client calls ``getUserById(101)`` in a closed loop, in this process:

- ``hive-asyncio`` / ``hive-uvloop``: thrifthive.AsyncClient, one connection, 100 calls in
  flight (100 tasks, each awaiting its next call as soon as the last returns), on asyncio's
  default loop / on uvloop.
- ``thriftpy2``: thriftpy2's asyncio client (``make_aio_client``), one connection, sequential
  awaits: it cannot have two calls in flight on one connection (its issue #245).
- ``bench-c1``: ``thrifthive bench ADDR ... -c 1``, the Rust load generator on one connection
  (one call in flight at a time), as a separate process.
- ``handoff``: the other design the AsyncClient could have had, IO on other threads with
  completions handed to the loop: thrifthive.Client (the blocking engine, GIL released) on the
  loop's default executor with 100 calls in flight, each result handed back through
  ``call_soon_threadsafe`` (the loop's self-pipe, as a wakeup fd would be). Its threads each
  use a connection of their own (6 on this machine), so it has more connections, not fewer.
- ``handoff-batched``: the handoff design at its best, on the AsyncClient's own pipeline and one
  connection: replies read by a thread of their own (a blocking ``recv``, the GIL released) and
  handed to the loop once per read (not per call) with ``call_soon_threadsafe``; requests still
  written from the loop thread.

A prototype of that design done properly (socket IO on a tokio thread, requests sent to it over
a channel, replies queued and announced by one eventfd write per batch, watched with
``add_reader``) was measured as the ``tokio-thread`` contender at commit 4ada38f and then
removed; BENCHMARKS.md has its figures.

Each cell is warmed up for 0.5 s first. The run goes round after round over every client; each
figure is the median over the rounds with the min-max, each ratio the median of the per-round
ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvloop

from .rpc.__main__ import _free_port, _stop, _wait_listening
from .workload import BENCH_IDL, REPO

CLIENTS = {
    "hive-asyncio": "thrifthive.AsyncClient, 1 connection, {n} in flight, asyncio loop",
    "hive-uvloop": "thrifthive.AsyncClient, 1 connection, {n} in flight, uvloop",
    "thriftpy2": "thriftpy2 asyncio client, 1 connection, sequential awaits",
    "bench-c1": "thrifthive bench -c 1 (Rust, 1 connection)",
    "handoff": "thrifthive.Client on the loop's executor, {n} in flight (handoff design)",
    "handoff-batched": "AsyncClient's pipeline, {n} in flight, replies read on a thread, "
    "handed over per read",
}
# (ours, anchor, floor): the floors of issue 5, and the design comparison (no floor).
RATIOS = [
    ("hive-asyncio", "thriftpy2", 5.0),
    ("hive-uvloop", "thriftpy2", 5.0),
    ("hive-asyncio", "bench-c1", 0.5),
    ("hive-uvloop", "bench-c1", 0.5),
    ("hive-asyncio", "handoff", None),
    ("hive-asyncio", "handoff-batched", None),
]
IN_FLIGHT = 100
WARMUP = 0.5
DASH = "\u2013"


async def _closed_loop(call: Callable[[], Awaitable[Any]], workers: int, seconds: float) -> float:
    """Calls/s of ``workers`` tasks calling in a closed loop, counted over ``seconds`` after
    the warm-up."""
    count = 0
    running = True

    async def worker() -> None:
        nonlocal count
        while running:
            await call()
            count += 1

    tasks = [asyncio.ensure_future(worker()) for _ in range(workers)]
    await asyncio.sleep(WARMUP)
    start, before = time.perf_counter(), count
    await asyncio.sleep(seconds)
    rate = (count - before) / (time.perf_counter() - start)
    running = False
    await asyncio.gather(*tasks)
    return rate


def _hive(port: int, seconds: float, in_flight: int, loop: str) -> float:
    import thrifthive

    svc: Any = thrifthive.load(str(BENCH_IDL), module_name="bench_async_hive")

    async def main() -> float:
        async with thrifthive.AsyncClient(svc.UserService, f"127.0.0.1:{port}") as c:
            return await _closed_loop(lambda: c.getUserById(101), in_flight, seconds)

    return uvloop.run(main()) if loop == "uvloop" else asyncio.run(main())


def _thriftpy2(port: int, seconds: float) -> float:
    import thriftpy2
    from thriftpy2.rpc import make_aio_client

    t: Any = thriftpy2.load(str(BENCH_IDL), module_name="bench_async_tp2_thrift")

    async def main() -> float:
        c = await make_aio_client(t.UserService, "127.0.0.1", port)
        try:
            return await _closed_loop(lambda: c.getUserById(101), 1, seconds)
        finally:
            c.close()

    return asyncio.run(main())


def _handoff(port: int, seconds: float, in_flight: int) -> float:
    import thrifthive

    svc: Any = thrifthive.load(str(BENCH_IDL), module_name="bench_async_handoff")

    async def main() -> float:
        loop = asyncio.get_running_loop()
        with thrifthive.Client(svc.UserService, f"127.0.0.1:{port}") as c:
            call = c.getUserById
            return await _closed_loop(
                lambda: loop.run_in_executor(None, call, 101), in_flight, seconds
            )

    return asyncio.run(main())


class _SocketWriter:
    """What the connection needs of a transport, over a blocking socket (written from the loop
    thread: the requests are small and the server reads them at once)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def write(self, data: bytes) -> None:
        self.sock.sendall(data)

    def close(self) -> None:
        self.sock.close()


def _handoff_batched(port: int, seconds: float, in_flight: int) -> float:
    """The handoff design at its best: the AsyncClient's own connection and pipeline, but the
    replies are read by another thread (a blocking recv, GIL released) and handed to the loop
    once per read with ``call_soon_threadsafe``; requests are written from the loop thread."""
    import thrifthive
    from thrifthive import _native
    from thrifthive._async_connection import Connection

    svc: Any = thrifthive.load(str(BENCH_IDL), module_name="bench_async_batched")
    method = svc.UserService.methods["getUserById"]
    target = _native.ClientTarget(f"127.0.0.1:{port}")

    async def main() -> float:
        loop = asyncio.get_running_loop()
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = Connection(target.pipeline(), loop, lambda c: None)
        conn.connection_made(_SocketWriter(sock))  # type: ignore[arg-type]

        def read() -> None:
            while data := sock.recv(256 * 1024):
                loop.call_soon_threadsafe(conn.data_received, data)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()

        async def call() -> Any:
            future, _ = conn.request("getUserById", method.args(101), method.result, None)
            return await future

        try:
            return await _closed_loop(call, in_flight, seconds)
        finally:
            sock.shutdown(socket.SHUT_RDWR)
            reader.join(timeout=5)
            sock.close()

    return asyncio.run(main())


def _bench_c1(port: int, seconds: float) -> float:
    command = shutil.which("thrifthive", path=str(Path(sys.executable).parent))
    if command is None:
        raise SystemExit("the `thrifthive` command is not installed beside this Python")
    run = subprocess.run(
        [command, "bench", f"127.0.0.1:{port}", "--idl", str(BENCH_IDL),
         "UserService.getUserById", '{"user_id": 101}', "-c", "1", "-d", str(seconds)],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    )  # fmt: skip
    rate = re.search(r"([\d.,]+) calls/s", run.stdout)
    if rate is None:
        raise SystemExit(f"no calls/s in thrifthive bench's report:\n{run.stdout}")
    return float(rate.group(1).replace(",", ""))


def measure(client: str, port: int, seconds: float, in_flight: int) -> float:
    if client == "hive-asyncio":
        return _hive(port, seconds, in_flight, "asyncio")
    if client == "hive-uvloop":
        return _hive(port, seconds, in_flight, "uvloop")
    if client == "thriftpy2":
        return _thriftpy2(port, seconds)
    if client == "handoff":
        return _handoff(port, seconds, in_flight)
    if client == "handoff-batched":
        return _handoff_batched(port, seconds, in_flight)
    # The Rust generator warms up in a run of its own.
    _bench_c1(port, WARMUP)
    return _bench_c1(port, seconds)


def _spread(values: list[float], fmt: str, unit: str = "") -> str:
    m = statistics.median(values)
    if len(values) == 1:
        return f"{m:{fmt}}{unit}"
    return f"{m:{fmt}}{unit} ({min(values):{fmt}}{DASH}{max(values):{fmt}})"


def tables(
    rates: dict[str, list[float]], in_flight: int
) -> tuple[list[list[str]], list[list[str]]]:
    results = [["client", "calls/s"]]
    results += [[CLIENTS[c].format(n=in_flight), _spread(r, ",.0f")] for c, r in rates.items()]
    ratios = [["ratio", "median (min-max over rounds)", "floor", "met"]]
    for ours, anchor, floor in RATIOS:
        if ours not in rates or anchor not in rates:
            continue
        per_round = [a / b for a, b in zip(rates[ours], rates[anchor], strict=True)]
        met = "" if floor is None else ("yes" if statistics.median(per_round) >= floor else "NO")
        ratios.append([f"{ours} / {anchor}", _spread(per_round, ".2f", "x"),
                       "" if floor is None else f">= {floor}x", met])  # fmt: skip
    return results, ratios


def _print(rows: list[list[str]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(rows[0]) + " |")
        print("|" + "---|" * len(rows[0]))
        for row in rows[1:]:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-r", "--rounds", type=int, default=5)
    parser.add_argument("-d", "--duration", type=float, default=3.0, help="seconds per cell")
    parser.add_argument("--clients", nargs="+", choices=list(CLIENTS), default=list(CLIENTS))
    parser.add_argument(
        "--in-flight", type=int, default=IN_FLIGHT, help="calls in flight (100: the floors')"
    )
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.rpc.serve", "thrifthive", str(port)],
        cwd=REPO, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    rates: dict[str, list[float]] = {c: [] for c in args.clients}
    try:
        _wait_listening(port, server)
        for rnd in range(args.rounds):
            for client in args.clients:
                rate = measure(client, port, args.duration, args.in_flight)
                print(f"  round {rnd + 1}: {client}: {rate:,.0f} calls/s", file=sys.stderr)
                rates[client].append(rate)
    finally:
        _stop(server)
    results, ratios = tables(rates, args.in_flight)
    _print(results, args.markdown)
    _print(ratios, args.markdown)


if __name__ == "__main__":
    main()
