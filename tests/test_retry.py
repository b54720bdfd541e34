"""Retries with a budget (thrifthive._retry), for Client and AsyncClient on loopback: a dead
address (nothing listens), a server that reads a request and hangs up, and a live one."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import thrifthive
from thrifthive.exceptions import TTransportException

from .support import run
from .test_client_servers import free_port

svc = thrifthive.load(Path(__file__).with_name("retry.thrift"))


class Handler:
    def __init__(self) -> None:
        self.calls = 0

    def _count(self, n: int) -> str:
        self.calls += 1
        return f"live {n}"

    get = put = off = _count

    def fail(self, n: int) -> str:
        self.calls += 1
        raise svc.Nope(message=f"no {n}")


class HangUp:
    """Accepts connections, reads a request's first bytes and closes: the call reached a
    server, which may have run it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                while conn.recv(65536):
                    self.requests += 1
                    break

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def live() -> Iterator[tuple[thrifthive.Server, Handler]]:
    handler = Handler()
    server = thrifthive.Server(svc.Counter, handler, port=0)
    server.start()
    try:
        yield server, handler
    finally:
        server.stop(0.0)


@pytest.fixture
def hang_up() -> Iterator[HangUp]:
    server = HangUp()
    try:
        yield server
    finally:
        server.close()


def static(*ports: int | None) -> str:
    return "static://" + ",".join(f"127.0.0.1:{p}" for p in ports)


def test_methods_expose_annotations_and_idempotence() -> None:
    methods = svc.Counter.methods
    assert methods["get"].annotations == {"hive.idempotent": ""}
    assert methods["get"].idempotent
    assert methods["fail"].idempotent
    assert not methods["put"].idempotent
    assert not methods["off"].idempotent
    assert methods["off"].annotations == {"hive.idempotent": "false"}


def test_a_call_that_never_reached_a_server_is_retried_on_another_instance(
    live: tuple[thrifthive.Server, Handler],
) -> None:
    server, handler = live
    address = static(free_port(), server.port)
    with thrifthive.Client(svc.Counter, address, balance="round_robin") as client:
        assert [client.put(i) for i in range(10)] == [f"live {i}" for i in range(10)]
        stats = client.retry_stats
    assert handler.calls == 10
    assert stats["calls"] == 10
    assert 1 <= stats["retries"] <= 10


def test_only_idempotent_methods_are_retried_after_the_server_hung_up(
    live: tuple[thrifthive.Server, Handler], hang_up: HangUp
) -> None:
    server, _handler = live
    address = static(hang_up.port, server.port)
    with thrifthive.Client(svc.Counter, address, balance="round_robin") as client:
        assert [client.get(i) for i in range(6)] == [f"live {i}" for i in range(6)]
        assert hang_up.requests >= 1
        failures = _failures(lambda: client.put(1), 6)
    assert failures
    assert all(isinstance(exc, TTransportException) for exc in failures)
    assert all(not any("attempt" in n for n in exc.__notes__) for exc in failures)


def test_a_single_address_is_retried_and_the_error_lists_the_attempts() -> None:
    client = thrifthive.Client(svc.Counter, f"127.0.0.1:{free_port()}", retry_backoff=0.0)
    with pytest.raises(TTransportException) as caught:
        client.put(1)
    notes = caught.value.__notes__
    assert notes[0].startswith("attempt 1: TTransportException: connection refused")
    assert notes[1].startswith("attempt 2: ")
    assert notes[-1] == "put failed after 3 attempts (2 retries)"
    assert client.retry_stats == {"calls": 1, "retries": 2, "budget_exhausted": 0}


def test_the_budget_stops_retries_when_every_call_fails(caplog: pytest.LogCaptureFixture) -> None:
    address = static(free_port(), free_port())
    client = thrifthive.Client(svc.Counter, address, retry_backoff=0.0)
    started = time.monotonic()
    with caplog.at_level("DEBUG", logger="thrifthive.client"):
        failures = _failures(lambda: client.get(1), 200)
    elapsed = time.monotonic() - started
    stats = client.retry_stats
    assert len(failures) == 200
    assert stats["calls"] == 200
    assert stats["retries"] <= 0.2 * 200 + 10 * (1 + elapsed)
    assert stats["budget_exhausted"] > 0
    assert any("retry budget exhausted" in n for n in failures[-1].__notes__)
    assert sum("retrying get" in r.message for r in caplog.records) == stats["retries"]


def test_declared_exceptions_are_never_retried(live: tuple[thrifthive.Server, Handler]) -> None:
    server, handler = live
    with thrifthive.Client(svc.Counter, f"127.0.0.1:{server.port}") as client:
        with pytest.raises(svc.Nope):
            client.fail(1)
        assert handler.calls == 1
        assert client.retry_stats["retries"] == 0


def test_retries_can_be_turned_off() -> None:
    client = thrifthive.Client(svc.Counter, f"127.0.0.1:{free_port()}", retries=0)
    with pytest.raises(TTransportException):
        client.put(1)
    assert client.retry_stats["retries"] == 0
    with pytest.raises(ValueError, match="retries must be 0 or more"):
        thrifthive.Client(svc.Counter, "127.0.0.1:1", retries=-1)


def test_async_client_retries_as_the_blocking_one_does(
    live: tuple[thrifthive.Server, Handler], hang_up: HangUp, loop_runner: asyncio.Runner
) -> None:
    server, handler = live

    async def main() -> None:
        dead = static(free_port(), server.port)
        async with thrifthive.AsyncClient(svc.Counter, dead, balance="round_robin") as client:
            assert [await client.put(i) for i in range(6)] == [f"live {i}" for i in range(6)]
            assert client.retry_stats["retries"] >= 1
        closing = static(hang_up.port, server.port)
        async with thrifthive.AsyncClient(svc.Counter, closing, balance="round_robin") as client:
            assert [await client.get(i) for i in range(6)] == [f"live {i}" for i in range(6)]
            failures = [await _async_failure(client.put(i)) for i in range(6)]
            assert any(isinstance(exc, TTransportException) for exc in failures)
            before = handler.calls
            with pytest.raises(svc.Nope):
                await client.with_timeout(5.0).fail(1)
            assert handler.calls == before + 1
        all_dead = static(free_port(), free_port())
        async with thrifthive.AsyncClient(svc.Counter, all_dead, retry_backoff=0.0) as client:
            started = time.monotonic()
            for i in range(100):
                assert isinstance(await _async_failure(client.get(i)), TTransportException)
            stats = client.retry_stats
            assert stats["calls"] == 100
            assert stats["budget_exhausted"] > 0
            assert stats["retries"] <= 0.2 * 100 + 10 * (1 + time.monotonic() - started)

    run(loop_runner, main())


def _failures(call: Callable[[], Any], times: int) -> list[TTransportException]:
    failures = []
    for _ in range(times):
        try:
            call()
        except TTransportException as exc:
            failures.append(exc)
    return failures


async def _async_failure(call: Any) -> BaseException | None:
    try:
        await call
    except TTransportException as exc:
        return exc
    return None
