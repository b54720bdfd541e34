"""IR types in their three Python forms: the codec's type spec, an annotation, a runtime class.

For ``map<string, list<User>>``: the type spec ``("map", ("string",), ("list", ("struct",
User)))`` (the tags listed in ``_spec``), the annotation ``dict[str, list[User]]``, and the
runtime class ``dict`` (what a typedef of it is bound to).

Annotations are derived from type specs by :func:`fold_annotation`, which knows which container
a value is in each position: where the codec decodes a hashable form (in set elements and map
keys, and everything inside them) a list is a ``tuple``, a set a ``frozenset`` and a map a
``FrozenDict``; in a const (``frozen``) every set is a ``frozenset``. :func:`container_type`
holds that rule for annotations and IR values alike (see ``_values``), and ``thrifthive gen``
folds the same specs into annotation source text, so run-time annotations, generated ones and
the codec agree.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from enum import IntEnum
from types import GenericAlias
from typing import Any, Protocol, TypeVar

from thrifthive._ir import DefRef, Ty
from thrifthive.codec import FrozenDict

TypeSpec = tuple[object, ...]
T = TypeVar("T")

SCALARS: dict[str, type] = {
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


class SpecDefinitions(Protocol):
    """What a type spec holds for an enum or a struct: its class, or (for ``thrifthive gen``)
    anything standing for it."""

    def enum_class(self, ref: DefRef) -> object: ...

    def struct_class(self, ref: DefRef) -> object: ...


def type_spec(ty: Ty, defs: SpecDefinitions) -> TypeSpec:
    kind = ty["kind"]
    if kind in SCALARS:
        return (kind,)
    if kind == "map":
        return ("map", type_spec(ty["key"], defs), type_spec(ty["value"], defs))
    if kind in _CONTAINERS:
        return (kind, type_spec(ty["elem"], defs))
    if kind == "enum":
        return (kind, defs.enum_class(ty["def"]))
    return (kind, defs.struct_class(ty["def"]))


def container_type(kind: str, *, frozen: bool, hashable: bool) -> type:
    """The Python container of a list, set or map value, and of its annotation."""
    if kind == "list":
        return tuple if hashable else list
    if kind == "set":
        return frozenset if frozen or hashable else set
    return FrozenDict if hashable else dict


def fold_annotation(
    spec: TypeSpec,
    leaf: Callable[[object], T],
    generic: Callable[[type, list[T]], T],
    *,
    frozen: bool = False,
    hashable: bool = False,
) -> T:
    """Builds the annotation of ``spec``: ``leaf(x)`` for a scalar's Python type, an enum or
    struct (what the spec holds), or ``...`` (in ``tuple[int, ...]``), and ``generic(container,
    args)`` for a container; ``frozen`` for a const, ``hashable`` where the value must hash."""
    tag = spec[0]
    if not isinstance(tag, str) or tag not in _CONTAINERS:
        return leaf(SCALARS[tag] if isinstance(tag, str) and tag in SCALARS else spec[1])
    container = container_type(tag, frozen=frozen, hashable=hashable)

    def sub(child: object, child_hashable: bool) -> T:
        child_spec: Any = child
        return fold_annotation(child_spec, leaf, generic, frozen=frozen, hashable=child_hashable)

    if tag == "map":
        return generic(container, [sub(spec[1], True), sub(spec[2], hashable)])
    if tag == "set":
        return generic(container, [sub(spec[1], True)])
    if container is tuple:
        return generic(container, [sub(spec[1], hashable), leaf(...)])
    return generic(container, [sub(spec[1], hashable)])


def annotation(spec: TypeSpec, *, frozen: bool = False) -> object:
    """The run-time annotation of a value of type ``spec``: ``dict[str, list[User]]``."""
    return fold_annotation(spec, _same, _alias, frozen=frozen)


def _same(x: object) -> object:
    return x


def _alias(container: type, args: list[object]) -> object:
    return GenericAlias(container, tuple(args))


def runtime_type(ty: Ty, defs: Definitions) -> type:
    kind = ty["kind"]
    scalar = SCALARS.get(kind) or _CONTAINERS.get(kind)
    if scalar is not None:
        return scalar
    if kind == "enum":
        return defs.enum_class(ty["def"])
    return defs.struct_class(ty["def"])
