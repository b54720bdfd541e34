"""Control: Apache's client against Apache's own servers, with the same calls and expectations
the thrifthive tests use. It runs without any of thrifthive's RPC pieces and shows that the
expectations (``calls.py``) and the Apache-style handler are Apache's test server's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .calls import CALL_IDS, call_by_id, check
from .peers import (
    ApacheClient,
    ApacheCode,
    PeerServers,
    ServerKey,
    apache_module,
)


def _family(protocol: str) -> str:
    return protocol.split("-")[0]


# A few configurations suffice to check the expectations; between them they use every
# transport, both protocol families, pure and accelerated, plain and multiplexed.
CONFIGS = [
    ("buffered", "binary", False),
    ("framed", "compact-accel", False),
    ("buffered", "binary-accel", True),
    ("framed", "compact", True),
]


@pytest.fixture(params=CONFIGS, ids=lambda c: f"{c[0]}-{c[1]}{'-mux' if c[2] else ''}")
def config(request: pytest.FixtureRequest) -> tuple[str, str, bool]:
    value: tuple[str, str, bool] = request.param
    return value


@pytest.fixture
def client(
    apache_code: ApacheCode,
    peer_servers: PeerServers,
    config: tuple[str, str, bool],
) -> Iterator[ApacheClient]:
    transport, protocol, multiplexed = config
    key = ServerKey("apache-simple", transport, _family(protocol), multiplexed)
    server = peer_servers.get(key)
    c = ApacheClient(
        apache_code, server.port, transport, protocol, "ThriftTest" if multiplexed else None
    )
    yield c
    c.close()


@pytest.mark.parametrize("call_id", CALL_IDS)
def test_apache_client_against_apache_server(
    apache_code: ApacheCode, client: ApacheClient, call_id: str
) -> None:
    TApplicationException = apache_module("thrift.Thrift").TApplicationException
    call = call_by_id(apache_code.ttypes, call_id)
    check(
        call,
        getattr(client.client, call.method),
        TApplicationException,
        after=lambda: client.client.testI32(-7),
    )
