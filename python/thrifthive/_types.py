"""IR types in their three Python forms: the codec's type spec, an annotation, a runtime class.

For ``map<string, list<User>>``: the type spec ``("map", ("string",), ("list", ("struct",
User)))`` (the tags listed in ``_spec``), the annotation ``dict[str, list[User]]``, and the
runtime class ``dict`` (what a typedef of it is bound to).
"""

from __future__ import annotations

import uuid
from enum import IntEnum
from types import GenericAlias
from typing import Protocol

from thrifthive._ir import DefRef, Ty

TypeSpec = tuple[object, ...]

_SCALARS: dict[str, type] = {
    "bool": bool,
    "byte": int,
    "i16": int,
    "i32": int,
    "i64": int,
    "double": float,
    "string": str,
    "binary": bytes,
    "uuid": uuid.UUID,
}
_CONTAINERS: dict[str, type] = {"list": list, "set": set, "map": dict}


class Definitions(Protocol):
    """Where the classes of the IDL's enums and structs are found."""

    def enum_class(self, ref: DefRef) -> type[IntEnum]: ...

    def struct_class(self, ref: DefRef) -> type: ...


def type_spec(ty: Ty, defs: Definitions) -> TypeSpec:
    kind = ty["kind"]
    if kind in _SCALARS:
        return (kind,)
    if kind == "map":
        return ("map", type_spec(ty["key"], defs), type_spec(ty["value"], defs))
    if kind in _CONTAINERS:
        return (kind, type_spec(ty["elem"], defs))
    return (kind, _definition(ty, defs))


def annotation(ty: Ty, defs: Definitions) -> object:
    kind = ty["kind"]
    if kind == "map":
        return GenericAlias(dict, (annotation(ty["key"], defs), annotation(ty["value"], defs)))
    if kind in _CONTAINERS:
        return GenericAlias(_CONTAINERS[kind], (annotation(ty["elem"], defs),))
    return runtime_type(ty, defs)


def runtime_type(ty: Ty, defs: Definitions) -> type:
    kind = ty["kind"]
    scalar = _SCALARS.get(kind) or _CONTAINERS.get(kind)
    return scalar if scalar is not None else _definition(ty, defs)


def _definition(ty: Ty, defs: Definitions) -> type:
    if ty["kind"] == "enum":
        return defs.enum_class(ty["def"])
    return defs.struct_class(ty["def"])
