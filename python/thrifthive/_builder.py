"""Builds the Python objects of a compiled program: one module per IDL file.

Every file's enums and struct classes are made first and completed after (see ``_classes``),
so that types may refer to each other across files and in cycles. Files already loaded (an
include shared with an earlier load) are not rebuilt: their objects are reused, so a type is
the same class wherever it is referenced.
"""

from __future__ import annotations

import enum
import types
from dataclasses import dataclass, field
from typing import cast

from thrifthive import _classes, _ir, _methods, _spec
from thrifthive._types import runtime_type, type_spec
from thrifthive._values import ValueConverter
from thrifthive.service import Method, Service

_REQUIREDNESS = {"default": _spec.DEFAULT, "required": _spec.REQUIRED, "optional": _spec.OPTIONAL}


@dataclass
class FileObjects:
    """The module made for one IDL file, and its definitions by their index in the IR."""

    path: str
    module: types.ModuleType
    enums: list[type[enum.IntEnum]]
    structs: list[type]
    services: list[Service]
    includes: list[FileObjects] = field(default_factory=list)


class ProgramBuilder:
    """Makes the objects of every file of ``program`` but those in ``reused``.

    ``module_names`` names the module of each file to build.
    """

    def __init__(
        self, program: _ir.Program, reused: dict[int, FileObjects], module_names: dict[int, str]
    ) -> None:
        self._files = program["files"]
        self._reused = reused
        self._module_names = module_names
        self._enums: dict[int, list[type[enum.IntEnum]]] = {}
        self._structs: dict[int, list[type]] = {}
        self._services: dict[tuple[int, int], Service] = {}
        self._completed: set[tuple[int, int]] = set()
        self._completing: set[tuple[int, int]] = set()
        self._values = ValueConverter(self._files, self, self._new_instance)

    def build(self) -> dict[int, FileObjects]:
        """Returns the objects of every file, built or reused, by file index."""
        new = [i for i in range(len(self._files)) if i not in self._reused]
        for i, objects in self._reused.items():
            self._enums[i] = objects.enums
            self._structs[i] = objects.structs
        for i in new:
            self._enums[i] = [self._enum(i, e) for e in self._files[i]["enums"]]
            self._structs[i] = [self._new_struct(i, s) for s in self._files[i]["structs"]]
        for i in new:
            for j in range(len(self._structs[i])):
                self._complete({"file": i, "index": j})
        built = {i: self._file(i) for i in new}
        result = {**self._reused, **built}
        for i, objects in built.items():
            for k in self._files[i]["includes"]:
                objects.includes.append(result[k])
                setattr(objects.module, self._files[k]["module"], result[k].module)
        return result

    # Definitions (see _types): the classes of the program's enums and structs.

    def enum_class(self, ref: _ir.DefRef) -> type[enum.IntEnum]:
        return self._enums[ref["file"]][ref["index"]]

    def struct_class(self, ref: _ir.DefRef) -> type:
        return self._structs[ref["file"]][ref["index"]]

    def _enum(self, file: int, ir: _ir.Enum) -> type[enum.IntEnum]:
        members = [(value["name"], value["value"]) for value in ir["values"]]
        try:
            made = enum.IntEnum(  # type: ignore[misc]
                ir["name"], members, module=self._module_names[file], qualname=ir["name"]
            )
        except ValueError as error:
            raise ValueError(f"{self._where(file)}: enum {ir['name']}: {error}") from None
        enum_class = cast(type[enum.IntEnum], made)
        enum_class.__doc__ = ir["doc"]
        return enum_class

    def _new_struct(self, file: int, ir: _ir.Struct) -> type:
        immutable = next((a for a in ir["annotations"] if a["key"] == "python.immutable"), None)
        return _classes.new_class(
            ir["name"],
            ir["kind"],
            [f["name"] for f in ir["fields"]],
            module=self._module_names[file],
            qualname=ir["name"],
            doc=ir["doc"],
            frozen=immutable is not None and immutable["value"] != "false",
        )

    def _complete(self, ref: _ir.DefRef) -> None:
        """Gives a new struct class its fields, first completing the classes its defaults use."""
        key = (ref["file"], ref["index"])
        if key[0] in self._reused or key in self._completed:
            return
        ir = self._files[key[0]]["structs"][key[1]]
        if key in self._completing:
            where = self._where(key[0])
            raise ValueError(f"{where}: the defaults of {ir['name']} contain themselves")
        self._completing.add(key)
        cls = self.struct_class(ref)
        where = f"{self._where(key[0])}: {ir['name']}"
        _methods.set_fields(cls, self._field_specs(ir["fields"], where))
        self._completing.discard(key)
        self._completed.add(key)

    def _new_instance(self, ref: _ir.DefRef, fields: dict[str, object]) -> object:
        self._complete(ref)
        return self.struct_class(ref)(**fields)

    def _field_specs(self, fields: list[_ir.Field], where: str) -> tuple[_classes.FieldSpec, ...]:
        return tuple(
            (
                f["id"],
                f["name"],
                type_spec(f["ty"], self),
                _REQUIREDNESS[f["requiredness"]],
                self._convert(f["ty"], f["default"], f"{where}.{f['name']}", const=False),
            )
            for f in fields
        )

    def _convert(self, ty: _ir.Ty, value: _ir.Value | None, where: str, *, const: bool) -> object:
        if value is None:
            return None
        try:
            return self._values.const(ty, value) if const else self._values.default(ty, value)
        except TypeError as error:
            raise TypeError(f"{where}: {error}") from None

    def _file(self, i: int) -> FileObjects:
        ir = self._files[i]
        module = types.ModuleType(self._module_names[i])
        module.__thrift_file__ = ir["path"]  # type: ignore[attr-defined]
        objects = FileObjects(
            path=ir["path"],
            module=module,
            enums=self._enums[i],
            structs=self._structs[i],
            services=[self._service({"file": i, "index": j}) for j in range(len(ir["services"]))],
        )
        where = self._where(i)
        definitions: list[tuple[str, object]] = [
            *((e.__name__, e) for e in objects.enums),
            *((s.__name__, s) for s in objects.structs),
            *((t["name"], runtime_type(t["target"], self)) for t in ir["typedefs"]),
            *(
                (c["name"], self._convert(c["ty"], c["value"], f"{where}: {c['name']}", const=True))
                for c in ir["consts"]
            ),
            *((s.name, s) for s in objects.services),
        ]
        for name, value in definitions:
            setattr(module, name, value)
        return objects

    def _service(self, ref: _ir.DefRef) -> Service:
        key = (ref["file"], ref["index"])
        reused = self._reused.get(key[0])
        if reused is not None:
            return reused.services[key[1]]
        if key not in self._services:
            ir = self._files[key[0]]["services"][key[1]]
            extends = self._service(ir["extends"]) if ir["extends"] is not None else None
            methods = [self._method(key[0], ir["name"], f) for f in ir["functions"]]
            self._services[key] = Service(ir["name"], methods, extends=extends, doc=ir["doc"])
        return self._services[key]

    def _method(self, file: int, service: str, ir: _ir.Function) -> Method:
        where = f"{self._where(file)}: {service}.{ir['name']}"
        return_type = ir["return_type"]
        return _methods.method(
            ir["name"],
            module=self._module_names[file],
            service=service,
            oneway=ir["oneway"],
            params=self._field_specs(ir["params"], f"{where}_args"),
            returns=type_spec(return_type, self) if return_type is not None else None,
            throws=self._field_specs(ir["throws"], f"{where}_result"),
            doc=ir["doc"],
            annotations=_ir.annotation_map(ir["annotations"]),
        )

    def _where(self, file: int) -> str:
        return self._files[file]["path"]
