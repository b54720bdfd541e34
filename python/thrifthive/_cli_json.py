"""JSON for ``thrifthive call`` and ``thrifthive bench``: a method's arguments from JSON, replies
to JSON.

To JSON (replies): a struct, union or exception is an object of its set fields by name (unset
fields are left out, as they are on the wire); an enum is its name (an unknown value stays a
number); ``binary`` is base64 (as grpcurl and protobuf's JSON write bytes); a set is a list; a
map is an object when its keys are strings, numbers, bools or enums (keys written as strings),
else a list of ``[key, value]`` pairs; a uuid is its string.

From JSON (arguments), guided by the method's type specs: the same forms, plus enums by number,
and numbers as map keys given as strings (JSON object keys always are).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Mapping
from enum import IntEnum
from typing import Any

from thrifthive._types import TypeSpec

__all__ = ["JsonArgsError", "args_from_json", "to_json"]

_INTS = {"byte": 8, "i16": 16, "i32": 32, "i64": 64}


class JsonArgsError(ValueError):
    """The JSON does not fit the method's arguments; the message says where."""


def args_from_json(args_class: type, value: object) -> object:
    """An instance of ``args_class`` (a ``<method>_args`` struct) from a JSON object."""
    return _struct(args_class, value, "arguments")


def to_json(value: object) -> Any:
    """A decoded Thrift value as JSON-ready Python data."""
    if value is None or isinstance(value, bool | str | float):
        return value
    if isinstance(value, IntEnum):
        return value.name
    if isinstance(value, int):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(v) for v in value]
    if isinstance(value, Mapping):
        if all(isinstance(k, str | int | float) for k in value):
            return {str(to_json(k)): to_json(v) for k, v in value.items()}
        return [[to_json(k), to_json(v)] for k, v in value.items()]
    spec = getattr(type(value), "__thrift_spec__", None)
    if spec is not None:
        fields = ((name, getattr(value, name)) for _, name, *_ in spec)
        return {name: to_json(v) for name, v in fields if v is not None}
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


def _struct(cls: type, value: object, where: str) -> object:
    if not isinstance(value, dict):
        raise JsonArgsError(f"{where}: expected a JSON object, got {_kind(value)}")
    spec = cls.__thrift_spec__  # type: ignore[attr-defined]
    by_name = {name: ty for _, name, ty, *_ in spec}
    unknown = sorted(set(value) - set(by_name))
    if unknown:
        known = ", ".join(by_name) or "none"
        raise JsonArgsError(f"{where}: unknown field(s) {', '.join(unknown)} (fields: {known})")
    return cls(**{k: _value(by_name[k], v, f"{where}.{k}") for k, v in value.items()})


def _value(spec: TypeSpec, value: object, where: str) -> object:
    if value is None:
        return None
    tag = spec[0]
    if tag == "bool" and isinstance(value, bool):
        return value
    if tag in _INTS and isinstance(value, int) and not isinstance(value, bool):
        return value
    if tag == "double" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if tag == "string" and isinstance(value, str):
        return value
    if tag == "binary" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as e:
            raise JsonArgsError(f"{where}: binary is written in base64: {e}") from None
    if tag == "uuid" and isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError as e:
            raise JsonArgsError(f"{where}: {e}") from None
    if tag == "enum":
        return _enum(spec[1], value, where)  # type: ignore[arg-type]
    if tag == "struct":
        return _struct(spec[1], value, where)  # type: ignore[arg-type]
    if tag in ("list", "set") and isinstance(value, list):
        items = [_value(spec[1], v, f"{where}[{i}]") for i, v in enumerate(value)]  # type: ignore[arg-type]
        return items if tag == "list" else set(items)
    if tag == "map":
        return _map(spec[1], spec[2], value, where)  # type: ignore[arg-type]
    raise JsonArgsError(f"{where}: expected {_expected(spec)}, got {_kind(value)}")


def _enum(cls: type[IntEnum], value: object, where: str) -> object:
    if isinstance(value, str):
        try:
            return cls[value]
        except KeyError:
            names = ", ".join(m.name for m in cls)
            raise JsonArgsError(f"{where}: {cls.__name__} has no {value!r} (has {names})") from None
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return cls(value)
        except ValueError:
            return value  # unknown values travel as plain ints, as they decode
    raise JsonArgsError(f"{where}: expected a {cls.__name__} name or number, got {_kind(value)}")


def _map(key: TypeSpec, val: TypeSpec, value: object, where: str) -> dict[object, object]:
    if isinstance(value, dict):
        pairs = [(_key(key, k, where), v) for k, v in value.items()]
    elif isinstance(value, list) and all(isinstance(p, list) and len(p) == 2 for p in value):
        pairs = [(_value(key, k, f"{where} key"), v) for k, v in value]
    else:
        raise JsonArgsError(
            f"{where}: expected an object or [key, value] pairs, got {_kind(value)}"
        )
    return {k: _value(val, v, f"{where}[{k!r}]") for k, v in pairs}


def _key(spec: TypeSpec, key: str, where: str) -> object:
    """A map key written as a JSON object key, always a string."""
    tag = spec[0]
    try:
        if tag in _INTS:
            return int(key)
        if tag == "double":
            return float(key)
        if tag == "bool" and key in ("true", "false"):
            return key == "true"
    except ValueError:
        raise JsonArgsError(f"{where}: key {key!r} is not a {tag}") from None
    if tag == "enum" and key.lstrip("-").isdigit():
        return _enum(spec[1], int(key), where)  # type: ignore[arg-type]
    return _value(spec, key, f"{where} key")


def _expected(spec: TypeSpec) -> str:
    tag = spec[0]
    return {
        "bool": "true or false",
        "double": "a number",
        "string": "a string",
        "binary": "a base64 string",
        "uuid": "a uuid string",
        "list": "a list",
        "set": "a list",
    }.get(str(tag), "an integer" if tag in _INTS else str(tag))


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {bool: "a bool", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "a list" if isinstance(value, list) else "an object"
    )
