"""thrifthive.Server with ``async def`` handlers and many calls in flight: calls pending on the
asyncio loop when the server stops, concurrency of async calls, and a connection pipelining
more requests than ``max_in_flight`` (the engine's back-pressure) answered in order."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvloop

import thrifthive
from thrifthive.server import Server

from .test_server import Conn

WAIT: Any = thrifthive.load_source(
    """
    service Waiter {
      i32 wait(1: i32 ms),
      i32 echo(1: i32 n),
    }
    """,
    "test_server_async_waiter",
)
Waiter = WAIT.Waiter


RESULTS = {"wait": Waiter.wait_result, "echo": Waiter.echo_result}


def connect(server: Server) -> Conn:
    """A framed connection: several calls may be in flight on it."""
    assert server.port is not None
    sock = socket.create_connection(("127.0.0.1", server.port))
    conn = Conn(sock, framed=True, results=RESULTS)
    conn.sock.settimeout(10)
    return conn


class AsyncWaiter:
    def __init__(self) -> None:
        self.started = threading.Event()

    async def wait(self, ms: int) -> int:
        self.started.set()
        await asyncio.sleep(ms / 1000)
        return ms

    def echo(self, n: int) -> int:
        return n


@pytest.fixture
def server() -> Iterator[Server]:
    with Server(Waiter, AsyncWaiter(), port=0) as s:
        yield s


def wait_args(ms: int) -> object:
    return Waiter.wait_args(ms=ms)


def test_async_calls_run_concurrently(server: Server) -> None:
    conns = [connect(server) for _ in range(50)]
    start = time.monotonic()
    seqids = [conn.send("wait", wait_args(200)) for conn in conns]
    replies = [conn.receive() for conn in conns]
    elapsed = time.monotonic() - start
    for conn in conns:
        conn.close()
    assert [(r.seqid, r.body.success) for r in replies] == [(s, 200) for s in seqids]
    # One after another they would take 10 s.
    assert elapsed < 5, f"50 concurrent async calls took {elapsed:.2f} s"


def test_graceful_stop_finishes_the_async_call_in_flight() -> None:
    handler = AsyncWaiter()
    s = Server(Waiter, handler, port=0)
    s.start()
    conn = connect(s)
    seqid = conn.send("wait", wait_args(300))
    assert handler.started.wait(5)
    stopper = threading.Thread(target=s.stop, kwargs={"grace": 5.0})
    stopper.start()
    reply = conn.receive()
    assert (reply.seqid, reply.body.success) == (seqid, 300)
    stopper.join(10)
    assert not stopper.is_alive()
    conn.close()


def test_an_async_call_past_the_grace_period_is_cut_off() -> None:
    handler = AsyncWaiter()
    s = Server(Waiter, handler, port=0)
    s.start()
    conn = connect(s)
    conn.send("wait", wait_args(10_000))
    assert handler.started.wait(5)
    start = time.monotonic()
    s.stop(grace=0.1)
    assert time.monotonic() - start < 3, "stop() waited for the coroutine"
    with pytest.raises((ConnectionError, OSError)):
        conn.receive()
    conn.close()


def test_pipelining_past_max_in_flight_is_answered_in_order(server: Server) -> None:
    # The engine reads at most 64 requests of a connection ahead of its replies; the rest
    # wait in the socket until replies go out. A slow async call first holds the line.
    conn = connect(server)
    seqids = [conn.send("wait", wait_args(100))]
    seqids += [conn.send("echo", Waiter.echo_args(n=n)) for n in range(500)]
    replies = [conn.receive() for _ in seqids]
    conn.close()
    assert [r.seqid for r in replies] == seqids
    assert [r.body.success for r in replies] == [100, *range(500)]


class LoopRecorder:
    """Records which loop its async method ran on."""

    def __init__(self) -> None:
        self.loops: list[asyncio.AbstractEventLoop] = []

    async def wait(self, ms: int) -> int:
        self.loops.append(asyncio.get_running_loop())
        await asyncio.sleep(ms / 1000)
        return ms

    def echo(self, n: int) -> int:
        return n


def test_serve_async_runs_async_methods_on_the_applications_loop() -> None:
    handler = LoopRecorder()

    async def main() -> list[int]:
        server = Server(Waiter, handler, port=0)
        serving = asyncio.create_task(server.serve_async())
        while server.port in (None, 0):
            await asyncio.sleep(0.01)
        address = f"127.0.0.1:{server.port}"

        def call(ms: int) -> int:
            with thrifthive.Client(Waiter, address, timeout=10) as client:
                waited: int = client.wait(ms)
                echoed: int = client.echo(0)
                return waited + echoed

        loop = asyncio.get_running_loop()
        results = await asyncio.wait_for(
            asyncio.gather(*(loop.run_in_executor(None, call, ms) for ms in (50, 60, 70))), 20
        )
        port = server.port
        serving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await serving
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=1)
        assert handler.loops == [loop] * 3
        return list(results)

    assert asyncio.run(main()) == [50, 60, 70]


def test_async_with_starts_and_stops_on_the_running_loop() -> None:
    handler = LoopRecorder()

    async def main() -> int:
        async with Server(Waiter, handler, port=0) as server:
            address = f"127.0.0.1:{server.port}"
            loop = asyncio.get_running_loop()
            with thrifthive.Client(Waiter, address, timeout=10) as client:
                result: int = await asyncio.wait_for(
                    loop.run_in_executor(None, client.wait, 10), 10
                )
        assert handler.loops == [loop]
        return result

    assert asyncio.run(main()) == 10


@pytest.mark.parametrize("loop_factory", [asyncio.new_event_loop, uvloop.new_event_loop])
def test_serve_async_on_either_loop(loop_factory: Callable[[], asyncio.AbstractEventLoop]) -> None:
    handler = LoopRecorder()

    async def main() -> int:
        async with Server(Waiter, handler, port=0) as server:
            address = f"127.0.0.1:{server.port}"
            loop = asyncio.get_running_loop()
            with thrifthive.Client(Waiter, address, timeout=10) as client:
                futures = [loop.run_in_executor(None, client.wait, ms) for ms in range(1, 21)]
                results = await asyncio.wait_for(asyncio.gather(*futures), 10)
        assert handler.loops == [loop] * 20
        return sum(results)

    with asyncio.Runner(loop_factory=loop_factory) as runner:
        assert runner.run(main()) == sum(range(1, 21))
