"""Type specs and annotations as source text, in the scope they are written in.

A generated module writes each field's ``_spec`` type spec (for the codec) and its annotation
(for type checkers). Both come from the spec that ``thrifthive._types.type_spec`` builds from the
IR, holding a :class:`Ref` where ``thrifthive.load`` holds a class; the annotation is folded from
it by ``_types.fold_annotation``, the function that makes ``load()``'s run-time annotations, so
the generated annotations say exactly what the codec decodes (``tuple`` in a set element...).

A name is written as the scope sees it: a class of the same module by its name, one of another
module through that module's alias; a name hidden by a class member (a field named ``list``, or
``User``) through ``_builtins`` or ``_self``, which the module then imports.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import NamedTuple

from thrifthive import _ir
from thrifthive._types import SCALARS, TypeSpec, fold_annotation, type_spec
from thrifthive.codec import FrozenDict

from . import layout
from .layout import Node
from .naming import RESERVED

_SCALAR_SPECS: dict[str, TypeSpec] = {kind: (kind,) for kind in SCALARS}


class Ref(NamedTuple):
    """An enum or struct of file ``file``, named ``name``, in a type spec (a tuple: hashed in C,
    as specs are, see ``Refs.spec``)."""

    file: int
    name: str


class Refs:
    """``_types.SpecDefinitions`` for generating: every enum and struct as a :class:`Ref`."""

    def __init__(self, files: list[_ir.File]) -> None:
        self._files = files
        # By the id of the IR type: a field's spec is asked for by several writers.
        self._specs: dict[int, TypeSpec] = {}
        # One object per distinct spec: what is cached by spec is shared by equal types.
        self._shared: dict[TypeSpec, TypeSpec] = {}

    def enum_class(self, ref: _ir.DefRef) -> Ref:
        return Ref(ref["file"], self._files[ref["file"]]["enums"][ref["index"]]["name"])

    def struct_class(self, ref: _ir.DefRef) -> Ref:
        return Ref(ref["file"], self._files[ref["file"]]["structs"][ref["index"]]["name"])

    def spec(self, ty: _ir.Ty) -> TypeSpec:
        scalar = _SCALAR_SPECS.get(ty["kind"])
        if scalar is not None:
            return scalar  # one object per kind, so that what is cached by spec is shared
        spec = self._specs.get(id(ty))
        if spec is None:
            made = type_spec(ty, self)
            spec = self._specs[id(ty)] = self._shared.setdefault(made, made)
        return spec


@dataclass
class ModuleScope:
    """The module of file ``file``: its own names, and its aliases of the other files (one is
    added for a file first named by a value, say an included const's nested struct)."""

    file: int
    names: frozenset[str]
    aliases: dict[int, str]
    modules: list[str]  # every file's IDL module name
    # spec_source's text, and the top level's annotations, by the id of the spec (``Refs``
    # keeps one object per spec).
    sources: dict[int, Node] = field(default_factory=dict)
    annotations: dict[tuple[int, bool], tuple[Node, frozenset[str]]] = field(default_factory=dict)

    def alias(self, file: int) -> str:
        alias = self.aliases.get(file)
        if alias is None:
            alias = "_" + self.modules[file]
            while alias in self.names or alias in self.aliases.values() or alias in RESERVED:
                alias += "_"
            self.aliases[file] = alias
        return alias


@dataclass(frozen=True)
class Scope:
    """Where text is written: a module, inside a class whose members are ``members``."""

    module: ModuleScope
    members: frozenset[str] = frozenset()

    def builtin(self, name: str) -> str:
        if name in self.members or name in self.module.names:
            return f"_builtins.{name}"
        return name

    def ref(self, ref: Ref) -> str:
        if ref.file == self.module.file:
            if ref.name in self.members:
                return f"_self.{ref.name}"
            return ref.name
        return f"{self.module.alias(ref.file)}.{ref.name}"


def annotation(
    spec: TypeSpec, scope: Scope, *, frozen: bool = False, optional: bool = False
) -> Node:
    """The annotation of a value of type ``spec``: a field's, or a const's (``frozen``)."""
    if len(spec) == 1 and spec[0] != "uuid":
        # A scalar, the most common case: its name, unless a class member hides it.
        name = SCALARS[str(spec[0])].__name__
        if name not in scope.members and name not in scope.module.names:
            return f"{name} | None" if optional else name
    # Made once per spec at the top level (specs are shared, see Refs.spec), and again only in
    # a class one of whose members hides a name the annotation uses.
    key = (id(spec), frozen)
    made = scope.module.annotations.get(key)
    if made is None:
        made = scope.module.annotations[key] = _annotation(spec, Scope(scope.module), frozen)
    node, names = made
    if scope.members and not names.isdisjoint(scope.members):
        node, _ = _annotation(spec, scope, frozen)
    return layout.optional(node) if optional else node


def _annotation(spec: TypeSpec, scope: Scope, frozen: bool) -> tuple[Node, frozenset[str]]:
    """The annotation, and the names it starts from (``list``, ``User``, ``shared``...)."""
    names: set[str] = set()

    def leaf(x: object) -> Node:
        if x is ...:
            return "..."
        if isinstance(x, Ref):
            text = scope.ref(x)
            names.update((x.name, text.partition(".")[0]))  # the class, or its module's alias
        elif x is uuid.UUID:
            text = "_uuid.UUID"
            names.add("_uuid")
        else:
            assert isinstance(x, type)
            text = scope.builtin(x.__name__)
            names.add(x.__name__)
        return text

    def generic(container: type, args: list[Node]) -> Node:
        names.add(container.__name__)
        head = "_th.FrozenDict" if container is FrozenDict else scope.builtin(container.__name__)
        return layout.subscript(head, args)

    return fold_annotation(spec, leaf, generic, frozen=frozen), frozenset(names)


def spec_source(spec: TypeSpec, scope: Scope) -> Node:
    """The type spec as a tuple expression: ``("list", ("struct", User))``, at the top level."""
    node = scope.module.sources.get(id(spec))
    if node is None:
        node = scope.module.sources[id(spec)] = _spec_source(spec, scope)
    return node


def _spec_source(spec: TypeSpec, scope: Scope) -> Node:
    items: list[Node] = [layout.string(str(spec[0]))]
    for part in spec[1:]:
        if isinstance(part, Ref):
            items.append(scope.ref(part))
        else:
            assert isinstance(part, tuple)
            items.append(_spec_source(part, scope))
    return layout.tuple_of(items)
