"""msgspec Structs of the same shape as bench.thrift's types (msgspec resolves annotations in
module globals, so they live at module level). Every field but the required ones defaults to
None, like an unset Thrift field."""

from __future__ import annotations

import enum

import msgspec


class Status(enum.IntEnum):
    ACTIVE = 1
    SUSPENDED = 2


class Address(msgspec.Struct):
    street: str | None = None
    city: str | None = None
    zip: int | None = None


class User(msgspec.Struct):
    id: int
    username: str
    email: str
    tags: list[str] | None = None
    counters: dict[str, int] | None = None
    address: Address | None = None
    status: Status | None = None
    score: float | None = None
    avatar: bytes | None = None
    active: bool | None = None


class UserPage(msgspec.Struct):
    users: list[User] | None = None
    total: int | None = None


class Blob(msgspec.Struct):
    data: bytes | None = None
