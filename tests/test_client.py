"""thrifthive.Client against Apache's and thriftpy2's Python servers, and against raw sockets
that misbehave: replies, declared exceptions, void, oneway, multiplexing, every error message."""

from __future__ import annotations

import contextlib
import importlib
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
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
    raw_server,
    serve_apache,
    serve_thriftpy2,
    thriftpy2_module,
    wait_listening,
)


@pytest.fixture(scope="module")
def items() -> ModuleType:
    return thrifthive.load_source(ITEMS_IDL, "client_items")


@pytest.fixture(scope="module")
def tp2(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return thriftpy2_module(tmp_path_factory.mktemp("tp2"))


@pytest.fixture(scope="module")
def tp2_handler(tp2: Any) -> Handler:
    return Handler(tp2)


@pytest.fixture(scope="module")
def tp2_port(tp2: Any, tp2_handler: Handler) -> int:
    return serve_thriftpy2(tp2, tp2_handler)


@pytest.fixture(scope="module")
def apache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_apache(tmp_path_factory.mktemp("apache"))


def client(items: ModuleType, port: int, **options: Any) -> thrifthive.Client:
    return thrifthive.Client(items.Items, f"127.0.0.1:{port}", **options)


def check_calls(items: ModuleType, c: thrifthive.Client) -> None:
    item = c.get(7)
    assert item == items.Item(
        id=7, name="item7", data=b"\x00\xff", tags={"a"}, color=items.Color.GREEN
    )
    assert c.get(id=8).id == 8
    with pytest.raises(items.NotFound) as raised:
        c.get(-1)
    assert raised.value.message == "no item -1"
    assert c.touch(1) is None
    sent = items.Item(id=1, name="x", labels={1: "one"})
    assert c.echo(sent) == sent
    with pytest.raises(TApplicationException) as missing:
        c.nothing()
    assert missing.value.type == TApplicationException.MISSING_RESULT


def test_thriftpy2_server(items: ModuleType, tp2_port: int, tp2_handler: Handler) -> None:
    with client(items, tp2_port, timeout=10) as c:
        check_calls(items, c)
        assert c.notify("hello") is None
        deadline = time.monotonic() + 5
        while c.notified() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert "hello" in tp2_handler.events


def test_thriftpy2_framed(items: ModuleType, tp2: Any) -> None:
    port = serve_thriftpy2(tp2, Handler(tp2), framed=True)
    with client(items, port, transport="framed", timeout=10) as c:
        check_calls(items, c)


@pytest.mark.parametrize("kind", ["simple", "threaded", "nonblocking"])
def test_apache_servers(items: ModuleType, apache: Any, kind: str) -> None:
    ttypes = __import__(f"{apache.__name__}.ttypes", fromlist=["ttypes"])
    port = serve_apache(apache, Handler(ttypes), kind)
    transport = "framed" if kind == "nonblocking" else "buffered"
    with client(items, port, transport=transport, timeout=10) as c:
        check_calls(items, c)
        # Apache answers a handler's undeclared exception with INTERNAL_ERROR (thriftpy2 hangs up).
        with pytest.raises(TApplicationException) as failed:
            c.slow(-1.0)  # the handler raises ValueError
        assert failed.value.type == TApplicationException.INTERNAL_ERROR
        assert c.get(9).id == 9  # an exception reply leaves the connection usable


def test_apache_multiplexed(items: ModuleType, apache: Any) -> None:
    ttypes = __import__(f"{apache.__name__}.ttypes", fromlist=["ttypes"])
    port = serve_apache(apache, Handler(ttypes), "threaded", multiplexed="Items")
    with client(items, port, service_name="Items", timeout=10) as c:
        assert c.get(3).id == 3
    # Apache's processor drops the connection of a call to a service it does not have.
    with (
        client(items, port, service_name="Other", timeout=10) as c,
        pytest.raises(TTransportException) as raised,
    ):
        c.get(3)
    assert "before replying to Other:get" in str(raised.value)


def test_unix_socket(items: ModuleType, tp2: Any, tmp_path: Path) -> None:
    rpc: Any = importlib.import_module("thriftpy2.rpc")
    path = tmp_path / "items.sock"
    server = rpc.make_server(tp2.Items, Handler(tp2), unix_socket=str(path))
    threading.Thread(target=server.serve, daemon=True).start()
    deadline = time.monotonic() + 5
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    with thrifthive.Client(items.Items, f"unix:{path}", timeout=10) as c:
        assert c.get(2).id == 2


def test_ipv6(items: ModuleType) -> None:
    reply = bytes.fromhex("80010002000000036765740000000000")  # get, REPLY, seqid 0, no fields

    def answer(conn: socket.socket) -> None:
        conn.recv(1024)
        conn.sendall(reply)

    try:
        listener = socket.create_server(("::1", 0), family=socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    listener.close()
    with raw_server(answer, host="::1") as port, pytest.raises(TApplicationException) as raised:
        thrifthive.Client(items.Items, f"[::1]:{port}", timeout=5).get(1)
    assert raised.value.type == TApplicationException.MISSING_RESULT


def test_unknown_method_on_the_server(tp2_port: int) -> None:
    extended = thrifthive.load_source(
        ITEMS_IDL.replace("i32 notified(),", "i32 notified(), void missing(),"), "client_extended"
    )
    with thrifthive.Client(extended.Items, f"127.0.0.1:{tp2_port}", timeout=5) as c:
        with pytest.raises(TApplicationException) as raised:
            c.missing()
        assert raised.value.type == TApplicationException.UNKNOWN_METHOD
        assert c.get(1).id == 1


def test_unknown_method_is_an_attribute_error(items: ModuleType) -> None:
    c = client(items, 1)
    with pytest.raises(AttributeError, match="no method 'nope'"):
        c.nope  # noqa: B018


def test_refused(items: ModuleType) -> None:
    port = free_port()
    with pytest.raises(TTransportException) as raised:
        client(items, port).get(1)
    assert raised.value.type == TTransportException.NOT_OPEN
    assert f"connection refused by 127.0.0.1:{port}" in str(raised.value)


def test_timeout(items: ModuleType, tp2_port: int) -> None:
    c = client(items, tp2_port, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(TTransportException) as raised:
        c.slow(2.0)
    assert time.monotonic() - started < 1.5
    assert raised.value.type == TTransportException.TIMED_OUT
    assert "timed out after 200 ms waiting for the reply to slow" in str(raised.value)
    assert c.get(1).id == 1  # a new connection: the late reply cannot answer this call


def test_closed_by_peer(items: ModuleType) -> None:
    def close(conn: socket.socket) -> None:
        conn.recv(1024)

    with raw_server(close) as port, pytest.raises(TTransportException) as raised:
        client(items, port, timeout=5).get(1)
    assert raised.value.type == TTransportException.END_OF_FILE
    assert "closed the connection before replying to get" in str(raised.value)


def test_http_reply(items: ModuleType) -> None:
    def http(conn: socket.socket) -> None:
        conn.recv(1024)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    with raw_server(http) as port, pytest.raises(TTransportException) as raised:
        client(items, port, timeout=5).get(1)
    message = str(raised.value)
    assert "got an HTTP response" in message
    assert "This is not a Thrift reply" in message


def test_bad_options(items: ModuleType) -> None:
    with pytest.raises(ValueError, match="unknown transport"):
        thrifthive.Client(items.Items, "127.0.0.1:1", transport="zlib")
    with pytest.raises(ValueError, match="invalid address"):
        thrifthive.Client(items.Items, "nowhere")
    with pytest.raises(ValueError, match="timeout must be a positive"):
        thrifthive.Client(items.Items, "127.0.0.1:1", timeout=-1)


SERVE = """
import sys, thriftpy2
from thriftpy2.rpc import make_server
from tests.test_client_servers import Handler
module = thriftpy2.load(sys.argv[1], module_name="items_thrift")
make_server(module.Items, Handler(module), host="127.0.0.1", port=int(sys.argv[2])).serve()
"""


def test_reconnects_after_server_restart(items: ModuleType, tmp_path: Path) -> None:
    idl = tmp_path / "items.thrift"
    idl.write_text(ITEMS_IDL)
    port = free_port()
    repo = Path(__file__).resolve().parents[1]

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen([sys.executable, "-c", SERVE, str(idl), str(port)], cwd=repo)
        wait_listening(port)
        return process

    server = start()
    c = client(items, port, timeout=5)
    try:
        assert c.get(1).id == 1
        server.kill()
        server.wait()
        with pytest.raises(TTransportException):
            c.get(2)  # the server is gone
        server = start()
        with contextlib.suppress(TTransportException):
            c.get(3)  # may fail: the pooled connection died with the old server
        assert c.get(4).id == 4
    finally:
        server.kill()
        server.wait()


def test_ctrl_c_interrupts_a_call_waiting_without_timeout(items: ModuleType) -> None:
    # A server that reads the request and never answers; no timeout on the client.
    answered = threading.Event()

    def hang(conn: socket.socket) -> None:
        conn.recv(65536)
        answered.wait(10)

    main = threading.main_thread().ident
    assert main == threading.get_ident(), "signals reach the main thread only"
    with raw_server(hang) as port:
        c = client(items, port)
        timer = threading.Timer(0.3, signal.pthread_kill, (main, signal.SIGINT))
        timer.start()
        start = time.monotonic()
        try:
            with pytest.raises(KeyboardInterrupt):
                c.get(1)
        finally:
            answered.set()
            timer.join()
        assert time.monotonic() - start < 3
