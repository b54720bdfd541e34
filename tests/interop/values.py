"""Values of IDL types in three forms, and the comparisons between them.

*Neutral* values are what the strategies draw: a struct is a dict holding every field name (None
when unset), a set is a list of distinct elements and a map a list of ``(key, value)`` pairs, so
that the order in which elements go into each library's containers is fixed by the draw.

:func:`build` turns a neutral value into one library's objects (thrifthive's, Apache-generated or
thriftpy2's classes); :func:`norm` turns any library's objects back into a *canonical* value (plain
hashable data: tuples, frozensets, doubles by their bits) and :func:`canon` does the same for a
neutral value, filling absent fields with their IDL defaults as every decoder does. Two sides
agree on a value when their canonical forms are equal.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .schema import Schema, Ty

Canonical = Any

_INT_RANGES = {
    "byte": (-(2**7), 2**7 - 1),
    "i16": (-(2**15), 2**15 - 1),
    "i32": (-(2**31), 2**31 - 1),
    "i64": (-(2**63), 2**63 - 1),
}


class FrozenDict(dict[Any, Any]):
    """A hashable dict, for a map that is a set element or a map key (thrifthive, thriftpy2)."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))


@dataclass(frozen=True)
class Flavor:
    """How one library represents values: its classes, enums and hashable maps."""

    name: str
    struct_class: Callable[[str], Any]
    enum_value: Callable[[str, int], Any]
    frozen_map: Callable[[dict[Any, Any]], Any]


def build(schema: Schema, flavor: Flavor, ty: Ty, value: Any, key: bool = False) -> Any:
    """The neutral ``value`` as ``flavor``'s objects; ``key`` when it must be hashable."""
    if value is None:
        return None
    kind = ty["kind"]
    if kind == "struct":
        s = schema.struct(ty)
        cls = flavor.struct_class(s["name"])
        kwargs = {
            f["name"]: build(schema, flavor, f["ty"], value[f["name"]], key) for f in s["fields"]
        }
        return cls(**kwargs)
    if kind == "list":
        items = [build(schema, flavor, ty["elem"], v, key) for v in value]
        return tuple(items) if key else items
    if kind == "set":
        elems = [build(schema, flavor, ty["elem"], v, True) for v in value]
        return frozenset(elems) if key else set(elems)
    if kind == "map":
        pairs = {
            build(schema, flavor, ty["key"], k, True): build(schema, flavor, ty["value"], v, key)
            for k, v in value
        }
        return flavor.frozen_map(pairs) if key else pairs
    if kind == "enum":
        return flavor.enum_value(schema.enum_name(ty), value)
    return value


def canon_double(x: float) -> Canonical:
    """A double by its bits (so -0.0 differs from 0.0); every NaN is the same."""
    if math.isnan(x):
        return ("double", "nan")
    return ("double", struct.pack("<d", x))


def canon(schema: Schema, ty: Ty, value: Any) -> Canonical:
    """The canonical form of a neutral value, as a decoder would produce it (defaults filled)."""
    if value is None:
        return None
    kind = ty["kind"]
    if kind == "struct":
        s = schema.struct(ty)
        fields = []
        for f in s["fields"]:
            v = value[f["name"]]
            if v is None and f["default"] is not None:
                v = const_value(schema, f["ty"], f["default"])
            c = canon(schema, f["ty"], v)
            if c is not None:
                fields.append((f["name"], c))
        return (s["name"], tuple(fields))
    if kind == "list":
        return tuple(canon(schema, ty["elem"], v) for v in value)
    if kind == "set":
        return frozenset(canon(schema, ty["elem"], v) for v in value)
    if kind == "map":
        return frozenset(
            (canon(schema, ty["key"], k), canon(schema, ty["value"], v)) for k, v in value
        )
    if kind == "double":
        return canon_double(value)
    return value


def const_value(schema: Schema, ty: Ty, const: dict[str, Any]) -> Any:
    """An IR constant (a field's default) as a neutral value of ``ty``."""
    kind, v = const["kind"], const["value"]
    tk = ty["kind"]
    if kind in ("bool", "int", "double"):
        if tk == "bool":
            return bool(v)
        if tk == "double":
            return float(v)
        return int(v)
    if kind == "string":
        return v.encode() if tk == "binary" else v
    if kind in ("list", "set"):
        return [const_value(schema, ty["elem"], x) for x in v]
    if kind == "map":
        return [
            (const_value(schema, ty["key"], k), const_value(schema, ty["value"], x)) for k, x in v
        ]
    if kind == "struct":
        s = schema.struct(ty)
        out: dict[str, Any] = {f["name"]: None for f in s["fields"]}
        types = {f["name"]: f["ty"] for f in s["fields"]}
        for fv in v:
            out[fv["name"]] = const_value(schema, types[fv["name"]], fv["value"])
        return out
    raise AssertionError(f"unexpected constant {const!r} for {ty!r}")


class Mismatch(AssertionError):
    """A decoded object does not have the type or shape the IDL says."""


def norm(schema: Schema, ty: Ty, obj: Any, path: str = "") -> Canonical:
    """The canonical form of a library object (any of the three), checking Python types."""
    if obj is None:
        return None
    kind = ty["kind"]

    def expect(ok: bool, what: str) -> None:
        if not ok:
            raise Mismatch(f"{path or '<root>'}: expected {what}, got {type(obj).__name__} {obj!r}")

    if kind == "bool":
        expect(type(obj) is bool, "bool")
        return obj
    if kind in _INT_RANGES:
        lo, hi = _INT_RANGES[kind]
        expect(isinstance(obj, int) and not isinstance(obj, bool) and lo <= obj <= hi, kind)
        return int(obj)
    if kind == "enum":
        expect(isinstance(obj, int) and not isinstance(obj, bool), "an enum (int)")
        return int(obj)
    if kind == "double":
        expect(type(obj) is float, "float")
        return canon_double(obj)
    if kind == "string":
        expect(type(obj) is str, "str")
        return obj
    if kind == "binary":
        expect(type(obj) is bytes, "bytes")
        return obj
    if kind == "list":
        expect(isinstance(obj, list | tuple), "a list")
        return tuple(norm(schema, ty["elem"], v, f"{path}[{i}]") for i, v in enumerate(obj))
    if kind == "set":
        # thriftpy2 decodes a set to a list.
        expect(isinstance(obj, set | frozenset | list | tuple), "a set")
        return frozenset(norm(schema, ty["elem"], v, f"{path}{{}}") for v in obj)
    if kind == "map":
        expect(isinstance(obj, Mapping), "a map")
        return frozenset(
            (norm(schema, ty["key"], k, f"{path}<key>"), norm(schema, ty["value"], v, f"{path}[]"))
            for k, v in obj.items()
        )
    if kind == "struct":
        s = schema.struct(ty)
        expect(type(obj).__name__ == s["name"], f"an instance of {s['name']}")
        fields = []
        for f in s["fields"]:
            c = norm(schema, f["ty"], getattr(obj, f["name"]), f"{path}.{f['name']}")
            if c is not None:
                fields.append((f["name"], c))
        return (s["name"], tuple(fields))
    raise AssertionError(f"unexpected type {ty!r}")


def set_order_is_stable(schema: Schema, ty: Ty, value: Any) -> bool:
    """Whether the bytes written for the neutral value are the same in every library.

    A set's elements are written in iteration order, which follows their hashes. Built from the
    same elements inserted in the same order, sets of ints, floats, str or bytes (or tuples and
    frozensets of them) iterate in the same order everywhere; a set of two or more structs or
    maps need not. (Maps are dicts, written in insertion order: always the same.)
    """
    if value is None:
        return True
    kind = ty["kind"]
    if kind == "struct":
        return all(
            set_order_is_stable(schema, f["ty"], value[f["name"]])
            for f in schema.struct(ty)["fields"]
        )
    if kind == "set" and len(value) > 1 and not schema.plain_hash(ty["elem"]):
        return False
    if kind in ("list", "set"):
        return all(set_order_is_stable(schema, ty["elem"], v) for v in value)
    if kind == "map":
        key, val = ty["key"], ty["value"]
        return all(
            set_order_is_stable(schema, key, k) and set_order_is_stable(schema, val, v)
            for k, v in value
        )
    return True
