"""``Server(handler_threads=0)``: plain methods answered on the IO thread that read the call.

tests/test_server.py runs its Thrift semantics (formats, seqids, exceptions, unknown methods,
``async def`` methods on the loop) against such a server too; here: where the handler runs,
oneway calls, request headers, many connections at once, a graceful stop, and bad settings."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import thrifthive
from thrifthive.server import Server

from .test_server import (
    ONEWAY,
    REPLY,
    Calc,
    CalcHandler,
    UserHandler,
    Users,
    connect,
    svc,
    user_args,
)


def thread_name() -> str:
    """The OS name of the calling thread: the engine names its IO threads ``thrifthive-io``
    and its Python threads ``thrifthive-py-N``."""
    return Path(f"/proc/self/task/{threading.get_native_id()}/comm").read_text().strip()


class WhereHandler(UserHandler):
    """getUserById reports in ``username`` the thread it ran on, and in ``email`` the request's
    headers but the deadline."""

    def getUserById(self, user_id: int) -> object:
        headers = thrifthive.current_request().headers
        seen = ",".join(f"{k}={v}" for k, v in sorted(headers.items()) if "deadline" not in k)
        return svc.User(id=user_id, username=thread_name(), email=seen)


@pytest.mark.parametrize(
    ("handler_threads", "runs_on"), [(0, "thrifthive-io"), (4, "thrifthive-py-")]
)
def test_plain_methods_run_on_the_io_thread_only_without_handler_threads(
    handler_threads: int, runs_on: str
) -> None:
    with (
        Server(Users, WhereHandler(), port=0, handler_threads=handler_threads) as s,
        thrifthive.Client(Users, f"127.0.0.1:{s.port}", timeout=5) as client,
    ):
        assert client.getUserById(1).username.startswith(runs_on)


def test_oneway_calls_get_no_reply() -> None:
    handler = CalcHandler()
    with Server(Calc, handler, port=0, handler_threads=0) as s:
        conn = connect(s)
        conn.send("note", Calc.note_args(text="hello"), ONEWAY)
        reply = conn.call("add", Calc.add_args(a=1, b=2))
        assert (reply.type, reply.body.success) == (REPLY, 3)
        conn.close()
    assert handler.notes == ["hello"]


def test_the_handler_sees_the_request_headers() -> None:
    with Server(Users, WhereHandler(), port=0, handler_threads=0) as s:
        address = f"127.0.0.1:{s.port}"
        with thrifthive.Client(Users, address, transport="header", timeout=5) as client:
            for i in range(5):
                assert client.with_headers({"n": str(i)}).getUserById(i).email == f"n={i}"
                assert client.getUserById(i).email == ""


def test_many_connections_from_many_threads() -> None:
    """16 threads, each with its own client, over two IO threads: every reply is its call's."""
    failures: list[str] = []

    def calls(address: str, first: int) -> None:
        with thrifthive.Client(Users, address, timeout=10) as client:
            for user_id in range(first, first + 200):
                got = client.getUserById(user_id)
                if (got.id, got.username) != (user_id, f"user{user_id}"):
                    failures.append(f"{user_id}: {got}")

    with Server(Users, UserHandler(), port=0, handler_threads=0, io_threads=2) as s:
        address = f"127.0.0.1:{s.port}"
        threads = [threading.Thread(target=calls, args=(address, n * 1000 + 1)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert failures == []


def test_graceful_stop_waits_for_the_running_handler() -> None:
    handler = UserHandler()
    s = Server(Users, handler, port=0, handler_threads=0)
    s.start()
    conn = connect(s)
    seqid = conn.send("listUsers", Users.listUsers_args(offset=300, limit=1))
    assert handler.started.wait(5)
    s.stop(grace=5.0)
    reply = conn.receive()
    assert (reply.seqid, reply.body.success.total) == (seqid, 300)
    conn.close()


def test_servers_come_and_go() -> None:
    """Each server's IO threads keep a Python thread state of their own: starting and stopping
    servers over and over keeps working."""
    for i in range(20):
        with Server(Users, UserHandler(), port=0, handler_threads=0) as s:
            conn = connect(s)
            assert conn.call("getUserById", user_args(i + 1)).body.success.id == i + 1
            conn.close()


def test_a_negative_thread_count_is_refused() -> None:
    with pytest.raises(ValueError, match="handler_threads must be 0 or more, got -1"):
        Server(Users, UserHandler(), port=0, handler_threads=-1)


def test_a_zero_io_thread_count_is_refused() -> None:
    with pytest.raises(ValueError, match="io_threads must be at least 1"):
        Server(Users, UserHandler(), port=0, io_threads=0).start()
