"""One thrifthive.Client shared by many threads.

Measured here (2 cores, 8 threads x 3000 getUserById-like calls, the server in another process):
a pool of connections gave 21-23k calls/s against Apache's TThreadedServer, 18-21k against
thriftpy2's, 21-26k against thrifthive's; one connection behind a lock gave 13k, 17k and 6-12k.
So the client pools (crates/thrifthive-py/src/client/pool.rs).
"""

from __future__ import annotations

import importlib
import threading
import time
from types import ModuleType
from typing import Any

import pytest

import thrifthive

from .test_client_servers import (
    ITEMS_IDL,
    Handler,
    generate_apache,
    serve_apache,
    serve_thriftpy2,
    thriftpy2_module,
)

THREADS = 8


@pytest.fixture(scope="module")
def items() -> ModuleType:
    return thrifthive.load_source(ITEMS_IDL, "client_threads_items")


def run_threads(work: Any) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            work(n)
        except BaseException as e:  # reported by the test
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_threads_share_a_client(items: ModuleType, tmp_path: Any) -> None:
    apache = generate_apache(tmp_path)
    ttypes = importlib.import_module(f"{apache.__name__}.ttypes")
    port = serve_apache(apache, Handler(ttypes), "threaded")
    with thrifthive.Client(items.Items, f"127.0.0.1:{port}", timeout=10) as c:

        def work(n: int) -> None:
            for i in range(200):
                item_id = n * 1000 + i
                assert c.get(item_id).id == item_id
                if i % 50 == 0:
                    with pytest.raises(items.NotFound):
                        c.get(-item_id - 1)

        assert run_threads(work) == []


def test_calls_from_threads_run_at_once(items: ModuleType, tmp_path: Any) -> None:
    module = thriftpy2_module(tmp_path)
    port = serve_thriftpy2(module, Handler(module))
    with thrifthive.Client(items.Items, f"127.0.0.1:{port}", timeout=10) as c:
        started = time.monotonic()
        assert run_threads(lambda n: c.slow(0.3)) == []
        # One connection behind a lock would take 8 x 0.3 s.
        assert time.monotonic() - started < 1.5
