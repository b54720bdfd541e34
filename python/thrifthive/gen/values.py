"""IR values (consts, field defaults) as Python source that evaluates to what ``load()`` makes.

The walk is ``thrifthive._values.ValueWalker``'s, the one ``load()`` converts values with, so
the same rules pick each container (a ``frozenset`` in a const, a ``tuple`` in a set element...);
only the making differs: this writes an expression where ``load()`` makes an object.
"""

from __future__ import annotations

from thrifthive import _ir
from thrifthive._values import ValueWalker
from thrifthive.codec import FrozenDict

from . import layout
from .annotations import Refs, Scope
from .layout import Group, Node
from .naming import is_identifier


class SourceValues(ValueWalker[Node]):
    """Writes values in ``scope`` (a module's top level)."""

    def __init__(self, files: list[_ir.File], refs: Refs, scope: Scope) -> None:
        super().__init__(files)
        self._refs = refs
        self._scope = scope

    def sequence(self, container: type, items: list[Node]) -> Node:
        if container is list:
            return Group("", "[", items, "]")
        if container is tuple:
            return layout.tuple_of(items)
        if container is set:
            return Group("", "{", items, "}") if items else "set()"
        name = self._scope.builtin("frozenset")  # an IDL struct may be named frozenset
        return layout.call(name, [Group("", "{", items, "}")] if items else [])

    def mapping(self, container: type, entries: list[tuple[Node, Node]]) -> Node:
        pairs = [layout.around(f"{layout.flat(k)}: ", v) for k, v in entries]
        literal = Group("", "{", pairs, "}")
        return layout.call("_th.FrozenDict", [literal]) if container is FrozenDict else literal

    def struct(self, ref: _ir.DefRef, fields: dict[str, Node]) -> Node:
        cls = self._scope.ref(self._refs.struct_class(ref))
        args: list[Node] = [
            layout.around(f"{k}=", v) for k, v in fields.items() if is_identifier(k)
        ]
        others = [
            layout.around(f"{layout.string(k)}: ", v)
            for k, v in fields.items()
            if not is_identifier(k)
        ]
        if others:
            args.append(Group("**", "{", others, "}"))
        return layout.call(cls, args)

    def enum(self, ref: _ir.DefRef, value: int) -> Node:
        declared = self._files[ref["file"]]["enums"][ref["index"]]
        cls = self._scope.ref(self._refs.enum_class(ref))
        for member in declared["values"]:
            if member["value"] == value:
                return (
                    f"{cls}.{member['name']}"
                    if is_identifier(member["name"])
                    else f"{cls}({value})"
                )
        return repr(value)  # a value the enum does not name stays an int, as in load()

    def scalar(self, value: object) -> Node:
        return layout.scalar(value)
