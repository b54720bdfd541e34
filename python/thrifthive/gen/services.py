"""Services as Python source: the descriptor, the typed clients and the handler Protocols.

For a service ``S`` a generated module has ``S`` (the :class:`thrifthive.Service` that
``thrifthive.Server`` and ``thrifthive.Client`` take, made by ``_th.service`` from the same specs
as ``load()``'s), ``SClient`` (a ``thrifthive.Client`` of ``S``), ``SAsyncClient`` (over a
``thrifthive.AsyncClient``), and the Protocols ``SHandler`` and ``SAsyncHandler`` a handler
class can be checked against. The clients' methods are declared under ``TYPE_CHECKING`` only:
at run time the untyped client's own methods answer, at the same speed. A stub (``thrifthive
stubs``) has the descriptor only, as ``load()`` makes nothing else.
"""

from __future__ import annotations

from thrifthive import _ir
from thrifthive.client import Client
from thrifthive.generated import AsyncServiceClient

from . import layout
from .annotations import Ref, Refs, Scope, annotation, spec_source
from .layout import INDENT, Node
from .naming import is_identifier, parameter, service_classes
from .structs import field_specs
from .values import SourceValues

# Names the clients have already: a method named so cannot be declared (``client.close`` is the
# client's own ``close``), as with an untyped client.
_SYNC_TAKEN = frozenset({*dir(Client), "service", "address", "_native", "_prefix"})
_ASYNC_TAKEN = frozenset({*dir(AsyncServiceClient), "client"})
# A method's parameters, its return annotation and its docstring.
_Parts = tuple[list[Node], str, str | None]


class ServiceWriter:
    """Writes the blocks of the services of one module."""

    def __init__(
        self, files: list[_ir.File], refs: Refs, values: SourceValues, scope: Scope
    ) -> None:
        self._files = files
        self._refs = refs
        self._values = values
        self._scope = scope
        self._classes: dict[int, dict[str, tuple[str, str, str, str]]] = {}
        self._signatures: dict[tuple[int, bool], _Parts] = {}

    def descriptor(self, ir: _ir.Service, *, stub: bool) -> list[str]:
        if stub:
            return [f"{ir['name']}: _th.Service"]
        methods: list[Node] = [self._method_decl(f) for f in ir["functions"]]
        args: list[Node] = [
            layout.string(ir["name"]),
            "__name__",
            layout.Group("", "[", methods, "]"),
        ]
        if ir["extends"] is not None:
            args.append(f"extends={self._service_ref(ir['extends'])}")
        if ir["doc"]:
            args.append(f"doc={layout.string(ir['doc'])}")
        return layout.lines(layout.call(f"{ir['name']} = _th.service", args))

    def _method_decl(self, fn: _ir.Function) -> Node:
        returns = fn["return_type"]
        args: list[Node] = [
            layout.string(fn["name"]),
            layout.around("params=", self._specs(fn["params"])),
            layout.around(
                "returns=",
                "None" if returns is None else spec_source(self._refs.spec(returns), self._scope),
            ),
            layout.around("throws=", self._specs(fn["throws"])),
        ]
        if fn["oneway"]:
            args.append("oneway=True")
        if fn["doc"]:
            args.append(f"doc={layout.string(fn['doc'])}")
        annotations = _ir.annotation_map(fn["annotations"])
        if annotations:
            # Carried as load() carries them: (hive.idempotent) lets the clients retry.
            pairs: list[Node] = [
                f"{layout.string(key)}: {layout.string(value)}"
                for key, value in annotations.items()
            ]
            args.append(layout.Group("annotations=", "{", pairs, "}"))
        return layout.call("_th.MethodDecl", args)

    def _specs(self, fields: list[_ir.Field]) -> Node:
        # In _th.service(..., [_th.MethodDecl(..., params=(...)) ...]): four levels in.
        return field_specs(fields, self._refs, self._values, self._scope, indent=16)

    def _service_ref(self, ref: _ir.DefRef, suffix: int | None = None) -> str:
        """The service ``ref``, or (``suffix`` 0 to 3) one of its classes, as named here."""
        file = self._files[ref["file"]]
        name = file["services"][ref["index"]]["name"]
        if suffix is not None:
            name = self._class_names(ref["file"], name)[suffix]
        return self._scope.ref(Ref(ref["file"], name))

    def _class_names(self, file: int, service: str) -> tuple[str, str, str, str]:
        names = self._classes.get(file)
        if names is None:
            names = self._classes[file] = service_classes(self._files[file])
        return names[service]

    def client(self, ir: _ir.Service, *, asynchronous: bool) -> list[str]:
        index = 1 if asynchronous else 0
        name = self._class_names(self._scope.module.file, ir["name"])[index]
        base = "_th.AsyncServiceClient" if asynchronous else "_th.ServiceClient"
        if ir["extends"] is not None:
            base = self._service_ref(ir["extends"], index)
        over = "thrifthive.AsyncClient" if asynchronous else "thrifthive.Client"
        doc = (
            f'A client of ``{ir["name"]}``: ``{name}("host:port", **options)`` is a\n'
            f"``{over}`` of it (same options) with typed methods."
        )
        out = [
            f"class {name}({base}):",
            *layout.docstring(_with_idl_doc(ir, doc), INDENT),
            "",
            f"{INDENT}__service__ = {ir['name']}",
        ]
        taken = _ASYNC_TAKEN if asynchronous else _SYNC_TAKEN
        declared = [
            f for f in ir["functions"] if is_identifier(f["name"]) and f["name"] not in taken
        ]
        if declared:
            out.extend(["", f"{INDENT}if _typing.TYPE_CHECKING:"])
            for fn in declared:
                out.append("")
                out.extend(
                    self._signature(fn, INDENT * 2, asynchronous=asynchronous, handler=False)
                )
        return out

    def handler(self, ir: _ir.Service, *, asynchronous: bool) -> list[str]:
        index = 3 if asynchronous else 2
        name = self._class_names(self._scope.module.file, ir["name"])[index]
        bases = "_typing.Protocol"
        if ir["extends"] is not None:
            bases = f"{self._service_ref(ir['extends'], index)}, _typing.Protocol"
        names = self._class_names(self._scope.module.file, ir["name"])
        if asynchronous:
            about = "with ``async def`` methods, run on the server's asyncio loop"
        else:
            about = f"``async def`` methods are accepted too, see ``{names[3]}``"
        doc = (
            f"A handler of ``{ir['name']}``, for ``thrifthive.Server({ir['name']}, handler)``:\n"
            f"{about}.\n\nThe server passes the arguments by position, in the IDL's order."
        )
        out = [f"class {name}({bases}):", *layout.docstring(_with_idl_doc(ir, doc), INDENT)]
        for fn in ir["functions"]:
            if is_identifier(fn["name"]):
                out.append("")
                out.extend(self._signature(fn, INDENT, asynchronous=asynchronous, handler=True))
        return out

    def _signature(
        self, fn: _ir.Function, indent: str, *, asynchronous: bool, handler: bool
    ) -> list[str]:
        params, result, doc = self._parts(fn, handler=handler)
        keyword = "async def" if asynchronous else "def"
        tail = f" -> {result}:" if doc else f" -> {result}: ..."
        out = layout.lines(layout.call(f"{keyword} {fn['name']}", params, tail), indent)
        if doc:
            out.extend(layout.docstring(doc, indent + INDENT))
        return out

    def _parts(self, fn: _ir.Function, *, handler: bool) -> _Parts:
        """A method's parameters, return annotation and docstring, for a client or a handler:
        made once for both clients and once for both Protocols."""
        key = (id(fn), handler)
        parts = self._signatures.get(key)
        if parts is not None:
            return parts
        params: list[Node] = ["self"]
        renamed = any(parameter(p["name"]) != p["name"] for p in fn["params"])
        # A parameter may be left out when it and every one after it has an IDL default.
        defaults = 0
        for p in reversed(fn["params"]):
            if p["default"] is None:
                break
            defaults += 1
        for i, p in enumerate(fn["params"]):
            node = annotation(self._refs.spec(p["ty"]), self._scope)
            # The server always passes every argument: a handler's have no defaults.
            tail = " = ..." if not handler and i >= len(fn["params"]) - defaults else ""
            params.append(layout.around(f"{parameter(p['name'])}: ", node, tail))
        if handler or renamed:
            params.append("/")
        returns = fn["return_type"]
        result = "None"
        if returns is not None:
            result = layout.flat(annotation(self._refs.spec(returns), self._scope))
        parts = self._signatures[key] = (params, result, self._doc(fn, handler=handler))
        return parts

    def _doc(self, fn: _ir.Function, *, handler: bool) -> str | None:
        parts = [fn["doc"]] if fn["doc"] else []
        if not parts and (fn["oneway"] or fn["throws"]):
            parts.append(f"Answers ``{fn['name']}``." if handler else f"Calls ``{fn['name']}``.")
        if fn["oneway"]:
            parts.append(
                "Oneway: the server sends no reply."
                if handler
                else "Oneway: returns once the request is sent; the server sends no reply."
            )
        if fn["throws"]:
            lines = ["Raises:"]
            for t in fn["throws"]:
                cls = self._scope.ref(self._refs.struct_class(t["ty"]["def"]))
                lines.append(f"    {cls}: the declared exception ``{t['name']}`` ({t['id']}).")
            parts.append("\n".join(lines))
        return "\n\n".join(parts) if parts else None


def _with_idl_doc(ir: _ir.Service, doc: str) -> str:
    """A generated class's docstring: the service's doc comment first, when it has one."""
    return f"{ir['doc']}\n\n{doc}" if ir["doc"] else doc
