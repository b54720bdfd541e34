"""thrifthive's TJSONProtocol against Apache's Python TJSONProtocol, compared by decoding.

What thrifthive writes, Apache reads back equal, NaN and infinities included (thrifthive writes
them quoted, "NaN"/"Infinity"/"-Infinity", as Apache's C++ library does, and Apache's Python
reader accepts that). The reverse direction leaves out non-finite doubles: Apache's Python writer
formats a double with ``'{0:.17g}'``, so it writes ``nan``, ``inf`` and ``-inf`` bare, which is
not JSON and not what Apache's C++ reader accepts (its known deviation). thrifthive writes base64
without padding, as Apache's C++ library does; Apache's Python reader pads before decoding.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, note
from hypothesis import strategies as st

import thrifthive

from .cases import CASES, SETTINGS, values
from .peers import Side, apache_decode, apache_encode, apache_factory
from .schema import Schema
from .values import build, canon, norm


@CASES
@SETTINGS
@given(data=st.data())
def test_apache_reads_thrifthive_json(
    idl: str,
    struct: str,
    data: st.DataObject,
    schemas: dict[str, Schema],
    apache: dict[str, Side],
    thrifthive_sides: dict[str, Side],
) -> None:
    schema = schemas[idl]
    ty = schema.struct_ty(struct)
    value = data.draw(values(idl, struct), label="value")
    ours: Any = build(schema, thrifthive_sides[idl].flavor, ty, value)
    text = thrifthive.dumps(ours, protocol="json")
    note(f"thrifthive: {text!r}")
    decoded = apache_decode(apache[idl].cls(struct), text, apache_factory("json"))
    assert norm(schema, ty, decoded) == canon(schema, ty, value)


@CASES
@SETTINGS
@given(data=st.data())
def test_thrifthive_reads_apache_json(
    idl: str,
    struct: str,
    data: st.DataObject,
    schemas: dict[str, Schema],
    apache: dict[str, Side],
    thrifthive_sides: dict[str, Side],
) -> None:
    schema = schemas[idl]
    ty = schema.struct_ty(struct)
    value = data.draw(values(idl, struct, finite=True), label="value")
    theirs: Any = build(schema, apache[idl].flavor, ty, value)
    text = apache_encode(theirs, apache_factory("json"))
    note(f"apache: {text!r}")
    decoded = thrifthive.loads(thrifthive_sides[idl].cls(struct), text, protocol="json")
    assert norm(schema, ty, decoded) == canon(schema, ty, value)
