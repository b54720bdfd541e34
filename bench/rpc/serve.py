"""One Python server of the RPC benchmark, run in a process of its own:

    python -m bench.rpc.serve thrifthive|thrifthive-async|thrifthive-inline|thriftpy2|apache PORT

Every server answers ``getUserById`` with the same User and ``listUsers`` with the same page of
100 Users, built once from the fixed-seed workload (bench/workload.py) before serving
(``thrifthive-async``: from ``async def`` methods; ``thrifthive-inline``: with
``handler_threads=0, io_threads=2``, answered on the two IO threads). It listens on
127.0.0.1:PORT, buffered binary, and serves until SIGTERM.
"""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any

from ..workload import BENCH_IDL, make_page


def _user_kwargs(u: dict[str, Any], address: Any) -> dict[str, Any]:
    a = u["address"]
    return {
        "id": u["id"],
        "username": u["username"],
        "email": u["email"],
        "tags": list(u["tags"]),
        "counters": dict(u["counters"]),
        "address": address(**a) if a is not None else None,
        "score": u["score"],
        "avatar": u["avatar"],
        "active": u["active"],
    }


class Handler:
    """The same handler for every server: prebuilt replies, no work per call."""

    def __init__(self, user: Any, page: Any) -> None:
        self.user = user
        self.page = page

    def ping(self) -> None:
        return None

    def getUserById(self, user_id: int) -> Any:
        return self.user

    def listUsers(self, offset: int, limit: int) -> Any:
        return self.page


def _stop_on_sigterm(stop: Any) -> None:
    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop()

    signal.signal(signal.SIGTERM, on_signal)


class AsyncHandler:
    """The same replies from ``async def`` methods."""

    def __init__(self, user: Any, page: Any) -> None:
        self.user = user
        self.page = page

    async def ping(self) -> None:
        return None

    async def getUserById(self, user_id: int) -> Any:
        return self.user

    async def listUsers(self, offset: int, limit: int) -> Any:
        return self.page


def serve_thrifthive(port: int, handler_class: type = Handler, **options: Any) -> None:
    import thrifthive

    svc: Any = thrifthive.load(str(BENCH_IDL), module_name="bench_rpc_thrifthive")
    data = make_page()
    users = [
        svc.User(status=svc.Status(u["status"]), **_user_kwargs(u, svc.Address))
        for u in data["users"]
    ]
    page = svc.UserPage(users=users, total=data["total"])
    handler = handler_class(users[0], page)
    # Defaults (but `options`), as a user writes it; serve() stops gracefully on SIGTERM.
    server = thrifthive.Server(svc.UserService, handler, host="127.0.0.1", port=port, **options)
    server.serve()


def serve_thriftpy2(port: int) -> None:
    import thriftpy2
    from thriftpy2.rpc import make_server

    t: Any = thriftpy2.load(str(BENCH_IDL), module_name="bench_rpc_tp2_thrift")
    data = make_page()
    users = [t.User(status=u["status"], **_user_kwargs(u, t.Address)) for u in data["users"]]
    page = t.UserPage(users=users, total=data["total"])
    # make_server: a TThreadedServer (a thread per connection), the Cython binary protocol and
    # buffered transport by default. Left as it is: no TCP_NODELAY.
    server = make_server(t.UserService, Handler(users[0], page), host="127.0.0.1", port=port)
    _stop_on_sigterm(lambda: os._exit(0))
    server.serve()


def serve_apache(port: int) -> None:
    from thrift.protocol.TBinaryProtocol import TBinaryProtocolAcceleratedFactory  # type: ignore[import-untyped]
    from thrift.server.TServer import TThreadPoolServer  # type: ignore[import-untyped]
    from thrift.transport.TSocket import TServerSocket  # type: ignore[import-untyped]
    from thrift.transport.TTransport import TBufferedTransportFactory  # type: ignore[import-untyped]

    gen = Path(tempfile.mkdtemp(prefix="thrifthive-bench-rpc-"))
    subprocess.run(["thrift", "--gen", "py", "-out", str(gen), str(BENCH_IDL)], check=True)
    # bench.thrift's `namespace py bench` would clash with this package: renamed.
    (gen / "bench").rename(gen / "bench_rpc_apache_gen")
    sys.path.insert(0, str(gen))
    service: Any = importlib.import_module("bench_rpc_apache_gen.UserService")
    t: Any = importlib.import_module("bench_rpc_apache_gen.ttypes")
    importlib.import_module("thrift.protocol.fastbinary")  # fails loudly without the C extension

    data = make_page()
    users = [t.User(status=u["status"], **_user_kwargs(u, t.Address)) for u in data["users"]]
    page = t.UserPage(users=users, total=data["total"])
    processor = service.Processor(Handler(users[0], page))
    server = TThreadPoolServer(
        processor,
        TServerSocket(host="127.0.0.1", port=port),
        TBufferedTransportFactory(),
        TBinaryProtocolAcceleratedFactory(),
        daemon=True,
    )
    server.setNumThreads(16)

    def stop() -> None:
        shutil.rmtree(gen, ignore_errors=True)
        os._exit(0)

    _stop_on_sigterm(stop)
    server.serve()


def serve_thrifthive_async(port: int) -> None:
    serve_thrifthive(port, AsyncHandler)


def serve_thrifthive_inline(port: int) -> None:
    serve_thrifthive(port, handler_threads=0, io_threads=2)


SERVERS = {
    "thrifthive": serve_thrifthive,
    "thrifthive-async": serve_thrifthive_async,
    "thrifthive-inline": serve_thrifthive_inline,
    "thriftpy2": serve_thriftpy2,
    "apache": serve_apache,
}


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    SERVERS[kind](port)


if __name__ == "__main__":
    main()
