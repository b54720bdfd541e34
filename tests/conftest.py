"""Shared fixtures: writing IDL files into a temporary directory, running the CLI, and event
loops (asyncio's default and uvloop) for the AsyncClient tests."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvloop

from .support import THRIFTHIVE, RunCli, WriteIdl


@pytest.fixture
def write_idl(tmp_path: Path) -> WriteIdl:
    """Writes IDL text to a file under tmp_path (subdirectories allowed) and returns its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    return write


@pytest.fixture
def run_cli() -> RunCli:
    """Runs the installed ``thrifthive`` console script with pipes for stdout and stderr."""

    def run(
        *args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(THRIFTHIVE), *map(str, args)],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            cwd=cwd,
        )

    return run


@pytest.fixture(params=["asyncio", "uvloop"])
def loop_runner(request: pytest.FixtureRequest) -> Iterator[asyncio.Runner]:
    """An event loop for the test, once asyncio's default and once uvloop's; run coroutines on
    it with ``tests.support.run``."""
    factory = uvloop.new_event_loop if request.param == "uvloop" else None
    with asyncio.Runner(loop_factory=factory) as runner:
        yield runner
