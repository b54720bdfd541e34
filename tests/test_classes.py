"""How the classes thrifthive.load makes for structs, unions, exceptions and enums behave."""

from __future__ import annotations

import copy
import enum
import inspect
import pickle
import sys
import typing
import uuid
from collections.abc import Iterator
from types import GenericAlias, ModuleType
from typing import Literal, Optional

import pytest

import thrifthive
from thrifthive import _spec
from thrifthive.exceptions import TException

from .loading import SourceLoader

IDL = """\
enum Status {
  ACTIVE = 1,
  SUSPENDED = 2,
}

/** An address. */
struct Address {
  1: string street,
  2: string city = "Paris",
  3: i32 zip,
}

/** A user of the hive. */
struct User {
  1: required i64 id,
  2: required string username,
  3: optional list<string> tags = ["new"],
  4: map<string, i64> counters = {"logins": 0},
  5: optional Address address = {"street": "Main"},
  6: Status status = Status.ACTIVE,
  7: set<i32> lucky = [7],
  8: double score,
  9: binary avatar,
  10: uuid key,
}

union Value {
  1: i64 number,
  2: string text,
  3: list<Value> items,
}

union Defaulted {
  1: i32 first = 1,
  2: string second,
}

exception NotFound {
  1: string message,
  2: i64 id,
}

exception Failed {
  1: i32 code,
}

struct Point {
  1: i32 x,
  2: i32 y,
  3: list<i32> tags,
} (python.immutable)

exception Frozen {
  1: string message,
} (python.immutable = "")

struct Node {
  1: i32 value,
  2: list<Node> children,
  3: optional Node parent,
}

struct Keywords {
  1: i32 return = 1,
  2: string self,
  3: bool class,
}

exception Weird {
  1: i8 return,
  2: string args,
}

struct Empty {}
"""


@pytest.fixture
def load_idl() -> Iterator[SourceLoader]:
    loader = SourceLoader()
    yield loader
    loader.close()


@pytest.fixture(scope="module")
def m() -> Iterator[ModuleType]:
    loader = SourceLoader()
    yield loader(IDL)
    loader.close()


# -- construction ----------------------------------------------------------------------------------


def test_construct_by_keyword_and_by_position(m: ModuleType) -> None:
    a = m.Address(street="Rue", city="Lyon", zip=69000)
    b = m.Address("Rue", "Lyon", 69000)
    c = m.Address("Rue", zip=69000, city="Lyon")
    assert (a.street, a.city, a.zip) == ("Rue", "Lyon", 69000)
    assert a == b == c


def test_unset_fields_are_none_and_defaults_apply(m: ModuleType) -> None:
    user = m.User(id=1, username="alice")
    assert user.score is None
    assert user.avatar is None
    assert user.tags == ["new"]
    assert user.counters == {"logins": 0}
    assert user.address == m.Address(street="Main", city="Paris")
    assert user.status is m.Status.ACTIVE
    assert user.lucky == {7}
    assert isinstance(user.lucky, set)
    # An explicit None is kept: it is how a field is unset.
    assert m.User(id=1, username="a", tags=None).tags is None


def test_mutable_defaults_are_copied_per_instance(m: ModuleType) -> None:
    a, b = m.User(id=1, username="a"), m.User(id=2, username="b")
    assert a.tags is not b.tags
    assert a.counters is not b.counters
    assert a.lucky is not b.lucky
    assert a.address is not b.address
    a.tags.append("x")
    a.address.street = "Elsewhere"
    assert b.tags == ["new"]
    assert b.address.street == "Main"
    # Nor is the default in the spec (the codec's copy source) touched.
    spec = {field[1]: field[4] for field in m.User.__thrift_spec__}
    assert spec["tags"] == ["new"]
    assert spec["address"].street == "Main"


def test_immutable_defaults_are_shared(m: ModuleType) -> None:
    assert m.Address().city is m.Address().city


def test_unknown_keyword_and_too_many_arguments(m: ModuleType) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'nickname'"):
        m.User(id=1, nickname="x")
    with pytest.raises(TypeError, match="positional arguments but 5 were given"):
        m.Address("a", "b", 1, 2)
    with pytest.raises(TypeError, match="multiple values for argument 'street'"):
        m.Address("a", street="b")
    with pytest.raises(TypeError, match="takes 1 positional argument but 2 were given"):
        m.Empty(1)


def test_union_defaults_apply_only_when_no_field_is_given(m: ModuleType) -> None:
    assert m.Defaulted().first == 1
    only_second = m.Defaulted(second="x")
    assert (only_second.first, only_second.second) == (None, "x")
    assert m.Value().number is None


# -- the codec's contract (_spec) ------------------------------------------------------------------


def test_spec_and_slots(m: ModuleType) -> None:
    assert m.User.__thrift_kind__ == _spec.KIND_STRUCT
    assert m.Value.__thrift_kind__ == _spec.KIND_UNION
    assert m.NotFound.__thrift_kind__ == _spec.KIND_EXCEPTION
    spec = m.User.__thrift_spec__
    assert type(spec) is tuple
    assert all(type(field) is tuple and len(field) == 5 for field in spec)
    assert m.User.__slots__ == tuple(field[1] for field in spec)
    assert [field[:4] for field in spec] == [
        (1, "id", ("i64",), _spec.REQUIRED),
        (2, "username", ("string",), _spec.REQUIRED),
        (3, "tags", ("list", ("string",)), _spec.OPTIONAL),
        (4, "counters", ("map", ("string",), ("i64",)), _spec.DEFAULT),
        (5, "address", ("struct", m.Address), _spec.OPTIONAL),
        (6, "status", ("enum", m.Status), _spec.DEFAULT),
        (7, "lucky", ("set", ("i32",)), _spec.DEFAULT),
        (8, "score", ("double",), _spec.DEFAULT),
        (9, "avatar", ("binary",), _spec.DEFAULT),
        (10, "key", ("uuid",), _spec.DEFAULT),
    ]
    assert [field[4] for field in m.Address.__thrift_spec__] == [None, "Paris", None]
    # Recursive types refer to their own class.
    assert m.Node.__thrift_spec__[1][2] == ("list", ("struct", m.Node))
    assert m.Value.__thrift_spec__[2][2] == ("list", ("struct", m.Value))


def test_instances_have_no_dict(m: ModuleType) -> None:
    user = m.User(id=1, username="a")
    assert not hasattr(user, "__dict__")
    with pytest.raises(AttributeError):
        user.nickname = "x"


def test_instances_made_without_init_like_the_codec_does(m: ModuleType) -> None:
    user = m.User.__new__(m.User)
    for name in m.User.__slots__:
        setattr(user, name, None)
    user.id, user.username = 1, "a"
    assert user == m.User(1, "a", None, None, None, None, None)
    error = m.NotFound.__new__(m.NotFound)
    error.message, error.id = "gone", 7
    assert str(error) == "gone"
    assert repr(error) == "NotFound(message='gone', id=7)"
    with pytest.raises(m.NotFound) as info:
        raise error
    assert info.value is error
    assert pickle.loads(pickle.dumps(error, protocol=5)) == error


# -- equality, repr, hashing -----------------------------------------------------------------------


def test_equality_needs_the_same_class_and_equal_fields(m: ModuleType) -> None:
    assert m.Address("a", "b", 1) == m.Address("a", "b", 1)
    assert m.Address("a", "b", 1) != m.Address("a", "b", 2)
    assert m.Address() != m.Defaulted()
    assert m.Address() != ("a", "b", 1)
    assert m.Empty() == m.Empty()


def test_repr(m: ModuleType) -> None:
    assert repr(m.Address("Rue", "Lyon", 1)) == "Address(street='Rue', city='Lyon', zip=1)"
    assert repr(m.Value(text="hi")) == "Value(text='hi')"
    assert repr(m.Empty()) == "Empty()"
    node = m.Node(1, [])
    node.children.append(node)
    assert repr(node) == "Node(value=1, children=[...], parent=None)"


def test_structs_and_unions_hash_by_value(m: ModuleType) -> None:
    # set<Struct> and map<Struct, ...> need hashable structs.
    a, b = m.Address("a", "b", 1), m.Address("a", "b", 1)
    assert hash(a) == hash(b)
    assert len({a, b, m.Address("a", "b", 2)}) == 2
    # Fields holding containers hash by their content, consistently with ==.
    u1 = m.User(id=1, username="a")
    u2 = m.User(id=1, username="a")
    assert hash(u1) == hash(u2)
    assert {m.Value(text="x"): 1}[m.Value(text="x")] == 1


def test_exceptions_hash_by_identity(m: ModuleType) -> None:
    a, b = m.NotFound(message="x"), m.NotFound(message="x")
    assert a == b
    assert hash(a) == object.__hash__(a)
    assert len({a, b}) == 2


def test_immutable_classes_are_frozen(m: ModuleType) -> None:
    point = m.Point(1, 2, [3])
    with pytest.raises(TypeError, match="immutable"):
        point.x = 5
    with pytest.raises(TypeError, match="immutable"):
        del point.y
    assert point.x == 1
    assert hash(point) == hash(m.Point(1, 2, [3]))
    assert copy.deepcopy(point) == point
    assert pickle.loads(pickle.dumps(point)) == point


def test_immutable_exception_can_be_raised_and_annotated(m: ModuleType) -> None:
    with pytest.raises(m.Frozen) as info:
        raise m.Frozen(message="cold")
    error = info.value
    assert error.__traceback__ is not None
    error.add_note("a note")
    assert error.__notes__ == ["a note"]
    with pytest.raises(TypeError, match="immutable"):
        error.message = "warm"
    assert hash(error) == hash(m.Frozen(message="cold"))


# -- exceptions ------------------------------------------------------------------------------------


def test_exceptions_subclass_texception(m: ModuleType) -> None:
    assert issubclass(m.NotFound, TException)
    assert issubclass(m.NotFound, Exception)
    with pytest.raises(TException):
        raise m.NotFound(message="no such user", id=3)


def test_exception_str_is_its_message_or_its_repr(m: ModuleType) -> None:
    assert str(m.NotFound(message="no such user")) == "no such user"
    assert str(m.NotFound(id=3)) == "NotFound(message=None, id=3)"
    assert str(m.Failed(code=2)) == "Failed(code=2)"
    assert repr(m.Failed(code=2)) == "Failed(code=2)"


def test_exceptions_pickle_and_copy(m: ModuleType) -> None:
    error = m.NotFound(message="x", id=1)
    assert pickle.loads(pickle.dumps(error)) == error
    assert copy.copy(error) == error
    assert copy.deepcopy(error) == error


def test_exception_fields_may_shadow_exception_attributes(m: ModuleType) -> None:
    error = m.Weird(**{"return": 1}, args="many")
    assert error.args == "many"
    assert getattr(error, "return") == 1
    assert str(error) == "Weird(return=1, args='many')"


# -- pickling, copying, pattern matching -----------------------------------------------------------


def test_pickle_round_trips(m: ModuleType) -> None:
    user = m.User(id=1, username="a", score=0.5, avatar=b"\x00", key=uuid.uuid4())
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(user, protocol=protocol)) == user
    value = m.Value(items=[m.Value(number=1)])
    assert pickle.loads(pickle.dumps(value)) == value
    assert pickle.loads(pickle.dumps(m.Status.SUSPENDED)) is m.Status.SUSPENDED


def test_copy_and_deepcopy(m: ModuleType) -> None:
    user = m.User(id=1, username="a")
    shallow, deep = copy.copy(user), copy.deepcopy(user)
    assert shallow == deep == user
    assert shallow.tags is user.tags
    assert deep.tags is not user.tags


def test_match_args(m: ModuleType) -> None:
    assert m.Address.__match_args__ == ("street", "city", "zip")
    match m.Address("Rue", "Lyon", 1):
        case m.Address(street, city="Lyon"):
            assert street == "Rue"
        case _:
            pytest.fail("no match")


# -- annotations and docs --------------------------------------------------------------------------


def test_annotations_are_python_types(m: ModuleType) -> None:
    assert m.User.__annotations__ == {
        "id": int,
        "username": str,
        "tags": Optional[list[str]],  # noqa: UP045 -- the exact typing object is the point
        "counters": dict[str, int],
        "address": Optional[m.Address],  # noqa: UP045
        "status": m.Status,
        "lucky": set[int],
        "score": float,
        "avatar": bytes,
        "key": uuid.UUID,
    }
    assert typing.get_type_hints(m.User)["tags"] == list[str] | None
    # A union's fields are all optional: one is set.
    assert m.Value.__annotations__["items"] == GenericAlias(list, (m.Value,)) | None


def test_docstrings_come_from_the_idl(m: ModuleType) -> None:
    assert m.User.__doc__ is not None
    assert "A user of the hive." in m.User.__doc__
    assert m.Empty.__doc__ is None


def test_classes_belong_to_their_module(m: ModuleType) -> None:
    assert m.User.__module__ == m.__name__
    assert m.User.__qualname__ == "User"
    assert sys.modules[m.__name__] is m


# -- unions ----------------------------------------------------------------------------------------


def test_union_tells_which_field_is_set(m: ModuleType) -> None:
    value = m.Value(text="hi")
    assert (value._field, value._value) == ("text", "hi")
    assert (m.Value()._field, m.Value()._value) == (None, None)


def test_union_without_helpers_when_fields_take_their_names(load_idl: SourceLoader) -> None:
    mod = load_idl("union U { 1: string _field, 2: i32 other }")
    value = mod.U(_field="mine")
    assert value._field == "mine"
    assert not hasattr(mod.U, "_value")


# -- field names that are Python keywords ----------------------------------------------------------


def test_keyword_field_names(m: ModuleType) -> None:
    k = m.Keywords(**{"return": 5, "self": "me", "class": True})
    assert getattr(k, "return") == 5
    assert k.self == "me"
    assert getattr(k, "class") is True
    assert m.Keywords(5, "me", True) == k
    assert getattr(m.Keywords(), "return") == 1
    setattr(k, "return", 6)
    assert repr(k) == "Keywords(return=6, self='me', class=True)"
    assert pickle.loads(pickle.dumps(k)) == k
    with pytest.raises(TypeError, match="unexpected keyword argument 'other'"):
        m.Keywords(other=1)
    with pytest.raises(TypeError, match="multiple values for argument 'return'"):
        m.Keywords(1, **{"return": 2})
    with pytest.raises(TypeError, match="from 1 to 4 positional arguments but 5 were given"):
        m.Keywords(1, "a", True, 4)


def test_dunder_field_names_are_refused(load_idl: SourceLoader) -> None:
    with pytest.raises(ValueError, match="'__init__'"):
        load_idl("struct S { 1: i32 __init__ }")


# -- enums -----------------------------------------------------------------------------------------


def test_enums_are_int_enums(m: ModuleType) -> None:
    assert issubclass(m.Status, enum.IntEnum)
    assert m.Status.ACTIVE == 1
    assert m.Status(2) is m.Status.SUSPENDED
    assert [s.name for s in m.Status] == ["ACTIVE", "SUSPENDED"]
    assert m.Status.__module__ == m.__name__


def test_enum_members_that_python_refuses(load_idl: SourceLoader) -> None:
    with pytest.raises(ValueError, match="enum E"):
        load_idl("enum E { mro = 1 }")


# -- defaults that build values --------------------------------------------------------------------


def test_struct_default_values_use_the_nested_defaults(load_idl: SourceLoader) -> None:
    mod = load_idl(
        """
        struct Outer { 1: Inner inner = {"a": 5} }
        struct Inner { 1: i32 a, 2: list<i32> b = [1, 2] }
        """
    )
    first, second = mod.Outer(), mod.Outer()
    assert first.inner == mod.Inner(a=5, b=[1, 2])
    assert first.inner.b is not second.inner.b


def test_default_that_contains_itself_is_refused(load_idl: SourceLoader) -> None:
    with pytest.raises(ValueError, match="contain themselves"):
        load_idl("struct A { 1: i32 x, 2: A next = {'x': 1} }")


def test_init_is_generated_on_first_use(load_idl: SourceLoader) -> None:
    mod = load_idl("struct S { 1: i32 a, 2: string b = 'x' }")
    stub = mod.S.__init__
    assert mod.S(1) == mod.S(a=1, b="x")
    assert mod.S.__init__ is not stub
    assert mod.S.__init__.__qualname__ == "S.__init__"
    assert str(inspect.signature(mod.S)) == "(a=None, b='x')"


# -- through the codec (thrifthive.dumps / loads) --------------------------------------------------

PROTOCOLS: list[Literal["binary", "compact", "json"]] = ["binary", "compact", "json"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_round_trip(m: ModuleType, protocol: Literal["binary", "compact", "json"]) -> None:
    user = m.User(
        id=1,
        username="alice",
        tags=["a", "b"],
        counters={"x": 2},
        address=m.Address("Rue", "Lyon", 69000),
        status=m.Status.SUSPENDED,
        lucky={1, 2},
        score=0.5,
        avatar=b"\x00\xff",
        key=uuid.UUID(int=7),
    )
    decoded = thrifthive.loads(m.User, thrifthive.dumps(user, protocol), protocol)
    assert decoded == user
    assert decoded.status is m.Status.SUSPENDED
    value = m.Value(items=[m.Value(number=1), m.Value(text="t")])
    assert thrifthive.loads(m.Value, thrifthive.dumps(value, protocol), protocol) == value
    k = m.Keywords(**{"return": 3, "self": "me", "class": False})
    assert thrifthive.loads(m.Keywords, thrifthive.dumps(k, protocol), protocol) == k


def test_decoded_absent_fields_get_fresh_defaults(m: ModuleType) -> None:
    # Only the required fields on the wire: the others take their defaults, never shared.
    data = thrifthive.dumps(m.User(id=1, username="a", tags=None, counters=None, lucky=None))
    first, second = thrifthive.loads(m.User, data), thrifthive.loads(m.User, data)
    assert first == m.User(id=1, username="a")
    assert first.tags is not second.tags
    assert first.address is not second.address


def test_decoded_exceptions_behave(m: ModuleType) -> None:
    error = thrifthive.loads(m.NotFound, thrifthive.dumps(m.NotFound(message="gone", id=2)))
    assert str(error) == "gone"
    assert repr(error) == "NotFound(message='gone', id=2)"
    with pytest.raises(m.NotFound):
        raise error
    assert pickle.loads(pickle.dumps(error)) == error
    frozen = thrifthive.loads(m.Frozen, thrifthive.dumps(m.Frozen(message="cold")))
    assert frozen == m.Frozen(message="cold")
    with pytest.raises(TypeError, match="immutable"):
        frozen.message = "warm"


def test_sets_of_structs_decode(m: ModuleType, load_idl: SourceLoader) -> None:
    mod = load_idl("struct P { 1: i32 x }\nstruct S { 1: set<P> ps, 2: map<P, string> names }")
    value = mod.S(ps={mod.P(1), mod.P(2)}, names={mod.P(1): "one"})
    assert thrifthive.loads(mod.S, thrifthive.dumps(value)) == value


def test_service_args_and_results_encode_like_apache(load_idl: SourceLoader) -> None:
    mod = load_idl(
        """
        exception Oops { 1: string message }
        service S { i32 add(1: i32 a, 2: i32 b) throws (3: Oops oops) }
        """
    )
    method = mod.S.methods["add"]
    # Field 1 i32 1, field 2 i32 2, stop: Apache's add_args with the binary protocol.
    assert thrifthive.dumps(method.args(1, 2)) == bytes.fromhex("080001000000010800020000000200")
    # success at field id 0.
    assert thrifthive.dumps(method.result(success=3)) == bytes.fromhex("0800000000000300")
    reply = thrifthive.loads(method.result, thrifthive.dumps(method.result(oops=mod.Oops("x"))))
    assert reply.success is None
    assert reply.oops == mod.Oops(message="x")
