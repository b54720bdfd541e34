"""``Server(workers=N)``: N processes serving one TCP port, for multi-core machines.

The serving process forks N children before any server thread exists; each child builds its
own engine with SO_REUSEPORT on the same port (the kernel spreads connections over them) and
serves until SIGINT or SIGTERM. The parent forwards those signals to the children and waits
for them; when a child fails (e.g. cannot bind), the others are stopped and serve() raises.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

logger = logging.getLogger("thrifthive")


def serve_forked(count: int, serve_child: Callable[[], None]) -> None:
    """Forks ``count`` children that each run ``serve_child``, then waits for them all."""
    children: list[int] = []
    failed: list[str] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):  # exited, not yet reaped
                os.kill(pid, signum)

    previous: dict[signal.Signals, Any] = {
        sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        for _ in range(count):
            pid = os.fork()
            if pid == 0:
                _child(serve_child)
            children.append(pid)
        logger.info("serving with %d worker processes: %s", count, children)
        while children:
            pid, status = os.waitpid(-1, 0)
            if pid not in children:
                continue
            children.remove(pid)
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                failed.append(f"worker {pid} exited with status {code}")
                forward(signal.SIGTERM, None)
    finally:
        forward(signal.SIGTERM, None)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failed:
        raise RuntimeError("; ".join(failed))


def _child(serve_child: Callable[[], None]) -> None:
    """A worker's life; never returns into the parent's code."""
    status = 0
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        serve_child()
    except BaseException:
        logger.exception("worker %d failed", os.getpid())
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
