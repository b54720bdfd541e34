"""thrifthive against Apache Thrift's Python library (fastbinary, code from Debian's compiler):
binary and compact, byte for byte, and each side decodes the other's bytes to equal values.

Byte-exact: every value, except one holding a set of two or more structs or maps (BlowUp's
``set<map<i32,string>>``, the sets of lists of maps in CrazyNesting): a set is written in
iteration order, which follows its elements' hashes, and each library hashes its own struct and
frozen-map classes differently. Those are compared as a multiset of bytes (same length, same
bytes in some order) and by decoding. Maps are always byte-exact: both sides get their pairs in
the same insertion order. Fields are written in id order by both (Apache's generator sorts them;
DebugProtoTest's Backwards and ReverseOrderStruct check it).

For a struct with implicit (negative) field ids (DebugProtoTest's TupleProtocolTestStruct),
Apache's generated ``thrift_spec`` is empty, so fastbinary writes none of its fields and skips
them all when reading; the reference for that one is Apache's pure-Python protocol.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import thrifthive

from .cases import CASES, SETTINGS, values
from .checks import assert_same_bytes, assert_same_multiset
from .peers import Side, apache_decode, apache_encode, apache_factory
from .schema import Schema
from .values import build, canon, norm, set_order_is_stable


@CASES
@pytest.mark.parametrize("protocol", ["binary", "compact"])
@SETTINGS
@given(data=st.data())
def test_matches_apache(
    idl: str,
    struct: str,
    protocol: str,
    data: st.DataObject,
    schemas: dict[str, Schema],
    apache: dict[str, Side],
    thrifthive_sides: dict[str, Side],
) -> None:
    schema, ours_side, their_side = schemas[idl], thrifthive_sides[idl], apache[idl]
    ty = schema.struct_ty(struct)
    # fastbinary drops fields with implicit (negative) ids: see the module's doc.
    factory = apache_factory(protocol, accelerated=not schema.has_negative_ids(ty))

    value = data.draw(values(idl, struct), label="value")
    expected = canon(schema, ty, value)
    ours: Any = build(schema, ours_side.flavor, ty, value)
    theirs: Any = build(schema, their_side.flavor, ty, value)

    our_bytes = thrifthive.dumps(ours, protocol=protocol)
    their_bytes = apache_encode(theirs, factory)
    note(f"thrifthive: {our_bytes.hex()}")
    note(f"apache:     {their_bytes.hex()}")
    if set_order_is_stable(schema, ty, value):
        assert_same_bytes(our_bytes, their_bytes, "apache")
    else:
        assert_same_multiset(our_bytes, their_bytes, "apache")

    cls = their_side.cls(struct)
    assert norm(schema, ty, apache_decode(cls, our_bytes, factory)) == expected
    decoded = thrifthive.loads(ours_side.cls(struct), their_bytes, protocol=protocol)
    assert norm(schema, ty, decoded) == expected
