"""Deadlines and their propagation over THeader: a chain of two thrifthive servers on 127.0.0.1,
A's handler calling B with a Client. B sees the caller's deadline, less what A spent, and the
metadata A forwarded; a deadline that passes in A fails A's call to B at once, unsent; a call
without a deadline carries none."""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TypeVar

import pytest

import thrifthive
from thrifthive.context import DEADLINE_HEADER, RequestContext
from thrifthive.exceptions import TTransportException

CHAIN_IDL = """
service Chain {
    // B: what the call brought ({"headers": ..., "remaining": seconds or null}), after a sleep.
    string describe(1: i32 sleep_ms)
    // A: sleeps before_ms, then returns B's describe(sleep_ms), called with a Client.
    string hop(1: i32 before_ms, 2: i32 sleep_ms)
}
"""


class ChainHandler:
    def __init__(self, chain: ModuleType, downstream: str | None = None) -> None:
        self.chain = chain
        self.downstream = downstream
        self.described = 0
        self.failures: queue.Queue[tuple[TTransportException, float]] = queue.Queue()

    def describe(self, sleep_ms: int) -> str:
        self.described += 1
        time.sleep(sleep_ms / 1000)
        request = thrifthive.current_request()
        return json.dumps({"headers": dict(request.headers), "remaining": request.remaining()})

    def hop(self, before_ms: int, sleep_ms: int) -> str:
        time.sleep(before_ms / 1000)
        assert self.downstream is not None
        client = thrifthive.Client(
            self.chain.Chain, self.downstream, transport="header", timeout=30,
            headers={"caller": "a"},
        )  # fmt: skip
        started = time.monotonic()
        try:
            with client:
                described: str = client.describe(sleep_ms)
                return described
        except TTransportException as err:
            self.failures.put((err, time.monotonic() - started))
            raise


@pytest.fixture(scope="module")
def chain() -> ModuleType:
    return thrifthive.load_source(CHAIN_IDL, "deadline_chain")


_A = TypeVar("_A")


@contextmanager
def serve_chain(
    chain: ModuleType, make_a: Callable[[str], _A]
) -> Iterator[tuple[_A, ChainHandler, str]]:
    """B, then A (its handler made from B's address) calling B: their handlers and A's
    address."""
    b_handler = ChainHandler(chain)
    b = thrifthive.Server(chain.Chain, b_handler, port=0, handler_threads=2)
    b.start()
    a_handler = make_a(f"127.0.0.1:{b.port}")
    a = thrifthive.Server(chain.Chain, a_handler, port=0, handler_threads=2)
    a.start()
    try:
        yield a_handler, b_handler, f"127.0.0.1:{a.port}"
    finally:
        a.stop(grace=1.0)
        b.stop(grace=1.0)


@pytest.fixture(scope="module")
def servers(chain: ModuleType) -> Iterator[tuple[ChainHandler, ChainHandler, str]]:
    with serve_chain(chain, lambda b: ChainHandler(chain, b)) as running:
        yield running


def test_the_deadline_and_metadata_travel_down_the_chain(
    chain: ModuleType, servers: tuple[ChainHandler, ChainHandler, str]
) -> None:
    _, _, a = servers
    with thrifthive.Client(
        chain.Chain, a, transport="header", timeout=5,
        headers={"trace-id": "t-42", "caller": "edge"},
    ) as client:  # fmt: skip
        seen = json.loads(client.hop(200, 0))
    # B's remaining time: the caller's 5 s less A's 200 ms sleep, not A's client's 30 s.
    assert 4.0 < seen["remaining"] < 4.85
    headers = seen["headers"]
    # The caller's trace id is forwarded; A's client's own "caller" overrides the caller's.
    assert headers["trace-id"] == "t-42"
    assert headers["caller"] == "a"
    assert 4000 < int(headers[DEADLINE_HEADER]) < 4850


def test_a_deadline_that_passed_in_a_fails_fast_without_reaching_b(
    chain: ModuleType, servers: tuple[ChainHandler, ChainHandler, str]
) -> None:
    a_handler, b_handler, a = servers
    described = b_handler.described
    with (
        thrifthive.Client(chain.Chain, a, transport="header", timeout=0.2) as client,
        pytest.raises(TTransportException) as timed_out,
    ):
        client.hop(400, 0)
    assert timed_out.value.type == TTransportException.TIMED_OUT
    err, took = a_handler.failures.get(timeout=5)
    assert err.type == TTransportException.TIMED_OUT
    assert "the deadline of the request being handled passed" in str(err)
    assert took < 0.05
    assert b_handler.described == described


def test_a_clients_timeout_is_capped_by_the_remaining_deadline(
    chain: ModuleType, servers: tuple[ChainHandler, ChainHandler, str]
) -> None:
    """A's client has a 30 s timeout, but gives up on B when the caller's 0.5 s run out."""
    a_handler, _, a = servers
    with thrifthive.Client(chain.Chain, a, transport="header", timeout=5) as client:
        client = client.with_headers({DEADLINE_HEADER: "500"})  # overridden by the timeout
        # The caller's own header is replaced: its deadline is the 5 s timeout.
        assert json.loads(client.hop(0, 0))["remaining"] > 4
    with (
        thrifthive.Client(chain.Chain, a, transport="header", timeout=0.5) as client,
        pytest.raises(TTransportException),
    ):
        client.hop(0, 2000)
    err, took = a_handler.failures.get(timeout=5)
    assert err.type == TTransportException.TIMED_OUT
    assert 0.3 < took < 1.0


def test_a_call_without_a_deadline_carries_none(
    chain: ModuleType, servers: tuple[ChainHandler, ChainHandler, str]
) -> None:
    a_handler, _, a = servers
    assert a_handler.downstream is not None
    with thrifthive.Client(chain.Chain, a_handler.downstream, transport="header") as client:
        seen = json.loads(client.describe(0))
    assert seen["remaining"] is None
    assert DEADLINE_HEADER not in seen["headers"]
    # Through A, whose request has none, B sees the deadline of A's client's 30 s timeout.
    with thrifthive.Client(chain.Chain, a, transport="header", headers={"n": "1"}) as client:
        seen = json.loads(client.hop(0, 0))
    assert 29 < seen["remaining"] <= 30
    assert seen["headers"]["n"] == "1"


@pytest.mark.parametrize("value", ["", "-5", "1.5", "soon", "٣"])
def test_a_deadline_header_that_is_not_milliseconds_is_ignored(value: str) -> None:
    request = RequestContext({DEADLINE_HEADER: value})
    assert request.deadline is None
    assert request.remaining() is None


def test_the_deadline_is_a_monotonic_instant() -> None:
    before = time.monotonic()
    request = RequestContext({DEADLINE_HEADER: "1500"})
    assert request.deadline is not None
    assert before + 1.5 <= request.deadline <= time.monotonic() + 1.5
    remaining = request.remaining()
    assert remaining is not None
    assert 1.4 < remaining <= 1.5
    assert thrifthive.current_request().deadline is None
