"""Many calls in flight on one AsyncClient connection, against a server the test scripts
(``scripted_server.py``): replies matched by seqid in any order, cancellation and timeouts
that leave the other calls and the connection alone, failures that fail every call in flight
and a reconnect after them, oneway calls, multiplexed names, and the pool of connections. On
asyncio's default loop and on uvloop."""

from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any

import pytest

import thrifthive
from thrifthive.codec import MessageType, encode_message
from thrifthive.exceptions import TApplicationException, TTransportException

from .scripted_server import ScriptedServer
from .support import run
from .test_client_servers import ITEMS_IDL


@pytest.fixture(scope="module")
def items() -> ModuleType:
    return thrifthive.load_source(ITEMS_IDL, "async_pipelining_items")


def client(items: ModuleType, server: ScriptedServer, **options: Any) -> thrifthive.AsyncClient:
    return thrifthive.AsyncClient(items.Items, server.address, transport="framed", **options)


def item(items: ModuleType, id: int) -> Any:
    return items.Item(id=id, name=f"item{id}")


def test_replies_in_reverse_order(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    """100 calls all in flight on one connection (the server holds every reply until it has
    all 100 requests), answered last first: each call gets its own reply."""

    async def main() -> None:
        async with ScriptedServer(items.Items) as server, client(items, server) as c:
            calls = [asyncio.ensure_future(c.get(i)) for i in range(100)]
            requests = await server.wait_requests(100)
            assert {r.connection for r in requests} == {0}
            assert c.in_flight == 100
            for request in reversed(requests):
                server.reply(request, success=item(items, request.args.id))
            got = await asyncio.gather(*calls)
            assert [g.id for g in got] == list(range(100))
            assert c.in_flight == 0

    run(loop_runner, main())


def test_second_answered_first(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    async def main() -> None:
        async with ScriptedServer(items.Items) as server, client(items, server) as c:
            first = asyncio.ensure_future(c.get(1))
            second = asyncio.ensure_future(c.echo(item(items, 2)))
            one, two = await server.wait_requests(2)
            server.reply(two, success=two.args.item)
            assert (await second).id == 2
            assert not first.done()
            server.reply(one, nf=items.NotFound(message="gone"))
            with pytest.raises(items.NotFound, match="gone"):
                await first

    run(loop_runner, main())


def test_cancelled_call_leaves_the_others_alone(
    loop_runner: asyncio.Runner, items: ModuleType
) -> None:
    async def answer_all(server: ScriptedServer, first: int, count: int) -> None:
        requests = await server.wait_requests(first + count)
        for request in requests[first:]:
            server.reply(request, success=item(items, request.args.id))

    async def main() -> None:
        async with ScriptedServer(items.Items) as server, client(items, server) as c:
            calls = [asyncio.ensure_future(c.get(i)) for i in range(3)]
            requests = await server.wait_requests(3)
            calls[1].cancel()
            with pytest.raises(asyncio.CancelledError):
                await calls[1]
            for request in (requests[1], requests[2], requests[0]):
                server.reply(request, success=item(items, request.args.id))
            assert [(await calls[0]).id, (await calls[2]).id] == [0, 2]
            answering = asyncio.ensure_future(answer_all(server, 3, 2))
            assert [g.id for g in await asyncio.gather(c.get(3), c.get(4))] == [3, 4]
            await answering
            assert len(server.writers) == 1  # still the first connection

    run(loop_runner, main())


def test_wait_for_timeout(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    async def main() -> None:
        async with ScriptedServer(items.Items) as server, client(items, server) as c:
            other = asyncio.ensure_future(c.get(1))
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(c.get(2), 0.05)
            one, two = sorted(await server.wait_requests(2), key=lambda r: r.args.id)
            server.reply(two, success=item(items, 2))  # late: dropped
            server.reply(one, success=item(items, 1))
            assert (await other).id == 1
            assert c.in_flight == 0
            assert len(server.writers) == 1

    run(loop_runner, main())


def test_client_timeout(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    """``timeout=`` fails the call that took too long, with the same message as Client's; the
    connection and the calls with more time go on; ``with_timeout`` overrides it per call."""

    async def main() -> None:
        async with ScriptedServer(items.Items) as server, client(items, server, timeout=30) as c:
            patient = asyncio.ensure_future(c.get(1))
            with pytest.raises(TTransportException) as raised:
                await c.with_timeout(0.1).get(2)
            assert raised.value.type == TTransportException.TIMED_OUT
            assert "timed out after 100 ms waiting for the reply to get" in str(raised.value)
            one, two = sorted(await server.wait_requests(2), key=lambda r: r.args.id)
            server.reply(two, success=item(items, 2))  # late: dropped
            server.reply(one, success=item(items, 1))
            assert (await patient).id == 1
            assert len(server.writers) == 1

    run(loop_runner, main())


def test_server_hangs_up(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    """Every call in flight fails saying what happened; the next call reconnects."""

    async def main() -> None:
        async with ScriptedServer(items.Items) as server, client(items, server) as c:
            calls = [asyncio.ensure_future(c.get(i)) for i in range(3)]
            await server.wait_requests(3)
            server.hang_up(0)
            results = await asyncio.gather(*calls, return_exceptions=True)
            for result in results:
                assert isinstance(result, TTransportException), result
                assert result.type == TTransportException.END_OF_FILE
                assert "closed the connection before replying to get" in str(result)
            call = asyncio.ensure_future(c.get(7))
            request = (await server.wait_requests(4))[3]
            assert request.connection == 1
            server.reply(request, success=item(items, 7))
            assert (await call).id == 7

    run(loop_runner, main())


def test_connection_reset(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    async def main() -> None:
        async with ScriptedServer(items.Items) as server, client(items, server) as c:
            calls = [asyncio.ensure_future(c.get(i)) for i in range(2)]
            await server.wait_requests(2)
            server.reset(0)
            for outcome in await asyncio.gather(*calls, return_exceptions=True):
                assert isinstance(outcome, TTransportException), outcome
                assert outcome.type == TTransportException.UNKNOWN
                assert "connection error during the call to get" in str(outcome)
                assert "reset" in str(outcome).lower()

    run(loop_runner, main())


def test_reply_to_no_call(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    async def main() -> None:
        async with ScriptedServer(items.Items) as server, client(items, server) as c:
            calls = [asyncio.ensure_future(c.get(i)) for i in range(2)]
            await server.wait_requests(2)
            result = items.Items.get_result(success=item(items, 9))
            server.send(0, encode_message("get", MessageType.REPLY, 999, result))
            for outcome in await asyncio.gather(*calls, return_exceptions=True):
                assert isinstance(outcome, TApplicationException), outcome
                assert outcome.type == TApplicationException.BAD_SEQUENCE_ID
                assert "seqid 999, which answers no call" in str(outcome)

    run(loop_runner, main())


def test_stray_reply_on_an_idle_connection(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    """A reply nobody asked for closes even an idle connection; the next call opens another."""

    async def main() -> None:
        async with ScriptedServer(items.Items) as server, client(items, server) as c:
            result = items.Items.get_result(success=item(items, 9))
            call = asyncio.ensure_future(c.get(1))
            server.reply((await server.wait_requests(1))[0], success=item(items, 1))
            assert (await call).id == 1
            server.send(0, encode_message("get", MessageType.REPLY, 999, result))
            await server.client_closed[0].wait()
            call = asyncio.ensure_future(c.get(2))
            request = (await server.wait_requests(2))[1]
            assert request.connection == 1
            server.reply(request, success=item(items, 2))
            assert (await call).id == 2

    run(loop_runner, main())


def test_wrong_name_fails_only_that_call(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    async def main() -> None:
        async with ScriptedServer(items.Items) as server, client(items, server) as c:
            calls = [asyncio.ensure_future(c.get(i)) for i in range(2)]
            one, two = await server.wait_requests(2)
            body = items.Items.touch_result()
            server.send(0, encode_message("touch", MessageType.REPLY, one.seqid, body))
            with pytest.raises(TApplicationException) as raised:
                await calls[0]
            assert raised.value.type == TApplicationException.WRONG_METHOD_NAME
            server.reply(two, success=item(items, 1))
            assert (await calls[1]).id == 1

    run(loop_runner, main())


def test_close_fails_calls_in_flight(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    async def main() -> None:
        async with ScriptedServer(items.Items) as server:
            c = client(items, server)
            call = asyncio.ensure_future(c.get(1))
            await server.wait_requests(1)
            await c.close()
            with pytest.raises(TTransportException) as raised:
                await call
            assert "the client was closed while the call to get was in flight" in str(raised.value)
            again = asyncio.ensure_future(c.get(2))  # usable again: a new connection
            request = (await server.wait_requests(2))[1]
            server.reply(request, success=item(items, 2))
            assert (await again).id == 2
            await c.close()

    run(loop_runner, main())


def test_oneway_completes_once_written(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    async def main() -> None:
        async with (
            ScriptedServer(items.Items, "Items") as server,
            client(items, server, service_name="Items") as c,
        ):
            assert await c.notify("hello") is None  # the server never answers
            (request,) = await server.wait_requests(1)
            assert (request.name, request.type) == ("Items:notify", MessageType.ONEWAY)
            assert request.args.event == "hello"
            call = asyncio.ensure_future(c.get(5))
            request = (await server.wait_requests(2))[1]
            assert request.name == "Items:get"
            server.reply(request, success=item(items, 5))  # answered as "Items:get"
            assert (await call).id == 5

    run(loop_runner, main())


def test_pool_spreads_over_connections(loop_runner: asyncio.Runner, items: ModuleType) -> None:
    """With ``connections=3`` and every connection busy, calls spread over three connections
    (opened in the background, so the calls that come meanwhile go on the open ones), and
    never more."""

    async def main() -> None:
        async with ScriptedServer(items.Items) as server, client(items, server, connections=3) as c:
            calls: list[asyncio.Future[Any]] = []
            # Wave after wave of held calls, until the third connection got some (bounded).
            while len(calls) < 5000 and {r.connection for r in server.requests} != {0, 1, 2}:
                calls += [asyncio.ensure_future(c.get(len(calls) + i)) for i in range(10)]
                await server.wait_requests(len(calls))
            assert {r.connection for r in server.requests} == {0, 1, 2}
            assert len(server.writers) == 3
            for request in server.requests:
                server.reply(request, success=item(items, request.args.id))
            got = await asyncio.gather(*calls)
            assert [g.id for g in got] == list(range(len(calls)))

    run(loop_runner, main())


def test_calls_wait_while_the_server_reads_nothing(
    loop_runner: asyncio.Runner, items: ModuleType
) -> None:
    """A server that takes no bytes: once the socket and the transport's buffer are full, new
    calls wait to be written (rather than pile up in memory) and are not in flight yet; closing
    the client fails them all."""

    async def main() -> None:
        release = asyncio.Event()

        async def read_nothing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await release.wait()
            writer.close()

        server = await asyncio.start_server(read_nothing, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        big = items.Item(id=1, name="big", data=b"x" * (1 << 20))
        c = thrifthive.AsyncClient(items.Items, f"127.0.0.1:{port}", transport="framed")
        try:
            calls = [asyncio.ensure_future(c.echo(big)) for _ in range(64)]
            await asyncio.sleep(0.5)
            # 64 MiB of requests: far more than the socket buffers and the transport's mark.
            assert 0 < c.in_flight < 32, c.in_flight
            assert not any(call.done() for call in calls)
            await c.close()
            outcomes = await asyncio.gather(*calls, return_exceptions=True)
            assert all(isinstance(o, TTransportException) for o in outcomes), outcomes
            assert any("waited to be sent" in str(o) for o in outcomes), outcomes
        finally:
            release.set()
            server.close()
            await server.wait_closed()

    run(loop_runner, main())
