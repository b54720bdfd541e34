"""Idle connections: a thrifthive.Server holding N idle client connections (default 10,000).

Prints the server's RSS before and with the connections open, and times one call over a new
connection while they are held (issue 4: 10,000 idle connections, RSS under 150 MB, still
answering). The server runs in its own process on 127.0.0.1; the file-descriptor limit of both
processes is raised to fit N.

    .venv/bin/python -m bench.idle_connections [N]
"""

from __future__ import annotations

import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import thrifthive

BENCH_IDL = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "bench.thrift"
PORT = 19555

SERVER = """
import resource, sys, thrifthive
n = int(sys.argv[1])
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (n + 1000, hard))
svc = thrifthive.load(sys.argv[2], module_name="bench_thrift")
class Users:
    def getUserById(self, user_id):
        return svc.User(id=user_id, username="u", email="e")
thrifthive.Server(svc.UserService, Users(), host="127.0.0.1", port=int(sys.argv[3]),
                  max_connections=n + 100).serve()
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def wait_listening(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the server did not listen on {port}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (n + 1000, hard))
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(n), str(BENCH_IDL), str(PORT)])
    try:
        wait_listening(PORT, time.monotonic() + 30)
        time.sleep(0.5)
        print(f"server RSS at start: {rss_mb(server.pid):.1f} MB")
        started = time.monotonic()
        held = [socket.create_connection(("127.0.0.1", PORT)) for _ in range(n)]
        print(f"opened {len(held)} idle connections in {time.monotonic() - started:.1f} s")
        time.sleep(2)
        print(f"server RSS with {n} idle connections: {rss_mb(server.pid):.1f} MB")
        svc = thrifthive.load(BENCH_IDL, module_name="bench_thrift")
        with thrifthive.Client(svc.UserService, f"127.0.0.1:{PORT}", timeout=5) as client:
            started = time.perf_counter()
            user = client.getUserById(7)
            elapsed_ms = (time.perf_counter() - started) * 1e3
        print(f"a call over a new connection: user {user.id} in {elapsed_ms:.2f} ms")
        for connection in held:
            connection.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
