"""THeader from the AsyncClient: ``thrifthive.AsyncClient(..., transport="header")`` against a
thrifthive Server (binary and compact inside, zlib, info headers per client and per call seen by
sync and ``async def`` handlers, many calls with different headers in flight on one connection,
oneway calls, deadlines from timeouts), balanced over two instances, and against Apache's
THeaderProtocol servers; its options checked as the blocking Client's."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import thrifthive
from thrifthive.context import DEADLINE_HEADER
from thrifthive.exceptions import TApplicationException

from .support import run
from .test_client_servers import ITEMS_IDL, HeaderHandler, generate_apache, serve_apache
from .test_header import HiveHandler


@pytest.fixture(scope="module")
def items() -> ModuleType:
    return thrifthive.load_source(ITEMS_IDL, "async_header_items")


@pytest.fixture(scope="module")
def hive(items: ModuleType) -> Iterator[thrifthive.Server]:
    server = thrifthive.Server(items.Items, HiveHandler(items), port=0, handler_threads=2)
    server.start()
    yield server
    server.stop(grace=1.0)


def async_client(items: ModuleType, port: int | None, **options: Any) -> thrifthive.AsyncClient:
    return thrifthive.AsyncClient(items.Items, f"127.0.0.1:{port}", timeout=10, **options)


@pytest.mark.parametrize("compression", [None, "zlib"])
@pytest.mark.parametrize("protocol", ["binary", "compact"])
def test_handlers_read_the_headers_each_call_sent(
    loop_runner: asyncio.Runner,
    items: ModuleType,
    hive: thrifthive.Server,
    protocol: str,
    compression: str | None,
) -> None:
    async def main() -> None:
        async with async_client(
            items, hive.port, transport="header", protocol=protocol, compression=compression,
            headers={"caller": "test"},
        ) as c:  # fmt: skip
            assert (await c.get(1)).name == "caller=test"
            traced = c.with_headers({"trace-id": "t-1", "caller": "override"})
            assert (await traced.get(2)).name == "caller=override,trace-id=t-1"
            assert (await traced.echo(items.Item(id=3))).name == "caller=override,trace-id=t-1"
            # The view leaves the client's own headers alone, and shares its connection.
            assert (await c.get(4)).name == "caller=test"
            assert (await c.echo(items.Item(id=5))).name == "caller=test"
            big = items.Item(id=6, data=b"x" * 100_000)
            assert (await c.echo(big)).data == big.data
            assert c.in_flight == 0
            await c.touch(7)  # void
            with pytest.raises(items.NotFound):
                await c.get(-1)
            before = await c.notified()
            await c.with_headers({"oneway": "1"}).notify("sent")
            for _ in range(100):  # the server may run it after the next call
                if await c.notified() > before:
                    break
                await asyncio.sleep(0.01)
            assert await c.notified() == before + 1

    run(loop_runner, main())


def test_pipelined_calls_each_carry_their_own_headers(
    loop_runner: asyncio.Runner, items: ModuleType, hive: thrifthive.Server
) -> None:
    """200 calls in flight on one connection, each with headers of its own, sync and async
    handlers alike: each reply, matched by seqid, shows its own call's headers."""

    async def main() -> None:
        async with async_client(items, hive.port, transport="header", compression="zlib") as c:
            views = [c.with_headers({"n": str(i)}) for i in range(200)]
            calls = [v.get(i) if i % 2 else v.echo(items.Item(id=i)) for i, v in enumerate(views)]
            replies = await asyncio.gather(*calls)
            assert [(r.id, r.name) for r in replies] == [(i, f"n={i}") for i in range(200)]
            # Still one connection: every view shares the client's.
            assert c.in_flight == 0
            assert (await c.get(1)).name == ""

    run(loop_runner, main())


class CountingHandler(HiveHandler):
    """HiveHandler counting the calls of ``get`` it answered."""

    def __init__(self, types: Any) -> None:
        super().__init__(types)
        self.served = 0

    def get(self, id: int) -> Any:
        self.served += 1
        return super().get(id)


def test_a_balanced_client_sends_headers_to_each_instance(
    loop_runner: asyncio.Runner, items: ModuleType
) -> None:
    handlers = [CountingHandler(items), CountingHandler(items)]
    servers = [thrifthive.Server(items.Items, h, port=0, handler_threads=1) for h in handlers]
    for server in servers:
        server.start()
    try:
        instances = ",".join(f"127.0.0.1:{server.port}" for server in servers)

        async def main() -> list[str]:
            async with thrifthive.AsyncClient(
                items.Items, f"static://{instances}", transport="header", protocol="compact",
                compression="zlib", balance="round_robin", headers={"caller": "lb"}, timeout=10,
            ) as c:  # fmt: skip
                traced = c.with_headers({"trace-id": "t"})
                return [(await traced.get(i)).name for i in range(4)]

        names = run(loop_runner, main())
    finally:
        for server in servers:
            server.stop(grace=1.0)
    assert names == ["caller=lb,trace-id=t"] * 4
    assert [h.served for h in handlers] == [2, 2]


def test_each_call_sends_its_timeout_as_the_deadline(
    loop_runner: asyncio.Runner, items: ModuleType, hive: thrifthive.Server
) -> None:
    """The handler reads the deadline the call's timeout set (with_timeout's for a view)."""
    seen: list[dict[str, str]] = []

    class Spy(HiveHandler):
        def get(self, id: int) -> Any:
            seen.append(dict(thrifthive.current_request().headers))
            return super().get(id)

    server = thrifthive.Server(items.Items, Spy(items), port=0, handler_threads=1)
    server.start()
    try:

        async def main() -> None:
            async with async_client(items, server.port, transport="header") as c:
                await c.get(1)
                await c.with_timeout(2.5).get(2)
                await c.with_timeout(None).get(3)

        run(loop_runner, main())
    finally:
        server.stop(grace=1.0)
    assert 9000 < int(seen[0][DEADLINE_HEADER]) <= 10_000
    assert 2000 < int(seen[1][DEADLINE_HEADER]) <= 2500
    assert DEADLINE_HEADER not in seen[2]


def test_header_options_are_checked(items: ModuleType) -> None:
    with pytest.raises(ValueError, match='headers need transport="header"'):
        async_client(items, 1, headers={"a": "b"})
    with pytest.raises(ValueError, match='headers need transport="header"'):
        async_client(items, 1, transport="framed").with_headers({"a": "b"})
    with pytest.raises(TypeError, match="headers must map str to str"):
        async_client(items, 1, transport="header").with_headers({"a": 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match='compression="zlib" needs transport="header"'):
        async_client(items, 1, compression="zlib")
    with pytest.raises(ValueError, match='unknown compression "lz4"'):
        async_client(items, 1, transport="header", compression="lz4")
    with pytest.raises(ValueError, match='compression="zlib" needs transport="header"'):
        thrifthive.AsyncClient(items.Items, "static://127.0.0.1:1", compression="zlib")


@pytest.fixture(scope="module")
def apache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_apache(tmp_path_factory.mktemp("apache-async-header"))


@pytest.mark.parametrize("kind", ["simple", "threadpool"])
@pytest.mark.parametrize(
    ("protocol", "compression"), [("binary", None), ("compact", None), ("binary", "zlib")]
)
def test_against_apache_header_servers(
    loop_runner: asyncio.Runner,
    items: ModuleType,
    apache: Any,
    kind: str,
    protocol: str,
    compression: str | None,
) -> None:
    ttypes: Any = importlib.import_module(f"{apache.__name__}.ttypes")
    port = serve_apache(apache, HeaderHandler(ttypes), kind, header=True)

    async def main() -> None:
        async with async_client(
            items, port, transport="header", protocol=protocol, compression=compression
        ) as c:
            assert (await c.get(1)).name == ""
            traced = c.with_headers({"trace-id": "abc", "b": "2"})
            assert (await traced.get(2)).name == "b=2,trace-id=abc"
            with pytest.raises(items.NotFound):
                await c.get(-1)
            sent = items.Item(id=1, name="x", data=b"\x01" * 50_000, labels={1: "one"})
            assert await c.echo(sent) == sent
            assert await c.touch(1) is None
            with pytest.raises(TApplicationException) as missing:
                await c.nothing()
            assert missing.value.type == TApplicationException.MISSING_RESULT
            # Pipelined: Apache's server answers them one at a time, in order.
            got = await asyncio.gather(*(c.with_headers({"n": str(i)}).get(i) for i in range(20)))
            assert [g.name for g in got] == [f"n={i}" for i in range(20)]

    run(loop_runner, main())
