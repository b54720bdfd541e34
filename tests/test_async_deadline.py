"""Deadlines and their propagation with the AsyncClient: a chain of two thrifthive servers on
127.0.0.1, A's handlers (an ``async def`` one, and a sync one running its own loop) calling B
with an AsyncClient over THeader. B sees the caller's deadline, less what A spent, and the
metadata A forwarded; A's call is capped by the caller's deadline; once that has passed, A's
call fails at once, unsent."""

from __future__ import annotations

import asyncio
import json
import queue
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import thrifthive
from thrifthive.context import DEADLINE_HEADER
from thrifthive.exceptions import TApplicationException, TTransportException

from .support import run
from .test_deadline import ChainHandler, serve_chain

ASYNC_CHAIN_IDL = """
service Chain {
    // B: what the call brought ({"headers": ..., "remaining": seconds or null}), after a sleep.
    string describe(1: i32 sleep_ms)
    // A, async def: sleeps before_ms, then returns B's describe(sleep_ms) (an AsyncClient).
    string hop(1: i32 before_ms, 2: i32 sleep_ms)
    // A, sync: the same, on a loop of its own (asyncio.run).
    string hop_sync(1: i32 before_ms, 2: i32 sleep_ms)
    // A, async def: the same with a buffered AsyncClient, which has no room for headers.
    string hop_buffered(1: i32 before_ms, 2: i32 sleep_ms)
}
"""


class AsyncChainHandler(ChainHandler):
    """A: calls B (``downstream``) with an AsyncClient; each failure is queued with how long
    the call took."""

    async def hop(self, before_ms: int, sleep_ms: int) -> str:  # type: ignore[override]
        await asyncio.sleep(before_ms / 1000)
        return await self._describe(sleep_ms)

    def hop_sync(self, before_ms: int, sleep_ms: int) -> str:
        time.sleep(before_ms / 1000)
        return asyncio.run(self._describe(sleep_ms))

    async def hop_buffered(self, before_ms: int, sleep_ms: int) -> str:
        await asyncio.sleep(before_ms / 1000)
        return await self._describe(sleep_ms, header=False)

    async def _describe(self, sleep_ms: int, *, header: bool = True) -> str:
        assert self.downstream is not None
        options: dict[str, Any] = {"transport": "header", "headers": {"caller": "a"}}
        client = thrifthive.AsyncClient(
            self.chain.Chain, self.downstream, timeout=30, **(options if header else {})
        )
        started = time.monotonic()
        try:
            async with client:
                described: str = await client.describe(sleep_ms)
                return described
        except TTransportException as err:
            self.failures.put((err, time.monotonic() - started))
            raise


@pytest.fixture(scope="module")
def chain() -> ModuleType:
    return thrifthive.load_source(ASYNC_CHAIN_IDL, "async_deadline_chain")


@pytest.fixture(scope="module")
def servers(chain: ModuleType) -> Iterator[tuple[AsyncChainHandler, ChainHandler, str]]:
    with serve_chain(chain, lambda b: AsyncChainHandler(chain, b)) as running:
        yield running


def _drain(failures: queue.Queue[tuple[TTransportException, float]]) -> None:
    while not failures.empty():
        failures.get_nowait()


@pytest.mark.parametrize("hop", ["hop", "hop_sync"])
def test_the_deadline_and_metadata_travel_down_the_chain(
    loop_runner: asyncio.Runner,
    chain: ModuleType,
    servers: tuple[AsyncChainHandler, ChainHandler, str],
    hop: str,
) -> None:
    _, _, a = servers

    async def main() -> str:
        async with thrifthive.AsyncClient(
            chain.Chain, a, transport="header", timeout=5,
            headers={"trace-id": "t-42", "caller": "edge"},
        ) as client:  # fmt: skip
            described: str = await getattr(client, hop)(200, 0)
            return described

    seen = json.loads(run(loop_runner, main()))
    # B's remaining time: the caller's 5 s less A's 200 ms sleep, not A's client's 30 s.
    assert 4.0 < seen["remaining"] < 4.85
    headers = seen["headers"]
    # The caller's trace id is forwarded; A's client's own "caller" overrides the caller's.
    assert headers["trace-id"] == "t-42"
    assert headers["caller"] == "a"
    assert 4000 < int(headers[DEADLINE_HEADER]) < 4850


@pytest.mark.parametrize("hop", ["hop", "hop_sync", "hop_buffered"])
def test_a_deadline_that_passed_in_a_fails_fast_without_reaching_b(
    chain: ModuleType, servers: tuple[AsyncChainHandler, ChainHandler, str], hop: str
) -> None:
    a_handler, b_handler, a = servers
    _drain(a_handler.failures)
    described = b_handler.described
    with (
        thrifthive.Client(chain.Chain, a, transport="header", timeout=0.2) as client,
        pytest.raises(TTransportException) as timed_out,
    ):
        getattr(client, hop)(400, 0)
    assert timed_out.value.type == TTransportException.TIMED_OUT
    err, took = a_handler.failures.get(timeout=5)
    assert err.type == TTransportException.TIMED_OUT
    assert "the deadline of the request being handled passed" in str(err)
    assert "describe not sent" in str(err)
    assert took < 0.05
    assert b_handler.described == described


@pytest.mark.parametrize("hop", ["hop", "hop_buffered"])
def test_a_clients_timeout_is_capped_by_the_remaining_deadline(
    chain: ModuleType, servers: tuple[AsyncChainHandler, ChainHandler, str], hop: str
) -> None:
    """A's AsyncClient has a 30 s timeout, but gives up on B when the caller's 0.5 s run out,
    whether or not its transport can carry the deadline on to B."""
    a_handler, _, a = servers
    _drain(a_handler.failures)
    with (
        thrifthive.Client(chain.Chain, a, transport="header", timeout=0.5) as client,
        # The caller's own timeout, or A's answer that its call to B timed out: whichever
        # comes first, as both end at about the same time.
        pytest.raises((TTransportException, TApplicationException)),
    ):
        getattr(client, hop)(0, 2000)
    err, took = a_handler.failures.get(timeout=5)
    assert err.type == TTransportException.TIMED_OUT
    assert 0.3 < took < 1.0


def test_a_call_without_a_deadline_carries_none(
    loop_runner: asyncio.Runner,
    chain: ModuleType,
    servers: tuple[AsyncChainHandler, ChainHandler, str],
) -> None:
    a_handler, _, a = servers
    assert a_handler.downstream is not None
    downstream = a_handler.downstream

    async def main() -> tuple[str, str]:
        async with (
            thrifthive.AsyncClient(chain.Chain, downstream, transport="header") as b,
            thrifthive.AsyncClient(chain.Chain, a, transport="header", headers={"n": "1"}) as a_,
        ):
            return await b.describe(0), await a_.hop(0, 0)

    direct, through_a = (json.loads(s) for s in run(loop_runner, main()))
    assert direct["remaining"] is None
    assert DEADLINE_HEADER not in direct["headers"]
    # Through A, whose request has none, B sees the deadline of A's client's 30 s timeout.
    assert 29 < through_a["remaining"] <= 30
    assert through_a["headers"]["n"] == "1"
