"""Discovery without etcd, and balancing: ``static://`` and ``dns://`` sources, power of two
choices against round robin, for Client and AsyncClient (servers in this process)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest

import thrifthive
from thrifthive.exceptions import TTransportException

from .hive_support import Who, who
from .support import run


class Sleepy(Who):
    """An instance that takes its time over every call."""

    def whoami(self) -> str:
        time.sleep(0.05)
        return self.tag


@pytest.fixture
def servers() -> Iterator[dict[str, thrifthive.Server]]:
    """Instances "a", "b" and "c" on free ports; "slow" is a Sleepy one."""
    started = {
        tag: thrifthive.Server(who.Who, handler, port=0, handler_threads=16)
        for tag, handler in [
            ("a", Who("a")),
            ("b", Who("b")),
            ("c", Who("c")),
            ("slow", Sleepy("slow")),
        ]
    }
    for server in started.values():
        server.start()
    try:
        yield started
    finally:
        for server in started.values():
            server.stop(0.0)


def static(servers: dict[str, thrifthive.Server], *tags: str) -> str:
    return "static://" + ",".join(f"127.0.0.1:{servers[t].port}" for t in tags)


def test_round_robin_spreads_calls_evenly(servers: dict[str, thrifthive.Server]) -> None:
    with thrifthive.Client(who.Who, static(servers, "a", "b", "c"), balance="round_robin") as c:
        assert Counter(c.whoami() for _ in range(30)) == {"a": 10, "b": 10, "c": 10}


def test_power_of_two_choices_prefers_the_less_loaded_instance(
    servers: dict[str, thrifthive.Server],
) -> None:
    tags: Counter[str] = Counter()
    lock = threading.Lock()
    with thrifthive.Client(who.Who, static(servers, "a", "slow"), timeout=10) as client:

        def calls() -> None:
            for _ in range(25):
                tag = client.whoami()
                with lock:
                    tags[tag] += 1

        threads = [threading.Thread(target=calls) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert sum(tags.values()) == 100
    # Round robin would give each 50; the slow one holds its calls longer, so loses the draws.
    assert tags["a"] > 3 * tags["slow"], tags


def test_async_power_of_two_choices_prefers_the_less_loaded_instance(
    servers: dict[str, thrifthive.Server], loop_runner: asyncio.Runner
) -> None:
    async def main() -> Counter[str]:
        tags: Counter[str] = Counter()
        async with thrifthive.AsyncClient(who.Who, static(servers, "a", "slow")) as client:

            async def calls() -> None:
                for _ in range(25):
                    tags[await client.whoami()] += 1

            await asyncio.gather(*(calls() for _ in range(4)))
            assert client.in_flight == 0
        return tags

    tags = run(loop_runner, main())
    assert sum(tags.values()) == 100
    assert tags["a"] > 3 * tags["slow"], tags


def test_async_round_robin(
    servers: dict[str, thrifthive.Server], loop_runner: asyncio.Runner
) -> None:
    url = static(servers, "a", "b", "c")

    async def main() -> Counter[str]:
        async with thrifthive.AsyncClient(who.Who, url, balance="round_robin") as client:
            return Counter(await asyncio.gather(*(client.whoami() for _ in range(30))))

    assert run(loop_runner, main()) == {"a": 10, "b": 10, "c": 10}


def test_dns_names_resolve_to_their_addresses(servers: dict[str, thrifthive.Server]) -> None:
    port = servers["a"].port
    with thrifthive.Client(who.Who, f"dns://localhost:{port}") as client:
        assert client.whoami() == "a"
        assert client.addresses == [f"127.0.0.1:{port}"]


def test_async_dns(servers: dict[str, thrifthive.Server], loop_runner: asyncio.Runner) -> None:
    async def main() -> str:
        async with thrifthive.AsyncClient(who.Who, f"dns://localhost:{servers['b'].port}") as c:
            return str(await c.whoami())

    assert run(loop_runner, main()) == "b"


def test_an_instance_that_is_down_fails_its_calls_clearly(
    servers: dict[str, thrifthive.Server], loop_runner: asyncio.Runner
) -> None:
    port = servers["a"].port
    servers["a"].stop(0.0)
    url = f"static://127.0.0.1:{port}"
    note = f"the call went to 127.0.0.1:{port}, an instance of {url}"
    client = thrifthive.Client(who.Who, url)
    with pytest.raises(TTransportException, match="refused") as raised:
        client.whoami()
    # The note of the last attempt, those of the two retries before it, and how it ended.
    notes = raised.value.__notes__
    assert notes[0] == note
    assert len(notes) == 4
    assert notes[1].endswith(f"({note})")

    async def main() -> None:
        async with thrifthive.AsyncClient(who.Who, url) as client:
            with pytest.raises(TTransportException, match="refused") as raised:
                await client.whoami()
            assert raised.value.__notes__[0] == note
            assert raised.value.__notes__[-1] == "whoami failed after 3 attempts (2 retries)"
            assert client.in_flight == 0

    run(loop_runner, main())


@pytest.mark.parametrize(
    ("url", "balance", "message"),
    [
        ("static://", "p2c", "names no address"),
        ("static://127.0.0.1", "p2c", "host:port"),
        ("etcd://127.0.0.1:2379", "p2c", "a key prefix is missing"),
        ("etcds://127.0.0.1:2379/hive?ca=/nonexistent", "p2c", "cannot read ca=/nonexistent"),
        ("dns://localhost", "p2c", "dns://name:port"),
        ("consul://x/y", "p2c", "unknown discovery URL"),
        ("static://127.0.0.1:1", "random", "unknown balance"),
    ],
)
def test_bad_urls_and_balances(url: str, balance: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        thrifthive.Client(who.Who, url, balance=balance)
    with pytest.raises(ValueError, match=message):
        thrifthive.AsyncClient(who.Who, url, balance=balance)
