"""Thrift over HTTP from Python: ``Server(transport="http", http_path=...)`` and
``Client("http://host:port/path", headers=...)``, against each other and against Apache's
THttpClient and THttpServer and thriftpy2's HTTP client; what is not a Thrift call gets a clear
status, and the server serves on."""

from __future__ import annotations

import importlib
import socket
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import thrifthive
from thrifthive.exceptions import TApplicationException, TTransportException

from .test_client_servers import (
    ITEMS_IDL,
    Handler,
    free_port,
    generate_apache,
    thriftpy2_module,
    wait_listening,
)


@pytest.fixture(scope="module")
def items() -> ModuleType:
    return thrifthive.load_source(ITEMS_IDL, "http_items")


@pytest.fixture(scope="module")
def apache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_apache(tmp_path_factory.mktemp("apache-http"))


class HttpHandler(Handler):
    """``get`` names its item after the call's ``x-*`` HTTP headers (sorted ``k=v``)."""

    def get(self, id: int) -> Any:
        item = super().get(id)
        headers = thrifthive.current_request().headers
        item.name = ",".join(f"{k}={v}" for k, v in sorted(headers.items()) if k.startswith("x-"))
        return item


@pytest.fixture(scope="module")
def handler(items: ModuleType) -> HttpHandler:
    return HttpHandler(items)


@pytest.fixture(scope="module")
def server(items: ModuleType, handler: HttpHandler) -> Iterator[thrifthive.Server]:
    server = thrifthive.Server(
        items.Items, handler, port=0, transport="http", http_path="/api/items"
    )
    server.start()
    yield server
    server.stop(grace=1.0)


def url(server: thrifthive.Server, path: str = "/api/items") -> str:
    return f"http://127.0.0.1:{server.port}{path}"


@pytest.mark.parametrize("protocol", ["binary", "compact"])
def test_client_and_server(
    items: ModuleType, server: thrifthive.Server, handler: HttpHandler, protocol: str
) -> None:
    with thrifthive.Client(
        items.Items, url(server), protocol=protocol, timeout=10, headers={"X-Caller": "test"}
    ) as c:
        assert c.transport == "http"
        assert c.get(1).name == "x-caller=test"
        assert c.with_headers({"X-Trace": "t1"}).get(2).name == "x-caller=test,x-trace=t1"
        with pytest.raises(items.NotFound):
            c.get(-1)
        sent = items.Item(id=1, name="x", data=b"\x00" * 100_000, labels={1: "one"})
        assert c.echo(sent) == sent
        before = len(handler.events)
        assert c.notify("over http") is None
        deadline = time.monotonic() + 5
        while len(handler.events) == before and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "over http" in handler.events
        with pytest.raises(TApplicationException) as failed:
            c.slow(-1.0)
        assert failed.value.type == TApplicationException.INTERNAL_ERROR
        assert c.get(3).id == 3


def test_apache_http_client(apache: Any, server: thrifthive.Server) -> None:
    thttp: Any = importlib.import_module("thrift.transport.THttpClient")
    tcompact: Any = importlib.import_module("thrift.protocol.TCompactProtocol")
    items_mod: Any = importlib.import_module(f"{apache.__name__}.Items")
    ttypes: Any = importlib.import_module(f"{apache.__name__}.ttypes")
    transport = thttp.THttpClient(url(server))
    transport.setCustomHeaders({"X-Peer": "apache"})
    client = items_mod.Client(tcompact.TCompactProtocolAccelerated(transport))
    transport.open()
    try:
        assert client.get(4).name == "x-peer=apache"
        with pytest.raises(ttypes.NotFound):
            client.get(-4)
        item = ttypes.Item(id=5, name="n", data=b"\x01\x02", tags={"t"}, labels={2: "two"})
        assert client.echo(item) == item
        client.notify("apache oneway")
        assert client.touch(1) is None
    finally:
        transport.close()


def test_thriftpy2_http_client(tmp_path_factory: pytest.TempPathFactory, server: Any) -> None:
    tp2 = thriftpy2_module(tmp_path_factory.mktemp("tp2-http"))
    http: Any = importlib.import_module("thriftpy2.http")
    client = http.make_client(
        tp2.Items,
        url=url(server),
        http_header_factory=http.THttpHeaderFactory({"X-Peer": "thriftpy2"}),
    )
    assert client.get(6).name == "x-peer=thriftpy2"
    with pytest.raises(tp2.NotFound):
        client.get(-6)
    assert client.echo(tp2.Item(id=7, name="seven")).name == "seven"


def serve_apache_http(apache: Any, handler: Any) -> int:
    """Apache's THttpServer (binary) on a free port, in a daemon thread."""
    thttp: Any = importlib.import_module("thrift.server.THttpServer")
    tbinary: Any = importlib.import_module("thrift.protocol.TBinaryProtocol")
    items_mod: Any = importlib.import_module(f"{apache.__name__}.Items")
    port = free_port()
    server = thttp.THttpServer(
        items_mod.Processor(handler),
        ("127.0.0.1", port),
        tbinary.TBinaryProtocolAcceleratedFactory(),
    )
    threading.Thread(target=server.serve, daemon=True).start()
    wait_listening(port)
    return port


def test_client_against_apache_http_server(items: ModuleType, apache: Any) -> None:
    ttypes: Any = importlib.import_module(f"{apache.__name__}.ttypes")
    apache_handler = Handler(ttypes)
    port = serve_apache_http(apache, apache_handler)
    with thrifthive.Client(items.Items, f"http://127.0.0.1:{port}/", timeout=10) as c:
        for i in range(3):  # Apache's server speaks HTTP/1.0: a connection per call
            assert c.get(i).id == i
        with pytest.raises(items.NotFound):
            c.get(-1)
        sent = items.Item(id=1, name="x", data=b"\xff" * 10_000, tags={"a", "b"})
        assert c.echo(sent) == sent
        assert c.notify("to apache") is None
        deadline = time.monotonic() + 5
        while not apache_handler.events and time.monotonic() < deadline:
            time.sleep(0.01)
        assert apache_handler.events == ["to apache"]


def test_wrong_path_and_method_get_clear_statuses(
    items: ModuleType, server: thrifthive.Server
) -> None:
    with (
        thrifthive.Client(items.Items, url(server, "/nope"), timeout=10) as c,
        pytest.raises(TTransportException) as raised,
    ):
        c.get(1)
    assert str(raised.value) == (
        "the HTTP server answered the call to get with 404 Not Found: no Thrift service at "
        "/nope; it is at /api/items"
    )
    assert server.port is not None
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /api/items HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = sock.makefile("rb").read()
    assert reply.startswith(b"HTTP/1.1 405 Method Not Allowed\r\n")
    assert b"Allow: POST\r\n" in reply
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"POST /api/items HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
        reply = sock.makefile("rb").read()
    assert reply.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"not a Thrift message" in reply
    with thrifthive.Client(items.Items, url(server), timeout=10) as c:
        assert c.get(2).id == 2


def test_bad_http_options(items: ModuleType) -> None:
    with pytest.raises(ValueError, match="HTTP goes with an http:// or https:// address"):
        thrifthive.Client(items.Items, "127.0.0.1:1", transport="http")
    with pytest.raises(ValueError, match="HTTP goes with an http:// or https:// address"):
        thrifthive.Client(items.Items, "http://127.0.0.1:1/x", transport="framed")
    with pytest.raises(ValueError, match="cannot use the URL"):
        thrifthive.Client(items.Items, "http:///x")
    with pytest.raises(ValueError, match='http_path must start with "/"'):
        thrifthive.Server(items.Items, object(), port=0, transport="http", http_path="x").start()
    c = thrifthive.Client(items.Items, "http://127.0.0.1:1/x")
    with pytest.raises(ValueError, match="cannot be an HTTP header"):
        c.with_headers({"Bad Name": "v"})
    with pytest.raises(ValueError, match="cannot be an HTTP header"):
        c.with_headers({"X-Injected": "v\r\nHost: evil"})
