"""The codec benchmark: thrifthive against the anchors, in one run, on the same data.

    .venv/bin/python -m bench.codec              # the full run (about half a minute)
    .venv/bin/python -m bench.codec --quick      # fewer repeats, for a smoke test
    .venv/bin/python -m bench.codec --markdown   # also print the tables as Markdown

Workload: a UserPage of 100 Users (../shared/bench/bench.thrift, bench/workload.py). For each
contender: encode, decode, and decode-then-read-every-field (every attribute of every user,
nested ones included, so a lazy decoder cannot look faster than it is), in µs per page. Each
measurement is a number of calls sized to take ~20 ms, repeated; the repeats of all contenders
are interleaved round-robin, so that noise on a shared machine falls on all of them alike. The
table gives the median and the spread (min-max), and ratios to Apache's fastbinary (same
protocol; msgpack against binary) and to msgspec: the median of the per-round ratios. Then a
1 MiB ``binary`` field: encode and decode throughput in GB/s. The garbage collector is off while
timing, as in ``timeit`` (``--gc`` keeps it on).

Floors (issue 3): thrifthive's encode at most 1/3 of Apache fastbinary's time and decode at most
0.6x of it, for binary and for compact (against Apache's accelerated compact); 1 MiB binary at
5 GB/s or more, both ways. ``--enforce`` exits non-zero when one is missed.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .contenders import BLOB_CONTENDERS, PAGE_CONTENDERS, Codec, Unavailable
from .workload import BENCH_IDL, USERS, digest, expected_digest, make_blob, make_page, walk

ENCODE_FLOOR = 1 / 3
DECODE_FLOOR = 0.6
BLOB_FLOOR_GBPS = 5.0


@dataclass
class Stats:
    """Seconds per call over the repeats."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    def ratio(self, other: Stats) -> float:
        """The median of the per-round ratios: samples of one round ran back to back, so a
        slow spell on the shared machine inflates both sides of a ratio alike."""
        return statistics.median(a / b for a, b in zip(self.samples, other.samples, strict=True))


@dataclass
class Job:
    """One thing to time: a call, and how many calls make one sample."""

    key: tuple[str, str]  # (codec key, operation)
    fn: Callable[[], Any]
    number: int = 1


def _time(fn: Callable[[], Any], number: int) -> float:
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return time.perf_counter() - t0


def calibrate(fn: Callable[[], Any], min_time: float) -> int:
    """How many calls take at least ``min_time`` seconds (1, 2, 5, 10, 20, 50, ...)."""
    number = 1
    while True:
        for n in (number, 2 * number, 5 * number):
            if _time(fn, n) >= min_time:
                return n
        number *= 10


def run(
    jobs: list[Job], repeat: int, min_time: float, keep_gc: bool = False
) -> dict[tuple[str, str], Stats]:
    """Times every job ``repeat`` times, round-robin, the GC off while timing (unless
    ``keep_gc``)."""
    for job in jobs:
        fn = job.fn
        fn()  # warm up: first calls build plans, caches, lazily imported modules
        job.number = calibrate(fn, min_time)
    samples: dict[tuple[str, str], list[float]] = {job.key: [] for job in jobs}
    enabled = gc.isenabled()
    try:
        for _ in range(repeat):
            for job in jobs:
                gc.collect()
                if not keep_gc:
                    gc.disable()
                try:
                    samples[job.key].append(_time(job.fn, job.number) / job.number)
                finally:
                    gc.enable()
    finally:
        if not enabled:
            gc.disable()
    return {k: Stats(v) for k, v in samples.items()}


# -- the page ---------------------------------------------------------------------------------

OPS = ("encode", "decode", "decode+walk")


def _page_jobs(codecs: list[Codec]) -> list[Job]:
    jobs = []
    for c in codecs:
        data = c.encode()
        decode = c.decode
        jobs.append(Job((c.key, "encode"), c.encode))
        jobs.append(Job((c.key, "decode"), lambda decode=decode, data=data: decode(data)))  # type: ignore[misc]
        jobs.append(
            Job((c.key, "decode+walk"), lambda decode=decode, data=data: walk(decode(data)))  # type: ignore[misc]
        )
    return jobs


def load_codecs(
    contenders: list[tuple[str, Callable[[Any], list[Codec]]]], arg: Any, only: set[str] | None
) -> tuple[list[Codec], list[str]]:
    codecs: list[Codec] = []
    skipped: list[str] = []
    for name, make in contenders:
        if only and name not in only:
            continue
        try:
            codecs.extend(make(arg))
        except Unavailable as e:
            skipped.append(f"{name}: {e}")
        except Exception as e:  # a contender that breaks here is reported, not fatal
            skipped.append(f"{name}: does not work here: {type(e).__name__}: {e}")
    return codecs, skipped


def check_page(codecs: list[Codec], page: dict[str, Any]) -> list[str]:
    """Every contender decodes its own bytes to the page; notes which Thrift contenders write
    the same bytes as Apache's fastbinary."""
    notes = []
    want = expected_digest(page)
    for c in codecs:
        got = digest(c.decode(c.encode()))
        if got != want:
            raise SystemExit(f"{c.key} does not decode its own bytes to the page")
    by_key = {c.key: c for c in codecs}
    for c in codecs:
        anchor = by_key.get(f"apache-{c.protocol}")
        if c.name != "apache" and anchor is not None:
            same = c.encode() == anchor.encode()
            notes.append(
                f"{c.name} {c.protocol}: {'the same bytes as' if same else 'NOT the same bytes as'}"
                f" Apache fastbinary"
            )
    return notes


def _ratio(results: dict[tuple[str, str], Stats], key: str, ref: str, op: str) -> str:
    ours, theirs = results.get((key, op)), results.get((ref, op))
    return f"{ours.ratio(theirs):.2f}" if ours and theirs else "-"


def page_rows(
    codecs: list[Codec], results: dict[tuple[str, str], Stats]
) -> tuple[list[str], list[list[str]]]:
    header = ["contender", "protocol", "bytes"]
    for op in OPS:
        header.append(f"{op} µs (min-max)")
    header += ["enc xapache", "dec xapache", "dec+walk xapache", "enc xmsgspec", "dec xmsgspec"]
    rows = []
    for c in codecs:
        size = len(c.encode())
        name = c.name + (f" ({', '.join(c.notes)})" if c.notes else "")
        row = [name, c.protocol, str(size)]
        for op in OPS:
            s = results[(c.key, op)]
            row.append(f"{s.median * 1e6:.1f} ({s.low * 1e6:.1f}-{s.high * 1e6:.1f})")
        anchor = f"apache-{c.protocol if c.protocol in ('binary', 'compact') else 'binary'}"
        for op, ref in (
            ("encode", anchor),
            ("decode", anchor),
            ("decode+walk", anchor),
            ("encode", "msgspec-msgpack"),
            ("decode", "msgspec-msgpack"),
        ):
            row.append(_ratio(results, c.key, ref, op))
        rows.append(row)
    return header, rows


# -- the 1 MiB binary -------------------------------------------------------------------------


def _blob_jobs(codecs: list[Codec]) -> list[Job]:
    jobs = []
    for c in codecs:
        data = c.encode()
        decode = c.decode
        jobs.append(Job((c.key, "encode"), c.encode))
        jobs.append(Job((c.key, "decode"), lambda decode=decode, data=data: decode(data)))  # type: ignore[misc]
    return jobs


def blob_rows(
    codecs: list[Codec], results: dict[tuple[str, str], Stats], size: int
) -> tuple[list[str], list[list[str]]]:
    header = ["contender", "protocol", "encode GB/s (min-max)", "decode GB/s (min-max)"]
    rows = []
    for c in codecs:
        row = [c.name, c.protocol]
        for op in ("encode", "decode"):
            s = results[(c.key, op)]
            row.append(
                f"{size / s.median / 1e9:.1f} ({size / s.high / 1e9:.1f}-{size / s.low / 1e9:.1f})"
            )
        rows.append(row)
    return header, rows


# -- output -----------------------------------------------------------------------------------


def render(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(
        [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
        + [fmt.format(*r) for r in rows]
    )


def floors(
    page: dict[tuple[str, str], Stats], blob: dict[tuple[str, str], Stats], size: int
) -> list[tuple[str, str, bool | None]]:
    """(what, value, passed); passed is None when a side is missing."""
    out: list[tuple[str, str, bool | None]] = []
    for protocol in ("binary", "compact"):
        for op, floor in (("encode", ENCODE_FLOOR), ("decode", DECODE_FLOOR)):
            ours = page.get((f"thrifthive-{protocol}", op))
            theirs = page.get((f"apache-{protocol}", op))
            what = f"{protocol} {op} <= {floor:.2f}x Apache"
            if ours and theirs:
                ratio = ours.ratio(theirs)
                out.append((what, f"{ratio:.2f}x", ratio <= floor))
            else:
                out.append((what, "not measured", None))
    for protocol in ("binary", "compact"):
        for op in ("encode", "decode"):
            s = blob.get((f"thrifthive-{protocol}", op))
            what = f"1 MiB binary, {protocol} {op} >= {BLOB_FLOOR_GBPS:.0f} GB/s"
            if s:
                gbps = size / s.median / 1e9
                out.append((what, f"{gbps:.1f} GB/s", gbps >= BLOB_FLOOR_GBPS))
            else:
                out.append((what, "not measured", None))
    return out


def environment() -> list[str]:
    versions = []
    for name in ("thrifthive", "thrift", "thriftpy2", "msgspec", "thriftrs2"):
        try:
            from importlib.metadata import version

            versions.append(f"{name} {version(name)}")
        except Exception:
            versions.append(f"{name} (not installed)")
    return [
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.release()}",
        ", ".join(versions),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.codec", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--repeat", type=int, default=15, help="samples per measurement")
    parser.add_argument("--min-time", type=float, default=0.02, help="seconds per sample")
    parser.add_argument("--quick", action="store_true", help="5 repeats of 5 ms: a smoke test")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables too")
    parser.add_argument("--only", help="comma-separated contenders (thrifthive,apache,...)")
    parser.add_argument("--no-blob", action="store_true", help="skip the 1 MiB binary case")
    parser.add_argument("--gc", action="store_true", help="keep the GC on while timing")
    parser.add_argument("--enforce", action="store_true", help="exit 1 when a floor is missed")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.min_time = 5, 0.005
    only = set(args.only.split(",")) if args.only else None

    if not BENCH_IDL.is_file():
        print(f"the workload IDL is missing: {BENCH_IDL} (clone shared/ beside the repo)")
        return 2
    print("\n".join(environment()))
    print(f"workload: UserPage of {USERS} users from {BENCH_IDL}")

    page = make_page()
    codecs, skipped = load_codecs(PAGE_CONTENDERS, page, only)
    for line in check_page(codecs, page):
        print(line)
    for line in skipped:
        print(f"skipped {line}")
    t0 = time.perf_counter()
    page_results = run(_page_jobs(codecs), args.repeat, args.min_time, args.gc)
    print(f"\nUserPage ({args.repeat} samples each, {time.perf_counter() - t0:.0f} s):")
    header, rows = page_rows(codecs, page_results)
    print(render(header, rows, markdown=False))

    blob_results: dict[tuple[str, str], Stats] = {}
    blob_table: tuple[list[str], list[list[str]]] | None = None
    size = 0
    if not args.no_blob:
        blob = make_blob()
        size = len(blob)
        blob_codecs, skipped = load_codecs(BLOB_CONTENDERS, blob, only)
        for line in skipped:
            print(f"skipped {line}")
        for c in blob_codecs:
            if bytes(getattr(c.decode(c.encode()), "data", b"")) != blob:
                raise SystemExit(f"{c.key} does not round-trip the 1 MiB binary")
        blob_results = run(_blob_jobs(blob_codecs), args.repeat, args.min_time, args.gc)
        blob_table = blob_rows(blob_codecs, blob_results, size)
        print("\n1 MiB binary field:")
        print(render(*blob_table, markdown=False))

    checks = floors(page_results, blob_results, size)
    print("\nfloors (thrifthive):")
    for what, value, passed in checks:
        verdict = {True: "ok", False: "MISSED", None: "-"}[passed]
        print(f"  {what:<44} {value:>14}  {verdict}")
    if args.markdown:
        print("\n" + render(header, rows, markdown=True))
        if blob_table:
            print("\n" + render(*blob_table, markdown=True))
    if args.enforce and any(passed is False for _, _, passed in checks):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
