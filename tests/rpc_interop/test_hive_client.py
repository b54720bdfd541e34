"""thrifthive's client against the peers' servers: Apache's TSimpleServer, TThreadPoolServer
and TNonblockingServer (framed only), and thriftpy2's threaded server (``make_server``), each
with the Apache-style handler over its own library's classes; every ThriftTest call, with the
replies Apache's test server gives."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import thrifthive
from thrifthive.exceptions import TApplicationException, TTransportException

from .calls import CALL_IDS, Fails, call_by_id, check
from .hive import needs_client
from .peers import PeerServers, ServerKey

pytestmark = needs_client

APACHE_KEYS = (
    [
        ServerKey(kind, transport, protocol, multiplexed)
        for kind in ("apache-simple", "apache-threadpool")
        for transport in ("buffered", "framed")
        for protocol in ("binary", "compact")
        for multiplexed in (False,)
    ]
    + [
        ServerKey("apache-nonblocking", "framed", protocol, False)
        for protocol in ("binary", "compact")
    ]
    + [
        ServerKey("apache-threadpool", "buffered", "binary", True),
        ServerKey("apache-nonblocking", "framed", "compact", True),
    ]
)
THRIFTPY2_KEYS = [
    ServerKey("thriftpy2", transport, protocol, False)
    for transport in ("buffered", "framed")
    for protocol in ("binary", "compact")
] + [ServerKey("thriftpy2", "buffered", "binary", True)]


@pytest.fixture
def client_for(peer_servers: PeerServers, hive_types: ModuleType) -> Iterator[Any]:
    """Makes thrifthive's client of the peer server ``key``; closes them all afterwards."""
    clients: list[Any] = []

    def make(key: ServerKey) -> Any:
        server = peer_servers.get(key)
        client_cls: Any = thrifthive.Client  # type: ignore[attr-defined,unused-ignore]
        client = client_cls(
            hive_types.ThriftTest,
            f"127.0.0.1:{server.port}",
            transport=key.transport,
            protocol=key.protocol,
            timeout=10.0,
            service_name="ThriftTest" if key.multiplexed else None,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.mark.parametrize("key", APACHE_KEYS, ids=str)
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_thrifthive_client_against_apache_server(
    client_for: Any, hive_types: ModuleType, key: ServerKey, call_id: str
) -> None:
    client = client_for(key)
    call = call_by_id(hive_types, call_id)
    check(
        call, getattr(client, call.method), TApplicationException, after=lambda: client.testI32(-7)
    )


@pytest.mark.parametrize("key", THRIFTPY2_KEYS, ids=str)
@pytest.mark.parametrize("call_id", CALL_IDS)
def test_thrifthive_client_against_thriftpy2_server(
    client_for: Any, hive_types: ModuleType, thriftpy2_types: Any, key: ServerKey, call_id: str
) -> None:
    # thriftpy2_types: requested so that these tests skip, saying why, where thriftpy2 is missing.
    client = client_for(key)
    call = call_by_id(hive_types, call_id)
    if isinstance(call.outcome, Fails):
        # thriftpy2's processor re-raises an undeclared exception and its server closes the
        # connection without a reply (Apache's servers send a TApplicationException).
        with pytest.raises(TTransportException):
            client.testException("TException")
        assert client.testI32(-7) == -7  # the client reconnects for the next call
        return
    check(
        call, getattr(client, call.method), TApplicationException, after=lambda: client.testI32(-7)
    )
