"""The peers' pieces: Apache's generated ThriftTest code and clients, thriftpy2's module, and
peer servers (Apache's TSimpleServer, TThreadPoolServer, TNonblockingServer; thriftpy2's
threaded server) run in child processes, so every one of them can be stopped for sure."""

from __future__ import annotations

import importlib
import os
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from ..interop.peers import Unavailable, generate_apache, load_thriftpy2
from ..support import REPO
from .thrift_test_handler import THRIFT_TEST_IDL

__all__ = [
    "ApacheCode",
    "PeerServer",
    "ServerKey",
    "Unavailable",
    "apache_client",
    "apache_module",
    "generate",
    "load_thriftpy2_thrift_test",
]


@dataclass(frozen=True)
class ApacheCode:
    """Apache's generated ThriftTest package: ``out`` holds it (on sys.path)."""

    out: Path
    ttypes: Any
    service: Any  # the ThriftTest.ThriftTest module: Client, Processor, Iface


def apache_module(name: str) -> Any:
    """Imports a module of an untyped peer library (Apache's ``thrift``, thriftpy2) as Any."""
    return importlib.import_module(name)


def generate(out: Path) -> ApacheCode:
    """``thrift --gen py`` on ThriftTest into ``out``; raises Unavailable without a compiler."""
    ttypes = generate_apache(THRIFT_TEST_IDL, out)
    service = importlib.import_module("ThriftTest.ThriftTest")
    return ApacheCode(out, ttypes, service)


def load_thriftpy2_thrift_test(out: Path) -> ModuleType:
    """ThriftTest loaded by thriftpy2 (from a copy without the ``namespace xsd`` line)."""
    return load_thriftpy2(THRIFT_TEST_IDL, out, "rpc_interop_ThriftTest_thrift")


# -- Apache's client ------------------------------------------------------------------------

APACHE_PROTOCOLS = ("binary", "binary-accel", "compact", "compact-accel")
# Also understood by ApacheClient: "binary-lax", TBinaryProtocol without strict writes.
TRANSPORTS = ("buffered", "framed")
# THeader (THeaderProtocol, binary or compact inside; "header-zlib" compresses each request).
HEADER_TRANSPORTS = ("header", "header-zlib")


class ApacheClient:
    """An Apache ThriftTest client on its own connection; ``close()`` closes it."""

    def __init__(
        self, code: ApacheCode, port: int, transport: str, protocol: str, service_name: str | None
    ) -> None:
        TBinaryProtocol = apache_module("thrift.protocol.TBinaryProtocol")
        TCompactProtocol = apache_module("thrift.protocol.TCompactProtocol")
        TMultiplexedProtocol = apache_module("thrift.protocol.TMultiplexedProtocol")
        TSocket = apache_module("thrift.transport.TSocket")
        TTransport = apache_module("thrift.transport.TTransport")

        sock = TSocket.TSocket("127.0.0.1", port)
        sock.setTimeout(10_000)
        trans: Any
        proto: Any
        self.client: Any
        if transport in HEADER_TRANSPORTS:
            # THeaderProtocol frames by itself, right over the socket.
            proto = _header_protocol(sock, protocol, zlib=transport == "header-zlib")
            if service_name is not None:
                proto = TMultiplexedProtocol.TMultiplexedProtocol(proto, service_name)
            self.transport = sock
            self.protocol = proto
            self.client = code.service.Client(proto)
            sock.open()
            return
        if transport == "buffered":
            trans = TTransport.TBufferedTransport(sock)
        elif transport == "framed":
            trans = TTransport.TFramedTransport(sock)
        else:
            raise ValueError(transport)
        if protocol == "binary":
            proto = TBinaryProtocol.TBinaryProtocol(trans)
        elif protocol == "binary-lax":  # old-style messages, no version word
            proto = TBinaryProtocol.TBinaryProtocol(trans, strictRead=False, strictWrite=False)
        elif protocol == "binary-accel":
            proto = TBinaryProtocol.TBinaryProtocolAccelerated(trans, fallback=False)
        elif protocol == "compact":
            proto = TCompactProtocol.TCompactProtocol(trans)
        elif protocol == "compact-accel":
            proto = TCompactProtocol.TCompactProtocolAccelerated(trans, fallback=False)
        else:
            raise ValueError(protocol)
        if service_name is not None:
            proto = TMultiplexedProtocol.TMultiplexedProtocol(proto, service_name)
        self.transport = trans
        self.protocol = proto
        self.client = code.service.Client(proto)
        trans.open()

    def close(self) -> None:
        self.transport.close()


def _header_protocol(sock: Any, protocol: str, *, zlib: bool) -> Any:
    """Apache's THeaderProtocol over ``sock``, ``protocol`` (binary or compact, "-accel" or not:
    THeader always uses the accelerated codecs) inside."""
    THeaderProtocol = apache_module("thrift.protocol.THeaderProtocol")
    THeaderTransport = apache_module("thrift.transport.THeaderTransport")
    ids = THeaderTransport.THeaderSubprotocolID
    inner = ids.COMPACT if protocol.startswith("compact") else ids.BINARY
    allowed = (THeaderTransport.THeaderClientType.HEADERS,)
    proto = THeaderProtocol.THeaderProtocol(sock, allowed, default_protocol=inner)
    if zlib:
        proto.add_transform(THeaderTransport.THeaderTransformID.ZLIB)
    return proto


def apache_client(
    code: ApacheCode, port: int, transport: str, protocol: str, service_name: str | None = None
) -> ApacheClient:
    return ApacheClient(code, port, transport, protocol, service_name)


# -- peer servers in child processes --------------------------------------------------------


@dataclass(frozen=True, order=True)
class ServerKey:
    """Which peer server: ``kind`` is apache-simple, apache-threadpool, apache-nonblocking,
    thriftpy2 or thriftpy2-asyncio (not multiplexed); ``protocol`` binary or compact;
    ``multiplexed`` registers the service as "ThriftTest" behind the library's multiplexing
    processor."""

    kind: str
    transport: str
    protocol: str
    multiplexed: bool = False

    def __str__(self) -> str:
        mux = "-mux" if self.multiplexed else ""
        return f"{self.kind}-{self.transport}-{self.protocol}{mux}"


class PeerServer:
    """A peer server in a child process (``peer_server.py``), listening on 127.0.0.1.

    The child prints its port once it listens, and exits when its stdin closes, so it cannot
    outlive the test session; ``stop()`` closes stdin, then kills it if it lingers.
    """

    START_TIMEOUT = 20.0

    def __init__(self, key: ServerKey, gen_dir: Path, log: Path) -> None:
        self.key = key
        self.log = log
        self._log_file = log.open("wb")
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.rpc_interop.peer_server",
                key.kind,
                key.transport,
                key.protocol,
                "mux" if key.multiplexed else "plain",
                str(gen_dir),
            ],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            env=env,
        )
        self.port = self._read_port()

    def _read_port(self) -> int:
        stdout: IO[bytes] | None = self.process.stdout
        assert stdout is not None
        ready, _, _ = select.select([stdout], [], [], self.START_TIMEOUT)
        line = stdout.readline() if ready else b""
        if not line.startswith(b"PORT "):
            self.stop()
            raise AssertionError(f"peer server {self.key} did not start:\n{self.log_tail()}")
        return int(line.split()[1])

    def log_tail(self, lines: int = 40) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=3)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log_file.close()


class PeerServers:
    """Peer servers started on first use and shared by the session; ``stop_all()`` at its end."""

    def __init__(self, gen_dir: Path, log_dir: Path) -> None:
        self.gen_dir = gen_dir
        self.log_dir = log_dir
        self.servers: dict[ServerKey, PeerServer] = {}

    def get(self, key: ServerKey) -> PeerServer:
        server = self.servers.get(key)
        if server is None or server.process.poll() is not None:
            server = PeerServer(key, self.gen_dir, self.log_dir / f"{key}.log")
            self.servers[key] = server
        return server

    def stop_all(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()
