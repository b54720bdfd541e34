"""How a Thrift class describes itself to the Rust object codec (``thrifthive._native``).

Every class made from an IDL struct, union or exception (by ``thrifthive.load`` or by generated
code) carries three class attributes, and nothing else is read by the codec:

``__thrift_kind__``
    ``"struct"``, ``"union"`` or ``"exception"``.

``__thrift_spec__``
    A tuple of field specs in declaration order, one per field::

        (field_id: int, name: str, type_spec: tuple, requiredness: int, default: object)

    ``requiredness`` is one of ``DEFAULT``, ``REQUIRED``, ``OPTIONAL`` below. ``default`` is the
    IDL default value already converted to its Python form (None when there is none); the codec
    fills an absent field on decode with a fresh copy of it (never the shared object), or None.

``__slots__``
    The field names, in the same order as ``__thrift_spec__``. An unset field holds None.

A ``type_spec`` is a tuple whose first item is a tag:

=================  ========================================  =================================
tag                rest of the tuple                         Python value
=================  ========================================  =================================
``"bool"``         --                                        bool
``"byte"``         --                                        int (i8)
``"i16"``          --                                        int
``"i32"``          --                                        int
``"i64"``          --                                        int
``"double"``       --                                        float (ints accepted on write)
``"string"``       --                                        str
``"binary"``       --                                        bytes (any buffer on write)
``"uuid"``         --                                        uuid.UUID
``"list"``         ``(elem_spec,)``                          list (any sequence on write)
``"set"``          ``(elem_spec,)``                          set (set/frozenset on write)
``"map"``          ``(key_spec, value_spec)``                dict
``"enum"``         ``(EnumClass,)``                          EnumClass member; unknown -> int
``"struct"``       ``(StructClass,)``                        instance (struct/union/exception)
=================  ========================================  =================================

A struct spec refers to its class, not a copy of its fields, so recursive types work: the
codec compiles a plan per class once, on first use, and caches it.
"""

from typing import Final

DEFAULT: Final = 0
REQUIRED: Final = 1
OPTIONAL: Final = 2

KIND_STRUCT: Final = "struct"
KIND_UNION: Final = "union"
KIND_EXCEPTION: Final = "exception"
