"""The example hive behind ``make demo`` (examples/hive): it starts, the scripted session goes
as scripted through all three services; with a users instance killed, calls go on (retried on
the other instance, the dead one ejected); every other service stops cleanly by itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_example_hive_runs_its_session_and_stops() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "examples.hive"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for line in [
        "signUp alice -> user 1; signUp bob -> user 2",
        "signUp alice again -> InvalidRequest: the username 'alice' is taken (field username)",
        "buy -> order 1: 2 x book; order 2: tea",
        "buy for user 999 -> NotFound from the users service, via orders: no user with id 999",
        "profile alice -> alice <alice@example.com>, ACTIVE, orders: 2 x book, 1 x lamp",
    ]:
        assert line in out.splitlines(), f"missing {line!r} in:\n{out}"
    assert "users are found at static://127.0.0.1:" in out
    # Both users instances got calls (balanced), and what edge handled is the session.
    counted = {line.split(":", 1)[0].strip(): line for line in out.splitlines() if " x" in line}
    assert {"users-1", "users-2", "orders", "edge"} <= set(counted), out
    assert counted["edge"].endswith(
        "buy NotFound x1, buy OK x3, profile OK x1, signUp InvalidRequest x1, signUp OK x2"
    )
    # users-1 killed: every profile call still answered; the edge's client retried the
    # attempts that failed on it, and ejected it.
    assert "profile x40 -> 40 answered" in out.splitlines(), out
    assert "ejected from static://" in done.stderr, done.stderr
    attempts = next(line for line in out.splitlines() if "getUserById attempts" in line)
    retries = int(attempts.rsplit("retries x", 1)[1])
    assert retries >= 1, attempts
    assert "users-1 stopped (had been killed by signal 9)" in out
    for label in ("users-2", "orders", "edge"):
        assert f"{label:>7} stopped (exit status 0)" in out
