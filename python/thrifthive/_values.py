"""IR constant values (consts and field defaults) to Python values, or to their source text.

The IR has already checked each value against its type and coerced it (an enum value is an
int, a struct written as a map is a struct), so this only picks the Python form:

- ``binary`` is ``bytes`` (the literal's UTF-8), ``uuid`` a :class:`uuid.UUID`, an enum value
  its IntEnum member (a value the enum does not name stays an int, as on decode);
- a struct is an instance made by calling its class, so fields the value leaves out get their
  own defaults, as in Apache Thrift's generated code;
- a ``set`` is a ``frozenset`` in a const (consts are shared module attributes; lists and maps
  are mutable there all the same, as in Apache's and thriftpy2's Python) and a ``set`` in a
  field default, which each instance gets a copy of; the fields of a struct value (in a const
  too) hold what their types say, as decoded instances do, so that they match the annotations;
- where Python needs a hashable value (set elements, map keys) a list is a ``tuple``, a set a
  ``frozenset`` and a map a :class:`~thrifthive.codec.FrozenDict` (``_types.container_type``).

:class:`ValueWalker` walks a value with these rules and leaves making each piece to a subclass:
:class:`ValueConverter` makes the Python objects (``thrifthive.load``), and ``thrifthive gen``
writes the source text that evaluates to the same objects.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from thrifthive._ir import DefRef, File, Ty, Value
from thrifthive._types import Definitions, container_type

T = TypeVar("T")
NewInstance = Callable[[DefRef, dict[str, object]], object]


class ValueWalker(Generic[T]):
    """Walks IR values of one program, making each piece with the methods below."""

    def __init__(self, files: list[File]) -> None:
        self._files = files

    def const(self, ty: Ty, value: Value) -> T:
        return self._walk(ty, value, frozen=True, hashable=False)

    def default(self, ty: Ty, value: Value) -> T:
        return self._walk(ty, value, frozen=False, hashable=False)

    # What a subclass makes.

    def sequence(self, container: type, items: list[T]) -> T:
        """A list, tuple, set or frozenset (``container``) of ``items``."""
        raise NotImplementedError

    def mapping(self, container: type, entries: list[tuple[T, T]]) -> T:
        """A dict or FrozenDict (``container``) of ``entries``."""
        raise NotImplementedError

    def struct(self, ref: DefRef, fields: dict[str, T]) -> T:
        """An instance of the struct ``ref``, given the fields the value sets."""
        raise NotImplementedError

    def enum(self, ref: DefRef, value: int) -> T:
        """The member of the enum ``ref`` worth ``value``, or ``value`` if it has none."""
        raise NotImplementedError

    def scalar(self, value: object) -> T:
        """A bool, int, float, str, bytes or UUID."""
        raise NotImplementedError

    def _walk(self, ty: Ty, value: Value, *, frozen: bool, hashable: bool) -> T:
        kind = ty["kind"]
        raw: Any = value["value"]
        if kind in ("list", "set", "map"):
            container = container_type(kind, frozen=frozen, hashable=hashable)
            if kind == "map":
                entries = [
                    (
                        self._walk(ty["key"], k, frozen=frozen, hashable=True),
                        self._walk(ty["value"], v, frozen=frozen, hashable=hashable),
                    )
                    for k, v in raw
                ]
                return self.mapping(container, entries)
            elements = hashable or kind == "set"
            items = [self._walk(ty["elem"], v, frozen=frozen, hashable=elements) for v in raw]
            return self.sequence(container, items)
        if kind == "struct":
            return self._struct(ty["def"], raw)
        if kind == "enum":
            return self.enum(ty["def"], raw)
        if kind == "binary":
            return self.scalar(str(raw).encode())
        if kind == "uuid":
            return self.scalar(uuid.UUID(raw))
        if kind == "double":
            return self.scalar(float(raw))
        if kind == "bool":
            return self.scalar(bool(raw))
        return self.scalar(raw)  # the integer kinds and string

    def _struct(self, ref: DefRef, field_values: list[Any]) -> T:
        declared = self._files[ref["file"]]["structs"][ref["index"]]["fields"]
        types = {f["id"]: f["ty"] for f in declared}
        fields = {
            f["name"]: self._walk(types[f["id"]], f["value"], frozen=False, hashable=False)
            for f in field_values
        }
        return self.struct(ref, fields)


class ValueConverter(ValueWalker[object]):
    """Makes the Python values; ``new_instance(ref, fields)`` builds a struct value."""

    def __init__(self, files: list[File], defs: Definitions, new_instance: NewInstance) -> None:
        super().__init__(files)
        self._defs = defs
        self._new_instance = new_instance

    def sequence(self, container: type, items: list[object]) -> object:
        return items if container is list else container(items)

    def mapping(self, container: type, entries: list[tuple[object, object]]) -> object:
        return container(entries)

    def struct(self, ref: DefRef, fields: dict[str, object]) -> object:
        return self._new_instance(ref, fields)

    def enum(self, ref: DefRef, value: int) -> object:
        try:
            return self._defs.enum_class(ref)(value)
        except ValueError:
            return value

    def scalar(self, value: object) -> object:
        return value
