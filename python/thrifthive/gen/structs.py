"""Enums, structs (unions, exceptions), typedefs and consts as Python source.

Each function returns the lines of one top-level block. ``stub`` writes the declarations of a
``.pyi`` file (for ``thrifthive stubs``); otherwise those of a generated module, where a class
statement is for type checkers and ``@_th.struct`` makes the class ``load()`` would (see
``thrifthive.generated``): so the ``__init__`` signature sits under ``TYPE_CHECKING``, the
decorator reads the field names from ``__match_args__``, and :func:`completion` gives the
fields' specs once every class exists.
"""

from __future__ import annotations

from thrifthive import _ir
from thrifthive._values import ValueWalker
from thrifthive.exceptions import TException

from . import layout
from .annotations import Refs, Scope, annotation, spec_source
from .layout import INDENT, Node
from .naming import GenError, is_identifier
from .values import SourceValues

_REQUIREDNESS = {"default": "_th.DEFAULT", "required": "_th.REQUIRED", "optional": "_th.OPTIONAL"}
# Attributes every exception has already: a field of that name re-declares one (see _fields).
_EXCEPTION_ATTRIBUTES = frozenset({*dir(TException), "message"})


def enum_block(ir: _ir.Enum, *, stub: bool) -> list[str]:
    values = ir["values"]
    if any(not is_identifier(v["name"]) for v in values):
        members = layout.Group(
            "", "[", [f"({layout.string(v['name'])}, {v['value']})" for v in values], "]"
        )
        node = layout.call(
            f"{ir['name']} = _enum.IntEnum", [layout.string(ir["name"]), members, "module=__name__"]
        )
        return layout.lines(node)
    body = layout.docstring(ir["doc"], INDENT) if ir["doc"] else []
    if body and values:
        body.append("")
    for v in values:
        body.append(f"{INDENT}{v['name']} = {v['value']}")
        if v["doc"]:
            body.extend(layout.docstring(v["doc"], INDENT))
    header = f"class {ir['name']}(_enum.IntEnum):"
    if stub and not values:
        header += "  # type: ignore[misc]"  # mypy doubts an empty enum in a stub, rightly here
    return [header, *(body or [f"{INDENT}{'...' if stub else 'pass'}"])]


def struct_block(ir: _ir.Struct, refs: Refs, scope: Scope, *, stub: bool) -> list[str]:
    names = [f["name"] for f in ir["fields"]]
    scope = Scope(scope.module, frozenset(names))
    out: list[str] = []
    if not stub:
        frozen = ", frozen=True" if _frozen(ir) else ""
        out.append(f"@_th.struct({layout.string(ir['kind'])}{frozen})")
    base = "(_th.TException)" if ir["kind"] == "exception" else ""
    out.append(f"class {ir['name']}{base}:")
    body = layout.docstring(ir["doc"], INDENT) if ir["doc"] else []
    hints = [annotation(refs.spec(f["ty"]), scope, optional=_optional(ir, f)) for f in ir["fields"]]
    # A frozen class's fields are read-only properties for type checkers (not an exception's:
    # a property cannot override TException's writable attributes).
    read_only = _frozen(ir) and ir["kind"] != "exception"
    fields = [] if read_only else _fields(ir, hints)
    if body and fields:
        body.append("")
    body.extend(fields)
    if body:
        body.append("")
    body.extend(layout.lines(layout.around("__match_args__ = ", _names_tuple(names)), INDENT))
    body.append("")
    if not stub:
        body += [f"{INDENT}if _typing.TYPE_CHECKING:", ""]
    body.extend(_members(ir, hints, scope, stub=stub))
    if read_only:
        body.extend(_properties(ir, hints, stub=stub))
    return out + body


def _names_tuple(names: list[str]) -> Node:
    return layout.tuple_of([layout.string(n) for n in names])


def _frozen(ir: _ir.Struct) -> bool:
    immutable = next((a for a in ir["annotations"] if a["key"] == "python.immutable"), None)
    return immutable is not None and immutable["value"] != "false"


def _optional(ir: _ir.Struct, field: _ir.Field) -> bool:
    return ir["kind"] == "union" or field["requiredness"] == "optional"


def _fields(ir: _ir.Struct, hints: list[Node]) -> list[str]:
    out: list[str] = []
    for f, node in zip(ir["fields"], hints, strict=True):
        if not is_identifier(f["name"]):
            continue  # no declaration can name it: reached with getattr
        if isinstance(node, str):  # most fields: one line, no layout needed
            lines = [f"{INDENT}{f['name']}: {node}"]
        else:
            lines = layout.lines(layout.around(f"{f['name']}: ", node), INDENT)
        if _redeclares(ir, f):
            lines[0] += "  # type: ignore[assignment]"
        out.extend(lines)
        if f["doc"]:
            out.extend(layout.docstring(f["doc"], INDENT))
    return out


def _properties(ir: _ir.Struct, hints: list[Node], *, stub: bool) -> list[str]:
    indent = INDENT if stub else INDENT * 2
    out: list[str] = []
    for f, node in zip(ir["fields"], hints, strict=True):
        if not is_identifier(f["name"]):
            continue
        tail = f" -> {layout.flat(node)}:" + ("" if f["doc"] else " ...")
        # A stub has no blank lines between its methods.
        out.extend([*([] if stub else [""]), f"{indent}@property"])
        out.extend(layout.lines(layout.call(f"def {f['name']}", ["self"], tail), indent))
        if f["doc"]:
            out.extend(layout.docstring(f["doc"], indent + INDENT))
    return out


def _redeclares(ir: _ir.Struct, field: _ir.Field) -> bool:
    """Whether an exception's field re-declares an attribute of ``TException`` with another
    type (a string ``message`` fits ``TException.message``)."""
    if ir["kind"] != "exception" or field["name"] not in _EXCEPTION_ATTRIBUTES:
        return False
    return not (field["name"] == "message" and field["ty"]["kind"] == "string")


def _members(ir: _ir.Struct, hints: list[Node], scope: Scope, *, stub: bool) -> list[str]:
    """``__init__`` and a union's ``_field`` and ``_value``."""
    names = [f["name"] for f in ir["fields"]]
    indent = INDENT if stub else INDENT * 2
    out: list[str] = []
    if all(is_identifier(n) and n != "self" for n in names):
        params: list[Node] = ["self"]
        for f, node in zip(ir["fields"], hints, strict=True):
            optional = _optional(ir, f)
            params.append(
                layout.around(f"{f['name']}: ", node, " = None" if optional else " = ...")
            )
        init = layout.call("def __init__", params, " -> None: ...")
    else:
        init = layout.call(
            "def __init__",
            ["self", f"*args: {scope.builtin('object')}", f"**kwargs: {scope.builtin('object')}"],
            " -> None: ...",
        )
    out.extend(layout.lines(init, indent))
    if ir["kind"] == "union" and not {"_field", "_value"} & set(names):
        str_ = scope.builtin("str")
        object_ = scope.builtin("object")
        for line in (
            f"def _field(self) -> {str_} | None: ...",
            f"def _value(self) -> {object_}: ...",
        ):
            # A stub has no blank lines between its methods.
            out.extend([*([] if stub else [""]), f"{indent}@property", f"{indent}{line}"])
    return out


def completion(ir: _ir.Struct, refs: Refs, values: SourceValues, scope: Scope) -> list[str]:
    """``_th.complete(Cls, specs)``: the class's fields, once every class exists."""
    specs = field_specs(ir["fields"], refs, values, scope, indent=len(INDENT) * 2)
    return layout.lines(layout.call("_th.complete", [ir["name"], specs]))


def field_specs(
    fields: list[_ir.Field], refs: Refs, values: SourceValues, scope: Scope, *, indent: int
) -> Node:
    """The tuple of the fields' ``_spec`` field specs, its items at ``indent`` when split."""
    specs: list[Node] = []
    for f in fields:
        default: Node = "None" if f["default"] is None else values.default(f["ty"], f["default"])
        items = [
            str(f["id"]),
            layout.string(f["name"]),
            spec_source(refs.spec(f["ty"]), scope),
            _REQUIREDNESS[f["requiredness"]],
            default,
        ]
        text = f"({', '.join([i if isinstance(i, str) else i.text for i in items])})"
        # Most specs fit on their line: their text is all that is needed, no group is made.
        fits = indent + len(text) + 1 <= layout.LINE_LENGTH
        specs.append(text if fits else layout.tuple_of(items))
    return layout.tuple_of(specs)


def completion_order(file: int, files: list[_ir.File]) -> list[int]:
    """The structs of ``file`` by index, each after the structs its defaults construct."""
    order: list[int] = []
    state: dict[int, bool] = {}  # False while visiting, True when done
    for i in range(len(files[file]["structs"])):
        _visit(file, files, i, state, order)
    return order


def _visit(
    file: int, files: list[_ir.File], index: int, state: dict[int, bool], order: list[int]
) -> None:
    # A module-level function, not a closure: a recursive closure is a reference cycle that
    # would keep the IR alive until the next garbage collection.
    done = state.get(index)
    if done:
        return
    struct = files[file]["structs"][index]
    if done is False:
        raise GenError(
            f"{files[file]['path']}: the defaults of {struct['name']} contain themselves"
        )
    state[index] = False
    finder = _StructValues(files)
    for f in struct["fields"]:
        if f["default"] is not None:
            finder.default(f["ty"], f["default"])
    for ref in finder.found:
        if ref["file"] == file:
            _visit(file, files, ref["index"], state, order)
    state[index] = True
    order.append(index)


class _StructValues(ValueWalker[None]):
    """Collects the structs a value constructs."""

    def __init__(self, files: list[_ir.File]) -> None:
        super().__init__(files)
        self.found: list[_ir.DefRef] = []

    def sequence(self, container: type, items: list[None]) -> None:
        return None

    def mapping(self, container: type, entries: list[tuple[None, None]]) -> None:
        return None

    def struct(self, ref: _ir.DefRef, fields: dict[str, None]) -> None:
        self.found.append(ref)

    def enum(self, ref: _ir.DefRef, value: int) -> None:
        return None

    def scalar(self, value: object) -> None:
        return None


def typedef_block(ir: _ir.Typedef, refs: Refs, scope: Scope, *, stub: bool) -> list[str]:
    target = ir["target"]
    alias = annotation(refs.spec(target), scope)
    typed = layout.lines(layout.around(f"{ir['name']}: _typing.TypeAlias = ", alias))
    if stub or target["kind"] not in ("list", "set", "map"):
        return typed
    # At run time load() binds the container class itself, not the alias.
    runtime = {"list": "list", "set": "set", "map": "dict"}[target["kind"]]
    return [
        "if _typing.TYPE_CHECKING:",
        *(INDENT + line for line in typed),
        "else:",
        f"{INDENT}{ir['name']} = {scope.builtin(runtime)}",
    ]


def const_block(
    ir: _ir.Const, refs: Refs, values: SourceValues, scope: Scope, *, stub: bool
) -> list[str]:
    hint = annotation(refs.spec(ir["ty"]), scope, frozen=True)
    value: Node | None = None if stub else values.const(ir["ty"], ir["value"])
    if ir["ty"]["kind"] == "enum" and isinstance(value, str) and value.lstrip("-").isdigit():
        hint = scope.builtin("int")  # a value the enum does not name stays an int
    final = (
        layout.around(f"{ir['name']}: _typing.Final[", hint, "]")
        if isinstance(hint, str)
        else layout.Group(f"{ir['name']}: _typing.Final", "[", [hint], "]")
    )
    node = final if value is None else _assign(final, value)
    out = layout.lines(node)
    if ir["doc"]:
        out.extend(layout.docstring(ir["doc"], ""))
    return out


def _assign(target: Node, value: Node) -> Node:
    return layout.around(f"{layout.flat(target)} = ", value)
