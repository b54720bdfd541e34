"""thrifthive.AsyncClient against thriftpy2's and Apache's Python servers and raw sockets, on
asyncio's default loop and on uvloop: replies, declared exceptions, void, oneway, multiplexing,
unix sockets, the errors, and many calls in flight against servers that serve one at a time."""

from __future__ import annotations

import asyncio
import importlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import uvloop

import thrifthive
from thrifthive.exceptions import TApplicationException, TTransportException

from .support import run
from .test_client_servers import (
    ITEMS_IDL,
    Handler,
    free_port,
    generate_apache,
    raw_server,
    serve_apache,
    serve_thriftpy2,
    thriftpy2_module,
)


@pytest.fixture(scope="module")
def items() -> ModuleType:
    return thrifthive.load_source(ITEMS_IDL, "async_client_items")


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


def client(items: ModuleType, port: int, **options: Any) -> thrifthive.AsyncClient:
    return thrifthive.AsyncClient(items.Items, f"127.0.0.1:{port}", **options)


async def check_calls(items: ModuleType, c: thrifthive.AsyncClient) -> None:
    item = await c.get(7)
    assert item == items.Item(
        id=7, name="item7", data=b"\x00\xff", tags={"a"}, color=items.Color.GREEN
    )
    assert (await c.get(id=8)).id == 8
    with pytest.raises(items.NotFound) as raised:
        await c.get(-1)
    assert raised.value.message == "no item -1"
    assert await c.touch(1) is None
    sent = items.Item(id=1, name="x", labels={1: "one"})
    assert await c.echo(sent) == sent
    with pytest.raises(TApplicationException) as missing:
        await c.nothing()
    assert missing.value.type == TApplicationException.MISSING_RESULT
    # Many at once on one connection, against a server that answers one at a time.
    got = await asyncio.gather(*(c.get(i) for i in range(50)))
    assert [g.id for g in got] == list(range(50))


def test_thriftpy2_server(
    loop_runner: asyncio.Runner, items: ModuleType, tp2_port: int, tp2_handler: Handler
) -> None:
    async def main() -> None:
        async with client(items, tp2_port, timeout=10) as c:
            await check_calls(items, c)
            assert await c.notify("hello") is None
            for _ in range(500):  # the handler runs after the oneway call returned
                if await c.notified() > 0:
                    break
                await asyncio.sleep(0.01)
            assert "hello" in tp2_handler.events

    run(loop_runner, main())


def test_thriftpy2_framed(loop_runner: asyncio.Runner, items: ModuleType, tp2: Any) -> None:
    port = serve_thriftpy2(tp2, Handler(tp2), framed=True)

    async def main() -> None:
        async with client(items, port, transport="framed", timeout=10) as c:
            await check_calls(items, c)

    run(loop_runner, main())


@pytest.mark.parametrize("kind", ["simple", "threaded", "nonblocking"])
def test_apache_servers(
    loop_runner: asyncio.Runner, items: ModuleType, apache: Any, kind: str
) -> None:
    ttypes = importlib.import_module(f"{apache.__name__}.ttypes")
    port = serve_apache(apache, Handler(ttypes), kind)
    transport = "framed" if kind == "nonblocking" else "buffered"

    async def main() -> None:
        async with client(items, port, transport=transport, timeout=10) as c:
            await check_calls(items, c)
            with pytest.raises(TApplicationException) as failed:
                await c.slow(-1.0)  # the handler raises ValueError
            assert failed.value.type == TApplicationException.INTERNAL_ERROR
            assert (await c.get(9)).id == 9

    run(loop_runner, main())


def test_apache_multiplexed(loop_runner: asyncio.Runner, items: ModuleType, apache: Any) -> None:
    ttypes = importlib.import_module(f"{apache.__name__}.ttypes")
    port = serve_apache(apache, Handler(ttypes), "threaded", multiplexed="Items")

    async def main() -> None:
        async with client(items, port, service_name="Items", timeout=10) as c:
            got = await asyncio.gather(*(c.get(i) for i in range(10)))
            assert [g.id for g in got] == list(range(10))

    run(loop_runner, main())


def test_unix_socket(
    loop_runner: asyncio.Runner, items: ModuleType, tp2: Any, tmp_path: Path
) -> None:
    rpc: Any = importlib.import_module("thriftpy2.rpc")
    path = tmp_path / "items.sock"
    server = rpc.make_server(tp2.Items, Handler(tp2), unix_socket=str(path))
    threading.Thread(target=server.serve, daemon=True).start()
    deadline = time.monotonic() + 5  # thriftpy2 says nothing when it listens
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)

    async def main() -> None:
        async with thrifthive.AsyncClient(items.Items, f"unix:{path}", timeout=10) as c:
            assert [i.id for i in await asyncio.gather(c.get(2), c.get(3))] == [2, 3]

    run(loop_runner, main())


def test_used_from_another_loop(items: ModuleType, tp2_port: int) -> None:
    """A client first used in one loop (closed since) works in the next, on new connections."""
    c = client(items, tp2_port, timeout=10)
    with asyncio.Runner() as first:
        assert run(first, c.get(1)).id == 1
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as second:
        assert run(second, c.get(2)).id == 2
        run(second, c.close())


def test_refused(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    port = free_port()

    async def main() -> None:
        c = client(items, port)
        with pytest.raises(TTransportException) as raised:
            await c.get(1)
        assert raised.value.type == TTransportException.NOT_OPEN
        assert f"connection refused by 127.0.0.1:{port}" in str(raised.value)
        # Every call waiting for the same connect fails with it.
        results = await asyncio.gather(c.get(1), c.get(2), return_exceptions=True)
        assert all(isinstance(r, TTransportException) for r in results)

    run(loop_runner, main())


@contextmanager
def full_backlog() -> Iterator[int]:
    """A listener that accepts nothing and whose backlog is full, so that connecting to it
    hangs; yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port: int = listener.getsockname()[1]
    fillers: list[socket.socket] = []
    try:
        for _ in range(16):
            filler = socket.socket()
            filler.settimeout(0.2)
            fillers.append(filler)
            try:
                filler.connect(("127.0.0.1", port))
            except TimeoutError:
                break  # this one hung: the backlog is full
        else:
            pytest.skip("the listen backlog would not fill up")
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_connect_timeout(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    async def main(port: int) -> None:
        c = client(items, port, connect_timeout=0.2)
        with pytest.raises(TTransportException) as raised:
            await c.get(1)
        assert raised.value.type == TTransportException.TIMED_OUT
        assert f"connecting to 127.0.0.1:{port} timed out after 200 ms" in str(raised.value)

    with full_backlog() as port:
        run(loop_runner, main(port))


def test_close_while_connecting(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    """Calls waiting for a connection when the client is closed fail saying so."""

    async def main(port: int) -> None:
        c = client(items, port, connect_timeout=1.0)
        calls = [asyncio.ensure_future(c.get(i)) for i in range(2)]
        await asyncio.sleep(0)  # both calls run up to waiting for the connect
        await c.close()
        for outcome in await asyncio.gather(*calls, return_exceptions=True):
            assert isinstance(outcome, TTransportException), outcome
            assert "the client was closed while the call to get was in flight" in str(outcome)

    with full_backlog() as port:
        run(loop_runner, main(port))


def test_http_reply(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    def http(conn: socket.socket) -> None:
        conn.recv(1024)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        conn.recv(1024)  # until the client hangs up

    async def main(port: int) -> None:
        async with client(items, port, timeout=5) as c:
            with pytest.raises(TTransportException) as raised:
                await c.get(1)
            message = str(raised.value)
            assert "expected a reply to get, got an HTTP response" in message
            assert "This is not a Thrift reply" in message

    with raw_server(http) as port:
        run(loop_runner, main(port))


def test_unknown_method_is_an_attribute_error(items: ModuleType) -> None:
    c = client(items, 1)
    with pytest.raises(AttributeError, match="no method 'nope'"):
        c.nope  # noqa: B018
    assert repr(c) == "<thrifthive.AsyncClient Items at 127.0.0.1:1>"
    assert c.get.__name__ == "get"


def test_bad_options(items: ModuleType) -> None:
    with pytest.raises(ValueError, match="unknown transport"):
        thrifthive.AsyncClient(items.Items, "127.0.0.1:1", transport="zlib")
    with pytest.raises(ValueError, match="invalid address"):
        thrifthive.AsyncClient(items.Items, "nowhere")
    with pytest.raises(ValueError, match="timeout must be a positive"):
        thrifthive.AsyncClient(items.Items, "127.0.0.1:1", timeout=-1)
    with pytest.raises(ValueError, match="connections must be at least 1"):
        thrifthive.AsyncClient(items.Items, "127.0.0.1:1", connections=0)
