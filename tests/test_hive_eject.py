"""Ejection of failing instances (circuit breaking) and retries that avoid the instance a call
failed on, for Client and AsyncClient over ``static://`` lists of real servers on loopback,
stopped and restarted on the same port. Ejections last 0.3 s here, so probes come quickly."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest

import thrifthive
from thrifthive.exceptions import TTransportException

from .hive_support import Who, who
from .support import run
from .test_client_servers import free_port

EJECT_FOR = 0.3


class Hive:
    """Instances of ``Who`` named "a", "b", ... on fixed ports, each stoppable and
    restartable on its port."""

    def __init__(self, tags: str) -> None:
        self.ports = {tag: free_port() for tag in tags}
        self.servers: dict[str, thrifthive.Server] = {}
        for tag in tags:
            self.start(tag)

    def start(self, tag: str) -> None:
        server = thrifthive.Server(who.Who, Who(tag), port=self.ports[tag])
        server.start()
        self.servers[tag] = server

    def stop(self, tag: str) -> None:
        self.servers.pop(tag).stop(0.0)

    def url(self) -> str:
        return "static://" + ",".join(f"127.0.0.1:{p}" for p in self.ports.values())

    def address(self, tag: str) -> str:
        return f"127.0.0.1:{self.ports[tag]}"

    def close(self) -> None:
        for server in self.servers.values():
            server.stop(0.0)


@pytest.fixture
def hive() -> Iterator[Hive]:
    started = Hive("abc")
    try:
        yield started
    finally:
        started.close()


def outcomes(call: Callable[[], str], count: int) -> list[str]:
    """``count`` calls: each the tag that answered, or "failed"."""
    results = []
    for _ in range(count):
        try:
            results.append(call())
        except TTransportException:
            results.append("failed")
    return results


def state_of(instances: list[thrifthive.client.InstanceState], address: str) -> dict[str, object]:
    (state,) = [i for i in instances if i["address"] == address]
    return dict(state)


def logged(caplog: pytest.LogCaptureFixture, text: str) -> bool:
    """Whether a line containing ``text`` reached Python's logging (the engine's lines cross
    over on a thread of their own: waits for it a little)."""
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        if any(text in r.getMessage() for r in caplog.records):
            return True
        time.sleep(0.02)
    return False


def test_a_stopped_instance_is_ejected_probed_and_back_when_restarted(
    hive: Hive, caplog: pytest.LogCaptureFixture
) -> None:
    client = thrifthive.Client(
        who.Who, hive.url(), balance="round_robin", retries=0, eject_after=3, eject_for=EJECT_FOR
    )
    b = hive.address("b")
    with client, caplog.at_level(logging.INFO, logger="thrifthive"):
        assert Counter(outcomes(client.whoami, 9)) == {"a": 3, "b": 3, "c": 3}
        hive.stop("b")
        # Its 3rd failure in a row ejects it; then every call goes to the others.
        assert Counter(outcomes(client.whoami, 9)) == {"a": 3, "c": 3, "failed": 3}
        assert Counter(outcomes(client.whoami, 30)) == {"a": 15, "c": 15}
        assert state_of(client.instances(), b) == {
            "address": b,
            "weight": 1,
            "in_flight": 0,
            "ejected": True,
            "failures": 3,
            "ejections": 1,
        }
        assert logged(caplog, f"{b} ejected from {hive.url()} for 0.3 s: 3 calls in a row failed")

        # Its time over, one call probes it; still down, it is ejected again, for 0.6 s.
        time.sleep(EJECT_FOR + 0.05)
        assert outcomes(client.whoami, 12).count("failed") == 1
        assert state_of(client.instances(), b)["ejections"] == 2
        assert logged(caplog, f"{b} ejected from {hive.url()} for 0.6 s: its probe call failed")

        hive.start("b")
        assert "b" not in outcomes(client.whoami, 6)
        time.sleep(2 * EJECT_FOR + 0.05)
        # The probe is answered: it takes its share again.
        assert Counter(outcomes(client.whoami, 30))["b"] >= 9
        state = state_of(client.instances(), b)
        assert (state["ejected"], state["failures"]) == (False, 0)
        assert logged(caplog, f"{b} is back in {hive.url()}: its probe call was answered")


def test_max_ejected_keeps_part_of_the_set_in() -> None:
    hive = Hive("abcd")
    try:
        for tag in "abc":
            hive.stop(tag)
        with thrifthive.Client(
            who.Who, hive.url(), retries=0, eject_after=2, eject_for=30, max_ejected=0.5
        ) as client:
            results = outcomes(client.whoami, 60)
            instances = client.instances()
    finally:
        hive.close()
    # Half of the four: two dead ones are out, the third stays in and keeps failing.
    assert sum(i["ejected"] for i in instances) == 2
    (kept,) = [i for i in instances if not i["ejected"] and i["address"] != hive.address("d")]
    assert kept["failures"] >= 2
    assert results.count("failed") > 4
    assert results.count("d") > 0


def test_every_instance_failing_still_tries_one() -> None:
    url = f"static://127.0.0.1:{free_port()},127.0.0.1:{free_port()}"
    with thrifthive.Client(who.Who, url, retries=0, eject_after=1, max_ejected=1.0) as client:
        for _ in range(6):
            with pytest.raises(TTransportException, match="connection refused"):
                client.whoami()
        assert sum(i["ejected"] for i in client.instances()) == 1
        assert sum(i["failures"] for i in client.instances()) == 6


def test_ejection_can_be_turned_off_and_settings_are_checked(hive: Hive) -> None:
    hive.stop("b")
    url = hive.url()
    with thrifthive.Client(who.Who, url, balance="round_robin", retries=0, eject_after=0) as c:
        assert outcomes(c.whoami, 30).count("failed") == 10
        assert not any(i["ejected"] for i in c.instances())
    with pytest.raises(ValueError, match="max_ejected must be a fraction"):
        thrifthive.Client(who.Who, hive.url(), max_ejected=2.0)
    with pytest.raises(ValueError, match="eject_for must be a positive number"):
        thrifthive.AsyncClient(who.Who, hive.url(), eject_for=0)
    with pytest.raises(ValueError, match=r"max_eject_for \(1s\) must be at least eject_for"):
        thrifthive.Client(who.Who, hive.url(), eject_for=10, max_eject_for=1)
    with thrifthive.Client(who.Who, hive.address("a")) as one:
        assert one.instances() == []


def test_a_retry_goes_to_another_instance() -> None:
    live = thrifthive.Server(who.Who, Who("live"), port=0)
    live.start()
    dead = f"127.0.0.1:{free_port()}"
    url = f"static://{dead},127.0.0.1:{live.port}"
    try:
        # Ejection off: only the retry's choice keeps calls off the dead instance. Power of
        # two choices would draw it again half the time.
        with thrifthive.Client(
            who.Who, url, retries=1, retry_budget=1.0, retry_backoff=0.0, eject_after=0
        ) as client:
            assert outcomes(client.whoami, 40) == ["live"] * 40
            assert client.retry_stats["retries"] >= 5
            (failing,) = [i for i in client.instances() if i["address"] == dead]
            assert failing["failures"] == client.retry_stats["retries"]
        with thrifthive.Client(who.Who, f"static://{dead}", retries=0) as client:
            with pytest.raises(TTransportException) as caught:
                client.whoami()
            assert caught.value.instance == dead
    finally:
        live.stop(0.0)


async def async_outcomes(client: thrifthive.AsyncClient, count: int) -> list[str]:
    results = []
    for _ in range(count):
        try:
            results.append(await client.whoami())
        except TTransportException:
            results.append("failed")
    return results


def test_async_client_ejects_probes_and_brings_back(
    hive: Hive, loop_runner: asyncio.Runner
) -> None:
    b = hive.address("b")

    async def main() -> None:
        async with thrifthive.AsyncClient(
            who.Who,
            hive.url(),
            balance="round_robin",
            retries=0,
            eject_after=3,
            eject_for=EJECT_FOR,
        ) as client:
            assert Counter(await async_outcomes(client, 9)) == {"a": 3, "b": 3, "c": 3}
            hive.stop("b")
            assert Counter(await async_outcomes(client, 9)) == {"a": 3, "c": 3, "failed": 3}
            assert Counter(await async_outcomes(client, 30)) == {"a": 15, "c": 15}
            state = state_of(client.instances(), b)
            assert (state["ejected"], state["failures"], state["ejections"]) == (True, 3, 1)
            hive.start("b")
            await asyncio.sleep(EJECT_FOR + 0.05)
            assert Counter(await async_outcomes(client, 30))["b"] >= 9
            state = state_of(client.instances(), b)
            assert (state["ejected"], state["failures"], state["in_flight"]) == (False, 0, 0)

    run(loop_runner, main())


def test_async_client_retries_elsewhere_and_keeps_max_ejected(
    hive: Hive, loop_runner: asyncio.Runner
) -> None:
    dead = f"127.0.0.1:{free_port()}"
    live = hive.address("a")

    async def main() -> None:
        async with thrifthive.AsyncClient(
            who.Who,
            f"static://{dead},{live}",
            retries=1,
            retry_budget=1.0,
            retry_backoff=0.0,
            eject_after=0,
        ) as client:
            assert await async_outcomes(client, 40) == ["a"] * 40
            assert client.retry_stats["retries"] >= 5
        all_dead = f"static://{dead},127.0.0.1:{free_port()}"
        async with thrifthive.AsyncClient(
            who.Who, all_dead, retries=0, eject_after=1, max_ejected=0.5
        ) as client:
            for _ in range(6):
                with pytest.raises(TTransportException) as caught:
                    await client.whoami()
                assert caught.value.instance in client.addresses
            assert sum(i["ejected"] for i in client.instances()) == 1

    run(loop_runner, main())
