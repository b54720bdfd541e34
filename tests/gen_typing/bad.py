# A program with type errors in its use of a generated package and of load() stubs: mypy must
# report exactly the errors marked with their code at the end of the line
# (tests/test_gen_typing.py). Never run.
from __future__ import annotations

from typing import TYPE_CHECKING

from hive.users import Address, User, UsersClient, UsersHandler

import thrifthive

if TYPE_CHECKING:
    import hive_thrift as loaded
else:
    loaded = thrifthive.load("hive.thrift")


def wrong_argument(client: UsersClient) -> None:
    client.get("one")  # error: arg-type


def wrong_result(client: UsersClient) -> str:
    return client.create(User(id=1))  # error: return-value


def wrong_field() -> None:
    User(id=1, name=2)  # error: arg-type
    user = User(id=1)
    user.score = "high"  # error: assignment


def frozen_field(address: Address) -> None:
    address.city = "Rome"  # error: misc


def wrong_loaded_field() -> None:
    loaded.User(id="1")  # error: arg-type


class Partial:
    def ping(self) -> bool:
        return True


handler: UsersHandler = Partial()  # error: assignment
