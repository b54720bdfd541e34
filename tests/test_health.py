"""The health service every thrifthive.Server answers (thrifthive.health): statuses per service
and for the server, set_serving, the plain ``ping`` for health checkers, and
``thrifthive call ADDR health``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import thrifthive
from thrifthive import health
from thrifthive.server import Server

SERVICES: Any = thrifthive.load_source(
    """
    service Calc { i32 add(1: i32 a, 2: i32 b) }
    service Echo { string echo(1: string s), void ping() }
    """,
    "test_health_services",
)
Status = health.ServingStatus


class Calc:
    def add(self, a: int, b: int) -> int:
        return a + b


class Echo:
    def __init__(self) -> None:
        self.pinged = 0

    def echo(self, s: str) -> str:
        return s

    def ping(self) -> None:
        self.pinged += 1


@pytest.fixture
def server() -> Iterator[Server]:
    with Server(SERVICES.Calc, Calc(), port=0) as s:
        yield s


def health_client(server: Server) -> thrifthive.Client:
    return thrifthive.Client(
        health.module.Health, f"127.0.0.1:{server.port}", service_name=health.SERVICE_NAME
    )


def test_statuses_per_service_and_for_the_server(server: Server) -> None:
    with health_client(server) as client:
        assert client.check("").status == Status.SERVING
        assert client.check("Calc").status == Status.SERVING
        assert client.check("Nope").status == Status.SERVICE_UNKNOWN
        server.set_serving(False, "Calc")
        assert client.check("Calc").status == Status.NOT_SERVING
        assert client.check("").status == Status.SERVING
        server.set_serving(False)
        assert client.check("").status == Status.NOT_SERVING
        server.set_serving(True)
        assert client.check("Calc").status == Status.SERVING
        client.ping()
    with pytest.raises(ValueError, match="'Nope' is not served here"):
        server.set_serving(False, "Nope")


def test_plain_ping_for_health_checkers(server: Server) -> None:
    # A checker that knows no IDL calls "ping" by name and wants a reply.
    ping_only: Any = thrifthive.load_source("service Any { void ping() }", "test_health_any")
    with thrifthive.Client(ping_only.Any, f"127.0.0.1:{server.port}") as client:
        assert client.ping() is None
        # The service itself is untouched.
        assert thrifthive.Client(SERVICES.Calc, f"127.0.0.1:{server.port}").add(2, 3) == 5


def test_a_served_ping_is_the_services_own() -> None:
    echo = Echo()
    with (
        Server(services={"Calc": (SERVICES.Calc, Calc()), "Echo": (SERVICES.Echo, echo)},
               default="Echo", port=0) as server,
        thrifthive.Client(SERVICES.Echo, f"127.0.0.1:{server.port}") as client,
        health_client(server) as checker,
    ):  # fmt: skip
        client.ping()
        assert echo.pinged == 1
        assert [checker.check(name).status for name in ("", "Calc", "Echo")] == [Status.SERVING] * 3


def test_cli_health(server: Server) -> None:
    thrifthive_cli = Path(sys.executable).with_name("thrifthive")

    def call(*args: str) -> Any:
        done = subprocess.run(
            [str(thrifthive_cli), "call", f"127.0.0.1:{server.port}", "health", *args],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return json.loads(done.stdout)

    assert call() == {"status": "SERVING"}
    server.set_serving(False, "Calc")
    assert call('{"service": "Calc"}') == {"status": "NOT_SERVING"}
    assert call('{"service": "Nope"}') == {"status": "SERVICE_UNKNOWN"}
