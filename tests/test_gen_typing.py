"""Type checking generated code: mypy --strict passes on the packages generated from Apache's
ThriftTest.thrift and DebugProtoTest.thrift, from the snapshot IDL and from tests/gen_typing/
edge.thrift (names Python reserves or hides), on the load() stubs, and on
a program using them (tests/gen_typing/good.py: client calls, handlers implementing the
Protocols); and it reports each type error of tests/gen_typing/bad.py (a wrong argument to a
client method, a wrong field type, a handler missing methods...), and only those.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from thrifthive import gen

from .support import APACHE_IDL, REPO

HERE = REPO / "tests" / "gen_typing"
HIVE = REPO / "tests" / "gen_snapshot" / "idl" / "hive.thrift"
EDGE = HERE / "edge.thrift"
_ERROR = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*)  \[(?P<code>[\w-]+)\]$"
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the generated packages, the stubs (in stubs/) and the programs."""
    root = tmp_path_factory.mktemp("typed")
    for name in ("ThriftTest", "DebugProtoTest"):
        gen.write(gen.package(APACHE_IDL / "test" / f"{name}.thrift", "apache"), root)
    gen.write(gen.package(HIVE), root)
    gen.write(gen.package(EDGE), root)
    gen.write(gen.stubs(HIVE), root / "stubs")
    gen.write(gen.stubs(EDGE), root / "stubs")
    for program in ("good.py", "bad.py"):
        shutil.copy(HERE / program, root / program)
    return root


def _mypy(project: Path, *targets: str) -> list[re.Match[str]]:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *targets],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
        env={**os.environ, "MYPYPATH": str(project / "stubs")},
    )
    assert "error: " in result.stdout or result.returncode == 0, result.stdout + result.stderr
    errors = [m for line in result.stdout.splitlines() if (m := _ERROR.match(line))]
    # Every error line is one of ours; anything else (a crash, a syntax error) fails here.
    unparsed = [
        line
        for line in result.stdout.splitlines()
        if ": error: " in line and not _ERROR.match(line)
    ]
    assert not unparsed, result.stdout
    return errors


def test_generated_packages_stubs_and_their_use_type_check(project: Path) -> None:
    errors = _mypy(project, "apache", "hive", "edge", "stubs", "good.py")
    assert [m.group(0) for m in errors] == []


def test_type_errors_in_their_use_are_reported(project: Path) -> None:
    errors = _mypy(project, "bad.py")
    expected = {
        (number, line.split("# error: ")[1].strip())
        for number, line in enumerate((HERE / "bad.py").read_text().splitlines(), 1)
        if "# error: " in line
    }
    reported = {(int(m["line"]), m["code"]) for m in errors}
    assert reported == expected, "\n".join(m.group(0) for m in errors)
    messages = {int(m["line"]): m["message"] for m in errors}
    lines = (HERE / "bad.py").read_text().splitlines()
    at = {line.split("#")[0].strip(): number for number, line in enumerate(lines, 1)}
    assert (
        '"get" of "UsersClient" has incompatible type "str"; expected "int"'
        in messages[at['client.get("one")']]
    )
    assert (
        'Argument "name" to "User" has incompatible type "int"; expected "str"'
        in messages[at["User(id=1, name=2)"]]
    )
    assert (
        'expression has type "str", variable has type "float"'
        in messages[at['user.score = "high"']]
    )
    assert 'variable has type "UsersHandler"' in messages[at["handler: UsersHandler = Partial()"]]
