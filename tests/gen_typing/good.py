# A program using generated packages and load() stubs as their users would: mypy --strict
# must pass on it (tests/test_gen_typing.py). Never run, only type checked.
from __future__ import annotations

from typing import TYPE_CHECKING

from apache.DebugProtoTest import CompactProtoTestStruct, OneOfEach
from apache.ThriftTest import Insanity, Numberz, ThriftTestClient, Xtruct
from hive.shared import NotFound
from hive.users import (
    ADDRESSES,
    RESERVED,
    Address,
    Key,
    Status,
    User,
    Users,
    UsersAsyncClient,
    UsersAsyncHandler,
    UsersClient,
    UsersHandler,
)

import thrifthive

if TYPE_CHECKING:
    import hive_thrift as loaded
else:
    loaded = thrifthive.load("hive.thrift")


class Handler:
    """Implements UsersHandler, inherited ``ping`` included."""

    def ping(self) -> bool:
        return True

    def get(self, id: int) -> User:
        if id < 0:
            raise NotFound(message="no such user", id=id)
        return User(id=id, tags=["a"], status=Status.BANNED)

    def create(self, user: User, notify: bool) -> int:
        return user.id

    def find(self, keys: set[Key]) -> dict[Key, User]:
        return {key: User(id=1) for key in keys if key.id is not None}

    def forget(self, id: int) -> None:
        pass

    def rename(self, id: int, new_name: str) -> None:
        pass


class AsyncHandler:
    async def ping(self) -> bool:
        return True

    async def get(self, id: int) -> User:
        return User(id=id)

    async def create(self, user: User, notify: bool) -> int:
        return 1

    async def find(self, keys: set[Key]) -> dict[Key, User]:
        return {}

    async def forget(self, id: int) -> None:
        pass

    async def rename(self, id: int, new_name: str) -> None:
        pass


def serve() -> thrifthive.Server:
    handler: UsersHandler = Handler()
    async_handler: UsersAsyncHandler = AsyncHandler()
    assert async_handler is not None
    return thrifthive.Server(Users, handler, port=0)


def call(client: UsersClient) -> str:
    user = client.get(1)
    created: int = client.create(User(id=2, address=Address(street="Rue")))
    found = client.find({Key(id=created)})
    client.forget(1)
    alive: bool = client.ping()
    client.rename(1, "new")
    return f"{user.name} {found} {alive} {user.paths} {RESERVED} {ADDRESSES}"


async def call_async(client: UsersAsyncClient) -> int:
    user = await client.get(1)
    return user.id + await client.create(user, True)


def thrift_test(client: ThriftTestClient) -> int:
    thing = Xtruct(string_thing="a", byte_thing=1, i32_thing=2, i64_thing=3)
    echoed: Xtruct = client.testStruct(thing)
    insane = client.testInsanity(Insanity(userMap={Numberz.ONE: 1}, xtructs=[thing]))
    return echoed.i32_thing + client.testI32(5) + len(insane)


def debug_proto() -> float:
    each = OneOfEach(im_true=True, double_precision=1.5, some_characters="x")
    compact = CompactProtoTestStruct(a_byte=1, set_byte_map={frozenset({1}): 2})
    return each.double_precision + compact.a_byte


def run_time_loaded() -> str:
    user: loaded.User = loaded.User(id=1, name="x")
    status: loaded.Status = loaded.Status.ACTIVE
    return f"{user.name} {status.name} {loaded.MAX_USERS + 1} {loaded.shared.NotFound}"
