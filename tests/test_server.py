"""thrifthive.Server: Thrift RPC semantics, over raw loopback sockets speaking the wire formats
(encoded with thrifthive's codec, byte for byte what Apache's clients send)."""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import thrifthive
from thrifthive.codec import MessageType, decode_message, encode_message
from thrifthive.exceptions import TApplicationException
from thrifthive.server import Server

ROOT = Path(__file__).resolve().parent.parent
BENCH_IDL = ROOT.parent / "shared" / "bench" / "bench.thrift"

CALL, REPLY, EXCEPTION, ONEWAY = MessageType

svc: Any = thrifthive.load(BENCH_IDL)
Users = svc.UserService

EXTRA: Any = thrifthive.load_source(
    """
    exception Overflow { 1: string why }
    service Calc {
      i32 add(1: i32 a, 2: i32 b) throws (1: Overflow overflow),
      oneway void note(1: string text),
      i32 nothing(),
    }
    """,
    "test_server_calc",
)
Calc = EXTRA.Calc


class UserHandler:
    """getUserById is sync, createUser async: one handler mixing both."""

    def __init__(self) -> None:
        self.started = threading.Event()

    def ping(self) -> None:
        pass

    def getUserById(self, user_id: int) -> object:
        if user_id < 0:
            raise svc.NotFound(message=f"no user {user_id}")
        if user_id == 0:
            raise ValueError("user id 0 is reserved")
        return svc.User(id=user_id, username=f"user{user_id}", email="u@example.com")

    async def createUser(self, user: Any) -> object:
        if user.id == 0:
            raise KeyError("async failure")
        return user

    def listUsers(self, offset: int, limit: int) -> object:
        self.started.set()
        time.sleep(offset / 1000)
        return svc.UserPage(users=[], total=offset)

    def echoBinary(self, data: bytes) -> bytes:
        return data


class CalcHandler:
    def __init__(self) -> None:
        self.notes: list[str] = []
        self.noted = threading.Event()

    def add(self, a: int, b: int) -> int:
        if a + b > 2**31 - 1:
            raise EXTRA.Overflow(why="too big")
        return a + b

    def note(self, text: str) -> None:
        self.notes.append(text)
        self.noted.set()
        if text == "boom":
            raise RuntimeError("oneway failure")

    def nothing(self) -> None:
        return None


RESULTS: dict[str, type] = {
    **{name: m.result for name, m in Users.methods.items()},
    **{name: m.result for name, m in Calc.methods.items() if m.result is not None},
}


class Conn:
    """A client connection speaking one wire format."""

    def __init__(
        self,
        sock: socket.socket,
        *,
        framed: bool = False,
        protocol: str = "binary",
        results: dict[str, type] | None = None,
    ) -> None:
        self.sock = sock
        self.sock.settimeout(5)
        self.framed = framed
        self.protocol = protocol
        self.results = RESULTS if results is None else results
        self.seqid = 0

    def send(self, name: str, args: object, message_type: MessageType = CALL) -> int:
        self.seqid += 1
        data = encode_message(name, message_type, self.seqid, args, self.protocol)
        if self.framed:
            data = struct.pack(">i", len(data)) + data
        self.sock.sendall(data)
        return self.seqid

    def receive(self) -> Any:
        if self.framed:
            (size,) = struct.unpack(">i", self._exactly(4))
            return decode_message(self._exactly(size), self.results, self.protocol)
        data = b""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed by the server")
            data += chunk
            try:
                return decode_message(data, self.results, self.protocol)
            except Exception:
                continue

    def call(self, name: str, args: object) -> Any:
        seqid = self.send(name, args)
        message = self.receive()
        assert message.seqid == seqid
        return message

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


def connect(server: Server, **kwargs: Any) -> Conn:
    assert server.port is not None
    return Conn(socket.create_connection(("127.0.0.1", server.port)), **kwargs)


@pytest.fixture(params=[{}, {"handler_threads": 0}], ids=["handler-threads", "io-threads"])
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    """A server with its defaults, and one answering plain methods on its IO threads
    (``handler_threads=0``, tests/test_server_inline.py): the same Thrift semantics."""
    with Server(Users, UserHandler(), port=0, **request.param) as s:
        yield s


def user_args(user_id: int) -> object:
    return Users.getUserById_args(user_id=user_id)


@pytest.mark.parametrize("framed", [False, True], ids=["buffered", "framed"])
@pytest.mark.parametrize("protocol", ["binary", "compact"])
def test_round_trip_in_every_detected_format(server: Server, framed: bool, protocol: str) -> None:
    conn = connect(server, framed=framed, protocol=protocol)
    for user_id in (5, 6):
        reply = conn.call("getUserById", user_args(user_id))
        assert (reply.name, reply.type) == ("getUserById", REPLY)
        assert reply.body.success.id == user_id
        assert reply.body.success.username == f"user{user_id}"
    conn.close()


def test_pinned_format_is_served() -> None:
    with Server(Users, UserHandler(), port=0, transport="framed", protocol="compact") as s:
        conn = connect(s, framed=True, protocol="compact")
        assert conn.call("getUserById", user_args(3)).body.success.id == 3
        conn.close()


def test_the_seqid_is_echoed(server: Server) -> None:
    conn = connect(server)
    conn.seqid = 41
    assert conn.call("ping", Users.ping_args()).seqid == 42
    conn.close()


def test_void_method_replies_with_an_empty_result(server: Server) -> None:
    conn = connect(server)
    reply = conn.call("ping", Users.ping_args())
    assert reply.type == REPLY
    assert reply.body == Users.ping_result()
    conn.close()


def test_declared_exception_goes_back_in_the_result(server: Server) -> None:
    conn = connect(server)
    reply = conn.call("getUserById", user_args(-4))
    assert reply.type == REPLY
    assert reply.body.success is None
    assert reply.body.nf == svc.NotFound(message="no user -4")
    conn.close()


def test_undeclared_exception_is_internal_error_and_logged(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    conn = connect(server)
    with caplog.at_level(logging.ERROR, logger="thrifthive"):
        reply = conn.call("getUserById", user_args(0))
    assert reply.type == EXCEPTION
    assert isinstance(reply.body, TApplicationException)
    assert reply.body.type == TApplicationException.INTERNAL_ERROR
    assert reply.body.message == "ValueError: user id 0 is reserved"
    # The connection stays usable.
    assert conn.call("getUserById", user_args(1)).body.success.id == 1
    conn.close()
    records = [r for r in caplog.records if r.name == "thrifthive" and r.exc_info]
    assert records, "the handler's traceback was not logged"
    assert "user id 0 is reserved" in caplog.text
    assert "Traceback" in caplog.text


def test_unknown_method(server: Server) -> None:
    conn = connect(server)
    reply = conn.call("frobnicate", Users.ping_args())
    assert (reply.name, reply.type) == ("frobnicate", EXCEPTION)
    assert reply.body.type == TApplicationException.UNKNOWN_METHOD
    assert reply.body.message == "Unknown function frobnicate"
    assert conn.call("ping", Users.ping_args()).type == REPLY
    conn.close()


def test_async_method(server: Server) -> None:
    conn = connect(server)
    user = svc.User(id=9, username="nine", email="n@example.com")
    reply = conn.call("createUser", Users.createUser_args(user=user))
    assert reply.type == REPLY
    assert reply.body.success == user
    reply = conn.call(
        "createUser", Users.createUser_args(user=svc.User(id=0, username="", email=""))
    )
    assert reply.type == EXCEPTION
    assert reply.body.type == TApplicationException.INTERNAL_ERROR
    assert reply.body.message == "KeyError: 'async failure'"
    # The sync method of the same handler, on the same connection.
    assert conn.call("getUserById", user_args(2)).body.success.id == 2
    conn.close()


def test_oneway_gets_no_reply_and_errors_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    handler = CalcHandler()
    with caplog.at_level(logging.ERROR, logger="thrifthive"), Server(Calc, handler, port=0) as s:
        conn = connect(s)
        conn.send("note", Calc.note_args(text="boom"), ONEWAY)
        assert handler.noted.wait(5)
        conn.send("note", Calc.note_args(text="hello"), ONEWAY)
        # The next reply on the connection is the call's: the oneway calls got none.
        reply = conn.call("add", Calc.add_args(a=1, b=2))
        assert (reply.type, reply.body.success) == (REPLY, 3)
        conn.close()
    assert handler.notes == ["boom", "hello"]
    assert "oneway failure" in caplog.text


def test_none_from_a_non_void_method_is_an_empty_result() -> None:
    with Server(Calc, CalcHandler(), port=0) as s:
        conn = connect(s)
        reply = conn.call("nothing", Calc.nothing_args())
        assert reply.type == REPLY
        assert reply.body == Calc.nothing_result()
        reply = conn.call("add", Calc.add_args(a=2**31 - 1, b=1))
        assert reply.body.overflow == EXTRA.Overflow(why="too big")
        conn.close()


def test_a_method_the_handler_lacks_is_an_internal_error() -> None:
    with Server(Calc, UserHandler(), port=0) as s:
        conn = connect(s)
        reply = conn.call("add", Calc.add_args(a=1, b=2))
        assert reply.body.type == TApplicationException.INTERNAL_ERROR
        assert reply.body.message == "AttributeError: the handler UserHandler has no method add()"
        conn.close()


def test_multiplexed_routing_and_default_service() -> None:
    services = {"Calc": (Calc, CalcHandler()), "Users": (Users, UserHandler())}
    with Server(services=services, default="Calc", port=0) as s:
        conn = connect(s)
        reply = conn.call("Calc:add", Calc.add_args(a=2, b=5))
        # As Apache's TMultiplexedProcessor: the reply carries the bare method name.
        assert (reply.name, reply.body.success) == ("add", 7)
        assert conn.call("Users:getUserById", user_args(8)).body.success.id == 8
        assert conn.call("add", Calc.add_args(a=1, b=1)).body.success == 2
        reply = conn.call("getUserById", user_args(8))  # not in the default service
        assert reply.body.type == TApplicationException.UNKNOWN_METHOD
        reply = conn.call("Nope:add", Calc.add_args(a=1, b=1))
        assert reply.body.type == TApplicationException.UNKNOWN_METHOD
        conn.close()


def test_blocking_handlers_do_not_stall_each_other() -> None:
    """50 concurrent calls of a handler sleeping 0.1 s, each on its own connection, with the
    defaults."""
    with Server(Users, UserHandler(), port=0) as server:
        conns = [connect(server) for _ in range(50)]
        totals: list[int] = []

        def one(conn: Conn) -> None:
            args = Users.listUsers_args(offset=100, limit=1)
            totals.append(conn.call("listUsers", args).body.success.total)

        threads = [threading.Thread(target=one, args=(conn,)) for conn in conns]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
        for conn in conns:
            conn.close()
    assert totals == [100] * 50
    assert elapsed < 0.6, f"50 sleeping calls took {elapsed:.2f} s"


def test_graceful_stop_finishes_the_call_in_flight() -> None:
    handler = UserHandler()
    s = Server(Users, handler, port=0)
    s.start()
    conn = connect(s)
    seqid = conn.send("listUsers", Users.listUsers_args(offset=300, limit=1))
    assert handler.started.wait(5)
    stopper = threading.Thread(target=s.stop, kwargs={"grace": 5.0})
    stopper.start()
    reply = conn.receive()
    assert (reply.seqid, reply.body.success.total) == (seqid, 300)
    stopper.join(10)
    assert not stopper.is_alive()
    conn.close()


def test_stop_without_grace_closes_the_call_in_flight() -> None:
    handler = UserHandler()
    s = Server(Users, handler, port=0)
    s.start()
    port = s.port
    conn = connect(s)
    conn.send("listUsers", Users.listUsers_args(offset=1000, limit=1))
    assert handler.started.wait(5)
    start = time.monotonic()
    s.stop(grace=0.05)
    assert time.monotonic() - start < 2
    with pytest.raises((ConnectionError, OSError)):
        conn.receive()
    conn.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def test_port_zero_takes_a_free_port() -> None:
    s = Server(Users, UserHandler(), port=0)
    assert s.port == 0
    with s:
        assert s.port is not None
        assert s.port > 0
    s.stop()  # a second stop does nothing


def test_unix_socket(tmp_path: Path) -> None:
    path = tmp_path / "users.sock"
    with Server(Users, UserHandler(), unix_socket=path) as s:
        assert s.port is None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(path))
        conn = Conn(sock, framed=True)
        assert conn.call("getUserById", user_args(4)).body.success.id == 4
        conn.close()


def test_engine_logs_reach_python_logging(caplog: pytest.LogCaptureFixture) -> None:
    with (
        caplog.at_level(logging.INFO, logger="thrifthive"),
        Server(Users, UserHandler(), port=0) as s,
    ):
        deadline = time.monotonic() + 5
        expected = f"listening on 127.0.0.1:{s.port}"
        while expected not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.01)
    assert any(r.name == "thrifthive.server" and r.getMessage() == expected for r in caplog.records)


def test_argument_errors() -> None:
    with pytest.raises(TypeError, match="needs a service and a handler"):
        Server(Users)
    with pytest.raises(ValueError, match="default service 'X'"):
        Server(services={"Calc": (Calc, CalcHandler())}, default="X")
    with pytest.raises(NotImplementedError, match="use serve\\(\\) for workers > 1"):
        Server(Users, UserHandler(), workers=2).start()
    with pytest.raises(ValueError, match="workers > 1 share a TCP port"):
        Server(Users, UserHandler(), port=0, workers=2).serve()
    with pytest.raises(ValueError, match="unknown transport"):
        Server(Users, UserHandler(), port=0, transport="smtp").start()  # type: ignore[arg-type]


def test_idle_connections_are_closed() -> None:
    with Server(Users, UserHandler(), port=0, idle_timeout=0.2) as s:
        conn = connect(s)
        assert conn.call("ping", Users.ping_args()).type == REPLY
        start = time.monotonic()
        assert conn.sock.recv(1) == b""
        assert time.monotonic() - start < 3
        conn.close()


def test_max_connections_refuses_the_next_one() -> None:
    with Server(Users, UserHandler(), port=0, max_connections=1) as s:
        first = connect(s)
        assert first.call("ping", Users.ping_args()).type == REPLY
        second = connect(s)
        with pytest.raises((ConnectionError, OSError)):
            second.call("ping", Users.ping_args())
        second.close()
        assert first.call("ping", Users.ping_args()).type == REPLY
        first.close()


def test_an_oversized_frame_is_refused() -> None:
    with Server(Users, UserHandler(), port=0, max_frame_size=1024) as s:
        conn = connect(s, framed=True)
        conn.sock.sendall(struct.pack(">i", 4096) + b"\x80\x01\x00\x01" + b"\x00" * 60)
        reply = conn.receive()
        assert reply.type == EXCEPTION
        assert reply.body.type == TApplicationException.PROTOCOL_ERROR
        assert "frame length 4096 exceeds the limit of 1024 bytes" in reply.body.message
        conn.close()
