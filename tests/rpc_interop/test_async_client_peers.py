"""thrifthive.AsyncClient against the peers' servers (Apache's TSimpleServer, TThreadPoolServer
(both over THeader too) and TNonblockingServer; thriftpy2's threaded and asyncio servers) and
thrifthive's own, on asyncio's default loop and on uvloop.

Each ThriftTest call is made on its own, with the expectations the sync client's tests use
(``calls.check``, given a function that runs the call on the test's loop); and then every call
that returns a value at once, all in flight on one connection, against servers that answer
them one at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

import thrifthive
from thrifthive.exceptions import TApplicationException, TTransportException

from ..support import run
from .calls import CALL_IDS, Fails, Returns, call_by_id, calls, check
from .hive import hive_server, needs_server
from .peers import PeerServers, ServerKey
from .thrift_test_handler import ThriftTestHandler

PEER_KEYS = [
    ServerKey("apache-simple", "buffered", "binary"),
    ServerKey("apache-simple", "framed", "compact"),
    ServerKey("apache-threadpool", "buffered", "compact"),
    ServerKey("apache-threadpool", "buffered", "binary", True),
    ServerKey("apache-nonblocking", "framed", "binary"),
    ServerKey("apache-nonblocking", "framed", "compact", True),
    ServerKey("apache-simple", "header", "compact"),
    ServerKey("apache-threadpool", "header", "binary", True),
    ServerKey("thriftpy2", "buffered", "binary"),
    ServerKey("thriftpy2", "framed", "compact", True),
    # Binary only: thriftpy2's asyncio compact protocol answers testStringMap with an empty
    # map, whoever the client (thrifthive.Client sees the same).
    ServerKey("thriftpy2-asyncio", "buffered", "binary"),
    ServerKey("thriftpy2-asyncio", "framed", "binary"),
]
# thriftpy2's servers hang up on an undeclared exception instead of answering it.
HANGS_UP = ("thriftpy2", "thriftpy2-asyncio")

Make = Callable[[int, ServerKey], Any]


@pytest.fixture
def make_client(loop_runner: asyncio.Runner, hive_types: ModuleType) -> Iterator[Make]:
    """Makes AsyncClients of ThriftTest; closes them all (on the test's loop) afterwards."""
    clients: list[thrifthive.AsyncClient] = []

    def make(port: int, key: ServerKey) -> thrifthive.AsyncClient:
        client = thrifthive.AsyncClient(
            hive_types.ThriftTest,
            f"127.0.0.1:{port}",
            transport=key.transport,
            protocol=key.protocol,
            timeout=10.0,
            service_name="ThriftTest" if key.multiplexed else None,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        run(loop_runner, client.close())


@pytest.fixture(scope="module")
def hive(hive_types: ModuleType) -> Iterator[tuple[Any, ThriftTestHandler]]:
    with hive_server(hive_types, multiplexed=False) as served:
        yield served


def _on_loop(runner: asyncio.Runner, client: Any, method: str) -> Callable[..., Any]:
    """The call as a plain function: runs it on the test's loop, the client's connection kept
    from one call to the next."""

    def invoke(*args: Any) -> Any:
        return run(runner, getattr(client, method)(*args))

    return invoke


def _check_one(
    runner: asyncio.Runner, client: Any, types: ModuleType, call_id: str, hangs_up: bool
) -> None:
    call = call_by_id(types, call_id)
    after = _on_loop(runner, client, "testI32")
    if hangs_up and isinstance(call.outcome, Fails):
        with pytest.raises(TTransportException):
            _on_loop(runner, client, "testException")("TException")
        assert after(-7) == -7  # the client reconnects for the next call
        return
    check(call, _on_loop(runner, client, call.method), TApplicationException, lambda: after(-7))


async def _all_at_once(client: Any, types: ModuleType) -> None:
    returning = [c for c in calls(types) if isinstance(c.outcome, Returns)]
    got = await asyncio.gather(*(getattr(client, c.method)(*c.args) for c in returning))
    for call, result in zip(returning, got, strict=True):
        assert isinstance(call.outcome, Returns)
        assert result == call.outcome.value, call.id


@pytest.mark.parametrize("key", PEER_KEYS, ids=str)
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_async_client_against_peer_server(
    loop_runner: asyncio.Runner,
    make_client: Make,
    peer_servers: PeerServers,
    hive_types: ModuleType,
    key: ServerKey,
    call_id: str,
) -> None:
    client = make_client(peer_servers.get(key).port, key)
    _check_one(loop_runner, client, hive_types, call_id, key.kind in HANGS_UP)


@pytest.mark.parametrize("key", PEER_KEYS, ids=str)
def test_async_client_pipelines_to_peer_server(
    loop_runner: asyncio.Runner,
    make_client: Make,
    peer_servers: PeerServers,
    hive_types: ModuleType,
    key: ServerKey,
) -> None:
    client = make_client(peer_servers.get(key).port, key)
    run(loop_runner, _all_at_once(client, hive_types))


@needs_server
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_async_client_against_thrifthive_server(
    loop_runner: asyncio.Runner,
    make_client: Make,
    hive: tuple[Any, ThriftTestHandler],
    hive_types: ModuleType,
    call_id: str,
) -> None:
    key = ServerKey("thrifthive", "framed", "compact")
    client = make_client(hive[0].port, key)
    _check_one(loop_runner, client, hive_types, call_id, hangs_up=False)


@needs_server
@pytest.mark.parametrize("transport", ["buffered", "framed"])
def test_async_client_pipelines_to_thrifthive_server(
    loop_runner: asyncio.Runner,
    make_client: Make,
    hive: tuple[Any, ThriftTestHandler],
    hive_types: ModuleType,
    transport: str,
) -> None:
    client = make_client(hive[0].port, ServerKey("thrifthive", transport, "binary"))
    run(loop_runner, _all_at_once(client, hive_types))


@needs_server
def test_cancellations_under_load(
    loop_runner: asyncio.Runner, hive: tuple[Any, ThriftTestHandler], hive_types: ModuleType
) -> None:
    """1,000 calls in flight on one connection, every seventh cancelled once sent: every other
    call gets its own reply (the cancelled ones' replies are dropped), and the client goes on,
    over two connections."""
    address = f"127.0.0.1:{hive[0].port}"

    async def main() -> None:
        async with thrifthive.AsyncClient(
            hive_types.ThriftTest, address, timeout=10.0, connections=2
        ) as c:
            assert await c.testI64(-1) == -1  # connected
            tasks = [asyncio.ensure_future(c.testI64(i)) for i in range(1000)]
            await asyncio.sleep(0)  # every call runs up to waiting for its reply
            assert c.in_flight == 1000
            for task in tasks[::7]:
                task.cancel()
            results = await asyncio.gather(*tasks, return_exceptions=True)
            for i, result in enumerate(results):
                if i % 7:
                    assert result == i
                else:
                    assert isinstance(result, asyncio.CancelledError)
            assert c.in_flight == 0
            again = await asyncio.gather(*(c.testString(str(i)) for i in range(200)))
            assert again == [str(i) for i in range(200)]

    run(loop_runner, main())
