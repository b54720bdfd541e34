"""Snapshot tests of ``thrifthive gen`` and ``thrifthive stubs``: what they write for
tests/gen_snapshot/idl/hive.thrift is what is checked in under tests/gen_snapshot/package and
tests/gen_snapshot/stubs, byte for byte; the output is the same whatever the hash seed, laid out
as ``ruff format`` lays it out, and clean to ``ruff check``.

After a deliberate change to the output, re-bless the snapshots and review the diff:
``BLESS=1 .venv/bin/python -m pytest tests/test_gen_snapshot.py``.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from thrifthive import gen

from .support import APACHE_IDL, REPO, THRIFTHIVE

SNAPSHOT = REPO / "tests" / "gen_snapshot"
IDL = SNAPSHOT / "idl" / "hive.thrift"
RUFF = Path(sys.executable).with_name("ruff")


def _generate(kind: str) -> dict[str, str]:
    return gen.package(IDL) if kind == "package" else gen.stubs(IDL)


def _read_tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.parametrize("kind", ["package", "stubs"])
def test_output_matches_the_snapshot(kind: str) -> None:
    files = _generate(kind)
    expected_dir = SNAPSHOT / kind
    if os.environ.get("BLESS"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        gen.write(files, expected_dir)
    expected = _read_tree(expected_dir)
    assert sorted(files) == sorted(expected), "other files than the snapshot's (BLESS=1?)"
    for name, text in files.items():
        diff = "".join(
            difflib.unified_diff(
                expected[name].splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"snapshot/{name}",
                f"generated/{name}",
            )
        )
        assert not diff, f"{name} differs from its snapshot (BLESS=1 to accept):\n{diff}"


def test_output_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    # Set and dict orders that hung on string hashes would differ between these two processes.
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        for command in ("gen", "stubs"):
            out = tmp_path / seed / command
            result = subprocess.run(
                [THRIFTHIVE, command, APACHE_IDL / "test" / "DebugProtoTest.thrift", "-o", out],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            assert result.returncode == 0, result.stderr
    for command in ("gen", "stubs"):
        first = _read_tree(tmp_path / "1" / command)
        assert first
        assert first == _read_tree(tmp_path / "2" / command)


def test_output_is_laid_out_as_ruff_formats_it_and_passes_its_checks(tmp_path: Path) -> None:
    sources = [IDL, REPO / "tests" / "gen_typing" / "edge.thrift"]
    sources.append(APACHE_IDL / "test" / "ThriftTest.thrift")
    sources.append(APACHE_IDL / "test" / "DebugProtoTest.thrift")
    for i, source in enumerate(sources):
        gen.write(gen.package(source), tmp_path / f"package{i}")
        gen.write(gen.stubs(source), tmp_path / f"stubs{i}")
    # --isolated: ruff's defaults, as in a project of the user's without ruff settings. Its
    # lint rules too (imports used and sorted...), but for the module names IDL chose
    # (N999: `namespace py ThriftTest`).
    for command in (["format", "--check", "--diff"], ["check", "--ignore", "N999"]):
        result = subprocess.run(
            [RUFF, *command, "--isolated", tmp_path],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
