"""Servers for the client and CLI tests (no tests here): thriftpy2's and Apache's Python servers
in background threads, and raw socket servers that misbehave on purpose.

The test IDL (``ITEMS_IDL``) has a method of each kind the client must handle: a value, a
declared exception, void, oneway, a slow one, and one whose handler returns nothing for a
non-void result. Apache's code for it is generated with ``thrift --gen py`` at test time, as the
interop tests do; Apache's modules are untyped, hence ``Any``.
"""

from __future__ import annotations

import importlib
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ITEMS_IDL = """
exception NotFound { 1: string message }
enum Color { RED = 1, GREEN = 2 }
struct Item {
  1: i64 id,
  2: string name,
  3: binary data,
  4: set<string> tags,
  5: Color color,
  6: map<i32, string> labels,
}
service Items {
  Item get(1: i64 id) throws (1: NotFound nf),
  void touch(1: i64 id),
  oneway void notify(1: string event),
  i32 slow(1: double seconds),
  Item echo(1: Item item),
  i32 nothing(),
  i32 notified(),
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_listening(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.02)
    raise AssertionError(f"nothing listens on port {port}")


class Handler:
    """The Items handler, building the replies with the peer's own classes (``types``)."""

    def __init__(self, types: Any) -> None:
        self.types = types
        self.events: list[str] = []

    def get(self, id: int) -> Any:
        if id < 0:
            raise self.types.NotFound(message=f"no item {id}")
        return self.types.Item(id=id, name=f"item{id}", data=b"\x00\xff", tags={"a"}, color=2)

    def touch(self, id: int) -> None:
        return None

    def notify(self, event: str) -> None:
        self.events.append(event)

    def slow(self, seconds: float) -> int:
        time.sleep(seconds)
        return 1

    def echo(self, item: Any) -> Any:
        return item

    def nothing(self) -> None:
        return None

    def notified(self) -> int:
        return len(self.events)


def thriftpy2_module(tmp: Path) -> Any:
    thriftpy2: Any = importlib.import_module("thriftpy2")
    path = tmp / "items.thrift"
    path.write_text(ITEMS_IDL)
    return thriftpy2.load(str(path), module_name="items_thrift")


def serve_thriftpy2(module: Any, handler: Any, *, framed: bool = False) -> int:
    """Starts thriftpy2's threaded server on a free port, in a daemon thread; returns the port."""
    rpc: Any = importlib.import_module("thriftpy2.rpc")
    transports: Any = importlib.import_module("thriftpy2.transport")
    port = free_port()
    factory = (
        transports.TFramedTransportFactory() if framed else transports.TBufferedTransportFactory()
    )
    server = rpc.make_server(
        module.Items, handler, host="127.0.0.1", port=port, trans_factory=factory,
        client_timeout=60_000,
    )  # fmt: skip
    threading.Thread(target=server.serve, daemon=True).start()
    wait_listening(port)
    return port


def generate_apache(tmp: Path, idl: str = ITEMS_IDL) -> Any:
    """``thrift --gen py`` of the IDL into ``tmp``; returns the generated package."""
    compiler = shutil.which("thrift")
    if compiler is None:
        pytest.skip("the Apache Thrift compiler `thrift` is not on PATH (make setup)")
    path = tmp / "apache_items.thrift"
    path.write_text("namespace py apache_items\n" + idl)
    subprocess.run([compiler, "--gen", "py", "-out", str(tmp), str(path)], check=True)
    sys.path.insert(0, str(tmp))
    try:
        return importlib.import_module("apache_items")
    finally:
        sys.path.remove(str(tmp))


class HeaderHandler(Handler):
    """The Items handler on an Apache THeader server: ``get`` names its item after the call's
    info headers but the deadline (``"k1=v1,k2=v2"``, sorted), so a client can see what the
    server received."""

    def __init__(self, types: Any) -> None:
        super().__init__(types)
        self.local = threading.local()

    def get(self, id: int) -> Any:
        item = super().get(id)
        protocol = getattr(self.local, "protocol", None)
        headers: dict[bytes, bytes] = protocol.get_headers() if protocol is not None else {}
        item.name = ",".join(
            f"{k.decode()}={v.decode()}"
            for k, v in sorted(headers.items())
            if k != b"thrifthive-deadline-ms"  # a thrifthive client's timeout
        )
        return item


class _ShowHeaders:
    """Apache's processor, telling a :class:`HeaderHandler` which protocol (connection) the
    call being processed came on: Apache's handlers have no other way to its info headers."""

    def __init__(self, processor: Any, handler: HeaderHandler) -> None:
        self.processor = processor
        self.handler = handler

    def process(self, iprot: Any, oprot: Any) -> Any:
        self.handler.local.protocol = iprot
        return self.processor.process(iprot, oprot)


def serve_apache(
    package: Any,
    handler: Any,
    kind: str,
    *,
    multiplexed: str | None = None,
    header: bool = False,
) -> int:
    """Starts one of Apache's Python servers (``simple``, ``threaded``, ``threadpool`` or
    ``nonblocking``, the last framed) on a free port, in a daemon thread; returns the port.
    With ``header``, the server speaks THeader (``THeaderProtocolFactory``), and a
    :class:`HeaderHandler` sees each call's info headers."""
    items = importlib.import_module(f"{package.__name__}.Items")
    server_mod: Any = importlib.import_module("thrift.server.TServer")
    tsocket: Any = importlib.import_module("thrift.transport.TSocket")
    ttransport: Any = importlib.import_module("thrift.transport.TTransport")
    tbinary: Any = importlib.import_module("thrift.protocol.TBinaryProtocol")
    processor: Any = items.Processor(handler)
    if multiplexed is not None:
        mux: Any = importlib.import_module("thrift.TMultiplexedProcessor")
        processor, inner = mux.TMultiplexedProcessor(), processor
        processor.registerProcessor(multiplexed, inner)
    port = free_port()
    listener = tsocket.TServerSocket(host="127.0.0.1", port=port)
    protocol = tbinary.TBinaryProtocolAcceleratedFactory()
    transport = ttransport.TBufferedTransportFactory()
    if header:
        theader: Any = importlib.import_module("thrift.protocol.THeaderProtocol")
        protocol = theader.THeaderProtocolFactory()
        transport = ttransport.TTransportFactoryBase()  # THeader does its own framing
        if isinstance(handler, HeaderHandler):
            processor = _ShowHeaders(processor, handler)
    if kind == "nonblocking":
        nonblocking: Any = importlib.import_module("thrift.server.TNonblockingServer")
        server = nonblocking.TNonblockingServer(processor, listener, protocol)
    else:
        cls = {
            "simple": server_mod.TSimpleServer,
            "threaded": server_mod.TThreadedServer,
            "threadpool": server_mod.TThreadPoolServer,
        }[kind]
        server = cls(processor, listener, transport, protocol)
        server.daemon = True
    threading.Thread(target=server.serve, daemon=True).start()
    wait_listening(port)
    return port


@contextmanager
def raw_server(respond: Callable[[socket.socket], None], host: str = "127.0.0.1") -> Iterator[int]:
    """A TCP server that hands each connection to ``respond`` (which closes nothing); yields
    the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, 0), family=family)
    port: int = listener.getsockname()[1]

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                respond(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        listener.close()
