"""Builds the RPC benchmark's C++ programs (bench/rpc_cpp/: ``server``, Apache's
TThreadedServer with our handler, and ``load``, a load client on Apache's C++ client) against
Debian's libthrift-dev.

``thrift --gen cpp`` writes bench.thrift's C++ code into a temporary directory; g++ -O2 compiles
it with our sources (``pkg-config --cflags --libs thrift``), in parallel. The binaries are cached
in target/bench-rpc-cpp/ under a hash of everything they are built from, so only the first run
after a change pays for the build. The toolchain checks are tests/rpc_interop/cpp_build.py's.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.rpc_interop.cpp_build import _output, _toolchain
from tests.rpc_interop.peers import Unavailable

from ..workload import BENCH_IDL, REPO

SOURCES = REPO / "bench" / "rpc_cpp"
CACHE = REPO / "target" / "bench-rpc-cpp"
CXXFLAGS = ("-std=c++17", "-O2", "-w")
GENERATED = ("UserService.cpp", "bench_types.cpp")
PROGRAMS = ("server", "load")
BUILD_TIMEOUT = 600.0

__all__ = ["Unavailable", "build"]


def _compile(gxx: str, flags: list[str], build: Path, sources: list[Path]) -> None:
    compiles = [
        (
            source,
            subprocess.Popen(
                [gxx, *flags, "-c", str(source), "-o", str(build / f"{source.stem}.o")],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            ),
        )
        for source in sources
    ]
    failures = []
    for source, process in compiles:
        out, _ = process.communicate(timeout=BUILD_TIMEOUT)
        if process.returncode != 0:
            failures.append(f"{source.name}:\n{out}")
    if failures:
        raise Unavailable("building the C++ benchmark programs failed:\n" + "\n".join(failures))


def build() -> dict[str, Path]:
    """The paths of the built ``server`` and ``load``, building them unless cached."""
    gxx, thrift, cflags, libs = _toolchain()
    key = hashlib.sha256()
    parts = [p.read_bytes() for p in sorted(SOURCES.iterdir()) if p.is_file()]
    parts += [
        BENCH_IDL.read_bytes(),
        _output(thrift, "--version").encode(),
        _output(gxx, "--version").encode(),
        " ".join([*CXXFLAGS, *cflags, *libs]).encode(),
    ]
    for part in parts:
        key.update(hashlib.sha256(part).digest())
    out = CACHE / key.hexdigest()[:16]
    binaries = {name: out / name for name in PROGRAMS}
    if all(b.is_file() for b in binaries.values()):
        return binaries
    with tempfile.TemporaryDirectory(prefix="thrifthive-bench-cpp-") as tmp:
        build_dir = Path(tmp)
        _output(thrift, "--gen", "cpp", "-out", str(build_dir), str(BENCH_IDL))
        flags = [*CXXFLAGS, *cflags, "-I", str(build_dir), "-I", str(SOURCES)]
        generated = [build_dir / name for name in GENERATED]
        programs = [SOURCES / f"{name}.cpp" for name in PROGRAMS]
        _compile(gxx, flags, build_dir, [*generated, *programs])
        out.mkdir(parents=True, exist_ok=True)
        for name in PROGRAMS:
            objects = [str(build_dir / f"{p.stem}.o") for p in [*generated, SOURCES / name]]
            linked = build_dir / name
            link = subprocess.run(
                [gxx, "-o", str(linked), *objects, *libs, "-pthread"],
                capture_output=True,
                text=True,
                check=False,
                timeout=BUILD_TIMEOUT,
            )
            if link.returncode != 0:
                raise Unavailable(f"linking {name} failed:\n{link.stderr}")
            partial = binaries[name].with_suffix(".partial")
            shutil.copy2(linked, partial)
            partial.replace(binaries[name])
    return binaries
