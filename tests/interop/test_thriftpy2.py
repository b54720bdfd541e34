"""thrifthive against thriftpy2 (its Cython binary protocol and its compact protocol).

thriftpy2 writes fields in declaration order, Apache (and thrifthive) in id order, so bytes are
compared exactly where the two orders agree (every reachable struct declares its fields in
ascending id order; not so for DebugProtoTest's Backwards, ReverseOrderStruct,
PrimitiveThenStruct and TupleProtocolTestStruct) and the set order is stable (see test_apache);
otherwise by decoding, and for binary also as a multiset of bytes. thriftpy2 cannot decode a map
whose key is a list, set or map (it builds a dict with list keys: "unhashable type"), so for the
types holding one (CrazyNesting, CompactProtoTestStruct, BlowUp) thriftpy2's reading of
thrifthive's bytes is left out; thrifthive still reads thriftpy2's.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import thrifthive

from .cases import CASES, SETTINGS, values
from .checks import assert_same_bytes, assert_same_multiset
from .peers import Side, thriftpy2_decode, thriftpy2_encode, thriftpy2_factory
from .schema import Schema
from .values import build, canon, norm, set_order_is_stable


@CASES
@pytest.mark.parametrize("protocol", ["binary", "compact"])
@SETTINGS
@given(data=st.data())
def test_matches_thriftpy2(
    idl: str,
    struct: str,
    protocol: str,
    data: st.DataObject,
    schemas: dict[str, Schema],
    thriftpy2_sides: dict[str, Side],
    thrifthive_sides: dict[str, Side],
) -> None:
    schema, ours_side, their_side = schemas[idl], thrifthive_sides[idl], thriftpy2_sides[idl]
    ty = schema.struct_ty(struct)
    factory = thriftpy2_factory(protocol)

    value = data.draw(values(idl, struct), label="value")
    expected = canon(schema, ty, value)
    ours: Any = build(schema, ours_side.flavor, ty, value)
    theirs: Any = build(schema, their_side.flavor, ty, value)

    our_bytes = thrifthive.dumps(ours, protocol=protocol)
    their_bytes = thriftpy2_encode(theirs, factory)
    note(f"thrifthive: {our_bytes.hex()}")
    note(f"thriftpy2:  {their_bytes.hex()}")
    in_order = schema.ids_ascending(ty)
    if in_order and set_order_is_stable(schema, ty, value):
        assert_same_bytes(our_bytes, their_bytes, "thriftpy2")
    elif in_order or protocol == "binary":
        assert_same_multiset(our_bytes, their_bytes, "thriftpy2")

    decoded = thrifthive.loads(ours_side.cls(struct), their_bytes, protocol=protocol)
    assert norm(schema, ty, decoded) == expected
    if not schema.has_container_keys(ty):
        assert norm(schema, ty, thriftpy2_decode(their_side.cls(struct), our_bytes, factory)) == (
            expected
        )
