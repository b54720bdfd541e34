"""The object codec: thrifthive.dumps / loads and the message envelopes, on hand-made classes
(tests/handmade.py) so that nothing but the ``_spec`` contract is assumed."""

from __future__ import annotations

import copy
import gc
import math
import pickle
import uuid
import weakref
from typing import Any

import pytest

import thrifthive
from thrifthive import codec
from thrifthive.exceptions import TApplicationException, TProtocolException

from .handmade import (
    DEF,
    OPT,
    Address,
    Everything,
    Node,
    Sparse,
    Status,
    User,
    UserPage,
    declare,
    define,
    make_class,
)

PROTOCOLS = ["binary", "compact", "json"]


def user(i: int = 1) -> Any:
    return User(
        id=i,
        username=f"user{i}",
        email=f"user{i}@example.com",
        tags=["a", "bb"],
        counters={"x": i},
        address=Address(street="1 Main St", city="Springfield", zip=12345),
        status=Status.ACTIVE,
        score=1.5 * i,
        avatar=b"\x00\xff" * 4,
        active=True,
    )


def everything() -> Any:
    return Everything(
        a_bool=False,
        a_byte=-128,
        an_i16=-32768,
        an_i32=2**31 - 1,
        an_i64=-(2**63),
        a_double=-0.1,
        a_string="héllo wörld ✓ 𝄞",
        a_binary=bytes(range(256)),
        a_uuid=uuid.UUID("00112233-4455-6677-8899-aabbccddeeff"),
        an_enum=Status.SUSPENDED,
        a_sparse_enum=Sparse.LOW,
        a_struct=Address(street="x", city=None, zip=0),
        bools=[True, False, True],
        bytes_=[0, 127, -1],
        doubles=[math.inf, -math.inf, 1e300, 5e-324],
        strings={"", "a", "ü"},
        binaries=[b"", b"\x00"],
        uuids={uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)},
        enums=[Status.ACTIVE, Status.SUSPENDED],
        structs=[Address(zip=1), Address(zip=2)],
        struct_set={Address(zip=3)},
        nested=[[], [1], [2, 3]],
        by_name={"a": [1, 2], "b": []},
        by_int={-1: Address(city="c")},
        by_struct={Address(street="k"): True},
        by_enum={Status.ACTIVE: {1, 2}},
        by_double={0.5: -0.5},
        i64s={2**62, -(2**62)},
        negative_id=-7,
        far_id="far",
    )


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_type_round_trips(protocol: str) -> None:
    value = everything()
    data = thrifthive.dumps(value, protocol)
    decoded = thrifthive.loads(Everything, data, protocol)
    assert decoded == value
    assert type(decoded.an_enum) is Status
    assert type(decoded.strings) is set
    assert type(decoded.nested) is list
    assert type(decoded.a_uuid) is uuid.UUID
    assert decoded.a_uuid.is_safe == uuid.SafeUUID.unknown
    assert str(decoded.a_uuid) == "00112233-4455-6677-8899-aabbccddeeff"
    # (Not byte for byte: a set may iterate in another order once rebuilt.)
    assert thrifthive.loads(Everything, thrifthive.dumps(decoded, protocol), protocol) == value


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_nan_round_trips(protocol: str) -> None:
    decoded = thrifthive.loads(
        Everything, thrifthive.dumps(Everything(a_double=math.nan), protocol), protocol
    )
    assert math.isnan(decoded.a_double)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_unset_fields_are_left_out_and_decode_to_none(protocol: str) -> None:
    data = thrifthive.dumps(Everything(), protocol)
    assert len(data) <= 2
    decoded = thrifthive.loads(Everything, data, protocol)
    assert all(getattr(decoded, f[1]) is None for f in Everything.__thrift_spec__)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_page_of_users_round_trips(protocol: str) -> None:
    page = UserPage(users=[user(i) for i in range(20)], total=20)
    assert thrifthive.loads(UserPage, thrifthive.dumps(page, protocol), protocol) == page


def test_fields_are_written_in_id_order_as_apache_writes_them() -> None:
    cls = make_class("Backwards", [(2, "b", ("byte",), DEF, None), (1, "a", ("byte",), DEF, None)])
    assert thrifthive.dumps(cls(a=1, b=2)) == b"\x03\x00\x01\x01\x03\x00\x02\x02\x00"


def test_binary_output_matches_apache_fastbinary() -> None:
    fastbinary = pytest.importorskip("thrift.protocol.fastbinary")
    from thrift.Thrift import TType  # type: ignore[import-untyped]

    class ApacheAddress:
        thrift_spec = (
            None,
            (1, TType.STRING, "street", "UTF8", None),
            (2, TType.STRING, "city", "UTF8", None),
            (3, TType.I32, "zip", None, None),
        )

        def __init__(self, street: str | None, city: str | None, zip: int | None) -> None:
            self.street, self.city, self.zip = street, city, zip

    class ApacheUser:
        thrift_spec = (
            None,
            (1, TType.I64, "id", None, None),
            (2, TType.STRING, "username", "UTF8", None),
            (3, TType.STRING, "email", "UTF8", None),
            (4, TType.LIST, "tags", (TType.STRING, "UTF8", False), None),
            (5, TType.MAP, "counters", (TType.STRING, "UTF8", TType.I64, None, False), None),
            (6, TType.STRUCT, "address", [ApacheAddress, ApacheAddress.thrift_spec], None),
            (7, TType.I32, "status", None, None),
            (8, TType.DOUBLE, "score", None, None),
            (9, TType.STRING, "avatar", "BINARY", None),
            (10, TType.BOOL, "active", None, None),
        )

        def __init__(self, **fields: object) -> None:
            self.__dict__.update(fields)

    ours = user(7)
    theirs = ApacheUser(
        **{f[1]: getattr(ours, f[1]) for f in User.__thrift_spec__ if f[1] != "address"},
        address=ApacheAddress("1 Main St", "Springfield", 12345),
    )
    spec = [ApacheUser, ApacheUser.thrift_spec]
    assert thrifthive.dumps(ours) == fastbinary.encode_binary(theirs, spec)
    assert thrifthive.dumps(ours, "compact") == fastbinary.encode_compact(theirs, spec)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_recursive_structs_round_trip(protocol: str) -> None:
    tree = Node(value=1, children=[Node(value=2, children=[Node(value=3)]), Node(value=4)])
    chain = Node(value=0)
    for i in range(1, 30):
        chain = Node(value=i, next=chain)
    for value in (tree, chain):
        assert thrifthive.loads(Node, thrifthive.dumps(value, protocol), protocol) == value


def test_decoded_instances_are_made_without_init() -> None:
    calls = []
    cls = make_class("Counted", [(1, "x", ("i32",), DEF, None)])
    original_init = cls.__init__

    def init(self: Any, **fields: Any) -> None:
        calls.append(fields)
        original_init(self, **fields)

    cls.__init__ = init
    data = thrifthive.dumps(cls(x=1))
    calls.clear()
    assert thrifthive.loads(cls, data).x == 1
    assert calls == []


Hashables = make_class(
    "Hashables",
    [
        (1, "lists", ("set", ("list", ("i32",))), DEF, None),
        (2, "by_set", ("map", ("set", ("string",)), ("list", ("i32",))), DEF, None),
        (3, "by_map", ("map", ("map", ("string",), ("list", ("i32",))), ("i32",)), DEF, None),
        (4, "nested", ("list", ("set", ("set", ("i32",)))), DEF, None),
    ],
)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_set_elements_and_map_keys_decode_to_hashable_forms(protocol: str) -> None:
    value = Hashables(
        lists={(1, 2), ()},
        by_set={frozenset({"a"}): [1]},
        by_map={codec.FrozenDict({"k": (1, 2)}): 5},
        nested=[{frozenset({1}), frozenset()}],
    )
    decoded = thrifthive.loads(Hashables, thrifthive.dumps(value, protocol), protocol)
    assert decoded == value
    assert {type(e) for e in decoded.lists} == {tuple}
    assert [(type(k), type(v)) for k, v in decoded.by_set.items()] == [(frozenset, list)]
    (key,) = decoded.by_map
    assert type(key) is codec.FrozenDict
    assert type(key["k"]) is tuple
    assert type(decoded.nested[0]) is set
    assert {type(e) for e in decoded.nested[0]} == {frozenset}


def test_frozen_dicts_are_immutable_hashable_and_copyable() -> None:
    frozen = codec.FrozenDict({"a": 1})
    assert hash(frozen) == hash(codec.FrozenDict({"a": 1}))
    assert frozen == {"a": 1}
    with pytest.raises(TypeError, match="FrozenDict is immutable"):
        frozen["b"] = 2
    with pytest.raises(TypeError, match="FrozenDict is immutable"):
        frozen.update(b=2)
    assert copy.deepcopy(frozen) == frozen
    assert type(pickle.loads(pickle.dumps(frozen))) is codec.FrozenDict
    assert repr(frozen) == "FrozenDict({'a': 1})"


KeyedInner = make_class("KeyedInner", [(1, "m", ("map", ("string",), ("i32",)), DEF, {"d": 1})])
Keyed = make_class(
    "Keyed",
    [
        (1, "by", ("map", ("string",), ("struct", KeyedInner)), DEF, None),
        (2, "counts", ("list", ("map", ("string",), ("i64",))), DEF, None),
    ],
)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_map_keys_of_every_kind_decode_right(protocol: str) -> None:
    keys = ["", "a", "logins", "exactly-16-bytes", "seventeen-bytes!!", "zürich", "k" * 100]
    value = Keyed(
        # The inner maps are absent: their defaults are decoded while the outer map is.
        by={key: KeyedInner() for key in keys},
        counts=[{key: i for i, key in enumerate(keys)} for _ in range(3)],
    )
    decoded = thrifthive.loads(Keyed, thrifthive.dumps(value, protocol), protocol)
    assert decoded.counts == value.counts
    assert list(decoded.by) == keys
    assert all(inner.m == {"d": 1} for inner in decoded.by.values())


def test_repeated_short_map_keys_are_one_str() -> None:
    data = thrifthive.dumps(Keyed(counts=[{"logins": 1}, {"logins": 2}]))
    first, second = (next(iter(m)) for m in thrifthive.loads(Keyed, data).counts)
    assert first == "logins"
    assert first is second


# ---- enums ----


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_enums_decode_to_members_and_unknown_values_to_ints(protocol: str) -> None:
    decoded = thrifthive.loads(
        Everything,
        thrifthive.dumps(
            Everything(an_enum=2, a_sparse_enum=1000, enums=[1, 7, -3], by_enum={9: set()}),
            protocol,
        ),
        protocol,
    )
    assert decoded.an_enum is Status.SUSPENDED
    assert decoded.a_sparse_enum is Sparse.HIGH
    assert decoded.enums == [Status.ACTIVE, 7, -3]
    assert [type(e) for e in decoded.enums] == [Status, int, int]
    assert decoded.by_enum == {9: set()}
    # Unknown values round trip as they came.
    assert thrifthive.loads(Everything, thrifthive.dumps(decoded)).enums == [1, 7, -3]


# ---- defaults ----

Defaults = make_class(
    "Defaults",
    [
        (1, "tags", ("list", ("string",)), DEF, ["new"]),
        (2, "where", ("struct", Address), DEF, Address(city="Paris")),
        (3, "name", ("string",), DEF, "anon"),
        (4, "counts", ("map", ("string",), ("set", ("i32",))), DEF, {"a": frozenset({1})}),
        (5, "ids", ("set", ("i32",)), DEF, frozenset({1, 2})),
        (6, "status", ("enum", Status), DEF, Status.ACTIVE),
        (7, "plain", ("i32",), DEF, None),
    ],
)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_absent_fields_get_their_defaults(protocol: str) -> None:
    decoded = thrifthive.loads(Defaults, thrifthive.dumps(Defaults(), protocol), protocol)
    assert decoded.tags == ["new"]
    assert decoded.where == Address(city="Paris")
    assert decoded.name == "anon"
    assert decoded.counts == {"a": {1}}
    assert decoded.ids == {1, 2}
    assert type(decoded.ids) is set
    assert decoded.status is Status.ACTIVE
    assert decoded.plain is None


def test_mutable_defaults_are_fresh_copies() -> None:
    data = thrifthive.dumps(Defaults())
    first, second = thrifthive.loads(Defaults, data), thrifthive.loads(Defaults, data)
    first.tags.append("changed")
    first.where.city = "Rome"
    first.counts["a"].add(9)
    first.ids.add(9)
    assert second.tags == ["new"]
    assert second.where.city == "Paris"
    assert second.counts == {"a": {1}}
    assert second.ids == {1, 2}
    spec = {f[1]: f[4] for f in Defaults.__thrift_spec__}
    assert spec["tags"] == ["new"]
    assert spec["where"].city == "Paris"
    # Immutable defaults may be shared.
    assert thrifthive.loads(Defaults, data).name is spec["name"]


def test_fields_that_arrive_do_not_get_defaults() -> None:
    value = Defaults(tags=[], where=Address(), name="", counts={}, ids=set(), status=2)
    assert thrifthive.loads(Defaults, thrifthive.dumps(value)) == value


# ---- unions ----

Shape = make_class(
    "Shape",
    [
        (1, "circle", ("double",), DEF, None),
        (2, "square", ("double",), DEF, None),
        (3, "label", ("string",), DEF, None),
    ],
    kind="union",
)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_union_round_trips_with_one_field(protocol: str) -> None:
    decoded = thrifthive.loads(Shape, thrifthive.dumps(Shape(square=2.0), protocol), protocol)
    assert (decoded.circle, decoded.square, decoded.label) == (None, 2.0, None)


def test_a_union_must_have_exactly_one_field_set_on_write() -> None:
    with pytest.raises(TProtocolException, match=r"^union Shape .* but none is") as none:
        thrifthive.dumps(Shape())
    assert none.value.type == TProtocolException.INVALID_DATA
    with pytest.raises(TProtocolException, match=r"but 2 are \(circle, label\)"):
        thrifthive.dumps(Shape(circle=1.0, label="x"))


def test_a_union_without_one_field_is_accepted_on_read_unless_strict() -> None:
    empty = thrifthive.dumps(Address())
    assert thrifthive.loads(Shape, empty) == Shape()
    with pytest.raises(TProtocolException, match="union Shape must have exactly one field"):
        thrifthive.loads(Shape, empty, strict=True)


def test_a_union_gets_its_defaults_only_when_no_field_arrived() -> None:
    cls = make_class(
        "WithDefault",
        [(1, "a", ("i32",), DEF, 7), (2, "b", ("list", ("i32",)), DEF, [1])],
        kind="union",
    )
    decoded = thrifthive.loads(cls, thrifthive.dumps(cls(a=None, b=[2])))
    assert (decoded.a, decoded.b) == (None, [2])
    empty = thrifthive.loads(cls, thrifthive.dumps(Address()))
    assert (empty.a, empty.b) == (7, [1])


# ---- exceptions ----

NotFound = make_class(
    "NotFound",
    [(1, "message", ("string",), DEF, None), (2, "code", ("i32",), DEF, 404)],
    kind="exception",
)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_exceptions_round_trip_and_behave_as_exceptions(protocol: str) -> None:
    decoded = thrifthive.loads(
        NotFound, thrifthive.dumps(NotFound(message="no such user"), protocol), protocol
    )
    assert isinstance(decoded, NotFound)
    assert (decoded.message, decoded.code) == ("no such user", 404)
    assert decoded.args == ()
    assert "no such user" in str(decoded)
    assert "NotFound" in repr(decoded)
    with pytest.raises(NotFound):
        raise decoded


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_application_exceptions_keep_their_fields_in_the_instance_dict(
    protocol: str,
) -> None:
    error = TApplicationException(TApplicationException.UNKNOWN_METHOD, "no method frob")
    data = thrifthive.dumps(error, protocol)
    decoded = thrifthive.loads(TApplicationException, data, protocol)
    assert (decoded.type, decoded.message) == (1, "no method frob")
    assert str(decoded) == "no method frob"
    # Absent fields get their defaults there too.
    bare = thrifthive.loads(TApplicationException, thrifthive.dumps(Address(), protocol), protocol)
    assert (bare.type, bare.message) == (0, None)


# ---- what values a field accepts on write ----


def test_containers_accept_other_sequences_and_sets() -> None:
    value = Everything(strings=frozenset({"a"}), nested=((1, 2), [3]), binaries=(bytearray(b"x"),))
    decoded = thrifthive.loads(Everything, thrifthive.dumps(value))
    assert decoded.strings == {"a"}
    assert decoded.nested == [[1, 2], [3]]
    assert decoded.binaries == [b"x"]


def test_binary_accepts_any_contiguous_buffer() -> None:
    for buffer in (bytearray(b"abc"), memoryview(b"xabcx")[1:4]):
        assert thrifthive.loads(Everything, thrifthive.dumps(Everything(a_binary=buffer))) == (
            Everything(a_binary=b"abc")
        )


def test_double_accepts_ints_and_int_fields_accept_int_subclasses() -> None:
    value = Everything(a_double=3, an_i32=Status.SUSPENDED, an_i64=True)
    decoded = thrifthive.loads(Everything, thrifthive.dumps(value))
    assert (decoded.a_double, decoded.an_i32, decoded.an_i64) == (3.0, 2, 1)
    assert type(decoded.a_double) is float


def test_instances_of_subclasses_encode_as_their_declared_class() -> None:
    class Special(Address):  # type: ignore[misc]
        __slots__ = ("extra",)

    special = Special(street="s", city="c", zip=1)
    special.extra = "not encoded"
    value = User(id=1, username="u", email="e", address=special)
    decoded = thrifthive.loads(User, thrifthive.dumps(value))
    assert type(decoded.address) is Address
    assert decoded.address == Address(street="s", city="c", zip=1)
    # At the top level a subclass gets a plan of its own, with the same fields.
    assert thrifthive.loads(Special, thrifthive.dumps(special)).street == "s"


# ---- input and API ----


def test_loads_takes_bytes_bytearray_and_memoryview() -> None:
    data = thrifthive.dumps(user())
    for source in (data, bytearray(data), memoryview(b"--" + data + b"--")[2:-2]):
        assert thrifthive.loads(User, source) == user()


def test_limits_are_a_value() -> None:
    limits = thrifthive.Limits(max_depth=10)
    assert limits == thrifthive.Limits(max_depth=10) != thrifthive.Limits()
    assert (limits.max_depth, limits.max_string_len) == (10, 16 * 1024 * 1024)
    assert repr(limits).startswith("Limits(max_string_len=16777216, ")
    with pytest.raises(ValueError, match="max_depth must be from 1 to 512, got 0"):
        thrifthive.Limits(max_depth=0)


def test_unknown_protocol_is_a_value_error() -> None:
    with pytest.raises(ValueError, match='unknown protocol "xml"'):
        thrifthive.dumps(user(), "xml")


def test_the_plan_is_cached_on_the_class_and_not_inherited() -> None:
    cls = make_class("Cached", [(1, "x", ("i32",), DEF, None)])
    thrifthive.dumps(cls(x=1))
    plan = cls.__dict__["__thrift_plan__"]
    thrifthive.dumps(cls(x=2))
    assert cls.__dict__["__thrift_plan__"] is plan
    sub = type("Sub", (cls,), {"__slots__": ()})
    thrifthive.dumps(sub(x=3))
    assert sub.__dict__["__thrift_plan__"] is not plan


def test_classes_and_their_plans_are_garbage_collected() -> None:
    cls = declare("Temp", ["me", "friends"])
    define(
        cls, [(1, "me", ("struct", cls), OPT, None), (2, "friends", ("list", ("i32",)), DEF, [1])]
    )
    thrifthive.loads(cls, thrifthive.dumps(cls(me=cls(friends=[1]))))
    ref = weakref.ref(cls)
    del cls
    gc.collect()
    assert ref() is None


def test_classes_from_load_source_work_with_the_codec() -> None:
    module = thrifthive.load_source(
        "enum E { A = 1 }\n"
        'struct Inner { 1: list<string> tags = ["x"] }\n'
        "struct Outer { 1: required i32 id, 2: Inner inner, 3: E e, 4: set<i64> s }\n",
        "codec_load_source_test",
    )
    value = module.Outer(id=1, inner=module.Inner(), e=module.E.A, s={5})
    for protocol in PROTOCOLS:
        decoded = thrifthive.loads(module.Outer, thrifthive.dumps(value, protocol), protocol)
        assert decoded == value
        assert decoded.e is module.E.A


# ---- messages ----

Args = make_class("getUser_args", [(1, "user_id", ("i64",), DEF, None)])
Result = make_class(
    "getUser_result",
    [(0, "success", ("struct", User), OPT, None), (1, "nf", ("struct", NotFound), OPT, None)],
)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("message_type", list(codec.MessageType))
def test_messages_round_trip(protocol: str, message_type: codec.MessageType) -> None:
    body = Args(user_id=42)
    data = codec.encode_message("getUser", message_type, 7, body, protocol)
    message = codec.decode_message(data, Args, protocol)
    if message_type == codec.MessageType.EXCEPTION:
        # The body of an exception message is always read as a TApplicationException.
        assert isinstance(message.body, TApplicationException)
    else:
        assert message == ("getUser", message_type, 7, body)
    assert type(message.type) is codec.MessageType


def test_a_binary_message_has_a_strict_header() -> None:
    data = codec.encode_message("ping", codec.MessageType.CALL, 258, Args())
    assert data == b"\x80\x01\x00\x01\x00\x00\x00\x04ping\x00\x00\x01\x02\x00"


def test_the_old_unversioned_binary_header_is_read() -> None:
    data = (
        b"\x00\x00\x00\x04ping\x01\x00\x00\x00\x05\x0a\x00\x01" + (9).to_bytes(8, "big") + b"\x00"
    )
    assert codec.decode_message(data, Args) == ("ping", codec.MessageType.CALL, 5, Args(user_id=9))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_server_picks_the_body_class_by_name(protocol: str) -> None:
    classes = {"getUser": Args}
    data = codec.encode_message("getUser", codec.MessageType.CALL, 1, Args(user_id=1), protocol)
    assert codec.decode_message(data, classes, protocol).body == Args(user_id=1)
    unknown = codec.encode_message("frob", codec.MessageType.CALL, 9, Args(user_id=1), protocol)
    # The name and seqid are there to answer with; the body is left alone.
    assert codec.decode_message(unknown, classes, protocol) == (
        "frob",
        codec.MessageType.CALL,
        9,
        None,
    )


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_replies_and_application_exceptions(protocol: str) -> None:
    reply = Result(nf=NotFound(message="gone", code=1))
    data = codec.encode_message("getUser", codec.MessageType.REPLY, 3, reply, protocol)
    assert codec.decode_message(data, Result, protocol).body == reply
    error = TApplicationException(TApplicationException.INTERNAL_ERROR, "boom")
    data = codec.encode_message("getUser", codec.MessageType.EXCEPTION, 3, error, protocol)
    decoded = codec.decode_message(data, Result, protocol).body
    assert isinstance(decoded, TApplicationException)
    assert (decoded.type, decoded.message) == (6, "boom")


def test_an_invalid_message_type_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"message_type must be 1 \(call\)"):
        codec.encode_message("x", 5, 1, Args())  # type: ignore[arg-type]


def test_bytes_after_a_message_are_an_error() -> None:
    data = codec.encode_message("getUser", codec.MessageType.CALL, 1, Args(user_id=1))
    with pytest.raises(TProtocolException, match="1 unexpected bytes after the end"):
        codec.decode_message(data + b"\x00", Args)
