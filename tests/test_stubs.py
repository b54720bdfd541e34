"""The type stubs python/thrifthive/_native.pyi match the built extension module."""

from __future__ import annotations

import subprocess
import sys

from .support import REPO


def test_stubs_match_the_binary() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "thrifthive._native"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
