"""THeader from Python: ``thrifthive.Client(..., transport="header")`` with per-call info headers
and zlib, ``thrifthive.current_request()`` in sync and ``async def`` handlers, Apache's
THeaderProtocol servers (TSimpleServer, TThreadPoolServer) and clients as peers, and one port
serving framed, buffered and THeader clients at once."""

from __future__ import annotations

import asyncio
import importlib
import socket
import struct
import threading
import zlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import thrifthive
from thrifthive.context import DEADLINE_HEADER
from thrifthive.exceptions import TApplicationException

from .test_client_servers import (
    ITEMS_IDL,
    Handler,
    HeaderHandler,
    generate_apache,
    serve_apache,
)


@pytest.fixture(scope="module")
def items() -> ModuleType:
    return thrifthive.load_source(ITEMS_IDL, "header_items")


@pytest.fixture(scope="module")
def apache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_apache(tmp_path_factory.mktemp("apache-header"))


def headers_seen() -> str:
    """The current request's info headers but the deadline as ``"k1=v1,k2=v2"`` (sorted), as
    HeaderHandler reports them."""
    headers = thrifthive.current_request().headers
    return ",".join(f"{k}={v}" for k, v in sorted(headers.items()) if k != DEADLINE_HEADER)


class HiveHandler(Handler):
    """The Items handler on thrifthive's server: ``get`` (sync) and ``echo`` (async) report the
    call's info headers in the item's name; ``nothing`` blocks until told, so a test can hold a
    worker thread busy."""

    def get(self, id: int) -> Any:
        item = super().get(id)
        item.name = headers_seen()
        return item

    async def echo(self, item: Any) -> Any:
        await asyncio.sleep(0)
        # A task the handler starts inherits the request's context.
        item.name = await asyncio.create_task(_async_headers())
        return item


async def _async_headers() -> str:
    return headers_seen()


@pytest.fixture(scope="module")
def hive(items: ModuleType) -> Iterator[thrifthive.Server]:
    server = thrifthive.Server(items.Items, HiveHandler(items), port=0, handler_threads=2)
    server.start()
    yield server
    server.stop(grace=1.0)


def hive_client(items: ModuleType, server: thrifthive.Server, **options: Any) -> thrifthive.Client:
    return thrifthive.Client(items.Items, f"127.0.0.1:{server.port}", timeout=10, **options)


@pytest.mark.parametrize("compression", [None, "zlib"])
@pytest.mark.parametrize("protocol", ["binary", "compact"])
def test_handlers_read_the_headers_each_call_sent(
    items: ModuleType, hive: thrifthive.Server, protocol: str, compression: str | None
) -> None:
    with hive_client(
        items, hive, transport="header", protocol=protocol, compression=compression,
        headers={"caller": "test"},
    ) as c:  # fmt: skip
        assert c.get(1).name == "caller=test"
        traced = c.with_headers({"trace-id": "t-1", "caller": "override"})
        assert traced.get(2).name == "caller=override,trace-id=t-1"
        assert traced.echo(items.Item(id=3)).name == "caller=override,trace-id=t-1"
        # The view leaves the client's own headers alone.
        assert c.get(4).name == "caller=test"
        assert c.echo(items.Item(id=5)).name == "caller=test"
        big = items.Item(id=6, data=b"x" * 100_000)
        assert c.echo(big).data == big.data


def test_no_headers_leak_between_calls(items: ModuleType, hive: thrifthive.Server) -> None:
    """A worker thread that answered a call with headers answers the next without them."""
    with hive_client(items, hive, transport="header") as header, hive_client(items, hive) as plain:
        for i in range(20):
            assert header.with_headers({"n": str(i)}).get(i).name == f"n={i}"
            assert header.get(i).name == ""
            assert plain.get(i).name == ""
            assert plain.echo(items.Item(id=i)).name == ""


def test_current_request_outside_a_handler_is_empty() -> None:
    request = thrifthive.current_request()
    assert dict(request.headers) == {}
    with pytest.raises(TypeError):
        request.headers["x"] = "y"  # type: ignore[index]


def test_header_options_are_checked(items: ModuleType, hive: thrifthive.Server) -> None:
    with pytest.raises(ValueError, match='headers need transport="header" or an http:// address'):
        hive_client(items, hive, headers={"a": "b"})
    with pytest.raises(ValueError, match='headers need transport="header" or an http:// address'):
        hive_client(items, hive, transport="framed").with_headers({"a": "b"})
    with pytest.raises(TypeError, match="headers must map str to str"):
        hive_client(items, hive, transport="header").with_headers({"a": 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match='compression="zlib" needs transport="header"'):
        hive_client(items, hive, compression="zlib")
    with pytest.raises(ValueError, match='unknown compression "lz4"'):
        hive_client(items, hive, transport="header", compression="lz4")


def test_one_port_serves_framed_buffered_and_header_clients_at_once(
    items: ModuleType, hive: thrifthive.Server, apache: Any
) -> None:
    clients = [
        hive_client(items, hive, transport="framed"),
        hive_client(items, hive, transport="buffered", protocol="compact"),
        hive_client(items, hive, transport="header", headers={"h": "1"}),
        hive_client(items, hive, transport="header", protocol="compact", compression="zlib"),
    ]
    apache_header = _apache_client(apache, hive.port, compact=True, zlib=True)
    errors: list[BaseException] = []

    def work(c: Any, index: int) -> None:
        try:
            for i in range(50):
                assert c.get(index * 1000 + i).id == index * 1000 + i
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(c, n)) for n, c in enumerate(clients)]
    threads.append(threading.Thread(target=work, args=(apache_header.client, 9)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    apache_header.sock.close()
    for c in clients:
        c.close()


class _ApacheHeaderClient:
    def __init__(self, apache: Any, port: int, *, compact: bool, zlib: bool) -> None:
        tsocket: Any = importlib.import_module("thrift.transport.TSocket")
        theader: Any = importlib.import_module("thrift.protocol.THeaderProtocol")
        ttrans: Any = importlib.import_module("thrift.transport.THeaderTransport")
        items_mod: Any = importlib.import_module(f"{apache.__name__}.Items")
        self.sock = tsocket.TSocket("127.0.0.1", port)
        self.sock.setTimeout(10_000)
        ids = ttrans.THeaderSubprotocolID
        self.protocol = theader.THeaderProtocol(
            self.sock,
            (ttrans.THeaderClientType.HEADERS,),
            default_protocol=ids.COMPACT if compact else ids.BINARY,
        )
        if zlib:
            self.protocol.add_transform(ttrans.THeaderTransformID.ZLIB)
        self.client = items_mod.Client(self.protocol)
        self.sock.open()


def _apache_client(
    apache: Any, port: int | None, *, compact: bool, zlib: bool
) -> _ApacheHeaderClient:
    assert port is not None
    return _ApacheHeaderClient(apache, port, compact=compact, zlib=zlib)


@pytest.mark.parametrize(("compact", "zlib"), [(False, False), (True, True)])
def test_apache_header_client_sends_info_headers(
    apache: Any, hive: thrifthive.Server, compact: bool, zlib: bool
) -> None:
    peer = _apache_client(apache, hive.port, compact=compact, zlib=zlib)
    try:
        peer.protocol.set_header(b"trace-id", b"abc")
        peer.protocol.set_header(b"user", b"\xc3\xa9lise")
        assert peer.client.get(1).name == "trace-id=abc,user=élise"
        peer.protocol.set_header(b"async", b"yes")
        ttypes: Any = importlib.import_module(f"{apache.__name__}.ttypes")
        assert peer.client.echo(ttypes.Item(id=2)).name == "async=yes"
        # Apache's transport sends headers with one request only.
        assert peer.client.get(3).name == ""
    finally:
        peer.sock.close()


@pytest.mark.parametrize("kind", ["simple", "threadpool"])
@pytest.mark.parametrize(
    ("protocol", "compression"), [("binary", None), ("compact", None), ("binary", "zlib")]
)
def test_client_against_apache_header_servers(
    items: ModuleType, apache: Any, kind: str, protocol: str, compression: str | None
) -> None:
    ttypes: Any = importlib.import_module(f"{apache.__name__}.ttypes")
    port = serve_apache(apache, HeaderHandler(ttypes), kind, header=True)
    with thrifthive.Client(
        items.Items, f"127.0.0.1:{port}", transport="header", protocol=protocol,
        compression=compression, timeout=10,
    ) as c:  # fmt: skip
        assert c.get(1).name == ""
        assert c.with_headers({"trace-id": "abc", "b": "2"}).get(2).name == "b=2,trace-id=abc"
        with pytest.raises(items.NotFound):
            c.get(-1)
        sent = items.Item(id=1, name="x", data=b"\x01" * 50_000, labels={1: "one"})
        assert c.echo(sent) == sent
        assert c.touch(1) is None
        with pytest.raises(TApplicationException) as missing:
            c.nothing()
        assert missing.value.type == TApplicationException.MISSING_RESULT


def _frame(fixed: bytes, header: bytes, payload: bytes) -> bytes:
    body = fixed + header + payload
    return struct.pack("!I", len(body)) + body


def test_a_bad_header_frame_gets_an_error_and_the_server_serves_on(
    items: ModuleType, hive: thrifthive.Server
) -> None:
    bad = _frame(b"\x0f\xff\x00\x00\x00\x00\x00\x05\x00\x01", b"\x00\x01\x01\x00", b"not zlib")
    with socket.create_connection(("127.0.0.1", hive.port), timeout=5) as sock:
        sock.sendall(bad)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply[4:6] == b"\x0f\xff", "a THeader reply"
    (words,) = struct.unpack("!H", reply[12:14])
    assert reply[14:18] == b"\x00\x01\x01\x00", "binary, zlib: as the request said"
    message = zlib.decompress(reply[14 + 4 * words :])
    assert b"bad zlib data" in message
    with hive_client(items, hive, transport="header") as c:
        assert c.get(1).id == 1
