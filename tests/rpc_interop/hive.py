"""thrifthive's side: which RPC pieces exist yet, and its servers for the interop tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import thrifthive
from thrifthive.exceptions import TException

from .thrift_test_handler import AsyncThriftTestHandler, ThriftTestHandler

HAS_SERVER = hasattr(thrifthive, "Server")
HAS_CLIENT = hasattr(thrifthive, "Client")

needs_server = pytest.mark.skipif(
    not HAS_SERVER, reason="thrifthive.Server (python/thrifthive/server.py) is not exported yet"
)
needs_client = pytest.mark.skipif(
    not HAS_CLIENT, reason="thrifthive.Client (python/thrifthive/client.py) is not exported yet"
)


@contextmanager
def hive_server(
    types: Any, *, multiplexed: bool, asynchronous: bool = False
) -> Iterator[tuple[Any, ThriftTestHandler]]:
    """thrifthive's server of ThriftTest on 127.0.0.1 (a free port), transport and protocol
    detected per connection, and its handler (for its oneway count). ``multiplexed`` registers
    the service as "ThriftTest" through ``services=`` with no default, so only
    ``ThriftTest:method`` names are answered; ``asynchronous`` serves ``async def`` methods."""
    inner = ThriftTestHandler(types, TException)
    handler: object = AsyncThriftTestHandler(inner) if asynchronous else inner
    server_cls: Any = thrifthive.Server  # type: ignore[attr-defined,unused-ignore]
    if multiplexed:
        server = server_cls(services={"ThriftTest": (types.ThriftTest, handler)}, port=0)
    else:
        server = server_cls(types.ThriftTest, handler, host="127.0.0.1", port=0)
    server.start()
    try:
        assert isinstance(server.port, int)
        assert server.port > 0
        yield server, inner
    finally:
        server.stop(grace=1.0)
