"""Thrift classes made by hand for the codec tests, following the contract in ``_spec``.

The codec reads nothing but ``__thrift_kind__``, ``__thrift_spec__`` and the fields, so these
tests do not depend on the class factory: :func:`make_class` builds a class with ``__slots__``
(or, with ``slots=False``, with its fields in the instance dict), keyword construction
defaulting to None, ``==`` and ``repr``.
"""

from __future__ import annotations

import enum
from typing import Any

from thrifthive import _spec
from thrifthive.exceptions import TException

Field = tuple[int, str, object, int, object]

REQ = _spec.REQUIRED
OPT = _spec.OPTIONAL
DEF = _spec.DEFAULT


class Thrift:
    """The base of the hand-made classes: keyword construction, == and repr by field."""

    __slots__ = ()
    __thrift_spec__: tuple[Field, ...] = ()

    def __init__(self, **fields: Any) -> None:
        for spec in self.__thrift_spec__:
            setattr(self, spec[1], fields.pop(spec[1], None))
        if fields:
            raise TypeError(f"unknown fields {sorted(fields)}")

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        return all(getattr(self, f[1]) == getattr(other, f[1]) for f in self.__thrift_spec__)

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{f[1]}={getattr(self, f[1], '<unset>')!r}" for f in self.__thrift_spec__
        )
        return f"{type(self).__name__}({fields})"


class HashableThrift(Thrift):
    """For structs used as set elements or map keys."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f[1]) for f in self.__thrift_spec__))


def declare(
    name: str,
    names: list[str],
    kind: str = _spec.KIND_STRUCT,
    *,
    slots: bool = True,
    hashable: bool = False,
) -> Any:
    """A struct, union or exception class with these field names, whose ``__thrift_spec__`` is
    given by :func:`define` (in two steps, so that a field's type can name its own class)."""
    base: type = HashableThrift if hashable else Thrift
    bases: tuple[type, ...] = (TException, base) if kind == _spec.KIND_EXCEPTION else (base,)
    namespace: dict[str, object] = {"__thrift_kind__": kind}
    if slots:
        namespace["__slots__"] = tuple(names)
    if kind == _spec.KIND_EXCEPTION:
        # TException.__init__ takes a message; ours takes the fields.
        namespace["__init__"] = Thrift.__init__
        namespace["__str__"] = Thrift.__repr__
    return type(name, bases, namespace)


def define(cls: Any, fields: list[Field]) -> Any:
    """Gives a class from :func:`declare` its fields (``(id, name, type, req, default)``)."""
    cls.__thrift_spec__ = tuple(fields)
    return cls


def make_class(
    name: str,
    fields: list[Field],
    kind: str = _spec.KIND_STRUCT,
    *,
    slots: bool = True,
    hashable: bool = False,
) -> Any:
    """A struct, union or exception class with these fields, in one step."""
    cls = declare(name, [f[1] for f in fields], kind, slots=slots, hashable=hashable)
    return define(cls, fields)


class Status(enum.IntEnum):
    ACTIVE = 1
    SUSPENDED = 2


class Sparse(enum.IntEnum):
    LOW = -5
    HIGH = 1000


Address = make_class(
    "Address",
    [
        (1, "street", ("string",), DEF, None),
        (2, "city", ("string",), DEF, None),
        (3, "zip", ("i32",), DEF, None),
    ],
    hashable=True,
)

User = make_class(
    "User",
    [
        (1, "id", ("i64",), REQ, None),
        (2, "username", ("string",), REQ, None),
        (3, "email", ("string",), REQ, None),
        (4, "tags", ("list", ("string",)), OPT, None),
        (5, "counters", ("map", ("string",), ("i64",)), OPT, None),
        (6, "address", ("struct", Address), OPT, None),
        (7, "status", ("enum", Status), DEF, None),
        (8, "score", ("double",), DEF, None),
        (9, "avatar", ("binary",), DEF, None),
        (10, "active", ("bool",), DEF, None),
    ],
)

UserPage = make_class(
    "UserPage",
    [(1, "users", ("list", ("struct", User)), DEF, None), (2, "total", ("i32",), DEF, None)],
)

# Every type, in every container.
Everything = make_class(
    "Everything",
    [
        (1, "a_bool", ("bool",), DEF, None),
        (2, "a_byte", ("byte",), DEF, None),
        (3, "an_i16", ("i16",), DEF, None),
        (4, "an_i32", ("i32",), DEF, None),
        (5, "an_i64", ("i64",), DEF, None),
        (6, "a_double", ("double",), DEF, None),
        (7, "a_string", ("string",), DEF, None),
        (8, "a_binary", ("binary",), DEF, None),
        (9, "a_uuid", ("uuid",), DEF, None),
        (10, "an_enum", ("enum", Status), DEF, None),
        (11, "a_sparse_enum", ("enum", Sparse), DEF, None),
        (12, "a_struct", ("struct", Address), DEF, None),
        (13, "bools", ("list", ("bool",)), DEF, None),
        (14, "bytes_", ("list", ("byte",)), DEF, None),
        (15, "doubles", ("list", ("double",)), DEF, None),
        (16, "strings", ("set", ("string",)), DEF, None),
        (17, "binaries", ("list", ("binary",)), DEF, None),
        (18, "uuids", ("set", ("uuid",)), DEF, None),
        (19, "enums", ("list", ("enum", Status)), DEF, None),
        (20, "structs", ("list", ("struct", Address)), DEF, None),
        (21, "struct_set", ("set", ("struct", Address)), DEF, None),
        (22, "nested", ("list", ("list", ("i32",))), DEF, None),
        (23, "by_name", ("map", ("string",), ("list", ("i64",))), DEF, None),
        (24, "by_int", ("map", ("i16",), ("struct", Address)), DEF, None),
        (25, "by_struct", ("map", ("struct", Address), ("bool",)), DEF, None),
        (26, "by_enum", ("map", ("enum", Status), ("set", ("i32",))), DEF, None),
        (27, "by_double", ("map", ("double",), ("double",)), DEF, None),
        (28, "i64s", ("set", ("i64",)), DEF, None),
        (-1, "negative_id", ("i32",), DEF, None),
        (300, "far_id", ("string",), DEF, None),
    ],
)

# A recursive struct: a tree, and a chain.
Node = declare("Node", ["value", "children", "next"])
define(
    Node,
    [
        (1, "value", ("i32",), DEF, None),
        (2, "children", ("list", ("struct", Node)), DEF, None),
        (3, "next", ("struct", Node), OPT, None),
    ],
)
