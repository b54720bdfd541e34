"""The edge: ``async def`` methods calling the users and orders services through
thrifthive.AsyncClient, both at once for a profile."""

from __future__ import annotations

import asyncio
from typing import Any

import thrifthive

from .idl import Base, edge, orders, users


class Edge(Base):
    name = "edge"

    def __init__(self, users_address: str, orders_address: str) -> None:
        self._users = thrifthive.AsyncClient(users.UserService, users_address, timeout=5.0)
        self._orders = thrifthive.AsyncClient(orders.OrderService, orders_address, timeout=5.0)

    async def signUp(self, username: str, email: str) -> int:
        user = users.User(id=0, username=username, email=email)
        user_id: int = await self._users.createUser(user)
        return user_id

    async def buy(self, user_id: int, item: str, quantity: int) -> Any:
        return await self._orders.placeOrder(user_id, item, quantity)

    async def profile(self, user_id: int) -> Any:
        user, placed = await asyncio.gather(
            self._users.getUserById(user_id), self._orders.ordersOf(user_id)
        )
        return edge.Profile(user=user, orders=placed)
