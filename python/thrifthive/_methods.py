"""The classes a struct and a method need, made from field specs: shared by ``thrifthive.load``
(``_builder``, from the IR) and by generated packages (``thrifthive.generated``, from specs
written in their source), so that both get the same classes, annotations and wire structs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional, cast

from thrifthive import _classes, _spec
from thrifthive._classes import FieldSpec
from thrifthive._types import TypeSpec, annotation
from thrifthive.exceptions import TException
from thrifthive.service import Method


def set_fields(cls: type, spec: tuple[FieldSpec, ...]) -> None:
    """Completes a class from ``_classes.new_class`` with its fields, annotated from their specs:
    a union's fields and optional fields are ``Optional``."""
    every_optional = getattr(cls, "__thrift_kind__", None) == _spec.KIND_UNION
    annotations: dict[str, object] = {}
    for _, name, type_spec, requiredness, _ in spec:
        hint = annotation(type_spec)
        if every_optional or requiredness == _spec.OPTIONAL:
            hint = cast(Any, Optional)[hint]
        annotations[name] = hint
    _classes.set_fields(cls, spec, annotations)


def method(
    name: str,
    *,
    module: str,
    service: str,
    oneway: bool,
    params: tuple[FieldSpec, ...],
    returns: TypeSpec | None,
    throws: tuple[FieldSpec, ...],
    doc: str | None,
    annotations: Mapping[str, str] | None = None,
) -> Method:
    """The descriptor of method ``name`` of ``service`` (declared in ``module``), with its
    ``_args`` and ``_result`` structs shaped as ``thrifthive.service`` describes."""
    result = None
    if not oneway:
        success: tuple[FieldSpec, ...] = (
            ((0, "success", returns, _spec.OPTIONAL, None),) if returns is not None else ()
        )
        optional = tuple((f[0], f[1], f[2], _spec.OPTIONAL, f[4]) for f in throws)
        result = _wire_struct(module, service, f"{name}_result", success + optional)
    return Method(
        name,
        oneway=oneway,
        args=_wire_struct(module, service, f"{name}_args", params),
        result=result,
        return_spec=returns,
        throws={f[1]: cast(type[TException], f[2][1]) for f in throws},
        doc=doc,
        annotations=annotations,
    )


def _wire_struct(module: str, service: str, name: str, spec: tuple[FieldSpec, ...]) -> type:
    """A method's ``_args`` or ``_result`` struct, reachable as ``service.name``."""
    cls = _classes.new_class(
        name,
        _spec.KIND_STRUCT,
        [f[1] for f in spec],
        module=module,
        qualname=f"{service}.{name}",
        doc=None,
        frozen=False,
    )
    set_fields(cls, spec)
    return cls
