"""thrifthive.Server with ``async def`` handlers and many calls in flight: calls pending on the
asyncio loop when the server stops, concurrency of async calls, and a connection pipelining
more requests than ``max_in_flight`` (the engine's back-pressure) answered in order."""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import thrifthive
from thrifthive.codec import MessageType, decode_message, encode_message
from thrifthive.server import Server

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


class Conn:
    """A framed binary connection that may have many calls in flight."""

    def __init__(self, server: Server) -> None:
        assert server.port is not None
        self.sock = socket.create_connection(("127.0.0.1", server.port))
        self.sock.settimeout(10)
        self.seqid = 0

    def send(self, name: str, args: object) -> int:
        self.seqid += 1
        data = encode_message(name, MessageType.CALL, self.seqid, args)
        self.sock.sendall(struct.pack(">i", len(data)) + data)
        return self.seqid

    def receive(self) -> Any:
        (size,) = struct.unpack(">i", self._exactly(4))
        return decode_message(self._exactly(size), RESULTS)

    def _exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed by the server")
            data += chunk
        return data

    def close(self) -> None:
        self.sock.close()


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
    conns = [Conn(server) for _ in range(50)]
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
    conn = Conn(s)
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
    conn = Conn(s)
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
    conn = Conn(server)
    seqids = [conn.send("wait", wait_args(100))]
    seqids += [conn.send("echo", Waiter.echo_args(n=n)) for n in range(500)]
    replies = [conn.receive() for _ in seqids]
    conn.close()
    assert [r.seqid for r in replies] == seqids
    assert [r.body.success for r in replies] == [100, *range(500)]
