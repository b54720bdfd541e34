"""A C++ client built against Debian's libthrift-dev (``cpp/client.cpp``) calling thrifthive's
server, buffered and framed, binary and compact, plain and multiplexed; the same client against
Apache's Python server is the control for its expected output."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .cpp_build import build_client
from .hive import hive_server, needs_server
from .peers import PeerServers, ServerKey, Unavailable
from .thrift_test_handler import ThriftTestHandler

# What the client prints against a server replying as Apache's test server does.
EXPECTED = [
    "testString: Test",
    "testString(utf-8): ünïcödé 🐝",
    "testI32: -1",
    "testI32(min): -2147483648",
    "testStruct: {Zero, 1, -3, -5} (equal)",
    "testMap: {0 => -10, 1 => -9, 2 => -8, 3 => -7, 4 => -6}",
    "testException(Xception): Xception(1001, Xception)",
    # TApplicationException's type: INTERNAL_ERROR (6) from Apache's Python server, UNKNOWN (0)
    # from its C++ server.
    re.compile(r"testException\(TException\): TApplicationException\((6|0)\)"),
    "testException(success): ok",
    "testMultiException(Xception2): Xception2(2002, {This is an Xception2, 0, 0, 0})",
    "testOneway: returned at once",
    "testI32 after oneway: -7",
]

CONFIGS = [
    (transport, protocol, multiplexed)
    for transport in ("buffered", "framed")
    for protocol in ("binary", "compact")
    for multiplexed in (False, True)
]


def _id(config: tuple[str, str, bool]) -> str:
    transport, protocol, multiplexed = config
    return f"{transport}-{protocol}{'-mux' if multiplexed else ''}"


@pytest.fixture(scope="session")
def cpp_client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built client, cached in pytest's cache directory (in a tmp dir without one)."""
    cache = getattr(request.config, "cache", None)
    cache_dir = (
        cache.mkdir("rpc_interop_cpp")
        if cache is not None
        else tmp_path_factory.mktemp("rpc-interop-cpp")
    )
    try:
        return build_client(cache_dir)
    except Unavailable as e:
        pytest.skip(f"the C++ peer (libthrift-dev) is unavailable: {e}")


def run_client(
    binary: Path, port: int, transport: str, protocol: str, multiplexed: bool
) -> list[str]:
    command = [str(binary), str(port), transport, protocol]
    if multiplexed:
        command.append("ThriftTest")
    run = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert run.returncode == 0, f"C++ client failed ({run.returncode}):\n{run.stderr}"
    return run.stdout.splitlines()


def assert_output(lines: list[str]) -> None:
    assert len(lines) == len(EXPECTED), "\n".join(lines)
    for line, expected in zip(lines, EXPECTED, strict=True):
        if isinstance(expected, re.Pattern):
            assert expected.fullmatch(line), line
        else:
            assert line == expected


@pytest.mark.parametrize("config", CONFIGS, ids=_id)
def test_cpp_client_against_apache_server(
    cpp_client: Path, peer_servers: PeerServers, config: tuple[str, str, bool]
) -> None:
    transport, protocol, multiplexed = config
    server = peer_servers.get(ServerKey("apache-simple", transport, protocol, multiplexed))
    assert_output(run_client(cpp_client, server.port, transport, protocol, multiplexed))


@pytest.fixture(scope="module")
def hive_servers(hive_types: ModuleType) -> Iterator[dict[bool, tuple[Any, ThriftTestHandler]]]:
    with (
        hive_server(hive_types, multiplexed=False) as plain,
        hive_server(hive_types, multiplexed=True) as mux,
    ):
        yield {False: plain, True: mux}


@needs_server
@pytest.mark.parametrize("config", CONFIGS, ids=_id)
def test_cpp_client_against_thrifthive_server(
    cpp_client: Path,
    hive_servers: dict[bool, tuple[Any, ThriftTestHandler]],
    config: tuple[str, str, bool],
) -> None:
    transport, protocol, multiplexed = config
    server, handler = hive_servers[multiplexed]
    oneway_before = handler.oneway_calls
    assert_output(run_client(cpp_client, server.port, transport, protocol, multiplexed))
    assert handler.wait_oneway(oneway_before + 1, timeout=5.0), "testOneway never ran"
