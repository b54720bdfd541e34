"""The hive with a real etcd on loopback: servers register under leases, clients watch and
balance across them; an instance killed with SIGKILL leaves within its lease's TTL, a new one
takes load, and calls keep flowing while etcd is down and after it returns."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import thrifthive
from thrifthive.exceptions import TTransportException

from .hive_support import Etcd, Instance, Who, call_until, wait_for, who
from .support import run
from .test_client_servers import free_port

TTL = 2.0
# How long an instance may stay in a client's set after it died: its lease's TTL, plus etcd's
# expiry check and the watch's delivery.
GONE_WITHIN = TTL + 3.0


@pytest.fixture
def etcd(tmp_path: Path) -> Iterator[Etcd]:
    server = Etcd(tmp_path / "etcd")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_server_registers_while_it_runs(etcd: Etcd) -> None:
    registry = f"etcd://{etcd.endpoint}/hive"
    server = thrifthive.Server(who.Who, Who("a"), port=0, registry=registry, registry_ttl=TTL)
    server.start()
    try:
        # Named after its service by default.
        keys = wait_for("registered", lambda: etcd.keys("/hive/Who/"), lambda k: len(k) == 1)
        assert server.registry is not None
        assert server.registry.key == keys[0]
        with thrifthive.Client(who.Who, f"etcd://{etcd.endpoint}/hive/Who") as client:
            assert client.whoami() == "a"
            assert client.addresses == [f"127.0.0.1:{server.port}"]
    finally:
        server.stop()
    # Deregistered at the start of the stop: gone at once, not after the TTL.
    assert etcd.keys("/hive/Who/") == []


def test_several_members_and_a_password(etcd: Etcd) -> None:
    """A cluster URL lists its members (one down here) and logs in; a client's repr keeps the
    password to itself."""
    etcd.enable_auth("pa:ss")
    members = f"root:pa%3Ass@127.0.0.1:{free_port()},{etcd.endpoint}"
    registry = f"etcd://{members}/hive"
    server = thrifthive.Server(who.Who, Who("a"), port=0, registry=registry, registry_ttl=TTL)
    server.start()
    try:
        with thrifthive.Client(who.Who, f"etcd://{members}/hive/Who") as client:
            assert call_until(lambda reply: reply == "a", client.whoami) == "a"
            assert "pa%3Ass" not in repr(client)
            assert "root:***@" in repr(client)
        # Without the password, nothing is found.
        stranger = thrifthive.Client(who.Who, f"etcd://{etcd.endpoint}/hive/Who", connect_timeout=1)
        with stranger, pytest.raises(TTransportException, match="no instance"):
            stranger.whoami()
    finally:
        server.stop()


def test_a_server_keeps_serving_without_etcd_and_registers_when_it_comes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="thrifthive")
    etcd = Etcd(tmp_path / "etcd")
    registry = f"etcd://{etcd.endpoint}/hive"
    server = thrifthive.Server(who.Who, Who("a"), port=0, registry=registry, name="who")
    server.start()
    try:
        with thrifthive.Client(who.Who, f"127.0.0.1:{server.port}") as client:
            assert client.whoami() == "a"
        wait_for("logged", lambda: caplog.text, lambda t: "cannot register in etcd" in t)
        etcd.start()
        wait_for("registered", lambda: etcd.keys("/hive/who/"), lambda k: len(k) == 1)
        wait_for("logged", lambda: caplog.text, lambda t: "registered again" in t)
    finally:
        server.stop()
        etcd.stop()


def test_no_instance_is_a_clear_error() -> None:
    url = f"etcd://127.0.0.1:{free_port()}/hive/none"
    client = thrifthive.Client(who.Who, url, connect_timeout=1.0)
    with pytest.raises(TTransportException, match="no instance of the service is known"):
        client.whoami()


def test_three_instances_under_load_one_killed_one_added_etcd_stopped(
    etcd: Etcd, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="thrifthive")
    registry = f"etcd://{etcd.endpoint}/hive"
    url = f"{registry}/who"
    instances = [Instance(registry, tag, TTL) for tag in "abc"]
    try:
        with thrifthive.Client(who.Who, url, timeout=10) as client:
            addresses = {i.address for i in instances}
            wait_for("three instances", lambda: set(client.addresses), addresses.__eq__)
            # Under load: every instance takes calls.
            assert set(calls(client, 8, 40)) == {"a", "b", "c"}

            # SIGKILL with calls in flight on every instance (round robin: two each).
            rr = thrifthive.Client(who.Who, url, timeout=10, balance="round_robin")
            results: list[object] = []
            threads = [
                threading.Thread(target=lambda: results.append(slow(rr, 2.0))) for _ in range(6)
            ]
            for thread in threads:
                thread.start()
            threading.Event().wait(1.0)
            killed, instances = instances[0], instances[1:]
            killed.kill()
            for thread in threads:
                thread.join(15)
            failed = [r for r in results if isinstance(r, Exception)]
            assert len(results) == 6
            assert len(failed) == 2, results
            for failure in failed:
                # Clearly: a transport error, noting the instance it was in flight on.
                assert isinstance(failure, TTransportException), failed
                assert failure.__notes__ == [
                    f"the call went to {killed.address}, an instance of {url}"
                ]
            assert sorted(r for r in results if isinstance(r, str)) == ["b", "b", "c", "c"]
            rr.close()

            # Gone within the lease's TTL; the others carry on.
            addresses.remove(killed.address)
            wait_for(
                "the killed one gone", lambda: set(client.addresses), addresses.__eq__, GONE_WITHIN
            )
            assert set(calls(client, 4, 20)) == {"b", "c"}

            # A new instance is found and takes load within seconds.
            instances.append(Instance(registry, "d", TTL))
            call_until(lambda tag: tag == "d", client.whoami)
            assert set(calls(client, 8, 40)) == {"b", "c", "d"}

            # etcd stops: calls keep flowing to the known instances.
            etcd.stop()
            assert set(calls(client, 8, 40)) == {"b", "c", "d"}
            lost = "keeping the 3 known instances"
            wait_for("logged", lambda: caplog.text, lambda t: lost in t)
            assert set(calls(client, 8, 40)) == {"b", "c", "d"}

            # etcd returns: the client watches again and finds a new instance.
            etcd.start()
            instances.append(Instance(registry, "e", TTL))
            call_until(lambda tag: tag == "e", client.whoami)
            assert "is back" in caplog.text
            assert set(calls(client, 8, 40)) == {"b", "c", "d", "e"}
    finally:
        for instance in instances:
            instance.terminate()


def test_async_client_follows_the_instances(etcd: Etcd, loop_runner: asyncio.Runner) -> None:
    registry = f"etcd://{etcd.endpoint}/hive"
    servers = [
        thrifthive.Server(who.Who, Who(tag), port=0, registry=registry, name="who") for tag in "ab"
    ]
    for server in servers:
        server.start()
    try:

        async def main() -> None:
            async with thrifthive.AsyncClient(who.Who, f"{registry}/who") as client:
                await asyncio.to_thread(wait_for, "two", lambda: len(client.addresses), (2).__eq__)
                tags = await asyncio.gather(*(client.whoami() for _ in range(40)))
                assert set(tags) == {"a", "b"}
                # A graceful stop deregisters first: the client drops it, nothing fails.
                await servers[0].stop_async()
                await asyncio.to_thread(wait_for, "one", lambda: len(client.addresses), (1).__eq__)
                assert set(await asyncio.gather(*(client.whoami() for _ in range(20)))) == {"b"}

        run(loop_runner, main())
    finally:
        for server in servers:
            server.stop(0.0)


def test_async_client_with_an_instance_killed(etcd: Etcd, loop_runner: asyncio.Runner) -> None:
    registry = f"etcd://{etcd.endpoint}/hive"
    url = f"{registry}/who"
    instances = [Instance(registry, tag, TTL) for tag in "ab"]
    killed = instances[0]
    try:

        async def main() -> None:
            async with thrifthive.AsyncClient(who.Who, url, balance="round_robin") as client:
                everyone = {i.address for i in instances}
                await asyncio.to_thread(
                    wait_for, "two", lambda: set(client.addresses), everyone.__eq__
                )
                # Three calls in flight on each instance, then one is killed.
                slow = [asyncio.ensure_future(client.slow(2.0)) for _ in range(6)]
                await asyncio.sleep(1.0)
                await asyncio.to_thread(killed.kill)
                results = await asyncio.gather(*slow, return_exceptions=True)
                failed = [r for r in results if isinstance(r, BaseException)]
                assert [r for r in results if isinstance(r, str)] == ["b"] * 3
                assert len(failed) == 3
                for failure in failed:
                    assert isinstance(failure, TTransportException), failed
                    assert killed.address in failure.__notes__[0]
                await asyncio.to_thread(
                    wait_for,
                    "the killed one gone",
                    lambda: client.addresses,
                    [instances[1].address].__eq__,
                    GONE_WITHIN,
                )
                assert set(await asyncio.gather(*(client.whoami() for _ in range(20)))) == {"b"}
                assert client.in_flight == 0

        run(loop_runner, main())
    finally:
        for instance in instances:
            instance.terminate()


def calls(client: thrifthive.Client, threads: int, each: int) -> Counter[str]:
    """``threads`` threads making ``each`` calls; the tags that answered (all must)."""
    tags: Counter[str] = Counter()
    lock = threading.Lock()

    def work() -> None:
        for _ in range(each):
            tag = client.whoami()
            with lock:
                tags[tag] += 1

    running = [threading.Thread(target=work) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(30)
    assert sum(tags.values()) == threads * each, tags
    return tags


def slow(client: thrifthive.Client, seconds: float) -> object:
    try:
        return client.slow(seconds)
    except TTransportException as exc:
        return exc
