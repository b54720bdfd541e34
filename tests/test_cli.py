"""``thrifthive check``: exit status, rustc-style diagnostics, colours, include dirs and --json."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
from pathlib import Path

import pytest

from .support import APACHE_IDL, EXAMPLES, THRIFTHIVE, RunCli, WriteIdl

ANSI = "\x1b["

TYPO = """\
typedef i64 UserId

struct User {
  1: UserID id,
  2: string name,
}
"""


def test_valid_file_exits_zero(run_cli: RunCli) -> None:
    result = run_cli("check", EXAMPLES / "user_service.thrift")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "checked 1 file: 0 errors, 0 warnings" in result.stderr


def test_invalid_file_shows_location_line_caret_and_hint(
    run_cli: RunCli, write_idl: WriteIdl
) -> None:
    path = write_idl("bad.thrift", TYPO)
    result = run_cli("check", path)
    assert result.returncode == 1
    err = result.stderr
    assert err.startswith("error: ")
    assert f"--> {path}:4:6" in err
    assert "4 |   1: UserID id," in err
    # The caret sits under column 6, where `UserID` starts.
    assert re.search(r"^ +\|      \^+", err, re.MULTILINE), err
    assert "= hint: did you mean `UserId`?" in err
    assert "checked 1 file: 1 error, 0 warnings" in err
    assert result.stdout == ""


def test_no_colours_when_stderr_is_not_a_terminal(run_cli: RunCli, write_idl: WriteIdl) -> None:
    result = run_cli("check", write_idl("bad.thrift", TYPO))
    assert result.returncode == 1
    assert ANSI not in result.stderr


def test_color_always_forces_colours(run_cli: RunCli, write_idl: WriteIdl) -> None:
    result = run_cli("check", "--color=always", write_idl("bad.thrift", TYPO))
    assert ANSI in result.stderr


def _stderr_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Runs the CLI with stderr attached to a pseudo-terminal and returns what it wrote there."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [str(THRIFTHIVE), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=follower,
            env=env,
            check=False,
            timeout=60,
        )
        os.close(follower)
        follower = -1
        assert proc.returncode == 1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal has no writer left
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode()
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


def test_colours_on_a_terminal_unless_no_color(write_idl: WriteIdl) -> None:
    path = str(write_idl("bad.thrift", TYPO))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    assert ANSI in _stderr_on_a_terminal(["check", path], env)
    plain = _stderr_on_a_terminal(["check", path], {**env, "NO_COLOR": "1"})
    assert ANSI not in plain
    assert "did you mean `UserId`?" in plain


def test_all_errors_of_a_file_are_reported(run_cli: RunCli, write_idl: WriteIdl) -> None:
    path = write_idl(
        "two.thrift",
        """\
struct A {
  1: Missing first,
  2: i32 id,
  2: i32 other,
}
""",
    )
    result = run_cli("check", path)
    assert result.returncode == 1
    assert f"{path}:2:6" in result.stderr
    assert f"{path}:4:" in result.stderr
    assert "checked 1 file: 2 errors" in result.stderr


def test_several_files_all_reported(run_cli: RunCli, write_idl: WriteIdl) -> None:
    good = EXAMPLES / "shared.thrift"
    bad1 = write_idl("bad1.thrift", TYPO)
    bad2 = write_idl("bad2.thrift", "struct B {\n  1: Nope n,\n}\n")
    result = run_cli("check", bad1, good, bad2)
    assert result.returncode == 1
    assert f"{bad1}:4:6" in result.stderr
    assert f"{bad2}:2:6" in result.stderr
    assert "checked 3 files: 2 errors, 0 warnings" in result.stderr


def test_warnings_alone_exit_zero(run_cli: RunCli, write_idl: WriteIdl) -> None:
    # A field without an id gets a negative one, with a warning.
    path = write_idl("implicit.thrift", "struct A {\n  string name,\n}\n")
    result = run_cli("check", path)
    assert result.returncode == 0, result.stderr
    assert "warning: " in result.stderr
    assert f"{path}:2:" in result.stderr
    assert "checked 1 file: 0 errors, 1 warning" in result.stderr


def test_a_problem_in_a_shared_include_is_printed_once(
    run_cli: RunCli, write_idl: WriteIdl
) -> None:
    write_idl("common.thrift", "struct C {\n  string name,\n}\n")
    a = write_idl("a.thrift", 'include "common.thrift"\nstruct A { 1: common.C c }\n')
    b = write_idl("b.thrift", 'include "common.thrift"\nstruct B { 1: common.C c }\n')
    result = run_cli("check", a, b)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("warning: ") == 1
    assert "checked 2 files: 0 errors, 1 warning" in result.stderr


def test_include_dir_makes_an_include_resolvable(run_cli: RunCli, write_idl: WriteIdl) -> None:
    write_idl("idl/common/types.thrift", "typedef i64 Id\n")
    main = write_idl("svc/main.thrift", 'include "types.thrift"\nstruct M { 1: types.Id id }\n')
    without = run_cli("check", main)
    assert without.returncode == 1
    assert "types.thrift" in without.stderr
    with_dir = run_cli("check", "-I", main.parent.parent / "idl" / "common", main)
    assert with_dir.returncode == 0, with_dir.stderr


def test_json_prints_the_ir(run_cli: RunCli) -> None:
    result = run_cli("check", "--json", EXAMPLES / "user_service.thrift")
    assert result.returncode == 0, result.stderr
    ir = json.loads(result.stdout)
    root = ir["files"][ir["root"]]
    assert root["module"] == "user_service"
    assert {s["name"] for s in root["structs"]} >= {"Address", "User", "UserPage", "Lookup"}
    modules = [ir["files"][i]["module"] for i in root["includes"]]
    assert modules == ["shared"]


def test_json_for_several_files_is_keyed_by_path(run_cli: RunCli) -> None:
    paths = [str(EXAMPLES / "shared.thrift"), str(EXAMPLES / "user_service.thrift")]
    result = run_cli("check", "--json", *paths)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert list(document) == paths
    assert all("files" in ir for ir in document.values())


def test_json_prints_nothing_when_a_file_has_errors(run_cli: RunCli, write_idl: WriteIdl) -> None:
    result = run_cli("check", "--json", EXAMPLES / "shared.thrift", write_idl("b.thrift", TYPO))
    assert result.returncode == 1
    assert result.stdout == ""


def test_missing_file_is_an_error(run_cli: RunCli, tmp_path: Path) -> None:
    missing = tmp_path / "nope.thrift"
    result = run_cli("check", missing)
    assert result.returncode == 1
    assert str(missing) in result.stderr


@pytest.mark.parametrize("args", [[], ["check"], ["check", "--bogus", "x.thrift"], ["frobnicate"]])
def test_usage_errors_exit_two(run_cli: RunCli, args: list[str]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr


@pytest.mark.skipif(not APACHE_IDL.is_dir(), reason=f"{APACHE_IDL} is not there")
def test_apache_thrift_test_idl(run_cli: RunCli) -> None:
    test_dir = APACHE_IDL / "test"
    result = run_cli("check", test_dir / "ThriftTest.thrift", test_dir / "DebugProtoTest.thrift")
    assert result.returncode == 0, result.stderr
    broken = run_cli("check", test_dir / "BrokenConstants.thrift")
    assert broken.returncode == 1
    assert "BrokenConstants.thrift:" in broken.stderr


def test_a_reader_that_goes_away_is_not_an_error() -> None:
    # `thrifthive check --json FILE | head -c 1`: the pipe closes while the IR is being written
    # (these two IRs are well over a pipe's 64 KiB buffer, so the write must fail).
    files = [
        str(APACHE_IDL / "test" / name) for name in ("ThriftTest.thrift", "DebugProtoTest.thrift")
    ]
    process = subprocess.Popen(
        [str(THRIFTHIVE), "check", "--json", *files],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    assert process.stdout.read(1) == b"{"
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=30) == 0
    assert "Traceback" not in stderr
