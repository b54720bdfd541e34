"""The object codec's errors: wrong values on write, and every way input can be bad on read."""

from __future__ import annotations

import contextlib
import struct
import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import thrifthive
from thrifthive import codec
from thrifthive.exceptions import TProtocolException

from .handmade import DEF, OPT, REQ, Address, Everything, Node, User, UserPage, make_class
from .test_codec import PROTOCOLS, everything, user

INVALID_DATA = TProtocolException.INVALID_DATA
NEGATIVE_SIZE = TProtocolException.NEGATIVE_SIZE
SIZE_LIMIT = TProtocolException.SIZE_LIMIT
DEPTH_LIMIT = TProtocolException.DEPTH_LIMIT


# ---- writing: values of the wrong type or range ----


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"id": "1"}, TypeError, "User.id: expected int, got str"),
        ({"id": 1.0}, TypeError, "User.id: expected int, got float"),
        ({"username": b"u"}, TypeError, "User.username: expected str, got bytes"),
        ({"active": 1}, TypeError, "User.active: expected bool, got int"),
        ({"score": "1"}, TypeError, "User.score: expected float, got str"),
        ({"avatar": "x"}, TypeError, "User.avatar: expected bytes, got str"),
        ({"tags": "abc"}, TypeError, "User.tags: expected list, got str"),
        ({"tags": {"a"}}, TypeError, "User.tags: expected list, got set"),
        ({"tags": ["a", 2]}, TypeError, r"User.tags\[1\]: expected str, got int"),
        ({"counters": [("a", 1)]}, TypeError, "User.counters: expected dict, got list"),
        ({"counters": {1: 1}}, TypeError, "User.counters<key>: expected str, got int"),
        ({"counters": {"k": "v"}}, TypeError, r"User.counters\['k'\]: expected int, got str"),
        ({"address": {"zip": 1}}, TypeError, "User.address: expected Address, got dict"),
        ({"address": Address(zip="1")}, TypeError, "User.address.zip: expected int, got str"),
        ({"status": "ACTIVE"}, TypeError, "User.status: expected int, got str"),
        ({"id": 2**63}, OverflowError, "User.id: 9223372036854775808 is out of range for i64"),
        ({"status": 2**31}, OverflowError, "User.status: 2147483648 is out of range for i32"),
    ],
)
def test_a_wrong_value_is_an_error_naming_the_field(
    fields: dict[str, Any], error: type[Exception], message: str
) -> None:
    value = user()
    for name, field_value in fields.items():
        setattr(value, name, field_value)
    with pytest.raises(error, match=f"^{message}$"):
        thrifthive.dumps(value)


def test_errors_name_the_path_through_nested_values() -> None:
    page = UserPage(users=[user(0), user(1)])
    page.users[1].address.zip = 2**40
    with pytest.raises(OverflowError, match=r"^UserPage.users\[1\].address.zip: 1099511627776 is"):
        thrifthive.dumps(page)


@pytest.mark.parametrize(
    ("field", "value", "ttype"),
    [("a_byte", 128, "byte"), ("a_byte", -129, "byte"), ("an_i16", 2**15, "i16")],
)
def test_small_ints_are_range_checked(field: str, value: int, ttype: str) -> None:
    with pytest.raises(
        OverflowError, match=f"Everything.{field}: {value} is out of range for {ttype}"
    ):
        thrifthive.dumps(Everything(**{field: value}))


def test_a_uuid_field_wants_a_uuid() -> None:
    with pytest.raises(TypeError, match=r"Everything.a_uuid: expected uuid.UUID, got str"):
        thrifthive.dumps(Everything(a_uuid="00112233-4455-6677-8899-aabbccddeeff"))


def test_a_set_field_wants_a_set() -> None:
    with pytest.raises(TypeError, match=r"Everything.strings: expected set, got list"):
        thrifthive.dumps(Everything(strings=["a"]))


def test_a_string_that_has_no_utf8_form_keeps_its_error_with_a_note() -> None:
    with pytest.raises(UnicodeEncodeError) as error:
        thrifthive.dumps(Everything(strings={"\udc80"}))
    assert error.value.__notes__ == ["in Everything.strings[0]"]


def test_only_thrift_instances_can_be_encoded() -> None:
    with pytest.raises(TypeError, match="int is not a Thrift struct, union or exception"):
        thrifthive.dumps(5)
    with pytest.raises(TypeError, match="int is not a Thrift struct"):
        thrifthive.loads(int, b"\x00")


def test_a_bad_spec_is_a_type_error_naming_the_field() -> None:
    cls = make_class("Bad", [(1, "x", ("lst", ("i32",)), DEF, None)])
    with pytest.raises(
        TypeError, match=r"bad __thrift_spec__ for Bad.x: unknown type spec \('lst'"
    ):
        thrifthive.dumps(cls())
    cls = make_class("Dup", [(1, "x", ("i32",), DEF, None), (1, "y", ("i32",), DEF, None)])
    with pytest.raises(TypeError, match="fields x and y share the id 1"):
        thrifthive.dumps(cls())
    cls = make_class("NotEnum", [(1, "x", ("enum", int), DEF, None)])
    with pytest.raises(TypeError, match=r"NotEnum.x: int is not an enum class"):
        thrifthive.dumps(cls())


# ---- required fields ----


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_required_field_unset_on_write_is_an_error(protocol: str) -> None:
    value = user()
    value.email = None
    with pytest.raises(TProtocolException, match=r"^required field User.email is unset$") as err:
        thrifthive.dumps(value, protocol)
    assert err.value.type == INVALID_DATA
    with pytest.raises(
        TProtocolException, match=r"^UserPage.users\[0\]: required field User.email"
    ):
        thrifthive.dumps(UserPage(users=[value]), protocol)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_required_field_missing_on_read_is_accepted_unless_strict(
    protocol: str,
) -> None:
    Partial = make_class("Partial", [(1, "id", ("i64",), DEF, None)])
    data = thrifthive.dumps(Partial(id=5), protocol)
    decoded = thrifthive.loads(User, data, protocol)
    assert (decoded.id, decoded.username, decoded.email) == (5, None, None)
    with pytest.raises(TProtocolException, match=r"^required field User.username is missing$"):
        thrifthive.loads(User, data, protocol, strict=True)


# ---- reading: what is skipped ----

V1 = make_class("Versioned", [(1, "a", ("i32",), DEF, None), (3, "c", ("string",), DEF, None)])
V2 = make_class(
    "Versioned",
    [
        (1, "a", ("i32",), DEF, None),
        (2, "b", ("list", ("struct", Address)), DEF, None),
        (3, "c", ("string",), DEF, None),
        (4, "d", ("map", ("i32",), ("set", ("string",))), DEF, None),
        (5, "e", ("struct", Node), DEF, None),
    ],
)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_unknown_fields_are_skipped(protocol: str) -> None:
    newer = V2(a=1, b=[Address(zip=1)], c="c", d={1: {"x"}}, e=Node(value=1, children=[Node()]))
    assert thrifthive.loads(V1, thrifthive.dumps(newer, protocol), protocol) == V1(a=1, c="c")


Typed = make_class(
    "Typed",
    [
        (1, "a", ("i32",), DEF, None),
        (2, "b", ("list", ("i32",)), DEF, None),
        (3, "c", ("map", ("string",), ("list", ("i64",))), DEF, None),
        (4, "d", ("set", ("list", ("i32",))), DEF, None),
        (5, "z", ("string",), DEF, "default"),
    ],
)
Retyped = make_class(
    "Typed",
    [
        (1, "a", ("i64",), DEF, None),
        (2, "b", ("list", ("string",)), DEF, None),
        (3, "c", ("map", ("string",), ("list", ("string",))), DEF, None),
        (4, "d", ("set", ("list", ("string",))), DEF, None),
        (5, "z", ("i32",), DEF, None),
        (6, "after", ("i32",), DEF, None),
    ],
)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_fields_with_another_wire_type_are_skipped_not_misread(protocol: str) -> None:
    data = thrifthive.dumps(
        Retyped(a=1, b=["x"], c={"k": ["v"], "l": ["w"]}, d={("p", "q")}, z=5, after=6), protocol
    )
    decoded = thrifthive.loads(Typed, data, protocol)
    # Each field is absent, as if it had not been sent: None or its default.
    assert decoded == Typed(z="default")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_empty_containers_match_whatever_element_types_they_declare(
    protocol: str,
) -> None:
    data = thrifthive.dumps(Retyped(b=[], c={}, d=set()), protocol)
    assert thrifthive.loads(Typed, data, protocol) == Typed(b=[], c={}, d=set(), z="default")


# ---- reading: malformed input ----


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_truncated_input_is_an_error_at_every_length(protocol: str) -> None:
    data = thrifthive.dumps(everything(), protocol)
    for end in range(len(data)):
        with pytest.raises(TProtocolException) as err:
            thrifthive.loads(Everything, data[:end], protocol)
        assert err.value.type in (INVALID_DATA, SIZE_LIMIT), (end, err.value)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_truncated_messages_are_an_error_at_every_length(protocol: str) -> None:
    data = codec.encode_message("getUser", codec.MessageType.CALL, 1, user(), protocol)
    for end in range(len(data)):
        with pytest.raises(TProtocolException):
            codec.decode_message(data[:end], User, protocol)


def test_every_single_byte_corruption_is_an_error_or_a_value() -> None:
    data = thrifthive.dumps(everything(), "compact")
    for index in range(len(data)):
        for byte in (0x00, 0x7F, 0x80, 0xFF):
            corrupt = data[:index] + bytes([byte]) + data[index + 1 :]
            # TypeError: a corrupt set element or map key that is unhashable.
            with contextlib.suppress(TProtocolException, TypeError):
                thrifthive.loads(Everything, corrupt, "compact")


def test_bytes_after_the_struct_are_an_error() -> None:
    data = thrifthive.dumps(user())
    with pytest.raises(TProtocolException, match=r"^2 unexpected bytes after the end of the data"):
        thrifthive.loads(User, data + b"\x00\x00")


def test_invalid_utf8_is_an_error() -> None:
    data = thrifthive.dumps(Address(street="ab"))
    bad = data.replace(b"ab", b"\xc3\x28")
    with pytest.raises(TProtocolException, match=r"^Address.street: string at byte 3 is not valid"):
        thrifthive.loads(Address, bad)


def test_an_unknown_type_code_is_an_error() -> None:
    with pytest.raises(TProtocolException, match="unknown type code 99") as err:
        thrifthive.loads(Address, b"\x63\x00\x01\x00")
    assert err.value.type == INVALID_DATA


# ---- limits ----


def binary_string_field(field_id: int, length: int) -> bytes:
    return struct.pack(">bhi", 11, field_id, length)


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (binary_string_field(1, 2**31 - 1), SIZE_LIMIT, "string length 2147483647 exceeds"),
        (binary_string_field(1, 1000), SIZE_LIMIT, "string length 1000 needs at least 1000"),
        (binary_string_field(1, -1), NEGATIVE_SIZE, "string length -1 is negative"),
        (
            struct.pack(">bhbi", 15, 4, 11, 2**31 - 1),
            SIZE_LIMIT,
            "list length 2147483647 exceeds the limit of 16777216 elements",
        ),
    ],
)
def test_lengths_are_checked_before_anything_is_allocated(
    data: bytes, code: int, message: str
) -> None:
    with pytest.raises(TProtocolException, match=message) as err:
        thrifthive.loads(User, data + b"\x00" * 8)
    assert err.value.type == code


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_custom_limits(protocol: str) -> None:
    data = thrifthive.dumps(user(), protocol)
    strings = thrifthive.Limits(max_string_len=5)
    with pytest.raises(
        TProtocolException, match=r"^User.email: string length 17 exceeds the limit of 5 bytes$"
    ) as err:
        thrifthive.loads(User, data, protocol, limits=strings)
    assert err.value.type == SIZE_LIMIT
    with pytest.raises(TProtocolException, match="list length 2 exceeds the limit of 1 elements"):
        thrifthive.loads(User, data, protocol, limits=thrifthive.Limits(max_container_len=1))
    with pytest.raises(TProtocolException, match=f"message length {len(data)} exceeds"):
        thrifthive.loads(User, data, protocol, limits=thrifthive.Limits(max_message_size=10))


def chain(depth: int) -> Any:
    node = Node(value=0)
    for i in range(1, depth):
        node = Node(value=i, next=node)
    return node


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_nesting_deeper_than_the_limit_is_an_error(protocol: str) -> None:
    assert thrifthive.loads(Node, thrifthive.dumps(chain(64), protocol), protocol) == chain(64)
    deep = thrifthive.dumps(chain(65), protocol, limits=thrifthive.Limits(max_depth=65))
    with pytest.raises(TProtocolException, match="nesting depth exceeds the limit of 64") as err:
        thrifthive.loads(Node, deep, protocol)
    assert err.value.type == DEPTH_LIMIT
    deepest = thrifthive.Limits(max_depth=512)
    data = thrifthive.dumps(chain(512), protocol, limits=deepest)
    node = thrifthive.loads(Node, data, protocol, limits=deepest)
    for value in range(511, -1, -1):
        assert node.value == value
        node = node.next


def test_nesting_deeper_than_the_limit_is_an_error_on_write_too() -> None:
    with pytest.raises(TProtocolException, match="nesting depth exceeds the limit of 64") as err:
        thrifthive.dumps(chain(65))
    assert err.value.type == DEPTH_LIMIT
    # Containers count as levels, as the readers count them.
    with pytest.raises(TProtocolException, match="limit of 3"):
        thrifthive.dumps(
            Node(children=[Node(children=[Node()])]), limits=thrifthive.Limits(max_depth=3)
        )


def test_an_object_that_contains_itself_is_an_error_not_a_crash() -> None:
    loop = Node(value=1)
    loop.next = loop
    with pytest.raises(TProtocolException, match="nesting depth exceeds the limit of 64"):
        thrifthive.dumps(loop)
    holder = Node(children=[])
    holder.children.append(holder)
    with pytest.raises(TProtocolException, match="nesting depth"):
        thrifthive.dumps(holder, "json")


def test_depth_counts_containers_like_the_readers() -> None:
    Nest = make_class("Nest", [(1, "x", ("list", ("list", ("list", ("i32",)))), OPT, None)])
    data = thrifthive.dumps(Nest(x=[[[1]]]))
    assert thrifthive.loads(Nest, data, limits=thrifthive.Limits(max_depth=4)).x == [[[1]]]
    with pytest.raises(TProtocolException, match="limit of 3"):
        thrifthive.loads(Nest, data, limits=thrifthive.Limits(max_depth=3))
    required = make_class("Required", [(1, "x", ("i32",), REQ, None)])
    assert thrifthive.loads(required, b"\x00").x is None


def test_the_deepest_nesting_allowed_fits_a_small_thread_stack() -> None:
    deepest = thrifthive.Limits(max_depth=512)
    outcome: list[object] = []

    def work() -> None:
        for protocol in PROTOCOLS:
            data = thrifthive.dumps(chain(512), protocol, limits=deepest)
            thrifthive.loads(Node, data, protocol, limits=deepest)
            tree = leaf = Node(children=[])
            for _ in range(255):  # a struct and a list per level
                leaf.children.append(Node(children=[]))
                leaf = leaf.children[0]
            data = thrifthive.dumps(tree, protocol, limits=deepest)
            thrifthive.loads(Node, data, protocol, limits=deepest)
        outcome.append("done")

    previous = threading.stack_size(1 << 20)
    try:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous)
    assert outcome == ["done"]


@settings(max_examples=300, deadline=None)
@given(
    protocol=st.sampled_from(PROTOCOLS),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.binary(max_size=4)), max_size=4),
    cut=st.integers(0, 10_000),
)
def test_mangled_input_is_an_error_or_a_value_never_a_crash(
    protocol: str, edits: list[tuple[int, bytes]], cut: int
) -> None:
    data = bytearray(thrifthive.dumps(everything(), protocol))
    for position, replacement in edits:
        position %= len(data)
        data[position : position + len(replacement)] = replacement
    with contextlib.suppress(TProtocolException, TypeError):
        thrifthive.loads(Everything, bytes(data[: max(1, cut % (len(data) + 1))]), protocol)


@settings(max_examples=200, deadline=None)
@given(protocol=st.sampled_from(PROTOCOLS), data=st.binary(max_size=200))
def test_random_input_is_an_error_or_a_value_never_a_crash(protocol: str, data: bytes) -> None:
    with contextlib.suppress(TProtocolException, TypeError):
        thrifthive.loads(Everything, data, protocol)
    with contextlib.suppress(TProtocolException, TypeError):
        codec.decode_message(data, {"x": Everything}, protocol)
