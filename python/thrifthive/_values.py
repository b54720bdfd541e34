"""IR constant values (consts and field defaults) to Python values.

The IR has already checked each value against its type and coerced it (an enum value is an
int, a struct written as a map is a struct), so this only picks the Python form:

- ``binary`` is ``bytes`` (the literal's UTF-8), ``uuid`` a :class:`uuid.UUID`, an enum value
  its IntEnum member (a value the enum does not name stays an int, as on decode);
- a struct is an instance made by calling its class, so fields the value leaves out get their
  own defaults, as in Apache Thrift's generated code;
- a ``set`` is a ``frozenset`` in a const (consts are shared module attributes; lists and maps
  are mutable there all the same, as in Apache's and thriftpy2's Python) and a ``set`` in a
  field default, which each instance gets a copy of;
- where Python needs a hashable value (set elements, map keys) a list is a ``tuple``, a set a
  ``frozenset`` and a map a :class:`FrozenDict`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, NoReturn

from thrifthive._ir import DefRef, File, Ty, Value
from thrifthive._types import Definitions

NewInstance = Callable[[DefRef, dict[str, object]], object]


class FrozenDict(dict[Any, Any]):
    """A dict that cannot change and so can be hashed: a map as a set element or a map key."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[type[FrozenDict], tuple[dict[Any, Any]]]:
        return (FrozenDict, (dict(self),))

    def __repr__(self) -> str:
        return f"FrozenDict({dict.__repr__(self)})"

    def _immutable(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("a FrozenDict cannot change")

    __setitem__ = __delitem__ = __ior__ = _immutable
    clear = pop = popitem = setdefault = update = _immutable


class ValueConverter:
    """Converts IR values of one program; ``new_instance(ref, fields)`` builds a struct value."""

    def __init__(self, files: list[File], defs: Definitions, new_instance: NewInstance) -> None:
        self._files = files
        self._defs = defs
        self._new_instance = new_instance

    def const(self, ty: Ty, value: Value) -> object:
        return self._convert(ty, value, frozen=True, hashable=False)

    def default(self, ty: Ty, value: Value) -> object:
        return self._convert(ty, value, frozen=False, hashable=False)

    def _convert(self, ty: Ty, value: Value, *, frozen: bool, hashable: bool) -> object:
        kind = ty["kind"]
        raw: Any = value["value"]
        if kind == "list":
            elements = [self._convert(ty["elem"], v, frozen=frozen, hashable=hashable) for v in raw]
            return tuple(elements) if hashable else elements
        if kind == "set":
            members = (self._convert(ty["elem"], v, frozen=frozen, hashable=True) for v in raw)
            return frozenset(members) if frozen or hashable else set(members)
        if kind == "map":
            entries = {
                self._convert(ty["key"], k, frozen=frozen, hashable=True): self._convert(
                    ty["value"], v, frozen=frozen, hashable=hashable
                )
                for k, v in raw
            }
            return FrozenDict(entries) if hashable else entries
        if kind == "struct":
            return self._struct(ty["def"], raw, frozen=frozen)
        if kind == "enum":
            try:
                return self._defs.enum_class(ty["def"])(raw)
            except ValueError:
                return raw
        if kind == "binary":
            return str(raw).encode()
        if kind == "uuid":
            return uuid.UUID(raw)
        if kind == "double":
            return float(raw)
        if kind == "bool":
            return bool(raw)
        return raw  # the integer kinds and string

    def _struct(self, ref: DefRef, field_values: list[Any], *, frozen: bool) -> object:
        declared = self._files[ref["file"]]["structs"][ref["index"]]["fields"]
        types = {f["id"]: f["ty"] for f in declared}
        fields = {
            f["name"]: self._convert(types[f["id"]], f["value"], frozen=frozen, hashable=False)
            for f in field_values
        }
        return self._new_instance(ref, fields)
