"""Service descriptors: what servers and clients know of an IDL service.

A :class:`Service` lists its methods, its own and those it inherits through ``extends``. Each
:class:`Method` carries the two structs that travel on the wire, shaped exactly as Apache
Thrift's generated Python code shapes them, so that any Thrift peer reads them:

- ``<method>_args``: one field per parameter, with the declared ids, names, types and defaults;
- ``<method>_result`` (none for a oneway method): ``success`` at field id 0 when the method
  returns a value, then one field per declared exception with its id. Every field is optional:
  a reply holds exactly one of them (none for a void method that returned).

The classes are reachable as attributes of the service (``UserService.getUserById_args``), which
is also their ``__qualname__``, so their instances pickle like any other loaded struct.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from thrifthive._types import TypeSpec
from thrifthive.exceptions import TException

# The function annotation that marks a method safe to run twice.
IDEMPOTENT = "hive.idempotent"


class Method:
    """One method of a service.

    ``return_spec`` is the ``_spec`` type spec of the return type, None for ``void``;
    ``throws`` maps each result field that holds a declared exception to its class, in
    declaration order. ``annotations`` are the function's IDL annotations (``(key = "value")``;
    a key given without a value maps to ``""``); ``idempotent`` says whether it is marked
    ``(hive.idempotent)`` (any value but ``"false"`` or ``"0"``), which lets the clients retry
    it after a failure on the way (see ``thrifthive._retry``).
    """

    __slots__ = (
        "annotations",
        "args",
        "doc",
        "idempotent",
        "name",
        "oneway",
        "result",
        "return_spec",
        "throws",
    )

    def __init__(
        self,
        name: str,
        *,
        oneway: bool,
        args: type,
        result: type | None,
        return_spec: TypeSpec | None,
        throws: Mapping[str, type[TException]],
        doc: str | None,
        annotations: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.oneway = oneway
        self.args = args
        self.result = result
        self.return_spec = return_spec
        self.throws = MappingProxyType(dict(throws))
        self.doc = doc
        self.annotations: Mapping[str, str] = MappingProxyType(dict(annotations or {}))
        marked = self.annotations.get(IDEMPOTENT)
        self.idempotent = marked is not None and marked.strip().lower() not in ("false", "0")

    def __repr__(self) -> str:
        return f"<thrifthive.Method {self.name}{' (oneway)' if self.oneway else ''}>"


class Service:
    """An IDL service: ``methods`` maps every method name, inherited ones first, to its
    :class:`Method`; ``functions`` holds only those the service itself declares."""

    def __init__(
        self, name: str, functions: Iterable[Method], *, extends: Service | None, doc: str | None
    ) -> None:
        self.name = name
        self.extends = extends
        self.functions: Mapping[str, Method] = MappingProxyType({m.name: m for m in functions})
        inherited = extends.methods if extends is not None else {}
        self.methods: Mapping[str, Method] = MappingProxyType({**inherited, **self.functions})
        self.__doc__ = doc

    def __getattr__(self, name: str) -> type:
        # <method>_args and <method>_result, as in Apache's and thriftpy2's generated code.
        method_name, _, suffix = name.rpartition("_")
        method = self.functions.get(method_name)
        if method is not None:
            if suffix == "args":
                return method.args
            if suffix == "result" and method.result is not None:
                return method.result
        raise AttributeError(f"service {self.name!r} has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"<thrifthive.Service {self.name}>"
