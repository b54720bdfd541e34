"""The classes made for IDL structs, unions and exceptions, and how their instances behave.

A class is made in two steps because field types name other classes, in cycles too (a struct
holding a list of itself): :func:`new_class` makes it from its field names, and once every class
of the program exists, :func:`set_fields` gives it ``__thrift_spec__`` (the codec's contract, see
``_spec``), ``__annotations__`` and ``__init__``.

Instances:

- Construction by keyword or by position in field order, like a dataclass, with the same
  ``TypeError`` for an unknown keyword or too many arguments. A field left out is None, or a copy
  of its IDL default: a mutable default (list, set, map, struct) is copied for each instance,
  never shared. A union applies its defaults only when no field is given, so that
  ``Union(other=1)`` holds one field.
- All state is in ``__slots__``, one per field in declaration order: the codec makes instances
  without calling ``__init__`` and fills the slots. A field named like a Python keyword
  (``return``) is a slot all the same, reached with ``getattr``/``setattr`` and constructed with
  ``**{"return": 1}``.
- ``==`` holds for instances of the same class with equal fields. ``repr`` shows every field
  (``User(id=1, username='alice', ...)``); a union's shows the field that is set.
- Hashing: structs and unions hash by class and field values (containers hashed by content),
  consistently with ``==``, as in thriftpy2: IDL types such as ``set<User>`` and
  ``map<User, i32>`` need hashable structs to be Python sets and dicts. Like any mutable key, a
  struct changed while in a set or used as a dict key is not found there any more. A class
  annotated ``(python.immutable)`` (Apache Thrift's annotation) is frozen: setting or deleting
  a field raises ``TypeError``, as in Apache's generated code. Exceptions keep Python's
  identity hash (unless frozen), which the exception machinery and logging libraries rely on;
  two equal exceptions may then hash differently, so do not key dicts by an exception's value.
- Exceptions subclass :class:`~thrifthive.TException`. ``str(exc)`` is the ``message`` field when
  the exception has a string field by that name and it is set, otherwise ``repr(exc)`` (as
  Apache's generated code does), so a traceback reads ``NotFound: no such user``.
- Pickling and copying go through ``__reduce__`` to the class and the field values, so they work
  for frozen classes and exceptions too, provided the class is reachable by its ``__module__``
  and ``__qualname__`` (``thrifthive.load`` with a ``module_name``).
- ``__match_args__`` is the field names in order. A union also has ``_field`` (the name of its
  set field, or None) and ``_value`` (that field's value), unless it has fields of those names.
"""

from __future__ import annotations

import copy
import keyword
import reprlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any

from thrifthive._spec import KIND_EXCEPTION, KIND_UNION
from thrifthive._types import TypeSpec
from thrifthive.exceptions import TException

# (field_id, name, type_spec, requiredness, default), as _spec describes.
FieldSpec = tuple[int, str, TypeSpec, int, object]
Values = Callable[[object], tuple[object, ...]]
Bind = Callable[[tuple[object, ...], dict[str, object]], list[object]]

# Immutable values: a default made of these needs no copy per instance. (Enum members are ints.)
_SCALARS = (type(None), bool, int, float, str, bytes, uuid.UUID)
# Names of the generated __init__'s globals and locals; a field whose name starts so gets the
# generic __init__, so that field names never collide with them.
_PREFIX = "_thrift_"


def new_class(
    name: str,
    kind: str,
    field_names: Sequence[str],
    *,
    module: str,
    qualname: str,
    doc: str | None,
    frozen: bool,
) -> type:
    """Makes the class of a struct, union or exception (``kind``, a ``_spec`` KIND)."""
    names = tuple(field_names)
    for field in names:
        if field.startswith("__") and field.endswith("__"):
            raise ValueError(f"{qualname}: a field cannot be named {field!r} in Python")
    values = _values_getter(names)
    methods: dict[str, Callable[..., Any]] = {
        "__eq__": _eq(values),
        "__repr__": _repr(names, values, only_set=kind == KIND_UNION),
        "__reduce__": _reduce(values),
    }
    if frozen:
        methods.update(_frozen_methods(frozenset(names)))
    if frozen or kind != KIND_EXCEPTION:
        methods["__hash__"] = _hash(values)
    for method in methods.values():
        method.__qualname__ = f"{qualname}.{method.__name__}"
    namespace: dict[str, object] = {
        "__slots__": names,
        "__module__": module,
        "__qualname__": qualname,
        "__doc__": doc,
        "__thrift_kind__": kind,
        "__match_args__": names,
        **methods,
    }
    if "__hash__" not in namespace:
        # Defining __eq__ would make exceptions unhashable: they keep Python's identity hash.
        namespace["__hash__"] = TException.__hash__
    if kind == KIND_UNION and not {"_field", "_value"} & set(names):
        namespace.update(_union_helpers(names, values))
    base = TException if kind == KIND_EXCEPTION else object
    return type(name, (base,), namespace)


def set_fields(cls: type, spec: tuple[FieldSpec, ...], annotations: dict[str, object]) -> None:
    """Completes a class from :func:`new_class` with its fields' specs, in slot order."""
    cls.__thrift_spec__ = spec  # type: ignore[attr-defined]
    cls.__annotations__ = annotations
    cls.__init__ = _init_on_first_call(cls, spec)  # type: ignore[misc]
    if getattr(cls, "__thrift_kind__", None) == KIND_EXCEPTION:
        has_message = any(f[1] == "message" and f[2] == ("string",) for f in spec)
        cls.__str__ = _message_str if has_message else cls.__repr__  # type: ignore[assignment]


def _values_getter(names: tuple[str, ...]) -> Values:
    """A function returning an instance's field values as a tuple, in field order."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda obj: (get(obj),)
    getter: Values = attrgetter(*names)
    return getter


def _eq(values: Values) -> Callable[[object, object], bool]:
    def __eq__(self: object, other: object) -> bool:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _repr(names: tuple[str, ...], values: Values, *, only_set: bool) -> Callable[[object], str]:
    @reprlib.recursive_repr()
    def __repr__(self: object) -> str:
        fields = ", ".join(
            f"{name}={value!r}"
            for name, value in zip(names, values(self), strict=True)
            if not (only_set and value is None)
        )
        return f"{type(self).__name__}({fields})"

    return __repr__


def _reduce(values: Values) -> Callable[[object], tuple[type, tuple[object, ...]]]:
    def __reduce__(self: object) -> tuple[type, tuple[object, ...]]:
        return (self.__class__, values(self))

    return __reduce__


def _hash(values: Values) -> Callable[[object], int]:
    def __hash__(self: object) -> int:
        return hash((self.__class__, *map(_hashable, values(self))))

    return __hash__


def _hashable(value: object) -> object:
    """``value`` with its containers made hashable, equal values staying equal."""
    if isinstance(value, list | tuple):
        return tuple(map(_hashable, value))
    if isinstance(value, dict):
        return frozenset((_hashable(k), _hashable(v)) for k, v in value.items())
    if isinstance(value, set | frozenset):
        return frozenset(map(_hashable, value))
    return value


def _frozen_methods(fields: frozenset[str]) -> dict[str, Callable[..., Any]]:
    # Only fields are frozen: Python sets an exception's __traceback__, __context__ and
    # __notes__ itself.
    def __setattr__(self: object, name: str, value: object) -> None:
        if name in fields:
            raise TypeError(f"cannot set {name!r}: {type(self).__name__} is immutable")
        object.__setattr__(self, name, value)

    def __delattr__(self: object, name: str) -> None:
        if name in fields:
            raise TypeError(f"cannot delete {name!r}: {type(self).__name__} is immutable")
        object.__delattr__(self, name)

    return {"__setattr__": __setattr__, "__delattr__": __delattr__}


def _union_helpers(names: tuple[str, ...], values: Values) -> dict[str, property]:
    def _field(self: object) -> str | None:
        """The name of the field that is set (the first one, if several are), or None."""
        return next((n for n, v in zip(names, values(self), strict=True) if v is not None), None)

    def _value(self: object) -> object:
        """The value of the field that is set, or None."""
        return next((v for v in values(self) if v is not None), None)

    return {"_field": property(_field), "_value": property(_value)}


def _message_str(self: Any) -> str:
    message: str | None = self.message
    return message if message else repr(self)


def _init_on_first_call(cls: type, spec: tuple[FieldSpec, ...]) -> Callable[..., None]:
    """An ``__init__`` that generates the real one on first use and puts it in its place.

    Compiling an ``__init__`` costs more than everything else a class needs; classes are often
    never constructed in Python (the codec makes instances without ``__init__``), and a large
    IDL loads several times faster this way.
    """

    def __init__(self: object, /, *args: object, **kwargs: object) -> None:
        init = _make_init(cls, spec)
        cls.__init__ = init  # type: ignore[misc]
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _make_init(cls: type, spec: tuple[FieldSpec, ...]) -> Callable[..., None]:
    """Generates ``__init__`` as source, like dataclasses do: the fastest way to construct.

    Fields whose names can all be parameters get ``__init__(self, a=None, b=..., ...)``; a
    class with a field named like a keyword gets ``__init__(self, *args, **kwargs)`` binding
    the arguments itself, with the same body.
    """
    names = [field[1] for field in spec]
    defaults = [field[4] for field in spec]
    union = getattr(cls, "__thrift_kind__", None) == KIND_UNION
    frozen = "__setattr__" in cls.__dict__  # new_class defines it for frozen classes only
    # What an argument left out stands for: the default (copied below when mutable), or None
    # in a union, which takes its defaults only when nothing is given.
    missing: list[object] = [None] * len(spec) if union else defaults
    env: dict[str, object] = {}
    for i, (default, absent) in enumerate(zip(defaults, missing, strict=True)):
        env[f"{_PREFIX}d{i}"] = default
        env[f"{_PREFIX}m{i}"] = absent
        env[f"{_PREFIX}c{i}"] = _copier(default)
        env[f"{_PREFIX}s{i}"] = getattr(cls, names[i]).__set__

    def store(i: int, value: str) -> str:
        if frozen or not _is_attribute(names[i]):
            return f"{_PREFIX}s{i}(self, {value})"
        return f"self.{names[i]} = {value}"

    lines: list[str] = []
    if all(_is_parameter(name) for name in names):
        variables = names
        params = "".join(f", {name}={_PREFIX}m{i}" for i, name in enumerate(names))
        lines.append(f"def __init__(self, /{params}):")
    else:
        variables = [f"{_PREFIX}v{i}" for i in range(len(names))]
        env[f"{_PREFIX}bind"] = _binder(cls.__qualname__, tuple(names), missing)
        lines.append("def __init__(self, /, *args, **kwargs):")
        targets = "".join(f"{v}, " for v in variables)
        lines.append(f"    {targets}{'= ' if targets else ''}{_PREFIX}bind(args, kwargs)")
    for i, variable in enumerate(variables):
        value = variable
        if env[f"{_PREFIX}c{i}"] is not None and not union:
            value = f"{_PREFIX}c{i}({variable}) if {variable} is {_PREFIX}d{i} else {variable}"
        lines.append("    " + store(i, value))
    defaulted = [i for i, default in enumerate(defaults) if default is not None]
    if union and defaulted:
        lines.append(f"    if {' and '.join(f'{v} is None' for v in variables)}:")
        for i in defaulted:
            copier = env[f"{_PREFIX}c{i}"]
            value = f"{_PREFIX}c{i}({_PREFIX}d{i})" if copier is not None else f"{_PREFIX}d{i}"
            lines.append("        " + store(i, value))
    if len(lines) == 1:
        lines.append("    pass")
    exec(compile("\n".join(lines), f"<thrifthive: {cls.__qualname__}>", "exec"), env)
    init: Callable[..., None] = env["__init__"]  # type: ignore[assignment]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _copier(default: object) -> Callable[[Any], Any] | None:
    """How to copy a default for an instance; None when it is immutable and can be shared."""
    if isinstance(default, _SCALARS):
        return None
    if isinstance(default, tuple | frozenset) and _all_scalars(default):
        return None
    if isinstance(default, list) and _all_scalars(default):
        return list.copy
    if isinstance(default, set) and _all_scalars(default):
        return set.copy
    if isinstance(default, dict) and _all_scalars(default) and _all_scalars(default.values()):
        return dict.copy
    return copy.deepcopy


def _all_scalars(items: Iterable[object]) -> bool:
    return all(isinstance(item, _SCALARS) for item in items)


def _is_attribute(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def _is_parameter(name: str) -> bool:
    return _is_attribute(name) and name != "self" and not name.startswith(_PREFIX)


def _binder(qualname: str, names: tuple[str, ...], missing: list[object]) -> Bind:
    """Binds ``__init__``'s arguments to field values, with Python's errors for bad calls."""
    index = {name: i for i, name in enumerate(names)}

    def bind(args: tuple[object, ...], kwargs: dict[str, object]) -> list[object]:
        if len(args) > len(names):
            # Counting self, as Python's own message does.
            takes = (
                f"from 1 to {len(names) + 1} positional arguments"
                if names
                else "1 positional argument"
            )
            raise TypeError(f"{qualname}.__init__() takes {takes} but {len(args) + 1} were given")
        values = [*args, *missing[len(args) :]]
        for key, value in kwargs.items():
            i = index.get(key)
            if i is None:
                raise TypeError(f"{qualname}.__init__() got an unexpected keyword argument {key!r}")
            if i < len(args):
                raise TypeError(f"{qualname}.__init__() got multiple values for argument {key!r}")
            values[i] = value
        return values

    return bind
