"""Hypothesis strategies for neutral values (see :mod:`.values`) of any IDL type, from the IR.

Sizes shrink with depth so that deeply nested types (ThriftTest's CrazyNesting) stay small.
Values that must be hashable (set elements, map keys, and everything inside them) are drawn so
that every library can hash them: finite doubles without -0.0 (Python's sets and dicts identify
0.0 with -0.0); structs only where Apache's generated class is immutable and hence hashable, and
then with their container fields unset: Apache decodes a container as a tuple, frozenset or
TFrozenDict only where the container type is annotated ``(python.immutable = "")``, which the
corpus does for every container that is itself a set element or map key but not for the fields
of the immutable struct Insanity (so Apache cannot decode ``set<Insanity>`` holding an Insanity
with a map or list set: "unhashable type"). Otherwise such containers are empty.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from hypothesis import strategies as st

from .schema import CONTAINERS, Schema, Ty
from .values import canon

_INT_BOUNDS = {
    "byte": (-(2**7), 2**7 - 1),
    "i16": (-(2**15), 2**15 - 1),
    "i32": (-(2**31), 2**31 - 1),
    "i64": (-(2**63), 2**63 - 1),
}
_SIZES = (4, 3, 2, 1)


def _max_size(depth: int) -> int:
    return _SIZES[min(depth, len(_SIZES) - 1)]


def _canon_key(schema: Schema, ty: Ty, value: Any) -> Any:
    return canon(schema, ty, value)


def _pairs_key(schema: Schema, ty: Ty, pair: tuple[Any, Any]) -> Any:
    return canon(schema, ty, pair[0])


def _no_negative_zero(x: float) -> float:
    return x + 0.0


def _to_dict(names: list[str], chosen: tuple[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(names)
    out[chosen[0]] = chosen[1]
    return out


def _fields_to_dict(names: list[str], values: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(names, values, strict=True))


class Strategies:
    """Strategies for one schema; ``finite`` leaves out NaN and infinities everywhere."""

    def __init__(self, schema: Schema, finite: bool = False) -> None:
        self.schema = schema
        self.finite = finite
        self._stack: list[tuple[int, int]] = []

    def for_struct(self, name: str) -> st.SearchStrategy[Any]:
        return self.value(self.schema.struct_ty(name))

    def can_key(self, ty: Ty) -> bool:
        """Whether some non-None value of ``ty`` is hashable in every library (empty always is,
        for a container)."""
        kind = ty["kind"]
        if kind == "struct":
            if not self.schema.immutable(ty):
                return False
            return all(
                self.key_field(f["ty"])
                for f in self.schema.struct(ty)["fields"]
                if f["requiredness"] == "required"
            )
        return True

    def key_field(self, ty: Ty) -> bool:
        """Whether a field of a struct that must be hashable may be set (see the module doc)."""
        return ty["kind"] not in CONTAINERS and self.can_key(ty)

    def value(self, ty: Ty, key: bool = False, depth: int = 0) -> st.SearchStrategy[Any]:
        kind = ty["kind"]
        if kind == "bool":
            return st.booleans()
        if kind in _INT_BOUNDS:
            lo, hi = _INT_BOUNDS[kind]
            return st.integers(lo, hi)
        if kind == "double":
            if key:
                return st.floats(allow_nan=False, allow_infinity=False).map(_no_negative_zero)
            if self.finite:
                return st.floats(allow_nan=False, allow_infinity=False)
            return st.floats()
        if kind == "string":
            return st.text(max_size=12)
        if kind == "binary":
            return st.binary(max_size=12)
        if kind == "enum":
            known = self.schema.enum_values(ty)
            return st.one_of(st.sampled_from(known), st.integers(-(2**31), 2**31 - 1))
        size = _max_size(depth)
        if kind in ("list", "set"):
            elem = ty["elem"]
            elem_key = key or kind == "set"
            if elem_key and not self.can_key(elem):
                return st.just([])
            elems = self.value(elem, elem_key, depth + 1)
            if kind == "list":
                return st.lists(elems, max_size=size)
            return st.lists(elems, max_size=size, unique_by=partial(_canon_key, self.schema, elem))
        if kind == "map":
            if not self.can_key(ty["key"]) or (key and not self.can_key(ty["value"])):
                return st.just([])
            if key and ty["key"]["kind"] == "struct":
                # Apache's TFrozenDict sorts its items to hash them; structs do not sort.
                size = min(size, 1)
            pairs = st.tuples(
                self.value(ty["key"], True, depth + 1), self.value(ty["value"], key, depth + 1)
            )
            return st.lists(
                pairs, max_size=size, unique_by=partial(_pairs_key, self.schema, ty["key"])
            )
        if kind == "struct":
            return self._struct(ty, key, depth)
        raise AssertionError(f"no strategy for {ty!r}")

    def _struct(self, ty: Ty, key: bool, depth: int) -> st.SearchStrategy[Any]:
        s = self.schema.struct(ty)
        ref = (ty["def"]["file"], ty["def"]["index"])
        recursive = ref in self._stack
        self._stack.append(ref)
        try:
            names = [f["name"] for f in s["fields"]]
            if s["kind"] == "union":
                choices = [
                    st.tuples(st.just(f["name"]), self.value(f["ty"], key, depth + 1))
                    for f in s["fields"]
                    if not recursive and (not key or self.key_field(f["ty"]))
                ]
                if not choices:
                    raise AssertionError(f"union {s['name']} has no field to set")
                return st.one_of(choices).map(partial(_to_dict, names))
            fields: list[st.SearchStrategy[Any]] = []
            for f in s["fields"]:
                required = f["requiredness"] == "required"
                if (recursive or (key and not self.key_field(f["ty"]))) and not required:
                    fields.append(st.none())
                    continue
                strategy = self.value(f["ty"], key, depth + 1)
                fields.append(strategy if required else st.one_of(st.none(), strategy))
            return st.tuples(*fields).map(partial(_fields_to_dict, names))
        finally:
            self._stack.pop()
