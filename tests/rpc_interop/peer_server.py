"""A peer ThriftTest server for the RPC interop tests, run in a child process by ``peers.py``:

    python -m tests.rpc_interop.peer_server KIND TRANSPORT PROTOCOL (mux|plain) GEN_DIR

KIND is apache-simple, apache-threadpool, apache-nonblocking (framed only), thriftpy2 (its
threaded server) or thriftpy2-asyncio (its asyncio server, ``async def`` handlers, no
multiplexing); TRANSPORT is buffered or framed, or for Apache's simple and threadpool servers
header (THeaderProtocol, answering each call in the protocol it came in). The handler is
:class:`ThriftTestHandler` over that library's classes. It listens on 127.0.0.1 at a free
port, prints ``PORT <n>``, serves, and exits when its stdin reaches end of file.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from .peers import apache_module
from .thrift_test_handler import ThriftTestHandler


def _exit_when_stdin_closes() -> None:
    sys.stdin.buffer.read()
    os._exit(0)


def _announce(port: int) -> None:
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()


def _apache(kind: str, transport: str, protocol: str, mux: bool, gen_dir: str) -> None:
    sys.path.insert(0, gen_dir)
    TBinaryProtocol = apache_module("thrift.protocol.TBinaryProtocol")
    TCompactProtocol = apache_module("thrift.protocol.TCompactProtocol")
    TNonblockingServer = apache_module("thrift.server.TNonblockingServer")
    TServer = apache_module("thrift.server.TServer")
    TSocket = apache_module("thrift.transport.TSocket")
    TTransport = apache_module("thrift.transport.TTransport")
    thrift = apache_module("thrift.Thrift")
    multiplexing = apache_module("thrift.TMultiplexedProcessor")

    ttypes = apache_module("ThriftTest.ttypes")
    service = apache_module("ThriftTest.ThriftTest")
    processor: Any = service.Processor(ThriftTestHandler(ttypes, thrift.TException))
    if mux:
        multiplexed = multiplexing.TMultiplexedProcessor()
        multiplexed.registerProcessor("ThriftTest", processor)
        processor = multiplexed
    pfactory: Any = {
        "binary": TBinaryProtocol.TBinaryProtocolAcceleratedFactory(fallback=False),
        "compact": TCompactProtocol.TCompactProtocolAcceleratedFactory(fallback=False),
    }[protocol]
    tfactory: Any
    if transport == "header":
        # THeaderProtocol frames by itself, and answers each call in the protocol it came in.
        pfactory = apache_module("thrift.protocol.THeaderProtocol").THeaderProtocolFactory()
        tfactory = TTransport.TTransportFactoryBase()
    else:
        tfactory = {
            "buffered": TTransport.TBufferedTransportFactory(),
            "framed": TTransport.TFramedTransportFactory(),
        }[transport]
    server_socket = TSocket.TServerSocket("127.0.0.1", 0)
    server_socket.listen()
    port = server_socket.handle.getsockname()[1]
    server_socket.listen = lambda: None  # serve() listens again otherwise, on a new socket
    server: Any
    if kind == "apache-simple":
        server = TServer.TSimpleServer(processor, server_socket, tfactory, pfactory)
    elif kind == "apache-threadpool":
        server = TServer.TThreadPoolServer(
            processor, server_socket, tfactory, pfactory, daemon=True
        )
        server.setNumThreads(4)
    elif kind == "apache-nonblocking":
        if transport != "framed":
            raise SystemExit("TNonblockingServer speaks framed transport only")
        server = TNonblockingServer.TNonblockingServer(
            processor, server_socket, inputProtocolFactory=pfactory, threads=4
        )
        server.prepare()
    else:
        raise SystemExit(f"unknown server kind {kind!r}")
    _announce(port)
    server.serve()


def _thriftpy2_module() -> Any:
    """ThriftTest loaded by thriftpy2 (from a copy it can read)."""
    import thriftpy2

    from ..interop.peers import _THRIFTPY2_EDITS
    from .thrift_test_handler import THRIFT_TEST_IDL

    text = THRIFT_TEST_IDL.read_text()
    for pattern, replacement in _THRIFTPY2_EDITS:
        text = pattern.sub(replacement, text)
    copy = Path(tempfile.mkdtemp(prefix="rpc-interop-thriftpy2-")) / THRIFT_TEST_IDL.name
    copy.write_text(text)
    return thriftpy2.load(str(copy), module_name="ThriftTest_thrift")


def _free_port() -> int:
    # thriftpy2's make_server wants a port: take a free one (the window before it listens is
    # tiny).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _thriftpy2(transport: str, protocol: str, mux: bool) -> None:
    from ..interop.peers import thriftpy2_factory

    make_server = apache_module("thriftpy2.rpc").make_server
    thrift = apache_module("thriftpy2.thrift")
    transports = apache_module("thriftpy2.transport")
    module = _thriftpy2_module()
    free_port = _free_port()
    server: Any = make_server(
        module.ThriftTest,
        ThriftTestHandler(module, thrift.TException),
        host="127.0.0.1",
        port=free_port,
        proto_factory=thriftpy2_factory(protocol),  # cybin for binary, never pure Python
        trans_factory={
            "buffered": transports.TBufferedTransportFactory,
            "framed": transports.TFramedTransportFactory,
        }[transport](),
    )
    if mux:
        multiplexed = thrift.TMultiplexedProcessor()
        multiplexed.register_processor("ThriftTest", server.processor)
        server.processor = multiplexed
    server.daemon = True
    server.trans.listen()
    server.trans.listen = lambda: None
    _announce(free_port)
    server.serve()


def _thriftpy2_asyncio(transport: str, protocol: str) -> None:
    """thriftpy2's asyncio server (``thriftpy2.contrib.aio``), with ``async def`` handlers."""
    import asyncio

    from .thrift_test_handler import AsyncThriftTestHandler

    aio = apache_module("thriftpy2.contrib.aio.rpc")
    protocols = apache_module(f"thriftpy2.contrib.aio.protocol.{protocol}")
    transports = apache_module(f"thriftpy2.contrib.aio.transport.{transport}")
    thrift = apache_module("thriftpy2.thrift")
    module = _thriftpy2_module()
    free_port = _free_port()
    loop = asyncio.new_event_loop()
    proto_factory = {
        "binary": "TAsyncBinaryProtocolFactory",
        "compact": "TAsyncCompactProtocolFactory",
    }[protocol]
    trans_factory = {
        "buffered": "TAsyncBufferedTransportFactory",
        "framed": "TAsyncFramedTransportFactory",
    }[transport]
    server: Any = aio.make_server(
        module.ThriftTest,
        AsyncThriftTestHandler(ThriftTestHandler(module, thrift.TException)),
        host="127.0.0.1",
        port=free_port,
        proto_factory=getattr(protocols, proto_factory)(),
        trans_factory=getattr(transports, trans_factory)(),
        client_timeout=None,
        loop=loop,
    )
    server.init_server()
    _announce(free_port)
    loop.run_forever()


def main(argv: list[str]) -> None:
    kind, transport, protocol, mux, gen_dir = argv
    threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    try:
        if kind.startswith("apache-"):
            _apache(kind, transport, protocol, mux == "mux", gen_dir)
        elif kind == "thriftpy2":
            _thriftpy2(transport, protocol, mux == "mux")
        elif kind == "thriftpy2-asyncio":
            _thriftpy2_asyncio(transport, protocol)
        else:
            raise SystemExit(f"unknown server kind {kind!r}")
    except SystemExit as e:
        # Exits at once: a normal exit would wait on the thread blocked reading stdin.
        sys.stderr.write(f"{e}\n")
        sys.stderr.flush()
        os._exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
