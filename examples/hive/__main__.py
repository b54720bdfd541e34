"""``python -m examples.hive [--etcd HOST:PORT]`` (what ``make demo`` runs): starts the hive —
two instances of users, one of orders and one of edge, each a thrifthive.Server in a process of
its own on 127.0.0.1, SQLite in a temporary directory — waits until each answers its health
check, runs a scripted session against the edge that prints what happens, kills one users
instance (SIGKILL) and shows the calls going on (retried, the dead instance ejected), then
stops every service gracefully (SIGTERM) and exits.

The services find each other by static discovery (``static://`` lists of the instances'
addresses); given an etcd address, they register there and find each other through it
(``etcd://HOST:PORT/hive/users``) instead. Calls to users are balanced across its two
instances (power of two choices)."""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import thrifthive
from thrifthive import health

from .idl import edge, shared

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Service:
    """A service of the hive running in a child process."""

    def __init__(self, name: str, label: str, *args: str) -> None:
        self.name = name
        self.label = label
        self.port = free_port()
        self.metrics_port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "examples.hive.serve", name, "--port", str(self.port),
                   "--metrics-port", str(self.metrics_port), *args]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT)

    def wait_serving(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with thrifthive.Client(
                    health.module.Health, self.address, timeout=1.0,
                    connect_timeout=1.0, service_name=health.SERVICE_NAME,
                ) as checker:  # fmt: skip
                    if checker.check("").status == health.ServingStatus.SERVING:
                        return
            except thrifthive.exceptions.TTransportException:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} did not start within {timeout} s")
            time.sleep(0.1)

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=30)


def where(name: str, instances: list[Service], etcd: str | None) -> str:
    """How the others reach `name`: through etcd, or a static list of its instances."""
    if etcd is not None:
        return f"etcd://{etcd}/hive/{name}"
    return "static://" + ",".join(instance.address for instance in instances)


@contextmanager
def hive(data: Path, etcd: str | None) -> Iterator[dict[str, Service]]:
    services: dict[str, Service] = {}
    registry = ["--registry", f"etcd://{etcd}/hive"] if etcd else []
    try:
        for label in ("users-1", "users-2"):
            services[label] = Service("users", label, "--data", str(data), *registry)
        users = where("users", [services["users-1"], services["users-2"]], etcd)
        services["orders"] = Service(
            "orders", "orders", "--data", str(data), "--users", users, *registry
        )
        orders = where("orders", [services["orders"]], etcd)
        services["edge"] = Service("edge", "edge", "--users", users, "--orders", orders, *registry)
        for service in services.values():
            service.wait_serving()
            say(f"{service.label:>7} serving on {service.address}")
        say(f"users are found at {users}")
        yield services
    finally:
        for service in reversed(services.values()):
            code = service.stop()
            how = f"exit status {code}" if code >= 0 else f"had been killed by signal {-code}"
            say(f"{service.label:>7} stopped ({how})")


def say(line: str) -> None:
    print(line, flush=True)


def session(client: Any, services: dict[str, Service]) -> None:
    say("\n-- a session against the edge")
    alice = client.signUp("alice", "alice@example.com")
    bob = client.signUp("bob", "bob@example.com")
    say(f"signUp alice -> user {alice}; signUp bob -> user {bob}")
    try:
        client.signUp("alice", "other@example.com")
    except shared.InvalidRequest as e:
        say(f"signUp alice again -> InvalidRequest: {e.message} (field {e.field})")
    book = client.buy(alice, "book", 2)
    tea = client.buy(bob, "tea", 1)
    client.buy(alice, "lamp", 1)
    say(f"buy -> order {book.id}: {book.quantity} x {book.item}; order {tea.id}: {tea.item}")
    try:
        client.buy(999, "ghost", 1)
    except shared.NotFound as e:
        say(f"buy for user 999 -> NotFound from the users service, via orders: {e.message}")
    profile = client.profile(alice)
    items = ", ".join(f"{o.quantity} x {o.item}" for o in profile.orders)
    say(f"profile alice -> {profile.user.username} <{profile.user.email}>, "
        f"{profile.user.status.name}, orders: {items}")  # fmt: skip

    say("\n-- calls each service handled, by outcome (from its /metrics page)")
    for service in services.values():
        counts = [
            f"{labels['thrift_method']} {labels['thrift_code']} x{count}"
            for name, labels, count in samples(scrape(service))
            if name == "thrift_server_handled_total"
            and labels["thrift_service"] != health.SERVICE_NAME
        ]
        say(f"{service.label:>7}: " + ", ".join(counts))


def failover(client: Any, services: dict[str, Service], user_id: int, calls: int = 40) -> None:
    """Kills users-1 and keeps calling: getUserById is marked (hive.idempotent), so a call
    that failed on the dead instance is sent again to the other one, and the edge's client
    ejects the dead instance after a few failures in a row. Each call's first attempt goes to
    either instance at random, and ejection takes 5 of them on the dead one: over 20 calls
    that fell short about once in 170 runs, over 40 once in millions."""
    say("\n-- users-1 is killed (SIGKILL); the edge keeps calling users")
    services["users-1"].process.kill()
    services["users-1"].process.wait()
    answered = 0
    for _ in range(calls):
        if client.profile(user_id).user.id == user_id:
            answered += 1
    say(f"profile x{calls} -> {answered} answered")
    page = scrape(services["edge"])
    outcomes = [
        f"{labels['thrift_code']} x{count}"
        for name, labels, count in samples(page)
        if name == "thrift_client_handled_total" and labels["thrift_method"] == "getUserById"
    ]
    retries = sum(
        int(float(count))
        for name, labels, count in samples(page)
        if name == "thrift_client_retries_total" and labels["thrift_method"] == "getUserById"
    )
    say(f"the edge's getUserById attempts (client metrics): {', '.join(outcomes)}; "
        f"retries x{retries}")  # fmt: skip


def scrape(service: Service) -> str:
    url = f"http://127.0.0.1:{service.metrics_port}/metrics"
    with urllib.request.urlopen(url, timeout=5) as response:
        page: str = response.read().decode()
    return page


def samples(page: str) -> Iterator[tuple[str, dict[str, str], str]]:
    """The samples of a Prometheus page: name, labels, value."""
    for line in page.splitlines():
        match = re.fullmatch(r"(\w+)\{(.*)\} (\S+)", line)
        if match is not None:
            yield match[1], dict(re.findall(r'(\w+)="([^"]*)"', match[2])), match[3]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.hive")
    parser.add_argument("--etcd", metavar="HOST:PORT", help="register and discover through etcd")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="thrifthive-hive-") as data:
        say(f"-- starting the hive (SQLite in {data})")
        with hive(Path(data), args.etcd) as services:
            with thrifthive.Client(edge.Edge, services["edge"].address, timeout=10) as client:
                session(client, services)
                failover(client, services, user_id=1)
            say("\n-- stopping the hive")
    return 0


if __name__ == "__main__":
    sys.exit(main())
