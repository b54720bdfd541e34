"""The shape of the resolved IR as :func:`thrifthive.idl.compile` returns it, for type checking.

These mirror ``crates/thrifthive-idl/src/ir.rs`` (serialized with serde): a program is a list of
files; a type names an enum or a struct (struct, union or exception) by ``{"file", "index"}``
into ``files[file].enums`` or ``.structs``; a value is ``{"kind", "value"}``, already checked
against and coerced to its type.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict


class DefRef(TypedDict):
    file: int
    index: int


# "def" is a Python keyword, hence the functional syntax. Only the keys of the kind are present:
# "def" for enum and struct, "elem" for list and set, "key" and "value" for map.
Ty = TypedDict(
    "Ty", {"kind": str, "def": DefRef, "elem": "Ty", "key": "Ty", "value": "Ty"}, total=False
)

Requiredness = Literal["required", "optional", "default"]


class Value(TypedDict):
    # bool, int, double, string: the scalar; list, set: [Value]; map: [[Value, Value]];
    # struct: [FieldValue].
    kind: str
    value: Any


class FieldValue(TypedDict):
    id: int
    name: str
    value: Value


class Annotation(TypedDict):
    key: str
    value: str | None


def annotation_map(annotations: list[Annotation]) -> dict[str, str]:
    """Annotations as ``Method.annotations`` holds them: key to value, ``""`` for a bare key."""
    return {a["key"]: a["value"] or "" for a in annotations}


class Field(TypedDict):
    id: int
    name: str
    ty: Ty
    requiredness: Requiredness
    default: Value | None
    reference: bool
    annotations: list[Annotation]
    doc: str | None


class Struct(TypedDict):
    name: str
    kind: Literal["struct", "union", "exception"]
    fields: list[Field]
    annotations: list[Annotation]
    doc: str | None


class EnumValue(TypedDict):
    name: str
    value: int
    annotations: list[Annotation]
    doc: str | None


class Enum(TypedDict):
    name: str
    values: list[EnumValue]
    annotations: list[Annotation]
    doc: str | None


class Typedef(TypedDict):
    name: str
    target: Ty
    annotations: list[Annotation]
    doc: str | None


class Const(TypedDict):
    name: str
    ty: Ty
    value: Value
    doc: str | None


class Function(TypedDict):
    name: str
    oneway: bool
    return_type: Ty | None
    params: list[Field]
    throws: list[Field]
    annotations: list[Annotation]
    doc: str | None


class Service(TypedDict):
    name: str
    extends: DefRef | None
    functions: list[Function]
    annotations: list[Annotation]
    doc: str | None


class File(TypedDict):
    path: str
    module: str
    namespaces: dict[str, str]
    includes: list[int]
    cpp_includes: list[str]
    typedefs: list[Typedef]
    enums: list[Enum]
    structs: list[Struct]
    consts: list[Const]
    services: list[Service]


class Program(TypedDict):
    root: int
    files: list[File]
