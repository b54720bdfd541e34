"""Apache's Python client against thrifthive's server: every ThriftTest call, buffered and
framed, binary and compact (pure Python and accelerated), plain and multiplexed ("ThriftTest"),
with the replies and exceptions Apache's test server gives (the same expectations pass against
Apache's own server in ``test_peers_control.py``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from .calls import CALL_IDS, Oneway, call_by_id, check
from .hive import hive_server, needs_server
from .peers import (
    APACHE_PROTOCOLS,
    HEADER_TRANSPORTS,
    TRANSPORTS,
    ApacheClient,
    ApacheCode,
    apache_module,
)
from .thrift_test_handler import ThriftTestHandler

pytestmark = needs_server


@pytest.fixture(scope="module")
def hive_servers(hive_types: ModuleType) -> Iterator[dict[bool, tuple[Any, ThriftTestHandler]]]:
    """thrifthive's servers by ``multiplexed``; stopped when the module's tests are done."""
    with (
        hive_server(hive_types, multiplexed=False) as plain,
        hive_server(hive_types, multiplexed=True) as mux,
    ):
        yield {False: plain, True: mux}


@pytest.fixture(scope="module")
def async_hive_servers(
    hive_types: ModuleType,
) -> Iterator[dict[bool, tuple[Any, ThriftTestHandler]]]:
    """The same, with ``async def`` handler methods."""
    with (
        hive_server(hive_types, multiplexed=False, asynchronous=True) as plain,
        hive_server(hive_types, multiplexed=True, asynchronous=True) as mux,
    ):
        yield {False: plain, True: mux}


@pytest.mark.parametrize("multiplexed", [False, True], ids=["plain", "mux"])
@pytest.mark.parametrize("protocol", APACHE_PROTOCOLS)
@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_apache_client_against_thrifthive_server(
    apache_code: ApacheCode,
    hive_servers: dict[bool, tuple[Any, ThriftTestHandler]],
    transport: str,
    protocol: str,
    multiplexed: bool,
    call_id: str,
) -> None:
    _call(apache_code, hive_servers[multiplexed], transport, protocol, multiplexed, call_id)


@pytest.mark.parametrize("multiplexed", [False, True], ids=["plain", "mux"])
@pytest.mark.parametrize("protocol", ["binary", "compact"])
@pytest.mark.parametrize("transport", HEADER_TRANSPORTS)
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_apache_header_client_against_thrifthive_server(
    apache_code: ApacheCode,
    hive_servers: dict[bool, tuple[Any, ThriftTestHandler]],
    transport: str,
    protocol: str,
    multiplexed: bool,
    call_id: str,
) -> None:
    """Apache's THeaderProtocol client, binary or compact inside, with and without zlib."""
    _call(apache_code, hive_servers[multiplexed], transport, protocol, multiplexed, call_id)


@pytest.mark.parametrize(
    ("transport", "protocol", "multiplexed"),
    [
        ("buffered", "binary-accel", False),
        ("framed", "compact-accel", True),
        ("header-zlib", "compact", False),
    ],
)
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_apache_client_against_thrifthive_async_handler(
    apache_code: ApacheCode,
    async_hive_servers: dict[bool, tuple[Any, ThriftTestHandler]],
    transport: str,
    protocol: str,
    multiplexed: bool,
    call_id: str,
) -> None:
    _call(apache_code, async_hive_servers[multiplexed], transport, protocol, multiplexed, call_id)


@pytest.mark.parametrize("call_id", CALL_IDS)
def test_apache_lax_binary_client_against_thrifthive_server(
    apache_code: ApacheCode,
    hive_servers: dict[bool, tuple[Any, ThriftTestHandler]],
    call_id: str,
) -> None:
    """TBinaryProtocol with strictWrite=False sends old-style messages (no version word), which
    Apache's servers accept."""
    _call(apache_code, hive_servers[False], "buffered", "binary-lax", False, call_id)


def test_unknown_method(
    apache_code: ApacheCode, hive_servers: dict[bool, tuple[Any, ThriftTestHandler]]
) -> None:
    """A method the service lacks (SecondService's, sent to ThriftTest) is answered as Apache's
    generated Processor answers it, and the connection stays usable."""
    TApplicationException = apache_module("thrift.Thrift").TApplicationException
    second = apache_module("ThriftTest.SecondService")
    server, _ = hive_servers[False]
    client = ApacheClient(apache_code, server.port, "buffered", "binary-accel", None)
    try:
        with pytest.raises(TApplicationException) as info:
            second.Client(client.protocol).secondtestString("x")
        assert info.value.type == TApplicationException.UNKNOWN_METHOD
        assert info.value.message == "Unknown function secondtestString"
        assert client.client.testString("still open") == "still open"
    finally:
        client.close()


def _call(
    apache_code: ApacheCode,
    served: tuple[Any, ThriftTestHandler],
    transport: str,
    protocol: str,
    multiplexed: bool,
    call_id: str,
) -> None:
    TApplicationException = apache_module("thrift.Thrift").TApplicationException
    server, handler = served
    client = ApacheClient(
        apache_code, server.port, transport, protocol, "ThriftTest" if multiplexed else None
    )
    try:
        call = call_by_id(apache_code.ttypes, call_id)
        oneway_before = handler.oneway_calls
        check(
            call,
            getattr(client.client, call.method),
            TApplicationException,
            after=lambda: client.client.testI32(-7),
        )
        if isinstance(call.outcome, Oneway):
            assert handler.wait_oneway(oneway_before + 1, timeout=5.0), "testOneway never ran"
    finally:
        client.close()


def test_plain_server_answers_multiplexed_names(
    apache_code: ApacheCode, hive_servers: dict[bool, tuple[Any, ThriftTestHandler]]
) -> None:
    """A one-service server also answers "ThriftTest:method", as documented."""
    server, _ = hive_servers[False]
    client = ApacheClient(apache_code, server.port, "buffered", "binary-accel", "ThriftTest")
    try:
        assert client.client.testString("mux") == "mux"
    finally:
        client.close()


def test_multiplexed_server_rejects_plain_names(
    apache_code: ApacheCode, hive_servers: dict[bool, tuple[Any, ThriftTestHandler]]
) -> None:
    """With ``services=`` and no default, a plain name is an unknown method: thrifthive answers
    UNKNOWN_METHOD (Apache's TMultiplexedProcessor without a default closes the connection)."""
    TApplicationException = apache_module("thrift.Thrift").TApplicationException
    server, _ = hive_servers[True]
    client = ApacheClient(apache_code, server.port, "framed", "compact-accel", None)
    try:
        with pytest.raises(TApplicationException) as info:
            client.client.testString("plain")
        assert info.value.type == TApplicationException.UNKNOWN_METHOD
    finally:
        client.close()


def test_concurrent_apache_clients(
    apache_code: ApacheCode, hive_servers: dict[bool, tuple[Any, ThriftTestHandler]]
) -> None:
    """Eight Apache clients at once, one per transport and protocol, each on its own
    connection and thread, interleaving calls: every reply is its own call's."""
    server, _ = hive_servers[False]
    t = apache_code.ttypes
    configs = [(tr, pr) for tr in TRANSPORTS for pr in APACHE_PROTOCOLS]
    errors: list[BaseException] = []

    def work(index: int, transport: str, protocol: str) -> None:
        try:
            client = ApacheClient(apache_code, server.port, transport, protocol, None)
            try:
                for i in range(100):
                    thing = t.Xtruct(
                        string_thing=f"{index}-{i}", byte_thing=index, i32_thing=i, i64_thing=-i
                    )
                    assert client.client.testStruct(thing) == thing
                    assert client.client.testI64(index * 1_000_000 + i) == index * 1_000_000 + i
            finally:
                client.close()
        except BaseException as e:
            errors.append(e)

    threads = [
        threading.Thread(target=work, args=(index, *config)) for index, config in enumerate(configs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a client thread hung"
    assert not errors, errors
