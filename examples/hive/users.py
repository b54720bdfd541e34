"""The users service: users in SQLite. Plain (blocking) methods: they run on the server's
Python threads, so a slow query holds up only its own call."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from .idl import Base, now_ms, shared, users

SCHEMA = """
create table if not exists users (
  id integer primary key autoincrement,
  username text unique not null,
  email text not null,
  status integer not null,
  created_at integer not null
)
"""


class Users(Base):
    name = "users"

    def __init__(self, database: Path) -> None:
        self._db = sqlite3.connect(database, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(SCHEMA)

    def _user(self, row: tuple[Any, ...] | None, what: str) -> Any:
        if row is None:
            raise shared.NotFound(message=f"no user {what}")
        id_, username, email, status, created_at = row
        return users.User(
            id=id_,
            username=username,
            email=email,
            status=users.Status(status),
            created_at=created_at,
        )

    def _one(self, where: str, value: object) -> tuple[Any, ...] | None:
        with self._lock:
            cursor = self._db.execute(
                f"select id, username, email, status, created_at from users where {where} = ?",
                (value,),
            )
            row: tuple[Any, ...] | None = cursor.fetchone()
            return row

    def getUserById(self, user_id: int) -> Any:
        return self._user(self._one("id", user_id), f"with id {user_id}")

    def findUser(self, lookup: Any) -> Any:
        for column in ("id", "username", "email"):
            value = getattr(lookup, column)
            if value is not None:
                return self._user(self._one(column, value), f"with {column} {value!r}")
        raise shared.NotFound(message="an empty lookup finds nobody")

    def listUsers(self, cursor: int, limit: int) -> Any:
        if not 0 < limit <= users.MAX_PAGE_SIZE:
            raise shared.InvalidRequest(message="limit out of range", field="limit")
        with self._lock:
            rows = self._db.execute(
                "select id, username, email, status, created_at from users where id > ? "
                "order by id limit ?",
                (cursor, limit + 1),
            ).fetchall()
        page = [self._user(row, "") for row in rows[:limit]]
        next_cursor = page[-1].id if len(rows) > limit else None
        return users.UserPage(users=page, next_cursor=next_cursor)

    def createUser(self, user: Any) -> int:
        if not user.username:
            raise shared.InvalidRequest(message="a user needs a username", field="username")
        if "@" not in (user.email or ""):
            raise shared.InvalidRequest(message="not an email address", field="email")
        try:
            with self._lock, self._db:
                cursor = self._db.execute(
                    "insert into users (username, email, status, created_at) values (?, ?, ?, ?)",
                    (user.username, user.email, int(user.status), now_ms()),
                )
        except sqlite3.IntegrityError:
            raise shared.InvalidRequest(
                message=f"the username {user.username!r} is taken", field="username"
            ) from None
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def touch(self, user_id: int) -> None:
        pass
