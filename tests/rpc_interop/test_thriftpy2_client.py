"""thriftpy2's clients against thrifthive's server: its threaded client (``make_client``,
buffered and framed, binary and compact) and its asyncio client (``make_aio_client``), every
ThriftTest call with the replies Apache's test server gives, against plain and ``async def``
handler methods."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from .calls import CALL_IDS, Oneway, Raises, Returns, call_by_id, check
from .hive import hive_server, needs_server
from .thrift_test_handler import ThriftTestHandler

pytestmark = needs_server

tp2_rpc = pytest.importorskip("thriftpy2.rpc")
tp2_protocol = pytest.importorskip("thriftpy2.protocol")
tp2_transport = pytest.importorskip("thriftpy2.transport")
tp2_thrift = pytest.importorskip("thriftpy2.thrift")

PROTOCOLS = {
    "binary": tp2_protocol.TBinaryProtocolFactory,
    "compact": tp2_protocol.TCompactProtocolFactory,
}
TRANSPORTS = {
    "buffered": tp2_transport.TBufferedTransportFactory,
    "framed": tp2_transport.TFramedTransportFactory,
}


@pytest.fixture(scope="module")
def servers(hive_types: ModuleType) -> Iterator[dict[bool, tuple[Any, ThriftTestHandler]]]:
    """thrifthive's ThriftTest servers by ``asynchronous`` (``async def`` handler methods)."""
    with (
        hive_server(hive_types, multiplexed=False) as plain,
        hive_server(hive_types, multiplexed=False, asynchronous=True) as asynchronous,
    ):
        yield {False: plain, True: asynchronous}


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("protocol", sorted(PROTOCOLS))
@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_thriftpy2_client_against_thrifthive_server(
    thriftpy2_types: Any,
    servers: dict[bool, tuple[Any, ThriftTestHandler]],
    asynchronous: bool,
    transport: str,
    protocol: str,
    call_id: str,
) -> None:
    server, handler = servers[asynchronous]
    client = tp2_rpc.make_client(
        thriftpy2_types.ThriftTest,
        "127.0.0.1",
        server.port,
        proto_factory=PROTOCOLS[protocol](),
        trans_factory=TRANSPORTS[transport](),
        timeout=10_000,
    )
    try:
        call = call_by_id(thriftpy2_types, call_id)
        oneway_before = handler.oneway_calls
        if isinstance(call.outcome, Raises):
            raises_fields(call.outcome, getattr(client, call.method), *call.args)
            assert client.testI32(-7) == -7
            return
        check(
            call,
            as_sets(getattr(client, call.method), call),
            tp2_thrift.TApplicationException,
            after=lambda: client.testI32(-7),
        )
        if isinstance(call.outcome, Oneway):
            assert handler.wait_oneway(oneway_before + 1, timeout=5.0), "testOneway never ran"
    finally:
        client.close()


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_thriftpy2_asyncio_client_against_thrifthive_server(
    thriftpy2_types: Any,
    servers: dict[bool, tuple[Any, ThriftTestHandler]],
    asynchronous: bool,
    call_id: str,
) -> None:
    server, _ = servers[asynchronous]
    call = call_by_id(thriftpy2_types, call_id)

    async def run() -> Any:
        client = await tp2_rpc.make_aio_client(
            thriftpy2_types.ThriftTest, "127.0.0.1", server.port, timeout=10_000
        )
        try:
            return await asyncio.wait_for(getattr(client, call.method)(*call.args), 10)
        finally:
            client.close()

    outcome = call.outcome
    if isinstance(outcome, Returns):
        assert as_sets(lambda: asyncio.run(run()), call)() == outcome.value
    elif isinstance(outcome, Raises):
        raises_fields(outcome, asyncio.run, run())
    elif isinstance(outcome, Oneway):
        assert asyncio.run(run()) is None
    else:
        with pytest.raises(tp2_thrift.TApplicationException):
            asyncio.run(run())


def as_sets(invoke: Callable[..., Any], call: Any) -> Callable[..., Any]:
    """thriftpy2 decodes a set as a list: compare it as the set it is."""
    expected = getattr(call.outcome, "value", None)
    if not isinstance(expected, (set, frozenset)):
        return invoke

    def invoke_as_set(*args: Any) -> Any:
        return set(invoke(*args))

    return invoke_as_set


def raises_fields(outcome: Raises, invoke: Callable[..., Any], *args: Any) -> None:
    """thriftpy2's exceptions do not compare by value: compare their fields."""
    with pytest.raises(type(outcome.error)) as raised:
        invoke(*args)
    assert vars(raised.value) == vars(outcome.error)
