"""``thrifthive gen`` and ``thrifthive stubs`` on the command line: what they write, where, and
their errors (exit status 1 with the reason, nothing written)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from thrifthive import gen

from .support import RunCli, WriteIdl

SHARED = """
namespace py app.common
struct Shared { 1: string name }
"""
MAIN = """
include "inc/shared.thrift"
struct Thing { 1: shared.Shared shared }
service Things { Thing get(1: i32 id) }
"""


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}


def test_gen_writes_the_package(write_idl: WriteIdl, run_cli: RunCli, tmp_path: Path) -> None:
    write_idl("inc/shared.thrift", SHARED)
    main = write_idl("main.thrift", MAIN)
    result = run_cli("gen", main, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "wrote 5 files" in result.stderr
    written = _tree(tmp_path / "out")
    assert written == gen.package(main)
    # A module per IDL file: its namespace, or its file name; py.typed in each top package.
    assert sorted(written) == [
        "app/__init__.py",
        "app/common/__init__.py",
        "app/py.typed",
        "main/__init__.py",
        "main/py.typed",
    ]
    assert "from app import common as shared" in written["main/__init__.py"]


def test_gen_puts_modules_under_the_package(
    write_idl: WriteIdl, run_cli: RunCli, tmp_path: Path
) -> None:
    write_idl("inc/shared.thrift", SHARED)
    main = write_idl("main.thrift", MAIN)
    result = run_cli("gen", main, "-o", tmp_path / "out", "--package", "svc.gen")
    assert result.returncode == 0, result.stderr
    written = _tree(tmp_path / "out")
    assert "svc/py.typed" in written
    assert "svc/gen/app/common/__init__.py" in written
    assert "from svc.gen.app import common as shared" in written["svc/gen/main/__init__.py"]


def test_include_dirs_are_searched(write_idl: WriteIdl, run_cli: RunCli, tmp_path: Path) -> None:
    write_idl("lib/common.thrift", "struct C { 1: i32 x }")
    main = write_idl("src/main.thrift", 'include "common.thrift"\nstruct M { 1: common.C c }')
    assert run_cli("gen", main, "-o", tmp_path / "out").returncode == 1
    result = run_cli("gen", main, "-o", tmp_path / "out", "-I", tmp_path / "lib")
    assert result.returncode == 0, result.stderr
    assert "common/__init__.py" in _tree(tmp_path / "out")


def test_stubs_writes_a_pyi_per_file(write_idl: WriteIdl, run_cli: RunCli, tmp_path: Path) -> None:
    write_idl("inc/shared.thrift", SHARED)
    main = write_idl("main.thrift", MAIN)
    result = run_cli("stubs", main, "-o", tmp_path / "stubs")
    assert result.returncode == 0, result.stderr
    written = _tree(tmp_path / "stubs")
    assert sorted(written) == ["main_thrift.pyi", "shared_thrift.pyi"]
    assert "class Thing:" in written["main_thrift.pyi"]
    assert "Things: _th.Service" in written["main_thrift.pyi"]


def test_idl_errors_are_reported_and_nothing_is_written(
    write_idl: WriteIdl, run_cli: RunCli, tmp_path: Path
) -> None:
    bad = write_idl("bad.thrift", "struct A { 1: Missing m }")
    for command in ("gen", "stubs"):
        result = run_cli(command, bad, "-o", tmp_path / command)
        assert result.returncode == 1
        assert "unknown type `Missing`" in result.stderr
        assert not (tmp_path / command).exists()


def test_what_python_cannot_name_is_reported(
    write_idl: WriteIdl, run_cli: RunCli, tmp_path: Path
) -> None:
    clash = write_idl("a.thrift", 'namespace py same\ninclude "b.thrift"')
    write_idl("b.thrift", "namespace py same")
    result = run_cli("gen", clash, "-o", tmp_path / "out")
    assert result.returncode == 1
    assert "would both be the module 'same'" in result.stderr
    keyword = write_idl("k.thrift", "namespace py app.class")
    result = run_cli("gen", keyword, "-o", tmp_path / "out")
    assert result.returncode == 1
    assert "'app.class' is not a valid Python module name" in result.stderr
    dunder = write_idl("d.thrift", "struct D { 1: i32 __init__ }")
    result = run_cli("gen", dunder, "-o", tmp_path / "out")
    assert result.returncode == 1
    assert "D.__init__: a field cannot be named like a Python special attribute" in result.stderr
    result = run_cli("gen", keyword, "-o", tmp_path / "out", "--package", "no-dash")
    assert result.returncode == 1
    assert "--package 'no-dash'" in result.stderr


def test_output_is_required(write_idl: WriteIdl, run_cli: RunCli) -> None:
    result = run_cli("gen", write_idl("x.thrift", "struct X {}"))
    assert result.returncode == 2
    assert "-o/--out" in result.stderr


def test_a_type_reached_through_an_included_typedef_is_imported(
    write_idl: WriteIdl, run_cli: RunCli, tmp_path: Path
) -> None:
    # a.thrift never includes c.thrift, but its field's type, through b's typedef, is c's X.
    write_idl("c.thrift", "struct X { 1: i32 v }")
    write_idl("b.thrift", 'include "c.thrift"\ntypedef c.X BX')
    a = write_idl("a.thrift", 'include "b.thrift"\nstruct A { 1: b.BX x }\nconst b.BX D = {"v": 2}')
    out = tmp_path / "out"
    assert run_cli("gen", a, "-o", out, "--package", "p").returncode == 0
    source = (out / "p" / "a" / "__init__.py").read_text()
    assert "from p import c as _c" in source
    assert "    x: _c.X\n" in source
    result = subprocess.run(
        [sys.executable, "-c", "import p.a as a; print(a.A(x=a.D))"],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout == "A(x=X(v=2))\n", result.stderr
