"""The IDL files the interop tests run on, and questions about their types answered from
thrifthive's IR (``thrifthive.idl.compile``), independently of any peer.

A type is the IR's type dict (``{"kind": "list", "elem": {...}}`` and so on); a struct type
names its definition by ``{"file", "index"}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from thrifthive import idl

from ..support import APACHE_IDL

Ty = dict[str, Any]
StructDef = dict[str, Any]

# The corpus: ThriftTest and DebugProtoTest, in the variants Debian's 0.17 compiler accepts (the
# newest test/DebugProtoTest.thrift uses `uuid`, which that compiler lacks).
IDL_FILES: dict[str, Path] = {
    "ThriftTest": APACHE_IDL / "test" / "v0.16" / "ThriftTest.thrift",
    "DebugProtoTest": APACHE_IDL / "test" / "v0.16" / "DebugProtoTest.thrift",
}

PRIMITIVES = frozenset({"bool", "byte", "i16", "i32", "i64", "double", "string", "binary", "uuid"})
CONTAINERS = frozenset({"list", "set", "map"})


class Schema:
    """One compiled IDL file: its struct/union/exception definitions and enums."""

    def __init__(self, name: str, path: Path, ir: dict[str, Any]) -> None:
        self.name = name
        self.path = path
        self.ir = ir

    def __repr__(self) -> str:  # short: Hypothesis prints the fixtures of a failing example
        return f"Schema({self.name!r})"

    @classmethod
    def compile(cls, name: str, path: Path) -> Schema:
        return cls(name, path, idl.compile(path))

    @property
    def root(self) -> dict[str, Any]:
        root: dict[str, Any] = self.ir["files"][self.ir["root"]]
        return root

    @cached_property
    def struct_names(self) -> list[str]:
        """Every struct, union and exception of the root file, in source order."""
        return [s["name"] for s in self.root["structs"]]

    def struct_ty(self, name: str) -> Ty:
        for index, s in enumerate(self.root["structs"]):
            if s["name"] == name:
                return {"kind": "struct", "def": {"file": self.ir["root"], "index": index}}
        raise KeyError(name)

    def struct(self, ty: Ty) -> StructDef:
        ref = ty["def"]
        s: StructDef = self.ir["files"][ref["file"]]["structs"][ref["index"]]
        return s

    def enum_values(self, ty: Ty) -> list[int]:
        ref = ty["def"]
        return [v["value"] for v in self.ir["files"][ref["file"]]["enums"][ref["index"]]["values"]]

    def enum_name(self, ty: Ty) -> str:
        ref = ty["def"]
        name: str = self.ir["files"][ref["file"]]["enums"][ref["index"]]["name"]
        return name

    # -- questions about a type, over everything it reaches -------------------------------------

    def reachable_structs(self, ty: Ty) -> Iterator[StructDef]:
        """Every struct definition a value of ``ty`` can contain (each once)."""
        seen: set[tuple[int, int]] = set()
        todo = [ty]
        while todo:
            t = todo.pop()
            kind = t["kind"]
            if kind == "struct":
                key = (t["def"]["file"], t["def"]["index"])
                if key in seen:
                    continue
                seen.add(key)
                s = self.struct(t)
                yield s
                todo.extend(f["ty"] for f in s["fields"])
            elif kind in ("list", "set"):
                todo.append(t["elem"])
            elif kind == "map":
                todo.extend((t["key"], t["value"]))

    def ids_ascending(self, ty: Ty) -> bool:
        """Whether every struct ``ty`` reaches declares its fields in ascending id order.

        Apache's compiler sorts fields by id (its Python, C++ and Java code write them in id
        order); thriftpy2 writes them in declaration order. The two agree only when this holds.
        """
        for s in self.reachable_structs(ty):
            ids = [f["id"] for f in s["fields"]]
            if ids != sorted(ids):
                return False
        return True

    def has_negative_ids(self, ty: Ty) -> bool:
        """Whether a reachable struct has implicit (negative) field ids.

        Apache's Python generator leaves ``thrift_spec`` empty for such a struct, so its C
        extension (fastbinary) writes none of its fields and skips them all on read.
        """
        return any(f["id"] < 0 for s in self.reachable_structs(ty) for f in s["fields"])

    def plain_hash(self, ty: Ty) -> bool:
        """Whether values of ``ty`` hash the same in every library: ints, floats, str, bytes
        (and tuples/frozensets of them). Structs and maps do not: each library hashes its own
        classes (Apache's TFrozenDict, thrifthive's frozen structs...) differently."""
        kind = ty["kind"]
        if kind in PRIMITIVES or kind == "enum":
            return True
        if kind in ("list", "set"):
            return self.plain_hash(ty["elem"])
        return False

    def has_container_keys(self, ty: Ty) -> bool:
        """Whether a reachable map has a list, set or map as its key type."""
        todo = [ty]
        seen: set[tuple[int, int]] = set()
        while todo:
            t = todo.pop()
            kind = t["kind"]
            if kind == "struct":
                key = (t["def"]["file"], t["def"]["index"])
                if key not in seen:
                    seen.add(key)
                    todo.extend(f["ty"] for f in self.struct(t)["fields"])
            elif kind in ("list", "set"):
                todo.append(t["elem"])
            elif kind == "map":
                if t["key"]["kind"] in CONTAINERS:
                    return True
                todo.extend((t["key"], t["value"]))
        return False

    def immutable(self, ty: Ty) -> bool:
        """Whether Apache's Python generator makes the struct immutable, and so hashable.

        It does for ``(python.immutable = "")`` and for exceptions unless annotated
        ``(python.immutable = "false")``; only such a struct can sit in a set or be a map key on
        Apache's side (a mutable generated class defines ``__eq__`` and no ``__hash__``).
        """
        s = self.struct(ty)
        marks = [a.get("value") for a in s["annotations"] if a["key"] == "python.immutable"]
        if marks:
            return str(marks[-1]) != "false"
        kind: str = s["kind"]
        return kind == "exception"
