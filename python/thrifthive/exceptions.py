"""Thrift's exception hierarchy, with Apache Thrift's names and type codes.

``TException`` is the base of every Thrift error and of every exception an IDL declares.
``TApplicationException`` travels on the wire (as Apache defines it: field 1 ``message``, field 2
``type``), so it describes itself to the codec like any IDL exception (see ``_spec``).
"""

from __future__ import annotations

from typing import ClassVar

from thrifthive._spec import DEFAULT, KIND_EXCEPTION


class TException(Exception):
    """Base class of all Thrift exceptions."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)
        self.message = message


class _Typed(TException):
    """A Thrift error with a numeric ``type`` code, as Apache's libraries define them."""

    UNKNOWN: ClassVar[int] = 0
    _names: ClassVar[dict[int, str]] = {}

    def __init__(self, type: int = 0, message: str | None = None) -> None:
        super().__init__(message)
        self.type = type

    def __str__(self) -> str:
        if self.message:
            return self.message
        return self._names.get(self.type, f"unknown error (type {self.type})")

    def __reduce__(self) -> tuple[type, tuple[int, str | None]]:
        return (type(self), (self.type, self.message))


class TTransportException(_Typed):
    """A failure of the transport: connecting, reading, writing, timing out. ``unsent`` is
    True when the call failed while connecting, so it never reached a server. ``instance`` is
    the address of the discovered instance the call went to, for a client of a discovery URL
    (a retry avoids it)."""

    unsent: bool = False
    instance: str | None = None

    NOT_OPEN: ClassVar[int] = 1
    ALREADY_OPEN: ClassVar[int] = 2
    TIMED_OUT: ClassVar[int] = 3
    END_OF_FILE: ClassVar[int] = 4
    NEGATIVE_SIZE: ClassVar[int] = 5
    SIZE_LIMIT: ClassVar[int] = 6
    INVALID_CLIENT_TYPE: ClassVar[int] = 7
    _names: ClassVar[dict[int, str]] = {
        0: "transport error",
        1: "transport not open",
        2: "transport already open",
        3: "timed out",
        4: "end of file",
        5: "negative frame size",
        6: "frame size limit exceeded",
        7: "invalid client type",
    }


class TProtocolException(_Typed):
    """Bytes that do not decode: invalid data, sizes over a limit, nesting too deep."""

    INVALID_DATA: ClassVar[int] = 1
    NEGATIVE_SIZE: ClassVar[int] = 2
    SIZE_LIMIT: ClassVar[int] = 3
    BAD_VERSION: ClassVar[int] = 4
    NOT_IMPLEMENTED: ClassVar[int] = 5
    DEPTH_LIMIT: ClassVar[int] = 6
    _names: ClassVar[dict[int, str]] = {
        0: "protocol error",
        1: "invalid data",
        2: "negative size",
        3: "size limit exceeded",
        4: "bad protocol version",
        5: "not implemented",
        6: "nesting depth limit exceeded",
    }


class TApplicationException(_Typed):
    """An error reported by the remote side of a call (codes 0-10, as Apache defines them)."""

    UNKNOWN_METHOD: ClassVar[int] = 1
    INVALID_MESSAGE_TYPE: ClassVar[int] = 2
    WRONG_METHOD_NAME: ClassVar[int] = 3
    BAD_SEQUENCE_ID: ClassVar[int] = 4
    MISSING_RESULT: ClassVar[int] = 5
    INTERNAL_ERROR: ClassVar[int] = 6
    PROTOCOL_ERROR: ClassVar[int] = 7
    INVALID_TRANSFORM: ClassVar[int] = 8
    INVALID_PROTOCOL: ClassVar[int] = 9
    UNSUPPORTED_CLIENT_TYPE: ClassVar[int] = 10
    _names: ClassVar[dict[int, str]] = {
        0: "unknown application error",
        1: "unknown method",
        2: "invalid message type",
        3: "wrong method name",
        4: "bad sequence id",
        5: "missing result",
        6: "internal error",
        7: "protocol error",
        8: "invalid transform",
        9: "invalid protocol",
        10: "unsupported client type",
    }

    __thrift_kind__: ClassVar[str] = KIND_EXCEPTION
    __thrift_spec__: ClassVar[tuple[tuple[object, ...], ...]] = (
        (1, "message", ("string",), DEFAULT, None),
        (2, "type", ("i32",), DEFAULT, 0),
    )
