"""Paths and helper types shared by the tests."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
# Apache Thrift's own test IDLs, in the shared folder beside the repository.
APACHE_IDL = REPO.parent / "shared" / "fixtures" / "idl" / "apache"
# The console script installed into the same environment as the interpreter running the tests.
THRIFTHIVE = Path(sys.executable).with_name("thrifthive")

WriteIdl = Callable[[str, str], Path]
RunCli = Callable[..., subprocess.CompletedProcess[str]]

_T = TypeVar("_T")

# The most any one coroutine of a test may take: a hang fails the test instead of the run.
ASYNC_TIMEOUT = 20.0


def run(
    runner: asyncio.Runner, coro: Coroutine[Any, Any, _T], timeout: float = ASYNC_TIMEOUT
) -> _T:
    """Runs ``coro`` on the test's loop (the ``loop_runner`` fixture), bounded in time."""
    return runner.run(asyncio.wait_for(coro, timeout))
