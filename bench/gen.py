"""The generator's benchmark: ``thrifthive gen`` and ``thrifthive stubs`` on 5,000 definitions.

    .venv/bin/python -m bench.gen            # 7 runs of each: wall-clock and CPU time
    .venv/bin/python -m bench.gen --write F  # also writes the IDL to F
    .venv/bin/python -m bench.gen --enforce  # exit 1 when gen's median is over the floor

The IDL is the parser benchmark's (crates/thrifthive-idl/benches/parse_5000.rs), written by the
same rules here: 500 enums, 500 typedefs, 2,500 structs with containers, defaults and cross
references, 250 exceptions, 750 consts, 500 services each extending the previous one. Each run
is a fresh process, as each use of the command is (caches cold): generating, timed inside it
(compile the IDL, produce every file's text: ``thrifthive.gen.package`` / ``stubs``), then the
whole ``thrifthive gen FILE -o DIR`` command. The floor (issue 7) is 1 s for generating.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from thrifthive import gen

ENUMS, TYPEDEFS, STRUCTS, EXCEPTIONS, CONSTS, SERVICES = 500, 500, 2500, 250, 750, 500
FLOOR_SECONDS = 1.0


def make_idl() -> str:
    """The parser benchmark's IDL, line for line."""
    out = ["namespace py generated\nnamespace cpp generated\n\n"]
    for e in range(ENUMS):
        out.append(f"/** Enum number {e}. */\nenum Enum{e} {{\n")
        out.extend(f"  E{e}_V{v} = {v * 3},\n" for v in range(8))
        out.append("}\n\n")
    for t in range(TYPEDEFS):
        target = ["i64", "string", "list<i32>", "map<string, double>"][t % 4]
        out.append(f"typedef {target} Alias{t}\n")
    for s in range(STRUCTS):
        e = s % ENUMS
        out.append(f"\n/** Struct number {s}. */\nstruct Struct{s} {{\n")
        out.append("  1: required i64 id,\n")
        out.append(f'  2: optional string name = "struct {s}",\n')
        out.append("  3: list<string> tags,\n")
        out.append("  4: map<string, i64> counters,\n")
        out.append(f"  5: Enum{e} status = Enum{e}.E{e}_V1,\n")
        out.append(f"  6: Alias{s % TYPEDEFS} aliased,\n")
        if s > 0:
            out.append(f"  7: optional Struct{s - 1} parent,\n")
            out.append(f"  8: set<Struct{(s * 7) % s}> siblings,\n")
        out.append("  9: double score = 1.5,\n")
        out.append('  10: binary payload (python.immutable = ""),\n')
        out.append("}\n")
    for x in range(EXCEPTIONS):
        out.append(f"\nexception Error{x} {{\n  1: string message,\n  2: i32 code = {x},\n}}\n")
    for c in range(CONSTS):
        if c % 3 == 0:
            out.append(f"const i32 CONST_{c} = {c}\n")
        elif c % 3 == 1:
            out.append(f'const list<string> CONST_{c} = ["a", "b", "c{c}"]\n')
        else:
            struct = c % STRUCTS
            value = f'{{"id": {c}, "name": "n", "tags": ["x"]}}'
            out.append(f"const Struct{struct} CONST_{c} = {value}\n")
    for v in range(SERVICES):
        extends = f" extends Service{v - 1}" if v > 0 else ""
        out.append(f"\nservice Service{v}{extends} {{\n")
        for m in range(4):
            out.append(
                f"  Struct{(v + m) % STRUCTS} call{v}_{m}(1: i64 id, 2: Alias{(v + m) % TYPEDEFS} "
                f"aliased) throws (1: Error{(v + m) % EXCEPTIONS} err),\n"
            )
        out.append(f"  oneway void notify{v}(1: string event),\n}}\n")
    return "".join(out)


# Generation in a fresh interpreter, timed inside it: what `thrifthive gen` spends generating,
# caches cold, without start-up and writing.
_CHILD = """
import sys, time
from thrifthive import gen
make = gen.package if sys.argv[1] == "gen" else gen.stubs
start, start_cpu = time.perf_counter(), time.process_time()
make(sys.argv[2])
print(time.perf_counter() - start, time.process_time() - start_cpu)
"""


def _in_process(command: str, path: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run: on a shared machine the CPU time is the figure
    less disturbed by other work (time spent waiting for a core is not counted)."""
    wall, cpu = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, command, str(path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        wall.append(float(out[0]))
        cpu.append(float(out[1]))
    return wall, cpu


def _whole_command(
    command: str, path: Path, out: Path, runs: int
) -> tuple[list[float], list[float]]:
    """The same for the whole `thrifthive gen FILE -o DIR` process: start-up, import, compile,
    generate, write."""
    script = Path(sys.executable).with_name("thrifthive")
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([script, command, path, "-o", out], capture_output=True, check=True)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, cpu


def _ms(times: list[float]) -> str:
    return (
        f"median {statistics.median(times) * 1e3:.0f} ms "
        f"(min {min(times) * 1e3:.0f}, max {max(times) * 1e3:.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--write", type=Path, metavar="FILE", help="also write the IDL here")
    parser.add_argument(
        "--enforce", action="store_true", help="exit 1 when gen's median is over the floor"
    )
    args = parser.parse_args()
    idl = make_idl()
    if args.write:
        args.write.write_text(idl)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "gen5000.thrift")
        path.write_text(idl)
        size = sum(len(text) for text in gen.package(path).values())
        lines = idl.count("\n")
        print(f"IDL: {len(idl) // 1024} KiB, {lines} lines; package: {size // 1024} KiB")
        medians = {}
        for command in ("gen", "stubs"):
            wall, cpu = _in_process(command, path, args.runs)
            medians[command] = statistics.median(wall)
            print(f"{command}, generating ({args.runs} runs): wall {_ms(wall)}; CPU {_ms(cpu)}")
            wall, cpu = _whole_command(command, path, Path(tmp, command), args.runs)
            print(f"{command}, the whole command: wall {_ms(wall)}; CPU {_ms(cpu)}")
    print(f"floor: {FLOOR_SECONDS:.0f} s for generating (gen)")
    if args.enforce and medians["gen"] > FLOOR_SECONDS:
        sys.exit(1)


if __name__ == "__main__":
    main()
