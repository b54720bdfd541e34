"""``thrifthive serve module:attr``: runs a Server until SIGINT or SIGTERM, then drains."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from .support import THRIFTHIVE, RunCli
from .test_server import BENCH_IDL, Conn, Users

APP = f"""
import os
import threading

import thrifthive

svc = thrifthive.load({str(BENCH_IDL)!r})


class Users:
    def getUserById(self, user_id):
        # The OS name of the thread answering: thrifthive-io or thrifthive-py-N.
        with open(f"/proc/self/task/{{threading.get_native_id()}}/comm") as comm:
            return svc.User(id=user_id, username=comm.read().strip(), email="e")

    def ping(self):
        pass

    def listUsers(self, offset, limit):
        return svc.UserPage(users=[], total=os.getpid())


def make():
    return thrifthive.Server(svc.UserService, Users(), unix_socket="users.sock")


tcp = thrifthive.Server(svc.UserService, Users())
"""


@pytest.mark.parametrize(
    ("signum", "options", "answered_on"),
    [
        (signal.SIGINT, [], "thrifthive-py-"),
        (signal.SIGTERM, [], "thrifthive-py-"),
        (signal.SIGTERM, ["--handler-threads", "0", "--io-threads", "2"], "thrifthive-io"),
    ],
    ids=["SIGINT", "SIGTERM", "handler-threads-0"],
)
def test_serve_answers_then_stops_on_a_signal(
    tmp_path: Path, signum: signal.Signals, options: list[str], answered_on: str
) -> None:
    (tmp_path / "app.py").write_text(APP)
    proc = subprocess.Popen(
        [str(THRIFTHIVE), "serve", "app:make", *options],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        path = tmp_path / "users.sock"
        deadline = time.monotonic() + 20
        while not path.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(path))
        conn = Conn(sock)
        user = conn.call("getUserById", Users.getUserById_args(user_id=3)).body.success
        assert (user.id, user.username[: len(answered_on)]) == (3, answered_on)
        conn.close()
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=20)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, stderr
    assert f"{signum.name}: stopping" in stderr
    assert "server stopped" in stderr


def test_serve_rejects_what_is_not_a_server(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "app.py").write_text("thing = 42\n")
    result = run_cli("serve", "app:thing", cwd=tmp_path)
    assert result.returncode == 2
    assert "app:thing is not a thrifthive.Server (got int)" in result.stderr
    result = run_cli("serve", "app", cwd=tmp_path)
    assert result.returncode == 2
    assert "expected MODULE:ATTR" in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_workers_share_the_port(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    port = free_port()
    proc = subprocess.Popen(
        [str(THRIFTHIVE), "serve", "app:tcp", "--port", str(port), "--workers", "2"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    pids: set[int] = set()
    try:
        deadline = time.monotonic() + 20
        while len(pids) < 2 and time.monotonic() < deadline and proc.poll() is None:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=1)
            except ConnectionRefusedError:
                time.sleep(0.05)
                continue
            conn = Conn(sock)
            pids.add(
                conn.call("listUsers", Users.listUsers_args(offset=0, limit=0)).body.success.total
            )
            conn.close()
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=20)
    finally:
        proc.kill()
        proc.wait()
    assert len(pids) == 2, stderr
    assert proc.returncode == 0, stderr
    assert stderr.count("server stopped") == 2


def test_serve_refuses_a_negative_thread_count(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "app.py").write_text(APP)
    result = run_cli("serve", "app:tcp", "--handler-threads", "-1", cwd=tmp_path)
    assert result.returncode == 2
    assert "--handler-threads must be 0 or more, got -1" in result.stderr


def test_serve_workers_need_a_port(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "app.py").write_text(APP)
    result = run_cli("serve", "app:tcp", "--port", "0", "--workers", "2", cwd=tmp_path)
    assert result.returncode == 2
    assert "workers > 1 share a TCP port" in result.stderr
