"""The orders service: orders in SQLite, each placed only for a user the users service knows
(asked through thrifthive.Client, whose NotFound goes back to the caller as this service's own
declared exception)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import thrifthive

from .idl import Base, now_ms, orders, shared, users

SCHEMA = """
create table if not exists orders (
  id integer primary key autoincrement,
  user_id integer not null,
  item text not null,
  quantity integer not null,
  placed_at integer not null
)
"""


class Orders(Base):
    name = "orders"

    def __init__(self, database: Path, users_address: str) -> None:
        self._db = sqlite3.connect(database, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(SCHEMA)
        self._users = thrifthive.Client(users.UserService, users_address, timeout=5.0)

    def placeOrder(self, user_id: int, item: str, quantity: int) -> Any:
        if quantity < 1:
            raise shared.InvalidRequest(message="order at least one", field="quantity")
        self._users.getUserById(user_id)  # raises NotFound for an unknown user
        placed_at = now_ms()
        with self._lock, self._db:
            cursor = self._db.execute(
                "insert into orders (user_id, item, quantity, placed_at) values (?, ?, ?, ?)",
                (user_id, item, quantity, placed_at),
            )
        assert cursor.lastrowid is not None
        return orders.Order(
            id=cursor.lastrowid, user_id=user_id, item=item, quantity=quantity, placed_at=placed_at
        )

    def ordersOf(self, user_id: int) -> list[Any]:
        with self._lock:
            rows = self._db.execute(
                "select id, item, quantity, placed_at from orders where user_id = ? order by id",
                (user_id,),
            ).fetchall()
        return [
            orders.Order(id=id_, user_id=user_id, item=item, quantity=quantity, placed_at=at)
            for id_, item, quantity, at in rows
        ]
