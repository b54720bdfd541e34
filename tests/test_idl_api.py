"""The Python API over the IDL front end: thrifthive.idl and thrifthive.ThriftParseError."""

from __future__ import annotations

import json
import pickle
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import thrifthive
from thrifthive import idl

from .support import EXAMPLES, WriteIdl

TYPO = """\
typedef i64 UserId

struct User {
  1: UserID id,
}
"""


def test_compile_returns_the_ir() -> None:
    ir = idl.compile(EXAMPLES / "user_service.thrift")
    root = ir["files"][ir["root"]]
    assert root["module"] == "user_service"
    assert root["namespaces"]["py"] == "hive.users"
    user = next(s for s in root["structs"] if s["name"] == "User")
    assert user["kind"] == "struct"
    fields = {f["name"]: f for f in user["fields"]}
    assert fields["id"]["requiredness"] == "required"
    assert fields["id"]["ty"] == {"kind": "i64"}  # the typedef UserId, expanded
    # A reference to a struct across an include names its definition.
    service = root["services"][0]
    assert service["name"] == "UserService"
    parent = service["extends"]
    assert ir["files"][parent["file"]]["services"][parent["index"]]["name"] == "BaseService"


def test_compile_source_and_include_dirs(write_idl: WriteIdl) -> None:
    inc = write_idl("inc/types.thrift", "typedef string Name\n")
    ir = idl.compile_source(
        'include "types.thrift"\nstruct S { 1: types.Name name }\n',
        name="mem.thrift",
        include_dirs=[inc.parent],
    )
    root = ir["files"][ir["root"]]
    assert root["structs"][0]["fields"][0]["ty"] == {"kind": "string"}


def test_parse_error_carries_location_snippet_and_hint(write_idl: WriteIdl) -> None:
    path = write_idl("bad.thrift", TYPO)
    with pytest.raises(thrifthive.ThriftParseError) as info:
        idl.compile(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.file, err.line, err.column) == (str(path), 4, 6)
    assert "1: UserID id," in err.snippet
    assert "^^^^^^" in err.snippet
    assert len(err.diagnostics) == 1
    d = err.diagnostics[0]
    assert isinstance(d, thrifthive.Diagnostic)
    assert (d.severity, d.file, d.line, d.column) == ("error", str(path), 4, 6)
    assert (d.end_line, d.end_column) == (4, 12)
    assert d.is_error
    assert d.hint == "did you mean `UserId`?"
    assert d.snippet == err.snippet
    assert str(d).startswith(f"{path}:4:6: error: ")
    # str(err) is what a traceback shows: every error, rendered.
    assert str(err).startswith(f"could not compile `{path}`: 1 error")
    assert d.snippet.strip() in str(err)
    assert err.warnings == []


def test_analyze_reaches_warnings_without_raising(write_idl: WriteIdl) -> None:
    path = write_idl("implicit.thrift", "struct A {\n  string name,\n}\n")
    result = idl.analyze(path)
    assert not result.has_errors
    assert result.errors == []
    [warning] = result.warnings
    assert warning.severity == "warning"
    assert not warning.is_error
    assert (warning.file, warning.line) == (str(path), 2)
    assert result.diagnostics == result.warnings
    assert "warning: " in result.render()
    assert result.files == [str(path)]
    # The warning does not stop compilation: the field gets a negative id.
    ir = idl.compile(path)
    assert ir["files"][0]["structs"][0]["fields"][0]["id"] < 0


def test_parse_error_carries_warnings_too(write_idl: WriteIdl) -> None:
    path = write_idl("both.thrift", "struct A {\n  string name,\n  1: Nope n,\n}\n")
    with pytest.raises(thrifthive.ThriftParseError) as info:
        idl.compile(path)
    assert [d.line for d in info.value.diagnostics] == [3]
    assert [w.line for w in info.value.warnings] == [2]


def test_analyze_lists_errors_first_and_renders_colour_on_request(write_idl: WriteIdl) -> None:
    path = write_idl("both.thrift", "struct A {\n  string name,\n  1: Nope n,\n}\n")
    result = idl.analyze(path)
    assert result.has_errors
    assert [d.severity for d in result.diagnostics] == ["error", "warning"]
    assert "\x1b[" not in result.render()
    assert "\x1b[" in result.render(color=True)
    assert "\x1b[" in result.errors[0].render(color=True)
    with pytest.raises(thrifthive.ThriftParseError):
        result.ir_json()


def test_parse_error_pickles(write_idl: WriteIdl) -> None:
    with pytest.raises(thrifthive.ThriftParseError) as info:
        idl.compile(write_idl("bad.thrift", TYPO))
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is thrifthive.ThriftParseError
    assert str(copy) == str(info.value)
    assert copy.diagnostics == info.value.diagnostics
    assert copy.diagnostics[0].render(color=True) == info.value.diagnostics[0].render(color=True)


def test_notes_point_at_the_first_definition(write_idl: WriteIdl) -> None:
    path = write_idl("dup.thrift", "struct A { 1: i32 x }\nstruct A { 1: i32 y }\n")
    [error] = idl.analyze(path).errors
    assert error.line == 2
    assert [(n.file, n.line) for n in error.notes] == [(str(path), 1)]
    note = error.notes[0]
    assert pickle.loads(pickle.dumps(note)) == note


def test_diagnostics_are_values() -> None:
    note = thrifthive.Note("a.thrift", 1, 8, "first defined here")
    d = thrifthive.Diagnostic("warning", "odd", "a.thrift", 2, 3, 2, 6, hint="h", notes=[note])
    assert (d.snippet, d.render(color=True)) == ("", "")
    assert d.notes == [note]
    assert pickle.loads(pickle.dumps(d)) == d
    assert d != thrifthive.Diagnostic("warning", "odd", "a.thrift", 2, 3, 2, 6)
    assert repr(d) == "<Diagnostic warning at a.thrift:2:3: odd>"
    with pytest.raises(ValueError, match="severity"):
        thrifthive.Diagnostic("fatal", "odd", "a.thrift", 2, 3, 2, 6)  # type: ignore[arg-type]


def test_include_dirs_must_be_a_list() -> None:
    with pytest.raises(TypeError, match="list of directories"):
        idl.compile(EXAMPLES / "user_service.thrift", include_dirs="examples")


def test_compiles_from_several_threads() -> None:
    # The front end runs with the GIL released; concurrent compilations must not interfere.
    results: list[str] = []

    def work() -> None:
        for _ in range(20):
            results.append(idl.analyze(EXAMPLES / "user_service.thrift").ir_json())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 80
    assert len(set(results)) == 1


IDL_PIECES = [
    *"{}()<>[],;:=&*.\"'/#\n \t-+0123456789abcxyzAZ_",
    *["struct ", "enum ", "service ", "include ", "typedef ", "const ", "i32 ", "list<", "map<"],
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(IDL_PIECES), max_size=60).map("".join) | st.text(max_size=200))
def test_arbitrary_text_gives_an_ir_or_located_errors(text: str) -> None:
    result = idl.analyze_source(text, name="fuzz.thrift")
    if result.has_errors:
        assert all(d.line >= 1 and d.column >= 1 and d.snippet for d in result.errors)
        with pytest.raises(thrifthive.ThriftParseError):
            result.ir_json()
    else:
        ir = json.loads(result.ir_json())
        assert ir["files"][ir["root"]]["module"] == "fuzz"


def test_version() -> None:
    assert thrifthive.__version__.count(".") == 2
