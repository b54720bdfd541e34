"""Thrift objects to bytes and back: :func:`dumps`, :func:`loads`, and message envelopes.

The work is done in Rust (``thrifthive._native``) in one pass, guided by a plan compiled from a
class's ``__thrift_spec__`` (see ``_spec``) on first use and cached in the class's own
``__dict__`` as ``__thrift_plan__``; a class's spec must not change after that.

The ``protocol`` argument names the wire format: ``"binary"`` (TBinaryProtocol; message headers
written strict, read strict or old-style), ``"compact"`` (TCompactProtocol) or ``"json"``
(TJSONProtocol as Apache's C++ library writes it). The bytes are what Apache Thrift's libraries
write: fields in id order, fields that are None left out.

Encoding checks every value: a value of the wrong type is a ``TypeError`` and an int out of its
type's range an ``OverflowError``, both naming where (``UserPage.users[3].id: expected int, got
str``); a required field left None, or a union without exactly one field set, is a
:class:`~thrifthive.exceptions.TProtocolException` (``INVALID_DATA``), as Apache's ``validate()``
raises. An object nested deeper than ``limits.max_depth`` (say, one that contains itself) is a
``TProtocolException`` (``DEPTH_LIMIT``).

Decoding never trusts the input: every length is checked against :class:`Limits` (and against
the bytes left) before anything is allocated, and any malformed, truncated or over-limit input is
a ``TProtocolException`` with Apache's type code, naming the limit and the value. Unknown fields
are skipped; a known field that arrives with another wire type (or a container with other
element types) is skipped as well, never misread. A required field that is missing is accepted,
as Apache's Python library and thriftpy2 accept it, unless ``strict=True``. Absent fields get a
fresh copy of their default, or None. ``loads`` wants the whole input to be one struct: bytes
left after it are an error, since they mean the input is not what the caller thinks.

Decoded containers are ``list``, ``set`` and ``dict``, except where Python needs a hashable value:
in set elements and map keys (and everything inside them) a list decodes to a ``tuple``, a set to
a ``frozenset`` and a map to a :class:`FrozenDict`, as Apache's generated code does for
``python.immutable`` containers.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any, NamedTuple, NoReturn, TypeVar

from thrifthive import _native
from thrifthive._native import Limits, dumps, loads

__all__ = [
    "FrozenDict",
    "Limits",
    "Message",
    "MessageType",
    "decode_message",
    "dumps",
    "encode_message",
    "loads",
]


_K = TypeVar("_K")
_V = TypeVar("_V")


class FrozenDict(dict[_K, _V]):
    """A dict that cannot be changed and hashes by its items: what a map decodes to where it must
    be hashable (a set element, a map key, or inside one)."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def _immutable(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is immutable")

    __setitem__ = __delitem__ = __ior__ = _immutable
    clear = pop = popitem = setdefault = update = _immutable

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"

    def __reduce__(self) -> tuple[type[FrozenDict[_K, _V]], tuple[dict[_K, _V]]]:
        return (type(self), (dict(self),))


class MessageType(IntEnum):
    """The kind of a message, with Apache Thrift's ``TMessageType`` codes."""

    CALL = 1
    REPLY = 2
    EXCEPTION = 3
    ONEWAY = 4


class Message(NamedTuple):
    """A decoded message: its header and its body."""

    name: str
    type: MessageType
    seqid: int
    body: object | None
    """The struct, a ``TApplicationException`` for an exception message, or None when the name
    is not among the body types asked for."""


def encode_message(
    name: str,
    type: MessageType,
    seqid: int,
    body: object,
    protocol: str = "binary",
    *,
    limits: Limits | None = None,
) -> bytes:
    """Encodes a message: the header (``name``, ``type``, ``seqid``) and then ``body``.

    ``body`` is the method's argument struct for a call or oneway call, its result struct for a
    reply, and a :class:`~thrifthive.exceptions.TApplicationException` for an exception.
    """
    return _native.encode_message(name, type, seqid, body, protocol, limits=limits)


def decode_message(
    data: bytes | bytearray | memoryview,
    body_types: type | Mapping[str, type],
    protocol: str = "binary",
    *,
    strict: bool = False,
    limits: Limits | None = None,
) -> Message:
    """Decodes a message: its header, then its body as an instance of ``body_types``.

    ``body_types`` is the body's class (a client knows the result type of the call it made) or a
    mapping from method names to classes (a server looks the name up); a name missing from the
    mapping leaves the body undecoded and None, so that the caller can still answer with the
    name and seqid. An exception message's body is always a ``TApplicationException``.
    """
    name, message_type, seqid, body = _native.decode_message(
        data, body_types, protocol, strict=strict, limits=limits
    )
    return Message(name, MessageType(message_type), seqid, body)
