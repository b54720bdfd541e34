"""thrifthive.load and load_source: modules from IDL, their contents, caching and registration."""

from __future__ import annotations

import enum
import os
import pickle
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import thrifthive
from thrifthive import _spec
from thrifthive.codec import FrozenDict

from .loading import SourceLoader
from .support import APACHE_IDL, REPO, WriteIdl

BENCH_IDL = REPO.parent / "shared" / "bench" / "bench.thrift"
KEYWORD_SAMPLES = APACHE_IDL / "compiler" / "cpp" / "test" / "keyword-samples"
# Every file of the corpus but the one that is meant not to compile.
CORPUS = sorted(p for p in APACHE_IDL.rglob("*.thrift") if p.name != "BrokenConstants.thrift")


@pytest.fixture
def load_idl() -> Iterator[SourceLoader]:
    loader = SourceLoader()
    yield loader
    loader.close()


@pytest.fixture
def registered() -> Iterator[list[str]]:
    """Module names a test registers, taken out of sys.modules afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        sys.modules.pop(name, None)


# -- what a module holds ---------------------------------------------------------------------------


def test_bench_idl() -> None:
    svc = thrifthive.load(BENCH_IDL)
    assert isinstance(svc, ModuleType)
    user = svc.User(id=1, username="alice", email="a@example.com")
    assert user.status is None
    assert issubclass(svc.Status, enum.IntEnum)
    assert svc.Status.ACTIVE == 1
    assert svc.UserPage(users=[user], total=1).users == [user]
    assert str(svc.NotFound(message="no such user")) == "no such user"
    assert isinstance(svc.UserService, thrifthive.Service)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(APACHE_IDL)))
def test_every_corpus_file_loads(path: Path) -> None:
    module = thrifthive.load(path)
    ir = thrifthive.idl.compile(path)
    root = ir["files"][ir["root"]]
    for struct in root["structs"]:
        cls = getattr(module, struct["name"])
        assert cls.__thrift_kind__ == struct["kind"]
        assert [f[0] for f in cls.__thrift_spec__] == [f["id"] for f in struct["fields"]]
        cls()  # every class constructs with no argument
    for enum_ir in root["enums"]:
        enum_class = getattr(module, enum_ir["name"])
        for value in enum_ir["values"]:
            assert enum_class[value["name"]] == value["value"]
    for const in root["consts"]:
        assert hasattr(module, const["name"])
    for service in root["services"]:
        assert isinstance(getattr(module, service["name"]), thrifthive.Service)


def test_thrift_test() -> None:
    tt = thrifthive.load(APACHE_IDL / "test" / "v0.16" / "ThriftTest.thrift")
    assert tt.Numberz.FIVE == 5
    assert tt.UserId is int
    assert tt.MapType is dict
    assert tt.myNumberz is tt.Numberz.ONE
    # Insanity is (python.immutable): frozen, hashable, a set element of CrazyNesting.
    insanity = tt.Insanity(userMap={tt.Numberz.ONE: 1}, xtructs=[])
    with pytest.raises(TypeError):
        insanity.xtructs = None
    nesting = tt.CrazyNesting(set_field={insanity}, list_field=[])
    assert insanity in nesting.set_field
    assert tt.CrazyNesting.__thrift_spec__[1][2] == ("set", ("struct", tt.Insanity))
    assert str(tt.Xception(errorCode=1001, message="Xception")) == "Xception"
    assert tt.SomeUnion(i32_thing=1)._field == "i32_thing"


def test_service_descriptors_have_apache_shaped_args_and_results() -> None:
    tt = thrifthive.load(APACHE_IDL / "test" / "v0.16" / "ThriftTest.thrift")
    service = tt.ThriftTest
    assert service.name == "ThriftTest"
    assert service.extends is None
    assert list(service.methods)[:3] == ["testVoid", "testString", "testBool"]

    multi = service.methods["testMultiException"]
    assert (multi.name, multi.oneway) == ("testMultiException", False)
    assert multi.args is service.testMultiException_args
    assert multi.args.__name__ == "testMultiException_args"
    assert multi.args.__qualname__ == "ThriftTest.testMultiException_args"
    assert [f[:3] for f in multi.args.__thrift_spec__] == [
        (1, "arg0", ("string",)),
        (2, "arg1", ("string",)),
    ]
    assert [f[:4] for f in multi.result.__thrift_spec__] == [
        (0, "success", ("struct", tt.Xtruct), _spec.OPTIONAL),
        (1, "err1", ("struct", tt.Xception), _spec.OPTIONAL),
        (2, "err2", ("struct", tt.Xception2), _spec.OPTIONAL),
    ]
    assert dict(multi.throws) == {"err1": tt.Xception, "err2": tt.Xception2}
    assert multi.return_spec == ("struct", tt.Xtruct)
    assert multi.doc is not None
    assert "testMultiException" in multi.doc

    void = service.methods["testVoid"]
    assert void.return_spec is None
    assert void.result.__thrift_spec__ == ()
    assert void.args.__thrift_spec__ == ()

    exception = service.methods["testException"]
    assert [f[:2] for f in exception.result.__thrift_spec__] == [(1, "err1")]

    oneway = service.methods["testOneway"]
    assert oneway.oneway
    assert oneway.result is None
    with pytest.raises(AttributeError):
        _ = service.testOneway_result
    with pytest.raises(AttributeError, match="no attribute 'nope_args'"):
        _ = service.nope_args

    insanity = service.methods["testInsanity"]
    assert insanity.return_spec == (
        "map",
        ("i64",),
        ("map", ("enum", tt.Numberz), ("struct", tt.Insanity)),
    )


def test_service_extends_and_method_defaults() -> None:
    debug = thrifthive.load(APACHE_IDL / "test" / "DebugProtoTest.thrift")
    inherited, srv = debug.Inherited, debug.Srv
    assert inherited.extends is srv
    assert list(inherited.functions) == ["identity"]
    assert list(inherited.methods) == [*srv.methods, "identity"]
    assert inherited.methods["Janky"] is srv.methods["Janky"]
    method = srv.methods["methodWithDefaultArgs"]
    assert method.args().something == debug.MYCONST == 2
    assert repr(srv) == "<thrifthive.Service Srv>"


def test_service_extends_across_includes() -> None:
    service = thrifthive.load(APACHE_IDL / "test" / "Service.thrift")
    assert service.ExtendedService.extends is service.Types.BaseService
    episode = service.ExtendedService.methods["testEpisode"]
    assert episode.return_spec == ("struct", service.Types.Type1)


def test_service_args_and_results_pickle(load_idl: SourceLoader) -> None:
    mod = load_idl("service S { i32 add(1: i32 a, 2: i32 b) }")
    args = mod.S.add_args(1, 2)
    assert pickle.loads(pickle.dumps(args)) == args
    result = mod.S.add_result(success=3)
    assert pickle.loads(pickle.dumps(result)) == result


def test_consts_of_every_shape() -> None:
    demo = thrifthive.load(APACHE_IDL / "test" / "ConstantsDemo.thrift")
    assert demo.myInt == 3
    assert demo.hex_const == 0x1F
    assert demo.negative_hex_constant == -0x1F
    assert demo.GEn_DUB == 325.532
    assert isinstance(demo.e10, float)
    assert demo.e10 == 1e10
    assert demo.GEN_STRING == "asldkjasfd"
    first, second = (
        uuid.UUID("00000000-4444-cccc-ffff-0123456789ab"),
        uuid.UUID("00112233-4455-6677-8899-aabbccddeeff"),
    )
    assert (first, second) == (demo.GEN_UUID, demo.MY_GUID)
    assert demo.GEN_MAP == {35532: 233, 43523: 853}
    assert demo.GEN_LIST == [235235, 23598352, 3253523]
    assert demo.GEN_MAPMAP == {235: {532: 53255, 235: 235}}
    assert isinstance(demo.GEN_SET, frozenset)
    assert set(demo.GEN_SET) == {235, 53235}
    assert set(demo.GUID_SET) == {first, second}
    thing = demo.thing(hello=325, goodbye=325352, id=second, my_id=first, my_optional_id=first)
    assert thing == demo.GEN_THING
    assert demo.GEN_WHAT[35].hello == 325
    assert demo.myUUID is uuid.UUID
    assert demo.myIntType is int


def test_consts_in_hashable_positions() -> None:
    debug = thrifthive.load(APACHE_IDL / "test" / "DebugProtoTest.thrift")
    compact = debug.COMPACT_TEST
    assert compact.struct_set == frozenset({debug.Empty()})
    assert all(isinstance(key, tuple) for key in compact.list_byte_map)
    assert all(isinstance(key, frozenset) for key in compact.set_byte_map)
    keys = list(compact.map_byte_map)
    assert all(isinstance(key, FrozenDict) for key in keys)
    assert FrozenDict({1: 1}) in compact.map_byte_map
    with pytest.raises(TypeError):
        keys[0][5] = 5
    assert pickle.loads(pickle.dumps(keys[0])) == keys[0]


def test_enum_consts_are_members() -> None:
    enums = thrifthive.load(APACHE_IDL / "test" / "EnumTest.thrift")
    test = enums.ENUM_TEST
    assert test.a_enum is enums.MyEnum3.ME3_D1
    assert test.enum_list == [enums.MyEnum3.ME3_D1, enums.MyEnum3.ME3_0, enums.MyEnum3.ME3_N2]
    assert all(isinstance(v, enums.MyEnum3) for v in test.enum_list)


def test_binary_and_double_values(load_idl: SourceLoader) -> None:
    mod = load_idl(
        """
        const binary B = "h\u00e9"
        const double D = 3
        struct S { 1: binary b = "x", 2: double d = 1 }
        """
    )
    assert "h\u00e9".encode() == mod.B
    assert mod.D == 3.0
    assert isinstance(mod.D, float)
    assert (mod.S().b, mod.S().d) == (b"x", 1.0)


def test_unknown_enum_values_stay_ints(load_idl: SourceLoader) -> None:
    mod = load_idl("enum E { A = 1 }\nconst E X = 1\nstruct S { 1: E e = E.A }")
    assert mod.X is mod.E.A
    assert mod.S().e is mod.E.A


def test_typedefs_are_bound_to_python_types() -> None:
    typedefs = thrifthive.load(APACHE_IDL / "test" / "TypedefTest.thrift")
    ir = thrifthive.idl.compile(APACHE_IDL / "test" / "TypedefTest.thrift")
    kinds = {
        "bool": bool,
        "byte": int,
        "i16": int,
        "i32": int,
        "i64": int,
        "double": float,
        "string": str,
        "binary": bytes,
        "uuid": uuid.UUID,
        "list": list,
        "set": set,
        "map": dict,
    }
    for typedef in ir["files"][0]["typedefs"]:
        bound = getattr(typedefs, typedef["name"])
        kind = typedef["target"]["kind"]
        assert bound is kinds.get(kind, bound)
        assert isinstance(bound, type)


def test_typedef_of_a_struct_is_the_class(load_idl: SourceLoader) -> None:
    mod = load_idl("struct S {}\ntypedef S Alias\nenum E { A }\ntypedef E EAlias")
    assert mod.Alias is mod.S
    assert mod.EAlias is mod.E


def test_recursive_types() -> None:
    rec = thrifthive.load(APACHE_IDL / "test" / "Recursive.thrift")
    tree = rec.RecTree(children=[rec.RecTree(item=1)], item=0)
    assert tree.children[0].item == 1
    assert rec.RecTree.__thrift_spec__[0][2] == ("list", ("struct", rec.RecTree))
    assert rec.CoRec.__thrift_spec__[0][2] == ("struct", rec.CoRec2)
    assert rec.CoRec2.__thrift_spec__[0][2] == ("struct", rec.CoRec)
    assert rec.CoError.__thrift_spec__[0][2] == ("struct", rec.CoError2)
    assert rec.RecList(nextitem=rec.RecList(item=2), item=1).nextitem.item == 2


def test_keyword_samples() -> None:
    def load(name: str) -> ModuleType:
        return thrifthive.load(KEYWORD_SAMPLES / f"{name}_return.thrift")

    assert getattr(load("const1"), "return") is False
    assert list(getattr(load("enum1"), "return")) == []
    assert getattr(load("enum2").enum_name, "return") == 0
    assert issubclass(getattr(load("exception1"), "return"), thrifthive.exceptions.TException)
    error = load("exception2").exception_name(**{"return": 1})
    assert getattr(error, "return") == 1
    assert getattr(load("service1"), "return").methods == {}
    service = load("service2").service_name
    assert [f[1] for f in service.function_name_args.__thrift_spec__] == ["return"]
    assert "return" in load("service3").service_name.methods
    service = load("service4").service_name
    assert service.methods["function_name"].throws["return"] is load("service4").exception_name
    assert getattr(load("struct1"), "return")() == getattr(load("struct1"), "return")()
    assert getattr(load("struct2").struct_name(), "return") is True
    assert getattr(load("typedef1"), "return") is bool
    assert getattr(load("union1"), "return")()._field is None
    assert getattr(load("union2").union_name(), "return") is True


def test_name_conflicts() -> None:
    conflicts = thrifthive.load(APACHE_IDL / "test" / "NameConflictTest.thrift")
    delegate = conflicts.delegate(partial="p", delegate=conflicts.delegate(partial="q"))
    assert delegate.delegate.partial == "q"
    foo = conflicts.extern.methods["Foo"]
    assert [f[1] for f in foo.args.__thrift_spec__] == ["Foo_args"]
    assert [f[1] for f in foo.result.__thrift_spec__] == ["Foo_result"]
    assert conflicts.Thrift5626(list=["a"], set={"b"}).list == ["a"]


def test_docs() -> None:
    doc = thrifthive.load(APACHE_IDL / "test" / "DocTest.thrift")
    assert doc.Xtruct.__doc__ == "And this is where you would document a struct"
    assert doc.Xtruct2.__doc__ is None
    assert (
        doc.Numberz.__doc__
        == "Some doc text goes here.  Wow I am [nesting these] (no more nesting.)"
    )
    assert doc.ThriftTest.__doc__ == "This is where you would document a Service"
    method = doc.ThriftTest.methods["testVoid"]
    assert method.doc == "And this is how you would document functions in a service"


# -- includes --------------------------------------------------------------------------------------


def test_included_files_are_modules_of_their_own() -> None:
    include = thrifthive.load(APACHE_IDL / "test" / "Include.thrift")
    included = include.ThriftTest
    assert isinstance(included, ModuleType)
    thrift_test = APACHE_IDL / "test" / "v0.16" / "ThriftTest.thrift"
    assert Path(included.__thrift_file__).resolve() == thrift_test.resolve()
    assert include.IncludeTest.__thrift_spec__[0][2] == ("struct", included.Bools)
    # The same file loaded on its own, or through another include, is the same module.
    assert thrifthive.load(thrift_test) is included


def test_includes_are_shared_between_roots(write_idl: WriteIdl) -> None:
    write_idl("shared.thrift", "struct Shared { 1: i32 x }")
    a = thrifthive.load(
        write_idl("a.thrift", 'include "shared.thrift"\nstruct A { 1: shared.Shared s }')
    )
    b = thrifthive.load(
        write_idl("b.thrift", 'include "shared.thrift"\nstruct B { 1: shared.Shared s }')
    )
    assert a.shared is b.shared
    assert a.A.__thrift_spec__[0][2] == ("struct", b.shared.Shared)


def test_include_dirs(write_idl: WriteIdl, load_idl: SourceLoader) -> None:
    shared = write_idl("lib/common.thrift", "typedef i64 Id\nstruct Thing { 1: Id id }")
    root = write_idl("svc/svc.thrift", 'include "common.thrift"\nstruct S { 1: common.Thing t }')
    with pytest.raises(thrifthive.ThriftParseError):
        thrifthive.load(root)
    svc = thrifthive.load(root, include_dirs=[shared.parent])
    assert svc.S.__thrift_spec__[0][2] == ("struct", svc.common.Thing)
    source = load_idl(
        'include "common.thrift"\nconst common.Id ID = 5', include_dirs=[shared.parent]
    )
    assert source.ID == 5
    assert source.common.Thing is svc.common.Thing


# -- caching ---------------------------------------------------------------------------------------


def test_loading_again_returns_the_cached_module(
    write_idl: WriteIdl, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_idl("cached.thrift", "struct S {}")
    first = thrifthive.load(path)
    assert thrifthive.load(str(path)) is first
    monkeypatch.chdir(path.parent)
    assert thrifthive.load("cached.thrift") is first
    assert thrifthive.load(Path("..") / path.parent.name / "cached.thrift") is first
    # Other include directories may resolve includes differently: another module.
    other = thrifthive.load(path, include_dirs=[path.parent])
    assert other is not first
    assert thrifthive.load(path, include_dirs=[str(path.parent)]) is other


def test_cache_is_per_file_even_across_symlinks(write_idl: WriteIdl) -> None:
    path = write_idl("real.thrift", "struct S {}")
    link = path.with_name("link.thrift")
    link.symlink_to(path)
    assert thrifthive.load(link) is thrifthive.load(path)


def test_load_source_caches_by_name_and_text(load_idl: SourceLoader) -> None:
    first = thrifthive.load_source("struct S {}", "thrifthive_cache_src_thrift")
    try:
        assert thrifthive.load_source("struct S {}", "thrifthive_cache_src_thrift") is first
        other = thrifthive.load_source("struct T {}", "thrifthive_cache_src_thrift")
        assert other is not first
        assert sys.modules["thrifthive_cache_src_thrift"] is other
    finally:
        sys.modules.pop("thrifthive_cache_src_thrift", None)


def test_concurrent_loads_give_one_module(write_idl: WriteIdl) -> None:
    path = write_idl("threads.thrift", "\n".join(f"struct S{i} {{ 1: i32 x }}" for i in range(200)))
    modules: list[ModuleType] = []

    def work() -> None:
        modules.append(thrifthive.load(path))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(modules) == 4
    assert all(m is modules[0] for m in modules)


# -- module names, registration, pickling ----------------------------------------------------------


def test_default_module_name_is_not_registered(write_idl: WriteIdl) -> None:
    svc = thrifthive.load(write_idl("unregistered.thrift", "struct S {}"))
    assert svc.__name__ == "unregistered_thrift"
    assert svc.S.__module__ == "unregistered_thrift"
    assert "unregistered_thrift" not in sys.modules
    with pytest.raises(pickle.PicklingError):
        pickle.dumps(svc.S())


def test_module_name_registers_and_instances_pickle(
    write_idl: WriteIdl, registered: list[str]
) -> None:
    write_idl("base.thrift", "struct Base { 1: i32 x }\nenum Color { RED = 1 }")
    path = write_idl(
        "named.thrift",
        'include "base.thrift"\nstruct S { 1: base.Base b, 2: base.Color c }\n'
        "exception E { 1: string message }\nservice Svc { void f(1: i32 a) }",
    )
    registered += ["thrifthive_pickle_pkg", "thrifthive_pickle_pkg.named_thrift"]
    registered.append("thrifthive_pickle_pkg.base_thrift")
    package = ModuleType("thrifthive_pickle_pkg")
    package.__path__ = []
    sys.modules["thrifthive_pickle_pkg"] = package
    svc = thrifthive.load(path, module_name="thrifthive_pickle_pkg.named_thrift")
    assert sys.modules["thrifthive_pickle_pkg.named_thrift"] is svc
    # The include is named in the same package.
    assert svc.base.__name__ == "thrifthive_pickle_pkg.base_thrift"
    assert sys.modules["thrifthive_pickle_pkg.base_thrift"] is svc.base
    value = svc.S(b=svc.base.Base(1), c=svc.base.Color.RED)
    copy = pickle.loads(pickle.dumps(value))
    assert copy == value
    assert type(copy.b) is svc.base.Base
    assert copy.c is svc.base.Color.RED
    assert pickle.loads(pickle.dumps(svc.E(message="x"))) == svc.E(message="x")
    args = svc.Svc.f_args(a=1)
    assert pickle.loads(pickle.dumps(args)) == args
    assert thrifthive.load(path, module_name="thrifthive_pickle_pkg.named_thrift") is svc


def test_registering_a_module_loaded_earlier_keeps_its_name(
    write_idl: WriteIdl, registered: list[str]
) -> None:
    path = write_idl("early.thrift", "struct S { 1: i32 x }")
    svc = thrifthive.load(path)
    registered += ["early_alias_thrift", "early_thrift"]
    assert thrifthive.load(path, module_name="early_alias_thrift") is svc
    assert sys.modules["early_alias_thrift"] is svc
    assert sys.modules["early_thrift"] is svc
    assert pickle.loads(pickle.dumps(svc.S(1))) == svc.S(1)


def test_registration_refuses_to_replace_another_module(
    write_idl: WriteIdl, registered: list[str]
) -> None:
    one = write_idl("one/clash.thrift", "struct S {}")
    two = write_idl("two/clash.thrift", "struct S {}")
    root = write_idl("two/root.thrift", 'include "clash.thrift"\nstruct R { 1: clash.S s }')
    registered += ["clash_thrift", "clash_root_thrift"]
    thrifthive.load(one, module_name="clash_thrift")
    with pytest.raises(ValueError, match=r"'clash_thrift'.*taken"):
        thrifthive.load(root, module_name="clash_root_thrift")
    assert "clash_root_thrift" not in sys.modules
    assert thrifthive.load(two) is not thrifthive.load(one)


def test_load_source_registers_its_module(load_idl: SourceLoader) -> None:
    mod = load_idl("struct S { 1: i32 x }")
    assert sys.modules[mod.__name__] is mod
    assert mod.S.__module__ == mod.__name__
    assert pickle.loads(pickle.dumps(mod.S(1))) == mod.S(1)


# -- errors ----------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no Thrift IDL file") as info:
        thrifthive.load(tmp_path / "nope.thrift")
    assert info.value.filename == os.fspath(tmp_path / "nope.thrift")


def test_invalid_idl(write_idl: WriteIdl, load_idl: SourceLoader) -> None:
    with pytest.raises(thrifthive.ThriftParseError):
        thrifthive.load(write_idl("bad.thrift", "struct S { 1: Nope n }"))
    with pytest.raises(thrifthive.ThriftParseError):
        load_idl("struct {")
    with pytest.raises(thrifthive.ThriftParseError):
        thrifthive.load(APACHE_IDL / "test" / "BrokenConstants.thrift")


def test_include_dirs_must_be_a_list(write_idl: WriteIdl) -> None:
    with pytest.raises(TypeError, match="list of directories"):
        thrifthive.load(write_idl("x.thrift", ""), include_dirs="dir")


# -- speed -----------------------------------------------------------------------------------------


def test_a_large_idl_loads_quickly(write_idl: WriteIdl) -> None:
    definitions = []
    for i in range(1000):
        definitions += [
            f"enum E{i} {{ A = 1, B = 2 }}",
            f"struct S{i} {{ 1: required i64 id, 2: optional list<string> tags = ['x'], "
            f"3: E{i} e = E{i}.B, 4: optional S{max(i - 1, 0)} prev }}",
            f"exception X{i} {{ 1: string message }}",
            f"const i32 C{i} = {i}",
        ]
    definitions += [
        f"service V{i} {{ S{i} get(1: i64 id) throws (1: X{i} x), oneway void ping() }}"
        for i in range(1000)
    ]
    path = write_idl("large.thrift", "\n".join(definitions))
    start = time.perf_counter()
    module = thrifthive.load(path)
    elapsed = time.perf_counter() - start
    assert module.S999(id=1).e is module.E999.B
    # About 0.3 s here for 5,000 definitions; the bound leaves room for slower machines.
    assert elapsed < 2.0
