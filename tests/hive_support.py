"""Helpers of the hive tests (registry, discovery, balancing; no tests here): a real etcd on
loopback, the ``Who`` service whose instances say who they are, and instances run in child
processes so that a test can SIGKILL one."""

from __future__ import annotations

import base64
import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import thrifthive
from thrifthive.exceptions import TException

from .support import REPO
from .test_client_servers import free_port

ETCD = shutil.which("etcd") or "/usr/bin/etcd"
who = thrifthive.load(Path(__file__).with_name("hive.thrift"))

_T = TypeVar("_T")


def wait_for(
    what: str, get: Callable[[], _T], ok: Callable[[_T], bool], timeout: float = 15.0
) -> _T:
    """Polls ``get()`` until ``ok`` says yes, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = get()
        if ok(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {value!r} after {timeout}s")
        time.sleep(0.05)


class Who:
    """An instance of the ``Who`` service named ``tag``."""

    def __init__(self, tag: str) -> None:
        self.tag = tag

    def whoami(self) -> str:
        return self.tag

    def slow(self, seconds: float) -> str:
        time.sleep(seconds)
        return self.tag


class Etcd:
    """A single-member etcd on loopback ports, its data in ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.peer_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        client = f"http://127.0.0.1:{self.port}"
        peer = f"http://127.0.0.1:{self.peer_port}"
        self.process = subprocess.Popen(
            [
                ETCD,
                "--name=hive-test",
                f"--data-dir={self.data_dir}",
                f"--listen-client-urls={client}",
                f"--advertise-client-urls={client}",
                f"--listen-peer-urls={peer}",
                f"--initial-advertise-peer-urls={peer}",
                f"--initial-cluster=hive-test={peer}",
                "--log-level=error",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for("etcd health", self._healthy, bool)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            process.kill()
            process.wait(10)

    def keys(self, prefix: str) -> list[str]:
        """The keys under ``prefix``, through etcd's JSON gateway (a test's own view)."""

        def b64(text: str) -> str:
            return base64.b64encode(text.encode()).decode()

        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        body = json.dumps({"key": b64(prefix), "range_end": b64(end)}).encode()
        url = f"http://127.0.0.1:{self.port}/v3/kv/range"
        with urllib.request.urlopen(url, body, timeout=5) as reply:
            kvs = json.load(reply).get("kvs", [])
        return [base64.b64decode(kv["key"]).decode() for kv in kvs]

    def enable_auth(self, password: str) -> None:
        """Turns on etcd's auth with user ``root`` (role root) and ``password``, through
        etcd's JSON gateway; from then on every client must log in."""
        for path, body in [
            ("auth/user/add", {"name": "root", "password": password}),
            ("auth/user/grant", {"user": "root", "role": "root"}),
            ("auth/enable", {}),
        ]:
            url = f"http://127.0.0.1:{self.port}/v3/{path}"
            with urllib.request.urlopen(url, json.dumps(body).encode(), timeout=5) as reply:
                reply.read()

    def _healthy(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.port}/health"
            with urllib.request.urlopen(url, timeout=1) as reply:
                return bool(json.load(reply).get("health") == "true")
        except OSError:
            return False


class Instance:
    """A ``Who`` server in a child process (``python -m tests.hive_support``), registered at
    ``registry`` as ``tag``."""

    def __init__(self, registry: str, tag: str, ttl: float = 2.0) -> None:
        self.tag = tag
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.hive_support", registry, tag, str(self.port), str(ttl)],
            cwd=REPO,
            stdin=subprocess.DEVNULL,
        )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: no deregistration, its lease expires."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self) -> None:
        """SIGTERM: a graceful stop, deregistering first."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def _serve(argv: list[str]) -> None:
    registry, tag, port, ttl = argv
    server = thrifthive.Server(
        who.Who,
        Who(tag),
        port=int(port),
        registry=registry,
        name="who",
        metadata={"tag": tag},
        registry_ttl=float(ttl),
        handler_threads=16,
    )
    server.serve()


def call_until(predicate: Callable[[Any], bool], call: Callable[[], Any]) -> Any:
    """Calls ``call`` until its result satisfies ``predicate``, failed calls ignored."""

    def attempt() -> Any:
        try:
            return call()
        except TException as exc:
            return exc

    return wait_for("calls", attempt, predicate)


if __name__ == "__main__":
    _serve(sys.argv[1:])
