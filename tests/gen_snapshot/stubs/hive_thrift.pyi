"""The types of ``thrifthive.load("hive.thrift")``: written by ``thrifthive stubs``."""

import builtins as _builtins
import enum as _enum
import typing as _typing
import uuid as _uuid

import shared_thrift
from thrifthive import generated as _th

shared = shared_thrift

__thrift_file__: str

class Status(_enum.IntEnum):
    """The state of an account.

    Banned accounts cannot log in.
    """

    ACTIVE = 1
    BANNED = 2
    """Kept for a while, then deleted."""

class Address:
    """An address, frozen: `(python.immutable)`."""

    __match_args__ = ("street", "city")

    def __init__(self, street: str = ..., city: str = ...) -> None: ...
    @property
    def street(self) -> str:
        """Read-only, as every field of a frozen struct."""
    @property
    def city(self) -> str: ...

class User:
    """A user of the hive."""

    id: int
    """The user's id: unique."""
    name: str
    tags: _builtins.list[str] | None
    status: Status
    counters: dict[str, int]
    paths: set[tuple[int, ...]]
    address: Address | None
    avatar: bytes
    score: float
    key: _uuid.UUID
    list: int

    __match_args__ = (
        "id",
        "name",
        "tags",
        "status",
        "counters",
        "paths",
        "address",
        "avatar",
        "score",
        "key",
        "list",
    )

    def __init__(
        self,
        id: int = ...,
        name: str = ...,
        tags: _builtins.list[str] | None = None,
        status: Status = ...,
        counters: dict[str, int] = ...,
        paths: set[tuple[int, ...]] = ...,
        address: Address | None = None,
        avatar: bytes = ...,
        score: float = ...,
        key: _uuid.UUID = ...,
        list: int = ...,
    ) -> None: ...

class Move:
    """A field named like a Python keyword: no typed `__init__` can take it."""

    to: str

    __match_args__ = ("from", "to")

    def __init__(self, *args: object, **kwargs: object) -> None: ...

class Key:
    """A key to find a user by."""

    id: int | None
    name: str | None

    __match_args__ = ("id", "name")

    def __init__(self, id: int | None = None, name: str | None = None) -> None: ...
    @property
    def _field(self) -> str | None: ...
    @property
    def _value(self) -> object: ...

class Invalid(_th.TException):
    message: int  # type: ignore[assignment]

    __match_args__ = ("message",)

    def __init__(self, message: int = ...) -> None: ...

UserId: _typing.TypeAlias = int
Names: _typing.TypeAlias = list[str]

MAX_USERS: _typing.Final[int]
RESERVED: _typing.Final[frozenset[str]]
"""The names nobody may take."""
ADDRESSES: _typing.Final[dict[Status, list[Address]]]
ROOT: _typing.Final[User]

Users: _th.Service
