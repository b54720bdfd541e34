"""Builds the C++ ThriftTest client (``cpp/client.cpp``) against Debian's libthrift-dev.

``thrift --gen cpp`` writes ThriftTest's C++ code into a build directory and g++ compiles it
with our client (``pkg-config --cflags --libs thrift``), the four files in parallel. The binary is
cached in pytest's cache directory under a hash of everything it is built from, so only the
first session after a change pays for the build (about 10 s on 2 cores).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .peers import Unavailable
from .thrift_test_handler import THRIFT_TEST_IDL

CLIENT_SOURCE = Path(__file__).resolve().parent / "cpp" / "client.cpp"
BUILD_TIMEOUT = 300.0
# -O0: the client's speed does not matter, and ThriftTest's code compiles 3x faster than at -O1.
CXXFLAGS = ("-std=c++17", "-O0", "-w")
_GENERATED = ("ThriftTest.cpp", "ThriftTest_types.cpp", "ThriftTest_constants.cpp")


def _output(*command: str) -> str:
    run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    if run.returncode != 0:
        raise Unavailable(f"`{' '.join(command)}` failed: {run.stderr.strip()}")
    return run.stdout


def _toolchain() -> tuple[str, str, list[str], list[str]]:
    """g++, the thrift compiler, and libthrift's compile and link flags; raises Unavailable
    naming whatever is missing."""
    gxx, thrift, pkg_config = (shutil.which(n) for n in ("g++", "thrift", "pkg-config"))
    if gxx is None:
        raise Unavailable("g++ is not installed")
    if thrift is None:
        raise Unavailable("the Thrift compiler `thrift` (thrift-compiler) is not installed")
    if pkg_config is None:
        raise Unavailable("pkg-config is not installed")
    if subprocess.run([pkg_config, "--exists", "thrift"], check=False).returncode != 0:
        raise Unavailable("libthrift-dev is not installed (pkg-config knows no `thrift`)")
    cflags = _output(pkg_config, "--cflags", "thrift").split()
    libs = _output(pkg_config, "--libs", "thrift").split()
    # Debian's libthrift-dev includes Boost headers without depending on libboost-dev.
    probe = subprocess.run(
        [gxx, "-std=c++17", *cflags, "-E", "-x", "c++", "-", "-o", os.devnull],
        input="#include <thrift/transport/TSocket.h>\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if probe.returncode != 0:
        missing = "libboost-dev (Boost headers)" if "boost/" in probe.stderr else "a header"
        raise Unavailable(
            f"libthrift-dev's headers do not compile: {missing} is missing:\n{probe.stderr}"
        )
    return gxx, thrift, cflags, libs


def build_client(cache_dir: Path) -> Path:
    """The path of the built client, building it into ``cache_dir`` unless it is there."""
    gxx, thrift, cflags, libs = _toolchain()
    key = hashlib.sha256()
    for part in (
        CLIENT_SOURCE.read_bytes(),
        THRIFT_TEST_IDL.read_bytes(),
        _output(thrift, "--version").encode(),
        _output(gxx, "--version").encode(),
        " ".join([*CXXFLAGS, *cflags, *libs]).encode(),
    ):
        key.update(hashlib.sha256(part).digest())
    binary = cache_dir / f"client-{key.hexdigest()[:16]}"
    if binary.is_file():
        return binary
    with tempfile.TemporaryDirectory(prefix="rpc-interop-cpp-") as tmp:
        build = Path(tmp)
        _output(thrift, "--gen", "cpp", "-out", str(build), str(THRIFT_TEST_IDL))
        sources = [CLIENT_SOURCE, *(build / name for name in _GENERATED)]
        compiles = [
            (
                source,
                subprocess.Popen(
                    [gxx, *CXXFLAGS, *cflags, "-I", str(build), "-c",
                     str(source), "-o", str(build / f"{source.stem}.o")],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                ),
            )
            for source in sources
        ]  # fmt: skip
        failures = []
        for source, process in compiles:
            try:
                out, _ = process.communicate(timeout=BUILD_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                out, _ = process.communicate()
                failures.append(f"{source.name}: timed out after {BUILD_TIMEOUT:.0f}s")
                continue
            if process.returncode != 0:
                failures.append(f"{source.name}:\n{out}")
        if failures:
            raise AssertionError("building the C++ client failed:\n" + "\n".join(failures))
        linked = build / "client"
        link = subprocess.run(
            [gxx, "-o", str(linked), *(str(build / f"{s.stem}.o") for s in sources), *libs],
            capture_output=True,
            text=True,
            check=False,
            timeout=BUILD_TIMEOUT,
        )
        if link.returncode != 0:
            raise AssertionError(f"linking the C++ client failed:\n{link.stderr}")
        partial = binary.with_suffix(".partial")
        shutil.copy2(linked, partial)
        partial.replace(binary)
    return binary
