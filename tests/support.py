"""Paths and helper types shared by the tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
# Apache Thrift's own test IDLs, in the shared folder beside the repository.
APACHE_IDL = REPO.parent / "shared" / "fixtures" / "idl" / "apache"
# The console script installed into the same environment as the interpreter running the tests.
THRIFTHIVE = Path(sys.executable).with_name("thrifthive")

WriteIdl = Callable[[str, str], Path]
RunCli = Callable[..., subprocess.CompletedProcess[str]]
