"""Client metrics (thrifthive.metrics): Client and AsyncClient count each attempt of a call by
service, method and outcome, and each retry, in the process's registry; the page parses with
Prometheus' own parser and is served by a Server's /metrics and by metrics.serve()."""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

import thrifthive
from thrifthive import metrics
from thrifthive.exceptions import TApplicationException, TTransportException

from .support import run
from .test_client_servers import free_port

SVC: Any = thrifthive.load_source(
    """
    exception Nope { 1: string why }
    service ClientMetered {
      i32 half(1: i32 n) throws (1: Nope nope),
      i32 nothing(),
      void slow(1: double seconds),
      oneway void poke(),
    }
    """,
    "test_client_metrics_svc",
)


class Handler:
    def half(self, n: int) -> int:
        if n < 0:
            raise SVC.Nope(why="negative")
        if n % 2:
            raise ValueError("odd")
        return n // 2

    def nothing(self) -> None:
        return None  # for an i32 method: the reply holds no value (MISSING_RESULT)

    def slow(self, seconds: float) -> None:
        time.sleep(seconds)

    def poke(self) -> None:
        pass


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(page: str) -> Samples:
    """Every sample of ``page`` by name and labels, read by Prometheus' own text parser (which
    raises on a malformed page); the families' types checked on the way."""
    samples: Samples = {}
    for family in text_string_to_metric_families(page):
        if family.name.startswith("thrift_"):
            seconds = family.name.endswith("_handling_seconds")
            assert family.type == ("histogram" if seconds else "counter"), family
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def call_labels(method: str, kind: str = "call") -> dict[str, str]:
    return {"thrift_type": kind, "thrift_service": "ClientMetered", "thrift_method": method}


class Delta:
    """What the client metrics of ``ClientMetered`` counted between two pages."""

    def __init__(self, before: str, after: str) -> None:
        self.before, self.after = parse(before), parse(after)

    def __call__(self, name: str, method: str, kind: str = "call", **extra: str) -> float:
        key = (name, frozenset({**call_labels(method, kind), **extra}.items()))
        return self.after.get(key, 0.0) - self.before.get(key, 0.0)

    def handled(self, method: str, kind: str = "call") -> dict[str, float]:
        """The outcomes counted for ``method``, by code (those that moved)."""
        labels = call_labels(method, kind).items()
        codes: dict[str, float] = {}
        for (name, found), value in self.after.items():
            if name == "thrift_client_handled_total" and labels <= found:
                code = dict(found)["thrift_code"]
                moved = value - self.before.get((name, found), 0.0)
                if moved:
                    codes[code] = moved
        return codes


@pytest.fixture(scope="module")
def server() -> Iterator[thrifthive.Server]:
    with thrifthive.Server(SVC.ClientMetered, Handler(), port=0, metrics_port=0) as server:
        yield server


def scrape(port: int | None) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        assert response.status == 200
        page: str = response.read().decode()
        return page


def assert_counted(delta: Delta, *, cancelled: bool = False) -> None:
    """What the tests below call, counted: each attempt a call, each retry a retry."""
    assert delta.handled("half") == {
        "OK": 2,
        "Nope": 1,  # a declared exception: its name, as the server counts it
        "INTERNAL_ERROR": 1,  # the TApplicationException the server sent
        "NOT_OPEN": 3,  # could not connect: the first attempt and 2 retries
    }
    assert delta("thrift_client_started_total", "half") == 7
    assert delta("thrift_client_handling_seconds_count", "half") == 7
    assert delta("thrift_client_handling_seconds_bucket", "half", le="+Inf") == 7
    assert delta("thrift_client_handling_seconds_sum", "half") > 0
    assert delta("thrift_client_retries_total", "half") == 2
    assert delta.handled("nothing") == {"MISSING_RESULT": 1}
    assert delta.handled("poke", "oneway") == {"OK": 1}
    expected_slow = {"TIMED_OUT": 1, "CANCELLED": 1} if cancelled else {"TIMED_OUT": 1}
    assert delta.handled("slow") == expected_slow
    assert delta("thrift_client_retries_total", "slow") == 0  # not idempotent: never retried


def test_client_counts_each_call_by_outcome(server: thrifthive.Server) -> None:
    before = scrape(server.metrics_port)
    address = f"127.0.0.1:{server.port}"
    with thrifthive.Client(SVC.ClientMetered, address) as client:
        assert client.half(4) == 2
        assert client.half(8) == 4
        with pytest.raises(SVC.Nope):
            client.half(-1)
        with pytest.raises(TApplicationException, match="odd"):
            client.half(3)
        with pytest.raises(TApplicationException) as missing:
            client.nothing()
        assert missing.value.type == TApplicationException.MISSING_RESULT
        client.poke()
    with thrifthive.Client(SVC.ClientMetered, address, timeout=0.05) as impatient:
        with pytest.raises(TTransportException) as timed_out:
            impatient.slow(0.5)
        assert timed_out.value.type == TTransportException.TIMED_OUT
    dead = thrifthive.Client(SVC.ClientMetered, f"127.0.0.1:{free_port()}", retry_backoff=0.0)
    with pytest.raises(TTransportException):
        dead.half(1)
    # The server's own /metrics page shows the process's client metrics too.
    assert_counted(Delta(before, scrape(server.metrics_port)))


def test_async_client_counts_as_the_blocking_one_does(
    server: thrifthive.Server, loop_runner: asyncio.Runner
) -> None:
    before = metrics.render()
    address = f"127.0.0.1:{server.port}"

    async def main() -> None:
        async with thrifthive.AsyncClient(SVC.ClientMetered, address, timeout=5.0) as client:
            assert list(await asyncio.gather(client.half(4), client.half(8))) == [2, 4]
            with pytest.raises(SVC.Nope):
                await client.half(-1)
            with pytest.raises(TApplicationException, match="odd"):
                await client.half(3)
            with pytest.raises(TApplicationException):
                await client.nothing()
            await client.poke()
            with pytest.raises(TTransportException) as timed_out:
                await client.with_timeout(0.05).slow(0.5)
            assert timed_out.value.type == TTransportException.TIMED_OUT
            given_up = asyncio.ensure_future(client.slow(0.5))
            await asyncio.sleep(0.05)
            given_up.cancel()
            with pytest.raises(asyncio.CancelledError):
                await given_up
        dead = f"127.0.0.1:{free_port()}"
        async with thrifthive.AsyncClient(SVC.ClientMetered, dead, retry_backoff=0.0) as client:
            with pytest.raises(TTransportException):
                await client.half(1)

    run(loop_runner, main())
    assert_counted(Delta(before, metrics.render()), cancelled=True)


def test_a_client_only_process_serves_its_metrics() -> None:
    dead = thrifthive.Client(SVC.ClientMetered, f"127.0.0.1:{free_port()}", retries=0)
    with pytest.raises(TTransportException):
        dead.nothing()
    with metrics.serve() as endpoint:
        assert endpoint.port > 0
        page = scrape(endpoint.port)
        key = (
            "thrift_client_handled_total",
            frozenset({**call_labels("nothing"), "thrift_code": "NOT_OPEN"}.items()),
        )
        assert parse(page)[key] >= 1
        with pytest.raises(OSError, match="cannot serve metrics on "):
            metrics.serve(endpoint.port)  # taken
    deadline = time.monotonic() + 10
    while True:  # closed: the port stops answering once the task has stopped
        try:
            scrape(endpoint.port)
        except OSError:  # refused, or reset as the listener goes
            break
        assert time.monotonic() < deadline, "still served after close()"
        time.sleep(0.05)
